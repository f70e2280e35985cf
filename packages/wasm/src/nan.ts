/**
 * NaN canonicalization (spec/interpreter-notes.md §6 "Floating point"): the spec lets an arithmetic
 * float instruction return any NaN (sign and payload unspecified), and engines differ (V8 on x86-64
 * gives 0xFFC00000 for f32 0/0). After every float instruction that can make a NaN out of arithmetic
 * this pass inserts a call to an appended helper that replaces any NaN with the canonical one
 * (f32 0x7FC00000, f64 0x7FF8000000000000) and returns every other value with its bits untouched, as
 * CosmWasm ≥ 1.5 (Wasmer `canonicalize_nans`) and the Wasm 3.0 deterministic profile do.
 *
 * Canonicalized: f32/f64 add sub mul div sqrt min max ceil floor trunc nearest, f32.demote_f64 and
 * f64.promote_f32. Not touched, because they are bit-exact by the spec: abs, neg, copysign, loads,
 * stores, const, reinterpret, local/global moves, select; conversions from integers cannot make a NaN.
 *
 * The helper is `x == x ? x : canonical`, written with `select` (non-arithmetic, so it moves the value
 * without touching its bits) and `f32.eq` / `f64.eq` (a comparison: it reads the value, produces an
 * i32). Helpers are appended after every defined function, so no existing index changes; each
 * helper exists only when some body needs it (f32 first, then f64).
 */
import { ByteWriter } from './bytes.js';
import { capture, overLimit, type WasmError } from './errors.js';
import { InstrReader } from './instr.js';
import { MAX_FUNCTIONS, MAX_FUNCTION_SIZE, MAX_TYPES } from './limits.js';
import { Op } from './opcodes.js';
import { ValType, importCounts, type FuncBody, type Module, type Result } from './types.js';

/** The canonical NaNs' bit patterns. */
export const CANONICAL_NAN_F32 = 0x7fc00000;
export const CANONICAL_NAN_F64 = 0x7ff8000000000000n;

/** Result type of an instruction that canonicalization applies to: 32 or 64, 0 for the others. */
const NAN_KIND = new Uint8Array(256);
for (let op = Op.f32_ceil; op <= Op.f32_max; op++) NAN_KIND[op] = 32;
for (let op = Op.f64_ceil; op <= Op.f64_max; op++) NAN_KIND[op] = 64;
NAN_KIND[Op.f32_demote_f64] = 32;
NAN_KIND[Op.f64_promote_f32] = 64;

/** True when `op` is an instruction after which `canonicalizeNaNs` inserts a canonicalization. */
export function canProduceArithmeticNaN(op: number): boolean {
  return op < 0x100 && NAN_KIND[op] !== 0;
}

export interface NanCanonicalized {
  module: Module;
  /** Function indices of the appended helpers (f32 first, then f64; either may be absent). */
  helpers: number[];
  f32Helper?: number;
  f64Helper?: number;
  /** Number of canonicalization calls inserted. */
  sites: number;
}

/**
 * Returns a new module in which every arithmetic float result is canonicalized. Throws a WasmError
 * if a body cannot be read (pass a validated module; `canonicalizeNaNsResult` returns it instead).
 * A module without such instructions comes back as a shallow copy with the same bodies.
 */
export function canonicalizeNaNs(m: Module): Module {
  return canonicalizeNaNsDetailed(m).module;
}

/** As `canonicalizeNaNs`, with the error as a value. */
export function canonicalizeNaNsResult(m: Module): Result<NanCanonicalized, WasmError> {
  return capture(() => canonicalizeNaNsDetailed(m));
}

/** As `canonicalizeNaNs`, also saying which helpers were appended and how many sites were rewritten. */
export function canonicalizeNaNsDetailed(m: Module): NanCanonicalized {
  const counts = importCounts(m);
  // First walk: the positions just after each site, per body (pos * 2 + (f64 ? 1 : 0)).
  const sitesPerBody: (Int32Array | undefined)[] = new Array(m.codes.length);
  let buf = new Int32Array(64);
  let any32 = false;
  let any64 = false;
  let total = 0;
  for (let i = 0; i < m.codes.length; i++) {
    const body = m.codes[i];
    const r = new InstrReader(body.code, body.codeOffset);
    let n = 0;
    while (!r.atEnd()) {
      const op = r.next();
      if (op >= 0x100) continue;
      const k = NAN_KIND[op];
      if (k === 0) continue;
      if (n === buf.length) {
        const nb = new Int32Array(n * 2);
        nb.set(buf);
        buf = nb;
      }
      buf[n++] = r.pos * 2 + (k === 64 ? 1 : 0);
      if (k === 64) any64 = true;
      else any32 = true;
    }
    if (n > 0) sitesPerBody[i] = buf.slice(0, n);
    total += n;
  }
  if (total === 0) return { module: { ...m }, helpers: [], sites: 0 };

  const types = m.types.slice();
  const typeOf = (t: ValType): number => {
    const i = types.findIndex((x) => x.params.length === 1 && x.params[0] === t && x.results.length === 1 && x.results[0] === t);
    if (i >= 0) return i;
    if (types.length >= MAX_TYPES) throw overLimit('types', types.length + 1, MAX_TYPES, 'MAX_TYPES', -1);
    types.push({ params: [t], results: [t] });
    return types.length - 1;
  };
  const functions = m.functions.slice();
  const codes = m.codes.slice();
  const helpers: number[] = [];
  const out: NanCanonicalized = { module: m, helpers, sites: total };
  if (any32) {
    out.f32Helper = counts.funcs + functions.length;
    functions.push(typeOf(ValType.f32));
    codes.push({ locals: [], code: canonBody(32), codeOffset: -1 });
    helpers.push(out.f32Helper);
  }
  if (any64) {
    out.f64Helper = counts.funcs + functions.length;
    functions.push(typeOf(ValType.f64));
    codes.push({ locals: [], code: canonBody(64), codeOffset: -1 });
    helpers.push(out.f64Helper);
  }
  if (functions.length > MAX_FUNCTIONS) throw overLimit('functions', functions.length, MAX_FUNCTIONS, 'MAX_FUNCTIONS', -1);

  const call32 = out.f32Helper !== undefined ? callBytes(out.f32Helper) : new Uint8Array(0);
  const call64 = out.f64Helper !== undefined ? callBytes(out.f64Helper) : new Uint8Array(0);
  for (let i = 0; i < m.codes.length; i++) {
    const sites = sitesPerBody[i];
    if (sites) codes[i] = rewrite(m.codes[i], sites, call32, call64);
  }
  out.module = { ...m, types, functions, codes };
  return out;
}

function rewrite(body: FuncBody, sites: Int32Array, call32: Uint8Array, call64: Uint8Array): FuncBody {
  const code = body.code;
  let size = code.length;
  for (let i = 0; i < sites.length; i++) size += (sites[i] & 1 ? call64 : call32).length;
  if (size > MAX_FUNCTION_SIZE) throw overLimit('function body size after NaN canonicalization', size, MAX_FUNCTION_SIZE, 'MAX_FUNCTION_SIZE', body.codeOffset);
  const out = new Uint8Array(size);
  let o = 0;
  let prev = 0;
  for (let i = 0; i < sites.length; i++) {
    const p = sites[i] >>> 1;
    out.set(code.subarray(prev, p), o);
    o += p - prev;
    prev = p;
    const c = sites[i] & 1 ? call64 : call32;
    out.set(c, o);
    o += c.length;
  }
  out.set(code.subarray(prev), o);
  return { locals: body.locals, code: out, codeOffset: -1 };
}

function callBytes(f: number): Uint8Array {
  return new ByteWriter(8).u8(Op.call).u32(f).finish();
}

/**
 * 32 or 64 when `body` is exactly the canonicalization helper this pass appends for f32 / f64 (no
 * locals, the bytes of `canonBody`), else 0. An engine that canonicalizes NaNs itself may run calls
 * to it as a built-in step (the interpreter does); the bytes are compared, so the semantics are the
 * helper's.
 */
export function nanHelperKind(body: FuncBody): 0 | 32 | 64 {
  if (body.locals.length !== 0) return 0;
  for (const bits of [32, 64] as const) {
    const want = canonBody(bits);
    const c = body.code;
    if (c.length !== want.length) continue;
    let same = true;
    for (let i = 0; i < c.length && same; i++) same = c[i] === want[i];
    if (same) return bits;
  }
  return 0;
}

/** `(param $x fN) (result fN)`: select(x, canonical, x == x). */
function canonBody(bits: 32 | 64): Uint8Array {
  if (bits === 32) {
    return Uint8Array.from([
      Op.local_get, 0,
      Op.f32_const, 0x00, 0x00, 0xc0, 0x7f,
      Op.local_get, 0, Op.local_get, 0, Op.f32_eq,
      Op.select,
      Op.end,
    ]);
  }
  return Uint8Array.from([
    Op.local_get, 0,
    Op.f64_const, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0x7f,
    Op.local_get, 0, Op.local_get, 0, Op.f64_eq,
    Op.select,
    Op.end,
  ]);
}
