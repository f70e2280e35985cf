// The node suite: token transfers per second end to end, HTTP → CheckTx → block → enclave → LMDB,
// with N signed txs in flight, and the latency from broadcast to the commit of the block that holds
// each tx. The node runs in a child process (bench/node-child.js) with its enclave in v8 (JIT) mode,
// then in interpreter (--jitless) mode; this process signs the txs beforehand and sends them.
// Baseline, measured in the same run: the same transfer on the same engine, called on the VM in
// this process with nothing around it (no signature, no HTTP, no block, no store).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { MemoryStorage, Vm } from '@cloak/vm';
import { Key, MsgExecuteContract, MsgInstantiateContract, MsgSend, MsgStoreCode, buildTx, fromBech32 } from '@cloak/client';
import { DEV_ACCOUNTS } from '../packages/node/dist/src/devnet.js';
import { median, row, fmtNum } from './harness.js';

const keys = Object.fromEntries(DEV_ACCOUNTS.map((d) => [d.name, Key.fromMnemonic(d.mnemonic)]));

const enc = new TextEncoder();
const TOKEN = new URL('../packages/contracts/build/token-v1.wasm', import.meta.url);
const GAS = 300_000n;
const IN_FLIGHT = 64;
/** One sender per request in flight: a sender's txs must arrive in sequence order. */
const SENDERS = Array.from({ length: IN_FLIGHT }, (_, i) => new Key(Uint8Array.from({ length: 32 }, (_, j) => (j === 0 ? 1 : (i * 7 + j) % 251))));

function startNode(engine, dir, blockMs) {
  const child = spawn(process.execPath, [...(process.env.CLOAK_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), new URL('./node-child.js', import.meta.url).pathname, '--engine', engine, '--dir', dir, '--block-ms', String(blockMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const blocks = new Map();
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`the node exited (${code})`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const [what, a, b] = line.split(' ');
      if (what === 'ready') resolve({ url: a, blocks, stop: () => new Promise((r) => { child.removeAllListeners('exit'); child.on('exit', r); child.kill('SIGTERM'); }) });
      else if (what === 'block') blocks.set(Number(a), Number(b));
    });
  });
}

async function get(url) {
  const r = await fetch(url);
  return { status: r.status, body: await r.json() };
}

async function broadcast(url, tx) {
  const r = await fetch(`${url}/cosmos/tx/v1beta1/txs`, { method: 'POST', body: JSON.stringify({ tx_bytes: Buffer.from(tx).toString('base64'), mode: 'BROADCAST_MODE_SYNC' }) });
  const body = await r.json();
  if (body.tx_response?.code !== 0) throw new Error(`broadcast refused: ${JSON.stringify(body)}`);
  return body.tx_response.txhash;
}

async function waitTx(url, hash, timeoutMs = 120_000) {
  for (const t0 = Date.now(); Date.now() - t0 < timeoutMs; ) {
    const r = await get(`${url}/cosmos/tx/v1beta1/txs/${hash}`);
    if (r.status === 200) return r.body.tx_response;
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error(`tx ${hash} not included`);
}

async function account(url, key) {
  const { body } = await get(`${url}/cosmos/auth/v1beta1/accounts/${key.address}`);
  return { number: BigInt(body.account.account_number), sequence: BigInt(body.account.sequence) };
}

function sign(key, acc, msgs, gas = GAS) {
  const tx = buildTx({ msgs, fee: { amount: [{ denom: 'uscrt', amount: String((gas + 9n) / 10n) }], gasLimit: gas }, key, sequence: acc.sequence, accountNumber: acc.number, chainId: 'secretdev-1' });
  acc.sequence++;
  return tx;
}

/** Funds the senders, stores and instantiates the token with a balance for each; returns its address. */
async function setup(url) {
  const a = keys.a;
  const acc = await account(url, a);
  const fund = SENDERS.map((k) => ({ typeUrl: MsgSend.typeUrl, value: { fromAddress: a.address, toAddress: k.address, amount: [{ denom: 'uscrt', amount: '1000000000000' }] } }));
  let t = await waitTx(url, await broadcast(url, sign(a, acc, fund, 5_000_000n)));
  if (t.code !== 0) throw new Error(t.raw_log);
  t = await waitTx(url, await broadcast(url, sign(a, acc, [{ typeUrl: MsgStoreCode.typeUrl, value: { sender: a.addressBytes, wasmByteCode: new Uint8Array(readFileSync(TOKEN)) } }], 5_000_000n)));
  if (t.code !== 0) throw new Error(t.raw_log);
  const init = { name: 'Cloak Token', symbol: 'CLK', decimals: 6, initial_balances: SENDERS.map((k) => ({ address: k.address, amount: '1000000000000' })) };
  t = await waitTx(url, await broadcast(url, sign(a, acc, [{ typeUrl: MsgInstantiateContract.typeUrl, value: { sender: a.addressBytes, codeId: 1n, label: 'bench', initMsg: enc.encode(JSON.stringify(init)), initFunds: [] } }], 5_000_000n)));
  if (t.code !== 0) throw new Error(t.raw_log);
  return t.events.find((e) => e.type === 'instantiate').attributes.find((x) => x.key === 'contract_address').value;
}

/**
 * Sends `n` pre-signed transfers, `IN_FLIGHT` requests open at once (each sender's in its own order);
 * with `rate`, tx i is not sent before t0 + i / rate (a paced load, for latency below saturation).
 */
async function load(node, token, n, rate) {
  const accs = await Promise.all(SENDERS.map((k) => account(node.url, k)));
  const queues = SENDERS.map(() => []);
  for (let i = 0; i < n; i++) {
    const k = i % SENDERS.length;
    const to = SENDERS[(k + 1) % SENDERS.length].address;
    queues[k].push(sign(SENDERS[k], accs[k], [{ typeUrl: MsgExecuteContract.typeUrl, value: { sender: SENDERS[k].addressBytes, contract: fromBech32(token), msg: enc.encode(JSON.stringify({ transfer: { recipient: to, amount: '1' } })), sentFunds: [] } }]));
  }
  const sent = [];
  const t0 = performance.timeOrigin + performance.now();
  await Promise.all(queues.map(async (q, k) => {
    for (let j = 0; j < q.length; j++) {
      const tx = q[j];
      if (rate !== undefined) {
        const due = t0 + ((j * SENDERS.length + k) * 1000) / rate;
        const wait = due - (performance.timeOrigin + performance.now());
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const at = performance.timeOrigin + performance.now();
      sent.push({ at, hash: await broadcast(node.url, tx) });
    }
  }));
  // Blocks take the mempool in order: once the last tx sent is in, every other is too (polled
  // only then, so the polling does not compete with the blocks being measured).
  const lastSent = sent.reduce((x, y) => (y.at > x.at ? y : x));
  await waitTx(node.url, lastSent.hash);
  const results = [];
  for (const { hash } of sent) results.push(await waitTx(node.url, hash));
  const failed = results.filter((r) => r.code !== 0);
  if (failed.length) throw new Error(`${failed.length} transfers failed: ${failed[0].raw_log}`);
  const end = Math.max(...results.map((r) => node.blocks.get(Number(r.height))));
  const latencies = results.map((r, i) => node.blocks.get(Number(r.height)) - sent[i].at).sort((x, y) => x - y);
  return { rate: n / ((end - t0) / 1000), p50: latencies[Math.floor(n / 2)], p99: latencies[Math.floor(n * 0.99)], gas: Number(results[0].gas_used) };
}

function vmRate(engine, ms) {
  const vm = new Vm({ engine });
  const code = vm.storeCode(new Uint8Array(readFileSync(TOKEN)));
  const storage = new MemoryStorage();
  const env = { block: { height: 1n, timeNanos: 1n, chainId: 'secretdev-1' }, contract: { address: keys.d.address, codeHash: code.checksum }, transaction: null };
  const init = { name: 'Cloak Token', symbol: 'CLK', decimals: 6, initial_balances: [{ address: keys.a.address, amount: '1000000000' }] };
  if (vm.instantiate(code, { env, storage, gasLimit: 10n ** 9n, sender: keys.a.address, msg: enc.encode(JSON.stringify(init)) }).kind !== 'ok') throw new Error('instantiate');
  const msg = enc.encode(JSON.stringify({ transfer: { recipient: keys.b.address, amount: '1' } }));
  const samples = [];
  for (let r = 0; r < 3; r++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < ms) {
      if (vm.execute(code, { env, storage, gasLimit: 10n ** 9n, sender: keys.a.address, msg }).kind !== 'ok') throw new Error('transfer');
      n++;
    }
    samples.push(n / ((performance.now() - t0) / 1000));
  }
  return median(samples);
}

export const nodeSuite = {
  name: 'node',
  description: 'token transfers end to end: HTTP → CheckTx → block → enclave → LMDB, against the bare VM',
  async run(ctx) {
    const rows = [];
    for (const [engine, mode, n, target] of [['v8', 'enclave v8 (JIT)', ctx.quick ? 1000 : 3000, 500], ['interpreter', 'enclave interpreter (--jitless)', ctx.quick ? 200 : 500, undefined]]) {
      const dir = mkdtempSync(join(tmpdir(), 'cloak-bench-node-'));
      const node = await startNode(engine, dir, 500);
      try {
        const token = await setup(node.url);
        const r = await load(node, token, n);
        const base = vmRate(engine === 'v8' ? 'v8' : 'interpreter', ctx.quick ? 300 : 1000);
        rows.push(row({
          suite: 'node', case: `${n} token transfers, ${IN_FLIGHT} in flight, ${mode}, 500 ms blocks`,
          metric: 'tx/s committed, vs the same transfer on the bare VM in this process (JIT)',
          ours: `${fmtNum(r.rate)} tx/s`, baseline: `bare VM ${fmtNum(base)}/s`, ratio: `${fmtNum(base / r.rate, 1)}× slower`,
          ...(target !== undefined ? { target: `≥ ${target} tx/s`, ok: r.rate >= target } : {}),
        }));
        rows.push(row({ suite: 'node', case: `${n} token transfers, ${mode}`, metric: 'broadcast → commit of its block, p50 / p99 (saturated: all sent at once)', ours: `${fmtNum(r.p50)} / ${fmtNum(r.p99)} ms`, baseline: '', ratio: '' }));
        const pace = engine === 'v8' ? 200 : 50;
        const paced = await load(node, token, ctx.quick ? pace * 2 : pace * 5, pace);
        rows.push(row({ suite: 'node', case: `token transfers paced at ${pace} tx/s, ${mode}`, metric: 'broadcast → commit of its block, p50 / p99 (block interval 500 ms)', ours: `${fmtNum(paced.p50)} / ${fmtNum(paced.p99)} ms`, baseline: '', ratio: '' }));
        rows.push(row({ suite: 'node', case: `${n} token transfers, ${mode}`, metric: 'SDK gas per transfer tx', ours: String(r.gas), baseline: '', ratio: '' }));
      } finally {
        await node.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    }
    return rows;
  },
};
