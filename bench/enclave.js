// Suite "enclave": the token contract's transfer through the enclave process boundary (issue 5),
// against the same calls on the VM in this process, measured in the same run.
//
//   - v8 mode: the enclave started with JIT and the v8 engine; baseline: the in-process v8 engine.
//     The ratio is the boundary's cost: one ecall round trip plus one per ocall (~90 µs each here);
//   - interpreter mode: the enclave as it runs by default (--jitless, interpreter engine); baseline:
//     the in-process interpreter, which has JIT in this process, so the ratio mixes the boundary with
//     the cost of running without JIT (the vm suite's --jitless row gives the latter alone).
// Also: ocalls per transfer (reads; writes come back with the result).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { bech32 } from '@scure/base';
import { EnclaveProcess, Type } from '@cloak/protocol';
import { enclaveCommand } from '@cloak/enclave/launch';
import { MemoryStorage, Vm } from '@cloak/vm';
import { median, row, fmtNum } from './harness.js';

const enc = new TextEncoder();
const address = (n) => bech32.encode('secret', bech32.toWords(new Uint8Array(20).fill(n)));
const SENDER = address(1);
const RECIPIENT = address(2);
const ENV = { height: 1n, timeNanos: 1_700_000_000_000_000_000n, chainId: 'secretdev-1', contract: address(9) };
const INIT = enc.encode(JSON.stringify({ name: 'Cloak Token', symbol: 'CLK', decimals: 6, initial_balances: [{ address: SENDER, amount: '1000000000000000000' }, { address: RECIPIENT, amount: '1' }] }));
const TRANSFER = enc.encode(JSON.stringify({ transfer: { recipient: RECIPIENT, amount: '1' } }));
const GAS = 100_000_000n;

function handlers(storage, counter, wasm) {
  return {
    // The bench stages its code; a reload (after a restart) is served from the same bytes.
    loadCode: () => wasm,
    readDb: (k) => {
      counter.ocalls++;
      return storage.get(k);
    },
    range: (s, e, d, limit) => {
      counter.ocalls++;
      return storage.range(s, e, d ? 'descending' : 'ascending', limit);
    },
    queryChain: async () => ({ result: { kind: 'system_error', error: enc.encode('{"unsupported_request":{"kind":"bench"}}') }, gasUsed: 0n }),
  };
}

async function boundary(wasm, jit, opts) {
  const p = new EnclaveProcess({ ...enclaveCommand({ jit }), timeoutMs: 120_000 });
  try {
    const storage = new MemoryStorage();
    const counter = { ocalls: 0 };
    const staged = await p.ecall({ type: Type.EcallAllocate, code: wasm }, handlers(storage, counter, wasm));
    if (staged.type !== Type.AllocateResult) throw new Error(`staging failed: ${staged.message ?? staged.type}`);
    const codeHash = staged.codeHash;
    const apply = (m) => {
      if (m.type !== Type.EcallResult || m.outcome.kind !== 'ok') throw new Error(`ecall failed: ${JSON.stringify(m.outcome ?? m)}`);
      for (const [k, v] of m.outcome.writes) (v === null ? storage.remove(k) : storage.set(k, v));
      return m;
    };
    apply(await p.ecall({ type: Type.EcallInit, codeHash, env: ENV, sender: SENDER, funds: [], msg: INIT, gasLimit: GAS }, handlers(storage, counter, wasm)));
    const transfer = async () => apply(await p.ecall({ type: Type.EcallHandle, handle: 'execute', codeHash, env: ENV, sender: SENDER, funds: [], msg: TRANSFER, gasLimit: GAS }, handlers(storage, counter, wasm)));
    for (const t0 = performance.now(); performance.now() - t0 < opts.warmMs; ) await transfer();
    const samples = [];
    let perCall = 0;
    for (let r = 0; r < opts.runs; r++) {
      const before = counter.ocalls;
      let n = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < opts.minMs) {
        await transfer();
        n++;
      }
      samples.push((performance.now() - t0) / n);
      perCall = (counter.ocalls - before) / n;
    }
    return { ms: median(samples), ocalls: perCall };
  } finally {
    p.close();
  }
}

function inProcess(wasm, engine, opts) {
  const vm = new Vm({ engine });
  const code = vm.storeCode(wasm);
  const storage = new MemoryStorage();
  const env = { block: { height: ENV.height, timeNanos: ENV.timeNanos, chainId: ENV.chainId }, contract: { address: ENV.contract, codeHash: code.checksum }, transaction: null };
  const i = vm.instantiate(code, { env, storage, gasLimit: GAS, sender: SENDER, msg: INIT });
  if (i.kind !== 'ok') throw new Error('instantiate failed');
  const transfer = () => {
    const r = vm.execute(code, { env, storage, gasLimit: GAS, sender: SENDER, msg: TRANSFER });
    if (r.kind !== 'ok') throw new Error('transfer failed');
  };
  for (const t0 = performance.now(); performance.now() - t0 < opts.warmMs; ) transfer();
  const samples = [];
  for (let r = 0; r < opts.runs; r++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < opts.minMs) {
      transfer();
      n++;
    }
    samples.push((performance.now() - t0) / n);
  }
  return median(samples);
}

const fmtRate = (ms) => `${fmtNum(1000 / ms)}/s (${ms >= 1 ? `${fmtNum(ms, 2)} ms` : `${fmtNum(ms * 1000)} µs`})`;

export const enclaveSuite = {
  name: 'enclave',
  description: 'token transfers through the enclave process boundary vs the same calls in-process',
  async run(ctx) {
    const wasm = new Uint8Array(readFileSync(new URL('../packages/contracts/build/token-v1.wasm', import.meta.url)));
    const opts = { warmMs: ctx.quick ? 500 : 1500, runs: ctx.quick ? 3 : Math.min(ctx.runs, 7), minMs: ctx.quick ? 200 : 500 };
    const rows = [];
    for (const [mode, jit, engine] of [['v8 (JIT)', true, 'v8'], ['interpreter (--jitless)', false, 'interpreter']]) {
      const b = await boundary(wasm, jit, opts);
      const local = inProcess(wasm, engine, opts);
      rows.push(row({
        suite: 'enclave',
        case: `token transfer, ${mode}`,
        metric: 'calls/s through the process boundary vs the VM in this process (same engine; this process has JIT)',
        ours: fmtRate(b.ms),
        baseline: `in-process ${fmtRate(local)}`,
        ratio: `${fmtNum(b.ms / local, 2)}× slower`,
      }));
      rows.push(row({ suite: 'enclave', case: `token transfer, ${mode}`, metric: 'ocalls per transfer (reads; writes return with the result)', ours: fmtNum(b.ocalls, 1) }));
    }
    return rows;
  },
};
