// i32 instructions (core spec §4.3.2 "Integer operations"): wraparound, signed/unsigned division and
// its two traps, shift and rotate counts taken modulo 32, bit counts at the extremes, every
// comparison at the signed/unsigned boundaries, sign extension. Operands come from parameters and,
// in a second module, from constants, so that a translator which folds or specialises immediate
// operands is exercised too (and must still trap at the right instruction).
import { both, eq, trap, type Step } from './support/both.js';

const MIN = 0x80000000 | 0; // -2147483648
const MAX = 0x7fffffff;

const BIN = ['add', 'sub', 'mul', 'div_s', 'div_u', 'rem_s', 'rem_u', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr'];
const CMP = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];
const UN = ['clz', 'ctz', 'popcnt', 'eqz', 'extend8_s', 'extend16_s'];

const MODULE = `(module
  ${[...BIN, ...CMP].map((op) => `(func (export "${op}") (param i32 i32) (result i32) local.get 0 local.get 1 i32.${op})`).join('\n  ')}
  ${UN.map((op) => `(func (export "${op}") (param i32) (result i32) local.get 0 i32.${op})`).join('\n  ')}
)`;

both('i32 add/sub/mul wrap around', MODULE, [
  eq('add', [1, 2], 3),
  eq('add', [MAX, 1], MIN),
  eq('add', [-1, 1], 0),
  eq('add', [MIN, MIN], 0),
  eq('add', [-1, -1], -2),
  eq('sub', [0, 1], -1),
  eq('sub', [MIN, 1], MAX),
  eq('sub', [MAX, -1], MIN),
  eq('sub', [0, MIN], MIN),
  eq('mul', [0x10000, 0x10000], 0),
  eq('mul', [MAX, 2], -2),
  eq('mul', [MIN, -1], MIN),
  eq('mul', [MAX, MAX], 1),
  eq('mul', [0x12345678, 0x9abcdef0], 0x242d2080),
  eq('mul', [0xdeadbeef, 0xcafebabe], 0x88cf5b62),
  eq('mul', [-3, 7], -21),
]);

both('i32 division and remainder', MODULE, [
  eq('div_s', [7, 2], 3),
  eq('div_s', [-7, 2], -3),
  eq('div_s', [7, -2], -3),
  eq('div_s', [-7, -2], 3),
  eq('div_s', [MIN, 1], MIN),
  eq('div_s', [MIN, 2], -0x40000000),
  eq('div_s', [MIN, MIN], 1),
  eq('div_s', [MAX, -1], -MAX),
  trap('div_s', [MIN, -1], 'integer_overflow'),
  trap('div_s', [1, 0], 'integer_divide_by_zero'),
  trap('div_s', [0, 0], 'integer_divide_by_zero'),
  trap('div_s', [MIN, 0], 'integer_divide_by_zero'),
  eq('div_u', [7, 2], 3),
  eq('div_u', [-1, 2], MAX),
  eq('div_u', [MIN, -1], 0),
  eq('div_u', [-1, -1], 1),
  eq('div_u', [MIN, 2], 0x40000000),
  eq('div_u', [-7, 2], 0x7ffffffc),
  trap('div_u', [1, 0], 'integer_divide_by_zero'),
  trap('div_u', [-1, 0], 'integer_divide_by_zero'),
  eq('rem_s', [7, 2], 1),
  eq('rem_s', [-7, 2], -1),
  eq('rem_s', [7, -2], 1),
  eq('rem_s', [-7, -2], -1),
  eq('rem_s', [MIN, -1], 0),
  eq('rem_s', [MIN, 2], 0),
  eq('rem_s', [MIN, 3], -2),
  eq('rem_s', [MAX, MIN], MAX),
  eq('rem_s', [MIN, MAX], -1),
  trap('rem_s', [1, 0], 'integer_divide_by_zero'),
  trap('rem_s', [MIN, 0], 'integer_divide_by_zero'),
  eq('rem_u', [-1, 10], 5),
  eq('rem_u', [MIN, -1], MIN),
  eq('rem_u', [-7, 2], 1),
  eq('rem_u', [5, MIN], 5),
  trap('rem_u', [1, 0], 'integer_divide_by_zero'),
]);

both('i32 bitwise, shifts and rotates (count mod 32)', MODULE, [
  eq('and', [0xff00ff00, 0x0ff00ff0], 0x0f000f00),
  eq('or', [0xff00ff00, 0x0ff00ff0], 0xfff0fff0),
  eq('xor', [0xff00ff00, 0x0ff00ff0], 0xf0f0f0f0),
  eq('xor', [-1, MIN], MAX),
  eq('shl', [1, 31], MIN),
  eq('shl', [1, 32], 1),
  eq('shl', [1, 33], 2),
  eq('shl', [1, -1], MIN),
  eq('shl', [-1, 0x7fffffff], MIN),
  eq('shl', [0x12345678, 0x100], 0x12345678),
  eq('shr_s', [MIN, 31], -1),
  eq('shr_s', [MIN, 32], MIN),
  eq('shr_s', [MIN, 1], 0xc0000000),
  eq('shr_s', [MAX, 30], 1),
  eq('shr_s', [-1, -1], -1),
  eq('shr_s', [0x40000000, -2], 1),
  eq('shr_u', [MIN, 31], 1),
  eq('shr_u', [MIN, 32], MIN),
  eq('shr_u', [-1, 1], MAX),
  eq('shr_u', [-1, -1], 1),
  eq('shr_u', [-1, 33], MAX),
  eq('rotl', [0x80000001, 1], 3),
  eq('rotl', [0x80000001, 33], 3),
  eq('rotl', [0x80000001, 32], 0x80000001),
  eq('rotl', [0x80000001, 0], 0x80000001),
  eq('rotl', [0x80000001, -1], 0xc0000000),
  eq('rotl', [0x12345678, 4], 0x23456781),
  eq('rotr', [1, 1], MIN),
  eq('rotr', [1, 32], 1),
  eq('rotr', [1, -31], MIN),
  eq('rotr', [0x12345678, 4], 0x81234567),
  eq('rotr', [0x12345678, -4], 0x23456781),
  eq('rotr', [0x12345678, 0x7fffffe4], 0x81234567),
]);

both('i32 clz/ctz/popcnt/eqz and sign extension', MODULE, [
  eq('clz', [0], 32),
  eq('clz', [-1], 0),
  eq('clz', [1], 31),
  eq('clz', [MIN], 0),
  eq('clz', [0x00008000], 16),
  eq('ctz', [0], 32),
  eq('ctz', [-1], 0),
  eq('ctz', [MIN], 31),
  eq('ctz', [0x00010000], 16),
  eq('popcnt', [0], 0),
  eq('popcnt', [-1], 32),
  eq('popcnt', [0xaaaaaaaa], 16),
  eq('popcnt', [MIN], 1),
  eq('eqz', [0], 1),
  eq('eqz', [1], 0),
  eq('eqz', [MIN], 0),
  eq('eqz', [-1], 0),
  eq('extend8_s', [0x7f], 127),
  eq('extend8_s', [0x80], -128),
  eq('extend8_s', [0xff], -1),
  eq('extend8_s', [0x12345680], -128),
  eq('extend8_s', [0xffffff00], 0),
  eq('extend8_s', [0x100], 0),
  eq('extend16_s', [0x7fff], 32767),
  eq('extend16_s', [0x8000], -32768),
  eq('extend16_s', [0xffff], -1),
  eq('extend16_s', [0x12348000], -32768),
  eq('extend16_s', [0xffff0000], 0),
]);

// Each pair: results for eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u, worked out by hand.
const PAIRS: [number, number, string][] = [
  [0, 0, '1000001111'],
  [MIN, MAX, '0110011001'],
  [MAX, MIN, '0101100110'],
  [-1, 0, '0110011001'],
  [0, -1, '0101100110'],
  [MIN, MIN, '1000001111'],
  [-1, -1, '1000001111'],
  [MIN, -1, '0111001100'],
  [-1, MIN, '0100110011'],
  [1, 2, '0111001100'],
  [MAX, 0x7ffffffe, '0100110011'],
];
both(
  'i32 comparisons at the signed/unsigned boundaries',
  MODULE,
  PAIRS.flatMap(([a, b, bits]): Step[] => CMP.map((op, i) => eq(op, [a, b], Number(bits[i])))),
);

// Constant operands: a translator may fold these or use immediate forms; results and trap sites must not change.
both(
  'i32 with constant operands',
  `(module
    (func (export "div_by_0") (param i32) (result i32) local.get 0 i32.const 0 i32.div_u)
    (func (export "rem_by_0") (param i32) (result i32) local.get 0 i32.const 0 i32.rem_s)
    (func (export "min_div_m1") (result i32) i32.const 0x80000000 i32.const -1 i32.div_s)
    (func (export "min_rem_m1") (result i32) i32.const 0x80000000 i32.const -1 i32.rem_s)
    (func (export "const_div_0") (result i32) i32.const 1 i32.const 0 i32.div_s)
    (func (export "div_by_m1") (param i32) (result i32) local.get 0 i32.const -1 i32.div_s)
    (func (export "add_imm") (param i32) (result i32) local.get 0 i32.const 0x7fffffff i32.add)
    (func (export "shl_imm") (param i32) (result i32) local.get 0 i32.const 35 i32.shl)
    (func (export "shr_u_imm") (param i32) (result i32) local.get 0 i32.const -1 i32.shr_u)
    (func (export "rotl_imm") (param i32) (result i32) local.get 0 i32.const 36 i32.rotl)
    (func (export "sub_from") (param i32) (result i32) i32.const 0 local.get 0 i32.sub)
    (func (export "lt_u_imm") (param i32) (result i32) local.get 0 i32.const -1 i32.lt_u)
    (func (export "gt_s_imm") (param i32) (result i32) i32.const 0x80000000 local.get 0 i32.gt_s)
    (func (export "folded") (result i32) i32.const 0x7fffffff i32.const 1 i32.add i32.const 3 i32.mul)
    (func (export "tee") (param i32) (result i32) (local i32)
      local.get 0 i32.const 1 i32.add local.tee 1 local.get 1 i32.mul)
  )`,
  [
    trap('div_by_0', [5], 'integer_divide_by_zero'),
    trap('rem_by_0', [5], 'integer_divide_by_zero'),
    trap('min_div_m1', [], 'integer_overflow'),
    eq('min_rem_m1', [], 0),
    trap('const_div_0', [], 'integer_divide_by_zero'),
    trap('div_by_m1', [MIN], 'integer_overflow'),
    eq('div_by_m1', [MAX], -MAX),
    eq('add_imm', [1], MIN),
    eq('shl_imm', [1], 8),
    eq('shr_u_imm', [-1], 1),
    eq('rotl_imm', [0xf0000000], 0x0000000f),
    eq('sub_from', [MIN], MIN),
    eq('sub_from', [1], -1),
    eq('lt_u_imm', [-2], 1),
    eq('lt_u_imm', [-1], 0),
    eq('gt_s_imm', [0], 0),
    eq('folded', [], 0x80000000),
    eq('tee', [0xffff], 0),
    eq('tee', [2], 9),
  ],
);

// The JS-style boundary (exports.f): i32 results come back as signed numbers, arguments go through ToInt32.
both(
  'i32 through exports (JS values)',
  MODULE,
  [eq('add', [0xffffffff, 0], -1), eq('add', [2 ** 32 + 5, 0], 5), eq('sub', [0, MIN], MIN)],
  { via: 'exports' },
);
