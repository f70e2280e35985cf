// Reading contract messages with the JsonReader: externally tagged enums (`{"<variant>":{…}}`),
// struct fields with serde's error texts (unknown / duplicate / missing field, unknown variant), raw
// JSON slices (to pass a value through untouched), and a path lookup for Env / MessageInfo fields.
// serde's texts are mirrored so that a contract's parse errors read like a Rust contract's:
//   unknown variant `x`, expected one of `a`, `b`, `c`   (`expected `a` or `b`` for two, one: `expected `a``)
//   unknown field `x`, expected one of …                 (`there are no fields` for an empty struct)
//   duplicate field `x`, missing field `x`

import { Bytes, Buf } from "./bytes";
import { JsonReader } from "./json";

/** The bytes as an AssemblyScript string (for error texts; invalid UTF-8 becomes U+FFFD). */
export function bytesToString(b: Bytes): string {
  return String.UTF8.decodeUnsafe(b.ptr, b.len);
}

/** "`a`, `b`" lists in serde's `OneOf` style, after `expected`. */
function oneOf(out: Buf, names: Array<string>, none: string): void {
  if (names.length == 0) { out.str(none); return; }
  if (names.length == 1) { out.str("expected `").str(names[0]).str("`"); return; }
  if (names.length == 2) { out.str("expected `").str(names[0]).str("` or `").str(names[1]).str("`"); return; }
  out.str("expected one of ");
  for (let i = 0; i < names.length; i++) {
    if (i > 0) out.str(", ");
    out.str("`").str(names[i]).str("`");
  }
}

/** `unknown variant `x`, expected one of …` */
export function unknownVariant(variant: Bytes, expected: Array<string>): Bytes {
  const out = new Buf(64 + expected.length * 16).str("unknown variant `").append(variant).str("`, ");
  oneOf(out, expected, "there are no variants");
  return out.bytes();
}

/** `unknown field `x`, expected one of …` */
export function unknownField(field: Bytes, expected: Array<string>): Bytes {
  const out = new Buf(64 + expected.length * 16).str("unknown field `").append(field).str("`, ");
  oneOf(out, expected, "there are no fields");
  return out.bytes();
}

/** `{"<name>":…}`: the variant name, with the reader positioned on its value. */
export function readVariant(r: JsonReader): Bytes | null {
  if (!r.beginObject()) return null;
  const k = r.nextKey();
  if (k == null) { r.fail("expected a variant"); return null; }
  return k;
}

/** After the variant's value: the enclosing object must end here, and nothing may follow. */
export function endVariant(r: JsonReader): void {
  if (r.nextKey() != null) r.fail("expected a single variant");
  r.finish();
}

/** Reads `{}` (a struct variant without fields); any field is an unknown field. */
export function readEmptyObject(r: JsonReader): void {
  if (!r.beginObject()) return;
  const k = r.nextKey();
  if (k != null) r.fail(bytesToString(unknownField(k, [])));
}

/** The raw JSON text of the next value (validated by skipping it); empty after a failure. */
export function readRaw(r: JsonReader): Bytes {
  if (r.peek() < 0) { r.fail("expected a value"); return Bytes.empty(); }
  const start = r.pos;
  r.skipValue();
  if (r.failed) return Bytes.empty();
  return new Bytes(start, r.pos - start);
}

/**
 * Struct fields by name: `begin` the object, then call `next` until it returns -1; it returns the
 * index of the field in `names` with the reader on its value (unknown and duplicate fields fail the
 * reader). `require(i)` fails with `missing field` for an absent field.
 */
export class Fields {
  private seen: u64 = 0;
  constructor(public r: JsonReader, public names: Array<string>) {}

  begin(): bool {
    return this.r.beginObject();
  }

  next(): i32 {
    const k = this.r.nextKey();
    if (k == null) return -1;
    for (let i = 0; i < this.names.length; i++) {
      if (k.eq(this.names[i])) {
        const bit = (<u64>1) << <u64>i;
        if ((this.seen & bit) != 0) { this.r.fail("duplicate field `" + this.names[i] + "`"); return -1; }
        this.seen |= bit;
        return i;
      }
    }
    this.r.fail(bytesToString(unknownField(k, this.names)));
    return -1;
  }

  has(i: i32): bool {
    return (this.seen & ((<u64>1) << <u64>i)) != 0;
  }

  /** Fails the reader with `missing field` unless field i was seen (no-op after a failure). */
  require(i: i32): void {
    if (!this.r.failed && !this.has(i)) this.r.fail("missing field `" + this.names[i] + "`");
  }
}

/**
 * Reads an object whose fields are all strings. Returns the values in `names` order (null when
 * absent); every field is required unless its bit is set in `optional`.
 */
export function readStringFields(r: JsonReader, names: Array<string>, optional: u64 = 0): Array<Bytes | null> {
  const out = new Array<Bytes | null>(names.length);
  for (let i = 0; i < names.length; i++) out[i] = null;
  const f = new Fields(r, names);
  if (!f.begin()) return out;
  let i: i32;
  while ((i = f.next()) >= 0) out[i] = r.readString();
  for (let j = 0; j < names.length; j++) {
    if ((optional & ((<u64>1) << <u64>j)) == 0) f.require(j);
  }
  return out;
}

/** Finds a string at a path of object keys, e.g. ["message","sender"]; null if missing or not a string. */
export function findString(input: Bytes, path: Array<string>): Bytes | null {
  const r = findValue(input, path);
  if (r == null || !r.isString()) return null;
  const s = r.readString();
  return r.failed ? null : s;
}

/** A reader positioned on the value at a path of object keys; null if the path does not exist. */
export function findValue(input: Bytes, path: Array<string>): JsonReader | null {
  const r = new JsonReader(input);
  for (let level = 0; level < path.length; level++) {
    if (!r.isObject() || !r.beginObject()) return null;
    let found = false;
    let k: Bytes | null;
    while ((k = r.nextKey()) != null) {
      if (k.eq(path[level])) { found = true; break; }
      r.skipValue();
    }
    if (!found) return null;
  }
  return r.failed ? null : r;
}
