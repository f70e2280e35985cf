/**
 * The Store: heights and the genesis rule, persistence across close and reopen, the app hash (its
 * determinism, and its definition checked with node:crypto), keys longer than LMDB allows, what reads
 * hand out, atomicity of a failed commit, and every misuse the store throws on. Ends with a
 * measurement (printed, not asserted) of commitBlock for a block of 500 changes of 100-byte values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cache, LMDB_MAX_KEY, Store, changesDigest, nextAppHash } from '../src/store/index.js';

const enc = new TextEncoder();
const b = (s: string): Uint8Array => enc.encode(s);
const hex = (x: Uint8Array): string => Buffer.from(x).toString('hex');
const ZERO = new Uint8Array(32);

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'cloak-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function cacheWith(store: Store, entries: [string | Uint8Array, string | Uint8Array | null][]): Cache {
  const c = new Cache(store.state());
  for (const [k, v] of entries) {
    const key = typeof k === 'string' ? b(k) : k;
    if (v === null) c.delete(key);
    else c.set(key, typeof v === 'string' ? b(v) : v);
  }
  return c;
}

function all(store: Store, reverse = false): [string, string][] {
  return store.state().range(undefined, undefined, reverse, Infinity).map(([k, v]) => [hex(k), Buffer.from(v).toString()]);
}

test('a new store is empty: height -1, a zero app hash, no genesis, empty state', (t) => {
  const store = Store.open(join(tempDir(t), 'new.dir.with.dots'));
  try {
    assert.equal(store.height, -1);
    assert.deepEqual(store.appHash, ZERO);
    assert.equal(store.genesis(), undefined);
    assert.equal(store.block(0), undefined);
    assert.equal(store.tx(new Uint8Array(32)), undefined);
    assert.deepEqual(all(store), []);
    assert.equal(store.state().get(b('x')), undefined);
  } finally {
    store.close();
  }
});

test('genesis then blocks; reopening after close keeps height, app hash, blocks, txs, genesis and state', (t) => {
  const dir = tempDir(t);
  let store = Store.open(dir);
  const g = store.commitGenesis(cacheWith(store, [['a', '1'], ['b', '2']]), b('{"genesis":true}'));
  assert.equal(store.height, 0);
  assert.deepEqual(store.appHash, g);
  const tx1 = { hash: createHash('sha256').update('tx1').digest(), record: b('record 1') };
  const tx2 = { hash: createHash('sha256').update('tx2').digest(), record: b('record 2') };
  const h1 = store.commitBlock(1, b('block one'), [tx1, tx2], cacheWith(store, [['a', null], ['c', '3']]));
  const h2 = store.commitBlock(2, b('block two'), [], cacheWith(store, [['b', '22']]));
  assert.notDeepEqual(h1, g);
  assert.notDeepEqual(h2, h1);
  store.close();
  store = Store.open(dir);
  try {
    assert.equal(store.height, 2);
    assert.deepEqual(store.appHash, h2);
    assert.equal(Buffer.from(store.genesis()!).toString(), '{"genesis":true}');
    assert.equal(Buffer.from(store.block(1)!).toString(), 'block one');
    assert.equal(Buffer.from(store.block(2)!).toString(), 'block two');
    assert.equal(store.block(3), undefined);
    assert.equal(store.block(0), undefined, 'genesis is not a block');
    assert.equal(Buffer.from(store.tx(tx1.hash)!).toString(), 'record 1');
    assert.equal(Buffer.from(store.tx(tx2.hash)!).toString(), 'record 2');
    assert.deepEqual(all(store), [[hex(b('b')), '22'], [hex(b('c')), '3']]);
    // The chain recomputes from the changes alone.
    const c0 = nextAppHash(ZERO, 0, [[b('a'), b('1')], [b('b'), b('2')]]);
    const c1 = nextAppHash(c0, 1, [[b('a'), null], [b('c'), b('3')]]);
    assert.deepEqual(nextAppHash(c1, 2, [[b('b'), b('22')]]), h2);
  } finally {
    store.close();
  }
});

test('commitBlock with a wrong height throws naming both heights, and before genesis', (t) => {
  const store = Store.open(tempDir(t));
  try {
    assert.throws(() => store.commitBlock(1, b('x'), [], cacheWith(store, [])), /block 1 before genesis \(commitGenesis first\)/);
    store.commitGenesis(cacheWith(store, []), b('g'));
    assert.throws(() => store.commitBlock(5, b('x'), [], cacheWith(store, [])), /height 5 does not follow the committed height 0 \(expected 1\)/);
    assert.throws(() => store.commitBlock(0, b('x'), [], cacheWith(store, [])), /height 0 does not follow the committed height 0 \(expected 1\)/);
    assert.throws(() => store.commitBlock(1.5, b('x'), [], cacheWith(store, [])), /height must be an integer/);
    store.commitBlock(1, b('x'), [], cacheWith(store, []));
    assert.throws(() => store.commitBlock(1, b('x'), [], cacheWith(store, [])), /height 1 does not follow the committed height 1 \(expected 2\)/);
    assert.throws(() => store.commitGenesis(cacheWith(store, []), b('g')), /already has a genesis \(height 1\)/);
    assert.equal(store.height, 1);
  } finally {
    store.close();
  }
});

test('app hash: the same changes give the same hash in two stores, any difference another', (t) => {
  const run = (name: string, blocks: [string, string | null][][]): string[] => {
    const store = Store.open(join(tempDir(t), name));
    try {
      const out = [hex(store.commitGenesis(cacheWith(store, [['g', 'genesis']]), b('doc')))];
      blocks.forEach((changes, i) => out.push(hex(store.commitBlock(i + 1, b(`block ${i + 1}`), [], cacheWith(store, changes)))));
      return out;
    } finally {
      store.close();
    }
  };
  const base = run('a', [[['x', '1'], ['y', '2']], [['x', null]]]);
  assert.deepEqual(run('b', [[['x', '1'], ['y', '2']], [['x', null]]]), base, 'same changes, same hashes');
  assert.deepEqual(run('c', [[['y', '2'], ['x', '1']], [['x', null]]]), base, 'the order of writes within a block does not matter');
  assert.deepEqual(run('d', [[['x', '0'], ['x', '1'], ['y', '2']], [['x', null]]]), base, 'only the final value counts');
  assert.notEqual(run('e', [[['x', '1'], ['y', '3']], [['x', null]]])[1], base[1], 'another value');
  assert.notEqual(run('f', [[['x', '1'], ['y', '2'], ['z', '']], [['x', null]]])[1], base[1], 'an extra (empty) value');
  assert.notEqual(run('g', [[['x', '1'], ['y', '2']], [['x', null], ['w', null]]])[2], base[2], 'an extra deletion');
  assert.notEqual(run('h', [[['x', '1'], ['y', '2']], [['x', '']]])[2], base[2], 'an empty value is not a deletion');
  assert.notEqual(run('i', [[['x1', ''], ['y', '2']], [['x', null]]])[1], run('j', [[['x', '1'], ['y', '2']], [['x', null]]])[1], 'lengths keep key and value apart');
});

test('app hash is the documented SHA-256 chain over BE32-length-prefixed changes', () => {
  const sha = (...parts: Uint8Array[]): Buffer => {
    const h = createHash('sha256');
    for (const p of parts) h.update(p);
    return h.digest();
  };
  const be32 = (n: number): Buffer => {
    const x = Buffer.alloc(4);
    x.writeUInt32BE(n);
    return x;
  };
  const be64 = (n: number): Buffer => {
    const x = Buffer.alloc(8);
    x.writeBigUInt64BE(BigInt(n));
    return x;
  };
  const changes: [Uint8Array, Uint8Array | null][] = [[b('alpha'), b('one')], [b('beta'), null], [b('gamma'), new Uint8Array(0)]];
  const digest = sha(
    be32(5), b('alpha'), Uint8Array.of(1), be32(3), b('one'),
    be32(4), b('beta'), Uint8Array.of(0), be32(0),
    be32(5), b('gamma'), Uint8Array.of(1), be32(0),
  );
  assert.equal(hex(changesDigest(changes)), hex(digest));
  const genesis = sha(ZERO, be64(0), digest);
  assert.equal(hex(nextAppHash(ZERO, 0, changes)), hex(genesis));
  assert.equal(hex(nextAppHash(genesis, 7, [])), hex(sha(genesis, be64(7), sha())));
  assert.throws(() => changesDigest([[b('b'), null], [b('a'), null]]), /change 1 is out of order/);
  assert.throws(() => changesDigest([[b('a'), null], [b('a'), null]]), /change 1 is out of order/);
});

test('keys longer than LMDB allows are stored, read, deleted and kept in order with the short ones', (t) => {
  const dir = tempDir(t);
  const key = (n: number, last: number): Uint8Array => {
    const k = new Uint8Array(n).fill(0x6b);
    k[n - 1] = last;
    return k;
  };
  // Lengths on both sides of the limit; several long keys share their first 1946 bytes, one does not.
  const keys = [key(1, 1), key(LMDB_MAX_KEY, 1), key(LMDB_MAX_KEY + 1, 1), key(LMDB_MAX_KEY + 1, 0), key(5000, 2), key(5000, 1), key(3000, 0xff), key(1000, 0x6c)];
  const other = new Uint8Array(4000).fill(0x6b);
  other[100] = 0x6a;
  keys.push(other);
  let store = Store.open(dir);
  store.commitGenesis(cacheWith(store, keys.map((k, i) => [k, `v${i}`])), b('g'));
  const sorted = [...keys].sort(Buffer.compare);
  const expect = (s: Store, present: Uint8Array[]): void => {
    const want = present.map((k) => [hex(k), `v${keys.indexOf(k)}`]);
    assert.deepEqual(all(s), want);
    assert.deepEqual(all(s, true), [...want].reverse());
    for (const k of keys) assert.equal(s.state().get(k) === undefined ? undefined : Buffer.from(s.state().get(k)!).toString(), present.includes(k) ? `v${keys.indexOf(k)}` : undefined);
    // Every window between two keys, both orders, with a limit of 2.
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i; j < sorted.length; j++) {
        const inWindow = want.filter(([k]) => Buffer.compare(Buffer.from(k, 'hex'), sorted[i]!) >= 0 && Buffer.compare(Buffer.from(k, 'hex'), sorted[j]!) < 0);
        const got = s.state().range(sorted[i], sorted[j], false, 2).map(([k]) => hex(k));
        assert.deepEqual(got, inWindow.slice(0, 2).map(([k]) => k));
        const gotReverse = s.state().range(sorted[i], sorted[j], true, 2).map(([k]) => hex(k));
        assert.deepEqual(gotReverse, [...inWindow].reverse().slice(0, 2).map(([k]) => k));
      }
    }
  };
  expect(store, sorted);
  store.close();
  store = Store.open(dir);
  try {
    expect(store, sorted);
    store.commitBlock(1, b('1'), [], cacheWith(store, [[keys[4]!, null], [keys[2]!, null]]));
    expect(store, sorted.filter((k) => k !== keys[4] && k !== keys[2]));
  } finally {
    store.close();
  }
});

test('reads hand out fresh plain Uint8Arrays the caller owns', (t) => {
  const store = Store.open(tempDir(t));
  try {
    const value = b('value');
    const c = cacheWith(store, [['k', value]]);
    value[0] = 0; // set copied it
    const got = c.get(b('k'))!;
    assert.equal(got.constructor, Uint8Array);
    got[0] = 0; // mutating what get returned changes nothing
    assert.equal(Buffer.from(c.get(b('k'))!).toString(), 'value');
    store.commitGenesis(c, b('genesis'));
    for (const x of [store.state().get(b('k'))!, store.genesis()!, ...store.state().range(undefined, undefined, false, 1)[0]!]) {
      assert.equal(x.constructor, Uint8Array, 'not a Buffer');
      x.fill(0);
    }
    assert.equal(Buffer.from(store.state().get(b('k'))!).toString(), 'value');
    assert.equal(Buffer.from(store.genesis()!).toString(), 'genesis');
    const h = store.appHash;
    h.fill(1);
    assert.notDeepEqual(store.appHash, h);
    const [[k, v]] = c.changes() as [[Uint8Array, Uint8Array]];
    k.fill(0);
    v.fill(0);
    assert.equal(Buffer.from(c.changes()[0]![1]!).toString(), 'value');
  } finally {
    store.close();
  }
});

test('a failed commit changes nothing, and the cache can still be committed', (t) => {
  const store = Store.open(tempDir(t));
  try {
    store.commitGenesis(cacheWith(store, [['a', '1']]), b('g'));
    const tx = { hash: new Uint8Array(32).fill(7), record: b('r') };
    store.commitBlock(1, b('one'), [tx], cacheWith(store, [['a', '2']]));
    const before = { height: store.height, appHash: store.appHash, state: all(store) };
    const c = cacheWith(store, [['a', '3'], ['b', '4']]);
    assert.throws(() => store.commitBlock(2, b('two'), [tx], c), /tx 0707.* is already stored \(from an earlier block\)/);
    assert.throws(() => store.commitBlock(2, b('two'), [{ hash: b('x'), record: b('1') }, { hash: b('x'), record: b('2') }], c), /tx 78 appears twice in block 2/);
    assert.deepEqual({ height: store.height, appHash: store.appHash, state: all(store) }, before);
    assert.equal(store.block(2), undefined);
    assert.equal(c.committed, false);
    store.commitBlock(2, b('two'), [], c);
    assert.deepEqual(all(store), [[hex(b('a')), '3'], [hex(b('b')), '4']]);
  } finally {
    store.close();
  }
});

test('misuse throws: wrong parent, double commit, stale cache, closed store, bad keys, second open', (t) => {
  const dir = tempDir(t);
  const store = Store.open(dir);
  store.commitGenesis(cacheWith(store, []), b('g'));
  const block = new Cache(store.state());
  const tx = block.branch();
  tx.set(b('k'), b('v'));
  assert.throws(() => store.commitBlock(1, b('x'), [], tx), /not made directly over this store's state\(\)/);
  assert.throws(() => block.commit(), /the parent is not a Cache .*Store\.commitBlock/);
  assert.throws(() => store.commitBlock(1, b('x'), [], new Cache(block)), /not made directly over/);
  const foreign = Store.open(join(dir, 'other'));
  assert.throws(() => store.commitBlock(1, b('x'), [], new Cache(foreign.state())), /not made directly over/);
  foreign.close();
  tx.commit();
  assert.throws(() => tx.commit(), /already committed/);
  assert.throws(() => tx.set(b('k'), b('w')), /set: the cache was already committed/);
  assert.throws(() => tx.delete(b('k')), /delete: the cache was already committed/);
  assert.throws(() => tx.branch(), /branch: the cache was already committed/);
  const stale = new Cache(store.state());
  store.commitBlock(1, b('x'), [], block);
  assert.throws(() => store.commitBlock(2, b('x'), [], block), /already committed/);
  assert.throws(() => block.set(b('k'), b('w')), /already committed/);
  assert.throws(() => store.commitBlock(2, b('x'), [], stale), /stale/);
  // A committed child of a committed parent: folding again is refused.
  const p = new Cache(store.state());
  const child = p.branch();
  store.commitBlock(2, b('x'), [], p);
  assert.throws(() => child.commit(), /commit into parent: the cache was already committed/);

  const c = new Cache(store.state());
  assert.throws(() => c.set(new Uint8Array(0), b('v')), /key must not be empty/);
  assert.throws(() => c.delete(new Uint8Array(0)), /key must not be empty/);
  assert.throws(() => c.set('k' as unknown as Uint8Array, b('v')), /set: key must be a Uint8Array, got string/);
  assert.throws(() => c.set(b('k'), 'v' as unknown as Uint8Array), /set: value must be a Uint8Array, got string/);
  assert.throws(() => c.set(new Uint8Array((1 << 20) + 1), b('v')), /over the limit of 1048576 \(MAX_STATE_KEY\)/);
  assert.throws(() => c.range(undefined, undefined, false, -1), /limit must be a non-negative integer or Infinity, got -1/);
  assert.throws(() => c.range(undefined, undefined, false, 1.5), /limit must be/);
  assert.throws(() => store.state().range(undefined, undefined, 'yes' as unknown as boolean, 1), /reverse must be a boolean/);
  assert.throws(() => new Cache({} as never), /parent must be a KvReader/);
  assert.throws(() => new Cache(store.state(), { pageSize: 0 }), /pageSize must be a positive integer/);
  assert.equal(c.get(new Uint8Array(0)), undefined);
  assert.deepEqual(c.range(b('b'), b('a'), false, 10), []);

  assert.throws(() => Store.open(dir), /is already open in this process/);
  const view = store.state();
  store.close();
  store.close(); // closing twice is harmless
  assert.throws(() => store.commitBlock(3, b('x'), [], c), /commitBlock: the store in .* is closed/);
  assert.throws(() => store.state(), /closed/);
  assert.throws(() => store.block(1), /closed/);
  assert.throws(() => view.get(b('k')), /get: the store is closed/);
  assert.throws(() => c.get(b('k')), /the store is closed/);
  const again = Store.open(dir);
  assert.equal(again.height, 2);
  again.close();
});

test('another process cannot open a store in use; one that writes anyway is refused at commit', (t) => {
  const dir = tempDir(t);
  const store = Store.open(dir);
  try {
    store.commitGenesis(cacheWith(store, []), b('g'));
    const url = new URL('../src/store/index.js', import.meta.url).href;
    const script = `import { Store, Cache } from ${JSON.stringify(url)};
      const s = Store.open(${JSON.stringify(dir)}); s.commitBlock(1, new Uint8Array([1]), [], new Cache(s.state())); s.close();`;
    const refused = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, new RegExp(`StoreInUse: the store in .* is in use by process ${process.pid}`));
    // A writer that ignores the lock (it was removed under us): its commit wins, ours is refused.
    rmSync(join(realpathSync(dir), 'cloak.lock'));
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.throws(() => store.commitBlock(1, b('mine'), [], cacheWith(store, [])), /changed by another writer: on disk at height 1, this handle at 0/);
    assert.equal(Buffer.from(store.block(1)!).toString('hex'), '01');
  } finally {
    store.close();
  }
});

test('measure: commitBlock of 500 changes of 100-byte values (printed, not asserted)', (t) => {
  const store = Store.open(tempDir(t));
  try {
    store.commitGenesis(cacheWith(store, []), b('g'));
    const times: number[] = [];
    const blocks = 40;
    for (let h = 1; h <= blocks; h++) {
      const c = new Cache(store.state());
      for (let i = 0; i < 500; i++) {
        const key = createHash('sha256').update(`${h % 4}/${i}`).digest(); // a quarter new keys per block, the rest overwritten
        c.set(Uint8Array.of(0x13, ...key), new Uint8Array(100).fill((h + i) & 0xff));
      }
      const t0 = performance.now();
      store.commitBlock(h, new Uint8Array(2000), [{ hash: createHash('sha256').update(`tx${h}`).digest(), record: new Uint8Array(300) }], c);
      times.push(performance.now() - t0);
    }
    times.sort((x, y) => x - y);
    const median = times[times.length >> 1]!;
    const mean = times.reduce((x, y) => x + y, 0) / times.length;
    const line = `commitBlock, 500 changes × 100-byte values: median ${median.toFixed(2)} ms, mean ${mean.toFixed(2)} ms, max ${times[times.length - 1]!.toFixed(2)} ms over ${blocks} blocks`;
    t.diagnostic(line);
    console.log(`# ${line}`);
  } finally {
    store.close();
  }
});
