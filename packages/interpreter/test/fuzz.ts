/**
 * The long differential run: the interpreter against V8 on random binaryen modules, without a
 * bound (what differential.test.ts does for 300 modules; support/diff.ts says what is compared).
 *
 *   node packages/interpreter/dist/test/fuzz.js [--seconds N] [--count N] [--seed S] [--size N]
 *        [--workers W] [--steps N] [--timeout-ms MS] [--engines v8,interpreter] [--fail-fast]
 *   node packages/interpreter/dist/test/fuzz.js --repro SEED:SIZE [--engines ...]
 *
 * --size is the largest ttf input in bytes (module sizes are log-uniform below it); module i of a
 * run has seed moduleSeed(S, i). Runs until --seconds / --count (default: until interrupted; Ctrl-C
 * prints the summary). Every module that differs, times out or crashes is printed with its seed
 * and saved (ttf output and instrumented module, .wasm) to a temp dir; the exit code is then 1.
 * `--engines v8,v8` checks the harness itself (must always agree).
 */
import { parseArgs } from 'node:util';
import { cpus } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModuleGenerator, moduleSeed, reproDir, type Generated } from '@cloak/wasm/test/support/gen.js';
import {
  DiffPool,
  addReport,
  diffModule,
  engineByName,
  newStats,
  prepare,
  summary,
  type DiffOptions,
  type EngineName,
  type ModuleReport,
} from './support/diff.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string' },
    count: { type: 'string' },
    seed: { type: 'string' },
    size: { type: 'string', default: String(64 * 1024) },
    workers: { type: 'string' },
    steps: { type: 'string', default: '1000000' },
    passes: { type: 'string', default: '4' },
    'max-calls': { type: 'string', default: '1000' },
    'timeout-ms': { type: 'string', default: '120000' },
    engines: { type: 'string', default: 'v8,interpreter' },
    'fail-fast': { type: 'boolean', default: false },
    repro: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log('usage: node packages/interpreter/dist/test/fuzz.js [--seconds N] [--count N] [--seed S] [--size N] [--workers W]');
  console.log('         [--steps N] [--passes N] [--max-calls N] [--timeout-ms MS] [--engines v8,interpreter] [--fail-fast]');
  console.log('       node packages/interpreter/dist/test/fuzz.js --repro SEED:SIZE [--engines ...]');
  process.exit(0);
}

const engines = values.engines.split(',') as [EngineName, EngineName];
if (engines.length !== 2 || !engines.every((e) => e === 'v8' || e === 'interpreter')) {
  console.error(`--engines: two of v8, interpreter (got ${values.engines})`);
  process.exit(2);
}
const diff: DiffOptions = { steps: Number(values.steps), passes: Number(values.passes), maxCalls: Number(values['max-calls']) };

let dir: string | undefined;
function save(g: Generated, r: ModuleReport): string {
  dir ??= reproDir('interp-diff');
  const base = join(dir, `seed-${g.seed}-size-${g.size}`);
  writeFileSync(`${base}.ttf.wasm`, g.bytes);
  let bytes = r.instrumented;
  if (!bytes) {
    const p = prepare(g.bytes, g.seed, diff);
    if (typeof p !== 'string') bytes = p.bytes;
  }
  if (bytes) writeFileSync(`${base}.instrumented.wasm`, bytes);
  writeFileSync(`${base}.txt`, `${r.status}: ${r.reason}\n`);
  return base;
}

function line(r: ModuleReport): string {
  return `seed ${r.seed} size ${r.size} (--repro ${r.seed}:${r.size}): ${r.status}${r.reason === undefined ? '' : `: ${r.reason}`}`;
}

// ---------------------------------------------------------------------------------------------
// --repro: one module, in this thread, with the whole report

if (values.repro !== undefined) {
  const [s, z] = values.repro.split(':').map(Number);
  const gen = new ModuleGenerator({ workers: 1 });
  try {
    const g = await gen.generate({ seed: s >>> 0, ...(z ? { size: z } : {}) });
    const [a, b] = engines.map(engineByName);
    const r = diffModule(g.bytes, g.seed, g.size, a, b, diff);
    console.log(line(r));
    console.log(`  schedule ${r.schedule}; ${r.exports} exported functions, ${r.calls} calls, ${r.returned} returned, traps ${JSON.stringify(r.traps)}, ${r.hostEvents} host events, ${r.ms.toFixed(1)} ms`);
    if (r.status !== 'agree' && r.status !== 'skipped') {
      console.log(`  saved: ${save(g, r)}.*`);
      process.exitCode = 1;
    }
  } finally {
    await gen.close();
  }
  process.exit(process.exitCode ?? 0);
}

// ---------------------------------------------------------------------------------------------
// The campaign

const base = values.seed !== undefined ? Number(values.seed) >>> 0 : (Date.now() ^ (process.pid << 16)) >>> 0;
const limitMs = values.seconds !== undefined ? Number(values.seconds) * 1000 : Infinity;
const limitCount = values.count !== undefined ? Number(values.count) : Infinity;
const workers = values.workers !== undefined ? Number(values.workers) : Math.max(1, cpus().length);
const maxInput = Number(values.size);

console.log(`interpreter differential fuzz: ${engines[0]} vs ${engines[1]}, seed ${base}, ttf input ≤ ${maxInput} bytes, `
  + `${workers} workers, ${diff.steps} steps per call`);

const gen = new ModuleGenerator({ workers: Math.max(1, Math.ceil(workers / 2)), maxInput });
const pool = new DiffPool({ engines, workers, timeoutMs: Number(values['timeout-ms']), diff });
const stats = newStats();
const t0 = performance.now();
let next = 0;
let stopping = false;
let lastProgress = t0;
let failures = 0;

const progress = (final = false) => {
  const s = (performance.now() - t0) / 1000;
  console.log(`${final ? 'done' : '    '} ${s.toFixed(0)}s: ${summary(stats)}; ${(stats.modules / Math.max(s, 1e-3)).toFixed(1)} modules/s`);
};

async function one(i: number): Promise<void> {
  const g = await gen.generate({ seed: moduleSeed(base, i) });
  const r = await pool.run(g.seed, g.size, g.bytes);
  addReport(stats, r);
  if (r.status !== 'agree' && r.status !== 'skipped') {
    failures++;
    console.log(`${r.status.toUpperCase()} ${line(r)}\n  saved: ${save(g, r)}.*`);
    if (values['fail-fast']) stopping = true;
  } else if (r.status === 'skipped' && !r.reason?.startsWith('unsupported import')) {
    console.log(`skipped ${line(r)}`);
  }
  const now = performance.now();
  if (now - lastProgress > 5000) {
    lastProgress = now;
    progress();
  }
}

process.on('SIGINT', () => {
  if (stopping) process.exit(1);
  stopping = true;
  console.log('\ninterrupted: finishing the modules in flight (Ctrl-C again to quit now)');
});

// Keep every generator and diff worker busy: a window of modules in flight.
const window = workers * 3;
const inFlight = new Set<Promise<void>>();
while (!stopping && next < limitCount && performance.now() - t0 < limitMs) {
  const p = one(next++).catch((e: unknown) => {
    failures++;
    console.log(`ERROR ${(e as Error).message}`);
  });
  inFlight.add(p);
  void p.finally(() => inFlight.delete(p));
  if (inFlight.size >= window) await Promise.race(inFlight);
}
await Promise.all(inFlight);
await Promise.all([gen.close(), pool.close()]);
progress(true);
if (failures > 0) {
  console.log(`${failures} module(s) differ, time out or crash; reproducers in ${dir ?? '(none saved)'}`);
  process.exit(1);
}
process.exit(0);
