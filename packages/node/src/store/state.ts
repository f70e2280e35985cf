/**
 * The committed state on disk: two LMDB sub-databases that together hold every state key in one
 * order. Keys of up to LMDB_MAX_KEY (1978) bytes are stored under themselves in `state`. Longer keys,
 * which LMDB cannot store, go to `state_long` under prefix ‖ SHA-256(key), where prefix is the key's
 * first LONG_KEY_PREFIX (1946) bytes, so that each LMDB key there is exactly 1978 bytes; the record
 * is BE32(key length) ‖ key ‖ value.
 *
 * Order is preserved exactly: two long keys whose prefixes differ sort as their prefixes do, so
 * `state_long` is read in prefix order and each run of records sharing one prefix (sorted there by
 * hash) is sorted in memory by full key before it is merged with `state`. The cost is that such a run
 * is read whole: a range that meets many long keys sharing their first 1946 bytes holds them all in
 * memory at once. Ranges read lazily from both databases and stop at the limit.
 *
 * `StateDb` does the reading and, inside the store's write transaction, the writing; `StateView` is
 * the read-only face `Store.state()` hands out, which refuses to read from a closed store.
 */
import type { Database, RangeOptions } from 'lmdb';
import { sha256 } from '@noble/hashes/sha2.js';
import { LMDB_MAX_KEY, LONG_KEY_HASH, LONG_KEY_PREFIX } from './limits.js';
import { be32, compareBytes, concatBytes, equalBytes, plain, readBe32 } from './bytes.js';
import { STEP, checkKeyType, checkRange, type KvReader } from './kv.js';

type Db = Database<Uint8Array, Uint8Array>;
type Entry = [Uint8Array, Uint8Array];

const HIGHEST_HASH = new Uint8Array(LONG_KEY_HASH).fill(0xff);

export class StateDb {
  constructor(
    private readonly direct: Db,
    private readonly long: Db,
  ) {}

  get(key: Uint8Array): Uint8Array | undefined {
    if (key.length === 0) return undefined;
    if (key.length <= LMDB_MAX_KEY) {
      const v = this.direct.get(key);
      return v === undefined ? undefined : plain(v);
    }
    const record = this.long.get(longKey(key));
    if (record === undefined) return undefined;
    const [stored, value] = decodeLong(record);
    if (!equalBytes(stored, key)) throw new Error(`state_long: the record under a ${key.length}-byte key's hash holds another key (corrupt store)`);
    return value;
  }

  range(start: Uint8Array | undefined, end: Uint8Array | undefined, reverse: boolean, limit: number): Entry[] {
    if (start !== undefined && start.length === 0) start = undefined; // nothing sorts below the empty key
    const out: Entry[] = [];
    if (limit === 0 || (end !== undefined && end.length === 0)) return out;
    if (start !== undefined && end !== undefined && compareBytes(start, end) >= 0) return out;
    const a = this.directEntries(start, end, reverse);
    const b = this.longEntries(start, end, reverse);
    const dir = reverse ? -1 : 1;
    try {
      // Pull from a source only when its next record is needed, so no record past the limit is read.
      let x: IteratorResult<Entry> | undefined;
      let y: IteratorResult<Entry> | undefined;
      while (out.length < limit) {
        x ??= a.next();
        y ??= b.next();
        if (x.done && y.done) break;
        if (y.done || (!x.done && compareBytes(x.value[0], y.value[0]) * dir < 0)) {
          out.push(x.value as Entry);
          x = undefined;
        } else {
          out.push(y.value);
          y = undefined;
        }
      }
      return out;
    } finally {
      a.return(undefined);
      b.return(undefined);
    }
  }

  /** Inside the store's write transaction: sets (value) or deletes (null) one key. */
  write(key: Uint8Array, value: Uint8Array | null): void {
    if (key.length <= LMDB_MAX_KEY) {
      if (value === null) this.direct.removeSync(key);
      else this.direct.putSync(key, value);
      return;
    }
    const lk = longKey(key);
    if (value === null) this.long.removeSync(lk);
    else this.long.putSync(lk, concatBytes(be32(key.length), key, value));
  }

  /** `state` in [start, end) in order. Bounds longer than LMDB allows are cut to LMDB_MAX_KEY bytes
   *  for positioning (every stored key compares with the cut bound as with the bound, except the cut
   *  bound itself), and every record is checked against the exact bounds. */
  private *directEntries(start: Uint8Array | undefined, end: Uint8Array | undefined, reverse: boolean): Generator<Entry, void, undefined> {
    const options = lmdbOptions(reverse);
    // lmdb-js: forward, `start` is inclusive; reverse, iteration starts at the greatest key <= `start`.
    const from = reverse ? end : start;
    if (from !== undefined) options.start = from.length > LMDB_MAX_KEY ? from.subarray(0, LMDB_MAX_KEY) : from;
    for (const { key, value } of this.direct.getRange(options)) {
      if (reverse) {
        if (end !== undefined && compareBytes(key, end) >= 0) continue;
        if (start !== undefined && compareBytes(key, start) < 0) return;
      } else {
        if (start !== undefined && compareBytes(key, start) < 0) continue;
        if (end !== undefined && compareBytes(key, end) >= 0) return;
      }
      yield [plain(key), plain(value)];
    }
  }

  /** `state_long` in [start, end) in order of the full keys (see the file header). */
  private *longEntries(start: Uint8Array | undefined, end: Uint8Array | undefined, reverse: boolean): Generator<Entry, void, undefined> {
    const startPrefix = start?.subarray(0, LONG_KEY_PREFIX);
    const endPrefix = end?.subarray(0, LONG_KEY_PREFIX);
    const options = lmdbOptions(reverse);
    if (!reverse && startPrefix !== undefined) {
      // A key >= start has a prefix >= start's prefix.
      options.start = startPrefix;
    } else if (reverse && end !== undefined && endPrefix !== undefined) {
      // A key < end has a prefix <= end's prefix; when end is shorter than a prefix, every LMDB key
      // below it belongs to a key below it.
      options.start = end.length >= LONG_KEY_PREFIX ? concatBytes(endPrefix, HIGHEST_HASH) : end;
    }
    let run: Entry[] = [];
    let runPrefix: Uint8Array | undefined;
    for (const { key: lk, value } of this.long.getRange(options)) {
      const prefix = lk.subarray(0, LONG_KEY_PREFIX);
      // Past the bound's prefix, every key is past the bound.
      if (!reverse && endPrefix !== undefined && compareBytes(prefix, endPrefix) > 0) break;
      if (reverse && startPrefix !== undefined && compareBytes(prefix, startPrefix) < 0) break;
      if (runPrefix !== undefined && !equalBytes(prefix, runPrefix)) {
        if (!(yield* emitRun(run, start, end, reverse))) return;
        run = [];
      }
      runPrefix = prefix;
      run.push(decodeLong(value));
    }
    yield* emitRun(run, start, end, reverse);
  }
}

/** What `Store.state()` hands out: the committed state, read-only, refusing reads once the store closed. */
export class StateView implements KvReader {
  readonly #db: StateDb;
  readonly #status: { open: boolean; step: number };

  constructor(db: StateDb, status: { open: boolean; step: number }) {
    this.#db = db;
    this.#status = status;
  }

  /** Counts the store's commits (see STEP in kv.ts). */
  get [STEP](): number {
    return this.#status.step;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    checkKeyType(key, 'get');
    this.#open('get');
    return this.#db.get(key);
  }

  range(start: Uint8Array | undefined, end: Uint8Array | undefined, reverse: boolean, limit: number): Entry[] {
    checkRange(start, end, reverse, limit);
    this.#open('range');
    return this.#db.range(start, end, reverse, limit);
  }

  #open(what: string): void {
    if (!this.#status.open) throw new Error(`${what}: the store is closed`);
  }
}

/**
 * lmdb-js's range options for a walk in one direction. Reverse, an absent `end` makes lmdb-js stop
 * before its default beginning key [0x00] (exclusive), which would skip a stored key 0x00; the empty
 * key, below every stored key, makes the walk run to the first record. Bounds are checked by the
 * callers, so lmdb-js is only asked where to start.
 */
function lmdbOptions(reverse: boolean): RangeOptions {
  return reverse ? { reverse: true, end: EMPTY } : {};
}

const EMPTY = new Uint8Array(0);

/** One run of long keys sharing a prefix, sorted by full key in the iteration order and cut to
 *  [start, end); false when the run reached past the far bound (so nothing after it can be in range). */
function* emitRun(run: Entry[], start: Uint8Array | undefined, end: Uint8Array | undefined, reverse: boolean): Generator<Entry, boolean, undefined> {
  run.sort((p, q) => (reverse ? compareBytes(q[0], p[0]) : compareBytes(p[0], q[0])));
  for (const entry of run) {
    const key = entry[0];
    if (reverse) {
      if (end !== undefined && compareBytes(key, end) >= 0) continue;
      if (start !== undefined && compareBytes(key, start) < 0) return false;
    } else {
      if (start !== undefined && compareBytes(key, start) < 0) continue;
      if (end !== undefined && compareBytes(key, end) >= 0) return false;
    }
    yield entry;
  }
  return true;
}

function longKey(key: Uint8Array): Uint8Array {
  return concatBytes(key.subarray(0, LONG_KEY_PREFIX), sha256(key));
}

/** BE32(key length) ‖ key ‖ value → [key, value], views over the (fresh) record. */
function decodeLong(record: Uint8Array): Entry {
  const r = plain(record);
  if (r.length < 4) throw new Error(`state_long: a record of ${r.length} bytes is too short for its key length (corrupt store)`);
  const n = readBe32(r, 0);
  if (n <= LMDB_MAX_KEY || 4 + n > r.length) throw new Error(`state_long: a record says its key is ${n} bytes in ${r.length} bytes (corrupt store)`);
  return [r.subarray(4, 4 + n), r.subarray(4 + n)];
}
