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
