/**
 * The VM's limits, each with its source. Sizes in bytes unless the name says otherwise.
 */

/** Wasm page size. */
export const PAGE = 65_536;

/**
 * Memory cap written into every contract's memory section as its maximum: Secret Network's 12 MiB
 * (192 pages; spec/interpreter-notes.md §4.5, wasm3 `new_runtime(…, Some(192))`). A contract asking
 * for more initial memory fails to store.
 */
export const DEFAULT_MEMORY_PAGES = 192;

/** Largest code upload after decompression (Secret's MsgStoreCode cap: 2 MiB, issue 6). */
export const MAX_CODE_SIZE = 2 * 1024 * 1024;

/** Largest gzip-compressed upload read (compressed bytes). */
export const MAX_COMPRESSED_CODE_SIZE = MAX_CODE_SIZE;

/** Bytes of a result Region read per entry point: 1.x–3.x `read_limits` (64 MiB), 0.9/0.10 100,000. */
export const MAX_RESULT_LENGTH = 64 * 1024 * 1024;
export const MAX_RESULT_LENGTH_V010 = 100_000;

/** Size of a Region in contract memory: offset, capacity, length, u32 little-endian each. */
export const REGION_SIZE = 12;
