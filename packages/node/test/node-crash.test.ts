/**
 * Crash safety of the node: a real node (support/node-crash-child.ts) produces blocks every 15 ms
 * while bank sends stream in, and is killed with SIGKILL at a random moment, 24 times over the same
 * home. After each kill the node is reopened and must hold every tx it reported committed, in the
 * block it reported; every block up to its height must be whole (each of its txs has a record at
 * that height, in order); and the coins must add up to genesis (a partial block, or a tx's fee
 * without its send, would break the sum). The next round continues from there.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { txHash } from '@cloak/client';
import { openChain } from './support/chain.js';

const CHILD = fileURLToPath(new URL('./support/node-crash-child.js', import.meta.url));
const ROUNDS = 24;
const GENESIS_TOTAL = 4n * 1_000_000_000_000_000_000n;

function runAndKill(dir: string, delayMs: number): Promise<{ reported: Map<number, string[]>; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      const reported = new Map<number, string[]>();
      // Only complete lines count: a line is printed after its block was committed.
      for (const line of out.split('\n').slice(0, -1)) {
        const [h, ...txs] = line.split(' ');
        reported.set(Number(h), txs);
      }
      resolve({ reported, stderr });
    });
  });
}

test('SIGKILL at random moments while txs stream in: every reported tx is there, no block is partial', async () => {
  const home = mkdtempSync(join(tmpdir(), 'cloak-node-crash-'));
  try {
    let committedTxs = 0;
    let lastHeight = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const { reported, stderr } = await runAndKill(home, 250 + Math.floor(Math.random() * 500));
      const { node } = openChain({}, home);
      try {
        const height = node.height;
        const top = Math.max(-1, ...reported.keys());
        assert.ok(height >= top, `round ${round}: the node is at ${height} but reported ${top} committed (${stderr.slice(-500)})`);
        for (const [h, txs] of reported) {
          for (const t of txs) {
            const rec = node.tx(t);
            assert.ok(rec, `round ${round}: tx ${t} reported committed at ${h} is missing`);
            assert.equal(rec.height, String(h));
          }
        }
        for (let h = lastHeight + 1; h <= height; h++) {
          const b = node.block(h);
          assert.ok(b, `round ${round}: block ${h} is missing`);
          b.block.data.txs.forEach((t, i) => {
            const rec = node.tx(txHash(Buffer.from(t, 'base64')));
            assert.ok(rec, `round ${round}: block ${h} holds a tx without a record`);
            assert.equal(rec.height, String(h));
            assert.equal(rec.index, i);
            assert.equal(rec.code, 0, rec.raw_log);
            committedTxs++;
          });
        }
        assert.equal(node.block(height + 1), undefined);
        let total = 0n;
        for (const [k, v] of node.state().range(Uint8Array.of(0x02), Uint8Array.of(0x03), false, Infinity)) {
          if (Buffer.from(k.subarray(21)).toString() === 'uscrt') total += BigInt(Buffer.from(v).toString());
        }
        assert.equal(total, GENESIS_TOTAL, `round ${round}: coins do not add up at height ${height}`);
        lastHeight = height;
      } finally {
        await node.close();
      }
    }
    assert.ok(lastHeight > ROUNDS, `blocks were made (${lastHeight})`);
    assert.ok(committedTxs > ROUNDS, `txs were committed (${committedTxs})`);
    console.log(`# ${ROUNDS} kills: ${lastHeight} blocks, ${committedTxs} txs committed and checked`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
