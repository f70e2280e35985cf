/**
 * The key-value view the chain executes against, and its write cache. A `KvReader` is anything that
 * answers point reads and ordered range reads over byte-string keys in LMDB's order (bytewise
 * unsigned, a prefix before its extensions). A `Cache` buffers writes over a parent reader: the chain
 * runs each block in a cache over the store's committed state, each tx in a branch of it, each
 * sub-message in a branch of that; `commit()` folds a cache into its parent cache, dropping it
 * discards, and the block's cache goes to disk through `Store.commitBlock`.
 *
 * Ranges merge the cache's own writes (deletions included) with the parent's records lazily: the
 * parent is read a page at a time from where the merge has got to, never the whole range, and a limit
 * is honoured in both orders.
 *
 * Ownership: every key and value handed out (by `get`, `range`, `changes`) is a fresh plain
 * `Uint8Array` that the caller owns and may keep or mutate; `set` copies what it is given. Nothing
 * handed out is a view into a cache's buffers or LMDB's memory map, and none is a `Buffer`.
 */
import { DEFAULT_RANGE_PAGE, MAX_STATE_KEY } from './limits.js';
import { compareBytes, concatBytes, keyString } from './bytes.js';

export interface KvReader {
  /** The value under `key`, or undefined. */
  get(key: Uint8Array): Uint8Array | undefined;
  /**
   * Records with start <= key < end (undefined = unbounded), ascending, or descending when `reverse`;
   * at most `limit` (a non-negative integer or Infinity), and fewer only when the range holds no more.
   */
  range(start: Uint8Array | undefined, end: Uint8Array | undefined, reverse: boolean, limit: number): [Uint8Array, Uint8Array][];
}

/**
 * Where a reader's content stands (the store's committed state counts its commits): a cache made
 * directly over such a reader remembers the step, so that committing it after the reader moved on
 * can be refused. Not part of the package's API.
 */
export const STEP: unique symbol = Symbol('cloak.store.step');

export interface CacheOptions {
  /** The most records a range merge asks of the parent per call (default 256). */
  pageSize?: number;
}

/** A key and its new value; null = deleted. */
type Change = [Uint8Array, Uint8Array | null];

interface CacheInternals {
  /** The cache's own changes, sorted, without copying: the caller must not mutate them. */
  entries(cache: Cache): readonly (readonly [Uint8Array, Uint8Array | null])[];
  /** The STEP of the parent when the cache was made (undefined when the parent has none). */
  base(cache: Cache): number | undefined;
  committed(cache: Cache): boolean;
  seal(cache: Cache): void;
}

let internals!: CacheInternals;

/** A write cache over a parent reader (see the file header). */
export class Cache implements KvReader {
  readonly parent: KvReader;
  readonly #byKey = new Map<string, Change>();
  /** The same changes, sorted by key. */
  readonly #sorted: Change[] = [];
  readonly #base: number | undefined;
  readonly #pageSize: number;
  #committed = false;

  static {
    internals = {
      entries: (c) => c.#sorted,
      base: (c) => c.#base,
      committed: (c) => c.#committed,
      seal: (c) => {
        c.#committed = true;
      },
    };
  }

  constructor(parent: KvReader, options: CacheOptions = {}) {
    if (parent === null || typeof parent !== 'object' || typeof parent.get !== 'function' || typeof parent.range !== 'function') {
      throw new TypeError('Cache: parent must be a KvReader (an object with get and range)');
    }
    const pageSize = options.pageSize ?? DEFAULT_RANGE_PAGE;
    if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new RangeError(`Cache: pageSize must be a positive integer, got ${pageSize}`);
    this.parent = parent;
    this.#pageSize = pageSize;
    const step = (parent as { [STEP]?: unknown })[STEP];
    this.#base = typeof step === 'number' ? step : undefined;
  }

  /** How many keys this cache itself changed (set or deleted). */
  get size(): number {
    return this.#sorted.length;
  }

  /** Whether commit() has run (or the store committed this cache). */
  get committed(): boolean {
    return this.#committed;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    checkKeyType(key, 'get');
    const own = this.#byKey.get(keyString(key));
    if (own !== undefined) return own[1] === null ? undefined : own[1].slice();
    return this.parent.get(key);
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.#writable('set');
    checkKey(key, 'set');
    if (!(value instanceof Uint8Array)) throw new TypeError(`set: value must be a Uint8Array, got ${describe(value)}`);
    this.#write(key.slice(), value.slice());
  }

  delete(key: Uint8Array): void {
    this.#writable('delete');
    checkKey(key, 'delete');
    this.#write(key.slice(), null);
  }

  range(start: Uint8Array | undefined, end: Uint8Array | undefined, reverse: boolean, limit: number): [Uint8Array, Uint8Array][] {
    checkRange(start, end, reverse, limit);
    const out: [Uint8Array, Uint8Array][] = [];
    if (limit === 0 || (start !== undefined && end !== undefined && compareBytes(start, end) >= 0)) return out;
    const sorted = this.#sorted;
    const lo = start === undefined ? 0 : lowerBound(sorted, start);
    const hi = end === undefined ? sorted.length : lowerBound(sorted, end);
    const dir = reverse ? -1 : 1;
    let i = reverse ? hi - 1 : lo; // the next own change to merge
    // The parent is read in pages from `cursor` on: forward, the first key not yet read (a read
    // key's immediate successor is the key with a 0 byte appended); backward, the last key read
    // (end bounds are exclusive).
    let cursor = reverse ? end : start;
    let page: [Uint8Array, Uint8Array][] = [];
    let p = 0;
    let parentDone = false;
    while (out.length < limit) {
      if (p === page.length && !parentDone) {
        // Each own change can hide at most one parent record, so this many cover what is left
        // unless the page size caps it.
        const ownLeft = reverse ? i - lo + 1 : hi - i;
        const want = Math.min(limit - out.length + ownLeft, this.#pageSize);
        page = reverse ? this.parent.range(start, cursor, true, want) : this.parent.range(cursor, end, false, want);
        p = 0;
        if (page.length < want) parentDone = true;
        if (page.length > 0) {
          const last = page[page.length - 1]![0];
          cursor = reverse ? last : concatBytes(last, ZERO_BYTE);
        }
      }
      const own = reverse ? (i >= lo ? sorted[i] : undefined) : i < hi ? sorted[i] : undefined;
      const theirs = p < page.length ? page[p] : undefined;
      if (own === undefined && theirs === undefined) break;
      const order = own === undefined ? 1 : theirs === undefined ? -1 : compareBytes(own[0], theirs[0]) * dir;
      if (order <= 0) {
        // Our change comes first, or replaces (or deletes) the parent's record under the same key.
        i += dir;
        if (order === 0) p++;
        if (own![1] !== null) out.push([own![0].slice(), own![1].slice()]);
      } else {
        out.push(theirs!);
        p++;
      }
    }
    return out;
  }

  /** A child cache over this one. */
  branch(): Cache {
    this.#writable('branch');
    return new Cache(this, { pageSize: this.#pageSize });
  }

  /** Writes this cache's changes into its parent, which must be a Cache; at most once. */
  commit(): void {
    this.#writable('commit');
    const parent = this.parent;
    if (!(parent instanceof Cache)) {
      throw new Error('commit: the parent is not a Cache (a cache over the store\'s state is committed with Store.commitBlock)');
    }
    parent.#writable('commit into parent');
    for (const [key, value] of this.#sorted) parent.#write(key, value);
    this.#committed = true;
  }

  /** This cache's own changes, sorted by key; null = deleted. */
  changes(): [Uint8Array, Uint8Array | null][] {
    return this.#sorted.map(([k, v]) => [k.slice(), v === null ? null : v.slice()]);
  }

  /** Records a change; `key` and `value` are owned by the cache from here on. */
  #write(key: Uint8Array, value: Uint8Array | null): void {
    const s = keyString(key);
    const existing = this.#byKey.get(s);
    if (existing !== undefined) {
      existing[1] = value;
      return;
    }
    const change: Change = [key, value];
    this.#byKey.set(s, change);
    const sorted = this.#sorted;
    // Keys often arrive in ascending order: append without searching.
    if (sorted.length === 0 || compareBytes(sorted[sorted.length - 1]![0], key) < 0) sorted.push(change);
    else sorted.splice(lowerBound(sorted, key), 0, change);
  }

  #writable(what: string): void {
    if (this.#committed) throw new Error(`${what}: the cache was already committed (a cache is committed once; branch a new one)`);
  }
}

/** The store's access to a cache's internals. Not part of the package's API. */
export function cacheInternals(): CacheInternals {
  return internals;
}

const ZERO_BYTE = new Uint8Array(1);

/** The index of the first change whose key is >= key. */
function lowerBound(sorted: readonly Change[], key: Uint8Array): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareBytes(sorted[mid]![0], key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

export function checkKeyType(key: unknown, what: string): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array)) throw new TypeError(`${what}: key must be a Uint8Array, got ${describe(key)}`);
}

/** A key that can be stored: non-empty (LMDB has no zero-length keys) and at most MAX_STATE_KEY bytes. */
export function checkKey(key: unknown, what: string): asserts key is Uint8Array {
  checkKeyType(key, what);
  if (key.length === 0) throw new RangeError(`${what}: key must not be empty (LMDB stores no zero-length key)`);
  if (key.length > MAX_STATE_KEY) throw new RangeError(`${what}: key is ${key.length} bytes, over the limit of ${MAX_STATE_KEY} (MAX_STATE_KEY)`);
}

export function checkRange(start: unknown, end: unknown, reverse: unknown, limit: unknown): void {
  if (start !== undefined && !(start instanceof Uint8Array)) throw new TypeError(`range: start must be a Uint8Array or undefined, got ${describe(start)}`);
  if (end !== undefined && !(end instanceof Uint8Array)) throw new TypeError(`range: end must be a Uint8Array or undefined, got ${describe(end)}`);
  if (typeof reverse !== 'boolean') throw new TypeError(`range: reverse must be a boolean, got ${describe(reverse)}`);
  if (typeof limit !== 'number' || !(limit === Infinity || (Number.isSafeInteger(limit) && limit >= 0))) {
    throw new RangeError(`range: limit must be a non-negative integer or Infinity, got ${String(limit)}`);
  }
}
