// Gas metering, proved on V8: the metered module validates and computes what the original computes;
// the gas it charges equals (a) hand-derived formulas for known programs and (b) an independent
// count made by a naive instrumentation written here (every executed instruction adds its own cost
// to a counter global), for several schedules; the out-of-gas boundary is exact; memory.grow and the
// bulk operations charge per page / byte / element; tables, exports, start and names survive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeOrThrow } from '../src/decode.js';
import { encode } from '../src/encode.js';
import { InstrReader } from '../src/instr.js';
import { ALL_OPS, Op, opName } from '../src/opcodes.js';
import { meter, GAS_LEFT_EXPORT, GAS_EXHAUSTED_EXPORT, type MeterResult } from '../src/meter.js';
import {
  COSMWASM_2_SCHEDULE,
  SECRET_SCHEDULE,
  DEFAULT_SCHEDULE,
  COSMWASM_ACCOUNTING_OPS,
  defineSchedule,
  opSlot,
  type GasSchedule,
} from '../src/schedule.js';
import { ByteWriter } from '../src/bytes.js';
import { importCounts, ValType, type Module } from '../src/types.js';
import { WasmError } from '../src/errors.js';
import { validate } from '../src/validate.js';
import { wat } from './support/wat.js';
import { v8wasm as WA } from './support/v8.js';

type Fn = (...a: unknown[]) => unknown;
interface Glob<T> { value: T }


function metered(m: Module, s: GasSchedule, initialGas?: bigint): { r: MeterResult; bytes: Uint8Array } {
  const res = meter(m, s, initialGas === undefined ? {} : { initialGas });
  if (!res.ok) throw res.error;
  const bytes = encode(res.value.module);
  assert.ok(WA.validate(bytes), 'metered module must validate on V8');
  const v = validate(decodeOrThrow(bytes));
  assert.ok(v.ok, `our validator: ${v.ok ? '' : v.error.message}`);
  return { r: res.value, bytes };
}

async function instance(bytes: Uint8Array, imports: object = {}): Promise<Record<string, unknown>> {
  return (await WA.instantiate(bytes, imports)).instance.exports;
}

/** Runs `name(...args)` with a large budget and returns [result, gas used]. */
function run(ex: Record<string, unknown>, name: string, args: unknown[], budget = 1n << 50n): [unknown, bigint] {
  const left = ex[GAS_LEFT_EXPORT] as Glob<bigint>;
  left.value = budget;
  const v = (ex[name] as Fn)(...args);
  return [v, budget - left.value];
}

// ---------------------------------------------------------------------------------------------
// The independent oracle: before every original instruction, add its cost to an exported i64
// counter (`naive_gas`); the locals charge at entry. An instruction that executes runs its increment;
// one that does not, doesn't (the increment before `end` / `else` sits inside the arm that falls
// through it). Before memory.grow and the bulk operations, the size operand is saved in a scratch
// local (appended after the existing locals, so no index moves) and size × price is added.

function naiveCounter(m: Module, s: GasSchedule): Uint8Array {
  const counts = importCounts(m);
  const g = counts.globals + m.globals.length;
  const inc = (w: ByteWriter, c: number) => {
    if (c === 0) return;
    w.u8(Op.global_get).u32(g).u8(Op.i64_const).s64(BigInt(c)).u8(Op.i64_add).u8(Op.global_set).u32(g);
  };
  const dyn = (w: ByteWriter, tmp: number, price: number) => {
    if (price === 0) return;
    w.u8(Op.local_tee).u32(tmp);
    w.u8(Op.global_get).u32(g).u8(Op.local_get).u32(tmp).u8(Op.i64_extend_i32_u).u8(Op.i64_const).s64(BigInt(price));
    w.u8(Op.i64_mul).u8(Op.i64_add).u8(Op.global_set).u32(g);
  };
  const codes = m.codes.map((body, i) => {
    const w = new ByteWriter(body.code.length * 4 + 32);
    let declared = 0;
    for (const l of body.locals) declared += l.count;
    const tmp = m.types[m.functions[i]].params.length + declared;
    inc(w, s.localCost(declared));
    const r = new InstrReader(body.code);
    while (!r.atEnd()) {
      const op = r.next();
      inc(w, s.cost(op));
      if (op === Op.memory_grow) dyn(w, tmp, s.memoryGrowPerPage);
      if (op === Op.memory_fill || op === Op.memory_copy || op === Op.memory_init) dyn(w, tmp, s.bulkPerByte);
      if (op === Op.table_copy || op === Op.table_init) dyn(w, tmp, s.tablePerElement);
      w.bytes(body.code.subarray(r.start, r.pos));
    }
    return { locals: [...body.locals, { count: 1, type: ValType.i32 }], code: w.finish().slice(), codeOffset: -1 };
  });
  const out: Module = {
    ...m,
    codes,
    globals: [...m.globals, { type: { valType: ValType.i64, mutable: true }, init: [{ op: 'i64.const', value: 0n }] }],
    exports: [...m.exports, { name: 'naive_gas', kind: 'global', index: g }],
  };
  const bytes = encode(out);
  assert.ok(WA.validate(bytes));
  return bytes;
}

const PROGRAMS = `
(module
  (memory 1)
  (type $t (func (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $fib $sq)
  (func $fib (export "fib") (param i32) (result i32)
    local.get 0 i32.const 2 i32.lt_u
    if (result i32)
      local.get 0
    else
      local.get 0 i32.const 1 i32.sub call $fib
      local.get 0 i32.const 2 i32.sub call $fib
      i32.add
    end)
  (func $sq (export "sq") (param i32) (result i32) local.get 0 local.get 0 i32.mul)
  (func (export "switch") (param i32) (result i32)
    block $d block $c block $b block $a
      local.get 0 br_table $a $b $c $d
    end i32.const 10 return
    end i32.const 20 return
    end i32.const 30 return
    end i32.const 40)
  (func (export "nested") (param $n i32) (result i32) (local $i i32) (local $j i32) (local $acc i32)
    block $exit
      loop $outer
        local.get $i local.get $n i32.ge_u br_if $exit
        i32.const 0 local.set $j
        loop $inner
          local.get $acc local.get $j i32.add local.set $acc
          local.get $j i32.const 1 i32.add local.tee $j
          local.get $i i32.lt_u br_if $inner
        end
        block $skip
          local.get $i i32.const 1 i32.and br_if $skip
          local.get $acc i32.const 3 i32.mul local.set $acc
        end
        local.get $i i32.const 1 i32.add local.set $i
        br $outer
      end
    end
    local.get $acc)
  (func (export "early") (param i32) (result i32)
    block (result i32)
      i32.const 7
      local.get 0 br_if 0
      drop
      i32.const 9
    end
    local.get 0 i32.eqz
    if (result i32) i32.const 1 else i32.const 2 end
    i32.add)
  (func (export "deep") (param i32) (result i32)
    block $out (result i32)
      block $mid
        block $in
          local.get 0 i32.const 1 i32.eq br_if $in
          local.get 0 i32.const 2 i32.eq br_if $mid
          i32.const 100 local.get 0 i32.const 3 i32.eq br_if $out
          drop
        end
        i32.const 5 local.set 0
      end
      local.get 0 i32.const 1 i32.add
    end
    i32.const 1 i32.add)
  (func (export "ifs") (param i32) (result i32) (local $r i32)
    local.get 0 i32.const 1 i32.and
    if local.get $r i32.const 1 i32.add local.set $r end
    local.get 0 i32.const 2 i32.and
    if local.get $r i32.const 10 i32.add local.set $r else nop nop end
    local.get 0 i32.const 4 i32.and
    if (result i32) local.get 0 i32.const 8 i32.and if (result i32) i32.const 1000 return else i32.const 2000 end else i32.const 0 end
    local.get $r i32.add)
  (func (export "indirect") (param i32 i32) (result i32)
    local.get 1 local.get 0 call_indirect (type $t))
  (func (export "mem") (param i32) (result i32)
    i32.const 16 local.get 0 i32.store
    i32.const 16 i32.load8_u
    i32.const 16 i64.load
    i32.wrap_i64 i32.add)
  (func (export "multi") (param i32) (result i32 i32)
    local.get 0 local.get 0
    block (param i32 i32) (result i32 i32)
      local.get 0 br_if 0
    end)
  (func (export "locals40") (param i32) (result i32) (local ${'i32 '.repeat(40)})
    local.get 0 local.set 33 local.get 33)
  (func (export "unreachable_arm") (param i32) (result i32)
    local.get 0
    if unreachable end
    i32.const 3)
  ;; "continue": br 1 from inside a block goes back to the loop header and skips the nops after the
  ;; block's end, which must therefore not be charged with the iteration.
  (func (export "continue") (param i32) (result i32)
    loop
      block
        local.get 0 i32.eqz br_if 0
        local.get 0 i32.const 1 i32.sub local.set 0
        br 1
      end
      nop nop nop nop nop nop nop nop nop nop
    end
    i32.const 0)
)`;

const CASES: [string, unknown[][]][] = [
  ['fib', [[0], [1], [2], [7], [12]]],
  ['sq', [[9]]],
  ['switch', [[0], [1], [2], [3], [99]]],
  ['nested', [[0], [1], [5], [17]]],
  ['early', [[0], [1], [5]]],
  ['deep', [[0], [1], [2], [3], [4]]],
  ['ifs', [[0], [1], [2], [3], [4], [7], [12], [15]]],
  ['indirect', [[0, 10], [1, 10]]],
  ['mem', [[0x01020304], [-1]]],
  ['multi', [[0], [1]]],
  ['locals40', [[5]]],
  ['unreachable_arm', [[0]]],
  ['continue', [[0], [1], [100]]],
];

/** A schedule with a different price for (nearly) every opcode, so a misattributed cost shows. */
const ODD_SCHEDULE = defineSchedule({
  id: 'test-odd',
  base: 1,
  overrides: ALL_OPS.map(([op]) => [op, ((op * 7919) % 97) + 1] as const),
  memoryGrowPerPage: 3,
  bulkPerByte: 5,
  tablePerElement: 7,
  freeLocals: 3,
  perLocal: 11,
});

for (const s of [SECRET_SCHEDULE, COSMWASM_2_SCHEDULE, ODD_SCHEDULE]) {
  test(`metered gas equals the naive per-instruction count (${s.id})`, async () => {
    const orig = await wat(PROGRAMS);
    const m = decodeOrThrow(orig);
    const { bytes } = metered(m, s);
    const a = await instance(bytes);
    const b = await instance(naiveCounter(m, s));
    const o = await instance(orig);
    const naive = b.naive_gas as Glob<bigint>;
    for (const [name, argSets] of CASES) {
      for (const args of argSets) {
        let expected: unknown;
        let expectedTrap = false;
        try {
          expected = (o[name] as Fn)(...args);
        } catch {
          expectedTrap = true;
        }
        if (expectedTrap) continue;
        naive.value = 0n;
        (b[name] as Fn)(...args);
        const [got, used] = run(a, name, args);
        assert.deepEqual(got, expected, `${name}(${args}) result`);
        assert.equal(used, naive.value, `${name}(${args}) gas under ${s.id}`);
        assert.ok(used > 0n);
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Hand-derived numbers.

const LOOP = `
(module
  (func (export "loop") (param $n i32) (result i32) (local $i i32)
    loop $l
      local.get $i i32.const 1 i32.add local.tee $i
      local.get $n i32.lt_u
      br_if $l
    end
    local.get $i)
  (func (export "line") (result i32) i32.const 1 i32.const 2 i32.add)
  (func (export "div") (param i32) (result i32) i32.const 1 local.get 0 i32.div_u))`;

test('a loop of N iterations costs the hand-derived formula', async () => {
  const m = decodeOrThrow(await wat(LOOP));
  // Secret: entry block = loop + local.get + end(0) = 4; each iteration: 7 instructions = 14; the
  // loop's end (0) after the br_if is free.
  const sec = await instance(metered(m, SECRET_SCHEDULE).bytes);
  for (const n of [0, 1, 2, 10, 1000]) {
    const iters = Math.max(n, 1);
    const [v, used] = run(sec, 'loop', [n]);
    assert.equal(v, iters);
    assert.equal(used, BigInt(4 + 14 * iters), `secret loop(${n})`);
  }
  assert.equal(run(sec, 'line', [])[1], 6n);
  // CosmWasm 2: entry = loop 1610 + local.get 115 + end 1610 = 3335; iteration = 6 × 115 + br_if 1610
  // = 2300; the loop's end, once, 1610.
  const cw = await instance(metered(m, COSMWASM_2_SCHEDULE).bytes);
  for (const n of [0, 1, 2, 10, 1000]) {
    const iters = Math.max(n, 1);
    assert.equal(run(cw, 'loop', [n])[1], BigInt(3335 + 2300 * iters + 1610), `cosmwasm loop(${n})`);
  }
  assert.equal(run(cw, 'line', [])[1], 115n * 3n + 1610n);
  assert.equal(run(sec, 'loop', [10])[1], 144n);
  assert.equal(run(cw, 'loop', [10])[1], 27945n);
});

test('charge points: one per metered block, none for blocks that cost nothing', async () => {
  const m = decodeOrThrow(await wat(LOOP));
  // Secret: loop(): entry + loop body (the loop's end block costs 0); line(): 1; div(): 1.
  assert.equal(metered(m, SECRET_SCHEDULE).r.charges, 4);
  // CosmWasm: the loop's end block costs 1610, so it gets its own charge.
  assert.equal(metered(m, COSMWASM_2_SCHEDULE).r.charges, 5);
});

test('out-of-gas boundary: exact budget succeeds and leaves 0; one less traps with the flag set', async () => {
  const m = decodeOrThrow(await wat(LOOP));
  for (const [s, cost] of [[SECRET_SCHEDULE, 144n], [COSMWASM_2_SCHEDULE, 27945n]] as const) {
    const ex = await instance(metered(m, s).bytes);
    const left = ex[GAS_LEFT_EXPORT] as Glob<bigint>;
    const flag = ex[GAS_EXHAUSTED_EXPORT] as Glob<number>;
    left.value = cost;
    assert.equal((ex.loop as Fn)(10), 10);
    assert.equal(left.value, 0n);
    assert.equal(flag.value, 0);
    const ex2 = await instance(metered(m, s).bytes);
    const left2 = ex2[GAS_LEFT_EXPORT] as Glob<bigint>;
    const flag2 = ex2[GAS_EXHAUSTED_EXPORT] as Glob<number>;
    left2.value = cost - 1n;
    assert.throws(() => (ex2.loop as Fn)(10), WA.RuntimeError);
    assert.equal(flag2.value, 1);
    assert.ok(left2.value < cost, 'charges before the failing one were taken');
  }
});

test('a trap that is not out-of-gas leaves the flag 0', async () => {
  const m = decodeOrThrow(await wat(LOOP));
  const ex = await instance(metered(m, SECRET_SCHEDULE).bytes);
  (ex[GAS_LEFT_EXPORT] as Glob<bigint>).value = 1000n;
  assert.throws(() => (ex.div as Fn)(0), WA.RuntimeError);
  assert.equal((ex[GAS_EXHAUSTED_EXPORT] as Glob<number>).value, 0);
  // Charge-before: the whole block (i32.const, local.get, i32.div_u, end = 6) was paid on entry.
  assert.equal((ex[GAS_LEFT_EXPORT] as Glob<bigint>).value, 1000n - 6n);
  // With a budget of exactly 0 nothing at all runs.
  const ex2 = await instance(metered(m, SECRET_SCHEDULE).bytes);
  assert.throws(() => (ex2.line as Fn)(), WA.RuntimeError);
  assert.equal((ex2[GAS_EXHAUSTED_EXPORT] as Glob<number>).value, 1);
});

test('memory.grow charges per page; bulk memory per byte; table ops per element', async () => {
  const m = decodeOrThrow(await wat(`
(module
  (memory 1 10)
  (table 4 funcref)
  (func $a (result i32) i32.const 1)
  (func $b (result i32) i32.const 2)
  (elem $e func $a $b)
  (data $d "0123456789abcdef")
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
  (func (export "fill") (param i32) i32.const 0 i32.const 7 local.get 0 memory.fill)
  (func (export "copy") (param i32) i32.const 100 i32.const 0 local.get 0 memory.copy)
  (func (export "init") (param i32) i32.const 200 i32.const 0 local.get 0 memory.init $d)
  (func (export "tinit") (param i32) i32.const 0 i32.const 0 local.get 0 table.init $e)
  (func (export "tcopy") (param i32) i32.const 2 i32.const 0 local.get 0 table.copy))`));
  // Secret: each function's static part: grow = local.get + memory.grow = 4 (end 0); fill/copy/init/
  // tinit/tcopy = 4 instructions = 8.
  const ex = await instance(metered(m, SECRET_SCHEDULE).bytes);
  assert.deepEqual(run(ex, 'grow', [3]), [1, 4n + 3n * 8192n]);
  assert.deepEqual(run(ex, 'grow', [0]), [4, 4n]);
  // A grow that fails (beyond max 10) is still charged for the pages asked for.
  assert.deepEqual(run(ex, 'grow', [100]), [-1, 4n + 100n * 8192n]);
  assert.deepEqual(run(ex, 'fill', [1000]), [undefined, 8n + 1000n]);
  assert.deepEqual(run(ex, 'copy', [64]), [undefined, 8n + 64n]);
  assert.deepEqual(run(ex, 'init', [16]), [undefined, 8n + 16n]);
  assert.deepEqual(run(ex, 'tinit', [2]), [undefined, 8n + 2n * 2n]);
  assert.deepEqual(run(ex, 'tcopy', [2]), [undefined, 8n + 2n * 2n]);
  // The length is charged before the operation runs: a fill with too little gas does not write.
  const ex2 = await instance(metered(m, SECRET_SCHEDULE).bytes);
  (ex2[GAS_LEFT_EXPORT] as Glob<bigint>).value = 8n + 999n;
  assert.throws(() => (ex2.fill as Fn)(1000), WA.RuntimeError);
  assert.equal((ex2[GAS_EXHAUSTED_EXPORT] as Glob<number>).value, 1);
  // CosmWasm 2: memory.grow has no per-page price; bulk 2 per byte; table 115 per element.
  const cw = await instance(metered(m, COSMWASM_2_SCHEDULE).bytes);
  assert.deepEqual(run(cw, 'grow', [3]), [1, 115n * 2n + 1610n]);
  assert.deepEqual(run(cw, 'fill', [1000]), [undefined, 115n * 4n + 1610n + 2000n]);
  assert.deepEqual(run(cw, 'tcopy', [2]), [undefined, 115n * 4n + 1610n + 2n * 115n]);
  // A huge length times the price is computed in i64 (no i32 wrap): 0xffffffff bytes.
  const ex3 = await instance(metered(m, SECRET_SCHEDULE).bytes);
  (ex3[GAS_LEFT_EXPORT] as Glob<bigint>).value = 0xffffffffn;
  assert.throws(() => (ex3.fill as Fn)(-1), WA.RuntimeError);
  assert.equal((ex3[GAS_EXHAUSTED_EXPORT] as Glob<number>).value, 1);
});

test('the locals charge is folded into the entry block (CosmWasm: (L − 29) × 115 for L ≥ 30)', async () => {
  const fn = (n: number) => `(func (export "f${n}") ${n ? `(local ${'i64 '.repeat(n)})` : ''} nop)`;
  const m = decodeOrThrow(await wat(`(module ${[0, 29, 30, 31, 100].map(fn).join(' ')})`));
  const ex = await instance(metered(m, COSMWASM_2_SCHEDULE).bytes);
  const base = 115n + 1610n; // nop + end
  assert.equal(run(ex, 'f0', [])[1], base);
  assert.equal(run(ex, 'f29', [])[1], base);
  assert.equal(run(ex, 'f30', [])[1], base + 115n);
  assert.equal(run(ex, 'f31', [])[1], base + 230n);
  assert.equal(run(ex, 'f100', [])[1], base + 71n * 115n);
  const sec = await instance(metered(m, SECRET_SCHEDULE).bytes);
  assert.equal(run(sec, 'f100', [])[1], 2n);
});

test('tables, exports, elements, start, imports and names still work after metering', async () => {
  const src = `
(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "g" (global $g i32))
  (type $t (func (param i32) (result i32)))
  (table 3 funcref)
  (memory (export "memory") 1)
  (global $started (mut i32) (i32.const 0))
  (elem (i32.const 0) $inc $dbl)
  (elem $p func $dbl)
  (func $inc (param i32) (result i32) local.get 0 i32.const 1 i32.add)
  (func $dbl (param i32) (result i32) local.get 0 i32.const 2 i32.mul)
  (func $start i32.const 1 global.set $started)
  (func (export "call_table") (param i32 i32) (result i32) local.get 1 local.get 0 call_indirect (type $t))
  (func (export "passive") (param i32) (result i32)
    i32.const 2 i32.const 0 i32.const 1 table.init $p
    local.get 0 i32.const 2 call_indirect (type $t))
  (func (export "started") (result i32) global.get $started)
  (func (export "host") (param i32) local.get 0 call $log global.get $g call $log)
  (start $start))`;
  const orig = await wat(src);
  const m = decodeOrThrow(orig);
  const before = encode(m);
  const { r, bytes } = metered(m, SECRET_SCHEDULE, 1000n);
  assert.deepEqual(encode(m), before, 'input module unchanged');
  // Existing indices unchanged: exports, elements, start and the name section are as they were.
  const out = decodeOrThrow(bytes);
  assert.deepEqual(out.exports.slice(0, m.exports.length), m.exports);
  assert.deepEqual(out.elements, m.elements);
  assert.equal(out.start, m.start);
  assert.deepEqual(out.customs, m.customs);
  assert.ok(out.customs.some((c) => c.name === 'name'));
  assert.deepEqual(r.helpers, [8, 9, 10, 11]);
  assert.equal(r.gasFunc, 8);
  const logs: number[] = [];
  const imports = { env: { log: (x: number) => logs.push(x), g: 42 } };
  const ex = await instance(bytes, imports);
  // The start function ran on the initial budget: 1000 − (i32.const + global.set) × 2.
  assert.equal((ex[GAS_LEFT_EXPORT] as Glob<bigint>).value, 1000n - 4n);
  assert.equal((ex.started as Fn)(), 1);
  assert.deepEqual(run(ex, 'call_table', [0, 5]), [6, 6n + 6n]);
  assert.deepEqual(run(ex, 'call_table', [1, 5]), [10, 6n + 6n]);
  assert.equal(run(ex, 'passive', [21])[0], 42);
  run(ex, 'host', [7]);
  assert.deepEqual(logs, [7, 42]);
  // With the default initial budget of 0 the start function runs out of gas.
  await assert.rejects(instance(encode((meter(m, SECRET_SCHEDULE) as { ok: true; value: MeterResult }).value.module), imports));
});

test('refuses a module that already exports the gas globals\' names', async () => {
  for (const name of [GAS_LEFT_EXPORT, GAS_EXHAUSTED_EXPORT]) {
    const m = decodeOrThrow(await wat(`(module (func (export "${name}")))`));
    const r = meter(m, SECRET_SCHEDULE);
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.ok(r.error instanceof WasmError);
      assert.match(r.error.message, new RegExp(name));
    }
  }
});

test('errors in bodies are values with absolute offsets', async () => {
  const bytes = await wat('(module (func (export "f") (result i32) i32.const 1))');
  const m = decodeOrThrow(bytes);
  // Replace `i32.const 1` by an unknown opcode 0xff and point the label of a fresh br too far.
  const code = m.codes[0].code.slice();
  code[0] = 0xff;
  const bad: Module = { ...m, codes: [{ ...m.codes[0], code }] };
  const r = meter(bad, SECRET_SCHEDULE);
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.offset, m.codes[0].codeOffset);
  const br: Module = { ...m, codes: [{ ...m.codes[0], code: Uint8Array.from([Op.br, 3, Op.end]) }] };
  const r2 = meter(br, SECRET_SCHEDULE);
  assert.equal(r2.ok, false);
  if (!r2.ok) assert.match(r2.error.message, /label 3/);
});

// ---------------------------------------------------------------------------------------------
// The schedules, pinned to the unit.

test('SECRET_SCHEDULE: 2 per instruction, end/else 0, grow 8192/page, bulk 1/byte, table 2/element', () => {
  const s = SECRET_SCHEDULE;
  assert.equal(s.id, 'secret-v1');
  assert.equal(DEFAULT_SCHEDULE, s);
  for (const [op, name] of ALL_OPS) {
    assert.equal(s.cost(op), op === Op.end || op === Op.else ? 0 : 2, name);
    assert.equal(s.costs[opSlot(op)], s.cost(op));
  }
  assert.equal(s.memoryGrowPerPage, 8192);
  assert.equal(s.bulkPerByte, 1);
  assert.equal(s.tablePerElement, 2);
  assert.equal(s.localCost(0), 0);
  assert.equal(s.localCost(50_000), 0);
  assert.ok(Object.isFrozen(s));
});

test('COSMWASM_2_SCHEDULE: 115 per operator, 1610 for accounting operators, locals (L−29)×115', () => {
  const s = COSMWASM_2_SCHEDULE;
  assert.equal(s.id, 'cosmwasm-2');
  const accounting = ['loop', 'end', 'if', 'else', 'br', 'br_if', 'br_table', 'call', 'call_indirect', 'return'];
  assert.deepEqual(COSMWASM_ACCOUNTING_OPS.map(opName), accounting);
  for (const [op, name] of ALL_OPS) assert.equal(s.cost(op), accounting.includes(name) ? 1610 : 115, name);
  assert.equal(s.cost(Op.block), 115);
  assert.equal(s.cost(Op.unreachable), 115);
  assert.equal(s.cost(Op.memory_grow), 115);
  assert.equal(s.memoryGrowPerPage, 0);
  assert.equal(s.bulkPerByte, 2);
  assert.equal(s.tablePerElement, 115);
  assert.deepEqual([0, 29, 30, 31, 100].map((l) => s.localCost(l)), [0, 0, 115, 230, 8165]);
});

test('defineSchedule rejects prices that are not small non-negative integers', () => {
  const base = { id: 'x', base: 1, memoryGrowPerPage: 0, bulkPerByte: 0, tablePerElement: 0 };
  assert.throws(() => defineSchedule({ ...base, base: -1 }), RangeError);
  assert.throws(() => defineSchedule({ ...base, base: 1.5 }), RangeError);
  assert.throws(() => defineSchedule({ ...base, bulkPerByte: 2 ** 40 }), RangeError);
  assert.throws(() => defineSchedule({ ...base, overrides: [[0xff, 1]] }), RangeError);
  const free = defineSchedule({ ...base, base: 0 });
  assert.equal(free.cost(Op.i32_add), 0);
});

test('a schedule that prices nothing inserts no charge and no dynamic helper', async () => {
  const m = decodeOrThrow(await wat(LOOP));
  const free = defineSchedule({ id: 'free', base: 0, memoryGrowPerPage: 0, bulkPerByte: 0, tablePerElement: 0 });
  const { r } = metered(m, free);
  assert.equal(r.charges, 0);
  assert.deepEqual(r.helpers, [3]);
  assert.equal(r.growFunc, undefined);
  for (let i = 0; i < m.codes.length; i++) assert.deepEqual(r.module.codes[i].code, m.codes[i].code);
});

// ---------------------------------------------------------------------------------------------
// Random programs: binaryen's translate-to-fuzz modules (test/support/gen.ts). Every export is called
// in turn, with zero arguments, on the original, the metered module and the naive counter in
// lockstep; every call that completes within the budget must give the same result and log, and
// charge exactly the naive count. A call that traps must trap in all three, with the flag 0.

test('random modules (binaryen -ttf): metered gas equals the naive count on every completed call', async () => {
  const { ModuleGenerator, moduleSeed } = await import('./support/gen.js');
  const gen = new ModuleGenerator({ workers: 2 });
  const seeds = Array.from({ length: 24 }, (_, i) => moduleSeed(0x6a5, i));
  let completed = 0;
  let trapped = 0;
  let skipped = 0;
  try {
    const mods = await Promise.all(seeds.map((seed, i) => gen.generate({ seed, size: 256 + ((i * 977) % 12000) })));
    for (const g of mods) {
      const m = decodeOrThrow(g.bytes);
      for (const s of [COSMWASM_2_SCHEDULE, ODD_SCHEDULE]) {
        const logs: unknown[][] = [[], [], []];
        const imports = (k: number) => {
          const env: Record<string, unknown> = {};
          for (const imp of m.imports) {
            if (imp.desc.kind === 'func') env[imp.name] = (...a: unknown[]) => void logs[k].push(imp.name, ...a);
          }
          return { 'fuzzing-support': env };
        };
        let o: Record<string, unknown>;
        try {
          o = await instance(g.bytes, imports(0));
        } catch {
          skipped++;
          break; // the start function traps
        }
        const a = await instance(metered(m, s, 1n << 40n).bytes, imports(1));
        const b = await instance(naiveCounter(m, s), imports(2));
        const naive = b.naive_gas as Glob<bigint>;
        const left = a[GAS_LEFT_EXPORT] as Glob<bigint>;
        const flag = a[GAS_EXHAUSTED_EXPORT] as Glob<number>;
        const nImp = importCounts(m).funcs;
        for (const e of m.exports) {
          if (e.kind !== 'func') continue;
          const type = m.types[m.functions[e.index - nImp] ?? 0];
          const args = (e.index >= nImp ? type.params : []).map((t) => (t === ValType.i64 ? 0n : 0));
          const budget = 20_000_000n;
          left.value = budget;
          naive.value = 0n;
          const call = (ex: Record<string, unknown>): { v?: unknown; err?: unknown } => {
            try {
              return { v: (ex[e.name] as Fn)(...args) };
            } catch (err) {
              return { err };
            }
          };
          const ra = call(a);
          if (flag.value === 1) break; // out of gas (a hang-limited loop ran long): lockstep ends here
          const ro = call(o);
          const rb = call(b);
          if (ra.err instanceof RangeError || ro.err instanceof RangeError || rb.err instanceof RangeError) break;
          assert.equal(ra.err === undefined, ro.err === undefined, `seed ${g.seed} ${e.name}: trap agreement`);
          assert.equal(rb.err === undefined, ro.err === undefined);
          assert.deepEqual(logs[1], logs[0], `seed ${g.seed} ${e.name}: logs`);
          if (ra.err) {
            trapped++;
            continue;
          }
          completed++;
          assert.deepEqual(ra.v, ro.v, `seed ${g.seed} ${e.name}: result`);
          assert.equal(budget - left.value, naive.value, `seed ${g.seed} ${e.name} under ${s.id}: gas`);
        }
      }
    }
  } finally {
    await gen.close();
  }
  assert.ok(completed > 50, `calls compared: ${completed} completed, ${trapped} trapped, ${skipped} modules skipped`);
  console.log(`  ttf calls: ${completed} completed and compared, ${trapped} trapped in all three, ${skipped} modules whose start traps`);
});
