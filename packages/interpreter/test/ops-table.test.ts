// Tables and element segments (core spec §4.4.6, §4.4.8 call_indirect, bulk-memory table ops):
// call_indirect with a matching type (types are compared structurally, not by index), a different
// type (indirect_call_type_mismatch), an empty entry (uninitialized_element) and an index at or past
// the table's size (undefined_element; V8 reports all three as RuntimeErrors); active, passive and
// declarative element segments; table.init / table.copy / elem.drop with bounds checked before any
// write, zero-length at the end allowed, dropped and active/declarative segments behaving as empty;
// instantiation failing on an element segment out of bounds, before any data segment is written.
import { both, eq, trap, memIs } from './support/both.js';

const TBL = 'out_of_bounds_table' as const;

const MODULE = `(module
  (type $v_i (func (result i32)))
  (type $i_i (func (param i32) (result i32)))
  (type $v_i_again (func (result i32)))
  (table 8 funcref)
  (elem $a0 (i32.const 0) $one $two $inc)
  (elem $a5 (i32.const 5) $three)
  (elem $p func $four $five $inc)
  (elem $pn funcref (ref.null func) (ref.func $four))
  (elem $decl declare func $six)
  (func $one (type $v_i) i32.const 1)
  (func $two (result i32) i32.const 2)
  (func $inc (param i32) (result i32) local.get 0 i32.const 1 i32.add)
  (func $three (result i32) i32.const 3)
  (func $four (result i32) i32.const 4)
  (func $five (result i32) i32.const 5)
  (func $six (result i32) i32.const 6)
  (func (export "call") (param i32) (result i32) local.get 0 call_indirect (type $v_i))
  (func (export "call_again") (param i32) (result i32) local.get 0 call_indirect (type $v_i_again))
  (func (export "call_inc") (param i32 i32) (result i32) local.get 1 local.get 0 call_indirect (type $i_i))
  (func (export "call_void") (param i32) local.get 0 call_indirect)
  (func (export "init_p") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 table.init $p)
  (func (export "init_pn") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 table.init $pn)
  (func (export "init_a0") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 table.init $a0)
  (func (export "init_decl") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 table.init $decl)
  (func (export "drop_p") elem.drop $p)
  (func (export "drop_a0") elem.drop $a0)
)`;

both('call_indirect', MODULE, [
  eq('call', [0], 1),
  eq('call', [1], 2),
  eq('call', [5], 3),
  eq('call_again', [0], 1), // a different but identical type index
  eq('call_again', [1], 2),
  eq('call_inc', [2, 41], 42),
  trap('call', [2], 'indirect_call_type_mismatch'),
  trap('call_inc', [0, 1], 'indirect_call_type_mismatch'),
  trap('call_void', [0], 'indirect_call_type_mismatch'), // same params, different results
  trap('call', [3], 'uninitialized_element'),
  trap('call', [7], 'uninitialized_element'),
  trap('call_void', [4], 'uninitialized_element'),
  trap('call', [8], 'undefined_element'),
  trap('call', [-1], 'undefined_element'),
  trap('call', [0x80000000], 'undefined_element'),
  eq('call', [0], 1),
]);

both('table.init from passive segments, bounds, elem.drop', MODULE, [
  eq('init_p', [3, 0, 2]),
  eq('call', [3], 4),
  eq('call', [4], 5),
  eq('init_p', [6, 2, 1]),
  eq('call_inc', [6, 9], 10),
  trap('init_p', [7, 1, 2], TBL), // table 7..8 crosses the end (size 8): nothing written
  trap('call', [7], 'uninitialized_element'),
  eq('init_p', [8, 0, 0]), // zero length at the table's end
  trap('init_p', [9, 0, 0], TBL),
  eq('init_p', [0, 3, 0]), // zero length at the segment's end
  trap('init_p', [0, 4, 0], TBL),
  trap('init_p', [0, 2, 2], TBL), // the source crosses the segment's end: nothing written
  eq('call', [0], 1),
  trap('init_p', [0, -1, 1], TBL),
  eq('init_pn', [5, 0, 2]), // a null element overwrites an entry
  trap('call', [5], 'uninitialized_element'),
  eq('call', [6], 4),
  eq('drop_p', []),
  eq('drop_p', []),
  trap('init_p', [0, 0, 1], TBL),
  eq('init_p', [0, 0, 0]),
  trap('init_p', [0, 1, 0], TBL),
  eq('call', [0], 1),
  trap('init_a0', [0, 0, 1], TBL), // active segments are dropped after instantiation
  eq('init_a0', [0, 0, 0]),
  trap('init_decl', [0, 0, 1], TBL), // declarative segments too
  eq('init_decl', [0, 0, 0]),
  eq('drop_a0', []),
  eq('call', [1], 2),
]);

both(
  'table.copy, overlapping in both directions',
  `(module
    (type $v_i (func (result i32)))
    (table 8 funcref)
    (elem (i32.const 0) $f1 $f2 $f3 $f4 $f5)
    (func $f1 (result i32) i32.const 1)
    (func $f2 (result i32) i32.const 2)
    (func $f3 (result i32) i32.const 3)
    (func $f4 (result i32) i32.const 4)
    (func $f5 (result i32) i32.const 5)
    (func (export "call") (param i32) (result i32) local.get 0 call_indirect (type $v_i))
    (func (export "copy") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 table.copy))`,
  [
    eq('copy', [1, 0, 4]), // dst > src: [1 1 2 3 4 _ _ _]
    eq('call', [0], 1),
    eq('call', [1], 1),
    eq('call', [2], 2),
    eq('call', [3], 3),
    eq('call', [4], 4),
    eq('copy', [0, 2, 3]), // dst < src: [2 3 4 3 4 _ _ _]
    eq('call', [0], 2),
    eq('call', [1], 3),
    eq('call', [2], 4),
    eq('call', [3], 3),
    eq('copy', [5, 0, 3]), // [2 3 4 3 4 2 3 4]
    eq('call', [7], 4),
    eq('copy', [3, 5, 0]),
    eq('copy', [8, 0, 0]), // zero length at the end, either side
    eq('copy', [0, 8, 0]),
    trap('copy', [9, 0, 0], TBL),
    trap('copy', [0, 9, 0], TBL),
    trap('copy', [6, 0, 3], TBL), // dst crosses the end: nothing written
    trap('copy', [0, 6, 3], TBL),
    trap('copy', [0, -1, 1], TBL),
    trap('copy', [0, 0, -1], TBL),
    eq('call', [6], 3),
    eq('call', [0], 2),
    eq('copy', [2, 2, 3]),
    eq('call', [2], 4),
  ],
);

both(
  'an active element segment out of bounds traps instantiation',
  `(module (table 2 funcref) (func $f) (elem (i32.const 1) $f $f))`,
  [],
  { instantiateTraps: TBL },
);

both(
  'an empty element segment exactly at the end is fine',
  `(module (table 2 funcref) (func $f) (elem (i32.const 2)) (func (export "ok") (result i32) i32.const 1))`,
  [eq('ok', [], 1)],
);

both(
  'element segments are applied before data segments',
  `(module
    (import "env" "mem" (memory 1))
    (table 1 funcref)
    (func $f)
    (data (i32.const 0) "\\01")
    (elem (i32.const 1) $f))`,
  [memIs(0, [0])],
  { instantiateTraps: TBL, imports: (kit) => ({ env: { mem: kit.memory(1) } }) },
);
