// A small, strict, integer-only JSON reader and the JSON-writing helpers the contracts need.
// The reader walks UTF-8 bytes in place: objects and arrays are iterated with beginObject/nextKey and
// beginArray/nextItem, scalars are read with readString/readU64/readI64/readBool/readNull and anything
// unwanted is skipped with skipValue. Numbers with a fraction or an exponent are rejected by the
// integer readers (serde-json-wasm is equally strict, spec/cosmwasm-abi.md §4.4) and merely skipped by
// skipValue. Errors do not trap: the first one sets `failed` (with a short `error` text) and every
// later call becomes a no-op, so a contract checks `failed` once and answers with a parse error.

import { Bytes, Buf } from "./bytes";

const MAX_DEPTH: i32 = 64;

export class JsonReader {
  pos: usize;
  end: usize;
  failed: bool = false;
  error: string = "";
  private depth: i32 = 0;
  /** Bit d set = the container at depth d has not produced an element yet. */
  private first: u64 = 0;

  constructor(public input: Bytes) {
    this.pos = input.ptr;
    this.end = input.ptr + input.len;
  }

  fail(msg: string): void {
    if (!this.failed) { this.failed = true; this.error = msg; }
    this.pos = this.end;
  }

  private ws(): void {
    while (this.pos < this.end) {
      const c = load<u8>(this.pos);
      if (c == 32 || c == 9 || c == 10 || c == 13) this.pos++; else break;
    }
  }

  /** The next significant byte without consuming it; -1 at the end of input or after a failure. */
  peek(): i32 {
    if (this.failed) return -1;
    this.ws();
    return this.pos < this.end ? <i32>load<u8>(this.pos) : -1;
  }

  private expect(c: i32): bool {
    if (this.peek() != c) { this.fail("expected '" + String.fromCharCode(c) + "'"); return false; }
    this.pos++;
    return true;
  }

  /** After the top-level value: only whitespace may follow. */
  finish(): bool {
    if (this.peek() != -1) this.fail("trailing characters");
    return !this.failed;
  }

  private push(): bool {
    if (this.depth >= MAX_DEPTH) { this.fail("recursion limit exceeded"); return false; }
    this.depth++;
    this.first |= (<u64>1) << <u64>this.depth;
    return true;
  }

  private pop(): void {
    this.first &= ~((<u64>1) << <u64>this.depth);
    this.depth--;
  }

  isObject(): bool { return this.peek() == 123; }
  isArray(): bool { return this.peek() == 91; }
  isString(): bool { return this.peek() == 34; }
  isNull(): bool { return this.peek() == 110; }

  beginObject(): bool {
    if (!this.expect(123)) return false;
    return this.push();
  }

  /** The next key of the current object, or null at its end (the '}' is consumed). */
  nextKey(): Bytes | null {
    const c = this.peek();
    if (c < 0) { this.fail("unexpected end of object"); return null; }
    const bit = (<u64>1) << <u64>this.depth;
    if (c == 125) { this.pos++; this.pop(); return null; }
    if ((this.first & bit) != 0) this.first &= ~bit;
    else if (!this.expect(44)) return null;
    if (!this.isString()) { this.fail("expected a key"); return null; }
    const key = this.readString();
    if (!this.expect(58)) return null;
    return key;
  }

  beginArray(): bool {
    if (!this.expect(91)) return false;
    return this.push();
  }

  /** True if another element follows in the current array; false at its end (the ']' is consumed). */
  nextItem(): bool {
    const c = this.peek();
    if (c < 0) { this.fail("unexpected end of array"); return false; }
    const bit = (<u64>1) << <u64>this.depth;
    if (c == 93) { this.pos++; this.pop(); return false; }
    if ((this.first & bit) != 0) this.first &= ~bit;
    else if (!this.expect(44)) return false;
    return true;
  }

  /** A string value, unescaped to UTF-8. Without escapes the result points into the input. */
  readString(): Bytes {
    if (!this.expect(34)) return Bytes.empty();
    const start = this.pos;
    let escaped = false;
    while (true) {
      if (this.pos >= this.end) { this.fail("unterminated string"); return Bytes.empty(); }
      const c = load<u8>(this.pos);
      if (c == 34) break;
      if (c < 32) { this.fail("control character in string"); return Bytes.empty(); }
      if (c == 92) { escaped = true; this.pos += 2; continue; }
      this.pos++;
    }
    const raw = new Bytes(start, this.pos - start);
    this.pos++; // closing quote
    if (!escaped) return raw;
    return this.unescape(raw);
  }

  private hex4(p: usize): i32 {
    let v = 0;
    for (let i: usize = 0; i < 4; i++) {
      const c = <i32>load<u8>(p + i);
      let d: i32;
      if (c >= 48 && c <= 57) d = c - 48;
      else if (c >= 97 && c <= 102) d = c - 87;
      else if (c >= 65 && c <= 70) d = c - 55;
      else return -1;
      v = (v << 4) | d;
    }
    return v;
  }

  private unescape(raw: Bytes): Bytes {
    const out = new Buf(raw.len);
    let p = raw.ptr;
    const end = raw.ptr + raw.len;
    while (p < end) {
      const c = <i32>load<u8>(p);
      if (c != 92) { out.byte(c); p++; continue; }
      if (p + 1 >= end) { this.fail("bad escape"); return Bytes.empty(); }
      const e = <i32>load<u8>(p + 1);
      p += 2;
      if (e == 34 || e == 92 || e == 47) out.byte(e);
      else if (e == 98) out.byte(8);
      else if (e == 102) out.byte(12);
      else if (e == 110) out.byte(10);
      else if (e == 114) out.byte(13);
      else if (e == 116) out.byte(9);
      else if (e == 117) {
        if (p + 4 > end) { this.fail("bad \\u escape"); return Bytes.empty(); }
        let cp = this.hex4(p);
        p += 4;
        if (cp < 0) { this.fail("bad \\u escape"); return Bytes.empty(); }
        if (cp >= 0xd800 && cp < 0xdc00) {
          // A high surrogate must be followed by \u + low surrogate.
          if (p + 6 > end || load<u8>(p) != 92 || load<u8>(p + 1) != 117) { this.fail("lone surrogate"); return Bytes.empty(); }
          const lo = this.hex4(p + 2);
          if (lo < 0xdc00 || lo >= 0xe000) { this.fail("lone surrogate"); return Bytes.empty(); }
          p += 6;
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        } else if (cp >= 0xdc00 && cp < 0xe000) { this.fail("lone surrogate"); return Bytes.empty(); }
        writeCodePoint(out, cp);
      } else { this.fail("bad escape"); return Bytes.empty(); }
    }
    return out.bytes();
  }

  /** An unsigned integer number (no sign, fraction or exponent; must fit in u64). */
  readU64(): u64 {
    if (this.peek() < 0) { this.fail("expected a number"); return 0; }
    return this.digits(true);
  }

  /** A signed integer number that fits in i64. */
  readI64(): i64 {
    let neg = false;
    if (this.peek() == 45) { neg = true; this.pos++; }
    if (this.failed) return 0;
    const limit: u64 = neg ? (<u64>1 << 63) : (<u64>1 << 63) - 1;
    const v = this.digits(false);
    if (this.failed) return 0;
    if (v > limit) { this.fail("number out of range"); return 0; }
    return neg ? <i64>(0 - v) : <i64>v;
  }

  private digits(_unsigned: bool): u64 {
    const start = this.pos;
    let v: u64 = 0;
    while (this.pos < this.end) {
      const c = <i32>load<u8>(this.pos);
      if (c < 48 || c > 57) break;
      const d = <u64>(c - 48);
      if (v > (<u64>0xffffffffffffffff - d) / 10) { this.fail("number out of range"); return 0; }
      v = v * 10 + d;
      this.pos++;
    }
    const n = this.pos - start;
    if (n == 0) { this.fail("expected a number"); return 0; }
    if (n > 1 && load<u8>(start) == 48) { this.fail("leading zero"); return 0; }
    if (this.pos < this.end) {
      const c = load<u8>(this.pos);
      if (c == 46 || c == 101 || c == 69) { this.fail("expected an integer"); return 0; }
    }
    return v;
  }

  readBool(): bool {
    const c = this.peek();
    if (c == 116 && this.literal("true")) return true;
    if (c == 102 && this.literal("false")) return false;
    this.fail("expected a boolean");
    return false;
  }

  readNull(): void {
    if (!this.literal("null")) this.fail("expected null");
  }

  private literal(s: string): bool {
    const n = <usize>s.length;
    if (this.pos + n > this.end) return false;
    for (let i: usize = 0; i < n; i++) {
      if (<i32>load<u8>(this.pos + i) != s.charCodeAt(<i32>i)) return false;
    }
    this.pos += n;
    return true;
  }

  /** Skips one value of any type (numbers are checked for shape only, never converted). */
  skipValue(): void {
    const c = this.peek();
    if (c == 123) {
      if (!this.beginObject()) return;
      while (this.nextKey() != null) this.skipValue();
    } else if (c == 91) {
      if (!this.beginArray()) return;
      while (this.nextItem()) this.skipValue();
    } else if (c == 34) {
      this.readString();
    } else if (c == 116 || c == 102) {
      this.readBool();
    } else if (c == 110) {
      this.readNull();
    } else if (c == 45 || (c >= 48 && c <= 57)) {
      if (c == 45) this.pos++;
      let digits = 0;
      while (this.pos < this.end) {
        const d = <i32>load<u8>(this.pos);
        if ((d >= 48 && d <= 57) || d == 46 || d == 101 || d == 69 || d == 43 || d == 45) { this.pos++; digits++; }
        else break;
      }
      if (digits == 0) this.fail("expected a number");
    } else {
      this.fail("expected a value");
    }
  }
}

export function writeCodePoint(out: Buf, cp: i32): void {
  if (cp < 0x80) out.byte(cp);
  else if (cp < 0x800) { out.byte(0xc0 | (cp >> 6)); out.byte(0x80 | (cp & 63)); }
  else if (cp < 0x10000) { out.byte(0xe0 | (cp >> 12)); out.byte(0x80 | ((cp >> 6) & 63)); out.byte(0x80 | (cp & 63)); }
  else {
    out.byte(0xf0 | (cp >> 18)); out.byte(0x80 | ((cp >> 12) & 63));
    out.byte(0x80 | ((cp >> 6) & 63)); out.byte(0x80 | (cp & 63));
  }
}

const HEX = "0123456789abcdef";

/** Appends `bytes` (UTF-8) as a quoted JSON string, escaping '"', '\\' and control characters. */
export function jsonString(out: Buf, bytes: Bytes): Buf {
  out.byte(34);
  for (let i: usize = 0; i < bytes.len; i++) {
    const c = <i32>load<u8>(bytes.ptr + i);
    if (c == 34 || c == 92) { out.byte(92); out.byte(c); }
    else if (c == 10) { out.byte(92); out.byte(110); }
    else if (c == 13) { out.byte(92); out.byte(114); }
    else if (c == 9) { out.byte(92); out.byte(116); }
    else if (c < 32) {
      out.str("\\u00"); out.byte(HEX.charCodeAt(c >> 4)); out.byte(HEX.charCodeAt(c & 15));
    } else out.byte(c);
  }
  out.byte(34);
  return out;
}

/** Appends a string literal as a quoted JSON string. */
export function jsonStringLit(out: Buf, s: string): Buf {
  return jsonString(out, Bytes.of(s));
}

/** Result of parseDecimalU64. */
export class ParsedU64 {
  constructor(public ok: bool, public value: u64) {}
}

/** Parses a decimal string (as Uint64/Uint128 fields carry numbers) that must fit in u64. */
export function parseDecimalU64(b: Bytes): ParsedU64 {
  if (b.len == 0 || b.len > 20) return new ParsedU64(false, 0);
  if (b.len > 1 && b.at(0) == 48) return new ParsedU64(false, 0);
  let v: u64 = 0;
  for (let i: usize = 0; i < b.len; i++) {
    const c = <i32>b.at(i);
    if (c < 48 || c > 57) return new ParsedU64(false, 0);
    const d = <u64>(c - 48);
    if (v > (<u64>0xffffffffffffffff - d) / 10) return new ParsedU64(false, 0);
    v = v * 10 + d;
  }
  return new ParsedU64(true, v);
}
