// Suite "interpreter": the same exported function of the same program timed on
//   (a) V8's WebAssembly in this process (the baseline),
//   (b) @cloak/interpreter in this process (plain node, JIT on),
//   (c) @cloak/interpreter in a child process started as exactly
//       `node --jitless --disallow-code-generation-from-strings bench/interpreter.js`
//       (this file; the job arrives as JSON on stdin, ms per run leave as JSON on stdout).
// Targets: interpreter / V8 ≤ 20× with JIT, ≤ 150× under --jitless.
//
// Programs: packages/contracts/build/programs (AssemblyScript sources in packages/contracts/assembly/
// programs, built by `npm run build`), with per entry point a "bench" size (~20–100 ms on V8) used for
// (a) and (b), and a smaller "jitless" size for (c). The jitless row compares with V8 timed on that
// same size and also prints the time per unit of work (byte, call, iteration, …) of both engines, so
// the figures at both sizes can be related. Every engine's result must equal V8's, and the in-process
// interpreter's linear memory must hash like V8's; any difference fails the suite.
//
// Rows marked "instrumented" run the program as contracts run: through packages/wasm's `instrument`
// (NaN canonicalisation, gas metering, stack-height limiter) on both engines, with a gas budget large
// enough never to run out, set before every call; gas left must agree too.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { compile, instantiate } from '@cloak/interpreter';
import { instrument } from '@cloak/wasm';
import { measure, median, row, fmtNum } from './harness.js';
import { MissingInput } from './wasm.js';

const PROGRAMS = new URL('../packages/contracts/build/programs/', import.meta.url);
const SELF = fileURLToPath(import.meta.url);
const CHILD_FLAGS = ['--jitless', '--disallow-code-generation-from-strings'];
const TARGET_JIT = 20;
const TARGET_JITLESS = 150;

/** [program, export, what it stands for, essential (run with --quick), instrumented]. */
const WORKLOADS = [
  ['sha256', 'run', 'CPU hash loop (SHA-256)', true, false],
  ['sha256', 'run', 'CPU hash loop (SHA-256)', false, true],
  ['i64', 'run', 'i64 arithmetic loop', true, false],
  ['fib', 'run', 'call-heavy recursion', true, false],
  ['fib', 'run', 'call-heavy recursion', false, true],
  ['fib', 'run_indirect', 'recursion via call_indirect', false, false],
  ['memcopy-loop', 'run', 'memory copy/fill, loops', true, false],
  ['memcopy-bulk', 'run', 'memory copy/fill, bulk memory', false, false],
  ['sort', 'run', 'quicksort of i32', false, false],
  ['sort', 'run', 'quicksort of i32', false, true],
  ['floats', 'run', 'f64/f32 Mandelbrot', false, false],
  ['floats', 'run', 'f64/f32 Mandelbrot', false, true],
  ['argonish', 'run', 'Argon2-like i64 compression', false, false],
];

/** A gas budget no workload exhausts. */
const GAS = 1n << 60n;

/** The program as contracts run: instrumented (NaN canonicalisation, gas, stack limiter). */
function instrumented(bytes) {
  const r = instrument(bytes);
  if (!r.ok) throw new Error(`instrument: ${r.error.message}`);
  return r.value.bytes;
}

// ------------------------------------------------------------------------------------------------
// Shared by the parent and the child.

/** A result as JSON (i64 results are bigints). */
const encodeResult = (v) => (typeof v === 'bigint' ? { bigint: v.toString() } : { number: v });
const showResult = (v) => (typeof v === 'bigint' ? `${v}n` : String(v));
const memoryHash = (buffer) => createHash('sha256').update(new Uint8Array(buffer)).digest('hex');

/** `warmup` untimed then `runs` timed calls of f; every result must equal the first. */
function timeRuns(f, warmup, runs) {
  const first = f();
  const same = (r) => {
    if (r !== first) throw new Error(`non-deterministic: a later run returned ${showResult(r)}, the first ${showResult(first)}`);
  };
  for (let i = 0; i < warmup; i++) same(f());
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = f();
    samples.push(performance.now() - t0);
    same(r);
  }
  return { result: first, median: median(samples), min: Math.min(...samples), max: Math.max(...samples), samples };
}

// ------------------------------------------------------------------------------------------------
// Child: node --jitless --disallow-code-generation-from-strings bench/interpreter.js < job.json

async function child() {
  const job = JSON.parse(readFileSync(0, 'utf8'));
  let codegenBlocked = false;
  try {
    new Function('return 0')();
  } catch {
    codegenBlocked = true;
  }
  let bytes = new Uint8Array(readFileSync(job.file));
  if (job.instrument) bytes = instrumented(bytes);
  let t0 = performance.now();
  const compiled = compile(bytes);
  const compileMs = performance.now() - t0;
  t0 = performance.now();
  const inst = instantiate(compiled, {});
  const instantiateMs = performance.now() - t0;
  const f = inst.exports[job.export];
  const t = timeRuns(() => {
    if (job.instrument) inst.setGlobal('cloak_gas_left', GAS);
    return f(...job.args);
  }, job.warmup, job.runs);
  process.stdout.write(
    JSON.stringify({
      jitless: process.execArgv.includes('--jitless'),
      codegenBlocked,
      webAssembly: typeof globalThis.WebAssembly !== 'undefined',
      compileMs,
      instantiateMs,
      result: encodeResult(t.result),
      memory: memoryHash(inst.memory.buffer),
      median: t.median,
      min: t.min,
      max: t.max,
      samples: t.samples,
    }) + '\n',
  );
}

// ------------------------------------------------------------------------------------------------
// Parent: the suite.

function fmtCount(n) {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

/** "(8388608) 8.39M byte" */
const fmtSize = (entry, size) => `(${entry.sizes[size].args.join(', ')}) ${fmtCount(entry.sizes[size].work)} ${entry.unit}`;

/** ns per unit of work, with a unit that keeps the number readable. */
function perUnit(ms, work, unit) {
  const ns = (ms * 1e6) / work;
  return ns >= 1e3 ? `${fmtNum(ns / 1e3)} µs/${unit}` : `${fmtNum(ns, ns < 10 ? 2 : 1)} ns/${unit}`;
}

function v8Instance(bytes) {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
}

/** V8: result and memory hash of one run on a fresh instance, and the time per run. */
function timeV8(bytes, name, args, opts) {
  const fresh = v8Instance(bytes);
  const gas = fresh.exports.cloak_gas_left;
  if (gas) gas.value = GAS;
  const result = fresh.exports[name](...args);
  const memory = memoryHash(fresh.exports.memory.buffer);
  const inst = v8Instance(bytes);
  const f = inst.exports[name];
  const g = inst.exports.cloak_gas_left;
  const t = measure(() => {
    if (g) g.value = GAS;
    return f(...args);
  }, opts);
  if (g) g.value = GAS;
  const again = f(...args);
  if (again !== result) throw new Error(`V8 is not deterministic on ${name}(${args}): ${showResult(again)} vs ${showResult(result)}`);
  return { result, memory, ms: t.median };
}

function runChild(file, name, args, warmup, runs, instrument) {
  const job = { file, export: name, args, warmup, runs, instrument };
  const r = spawnSync(process.execPath, [...CHILD_FLAGS, SELF], {
    input: JSON.stringify(job),
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    timeout: 15 * 60 * 1000,
  });
  if (r.error) throw new Error(`jitless child for ${name}(${args}): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`jitless child for ${name}(${args}) exited with ${r.status ?? r.signal}:\n${r.stderr}`);
  const line = r.stdout.trim().split('\n').pop();
  const out = JSON.parse(line);
  if (!out.jitless || !out.codegenBlocked || out.webAssembly) {
    throw new Error(`jitless child was not jitless without code generation: ${JSON.stringify({ jitless: out.jitless, codegenBlocked: out.codegenBlocked, webAssembly: out.webAssembly })}`);
  }
  out.result = 'bigint' in out.result ? BigInt(out.result.bigint) : out.result.number;
  return out;
}

export const interpreterSuite = {
  name: 'interpreter',
  description: 'real programs on the interpreter (JIT and --jitless child) vs V8 WebAssembly',
  async run(ctx) {
    const manifestFile = new URL('manifest.json', PROGRAMS);
    if (!existsSync(manifestFile)) {
      throw new MissingInput(
        `${fileURLToPath(manifestFile)} is missing: the programs are built by \`npm run build\` (packages/contracts). ` +
          'Run `npm run build` (or `npm run bench`, which builds first) and try again.',
      );
    }
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    const v8opts = { warmup: ctx.warmup, runs: ctx.runs };
    const rows = [];

    for (const [programName, exportName, what, essential, isInstrumented] of WORKLOADS) {
      if (ctx.quick && !essential) continue;
      const program = manifest.find((p) => p.name === programName);
      const entry = program?.entries.find((e) => e.export === exportName);
      if (!entry) throw new Error(`${programName}.${exportName} is not in ${fileURLToPath(manifestFile)}`);
      const file = fileURLToPath(new URL(program.file, PROGRAMS));
      const plain = new Uint8Array(readFileSync(file));
      const bytes = isInstrumented ? instrumented(plain) : plain;
      const label = `${programName}.${exportName}: ${what}${isInstrumented ? ', instrumented' : ''}`;
      const setGas = (i) => {
        if (isInstrumented) i.setGlobal('cloak_gas_left', GAS);
      };
      const bench = entry.sizes.bench;
      const small = entry.sizes.jitless;

      // (a) V8, at both sizes.
      const v8 = timeV8(bytes, exportName, bench.args, v8opts);
      const v8small = timeV8(bytes, exportName, small.args, v8opts);

      // (b) The interpreter in this process: a checked run on a fresh instance (result and memory),
      // then warm-up and timed runs on another; fewer runs when a run is slow.
      const check = instantiate(compile(bytes), {});
      setGas(check);
      let t0 = performance.now();
      const got = check.exports[exportName](...bench.args);
      const firstMs = performance.now() - t0;
      if (got !== v8.result) throw new Error(`${label}: the interpreter returned ${showResult(got)}, V8 ${showResult(v8.result)} (args ${bench.args})`);
      const mem = memoryHash(check.memory.buffer);
      if (mem !== v8.memory) throw new Error(`${label}: linear memory differs from V8's after the run (args ${bench.args})`);
      const runs = ctx.quick || firstMs > 2000 ? 3 : Math.min(ctx.runs, 5);
      const warmup = Math.min(ctx.warmup, 1);
      const inst = instantiate(compile(bytes), {});
      const f = inst.exports[exportName];
      const jit = timeRuns(() => {
        setGas(inst);
        return f(...bench.args);
      }, warmup, runs);
      if (jit.result !== v8.result) throw new Error(`${label}: the interpreter returned ${showResult(jit.result)}, V8 ${showResult(v8.result)}`);
      const jitRatio = jit.median / v8.ms;
      rows.push(
        row({
          suite: 'interpreter',
          case: label,
          size: fmtSize(entry, 'bench'),
          metric: 'ms/run, JIT',
          ours: `${fmtNum(jit.median, 1)} ms (${perUnit(jit.median, bench.work, entry.unit)})`,
          baseline: `V8 ${fmtNum(v8.ms, 2)} ms (${perUnit(v8.ms, bench.work, entry.unit)})`,
          ratio: `${fmtNum(jitRatio)}× V8`,
          target: `≤ ${TARGET_JIT}×: ${jitRatio <= TARGET_JIT ? 'ok' : 'MISS'}`,
          ok: jitRatio <= TARGET_JIT,
        }),
      );

      // (c) The interpreter under --jitless, in a child, at the smaller size.
      const c = runChild(file, exportName, small.args, warmup, ctx.quick ? 2 : 3, isInstrumented);
      if (c.result !== v8small.result) throw new Error(`${label}: the jitless interpreter returned ${showResult(c.result)}, V8 ${showResult(v8small.result)} (args ${small.args})`);
      if (c.memory !== v8small.memory) throw new Error(`${label}: the jitless interpreter's linear memory differs from V8's (args ${small.args})`);
      const jitlessRatio = c.median / v8small.ms;
      rows.push(
        row({
          suite: 'interpreter',
          case: label,
          size: fmtSize(entry, 'jitless'),
          metric: 'ms/run, --jitless (per unit; V8 at the same size)',
          ours: `${fmtNum(c.median, 1)} ms (${perUnit(c.median, small.work, entry.unit)})`,
          baseline: `V8 ${fmtNum(v8small.ms, 2)} ms (${perUnit(v8small.ms, small.work, entry.unit)})`,
          ratio: `${fmtNum(jitlessRatio)}× V8`,
          target: `≤ ${TARGET_JITLESS}×: ${jitlessRatio <= TARGET_JITLESS ? 'ok' : 'MISS'}`,
          ok: jitlessRatio <= TARGET_JITLESS,
        }),
      );
    }
    return rows;
  },
};

if (process.argv[1] === SELF) {
  child().catch((e) => {
    process.stderr.write(`${e.stack || e}\n`);
    process.exit(1);
  });
}
