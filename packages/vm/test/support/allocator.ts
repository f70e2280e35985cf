// The allocate / deallocate exports of the VM tests' hand-written contracts: a bump allocator that
// puts a 12-byte Region in front of each buffer and never frees (enough for one call per instance).

/** WAT for `allocate` (starting at `base`) and `deallocate`, to paste into a test module. */
export function bumpAllocator(base = 1024): string {
  return `(global $top (mut i32) (i32.const ${base}))
  (func (export "allocate") (param $n i32) (result i32) (local $r i32)
    (local.set $r (global.get $top))
    (global.set $top (i32.add (local.get $r) (i32.add (local.get $n) (i32.const 16))))
    (i32.store (local.get $r) (i32.add (local.get $r) (i32.const 12)))
    (i32.store offset=4 (local.get $r) (local.get $n))
    (i32.store offset=8 (local.get $r) (i32.const 0))
    (local.get $r))
  (func (export "deallocate") (param i32))`;
}
