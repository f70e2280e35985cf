/**
 * The contract storage the VM talks to (issue 4 "Storage interface"): a byte-keyed map with range
 * iteration in byte order (what db_read/db_write/db_remove and db_scan/db_next need, spec/
 * cosmwasm-abi.md §4.3). The VM never reaches a disk or the node directly: it gets a `Storage`; the
 * enclave will put state encryption and ocalls behind one.
 *
 *   - `MemoryStorage`: an in-memory implementation (tests, `cloak run`).
 *   - `Overlay`: a write buffer over another storage. Reads and ranges see the buffered writes; the
 *     base is untouched until `commit`. The VM runs each call on an overlay and applies its write set
 *     only when the call succeeded (a failed call leaves nothing behind, spec §7.3); the enclave
 *     returns `changes()` to the node as one write set.
 *
 * Keys compare as unsigned bytes, lexicographically (a shorter key that is a prefix sorts first).
 */

export type Order = 'ascending' | 'descending';

export interface Storage {
  get(key: Uint8Array): Uint8Array | undefined;
  set(key: Uint8Array, value: Uint8Array): void;
  remove(key: Uint8Array): void;
  /**
   * The records with start ≤ key < end (an absent bound is open), in key order, at most `limit` of
   * them (the first ones in that order). The records are those present when `range` is called.
   */
  range(start: Uint8Array | undefined, end: Uint8Array | undefined, order: Order, limit?: number): [Uint8Array, Uint8Array][];
}

/** A key as a string whose UTF-16 units are its bytes (latin1): string order is then byte order. */
function toStr(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.length).toString('latin1');
}

/** `key ‖ 0x00`: the smallest key after `key`. */
function concatZero(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length + 1);
  out.set(key);
  return out;
}

/** The bytes of a key string, in a buffer of their own (never a view into a shared pool). */
function fromStr(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'latin1'));
}

/** Index of the first element of sorted `keys` that is ≥ k. */
function lowerBound(keys: string[], k: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Keys of sorted `keys` within [start, end), in `order`, at most `limit` of them. */
function keysInRange(keys: string[], start: Uint8Array | undefined, end: Uint8Array | undefined, order: Order = 'ascending', limit = Infinity): string[] {
  const from = start === undefined ? 0 : lowerBound(keys, toStr(start));
  const to = end === undefined ? keys.length : lowerBound(keys, toStr(end));
  if (from >= to) return [];
  const n = Math.min(to - from, limit);
  return order === 'ascending' ? keys.slice(from, from + n) : keys.slice(to - n, to).reverse();
}

export class MemoryStorage implements Storage {
  private readonly values = new Map<string, Uint8Array>();
  /** Every key, sorted. */
  private readonly keys: string[] = [];

  get(key: Uint8Array): Uint8Array | undefined {
    const v = this.values.get(toStr(key));
    return v === undefined ? undefined : v.slice();
  }

  set(key: Uint8Array, value: Uint8Array): void {
    const k = toStr(key);
    if (!this.values.has(k)) this.keys.splice(lowerBound(this.keys, k), 0, k);
    this.values.set(k, value.slice());
  }

  remove(key: Uint8Array): void {
    const k = toStr(key);
    if (!this.values.delete(k)) return;
    this.keys.splice(lowerBound(this.keys, k), 1);
  }

  range(start: Uint8Array | undefined, end: Uint8Array | undefined, order: Order, limit?: number): [Uint8Array, Uint8Array][] {
    return keysInRange(this.keys, start, end, order, limit).map((k) => [fromStr(k), this.values.get(k)!.slice()]);
  }

  /** Number of records. */
  get size(): number {
    return this.keys.length;
  }
}

/** One buffered change: a value to set, or null to remove. */
export type Change = [key: Uint8Array, value: Uint8Array | null];

export class Overlay implements Storage {
  /** Buffered writes (null = removed), by key string. */
  private readonly pending = new Map<string, Uint8Array | null>();
  /** The buffered keys sorted, rebuilt on demand after a new key was buffered (no per-write splice). */
  private sortedKeys: string[] | null = [];

  private get pendingKeys(): string[] {
    if (this.sortedKeys === null) this.sortedKeys = [...this.pending.keys()].sort();
    return this.sortedKeys;
  }

  constructor(readonly base: Storage) {}

  get(key: Uint8Array): Uint8Array | undefined {
    const p = this.pending.get(toStr(key));
    if (p === null) return undefined;
    if (p !== undefined) return p.slice();
    return this.base.get(key);
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.put(toStr(key), value.slice());
  }

  remove(key: Uint8Array): void {
    this.put(toStr(key), null);
  }

  private put(k: string, v: Uint8Array | null): void {
    if (!this.pending.has(k)) this.sortedKeys = null;
    this.pending.set(k, v);
  }

  range(start: Uint8Array | undefined, end: Uint8Array | undefined, order: Order, limit = Infinity): [Uint8Array, Uint8Array][] {
    // Merge the base's records with the buffered ones (buffered wins), in `order`, reading the base a
    // page at a time and only as far as needed: a cursor step (limit 1) costs one base record, plus
    // the ones buffered removals hide, whatever the number of buffered keys.
    const keys = this.pendingKeys;
    let from = start === undefined ? 0 : lowerBound(keys, toStr(start));
    let to = end === undefined ? keys.length : lowerBound(keys, toStr(end));
    const nextMine = (): string | undefined => {
      if (from >= to) return undefined;
      return order === 'ascending' ? keys[from] : keys[to - 1];
    };
    const takeMine = () => (order === 'ascending' ? from++ : to--);
    const before = order === 'ascending' ? (a: string, b: string) => a < b : (a: string, b: string) => a > b;
    const out: [Uint8Array, Uint8Array][] = [];
    let page: [Uint8Array, Uint8Array][] = [];
    let pi = 0;
    let baseDone = false;
    let bStart = start;
    let bEnd = end;
    const nextBase = (): [Uint8Array, Uint8Array] | undefined => {
      if (pi < page.length) return page[pi];
      if (baseDone) return undefined;
      const want = Number.isFinite(limit) ? Math.max(1, limit - out.length) : Infinity;
      page = this.base.range(bStart, bEnd, order, want);
      pi = 0;
      if (page.length < want || !Number.isFinite(want)) baseDone = true;
      if (page.length > 0) {
        const last = page[page.length - 1][0];
        if (order === 'ascending') bStart = concatZero(last);
        else bEnd = last;
      }
      return page[0];
    };
    while (out.length < limit) {
      const b = nextBase();
      const bk = b === undefined ? undefined : toStr(b[0]);
      const mk = nextMine();
      if (bk === undefined && mk === undefined) break;
      if (mk === undefined || (bk !== undefined && before(bk, mk))) {
        out.push(b!);
        pi++;
        continue;
      }
      if (bk === mk) pi++;
      takeMine();
      const v = this.pending.get(mk)!;
      if (v !== null) out.push([fromStr(mk), v.slice()]);
    }
    return out;
  }

  /** The buffered changes in key order: the write set of the call. */
  changes(): Change[] {
    return this.pendingKeys.map((k) => {
      const v = this.pending.get(k)!;
      return [fromStr(k), v === null ? null : v.slice()];
    });
  }

  /** Applies the buffered changes to the base, in key order, and empties the buffer. */
  commit(): void {
    for (const [k, v] of this.changes()) {
      if (v === null) this.base.remove(k);
      else this.base.set(k, v);
    }
    this.discard();
  }

  /** Drops the buffered changes. */
  discard(): void {
    this.pending.clear();
    this.sortedKeys = [];
  }
}
