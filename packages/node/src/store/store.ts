/**
 * The node's embedded store: one LMDB environment in a directory, with named sub-databases
 *
 *   state, state_long   the committed state (see state.ts for how keys over 1978 bytes are kept)
 *   blocks              BE64(height) → the block's bytes, for heights 1, 2, …
 *   txs                 tx hash → the tx's record
 *   meta                "format" → BE32(STORE_FORMAT); "head" → BE64(height) ‖ app hash;
 *                       "genesis" → the genesis document's bytes
 *
 * A block is committed in ONE synchronous LMDB write transaction holding every state change, the
 * block, its txs and the new head, so after a crash the store is at the last committed block or the
 * one before, never in between. The environment is opened without `overlappingSync` (lmdb-js's
 * default on Linux and macOS, which lets a commit return before its fsync), without `noSync`, and
 * writes never go through lmdb-js's asynchronous batches: `commitBlock` returns after LMDB has
 * fdatasync'ed the data pages and written the new meta page with O_DSYNC, so a returned commit
 * survives the process being killed and the machine losing power.
 *
 * Height is -1 before genesis (state() is then empty and appHash is 32 zero bytes), 0 after
 * `commitGenesis`, then each `commitBlock` adds one. The app hash chain is defined in apphash.ts.
 * One Store per directory: a second open in this process throws, and another live process holding
 * the directory's lock (lock.ts) makes open throw StoreInUse; should another process write the
 * directory anyway, that is detected at the next commit, which throws rather than overwrite.
 *
 * Everything read out (block, tx, genesis, state values) is a fresh plain Uint8Array the caller owns.
 * Misuse is thrown: a wrong height, a cache not made directly over this store's state or already
 * committed or stale, a duplicate tx hash, anything on a closed store.
 */
import { mkdirSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { APP_HASH_BYTES, nextAppHash } from './apphash.js';
import { be32, be64, equalBytes, hexPreview, plain, readBe32, readBe64 } from './bytes.js';
import { Cache, cacheInternals } from './kv.js';
import type { KvReader } from './kv.js';
import { LMDB_MAX_KEY, STORE_FORMAT } from './limits.js';
import { StateDb, StateView } from './state.js';
import { lockStore } from './lock.js';

type Db = Database<Uint8Array, Uint8Array>;

/** A transaction as the store keeps it: its hash (the key) and its record (opaque bytes). */
export interface TxRecord {
  hash: Uint8Array;
  record: Uint8Array;
}

const enc = new TextEncoder();
const META_FORMAT = enc.encode('format');
const META_HEAD = enc.encode('head');
const META_GENESIS = enc.encode('genesis');
const HEAD_BYTES = 8 + APP_HASH_BYTES;

/** Directories with an open Store in this process. */
const openDirs = new Set<string>();

export class Store {
  readonly #dir: string;
  readonly #root: RootDatabase<Uint8Array, Uint8Array>;
  readonly #blocks: Db;
  readonly #txs: Db;
  readonly #meta: Db;
  readonly #state: StateDb;
  readonly #view: StateView;
  /** Shared with the state view: whether reads are allowed, and how many commits there have been. */
  readonly #status = { open: true, step: 0 };
  #height: number;
  /** Releases the store's process lock (lock.ts). */
  #unlock: () => void = () => {};
  #appHash: Uint8Array;

  private constructor(dir: string, root: RootDatabase<Uint8Array, Uint8Array>) {
    this.#dir = dir;
    this.#root = root;
    const sub = (name: string): Db => root.openDB<Uint8Array, Uint8Array>(name, { keyEncoding: 'binary', encoding: 'binary' });
    this.#state = new StateDb(sub('state'), sub('state_long'));
    this.#blocks = sub('blocks');
    this.#txs = sub('txs');
    this.#meta = sub('meta');
    this.#view = new StateView(this.#state, this.#status);
    const head = this.#readHead();
    this.#height = head.height;
    this.#appHash = head.appHash;
  }

  /** Opens (creating it and its directory if need be) the store in `dir`. */
  static open(dir: string): Store {
    if (typeof dir !== 'string' || dir === '') throw new TypeError('Store.open: dir must be a non-empty path');
    mkdirSync(resolve(dir), { recursive: true });
    const path = realpathSync(resolve(dir));
    if (openDirs.has(path)) throw new Error(`Store.open: the store in ${path} is already open in this process (close it first)`);
    const unlock = lockStore(path);
    let root: RootDatabase<Uint8Array, Uint8Array>;
    try {
      root = open<Uint8Array, Uint8Array>(path, {
        keyEncoding: 'binary',
        encoding: 'binary',
        noSubdir: false, // `path` is a directory even when its name has a dot
        overlappingSync: false, // commit returns only once durable
        maxDbs: 8,
      });
    } catch (e) {
      unlock();
      throw new Error(`Store.open: cannot open LMDB in ${path}: ${(e as Error).message}`, { cause: e });
    }
    const maxKey = (root as unknown as { maxKeySize?: number }).maxKeySize;
    let store: Store;
    try {
      if (maxKey !== LMDB_MAX_KEY) throw new Error(`Store.open: this LMDB build's maximum key size is ${maxKey}, the store's layout needs ${LMDB_MAX_KEY} (LMDB_MAX_KEY)`);
      store = new Store(path, root);
    } catch (e) {
      void root.close();
      unlock();
      throw e;
    }
    store.#unlock = unlock;
    openDirs.add(path);
    return store;
  }

  /** The directory the store lives in (resolved). */
  get dir(): string {
    return this.#dir;
  }

  /** The last committed height: -1 before genesis, 0 after it. */
  get height(): number {
    return this.#height;
  }

  /** The app hash at `height` (32 zero bytes before genesis); a copy. */
  get appHash(): Uint8Array {
    return this.#appHash.slice();
  }

  /** The committed state. Make a block's Cache directly over this object. */
  state(): KvReader {
    this.#assertOpen('state');
    return this.#view;
  }

  /**
   * Commits the genesis state (a Cache made directly over state()) and the genesis document, on an
   * empty store; height becomes 0. Returns the app hash.
   */
  commitGenesis(changes: Cache, genesis: Uint8Array): Uint8Array {
    this.#assertOpen('commitGenesis');
    if (this.#height !== -1) throw new Error(`commitGenesis: the store in ${this.#dir} already has a genesis (height ${this.#height})`);
    checkBytes(genesis, 'commitGenesis', 'genesis');
    const entries = this.#changesOf(changes, 'commitGenesis');
    const hash = nextAppHash(this.#appHash, 0, entries);
    this.#commit(() => {
      this.#meta.putSync(META_FORMAT, be32(STORE_FORMAT));
      this.#meta.putSync(META_GENESIS, genesis);
      for (const [key, value] of entries) this.#state.write(key, value);
      this.#meta.putSync(META_HEAD, head(0, hash));
    });
    this.#advance(changes, 0, hash);
    return hash.slice();
  }

  /**
   * Commits block `height` (which must be height + 1): its state changes (a Cache made directly over
   * state() since the last commit), its bytes and its txs' records, in one durable transaction.
   * Returns the new app hash.
   */
  commitBlock(height: number, block: Uint8Array, txs: readonly TxRecord[], changes: Cache): Uint8Array {
    this.#assertOpen('commitBlock');
    if (!Number.isSafeInteger(height)) throw new TypeError(`commitBlock: height must be an integer, got ${String(height)}`);
    if (this.#height === -1) throw new Error(`commitBlock: block ${height} before genesis (commitGenesis first)`);
    if (height !== this.#height + 1) {
      throw new Error(`commitBlock: height ${height} does not follow the committed height ${this.#height} (expected ${this.#height + 1})`);
    }
    checkBytes(block, 'commitBlock', 'block');
    if (!Array.isArray(txs)) throw new TypeError('commitBlock: txs must be an array of { hash, record }');
    const seen = new Set<string>();
    txs.forEach((tx, i) => {
      if (tx === null || typeof tx !== 'object') throw new TypeError(`commitBlock: txs[${i}] must be { hash, record }`);
      checkBytes(tx.hash, 'commitBlock', `txs[${i}].hash`);
      checkBytes(tx.record, 'commitBlock', `txs[${i}].record`);
      if (tx.hash.length === 0 || tx.hash.length > LMDB_MAX_KEY) {
        throw new RangeError(`commitBlock: txs[${i}].hash is ${tx.hash.length} bytes; a tx hash must be 1 to ${LMDB_MAX_KEY} bytes`);
      }
      const h = Buffer.from(tx.hash).toString('hex');
      if (seen.has(h)) throw new Error(`commitBlock: tx ${hexPreview(tx.hash)} appears twice in block ${height}`);
      seen.add(h);
    });
    const entries = this.#changesOf(changes, 'commitBlock');
    const hash = nextAppHash(this.#appHash, height, entries);
    this.#commit(() => {
      for (const [key, value] of entries) this.#state.write(key, value);
      this.#blocks.putSync(be64(height), block);
      for (const tx of txs) {
        if (this.#txs.get(tx.hash) !== undefined) throw new Error(`commitBlock: tx ${hexPreview(tx.hash)} is already stored (from an earlier block)`);
        this.#txs.putSync(tx.hash, tx.record);
      }
      this.#meta.putSync(META_HEAD, head(height, hash));
    });
    this.#advance(changes, height, hash);
    return hash.slice();
  }

  /** The bytes of block `height` (1 … height), or undefined. */
  block(height: number): Uint8Array | undefined {
    this.#assertOpen('block');
    if (!Number.isSafeInteger(height) || height < 0) throw new RangeError(`block: height must be a non-negative integer, got ${String(height)}`);
    const b = this.#blocks.get(be64(height));
    return b === undefined ? undefined : plain(b);
  }

  /** The record of the tx with this hash, or undefined. */
  tx(hash: Uint8Array): Uint8Array | undefined {
    this.#assertOpen('tx');
    checkBytes(hash, 'tx', 'hash');
    if (hash.length === 0 || hash.length > LMDB_MAX_KEY) return undefined;
    const r = this.#txs.get(hash);
    return r === undefined ? undefined : plain(r);
  }

  /** The genesis document's bytes, or undefined before genesis. */
  genesis(): Uint8Array | undefined {
    this.#assertOpen('genesis');
    const g = this.#meta.get(META_GENESIS);
    return g === undefined ? undefined : plain(g);
  }

  /** Closes the environment (every commit is already durable). Closing twice does nothing. */
  close(): void {
    if (!this.#status.open) return;
    this.#status.open = false;
    openDirs.delete(this.#dir);
    // Only synchronous transactions were used, so nothing is queued and this closes at once.
    void this.#root.close();
    this.#unlock();
  }

  /** The cache's changes, after checking it may be committed here. */
  #changesOf(changes: Cache, who: string): readonly (readonly [Uint8Array, Uint8Array | null])[] {
    if (!(changes instanceof Cache)) throw new TypeError(`${who}: changes must be a Cache`);
    const internals = cacheInternals();
    if (changes.parent !== this.#view) {
      throw new Error(`${who}: the cache is not made directly over this store's state() (commit a branch into its parent cache first)`);
    }
    if (internals.committed(changes)) throw new Error(`${who}: the cache was already committed`);
    if (internals.base(changes) !== this.#status.step) {
      throw new Error(`${who}: the cache is stale: it was made over the state before the last commit (now at height ${this.#height})`);
    }
    return internals.entries(changes);
  }

  /** Runs `write` in one synchronous, durable LMDB write transaction, after checking the head on
   *  disk is still the one this handle committed (another writer would have moved it). */
  #commit(write: () => void): void {
    this.#root.transactionSync(() => {
      const onDisk = this.#readHead();
      if (onDisk.height !== this.#height || !equalBytes(onDisk.appHash, this.#appHash)) {
        throw new Error(`the store in ${this.#dir} was changed by another writer: on disk at height ${onDisk.height}, this handle at ${this.#height}`);
      }
      write();
    });
  }

  #advance(changes: Cache, height: number, hash: Uint8Array): void {
    cacheInternals().seal(changes);
    this.#height = height;
    this.#appHash = hash;
    this.#status.step++;
  }

  #readHead(): { height: number; appHash: Uint8Array } {
    const format = this.#meta.get(META_FORMAT);
    const h = this.#meta.get(META_HEAD);
    if (h === undefined) {
      if (format !== undefined) throw new Error(`the store in ${this.#dir} has a format record but no head (corrupt store)`);
      return { height: -1, appHash: new Uint8Array(APP_HASH_BYTES) };
    }
    if (format === undefined || format.length !== 4) throw new Error(`the store in ${this.#dir} has a head but no valid format record (corrupt store)`);
    const version = readBe32(format, 0);
    if (version !== STORE_FORMAT) throw new Error(`the store in ${this.#dir} has layout format ${version}; this build reads format ${STORE_FORMAT}`);
    if (h.length !== HEAD_BYTES) throw new Error(`the store in ${this.#dir} has a head record of ${h.length} bytes, expected ${HEAD_BYTES} (corrupt store)`);
    return { height: readBe64(h, 0), appHash: plain(h).slice(8) };
  }

  #assertOpen(what: string): void {
    if (!this.#status.open) throw new Error(`${what}: the store in ${this.#dir} is closed`);
  }
}

function head(height: number, appHash: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEAD_BYTES);
  out.set(be64(height), 0);
  out.set(appHash, 8);
  return out;
}

function checkBytes(v: unknown, who: string, what: string): asserts v is Uint8Array {
  if (!(v instanceof Uint8Array)) throw new TypeError(`${who}: ${what} must be a Uint8Array`);
}
