/**
 * The node's embedded store: LMDB-backed committed state, blocks, txs and the app hash chain
 * (store.ts), the write caches the chain executes in (kv.ts), and the app hash (apphash.ts).
 */
export { Cache, type CacheOptions, type KvReader } from './kv.js';
export { Store, type TxRecord } from './store.js';
export { APP_HASH_BYTES, changesDigest, nextAppHash } from './apphash.js';
export { LMDB_MAX_KEY, LONG_KEY_PREFIX, MAX_STATE_KEY } from './limits.js';
