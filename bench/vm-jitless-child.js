// Child of bench/vm.js, started with `--jitless --disallow-code-generation-from-strings` (the
// enclave's flags): times the token's execute and query on the interpreter engine through
// MemoryChain, as the parent does with JIT. Job (JSON, argv[2]): {path, instantiate, execute, query,
// warmMs, runs, minMs}. Prints {jitless, webAssembly, execute, query, gas: {execute, query}} (ms per call).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { bech32 } from '@scure/base';
import { MemoryChain, Vm } from '@cloak/vm';

const job = JSON.parse(process.argv[2]);
const enc = new TextEncoder();
const sender = bech32.encode('secret', bech32.toWords(new Uint8Array(20).fill(1)));
const chain = new MemoryChain(new Vm({ engine: 'interpreter' }));
const { codeId } = chain.storeCode(new Uint8Array(readFileSync(job.path)));
const { address, result } = chain.instantiate({ codeId, sender, msg: job.instantiate, label: 'bench' });
if (result.kind !== 'ok') throw new Error(`instantiate failed: ${result.kind}`);
const exec = enc.encode(JSON.stringify(job.execute));
const query = enc.encode(JSON.stringify(job.query));
const gas = {};
const calls = {
  execute: () => {
    const r = chain.execute({ contract: address, sender, msg: exec });
    if (r.kind !== 'ok') throw new Error(`execute failed: ${r.kind}`);
    gas.execute = r.gasUsed.toString();
  },
  query: () => {
    const r = chain.query({ contract: address, msg: query });
    if (r.kind !== 'ok') throw new Error(`query failed: ${r.kind}`);
    gas.query = r.gasUsed.toString();
  },
};
const out = { jitless: process.execArgv.includes('--jitless'), webAssembly: typeof globalThis.WebAssembly !== 'undefined', gas };
for (const [name, fn] of Object.entries(calls)) {
  for (const t0 = performance.now(); performance.now() - t0 < job.warmMs; ) fn();
  const samples = [];
  for (let r = 0; r < job.runs; r++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < job.minMs) {
      fn();
      n++;
    }
    samples.push((performance.now() - t0) / n);
  }
  samples.sort((a, b) => a - b);
  out[name] = samples[samples.length >> 1];
}
process.stdout.write(`${JSON.stringify(out)}\n`);
