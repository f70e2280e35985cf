/**
 * Child process of jitless.test.ts, started as
 *   node --jitless --disallow-code-generation-from-strings jitless-child.js
 * (the enclave's flags). It proves the environment is what it claims (no `WebAssembly`, code
 * generation from strings refused), then runs the job it reads on stdin with the interpreter and
 * writes the outcome of every case to stdout as JSON. The parent compares with V8.
 *
 * Job: { cases: [{ file, export, args, instrument? , gas? }] }; args are numbers, or decimal
 * strings for i64. With `instrument`, the module first goes through packages/wasm's `instrument`
 * (NaN canonicalisation, gas metering, stack limiter) and `gas` is the budget set before the call.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { instrument } from '@cloak/wasm';
import { compile, instantiate, Trap } from '@cloak/interpreter';

export interface JitlessCase {
  file: string;
  export: string;
  args: (number | string)[];
  instrument?: boolean;
  gas?: string;
}

export interface JitlessOutcome {
  results?: string[];
  trap?: { code: string; funcIndex: number; offset: number };
  memory: string;
  gasLeft?: string;
}

export interface JitlessReport {
  webAssembly: string;
  codeGeneration: string;
  outcomes: JitlessOutcome[];
}

function environment(): { webAssembly: string; codeGeneration: string } {
  let codeGeneration = 'allowed';
  try {
    // eslint-disable-next-line no-new-func
    new Function('return 1')();
  } catch (err) {
    codeGeneration = `refused: ${(err as Error).name}`;
  }
  return { webAssembly: typeof (globalThis as { WebAssembly?: unknown }).WebAssembly, codeGeneration };
}

function run(c: JitlessCase): JitlessOutcome {
  let bytes: Uint8Array = new Uint8Array(readFileSync(c.file));
  if (c.instrument) {
    const r = instrument(bytes);
    if (!r.ok) throw new Error(`instrument ${c.file}: ${r.error.message}`);
    bytes = r.value.bytes;
  }
  const inst = instantiate(compile(bytes));
  if (c.gas !== undefined) inst.setGlobal('cloak_gas_left', BigInt(c.gas));
  const args = c.args.map((a) => (typeof a === 'string' ? BigInt(a) : a));
  const r = inst.invokeRaw(c.export, args);
  const memory = inst.memory === null ? '' : createHash('sha256').update(new Uint8Array(inst.memory.buffer)).digest('hex');
  const gasLeft = c.gas !== undefined ? String(inst.getGlobal('cloak_gas_left')) : undefined;
  if (r.ok) return { results: r.results.map(String), memory, gasLeft };
  const t: Trap = r.trap;
  return { trap: { code: t.code, funcIndex: t.funcIndex, offset: t.offset }, memory, gasLeft };
}

const job = JSON.parse(readFileSync(0, 'utf8')) as { cases: JitlessCase[] };
const report: JitlessReport = { ...environment(), outcomes: job.cases.map(run) };
process.stdout.write(JSON.stringify(report));
