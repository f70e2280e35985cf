/**
 * Contract-to-chain queries (`query_chain`, spec/cosmwasm-abi.md §3.3/§3.6 for 0.9/0.10, §4.3/§4.6 for
 * 0.11 on; Secret Network's limits in spec/secret-compute.md §4.6, §5.3).
 *
 * The VM does not know the chain: it is given a `Querier` (the node, the enclave's ocall, or
 * `MemoryChain` in tests and `cloak run`). The import reads the request (≤ 64 KiB, else the call
 * aborts), parses it as JSON, enforces the query depth, hands it to the querier with the gas left,
 * charges the gas the querier reports to this call, and always returns a new Region holding the
 * `SystemResult<ContractResult<Binary>>` JSON in the caller's era:
 *   - 0.11 on: `{"ok":{"ok":"<b64>"}}`, `{"ok":{"error":"<string>"}}`, `{"error":{<SystemError>}}`;
 *   - 0.8–0.10: `{"Ok":{"Ok":"<b64>"}}`, `{"Ok":{"Err":<StdError>}}`, `{"Err":{<SystemError>}}`.
 * Every request costs QUERY_GAS for reading and parsing it; one that is not JSON answers `invalid_request`.
 * Only a querier that throws a `VmError` (e.g. running out of gas in a nested call) aborts the call.
 */
import { base64 } from '@scure/base';
import type { HostFunctions } from './engine.js';
import { VmError } from './errors.js';
import { allocateRegion, chargeGas, type HostContext } from './imports.js';
import { JsonError, parseJson, stringifyJson, type JsonValue } from './json.js';
import { readRegion } from './region.js';

/** Largest query request read from a contract. */
export const MAX_QUERY_REQUEST_LENGTH = 64 * 1024;
/**
 * Calls at this depth or deeper may not query further: the top-level call has depth 1 and Secret's
 * enclave refuses nesting once the depth reaches 10 (`recursion_depth.rs`).
 */
export const MAX_QUERY_DEPTH = 10;
/**
 * Gas of reading and parsing a request, charged to every query_chain before the querier's own: 1,000
 * plus 1 per request byte (about the interpreter's own rate without JIT). Secret has no VM-side fee
 * (its Go side meters the query, and charges a flat 500 for a request that does not parse); without
 * one, a contract could have the host parse 64 KiB requests for nothing.
 */
export const QUERY_GAS = { base: 1_000n, perRequestByte: 1n } as const;

/** What a querier answers. */
export type QuerierResult =
  /** The answer's bytes (a JSON document, returned base64-encoded to the contract). */
  | { ok: Uint8Array }
  /** The queried contract or module failed: a string (0.11 on) or a StdError object (0.10). */
  | { contractError: JsonValue }
  /** The request could not be served: one SystemError variant, e.g. `{"no_such_contract":{"addr":"…"}}`. */
  | { systemError: { [variant: string]: JsonValue } };

/** The chain as the VM sees it for queries. */
export interface Querier {
  /**
   * Answers `request` (a parsed QueryRequest) for a caller at depth `depth - 1`: nested contract calls
   * run at `depth`. `gasLimit` is the caller's gas left; `gasUsed` is charged to the caller and must
   * not exceed it. `raw` is the request exactly as the contract wrote it (to pass on untouched).
   * Throwing a VmError aborts the calling contract (use it for running out of gas).
   */
  query(request: JsonValue, depth: number, gasLimit: bigint, raw?: Uint8Array): { result: QuerierResult; gasUsed: bigint };
}

const enc = new TextEncoder();

/** A StdError for a 0.10 caller from any contract error (strings become `generic_err`). */
function stdError(e: JsonValue): JsonValue {
  if (typeof e === 'object' && e !== null && !Array.isArray(e)) return e;
  return { generic_err: { msg: typeof e === 'string' ? e : stringifyJson(e) } };
}

/** A string for a 0.11+ caller from any contract error (StdError objects are written as JSON). */
function errorString(e: JsonValue): string {
  return typeof e === 'string' ? e : stringifyJson(e);
}

/** The SystemResult JSON of `r` in the caller's result era. */
export function encodeQuerierResult(r: QuerierResult, era: 'v1' | 'v010'): Uint8Array {
  const [ok, err] = era === 'v1' ? ['ok', 'error'] : ['Ok', 'Err'];
  let v: JsonValue;
  if ('ok' in r) v = { [ok]: { [ok]: base64.encode(r.ok) } };
  else if ('contractError' in r) v = { [ok]: { [err]: era === 'v1' ? errorString(r.contractError) : stdError(r.contractError) } };
  else v = { [err]: r.systemError };
  return enc.encode(stringifyJson(v));
}

/**
 * `query_chain` in the given result era, for a call at `ctx.queryDepth` (1 = top level) asking
 * `ctx.querier`. Without a querier every request answers `unsupported_request`.
 */
export function queryImports(ctx: HostContext, era: 'v1' | 'v010'): HostFunctions {
  return {
    query_chain(requestPtr: number): number {
      const inst = ctx.instance;
      if (inst === null) throw new Error('host import called outside a contract call');
      const bytes = readRegion(inst.memory(), requestPtr, MAX_QUERY_REQUEST_LENGTH, 'query_chain request');
      chargeGas(ctx, QUERY_GAS.base + QUERY_GAS.perRequestByte * BigInt(bytes.length));
      let request: JsonValue;
      try {
        request = parseJson(bytes);
      } catch (e) {
        if (!(e instanceof JsonError)) throw e;
        const sys = { invalid_request: { error: `Parsing query request: ${e.message}`, request: base64.encode(bytes) } };
        return allocateRegion(ctx, encodeQuerierResult({ systemError: sys }, era), 'query_chain response');
      }
      let result: QuerierResult;
      const { querier, queryDepth: depth } = ctx;
      if (depth + 1 >= MAX_QUERY_DEPTH) {
        result = { systemError: { exceeded_recursion_limit: {} } };
      } else if (querier === undefined) {
        result = { systemError: { unsupported_request: { kind: 'no querier' } } };
      } else {
        const left = inst.gasLeft;
        const answer = querier.query(request, depth + 1, left, bytes);
        if (typeof answer.gasUsed !== 'bigint' || answer.gasUsed < 0n) throw new VmError('communication', 'query_chain: the querier reported an invalid gas amount');
        chargeGas(ctx, answer.gasUsed);
        result = answer.result;
      }
      return allocateRegion(ctx, encodeQuerierResult(result, era), 'query_chain response');
    },
  };
}
