;; bad-missing-exports — REJECT. A 1.x module with the marker but WITHOUT allocate (deallocate is
;; present). allocate and deallocate are required exports (spec/cosmwasm-abi.md §5.1 step 5).
;; Breaks: export-missing.
(module
  (memory (export "memory") 1)
  (func (export "interface_version_8"))
  (func (export "deallocate") (param i32))
  (func (export "instantiate") (param i32 i32 i32) (result i32) (i32.const 0))
)
