;; minimal-v010 — the smallest CosmWasm 0.10 (cosmwasm_vm_version_3) contract a checker must ACCEPT.
;; Exports the marker, init(env,msg), handle(env,msg), query(msg), allocate, deallocate and memory
;; (spec/cosmwasm-abi.md §3.1, §5.2). The entry points ignore their arguments and return static
;; Regions: init → {"Ok":{"messages":[],"log":[]}}, handle → {"Ok":{"messages":[],"log":[],"data":null}},
;; query → {"Ok":"e30="} (base64 of {}). Breaks no rule.
(module
  (memory (export "memory") 1)
  ;; result bytes at 256/320/384, their Regions {offset, capacity, length} at 16/32/48
  (data (i32.const 256) "{\22Ok\22:{\22messages\22:[],\22log\22:[]}}")
  (data (i32.const 320) "{\22Ok\22:{\22messages\22:[],\22log\22:[],\22data\22:null}}")
  (data (i32.const 384) "{\22Ok\22:\22e30=\22}")
  (data (i32.const 16) "\00\01\00\00\1f\00\00\00\1f\00\00\00")
  (data (i32.const 32) "\40\01\00\00\2b\00\00\00\2b\00\00\00")
  (data (i32.const 48) "\80\01\00\00\0d\00\00\00\0d\00\00\00")
  (func (export "cosmwasm_vm_version_3"))
  (func (export "init") (param i32 i32) (result i32) (i32.const 16))
  (func (export "handle") (param i32 i32) (result i32) (i32.const 32))
  (func (export "query") (param i32) (result i32) (i32.const 48))
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
