// The cloak contract library for AssemblyScript: Region protocol, host imports, storage, addresses,
// integer-only JSON, base64 and result builders for both ABI generations (spec/cosmwasm-abi.md §2–§4).
// A contract re-exports `allocate`/`deallocate` from "./lib/region" and declares its marker export.

export * from "./abort";
export * from "./bytes";
export * from "./region";
export * from "./imports";
export * from "./storage";
export * from "./api";
export * from "./json";
export * from "./base64";
export * from "./response";
// Not re-exported here, import them directly: "./lib/msg" (message reading with serde's error texts),
// "./lib/u128" (Uint128), "./lib/hex", "./lib/sha256". Re-exporting would compile them (and their
// static data and class ids) into every contract, changing the bytes of contracts that never use them.
