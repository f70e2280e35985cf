// Host functions the contracts may import, all from module "env" (spec/cosmwasm-abi.md §3.2 for 0.10,
// §4.2 for 1.x). Every pointer is a Region pointer (§2.1). The compiler only emits the imports a
// contract actually calls, so declaring both generations here is harmless.

// ---- both generations ----
// @ts-ignore: decorator
@external("env", "db_read")
export declare function db_read(key: usize): usize;
// @ts-ignore: decorator
@external("env", "db_write")
export declare function db_write(key: usize, value: usize): void;
// @ts-ignore: decorator
@external("env", "db_remove")
export declare function db_remove(key: usize): void;
// @ts-ignore: decorator
@external("env", "query_chain")
export declare function query_chain(request: usize): usize;

// ---- 1.x (interface_version_8) ----
// @ts-ignore: decorator
@external("env", "addr_validate")
export declare function addr_validate(human: usize): usize;
// @ts-ignore: decorator
@external("env", "addr_canonicalize")
export declare function addr_canonicalize(human: usize, canonicalDest: usize): usize;
// @ts-ignore: decorator
@external("env", "addr_humanize")
export declare function addr_humanize(canonical: usize, humanDest: usize): usize;
// @ts-ignore: decorator
@external("env", "debug")
export declare function debug(message: usize): void;

// ---- 0.10 (cosmwasm_vm_version_3) ----
// @ts-ignore: decorator
@external("env", "canonicalize_address")
export declare function canonicalize_address(human: usize, canonicalDest: usize): usize;
// @ts-ignore: decorator
@external("env", "humanize_address")
export declare function humanize_address(canonical: usize, humanDest: usize): usize;
