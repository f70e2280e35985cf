;; floats-v1 — a VALID 1.x contract that uses f64 arithmetic. CosmWasm ≥ 1.5 accepts floats
;; (and canonicalises NaNs); Secret does not reject floats at upload, only in the enclave when the
;; code is used for an init (spec/cosmwasm-abi.md §5.1, spec/secret-compute.md §4.3).
;; ACCEPT at upload; the float policy (floats rule) is informational here.
(module
  (memory (export "memory") 1)
  (func (export "interface_version_8"))
  ;; hypot-like: sqrt(a*a + b*b) truncated to an integer, plus a NaN-producing path
  (func (export "float_math") (param $a i32) (param $b i32) (result i32)
    (local $x f64)
    (local.set $x (f64.sqrt (f64.add (f64.mul (f64.convert_i32_s (local.get $a)) (f64.convert_i32_s (local.get $a)))
                                      (f64.mul (f64.convert_i32_s (local.get $b)) (f64.convert_i32_s (local.get $b))))))
    (if (result i32) (f64.ne (local.get $x) (local.get $x))
      (then (i32.const -1))
      (else (i32.trunc_f64_s (f64.min (local.get $x) (f64.const 1e9))))))
  (func (export "nan") (result i64)
    (i64.reinterpret_f64 (f64.div (f64.const 0) (f64.const 0))))
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
