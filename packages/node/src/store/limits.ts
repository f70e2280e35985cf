/**
 * The store's limits, each with its source. LMDB's own limit is fixed here rather than read from the
 * environment at run time: where a key is stored depends on it, so it must be the same for the whole
 * life of a database and on every machine that opens it.
 */

/**
 * The longest key LMDB stores as it is: 1978 bytes, lmdb-js's default maximum key size (its README,
 * "Keys"; `open.js` DEFAULT_MAX_KEY_SIZE; what `db.maxKeySize` reports for the default page size).
 * State keys up to this length are stored under themselves; longer ones go to the long-key database.
 */
export const LMDB_MAX_KEY = 1978;

/** The digest in a long key's LMDB key: SHA-256 of the full key. */
export const LONG_KEY_HASH = 32;

/**
 * How many leading bytes of a long key its LMDB key keeps: prefix ‖ SHA-256(key) is exactly
 * LMDB_MAX_KEY bytes. Long keys that differ in these bytes sort by them; those that share them are
 * sorted in memory.
 */
export const LONG_KEY_PREFIX = LMDB_MAX_KEY - LONG_KEY_HASH;

/** The longest state key a store accepts (a sanity bound: the full key is part of an LMDB value). */
export const MAX_STATE_KEY = 1 << 20;

/** Records a cache asks of its parent per call while merging a range, unless told otherwise. */
export const DEFAULT_RANGE_PAGE = 256;

/** The on-disk layout version written to the meta database; a store with another one is refused. */
export const STORE_FORMAT = 1;
