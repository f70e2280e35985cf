// The instrumentation pipeline (decode + validate → NaN canonicalization → metering → stack limit →
// encode), proved on V8 and on our validator: the output behaves like the input, charges the
// hand-derived gas, canonicalizes NaNs, limits call depth, refuses floats on request, is
// deterministic, and is fast enough for a 2 MiB module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeOrThrow } from '../src/decode.js';
import { encode } from '../src/encode.js';
import { decodeAndValidate, validate } from '../src/validate.js';
import { instrument, GAS_LEFT_EXPORT, GAS_EXHAUSTED_EXPORT, STACK_HEIGHT_EXPORT } from '../src/instrument.js';
import { meter } from '../src/meter.js';
import { limitStack } from '../src/stack-limit.js';
import { InstrReader } from '../src/instr.js';
import { canonicalizeNaNsDetailed } from '../src/nan.js';
import { COSMWASM_2_SCHEDULE, SECRET_SCHEDULE } from '../src/schedule.js';
import { DEFAULT_STACK_LIMIT } from '../src/limits.js';
import type { Module } from '../src/types.js';
import { wat } from './support/wat.js';
import { v8wasm as WA } from './support/v8.js';

type Fn = (...a: unknown[]) => unknown;
interface Glob<T> { value: T }


function ok<T>(r: { ok: true; value: T } | { ok: false; error: Error }): T {
  if (!r.ok) throw r.error;
  return r.value;
}

async function instance(bytes: Uint8Array, imports: object = {}): Promise<Record<string, unknown>> {
  assert.ok(WA.validate(bytes), 'V8 validates the output');
  assert.ok(validate(decodeOrThrow(bytes)).ok, 'our validator validates the output');
  return (await WA.instantiate(bytes, imports)).instance.exports;
}

function run(ex: Record<string, unknown>, name: string, args: unknown[], budget = 1n << 50n): [unknown, bigint] {
  const left = ex[GAS_LEFT_EXPORT] as Glob<bigint>;
  left.value = budget;
  const v = (ex[name] as Fn)(...args);
  return [v, budget - left.value];
}

const SRC = `
(module
  (memory (export "memory") 1)
  (type $t (func (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $sq $rec)
  (func $sq (export "sq") (param i32) (result i32) local.get 0 local.get 0 i32.mul)
  (func (export "loop") (param $n i32) (result i32) (local $i i32)
    loop $l
      local.get $i i32.const 1 i32.add local.tee $i
      local.get $n i32.lt_u
      br_if $l
    end
    local.get $i)
  (func $rec (export "rec") (param i32) (result i32)
    local.get 0 i32.eqz
    if (result i32) i32.const 0
    else local.get 0 i32.const 1 i32.sub call $rec i32.const 1 i32.add end)
  (func (export "indirect") (param i32 i32) (result i32) local.get 1 local.get 0 call_indirect (type $t))
  (func (export "nan") (result i32) f32.const 0 f32.const 0 f32.div i32.reinterpret_f32)
  (func (export "fadd") (param f64 f64) (result f64) local.get 0 local.get 1 f64.add)
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))`;

test('the pipeline: same results as the original, hand-derived gas, canonical NaNs, exports as before', async () => {
  const orig = await wat(SRC);
  const o = (await WA.instantiate(orig)).instance.exports;
  const res = ok(instrument(orig));
  assert.equal(res.gas.leftExport, GAS_LEFT_EXPORT);
  assert.equal(res.gas.exhaustedExport, GAS_EXHAUSTED_EXPORT);
  assert.equal(res.gas.scheduleId, 'secret-v1');
  assert.equal(res.gas.gasFunc, 9);
  assert.equal(res.stack?.heightExport, STACK_HEIGHT_EXPORT);
  assert.equal(res.stack?.limit, DEFAULT_STACK_LIMIT);
  assert.equal(res.nanSites, 2);
  // 2 NaN helpers (f32, f64) after the 7 functions, then $gas, grow, bulk and table helpers.
  assert.deepEqual(res.helpers, [7, 8, 9, 10, 11, 12]);
  assert.deepEqual(res.bytes, encode(res.module));
  const ex = await instance(res.bytes);
  for (const [name, args] of [['sq', [7]], ['loop', [10]], ['rec', [50]], ['indirect', [0, 9]], ['indirect', [1, 4]], ['fadd', [1.5, 2.25]]] as const) {
    assert.deepEqual(run(ex, name, [...args])[0], (o[name] as Fn)(...args), name);
  }
  // Same hand formula as in meter.test.ts: 4 + 14 × iterations (Secret).
  assert.equal(run(ex, 'loop', [10])[1], 144n);
  assert.equal(run(ex, 'sq', [3])[1], 6n);
  // rec(n): the entry block (local.get, i32.eqz, if = 6) each level, the then-arm (i32.const = 2)
  // once, the else-arm (local.get, i32.const, i32.sub, call, i32.const, i32.add = 12) n times.
  assert.equal(run(ex, 'rec', [50])[1], BigInt(6 * 51 + 2 + 12 * 50));
  // NaN canonicalization is not priced: the helper calls are free.
  assert.equal(run(ex, 'nan', [])[1], 8n);
  assert.equal((run(ex, 'nan', [])[0] as number) >>> 0, 0x7fc00000);
  assert.deepEqual(run(ex, 'grow', [2]), [1, 4n + 2n * 8192n]);
  // The original exports are all still there (redirected to stack thunks where needed).
  const names = res.module.exports.map((e) => e.name);
  for (const e of decodeOrThrow(orig).exports) assert.ok(names.includes(e.name));
  assert.deepEqual(names.slice(-3).sort(), [GAS_EXHAUSTED_EXPORT, GAS_LEFT_EXPORT, STACK_HEIGHT_EXPORT].sort());
});

test('the validator counts NaN-producing instructions; an already validated module is not validated again', async () => {
  const orig = await wat(SRC);
  const checked = ok(decodeAndValidate(orig));
  // f32.div in "nan" and f64.add in "fadd"; reinterpret and const are not arithmetic.
  assert.equal(checked.info.nanOps, 2);
  const fromChecked = ok(instrument(checked));
  assert.deepEqual(fromChecked.bytes, ok(instrument(orig)).bytes);
  // Without float arithmetic the canonicalization pass is skipped: no helpers, no sites.
  const ints = await wat('(module (func (export "f") (param f32) (result f32) local.get 0 f32.neg))');
  const info = ok(decodeAndValidate(ints)).info;
  assert.equal(info.nanOps, 0);
  const r = ok(instrument(ints));
  assert.equal(r.nanSites, 0);
  // Only metering's helpers ($gas, grow, bulk, table) follow the one function: no NaN helper.
  assert.deepEqual(r.helpers, [1, 2, 3, 4]);
});

test('call sites recorded by meter let the stack limiter skip decoding, with the same output', async () => {
  const m = decodeOrThrow(await wat(SRC));
  const info = ok(validate(m));
  const metered = ok(meter(m, SECRET_SCHEDULE));
  const heights = info.maxStackHeights.map((h) => h + 1);
  const exclude = new Set(metered.helpers);
  // Every metered body's recorded sites are exactly its original call instructions (the calls to
  // $gas and the charge helpers that metering inserted are not sites).
  metered.module.codes.forEach((body, i) => {
    const sites = metered.callSites[i];
    if (i >= m.codes.length) return assert.equal(sites, undefined);
    const found: number[] = [];
    const r = new InstrReader(body.code);
    while (!r.atEnd()) if (r.next() === 0x10 && !exclude.has(r.a)) found.push(r.start);
    assert.deepEqual([...(sites ?? [])], found, `function ${i}`);
  });
  const fast = ok(limitStack(metered.module, { maxStackHeights: heights, callSites: metered.callSites }, { limit: 1000, exclude }));
  const slow = ok(limitStack(metered.module, { maxStackHeights: heights }, { limit: 1000, exclude }));
  assert.deepEqual(encode(fast.module), encode(slow.module));
});

test('out of gas through the pipeline: exact budget passes, one less traps with the flag; other traps leave it 0', async () => {
  const res = ok(instrument(await wat(SRC), { schedule: COSMWASM_2_SCHEDULE }));
  const ex = await instance(res.bytes);
  // CosmWasm 2: 3335 + 2300 × 10 + 1610 (meter.test.ts).
  assert.equal(run(ex, 'loop', [10])[1], 27945n);
  (ex[GAS_LEFT_EXPORT] as Glob<bigint>).value = 27945n;
  assert.equal((ex.loop as Fn)(10), 10);
  assert.equal((ex[GAS_LEFT_EXPORT] as Glob<bigint>).value, 0n);
  const ex2 = await instance(res.bytes);
  (ex2[GAS_LEFT_EXPORT] as Glob<bigint>).value = 27944n;
  assert.throws(() => (ex2.loop as Fn)(10), WA.RuntimeError);
  assert.equal((ex2[GAS_EXHAUSTED_EXPORT] as Glob<number>).value, 1);
  // A call_indirect to an empty table slot traps; that is not out of gas.
  const ex3 = await instance(res.bytes);
  (ex3[GAS_LEFT_EXPORT] as Glob<bigint>).value = 1n << 40n;
  assert.throws(() => (ex3.indirect as Fn)(5, 1), WA.RuntimeError);
  assert.equal((ex3[GAS_EXHAUSTED_EXPORT] as Glob<number>).value, 0);
});

test('the stack limit traps deep recursion deterministically, and is not out of gas', async () => {
  const orig = await wat(SRC);
  const res = ok(instrument(orig, { stackLimit: 1000 }));
  const ex = await instance(res.bytes);
  // rec's frame: 1 param + 0 locals + max stack 3 (local.get, i32.const, i32.sub … ) + 2 → a few
  // units per level; 10,000 levels cannot fit in 1000 units.
  assert.equal(run(ex, 'rec', [10])[0], 10);
  (ex[GAS_LEFT_EXPORT] as Glob<bigint>).value = 1n << 40n;
  assert.throws(() => (ex.rec as Fn)(10_000), WA.RuntimeError);
  assert.equal((ex[GAS_EXHAUSTED_EXPORT] as Glob<number>).value, 0);
  assert.ok(((ex[STACK_HEIGHT_EXPORT] as Glob<number>).value >>> 0) > 1000);
  // Without a stack limit the same recursion completes on V8.
  const none = ok(instrument(orig, { stackLimit: false }));
  assert.equal(none.stack, undefined);
  const ex2 = await instance(none.bytes);
  assert.equal(run(ex2, 'rec', [10_000])[0], 10_000);
  assert.ok(!none.module.exports.some((e) => e.name === STACK_HEIGHT_EXPORT));
});

test('rejectFloats refuses float types and instructions, with the position', async () => {
  const orig = await wat(SRC);
  const r = instrument(orig, { rejectFloats: true });
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.error.message, /floating point is not allowed/);
  const body = await wat('(module (func (export "f") (result i32) i32.const 1 f32.convert_i32_s i32.trunc_f32_s))');
  const r2 = instrument(body, { rejectFloats: true });
  assert.equal(r2.ok, false);
  if (!r2.ok) {
    assert.match(r2.error.message, /f32\.convert_i32_s/);
    const m = decodeOrThrow(body);
    assert.equal(r2.error.offset, m.codes[0].codeOffset + 2);
    assert.equal(r2.error.kind, 'unsupported');
  }
  const ints = await wat('(module (func (export "f") (param i32) (result i32) local.get 0 i32.const 3 i32.mul))');
  const r3 = ok(instrument(ints, { rejectFloats: true }));
  assert.equal(r3.nanSites, 0);
  assert.deepEqual(run(await instance(r3.bytes), 'f', [5]), [15, 6n]);
});

test('bad input is a value: undecodable bytes, invalid modules, reserved export names', async () => {
  const r = instrument(Uint8Array.from([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]));
  assert.equal(r.ok, false);
  const invalidMod = decodeOrThrow(await wat('(module (func (result i32) i32.const 1))'));
  invalidMod.codes[0] = { ...invalidMod.codes[0], code: Uint8Array.from([0x0b]) };
  const r2 = instrument(invalidMod);
  assert.equal(r2.ok, false);
  if (!r2.ok) assert.equal(r2.error.kind, 'invalid');
  for (const name of [GAS_LEFT_EXPORT, GAS_EXHAUSTED_EXPORT, STACK_HEIGHT_EXPORT]) {
    const r3 = instrument(await wat(`(module (func (export "${name}")))`));
    assert.equal(r3.ok, false, name);
  }
});

test('deterministic: the same input and options give the same bytes; a Module input is not modified', async () => {
  const orig = await wat(SRC);
  const a = ok(instrument(orig, { schedule: COSMWASM_2_SCHEDULE }));
  const b = ok(instrument(orig, { schedule: COSMWASM_2_SCHEDULE }));
  assert.deepEqual(a.bytes, b.bytes);
  assert.notEqual(a.cacheKey, ok(instrument(orig)).cacheKey);
  const m = decodeOrThrow(orig);
  const before = encode(m);
  const c = ok(instrument(m, { schedule: COSMWASM_2_SCHEDULE }));
  assert.deepEqual(encode(m), before);
  assert.deepEqual(c.bytes, a.bytes);
});

test('a start function runs on initialGas', async () => {
  const src = `(module (global $g (mut i32) (i32.const 0))
    (func $s i32.const 5 global.set $g) (start $s)
    (func (export "g") (result i32) global.get $g))`;
  const res = ok(instrument(await wat(src), { initialGas: 100n }));
  const ex = await instance(res.bytes);
  assert.equal((ex[GAS_LEFT_EXPORT] as Glob<bigint>).value, 96n);
  assert.equal(run(ex, 'g', [])[0], 5);
  const res0 = ok(instrument(await wat(src)));
  await assert.rejects(WA.instantiate(res0.bytes));
});

// ---------------------------------------------------------------------------------------------
// Speed: a ~2 MiB module of varied functions.

async function bigModule(targetBytes: number): Promise<Module> {
  const fns: string[] = [];
  for (let k = 0; k < 8; k++) {
    fns.push(`(func (export "f${k}") (param $n i32) (param $x f64) (result i32) (local $i i32) (local $acc i32) (local $y f64)
      block $exit
        loop $outer
          local.get $i local.get $n i32.ge_u br_if $exit
          local.get $i i32.const ${k + 1} i32.and
          if
            local.get $acc local.get $i i32.add local.set $acc
            local.get $y local.get $x f64.mul f64.sqrt local.set $y
          else
            block $b
              local.get $acc i32.const 3 i32.rem_u
              br_table $b $exit $b
            end
            local.get $acc i32.const ${k} i32.load offset=16 i32.xor local.set $acc
            i32.const 64 local.get $acc i32.const 8 memory.fill
          end
          local.get $i i32.const 1 i32.add local.set $i
          br $outer
        end
      end
      local.get $acc
      local.get $n call $sq
      i32.add)`);
  }
  const m = decodeOrThrow(await wat(`(module (memory 1)
    (func $sq (param i32) (result i32) local.get 0 local.get 0 i32.mul)
    ${fns.join('\n')})`));
  let size = 0;
  for (const c of m.codes) size += c.code.length;
  const reps = Math.ceil(targetBytes / size);
  const functions: number[] = [];
  const codes: Module['codes'] = [];
  for (let r = 0; r < reps; r++) {
    functions.push(...m.functions);
    codes.push(...m.codes);
  }
  return { ...m, functions, codes };
}

test('a 2 MiB module instruments to a module both validators accept (speed is measured by npm run bench)', async () => {
  const m = await bigModule(2 * 1024 * 1024);
  const bytes = encode(m);
  assert.ok(bytes.length >= 2 * 1024 * 1024);
  const out = ok(instrument(bytes));
  assert.ok(WA.validate(out.bytes));
  assert.ok(validate(out.module).ok);
});
