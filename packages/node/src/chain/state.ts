/**
 * The chain's state keys, and the metered view through which the modules read and write them.
 *
 * Layout (one byte of module prefix, then the module's key; contract state mirrors x/compute's
 * prefix 0x03 ‖ contract address ‖ key, spec/secret-compute.md §4.1):
 *
 *   0x00 name                        counters (BE64): "accountNumber", "lastCodeId", "lastContractId"
 *   0x01 addr(20)                    account: BE64 number ‖ BE64 sequence ‖ public key (0 or 33 bytes)
 *   0x02 addr(20) denom              balance: the amount as decimal text
 *   0x10 BE64(code id)               code info (JSON)
 *   0x11 code hash(32)               the uncompressed wasm
 *   0x12 addr(20)                    contract info (JSON)
 *   0x13 addr(20) key                contract state, as the enclave wrote it
 *   0x14 label (UTF-8)               the contract address with that label (labels are unique)
 *   0x15 BE64(code id) addr(20)      contracts by code, in creation order of the address
 *   0x16 addr(20) BE64(n)            contract history entry n (JSON)
 *
 * Node-owned records are small JSON texts written by this package with a fixed key order, so the
 * bytes (and the app hash over them) are deterministic.
 */
import type { KvReader } from '../store/kv.js';
import { GAS, type GasMeter } from './gas.js';

export const PREFIX = {
  counter: 0x00,
  account: 0x01,
  balance: 0x02,
  code: 0x10,
  wasm: 0x11,
  contract: 0x12,
  contractState: 0x13,
  label: 0x14,
  byCode: 0x15,
  history: 0x16,
} as const;

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

export function key(prefix: number, ...parts: (Uint8Array | string)[]): Uint8Array {
  const bytes = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : p));
  const out = new Uint8Array(1 + bytes.reduce((n, b) => n + b.length, 0));
  out[0] = prefix;
  let at = 1;
  for (const b of bytes) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

export function be64(n: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n);
  return b;
}

export function readBe64(b: Uint8Array, at = 0): bigint {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(at);
}

export function json(v: unknown): Uint8Array {
  return enc.encode(JSON.stringify(v));
}

export function parse<T>(b: Uint8Array): T {
  return JSON.parse(dec.decode(b)) as T;
}

/** What the modules write to: a cache with set/delete (the store's Cache). */
export interface KvWriter extends KvReader {
  set(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
}

/**
 * A KV view that charges the SDK's KV prices to a gas meter (the gaskv store): reads 1000 + 3 per
 * byte of key and value, writes 2000 + 30 per byte, deletes 1000, 30 per record iterated.
 */
export class MeteredKv implements KvWriter {
  constructor(readonly inner: KvWriter, readonly gas: GasMeter) {}

  get(k: Uint8Array): Uint8Array | undefined {
    const v = this.inner.get(k);
    this.gas.consume(GAS.readFlat + GAS.readPerByte * BigInt(k.length + (v?.length ?? 0)), 'ReadFlat');
    return v;
  }

  set(k: Uint8Array, v: Uint8Array): void {
    this.gas.consume(GAS.writeFlat + GAS.writePerByte * BigInt(k.length + v.length), 'WriteFlat');
    this.inner.set(k, v);
  }

  delete(k: Uint8Array): void {
    this.gas.consume(GAS.delete, 'Delete');
    this.inner.delete(k);
  }

  range(start: Uint8Array | undefined, end: Uint8Array | undefined, reverse: boolean, limit: number): [Uint8Array, Uint8Array][] {
    const r = this.inner.range(start, end, reverse, limit);
    this.gas.consume(GAS.iterNextFlat * BigInt(r.length) + GAS.readFlat, 'IterNextFlat');
    return r;
  }

  /** The next value of a BE64 counter that starts at 1 (x/compute's lastCodeId / lastContractId). */
  next(name: string): bigint {
    const k = key(PREFIX.counter, name);
    const v = this.get(k);
    const n = v === undefined ? 1n : readBe64(v) + 1n;
    this.set(k, be64(n));
    return n;
  }
}

/** The end of a prefix range: the smallest key greater than every key starting with `prefix`. */
export function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  const e = prefix.slice();
  for (let i = e.length - 1; i >= 0; i--) {
    if (e[i] < 0xff) {
      e[i]++;
      return e.subarray(0, i + 1);
    }
  }
  return undefined;
}
