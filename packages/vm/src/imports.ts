/**
 * Host imports, part 1: storage (`db_read`, `db_write`, `db_remove`), `debug` and `abort`, with the
 * semantics of spec/cosmwasm-abi.md §3.3 (0.9/0.10) and §4.3 (1.x) and Secret Network's prices
 * (spec/secret-compute.md §1.4, §5.3, in wasm gas): db_read 1,000; db_write 2,000 plus 5,000 per value
 * byte (the per-byte part is "pseudo" gas that Secret refunds after an execute: it is counted apart
 * in `pseudoGas` so that the call layer can refund it); cloak adds 1,000 for db_remove and 30 per key
 * byte of all three (see SECRET_HOST_GAS). debug is free and copies its message only for a listener.
 *
 * What aborts the call (a VmError, never a contract-visible error): a key over 64 KiB, a value over
 * 128 KiB, more than 16 MiB written by one call, a write or remove in a read-only call (query), a
 * debug or abort message over 2 MiB, a bad Region, running out of gas; and `abort` itself, always.
 */
import { bech32 } from '@scure/base';
import type { ContractInstance, HostFunctions } from './engine.js';
import { VmError } from './errors.js';
import { readRegion, regionAt, writeRegion } from './region.js';
import type { Querier } from './query.js';
import type { Order, Storage } from './storage.js';

export const MAX_KEY_LENGTH = 64 * 1024;
export const MAX_VALUE_LENGTH = 128 * 1024;
export const MAX_DEBUG_LENGTH = 2 * 1024 * 1024;
/** Iterators one call may open (CosmWasm has no cap; an unbounded number would be unbounded host memory). */
export const MAX_ITERATORS = 256;

/**
 * Host prices (wasm gas). Secret Network's in-enclave prices (secret-compute.md §1.4, §5.3), plus two
 * of cloak's own: Secret leaves the cost of keys and of removals to the Cosmos SDK meter of its Go side
 * (1,000 + 3–30 SDK gas per byte, ×1,000 in wasm gas), which a VM alone does not have; without them a
 * contract could fill host memory with keys or removals for next to nothing.
 */
export const SECRET_HOST_GAS = {
  /** addr_validate / addr_canonicalize / addr_humanize and the 0.10 canonicalize/humanize_address. */
  address: 8_192n,
  dbRead: 1_000n,
  dbWrite: 2_000n,
  dbWritePerValueByte: 5_000n,
  /** cloak: db_remove (Secret: none in the enclave, SDK Delete outside). */
  dbRemove: 1_000n,
  /** cloak: per key byte of db_read, db_write and db_remove (Secret: SDK per-byte gas outside). */
  dbPerKeyByte: 30n,
} as const;

/** Bytes of keys and values one call may write (removals count their keys): a bound on the write set. */
export const MAX_WRITE_SET_BYTES = 16 * 1024 * 1024;

/** A cursor over [start, end): the last key it returned, and whether it reached the end. */
export interface IteratorState {
  start: Uint8Array | undefined;
  end: Uint8Array | undefined;
  order: Order;
  last: Uint8Array | undefined;
  done: boolean;
}

/** What the imports of one call work on. */
export interface HostContext {
  /** The instance being called (set once it exists: imports run only during calls). */
  instance: ContractInstance | null;
  storage: Storage;
  /** query: storage writes abort. */
  readOnly: boolean;
  /** Receives `debug` messages (lossy UTF-8); absent: they are dropped. */
  debug: ((message: string) => void) | undefined;
  /** Per-value-byte write gas charged so far (Secret refunds it after execute). */
  pseudoGas: bigint;
  /** Open iterators by id (ids 1, 2, 3, … in order of creation: the contract sees them). */
  iterators: Map<number, IteratorState>;
  /** The call's gas limit (what `check_gas` measures from). */
  gasLimit: bigint;
  /** Answers `query_chain` (none: every request is unsupported). */
  querier: Querier | undefined;
  /** Query nesting depth of the call: 1 at the top. */
  queryDepth: number;
  /** An import is running (the contract's allocate may not call another one: call depth 2, spec §2.4). */
  inImport: boolean;
  /** Bytes written by this call so far (keys and values; removals count their keys). */
  written: number;
}

/**
 * A context for one call. The import functions read its fields when they run, never before, so
 * one context (and one import object) can serve call after call, its fields swapped per call.
 */
export function newHostContext(storage: Storage, readOnly: boolean, debug?: (m: string) => void): HostContext {
  return { instance: null, storage, readOnly, pseudoGas: 0n, iterators: new Map(), debug, gasLimit: 0n, querier: undefined, queryDepth: 1, inImport: false, written: 0 };
}

function inst(ctx: HostContext): ContractInstance {
  if (ctx.instance === null) throw new Error('host import called outside a contract call');
  return ctx.instance;
}

/** Takes `amount` from the call's gas; running out leaves nothing and ends the call. */
export function chargeGas(ctx: HostContext, amount: bigint): void {
  const i = inst(ctx);
  const left = i.gasLeft;
  if (left < amount) {
    i.gasLeft = 0n;
    throw new VmError('gas_depletion', 'out of gas');
  }
  i.gasLeft = left - amount;
}

/** Copies `data` into a new Region of the contract (its allocate); returns the Region pointer. */
export function allocateRegion(ctx: HostContext, data: Uint8Array, what: string): number {
  const i = inst(ctx);
  const ptr = i.call('allocate', [data.length]);
  if (ptr === undefined || ptr === 0) throw new VmError('communication', `${what}: allocate(${data.length}) returned ${ptr ?? 'nothing'}`);
  writeRegion(i.memory(), ptr, data, what);
  return ptr;
}

const lossy = new TextDecoder('utf-8', { fatal: false });

export function storageImports(ctx: HostContext): HostFunctions {
  const key = (ptr: number, what: string) => readRegion(inst(ctx).memory(), ptr, MAX_KEY_LENGTH, `${what} key`);
  const keyGas = (k: Uint8Array) => SECRET_HOST_GAS.dbPerKeyByte * BigInt(k.length);
  const writable = (what: string) => {
    if (ctx.readOnly) throw new VmError('communication', `${what}: write access denied in a read-only call`);
  };
  const account = (bytes: number, what: string) => {
    ctx.written += bytes;
    if (ctx.written > MAX_WRITE_SET_BYTES) throw new VmError('limit_exceeded', `${what}: the call wrote more than ${MAX_WRITE_SET_BYTES} bytes`);
  };
  return {
    db_read(keyPtr: number): number {
      const k = key(keyPtr, 'db_read');
      chargeGas(ctx, SECRET_HOST_GAS.dbRead + keyGas(k));
      const v = ctx.storage.get(k);
      return v === undefined ? 0 : allocateRegion(ctx, v, 'db_read value');
    },
    db_write(keyPtr: number, valuePtr: number): void {
      writable('db_write');
      const m = inst(ctx).memory();
      const k = readRegion(m, keyPtr, MAX_KEY_LENGTH, 'db_write key');
      const v = readRegion(m, valuePtr, MAX_VALUE_LENGTH, 'db_write value');
      const pseudo = SECRET_HOST_GAS.dbWritePerValueByte * BigInt(v.length);
      chargeGas(ctx, SECRET_HOST_GAS.dbWrite + keyGas(k) + pseudo);
      ctx.pseudoGas += pseudo;
      account(k.length + v.length, 'db_write');
      ctx.storage.set(k, v);
    },
    db_remove(keyPtr: number): void {
      writable('db_remove');
      const k = key(keyPtr, 'db_remove');
      chargeGas(ctx, SECRET_HOST_GAS.dbRemove + keyGas(k));
      account(k.length, 'db_remove');
      ctx.storage.remove(k);
    },
  };
}

/** Big-endian u32. */
function be32(n: number): Uint8Array {
  return Uint8Array.of(n >>> 24, n >>> 16, n >>> 8, n);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Iteration (the `iterator` capability): `db_scan` opens an iterator over [start, end) (a 0 pointer is
 * an open bound; order 1 ascending, 2 descending, anything else aborts) and returns the next id;
 * `db_next` returns the next record as a new Region, `key ‖ u32be(len) ‖ value ‖ u32be(len)` from
 * 0.14 on (`era` 'v1'), `value ‖ key ‖ u32be(len(key))` in 0.9/0.10, and an empty record at the end;
 * `db_next_key` / `db_next_value` (1.4+) return one part and 0 at the end. An unknown id aborts.
 *
 * Each step reads the one record that follows the previous one when it is taken (a cursor, as over an
 * IAVL store), never the whole range up front: what an iterator holds is one key, whatever the range
 * size, so 256 open iterators cost nothing. A record written in the unread part of the range during
 * the iteration is therefore seen. Secret Network prices no iterator import (it has none); each scan
 * and each step here costs a db_read.
 */
export function iteratorImports(ctx: HostContext, era: 'v1' | 'v010'): HostFunctions {
  const step = (id: number, what: string): [Uint8Array, Uint8Array] | undefined => {
    const it = ctx.iterators.get(id);
    if (it === undefined) throw new VmError('communication', `${what}: iterator ${id} does not exist`);
    chargeGas(ctx, SECRET_HOST_GAS.dbRead);
    if (it.done) return undefined;
    // The next record strictly after the last one returned: ascending from last ‖ 0x00, descending below last.
    const after = it.last === undefined ? undefined : concat([it.last, Uint8Array.of(0)]);
    const [from, to] = it.order === 'ascending' ? [after ?? it.start, it.end] : [it.start, it.last ?? it.end];
    const r = ctx.storage.range(from, to, it.order, 1)[0];
    if (r === undefined) {
      it.done = true;
      return undefined;
    }
    it.last = r[0];
    return r;
  };
  return {
    db_scan(startPtr: number, endPtr: number, order: number): number {
      const m = inst(ctx).memory();
      const start = startPtr === 0 ? undefined : readRegion(m, startPtr, MAX_KEY_LENGTH, 'db_scan start');
      const end = endPtr === 0 ? undefined : readRegion(m, endPtr, MAX_KEY_LENGTH, 'db_scan end');
      if (order !== 1 && order !== 2) throw new VmError('communication', `db_scan: order ${order} is neither 1 (ascending) nor 2 (descending)`);
      if (ctx.iterators.size >= MAX_ITERATORS) throw new VmError('limit_exceeded', `db_scan: more than ${MAX_ITERATORS} iterators in one call`);
      chargeGas(ctx, SECRET_HOST_GAS.dbRead);
      const id = ctx.iterators.size + 1;
      ctx.iterators.set(id, { start, end, order: order === 1 ? 'ascending' : 'descending', last: undefined, done: false });
      return id;
    },
    db_next(id: number): number {
      const r = step(id, 'db_next');
      const [k, v] = r ?? [new Uint8Array(0), new Uint8Array(0)];
      const bytes = era === 'v1' ? concat([k, be32(k.length), v, be32(v.length)]) : concat([v, k, be32(k.length)]);
      return allocateRegion(ctx, bytes, 'db_next record');
    },
    db_next_key(id: number): number {
      const r = step(id, 'db_next_key');
      return r === undefined ? 0 : allocateRegion(ctx, r[0], 'db_next_key key');
    },
    db_next_value(id: number): number {
      const r = step(id, 'db_next_value');
      return r === undefined ? 0 : allocateRegion(ctx, r[1], 'db_next_value value');
    },
  };
}

/** Chain address prefix (Secret Network's). */
export const ADDRESS_PREFIX = 'secret';

const strict = new TextDecoder('utf-8', { fatal: true });
const utf8 = new TextEncoder();

/** Human → canonical, or the user error the contract gets back (CosmWasm's texts, spec §4.3). */
function canonicalize(input: Uint8Array, prefix: string): Uint8Array | string {
  if (input.length === 0) return 'Input is empty';
  let text: string;
  try {
    text = strict.decode(input);
  } catch {
    return 'Input is not valid UTF-8';
  }
  let decoded: { prefix: string; words: number[] };
  try {
    decoded = bech32.decode(text as `${string}1${string}`, 256);
  } catch {
    return 'Error decoding bech32';
  }
  if (decoded.prefix !== prefix) return 'Wrong bech32 prefix';
  let canonical: Uint8Array;
  try {
    canonical = bech32.fromWords(decoded.words);
  } catch {
    return 'Error decoding bech32';
  }
  if (canonical.length === 0 || canonical.length > 64) return 'Invalid canonical address length';
  // Normalised: humanizing the canonical form must give the input back (e.g. no upper case).
  if (bech32.encode(prefix, bech32.toWords(canonical), 256) !== text) return 'Invalid input: address not normalized';
  return canonical;
}

/** Canonical → human, or the user error. */
function humanize(canonical: Uint8Array, prefix: string): string | { error: string } {
  if (canonical.length === 0) return { error: 'Invalid canonical address length' };
  return bech32.encode(prefix, bech32.toWords(canonical), 256);
}

/**
 * Addresses (bech32, prefix `secret`): 1.x `addr_validate` / `addr_canonicalize` / `addr_humanize`
 * (human input ≤ 256 bytes, canonical ≤ 64), 0.10 `canonicalize_address` / `humanize_address` (≤ 90
 * and ≤ 32). A user error (empty, not UTF-8, not bech32, wrong prefix, not normalised) comes back to
 * the contract as a Region holding the message; an oversized input or a destination Region too
 * small ends the call. 8,192 gas each (Secret's price). `era` 'v09' (0.8/0.9) has the 0.10 names and
 * limits but aborts on user errors other than empty or non-UTF-8 input (spec §3.3).
 */
export function addressImports(ctx: HostContext, era: 'v1' | 'v010' | 'v09', prefix = ADDRESS_PREFIX): HostFunctions {
  const humanMax = era === 'v1' ? 256 : 90;
  const canonMax = era === 'v1' ? 64 : 32;
  const errorRegion = (message: string) => {
    // 0.8/0.9 abort on the chain API's user errors (only empty and non-UTF-8 input come back).
    if (era === 'v09' && message !== 'Input is empty' && message !== 'Input is not valid UTF-8') {
      throw new VmError('communication', `address conversion failed: ${message}`);
    }
    return allocateRegion(ctx, utf8.encode(message), 'address error');
  };
  const toCanonical = (srcPtr: number, dstPtr: number, what: string): number => {
    const input = readRegion(inst(ctx).memory(), srcPtr, humanMax, `${what} input`);
    chargeGas(ctx, SECRET_HOST_GAS.address);
    const r = canonicalize(input, prefix);
    if (typeof r === 'string') return errorRegion(r);
    writeRegion(inst(ctx).memory(), dstPtr, r, `${what} output`);
    return 0;
  };
  const toHuman = (srcPtr: number, dstPtr: number, what: string): number => {
    const input = readRegion(inst(ctx).memory(), srcPtr, canonMax, `${what} input`);
    chargeGas(ctx, SECRET_HOST_GAS.address);
    const r = humanize(input, prefix);
    if (typeof r !== 'string') return errorRegion(r.error);
    writeRegion(inst(ctx).memory(), dstPtr, utf8.encode(r), `${what} output`);
    return 0;
  };
  if (era !== 'v1') {
    return {
      canonicalize_address: (src: number, dst: number) => toCanonical(src, dst, 'canonicalize_address'),
      humanize_address: (src: number, dst: number) => toHuman(src, dst, 'humanize_address'),
    };
  }
  return {
    addr_validate(srcPtr: number): number {
      const input = readRegion(inst(ctx).memory(), srcPtr, humanMax, 'addr_validate input');
      chargeGas(ctx, SECRET_HOST_GAS.address);
      const r = canonicalize(input, prefix);
      return typeof r === 'string' ? errorRegion(r) : 0;
    },
    addr_canonicalize: (src: number, dst: number) => toCanonical(src, dst, 'addr_canonicalize'),
    addr_humanize: (src: number, dst: number) => toHuman(src, dst, 'addr_humanize'),
  };
}

/** `debug` and `abort` (1.x; 0.9/0.10 contracts import neither). */
export function messageImports(ctx: HostContext): HostFunctions {
  return {
    debug(msgPtr: number): void {
      // The Region is checked whether or not anyone listens (a node with debug output on must fail
      // exactly where one without does); the bytes are copied only for a listener.
      const mem = inst(ctx).memory();
      const r = regionAt(mem, msgPtr, 'debug message');
      if (r.length > MAX_DEBUG_LENGTH) throw new VmError('communication', `debug message: ${r.length} bytes exceed the limit of ${MAX_DEBUG_LENGTH}`);
      if (ctx.debug !== undefined) ctx.debug(lossy.decode(mem.subarray(r.offset, r.offset + r.length)));
    },
    abort(msgPtr: number): void {
      const m = readRegion(inst(ctx).memory(), msgPtr, MAX_DEBUG_LENGTH, 'abort message');
      throw new VmError('aborted', `Aborted: ${lossy.decode(m)}`);
    },
  };
}

/** The canonical bytes of a bech32 address with `prefix`; throws a RangeError naming the problem. */
export function canonicalAddress(human: string, prefix = ADDRESS_PREFIX): Uint8Array {
  const r = canonicalize(utf8.encode(human), prefix);
  if (typeof r === 'string') throw new RangeError(`invalid address "${human}": ${r}`);
  return r;
}

/** The bech32 address with `prefix` of canonical bytes. */
export function humanAddress(canonical: Uint8Array, prefix = ADDRESS_PREFIX): string {
  const r = humanize(canonical, prefix);
  if (typeof r !== 'string') throw new RangeError(r.error);
  return r;
}
