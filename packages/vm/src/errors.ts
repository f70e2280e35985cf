/**
 * VM errors: everything that stops a contract call before the contract produced a result
 * (spec/cosmwasm-abi.md §7.3, CosmWasm's `VmError`). They are values the caller inspects by `kind`;
 * a contract-level error (`{"error": …}`) is not one of them but a successful call's result.
 */

export const VM_ERROR_KINDS = [
  /** The code failed the static checks at store time (a list of violations). */
  'static_validation',
  /** The upload is not acceptable before any check: too large, bad gzip. */
  'invalid_upload',
  /** The module could not be instantiated (memory above the cap, a start function trapping). */
  'instantiation',
  /** An export the call needs is missing or has the wrong signature. */
  'resolve',
  /** A Region or an allocation broke the memory protocol (§2.1–2.4). */
  'communication',
  /** Gas ran out: gas used equals the limit. */
  'gas_depletion',
  /** The contract trapped (unreachable, out-of-bounds access, …) or the stack limit tripped. */
  'runtime',
  /** The contract called `abort` (Rust panic). */
  'aborted',
  /** A result or input is larger than its limit. */
  'limit_exceeded',
  /** The contract returned bytes that are not the JSON the protocol expects. */
  'parse',
] as const;

export type VmErrorKind = (typeof VM_ERROR_KINDS)[number];

export class VmError extends Error {
  readonly kind: VmErrorKind;

  constructor(kind: VmErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VmError';
    this.kind = kind;
  }
}
