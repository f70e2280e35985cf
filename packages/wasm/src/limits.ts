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
/**
 * Tables / memories a section may declare before decoding refuses the count (V8's kV8MaxWasmTables
 * with reference types, and its memory count with multi-memory). Only a bound on what a forged count
 * can make the decoder read: the validator then refuses more than MAX_TABLES / MAX_MEMORIES.
 */
export const MAX_DECLARED_TABLES = 100_000;
export const MAX_DECLARED_MEMORIES = 100_000;
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

/**
 * Default call-depth limit of the stack-height instrumentation (stack-limit.ts), in its cost units: the
 * sum over active frames of params + declared locals + max operand-stack height + 2. It must trap
 * before V8 exhausts its own stack (a RangeError, whose depth differs between tiers and machines), so it
 * was measured (Node 20.20.2, V8 default --stack-size=984 KiB, x64; stack-limit.test.ts re-measures it):
 * how many units V8 reaches before its RangeError when the limit is set out of reach, per frame shape:
 *
 *   frame shape (instrumented, Liftoff = V8's first tier)         cost   frames   units   bytes/unit
 *   `call_indirect` self-recursion (thunk + function per level)      3    10476   31428     32
 *   `call $f`, no params, no locals                                  2    20951   41902     24
 *   1 param                                                          4    17944   71776     14
 *   4 params, 8 i64 locals                                          18     7850  141300      7
 *   100 i64 params + 100 i64 locals, all live across the call      302      319   96338     10
 *   100 i32 params                                                 202      636  128472      8
 *   100 unused i64 locals                                          102     1186  120972      8
 *
 * (TurboFan, `--no-liftoff`, reaches more units in every row: 41904 for the worst one.) The worst shape
 * reaches 31428 units; 16384 is about half of it, so a contract at the limit has used at most ~512 KiB
 * of the 984 KiB, and the rest is left for the embedder's JS frames below the entry point and for a
 * host function called from the deepest frame. For the 4-params/8-locals shape, 16384 units are 910
 * frames. (For comparison: Secret Network runs contracts on wasm3 with a 60 KiB stack, about 7,700
 * 8-byte slots.) The limit is a consensus parameter: changing it changes which executions trap.
 */
export const DEFAULT_STACK_LIMIT = 16_384;

/**
 * Largest price in a gas schedule (schedule.ts): of one instruction, one page, one byte, one table
 * element or one declared local. Ours: a function body has fewer than 2^23 instructions
 * (MAX_FUNCTION_SIZE), so a metered block's sum stays below 2^49, an exact JS integer, and a dynamic
 * charge (a u32 operand × price) below 2^58, inside the helper's u64 arithmetic. CosmWasm 1.x's
 * largest price (1,610,000 per accounting operator) fits.
 */
export const MAX_OP_COST = 2 ** 26;
