// The storage interface: MemoryStorage and Overlay against a plain model, on random operation
// sequences (fast-check), plus the byte order and range rules spelled out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MemoryStorage, Overlay, type Storage } from '@cloak/vm';

const b = (...xs: number[]) => new Uint8Array(xs);
const hex = (u: Uint8Array) => Buffer.from(u).toString('hex');
const rows = (s: Storage, start?: Uint8Array, end?: Uint8Array, order: 'ascending' | 'descending' = 'ascending') =>
  s.range(start, end, order).map(([k, v]) => `${hex(k)}=${hex(v)}`);

test('keys order as unsigned bytes, shorter prefix first; ranges are [start, end)', () => {
  const s = new MemoryStorage();
  for (const k of [b(0x80), b(1, 2), b(1), b(0xff, 0), b(0), b()]) s.set(k, b(k.length));
  assert.deepEqual(rows(s).map((r) => r.split('=')[0]), ['', '00', '01', '0102', '80', 'ff00']);
  assert.deepEqual(rows(s, b(1), b(0x80)).map((r) => r.split('=')[0]), ['01', '0102']);
  assert.deepEqual(rows(s, b(1), b(0x80), 'descending').map((r) => r.split('=')[0]), ['0102', '01']);
  assert.deepEqual(rows(s, b(0x80), b(1)), [], 'start ≥ end is empty');
  assert.deepEqual(rows(s, b(0x80), b(0x80)), []);
});

test('values are copied in and out; a range is a snapshot', () => {
  const s = new MemoryStorage();
  const v = b(1, 2);
  s.set(b(9), v);
  v[0] = 7;
  assert.deepEqual(s.get(b(9)), b(1, 2));
  s.get(b(9))![0] = 5;
  assert.deepEqual(s.get(b(9)), b(1, 2));
  const snap = s.range(undefined, undefined, 'ascending');
  s.set(b(10), b(3));
  s.remove(b(9));
  assert.equal(snap.length, 1);
  assert.deepEqual(snap[0][1], b(1, 2));
});

type Op =
  | { t: 'set'; k: number[]; v: number[] }
  | { t: 'remove'; k: number[] }
  | { t: 'get'; k: number[] }
  | { t: 'range'; s?: number[]; e?: number[]; d: boolean }
  | { t: 'commit' }
  | { t: 'discard' };

const key = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('set' as const), k: key, v: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 3 }) }),
  fc.record({ t: fc.constant('remove' as const), k: key }),
  fc.record({ t: fc.constant('get' as const), k: key }),
  fc.record({ t: fc.constant('range' as const), s: fc.option(key, { nil: undefined }), e: fc.option(key, { nil: undefined }), d: fc.boolean() }),
  fc.constant({ t: 'commit' as const }),
  fc.constant({ t: 'discard' as const }),
);

/** The model: committed and pending maps of hex keys; ranges by sorting hex strings (same order as bytes). */
function modelRange(m: Map<string, string>, s?: number[], e?: number[], d = false): string[] {
  const sh = s && hex(Uint8Array.from(s));
  const eh = e && hex(Uint8Array.from(e));
  const ks = [...m.keys()].filter((k) => (sh === undefined || k >= sh) && (eh === undefined || k < eh)).sort();
  if (d) ks.reverse();
  return ks.map((k) => `${k}=${m.get(k)}`);
}

test('Overlay over MemoryStorage behaves like the model on random operation sequences', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const base = new MemoryStorage();
      const o = new Overlay(base);
      const committed = new Map<string, string>();
      let view = new Map<string, string>();
      for (const x of ops) {
        switch (x.t) {
          case 'set':
            o.set(Uint8Array.from(x.k), Uint8Array.from(x.v));
            view.set(hex(Uint8Array.from(x.k)), hex(Uint8Array.from(x.v)));
            break;
          case 'remove':
            o.remove(Uint8Array.from(x.k));
            view.delete(hex(Uint8Array.from(x.k)));
            break;
          case 'get': {
            const got = o.get(Uint8Array.from(x.k));
            assert.equal(got === undefined ? undefined : hex(got), view.get(hex(Uint8Array.from(x.k))));
            assert.equal(base.get(Uint8Array.from(x.k)) === undefined ? undefined : hex(base.get(Uint8Array.from(x.k))!), committed.get(hex(Uint8Array.from(x.k))));
            break;
          }
          case 'range':
            assert.deepEqual(
              rows(o, x.s && Uint8Array.from(x.s), x.e && Uint8Array.from(x.e), x.d ? 'descending' : 'ascending'),
              modelRange(view, x.s, x.e, x.d),
            );
            assert.deepEqual(rows(base), modelRange(committed));
            break;
          case 'commit': {
            const changes = o.changes().map(([k]) => hex(k));
            assert.deepEqual(changes, [...changes].sort(), 'the write set is in key order');
            o.commit();
            committed.clear();
            for (const [k, v] of view) committed.set(k, v);
            assert.deepEqual(o.changes(), []);
            break;
          }
          case 'discard':
            o.discard();
            view = new Map(committed);
            break;
        }
      }
    }),
    { numRuns: 300, seed: 20261124 },
  );
});
