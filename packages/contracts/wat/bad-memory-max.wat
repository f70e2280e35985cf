;; bad-memory-max — REJECT. A 1.x module whose memory declares a maximum (1 → 16 pages). The maximum
;; must not be set: "The host will set it for you" (spec/cosmwasm-abi.md §5.1 step 3, §5.2 step 2).
;; Breaks: memory-maximum.
(module
  (memory (export "memory") 1 16)
  (func (export "interface_version_8"))
  ;; allocate(size) -> Region*: bump-allocates a 12-byte Region followed by its buffer (8-byte aligned).
  (global $top (mut i32) (i32.const 1024))
  (func $allocate (export "allocate") (param $size i32) (result i32)
    (local $region i32)
    (local.set $region (global.get $top))
    (global.set $top
      (i32.and (i32.add (i32.add (local.get $region) (i32.add (local.get $size) (i32.const 12))) (i32.const 7))
               (i32.const -8)))
    ;; grow memory when the new top is past its end (one page at a time is enough for tests)
    (block $ok
      (loop $grow
        (br_if $ok (i32.le_u (global.get $top) (i32.shl (memory.size) (i32.const 16))))
        (if (i32.lt_s (memory.grow (i32.const 1)) (i32.const 0)) (then (unreachable)))
        (br $grow)))
    (i32.store offset=0 (local.get $region) (i32.add (local.get $region) (i32.const 12)))
    (i32.store offset=4 (local.get $region) (local.get $size))
    (i32.store offset=8 (local.get $region) (i32.const 0))
    (local.get $region))
  ;; deallocate(Region*): a bump allocator never frees.
  (func (export "deallocate") (param i32))
)
