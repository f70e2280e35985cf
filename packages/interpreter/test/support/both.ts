/**
 * Runs one WAT module on both engines, V8 (the oracle) and our interpreter, and checks every step
 * against the expectation written in the test. V8 passing proves the expectation right; the
 * interpreter must then match it, including the place of a trap (function index and the absolute
 * byte offset of the trapping instruction, read from V8's `wasm-function[N]:0xOFF` stack frames).
 *
 * Conventions the tests follow (so no JS number ever holds a float whose bits matter):
 * - functions take and return i32 / i64 only; floats cross the boundary through
 *   `fNN.reinterpret_iNN` / `iNN.reinterpret_fNN`. `f32(x)` / `f64(x)` arguments and `F32` / `F64`
 *   results exist for the few tests of the JS-style boundary itself.
 * - expectations: a number is an i32 (compared as int32, so 0xffffffff and -1 are the same), a bigint
 *   is an i64 (compared as int64); `nan32(...)` / `nan64(...)` match NaN bit patterns returned through
 *   reinterpret, following the spec's `nan:canonical` / `nan:arithmetic` (any sign). When a module is
 *   also run after `canonicalizeNaNs` (`{ canon: true }`), every NaN matcher then requires exactly
 *   the canonical positive NaN, and every other expectation stays as written.
 *
 * The interpreter is imported statically as `@cloak/interpreter` (the package's own name, resolved
 * through its `exports`): if it is missing, the test file fails to load; its subtests never skip.
 * `CLOAK_COUNT_CASES=1` prints the number of steps a test file registered.
 */
import { test, type TestContext } from 'node:test';
import { wat } from '@cloak/wasm/test/support/wat.js';
import { v8wasm } from '@cloak/wasm/test/support/v8.js';
import { decodeOrThrow, encode, canonicalizeNaNs, CANONICAL_NAN_F32, CANONICAL_NAN_F64 } from '@cloak/wasm';
import { compile, instantiate, Trap, Memory, Global, type Imports, type Instance, type RawValue, type TrapCode } from '@cloak/interpreter';

export type { TrapCode };

// ---------------------------------------------------------------------------------------------
// Values, arguments and matchers.

/** An f32 argument: a JS number in the JS-style form, its u32 bits in the raw form. */
export class F32Arg {
  constructor(readonly bits: number) {}
}
/** An f64 argument: a JS number in the JS-style form, its u64 bits in the raw form. */
export class F64Arg {
  constructor(readonly bits: bigint) {}
}
export type Arg = number | bigint | F32Arg | F64Arg;

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);
const f64buf = new Float64Array(1);
const u64buf = new BigUint64Array(f64buf.buffer);

/** The f32 bit pattern of a JS number (rounded to f32). Only for non-NaN values. */
export function f32bits(x: number): number {
  f32buf[0] = x;
  return u32buf[0];
}
/** The f64 bit pattern of a JS number. Only for non-NaN values. */
export function f64bits(x: number): bigint {
  f64buf[0] = x;
  return u64buf[0];
}
function f32value(bits: number): number {
  u32buf[0] = bits;
  return f32buf[0];
}
function f64value(bits: bigint): number {
  u64buf[0] = BigInt.asUintN(64, bits);
  return f64buf[0];
}
export const f32 = (x: number): F32Arg => new F32Arg(f32bits(x));
export const f64 = (x: number): F64Arg => new F64Arg(f64bits(x));
/** f32 / f64 arguments given by bit pattern (a NaN's payload survives only in the raw form). */
export const f32b = (bits: number): F32Arg => new F32Arg(bits >>> 0);
export const f64b = (bits: bigint): F64Arg => new F64Arg(BigInt.asUintN(64, bits));

/** What a check sees: the form values are in, and whether the module went through canonicalizeNaNs. */
interface MatchContext {
  form: 'js' | 'raw';
  canon: boolean;
}
export interface Matcher {
  readonly desc: string;
  match(actual: unknown, cx: MatchContext): boolean;
}
export type Val = number | bigint | Matcher;

const hex32 = (n: number) => '0x' + (n >>> 0).toString(16).padStart(8, '0');
const hex64 = (n: bigint) => '0x' + BigInt.asUintN(64, n).toString(16).padStart(16, '0');

function show(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n (${hex64(v)})`;
  if (typeof v === 'number') return Number.isInteger(v) ? `${v} (${hex32(v)})` : String(v);
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (v instanceof F32Arg) return `f32:${hex32(v.bits)}`;
  if (v instanceof F64Arg) return `f64:${hex64(v.bits)}`;
  return String(v);
}
function showVal(v: Val): string {
  return typeof v === 'object' ? v.desc : show(v);
}

function matchVal(exp: Val, actual: unknown, cx: MatchContext): boolean {
  if (typeof exp === 'number') return typeof actual === 'number' && Number.isInteger(actual) && (actual | 0) === (exp | 0);
  if (typeof exp === 'bigint') return typeof actual === 'bigint' && BigInt.asIntN(64, actual) === BigInt.asIntN(64, exp);
  return exp.match(actual, cx);
}

const isNaN32 = (b: number) => (b & 0x7f800000) === 0x7f800000 && (b & 0x007fffff) !== 0;
const isNaN64 = (b: bigint) => (b & 0x7ff0000000000000n) === 0x7ff0000000000000n && (b & 0x000fffffffffffffn) !== 0n;

/**
 * An f32 NaN returned as i32 bits. 'canonical': payload exactly the quiet bit, any sign;
 * 'arithmetic': quiet bit set, any payload and sign; 'any': any NaN. After canonicalizeNaNs: exactly
 * 0x7fc00000 (use `exact` for NaNs that are moved, not computed: those keep their bits).
 */
export function nan32(kind: 'canonical' | 'arithmetic' | 'any'): Matcher {
  return {
    desc: `nan:${kind} (f32 bits)`,
    match(a, cx) {
      if (typeof a !== 'number' || !Number.isInteger(a)) return false;
      const b = a >>> 0;
      if (cx.canon) return b === CANONICAL_NAN_F32;
      if (kind === 'canonical') return (b & 0x7fffffff) === 0x7fc00000;
      if (kind === 'arithmetic') return (b & 0x7fc00000) === 0x7fc00000;
      return isNaN32(b);
    },
  };
}
/** As nan32, for an f64 NaN returned as i64 bits. */
export function nan64(kind: 'canonical' | 'arithmetic' | 'any'): Matcher {
  return {
    desc: `nan:${kind} (f64 bits)`,
    match(a, cx) {
      if (typeof a !== 'bigint') return false;
      const b = BigInt.asUintN(64, a);
      if (cx.canon) return b === CANONICAL_NAN_F64;
      if (kind === 'canonical') return (b & 0x7fffffffffffffffn) === 0x7ff8000000000000n;
      if (kind === 'arithmetic') return (b & 0x7ff8000000000000n) === 0x7ff8000000000000n;
      return isNaN64(b);
    },
  };
}
/** A function result of type f32 (not reinterpreted): raw bits exactly; in JS form the number (NaN: any NaN). */
export function F32(bits: number): Matcher {
  return {
    desc: `f32:${hex32(bits)}`,
    match(a, cx) {
      if (typeof a !== 'number') return false;
      if (cx.form === 'raw') return (a >>> 0) === bits >>> 0 && Number.isInteger(a);
      return isNaN32(bits >>> 0) ? Number.isNaN(a) : Object.is(a, f32value(bits));
    },
  };
}
/** A function result of type f64 (not reinterpreted): raw bits exactly; in JS form the number (NaN: any NaN). */
export function F64(bits: bigint): Matcher {
  return {
    desc: `f64:${hex64(bits)}`,
    match(a, cx) {
      if (cx.form === 'raw') return typeof a === 'bigint' && BigInt.asUintN(64, a) === BigInt.asUintN(64, bits);
      if (typeof a !== 'number') return false;
      return isNaN64(BigInt.asUintN(64, bits)) ? Number.isNaN(a) : Object.is(a, f64value(bits));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Steps.

export type Expected =
  | { results: Val[] }
  | { trap: TrapCode; cause?: (e: unknown) => boolean; funcIndex?: number }
  | { exhaustion: readonly TrapCode[] };

export type Step =
  | { kind: 'call'; name: string; args: Arg[]; expect: Expected }
  | { kind: 'mem'; at: number; bytes: number[] }
  | { kind: 'memSize'; pages: number }
  | { kind: 'global'; name: string; value: Val }
  | { kind: 'setGlobal'; name: string; value: number | bigint };

/** Call `name(args)`; it returns `results` (none, one, or several for multi-value). */
export function eq(name: string, args: Arg[], ...results: Val[]): Step {
  return { kind: 'call', name, args, expect: { results } };
}
/** Call `name(args)`; it traps with `code`. */
export function trap(name: string, args: Arg[], code: TrapCode): Step {
  return { kind: 'call', name, args, expect: { trap: code } };
}
/**
 * Call `name(args)`; an imported function throws. V8 passes the thrown value through; the
 * interpreter gives a `host` trap whose `.cause` is it, located at the `call`, with `funcIndex` the
 * imported function's index.
 */
export function hostTrap(name: string, args: Arg[], cause: (e: unknown) => boolean, funcIndex: number): Step {
  return { kind: 'call', name, args, expect: { trap: 'host', cause, funcIndex } };
}
/**
 * Call `name(args)`; the stack runs out (V8: RangeError; the interpreter: a trap with one of `codes`,
 * by default call_stack_exhausted).
 */
export function exhausts(name: string, args: Arg[], codes: readonly TrapCode[] = ['call_stack_exhausted']): Step {
  return { kind: 'call', name, args, expect: { exhaustion: codes } };
}
/** Memory (exported as `mem`, or the one made by `kit.memory`) holds `bytes` at `at`. */
export function memIs(at: number, bytes: number[]): Step {
  return { kind: 'mem', at, bytes };
}
export function memSize(pages: number): Step {
  return { kind: 'memSize', pages };
}
/** Exported global `name` (an i32 or i64) has `value`. */
export function globalIs(name: string, value: Val): Step {
  return { kind: 'global', name, value };
}
export function setGlobal(name: string, value: number | bigint): Step {
  return { kind: 'setGlobal', name, value };
}

// ---------------------------------------------------------------------------------------------
// Imports.

export type EngineName = 'v8' | 'interpreter';

/** Makes engine-specific import objects; one kit per instantiation. */
export interface Kit {
  readonly engine: EngineName;
  /** A memory to import (V8: WebAssembly.Memory; interpreter: its Memory). Mem steps read it when the module exports none. */
  memory(initial: number, maximum?: number): unknown;
  /** A global to import: a plain value when immutable; a Global object when mutable. */
  global(type: 'i32' | 'i64' | 'f32' | 'f64', value: number | bigint, mutable?: boolean): unknown;
}

interface V8Full {
  Memory: new (d: { initial: number; maximum?: number }) => { buffer: ArrayBuffer; grow(n: number): number };
  Global: new (d: { value: string; mutable?: boolean }, v: unknown) => { value: unknown };
  Module: new (b: Uint8Array) => object;
  Instance: new (m: object, imports?: object) => { exports: Record<string, unknown> };
  RuntimeError: new (...a: unknown[]) => Error;
}
const V8 = v8wasm as unknown as V8Full;

function makeKit(engine: EngineName): Kit & { mem?: { buffer: ArrayBuffer } } {
  const kit: Kit & { mem?: { buffer: ArrayBuffer } } = {
    engine,
    memory(initial, maximum) {
      const d = maximum === undefined ? { initial } : { initial, maximum };
      const m = engine === 'v8' ? new V8.Memory(d) : new Memory(d);
      kit.mem = m;
      return m;
    },
    global(type, value, mutable = false) {
      if (!mutable) return value;
      if (engine === 'v8') return new V8.Global({ value: type, mutable: true }, value);
      return new Global({ value: type, mutable: true }, value);
    },
  };
  return kit;
}

// ---------------------------------------------------------------------------------------------
// Running.

export interface ModuleOptions {
  /** Also run the module after `canonicalizeNaNs` (both engines). */
  canon?: boolean;
  imports?: (kit: Kit) => Record<string, Record<string, unknown>>;
  /** Instantiation itself traps with this code (a start function, or a segment out of bounds). */
  instantiateTraps?: TrapCode;
  /** Call the interpreter through `exports.f(...)` (JS-style values) instead of `invokeRaw`. */
  via?: 'raw' | 'exports';
  /** Name of the exported memory mem steps read (default `mem`). */
  memExport?: string;
}

type Outcome = { ok: true; results: unknown[] } | { ok: false; error: unknown };

interface Loc {
  func: number;
  offset: number;
}

/** The innermost `wasm-function[N]:0xOFF` frame of an error's stack. */
function wasmLoc(e: unknown): Loc | undefined {
  const stack = (e as { stack?: unknown } | null)?.stack;
  if (typeof stack !== 'string') return undefined;
  const m = /wasm-function\[(\d+)\]:0x([0-9a-f]+)/.exec(stack);
  return m ? { func: Number(m[1]), offset: parseInt(m[2], 16) } : undefined;
}

const V8_MESSAGES: Record<TrapCode, RegExp> = {
  unreachable: /^unreachable$/,
  // Also an out-of-range trunc (the spec tests' "integer overflow"); V8 does not tell it from a NaN.
  integer_overflow: /^(divide result unrepresentable|float unrepresentable in integer range)$/,
  integer_divide_by_zero: /^(divide|remainder) by zero$/,
  invalid_conversion_to_integer: /^float unrepresentable in integer range$/,
  out_of_bounds_memory: /memory access out of bounds|data segment is out of bounds/,
  out_of_bounds_table: /table index is out of bounds|element segment out of bounds/,
  indirect_call_type_mismatch: /^null function or function signature mismatch$/,
  uninitialized_element: /^null function or function signature mismatch$/,
  undefined_element: /^table index is out of bounds$/,
  call_stack_exhausted: /Maximum call stack size exceeded/,
  value_stack_exhausted: /Maximum call stack size exceeded/,
  out_of_gas: /$^/,
  host: /$^/,
};

/** Opcodes a trap of each code may be reported at (a self-check of V8's offsets: they must point at the instruction). */
const TRAP_OPS: Partial<Record<TrapCode, number[]>> = {
  unreachable: [0x00],
  integer_overflow: [0x6d, 0x7f, 0xa8, 0xa9, 0xaa, 0xab, 0xae, 0xaf, 0xb0, 0xb1],
  integer_divide_by_zero: [0x6d, 0x6e, 0x6f, 0x70, 0x7f, 0x80, 0x81, 0x82],
  invalid_conversion_to_integer: [0xa8, 0xa9, 0xaa, 0xab, 0xae, 0xaf, 0xb0, 0xb1],
  out_of_bounds_memory: [...range(0x28, 0x3e), 0xfc08, 0xfc0a, 0xfc0b],
  out_of_bounds_table: [0xfc0c, 0xfc0e],
  undefined_element: [0x11],
  uninitialized_element: [0x11],
  indirect_call_type_mismatch: [0x11],
  host: [0x10],
};
function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i <= b; i++) out.push(i);
  return out;
}
function opAt(bytes: Uint8Array, off: number): number {
  const b = bytes[off];
  return b === 0xfc ? 0xfc00 | bytes[off + 1] : b;
}

function toJsArg(a: Arg): number | bigint {
  if (a instanceof F32Arg) return f32value(a.bits);
  if (a instanceof F64Arg) return f64value(a.bits);
  return a;
}
function toRawArg(a: Arg): RawValue {
  if (a instanceof F32Arg) return a.bits >>> 0;
  if (a instanceof F64Arg) return BigInt.asUintN(64, a.bits);
  if (typeof a === 'bigint') return BigInt.asIntN(64, a);
  return a | 0;
}

/** What one engine needs to run steps. */
interface Runner {
  readonly engine: EngineName;
  readonly form: 'js' | 'raw';
  call(name: string, args: Arg[]): Outcome;
  memory(): ArrayBuffer | undefined;
  getGlobal(name: string): unknown;
  setGlobal(name: string, v: number | bigint): void;
}

/** Runs a JS-style call; `shape` keeps the value as returned (undefined / a value / an array). */
function jsOutcome(f: () => unknown): Outcome & { shape?: unknown } {
  let r: unknown;
  try {
    r = f();
  } catch (error) {
    return { ok: false, error };
  }
  return { ok: true, results: r === undefined ? [] : Array.isArray(r) ? r : [r], shape: r };
}

function checkStep(
  step: Step,
  r: Runner,
  cx: MatchContext,
  bytes: Uint8Array,
  v8locs: Map<number, Loc>,
  index: number,
): string | undefined {
  switch (step.kind) {
    case 'mem': {
      const buf = r.memory();
      if (!buf) return 'no memory to read';
      if (step.at + step.bytes.length > buf.byteLength) return `memory is ${buf.byteLength} bytes, cannot read ${step.bytes.length} at ${step.at}`;
      const got = Array.from(new Uint8Array(buf, step.at, step.bytes.length));
      return got.every((b, i) => b === (step.bytes[i] & 0xff)) ? undefined : `memory at ${step.at}: expected [${step.bytes.map((b) => b & 0xff).join(',')}], got [${got.join(',')}]`;
    }
    case 'memSize': {
      const buf = r.memory();
      const pages = buf ? buf.byteLength / 65536 : -1;
      return pages === step.pages ? undefined : `memory size: expected ${step.pages} pages, got ${pages}`;
    }
    case 'global': {
      const v = r.getGlobal(step.name);
      return matchVal(step.value, v, { ...cx, form: 'js' }) ? undefined : `global ${step.name}: expected ${showVal(step.value)}, got ${show(v)}`;
    }
    case 'setGlobal':
      r.setGlobal(step.name, step.value);
      return undefined;
    case 'call':
      break;
  }
  const what = `${step.name}(${step.args.map(show).join(', ')})`;
  const out = r.call(step.name, step.args);
  const exp = step.expect;
  if ('results' in exp) {
    if (!out.ok) return `${what}: expected [${exp.results.map(showVal).join(', ')}], threw ${describeError(out.error)}`;
    if (r.form === 'js' && 'shape' in out) {
      const shape = (out as { shape: unknown }).shape;
      const n = exp.results.length;
      const okShape = n === 0 ? shape === undefined : n === 1 ? !Array.isArray(shape) : Array.isArray(shape);
      if (!okShape) return `${what}: ${n} result(s) should come back as ${n === 0 ? 'undefined' : n === 1 ? 'a value' : 'an array'}, got ${show(shape)}`;
    }
    const ok = out.results.length === exp.results.length && exp.results.every((e, i) => matchVal(e, out.results[i], cx));
    return ok ? undefined : `${what}: expected [${exp.results.map(showVal).join(', ')}], got [${out.results.map(show).join(', ')}]`;
  }
  if (out.ok) return `${what}: expected ${'trap' in exp ? `trap ${exp.trap}` : 'call stack exhaustion'}, returned [${out.results.map(show).join(', ')}]`;
  const e = out.error;
  if ('exhaustion' in exp) {
    if (r.engine === 'v8') return e instanceof RangeError ? undefined : `${what}: expected RangeError (stack overflow), threw ${describeError(e)}`;
    return isTrap(e) && exp.exhaustion.includes(e.code) ? undefined : `${what}: expected trap ${exp.exhaustion.join(' or ')}, threw ${describeError(e)}`;
  }
  // A trap.
  if (r.engine === 'v8') {
    if (exp.trap === 'host') {
      if (!exp.cause?.(e)) return `${what}: expected the host function's error to pass through, threw ${describeError(e)}`;
      // The innermost wasm frame is the one that made the call.
      const loc = wasmLoc(e);
      if (loc) {
        const op = opAt(bytes, loc.offset);
        if (op !== 0x10 && op !== 0x11) return `${what}: V8 reports the host call at 0x${loc.offset.toString(16)}, which holds opcode 0x${op.toString(16)}`;
        v8locs.set(index, loc);
      }
      return undefined;
    }
    if (!(e instanceof V8.RuntimeError)) return `${what}: expected RuntimeError for ${exp.trap}, threw ${describeError(e)}`;
    if (!V8_MESSAGES[exp.trap].test(e.message)) return `${what}: V8 message ${JSON.stringify(e.message)} does not fit ${exp.trap}`;
    const loc = wasmLoc(e);
    if (loc) {
      const ops = TRAP_OPS[exp.trap];
      const op = opAt(bytes, loc.offset);
      if (ops && !ops.includes(op)) return `${what}: V8 reports ${exp.trap} at 0x${loc.offset.toString(16)}, which holds opcode 0x${op.toString(16)}`;
      v8locs.set(index, loc);
    }
    return undefined;
  }
  if (!isTrap(e)) return `${what}: expected Trap ${exp.trap}, threw ${describeError(e)}`;
  if (e.code !== exp.trap) return `${what}: expected trap ${exp.trap}, got trap ${e.code} (${e.message})`;
  if (exp.trap === 'host') {
    const cause = (e as { cause?: unknown }).cause;
    if (!exp.cause?.(cause)) return `${what}: host trap's cause is ${describeError(cause)}`;
    if (exp.funcIndex !== undefined && e.funcIndex !== exp.funcIndex) return `${what}: host trap funcIndex ${e.funcIndex}, expected the import ${exp.funcIndex}`;
    const loc = v8locs.get(index);
    if (loc && e.offset !== loc.offset) return `${what}: host trap at offset 0x${e.offset.toString(16)}, V8 says the call is at 0x${loc.offset.toString(16)}`;
    return undefined;
  }
  const loc = v8locs.get(index);
  if (loc && (e.funcIndex !== loc.func || e.offset !== loc.offset)) {
    return `${what}: trap ${e.code} at function ${e.funcIndex} offset 0x${e.offset.toString(16)}, V8 says function ${loc.func} offset 0x${loc.offset.toString(16)}`;
  }
  return undefined;
}

function isTrap(e: unknown): e is Trap {
  return e instanceof Trap;
}

function describeError(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return `${e.name}${code !== undefined ? `[${String(code)}]` : ''}: ${e.message}`;
  }
  return show(e);
}

/** Instantiates on one engine; returns the runner, or the instantiation error. */
function instantiateOn(
  engine: EngineName,
  bytes: Uint8Array,
  opts: ModuleOptions,
): { runner?: Runner; error?: unknown; kitMem: () => ArrayBuffer | undefined } {
  const kit = makeKit(engine);
  const imports = opts.imports?.(kit) ?? {};
  const kitMem = () => kit.mem?.buffer;
  const memName = opts.memExport ?? 'mem';
  if (engine === 'v8') {
    let exports: Record<string, unknown>;
    try {
      exports = new V8.Instance(new V8.Module(bytes), imports).exports;
    } catch (error) {
      return { error, kitMem };
    }
    const runner: Runner = {
      engine,
      form: 'js',
      call: (name, args) => jsOutcome(() => (exports[name] as (...a: unknown[]) => unknown)(...args.map(toJsArg))),
      memory: () => (exports[memName] as { buffer: ArrayBuffer } | undefined)?.buffer ?? kitMem(),
      getGlobal: (name) => (exports[name] as { value: unknown }).value,
      setGlobal: (name, v) => {
        (exports[name] as { value: unknown }).value = v;
      },
    };
    return { runner, kitMem };
  }
  let inst: Instance;
  try {
    // The same import object as V8's: the kit's values, and the tests' functions and plain numbers.
    inst = instantiate(compile(bytes), imports as Imports);
  } catch (error) {
    return { error, kitMem };
  }
  const via = opts.via ?? 'raw';
  const runner: Runner = {
    engine,
    form: via === 'raw' ? 'raw' : 'js',
    call(name, args) {
      if (via === 'exports') return jsOutcome(() => (inst.exports[name] as (...a: unknown[]) => unknown)(...args.map(toJsArg)));
      try {
        const r = inst.invokeRaw(name, args.map(toRawArg));
        return r.ok ? { ok: true, results: r.results } : { ok: false, error: r.trap };
      } catch (error) {
        return { ok: false, error };
      }
    },
    memory: () => inst.memory?.buffer ?? kitMem(),
    getGlobal: (name) => inst.getGlobal(name),
    setGlobal: (name, v) => inst.setGlobal(name, v),
  };
  return { runner, kitMem };
}

function runSteps(
  engine: EngineName,
  bytes: Uint8Array,
  steps: Step[],
  opts: ModuleOptions,
  canon: boolean,
  v8locs: Map<number, Loc>,
): string[] {
  const failures: string[] = [];
  const { runner, error, kitMem } = instantiateOn(engine, bytes, opts);
  let r = runner;
  if (opts.instantiateTraps !== undefined) {
    const code = opts.instantiateTraps;
    if (runner) return [`instantiation should trap with ${code}, it succeeded`];
    if (engine === 'v8') {
      if (!(error instanceof V8.RuntimeError) || !V8_MESSAGES[code].test(error.message)) failures.push(`instantiation: expected RuntimeError for ${code}, threw ${describeError(error)}`);
      const loc = wasmLoc(error);
      if (loc) v8locs.set(-1, loc);
    } else if (!isTrap(error) || error.code !== code) {
      failures.push(`instantiation: expected Trap ${code}, threw ${describeError(error)}`);
    } else {
      const loc = v8locs.get(-1) ?? { func: -1, offset: -1 };
      if (error.funcIndex !== loc.func || error.offset !== loc.offset) {
        failures.push(`instantiation trap at function ${error.funcIndex} offset ${error.offset}, expected function ${loc.func} offset ${loc.offset}`);
      }
    }
    // Only memory can be inspected after a failed instantiation (an imported one).
    r = { engine, form: 'js', call: () => ({ ok: false, error: new Error('no instance') }), memory: kitMem, getGlobal: () => undefined, setGlobal: () => {} };
  } else if (!runner) {
    return [`instantiation failed: ${describeError(error)}`];
  }
  const cx: MatchContext = { form: r!.form, canon };
  steps.forEach((step, i) => {
    let msg: string | undefined;
    try {
      msg = checkStep(step, r!, cx, bytes, v8locs, i);
    } catch (e) {
      msg = `step threw: ${describeError(e)}`;
    }
    if (msg !== undefined) failures.push(`step ${i}: ${msg}`);
  });
  return failures;
}

let caseCount = 0;
if (process.env.CLOAK_COUNT_CASES) {
  process.on('exit', () => console.log(`# cases: ${caseCount}`));
}

/** Compiles `src` (WAT, or a binary) once and registers a test that runs `steps` on both engines. */
export function both(name: string, src: string | Uint8Array, steps: Step[], opts: ModuleOptions = {}): void {
  caseCount += steps.length;
  test(name, async (t: TestContext) => {
    const plain = typeof src === 'string' ? wat(src) : src;
    const variants: [string, Uint8Array, boolean][] = [['', plain, false]];
    if (opts.canon) variants.push([' (NaNs canonicalised)', encode(canonicalizeNaNs(decodeOrThrow(plain))), true]);
    for (const [suffix, bytes, canon] of variants) {
      const v8locs = new Map<number, Loc>();
      await t.test(`v8${suffix}`, () => {
        const failures = runSteps('v8', bytes, steps, opts, canon, v8locs);
        if (failures.length) throw new Error(`V8 disagrees with the expectation (the test is wrong):\n  ${failures.join('\n  ')}`);
      });
      await t.test(`interpreter${suffix}`, () => {
        const failures = runSteps('interpreter', bytes, steps, opts, canon, v8locs);
        if (failures.length) throw new Error(`interpreter:\n  ${failures.join('\n  ')}`);
      });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// WAT helpers for float tests: functions over bit patterns.

/** `(func (export name) (param iN...) (result iN) ...)` applying `op` to reinterpreted floats. */
export function floatUnary(t: 'f32' | 'f64', op: string, exportName = `${t}_${op.replace('.', '_')}`): string {
  const i = t === 'f32' ? 'i32' : 'i64';
  return `(func (export "${exportName}") (param ${i}) (result ${i}) local.get 0 ${t}.reinterpret_${i} ${t}.${op} ${i}.reinterpret_${t})`;
}
export function floatBinary(t: 'f32' | 'f64', op: string, exportName = `${t}_${op}`): string {
  const i = t === 'f32' ? 'i32' : 'i64';
  return `(func (export "${exportName}") (param ${i} ${i}) (result ${i}) local.get 0 ${t}.reinterpret_${i} local.get 1 ${t}.reinterpret_${i} ${t}.${op} ${i}.reinterpret_${t})`;
}
/** Float comparison over bit patterns: returns the i32 result of `t.op`. */
export function floatCompare(t: 'f32' | 'f64', op: string, exportName = `${t}_${op}`): string {
  const i = t === 'f32' ? 'i32' : 'i64';
  return `(func (export "${exportName}") (param ${i} ${i}) (result i32) local.get 0 ${t}.reinterpret_${i} local.get 1 ${t}.reinterpret_${i} ${t}.${op})`;
}
