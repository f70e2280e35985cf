;; bad-floats-v010 — REJECT. A 0.10 (cosmwasm_vm_version_3) contract with f32/f64 instructions.
;; 0.10's deterministic middleware whitelists only integer operators (spec/cosmwasm-abi.md §5.2),
;; Secret rejects floats when a module is used for an init. Breaks: floats.
(module
  (memory (export "memory") 1)
  (func (export "cosmwasm_vm_version_3"))
  (func (export "init") (param i32 i32) (result i32)
    (i32.trunc_f32_u (f32.mul (f32.convert_i32_u (local.get 0)) (f32.const 1.5))))
  (func (export "handle") (param i32 i32) (result i32)
    (i32.wrap_i64 (i64.trunc_f64_s (f64.add (f64.convert_i32_s (local.get 1)) (f64.const 0.25)))))
  (func (export "query") (param i32) (result i32) (local.get 0))
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
