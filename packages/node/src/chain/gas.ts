/**
 * The SDK gas meter of one transaction, and the prices cloak charges in SDK gas units.
 *
 * The prices are the Cosmos SDK's defaults (auth params, store/types/gas.go KVGasConfig) and
 * Secret's compute constants (spec/secret-compute.md §4.6): contract gas from the enclave is in
 * wasm gas, 1000 per SDK gas. Where cloak differs from Secret: contract storage is priced inside
 * the VM (it is part of the wasm gas the enclave reports) rather than by a gas-metered store on the
 * host, so the host meters only its own module reads and writes (accounts, balances, contract
 * info) with the KV prices below.
 */
import { SdkError } from './errors.js';

export const GAS = {
  /** auth params: per byte of the tx as broadcast. */
  txSizePerByte: 10n,
  /** auth params: one secp256k1 signature check. */
  sigVerifySecp256k1: 1000n,
  readFlat: 1000n,
  readPerByte: 3n,
  writeFlat: 2000n,
  writePerByte: 30n,
  delete: 1000n,
  iterNextFlat: 30n,
  /** x/compute: charged before every contract call (instantiate, execute, migrate, reply, query). */
  instanceCost: 20_000n,
  /** x/compute: wasm gas per SDK gas. */
  multiplier: 1000n,
  /** x/compute: the most wasm gas one call may be given. */
  maxWasmGas: 10_000_000_000n,
  /** x/compute params: SDK gas per byte of uncompressed wasm stored (0.8, kept exact as 4/5). */
  compileCostNum: 4n,
  compileCostDen: 5n,
} as const;

export class OutOfGas extends Error {
  override readonly name = 'OutOfGas';
  constructor(readonly descriptor: string, readonly limit: bigint, readonly used: bigint) {
    super(`out of gas in location: ${descriptor}; gasWanted: ${limit}, gasUsed: ${used}`);
  }
}

export class GasMeter {
  private used = 0n;
  constructor(readonly limit: bigint) {}

  get consumed(): bigint {
    return this.used;
  }

  get remaining(): bigint {
    return this.used >= this.limit ? 0n : this.limit - this.used;
  }

  /** Charges `amount`; past the limit the meter stays at what was charged and OutOfGas is thrown. */
  consume(amount: bigint, descriptor: string): void {
    if (amount < 0n) throw new RangeError(`gas: a negative charge (${amount}) for ${descriptor}`);
    this.used += amount;
    if (this.used > this.limit) throw new OutOfGas(descriptor, this.limit, this.used);
  }

  /** Charges what a wasm call used: used/1000 + 1 SDK gas (Secret's rounding). */
  consumeWasm(wasmGas: bigint, descriptor: string): void {
    this.consume(wasmGas / GAS.multiplier + 1n, descriptor);
  }

  /** The wasm gas a contract call may use now: what is left, in wasm units, at most MaxGas. */
  wasmLimit(): bigint {
    const w = this.remaining * GAS.multiplier;
    return w > GAS.maxWasmGas ? GAS.maxWasmGas : w;
  }
}

/** The SDK's out-of-gas failure for a tx (code 11). */
export function outOfGasFailure(e: OutOfGas) {
  return SdkError.outOfGas(e.message);
}
