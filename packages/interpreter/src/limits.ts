/**
 * The interpreter's fixed resource limits. They are the same numbers on every machine (never derived
 * from the JS stack or free memory), so an execution that exhausts one fails identically everywhere
 * (spec/interpreter-notes.md §6 "Resources").
 *
 * They are deliberately *larger* than what packages/wasm's stack-height limiter lets an instrumented
 * module use (DEFAULT_STACK_LIMIT = 16384 units, a unit being one value slot or a frame's 2-unit
 * overhead): a contract always hits the limiter's `unreachable` first, on this engine and on V8
 * alike. These limits only decide for modules run without the limiter (tests, tools).
 */

/** Maximum number of nested wasm calls (frames). wasmi uses 1,000 by default; the limiter allows ≤ 8,192. */
export const MAX_CALL_DEPTH = 65_536;

/**
 * Maximum number of 64-bit value slots on the value stack (parameters, locals and operand
 * temporaries of every live frame): 8 MiB. wasmi allows ≤ 1 MiB.
 */
export const MAX_VALUE_SLOTS = 1 << 20;

/** Slots the value stack starts with; it doubles on demand up to MAX_VALUE_SLOTS. */
export const INITIAL_VALUE_SLOTS = 1 << 14;

/** WebAssembly's page size (core spec §2.5.7). */
export const PAGE_SIZE = 65_536;

/**
 * Pages a memory may ever have in this engine: the whole 32-bit address space (V8's limit for
 * wasm32 in Node 20 too). Contracts get a far lower maximum written into their memory section by
 * the VM, so allocation failure is never what decides a contract's `memory.grow`.
 */
export const MAX_MEMORY_PAGES = 65_536;

/** Maximum table size this engine allocates (V8: 10,000,000 elements). */
export const MAX_TABLE_SIZE = 10_000_000;

/** Nested host → wasm re-entries (a host function calling an export) allowed at once. */
export const MAX_REENTRY = 256;
