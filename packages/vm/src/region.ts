/**
 * The Region protocol (spec/cosmwasm-abi.md §2.1–2.4): every byte buffer crosses the host/contract
 * boundary as a pointer to 12 bytes `{offset, capacity, length}` (u32 little-endian) in contract
 * memory. Every dereference is checked as CosmWasm's `validate_region` does; a bad Region is a
 * `communication` error that ends the call, with the pointer and the numbers in the message.
 *
 * Functions take the memory as a `Uint8Array` of its current buffer: a call into the contract may
 * grow memory and replace the buffer, so callers pass a fresh view each time.
 */
import { VmError } from './errors.js';
import { REGION_SIZE } from './limits.js';

export interface Region {
  offset: number;
  capacity: number;
  length: number;
}

function u32(mem: Uint8Array, at: number): number {
  return (mem[at] | (mem[at + 1] << 8) | (mem[at + 2] << 16) | (mem[at + 3] << 24)) >>> 0;
}

function setU32(mem: Uint8Array, at: number, v: number): void {
  mem[at] = v;
  mem[at + 1] = v >>> 8;
  mem[at + 2] = v >>> 16;
  mem[at + 3] = v >>> 24;
}

/** Reads and checks the Region at `ptr` (`what` names it in errors, e.g. "result of execute"). */
export function regionAt(mem: Uint8Array, ptr: number, what: string): Region {
  ptr >>>= 0;
  if (ptr === 0) throw new VmError('communication', `${what}: Region pointer is 0`);
  if (ptr + REGION_SIZE > mem.length) {
    throw new VmError('communication', `${what}: Region at ${ptr} lies outside memory (${mem.length} bytes)`);
  }
  const offset = u32(mem, ptr);
  const capacity = u32(mem, ptr + 4);
  const length = u32(mem, ptr + 8);
  if (offset === 0) throw new VmError('communication', `${what}: Region at ${ptr} has offset 0`);
  if (length > capacity) throw new VmError('communication', `${what}: Region at ${ptr} has length ${length} > capacity ${capacity}`);
  if (offset + capacity > 0xffffffff) {
    throw new VmError('communication', `${what}: Region at ${ptr}: offset ${offset} + capacity ${capacity} overflows 32 bits`);
  }
  if (offset + length > mem.length) {
    throw new VmError('communication', `${what}: Region at ${ptr}: data [${offset}, ${offset + length}) lies outside memory (${mem.length} bytes)`);
  }
  return { offset, capacity, length };
}

/** Copies out the bytes of the Region at `ptr`, refusing more than `maxLength` (never truncating). */
export function readRegion(mem: Uint8Array, ptr: number, maxLength: number, what: string): Uint8Array {
  const r = regionAt(mem, ptr, what);
  if (r.length > maxLength) {
    throw new VmError('communication', `${what}: ${r.length} bytes exceed the limit of ${maxLength}`);
  }
  return mem.slice(r.offset, r.offset + r.length);
}

/** Writes `data` into the Region at `ptr` and sets its length; the Region must have the capacity. */
export function writeRegion(mem: Uint8Array, ptr: number, data: Uint8Array, what: string): void {
  const r = regionAt(mem, ptr, what);
  if (data.length > r.capacity) {
    throw new VmError('communication', `${what}: ${data.length} bytes do not fit the Region at ${ptr} (capacity ${r.capacity})`);
  }
  if (r.offset + data.length > mem.length) {
    throw new VmError('communication', `${what}: Region at ${ptr}: data [${r.offset}, ${r.offset + data.length}) lies outside memory`);
  }
  mem.set(data, r.offset);
  setU32(mem, ptr + 8, data.length);
}
