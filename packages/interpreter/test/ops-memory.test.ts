// Linear memory (core spec §4.4.7): loads and stores of every width, little-endian, with sign or zero
// extension, at unaligned addresses and with offset immediates; the effective address is the 33-bit
// sum addr + offset (it never wraps), and an access traps unless all of its bytes are in bounds: the
// last valid address per width works and the next one traps, writing nothing. memory.size/grow:
// grow returns the old size or -1 (beyond the declared maximum, beyond 65536 pages) and new pages
// read as zero.
import { both, eq, trap, memIs, memSize } from './support/both.js';

const OOB = 'out_of_bounds_memory' as const;
const LAST = 65535;

const LOADS: [string, string][] = [
  ['i32', 'load8_s'], ['i32', 'load8_u'], ['i32', 'load16_s'], ['i32', 'load16_u'], ['i32', 'load'],
  ['i64', 'load8_s'], ['i64', 'load8_u'], ['i64', 'load16_s'], ['i64', 'load16_u'], ['i64', 'load32_s'], ['i64', 'load32_u'], ['i64', 'load'],
];
const STORES: [string, string][] = [['i32', 'store8'], ['i32', 'store16'], ['i32', 'store'], ['i64', 'store8'], ['i64', 'store16'], ['i64', 'store32'], ['i64', 'store']];

const MODULE = `(module
  (memory (export "mem") 1)
  (data (i32.const 0) "\\80\\7f\\ff\\01\\02\\03\\04\\05\\06\\07\\08\\09\\fe\\fd\\fc\\fb")
  (data (i32.const 65528) "\\01\\02\\03\\04\\05\\06\\07\\88")
  ${LOADS.map(([t, op]) => `(func (export "${t}.${op}") (param i32) (result ${t}) local.get 0 ${t}.${op})`).join('\n  ')}
  ${STORES.map(([t, op]) => `(func (export "${t}.${op}") (param i32 ${t}) local.get 0 local.get 1 ${t}.${op})`).join('\n  ')}
  (func (export "load_off4") (param i32) (result i32) local.get 0 i32.load offset=4)
  (func (export "load8_off_last") (param i32) (result i32) local.get 0 i32.load8_u offset=65535)
  (func (export "load8_off1") (param i32) (result i32) local.get 0 i32.load8_u offset=1)
  (func (export "load_off_max") (param i32) (result i32) local.get 0 i32.load offset=0xffffffff)
  (func (export "i64_load_off") (param i32) (result i64) local.get 0 i64.load offset=0xfffffff8)
  (func (export "store_off") (param i32 i32) local.get 0 local.get 1 i32.store offset=0xfffffffc)
  (func (export "store16_off") (param i32 i32) local.get 0 local.get 1 i32.store16 offset=2 align=1)
  (func (export "load_align1") (param i32) (result i64) local.get 0 i64.load align=1)
)`;

both('loads of every width, sign/zero extension, unaligned', MODULE, [
  eq('i32.load8_s', [0], -128),
  eq('i32.load8_u', [0], 128),
  eq('i32.load8_s', [1], 127),
  eq('i32.load8_s', [2], -1),
  eq('i32.load8_u', [2], 255),
  eq('i32.load16_s', [0], 0x7f80),
  eq('i32.load16_s', [1], -129),
  eq('i32.load16_u', [1], 0xff7f),
  eq('i32.load16_u', [12], 0xfdfe),
  eq('i32.load16_s', [12], 0xfdfe - 0x10000),
  eq('i32.load', [0], 0x01ff7f80),
  eq('i32.load', [1], 0x0201ff7f),
  eq('i32.load', [12], 0xfbfcfdfe),
  eq('i64.load8_s', [0], -128n),
  eq('i64.load8_u', [0], 128n),
  eq('i64.load8_s', [1], 127n),
  eq('i64.load16_s', [1], -129n),
  eq('i64.load16_u', [1], 0xff7fn),
  eq('i64.load32_s', [0], 0x01ff7f80n),
  eq('i64.load32_s', [12], 0xfbfcfdfen - 0x100000000n),
  eq('i64.load32_u', [12], 0xfbfcfdfen),
  eq('i64.load32_u', [2], 0x030201ffn),
  eq('i64.load', [0], 0x0504030201ff7f80n),
  eq('i64.load', [5], 0xfe09080706050403n),
  eq('i64.load', [8], 0xfbfcfdfe09080706n),
  eq('load_align1', [3], 0x0807060504030201n),
  eq('load_off4', [0], 0x05040302),
  eq('load_off4', [8], 0xfbfcfdfe),
]);

both('the last valid address per width, and one past it', MODULE, [
  eq('i32.load8_u', [LAST], 0x88),
  trap('i32.load8_u', [LAST + 1], OOB),
  eq('i32.load8_s', [LAST], -120),
  trap('i32.load8_s', [-1], OOB),
  eq('i32.load16_s', [LAST - 1], 0x8807 - 0x10000),
  trap('i32.load16_u', [LAST], OOB),
  eq('i32.load', [LAST - 3], 0x88070605),
  trap('i32.load', [LAST - 2], OOB),
  trap('i32.load', [LAST], OOB),
  trap('i32.load', [-4], OOB),
  eq('i64.load', [LAST - 7], 0x8807060504030201n),
  trap('i64.load', [LAST - 6], OOB),
  trap('i64.load', [-8], OOB),
  eq('i64.load32_u', [LAST - 3], 0x88070605n),
  eq('i64.load32_s', [LAST - 3], 0x88070605n - 0x100000000n),
  trap('i64.load32_s', [LAST - 2], OOB),
  eq('i64.load16_u', [LAST - 1], 0x8807n),
  trap('i64.load16_s', [LAST], OOB),
  eq('i64.load8_u', [LAST], 0x88n),
  trap('i64.load8_u', [LAST + 1], OOB),
  // addr + offset is computed without wrapping.
  eq('load_off4', [LAST - 7], 0x88070605),
  trap('load_off4', [LAST - 6], OOB),
  eq('load8_off_last', [0], 0x88),
  trap('load8_off_last', [1], OOB),
  trap('load8_off1', [-1], OOB),
  trap('load_off_max', [0], OOB),
  trap('load_off_max', [1], OOB),
  trap('i64_load_off', [8], OOB),
  trap('i64_load_off', [0], OOB),
]);

both('stores of every width, little-endian, unaligned', MODULE, [
  eq('i32.store8', [100, 0x12345678]),
  memIs(100, [0x78, 0]),
  eq('i32.store16', [101, 0xabcd1234]),
  memIs(100, [0x78, 0x34, 0x12, 0]),
  eq('i32.store', [103, 0x01020304]),
  memIs(100, [0x78, 0x34, 0x12, 0x04, 0x03, 0x02, 0x01, 0]),
  eq('i32.load', [101], 0x03041234),
  eq('i64.store8', [200, 0x1122334455667788n]),
  eq('i64.store16', [210, 0x1122334455667788n]),
  eq('i64.store32', [220, 0x1122334455667788n]),
  eq('i64.store', [231, 0x1122334455667788n]),
  memIs(200, [0x88, 0]),
  memIs(210, [0x88, 0x77, 0]),
  memIs(220, [0x88, 0x77, 0x66, 0x55, 0]),
  memIs(230, [0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0]),
  eq('i64.load', [231], 0x1122334455667788n),
  eq('i64.store', [240, -1n]),
  eq('i64.store32', [240, 0n]),
  memIs(240, [0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0]),
  eq('store16_off', [300, -1]),
  memIs(300, [0, 0, 0xff, 0xff, 0]),
]);

both('out-of-bounds stores trap and write nothing', MODULE, [
  eq('i32.store', [LAST - 3, 0x11223344]),
  memIs(LAST - 3, [0x44, 0x33, 0x22, 0x11]),
  trap('i32.store', [LAST - 2, -1], OOB),
  trap('i32.store', [LAST - 1, -1], OOB),
  trap('i32.store16', [LAST, -1], OOB),
  memIs(LAST - 3, [0x44, 0x33, 0x22, 0x11]),
  eq('i32.store8', [LAST, 0xaa]),
  trap('i32.store8', [LAST + 1, 0xbb], OOB),
  memIs(LAST, [0xaa]),
  trap('i64.store', [LAST - 6, -1n], OOB),
  trap('i64.store32', [LAST - 2, -1n], OOB),
  memIs(LAST - 7, [0x01, 0x02, 0x03, 0x04, 0x44, 0x33, 0x22, 0xaa]),
  trap('store_off', [4, -1], OOB), // 4 + 0xfffffffc = 2^32: no wrap to 0
  trap('store_off', [3, -1], OOB),
  memIs(0, [0x80, 0x7f, 0xff, 0x01]),
]);

const GROW = `(module
  (memory (export "mem") 1 3)
  (func (export "size") (result i32) memory.size)
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
  (func (export "load") (param i32) (result i32) local.get 0 i32.load)
  (func (export "store") (param i32 i32) local.get 0 local.get 1 i32.store)
)`;
both('memory.size and memory.grow up to the maximum', GROW, [
  eq('size', [], 1),
  memSize(1),
  trap('load', [65536], OOB),
  eq('grow', [1], 1),
  eq('size', [], 2),
  memSize(2),
  eq('load', [2 * 65536 - 4], 0),
  eq('store', [2 * 65536 - 4, 0x12345678]),
  eq('load', [2 * 65536 - 4], 0x12345678),
  trap('load', [2 * 65536 - 3], OOB),
  eq('grow', [2], -1), // 2 + 2 > 3
  eq('size', [], 2),
  memSize(2),
  eq('grow', [0], 2),
  eq('grow', [1], 2),
  memSize(3),
  eq('load', [2 * 65536 - 4], 0x12345678),
  eq('load', [3 * 65536 - 4], 0),
  trap('load', [3 * 65536 - 3], OOB),
  eq('grow', [1], -1),
  eq('grow', [-1], -1),
  eq('grow', [0], 3),
  eq('size', [], 3),
]);

both(
  'memory.grow without a maximum: more than 65536 pages fails',
  `(module
    (memory (export "mem") 1)
    (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
    (func (export "size") (result i32) memory.size))`,
  [eq('grow', [65536], -1), eq('grow', [-1], -1), eq('grow', [0x80000000], -1), eq('size', [], 1), eq('grow', [1], 1), eq('size', [], 2), memSize(2)],
);

both(
  'a zero-page memory',
  `(module
    (memory (export "mem") 0 0)
    (func (export "size") (result i32) memory.size)
    (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
    (func (export "load8") (param i32) (result i32) local.get 0 i32.load8_u))`,
  [eq('size', [], 0), trap('load8', [0], OOB), eq('grow', [0], 0), eq('grow', [1], -1), eq('size', [], 0), memSize(0)],
);

both(
  'an imported memory: segments, stores and grow act on the host object',
  `(module
    (import "env" "mem" (memory 1 2))
    (data (i32.const 16) "\\01\\02")
    (func (export "store") (param i32 i32) local.get 0 local.get 1 i32.store)
    (func (export "load") (param i32) (result i32) local.get 0 i32.load)
    (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))`,
  [
    memIs(16, [1, 2, 0]),
    eq('store', [20, 0x0a0b0c0d]),
    memIs(20, [0x0d, 0x0c, 0x0b, 0x0a]),
    eq('grow', [1], 1),
    memSize(2),
    eq('store', [65536, 7]),
    memIs(65536, [7, 0, 0, 0]),
    eq('grow', [1], -1),
    trap('load', [2 * 65536 - 3], OOB),
  ],
  { imports: (kit) => ({ env: { mem: kit.memory(1, 2) } }) },
);
