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

// Iteration (the `iterator` capability; §3.3 for the 0.10 db_next record format, §4.3 for 1.x):
// db_scan(start_or_0, end_or_0, order 1|2) -> iterator id; db_next -> record Region (never 0);
// db_next_key / db_next_value (1.4+) -> Region, or 0 at the end.
// @ts-ignore: decorator
@external("env", "db_scan")
export declare function db_scan(start: usize, end: usize, order: i32): u32;
// @ts-ignore: decorator
@external("env", "db_next")
export declare function db_next(iterator: u32): usize;
// @ts-ignore: decorator
@external("env", "db_next_key")
export declare function db_next_key(iterator: u32): usize;
// @ts-ignore: decorator
@external("env", "db_next_value")
export declare function db_next_value(iterator: u32): usize;
// `abort(msg)` always ends the call ("Aborted: <msg>"). Named `cw_abort` here because AssemblyScript's
// own `abort` is routed to lib/abort.ts (see there); the import is still `env.abort`.
// @ts-ignore: decorator
@external("env", "abort")
export declare function cw_abort(message: usize): void;

// ---- 1.x crypto (§4.2, §4.3): verify imports return 0 valid / 1 invalid / an error code; the
// *_recover_pubkey imports return an i64: a Region pointer in the low half, or the code << 32. ----
// @ts-ignore: decorator
@external("env", "secp256k1_verify")
export declare function secp256k1_verify(hash: usize, signature: usize, pubkey: usize): u32;
// @ts-ignore: decorator
@external("env", "secp256k1_recover_pubkey")
export declare function secp256k1_recover_pubkey(hash: usize, signature: usize, recoveryParam: u32): u64;
// @ts-ignore: decorator
@external("env", "secp256r1_verify")
export declare function secp256r1_verify(hash: usize, signature: usize, pubkey: usize): u32;
// @ts-ignore: decorator
@external("env", "secp256r1_recover_pubkey")
export declare function secp256r1_recover_pubkey(hash: usize, signature: usize, recoveryParam: u32): u64;
// @ts-ignore: decorator
@external("env", "ed25519_verify")
export declare function ed25519_verify(message: usize, signature: usize, pubkey: usize): u32;
// Arguments are "sections" lists (§2.5): item ‖ u32be(len(item)) ‖ …
// @ts-ignore: decorator
@external("env", "ed25519_batch_verify")
export declare function ed25519_batch_verify(messages: usize, signatures: usize, pubkeys: usize): u32;
// BLS12-381 (2.1+): points are compressed (G1 48 bytes, G2 96 bytes), written into the `out` Region.
// @ts-ignore: decorator
@external("env", "bls12_381_aggregate_g1")
export declare function bls12_381_aggregate_g1(points: usize, out: usize): u32;
// @ts-ignore: decorator
@external("env", "bls12_381_aggregate_g2")
export declare function bls12_381_aggregate_g2(points: usize, out: usize): u32;
// @ts-ignore: decorator
@external("env", "bls12_381_pairing_equality")
export declare function bls12_381_pairing_equality(ps: usize, qs: usize, r: usize, s: usize): u32;
// @ts-ignore: decorator
@external("env", "bls12_381_hash_to_g1")
export declare function bls12_381_hash_to_g1(hashFunction: u32, msg: usize, dst: usize, out: usize): u32;
// @ts-ignore: decorator
@external("env", "bls12_381_hash_to_g2")
export declare function bls12_381_hash_to_g2(hashFunction: u32, msg: usize, dst: usize, out: usize): u32;

// ---- Secret Network's extras (spec/secret-compute.md §4.3, §5.3) ----
// secp256k1_sign / ed25519_sign(msg, private_key) -> i64: a Region with the signature in the low 32
// bits, or an error code in the high 32 bits.
// @ts-ignore: decorator
@external("env", "secp256k1_sign")
export declare function secp256k1_sign(message: usize, privateKey: usize): u64;
// @ts-ignore: decorator
@external("env", "ed25519_sign")
export declare function ed25519_sign(message: usize, privateKey: usize): u64;
// check_gas() -> the gas used so far (SDK units); gas_evaporate(n) burns n × 1000 wasm gas (≥ 8000).
// @ts-ignore: decorator
@external("env", "check_gas")
export declare function check_gas(): u64;
// @ts-ignore: decorator
@external("env", "gas_evaporate")
export declare function gas_evaporate(amount: u32): u32;
// The old name of `debug` (contracts built with Secret's `debug-print` feature).
// @ts-ignore: decorator
@external("env", "debug_print")
export declare function debug_print(message: usize): void;

// ---- 0.10 (cosmwasm_vm_version_3) ----
// @ts-ignore: decorator
@external("env", "canonicalize_address")
export declare function canonicalize_address(human: usize, canonicalDest: usize): usize;
// @ts-ignore: decorator
@external("env", "humanize_address")
export declare function humanize_address(canonical: usize, humanDest: usize): usize;
