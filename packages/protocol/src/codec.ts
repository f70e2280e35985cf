/**
 * The boundary's binary encoding: little-endian fixed-size integers, byte strings and UTF-8 strings
 * prefixed by a u32 length, lists prefixed by a u32 count. Every variable-size field is read against
 * its own limit *before* anything is allocated or copied, so a hostile peer cannot make the reader
 * allocate more than the limit says, and every failure names the field and its byte offset.
 */

/** Something on the other side of the boundary broke the protocol: the call fails, the process stays up. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(message: string, readonly offset?: number) {
    super(offset === undefined ? message : `${message} (at byte ${offset})`);
  }
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class Writer {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  private at = 0;

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 255) throw new RangeError(`u8 out of range: ${v}`);
    this.room(1);
    this.buf[this.at++] = v;
    return this;
  }

  u32(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`u32 out of range: ${v}`);
    this.room(4);
    this.view.setUint32(this.at, v, true);
    this.at += 4;
    return this;
  }

  u64(v: bigint): this {
    if (typeof v !== 'bigint' || v < 0n || v > 0xffffffffffffffffn) throw new RangeError(`u64 out of range: ${String(v)}`);
    this.room(8);
    this.view.setBigUint64(this.at, v, true);
    this.at += 8;
    return this;
  }

  bool(v: boolean): this {
    return this.u8(v ? 1 : 0);
  }

  /** A byte string; `max` is checked here too, so that a writer never produces what a reader refuses. */
  bytes(v: Uint8Array, max: number, what: string): this {
    if (v.length > max) throw new RangeError(`${what}: ${v.length} bytes exceed the limit of ${max}`);
    this.u32(v.length);
    this.room(v.length);
    this.buf.set(v, this.at);
    this.at += v.length;
    return this;
  }

  string(v: string, max: number, what: string): this {
    // A lone surrogate would be written as U+FFFD: a different string on the other side.
    if (!(v as string & { isWellFormed(): boolean }).isWellFormed()) throw new RangeError(`${what}: not a well-formed string (lone surrogate)`);
    return this.bytes(utf8.encode(v), max, what);
  }

  /** An enumeration value: its index in `values`, refused when it is not one of them. */
  tag<T>(v: T, values: readonly T[], what: string): this {
    const i = values.indexOf(v);
    if (i < 0) throw new RangeError(`${what}: ${String(v)} is not one of ${values.join(', ')}`);
    return this.u8(i);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.at);
  }
}

export class Reader {
  private readonly view: DataView;
  at = 0;

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private need(n: number, what: string): void {
    if (this.at + n > this.buf.length) throw new ProtocolError(`${what}: truncated, ${n} bytes needed, ${this.buf.length - this.at} left`, this.at);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.at++];
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.at, true);
    this.at += 4;
    return v;
  }

  u64(what: string): bigint {
    this.need(8, what);
    const v = this.view.getBigUint64(this.at, true);
    this.at += 8;
    return v;
  }

  bool(what: string): boolean {
    const at = this.at;
    const v = this.u8(what);
    if (v > 1) throw new ProtocolError(`${what}: ${v} is not a boolean`, at);
    return v === 1;
  }

  /** An enumeration value in 0…count-1. */
  tag(count: number, what: string): number {
    const at = this.at;
    const v = this.u8(what);
    if (v >= count) throw new ProtocolError(`${what}: unknown value ${v}`, at);
    return v;
  }

  bytes(max: number, what: string): Uint8Array {
    const at = this.at;
    const n = this.u32(`${what} length`);
    if (n > max) throw new ProtocolError(`${what}: ${n} bytes exceed the limit of ${max}`, at);
    this.need(n, what);
    const v = this.buf.slice(this.at, this.at + n);
    this.at += n;
    return v;
  }

  string(max: number, what: string): string {
    const at = this.at;
    const b = this.bytes(max, what);
    try {
      return strictUtf8.decode(b);
    } catch {
      throw new ProtocolError(`${what}: not valid UTF-8`, at);
    }
  }

  /** A list count, checked against `max`. */
  count(max: number, what: string): number {
    const at = this.at;
    const n = this.u32(`${what} count`);
    if (n > max) throw new ProtocolError(`${what}: ${n} items exceed the limit of ${max}`, at);
    return n;
  }

  /** Every byte must have been read. */
  end(what: string): void {
    if (this.at !== this.buf.length) throw new ProtocolError(`${what}: ${this.buf.length - this.at} unexpected trailing bytes`, this.at);
  }
}
