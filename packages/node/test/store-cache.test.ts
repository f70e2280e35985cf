/**
 * Cache semantics against a model: fast-check generates sequences of set / delete / branch / commit /
 * drop / get / range over a stack of caches whose bottom is a real Store's committed state (with keys
 * on both sides of LMDB's key limit, long keys sharing their stored prefix, empty values), and every
 * get and range is compared with a plain sorted-map model. Small parent page sizes make the range
 * merge page through its parent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Cache, LMDB_MAX_KEY, LONG_KEY_PREFIX, Store } from '../src/store/index.js';

type Bytes = Uint8Array;
type Op =
  | { t: 'set'; k: Bytes; v: Bytes }
  | { t: 'del'; k: Bytes }
  | { t: 'branch' }
  | { t: 'commit' }
  | { t: 'drop' }
  | { t: 'get'; k: Bytes }
  | { t: 'range'; start: Bytes | undefined; end: Bytes | undefined; reverse: boolean; limit: number };

const s = (b: Bytes): string => Buffer.from(b).toString('latin1'); // latin1 strings compare as the bytes do
const hex = (b: Bytes): string => Buffer.from(b).toString('hex');

// Key shapes: short keys; keys around LMDB's limit (1977..1980 bytes: stored directly up to 1978,
// as long keys from 1979); long keys sharing their first LONG_KEY_PREFIX bytes (one in-memory run);
// a long key differing inside the prefix (another run).
const A = 0x61;
const bases: Bytes[] = [
  new Uint8Array(0),
  new Uint8Array(LMDB_MAX_KEY - 1).fill(A),
  new Uint8Array(LMDB_MAX_KEY + 12).fill(A),
  (() => {
    const b = new Uint8Array(LMDB_MAX_KEY + 40).fill(A);
    b[LONG_KEY_PREFIX - 3] = 0x62;
    return b;
  })(),
  new Uint8Array(LONG_KEY_PREFIX).fill(A),
];
const byte = fc.constantFrom(0x00, 0x01, 0x61, 0x62, 0xff);
const tail = fc.array(byte, { maxLength: 3 }).map((a) => Uint8Array.from(a));
const keyArb: fc.Arbitrary<Bytes> = fc
  .tuple(fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 4, arbitrary: fc.integer({ min: 1, max: bases.length - 1 }) }), tail)
  .map(([b, t]) => Buffer.concat([bases[b]!, t]))
  .map((b) => new Uint8Array(b))
  .filter((k) => k.length > 0);
const valueArb = fc.uint8Array({ maxLength: 4 });
const boundArb = fc.option(fc.oneof(keyArb, fc.constant(new Uint8Array(0))), { nil: undefined, freq: 3 });
const limitArb = fc.oneof(fc.constantFrom(0, 1, 2, 3, Infinity), fc.nat({ max: 12 }));

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ t: fc.constant('set' as const), k: keyArb, v: valueArb }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('del' as const), k: keyArb }) },
  { weight: 2, arbitrary: fc.constant({ t: 'branch' as const }) },
  { weight: 2, arbitrary: fc.constant({ t: 'commit' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'drop' as const }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('get' as const), k: keyArb }) },
  { weight: 5, arbitrary: fc.record({ t: fc.constant('range' as const), start: boundArb, end: boundArb, reverse: fc.boolean(), limit: limitArb }) },
);

/** The model: committed records, and one map of changes per cache level (null = deleted). */
class Model {
  committed = new Map<string, Bytes>();
  levels: Map<string, Bytes | null>[] = [new Map()];

  view(): Map<string, Bytes> {
    const out = new Map(this.committed);
    for (const level of this.levels) for (const [k, v] of level) (v === null ? out.delete(k) : out.set(k, v));
    return out;
  }

  range(start: Bytes | undefined, end: Bytes | undefined, reverse: boolean, limit: number): [string, string][] {
    const lo = start === undefined ? undefined : s(start);
    const hi = end === undefined ? undefined : s(end);
    const keys = [...this.view().keys()].filter((k) => (lo === undefined || k >= lo) && (hi === undefined || k < hi)).sort();
    if (reverse) keys.reverse();
    const view = this.view();
    return keys.slice(0, limit === Infinity ? undefined : limit).map((k) => [hex(Buffer.from(k, 'latin1')), hex(view.get(k)!)]);
  }
}

function fold(into: Map<string, Bytes | null>, from: Map<string, Bytes | null>): void {
  for (const [k, v] of from) into.set(k, v);
}

test('Cache over a Store matches a sorted-map model (fast-check)', () => {
  const root = mkdtempSync(join(tmpdir(), 'cloak-store-cache-'));
  let n = 0;
  try {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(keyArb, valueArb), { maxLength: 25 }),
        fc.array(opArb, { minLength: 1, maxLength: 70 }),
        fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constant(256)),
        (initial, ops, pageSize) => {
          const store = Store.open(join(root, String(n++)));
          try {
            const model = new Model();
            const genesis = new Cache(store.state(), { pageSize });
            for (const [k, v] of initial) {
              genesis.set(k, v);
              model.committed.set(s(k), v);
            }
            store.commitGenesis(genesis, new Uint8Array([1]));
            let stack = [new Cache(store.state(), { pageSize })];
            const top = (): Cache => stack[stack.length - 1]!;
            for (const op of ops) {
              switch (op.t) {
                case 'set':
                  top().set(op.k, op.v);
                  model.levels[model.levels.length - 1]!.set(s(op.k), op.v.slice());
                  break;
                case 'del':
                  top().delete(op.k);
                  model.levels[model.levels.length - 1]!.set(s(op.k), null);
                  break;
                case 'branch':
                  stack.push(top().branch());
                  model.levels.push(new Map());
                  break;
                case 'commit': {
                  const level = model.levels.pop()!;
                  if (stack.length > 1) {
                    stack.pop()!.commit();
                    fold(model.levels[model.levels.length - 1]!, level);
                  } else {
                    store.commitBlock(store.height + 1, new Uint8Array([2]), [], stack[0]!);
                    for (const [k, v] of level) (v === null ? model.committed.delete(k) : model.committed.set(k, v));
                    stack = [new Cache(store.state(), { pageSize })];
                  }
                  if (model.levels.length === 0) model.levels.push(new Map());
                  break;
                }
                case 'drop':
                  model.levels.pop();
                  if (model.levels.length === 0) model.levels.push(new Map());
                  stack.pop();
                  if (stack.length === 0) stack.push(new Cache(store.state(), { pageSize }));
                  break;
                case 'get': {
                  const got = top().get(op.k);
                  const want = model.view().get(s(op.k));
                  assert.equal(got === undefined ? undefined : hex(got), want === undefined ? undefined : hex(want), `get ${hex(op.k).slice(0, 20)}`);
                  if (got !== undefined) assert.equal(got.constructor, Uint8Array);
                  break;
                }
                case 'range': {
                  const got = top().range(op.start, op.end, op.reverse, op.limit);
                  for (const [k, v] of got) assert.ok(k.constructor === Uint8Array && v.constructor === Uint8Array, 'range hands out plain Uint8Arrays');
                  assert.deepEqual(
                    got.map(([k, v]) => [hex(k), hex(v)]),
                    model.range(op.start, op.end, op.reverse, op.limit),
                    `range ${op.reverse ? 'reverse ' : ''}limit ${op.limit}`,
                  );
                  break;
                }
              }
            }
            // The committed state alone, read straight from the store in both orders.
            const committed = new Model();
            committed.committed = model.committed;
            for (const reverse of [false, true]) {
              assert.deepEqual(
                store.state().range(undefined, undefined, reverse, Infinity).map(([k, v]) => [hex(k), hex(v)]),
                committed.range(undefined, undefined, reverse, Infinity),
              );
            }
          } finally {
            store.close();
          }
        },
      ),
      { numRuns: 250 },
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a range with a limit reads the parent a page at a time, not the whole range', () => {
  let rows = 0;
  const parent = {
    data: Array.from({ length: 10_000 }, (_, i) => [Buffer.from(`k${String(i).padStart(5, '0')}`), Buffer.from('v')] as [Uint8Array, Uint8Array]),
    get: (): undefined => undefined,
    range(start: Uint8Array | undefined, end: Uint8Array | undefined, reverse: boolean, limit: number): [Uint8Array, Uint8Array][] {
      let sel = this.data.filter(([k]) => (start === undefined || Buffer.compare(k, start) >= 0) && (end === undefined || Buffer.compare(k, end) < 0));
      if (reverse) sel = sel.reverse();
      const out = sel.slice(0, limit);
      rows += out.length;
      return out;
    },
  };
  const c = new Cache(parent);
  for (let i = 0; i < 5; i++) c.delete(Buffer.from(`k${String(i).padStart(5, '0')}`));
  assert.equal(c.range(undefined, undefined, false, 3).map(([k]) => Buffer.from(k).toString()).join(), 'k00005,k00006,k00007');
  assert.ok(rows <= 3 + 5, `read ${rows} parent rows`);
  rows = 0;
  assert.equal(c.range(undefined, undefined, true, 2).map(([k]) => Buffer.from(k).toString()).join(), 'k09999,k09998');
  assert.ok(rows <= 2 + 5, `read ${rows} parent rows`);
});
