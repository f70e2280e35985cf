// Conversions between integers and floats (core spec §4.3.4): int → float must round once, to nearest
// with ties to even (an i64 → f32 conversion done through f64 rounds twice and gets the marked
// "double rounding" cases wrong); trunc traps on NaN (invalid_conversion_to_integer) and on ±inf and
// anything whose truncation is out of range (integer_overflow), but not on values in (-1, 0) for
// unsigned targets, which truncate to 0; trunc_sat clamps instead and gives 0 for NaN.
import { both, eq, trap, type Step } from './support/both.js';

const CONV = [
  ['f32', 'i32'],
  ['f32', 'i64'],
  ['f64', 'i32'],
  ['f64', 'i64'],
] as const;
const bitsOf = (f: 'f32' | 'f64') => (f === 'f32' ? 'i32' : 'i64');

const MODULE = `(module
  ${CONV.flatMap(([f, i]) =>
    ['s', 'u'].map((s) => `(func (export "${f}.convert_${i}_${s}") (param ${i}) (result ${bitsOf(f)}) local.get 0 ${f}.convert_${i}_${s} ${bitsOf(f)}.reinterpret_${f})`),
  ).join('\n  ')}
  ${CONV.flatMap(([f, i]) =>
    ['s', 'u'].flatMap((s) => [
      `(func (export "${i}.trunc_${f}_${s}") (param ${bitsOf(f)}) (result ${i}) local.get 0 ${f}.reinterpret_${bitsOf(f)} ${i}.trunc_${f}_${s})`,
      `(func (export "${i}.trunc_sat_${f}_${s}") (param ${bitsOf(f)}) (result ${i}) local.get 0 ${f}.reinterpret_${bitsOf(f)} ${i}.trunc_sat_${f}_${s})`,
    ]),
  ).join('\n  ')}
)`;

both('int → f32', MODULE, [
  eq('f32.convert_i32_s', [0], 0),
  eq('f32.convert_i32_s', [-1], 0xbf800000),
  eq('f32.convert_i32_s', [0x7fffffff], 0x4f000000),
  eq('f32.convert_i32_s', [0x80000000], 0xcf000000),
  eq('f32.convert_i32_s', [16777217], 0x4b800000), // 2^24 + 1: a tie, to even (down)
  eq('f32.convert_i32_s', [16777219], 0x4b800002), // 2^24 + 3: a tie, to even (up)
  eq('f32.convert_i32_s', [-16777217], 0xcb800000),
  eq('f32.convert_i32_s', [16777218], 0x4b800001),
  eq('f32.convert_i32_u', [-1], 0x4f800000),
  eq('f32.convert_i32_u', [0x80000000], 0x4f000000),
  eq('f32.convert_i32_u', [0x80000081], 0x4f000001), // above the tie
  eq('f32.convert_i32_u', [0x80000080], 0x4f000000), // the tie, to even
  eq('f32.convert_i32_u', [16777217], 0x4b800000),
  eq('f32.convert_i64_s', [0x7fffffffffffffffn], 0x5f000000),
  eq('f32.convert_i64_s', [-0x8000000000000000n], 0xdf000000),
  eq('f32.convert_i64_s', [-1n], 0xbf800000),
  eq('f32.convert_i64_s', [16777217n], 0x4b800000),
  eq('f32.convert_i64_s', [0x20000010000001n], 0x5a000000),
  eq('f32.convert_i64_s', [0x20000020000001n], 0x5a000001), // double rounding
  eq('f32.convert_i64_s', [0x4000004000000001n], 0x5e800001), // double rounding
  eq('f32.convert_i64_s', [-0x4000004000000001n], 0xde800001), // double rounding
  eq('f32.convert_i64_u', [-1n], 0x5f800000), // u64 max → 2^64
  eq('f32.convert_i64_u', [0x8000000000000000n], 0x5f000000),
  eq('f32.convert_i64_u', [0x8000000000000001n], 0x5f000000),
  eq('f32.convert_i64_u', [0x8000008000000001n], 0x5f000001), // double rounding
  eq('f32.convert_i64_u', [0xffffff7fffffffffn], 0x5f7fffff), // double rounding
  eq('f32.convert_i64_u', [0xffffff8000000000n], 0x5f800000), // the tie, to even
  eq('f32.convert_i64_u', [0x20000020000001n], 0x5a000001),
]);

both('int → f64', MODULE, [
  eq('f64.convert_i32_s', [-1], 0xbff0000000000000n),
  eq('f64.convert_i32_s', [0x80000000], 0xc1e0000000000000n),
  eq('f64.convert_i32_s', [0x7fffffff], 0x41dfffffffc00000n),
  eq('f64.convert_i32_u', [-1], 0x41efffffffe00000n),
  eq('f64.convert_i32_u', [0x80000000], 0x41e0000000000000n),
  eq('f64.convert_i64_s', [0x20000000000001n], 0x4340000000000000n), // 2^53 + 1: a tie, to even
  eq('f64.convert_i64_s', [0x20000000000003n], 0x4340000000000002n),
  eq('f64.convert_i64_s', [-0x20000000000001n], 0xc340000000000000n),
  eq('f64.convert_i64_s', [0x7fffffffffffffffn], 0x43e0000000000000n),
  eq('f64.convert_i64_s', [-0x8000000000000000n], 0xc3e0000000000000n),
  eq('f64.convert_i64_s', [0x7ffffffffffffdffn], 0x43dfffffffffffffn),
  eq('f64.convert_i64_s', [0x7ffffffffffffe00n], 0x43e0000000000000n),
  eq('f64.convert_i64_s', [-0x7ffffffffffffdffn], 0xc3dfffffffffffffn),
  eq('f64.convert_i64_s', [0n], 0n),
  eq('f64.convert_i64_u', [-1n], 0x43f0000000000000n),
  eq('f64.convert_i64_u', [0x8000000000000000n], 0x43e0000000000000n),
  eq('f64.convert_i64_u', [0x8000000000000400n], 0x43e0000000000000n), // tie, to even
  eq('f64.convert_i64_u', [0x8000000000000401n], 0x43e0000000000001n),
  eq('f64.convert_i64_u', [0xfffffffffffffbffn], 0x43efffffffffffffn),
  eq('f64.convert_i64_u', [0xfffffffffffffc00n], 0x43f0000000000000n),
  eq('f64.convert_i64_u', [0x20000000000001n], 0x4340000000000000n),
]);

// f32 bit patterns used below.
const NAN = 0x7fc00000;
const NNAN = 0xffc00000;
const SNAN = 0x7fa00000;
const INF = 0x7f800000;
const NINF = 0xff800000;
const NZ = 0x80000000;
const NEG09 = 0xbf666666; // -0.9
const NEG1 = 0xbf800000;
// f64 bit patterns.
const DNAN = 0x7ff8000000000000n;
const DNNAN = 0xfff8000000000000n;
const DSNAN = 0x7ff4000000000000n;
const DINF = 0x7ff0000000000000n;
const DNINF = 0xfff0000000000000n;
const DNZ = 0x8000000000000000n;
const DNEG09 = 0xbfeccccccccccccdn;
const DNEG1 = 0xbff0000000000000n;

// The spec's test suite names two traps here: NaN is an "invalid conversion to integer", anything
// else out of range (±inf included) an "integer overflow". V8 says "float unrepresentable in integer
// range" for both.
const BAD = 'invalid_conversion_to_integer' as const;
const OVF = 'integer_overflow' as const;

both('trunc: f32 → i32', MODULE, [
  eq('i32.trunc_f32_s', [0x3fc00000], 1),
  eq('i32.trunc_f32_s', [0xbfc00000], -1),
  eq('i32.trunc_f32_s', [NZ], 0),
  eq('i32.trunc_f32_s', [NEG09], 0),
  eq('i32.trunc_f32_s', [0x4effffff], 2147483520),
  eq('i32.trunc_f32_s', [0xcf000000], -2147483648),
  trap('i32.trunc_f32_s', [0x4f000000], OVF), // 2^31
  trap('i32.trunc_f32_s', [0xcf000001], OVF), // just below -2^31
  trap('i32.trunc_f32_s', [NAN], BAD),
  trap('i32.trunc_f32_s', [NNAN], BAD),
  trap('i32.trunc_f32_s', [SNAN], BAD),
  trap('i32.trunc_f32_s', [INF], OVF),
  trap('i32.trunc_f32_s', [NINF], OVF),
  eq('i32.trunc_f32_u', [0x3fc00000], 1),
  eq('i32.trunc_f32_u', [NEG09], 0),
  eq('i32.trunc_f32_u', [NZ], 0),
  eq('i32.trunc_f32_u', [0x4f7fffff], 0xffffff00),
  eq('i32.trunc_f32_u', [0x4f000000], 0x80000000),
  trap('i32.trunc_f32_u', [0x4f800000], OVF), // 2^32
  trap('i32.trunc_f32_u', [NEG1], OVF),
  trap('i32.trunc_f32_u', [NAN], BAD),
  trap('i32.trunc_f32_u', [NINF], OVF),
]);

both('trunc: f64 → i32', MODULE, [
  eq('i32.trunc_f64_s', [0x41dffffffff9999an], 2147483647), // 2147483647.9
  eq('i32.trunc_f64_s', [0xc1e00000001ccccdn], -2147483648), // -2147483648.9
  trap('i32.trunc_f64_s', [0x41e0000000000000n], OVF), // 2147483648.0
  trap('i32.trunc_f64_s', [0xc1e0000000200000n], OVF), // -2147483649.0
  eq('i32.trunc_f64_s', [DNEG09], 0),
  trap('i32.trunc_f64_s', [DNAN], BAD),
  trap('i32.trunc_f64_s', [DSNAN], BAD),
  trap('i32.trunc_f64_s', [DINF], OVF),
  trap('i32.trunc_f64_s', [DNINF], OVF),
  eq('i32.trunc_f64_u', [0x41effffffffccccdn], 0xffffffff), // 4294967295.9
  trap('i32.trunc_f64_u', [0x41f0000000000000n], OVF), // 4294967296.0
  eq('i32.trunc_f64_u', [DNEG09], 0), // -0.9
  eq('i32.trunc_f64_u', [DNZ], 0),
  trap('i32.trunc_f64_u', [DNEG1], OVF),
  trap('i32.trunc_f64_u', [DNNAN], BAD),
  trap('i32.trunc_f64_u', [DINF], OVF),
]);

both('trunc: f32/f64 → i64', MODULE, [
  eq('i64.trunc_f32_s', [0x5effffff], 9223371487098961920n),
  eq('i64.trunc_f32_s', [0xdf000000], -0x8000000000000000n),
  trap('i64.trunc_f32_s', [0x5f000000], OVF), // 2^63
  trap('i64.trunc_f32_s', [0xdf000001], OVF),
  trap('i64.trunc_f32_s', [NAN], BAD),
  trap('i64.trunc_f32_s', [INF], OVF),
  eq('i64.trunc_f32_s', [NEG09], 0n),
  eq('i64.trunc_f32_u', [0x5f7fffff], 18446742974197923840n),
  trap('i64.trunc_f32_u', [0x5f800000], OVF), // 2^64
  eq('i64.trunc_f32_u', [NEG09], 0n),
  trap('i64.trunc_f32_u', [NEG1], OVF),
  trap('i64.trunc_f32_u', [SNAN], BAD),
  eq('i64.trunc_f64_s', [0x43dfffffffffffffn], 9223372036854774784n),
  eq('i64.trunc_f64_s', [0xc3e0000000000000n], -0x8000000000000000n),
  trap('i64.trunc_f64_s', [0x43e0000000000000n], OVF), // 2^63 (what i64 max converts to)
  trap('i64.trunc_f64_s', [0xc3e0000000000001n], OVF),
  trap('i64.trunc_f64_s', [DNAN], BAD),
  trap('i64.trunc_f64_s', [DNINF], OVF),
  eq('i64.trunc_f64_s', [0xc1e0000000200000n], -2147483649n),
  eq('i64.trunc_f64_u', [0x43efffffffffffffn], 18446744073709549568n),
  trap('i64.trunc_f64_u', [0x43f0000000000000n], OVF), // 2^64
  eq('i64.trunc_f64_u', [DNEG09], 0n),
  eq('i64.trunc_f64_u', [0x41f0000000000000n], 4294967296n),
  trap('i64.trunc_f64_u', [DNEG1], OVF),
  trap('i64.trunc_f64_u', [DNAN], BAD),
  trap('i64.trunc_f64_u', [DINF], OVF),
]);

const sat = (name: string, pairs: [number | bigint, number | bigint][]): Step[] => pairs.map(([a, r]) => eq(name, [a], r));
both('trunc_sat clamps and maps NaN to 0', MODULE, [
  ...sat('i32.trunc_sat_f32_s', [
    [NAN, 0], [NNAN, 0], [SNAN, 0], [INF, 0x7fffffff], [NINF, 0x80000000], [0x4f000000, 0x7fffffff], [0xcf000001, 0x80000000],
    [0xcf000000, 0x80000000], [0x4effffff, 2147483520], [0xbfc00000, -1], [NEG09, 0],
  ]),
  ...sat('i32.trunc_sat_f32_u', [
    [NAN, 0], [INF, -1], [NINF, 0], [0x4f800000, -1], [0x4f7fffff, 0xffffff00], [NEG1, 0], [NEG09, 0], [0x3fc00000, 1],
  ]),
  ...sat('i32.trunc_sat_f64_s', [
    [DNAN, 0], [DSNAN, 0], [DINF, 0x7fffffff], [DNINF, 0x80000000], [0x41e0000000000000n, 0x7fffffff],
    [0xc1e0000000200000n, 0x80000000], [0x41dffffffff9999an, 2147483647], [0xc1e00000001ccccdn, -2147483648],
  ]),
  ...sat('i32.trunc_sat_f64_u', [
    [DNNAN, 0], [DINF, -1], [DNINF, 0], [0x41f0000000000000n, -1], [0x41effffffffccccdn, -1], [DNEG1, 0], [DNEG09, 0],
  ]),
  ...sat('i64.trunc_sat_f32_s', [
    [NAN, 0n], [INF, 0x7fffffffffffffffn], [NINF, -0x8000000000000000n], [0x5f000000, 0x7fffffffffffffffn],
    [0xdf000001, -0x8000000000000000n], [0x5effffff, 9223371487098961920n],
  ]),
  ...sat('i64.trunc_sat_f32_u', [[SNAN, 0n], [INF, -1n], [NINF, 0n], [0x5f800000, -1n], [0x5f7fffff, 18446742974197923840n], [NEG1, 0n]]),
  ...sat('i64.trunc_sat_f64_s', [
    [DNAN, 0n], [DINF, 0x7fffffffffffffffn], [DNINF, -0x8000000000000000n], [0x43e0000000000000n, 0x7fffffffffffffffn],
    [0xc3e0000000000001n, -0x8000000000000000n], [0x43dfffffffffffffn, 9223372036854774784n], [DNZ, 0n],
  ]),
  ...sat('i64.trunc_sat_f64_u', [
    [DNAN, 0n], [DINF, -1n], [DNINF, 0n], [0x43f0000000000000n, -1n], [0x43efffffffffffffn, 18446744073709549568n], [DNEG1, 0n], [DNEG09, 0n],
  ]),
]);

// Constant operands, so a translator that folds conversions must still trap at the right place.
both(
  'trunc of constants',
  `(module
    (func (export "nan") (result i32) f32.const nan i32.trunc_f32_s)
    (func (export "big") (result i64) f64.const 0x1p64 i64.trunc_f64_u)
    (func (export "sat") (result i32) f64.const -inf i32.trunc_sat_f64_u)
    (func (export "conv") (result i32) i64.const 0x20000020000001 f32.convert_i64_s i32.reinterpret_f32)
  )`,
  [trap('nan', [], BAD), trap('big', [], OVF), eq('sat', [], 0), eq('conv', [], 0x5a000001)],
);
