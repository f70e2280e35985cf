/**
 * Crash safety: a child process commits blocks in a loop (support/store-crash-child.ts) and is killed
 * with SIGKILL after a random delay, 30 times over the same directory. After each kill the store is
 * reopened and must be at or past the last height the child reported as committed, hold every block
 * and tx up to its height, hold exactly the state after that block (nothing of a partial next one),
 * and have the app hash the chain of changes recomputes. The next round continues from there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store, nextAppHash } from '../src/store/index.js';
import { GENESIS_DOC, blockBytes, blockChanges, genesisChanges, stateAt, txsOf } from './support/store-crash-blocks.js';

const CHILD = fileURLToPath(new URL('./support/store-crash-child.js', import.meta.url));
const ROUNDS = 30;
const hex = (x: Uint8Array): string => Buffer.from(x).toString('hex');

/** Runs the child until SIGKILL after `delayMs`; returns the last height it printed (or -1) and how it ended. */
function runAndKill(dir: string, delayMs: number): Promise<{ last: number; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      // Only complete lines count: a height is printed after its commit returned.
      const lines = out.split('\n').slice(0, -1);
      resolve({ last: lines.length === 0 ? -1 : Number(lines[lines.length - 1]), signal, stderr });
    });
  });
}

test(`a store survives SIGKILL mid-commit (${ROUNDS} rounds)`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cloak-store-crash-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // chain[h] = the app hash after block h, recomputed from the changes alone.
  const chain: string[] = [];
  let previous: Uint8Array = new Uint8Array(32);
  const hashUpTo = (h: number): string => {
    while (chain.length <= h) {
      const n = chain.length;
      previous = nextAppHash(previous, n, n === 0 ? genesisChanges() : blockChanges(n));
      chain.push(hex(previous));
    }
    return chain[h]!;
  };
  let reported = -1;
  let checkedBlocks = 0;
  const heights: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Child start-up takes ~100 ms, so some kills land before or during the first commits.
    const delay = 60 + Math.floor(Math.random() * 340);
    const { last, signal, stderr } = await runAndKill(dir, delay);
    assert.equal(signal, 'SIGKILL', `round ${round}: the child ended by itself: ${stderr}`);
    reported = Math.max(reported, last);

    const store = Store.open(dir);
    try {
      const h = store.height;
      heights.push(h);
      assert.ok(h >= reported, `round ${round}: the store is at height ${h} but the child reported ${reported} committed`);
      if (h === -1) {
        assert.deepEqual(store.state().range(undefined, undefined, false, Infinity), []);
        continue;
      }
      assert.equal(hex(store.genesis()!), hex(GENESIS_DOC));
      for (let i = 1; i <= h; i++) {
        assert.equal(hex(store.block(i) ?? new Uint8Array(0)), hex(blockBytes(i)), `round ${round}: block ${i} of ${h}`);
        for (const tx of txsOf(i)) assert.equal(hex(store.tx(tx.hash) ?? new Uint8Array(0)), hex(tx.record), `round ${round}: a tx of block ${i}`);
        checkedBlocks++;
      }
      assert.equal(store.block(h + 1), undefined, `round ${round}: block ${h + 1} is present beyond height ${h}`);
      for (const tx of txsOf(h + 1)) assert.equal(store.tx(tx.hash), undefined, `round ${round}: a tx of block ${h + 1} is present`);
      assert.deepEqual(
        store.state().range(undefined, undefined, false, Infinity).map(([k, v]) => [hex(k), hex(v)]),
        stateAt(h).map(([k, v]) => [hex(k), hex(v)]),
        `round ${round}: the state is not exactly that of block ${h}`,
      );
      assert.equal(hex(store.appHash), hashUpTo(h), `round ${round}: app hash at height ${h}`);
    } finally {
      store.close();
    }
  }
  t.diagnostic(`heights after each kill: ${heights.join(' ')}; ${checkedBlocks} block checks`);
  assert.ok(reported > 0, 'the child never got to commit a block');
});
