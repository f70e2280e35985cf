// f32/f64 instructions (core spec §4.3.3 "Floating-point operations"), compared by bit pattern.
// Arithmetic modules run twice: as written, where a NaN result need only be a NaN of the kind the
// spec allows (nan:canonical when every NaN input was canonical, else nan:arithmetic), and after
// `canonicalizeNaNs`, where it must be exactly 0x7fc00000 / 0x7ff8000000000000. Non-NaN results are
// exact in both. The bit-exact instructions (abs, neg, copysign, loads, stores, moves, reinterpret,
// select, calls) must keep signalling NaNs and payloads in both runs.
import { both, eq, nan32, nan64, F32, F64, f32b, f64b, floatBinary, floatUnary, floatCompare, memIs, type Step } from './support/both.js';

// f32 bit patterns.
const Z = 0x00000000;
const NZ = 0x80000000;
const ONE = 0x3f800000;
const NONE = 0xbf800000;
const TWO = 0x40000000;
const THREE = 0x40400000;
const HALF = 0x3f000000;
const NHALF = 0xbf000000;
const INF = 0x7f800000;
const NINF = 0xff800000;
const MAXF = 0x7f7fffff;
const SUB = 0x00000001; // smallest subnormal
const QNAN = 0x7fc00000;
const NQNAN = 0xffc00000;
const SNAN = 0x7fa00000;
const NSNAN = 0xffa00000;
const PNAN = 0x7fc12345; // quiet, with payload

// f64 bit patterns.
const DZ = 0n;
const DNZ = 0x8000000000000000n;
const DONE = 0x3ff0000000000000n;
const DNONE = 0xbff0000000000000n;
const DTWO = 0x4000000000000000n;
const DTHREE = 0x4008000000000000n;
const DHALF = 0x3fe0000000000000n;
const DNHALF = 0xbfe0000000000000n;
const DINF = 0x7ff0000000000000n;
const DNINF = 0xfff0000000000000n;
const DMAX = 0x7fefffffffffffffn;
const DSUB = 0x0000000000000001n;
const DQNAN = 0x7ff8000000000000n;
const DNQNAN = 0xfff8000000000000n;
const DSNAN = 0x7ff4000000000000n;
const DNSNAN = 0xfff4000000000000n;
const DSNAN1 = 0x7ff0000000000001n; // the smallest signalling payload
const DPNAN = 0x7ff8000000012345n;

const C32 = nan32('canonical');
const A32 = nan32('arithmetic');
const C64 = nan64('canonical');
const A64 = nan64('arithmetic');

const ARITH = ['add', 'sub', 'mul', 'div', 'min', 'max'];
const UNARY = ['sqrt', 'ceil', 'floor', 'trunc', 'nearest'];
const arithModule = (t: 'f32' | 'f64') => `(module
  ${ARITH.map((op) => floatBinary(t, op, op)).join('\n  ')}
  ${UNARY.map((op) => floatUnary(t, op, op)).join('\n  ')}
)`;

both(
  'f32 add/sub/mul/div',
  arithModule('f32'),
  [
    eq('add', [ONE, TWO], THREE),
    eq('add', [0x3dcccccd, 0x3e4ccccd], 0x3e99999a), // 0.1f + 0.2f
    eq('add', [NZ, NZ], NZ),
    eq('add', [NZ, Z], Z),
    eq('add', [Z, NZ], Z),
    eq('add', [MAXF, MAXF], INF),
    eq('add', [SUB, SUB], 0x00000002), // subnormals are not flushed
    eq('add', [ONE, SUB], ONE),
    eq('add', [INF, NINF], C32),
    eq('add', [QNAN, ONE], C32),
    eq('add', [NQNAN, ONE], C32),
    eq('add', [SNAN, ONE], A32),
    eq('add', [ONE, PNAN], A32),
    eq('add', [INF, INF], INF),
    eq('sub', [ONE, ONE], Z),
    eq('sub', [NZ, Z], NZ),
    eq('sub', [Z, Z], Z),
    eq('sub', [NZ, NZ], Z),
    eq('sub', [INF, INF], C32),
    eq('sub', [NINF, NINF], C32),
    eq('sub', [ONE, NSNAN], A32),
    eq('mul', [NZ, 0x40a00000], NZ),
    eq('mul', [NONE, Z], NZ),
    eq('mul', [Z, INF], C32),
    eq('mul', [MAXF, TWO], INF),
    eq('mul', [MAXF, 0xc0000000], NINF),
    eq('mul', [SUB, HALF], Z), // 2^-150: a tie, to even
    eq('mul', [0x00000003, HALF], 0x00000002), // 1.5 * 2^-149: a tie, to even
    eq('mul', [SUB, THREE], 0x00000003),
    eq('mul', [QNAN, QNAN], C32),
    eq('div', [ONE, Z], INF),
    eq('div', [NONE, Z], NINF),
    eq('div', [ONE, NZ], NINF),
    eq('div', [Z, Z], C32),
    eq('div', [INF, INF], C32),
    eq('div', [ONE, THREE], 0x3eaaaaab),
    eq('div', [ONE, INF], Z),
    eq('div', [NONE, INF], NZ),
    eq('div', [SNAN, ONE], A32),
  ],
  { canon: true },
);

both(
  'f64 add/sub/mul/div',
  arithModule('f64'),
  [
    eq('add', [DONE, DTWO], DTHREE),
    eq('add', [0x3fb999999999999an, 0x3fc999999999999an], 0x3fd3333333333334n), // 0.1 + 0.2
    eq('add', [DNZ, DNZ], DNZ),
    eq('add', [DNZ, DZ], DZ),
    eq('add', [DMAX, DMAX], DINF),
    eq('add', [DSUB, DSUB], 0x2n),
    eq('add', [DINF, DNINF], C64),
    eq('add', [DQNAN, DONE], C64),
    eq('add', [DSNAN, DONE], A64),
    eq('add', [DONE, DPNAN], A64),
    eq('add', [0x4340000000000000n, DONE], 0x4340000000000000n), // 2^53 + 1: a tie, to even
    eq('add', [0x4340000000000000n, DTHREE], 0x4340000000000002n), // 2^53 + 3 → 2^53 + 4
    eq('sub', [DONE, DONE], DZ),
    eq('sub', [DNZ, DZ], DNZ),
    eq('sub', [DINF, DINF], C64),
    eq('sub', [DNSNAN, DONE], A64),
    eq('mul', [DNZ, DTWO], DNZ),
    eq('mul', [DZ, DNINF], C64),
    eq('mul', [DMAX, DTWO], DINF),
    eq('mul', [DSUB, DHALF], DZ),
    eq('mul', [0x3ff0000000000001n, 0x3ff0000000000001n], 0x3ff0000000000002n),
    eq('div', [DONE, DZ], DINF),
    eq('div', [DONE, DNZ], DNINF),
    eq('div', [DZ, DZ], C64),
    eq('div', [DNINF, DINF], C64),
    eq('div', [DONE, DTHREE], 0x3fd5555555555555n),
    eq('div', [DNONE, DINF], DNZ),
    eq('div', [DSNAN, DONE], A64),
  ],
  { canon: true },
);

both(
  'f32 sqrt/min/max',
  arithModule('f32'),
  [
    eq('sqrt', [0x40800000], TWO),
    eq('sqrt', [TWO], 0x3fb504f3),
    eq('sqrt', [NZ], NZ),
    eq('sqrt', [Z], Z),
    eq('sqrt', [NONE], C32),
    eq('sqrt', [NINF], C32),
    eq('sqrt', [INF], INF),
    eq('sqrt', [SNAN], A32),
    eq('sqrt', [SUB], 0x1a3504f3), // sqrt(2^-149)
    eq('min', [Z, NZ], NZ),
    eq('min', [NZ, Z], NZ),
    eq('max', [Z, NZ], Z),
    eq('max', [NZ, Z], Z),
    eq('min', [NZ, NZ], NZ),
    eq('max', [NZ, NZ], NZ),
    eq('min', [ONE, QNAN], C32),
    eq('min', [QNAN, ONE], C32),
    eq('max', [NQNAN, NINF], C32),
    eq('min', [SNAN, ONE], A32),
    eq('max', [ONE, SNAN], A32),
    eq('max', [PNAN, INF], A32),
    eq('min', [NINF, INF], NINF),
    eq('max', [NINF, INF], INF),
    eq('max', [NINF, NONE], NONE),
    eq('min', [SUB, Z], Z),
    eq('max', [SUB, NZ], SUB),
  ],
  { canon: true },
);

both(
  'f64 sqrt/min/max',
  arithModule('f64'),
  [
    eq('sqrt', [0x4010000000000000n], DTWO),
    eq('sqrt', [DTWO], 0x3ff6a09e667f3bcdn),
    eq('sqrt', [DNZ], DNZ),
    eq('sqrt', [DNONE], C64),
    eq('sqrt', [DINF], DINF),
    eq('sqrt', [DSNAN], A64),
    eq('min', [DZ, DNZ], DNZ),
    eq('min', [DNZ, DZ], DNZ),
    eq('max', [DZ, DNZ], DZ),
    eq('max', [DNZ, DZ], DZ),
    eq('min', [DONE, DQNAN], C64),
    eq('max', [DNQNAN, DONE], C64),
    eq('min', [DSNAN, DONE], A64),
    eq('max', [DONE, DSNAN1], A64),
    eq('min', [DNINF, DINF], DNINF),
    eq('max', [DNINF, DINF], DINF),
    eq('min', [DSUB, DZ], DZ),
  ],
  { canon: true },
);

// Rounding to integral: nearest is ties-to-even; ceil/trunc of (-1, 0) and nearest of [-0.5, 0) give -0.
both(
  'f32 nearest/ceil/floor/trunc',
  arithModule('f32'),
  [
    eq('nearest', [HALF], Z),
    eq('nearest', [NHALF], NZ),
    eq('nearest', [0x3fc00000], TWO), // 1.5
    eq('nearest', [0x40200000], TWO), // 2.5
    eq('nearest', [0xc0200000], 0xc0000000), // -2.5 → -2
    eq('nearest', [0x40600000], 0x40800000), // 3.5 → 4
    eq('nearest', [0x40900000], 0x40800000), // 4.5 → 4
    eq('nearest', [0x3effffff], Z), // largest below 0.5
    eq('nearest', [0x3f000001], ONE), // smallest above 0.5
    eq('nearest', [0x4b000001], 0x4b000001), // 2^23 + 1: already integral
    eq('nearest', [0x4affffff], 0x4b000000), // 8388607.5 → 8388608 (even)
    eq('nearest', [0x4afffffd], 0x4afffffc), // 8388606.5 → 8388606 (even)
    eq('nearest', [NZ], NZ),
    eq('nearest', [NINF], NINF),
    eq('nearest', [QNAN], C32),
    eq('nearest', [SNAN], A32),
    eq('ceil', [NHALF], NZ),
    eq('ceil', [0xbf666666], NZ), // -0.9
    eq('ceil', [HALF], ONE),
    eq('ceil', [NZ], NZ),
    eq('ceil', [0x3f800001], TWO),
    eq('ceil', [SUB], ONE),
    eq('ceil', [INF], INF),
    eq('ceil', [QNAN], C32),
    eq('floor', [NHALF], NONE),
    eq('floor', [HALF], Z),
    eq('floor', [NZ], NZ),
    eq('floor', [0x80000001], NONE), // -2^-149
    eq('floor', [0xbf800001], 0xc0000000),
    eq('floor', [SNAN], A32),
    eq('trunc', [NHALF], NZ),
    eq('trunc', [0x3fc00000], ONE),
    eq('trunc', [0xbfc00000], NONE),
    eq('trunc', [0x4b7fffff], 0x4b7fffff),
    eq('trunc', [NINF], NINF),
    eq('trunc', [NQNAN], C32),
  ],
  { canon: true },
);

both(
  'f64 nearest/ceil/floor/trunc',
  arithModule('f64'),
  [
    eq('nearest', [DHALF], DZ),
    eq('nearest', [DNHALF], DNZ),
    eq('nearest', [0x3ff8000000000000n], DTWO), // 1.5
    eq('nearest', [0x4004000000000000n], DTWO), // 2.5
    eq('nearest', [0xc004000000000000n], 0xc000000000000000n), // -2.5
    eq('nearest', [0x400c000000000000n], 0x4010000000000000n), // 3.5
    eq('nearest', [0x3fdfffffffffffffn], DZ), // largest below 0.5
    eq('nearest', [0x4330000000000001n], 0x4330000000000001n), // 2^52 + 1
    eq('nearest', [0x432ffffffffffffdn], 0x432ffffffffffffcn), // 2^52 - 1.5 → -2 (even)
    eq('nearest', [DNZ], DNZ),
    eq('nearest', [DQNAN], C64),
    eq('nearest', [DSNAN], A64),
    eq('ceil', [DNHALF], DNZ),
    eq('ceil', [DHALF], DONE),
    eq('ceil', [DNZ], DNZ),
    eq('ceil', [DSUB], DONE),
    eq('ceil', [0xbfefffffffffffffn], DNZ),
    eq('floor', [DNHALF], DNONE),
    eq('floor', [DNZ], DNZ),
    eq('floor', [0x8000000000000001n], DNONE),
    eq('floor', [DSNAN], A64),
    eq('trunc', [DNHALF], DNZ),
    eq('trunc', [0xbff8000000000000n], DNONE),
    eq('trunc', [0x4340000000000000n], 0x4340000000000000n),
    eq('trunc', [DNINF], DNINF),
    eq('trunc', [DNQNAN], C64),
  ],
  { canon: true },
);

// Comparisons: NaN is unordered (all false except ne), -0 == +0.
const CMPS = ['eq', 'ne', 'lt', 'gt', 'le', 'ge'];
const cmpCases = (pairs: [number | bigint, number | bigint, string][]): Step[] =>
  pairs.flatMap(([a, b, bits]) => CMPS.map((op, i) => eq(op, [a, b], Number(bits[i]))));
both(
  'f32 comparisons',
  `(module ${CMPS.map((op) => floatCompare('f32', op, op)).join(' ')})`,
  // eq ne lt gt le ge
  cmpCases([
    [QNAN, QNAN, '010000'],
    [SNAN, SNAN, '010000'],
    [QNAN, ONE, '010000'],
    [ONE, NSNAN, '010000'],
    [Z, NZ, '100011'],
    [NZ, Z, '100011'],
    [NINF, 0xff7fffff, '011010'],
    [INF, MAXF, '010101'],
    [SUB, Z, '010101'],
    [ONE, 0x3f800001, '011010'],
    [NONE, NONE, '100011'],
  ]),
);
both(
  'f64 comparisons',
  `(module ${CMPS.map((op) => floatCompare('f64', op, op)).join(' ')})`,
  cmpCases([
    [DQNAN, DQNAN, '010000'],
    [DSNAN, DONE, '010000'],
    [DNINF, DNQNAN, '010000'],
    [DZ, DNZ, '100011'],
    [DNINF, 0xffefffffffffffffn, '011010'],
    [DSUB, DZ, '010101'],
    [DONE, 0x3ff0000000000001n, '011010'],
  ]),
);

// abs / neg / copysign only touch the sign bit: payloads and signalling NaNs survive, with or without canonicalisation.
both(
  'f32/f64 abs, neg, copysign are bit-exact',
  `(module
    ${floatUnary('f32', 'abs', 'abs32')} ${floatUnary('f32', 'neg', 'neg32')} ${floatBinary('f32', 'copysign', 'copysign32')}
    ${floatUnary('f64', 'abs', 'abs64')} ${floatUnary('f64', 'neg', 'neg64')} ${floatBinary('f64', 'copysign', 'copysign64')}
  )`,
  [
    eq('abs32', [NSNAN], SNAN),
    eq('abs32', [SNAN], SNAN),
    eq('abs32', [NQNAN], QNAN),
    eq('abs32', [0xff812345], 0x7f812345),
    eq('abs32', [NZ], Z),
    eq('abs32', [NINF], INF),
    eq('abs32', [0x80000001], SUB),
    eq('neg32', [SNAN], NSNAN),
    eq('neg32', [NSNAN], SNAN),
    eq('neg32', [QNAN], NQNAN),
    eq('neg32', [Z], NZ),
    eq('neg32', [NZ], Z),
    eq('neg32', [0x7f812345], 0xff812345),
    eq('copysign32', [SNAN, NONE], NSNAN),
    eq('copysign32', [NSNAN, ONE], SNAN),
    eq('copysign32', [ONE, NQNAN], NONE),
    eq('copysign32', [ONE, SNAN], ONE),
    eq('copysign32', [NZ, Z], Z),
    eq('copysign32', [TWO, NZ], 0xc0000000),
    eq('copysign32', [PNAN, NSNAN], 0xffc12345),
    eq('abs64', [DNSNAN], DSNAN),
    eq('abs64', [0xfff0000000000001n], DSNAN1),
    eq('abs64', [DNZ], DZ),
    eq('neg64', [DSNAN], DNSNAN),
    eq('neg64', [DSNAN1], 0xfff0000000000001n),
    eq('neg64', [DQNAN], DNQNAN),
    eq('neg64', [DZ], DNZ),
    eq('neg64', [DPNAN], 0xfff8000000012345n),
    eq('copysign64', [DSNAN1, DNONE], 0xfff0000000000001n),
    eq('copysign64', [DNSNAN, DONE], DSNAN),
    eq('copysign64', [DONE, DNQNAN], DNONE),
    eq('copysign64', [DTWO, DNZ], 0xc000000000000000n),
    eq('copysign64', [DNZ, DSNAN], DZ),
  ],
  { canon: true },
);

// Moves keep bits: memory (little-endian), locals, globals, select, blocks, calls, multi-value.
both(
  'f32/f64 loads, stores, moves and reinterpret keep signalling NaN bits',
  `(module
    (memory (export "mem") 1)
    (global $g32 (mut f32) (f32.const 0))
    (global $g64 (mut f64) (f64.const 0))
    (func $id32 (param f32) (result f32) local.get 0)
    (func $id64 (param f64) (result f64) local.get 0)
    (func $pair (param f32 f64) (result f64 f32) local.get 1 local.get 0)
    (func (export "store32") (param i32 i32) local.get 0 local.get 1 f32.reinterpret_i32 f32.store)
    (func (export "store64") (param i32 i64) local.get 0 local.get 1 f64.reinterpret_i64 f64.store offset=8)
    (func (export "load32") (param i32) (result i32) local.get 0 f32.load i32.reinterpret_f32)
    (func (export "load64") (param i32) (result i64) local.get 0 f64.load offset=8 i64.reinterpret_f64)
    (func (export "iload32") (param i32) (result i32) local.get 0 i32.load)
    (func (export "local32") (param i32) (result i32) (local f32 f32)
      local.get 0 f32.reinterpret_i32 local.set 1 local.get 1 local.tee 2 drop local.get 2 i32.reinterpret_f32)
    (func (export "global32") (param i32) (result i32)
      local.get 0 f32.reinterpret_i32 global.set $g32 global.get $g32 i32.reinterpret_f32)
    (func (export "global64") (param i64) (result i64)
      local.get 0 f64.reinterpret_i64 global.set $g64 global.get $g64 i64.reinterpret_f64)
    (func (export "select32") (param i32 i32 i32) (result i32)
      local.get 0 f32.reinterpret_i32 local.get 1 f32.reinterpret_i32 local.get 2 select i32.reinterpret_f32)
    (func (export "select64") (param i64 i64 i32) (result i64)
      local.get 0 f64.reinterpret_i64 local.get 1 f64.reinterpret_i64 local.get 2 select i64.reinterpret_f64)
    (func (export "call32") (param i32) (result i32) local.get 0 f32.reinterpret_i32 call $id32 i32.reinterpret_f32)
    (func (export "call64") (param i64) (result i64) local.get 0 f64.reinterpret_i64 call $id64 i64.reinterpret_f64)
    (func (export "block32") (param i32) (result i32)
      (block (result f32) local.get 0 f32.reinterpret_i32 i32.const 1 br_if 0 drop f32.const 0) i32.reinterpret_f32)
    (func (export "multi") (param i32 i64) (result i32 i64) (local f64)
      local.get 0 f32.reinterpret_i32 local.get 1 f64.reinterpret_i64 call $pair
      i32.reinterpret_f32 local.set 0 local.set 2 local.get 0 local.get 2 i64.reinterpret_f64)
    (func (export "id32") (param f32) (result f32) local.get 0)
    (func (export "id64") (param f64) (result f64) local.get 0)
  )`,
  [
    eq('store32', [0, SNAN]),
    memIs(0, [0x00, 0x00, 0xa0, 0x7f]),
    eq('load32', [0], SNAN),
    eq('iload32', [0], SNAN),
    eq('store32', [1, NSNAN]), // unaligned
    memIs(1, [0x00, 0x00, 0xa0, 0xff]),
    eq('load32', [1], NSNAN),
    eq('store64', [0, DSNAN1]),
    memIs(8, [1, 0, 0, 0, 0, 0, 0xf0, 0x7f]),
    eq('load64', [0], DSNAN1),
    eq('store64', [3, DNSNAN]),
    eq('load64', [3], DNSNAN),
    eq('local32', [SNAN], SNAN),
    eq('local32', [0xff800001], 0xff800001),
    eq('global32', [NSNAN], NSNAN),
    eq('global64', [DSNAN], DSNAN),
    eq('global64', [0xfff0000000000001n], 0xfff0000000000001n),
    eq('select32', [SNAN, QNAN, 1], SNAN),
    eq('select32', [SNAN, NSNAN, 0], NSNAN),
    eq('select64', [DSNAN, DQNAN, 1], DSNAN),
    eq('select64', [DSNAN, DNSNAN, 0], DNSNAN),
    eq('call32', [SNAN], SNAN),
    eq('call64', [DSNAN1], DSNAN1),
    eq('block32', [NSNAN], NSNAN),
    eq('multi', [SNAN, DSNAN], SNAN, DSNAN),
    // f32/f64 directly at the boundary: raw bits must survive in the raw form (a JS number quiets an f32 sNaN).
    eq('id32', [f32b(SNAN)], F32(SNAN)),
    eq('id32', [f32b(NZ)], F32(NZ)),
    eq('id32', [f32b(0x3dcccccd)], F32(0x3dcccccd)),
    eq('id64', [f64b(DSNAN)], F64(DSNAN)),
    eq('id64', [f64b(DNZ)], F64(DNZ)),
  ],
  { canon: true },
);

both(
  'f32.demote_f64 and f64.promote_f32',
  `(module
    (func (export "demote") (param i64) (result i32) local.get 0 f64.reinterpret_i64 f32.demote_f64 i32.reinterpret_f32)
    (func (export "promote") (param i32) (result i64) local.get 0 f32.reinterpret_i32 f64.promote_f32 i64.reinterpret_f64)
  )`,
  [
    eq('promote', [0x3fc00000], 0x3ff8000000000000n),
    eq('promote', [NZ], DNZ),
    eq('promote', [SUB], 0x36a0000000000000n), // 2^-149 is a normal f64
    eq('promote', [MAXF], 0x47efffffe0000000n),
    eq('promote', [NINF], DNINF),
    eq('promote', [QNAN], C64),
    eq('promote', [NQNAN], C64),
    eq('promote', [SNAN], A64),
    eq('promote', [PNAN], A64),
    eq('demote', [0x3ff0000000000001n], ONE),
    eq('demote', [0x3ff0000010000000n], ONE), // 1 + 2^-24: a tie, to even
    eq('demote', [0x3ff0000030000000n], 0x3f800002), // 1 + 3·2^-24: a tie, to even (up)
    eq('demote', [0x3ff0000010000001n], 0x3f800001), // just above the tie
    eq('demote', [0x47efffffe0000000n], MAXF),
    eq('demote', [0x47efffffefffffffn], MAXF),
    eq('demote', [0x47effffff0000000n], INF), // FLT_MAX + half an ulp: a tie, to even = inf
    eq('demote', [DMAX], INF),
    eq('demote', [0xffefffffffffffffn], NINF),
    eq('demote', [0x3690000000000000n], Z), // 2^-150: a tie, to even
    eq('demote', [0x3690000000000001n], SUB),
    eq('demote', [DSUB], Z),
    eq('demote', [0x8000000000000001n], NZ),
    eq('demote', [DNZ], NZ),
    eq('demote', [DINF], INF),
    eq('demote', [DQNAN], C32),
    eq('demote', [DSNAN], A32),
    eq('demote', [DPNAN], A32),
  ],
  { canon: true },
);

// Every f32 instruction rounds its own result to f32: an implementation that keeps intermediates in
// f64 (or fuses a multiply and an add) gets these wrong.
both(
  'f32 intermediate results are rounded to f32',
  `(module
    (func (export "chain") (param i32 i32 i32) (result i32)
      local.get 0 f32.reinterpret_i32 local.get 1 f32.reinterpret_i32 f32.mul
      local.get 2 f32.reinterpret_i32 f32.add i32.reinterpret_f32)
    (func (export "big") (result i32) f32.const 16777216 f32.const 1 f32.add f32.const 1 f32.add i32.reinterpret_f32)
  )`,
  [
    // (1+2^-23)^2 = 1 + 2^-22 + 2^-46; rounded to f32 gives 1+2^-22; minus (1+2^-22) = 0 (a fused multiply-add would give 2^-46).
    eq('chain', [0x3f800001, 0x3f800001, 0xbf800002], Z),
    eq('big', [], 0x4b800000), // (2^24 + 1) + 1 with f32 rounding in between: 2^24
  ],
  { canon: true },
);
