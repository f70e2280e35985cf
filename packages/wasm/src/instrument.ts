/**
 * The instrumentation pipeline the VM runs on a contract before either engine sees it
 * (design.md "Decisions already made"; spec/interpreter-notes.md §4.6 and §6):
 *
 *   [decode + validate] → [reject floats] → canonicalize NaNs → meter gas → limit stack depth
 *   → encode
 *
 * - The input is bytes, a `Module`, or the `{ module, info }` that `decodeAndValidate` returned (the
 *   VM validates at upload; passing that result on skips a second validation).
 * - NaN canonicalization (nan.ts) is skipped when the validator counted no instruction that can
 *   produce an arithmetic NaN; with `rejectFloats` any float type or instruction refuses the module
 *   instead (Secret's legacy rule).
 * - Metering (meter.ts) prices only the original instructions: the NaN helpers are excluded, so the
 *   gas of a program does not depend on how many canonicalization calls were inserted.
 * - The stack limiter (stack-limit.ts) counts frames of every original function; the helpers of the
 *   two passes above are leaf functions of fixed small frames and are excluded (never wrapped).
 *   It needs each body's maximum operand-stack height as instrumented. The passes before it add at
 *   most one value to any stack (a charge is `i64.const; call $gas` at a block start; the NaN and
 *   dynamic-charge helpers take one value and return one), so the original heights + 1 are used: an
 *   upper bound that is the same on every node, without validating the output a second time (the
 *   tests validate every instrumented module they make).
 * Every appended function, global and type comes after the existing ones, so the contract's own
 * indices (exports, table entries, start, name section) are unchanged until the stack limiter
 * redirects exports, table entries and start to its thunks.
 *
 * The result is deterministic in (bytes, options): the same input gives the same output bytes on
 * every node, and `cacheKey` names what the output depends on besides the input's hash.
 */
import { WasmError, capture } from './errors.js';
import { encode } from './encode.js';
import { DEFAULT_STACK_LIMIT } from './limits.js';
import { GAS_EXHAUSTED_EXPORT, GAS_LEFT_EXPORT, meter } from './meter.js';
import { canonicalizeNaNsResult } from './nan.js';
import { DEFAULT_SCHEDULE, type GasSchedule } from './schedule.js';
import { STACK_HEIGHT_EXPORT, limitStack } from './stack-limit.js';
import type { Module, Result } from './types.js';
import { scanCode } from './scan.js';
import { decodeAndValidate, validate, type ValidationInfo } from './validate.js';

export { GAS_LEFT_EXPORT, GAS_EXHAUSTED_EXPORT, STACK_HEIGHT_EXPORT };

export interface InstrumentOptions {
  /** Gas schedule (default `DEFAULT_SCHEDULE`, Secret's). */
  schedule?: GasSchedule;
  /** Refuse any float type or instruction instead of canonicalizing NaNs (default false). */
  rejectFloats?: boolean;
  /** Call-depth limit in stack-limit.ts units (default `DEFAULT_STACK_LIMIT`), or false for none. */
  stackLimit?: number | false;
  /** Initial value of the gas-left global, which a start function runs on (default 0). */
  initialGas?: bigint;
}

export interface Instrumented {
  module: Module;
  bytes: Uint8Array;
  gas: {
    leftExport: string;
    exhaustedExport: string;
    /** Global indices in the instrumented module. */
    leftGlobal: number;
    exhaustedGlobal: number;
    /** Function index of the `$gas (param i64)` helper (an engine may run it as an intrinsic). */
    gasFunc: number;
    scheduleId: string;
  };
  /** Present when a stack limit was applied. */
  stack?: { heightExport: string; heightGlobal: number; limit: number; thunks: number };
  /** Functions appended by NaN canonicalization and metering (excluded from metering and stack counting). */
  helpers: number[];
  /** Canonicalization calls inserted (0 when the pass was skipped). */
  nanSites: number;
  /** What the output depends on besides the input bytes: schedule id, float mode, stack limit. */
  cacheKey: string;
}

/** Instruments a contract. Everything wrong with the input is returned as a WasmError. */
export function instrument(
  input: Uint8Array | Module | { module: Module; info: ValidationInfo },
  options: InstrumentOptions = {},
): Result<Instrumented, WasmError> {
  const schedule = options.schedule ?? DEFAULT_SCHEDULE;
  const stackLimit = options.stackLimit === undefined ? DEFAULT_STACK_LIMIT : options.stackLimit;
  const rejectFloats = options.rejectFloats ?? false;

  if (typeof input !== 'object' || input === null) {
    throw new TypeError(`instrument: expected wasm bytes, a Module or decodeAndValidate's value, got ${input === null ? 'null' : typeof input}`);
  }
  let m: Module;
  let info: ValidationInfo;
  if (input instanceof Uint8Array) {
    const d = decodeAndValidate(input);
    if (!d.ok) return d;
    m = d.value.module;
    info = d.value.info;
  } else if ('info' in input && 'module' in input) {
    m = input.module;
    info = input.info;
  } else {
    const v = validate(input);
    if (!v.ok) return v;
    m = input;
    info = v.value;
  }

  if (rejectFloats) {
    const f = capture(() => checkNoFloats(m));
    if (!f.ok) return f;
  }

  let nanModule = m;
  let nanHelpers: number[] = [];
  let nanSites = 0;
  if (info.nanOps > 0) {
    const nan = canonicalizeNaNsResult(m);
    if (!nan.ok) return nan;
    nanModule = nan.value.module;
    nanHelpers = nan.value.helpers;
    nanSites = nan.value.sites;
  }

  const metered = meter(nanModule, schedule, {
    exclude: new Set(nanHelpers),
    ...(options.initialGas === undefined ? {} : { initialGas: options.initialGas }),
  });
  if (!metered.ok) return metered;
  const helpers = [...nanHelpers, ...metered.value.helpers];
  let out = metered.value.module;

  let stack: Instrumented['stack'];
  if (stackLimit !== false) {
    const heights = new Uint32Array(info.maxStackHeights.length);
    for (let i = 0; i < heights.length; i++) heights[i] = info.maxStackHeights[i] + 1;
    const s = limitStack(
      out,
      { maxStackHeights: heights, callSites: metered.value.callSites },
      { limit: stackLimit, exclude: new Set(helpers) },
    );
    if (!s.ok) return s;
    out = s.value.module;
    stack = { heightExport: s.value.heightExport, heightGlobal: s.value.heightGlobal, limit: s.value.limit, thunks: s.value.thunks.size };
  }

  const bytes = capture(() => encode(out));
  if (!bytes.ok) return bytes;
  const result: Instrumented = {
    module: out,
    bytes: bytes.value,
    gas: {
      leftExport: metered.value.leftExport,
      exhaustedExport: metered.value.exhaustedExport,
      leftGlobal: metered.value.leftGlobal,
      exhaustedGlobal: metered.value.exhaustedGlobal,
      gasFunc: metered.value.gasFunc,
      scheduleId: schedule.id,
    },
    helpers,
    nanSites,
    cacheKey: `${schedule.id};floats=${rejectFloats ? 'reject' : 'canonical'};stack=${stackLimit === false ? 'none' : stackLimit};gas0=${options.initialGas ?? 0n}`,
  };
  if (stack) result.stack = stack;
  return { ok: true, value: result };
}

function refuse(what: string, offset = -1): WasmError {
  return new WasmError('unsupported', `floating point is not allowed (rejectFloats): ${what}`, offset);
}

/** Throws a WasmError naming the first float instruction, or else the first float-typed item. */
function checkNoFloats(m: Module): void {
  const scan = scanCode(m);
  if (scan.firstFloat) throw refuse(`instruction ${scan.firstFloat.name}`, scan.firstFloat.offset);
  if (scan.floatTyped.length > 0) throw refuse(scan.floatTyped[0]);
}
