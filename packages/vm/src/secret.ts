/**
 * Secret Network's own host functions besides crypto (spec/secret-compute.md §4.3, §5.3; signatures
 * as Secret's cosmwasm-std declares them):
 *   - `check_gas() -> u64`: 8,192 gas, then the gas this call has used so far divided by 1,000 (the
 *     SDK gas a contract sees; what SNIP-50 "evaporation" contracts read);
 *   - `gas_evaporate(n: u32) -> u32`: burns max(n × 1,000, 8,000) gas and returns 0;
 *   - `debug_print(msg)`: the old name of `debug` (Secret's contracts built with `debug-print`).
 */
import type { HostFunctions } from './engine.js';
import { chargeGas, messageImports, type HostContext } from './imports.js';

export const SECRET_EXTRA_GAS = {
  checkGas: 8_192n,
  evaporatePerUnit: 1_000n,
  evaporateMinimum: 8_000n,
} as const;

export function secretImports(ctx: HostContext): HostFunctions {
  const { debug } = messageImports(ctx);
  return {
    check_gas(): bigint {
      chargeGas(ctx, SECRET_EXTRA_GAS.checkGas);
      const left = ctx.instance!.gasLeft;
      return (ctx.gasLimit - left) / 1000n;
    },
    gas_evaporate(n: number): number {
      const want = BigInt(n >>> 0) * SECRET_EXTRA_GAS.evaporatePerUnit;
      chargeGas(ctx, want > SECRET_EXTRA_GAS.evaporateMinimum ? want : SECRET_EXTRA_GAS.evaporateMinimum);
      return 0;
    },
    debug_print: debug,
  };
}
