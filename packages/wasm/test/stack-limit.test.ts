// The stack-height limiter, proved on V8: instrumented modules validate and compute what the originals
// compute; recursion traps at exactly the depth the costs predict (direct calls, call_indirect,
// exported entries, the start function); the height global is back to 0 after every successful call
// and above the limit after (and only after) an exhaustion trap; excluded helpers are not counted;
// and the default limit traps before V8's own stack runs out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeOrThrow } from '../src/decode.js';
import { encode } from '../src/encode.js';
import { InstrReader } from '../src/instr.js';
import { Op } from '../src/opcodes.js';
import { DEFAULT_STACK_LIMIT } from '../src/limits.js';
import { functionNames, getNames } from '../src/names.js';
import { validate } from '../src/validate.js';
import { limitStack, stackExhausted, STACK_HEIGHT_EXPORT, type StackLimited } from '../src/stack-limit.js';
import type { Module } from '../src/types.js';
import { wat } from './support/wat.js';

// This package compiles without lib.dom, so the WebAssembly JS API has no types: declare what is used.
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  instantiate(bytes: Uint8Array, imports?: object): Promise<{ instance: { exports: Record<string, any> } }>;
  RuntimeError: new (...a: unknown[]) => Error;
  Memory: new (d: { initial: number }) => { buffer: ArrayBuffer };
}
const WebAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;


function limited(m: Module, heights: number[], limit: number, exclude?: Set<number>): StackLimited {
  const r = limitStack(m, { maxStackHeights: Uint32Array.from(heights) }, { limit, exclude });
  if (!r.ok) throw r.error;
  assert.ok(WebAssembly.validate(encode(r.value.module)), 'instrumented module validates on V8');
  return r.value;
}

async function instantiate(m: Module, imports: object = {}) {
  return (await WebAssembly.instantiate(encode(m), imports)).instance.exports;
}

/** Asserts that `f` traps with `unreachable` from stack exhaustion, and returns the height left. */
function exhausts(f: () => unknown, height: () => number, limit: number): number {
  assert.throws(f, (e: unknown) => e instanceof WebAssembly.RuntimeError && /unreachable/.test(String(e)));
  const h = height();
  assert.ok(stackExhausted(h, limit), `height ${h} is above the limit ${limit}`);
  return h;
}

// $rec, $ind: params 1, locals 0, max stack height 2 → cost 1 + 0 + 2 + 2 = 5.
// $main: params 1, locals 3, height 1 → cost 7. $tickRec: like $rec plus a call to an import (cost 0).
// $div: height 2 → cost 5; it recurses, then divides by zero at the bottom.
const REC = `(module
  (import "env" "tick" (func $tick))
  (type $i_i (func (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $ind)
  (func $rec (export "rec") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (call $rec (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))))
  (func $ind (export "ind") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (call_indirect (type $i_i) (i32.sub (local.get $n) (i32.const 1)) (i32.const 0)) (i32.const 1)))))
  (func $main (export "main") (param $n i32) (result i32) (local i64 i64 i64)
    (call $rec (local.get $n)))
  (func $tickRec (export "tickRec") (param $n i32) (result i32)
    (call $tick)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (call $tickRec (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))))
  (func $div (export "div") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.div_u (i32.const 1) (local.get $n)))
      (else (call $div (i32.sub (local.get $n) (i32.const 1)))))))`;
const REC_HEIGHTS = [2, 2, 1, 2, 2];

test('hand-computed heights agree with the validator', async () => {
  const v = validate(decodeOrThrow(await wat(REC)));
  assert.ok(v.ok);
  assert.deepEqual([...v.value.maxStackHeights], REC_HEIGHTS);
});

test('recursion traps at exactly the predicted depth: direct, call_indirect, exported entry, imports free', async () => {
  const m = decodeOrThrow(await wat(REC));
  const L = 1003;
  const s = limited(m, REC_HEIGHTS, L);
  assert.deepEqual([...s.costs], [5, 5, 7, 5, 5]);
  let ticks = 0;
  const e = await instantiate(s.module, { env: { tick: () => void ticks++ } });
  const h = () => e[STACK_HEIGHT_EXPORT].value as number;
  const reset = () => (e[STACK_HEIGHT_EXPORT].value = 0);

  // rec(n) has n+1 frames of cost 5 (the first one counted by the export's thunk): 5(n+1) <= 1003.
  assert.equal(e.rec(199), 199);
  assert.equal(h(), 0);
  assert.equal(exhausts(() => e.rec(200), h, L), 1005);
  reset();
  // Every frame through call_indirect is counted by the table entry's thunk.
  assert.equal(e.ind(199), 199);
  assert.equal(h(), 0);
  assert.equal(exhausts(() => e.ind(200), h, L), 1005);
  reset();
  // main (7) + rec(n): 7 + 5(n+1) <= 1003 → n <= 198.
  assert.equal(e.main(198), 198);
  assert.equal(h(), 0);
  assert.equal(exhausts(() => e.main(199), h, L), 1007);
  reset();
  // An imported function costs nothing: same depth as rec.
  assert.equal(e.tickRec(199), 199);
  assert.equal(ticks, 200);
  assert.equal(h(), 0);
  exhausts(() => e.tickRec(200), h, L);
  reset();
  // Another trap at depth leaves the height at or below the limit: not mistaken for exhaustion.
  assert.throws(() => e.div(150), /divide by zero/);
  assert.equal(h(), 5 * 151);
  assert.equal(stackExhausted(h(), L), false);
  // Any trap skips the postambles: the stale height must be reset before the instance is reused.
  reset();
  // The original module recurses much deeper, and computes the same values.
  const o = await instantiate(m, { env: { tick() {} } });
  for (const n of [0, 1, 7, 150]) for (const f of ['rec', 'ind', 'main', 'tickRec']) assert.equal(e[f](n), o[f](n));
  assert.equal(o.rec(5000), 5000);
});

test('one limit more or less moves the trap by exactly one frame', async () => {
  const m = decodeOrThrow(await wat(REC));
  for (const L of [4, 5, 9, 10, 11, 500, 999, 1000]) {
    const frames = Math.floor(L / 5);
    const e = await instantiate(limited(m, REC_HEIGHTS, L).module, { env: { tick() {} } });
    const h = () => e[STACK_HEIGHT_EXPORT].value as number;
    if (frames > 0) assert.equal(e.rec(frames - 1), frames - 1, `limit ${L}`);
    exhausts(() => e.rec(frames), h, L);
  }
});

test('instrumented modules compute what the originals compute', async () => {
  const src = `(module
    (type $ii_i (func (param i32 i32) (result i32)))
    (import "env" "mem" (memory 1))
    (table 4 funcref)
    (elem (i32.const 0) $add $sub $mul)
    (global $acc (mut i64) (i64.const 0))
    (export "acc" (global $acc))
    (func $add (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func $sub (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1)))
    (func $mul (param i32 i32) (result i32) (i32.mul (local.get 0) (local.get 1)))
    (func $fib (export "fib") (param $n i32) (result i64)
      (if (result i64) (i32.lt_u (local.get $n) (i32.const 2))
        (then (i64.extend_i32_u (local.get $n)))
        (else (i64.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                       (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
    (func $apply (export "apply") (param $op i32) (param $a i32) (param $b i32) (result i32)
      (call_indirect (type $ii_i) (local.get $a) (local.get $b) (local.get $op)))
    (func $divmod (export "divmod") (param i32 i32) (result i32 i32)
      (i32.div_u (local.get 0) (local.get 1)) (i32.rem_u (local.get 0) (local.get 1)))
    (func $swapsum (export "swapsum") (param i32 i32) (result i32) (local $q i32) (local $r i32)
      (call $divmod (local.get 0) (local.get 1))
      (local.set $r) (local.set $q)
      (global.set $acc (i64.add (global.get $acc) (i64.extend_i32_u (local.get $q))))
      (i32.store (i32.const 8) (local.get $r))
      (block $b (result i32)
        (br_if $b (call $add (local.get $q) (local.get $r)) (i32.eqz (local.get $r)))
        (drop)
        (call $mul (local.get $q) (local.get $r))))
    (func $loop (export "loop") (param $n i32) (result i32) (local $s i32)
      (block $out (loop $top
        (br_if $out (i32.eqz (local.get $n)))
        (local.set $s (call $add (local.get $s) (call $fib32 (local.get $n))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $top)))
      (local.get $s))
    (func $fib32 (param i32) (result i32) (i32.wrap_i64 (call $fib (local.get 0)))))`;
  const bin = await wat(src);
  const m = decodeOrThrow(bin);
  const v = validate(m);
  assert.ok(v.ok);
  const s = limited(m, [...v.value.maxStackHeights], DEFAULT_STACK_LIMIT);
  const run = async (mod: Module) => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const e = await instantiate(mod, { env: { mem: memory } });
    const out: unknown[] = [];
    for (const n of [0, 1, 2, 10, 20]) out.push(e.fib(n));
    for (const op of [0, 1, 2]) out.push(e.apply(op, 17, 5));
    out.push(e.divmod(17, 5), e.swapsum(17, 5), e.swapsum(20, 5), e.loop(12), e.acc.value, new Uint32Array(memory.buffer)[2]);
    assert.throws(() => e.apply(3, 1, 1));
    assert.throws(() => e.divmod(1, 0), /divide by zero/);
    return out;
  };
  const a = await run(m);
  const b = await run(s.module);
  assert.deepEqual(b, a);
  // Traps are the host's business: a fresh instance per call. Only successful calls must leave 0.
  const e = await instantiate(s.module, { env: { mem: new WebAssembly.Memory({ initial: 1 }) } });
  e.fib(15);
  e.loop(5);
  e.apply(2, 3, 4);
  e.swapsum(9, 4);
  assert.equal(e[STACK_HEIGHT_EXPORT].value, 0);
});

/** Number of wrapped direct calls in a body: each preamble/postamble pair reads the global 3 times. */
function wrappedCalls(code: Uint8Array, global: number): number {
  const r = new InstrReader(code);
  let n = 0;
  while (!r.atEnd()) if (r.next() === Op.global_get && r.a === global) n++;
  assert.equal(n % 3, 0);
  return n / 3;
}

test('excluded helpers are neither wrapped nor thunked nor counted', async () => {
  const src = `(module
    (func $helper (export "helper") (param i32) (result i32) (local i64 i64 i64 i64 i64 i64)
      (i32.add (local.get 0) (i32.const 1)))
    (func $walk (export "walk") (param $n i32) (result i32)
      (if (result i32) (i32.eqz (call $helper (local.get $n)))
        (then (i32.const -1))
        (else (if (result i32) (i32.eqz (local.get $n))
          (then (i32.const 0))
          (else (i32.add (call $walk (i32.sub (local.get $n) (i32.const 1))) (i32.const 1))))))))`;
  const m = decodeOrThrow(await wat(src));
  const heights = [2, 2];
  const L = 200;
  // walk: cost 1 + 0 + 2 + 2 = 5. helper: 1 + 6 + 2 + 2 = 11.
  const ex = limited(m, heights, L, new Set([0]));
  assert.deepEqual([...ex.costs], [0, 5]);
  assert.deepEqual([...ex.thunks], [[1, 2]]);
  assert.equal(ex.module.exports.find((e) => e.name === 'helper')!.index, 0, 'export of an excluded function is not redirected');
  assert.equal(ex.module.codes[0], m.codes[0], 'the helper body has no calls to wrap');
  assert.equal(wrappedCalls(ex.module.codes[1].code, ex.heightGlobal), 1, 'only the recursive call is wrapped');
  let e = await instantiate(ex.module);
  let h = () => e[STACK_HEIGHT_EXPORT].value as number;
  assert.equal(e.walk(39), 39); // 5 × 40 = 200
  assert.equal(h(), 0);
  exhausts(() => e.walk(40), h, L);
  assert.equal(e.helper(1), 2);

  // Not excluded, the helper's 11 are added at every level while it runs: 5k + 11 <= 200 → k <= 37.
  const all = limited(m, heights, L);
  assert.equal(wrappedCalls(all.module.codes[1].code, all.heightGlobal), 2);
  assert.equal(all.thunks.size, 2);
  e = await instantiate(all.module);
  h = () => e[STACK_HEIGHT_EXPORT].value as number;
  assert.equal(e.walk(36), 36); // deepest level k = 37 frames: 185 + 11 = 196
  exhausts(() => e.walk(37), h, L); // 38 frames: 190 + 11 = 201

  // Heights may be missing only for excluded functions at the end (helpers appended after validation).
  assert.throws(() => limitStack(m, { maxStackHeights: Uint32Array.of(2) }, { limit: L }), RangeError);
  const walkOnly = { ...m, functions: [...m.functions, m.functions[0]], codes: [...m.codes, m.codes[0]] };
  const r = limitStack(walkOnly, { maxStackHeights: Uint32Array.of(2, 2) }, { limit: L, exclude: new Set([2]) });
  assert.ok(r.ok);
});

test('thunks: one per function, for exports, every kind of element segment and the start function', async () => {
  const src = `(module
    (type $v_i (func (result i32)))
    (table 8 funcref)
    (global $started (mut i32) (i32.const 0))
    (export "started" (global $started))
    (elem (i32.const 0) $a $b)
    (elem (i32.const 2) funcref (ref.func $c) (ref.null func))
    (elem $p func $d $a)
    (elem $pe funcref (ref.func $e) (ref.null func))
    (elem declare func $f)
    (start $init)
    (func $a (export "a") (export "a2") (result i32) (i32.const 1))
    (func $b (result i32) (i32.const 2))
    (func $c (result i32) (i32.const 3))
    (func $d (result i32) (i32.const 4))
    (func $e (result i32) (i32.const 5))
    (func $f (result i32) (i32.const 6))
    (func $g (result i32) (i32.const 7))
    (func $init (global.set $started (i32.add (call $b) (call $g))))
    (func $setup (export "setup")
      (table.init $p (i32.const 4) (i32.const 0) (i32.const 2))
      (table.init $pe (i32.const 6) (i32.const 0) (i32.const 1)))
    (func $at (export "at") (param i32) (result i32) (call_indirect (type $v_i) (local.get 0))))`;
  const m = decodeOrThrow(await wat(src));
  const n = m.functions.length; // 10 defined, no imports
  const heights = [1, 1, 1, 1, 1, 1, 1, 2, 3, 1];
  const s = limited(m, heights, 1000);
  // a(0) b(1) c(2) d(3) e(4) f(5) init(7) setup(8) at(9) get thunks; g(6) is only called directly.
  assert.deepEqual([...s.thunks.keys()], [0, 1, 2, 3, 4, 5, 7, 8, 9]);
  assert.deepEqual([...s.thunks.values()], [10, 11, 12, 13, 14, 15, 16, 17, 18]);
  assert.equal(s.module.functions.length, n + 9);
  for (const [f, th] of s.thunks) assert.equal(s.module.functions[th], m.functions[f], 'a thunk has the type of its function');
  const t = (f: number) => s.thunks.get(f)!;
  assert.equal(s.module.start, t(7));
  assert.deepEqual(s.module.exports.filter((e) => e.kind === 'func').map((e) => e.index), [t(0), t(0), t(8), t(9)]);
  assert.deepEqual(s.module.elements.map((e) => (e.init.kind === 'funcs' ? e.init.funcs : e.init.exprs.map((x) => (x[0].op === 'ref.func' ? x[0].index : -1)))), [
    [t(0), t(1)], [t(2), -1], [t(3), t(0)], [t(4), -1], [t(5)],
  ]);
  // Existing indices are stable: original bodies call what they called; the new global is last.
  assert.equal(s.heightGlobal, 1);
  assert.deepEqual(s.module.exports.at(-1), { name: STACK_HEIGHT_EXPORT, kind: 'global', index: 1 });
  // The thunks are named after their function.
  const names = functionNames(getNames(s.module)!);
  assert.equal(names.get(t(0)), 'a$stack_thunk');
  assert.equal(names.get(0), 'a');

  const e = await instantiate(s.module);
  assert.equal(e.started.value, 9, 'the start function ran through its thunk');
  assert.equal(e.a, e.a2, 'one thunk per function: both exports are the same function');
  e.setup();
  assert.deepEqual([0, 1, 2, 4, 5, 6].map((i) => e.at(i)), [1, 2, 3, 4, 1, 5]);
  assert.equal(e[STACK_HEIGHT_EXPORT].value, 0);
});

test('the start function is counted: its instantiation traps one unit below its need', async () => {
  // start: params 0 + locals 1 + height 1 + 2 = 4, then rec(10): 11 frames × 5 = 55; total 59.
  const src = `(module
    (global $r (mut i32) (i32.const 0))
    (export "r" (global $r))
    (start $s)
    (func $s (local i32) (global.set $r (call $rec (i32.const 10))))
    (func $rec (param $n i32) (result i32)
      (if (result i32) (i32.eqz (local.get $n))
        (then (i32.const 0))
        (else (i32.add (call $rec (i32.sub (local.get $n) (i32.const 1))) (i32.const 1))))))`;
  const m = decodeOrThrow(await wat(src));
  const ok = await instantiate(limited(m, [1, 2], 59).module);
  assert.equal(ok.r.value, 10);
  assert.equal(ok[STACK_HEIGHT_EXPORT].value, 0);
  await assert.rejects(instantiate(limited(m, [1, 2], 58).module), (e: unknown) => e instanceof WebAssembly.RuntimeError);
});

test('refuses a module that already exports cloak_stack_height; rejects bad arguments', async () => {
  const m = decodeOrThrow(await wat(`(module (global (export "${STACK_HEIGHT_EXPORT}") i32 (i32.const 0)) (func))`));
  const r = limitStack(m, { maxStackHeights: Uint32Array.of(0) }, { limit: 10 });
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.error.kind, 'invalid');
    assert.match(r.error.message, /cloak_stack_height/);
  }
  const plain = decodeOrThrow(await wat('(module (func))'));
  for (const limit of [-1, 1.5, 2 ** 31, NaN]) {
    assert.throws(() => limitStack(plain, { maxStackHeights: Uint32Array.of(0) }, { limit }), RangeError);
  }
  assert.throws(() => limitStack(plain, { maxStackHeights: Uint32Array.of(0, 0) }, { limit: 10 }), RangeError);
  // An undecodable body is a value, not a throw.
  const bad: Module = { ...plain, codes: [{ locals: [], code: Uint8Array.of(0xff, 0x0b), codeOffset: 100 }] };
  const rb = limitStack(bad, { maxStackHeights: Uint32Array.of(0) }, { limit: 10 });
  assert.equal(rb.ok, false);
});

// The frame shapes that give V8 the fewest cost units per byte of its stack (see limits.ts).
const SHAPES: Record<string, [string, number[], unknown[]]> = {
  'call_indirect, tiny frame': [`(module (type $t (func)) (table 1 funcref) (elem (i32.const 0) $f)
    (func $f (export "f") (call_indirect (type $t) (i32.const 0))))`, [1], []],
  'call, tiny frame': ['(module (func $f (export "f") (call $f)))', [0], []],
  '100 i64 params + 100 i64 locals': [(() => {
    const N = 100;
    const ty = Array(N).fill('i64').join(' ');
    let body = '';
    for (let i = 0; i < N; i++) body += `(local.set ${N + i} (i64.add (local.get ${i}) (i64.const ${i})))`;
    const args = Array.from({ length: N }, (_, i) => `(local.get ${N + i})`).join(' ');
    let sum = '(i64.const 0)';
    for (let i = 0; i < N; i++) sum = `(i64.add ${sum} (i64.mul (local.get ${N + i}) (local.get ${i})))`;
    return `(module (func $f (export "f") (param ${ty}) (result i64) (local ${ty}) ${body} (i64.add (call $f ${args}) ${sum})))`;
  })(), [100], Array(100).fill(1n)],
};

test('the default limit traps before V8 runs out of stack, with room to spare', async (t) => {
  for (const [shape, [src, heights, args]] of Object.entries(SHAPES)) {
    const m = decodeOrThrow(await wat(src));
    const v = validate(m);
    assert.ok(v.ok);
    assert.deepEqual([...v.value.maxStackHeights], heights, shape);
    // With the default limit: a clean, recognisable exhaustion trap.
    const e = await instantiate(limited(m, heights, DEFAULT_STACK_LIMIT).module);
    exhausts(() => e.f(...args), () => e[STACK_HEIGHT_EXPORT].value, DEFAULT_STACK_LIMIT);
    // With the limit out of reach: V8 gives up at some height; it must be well above the default.
    const far = await instantiate(limited(m, heights, 2 ** 30).module);
    assert.throws(() => far.f(...args), RangeError);
    const reached = far[STACK_HEIGHT_EXPORT].value as number;
    t.diagnostic(`${shape}: V8 overflows at height ${reached} = ${(reached / DEFAULT_STACK_LIMIT).toFixed(2)} × DEFAULT_STACK_LIMIT`);
    assert.ok(reached >= 1.5 * DEFAULT_STACK_LIMIT, `${shape}: V8 overflowed at height ${reached}`);
  }
});

// Differential: random modules from binaryen (test/support/gen.ts) through the pipeline's shape —
// a function import inserted (remap.ts), then the stack limiter with the validator's heights and the
// default limit — must validate on V8 and do exactly what the originals do: every export's result or
// trap, and every value logged through the imports.
test('random binaryen modules: addFunctionImport + limitStack change no observable behaviour', async () => {
  const { ModuleGenerator, moduleSeed } = await import('./support/gen.js');
  const { addFunctionImport } = await import('../src/remap.js');
  const gen = new ModuleGenerator({ workers: 2, maxInput: 32 * 1024 });
  const COUNT = 30;
  let mods;
  try {
    mods = await Promise.all(Array.from({ length: COUNT }, (_, i) => gen.generate({ seed: moduleSeed(11, i) })));
  } finally {
    await gen.close();
  }
  const WA = (globalThis as any).WebAssembly;
  const show = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : Number.isNaN(x) ? 'NaN' : x));
  /** Instantiates, calls every exported function with no arguments, returns results, traps and logs. */
  const run = (bin: Uint8Array, exportNames: string[], height?: string): string => {
    const log: unknown[] = [];
    let inst: any;
    const callExport = (i: number) => inst.exports[exportNames[i]]();
    const env: Record<string, (...a: any[]) => unknown> = {
      'log-i32': (x) => void log.push(x), 'log-i64': (x) => void log.push(x),
      'log-f32': (x) => void log.push(x), 'log-f64': (x) => void log.push(x),
      'call-export': (i) => void callExport(i),
      // A host that catches a trap of a re-entrant call restores the height it saw before the call.
      'call-export-catch': (i) => {
        const h = height && inst ? inst.exports[height].value : 0;
        try {
          callExport(i);
          return 0;
        } catch {
          if (height && inst) inst.exports[height].value = h;
          return 1;
        }
      },
      sleep: (_ms, id) => id,
    };
    const mod = new WA.Module(bin);
    const imports: Record<string, Record<string, unknown>> = {};
    for (const imp of WA.Module.imports(mod)) {
      imports[imp.module] ??= {};
      if (imp.kind === 'function') imports[imp.module][imp.name] = env[imp.name] ?? (() => 0);
    }
    const out: unknown[] = [];
    try {
      inst = new WA.Instance(mod, imports);
    } catch (e) {
      return show(['instantiate', String(e), log]);
    }
    for (const name of exportNames) {
      if (typeof inst.exports[name] !== 'function') continue;
      try {
        out.push(name, inst.exports[name]());
      } catch (e) {
        out.push(name, `trap ${String(e)}`);
        if (height) inst.exports[height].value = 0; // a fresh instance would start at 0
      }
      if (height && inst.exports[height].value !== 0) out.push(`height left at ${inst.exports[height].value}`);
    }
    return show([out, log]);
  };
  let calls = 0;
  for (const g of mods) {
    const m = decodeOrThrow(g.bytes);
    const names = m.exports.map((e) => e.name);
    const ty = m.types.findIndex((t) => t.params.length === 0 && t.results.length === 0);
    const mm = ty >= 0 ? addFunctionImport(m, 'cloak', 'unused', ty).module : m;
    const v = validate(mm);
    assert.ok(v.ok, `seed ${g.seed}: ${!v.ok && v.error.message}`);
    const s = limited(mm, [...v.value.maxStackHeights], DEFAULT_STACK_LIMIT);
    const original = run(g.bytes, names);
    const instrumented = run(encode(s.module), names, STACK_HEIGHT_EXPORT);
    assert.equal(instrumented, original, `seed ${g.seed}`);
    calls += names.length;
  }
  assert.ok(calls > 50, `only ${calls} exports were exercised`);
});
