// The translator's peepholes (compile.ts) on the shapes that could break them, each compared with V8:
// address adds fused into loads/stores (wrap-around included, and a store whose value is computed
// after its address, by a register the add reads), loop back edges copying an `if` or gas header,
// merged moves that swap locals, the zero register, and the NaN helper run as an intrinsic on a
// value that did not come from arithmetic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { instrument, canonicalizeNaNs, encode, decodeOrThrow } from '@cloak/wasm';
import { wat } from '@cloak/wasm/test/support/wat.js';
import { v8wasm } from '@cloak/wasm/test/support/v8.js';
import { compile, instantiate, disassemble, instructionSize, IR_NAMES, Ir } from '@cloak/interpreter';

/** Names of the IR ops the translation of `bytes` contains, with their counts. */
function irOps(bytes: Uint8Array): Map<string, number> {
  const c = compile(bytes);
  const seen = new Map<string, number>();
  for (let pc = 0; pc < c.code.length; pc += instructionSize(c.code, pc)) {
    const name = IR_NAMES[c.code[pc]];
    seen.set(name, (seen.get(name) ?? 0) + 1);
  }
  return seen;
}

type Call = [name: string, args: (number | bigint)[]];

/** Runs the calls on both engines; returns [v8, interpreter] outcomes as strings (results or trap). */
function both(bytes: Uint8Array, calls: Call[], gas?: bigint): [string[], string[]] {
  const v = new v8wasm.Instance(new v8wasm.Module(bytes), {});
  const ex = v.exports as Record<string, any>;
  const i = instantiate(compile(bytes));
  const a: string[] = [];
  const b: string[] = [];
  for (const [name, args] of calls) {
    if (gas !== undefined) {
      ex.cloak_gas_left.value = gas;
      i.setGlobal('cloak_gas_left', gas);
    }
    try {
      a.push(String(ex[name](...args)));
    } catch (err) {
      a.push(`trap ${(err as Error).message.includes('out of bounds') ? 'out_of_bounds_memory' : (err as Error).message}`);
    }
    const r = i.invoke(name, args);
    b.push(r.ok ? String(r.results[0]) : `trap ${r.trap.code}`);
    if (gas !== undefined) {
      a.push(`gas ${ex.cloak_gas_left.value}`);
      b.push(`gas ${i.getGlobal('cloak_gas_left')}`);
    }
  }
  const mv = new Uint8Array(ex.memory.buffer);
  const mi = new Uint8Array(i.memory!.buffer);
  assert.deepEqual(mi, mv, 'memory after the calls');
  return [a, b];
}

test('fused address adds: wrap-around, offsets, both add forms, loads and stores', () => {
  const bytes = wat(`(module (memory (export "memory") 1)
    (func (export "ld_ai") (param i32) (result i32) (i32.load offset=4 (i32.add (local.get 0) (i32.const 16))))
    (func (export "ld_rr") (param i32 i32) (result i32) (i32.load8_u offset=1 (i32.add (local.get 0) (local.get 1))))
    (func (export "ld64") (param i32) (result i64) (i64.load offset=3 (i32.add (local.get 0) (i32.const 5))))
    (func (export "st_ai") (param i32 i32) (i32.store offset=2 (i32.add (local.get 0) (i32.const 8)) (local.get 1)))
    (func (export "st_after") (param i32 i32) (result i32)
      ;; the address add, then the value computed from a load: the store fuses across it
      (i32.store (i32.add (local.get 0) (i32.const 12)) (i32.load (local.get 1)))
      (i32.load (i32.add (local.get 0) (i32.const 12))))
    (func (export "st_clobber") (param i32 i32) (result i32)
      ;; add of two registers whose second operand is the slot the value is then computed into
      (i32.store (i32.add (local.get 0) (i32.load (local.get 1))) (i32.add (local.get 1) (i32.const 7)))
      (i32.load (i32.add (local.get 0) (i32.load (local.get 1)))))
    (func (export "st64_rr") (param i32 i32 i64) (i64.store offset=1 (i32.add (local.get 0) (local.get 1)) (local.get 2)))
    (data (i32.const 0) "\\01\\02\\03\\04\\05\\06\\07\\08\\09\\0a\\0b\\0c\\0d\\0e\\0f\\10\\11\\12\\13\\14\\15\\16\\17\\18\\19\\1a"))`);
  const ops = irOps(bytes);
  for (const op of ['load32_ai', 'load8_u_rr', 'load64_ai', 'store32_ai', 'store64_rr']) assert.ok(ops.has(op), `${op} is used`);
  assert.equal(ops.get('store32_rr'), undefined, 'st_clobber must not fuse across the value');
  const [v8, ours] = both(bytes, [
    ['ld_ai', [0]], ['ld_ai', [-16]], ['ld_ai', [-20]], ['ld_ai', [-24]], ['ld_ai', [65516]], ['ld_ai', [65517]],
    ['ld_rr', [3, 4]], ['ld_rr', [-1, 2]], ['ld_rr', [65534, 1]], ['ld_rr', [-1, -1]],
    ['ld64', [1]], ['ld64', [-8]], ['ld64', [65520]],
    ['st_ai', [100, 7]], ['st_ai', [-10, 9]], ['st_ai', [65526, 1]], ['st_ai', [65525, 1]],
    ['st_after', [200, 4]], ['st_after', [65524, 0]], ['st_after', [65523, 0]],
    ['st_clobber', [300, 8]], ['st_clobber', [65000, 0]],
    ['st64_rr', [400, 8, 0x1122334455667788n]], ['st64_rr', [-1, 1, 5n]], ['st64_rr', [65527, 0, 1n]], ['st64_rr', [65526, 0, 1n]],
  ]);
  assert.deepEqual(ours, v8);
});

test('loop back edges copy the header test, also an if header and a gas header', () => {
  const src = `(module (memory (export "memory") 1)
    (func (export "count") (param i32) (result i32) (local i32)
      (block (loop (br_if 1 (i32.ge_s (local.get 1) (local.get 0)))
        (local.set 1 (i32.add (local.get 1) (i32.const 1))) (br 0))) (local.get 1))
    (func (export "ifhead") (param i32) (result i32) (local i32 i32)
      (loop
        (if (i32.lt_u (local.get 1) (local.get 0))
          (then (local.set 2 (i32.add (local.get 2) (local.get 1))) (local.set 1 (i32.add (local.get 1) (i32.const 1))) (br 1))
          (else (local.set 2 (i32.xor (local.get 2) (i32.const 0x55))))))
      (local.get 2))
    (func (export "nested") (param i32) (result i32) (local i32 i32 i32)
      (block (loop (br_if 1 (i32.eqz (local.get 0)))
        (local.set 2 (i32.const 0))
        (block (loop (br_if 1 (i32.eq (local.get 2) (i32.const 3)))
          (local.set 3 (i32.add (local.get 3) (i32.mul (local.get 0) (local.get 2))))
          (local.set 2 (i32.add (local.get 2) (i32.const 1))) (br 0)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br 0)))
      (local.get 3)))`;
  const plain = wat(src);
  // Every loop's back edge is a copied, inverted test: no `br` goes back to a header.
  const c = compile(plain);
  for (let pc = 0; pc < c.code.length; pc += instructionSize(c.code, pc)) {
    if (c.code[pc] === Ir.br) assert.ok(c.code[pc + 1] > pc, `backward br at ${pc}:\n${disassemble(c, 0).join('\n')}`);
  }
  assert.match(disassemble(c, 0).join('\n'), /br_lt_s\s/, 'count: the header test is copied inverted to the back edge');
  const calls: Call[] = [['count', [0]], ['count', [10]], ['count', [-5]], ['ifhead', [0]], ['ifhead', [17]], ['nested', [9]]];
  const [v8, ours] = both(plain, calls);
  assert.deepEqual(ours, v8);
  const r = instrument(plain);
  assert.ok(r.ok);
  for (const gas of [1_000_000n, 50n, 333n]) {
    const [g8, gi] = both(r.value.bytes, calls, gas);
    assert.deepEqual(gi.map((x) => x.replace('trap out_of_gas', 'trap unreachable')), g8.map((x) => x.replace('trap unreachable executed', 'trap unreachable')));
  }
});

test('merged moves keep their order (rotations and swaps of locals)', () => {
  const bytes = wat(`(module (memory (export "memory") 1)
    (func (export "rot") (param i32 i32 i32 i32) (result i32) (local i32)
      (local.set 4 (i32.const 0))
      (block (loop (br_if 1 (i32.ge_u (local.get 4) (i32.const 7)))
        (local.get 3) (local.set 3 (local.get 2)) (local.set 2 (local.get 1)) (local.set 1 (local.get 0)) (local.set 0)
        (local.set 4 (i32.add (local.get 4) (i32.const 1))) (br 0)))
      (i32.add (i32.mul (local.get 0) (i32.const 1000)) (i32.add (i32.mul (local.get 1) (i32.const 100)) (i32.add (i32.mul (local.get 2) (i32.const 10)) (local.get 3)))))
    (func (export "swap") (param i32 i32) (result i32 i32) (local.get 1) (local.get 0)))`);
  const v = new v8wasm.Instance(new v8wasm.Module(bytes), {});
  const i = instantiate(compile(bytes));
  const f = v.exports as Record<string, (...a: number[]) => unknown>;
  const g = i.exports as Record<string, (...a: number[]) => unknown>;
  assert.ok((irOps(bytes).get('mov2') ?? 0) > 0, 'moves were merged');
  assert.equal(g.rot(1, 2, 3, 4), f.rot(1, 2, 3, 4));
  assert.deepEqual(g.swap(5, 6), f.swap(5, 6));
});

test('the NaN helper as an intrinsic keeps non-NaN bits and canonicalises a NaN loaded from memory', () => {
  const src = `(module (memory (export "memory") 1)
    (func (export "via_mem") (param i32) (result i32) (i32.reinterpret_f32 (f32.add (f32.load (local.get 0)) (f32.const 0))))
    (func (export "abs64") (param i64) (result i64) (i64.reinterpret_f64 (f64.add (f64.abs (f64.reinterpret_i64 (local.get 0))) (f64.const 0))))
    (data (i32.const 0) "\\00\\00\\a0\\7f" "\\00\\00\\a0\\ff" "\\00\\00\\80\\3f"))`;
  const m = canonicalizeNaNs(decodeOrThrow(wat(src)));
  const bytes = encode(m);
  const i = instantiate(compile(bytes));
  assert.ok(i.compiled.nanHelpers[0] >= 0 && i.compiled.nanHelpers[1] >= 0, 'both helpers recognised');
  assert.equal(i.invokeRaw('via_mem', [0]).ok && (i.invokeRaw('via_mem', [0]) as { results: number[] }).results[0], 0x7fc00000);
  assert.equal((i.invokeRaw('via_mem', [4]) as { results: number[] }).results[0], 0x7fc00000);
  assert.equal((i.invokeRaw('via_mem', [8]) as { results: number[] }).results[0], 0x3f800000);
  assert.equal((i.invokeRaw('abs64', [0xfff4000000000000n]) as { results: bigint[] }).results[0], 0x7ff8000000000000n);
  assert.equal((i.invokeRaw('abs64', [-0x4010000000000000n]) as { results: bigint[] }).results[0], 0x3ff0000000000000n);
});
