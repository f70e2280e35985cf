/**
 * Host imports, part 1: storage (`db_read`, `db_write`, `db_remove`), `debug` and `abort`, with the
 * semantics of spec/cosmwasm-abi.md §3.3 (0.9/0.10) and §4.3 (1.x) and Secret Network's prices
 * (spec/secret-compute.md §1.4, §5.3, in wasm gas): db_read 1,000; db_write 2,000 plus 5,000 per value
 * byte (the per-byte part is "pseudo" gas that Secret refunds after an execute: it is counted apart
 * in `pseudoGas` so that the call layer can refund it); db_remove and debug free.
 *
 * What aborts the call (a VmError, never a contract-visible error): a key over 64 KiB, a value over
 * 128 KiB, a write or remove in a read-only call (query), a debug or abort message over 2 MiB, a bad
 * Region, running out of gas; and `abort` itself, always.
 */
import type { ContractInstance, HostFunctions } from './engine.js';
import { VmError } from './errors.js';
import { readRegion, writeRegion } from './region.js';
import type { Storage } from './storage.js';

export const MAX_KEY_LENGTH = 64 * 1024;
export const MAX_VALUE_LENGTH = 128 * 1024;
export const MAX_DEBUG_LENGTH = 2 * 1024 * 1024;

/** Secret Network's host prices (wasm gas). */
export const SECRET_HOST_GAS = {
  dbRead: 1_000n,
  dbWrite: 2_000n,
  dbWritePerValueByte: 5_000n,
} as const;

/** What the imports of one call work on. */
export interface HostContext {
  /** The instance being called (set once it exists: imports run only during calls). */
  instance: ContractInstance | null;
  storage: Storage;
  /** query: storage writes abort. */
  readOnly: boolean;
  /** Receives `debug` messages (lossy UTF-8); absent: they are dropped. */
  debug?: (message: string) => void;
  /** Per-value-byte write gas charged so far (Secret refunds it after execute). */
  pseudoGas: bigint;
}

export function newHostContext(storage: Storage, readOnly: boolean, debug?: (m: string) => void): HostContext {
  return { instance: null, storage, readOnly, pseudoGas: 0n, ...(debug ? { debug } : {}) };
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
  const writable = (what: string) => {
    if (ctx.readOnly) throw new VmError('communication', `${what}: write access denied in a read-only call`);
  };
  return {
    db_read(keyPtr: number): number {
      const k = key(keyPtr, 'db_read');
      chargeGas(ctx, SECRET_HOST_GAS.dbRead);
      const v = ctx.storage.get(k);
      return v === undefined ? 0 : allocateRegion(ctx, v, 'db_read value');
    },
    db_write(keyPtr: number, valuePtr: number): void {
      writable('db_write');
      const m = inst(ctx).memory();
      const k = readRegion(m, keyPtr, MAX_KEY_LENGTH, 'db_write key');
      const v = readRegion(m, valuePtr, MAX_VALUE_LENGTH, 'db_write value');
      const pseudo = SECRET_HOST_GAS.dbWritePerValueByte * BigInt(v.length);
      chargeGas(ctx, SECRET_HOST_GAS.dbWrite + pseudo);
      ctx.pseudoGas += pseudo;
      ctx.storage.set(k, v);
    },
    db_remove(keyPtr: number): void {
      writable('db_remove');
      ctx.storage.remove(key(keyPtr, 'db_remove'));
    },
  };
}

/** `debug` and `abort` (1.x; 0.9/0.10 contracts import neither). */
export function messageImports(ctx: HostContext): HostFunctions {
  return {
    debug(msgPtr: number): void {
      const m = readRegion(inst(ctx).memory(), msgPtr, MAX_DEBUG_LENGTH, 'debug message');
      ctx.debug?.(lossy.decode(m));
    },
    abort(msgPtr: number): void {
      const m = readRegion(inst(ctx).memory(), msgPtr, MAX_DEBUG_LENGTH, 'abort message');
      throw new VmError('aborted', `Aborted: ${lossy.decode(m)}`);
    },
  };
}
