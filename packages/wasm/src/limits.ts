/**
 * Every implementation limit of the wasm package, in one place, with where the number comes from.
 *
 * Decoder/validator limits follow V8's (src/wasm/wasm-limits.h, the engine we compare against) so that
 * a module V8 refuses for size is refused here too; where the spec fixes a number (pages, alignment)
 * the spec is cited. CosmWasm limits are in `cosmwasmLimits` and are options of `checkContract`.
 */

/** Largest module we decode at all (V8: kV8MaxWasmModuleSize = 1 GiB; we stay far below). */
export const MAX_MODULE_SIZE = 64 * 1024 * 1024;
/** V8 kV8MaxWasmTypes. */
export const MAX_TYPES = 1_000_000;
/** V8 kV8MaxWasmFunctions. */
export const MAX_FUNCTIONS = 1_000_000;
/** V8 kV8MaxWasmImports. */
export const MAX_IMPORTS = 100_000;
/** V8 kV8MaxWasmExports. */
export const MAX_EXPORTS = 100_000;
/** V8 kV8MaxWasmGlobals. */
export const MAX_GLOBALS = 1_000_000;
/** V8 kV8MaxWasmDataSegments. */
export const MAX_DATA_SEGMENTS = 100_000;
/** V8 kV8MaxWasmElementSegments (10,000,000); we keep V8's number. */
export const MAX_ELEMENT_SEGMENTS = 10_000_000;
/** V8 kV8MaxWasmTableInitEntries: entries in one element segment. */
export const MAX_TABLE_INIT_ENTRIES = 10_000_000;
/** V8 kV8MaxWasmTableSize: largest declared table minimum. */
export const MAX_TABLE_SIZE = 10_000_000;
/** V8 kV8MaxWasmTables without reference types: one table. */
export const MAX_TABLES = 1;
/** Spec: at most one memory without the multi-memory proposal. */
export const MAX_MEMORIES = 1;
/** Spec §2.5.4: a 32-bit memory has at most 65536 pages of 64 KiB. */
export const MAX_MEMORY_PAGES = 65536;
export const PAGE_SIZE = 65536;
/** V8 kV8MaxWasmFunctionSize: bytes of one function body. */
export const MAX_FUNCTION_SIZE = 7_654_321;
/** V8 kV8MaxWasmFunctionLocals: declared locals plus params of one function. */
export const MAX_FUNCTION_LOCALS = 50_000;
/** V8 kV8MaxWasmFunctionParams. */
export const MAX_FUNCTION_PARAMS = 1000;
/** V8 kV8MaxWasmFunctionReturns. */
export const MAX_FUNCTION_RESULTS = 1000;
/** V8 kV8MaxWasmFunctionBrTableSize. */
export const MAX_BR_TABLE_SIZE = 65520;
/** V8 kV8MaxWasmStringSize: bytes of one name. */
export const MAX_STRING_SIZE = 100_000;
/** Nesting depth of blocks in one function. Not a V8 limit; ours, to bound validator memory. */
export const MAX_CONTROL_DEPTH = 65536;
/** Operand stack height of one function at validation. Ours, to bound validator memory. */
export const MAX_OPERAND_STACK = 1_000_000;

/**
 * CosmWasm's static limits (spec/cosmwasm-abi.md §5.1), the defaults of `checkContract`.
 */
export const cosmwasmLimits = {
  /**
   * Initial memory pages a contract may declare at upload (CosmWasm and Secret's upload check: 512
   * = 32 MiB). The VM's run-time cap (Secret: 192 pages) is a separate, lower limit.
   */
  maxInitialPages: 512,
  /** Table entries (CosmWasm `TABLE_SIZE_LIMIT`). */
  maxTableSize: 2500,
  /** Imports (CosmWasm `MAX_IMPORTS`, since 1.3). */
  maxImports: 100,
  /** Defined functions (CosmWasm 2.0+). */
  maxFunctions: 20_000,
  /** Params of any function type (CosmWasm 2.0+). */
  maxFunctionParams: 100,
  /** Total params over all defined functions (CosmWasm 2.0+). */
  maxTotalFunctionParams: 10_000,
  /** Results of any function type (CosmWasm). */
  maxFunctionResults: 1,
  /** Declared locals of one function (CosmWasm 2.2.9/3.0.9+). */
  maxFunctionLocals: 100,
  /** Declared locals over all functions (CosmWasm 2.2.9/3.0.9+). */
  maxTotalLocals: 10_000,
};
export type CosmwasmLimits = typeof cosmwasmLimits;
