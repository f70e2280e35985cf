/**
 * Byte-level reading and writing of the binary format: LEB128 integers (spec §5.2.2), IEEE floats as
 * raw bits, names (UTF-8, §5.2.4) and vectors.
 *
 * `ByteReader` keeps `base`, the absolute offset of its first byte in the original file, so that every
 * error names the position in the file, not in a slice. `ByteWriter` is a growable buffer.
 */
import { malformed, overLimit } from './errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8enc = new TextEncoder();

export class ByteReader {
  /** Position within `bytes`. */
  pos: number;
  readonly end: number;

  constructor(
    readonly bytes: Uint8Array,
    /** Absolute offset in the file of `bytes[0]`. */
    readonly base = 0,
    start = 0,
    end = bytes.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  /** Absolute offset (in the file) of the current position. */
  get offset(): number {
    return this.base + this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  u8(what = 'byte'): number {
    if (this.pos >= this.end) throw malformed(`unexpected end of input while reading ${what}`, this.offset);
    return this.bytes[this.pos++];
  }

  /** Unsigned LEB128 of at most 32 bits (spec: u32). */
  u32(what = 'u32'): number {
    const start = this.pos;
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) throw malformed(`unexpected end of input in LEB128 ${what}`, this.base + start);
      const b = this.bytes[this.pos++];
      if (shift === 28) {
        // Fifth byte: only the low 4 bits may be used and no continuation.
        if (b & 0x80) throw malformed(`LEB128 ${what} is longer than 5 bytes`, this.base + start);
        if (b & 0x70) throw malformed(`LEB128 ${what} does not fit in 32 bits`, this.base + start);
        result += b * 0x10000000;
        return result;
      }
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
  }

  /** Signed LEB128 of at most 32 bits (spec: s32); returns a signed number. */
  s32(what = 's32'): number {
    const start = this.pos;
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) throw malformed(`unexpected end of input in LEB128 ${what}`, this.base + start);
      const b = this.bytes[this.pos++];
      if (shift === 28) {
        if (b & 0x80) throw malformed(`LEB128 ${what} is longer than 5 bytes`, this.base + start);
        // Bits 3..6 of the last byte must equal the sign bit (bit 3).
        const top = b & 0x78;
        if (top !== 0 && top !== 0x78) throw malformed(`LEB128 ${what} does not fit in 32 bits`, this.base + start);
        return result | (b << 28);
      }
      result |= (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) === 0) {
        if (shift < 32 && b & 0x40) result |= -1 << shift;
        return result;
      }
    }
  }

  /** Signed LEB128 of at most 33 bits (block types, spec: s33), as a number. */
  s33(what = 's33'): number {
    const start = this.pos;
    let result = 0;
    let mul = 1;
    for (let i = 0; ; i++) {
      if (this.pos >= this.end) throw malformed(`unexpected end of input in LEB128 ${what}`, this.base + start);
      const b = this.bytes[this.pos++];
      if (i === 4) {
        if (b & 0x80) throw malformed(`LEB128 ${what} is longer than 5 bytes`, this.base + start);
        // 33 bits: 28 used so far, 5 bits here; bits 4..6 must equal the sign bit (bit 4).
        const top = b & 0x70;
        const sign = b & 0x10;
        if (!((sign === 0 && top === 0) || (sign !== 0 && top === 0x70))) {
          throw malformed(`LEB128 ${what} does not fit in 33 bits`, this.base + start);
        }
        result += (b & 0x1f) * mul;
        if (sign) result -= 2 ** 33;
        return result;
      }
      result += (b & 0x7f) * mul;
      mul *= 128;
      if ((b & 0x80) === 0) {
        if (b & 0x40) result -= mul;
        return result;
      }
    }
  }

  /** Signed LEB128 of at most 64 bits (spec: s64), as a bigint. */
  s64(what = 's64'): bigint {
    const start = this.pos;
    let result = 0n;
    let shift = 0n;
    for (let i = 0; ; i++) {
      if (this.pos >= this.end) throw malformed(`unexpected end of input in LEB128 ${what}`, this.base + start);
      const b = this.bytes[this.pos++];
      if (i === 9) {
        if (b & 0x80) throw malformed(`LEB128 ${what} is longer than 10 bytes`, this.base + start);
        // 63 bits used; this byte holds bit 63 (its bit 0) and bits 1..6 must repeat it.
        if (b !== 0 && b !== 0x7f) throw malformed(`LEB128 ${what} does not fit in 64 bits`, this.base + start);
        result |= BigInt(b & 0x7f) << shift;
        return BigInt.asIntN(64, result);
      }
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) {
        if (b & 0x40) result -= 1n << shift;
        return BigInt.asIntN(64, result);
      }
    }
  }

  /** Skips a signed 64-bit LEB128 without building its value (validation does not need it). */
  skipS64(what = 's64'): void {
    const start = this.pos;
    for (let i = 0; ; i++) {
      if (this.pos >= this.end) throw malformed(`unexpected end of input in LEB128 ${what}`, this.base + start);
      const b = this.bytes[this.pos++];
      if (i === 9) {
        if (b & 0x80) throw malformed(`LEB128 ${what} is longer than 10 bytes`, this.base + start);
        if (b !== 0 && b !== 0x7f) throw malformed(`LEB128 ${what} does not fit in 64 bits`, this.base + start);
        return;
      }
      if ((b & 0x80) === 0) return;
    }
  }

  /** Four raw bytes, little-endian, as u32 (f32 bit patterns). */
  u32le(what = 'f32'): number {
    if (this.end - this.pos < 4) throw malformed(`unexpected end of input while reading ${what}`, this.offset);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }

  /** Eight raw bytes, little-endian, as u64 bigint (f64 bit patterns). */
  u64le(what = 'f64'): bigint {
    if (this.end - this.pos < 8) throw malformed(`unexpected end of input while reading ${what}`, this.offset);
    const lo = this.u32le(what);
    const hi = this.u32le(what);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  skip(n: number, what: string): void {
    if (n > this.end - this.pos) throw malformed(`unexpected end of input: ${what} needs ${n} bytes, ${this.end - this.pos} left`, this.offset);
    this.pos += n;
  }

  bytesOf(n: number, what: string): Uint8Array {
    const at = this.pos;
    this.skip(n, what);
    return this.bytes.subarray(at, at + n);
  }

  /** A name: u32 length, then that many bytes of valid UTF-8. */
  name(what = 'name', maxLen = Infinity): string {
    const at = this.offset;
    const len = this.u32(`${what} length`);
    if (len > maxLen) throw overLimit(`${what} length`, len, maxLen, 'MAX_STRING_SIZE', at);
    const raw = this.bytesOf(len, what);
    try {
      return utf8.decode(raw);
    } catch {
      throw malformed(`${what} is not valid UTF-8`, at);
    }
  }

  /**
   * A vector length, checked against a named limit and against the bytes left (each element takes at
   * least `minElemSize` bytes), so that a forged count never makes us allocate or loop for nothing.
   */
  count(what: string, limit: number, limitName: string, minElemSize = 1): number {
    const at = this.offset;
    const n = this.u32(`${what} count`);
    if (n > limit) throw overLimit(`${what} count`, n, limit, limitName, at);
    if (n * minElemSize > this.end - this.pos) {
      throw malformed(`${what} count ${n} is larger than the ${this.end - this.pos} bytes left`, at);
    }
    return n;
  }
}

export function utf8Bytes(s: string): Uint8Array {
  return utf8enc.encode(s);
}

/** A growable byte buffer with the binary format's primitive encodings. */
export class ByteWriter {
  buf: Uint8Array;
  len = 0;

  constructor(initial = 1024) {
    this.buf = new Uint8Array(initial);
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.len));
    this.buf = nb;
  }

  u8(b: number): this {
    this.ensure(1);
    this.buf[this.len++] = b;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  u32(v: number): this {
    this.ensure(5);
    v >>>= 0;
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) b |= 0x80;
      this.buf[this.len++] = b;
    } while (v !== 0);
    return this;
  }

  s32(v: number): this {
    this.ensure(5);
    v |= 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
        this.buf[this.len++] = b;
        return this;
      }
      this.buf[this.len++] = b | 0x80;
    }
  }

  /** Signed LEB128 of a number in the s33 range (block type indices). */
  s33(v: number): this {
    this.ensure(5);
    for (;;) {
      const b = ((v % 128) + 128) % 128;
      v = Math.floor(v / 128);
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
        this.buf[this.len++] = b;
        return this;
      }
      this.buf[this.len++] = b | 0x80;
    }
  }

  s64(v: bigint): this {
    this.ensure(10);
    v = BigInt.asIntN(64, v);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
        this.buf[this.len++] = b;
        return this;
      }
      this.buf[this.len++] = b | 0x80;
    }
  }

  u32le(v: number): this {
    this.ensure(4);
    this.buf[this.len++] = v & 0xff;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = (v >>> 16) & 0xff;
    this.buf[this.len++] = (v >>> 24) & 0xff;
    return this;
  }

  u64le(v: bigint): this {
    this.u32le(Number(v & 0xffffffffn));
    this.u32le(Number((v >> 32n) & 0xffffffffn));
    return this;
  }

  name(s: string): this {
    const b = utf8enc.encode(s);
    this.u32(b.length);
    return this.bytes(b);
  }

  /** Writes `inner`'s bytes prefixed by their length (sections, bodies, sub-sections). */
  sized(inner: ByteWriter): this {
    this.u32(inner.len);
    return this.bytes(inner.finish());
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}
