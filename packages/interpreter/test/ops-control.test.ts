// Control instructions (core spec §4.4.8): block / loop / if with parameters and several results
// (multi-value), br / br_if / br_table carrying values out of nested blocks (and leaving the values
// below them behind), br_table's default for every out-of-range index, return from deep inside
// blocks, select for each value type, unreachable, and calls returning several values.
import { both, eq, trap, exhausts } from './support/both.js';

both(
  'blocks, loops and if with parameters and results',
  `(module
    (type $ii_i (func (param i32 i32) (result i32)))
    (type $i_ii (func (param i32) (result i32 i32)))
    (func (export "block_params") (param i32 i32) (result i32)
      local.get 0 local.get 1 (block (type $ii_i) i32.sub))
    (func (export "block_multi") (param i32) (result i32 i32)
      local.get 0 (block (type $i_ii) i32.const 1 i32.add i32.const 100))
    (func (export "block_three") (result i32 i64 i32)
      (block (result i32 i64 i32) i32.const 1 i64.const 2 i32.const 3))
    (func (export "nested") (param i32) (result i32)
      (block (result i32) (block (result i32) (block (result i32) local.get 0)) i32.const 1 i32.add) i32.const 10 i32.mul)
    ;; sum 1..n with the accumulator and counter carried as loop parameters
    (func (export "loop_params") (param i32) (result i32)
      i32.const 0 local.get 0
      (loop $l (param i32 i32) (result i32)
        local.tee 0 i32.add local.get 0 i32.const 1 i32.sub local.tee 0
        local.get 0 br_if $l
        drop))
    (func (export "loop_plain") (param i32) (result i32) (local i32)
      (loop $l local.get 1 local.get 0 i32.add local.set 1 local.get 0 i32.const 1 i32.sub local.tee 0 br_if $l)
      local.get 1)
    (func (export "if_params") (param i32 i32 i32) (result i32 i32)
      local.get 0 local.get 1 local.get 2
      (if (param i32 i32) (result i32 i32) (then i32.add i32.const 1) (else i32.sub i32.const 0)))
    (func (export "if_no_else") (param i32 i32) (result i32)
      local.get 0 local.get 1 (if (param i32) (result i32) (then i32.const 1000 i32.add)))
    (func (export "if_void") (param i32) (result i32) (local i32)
      local.get 0 (if (then i32.const 7 local.set 1)) local.get 1)
    (func (export "if_cond_nonzero") (param i32) (result i32)
      local.get 0 (if (result i32) (then i32.const 1) (else i32.const 0)))
  )`,
  [
    eq('block_params', [10, 3], 7),
    eq('block_multi', [41], 42, 100),
    eq('block_three', [], 1, 2n, 3),
    eq('nested', [4], 50),
    eq('loop_params', [4], 10),
    eq('loop_params', [100], 5050),
    eq('loop_plain', [5], 15),
    eq('if_params', [10, 3, 1], 13, 1),
    eq('if_params', [10, 3, 0], 7, 0),
    eq('if_params', [10, 3, 0x80000000], 13, 1),
    eq('if_no_else', [5, 1], 1005),
    eq('if_no_else', [5, 0], 5),
    eq('if_void', [1], 7),
    eq('if_void', [0], 0),
    eq('if_cond_nonzero', [0x80000000], 1),
    eq('if_cond_nonzero', [-1], 1),
    eq('if_cond_nonzero', [0], 0),
  ],
);

both(
  'br, br_if and return carry values and discard what is below them',
  `(module
    (func (export "br_value") (result i32)
      (block (result i32) i32.const 1 i32.const 2 i32.const 3 br 0))
    (func (export "br_outer") (param i32) (result i32)
      (block $out (result i32)
        (block $in (result i32)
          i32.const 99 local.get 0 br_if $out drop
          i32.const 5 br $in)
        i32.const 100 i32.add))
    (func (export "br_multi") (result i32 i64)
      (block $b (result i32 i64) i64.const 7 drop (block i32.const 9 i64.const 10 br $b) i32.const 0 i64.const 0))
    (func (export "br_if_keeps") (param i32) (result i32)
      (block (result i32) i32.const 1 i32.const 2 local.get 0 br_if 0 i32.add))
    (func (export "br_if_multi") (param i32) (result i32 i32)
      (block (result i32 i32) i32.const 3 i32.const 4 local.get 0 br_if 0 i32.const 10 i32.mul))
    (func (export "br_loop_exit") (param i32) (result i32) (local i32)
      (block $done (loop $l
        local.get 0 i32.eqz br_if $done
        local.get 1 i32.const 2 i32.add local.set 1
        local.get 0 i32.const 1 i32.sub local.set 0
        br $l))
      local.get 1)
    (func (export "return_deep") (param i32) (result i32)
      (block (block (block (loop
        i32.const 1 i32.const 2 local.get 0 (if (then i32.const 77 return)) drop drop
        i32.const 88 return))))
      i32.const 0)
    (func (export "return_multi") (param i32) (result i64 i32)
      (block (result i32) local.get 0 (if (then i64.const -1 i32.const -2 return)) i32.const 0)
      drop i64.const 5 i32.const 6)
    (func (export "fallthrough_multi") (result f32 i32) f32.const 1.5 i32.const 2)
    (func (export "unwind_fn") (result i32) (local i32)
      (block i32.const 1 i32.const 2 i32.const 3 br 0) i32.const 42)
  )`,
  [
    eq('br_value', [], 3),
    eq('br_outer', [1], 99),
    eq('br_outer', [0], 105),
    eq('br_multi', [], 9, 10n),
    eq('br_if_keeps', [1], 2),
    eq('br_if_keeps', [0], 3),
    eq('br_if_multi', [1], 3, 4),
    eq('br_if_multi', [0], 3, 40),
    eq('br_loop_exit', [5], 10),
    eq('br_loop_exit', [0], 0),
    eq('return_deep', [1], 77),
    eq('return_deep', [0], 88),
    eq('return_multi', [1], -1n, -2),
    eq('return_multi', [0], 5n, 6),
    eq('unwind_fn', [], 42),
  ],
);

both(
  'br_table: every case, the default, huge indices, with values',
  `(module
    (func (export "table") (param i32) (result i32)
      (block $d (block $c (block $b (block $a
        local.get 0 br_table $a $b $c $d)
        i32.const 10 return)
        i32.const 11 return)
        i32.const 12 return)
      i32.const 13)
    (func (export "table_value") (param i32) (result i32)
      (block $outer (result i32)
        (block $inner (result i32)
          i32.const 500 local.get 0 br_table $inner $outer $inner)
        i32.const 1 i32.add))
    (func (export "table_multi") (param i32) (result i32 i32)
      (block $x (result i32 i32)
        (block $y (result i32 i32)
          i32.const 1 i32.const 2 local.get 0 br_table $x $y)
        i32.add i32.const 0))
    (func (export "table_only_default") (param i32) (result i32)
      (block (result i32) i32.const 66 local.get 0 br_table 0))
    (func (export "table_loop") (param i32) (result i32) (local i32)
      (block $exit (loop $again
        local.get 1 i32.const 1 i32.add local.set 1
        local.get 0 i32.const 1 i32.sub local.tee 0
        br_table $exit $again $again $again))
      local.get 1)
  )`,
  [
    eq('table', [0], 10),
    eq('table', [1], 11),
    eq('table', [2], 12),
    eq('table', [3], 13), // = number of labels: default
    eq('table', [4], 13),
    eq('table', [0x7fffffff], 13),
    eq('table', [-1], 13), // 0xffffffff is unsigned: default
    eq('table', [0x80000000], 13),
    eq('table_value', [0], 501),
    eq('table_value', [1], 500),
    eq('table_value', [2], 501), // default = $inner
    eq('table_value', [-1], 501),
    eq('table_multi', [0], 1, 2),
    eq('table_multi', [1], 3, 0),
    eq('table_multi', [9], 3, 0),
    eq('table_only_default', [0], 66),
    eq('table_only_default', [-1], 66),
    eq('table_loop', [3], 3),
    eq('table_loop', [10], 10), // indices 9..4 are past the labels: the default, $again
  ],
);

both(
  'select for each value type',
  `(module
    (func (export "i32") (param i32 i32 i32) (result i32) local.get 0 local.get 1 local.get 2 select)
    (func (export "i64") (param i64 i64 i32) (result i64) local.get 0 local.get 1 local.get 2 select)
    (func (export "f32") (param i32 i32 i32) (result i32)
      local.get 0 f32.reinterpret_i32 local.get 1 f32.reinterpret_i32 local.get 2 select i32.reinterpret_f32)
    (func (export "f64") (param i64 i64 i32) (result i64)
      local.get 0 f64.reinterpret_i64 local.get 1 f64.reinterpret_i64 local.get 2 select i64.reinterpret_f64)
    (func (export "const") (param i32) (result i64) i64.const 0x8000000000000000 i64.const 1 local.get 0 select)
  )`,
  [
    eq('i32', [1, 2, 1], 1),
    eq('i32', [1, 2, 0], 2),
    eq('i32', [1, 2, -1], 1),
    eq('i32', [1, 2, 0x80000000], 1),
    eq('i64', [0x100000000n, 0xffffffffn, 1], 0x100000000n),
    eq('i64', [0x100000000n, 0xffffffffn, 0], 0xffffffffn),
    eq('f32', [0x7fa00000, 0xffc00001, 1], 0x7fa00000),
    eq('f32', [0x7fa00000, 0xffc00001, 0], 0xffc00001),
    eq('f64', [0x7ff4000000000000n, 0x8000000000000000n, 2], 0x7ff4000000000000n),
    eq('f64', [0x7ff4000000000000n, 0x8000000000000000n, 0], 0x8000000000000000n),
    eq('const', [1], -0x8000000000000000n),
    eq('const', [0], 1n),
  ],
);

both(
  'unreachable, nop, and dead code after branches',
  `(module
    (func (export "unreachable") unreachable)
    (func (export "unreachable_result") (result i32) unreachable)
    (func (export "after_check") (param i32) (result i32)
      local.get 0 (if (then unreachable)) i32.const 5)
    (func (export "dead_code") (result i32)
      (block (result i32) i32.const 1 br 0 unreachable i32.add))
    (func (export "nops") (result i32) nop i32.const 3 nop nop)
    (func (export "in_callee") (param i32) (result i32) local.get 0 call $callee)
    (func $callee (param i32) (result i32) local.get 0 (if (then nop unreachable)) i32.const 9)
  )`,
  [
    trap('unreachable', [], 'unreachable'),
    trap('unreachable_result', [], 'unreachable'),
    eq('after_check', [0], 5),
    trap('after_check', [1], 'unreachable'),
    eq('dead_code', [], 1),
    eq('nops', [], 3),
    eq('in_callee', [0], 9),
    trap('in_callee', [1], 'unreachable'),
    eq('in_callee', [0], 9), // the instance still works after a trap
  ],
);

both(
  'calls: arguments, multiple results, recursion',
  `(module
    (func $swap (param i32 i64) (result i64 i32) local.get 1 local.get 0)
    (func $sum3 (param i32 i32 i32) (result i32) local.get 0 local.get 1 i32.add local.get 2 i32.add)
    (func $triple (param i32) (result i32 i32 i32) local.get 0 local.get 0 local.get 0)
    (func (export "swap") (param i32 i64) (result i64 i32) local.get 0 local.get 1 call $swap)
    (func (export "chain") (param i32) (result i32) local.get 0 call $triple call $sum3)
    (func (export "swap_twice") (param i32 i64) (result i32 i64) local.get 0 local.get 1 call $swap call $swap2)
    (func $swap2 (param i64 i32) (result i32 i64) local.get 1 local.get 0)
    (func $fac (export "fac") (param i64) (result i64)
      local.get 0 i64.eqz (if (result i64) (then i64.const 1) (else local.get 0 local.get 0 i64.const 1 i64.sub call $fac i64.mul)))
    (func $fib (export "fib") (param i32) (result i32)
      local.get 0 i32.const 2 i32.lt_u (if (result i32) (then local.get 0)
        (else local.get 0 i32.const 1 i32.sub call $fib local.get 0 i32.const 2 i32.sub call $fib i32.add)))
    (func $even (export "even") (param i32) (result i32)
      local.get 0 i32.eqz (if (result i32) (then i32.const 1) (else local.get 0 i32.const 1 i32.sub call $odd)))
    (func $odd (param i32) (result i32)
      local.get 0 i32.eqz (if (result i32) (then i32.const 0) (else local.get 0 i32.const 1 i32.sub call $even)))
    (func $inf (export "infinite") (param i32) (result i32) local.get 0 i32.const 1 i32.add call $inf)
    (func (export "after") (result i32) i32.const 1)
    (func (export "locals_zeroed") (param i32) (result i64) (local i32 i64 f32 f64)
      local.get 1 i64.extend_i32_u local.get 2 i64.add
      local.get 3 i64.trunc_f32_s i64.add local.get 4 i64.trunc_f64_s i64.add)
  )`,
  [
    eq('swap', [1, 2n], 2n, 1),
    eq('chain', [7], 21),
    eq('swap_twice', [-1, -2n], -1, -2n),
    eq('fac', [20n], 2432902008176640000n),
    eq('fac', [25n], 7034535277573963776n), // wraps
    eq('fib', [20], 6765),
    eq('even', [1001], 0),
    eq('even', [1000], 1),
    exhausts('infinite', [0]),
    eq('after', [], 1), // usable after exhaustion
    eq('locals_zeroed', [0], 0n),
  ],
);
