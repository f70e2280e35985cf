// Bulk memory (the bulk-memory-operations proposal as merged into core spec 2.0): memory.fill,
// memory.copy, memory.init, data.drop. Every bound is checked before any byte is written, so a
// trapping operation leaves memory untouched; a zero-length operation at exactly the end of memory
// (or of the segment) is allowed, one byte further traps; copy behaves like memmove when the ranges
// overlap, in both directions; a dropped segment behaves as an empty one; active segments are dropped
// once instantiation has applied them; segments are applied in order, and one out of bounds traps
// instantiation after the earlier ones were written.
import { both, eq, trap, memIs } from './support/both.js';

const OOB = 'out_of_bounds_memory' as const;
const END = 65536;

const MODULE = `(module
  (memory (export "mem") 1)
  (data $active (i32.const 0) "\\01\\02\\03\\04\\05\\06\\07\\08\\09\\0a")
  (data $hello "hello")
  (data $empty "")
  (func (export "fill") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.fill)
  (func (export "copy") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.copy)
  (func (export "init_hello") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.init $hello)
  (func (export "init_active") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.init $active)
  (func (export "init_empty") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.init $empty)
  (func (export "drop_hello") data.drop $hello)
  (func (export "drop_active") data.drop $active)
  (func (export "load8") (param i32) (result i32) local.get 0 i32.load8_u)
)`;

both('memory.fill', MODULE, [
  eq('fill', [100, 0xab, 5]),
  memIs(99, [0, 0xab, 0xab, 0xab, 0xab, 0xab, 0]),
  eq('fill', [101, 0x1234, 2]), // only the low byte of the value
  memIs(100, [0xab, 0x34, 0x34, 0xab]),
  eq('fill', [102, -1, 0]), // zero length: nothing
  memIs(100, [0xab, 0x34, 0x34, 0xab]),
  eq('fill', [END - 2, 0x77, 2]),
  memIs(END - 3, [0, 0x77, 0x77]),
  eq('fill', [END, 0x55, 0]), // zero length at the end: allowed
  trap('fill', [END + 1, 0x55, 0], OOB), // one further: traps
  trap('fill', [END - 1, 0x66, 2], OOB), // crosses the end: nothing written
  trap('fill', [END - 2, 0x66, 3], OOB),
  memIs(END - 3, [0, 0x77, 0x77]),
  trap('fill', [0, 0x66, -1], OOB), // 4 GiB
  trap('fill', [-1, 0x66, 1], OOB),
  trap('fill', [-1, 0x66, 0], OOB),
  memIs(0, [1, 2, 3]),
]);

both('memory.copy, overlapping in both directions', MODULE, [
  eq('copy', [100, 0, 10]), // disjoint
  memIs(100, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0]),
  eq('copy', [102, 100, 6]), // dst > src, overlapping: must copy from the back
  memIs(100, [1, 2, 1, 2, 3, 4, 5, 6, 9, 10]),
  eq('copy', [200, 0, 10]),
  eq('copy', [200, 203, 6]), // dst < src, overlapping: must copy from the front
  memIs(200, [4, 5, 6, 7, 8, 9, 7, 8, 9, 10]),
  eq('copy', [300, 300, 4]), // onto itself
  eq('copy', [5, 5, 0]),
  memIs(0, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
  eq('copy', [END - 4, 0, 4]), // right up to the end
  memIs(END - 5, [0, 1, 2, 3, 4]),
  eq('copy', [0, END - 2, 2]), // from the very end
  memIs(0, [3, 4, 3, 4, 5]),
  eq('copy', [END, 0, 0]), // zero length at the end: allowed, either side
  eq('copy', [0, END, 0]),
  trap('copy', [END + 1, 0, 0], OOB),
  trap('copy', [0, END + 1, 0], OOB),
  trap('copy', [END - 1, 0, 2], OOB), // dst crosses the end: nothing written
  trap('copy', [0, END - 1, 2], OOB), // src crosses the end: nothing written
  trap('copy', [10, -1, 2], OOB), // src + len overflows 32 bits
  trap('copy', [-1, 10, 2], OOB),
  trap('copy', [0, 0, -1], OOB),
  memIs(END - 5, [0, 1, 2, 3, 4]),
  memIs(0, [3, 4, 3, 4, 5]),
]);

both('memory.init and data.drop', MODULE, [
  eq('init_hello', [1000, 0, 5]),
  memIs(999, [0, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0]),
  eq('init_hello', [2000, 1, 3]), // from inside the segment
  memIs(2000, [0x65, 0x6c, 0x6c, 0]),
  eq('init_hello', [3000, 5, 0]), // zero length at the segment's end: allowed
  trap('init_hello', [3000, 6, 0], OOB), // one further: traps
  trap('init_hello', [3000, 3, 3], OOB), // source crosses the segment's end: nothing written
  memIs(3000, [0, 0, 0]),
  trap('init_hello', [END - 2, 0, 3], OOB), // destination crosses memory's end: nothing written
  memIs(END - 2, [0, 0]),
  eq('init_hello', [END, 0, 0]), // zero length at memory's end
  trap('init_hello', [END + 1, 0, 0], OOB),
  trap('init_hello', [0, -1, 1], OOB),
  eq('init_empty', [0, 0, 0]),
  trap('init_empty', [0, 0, 1], OOB),
  eq('drop_hello', []),
  eq('drop_hello', []), // dropping twice is fine
  trap('init_hello', [4000, 0, 1], OOB), // a dropped segment is empty
  eq('init_hello', [4000, 0, 0]), // ... so zero length at offset 0 still works
  trap('init_hello', [4000, 1, 0], OOB),
  memIs(4000, [0]),
]);

both('active data segments are applied, then dropped', MODULE, [
  memIs(0, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0]),
  trap('init_active', [100, 0, 1], OOB),
  eq('init_active', [100, 0, 0]),
  eq('drop_active', []),
  memIs(100, [0]),
]);

both(
  'data segments: overlapping active ones apply in order, zero-length at the end is fine',
  `(module
    (import "env" "base" (global $g i32))
    (memory (export "mem") 1)
    (data (i32.const 10) "\\01\\01\\01\\01")
    (data (i32.const 12) "\\02\\02\\02")
    (data (i32.const 65536) "")
    (data (i32.const 65534) "\\fe\\ff")
    (data (global.get $g) "\\33"))`,
  [memIs(10, [1, 1, 2, 2, 2, 0]), memIs(20, [0x33]), memIs(65534, [0xfe, 0xff])],
  { imports: () => ({ env: { base: 20 } }) },
);

both(
  'an active data segment out of bounds traps instantiation',
  `(module (memory 1) (data (i32.const 65534) "abc"))`,
  [],
  { instantiateTraps: OOB },
);

both(
  'an empty active data segment one past the end traps instantiation',
  `(module (memory 1) (data (i32.const 65537) ""))`,
  [],
  { instantiateTraps: OOB },
);

both(
  'segments before the failing one have been written (imported memory)',
  `(module
    (import "env" "mem" (memory 1))
    (data (i32.const 0) "\\aa\\bb")
    (data (i32.const 65535) "\\cc\\dd")
    (data (i32.const 8) "\\ee"))`,
  [memIs(0, [0xaa, 0xbb]), memIs(8, [0]), memIs(65535, [0])],
  { instantiateTraps: OOB, imports: (kit) => ({ env: { mem: kit.memory(1) } }) },
);

both(
  'bulk operations on a zero-page memory',
  `(module
    (memory (export "mem") 0)
    (data $d "x")
    (func (export "fill") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.fill)
    (func (export "copy") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.copy)
    (func (export "init") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.init $d))`,
  [
    eq('fill', [0, 0, 0]),
    trap('fill', [0, 0, 1], OOB),
    eq('copy', [0, 0, 0]),
    trap('copy', [1, 0, 0], OOB),
    eq('init', [0, 1, 0]),
    trap('init', [0, 0, 1], OOB),
  ],
);
