/**
 * The differential oracle shared by differential.test.ts and fuzz.ts: V8's `v8wasm.validate`
 * against our `decodeAndValidate`, plus the round-trip and instrumentation properties of a valid
 * module. Checks return findings (values); they never throw for a discrepancy, so a driver can
 * collect every finding of a run and save reproducers.
 *
 * Rules, for any input bytes:
 * - V8 rejects ⇒ we reject. We reject and V8 accepts ⇒ our error kind is `unsupported` or `limit`.
 * - A rejection is a `WasmError` value (never a throw) with an offset in [-1, bytes.length].
 * - decode + validate of one input takes under `slowMs` (default 1 s).
 * For a valid module additionally: `encode(decode(b))` decodes to a deep-equal module (up to the
 * recorded body offsets), V8 accepts it, re-encoding is a fixed point (and byte-identical to the
 * input when the input uses shortest-form LEB128s, as binaryen's output does); and its instrumented
 * form (instrument.ts) passes V8 and our validator.
 */
import { isDeepStrictEqual } from 'node:util';
import { decode } from '../../src/decode.js';
import { encode } from '../../src/encode.js';
import { WasmError } from '../../src/errors.js';
import { decodeAndValidate } from '../../src/validate.js';
import type { Module, Result } from '../../src/types.js';
import { instrument, type InstrumentOptions } from '../../src/instrument.js';
import { DEFAULT_SCHEDULE } from '../../src/schedule.js';
import { v8wasm } from './v8.js';

export type FindingKind =
  | 'false-accept'
  | 'false-reject'
  | 'throw'
  | 'bad-error'
  | 'slow'
  | 'roundtrip'
  | 'instrument';

export interface Finding {
  kind: FindingKind;
  /** What was checked: 'module' or a mutant description. */
  subject: string;
  detail: string;
  bytes: Uint8Array;
}

export interface Verdict {
  v8: boolean;
  ours: Result<unknown, WasmError> | undefined;
  ms: number;
}

/** Accepted-by-V8-but-rejected-by-us is fine for these kinds: features and limits outside our set. */
const EXCUSED = new Set(['unsupported', 'limit']);

export interface DiffOptions {
  slowMs?: number;
}

/** Runs both validators on `bytes` and returns the findings of the acceptance rules. */
export function compare(bytes: Uint8Array, subject: string, options: DiffOptions = {}): { findings: Finding[]; verdict: Verdict } {
  const findings: Finding[] = [];
  // Time is judged only where asked (npm run fuzz); tests never assert on time (shared, noisy machines).
  const slowMs = options.slowMs ?? Infinity;
  const v8 = v8wasm.validate(bytes);
  let ours: Result<unknown, WasmError> | undefined;
  const t0 = performance.now();
  try {
    ours = decodeAndValidate(bytes);
  } catch (e) {
    findings.push({ kind: 'throw', subject, detail: `decodeAndValidate threw: ${(e as Error)?.stack ?? String(e)}`, bytes });
  }
  const ms = performance.now() - t0;
  if (ms > slowMs) findings.push({ kind: 'slow', subject, detail: `decodeAndValidate took ${ms.toFixed(0)} ms`, bytes });
  if (ours) {
    if (ours.ok && !v8) {
      findings.push({ kind: 'false-accept', subject, detail: 'V8 rejects, we accept', bytes });
    } else if (!ours.ok) {
      const e = ours.error;
      if (!(e instanceof WasmError)) {
        findings.push({ kind: 'bad-error', subject, detail: `rejection is not a WasmError: ${String(e)}`, bytes });
      } else {
        if (!(Number.isInteger(e.offset) && e.offset >= -1 && e.offset <= bytes.length)) {
          findings.push({ kind: 'bad-error', subject, detail: `error offset ${e.offset} outside [-1, ${bytes.length}]: ${e.message}`, bytes });
        }
        if (v8 && !EXCUSED.has(e.kind)) {
          findings.push({ kind: 'false-reject', subject, detail: `V8 accepts, we reject (${e.kind}): ${e.message}`, bytes });
        }
        if (/internal error/.test(e.message)) {
          findings.push({ kind: 'throw', subject, detail: `an exception was captured as an error: ${e.message}`, bytes });
        }
      }
    }
  }
  return { findings, verdict: { v8, ours, ms } };
}

/** A decoded module without the fields that record positions in one particular binary. */
function comparable(m: Module): unknown {
  return { ...m, codes: m.codes.map((c) => ({ locals: c.locals, code: c.code })) };
}

/** Round-trip properties of a module V8 and we both accept. */
export function roundtrip(bytes: Uint8Array, subject: string, exact = false): Finding[] {
  const f = (detail: string, b = bytes): Finding => ({ kind: 'roundtrip', subject, detail, bytes: b });
  const d = decode(bytes);
  if (!d.ok) return [f(`decode failed on an accepted module: ${d.error.message}`)];
  let re: Uint8Array;
  try {
    re = encode(d.value);
  } catch (e) {
    return [f(`encode threw: ${(e as Error).stack}`)];
  }
  const out: Finding[] = [];
  if (exact && !bytesEqual(re, bytes)) {
    let i = 0;
    while (i < re.length && re[i] === bytes[i]) i++;
    out.push(f(`encode(decode(bytes)) is not byte-identical: first difference at offset ${i} (${bytes.length} → ${re.length} bytes)`, re));
  }
  if (!v8wasm.validate(re)) out.push(f('V8 rejects encode(decode(bytes))', re));
  const d2 = decode(re);
  if (!d2.ok) return [...out, f(`decode(encode(decode(bytes))) failed: ${d2.error.message}`, re)];
  if (!isDeepStrictEqual(comparable(d.value), comparable(d2.value))) {
    out.push(f(`decode(encode(m)) differs from m: ${firstDifference(comparable(d.value), comparable(d2.value))}`, re));
  }
  const re2 = encode(d2.value);
  if (!bytesEqual(re, re2)) out.push(f('encode is not a fixed point: encode(decode(encode(m))) differs from encode(m)', re));
  const v = decodeAndValidate(re);
  if (!v.ok) out.push(f(`our validator rejects the re-encoded module: ${v.error.message}`, re));
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A short path to the first difference of two plain values, for messages. */
export function firstDifference(a: unknown, b: unknown, path = '$'): string {
  if (isDeepStrictEqual(a, b)) return '(equal)';
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return `${path}: ${fmt(a)} vs ${fmt(b)}`;
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    if (a.length !== b.length) return `${path}: ${a.length} bytes vs ${b.length} bytes`;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `${path}[${i}]: ${a[i]} vs ${b[i]}`;
  }
  const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
  for (const k of keys) {
    const x = (a as Record<string, unknown>)[k];
    const y = (b as Record<string, unknown>)[k];
    if (!isDeepStrictEqual(x, y)) return firstDifference(x, y, `${path}.${k}`);
  }
  return `${path}: differs`;
}

function fmt(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

// ---------------------------------------------------------------------------------------------
// Instrumentation

export interface Instrumenter {
  instrument: typeof instrument;
  options: InstrumentOptions;
}

/** The instrumentation the chain applies by default (Secret's schedule, default stack limit). */
export function defaultInstrumenter(): Instrumenter {
  return { instrument, options: { schedule: DEFAULT_SCHEDULE } };
}

/** Instruments a valid module; the output must pass V8 and our validator. */
export function checkInstrument(inst: Instrumenter, bytes: Uint8Array, subject: string): Finding[] {
  const f = (detail: string, b = bytes): Finding => ({ kind: 'instrument', subject, detail, bytes: b });
  let r: ReturnType<typeof instrument>;
  try {
    r = inst.instrument(bytes, inst.options);
  } catch (e) {
    return [f(`instrument threw: ${(e as Error).stack}`)];
  }
  if (!r.ok) {
    if (r.error.kind === 'limit') return [];
    return [f(`instrument rejected a valid module (${r.error.kind}): ${r.error.message}`)];
  }
  const out: Finding[] = [];
  const ib = r.value.bytes;
  if (!v8wasm.validate(ib)) {
    let why = '';
    try {
      new v8wasm.Module(ib);
    } catch (e) {
      why = (e as Error).message;
    }
    out.push(f(`V8 rejects the instrumented module: ${why}`, ib));
  }
  const v = decodeAndValidate(ib);
  if (!v.ok) out.push(f(`our validator rejects the instrumented module: ${v.error.message}`, ib));
  return out;
}

/** V8's reason for rejecting bytes (for reports), or 'valid'. */
export function v8Reason(bytes: Uint8Array): string {
  try {
    new v8wasm.Module(bytes);
    return 'valid';
  } catch (e) {
    return (e as Error).message;
  }
}
