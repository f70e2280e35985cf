/**
 * Strict reading of the protobuf wire format for the messages of spec/secretjs-surface.md §3.1–3.2.
 * A message is read against its Shape: a known field must have its declared wire type and appear
 * once unless it is repeated, a length-delimited value must end inside its parent, a string must be
 * UTF-8, and an unknown field is skipped, refused, or (TxBody, as cosmos-sdk's unknownproto does)
 * refused only when "critical", i.e. its number lacks bit 1024. Varints are read by cosmjs-types'
 * BinaryReader, lengths as full uint64 so that nothing is silently truncated. Every failure is a
 * DecodeError naming the message path, the field and the byte offset; the generated cosmjs-types
 * decoders, which are lenient, only ever see bytes that passed through here.
 */
import { BinaryReader, type BinaryWriter } from 'cosmjs-types/binary';

/** Bytes that are not a valid encoding of the message they were given as. */
export class DecodeError extends Error {
  override readonly name: string = 'DecodeError';
  constructor(message: string, readonly offset?: number) {
    super(offset === undefined ? message : `${message} (at byte ${offset})`);
  }
}

/** `uint64` is any varint (read as an unsigned 64-bit bigint); a Shape is an embedded message. */
export type Kind = 'uint64' | 'bytes' | 'string' | Shape;

export interface FieldSpec {
  readonly name: string;
  readonly kind: Kind;
  readonly repeated?: boolean;
}

export interface Shape {
  /** The protobuf message name, used in error paths. */
  readonly name: string;
  readonly fields: Readonly<Record<number, FieldSpec>>;
  /** What to do with a field number the shape does not list. */
  readonly unknown: 'skip' | 'reject' | 'reject-critical';
}

type Value = bigint | Uint8Array | string | Fields;

/** The fields of one decoded message, by number; absent scalars read as their proto3 zero value. */
export class Fields {
  private readonly values = new Map<number, Value[]>();
  constructor(readonly path: string) {}

  /** @internal */
  add(field: number, v: Value): void {
    const list = this.values.get(field);
    if (list === undefined) this.values.set(field, [v]);
    else list.push(v);
  }

  has(field: number): boolean {
    return this.values.has(field);
  }

  uint64(field: number): bigint {
    const v = this.one(field);
    if (v === undefined) return 0n;
    if (typeof v !== 'bigint') throw new TypeError(`${this.path}: field ${field} is not a varint`);
    return v;
  }

  bytes(field: number): Uint8Array {
    const v = this.one(field);
    if (v === undefined) return new Uint8Array(0);
    if (!(v instanceof Uint8Array)) throw new TypeError(`${this.path}: field ${field} is not bytes`);
    return v;
  }

  string(field: number): string {
    const v = this.one(field);
    if (v === undefined) return '';
    if (typeof v !== 'string') throw new TypeError(`${this.path}: field ${field} is not a string`);
    return v;
  }

  message(field: number): Fields | undefined {
    const v = this.one(field);
    if (v !== undefined && !(v instanceof Fields)) throw new TypeError(`${this.path}: field ${field} is not a message`);
    return v;
  }

  messages(field: number): Fields[] {
    return (this.values.get(field) ?? []).map((v) => {
      if (!(v instanceof Fields)) throw new TypeError(`${this.path}: field ${field} is not a message`);
      return v;
    });
  }

  allBytes(field: number): Uint8Array[] {
    return (this.values.get(field) ?? []).map((v) => {
      if (!(v instanceof Uint8Array)) throw new TypeError(`${this.path}: field ${field} is not bytes`);
      return v;
    });
  }

  private one(field: number): Value | undefined {
    const list = this.values.get(field);
    return list === undefined ? undefined : list[list.length - 1];
  }
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;
/** Field numbers run from 1 to 2^29 - 1 (protobuf language guide). */
const MAX_FIELD = 0x1fffffff;
/** cosmos-sdk: a TxBody field number with this bit set is non-critical and may be unknown. */
const NON_CRITICAL_BIT = 1024;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Reads `bytes` as one whole message of `shape`, checking everything listed in the header. */
export function readMessage(bytes: Uint8Array, shape: Shape, path: string = shape.name): Fields {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError(`${path}: expected a Uint8Array, got ${typeof bytes}`);
  const r = new BinaryReader(bytes);
  return readFields(r, bytes.length, shape, path);
}

/** The bytes a BinaryWriter built, copied out of its shared pool into their own buffer. */
export function finish(w: BinaryWriter): Uint8Array {
  return new Uint8Array(w.finish());
}

function wireOf(kind: Kind): number {
  return kind === 'uint64' ? WIRE_VARINT : WIRE_LEN;
}

function readFields(r: BinaryReader, end: number, shape: Shape, path: string): Fields {
  const out = new Fields(path);
  const outerLen = r.len;
  r.len = end; // any read that crosses `end` now fails with "premature EOF"
  try {
    while (r.pos < end) {
      const at = r.pos;
      const tag = guard(path, 'field tag', at, () => r.uint32());
      if (r.pos - at > 5) throw new DecodeError(`${path}: field tag is a varint of ${r.pos - at} bytes, at most 5 allowed`, at);
      const field = tag >>> 3;
      const wire = tag & 7;
      if (field === 0 || field > MAX_FIELD) throw new DecodeError(`${path}: field number ${field} is out of range 1..${MAX_FIELD}`, at);
      const spec = shape.fields[field];
      if (spec === undefined) {
        if (shape.unknown === 'reject' || (shape.unknown === 'reject-critical' && (field & NON_CRITICAL_BIT) === 0)) {
          throw new DecodeError(`${path}: unknown field ${field} (wire type ${wire}) is not allowed in ${shape.name}`, at);
        }
        skip(r, end, wire, `${path}: unknown field ${field}`, at);
        continue;
      }
      const where = `${path}.${spec.name}`;
      if (wire !== wireOf(spec.kind)) {
        throw new DecodeError(`${where}: field ${field} has wire type ${wire}, expected ${wireOf(spec.kind)}`, at);
      }
      if (!spec.repeated && out.has(field)) throw new DecodeError(`${where}: field ${field} appears more than once`, at);
      if (spec.kind === 'uint64') {
        out.add(field, guard(where, 'varint', r.pos, () => r.uint64()));
        continue;
      }
      const len = length(r, end, where);
      const start = r.pos;
      if (spec.kind === 'bytes') {
        out.add(field, r.buf.slice(start, start + len));
        r.pos = start + len;
      } else if (spec.kind === 'string') {
        let text: string;
        try {
          text = strictUtf8.decode(r.buf.subarray(start, start + len));
        } catch {
          throw new DecodeError(`${where}: field ${field} is not valid UTF-8`, start);
        }
        out.add(field, text);
        r.pos = start + len;
      } else {
        const index = spec.repeated ? `[${out.messages(field).length}]` : '';
        out.add(field, readFields(r, start + len, spec.kind, `${where}${index}`));
      }
    }
    return out;
  } finally {
    r.len = outerLen;
  }
}

/** A length prefix, checked against what is left before `end`. */
function length(r: BinaryReader, end: number, where: string): number {
  const at = r.pos;
  const len = guard(where, 'length', at, () => r.uint64());
  const left = end - r.pos;
  if (len > BigInt(left)) throw new DecodeError(`${where}: length ${len} runs past the end of its message (${left} bytes left)`, at);
  return Number(len);
}

function skip(r: BinaryReader, end: number, wire: number, where: string, at: number): void {
  switch (wire) {
    case WIRE_VARINT:
      guard(where, 'varint', r.pos, () => r.uint64());
      return;
    case WIRE_FIXED64:
    case WIRE_FIXED32: {
      const n = wire === WIRE_FIXED64 ? 8 : 4;
      if (r.pos + n > end) throw new DecodeError(`${where}: truncated: ${n}-byte value, ${end - r.pos} bytes left`, r.pos);
      r.pos += n;
      return;
    }
    case WIRE_LEN: {
      const len = length(r, end, where); // reads the prefix, moving r.pos: not `r.pos += length(…)`
      r.pos += len;
      return;
    }
    default:
      throw new DecodeError(`${where}: wire type ${wire} is not supported (groups are not, 6 and 7 do not exist)`, at);
  }
}

/** Runs one BinaryReader read and turns its failure into a DecodeError at `at`. */
function guard<T>(where: string, what: string, at: number, read: () => T): T {
  try {
    return read();
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    const reason = /invalid varint/.test(text) ? 'a varint longer than 10 bytes' : 'truncated: the input ends inside it';
    throw new DecodeError(`${where}: ${what}: ${reason}`, at);
  }
}

/** Writes bytes field `field` unless it is empty (proto3 leaves zero values out, as secretjs does). */
export function writeBytes(w: BinaryWriter, field: number, v: Uint8Array | undefined, what: string): void {
  if (v === undefined) return;
  if (!(v instanceof Uint8Array)) throw new TypeError(`${what}: expected a Uint8Array, got ${typeof v}`);
  if (v.length > 0) w.uint32((field << 3) | WIRE_LEN).bytes(v);
}

/** Writes string field `field` unless it is empty. */
export function writeString(w: BinaryWriter, field: number, v: string | undefined, what: string): void {
  if (v === undefined) return;
  if (typeof v !== 'string') throw new TypeError(`${what}: expected a string, got ${typeof v}`);
  if (v.length > 0) w.uint32((field << 3) | WIRE_LEN).string(v);
}

/** Writes uint64 field `field` unless it is zero; a value outside 0..2^64-1 is a RangeError. */
export function writeUint64(w: BinaryWriter, field: number, v: bigint, what: string): void {
  checkUint64(v, what);
  if (v !== 0n) w.uint32((field << 3) | WIRE_VARINT).uint64(v);
}

export function checkUint64(v: bigint, what: string): void {
  if (typeof v !== 'bigint') throw new TypeError(`${what}: expected a bigint, got ${typeof v}`);
  if (v < 0n || v > 0xffffffffffffffffn) throw new RangeError(`${what}: ${v} is outside 0..2^64-1`);
}
