// Differential execution, bounded: random binaryen modules (gen.ts), instrumented by cloak's
// production pipeline, run on V8 and on the interpreter; every call must agree exactly on results,
// traps (class and place), gas left, exported globals, memory and host-import events
// (support/diff.ts says what is compared and how). The unbounded run is test/fuzz.ts.
//
// Also here: the harness checked against itself (V8 vs V8 must always agree), shown to catch planted
// differences, and V8's trap messages pinned to the classes the comparison uses.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ModuleGenerator, moduleSeed, type Generated } from '@cloak/wasm/test/support/gen.js';
import { wat } from '@cloak/wasm/test/support/wat.js';
import {
  DiffPool,
  addReport,
  diffModule,
  interpreterEngine,
  newStats,
  summary,
  v8Engine,
  type DiffOptions,
  type DiffStats,
  type Engine,
  type EngineInstance,
  type EngineName,
  type HostFn,
  type Imports,
  type ModuleReport,
  interpreterEngineFrom,
  bitsBridge,
  fromJs,
  toJs,
  type Kind,
  type InterpreterApi,
  type InterpInstance,
} from './support/diff.js';
import { Trap, type Instance, type TrapCode } from '@cloak/interpreter';
import { decodeOrThrow, importCounts, type Module } from '@cloak/wasm';

const BASE_SEED = 0xd1ff;
const MODULES = 300;
const MAX_INPUT = 16 * 1024;
const OPTIONS: DiffOptions = { steps: 100_000, passes: 3, maxCalls: 300 };

let modules: Promise<Generated[]> | undefined;
let gen: ModuleGenerator | undefined;
/** The same modules for every test of this file, generated once. */
function generated(): Promise<Generated[]> {
  if (!modules) {
    const g = new ModuleGenerator({ workers: 2, maxInput: MAX_INPUT });
    gen = g;
    modules = Promise.all(Array.from({ length: MODULES }, (_, i) => g.generate({ seed: moduleSeed(BASE_SEED, i) })));
  }
  return modules;
}
after(async () => {
  await gen?.close();
});

function describe(r: ModuleReport): string {
  return `seed ${r.seed} (ttf input ${r.size} bytes; repro: node packages/interpreter/dist/test/fuzz.js --repro ${r.seed}:${r.size}): ${r.status}: ${r.reason}`;
}

async function campaign(engines: [EngineName, EngineName]): Promise<DiffStats> {
  const mods = await generated();
  const pool = new DiffPool({ engines, workers: 2, timeoutMs: 30_000, diff: OPTIONS });
  const stats = newStats();
  try {
    for (const r of await Promise.all(mods.map((g) => pool.run(g.seed, g.size, g.bytes)))) addReport(stats, r);
  } finally {
    await pool.close();
  }
  return stats;
}

test('differential harness: V8 against V8 always agrees', async () => {
  const t0 = performance.now();
  const s = await campaign(['v8', 'v8']);
  console.log(`  v8 vs v8: ${summary(s)} (${Math.round(performance.now() - t0)} ms)`);
  assert.deepEqual(s.mismatches.map(describe), []);
  assert.equal(s.modules, MODULES);
  assert.ok(s.calls > 20 * MODULES / 10, `only ${s.calls} calls`);
  assert.ok(s.returned > 0 && Object.keys(s.traps).length > 3, 'the modules return and trap in several ways');
  assert.ok(s.agree >= MODULES * 0.9, `too many skipped: ${summary(s)}`);
});

test('differential: the interpreter against V8', async () => {
  const t0 = performance.now();
  const s = await campaign(['v8', 'interpreter']);
  console.log(`  v8 vs interpreter: ${summary(s)} (${Math.round(performance.now() - t0)} ms)`);
  assert.deepEqual(s.mismatches.slice(0, 10).map(describe), [], `${s.mismatches.length} modules differ`);
  assert.ok(s.agree >= MODULES * 0.9, `too many skipped: ${summary(s)}`);
});

// ---------------------------------------------------------------------------------------------
// A hand-written module that reaches the paths random modules rarely do: call depth exhausted, out
// of gas, host exceptions propagating, re-entrant calls (caught, failing, nested past the cap), an
// f32 signalling NaN result, a start function with logs, and grown memory.

const DIRECTED = wat(`(module
  (import "fuzzing-support" "log-i32" (func $log (param i32)))
  (import "fuzzing-support" "log-f64" (func $logd (param f64)))
  (import "fuzzing-support" "call-export" (func $ce (param i32 i32)))
  (import "fuzzing-support" "call-export-catch" (func $cec (param i32) (result i32)))
  (import "fuzzing-support" "sleep" (func $sleep (param i32 i32) (result i32)))
  (memory 1 4)
  (global $g (mut i32) (i32.const 0))
  (global $d (mut f64) (f64.const 0))
  (func $start (call $log (i32.const 42)) (global.set $g (i32.const 1)))
  (start $start)
  (func $rec (export "rec") (param i32) (result i32) (call $rec (i32.add (local.get 0) (i32.const 1))))
  (func (export "spin") (loop $l (global.set $g (i32.add (global.get $g) (i32.const 1))) (br $l)))
  (func (export "reenter_self") (call $ce (i32.const 2) (i32.const 0)))
  (func (export "reenter_catch") (call $log (call $cec (i32.const 4))))
  (func (export "bad_index") (call $ce (i32.const 99) (i32.const 0)))
  (func (export "catch_rec") (call $log (call $cec (i32.const 0))) (call $log (global.get $g)))
  (func (export "snan") (result f32) (f32.reinterpret_i32 (i32.const 0x7f800001)))
  (func (export "nan_payload") (result f64)
    (global.set $d (f64.reinterpret_i64 (i64.const 0x7ff0000000000123)))
    (call $logd (global.get $d)) (global.get $d))
  (func (export "grow") (param i32) (result i32)
    (drop (memory.grow (i32.const 1)))
    (i32.store (i32.const 70000) (local.get 0))
    (call $sleep (i32.const 0) (local.get 0))))`);

async function directed(b: Engine): Promise<ModuleReport> {
  const r = diffModule(DIRECTED, 0, 0, v8Engine, b, { ...OPTIONS, steps: 20_000 });
  assert.equal(r.status, 'agree', describe(r));
  for (const k of ['call_stack_exhausted', 'out_of_gas', 'host']) assert.ok(r.traps[k]! > 0, `no ${k} trap: ${JSON.stringify(r.traps)}`);
  assert.ok(r.returned > 10 && r.hostEvents > 64, JSON.stringify(r));
  return r;
}

test('differential harness: a directed module agrees V8 against V8 on every path', async () => {
  await directed(v8Engine);
});

test('differential: the directed module, the interpreter against V8', async () => {
  await directed(interpreterEngine());
});

// ---------------------------------------------------------------------------------------------
// The interpreter's adapter (raw values, Trap codes, host exceptions wrapped as 'host' traps),
// checked on its own: V8 dressed in the interpreter's API must agree with V8.

interface V8Api {
  Module: new (b: Uint8Array) => object;
  Instance: new (m: object, i: object) => { exports: Record<string, unknown> };
  RuntimeError: new () => Error;
}
const WA = (globalThis as unknown as { WebAssembly: V8Api }).WebAssembly;

const CODE_OF: Record<string, TrapCode> = {
  table_out_of_bounds: 'undefined_element', indirect_call: 'uninitialized_element', float_unrepresentable: 'invalid_conversion_to_integer',
};

function v8AsInterpreter(): InterpreterApi<{ module: object; decoded: Module }> {
  const toTrap = (e: unknown): Trap => {
    if (e instanceof Trap) return e;
    const t = v8Engine.trapOf(e);
    if (t) return new Trap(CODE_OF[t.cls] ?? (t.cls as TrapCode), t.funcIndex, t.offset);
    return new Trap('host', -1, -1, e); // an exception of a host import, wrapped
  };
  const kinds = (ts: number[]): Kind[] => ts.map((t) => ({ 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64' } as const)[t as 0x7f]);
  return {
    Trap,
    compile: (bytes) => ({ module: new WA.Module(bytes), decoded: decodeOrThrow(bytes) }),
    instantiate(compiled, imports) {
      const { module, decoded } = compiled;
      let inst: { exports: Record<string, unknown> };
      try {
        inst = new WA.Instance(module, imports);
      } catch (e) {
        throw toTrap(e);
      }
      const ex = inst.exports;
      const exports: Record<string, unknown> = {};
      for (const [name, v] of Object.entries(ex)) {
        exports[name] = typeof v !== 'function' ? v : (...a: unknown[]) => {
          try {
            return (v as (...a: unknown[]) => unknown)(...a);
          } catch (e) {
            throw toTrap(e);
          }
        };
      }
      const nImp = importCounts(decoded).funcs;
      // V8's exports and memory stand in for the interpreter's (the adapter only calls the functions
      // and reads `.value` / `.buffer`).
      return {
        exports: exports as Instance['exports'],
        memory: (ex.cloak_diff_memory ?? null) as Instance['memory'],
        getGlobal: (name) => (ex[name] as { value: number | bigint }).value,
        setGlobal: (name, v) => void ((ex[name] as { value: unknown }).value = v),
        invokeRaw(name, args = []) {
          const idx = decoded.exports.find((x) => x.name === name && x.kind === 'func')!.index;
          const type = decoded.types[decoded.functions[idx - nImp]];
          const params = kinds(type.params);
          const results = kinds(type.results);
          const bits = (k: Kind): Kind => (k === 'f32' ? 'i32' : k === 'f64' ? 'i64' : k);
          try {
            const out = bitsBridge(ex[name], params, results)(...args.map((x, i) => toJs(bits(params[i]), x)));
            const list = results.length === 1 ? [out] : results.length === 0 ? [] : (out as unknown[]);
            return { ok: true, results: list.map((v, i) => fromJs(bits(results[i]), v)) };
          } catch (e) {
            return { ok: false, trap: toTrap(e) };
          }
        },
      } satisfies InterpInstance;
    },
  };
}

test('differential harness: the interpreter adapter, over V8 in the interpreter\'s API, agrees with V8', async () => {
  const e = interpreterEngineFrom(v8AsInterpreter(), 'v8-as-interpreter');
  await directed(e);
  const s = newStats();
  for (const g of (await generated()).slice(0, 60)) {
    const r = diffModule(g.bytes, g.seed, g.size, v8Engine, e, OPTIONS);
    assert.ok(r.status === 'agree', describe(r));
    addReport(s, r);
  }
  assert.ok(s.traps.host! > 0 && s.traps.unreachable! > 0, summary(s));
});

// ---------------------------------------------------------------------------------------------
// The harness sees planted differences: V8 with one thing changed must be told apart from V8.

type Plant = 'result' | 'log' | 'gas' | 'memory' | 'global' | 'trap-place';

function planted(what: Plant): Engine {
  return {
    name: `v8-${what}`,
    trapOf(e) {
      const t = v8Engine.trapOf(e);
      return t && what === 'trap-place' && t.funcIndex >= 0 ? { ...t, offset: t.offset + 1 } : t;
    },
    instantiate(bytes, imports) {
      let logs = 0;
      const wrapped: Imports = {};
      for (const [mod, fns] of Object.entries(imports)) {
        wrapped[mod] = {};
        for (const [name, fn] of Object.entries(fns)) {
          wrapped[mod][name] = what === 'log' && name === 'log-i32'
            ? ((x: unknown) => fn((Number(x) + (++logs === 3 ? 1 : 0)) | 0)) as HostFn
            : fn;
        }
      }
      const r = v8Engine.instantiate(bytes, wrapped);
      if (!r.ok) return r;
      const inner = r.instance;
      let calls = 0;
      const instance: EngineInstance = {
        ...inner,
        call(name, params, results, args) {
          const out = inner.call(name, params, results, args);
          calls++;
          if (what === 'result' && out.ok && out.results.length > 0 && typeof out.results[0] === 'number') {
            out.results[0] = (out.results[0] ^ 1) | 0;
          }
          if (what === 'gas' && calls === 2) {
            inner.setGlobal('cloak_gas_left', 'i64', BigInt(inner.getGlobal('cloak_gas_left', 'i64')) - 1n);
          }
          if (what === 'global' && calls === 2) inner.setGlobal('cloak_stack_height', 'i32', 1);
          const mem = inner.memory();
          if (what === 'memory' && calls === 2 && mem) mem[mem.length - 1] ^= 0x40;
          return out;
        },
      };
      return { ok: true, instance };
    },
  };
}

const PLANTS: [Plant, RegExp][] = [
  ['result', /outcome: .*returned/],
  ['log', /host event #\d+: v8 i32:/],
  ['gas', /global: v8 cloak_gas_left=/],
  ['global', /global: v8 cloak_stack_height=/],
  ['memory', /memory: first difference at 0x[0-9a-f]+ .*sha256/],
  ['trap-place', /outcome: v8 trap \w+ at func \d+ offset|host event #\d+: v8 +(threw|caught) trap \w+ at func/],
];

for (const [what, expected] of PLANTS) {
  test(`differential harness: sees a planted difference (${what})`, async () => {
    const mods = (await generated()).slice(0, 40);
    const found: ModuleReport[] = [];
    for (const g of mods) {
      const r = diffModule(g.bytes, g.seed, g.size, v8Engine, planted(what), OPTIONS);
      if (r.status === 'mismatch') found.push(r);
      else assert.ok(r.status === 'agree' || r.status === 'skipped', describe(r));
    }
    assert.ok(found.length > 0, `no module showed the planted ${what} difference`);
    for (const r of found) assert.match(r.reason ?? '', expected, describe(r));
    assert.ok(found.every((r) => r.instrumented instanceof Uint8Array), 'a mismatch carries its reproducer');
  });
}

// ---------------------------------------------------------------------------------------------
// V8's trap messages, as the comparison classifies them (a changed message would show as 'other').

test('differential harness: V8 traps map to the comparison classes, with their places', () => {
  const bytes = wat(`(module
    (type $v (func)) (type $i (func (result i32)))
    (memory 1) (table 3 funcref) (elem (i32.const 0) $u)
    (func $u unreachable)
    (func (export "unreachable") unreachable)
    (func (export "div") (drop (i32.div_s (i32.const 1) (i32.const 0))))
    (func (export "rem") (drop (i64.rem_u (i64.const 1) (i64.const 0))))
    (func (export "overflow") (drop (i32.div_s (i32.const 0x80000000) (i32.const -1))))
    (func (export "convert") (drop (i32.trunc_f64_u (f64.const 1e30))))
    (func (export "load") (drop (i32.load (i32.const 65535))))
    (func (export "fill") (memory.fill (i32.const 65000) (i32.const 0) (i32.const 1000)))
    (func (export "table") (call_indirect (type $v) (i32.const 5)))
    (func (export "null") (call_indirect (type $v) (i32.const 1)))
    (func (export "signature") (drop (call_indirect (type $i) (i32.const 0))))
    (func (export "copy") (table.copy (i32.const 2) (i32.const 0) (i32.const 2))))`);
  const expected: Record<string, string> = {
    unreachable: 'unreachable', div: 'integer_divide_by_zero', rem: 'integer_divide_by_zero', overflow: 'integer_overflow',
    convert: 'float_unrepresentable', load: 'out_of_bounds_memory', fill: 'out_of_bounds_memory',
    table: 'table_out_of_bounds', null: 'indirect_call', signature: 'indirect_call', copy: 'table_out_of_bounds',
  };
  const r = v8Engine.instantiate(bytes, {});
  assert.ok(r.ok);
  let func = 1;
  for (const [name, cls] of Object.entries(expected)) {
    const out = r.instance.call(name, [], [], []);
    assert.ok(!out.ok, name);
    const t = v8Engine.trapOf(out.error);
    assert.ok(t, `${name}: ${String(out.error)}`);
    assert.equal(t.cls, cls, name);
    assert.equal(t.funcIndex, func++, `${name}: function index`);
    assert.ok(t.offset > 0 && t.offset < bytes.length, `${name}: offset ${t.offset}`);
  }
  // A segment out of bounds at instantiation has no wasm frame.
  const seg = v8Engine.instantiate(wat('(module (memory 1) (data (i32.const 65535) "ab"))'), {});
  assert.ok(!seg.ok);
  assert.deepEqual({ ...v8Engine.trapOf(seg.error), raw: '' }, { cls: 'out_of_bounds_memory', raw: '', funcIndex: -1, offset: -1 });
});
