/**
 * The run-time objects an instance owns or imports: linear memory, tables, globals and function
 * references (core spec 2.0 §4.2 "Runtime Structure"). Their shapes follow the JS API
 * (`WebAssembly.Memory`, `.Table`, `.Global`) so that a host can treat both engines alike.
 */
import { LinkError } from './trap.js';
import { MAX_MEMORY_PAGES, MAX_TABLE_SIZE, PAGE_SIZE } from './limits.js';
import type { FuncType } from '@cloak/wasm';

// ---------------------------------------------------------------------------------------------
// Function types are compared by a small integer: equal signatures get the same id everywhere in
// the process, so `call_indirect` compares two numbers (spec §4.4.8: structural type equality).

const typeIds = new Map<string, number>();

export function typeKey(t: FuncType): string {
  return `${t.params.join(',')}:${t.results.join(',')}`;
}

export function typeIdOf(t: FuncType): number {
  const key = typeKey(t);
  let id = typeIds.get(key);
  if (id === undefined) {
    id = typeIds.size;
    typeIds.set(key, id);
  }
  return id;
}

/**
 * A function value: what tables hold and what imports and exports pass around. Exactly one of
 * `instance` (a function defined by an interpreter instance) or `host` (a JS function) is set.
 */
export interface FuncRef {
  readonly type: FuncType;
  readonly typeId: number;
  /** The defining instance (internal type kept opaque here to avoid an import cycle). */
  readonly instance: object | null;
  /** Function index within `instance`. */
  readonly index: number;
  readonly host: ((...args: unknown[]) => unknown) | null;
  /** The callable exported form, created once on demand. */
  callable?: (...args: unknown[]) => unknown;
}

// ---------------------------------------------------------------------------------------------

export interface MemoryDescriptor {
  initial: number;
  maximum?: number;
}

/**
 * Linear memory. `buffer` is replaced (not resized) when the memory grows, so holders of views must
 * re-read it after anything that may grow memory; the interpreter does so after every `memory.grow`
 * and every call out of the instance.
 */
export class Memory {
  /** Current contents. */
  buffer: ArrayBuffer;
  /** Views of `buffer`, rebuilt on grow. */
  u8: Uint8Array;
  i8: Int8Array;
  u16: Uint16Array;
  i16: Int16Array;
  i32: Int32Array;
  dv: DataView;
  /** Declared maximum in pages, if any. */
  readonly maximum: number | undefined;
  private pagesNow: number;

  constructor(desc: MemoryDescriptor) {
    const { initial, maximum } = desc;
    if (!Number.isInteger(initial) || initial < 0 || initial > MAX_MEMORY_PAGES) {
      throw new RangeError(`memory initial size ${initial} pages is outside 0…${MAX_MEMORY_PAGES}`);
    }
    if (maximum !== undefined && (!Number.isInteger(maximum) || maximum < initial || maximum > MAX_MEMORY_PAGES)) {
      throw new RangeError(`memory maximum ${maximum} pages is outside ${initial}…${MAX_MEMORY_PAGES}`);
    }
    this.maximum = maximum;
    this.pagesNow = initial;
    this.buffer = allocate(initial * PAGE_SIZE);
    this.u8 = new Uint8Array(this.buffer);
    this.i8 = new Int8Array(this.buffer);
    this.u16 = new Uint16Array(this.buffer, 0, this.buffer.byteLength >>> 1);
    this.i16 = new Int16Array(this.buffer, 0, this.buffer.byteLength >>> 1);
    this.i32 = new Int32Array(this.buffer, 0, this.buffer.byteLength >>> 2);
    this.dv = new DataView(this.buffer);
  }

  /** Current size in pages. */
  get pages(): number {
    return this.pagesNow;
  }

  /**
   * Grows by `delta` pages (wasm `memory.grow`): returns the previous size in pages, or -1 when the
   * result would pass the maximum (declared, or MAX_MEMORY_PAGES) or cannot be allocated.
   */
  grow(delta: number): number {
    const old = this.pagesNow;
    if (!Number.isInteger(delta) || delta < 0) throw new RangeError(`memory.grow: delta ${delta} is not a page count`);
    const want = old + delta;
    if (want > (this.maximum ?? MAX_MEMORY_PAGES)) return -1;
    if (delta === 0) return old;
    let next: ArrayBuffer;
    try {
      next = allocate(want * PAGE_SIZE);
    } catch {
      return -1;
    }
    new Uint8Array(next).set(this.u8);
    this.pagesNow = want;
    this.buffer = next;
    this.u8 = new Uint8Array(next);
    this.i8 = new Int8Array(next);
    this.u16 = new Uint16Array(next, 0, next.byteLength >>> 1);
    this.i16 = new Int16Array(next, 0, next.byteLength >>> 1);
    this.i32 = new Int32Array(next, 0, next.byteLength >>> 2);
    this.dv = new DataView(next);
    return old;
  }
}

function allocate(bytes: number): ArrayBuffer {
  try {
    return new ArrayBuffer(bytes);
  } catch {
    throw new RangeError(`cannot allocate a linear memory of ${bytes / 65536} pages (${bytes} bytes) on this machine`);
  }
}

// ---------------------------------------------------------------------------------------------

export interface TableDescriptor {
  initial: number;
  maximum?: number;
}

/** A funcref table. Entries are `FuncRef` or null. */
export class Table {
  elements: (FuncRef | null)[];
  readonly maximum: number | undefined;

  constructor(desc: TableDescriptor) {
    const { initial, maximum } = desc;
    if (!Number.isInteger(initial) || initial < 0 || initial > MAX_TABLE_SIZE) {
      throw new RangeError(`table initial size ${initial} is outside 0…${MAX_TABLE_SIZE}`);
    }
    if (maximum !== undefined && (!Number.isInteger(maximum) || maximum < initial)) {
      throw new RangeError(`table maximum ${maximum} is below its initial size ${initial}`);
    }
    this.maximum = maximum;
    this.elements = new Array<FuncRef | null>(initial).fill(null);
  }

  get length(): number {
    return this.elements.length;
  }

  /** The entry at `i`, or throws RangeError when out of bounds. */
  get(i: number): FuncRef | null {
    if (!(i >= 0 && i < this.elements.length)) throw new RangeError(`table index ${i} out of bounds (size ${this.elements.length})`);
    return this.elements[i];
  }

  set(i: number, f: FuncRef | null): void {
    if (!(i >= 0 && i < this.elements.length)) throw new RangeError(`table index ${i} out of bounds (size ${this.elements.length})`);
    this.elements[i] = f;
  }

  /** Grows by `delta` null entries; returns the old size, or -1 past the maximum. */
  grow(delta: number): number {
    const old = this.elements.length;
    if (old + delta > (this.maximum ?? MAX_TABLE_SIZE)) return -1;
    for (let i = 0; i < delta; i++) this.elements.push(null);
    return old;
  }
}

// ---------------------------------------------------------------------------------------------

export type NumType = 'i32' | 'i64' | 'f32' | 'f64';

/**
 * A global variable. Its value lives in two 32-bit words of `cells` at `at` (the owning instance's
 * global array, so that code reads it with one typed-array access); `Global` is the handle hosts
 * use. i64 values are bigint at this API, f32/f64 numbers; `bits` reads and writes the raw pattern.
 */
export class Global {
  readonly type: NumType;
  readonly mutable: boolean;
  cells: Int32Array;
  at: number;

  constructor(desc: { value: NumType; mutable?: boolean }, init?: number | bigint, cells?: Int32Array, at?: number) {
    this.type = desc.value;
    this.mutable = desc.mutable ?? false;
    this.cells = cells ?? new Int32Array(2);
    this.at = at ?? 0;
    if (init !== undefined) writeValue(this.cells, this.at, this.type, init);
  }

  get value(): number | bigint {
    return readValue(this.cells, this.at, this.type);
  }

  set value(v: number | bigint) {
    if (!this.mutable) throw new TypeError('cannot set an immutable global');
    writeValue(this.cells, this.at, this.type, v);
  }

  /** Raw value: i32 number, i64 bigint, f32 u32 bits as number, f64 u64 bits as bigint. */
  get bits(): number | bigint {
    return readRaw(this.cells, this.at, this.type);
  }

  set bits(v: number | bigint) {
    if (!this.mutable) throw new TypeError('cannot set an immutable global');
    writeRaw(this.cells, this.at, this.type, v);
  }
}

// ---------------------------------------------------------------------------------------------
// Conversions between JS values and the two-word representation (shared with the call boundary).

const scratch = new ArrayBuffer(8);
const s32 = new Int32Array(scratch);
const sf32 = new Float32Array(scratch);
const sf64 = new Float64Array(scratch);

export function valTypeToNum(t: number): NumType {
  switch (t) {
    case 0x7f: return 'i32';
    case 0x7e: return 'i64';
    case 0x7d: return 'f32';
    case 0x7c: return 'f64';
    default: throw new LinkError(`value type 0x${t.toString(16)} cannot cross the JS boundary`);
  }
}

/** Writes a JS value (JS API conventions: ToInt32, ToBigInt64, ToNumber) into words w[at], w[at+1]. */
export function writeValue(w: Int32Array, at: number, type: NumType, v: unknown): void {
  switch (type) {
    case 'i32':
      if (typeof v === 'bigint') throw new TypeError('an i32 value must be a number, not a bigint');
      w[at] = Number(v) | 0;
      return;
    case 'i64': {
      if (typeof v !== 'bigint') throw new TypeError(`an i64 value must be a bigint, got ${typeof v}`);
      const x = BigInt.asUintN(64, v);
      w[at] = Number(x & 0xffffffffn) | 0;
      w[at + 1] = Number(x >> 32n) | 0;
      return;
    }
    case 'f32':
      if (typeof v === 'bigint') throw new TypeError('an f32 value must be a number, not a bigint');
      sf32[0] = Number(v);
      w[at] = s32[0];
      return;
    case 'f64':
      if (typeof v === 'bigint') throw new TypeError('an f64 value must be a number, not a bigint');
      sf64[0] = Number(v);
      w[at] = s32[0];
      w[at + 1] = s32[1];
      return;
  }
}

export function readValue(w: Int32Array, at: number, type: NumType): number | bigint {
  switch (type) {
    case 'i32':
    case 'i64':
      return readRaw(w, at, type);
    case 'f32':
      s32[0] = w[at];
      return sf32[0];
    case 'f64':
      s32[0] = w[at];
      s32[1] = w[at + 1];
      return sf64[0];
  }
}

/** Raw form: i32 number, i64 bigint (signed), f32 bits as a u32 number, f64 bits as a u64 bigint. */
export function readRaw(w: Int32Array, at: number, type: NumType): number | bigint {
  switch (type) {
    case 'i32':
      return w[at];
    case 'i64':
      return (BigInt(w[at + 1]) << 32n) | BigInt(w[at] >>> 0);
    case 'f32':
      return w[at] >>> 0;
    case 'f64':
      return (BigInt(w[at + 1] >>> 0) << 32n) | BigInt(w[at] >>> 0);
  }
}

export function writeRaw(w: Int32Array, at: number, type: NumType, v: unknown): void {
  switch (type) {
    case 'i32':
    case 'f32':
      if (typeof v !== 'number') throw new TypeError(`a raw ${type} value must be a number, got ${typeof v}`);
      w[at] = v | 0;
      return;
    case 'i64':
    case 'f64': {
      if (typeof v !== 'bigint') throw new TypeError(`a raw ${type} value must be a bigint, got ${typeof v}`);
      const x = BigInt.asUintN(64, v);
      w[at] = Number(x & 0xffffffffn) | 0;
      w[at + 1] = Number(x >> 32n) | 0;
      return;
    }
  }
}
