/**
 * The one error type of the toolkit. A `WasmError` says what was wrong with the input, where (the
 * absolute byte offset in the binary, when there is one) and which class of problem it is:
 *
 * - `malformed`: the bytes are not a well-formed binary (spec: "assert_malformed").
 * - `invalid`: well-formed but fails validation (spec: "assert_invalid").
 * - `unsupported`: uses a WebAssembly feature outside cloak's feature set; the feature is named.
 * - `limit`: exceeds an implementation limit (limits.ts); the limit is named.
 *
 * Decoding and validation throw it internally and hand it back as a value at the public API, so no
 * exception escapes to a caller for bad input.
 */

export type WasmErrorKind = 'malformed' | 'invalid' | 'unsupported' | 'limit';

export class WasmError extends Error {
  override readonly name = 'WasmError';
  readonly kind: WasmErrorKind;
  /** Absolute byte offset in the binary, or -1 when the problem has no single position. */
  readonly offset: number;
  /** The message without the position suffix. */
  readonly reason: string;

  constructor(kind: WasmErrorKind, reason: string, offset: number) {
    super(offset >= 0 ? `${reason} (at byte offset ${offset}, 0x${offset.toString(16)})` : reason);
    this.kind = kind;
    this.offset = offset;
    this.reason = reason;
  }
}

export function malformed(reason: string, offset: number): WasmError {
  return new WasmError('malformed', reason, offset);
}

export function invalid(reason: string, offset: number): WasmError {
  return new WasmError('invalid', reason, offset);
}

export function unsupported(feature: string, what: string, offset: number): WasmError {
  return new WasmError('unsupported', `${what}: the ${feature} proposal is not supported`, offset);
}

export function overLimit(what: string, value: number | bigint, limit: number, limitName: string, offset: number): WasmError {
  return new WasmError('limit', `${what} ${value} exceeds the limit ${limit} (${limitName})`, offset);
}

/**
 * Runs `f` and turns whatever it throws into a WasmError value. A throw that is not a WasmError is a
 * bug in the toolkit, but it still must not crash the caller: it is reported as malformed input at
 * the given offset with the original message kept.
 */
export function capture<T>(f: () => T, fallbackOffset = -1): { ok: true; value: T } | { ok: false; error: WasmError } {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (e instanceof WasmError) return { ok: false, error: e };
    const msg = e instanceof Error ? e.message : String(e);
    return { ok: false, error: new WasmError('malformed', `internal error while reading the module: ${msg}`, fallbackOffset) };
  }
}
