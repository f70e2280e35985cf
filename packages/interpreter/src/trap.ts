/**
 * Traps: the closed set of ways a WebAssembly execution can stop early (core spec 2.0 §4.4 "trap",
 * plus the resource limits every real engine adds), as values with the place they happened.
 *
 * A trap is what the *code* does wrong, so it is a value the caller inspects (`code`, `funcIndex`,
 * `offset`), never an engine crash. `Trap` extends `Error` only so that `exports.f()` can throw it
 * in the style of the JS API; `Instance.invoke` returns it instead. What a *programmer* does wrong
 * (calling an export that does not exist, passing a string for an i32) is thrown as a plain
 * `TypeError` / `RangeError`, never as a `Trap`.
 */

/** Every trap code, with the message the spec test suite uses for it where it has one. */
export const TRAP_MESSAGES = {
  unreachable: 'unreachable executed',
  integer_overflow: 'integer overflow',
  integer_divide_by_zero: 'integer divide by zero',
  invalid_conversion_to_integer: 'invalid conversion to integer',
  out_of_bounds_memory: 'out of bounds memory access',
  out_of_bounds_table: 'out of bounds table access',
  indirect_call_type_mismatch: 'indirect call type mismatch',
  uninitialized_element: 'uninitialized element',
  undefined_element: 'undefined element',
  call_stack_exhausted: 'call stack exhausted',
  value_stack_exhausted: 'value stack exhausted',
  out_of_gas: 'out of gas',
  host: 'host function failed',
} as const;

export type TrapCode = keyof typeof TRAP_MESSAGES;

export const TRAP_CODES: readonly TrapCode[] = Object.keys(TRAP_MESSAGES) as TrapCode[];

export class Trap extends Error {
  /** Which trap. */
  readonly code: TrapCode;
  /**
   * Function index (in the module's function index space) of the function executing when it
   * happened; for a `host` trap, the index of the imported function that failed. -1 when the trap
   * happened outside any function (a data or element segment out of bounds at instantiation).
   */
  readonly funcIndex: number;
  /**
   * Absolute byte offset, in the binary the module was compiled from, of the instruction that
   * trapped (the `call` for a host trap). -1 when unknown: outside code, or a body built by a
   * transformation that has no position in a binary.
   */
  readonly offset: number;

  constructor(code: TrapCode, funcIndex: number, offset: number, cause?: unknown) {
    const where = funcIndex < 0 ? '' : offset < 0 ? ` in function ${funcIndex}` : ` in function ${funcIndex} at byte offset ${offset} (0x${offset.toString(16)})`;
    const detail = code === 'host' && cause !== undefined ? `: ${cause instanceof Error ? cause.message : String(cause)}` : '';
    super(`wasm trap: ${TRAP_MESSAGES[code]}${where}${detail}`, cause === undefined ? undefined : { cause });
    this.name = 'Trap';
    this.code = code;
    this.funcIndex = funcIndex;
    this.offset = offset;
  }
}

/** Thrown when imports do not match what the module asks for (the JS API's LinkError). */
export class LinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LinkError';
  }
}
