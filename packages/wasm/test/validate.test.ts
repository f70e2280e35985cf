/**
 * validate / decodeAndValidate: every rule of validate.ts accepted and rejected, the polymorphic
 * stack, multi-value, exact error offsets, maxStackHeights, and no throw on bad input. Every module
 * is also given to V8 (`WebAssembly.validate`) and the verdicts must agree, except for modules that
 * use a feature outside our set (`unsupported`) or hit one of our implementation limits, where the
 * case says so. Modules are written in WAT (wabt) or, where wat2wasm will not produce them, in bytes.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  decode,
  decodeAndValidate,
  validate,
  emptyModule,
  type Module,
  type WasmError,
  type WasmErrorKind,
} from '../src/index.js';
import { MAX_FUNCTION_LOCALS } from '../src/limits.js';
import { wat } from './support/wat.js';
import { v8wasm as V8 } from './support/v8.js';



// ---------------------------------------------------------------------------------------------
// Hand-written binaries.

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}
const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
const str = (s: string): number[] => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];

const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c;

interface Parts {
  types?: [number[], number[]][];
  imports?: number[][];
  funcs?: number[];
  tables?: number[][];
  memories?: number[][];
  globals?: number[][];
  exports?: number[][];
  start?: number;
  elems?: number[][];
  dataCount?: number;
  /** Bodies: locals as [count, type] pairs and the code (its final `end` included). */
  codes?: { locals?: [number, number][]; code: number[] }[];
  datas?: number[][];
}

function bin(p: Parts): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  if (p.types) out.push(...section(1, vec(p.types.map(([ps, rs]) => [0x60, ...vec(ps.map((t) => [t])), ...vec(rs.map((t) => [t]))]))));
  if (p.imports) out.push(...section(2, vec(p.imports)));
  if (p.funcs) out.push(...section(3, vec(p.funcs.map((t) => leb(t)))));
  if (p.tables) out.push(...section(4, vec(p.tables)));
  if (p.memories) out.push(...section(5, vec(p.memories)));
  if (p.globals) out.push(...section(6, vec(p.globals)));
  if (p.exports) out.push(...section(7, vec(p.exports)));
  if (p.start !== undefined) out.push(...section(8, leb(p.start)));
  if (p.elems) out.push(...section(9, vec(p.elems)));
  if (p.dataCount !== undefined) out.push(...section(12, leb(p.dataCount)));
  if (p.codes) {
    out.push(...section(10, vec(p.codes.map((c) => {
      const body = [...vec((c.locals ?? []).map(([n, t]) => [...leb(n), t])), ...c.code];
      return [...leb(body.length), ...body];
    }))));
  }
  if (p.datas) out.push(...section(11, vec(p.datas)));
  return new Uint8Array(out);
}

/** A module with one function of type `[params] → [results]` and the given code (end appended). */
function fn(code: number[], params: number[] = [], results: number[] = [], extra: Parts = {}): Uint8Array {
  return bin({ types: [[params, results]], funcs: [0], ...extra, codes: [{ code: [...code, 0x0b] }] });
}

// ---------------------------------------------------------------------------------------------
// Verdicts.

interface Expect {
  /** Our expected error kind; absent: the module must be valid. */
  kind?: WasmErrorKind;
  /** Pattern the error message must match. */
  msg?: RegExp;
  /** Exact absolute byte offset of the error. */
  offset?: number;
  /** Skip the comparison with V8 (features outside our set, our implementation limits). */
  noV8?: string;
}

function run(bytes: Uint8Array, e: Expect = {}): WasmError | undefined {
  const r = decodeAndValidate(bytes);
  const v8 = V8.validate(bytes);
  if (e.kind === undefined) {
    assert.ok(r.ok, `expected valid, got ${r.ok ? '' : `${r.error.kind}: ${r.error.message}`}`);
  } else {
    assert.ok(!r.ok, `expected ${e.kind} error${e.msg ? ` ${e.msg}` : ''}, but the module validated`);
    assert.equal(r.error.kind, e.kind, `kind of: ${r.error.message}`);
    if (e.msg) assert.match(r.error.message, e.msg);
    if (e.offset !== undefined) assert.equal(r.error.offset, e.offset, `offset of: ${r.error.message}`);
  }
  if (!e.noV8) assert.equal(r.ok, v8, `V8 says ${v8 ? 'valid' : 'invalid'}, we say ${r.ok ? 'valid' : r.error.message}`);
  return r.ok ? undefined : r.error;
}
const ok = (bytes: Uint8Array): void => void run(bytes);
const bad = (bytes: Uint8Array, kind: WasmErrorKind, msg?: RegExp, extra: Omit<Expect, 'kind' | 'msg'> = {}) =>
  run(bytes, { kind, msg, ...extra });

/** Absolute offset of byte `at` of function `i`'s code (for exact offset assertions). */
function codeAt(bytes: Uint8Array, i: number, at: number): number {
  const d = decode(bytes);
  assert.ok(d.ok);
  return d.value.codes[i].codeOffset + at;
}

function heights(bytes: Uint8Array): number[] {
  const r = decodeAndValidate(bytes);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.ok(V8.validate(bytes));
  return Array.from(r.value.info.maxStackHeights);
}

// ---------------------------------------------------------------------------------------------

describe('accepted modules', () => {
  test('the empty module', () => void ok(bin({})));

  test('a table maximum may be any u32 (only the minimum is bounded), as V8 agrees', () => {
    ok(wat('(module (table 0 0xffffffff funcref))'));
    ok(wat('(module (table 10 10000001 funcref))'));
  });

  test('every numeric instruction with its operand types', () => {
    const lines: string[] = [];
    const un = (t: string, ops: string[]) => ops.forEach((o) => lines.push(`(drop (${o} (${t}.const 0)))`));
    const bi = (t: string, ops: string[]) => ops.forEach((o) => lines.push(`(drop (${o} (${t}.const 0) (${t}.const 0)))`));
    un('i32', ['i32.eqz', 'i32.clz', 'i32.ctz', 'i32.popcnt', 'i32.extend8_s', 'i32.extend16_s', 'i64.extend_i32_s',
      'i64.extend_i32_u', 'f32.convert_i32_s', 'f32.convert_i32_u', 'f64.convert_i32_s', 'f64.convert_i32_u', 'f32.reinterpret_i32']);
    un('i64', ['i64.eqz', 'i64.clz', 'i64.ctz', 'i64.popcnt', 'i64.extend8_s', 'i64.extend16_s', 'i64.extend32_s', 'i32.wrap_i64',
      'f32.convert_i64_s', 'f32.convert_i64_u', 'f64.convert_i64_s', 'f64.convert_i64_u', 'f64.reinterpret_i64']);
    un('f32', ['f32.abs', 'f32.neg', 'f32.ceil', 'f32.floor', 'f32.trunc', 'f32.nearest', 'f32.sqrt', 'i32.trunc_f32_s',
      'i32.trunc_f32_u', 'i64.trunc_f32_s', 'i64.trunc_f32_u', 'f64.promote_f32', 'i32.reinterpret_f32', 'i32.trunc_sat_f32_s',
      'i32.trunc_sat_f32_u', 'i64.trunc_sat_f32_s', 'i64.trunc_sat_f32_u']);
    un('f64', ['f64.abs', 'f64.neg', 'f64.ceil', 'f64.floor', 'f64.trunc', 'f64.nearest', 'f64.sqrt', 'i32.trunc_f64_s',
      'i32.trunc_f64_u', 'i64.trunc_f64_s', 'i64.trunc_f64_u', 'f32.demote_f64', 'i64.reinterpret_f64', 'i32.trunc_sat_f64_s',
      'i32.trunc_sat_f64_u', 'i64.trunc_sat_f64_s', 'i64.trunc_sat_f64_u']);
    bi('i32', ['i32.eq', 'i32.ne', 'i32.lt_s', 'i32.lt_u', 'i32.gt_s', 'i32.gt_u', 'i32.le_s', 'i32.le_u', 'i32.ge_s', 'i32.ge_u',
      'i32.add', 'i32.sub', 'i32.mul', 'i32.div_s', 'i32.div_u', 'i32.rem_s', 'i32.rem_u', 'i32.and', 'i32.or', 'i32.xor',
      'i32.shl', 'i32.shr_s', 'i32.shr_u', 'i32.rotl', 'i32.rotr']);
    bi('i64', ['i64.eq', 'i64.ne', 'i64.lt_s', 'i64.lt_u', 'i64.gt_s', 'i64.gt_u', 'i64.le_s', 'i64.le_u', 'i64.ge_s', 'i64.ge_u',
      'i64.add', 'i64.sub', 'i64.mul', 'i64.div_s', 'i64.div_u', 'i64.rem_s', 'i64.rem_u', 'i64.and', 'i64.or', 'i64.xor',
      'i64.shl', 'i64.shr_s', 'i64.shr_u', 'i64.rotl', 'i64.rotr']);
    bi('f32', ['f32.eq', 'f32.ne', 'f32.lt', 'f32.gt', 'f32.le', 'f32.ge', 'f32.add', 'f32.sub', 'f32.mul', 'f32.div', 'f32.min',
      'f32.max', 'f32.copysign']);
    bi('f64', ['f64.eq', 'f64.ne', 'f64.lt', 'f64.gt', 'f64.le', 'f64.ge', 'f64.add', 'f64.sub', 'f64.mul', 'f64.div', 'f64.min',
      'f64.max', 'f64.copysign']);
    ok(wat(`(module (func ${lines.join('\n')}))`));
  });

  test('memory instructions with natural and smaller alignment', () => {
    ok(wat(`(module (memory 1)
      (func (param i32)
        (drop (i32.load (local.get 0))) (drop (i64.load align=8 (local.get 0))) (drop (f32.load align=1 (local.get 0)))
        (drop (f64.load offset=8 (local.get 0))) (drop (i32.load8_s (local.get 0))) (drop (i32.load8_u (local.get 0)))
        (drop (i32.load16_s align=2 (local.get 0))) (drop (i32.load16_u (local.get 0))) (drop (i64.load8_s (local.get 0)))
        (drop (i64.load8_u (local.get 0))) (drop (i64.load16_s (local.get 0))) (drop (i64.load16_u (local.get 0)))
        (drop (i64.load32_s align=4 (local.get 0))) (drop (i64.load32_u (local.get 0)))
        (i32.store (local.get 0) (i32.const 0)) (i64.store (local.get 0) (i64.const 0)) (f32.store (local.get 0) (f32.const 0))
        (f64.store (local.get 0) (f64.const 0)) (i32.store8 (local.get 0) (i32.const 0)) (i32.store16 (local.get 0) (i32.const 0))
        (i64.store8 (local.get 0) (i64.const 0)) (i64.store16 (local.get 0) (i64.const 0)) (i64.store32 (local.get 0) (i64.const 0))
        (drop (memory.size)) (drop (memory.grow (i32.const 1)))
        (memory.copy (i32.const 0) (i32.const 0) (i32.const 0)) (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))))`));
  });

  test('an imported memory and table count as the memory and the table', () => {
    ok(wat(`(module (import "e" "m" (memory 1)) (import "e" "t" (table 1 funcref)) (type $t (func))
      (func (drop (i32.load (i32.const 0))) (call_indirect (type $t) (i32.const 0))))`));
  });

  test('bulk memory and table instructions with a data count section', () => {
    ok(wat(`(module (memory 1) (table 2 funcref) (func $f)
      (data $d "abc") (elem $e func $f)
      (func (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1)) (data.drop $d)
        (table.init $e (i32.const 0) (i32.const 0) (i32.const 1)) (elem.drop $e)
        (table.copy (i32.const 0) (i32.const 1) (i32.const 1))))`));
  });

  test('locals, globals (imported mutable ones too), calls, call_indirect, select, return', () => {
    ok(wat(`(module
      (import "e" "g" (global $gm (mut i64))) (import "e" "f" (func $imp (param i32) (result f64)))
      (global $g (mut i32) (i32.const 0)) (global $c f32 (f32.const 1))
      (table 1 funcref) (type $t (func (param i32) (result f64)))
      (func $f (param i32 i64) (result f64) (local f32 f64)
        (local.set 2 (global.get $c)) (global.set $g (local.tee 0 (local.get 0))) (global.set $gm (local.get 1))
        (drop (select (local.get 2) (f32.const 1) (local.get 0)))
        (drop (call $imp (i32.const 1)))
        (drop (call_indirect (type $t) (i32.const 1) (i32.const 0)))
        (return (local.get 3))))`));
  });

  test('exports of every kind, including a mutable global', () => {
    ok(wat(`(module (func $f) (table $t 1 funcref) (memory $m 1) (global $g (mut i32) (i32.const 0))
      (export "f" (func $f)) (export "t" (table $t)) (export "m" (memory $m)) (export "g" (global $g)))`));
  });

  test('a start function of type [] → []', () => void ok(wat(`(module (func $s) (start $s))`)));

  test('global initializers may read imported immutable globals', () => {
    ok(wat(`(module (import "e" "g" (global $i i32)) (global i32 (global.get $i))
      (memory 1) (data (global.get $i) "x") (table 1 funcref) (elem (global.get $i) func))`));
  });

  test('element segments: active, passive, declarative, function lists and expressions', () => {
    ok(wat(`(module (table 4 funcref) (func $a) (func $b)
      (elem (i32.const 0) func $a $b)
      (elem (i32.const 2) funcref (ref.func $a) (ref.null func))
      (elem func $b) (elem funcref (ref.null func)) (elem declare func $a))`));
  });

  test('active and passive data segments', () => {
    ok(wat(`(module (memory 1) (data (i32.const 0) "a") (data "passive") (data (i32.const 16) ""))`));
  });

  test('the same module with explicit memory and table index forms (flag 2)', () => {
    // data flag 2 with memory 0, elem flag 2 with table 0 and elemkind 0x00.
    ok(bin({
      types: [[[], []]], funcs: [0], tables: [[0x70, 0x00, 0x01]], memories: [[0x00, 0x01]],
      elems: [[0x02, 0x00, 0x41, 0x00, 0x0b, 0x00, ...vec([[0x00]])]],
      codes: [{ code: [0x0b] }],
      datas: [[0x02, 0x00, 0x41, 0x00, 0x0b, ...vec([[0x61]])]],
    }));
  });

  test('limits: min = max, memory of 65536 pages', () => {
    ok(wat(`(module (memory 65536 65536) (table 3 3 funcref))`));
  });
});

describe('polymorphic stack', () => {
  test('`unreachable` then i32.add with an empty stack is valid', () => void ok(wat(`(module (func unreachable i32.add drop))`)));
  test('values pushed after unreachable are typed: i64 does not match the i32 result', () => {
    bad(wat(`(module (func (result i32) unreachable i64.const 0))`), 'invalid', /expected i32, found i64/);
  });
  test('unknown values satisfy any result', () => void ok(wat(`(module (func (result i32 f64) unreachable))`)));
  test('unreachable then drop drop select', () => void ok(wat(`(module (func unreachable drop drop select drop))`)));
  test('after br the operator types still matter: i64.add result against an i32 block', () => {
    bad(wat(`(module (func (result i32) (block (result i32) i32.const 1 br 0 i64.add)))`), 'invalid', /expected i32, found i64/);
  });
  test('after br unknowns feed i32.add', () => void ok(wat(`(module (func (result i32) (block (result i32) i32.const 1 br 0 i32.add)))`)));
  test('after return', () => void ok(wat(`(module (func (result i32) i32.const 1 return i32.eqz))`)));
  test('after br_table', () => void ok(wat(`(module (func (block i32.const 0 br_table 0 0 i32.add drop)))`)));
  test('values below the block are not reachable even when it is unreachable', () => {
    bad(wat(`(module (func (result i32) i32.const 0 (block (result i32) unreachable drop drop i64.const 0)))`), 'invalid', /found i64/);
  });
  test('an unreachable block still needs its declared results type-correct', () => {
    bad(wat(`(module (func (block (result i32) unreachable f32.const 0)))`), 'invalid', /expected i32, found f32/);
  });
  test('select in unreachable code takes the known operand type', () => {
    bad(wat(`(module (func (result i32) unreachable i64.const 0 i32.const 1 select))`), 'invalid', /expected i32, found i64/);
    ok(wat(`(module (func (result i64) unreachable i64.const 0 i32.const 1 select))`));
  });
  test('br_if after unreachable yields its label types (i32), not unknown', () => {
    bad(wat(`(module (func (block (result i32) unreachable br_if 0 i64.const 0 i64.add drop i32.const 0) drop))`), 'invalid', /i64\.add: expected i64, found i32/);
  });
  test('too many values at the end of an unreachable block', () => {
    bad(wat(`(module (func unreachable i32.const 0))`), 'invalid', /1 value more/);
  });
});

describe('control instructions', () => {
  test('block, loop and if with results', () => {
    ok(wat(`(module (func (param i32) (result i32)
      (block (result i32) (loop (result i32) (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2)))))))`));
  });
  test('br and br_if to a loop carry no values', () => {
    ok(wat(`(module (func (loop $l (br_if $l (i32.const 0)) (br $l))))`));
  });
  test('if without else requires params = results', () => {
    bad(wat(`(module (func (param i32) (result i32) local.get 0 if (result i32) i32.const 1 end))`), 'invalid', /if without else/);
    ok(wat(`(module (func (param i32) (result i32) i32.const 5 local.get 0 if (param i32) (result i32) end))`));
  });
  test('else without if', () => {
    bad(fn([0x02, 0x40, 0x05, 0x0b]), 'invalid', /else without a matching if/);
  });
  test('if needs an i32 condition', () => {
    bad(fn([0x42, 0x00, 0x04, 0x40, 0x0b]), 'invalid', /type mismatch in if: expected i32, found i64/);
  });
  test('the branches of an if are checked separately', () => {
    bad(wat(`(module (func (result i32) (if (result i32) (i32.const 0) (then (i32.const 1)) (else (i64.const 1)))))`), 'invalid', /found i64/);
  });
  test('unknown label', () => {
    bad(fn([0x02, 0x40, 0x0c, 0x02, 0x0b]), 'invalid', /unknown label 2/);
    ok(fn([0x02, 0x40, 0x0c, 0x01, 0x0b]));
  });
  test('br to the function label needs the results', () => {
    bad(fn([0x0c, 0x00], [], [I32]), 'invalid', /expected i32 but the stack is empty/);
    ok(fn([0x41, 0x01, 0x0c, 0x00], [], [I32]));
  });
  test('br_table: labels with different arities are invalid', () => {
    bad(wat(`(module (func block (result i32) block i32.const 0 br_table 0 1 end i32.const 0 end drop))`), 'invalid', /br_table: label 0 takes 0 values but the default label 1 takes 1/);
  });
  test('br_table: different arities are invalid even in unreachable code', () => {
    bad(wat(`(module (func block (result i32) block unreachable br_table 0 1 end i32.const 0 end drop))`), 'invalid', /br_table/);
  });
  test('br_table: same arity, different types accepted on a polymorphic stack', () => {
    ok(wat(`(module (func (block (result i32) (block (result f32) unreachable br_table 0 1) drop i32.const 0) drop))`));
  });
  test('br_table: same arity, different types rejected for a known value', () => {
    bad(wat(`(module (func (block (result i32) (block (result f32) f32.const 0 i32.const 0 br_table 0 1) drop i32.const 0) drop))`), 'invalid', /type mismatch in br_table: expected i32, found f32/);
  });
  test('br_table: values checked against every label', () => {
    ok(wat(`(module (func (result i32) (block (result i32) (block (result i32) i32.const 7 i32.const 0 br_table 0 1 2))))`));
  });
  test('return with a wrong type', () => {
    bad(fn([0x42, 0x00, 0x0f], [], [I32]), 'invalid', /return: expected i32, found i64/);
  });
  test('function end: missing and extra values', () => {
    bad(fn([], [], [I32]), 'invalid', /end: expected i32 but the stack is empty/);
    bad(fn([0x41, 0x00]), 'invalid', /function body leaves 1 value more than its 0 results/);
  });
});

describe('multi-value', () => {
  test('blocks with params and several results', () => {
    ok(wat(`(module (func (param i32 i32) (result i32 i32)
      local.get 0 local.get 1
      block (param i32 i32) (result i32) i32.add end
      local.get 0
      loop (param i32 i32) (result i32 i32) end))`));
  });
  test('a loop label takes the params', () => {
    ok(wat(`(module (func (param i32) (result i32)
      local.get 0 loop (param i32) (result i32) local.get 0 br_if 0 end))`));
    bad(wat(`(module (func (param i32) (result i32)
      local.get 0 loop (param i32) (result i32) drop br 0 end))`), 'invalid', /expected i32 but the stack/);
  });
  test('block params are popped from the enclosing stack', () => {
    bad(wat(`(module (type $t (func (param i64) (result i32))) (func (result i32) i32.const 0 block (type $t) drop i32.const 1 end))`), 'invalid', /type mismatch in block: expected i64, found i32/);
  });
  test('if with params and else', () => {
    ok(wat(`(module (func (param i32) (result f64)
      f64.const 1 local.get 0 if (param f64) (result f64) f64.neg else f64.sqrt end))`));
  });
  test('functions returning several values, called', () => {
    ok(wat(`(module (func $two (result i32 i64) i32.const 1 i64.const 2)
      (func (result i64) (local i64) call $two local.set 0 drop local.get 0))`));
  });
  test('a call consumes params in order', () => {
    bad(wat(`(module (func $f (param i32 i64)) (func i64.const 0 i32.const 0 call $f))`), 'invalid', /call: expected i64, found i32/);
  });
  test('unknown type index as a block type', () => {
    bad(fn([0x02, 0x05, 0x0b]), 'invalid', /unknown type 5 in block/);
  });
});

describe('indices and immediates', () => {
  test('unknown local', () => void bad(wat(`(module (func (param i32) (local i64) local.get 2 drop))`), 'invalid', /unknown local 2 in local.get \(the function has 2 locals/));
  test('local types are checked', () => void bad(wat(`(module (func (local f32) i32.const 0 local.set 0))`), 'invalid', /local.set: expected f32, found i32/));
  test('local.tee keeps the value', () => void bad(wat(`(module (func (result i64) (local i32) i32.const 1 local.tee 0))`), 'invalid', /expected i64, found i32/));
  test('unknown global', () => void bad(wat(`(module (global i32 (i32.const 0)) (func global.get 7 drop))`), 'invalid', /unknown global 7 in global.get \(the module has 1 global\)/));
  test('global.set of an immutable global', () => void bad(wat(`(module (global i32 (i32.const 0)) (func i32.const 1 global.set 0))`), 'invalid', /global.set of the immutable global 0/));
  test('global.set of an imported immutable global', () => void bad(wat(`(module (import "e" "g" (global i32)) (func i32.const 1 global.set 0))`), 'invalid', /immutable/));
  test('unknown function', () => void bad(fn([0x10, 0x03]), 'invalid', /unknown function 3 in call/));
  test('unknown type in call_indirect', () => void bad(fn([0x41, 0x00, 0x11, 0x04, 0x00], [], [], { tables: [[0x70, 0x00, 0x01]] }), 'invalid', /unknown type 4 in call_indirect/));
  test('call_indirect needs table 0', () => {
    bad(fn([0x41, 0x00, 0x11, 0x00, 0x00]), 'invalid', /unknown table 0 in call_indirect \(the module has 0 tables\)/);
    bad(fn([0x41, 0x00, 0x11, 0x00, 0x01], [], [], { tables: [[0x70, 0x00, 0x01]] }), 'invalid', /unknown table 1/);
  });
  test('memory instructions need a memory', () => {
    for (const code of [[0x41, 0x00, 0x28, 0x02, 0x00, 0x1a], [0x3f, 0x00, 0x1a], [0x41, 0x00, 0x40, 0x00, 0x1a],
      [0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x0a, 0x00, 0x00], [0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x0b, 0x00]]) {
      bad(fn(code), 'invalid', /unknown memory 0 in .* \(the module has no memory\)/);
    }
  });
  test('alignment larger than natural', () => {
    bad(wat(`(module (memory 1) (func i32.const 0 i32.load align=8 drop))`), 'invalid', /alignment of i32.load must not be larger than natural: 2\^3 > 4 bytes/);
    bad(wat(`(module (memory 1) (func i32.const 0 i64.const 0 i64.store8 align=2))`), 'invalid', /i64.store8/);
    bad(wat(`(module (memory 1) (func i32.const 0 f64.load align=16 drop))`), 'invalid', /f64.load/);
  });
  test('memory.init and data.drop need the data count section (malformed without it)', () => {
    const mem = { memories: [[0x00, 0x01]], datas: [[0x01, ...vec([[0x61]])]] };
    bad(fn([0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x08, 0x00, 0x00], [], [], mem), 'malformed', /memory.init requires a data count section/);
    bad(fn([0xfc, 0x09, 0x00], [], [], mem), 'malformed', /data.drop requires a data count section/);
    ok(fn([0xfc, 0x09, 0x00], [], [], { ...mem, dataCount: 1 }));
  });
  test('unknown data segment', () => {
    bad(fn([0xfc, 0x09, 0x01], [], [], { memories: [[0x00, 0x01]], dataCount: 1, datas: [[0x01, ...vec([])]] }), 'invalid', /unknown data segment 1 in data.drop/);
  });
  test('table.init, elem.drop, table.copy: indices', () => {
    const base = `(table 1 funcref) (func $f) (elem $e func $f)`;
    bad(wat(`(module (func $f) (elem $e func $f) (func (table.init 0 (i32.const 0) (i32.const 0) (i32.const 0))))`), 'invalid', /unknown table 0 in table.init/);
    bad(wat(`(module ${base} (func (table.init 1 (i32.const 0) (i32.const 0) (i32.const 0))))`), 'invalid', /unknown element segment 1 in table.init/);
    bad(wat(`(module ${base} (func (elem.drop 3)))`), 'invalid', /unknown element segment 3 in elem.drop/);
    bad(wat(`(module (func (table.copy (i32.const 0) (i32.const 0) (i32.const 0))))`), 'invalid', /unknown table 0 in table.copy/);
    bad(wat(`(module ${base} (func (table.init $e (i32.const 0) (i32.const 0) (i64.const 0))))`), 'invalid', /table.init: expected i32, found i64/);
  });
  test('locals + params above MAX_FUNCTION_LOCALS', () => {
    bad(bin({ types: [[[I32, I32], []]], funcs: [0], codes: [{ locals: [[MAX_FUNCTION_LOCALS - 1, I32]], code: [0x0b] }] }), 'limit', /MAX_FUNCTION_LOCALS/);
    ok(bin({ types: [[[I32], []]], funcs: [0], codes: [{ locals: [[MAX_FUNCTION_LOCALS - 1, I32]], code: [0x0b] }] }));
  });
});

describe('encoding problems inside bodies', () => {
  test('a body without its final end', () => {
    const b = bin({ types: [[[], []]], funcs: [0], codes: [{ code: [0x02, 0x40, 0x0b] }] });
    bad(b, 'malformed', /missing 'end'/, { offset: codeAt(b, 0, 3) });
  });
  test('bytes after the final end', () => {
    const b = bin({ types: [[[], []]], funcs: [0], codes: [{ code: [0x0b, 0x01, 0x0b] }] });
    bad(b, 'malformed', /2 bytes after the final 'end'/, { offset: codeAt(b, 0, 1) });
  });
  test('an unknown opcode and a truncated immediate', () => {
    bad(fn([0xff]), 'malformed', /unknown instruction 0xff/);
    bad(bin({ types: [[[], []]], funcs: [0], codes: [{ code: [0x41] }] }), 'malformed');
  });
  test('instructions of other proposals are unsupported', () => {
    bad(fn([0xd0, 0x70, 0x1a]), 'unsupported', /reference-types/, { noV8: 'reference types are outside our set' });
    bad(fn([0x41, 0x00, 0x41, 0x00, 0xfc, 0x0f, 0x00, 0x1a], [], [], { tables: [[0x70, 0x00, 0x01]] }), 'unsupported', /reference-types/, { noV8: 'table.grow' });
    bad(fn([0xfd, 0x0c, ...new Array(16).fill(0), 0x1a]), 'unsupported', /simd/, { noV8: 'SIMD' });
  });
});

describe('module-level rules', () => {
  test('unknown type of a function and of an imported function', () => {
    bad(bin({ types: [[[], []]], funcs: [1], codes: [{ code: [0x0b] }] }), 'invalid', /unknown type 1 of function 0/);
    bad(bin({ types: [[[], []]], imports: [[...str('e'), ...str('f'), 0x00, 0x02]] }), 'invalid', /unknown type 2 in import 0/);
  });
  test('at most one table and one memory, imports counted', () => {
    bad(wat(`(module (table 1 funcref) (table 1 funcref))`), 'unsupported', /reference-types.*|2 tables/, { noV8: 'multiple tables are reference types' });
    bad(wat(`(module (import "e" "t" (table 1 funcref)) (table 1 funcref))`), 'unsupported', /2 tables/, { noV8: 'multiple tables are reference types' });
    bad(bin({ memories: [[0x00, 0x01], [0x00, 0x01]] }), 'unsupported', /multi-memory/);
    bad(bin({ imports: [[...str('e'), ...str('m'), 0x02, 0x00, 0x01]], memories: [[0x00, 0x01]] }), 'unsupported', /2 memories/);
  });
  test('limits: min ≤ max', () => {
    bad(bin({ memories: [[0x01, 0x02, 0x01]] }), 'invalid', /memory 0 maximum 1 pages is less than its minimum 2 pages/);
    bad(bin({ tables: [[0x70, 0x01, 0x02, 0x01]] }), 'invalid', /table 0 maximum 1 elements is less than its minimum 2/);
    bad(bin({ imports: [[...str('e'), ...str('m'), 0x02, 0x01, 0x05, 0x04]] }), 'invalid', /less than its minimum/);
  });
  test('memory above 65536 pages', () => {
    bad(bin({ memories: [[0x00, ...leb(65537)]] }), 'limit', /MAX_MEMORY_PAGES/);
    bad(bin({ memories: [[0x01, 0x00, ...leb(65537)]] }), 'limit', /MAX_MEMORY_PAGES/);
  });
  test('global initializers: one value of the global type', () => {
    bad(wat(`(module (global i32 (i64.const 0)))`), 'invalid', /type mismatch in initializer of global 0: expected i32, found i64/);
    bad(bin({ globals: [[I32, 0x00, 0x0b]] }), 'invalid', /exactly one i32 value, it has 0 instructions/);
    bad(bin({ globals: [[I32, 0x00, 0x41, 0x00, 0x41, 0x00, 0x0b]] }), 'invalid', /exactly one value/);
    ok(wat(`(module (global f64 (f64.const 1.5)) (global (mut i64) (i64.const -1)) (global f32 (f32.const nan)))`));
  });
  test('global.get in a constant expression: only imported immutable globals (as V8)', () => {
    bad(wat(`(module (global i32 (i32.const 1)) (global i32 (global.get 0)))`), 'invalid', /may only read an imported global, and global 0 is defined/);
    bad(wat(`(module (global i32 (global.get 0)))`), 'invalid', /may only read an imported global/);
    bad(wat(`(module (import "e" "g" (global (mut i32))) (global i32 (global.get 0)))`), 'invalid', /may not read the mutable global 0/);
    bad(wat(`(module (import "e" "g" (global i64)) (global i32 (global.get 0)))`), 'invalid', /expected i32, found i64/);
    bad(wat(`(module (memory 1) (global i32 (i32.const 0)) (data (global.get 0) ""))`), 'invalid', /offset of data segment 0/);
    bad(wat(`(module (import "e" "g" (global (mut i32))) (table 1 funcref) (elem (global.get 0) func))`), 'invalid', /mutable/);
  });
  test('ref.func / ref.null are funcref, not numbers', () => {
    bad(bin({ types: [[[], []]], funcs: [0], globals: [[I32, 0x00, 0xd2, 0x00, 0x0b]], codes: [{ code: [0x0b] }] }), 'invalid', /expected i32, found funcref/);
  });
  test('element segments', () => {
    bad(wat(`(module (func $f) (elem (i32.const 0) func $f))`), 'invalid', /unknown table 0 in element segment 0/);
    bad(wat(`(module (table 1 funcref) (func $f) (elem (i64.const 0) func $f))`), 'invalid', /offset of element segment 0: expected i32, found i64/);
    bad(bin({ types: [[[], []]], funcs: [0], tables: [[0x70, 0x00, 0x01]], elems: [[0x00, 0x41, 0x00, 0x0b, ...vec([[0x05]])]], codes: [{ code: [0x0b] }] }), 'invalid', /unknown function 5 in element segment 0, entry 0/);
    bad(bin({ types: [[[], []]], funcs: [0], tables: [[0x70, 0x00, 0x01]], elems: [[0x05, 0x70, ...vec([[0xd2, 0x09, 0x0b]])]], codes: [{ code: [0x0b] }] }), 'invalid', /unknown function 9 in ref.func in element segment 0, entry 0/);
    bad(bin({ types: [[[], []]], funcs: [0], tables: [[0x70, 0x00, 0x01]], elems: [[0x05, 0x70, ...vec([[0x41, 0x00, 0x0b]])]], codes: [{ code: [0x0b] }] }), 'invalid', /expected funcref, found i32/);
    bad(bin({ types: [[[], []]], funcs: [0], elems: [[0x03, 0x00, ...vec([[0x01]])]], codes: [{ code: [0x0b] }] }), 'invalid', /unknown function 1/);
  });
  test('data segments', () => {
    bad(wat(`(module (data (i32.const 0) "x"))`), 'invalid', /unknown memory 0 in data segment 0/);
    bad(wat(`(module (memory 1) (data (f32.const 0) "x"))`), 'invalid', /offset of data segment 0: expected i32, found f32/);
    ok(wat(`(module (data "passive needs no memory"))`));
  });
  test('exports: unique names, valid indices', () => {
    bad(wat(`(module (func) (export "a" (func 0)) (export "a" (func 0)))`), 'invalid', /duplicate export name "a"/);
    bad(bin({ exports: [[...str('f'), 0x00, 0x00]] }), 'invalid', /unknown function 0 in export "f"/);
    bad(bin({ exports: [[...str('t'), 0x01, 0x00]] }), 'invalid', /unknown table 0 in export "t"/);
    bad(bin({ exports: [[...str('m'), 0x02, 0x00]] }), 'invalid', /unknown memory 0 in export "m" \(the module has 0 memories\)/);
    bad(bin({ exports: [[...str('g'), 0x03, 0x01]], globals: [[I32, 0x00, 0x41, 0x00, 0x0b]] }), 'invalid', /unknown global 1 in export "g"/);
  });
  test('start function: exists, type [] → []', () => {
    bad(wat(`(module (func (param i32)) (start 0))`), 'invalid', /start function 0 must have type \[\] -> \[\], it has 1 param and 0 results/);
    bad(wat(`(module (func (result i32) i32.const 0) (start 0))`), 'invalid', /1 result/);
    bad(bin({ start: 0 }), 'invalid', /unknown start function 0/);
  });
});

describe('error offsets point at the offending instruction', () => {
  test('type mismatch in i32.add', () => {
    // i64.const 0 (2 bytes), i32.const 0 (2 bytes), i32.add at code byte 4.
    const b = fn([0x42, 0x00, 0x41, 0x00, 0x6a, 0x1a]);
    const e = bad(b, 'invalid', /type mismatch in i32\.add: expected i32, found i64/, { offset: codeAt(b, 0, 4) });
    assert.equal(e?.offset, 27);
  });
  test('in the second function, after locals', () => {
    const b = bin({
      types: [[[], []]], funcs: [0, 0],
      codes: [{ code: [0x0b] }, { locals: [[2, I32]], code: [0x20, 0x00, 0x20, 0x01, 0x20, 0x05, 0x1a, 0x1a, 0x1a, 0x0b] }],
    });
    bad(b, 'invalid', /function 1: unknown local 5/, { offset: codeAt(b, 1, 4) });
  });
  test('the unknown label of br_if inside nested blocks', () => {
    const b = fn([0x02, 0x40, 0x03, 0x40, 0x41, 0x00, 0x0d, 0x07, 0x0b, 0x0b]);
    bad(b, 'invalid', /unknown label 7 in br_if/, { offset: codeAt(b, 0, 6) });
  });
  test('an end with a missing result is reported at the end', () => {
    const b = fn([0x02, 0x7f, 0x0b, 0x1a]);
    bad(b, 'invalid', /type mismatch in end: expected i32/, { offset: codeAt(b, 0, 2) });
  });
  test('offsets count the imports before the bodies (absolute in the file)', () => {
    const b = bin({ types: [[[], []]], imports: [[...str('env'), ...str('f'), 0x00, 0x00]], funcs: [0], codes: [{ code: [0x01, 0x10, 0x09, 0x0b] }] });
    bad(b, 'invalid', /function 1: unknown function 9 in call \(the module has 2 functions\)/, { offset: codeAt(b, 0, 1) });
  });
  test('bodies built by a transformation (codeOffset -1) report -1', () => {
    const m = emptyModule();
    m.types.push({ params: [], results: [] });
    m.functions.push(0);
    m.codes.push({ locals: [], code: new Uint8Array([0x41, 0x00, 0x0b]), codeOffset: -1 });
    const r = validate(m);
    assert.ok(!r.ok);
    assert.equal(r.error.offset, -1);
    assert.match(r.error.message, /1 value more/);
  });
});

describe('maxStackHeights', () => {
  test('straight-line code, one entry per defined function (imports excluded)', () => {
    const b = wat(`(module (import "e" "f" (func))
      (func)
      (func (result i32) i32.const 1 i32.const 2 i32.const 3 i32.add i32.add)
      (func (param i32 i64) local.get 0 local.get 1 drop drop))`);
    assert.deepEqual(heights(b), [0, 3, 2]);
  });
  test('blocks with params count the params once', () => {
    const b = wat(`(module (func (result i32)
      i32.const 1 i32.const 2 block (param i32 i32) (result i32) i32.add end
      i32.const 4 i32.const 5 drop drop))`);
    assert.deepEqual(heights(b), [3]);
  });
  test('nested blocks add up', () => {
    const b = wat(`(module (func (result i32)
      i32.const 1 (block (result i32) i32.const 2 (block (result i32) i32.const 3 i32.const 4 i32.add) i32.add) i32.add))`);
    assert.deepEqual(heights(b), [4]);
  });
  test('polymorphic stack: only values actually pushed count', () => {
    const b = wat(`(module (func (result i32) i32.const 1 drop unreachable i32.add i32.add i32.add))`);
    assert.deepEqual(heights(b), [1]);
  });
  test('calls push their results', () => {
    const b = wat(`(module (func $three (result i32 i32 i32) i32.const 0 i32.const 0 i32.const 0)
      (func i32.const 9 call $three drop drop drop drop))`);
    assert.deepEqual(heights(b), [3, 4]);
  });
});

describe('robustness', () => {
  test('validate never throws on nonsense modules', () => {
    const m: Module = emptyModule();
    m.types.push({ params: [0x70 as never], results: [] });
    let r = validate(m);
    assert.ok(!r.ok && r.error.kind === 'unsupported');
    const m2 = emptyModule();
    m2.functions.push(0);
    r = validate(m2);
    assert.ok(!r.ok && r.error.kind === 'invalid');
    const m3 = emptyModule();
    m3.types.push({ params: [], results: [] });
    m3.functions.push(0);
    r = validate(m3);
    assert.ok(!r.ok && r.error.kind === 'malformed', 'a function without a body');
    const m4 = emptyModule();
    m4.types.push({ params: [], results: [] });
    m4.functions.push(0);
    m4.codes.push({ locals: [{ count: 1, type: 0x55 as never }], code: new Uint8Array([0x0b]), codeOffset: 0 });
    r = validate(m4);
    assert.ok(!r.ok && r.error.kind === 'malformed');
  });

  test('programmatic modules: indices and counts that are not u32 are refused, not encoded', () => {
    const base = (): Module => {
      const m = emptyModule();
      m.types.push({ params: [], results: [] });
      m.functions.push(0);
      m.codes.push({ locals: [], code: new Uint8Array([0x0b]), codeOffset: -1 });
      return m;
    };
    for (const index of [-1, 0.5, Number.NaN]) {
      const m = base();
      m.exports.push({ name: 'f', kind: 'func', index });
      const r = validate(m);
      assert.ok(!r.ok && r.error.kind === 'invalid' && /unknown func/.test(r.error.message), `export index ${index}`);
      const s = base();
      s.start = index;
      assert.equal(validate(s).ok, false, `start ${index}`);
    }
    const l = base();
    l.codes[0].locals.push({ count: -3, type: 0x7f });
    const r = validate(l);
    assert.ok(!r.ok && r.error.kind === 'malformed' && /local count -3 is not a u32/.test(r.error.message));
  });

  test('programmatic modules: the sizes the decoder would have refused', () => {
    const mem = emptyModule();
    mem.memories.push({ min: 1, max: 65537 });
    let r = validate(mem);
    assert.ok(!r.ok && r.error.kind === 'limit' && /MAX_MEMORY_PAGES/.test(r.error.message), r.ok ? '' : r.error.message);
    const tab = emptyModule();
    tab.tables.push({ elemType: 0x70, limits: { min: 20_000_000 } });
    r = validate(tab);
    assert.ok(!r.ok && r.error.kind === 'limit' && /MAX_TABLE_SIZE/.test(r.error.message));
    const dc = emptyModule();
    dc.dataCount = 2;
    r = validate(dc);
    assert.ok(!r.ok && r.error.kind === 'malformed' && /data count/.test(r.error.message));
    const ok1 = emptyModule();
    ok1.memories.push({ min: 0, max: 65536 });
    ok1.tables.push({ elemType: 0x70, limits: { min: 0, max: 0xffffffff } });
    assert.ok(validate(ok1).ok);
  });

  test('deep nesting and a tall stack', () => {
    const depth = 5000;
    const code = [...new Array(depth).fill([0x02, 0x40]).flat(), ...new Array(depth).fill(0x0b)];
    ok(fn(code));
    const tall = 20000;
    const b = fn([...new Array(tall).fill([0x41, 0x00]).flat(), ...new Array(tall).fill(0x1a)]);
    assert.deepEqual(heights(b), [tall]);
  });

  test('mutants of a module agree with V8 (seeded)', () => {
    const base = wat(`(module
      (import "e" "g" (global $ig i32)) (import "e" "f" (func $imp (param i32) (result i32)))
      (memory 1 2) (table 2 funcref) (global $g (mut i64) (i64.const 5))
      (type $t2 (func (param i32 i32) (result i32)))
      (func $a (param i32 i32) (result i32) (local f32 f64)
        local.get 0 local.get 1 block (param i32 i32) (result i32) i32.add end
        (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 1)) (else (call $imp (local.get 1))))
        i32.add
        (loop $l (br_if $l (i32.load8_u offset=3 (local.get 0))))
        (block $b (br_table $b $b (local.get 1)))
        (global.set $g (i64.extend_i32_s (i32.const -7)))
        (f64.store (i32.const 8) (f64.promote_f32 (local.get 2)))
        (memory.fill (i32.const 0) (i32.const 1) (i32.const 2))
        (drop (select (local.get 3) (f64.const 2) (i32.const 1)))
        (drop (call_indirect (type $t2) (i32.const 1) (i32.const 2) (i32.const 0)))
        (i32.trunc_sat_f32_s (local.get 2)) i32.add)
      (func $b (result i32 i64) (i32.const 3) (i64.const 4))
      (elem (global.get $ig) func $a) (data (i32.const 0) "xyz") (data "p")
      (export "a" (func $a)) (export "g" (global $g)))`);
    ok(base);
    // Deterministic xorshift so that a failure names its case.
    let s = 0x9e3779b9;
    const rnd = (n: number) => {
      s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
      return (s >>> 0) % n;
    };
    let compared = 0;
    for (let i = 0; i < 4000; i++) {
      const b = base.slice();
      const edits = 1 + rnd(2);
      for (let k = 0; k < edits; k++) b[8 + rnd(b.length - 8)] = rnd(4) === 0 ? rnd(256) : [0x00, 0x0b, 0x1a, 0x41, 0x42, 0x7f, 0x7e, 0x40, 0x02, 0x0c, 0x20][rnd(11)];
      const r = decodeAndValidate(b);
      if (!r.ok && (r.error.kind === 'unsupported' || r.error.kind === 'limit')) continue;
      compared++;
      const v8 = V8.validate(b);
      assert.equal(r.ok, v8, `mutant ${i}: V8 says ${v8}, we say ${r.ok ? 'valid' : r.error.message}\n${Buffer.from(b).toString('hex')}`);
    }
    assert.ok(compared > 3000, `compared ${compared}`);
  });
});

describe('module-level errors carry the offset of the offending entry', () => {
  const head = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const typeSec = [0x01, 0x04, 0x01, 0x60, 0x00, 0x00]; // bytes 8..13: one type [] -> []
  const codeSec = [0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b]; // one body: no locals, `end`

  test('an unknown type index names the function section entry', () => {
    // function section at 14: id, size, count, then the entry (type 5) at byte 17.
    const bytes = new Uint8Array([...head, ...typeSec, 0x03, 0x02, 0x01, 0x05, ...codeSec]);
    const r = decodeAndValidate(bytes);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.error.kind, 'invalid');
    assert.match(r.error.reason, /unknown type 5 of function 0/);
    assert.equal(r.error.offset, 17);
    assert.equal(V8.validate(bytes), false);
  });

  test('a duplicate export name names the second export', () => {
    // export section at 18: id, size 9, count 2, entries "a" func 0 at 21 and at 25.
    const exportSec = [0x07, 0x09, 0x02, 0x01, 0x61, 0x00, 0x00, 0x01, 0x61, 0x00, 0x00];
    const bytes = new Uint8Array([...head, ...typeSec, 0x03, 0x02, 0x01, 0x00, ...exportSec, ...codeSec]);
    const r = decodeAndValidate(bytes);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.match(r.error.reason, /duplicate export name "a"/);
    assert.equal(r.error.offset, 25);
    assert.equal(V8.validate(bytes), false);
  });

  test('a start function of the wrong type names the start section', () => {
    // type 0 is [i32] -> [] (bytes 8..14), function section 15..18, start section at 19: the index at byte 21.
    const typeI32 = [0x01, 0x05, 0x01, 0x60, 0x01, 0x7f, 0x00];
    const bytes = new Uint8Array([...head, ...typeI32, 0x03, 0x02, 0x01, 0x00, 0x08, 0x01, 0x00, ...codeSec]);
    const r = decodeAndValidate(bytes);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.match(r.error.reason, /start function 0 must have type/);
    assert.equal(r.error.offset, 21);
  });

  test('a module built in memory has no positions: -1', () => {
    const d = decode(new Uint8Array([...head, ...typeSec, 0x03, 0x02, 0x01, 0x05, ...codeSec]));
    assert.ok(d.ok);
    if (!d.ok) return;
    const copy = { ...d.value };
    const r = validate(copy);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.offset, -1);
  });
});
