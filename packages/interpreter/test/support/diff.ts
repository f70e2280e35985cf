/**
 * Differential execution: run one random module on two engines — V8 (the oracle) and the
 * interpreter, or V8 twice to validate this harness — and demand identical behaviour.
 *
 * Per module (`diffModule`):
 * 1. The binaryen `-ttf` module (gen.ts) gets an export for every global and for memory 0 that it
 *    does not export already (names `cloak_diff_*`, appended after its own exports, so binaryen's
 *    `call-export` indices still mean the same exports), so that all state is observable. It then
 *    goes through the production pipeline, `instrument()` from @cloak/wasm: NaN canonicalisation,
 *    gas metering (schedule chosen by the seed: Secret's or CosmWasm 2's), stack-height limiter.
 *    The start function runs with the per-call budget (`initialGas`).
 * 2. Each engine instantiates the instrumented bytes with its own host imports (nothing shared).
 * 3. Calls: passes over every exported function in export order — pass 0 with zero arguments, later
 *    passes with seeded random arguments that favour edge values (i64 as bigint; f32 / f64 as bit
 *    patterns, NaN payloads included, passed exactly). Before each call both sides get
 *    `cloak_gas_left = budget`, `cloak_gas_exhausted = 0`.
 * 4. After instantiation and after every call the two sides must agree exactly on:
 *    - the outcome: results (i32 / i64 as signed values, f32 / f64 bit for bit — on V8 through
 *      `bitsBridge`, on the interpreter `invokeRaw`), or the fault: trap
 *      class (`TrapClass`: V8's messages merge some of the interpreter's codes), out of gas (a trap
 *      in `$gas` / with `cloak_gas_exhausted == 1`), call depth exhausted (a trap with
 *      `cloak_stack_height` above the limit), an exception of a host import that propagated, or a
 *      JS stack overflow;
 *    - for traps other than out of gas, when V8's stack names the place (`wasm-function[N]:0xOFF`),
 *      the interpreter's `Trap.funcIndex` / `Trap.offset` (out of gas is excluded: the interpreter
 *      may run `$gas` as an intrinsic and report the call site);
 *    - the value of every exported global (incl. gas left, exhausted flag, stack height; floats
 *      by bits, but any NaN equals any NaN: see `showRaw`);
 *    - linear memory, byte for byte (size and contents; sha256 of both in the report on a mismatch);
 *    - the sequence of host-import events (logged values, floats as globals are; re-entrant calls
 *      and their fate).
 * 5. Trap policy: the same instance is kept after a trap — like binaryen's own fuzzer, and so that
 *    later calls see the state a trapped call left behind — but only while both sides agree (the
 *    first disagreement ends the module). After a trap both sides get `cloak_stack_height = 0` (a
 *    trap leaves it stale; ARCHITECTURE.md: a reused instance must be reset), as a fresh instance
 *    would have.
 * 6. A JS stack overflow (RangeError) on the oracle should not happen (the stack limiter bounds
 *    wasm depth, MAX_REENTRY bounds re-entrant host calls); if it does, the module is skipped and
 *    counted. On the interpreter alone it is a mismatch.
 *
 * binaryen 132's imports with cloak's feature flags (module "fuzzing-support"): log-i32, log-i64,
 * log-f32, log-f64 (always), call-export (i32 index, i32 flags), call-export-catch (i32 index →
 * i32), sleep (i32 ms, i32 id → i32). All are implemented identically for both engines:
 * - log-*: record the value (floats by bits, any NaN equal to any NaN: see `showRaw`);
 * - call-export(i, flags): call the i-th export of the instrumented module (all kinds, in order)
 *   with zero arguments; an export that is not a function or an index out of range throws a host
 *   error, and so is nesting deeper than MAX_REENTRY; whatever the call throws propagates (`flags`
 *   is ignored);
 * - call-export-catch(i): the same, but returns 1 if it threw (after restoring the stack height the
 *   host saw before the call, as a host that catches a trap must), else 0;
 * - sleep(ms, id): returns id.
 * A module importing anything else is skipped and counted (`unsupported import`).
 *
 * `DiffPool` runs `diffModule` in worker threads with a per-module time limit (an engine that never
 * returns is reported as a timeout instead of hanging the run); this file is also the worker's entry.
 */
import { createHash } from 'node:crypto';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import {
  ByteWriter,
  COSMWASM_2_SCHEDULE,
  DEFAULT_SCHEDULE,
  Op,
  ValType,
  decodeOrThrow,
  emptyModule,
  encode,
  importCounts,
  instrument,
  type GasSchedule,
  type Module,
} from '@cloak/wasm';
import { Rng } from '@cloak/wasm/test/support/gen.js';
import { compile, instantiate, Trap, type Instance } from '@cloak/interpreter';

// ---------------------------------------------------------------------------------------------
// Values

export type Kind = 'i32' | 'i64' | 'f32' | 'f64';
/** A wasm value: i32 signed number, i64 signed bigint, f32 bits (u32 number), f64 bits (u64 bigint). */
export type Raw = number | bigint;

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);
const f64buf = new Float64Array(1);
const u64buf = new BigUint64Array(f64buf.buffer);

function kindOf(t: number): Kind {
  switch (t) {
    case ValType.i32: return 'i32';
    case ValType.i64: return 'i64';
    case ValType.f32: return 'f32';
    case ValType.f64: return 'f64';
    default: throw new TypeError(`diff: value type 0x${t.toString(16)} is outside cloak's feature set`);
  }
}

/** JS API value (number / bigint) → Raw. */
export function fromJs(kind: Kind, v: unknown): Raw {
  switch (kind) {
    case 'i32': return Number(v) | 0;
    case 'i64': return BigInt.asIntN(64, BigInt(v as bigint));
    case 'f32': f32buf[0] = Number(v); return u32buf[0];
    case 'f64': f64buf[0] = Number(v); return u64buf[0];
  }
}

/** Raw → JS API value. */
export function toJs(kind: Kind, r: Raw): number | bigint {
  switch (kind) {
    case 'i32': return Number(r) | 0;
    case 'i64': return BigInt.asIntN(64, BigInt(r));
    case 'f32': u32buf[0] = Number(r) >>> 0; return f32buf[0];
    case 'f64': u64buf[0] = BigInt.asUintN(64, BigInt(r)); return f64buf[0];
  }
}

function isNaNBits(kind: Kind, r: Raw): boolean {
  if (kind === 'f32') return ((Number(r) >>> 0) & 0x7fffffff) > 0x7f800000;
  if (kind === 'f64') return (BigInt.asUintN(64, BigInt(r)) & 0x7fffffffffffffffn) > 0x7ff0000000000000n;
  return false;
}

/**
 * How a value is compared and shown: bit for bit, except that with `anyNaN` every NaN is the same.
 * Exported functions' results are exact on both engines (V8: through `bitsBridge`; the interpreter:
 * `invokeRaw`). Values that reach JS as numbers — logged values, globals — are compared with
 * `anyNaN`: V8 does not keep a NaN's bits in a number reliably (an f32 → f64 conversion quietens a
 * signalling NaN; storing the number in an array can replace it with the canonical NaN, sign and
 * payload lost), so the bits there are the engine's JS glue's, not wasm's. Memory is compared bit
 * for bit, and arithmetic NaNs are canonical anyway (instrumentation).
 */
function showRaw(kind: Kind, r: Raw, anyNaN = false): string {
  if (anyNaN && isNaNBits(kind, r)) return `${kind}:NaN`;
  if (kind === 'f32') return `f32:0x${(Number(r) >>> 0).toString(16).padStart(8, '0')}(${toJs(kind, r)})`;
  if (kind === 'f64') return `f64:0x${BigInt.asUintN(64, BigInt(r)).toString(16).padStart(16, '0')}(${toJs(kind, r)})`;
  return `${kind}:${r}`;
}

// ---------------------------------------------------------------------------------------------
// Faults

/**
 * What the two engines are compared on when a call fails. V8's messages merge some of the
 * interpreter's trap codes, so those are compared as one class:
 * - `float_unrepresentable`: V8 "float unrepresentable in integer range" = invalid_conversion_to_integer
 *   (a NaN) | integer_overflow raised by a trapping `trunc` (out of range); integer_overflow elsewhere
 *   (division) stays `integer_overflow`
 * - `table_out_of_bounds`: V8 "table index is out of bounds" = out_of_bounds_table | undefined_element
 * - `indirect_call`: V8 "null function or function signature mismatch" = indirect_call_type_mismatch |
 *   uninitialized_element
 * - `call_stack_exhausted`: the stack limiter's `unreachable` with the height above the limit, or the
 *   interpreter's own call_stack_exhausted / value_stack_exhausted
 * - `out_of_gas`: `unreachable` with `cloak_gas_exhausted == 1`, or the interpreter's out_of_gas.
 */
export type TrapClass =
  | 'unreachable'
  | 'integer_overflow'
  | 'integer_divide_by_zero'
  | 'float_unrepresentable'
  | 'out_of_bounds_memory'
  | 'table_out_of_bounds'
  | 'indirect_call'
  | 'call_stack_exhausted'
  | 'out_of_gas';

export type Fault =
  | { kind: 'trap'; cls: TrapClass; raw: string; funcIndex: number; offset: number }
  /** An exception thrown by a host import (`inner`: what it was) that propagated out of the call. */
  | { kind: 'host'; inner: string }
  | { kind: 'js-stack-overflow'; raw: string }
  /** Compile or link failure, or anything else thrown (a bug in an engine or in this harness). */
  | { kind: 'other'; raw: string };

const V8_TRAPS: readonly [RegExp, TrapClass][] = [
  [/^unreachable$/, 'unreachable'],
  [/^(divide|remainder) by zero$/, 'integer_divide_by_zero'],
  [/^divide result unrepresentable$/, 'integer_overflow'],
  [/^float unrepresentable in integer range$/, 'float_unrepresentable'],
  [/^memory access out of bounds$|^data segment.* out of bounds$/, 'out_of_bounds_memory'],
  [/^table index is out of bounds$|^element segment.* out of bounds$|^table access out of bounds$/, 'table_out_of_bounds'],
  [/^null function or function signature mismatch$|^function signature mismatch$|^null function$/, 'indirect_call'],
];

const INTERP_TRAPS: Readonly<Record<string, TrapClass>> = {
  unreachable: 'unreachable',
  integer_overflow: 'integer_overflow',
  integer_divide_by_zero: 'integer_divide_by_zero',
  invalid_conversion_to_integer: 'float_unrepresentable',
  out_of_bounds_memory: 'out_of_bounds_memory',
  out_of_bounds_table: 'table_out_of_bounds',
  undefined_element: 'table_out_of_bounds',
  indirect_call_type_mismatch: 'indirect_call',
  uninitialized_element: 'indirect_call',
  call_stack_exhausted: 'call_stack_exhausted',
  value_stack_exhausted: 'call_stack_exhausted',
  out_of_gas: 'out_of_gas',
};

export function showFault(f: Fault): string {
  switch (f.kind) {
    case 'trap': return `trap ${f.cls}${f.funcIndex >= 0 ? ` at func ${f.funcIndex} offset 0x${f.offset.toString(16)}` : ''} [${f.raw}]`;
    case 'host': return `host exception (${f.inner})`;
    case 'js-stack-overflow': return `JS stack overflow [${f.raw}]`;
    case 'other': return `error [${f.raw}]`;
  }
}

/**
 * The engine-neutral description of a fault (no engine message), as host events record a re-entrant
 * call's fault; the place is left out for out of gas, and when `place` is false.
 */
export function faultKey(f: Fault, place = true): string {
  switch (f.kind) {
    case 'trap': return `trap ${f.cls}${place && f.cls !== 'out_of_gas' && f.funcIndex >= 0 ? ` at func ${f.funcIndex} offset 0x${f.offset.toString(16)}` : ''}`;
    case 'host': return `host exception (${f.inner})`;
    case 'js-stack-overflow': return 'JS stack overflow';
    case 'other': return `error [${f.raw}]`;
  }
}

function errText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

/** Faults compare equal when their kinds, classes and (if the oracle knows it) places agree. */
function sameFault(a: Fault, b: Fault, compareLocation: boolean): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'trap': {
      const bt = b as typeof a;
      if (a.cls !== bt.cls) return false;
      if (!compareLocation || a.cls === 'out_of_gas' || a.funcIndex < 0) return true;
      return a.funcIndex === bt.funcIndex && a.offset === bt.offset;
    }
    case 'host': return a.inner === (b as typeof a).inner;
    case 'js-stack-overflow': return true;
    case 'other': return a.raw === (b as typeof a).raw;
  }
}

// ---------------------------------------------------------------------------------------------
// Engines

export type HostFn = (...args: unknown[]) => unknown;
export type Imports = Record<string, Record<string, HostFn>>;
export type CallOutcome = { ok: true; results: Raw[] } | { ok: false; error: unknown };

/** One instantiated module on one engine. All values cross as `Raw`. */
export interface EngineInstance {
  /** Calls an export from the harness; results exact as the engine can give them. */
  call(name: string, params: readonly Kind[], results: readonly Kind[], args: readonly Raw[]): CallOutcome;
  /** Calls an export the way the JS API does (for re-entrant calls from host imports): throws on a trap. */
  callJs(name: string, args: readonly (number | bigint)[]): unknown;
  getGlobal(name: string, kind: Kind): Raw;
  setGlobal(name: string, kind: Kind, v: Raw): void;
  /** The current linear memory (a view, not a copy), or undefined when there is none. */
  memory(): Uint8Array | undefined;
  memoryHash(): string;
}

export interface Engine {
  readonly name: string;
  /** Compiles and instantiates; a failure (compile, link, start trap, segment) is returned. */
  instantiate(bytes: Uint8Array, imports: Imports): { ok: true; instance: EngineInstance } | { ok: false; error: unknown };
  /**
   * Turns what a call threw into a trap description (before the harness adjusts out of gas and
   * call depth); undefined for anything that is not a trap of this engine.
   */
  trapOf(e: unknown): { cls: TrapClass; raw: string; funcIndex: number; offset: number } | undefined;
}

function sha256(m: Uint8Array | undefined): string {
  return m === undefined ? 'none' : createHash('sha256').update(m).digest('hex');
}

interface V8Like {
  Module: new (b: Uint8Array) => object;
  Instance: new (m: object, i: object) => { exports: Record<string, unknown> };
  RuntimeError: new (...a: unknown[]) => Error;
}
const WA = (globalThis as unknown as { WebAssembly: V8Like }).WebAssembly;

const STACK_FRAME = /wasm-function\[(\d+)\]:0x([0-9a-f]+)/;

const isFloat = (k: Kind) => k === 'f32' || k === 'f64';
const VT: Record<Kind, ValType> = { i32: ValType.i32, i64: ValType.i64, f32: ValType.f32, f64: ValType.f64 };

/**
 * A function taking and returning floats as their integer bits (f32 ↔ i32, f64 ↔ i64) that calls
 * `target`, an exported wasm function, wasm to wasm: V8 never turns the floats into JS numbers, so
 * their bits, NaN payloads included, are exact.
 */
export function bitsBridge(target: unknown, params: readonly Kind[], results: readonly Kind[]): (...a: unknown[]) => unknown {
  const m = emptyModule();
  const asBits = (k: Kind): ValType => (k === 'f32' ? ValType.i32 : k === 'f64' ? ValType.i64 : VT[k]);
  m.types.push({ params: params.map((k) => VT[k]), results: results.map((k) => VT[k]) });
  m.types.push({ params: params.map(asBits), results: results.map(asBits) });
  m.imports.push({ module: 'x', name: 'f', desc: { kind: 'func', type: 0 } });
  m.functions.push(1);
  const w = new ByteWriter(64);
  params.forEach((k, i) => {
    w.u8(Op.local_get).u32(i);
    if (k === 'f32') w.u8(Op.f32_reinterpret_i32);
    if (k === 'f64') w.u8(Op.f64_reinterpret_i64);
  });
  w.u8(Op.call).u32(0);
  // The results are on the stack, last on top: into locals (after the params), then back as bits.
  const local = (i: number) => params.length + i;
  for (let i = results.length - 1; i >= 0; i--) w.u8(Op.local_set).u32(local(i));
  results.forEach((k, i) => {
    w.u8(Op.local_get).u32(local(i));
    if (k === 'f32') w.u8(Op.i32_reinterpret_f32);
    if (k === 'f64') w.u8(Op.i64_reinterpret_f64);
  });
  w.u8(Op.end);
  m.codes.push({ locals: results.map((k) => ({ count: 1, type: VT[k] })), code: w.finish().slice(), codeOffset: -1 });
  m.exports.push({ name: 'f', kind: 'func', index: 1 });
  const inst = new WA.Instance(new WA.Module(encode(m)), { x: { f: target } });
  return inst.exports.f as (...a: unknown[]) => unknown;
}

/** V8 through the JS API. */
export const v8Engine: Engine = {
  name: 'v8',
  instantiate(bytes, imports) {
    let inst: { exports: Record<string, unknown> };
    try {
      inst = new WA.Instance(new WA.Module(bytes), imports);
    } catch (error) {
      return { ok: false, error };
    }
    const ex = inst.exports;
    const bridges = new Map<string, (...a: unknown[]) => unknown>();
    const glob = (name: string) => {
      const g = ex[name] as { value: unknown } | undefined;
      if (g === undefined) throw new Error(`v8: no exported global ${name}`);
      return g;
    };
    const instance: EngineInstance = {
      call(name, params, results, args) {
        // Floats in or out: through a bridge that passes them as integer bits, wasm to wasm.
        const direct = !params.some(isFloat) && !results.some(isFloat);
        let f = direct ? (ex[name] as (...a: unknown[]) => unknown) : bridges.get(name);
        if (!f) {
          f = bitsBridge(ex[name], params, results);
          bridges.set(name, f);
        }
        const bits = (k: Kind): Kind => (k === 'f32' ? 'i32' : k === 'f64' ? 'i64' : k);
        let v: unknown;
        try {
          v = f(...args.map((a, i) => toJs(bits(params[i]), a)));
        } catch (error) {
          return { ok: false, error };
        }
        const list = results.length === 0 ? [] : results.length === 1 ? [v] : (v as unknown[]);
        return { ok: true, results: results.map((k, i) => normRaw(k, fromJs(bits(k), list[i]))) };
      },
      callJs(name, args) {
        return (ex[name] as (...a: unknown[]) => unknown)(...args);
      },
      getGlobal: (name, kind) => fromJs(kind, glob(name).value),
      setGlobal: (name, kind, v) => void (glob(name).value = toJs(kind, v)),
      memory: () => {
        const m = ex[MEMORY_EXPORT] as { buffer: ArrayBuffer } | undefined;
        return m === undefined ? undefined : new Uint8Array(m.buffer);
      },
      memoryHash: () => sha256(instance.memory()),
    };
    return { ok: true, instance };
  },
  trapOf(e) {
    if (!(e instanceof WA.RuntimeError)) return undefined;
    const msg = e.message.replace(/^WebAssembly\.\w+\(\): /, '');
    const hit = V8_TRAPS.find(([re]) => re.test(msg));
    if (!hit) return undefined;
    // The first frame is where the trap happened (a segment at instantiation has a JS frame there).
    const first = (e.stack ?? '').split('\n').find((l) => /^\s+at /.test(l)) ?? '';
    const loc = STACK_FRAME.exec(first);
    return { cls: hit[1], raw: msg, funcIndex: loc ? Number(loc[1]) : -1, offset: loc ? parseInt(loc[2], 16) : -1 };
  },
};

/**
 * What the interpreter adapter uses: @cloak/interpreter itself (`interpreterEngine`), or a stand-in
 * with its shape (the tests dress V8 in it to check the adapter). `C` is the compiled module.
 */
export interface InterpreterApi<C> {
  compile(bytes: Uint8Array): C;
  instantiate(compiled: C, imports: Imports): InterpInstance;
  Trap: typeof Trap;
}
/** The members of the interpreter's `Instance` the adapter uses. */
export type InterpInstance = Pick<Instance, 'exports' | 'invokeRaw' | 'memory' | 'getGlobal' | 'setGlobal'>;

/** @cloak/interpreter as an Engine. */
export function interpreterEngine(): Engine {
  return interpreterEngineFrom({ compile, instantiate, Trap });
}

/** An Engine over anything with the interpreter's API (the tests also give it a stand-in built on V8). */
export function interpreterEngineFrom<C>(api: InterpreterApi<C>, name = 'interpreter'): Engine {
  return {
    name,
    instantiate(bytes, imports) {
      let inst: InterpInstance;
      try {
        inst = api.instantiate(api.compile(bytes), imports);
      } catch (error) {
        return { ok: false, error };
      }
      const instance: EngineInstance = {
        call(name, _params, results, args) {
          let r: ReturnType<InterpInstance['invokeRaw']>;
          try {
            r = inst.invokeRaw(name, args);
          } catch (error) {
            return { ok: false, error };
          }
          if (!r.ok) return { ok: false, error: r.trap };
          if (!Array.isArray(r.results) || r.results.length !== results.length) {
            return { ok: false, error: new Error(`invokeRaw returned ${String(r.results)} for ${results.length} results`) };
          }
          return { ok: true, results: results.map((k, i) => normRaw(k, r.results[i])) };
        },
        callJs(name, args) {
          return (inst.exports[name] as (...a: unknown[]) => unknown)(...args);
        },
        // getGlobal / setGlobal take JS API values (number for i32 / f32 / f64, bigint for i64).
        getGlobal: (name, kind) => fromJs(kind, inst.getGlobal(name)),
        setGlobal: (name, kind, v) => inst.setGlobal(name, toJs(kind, v)),
        memory: () => {
          const m = inst.memory ?? (inst.exports[MEMORY_EXPORT] as { buffer: ArrayBuffer } | undefined);
          return m === undefined ? undefined : new Uint8Array(m.buffer);
        },
        memoryHash: () => sha256(instance.memory()),
      };
      return { ok: true, instance };
    },
    trapOf(e) {
      if (!(e instanceof api.Trap)) return undefined;
      const cls = INTERP_TRAPS[e.code];
      if (cls === undefined) return undefined; // 'host' is resolved by the harness
      return { cls, raw: e.code, funcIndex: e.funcIndex, offset: e.offset };
    },
  };
}

function normRaw(kind: Kind, v: Raw): Raw {
  switch (kind) {
    case 'i32': return Number(v) | 0;
    case 'i64': return BigInt.asIntN(64, BigInt(v));
    case 'f32': return Number(v) >>> 0;
    case 'f64': return BigInt.asUintN(64, BigInt(v));
  }
}

export type EngineName = 'v8' | 'interpreter';

export function engineByName(name: EngineName): Engine {
  return name === 'v8' ? v8Engine : interpreterEngine();
}

// ---------------------------------------------------------------------------------------------
// The module under test

export const MEMORY_EXPORT = 'cloak_diff_memory';
const GLOBAL_EXPORT_PREFIX = 'cloak_diff_global_';
export const SUPPORTED_IMPORTS: ReadonlySet<string> = new Set([
  'log-i32', 'log-i64', 'log-f32', 'log-f64', 'call-export', 'call-export-catch', 'sleep',
]);

export interface FuncExport {
  name: string;
  params: Kind[];
  results: Kind[];
}

export interface Prepared {
  bytes: Uint8Array;
  schedule: string;
  budget: bigint;
  /** All exports of the instrumented module, in order (binaryen's `call-export` indexes these). */
  exports: { name: string; kind: string; func?: FuncExport }[];
  funcs: FuncExport[];
  globals: { name: string; kind: Kind }[];
  gasLeft: string;
  gasExhausted: string;
  stackHeight: string;
  stackLimit: number;
  gasFunc: number;
}

export interface DiffOptions {
  /** Steps per call: the budget is this many times the price of a plain instruction (default 100 000). */
  steps?: number;
  /** Passes over the exports: one with zero arguments, the rest random (default 3). */
  passes?: number;
  /** Most calls per module (default 300). */
  maxCalls?: number;
  /** Compare trap places (default true). */
  compareLocation?: boolean;
  /** Gas schedules, chosen by the seed (default Secret's and CosmWasm 2's). */
  schedules?: readonly GasSchedule[];
}

function scheduleFor(seed: number, schedules: readonly GasSchedule[]): GasSchedule {
  return schedules[(seed >>> 0) % schedules.length];
}

/** Adds the observation exports and instruments; a string says why the module is skipped. */
export function prepare(ttf: Uint8Array, seed: number, options: DiffOptions = {}): Prepared | string {
  const m0 = decodeOrThrow(ttf);
  for (const imp of m0.imports) {
    if (imp.desc.kind !== 'func' || imp.module !== 'fuzzing-support' || !SUPPORTED_IMPORTS.has(imp.name)) {
      return `unsupported import ${imp.module}.${imp.name}`;
    }
  }
  const counts = importCounts(m0);
  const exported = new Set(m0.exports.map((e) => `${e.kind}:${e.index}`));
  const extra: Module['exports'] = [];
  const nGlobals = counts.globals + m0.globals.length;
  for (let g = 0; g < nGlobals; g++) if (!exported.has(`global:${g}`)) extra.push({ name: `${GLOBAL_EXPORT_PREFIX}${g}`, kind: 'global', index: g });
  // (also when the module exports its memory itself: a second export of the same memory is valid)
  if (counts.memories + m0.memories.length > 0) extra.push({ name: MEMORY_EXPORT, kind: 'memory', index: 0 });
  const m1: Module = { ...m0, exports: [...m0.exports, ...extra] };

  const schedule = scheduleFor(seed, options.schedules ?? [DEFAULT_SCHEDULE, COSMWASM_2_SCHEDULE]);
  const budget = BigInt(options.steps ?? 100_000) * BigInt(schedule.cost(Op.i32_add));
  const r = instrument(m1, { schedule, initialGas: budget });
  if (!r.ok) return `instrument failed: ${r.error.message}`;
  const out = r.value.module;
  if (!r.value.stack) return 'no stack limiter';
  const oc = importCounts(out);
  const importedFuncTypes = out.imports.filter((i) => i.desc.kind === 'func').map((i) => (i.desc as { type: number }).type);
  const importedGlobals = out.imports.filter((i) => i.desc.kind === 'global').map((i) => (i.desc as { global: { valType: number } }).global);
  const exports: Prepared['exports'] = [];
  const funcs: FuncExport[] = [];
  const globals: Prepared['globals'] = [];
  for (const e of out.exports) {
    if (e.kind === 'func') {
      const type = out.types[e.index < oc.funcs ? importedFuncTypes[e.index] : out.functions[e.index - oc.funcs]];
      const f = { name: e.name, params: type.params.map(kindOf), results: type.results.map(kindOf) };
      exports.push({ name: e.name, kind: e.kind, func: f });
      funcs.push(f);
    } else {
      exports.push({ name: e.name, kind: e.kind });
      if (e.kind === 'global') {
        const t = e.index < oc.globals ? importedGlobals[e.index] : out.globals[e.index - oc.globals].type;
        globals.push({ name: e.name, kind: kindOf(t.valType) });
      }
    }
  }
  return {
    bytes: r.value.bytes,
    schedule: schedule.id,
    budget,
    exports,
    funcs,
    globals,
    gasLeft: r.value.gas.leftExport,
    gasExhausted: r.value.gas.exhaustedExport,
    stackHeight: r.value.stack.heightExport,
    stackLimit: r.value.stack.limit,
    gasFunc: r.value.gas.gasFunc,
  };
}


// ---------------------------------------------------------------------------------------------
// Host imports (one set per engine instance, sharing nothing)

class HostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HostError';
  }
}

interface Side {
  engine: Engine;
  prep: Prepared;
  instance?: EngineInstance;
  log: string[];
  /** Exceptions thrown by host imports → what they were (first, innermost, description wins). */
  thrown: Map<unknown, string>;
  overflow: boolean;
  /** Whether trap places are compared (DiffOptions.compareLocation). */
  place: boolean;
  /** Nesting of re-entrant calls from host imports. */
  depth: number;
}

/**
 * Most nested re-entrant calls (`call-export` inside an export called by `call-export` …); one more
 * is a host error. The stack limiter does not bound this: every level also costs JS frames, and
 * without a cap a module that re-enters itself overflows V8's JS stack (RangeError) at ~1600 levels,
 * long before the limiter's height is reached.
 */
export const MAX_REENTRY = 64;

/** Describes what a call threw, as compared between engines. */
function faultOf(side: Side, e: unknown): Fault {
  if (isStackOverflow(e)) {
    side.overflow = true;
    return { kind: 'js-stack-overflow', raw: errText(e) };
  }
  // A host exception, possibly wrapped by the engine (a Trap 'host' with the exception as cause).
  for (let x: unknown = e, depth = 0; x !== undefined && x !== null && depth < 8; depth++) {
    const inner = side.thrown.get(x);
    if (inner !== undefined) return { kind: 'host', inner };
    x = (x as { cause?: unknown }).cause;
  }
  const t = side.engine.trapOf(e);
  if (!t) return { kind: 'other', raw: errText(e) };
  let cls = t.cls;
  const inst = side.instance;
  const op = t.offset >= 0 ? side.prep.bytes[t.offset] : -1;
  if (cls === 'integer_overflow' && op >= Op.i32_trunc_f32_s && op <= Op.i64_trunc_f64_u) cls = 'float_unrepresentable';
  if (cls === 'unreachable' && t.funcIndex === side.prep.gasFunc) cls = 'out_of_gas'; // (also in a start function)
  else if (inst && cls === 'unreachable') {
    if (inst.getGlobal(side.prep.gasExhausted, 'i32') === 1) cls = 'out_of_gas';
    else if ((Number(inst.getGlobal(side.prep.stackHeight, 'i32')) >>> 0) > side.prep.stackLimit) cls = 'call_stack_exhausted';
  }
  return { kind: 'trap', cls, raw: t.raw, funcIndex: t.funcIndex, offset: t.offset };
}

function bitsOf(kind: Kind, v: unknown): string {
  return showRaw(kind, fromJs(kind, v), true);
}

function makeImports(side: Side): Imports {
  const reenter = (index: unknown): void => {
    const i = Number(index) >>> 0;
    const e = side.prep.exports[i];
    if (!side.instance) throw new HostError('call-export during instantiation');
    if (!e || !e.func) throw new HostError(`call-export: export ${i} is not a function`);
    if (side.depth >= MAX_REENTRY) throw new HostError(`call-export: more than ${MAX_REENTRY} nested calls`);
    side.depth++;
    try {
      side.instance.callJs(e.name, e.func.params.map((k) => (k === 'i64' ? 0n : 0)));
    } finally {
      side.depth--;
    }
  };
  const fns: Record<string, HostFn> = {
    'log-i32': (x) => void side.log.push(bitsOf('i32', x)),
    'log-i64': (x) => void side.log.push(bitsOf('i64', x)),
    'log-f32': (x) => void side.log.push(bitsOf('f32', x)),
    'log-f64': (x) => void side.log.push(bitsOf('f64', x)),
    'call-export': (index, flags) => {
      side.log.push(`call-export ${Number(index) >>> 0}`);
      void flags;
      try {
        reenter(index);
      } catch (e) {
        const f = faultOf(side, e);
        side.log.push(`  threw ${faultKey(f, side.place)}`);
        // Always the innermost description: V8 passes the same exception through every level, an
        // engine that wraps it in a new 'host' trap per level must not add a level per level.
        if (!side.thrown.has(e)) side.thrown.set(e, f.kind === 'host' ? f.inner : faultKey(f, side.place));
        throw e;
      }
      side.log.push('  returned');
    },
    'call-export-catch': (index) => {
      side.log.push(`call-export-catch ${Number(index) >>> 0}`);
      const inst = side.instance;
      const height = inst ? inst.getGlobal(side.prep.stackHeight, 'i32') : 0;
      try {
        reenter(index);
      } catch (e) {
        const f = faultOf(side, e);
        side.log.push(`  caught ${faultKey(f, side.place)}`);
        if (f.kind === 'js-stack-overflow') throw e; // never hide it: the module is skipped
        if (inst) inst.setGlobal(side.prep.stackHeight, 'i32', height);
        return 1;
      }
      side.log.push('  returned');
      return 0;
    },
    sleep: (ms, id) => {
      side.log.push(`sleep ${Number(ms) | 0} ${Number(id) | 0}`);
      return id;
    },
  };
  return { 'fuzzing-support': fns };
}

// ---------------------------------------------------------------------------------------------
// Snapshots and comparison

interface Snapshot {
  outcome: { ok: true; results: string[] } | { ok: false; fault: Fault };
  globals: string[];
  memory: Uint8Array | undefined;
  log: string[];
}

function snapshot(side: Side, outcome: Snapshot['outcome']): Snapshot {
  const inst = side.instance;
  const globals = inst ? side.prep.globals.map((g) => `${g.name}=${showRaw(g.kind, inst.getGlobal(g.name, g.kind), true)}`) : [];
  const mem = inst?.memory();
  return { outcome, globals, memory: mem ? mem.slice() : undefined, log: side.log.splice(0) };
}

/** The first difference between two snapshots, or undefined. */
function difference(a: Snapshot, b: Snapshot, names: [string, string], compareLocation: boolean): string | undefined {
  const [na, nb] = names;
  const show = (o: Snapshot['outcome']) => (o.ok ? `returned [${o.results.join(', ')}]` : showFault(o.fault));
  const ao = a.outcome;
  const bo = b.outcome;
  const same = ao.ok && bo.ok
    ? ao.results.length === bo.results.length && ao.results.every((r, i) => r === bo.results[i])
    : !ao.ok && !bo.ok && sameFault(ao.fault, bo.fault, compareLocation);
  if (!same) return `outcome: ${na} ${show(ao)} / ${nb} ${show(bo)}`;
  for (let i = 0; i < Math.max(a.log.length, b.log.length); i++) {
    if (a.log[i] !== b.log[i]) {
      return `host event #${i}: ${na} ${a.log[i] ?? '(none)'} / ${nb} ${b.log[i] ?? '(none)'} (${a.log.length} / ${b.log.length} events)`;
    }
  }
  for (let i = 0; i < Math.max(a.globals.length, b.globals.length); i++) {
    if (a.globals[i] !== b.globals[i]) return `global: ${na} ${a.globals[i]} / ${nb} ${b.globals[i]}`;
  }
  const am = a.memory;
  const bm = b.memory;
  if ((am === undefined) !== (bm === undefined)) return `memory: ${na} ${am ? 'present' : 'absent'} / ${nb} ${bm ? 'present' : 'absent'}`;
  if (am && bm) {
    if (am.length !== bm.length) return `memory size: ${na} ${am.length} / ${nb} ${bm.length} bytes`;
    if (!Buffer.from(am.buffer, am.byteOffset, am.length).equals(Buffer.from(bm.buffer, bm.byteOffset, bm.length))) {
      let at = 0;
      while (am[at] === bm[at]) at++;
      return `memory: first difference at 0x${at.toString(16)} (${na} ${am[at]} / ${nb} ${bm[at]}), sha256 ${sha256(am).slice(0, 16)}… / ${sha256(bm).slice(0, 16)}…`;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Arguments

const I32_EDGES = [0, 1, -1, 2, 7, 8, 16, 255, 256, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, -0x80000000, -2];
const I64_EDGES = [0n, 1n, -1n, 2n, 0xffn, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, -0x8000000000000000n, -2n];
const F32_EDGES = [0, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0x7fc12345, 1, 0x80000001,
  0x7f7fffff, 0x00800000, 0x4f000000, 0xcf000000, 0x5f000000, 0x3f000000];
const F64_EDGES = [0n, 0x8000000000000000n, 0x3ff0000000000000n, 0xbff0000000000000n, 0x7ff0000000000000n, 0xfff0000000000000n,
  0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff0000000000001n, 0xfff4000000000123n, 1n, 0x7fefffffffffffffn, 0x0010000000000000n, 0x41e0000000000000n,
  0xc1e0000000000000n, 0x43e0000000000000n, 0x3fe0000000000000n];

function randomArg(rng: Rng, k: Kind): Raw {
  const edge = rng.chance(0.5);
  switch (k) {
    case 'i32': return edge ? rng.pick(I32_EDGES) : rng.chance(0.5) ? rng.int(1024) : rng.u32() | 0;
    case 'i64': return edge ? rng.pick(I64_EDGES) : rng.chance(0.5) ? BigInt(rng.int(1024)) : BigInt.asIntN(64, (BigInt(rng.u32()) << 32n) | BigInt(rng.u32()));
    case 'f32': return edge ? rng.pick(F32_EDGES) : rng.u32();
    case 'f64': return edge ? rng.pick(F64_EDGES) : (BigInt(rng.u32()) << 32n) | BigInt(rng.u32());
  }
}

function zeroArg(k: Kind): Raw {
  return k === 'i64' || k === 'f64' ? 0n : 0;
}

// ---------------------------------------------------------------------------------------------
// One module

export interface ModuleReport {
  seed: number;
  size: number;
  status: 'agree' | 'mismatch' | 'skipped' | 'timeout' | 'crash';
  /** Skip reason, or the mismatch (what differed, where). */
  reason?: string;
  schedule?: string;
  exports: number;
  calls: number;
  /** Calls that returned normally on both engines. */
  returned: number;
  /** Traps per class, agreed by both engines (instantiation included). */
  traps: Record<string, number>;
  hostEvents: number;
  /** The instrumented bytes, on a mismatch (the reproducer). */
  instrumented?: Uint8Array;
  ms: number;
}

/** Runs one module on two engines. `a` is the oracle. */
export function diffModule(ttf: Uint8Array, seed: number, size: number, a: Engine, b: Engine, options: DiffOptions = {}): ModuleReport {
  const t0 = performance.now();
  const report: ModuleReport = { seed, size, status: 'agree', exports: 0, calls: 0, returned: 0, traps: {}, hostEvents: 0, ms: 0 };
  const finish = (status: ModuleReport['status'], reason?: string, bytes?: Uint8Array): ModuleReport => {
    report.status = status;
    if (reason !== undefined) report.reason = reason;
    if (bytes && status === 'mismatch') report.instrumented = bytes;
    report.ms = performance.now() - t0;
    return report;
  };
  const prep = prepare(ttf, seed, options);
  if (typeof prep === 'string') return finish(prep.startsWith('unsupported import') ? 'skipped' : 'mismatch', prep);
  report.schedule = prep.schedule;
  report.exports = prep.funcs.length;
  const compareLocation = options.compareLocation ?? true;
  const names: [string, string] = [a.name, b.name === a.name ? `${b.name}'` : b.name];
  const sides: [Side, Side] = [
    { engine: a, prep, log: [], thrown: new Map(), overflow: false, place: compareLocation, depth: 0 },
    { engine: b, prep, log: [], thrown: new Map(), overflow: false, place: compareLocation, depth: 0 },
  ];
  const countTrap = (s: Snapshot) => {
    if (s.outcome.ok) report.returned++;
    else {
      const f = s.outcome.fault;
      const k = f.kind === 'trap' ? f.cls : f.kind;
      report.traps[k] = (report.traps[k] ?? 0) + 1;
    }
  };
  /** Compares; returns a final report when the module ends here. */
  const check = (sa: Snapshot, sb: Snapshot, where: string): ModuleReport | undefined => {
    report.hostEvents += sa.log.length;
    // The oracle overflowing the JS stack (through re-entrant host calls) makes the run meaningless.
    if (sides[0].overflow || (a.name === b.name && sides[1].overflow)) return finish('skipped', `${a.name} JS stack overflow (${where})`);
    const d = difference(sa, sb, names, compareLocation);
    if (d !== undefined) return finish('mismatch', `${where}: ${d}`, prep.bytes);
    countTrap(sa);
    return undefined;
  };

  // Instantiate.
  const snaps = sides.map((side) => {
    const r = side.engine.instantiate(prep.bytes, makeImports(side));
    if (r.ok) side.instance = r.instance;
    return snapshot(side, r.ok ? { ok: true, results: [] } : { ok: false, fault: faultOf(side, r.error) });
  });
  const early = check(snaps[0], snaps[1], 'instantiate');
  if (early) return early;
  if (!sides[0].instance || !sides[1].instance) return finish('agree');

  // Calls.
  const passes = options.passes ?? 3;
  const maxCalls = options.maxCalls ?? 300;
  const rng = new Rng((seed ^ 0x2545f491) >>> 0);
  for (let pass = 0; pass < passes; pass++) {
    for (const f of prep.funcs) {
      if (report.calls >= maxCalls) return finish('agree');
      const args = f.params.map((k) => (pass === 0 ? zeroArg(k) : randomArg(rng, k)));
      const where = `call #${report.calls} ${f.name}(${args.map((x, i) => showRaw(f.params[i], x)).join(', ')})`;
      report.calls++;
      const [sa, sb] = sides.map((side) => {
        const inst = side.instance!;
        inst.setGlobal(prep.gasLeft, 'i64', prep.budget);
        inst.setGlobal(prep.gasExhausted, 'i32', 0);
        const r = inst.call(f.name, f.params, f.results, args);
        return snapshot(side, r.ok
          ? { ok: true, results: r.results.map((x, i) => showRaw(f.results[i], x)) }
          : { ok: false, fault: faultOf(side, r.error) });
      });
      const end = check(sa, sb, where);
      if (end) return end;
      if (!sa.outcome.ok) for (const side of sides) side.instance!.setGlobal(prep.stackHeight, 'i32', 0);
    }
  }
  return finish('agree');
}

// ---------------------------------------------------------------------------------------------
// Worker pool: diffModule off the main thread, with a time limit per module

interface PoolJob {
  id: number;
  seed: number;
  size: number;
  bytes: Uint8Array;
  resolve: (r: ModuleReport) => void;
  timer?: NodeJS.Timeout;
}

export interface PoolOptions {
  engines: [EngineName, EngineName];
  workers?: number;
  /** Per-module limit, ms (default 60 s): past it the worker is killed and the module reported as a timeout. */
  timeoutMs?: number;
  diff?: DiffOptions;
}

export class DiffPool {
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();
  private readonly queue: PoolJob[] = [];
  private readonly running = new Map<Worker, PoolJob>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: PoolOptions) {
    for (let i = 0; i < Math.max(1, options.workers ?? 1); i++) this.spawn();
  }

  private spawn(): void {
    const w = new Worker(new URL(import.meta.url), {
      workerData: { cloakDiffWorker: true, engines: this.options.engines, diff: this.options.diff ?? {} },
    });
    w.on('message', (r: ModuleReport & { id: number }) => {
      const job = this.running.get(w);
      if (!job || job.id !== r.id) return;
      clearTimeout(job.timer);
      this.running.delete(w);
      this.idle.push(w);
      job.resolve(r);
      this.pump();
    });
    w.on('error', (e) => this.lost(w, 'crash', errText(e)));
    w.on('exit', (code) => this.lost(w, 'crash', `worker exited with code ${code}`));
    this.all.add(w);
    this.idle.push(w);
  }

  private lost(w: Worker, status: 'crash' | 'timeout', reason: string): void {
    if (!this.all.delete(w)) return;
    const i = this.idle.indexOf(w);
    if (i >= 0) this.idle.splice(i, 1);
    const job = this.running.get(w);
    this.running.delete(w);
    if (job) {
      clearTimeout(job.timer);
      job.resolve({ seed: job.seed, size: job.size, status, reason, exports: 0, calls: 0, returned: 0, traps: {}, hostEvents: 0, ms: 0 });
    }
    if (!this.closed) this.spawn();
    this.pump();
  }

  run(seed: number, size: number, bytes: Uint8Array): Promise<ModuleReport> {
    if (this.closed) return Promise.reject(new Error('DiffPool is closed'));
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, seed, size, bytes, resolve });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.pop()!;
      const job = this.queue.shift()!;
      this.running.set(w, job);
      const limit = this.options.timeoutMs ?? 60_000;
      job.timer = setTimeout(() => {
        this.lost(w, 'timeout', `no answer within ${limit} ms`);
        void w.terminate();
      }, limit);
      w.postMessage({ id: job.id, seed: job.seed, size: job.size, bytes: job.bytes });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const ws = [...this.all];
    this.all.clear();
    await Promise.all(ws.map((w) => w.terminate()));
  }
}

// ---------------------------------------------------------------------------------------------
// Statistics of a run

export interface DiffStats {
  modules: number;
  agree: number;
  mismatches: ModuleReport[];
  skipped: Map<string, number>;
  calls: number;
  returned: number;
  traps: Record<string, number>;
  hostEvents: number;
  diffMs: number;
}

export function newStats(): DiffStats {
  return { modules: 0, agree: 0, mismatches: [], skipped: new Map(), calls: 0, returned: 0, traps: {}, hostEvents: 0, diffMs: 0 };
}

export function addReport(s: DiffStats, r: ModuleReport): void {
  s.modules++;
  s.calls += r.calls;
  s.returned += r.returned;
  s.hostEvents += r.hostEvents;
  s.diffMs += r.ms;
  for (const [k, n] of Object.entries(r.traps)) s.traps[k] = (s.traps[k] ?? 0) + n;
  if (r.status === 'agree') s.agree++;
  else if (r.status === 'skipped') {
    const k = (r.reason ?? '?').replace(/ \(.*\)$/, '');
    s.skipped.set(k, (s.skipped.get(k) ?? 0) + 1);
  } else s.mismatches.push(r);
}

export function summary(s: DiffStats): string {
  const traps = Object.entries(s.traps).sort((x, y) => y[1] - x[1]).map(([k, n]) => `${k} ${n}`).join(', ');
  const skipped = [...s.skipped].map(([k, n]) => `${k}: ${n}`).join('; ');
  return `${s.modules} modules: ${s.agree} agree, ${s.mismatches.length} differ, ${s.modules - s.agree - s.mismatches.length} skipped${skipped ? ` (${skipped})` : ''}; `
    + `${s.calls} calls (${s.returned} returned; traps: ${traps || 'none'}); ${s.hostEvents} host events`;
}

// ---------------------------------------------------------------------------------------------
// Worker side

if (!isMainThread && (workerData as { cloakDiffWorker?: boolean } | null)?.cloakDiffWorker) {
  const data = workerData as { engines: [EngineName, EngineName]; diff: DiffOptions };
  const port = parentPort!;
  const [a, b] = data.engines.map(engineByName);
  port.on('message', (msg: { id: number; seed: number; size: number; bytes: Uint8Array }) => {
    let r: ModuleReport;
    try {
      r = diffModule(msg.bytes, msg.seed, msg.size, a, b, data.diff);
    } catch (e) {
      r = { seed: msg.seed, size: msg.size, status: 'crash', reason: `harness: ${(e as Error).stack ?? errText(e)}`, exports: 0, calls: 0, returned: 0, traps: {}, hostEvents: 0, ms: 0 };
    }
    port.postMessage({ ...r, id: msg.id });
  });
}
