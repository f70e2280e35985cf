// Function-index rewriting and function-import insertion, proved on V8: the rewritten module must
// validate and behave like the original (calls, call_indirect through active and passive element
// segments, the start function, exported-function identity), and its name section must follow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeOrThrow } from '../src/decode.js';
import { encode } from '../src/encode.js';
import { addFunctionImport, remapFunctions } from '../src/remap.js';
import { functionNames, getNames, localNames } from '../src/names.js';
import { InstrReader } from '../src/instr.js';
import { Op } from '../src/opcodes.js';
import { emptyModule, type Module } from '../src/types.js';
import { wat } from './support/wat.js';
import { v8wasm as WebAssembly } from './support/v8.js';

interface WasmTable {
  get(i: number): unknown;
}


/** Function indices called by `call` in a body. */
function callees(code: Uint8Array): number[] {
  const r = new InstrReader(code);
  const out: number[] = [];
  while (!r.atEnd()) if (r.next() === Op.call) out.push(r.a);
  return out;
}

const RICH = `(module $m
  (type $v_i (func (result i32)))
  (type $i_i (func (param i32) (result i32)))
  (type $v_v (func))
  (import "env" "log" (func $log (param i32)))
  (import "env" "mem" (memory 1))
  (table $t (export "table") 10 funcref)
  (global $g (mut i32) (i32.const 0))
  (export "g" (global $g))
  (elem (i32.const 0) $one $two)
  (elem (i32.const 2) funcref (ref.func $three) (ref.null func))
  (elem $p func $four $double)
  (elem $pe funcref (ref.func $one) (ref.null func) (ref.func $three))
  (elem declare func $two)
  (start $init)
  (func $one (result i32) i32.const 1)
  (func $two (result i32) i32.const 2)
  (func $three (result i32) i32.const 3)
  (func $four (result i32) i32.const 4)
  (func $double (param $x i32) (result i32) (local $unused i64)
    (call $log (local.get $x)) (i32.mul (local.get $x) (i32.const 2)))
  (func $init (global.set $g (i32.add (call $two) (i32.const 40)))
    (i32.store (i32.const 0) (i32.const 0x1234)))
  (func $setup (export "setup")
    (table.init $p (i32.const 4) (i32.const 0) (i32.const 2))
    (table.init $pe (i32.const 6) (i32.const 0) (i32.const 3)))
  (func $callIdx (export "callIdx") (param $i i32) (result i32) (call_indirect (type $v_i) (local.get $i)))
  (func $dbl (export "dbl") (param i32) (result i32) (call_indirect (type $i_i) (local.get 0) (i32.const 5)))
  (func $sum (export "sum") (result i32) (i32.add (call $one) (i32.add (call $two) (call $three))))
  (func $pair (export "pair") (param i32) (result i32 i32) (call $double (local.get 0)) (call $four))
  (export "one" (func $one))
  (export "one_again" (func $one))
  (export "log" (func $log))
)`;

interface Observed {
  values: unknown[];
  logs: number[];
  identity: boolean[];
}

/** Runs everything RICH can do and records results, logged values and function identities. */
async function observe(bin: Uint8Array, extra: Record<string, () => void> = {}): Promise<Observed> {
  assert.ok(WebAssembly.validate(bin), 'module validates on V8');
  const logs: number[] = [];
  const mem = new WebAssembly.Memory({ initial: 1 });
  const { instance } = await WebAssembly.instantiate(bin, { env: { log: (x: number) => void logs.push(x), mem, ...extra } });
  const e = instance.exports as Record<string, any>;
  const values: unknown[] = [e.g.value, new Uint32Array(mem.buffer)[0], e.sum()];
  for (let i = 0; i < 3; i++) values.push(e.callIdx(i));
  assert.throws(() => e.callIdx(3), /null|uninitialized|RuntimeError/i);
  e.setup();
  for (const i of [4, 6, 8]) values.push(e.callIdx(i));
  values.push(e.dbl(21), e.pair(5));
  const t = e.table as WasmTable;
  const identity = [
    e.one === e.one_again,
    t.get(0) === e.one,
    t.get(6) === e.one,
    t.get(1) === e.one,
    typeof e.log === 'function',
  ];
  return { values, logs, identity };
}

test('addFunctionImport: the shifted module behaves as the original on V8', async () => {
  const bin = await wat(RICH);
  const before = await observe(bin);
  assert.deepEqual(before.values, [42, 0x1234, 6, 1, 2, 3, 4, 1, 3, 42, [10, 4]]);
  assert.deepEqual(before.logs, [21, 5]);

  const m = decodeOrThrow(bin);
  const snapshot = structuredClone(m);
  const { module: out, index } = addFunctionImport(m, 'env', 'extra', 2);
  assert.equal(index, 1);
  assert.deepEqual(m, snapshot, 'the input module is not modified');
  const after = await observe(encode(out), { extra: () => {} });
  assert.deepEqual(after, before);

  // Structure: the import sits after the last function import; every function reference moved.
  assert.deepEqual(out.imports.map((i) => i.name), ['log', 'extra', 'mem']);
  assert.equal(out.start, m.start! + 1);
  for (let i = 0; i < m.exports.length; i++) {
    const e = m.exports[i];
    const expected = e.kind === 'func' && e.index >= 1 ? e.index + 1 : e.index;
    assert.equal(out.exports[i].index, expected, e.name);
  }
  const funcsOf = (mod: Module) =>
    mod.elements.map((s) => (s.init.kind === 'funcs' ? s.init.funcs : s.init.exprs.map((x) => (x[0].op === 'ref.func' ? x[0].index : -1))));
  assert.deepEqual(funcsOf(out), funcsOf(m).map((l) => l.map((f) => (f >= 1 ? f + 1 : f))));
  assert.deepEqual(out.elements.map((s) => [s.mode, s.init.kind]), m.elements.map((s) => [s.mode, s.init.kind]));
  for (let i = 0; i < m.codes.length; i++) {
    assert.deepEqual(callees(out.codes[i].code), callees(m.codes[i].code).map((f) => (f >= 1 ? f + 1 : f)));
  }

  // Names follow their functions; decode the name section back from the binary.
  const names = getNames(decodeOrThrow(encode(out)))!;
  const fn = functionNames(names);
  assert.equal(fn.get(0), 'log');
  assert.equal(fn.has(1), false);
  assert.equal(fn.get(2), 'one');
  assert.equal(fn.get(6), 'double');
  assert.equal(fn.get(12), 'pair');
  assert.deepEqual([...localNames(names).get(6)!], [[0, 'x'], [1, 'unused']]);
});

test('remapFunctions with a permutation: reordered bodies behave the same', async () => {
  const bin = await wat(RICH);
  const before = await observe(bin);
  const m = decodeOrThrow(bin);
  const nImp = 1;
  const n = m.functions.length;
  const map = (i: number) => (i < nImp ? i : nImp + (n - 1 - (i - nImp)));
  const remapped = remapFunctions(m, map);
  // Reverse the defined functions so that index map(i) holds old function i.
  const permuted: Module = { ...remapped, functions: remapped.functions.slice().reverse(), codes: remapped.codes.slice().reverse() };
  const after = await observe(encode(permuted));
  assert.deepEqual(after, before);
  const fn = functionNames(getNames(permuted)!);
  assert.equal(fn.get(0), 'log');
  assert.equal(fn.get(map(1)), 'one');
  assert.equal(fn.get(1), 'pair');
  const entries = [...fn.keys()];
  assert.deepEqual(entries, entries.slice().sort((a, b) => a - b), 'name map stays sorted');
});

test('a call whose index LEB grows from one byte to two', async () => {
  // 128 defined functions (0..127); function 0 calls 127, whose index needs two LEB bytes once shifted.
  let src = '(module (func $f0 (export "f0") (result i32) (i32.add (call $f127) (i32.const 1)))\n';
  for (let i = 1; i < 127; i++) src += `(func $f${i} (result i32) i32.const ${i})\n`;
  src += '(func $f127 (result i32) i32.const 1000))';
  const bin = await wat(src);
  const m = decodeOrThrow(bin);
  const { module: out, index } = addFunctionImport({ ...m, types: [...m.types, { params: [], results: [] }] }, 'env', 'x', m.types.length);
  assert.equal(index, 0);
  assert.equal(out.codes[0].code.length, m.codes[0].code.length + 1);
  assert.deepEqual(callees(out.codes[0].code), [128]);
  assert.equal(out.codes[0].codeOffset, -1, 'a rewritten body has no position in the original file');
  assert.equal(out.codes[5], m.codes[5], 'a body without calls is shared, not copied');
  const { instance } = await WebAssembly.instantiate(encode(out), { env: { x: () => {} } });
  assert.equal((instance.exports.f0 as () => number)(), 1001);
});

test('ref.func in global initializers and element expressions is rewritten', () => {
  const m = emptyModule();
  m.types.push({ params: [], results: [] });
  m.functions.push(0, 0);
  m.codes.push({ locals: [], code: Uint8Array.of(0x10, 1, 0x0b), codeOffset: -1 }, { locals: [], code: Uint8Array.of(0x0b), codeOffset: -1 });
  m.globals.push({ type: { valType: 0x70, mutable: false }, init: [{ op: 'ref.func', index: 1 }] });
  m.globals.push({ type: { valType: 0x7f, mutable: false }, init: [{ op: 'i32.const', value: 7 }] });
  m.elements.push({ mode: 'declarative', table: 0, elemType: 0x70, init: { kind: 'exprs', exprs: [[{ op: 'ref.func', index: 0 }], [{ op: 'ref.null', type: 0x70 }]] }, explicitTable: false });
  m.start = 1;
  const out = remapFunctions(m, (i) => i + 10);
  assert.deepEqual(out.globals[0].init, [{ op: 'ref.func', index: 11 }]);
  assert.equal(out.globals[1].init, m.globals[1].init);
  assert.deepEqual(out.elements[0].init, { kind: 'exprs', exprs: [[{ op: 'ref.func', index: 10 }], [{ op: 'ref.null', type: 0x70 }]] });
  assert.equal(out.start, 11);
  assert.deepEqual(callees(out.codes[0].code), [11]);
  const noStart = emptyModule();
  assert.equal('start' in remapFunctions(noStart, (i) => i), false);
});

test('a malformed name section is dropped by a remap; other custom sections stay', async () => {
  const m = decodeOrThrow(await wat('(module (func $a) (func $b (call $a)))'));
  m.customs = [
    { name: 'name', data: Uint8Array.of(1, 50, 0), after: 10 },
    { name: 'producers', data: Uint8Array.of(0), after: 10 },
  ];
  const { module: out } = addFunctionImport(m, 'env', 'f', 0);
  assert.deepEqual(out.customs.map((c) => c.name), ['producers']);
  assert.ok(WebAssembly.validate(encode(out)));
});

test('addFunctionImport into a module without imports, and bad type indices', async () => {
  const m = decodeOrThrow(await wat('(module (import "a" "m" (memory 1)) (func $a (export "a") (result i32) i32.const 5) (start $s) (func $s))'));
  const { module: out, index } = addFunctionImport(m, 'env', 'f', 0);
  assert.equal(index, 0);
  assert.deepEqual(out.imports.map((i) => i.desc.kind), ['func', 'memory']);
  assert.equal(out.start, 2);
  assert.deepEqual(out.exports.map((e) => e.index), [1]);
  const mem = new WebAssembly.Memory({ initial: 1 });
  const { instance } = await WebAssembly.instantiate(encode(out), { env: { f: () => 0 }, a: { m: mem } });
  assert.equal((instance.exports.a as () => number)(), 5);
  assert.throws(() => addFunctionImport(m, 'env', 'f', 99), RangeError);
  assert.throws(() => addFunctionImport(m, 'env', 'f', -1), RangeError);
});
