// i64 instructions: the same families as ops-int, with operands chosen so that both 32-bit halves
// matter (carries and borrows across bit 31/32, multiplications whose partial products overflow a
// half, divisors above 2^32, shift counts whose low 6 bits are all that count, eqz of a value whose
// low half is zero), plus the i32 <-> i64 conversions (wrap, extend_i32_s/u, extend8/16/32_s).
import { both, eq, trap, type Step } from './support/both.js';

const MIN = -0x8000000000000000n;
const MAX = 0x7fffffffffffffffn;

const BIN = ['add', 'sub', 'mul', 'div_s', 'div_u', 'rem_s', 'rem_u', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr'];
const CMP = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];
const UN = ['clz', 'ctz', 'popcnt', 'extend8_s', 'extend16_s', 'extend32_s'];

const MODULE = `(module
  ${BIN.map((op) => `(func (export "${op}") (param i64 i64) (result i64) local.get 0 local.get 1 i64.${op})`).join('\n  ')}
  ${CMP.map((op) => `(func (export "${op}") (param i64 i64) (result i32) local.get 0 local.get 1 i64.${op})`).join('\n  ')}
  ${UN.map((op) => `(func (export "${op}") (param i64) (result i64) local.get 0 i64.${op})`).join('\n  ')}
  (func (export "eqz") (param i64) (result i32) local.get 0 i64.eqz)
  (func (export "wrap") (param i64) (result i32) local.get 0 i32.wrap_i64)
  (func (export "extend_s") (param i32) (result i64) local.get 0 i64.extend_i32_s)
  (func (export "extend_u") (param i32) (result i64) local.get 0 i64.extend_i32_u)
)`;

both('i64 add/sub/mul across the 32-bit halves', MODULE, [
  eq('add', [0xffffffffn, 1n], 0x100000000n),
  eq('add', [0x7fffffffn, 1n], 0x80000000n),
  eq('add', [MAX, 1n], MIN),
  eq('add', [-1n, 1n], 0n),
  eq('add', [MIN, MIN], 0n),
  eq('add', [0xffffffff_ffffffffn, 0xffffffff_ffffffffn], -2n),
  eq('add', [0x00000001_80000000n, 0x00000001_80000000n], 0x00000003_00000000n),
  eq('sub', [0x100000000n, 1n], 0xffffffffn),
  eq('sub', [0n, 1n], -1n),
  eq('sub', [MIN, 1n], MAX),
  eq('sub', [0n, MIN], MIN),
  eq('sub', [0x1_00000000n, 0x0_80000000n], 0x80000000n),
  eq('mul', [0xffffffffn, 0xffffffffn], 0xfffffffe00000001n),
  eq('mul', [0x100000000n, 0x100000000n], 0n),
  eq('mul', [0x100000001n, 0x100000001n], 0x200000001n),
  eq('mul', [MAX, MAX], 1n),
  eq('mul', [MAX, 2n], -2n),
  eq('mul', [MIN, -1n], MIN),
  eq('mul', [0x123456789abcdef0n, 0xfedcba9876543210n], 0x236d88fe5618cf00n),
  eq('mul', [0xdeadbeefcafebaben, 0x0123456789abcdefn], 0x7eb689f4ea447d62n),
  eq('mul', [-3n, 0x100000000n], -0x300000000n),
  eq('mul', [0x80000000n, 0x80000000n], 0x4000000000000000n),
]);

both('i64 division and remainder', MODULE, [
  eq('div_s', [7n, 2n], 3n),
  eq('div_s', [-7n, 2n], -3n),
  eq('div_s', [7n, -2n], -3n),
  eq('div_s', [-7n, -2n], 3n),
  eq('div_s', [MIN, 2n], -0x4000000000000000n),
  eq('div_s', [MIN, 0x100000000n], -0x80000000n),
  eq('div_s', [MAX, -1n], -MAX),
  trap('div_s', [MIN, -1n], 'integer_overflow'),
  trap('div_s', [1n, 0n], 'integer_divide_by_zero'),
  trap('div_s', [MIN, 0n], 'integer_divide_by_zero'),
  trap('div_s', [0x100000000n, 0n], 'integer_divide_by_zero'),
  eq('div_u', [-1n, 3n], 0x5555555555555555n),
  eq('div_u', [-1n, 0x100000001n], 0xffffffffn),
  eq('div_u', [MIN, 0x100000000n], 0x80000000n),
  eq('div_u', [MIN, -1n], 0n),
  eq('div_u', [-1n, -1n], 1n),
  eq('div_u', [-2n, 2n], MAX),
  trap('div_u', [1n, 0n], 'integer_divide_by_zero'),
  eq('rem_s', [-7n, 2n], -1n),
  eq('rem_s', [7n, -2n], 1n),
  eq('rem_s', [MIN, -1n], 0n),
  eq('rem_s', [MIN, 3n], -2n),
  eq('rem_s', [MAX, MIN], MAX),
  trap('rem_s', [1n, 0n], 'integer_divide_by_zero'),
  eq('rem_u', [-1n, 10n], 5n),
  eq('rem_u', [-1n, 0x100000001n], 0n),
  eq('rem_u', [0x123456789n, 0x100000000n], 0x23456789n),
  eq('rem_u', [MIN, -1n], MIN),
  trap('rem_u', [-1n, 0n], 'integer_divide_by_zero'),
]);

both('i64 bitwise, shifts and rotates (count mod 64)', MODULE, [
  eq('and', [0xff00ff00_ff00ff00n, 0x0ff00ff0_0ff00ff0n], 0x0f000f00_0f000f00n),
  eq('or', [0xff00000000000000n, 0xffn], 0xff000000000000ffn),
  eq('xor', [-1n, MIN], MAX),
  eq('shl', [1n, 31n], 0x80000000n),
  eq('shl', [1n, 32n], 0x100000000n),
  eq('shl', [1n, 63n], MIN),
  eq('shl', [1n, 64n], 1n),
  eq('shl', [1n, 65n], 2n),
  eq('shl', [1n, -1n], MIN),
  eq('shl', [1n, 0x100000001n], 2n),
  eq('shl', [0x80000001n, 1n], 0x100000002n),
  eq('shr_s', [MIN, 63n], -1n),
  eq('shr_s', [MIN, 64n], MIN),
  eq('shr_s', [MIN, 32n], -0x80000000n),
  eq('shr_s', [MIN, 31n], -0x100000000n),
  eq('shr_s', [MAX, 62n], 1n),
  eq('shr_s', [-1n, -1n], -1n),
  eq('shr_u', [MIN, 63n], 1n),
  eq('shr_u', [MIN, 64n], MIN),
  eq('shr_u', [-1n, 32n], 0xffffffffn),
  eq('shr_u', [-1n, 1n], MAX),
  eq('shr_u', [-1n, -1n], 1n),
  eq('shr_u', [0x100000000n, 1n], 0x80000000n),
  eq('rotl', [0x8000000000000001n, 1n], 3n),
  eq('rotl', [0x8000000000000001n, 65n], 3n),
  eq('rotl', [0x8000000000000001n, 64n], 0x8000000000000001n),
  eq('rotl', [0x8000000000000001n, -1n], 0xc000000000000000n),
  eq('rotl', [0x0123456789abcdefn, 32n], 0x89abcdef01234567n),
  eq('rotl', [0x0123456789abcdefn, 4n], 0x123456789abcdef0n),
  eq('rotr', [1n, 1n], MIN),
  eq('rotr', [1n, 64n], 1n),
  eq('rotr', [0x0123456789abcdefn, 36n], 0x789abcdef0123456n),
  eq('rotr', [0x0123456789abcdefn, -4n], 0x123456789abcdef0n),
]);

both('i64 clz/ctz/popcnt/eqz, extends and wrap', MODULE, [
  eq('clz', [0n], 64n),
  eq('clz', [-1n], 0n),
  eq('clz', [1n], 63n),
  eq('clz', [0xffffffffn], 32n),
  eq('clz', [0x100000000n], 31n),
  eq('clz', [MIN], 0n),
  eq('ctz', [0n], 64n),
  eq('ctz', [-1n], 0n),
  eq('ctz', [0x100000000n], 32n),
  eq('ctz', [MIN], 63n),
  eq('ctz', [0x80000000n], 31n),
  eq('popcnt', [0n], 0n),
  eq('popcnt', [-1n], 64n),
  eq('popcnt', [0xaaaaaaaa_55555555n], 32n),
  eq('popcnt', [0x80000000_00000001n], 2n),
  eq('eqz', [0n], 1),
  eq('eqz', [0x100000000n], 0),
  eq('eqz', [MIN], 0),
  eq('eqz', [1n], 0),
  eq('extend8_s', [0x7fn], 127n),
  eq('extend8_s', [0x80n], -128n),
  eq('extend8_s', [0x0123456789abcd80n], -128n),
  eq('extend8_s', [0xffffffffffffff00n], 0n),
  eq('extend16_s', [0x8000n], -32768n),
  eq('extend16_s', [0x7fffn], 32767n),
  eq('extend16_s', [0xffffffffffff0000n], 0n),
  eq('extend32_s', [0x80000000n], -0x80000000n),
  eq('extend32_s', [0x7fffffffn], 0x7fffffffn),
  eq('extend32_s', [0x1_80000000n], -0x80000000n),
  eq('extend32_s', [0xffffffff_00000000n], 0n),
  eq('extend32_s', [0xffffffffn], -1n),
  eq('wrap', [0x123456789n], 0x23456789),
  eq('wrap', [0xffffffff80000000n], 0x80000000),
  eq('wrap', [0x1_00000000n], 0),
  eq('wrap', [-1n], -1),
  eq('extend_s', [0x80000000], -0x80000000n),
  eq('extend_s', [-1], -1n),
  eq('extend_s', [0x7fffffff], 0x7fffffffn),
  eq('extend_u', [0x80000000], 0x80000000n),
  eq('extend_u', [-1], 0xffffffffn),
  eq('extend_u', [0], 0n),
]);

// Per pair: eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u. Patterns: equal 1000001111; less in both
// orders 0111001100; greater in both 0100110011; signed less but unsigned greater 0110011001; the
// reverse 0101100110.
const PAIRS: [bigint, bigint, string][] = [
  [0n, 0n, '1000001111'],
  [MIN, MAX, '0110011001'],
  [MAX, MIN, '0101100110'],
  [-1n, 0n, '0110011001'],
  [0n, -1n, '0101100110'],
  [0x100000000n, 0xffffffffn, '0100110011'],
  [0xffffffffn, 0x100000000n, '0111001100'],
  [0x80000000n, 0x7fffffffn, '0100110011'],
  [0xffffffff_00000000n, 0x00000000_ffffffffn, '0110011001'],
  [0x00000001_00000000n, 0x00000001_00000001n, '0111001100'],
  [0x00000001_00000000n, 0x00000002_00000000n, '0111001100'],
  [MIN, -1n, '0111001100'],
  [MIN, MIN, '1000001111'],
  [0x12345678_00000000n, 0x12345678_80000000n, '0111001100'],
];
both(
  'i64 comparisons at the boundaries and across halves',
  MODULE,
  PAIRS.flatMap(([a, b, bits]): Step[] => CMP.map((op, i) => eq(op, [a, b], Number(bits[i])))),
);

both(
  'i64 with constant operands',
  `(module
    (func (export "div_by_0") (param i64) (result i64) local.get 0 i64.const 0 i64.div_s)
    (func (export "rem_by_0") (param i64) (result i64) local.get 0 i64.const 0 i64.rem_u)
    (func (export "min_div_m1") (result i64) i64.const 0x8000000000000000 i64.const -1 i64.div_s)
    (func (export "min_rem_m1") (result i64) i64.const 0x8000000000000000 i64.const -1 i64.rem_s)
    (func (export "mul_imm") (param i64) (result i64) local.get 0 i64.const 0xffffffff i64.mul)
    (func (export "add_imm") (param i64) (result i64) local.get 0 i64.const 0xffffffff i64.add)
    (func (export "shl_imm") (param i64) (result i64) local.get 0 i64.const 100 i64.shl)
    (func (export "folded") (result i64) i64.const 0xffffffff i64.const 0xffffffff i64.mul i64.const 1 i64.sub)
  )`,
  [
    trap('div_by_0', [5n], 'integer_divide_by_zero'),
    trap('rem_by_0', [5n], 'integer_divide_by_zero'),
    trap('min_div_m1', [], 'integer_overflow'),
    eq('min_rem_m1', [], 0n),
    eq('mul_imm', [0xffffffffn], 0xfffffffe00000001n),
    eq('add_imm', [1n], 0x100000000n),
    eq('shl_imm', [1n], 0x1000000000n),
    eq('folded', [], 0xfffffffe00000000n),
  ],
);

both(
  'i64 through exports (BigInt values)',
  MODULE,
  [eq('add', [0xffffffffffffffffn, 0n], -1n), eq('add', [2n ** 64n + 5n, 0n], 5n), eq('wrap', [0x1_ffffffffn], -1), eq('extend_u', [-1], 0xffffffffn)],
  { via: 'exports' },
);
