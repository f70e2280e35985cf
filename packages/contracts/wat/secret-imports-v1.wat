;; secret-imports-v1 — a 1.x contract importing Secret Network's extra host functions secp256k1_sign,
;; ed25519_sign, check_gas and gas_evaporate (spec/secret-compute.md §4.3, v1 whitelist).
;; ACCEPT under Secret's whitelist (cloak's policy); plain CosmWasm would reject it (import-forbidden).
;; Signatures as in Secret's cosmwasm-std fork: *_sign(msg_ptr, privkey_ptr) -> u64,
;; check_gas() -> u64, gas_evaporate(evaporate: u32) -> u32.
(module
  (import "env" "secp256k1_sign" (func $secp256k1_sign (param i32 i32) (result i64)))
  (import "env" "ed25519_sign" (func $ed25519_sign (param i32 i32) (result i64)))
  (import "env" "check_gas" (func $check_gas (result i64)))
  (import "env" "gas_evaporate" (func $gas_evaporate (param i32) (result i32)))
  (import "env" "db_read" (func $db_read (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "interface_version_8"))
  ;; uses every import so that no tool can drop them
  (func (export "use_imports") (param $a i32) (param $b i32) (result i64)
    (i64.add
      (i64.add (call $secp256k1_sign (local.get $a) (local.get $b))
               (call $ed25519_sign (local.get $a) (local.get $b)))
      (i64.add (call $check_gas)
               (i64.extend_i32_u (i32.add (call $gas_evaporate (local.get $a))
                                          (call $db_read (local.get $b)))))))
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
