/**
 * Random valid WebAssembly modules for the differential tests, the fuzzer and the benchmarks.
 *
 * Modules come from binaryen's translate-to-fuzz mode (`wasm-opt -ttf`): it turns arbitrary input
 * bytes into a valid module, so a seeded PRNG → input bytes → module is reproducible from the seed
 * alone. Exactly cloak's feature set is enabled (`GEN_FEATURE_FLAGS`: everything off with
 * `--mvp-features`, then sign-ext, sat-trunc, bulk memory, multi-value and mutable globals on).
 *
 * Cost: the npm `binaryen` package ships `wasm-opt` as a 10 MB emscripten script; starting it as a
 * process takes ~0.3 s before any work. Instead each worker thread compiles the script once into a
 * `vm.Script`, keeps the compiled `WebAssembly.Module` of binaryen itself, and runs `main` again in a
 * fresh vm context per module (emscripten's `instantiateWasm` hook), which takes ~10 ms for a small
 * module. `mode: 'spawn'` keeps the plain child-process path (a pool of `wasm-opt` processes) as a
 * fallback. The file is both the library (main thread) and the worker's entry point.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import vm from 'node:vm';
import { v8wasm, type V8Wasm, type WasmInstanceObject, type WasmModuleObject } from './v8.js';

/** Flags that make wasm-opt emit exactly cloak's feature set. */
export const GEN_FEATURE_FLAGS: readonly string[] = [
  '--mvp-features',
  '--enable-sign-ext',
  '--enable-nontrapping-float-to-int',
  '--enable-bulk-memory',
  '--enable-multivalue',
  '--enable-mutable-globals',
];

/**
 * Extra wasm-opt flags that add one feature outside cloak's set (appended to GEN_FEATURE_FLAGS).
 * Modules generated with them test that such features are refused as `unsupported` (when V8 takes
 * them) and never accepted when V8 refuses them.
 */
export const FEATURE_PROFILES: Readonly<Record<string, readonly string[]>> = {
  simd: ['--enable-simd'],
  'reference-types': ['--enable-reference-types'],
  'tail-call': ['--enable-tail-call'],
  threads: ['--enable-threads'],
  'exception-handling': ['--enable-reference-types', '--enable-exception-handling'],
  memory64: ['--enable-memory64'],
  'extended-const': ['--enable-extended-const'],
  multimemory: ['--enable-multimemory'],
  'relaxed-simd': ['--enable-simd', '--enable-relaxed-simd'],
  gc: ['--enable-reference-types', '--enable-gc'],
  all: ['--all-features'],
};

// ---------------------------------------------------------------------------------------------
// Deterministic PRNG (sfc32 seeded through splitmix32), so that every failure has a seed.

function splitmix32(x: number): () => number {
  return () => {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    const s = splitmix32(seed >>> 0);
    this.a = s();
    this.b = s();
    this.c = s();
    this.d = s();
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** A uniform u32. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.u32() / 0x1_0000_0000) * n);
  }

  /** A uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.u32() / 0x1_0000_0000 < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const v = this.u32();
      out[i] = v;
      if (i + 1 < n) out[i + 1] = v >>> 8;
      if (i + 2 < n) out[i + 2] = v >>> 16;
      if (i + 3 < n) out[i + 3] = v >>> 24;
    }
    return out;
  }
}

/** The seed of the `i`-th module of a run with base seed `base` (distinct, well mixed). */
export function moduleSeed(base: number, i: number): number {
  return splitmix32((base ^ Math.imul(i + 1, 0x27d4eb2d)) >>> 0)();
}

/**
 * The size of the ttf input for a module seed. Log-uniform from 16 bytes to `maxInput`, so most
 * modules are small (fast to generate and to mutate) and some are large, with many functions.
 */
export function inputSize(seed: number, maxInput = 256 * 1024): number {
  const r = new Rng(seed ^ 0x5bd1e995);
  const lo = Math.log2(16);
  const hi = Math.log2(Math.max(32, maxInput));
  return Math.round(2 ** (lo + (hi - lo) * (r.u32() / 0x1_0000_0000)));
}

/** The ttf input bytes of a module seed. */
export function ttfInput(seed: number, size: number): Uint8Array {
  return new Rng(seed).bytes(size);
}

// ---------------------------------------------------------------------------------------------
// Generator (main thread side)

export interface GenRequest {
  seed: number;
  /** Bytes of ttf input (default `inputSize(seed)`). */
  size?: number;
  /** Extra wasm-opt arguments (e.g. optimization passes). */
  args?: readonly string[];
}

export interface Generated {
  seed: number;
  size: number;
  bytes: Uint8Array;
  /** Wall time of the generation, ms. */
  ms: number;
}

export interface GeneratorOptions {
  /** Worker threads (in-process mode) or concurrent processes (spawn mode). Default 1. */
  workers?: number;
  mode?: 'inproc' | 'spawn';
  /** Largest ttf input for `inputSize` when a request gives no size. */
  maxInput?: number;
  /** Per-module time limit, ms (default 60 s). */
  timeoutMs?: number;
}

interface Job {
  id: number;
  req: GenRequest;
  size: number;
  resolve: (g: Generated) => void;
  reject: (e: Error) => void;
  t0: number;
}

function wasmOptPath(): string {
  const req = createRequire(import.meta.url);
  return join(dirname(req.resolve('binaryen/package.json')), 'bin', 'wasm-opt');
}

/** A pool that turns seeds into modules. Call `close()` when done. */
export class ModuleGenerator {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Job[] = [];
  private readonly running = new Map<Worker, Job>();
  private nextId = 1;
  private readonly dir: string;
  private readonly mode: 'inproc' | 'spawn';
  private readonly maxInput: number;
  private readonly timeoutMs: number;
  private procs = 0;
  private readonly concurrency: number;
  private closed = false;

  constructor(options: GeneratorOptions = {}) {
    this.mode = options.mode ?? 'inproc';
    this.maxInput = options.maxInput ?? 256 * 1024;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.concurrency = Math.max(1, options.workers ?? 1);
    this.dir = mkdtempSync(join(tmpdir(), 'cloak-gen-'));
    if (this.mode === 'inproc') {
      for (let i = 0; i < this.concurrency; i++) this.addWorker();
    }
  }

  private addWorker(): void {
    const w = new Worker(new URL(import.meta.url), {
      workerData: { cloakGenWorker: true, wasmOpt: wasmOptPath(), dir: this.dir },
    });
    w.on('message', (msg: { id: number; bytes?: Uint8Array; error?: string }) => {
      const job = this.running.get(w);
      this.running.delete(w);
      this.idle.push(w);
      if (job && job.id === msg.id) {
        if (msg.bytes) job.resolve({ seed: job.req.seed, size: job.size, bytes: msg.bytes, ms: performance.now() - job.t0 });
        else job.reject(new Error(`wasm-opt -ttf failed for seed ${job.req.seed} (input ${job.size} bytes): ${msg.error}`));
      }
      this.pump();
    });
    w.on('error', (e) => {
      const job = this.running.get(w);
      this.running.delete(w);
      const i = this.workers.indexOf(w);
      if (i >= 0) this.workers.splice(i, 1);
      if (job) job.reject(new Error(`generator worker died on seed ${job.req.seed}: ${e.message}`));
      if (!this.closed) this.addWorker();
      this.pump();
    });
    this.workers.push(w);
    this.idle.push(w);
  }

  generate(req: GenRequest): Promise<Generated> {
    if (this.closed) return Promise.reject(new Error('ModuleGenerator is closed'));
    const size = req.size ?? inputSize(req.seed, this.maxInput);
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, req, size, resolve, reject, t0: performance.now() });
      this.pump();
    });
  }

  private pump(): void {
    if (this.mode === 'spawn') {
      while (this.procs < this.concurrency && this.queue.length) this.spawnJob(this.queue.shift()!);
      return;
    }
    while (this.idle.length && this.queue.length) {
      const w = this.idle.pop()!;
      const job = this.queue.shift()!;
      job.t0 = performance.now();
      this.running.set(w, job);
      w.postMessage({ id: job.id, seed: job.req.seed, size: job.size, args: job.req.args ?? [] });
    }
  }

  private spawnJob(job: Job): void {
    this.procs++;
    job.t0 = performance.now();
    const inFile = join(this.dir, `in-${job.id}.bin`);
    const outFile = join(this.dir, `out-${job.id}.wasm`);
    writeFileSync(inFile, ttfInput(job.req.seed, job.size));
    const args = [wasmOptPath(), inFile, '-ttf', '-o', outFile, ...GEN_FEATURE_FLAGS, ...(job.req.args ?? [])];
    execFile(process.execPath, args, { timeout: this.timeoutMs }, (err, _stdout, stderr) => {
      this.procs--;
      try {
        if (err) throw new Error(`wasm-opt -ttf failed for seed ${job.req.seed}: ${err.message} ${stderr}`);
        const bytes = new Uint8Array(readFileSync(outFile));
        job.resolve({ seed: job.req.seed, size: job.size, bytes, ms: performance.now() - job.t0 });
      } catch (e) {
        job.reject(e as Error);
      } finally {
        rmSync(inFile, { force: true });
        rmSync(outFile, { force: true });
      }
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    for (const j of this.queue) j.reject(new Error('ModuleGenerator closed'));
    this.queue.length = 0;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Reproducers

/** A directory under the OS temp dir for failing inputs of this run (created on first use). */
export function reproDir(tag: string): string {
  const d = join(tmpdir(), `cloak-${tag}-${process.pid}`);
  mkdirSync(d, { recursive: true });
  return d;
}

// ---------------------------------------------------------------------------------------------
// Worker side: run wasm-opt's emscripten `main` in-process, once per request.

interface WorkerMsg {
  id: number;
  seed: number;
  size: number;
  args: string[];
}

function runWorker(data: { wasmOpt: string; dir: string }): void {
  const port = parentPort!;
  let src = readFileSync(data.wasmOpt, 'utf8');
  if (src.startsWith('#!')) src = '//' + src.slice(2);
  const script = new vm.Script(src, { filename: data.wasmOpt });
  const realRequire = createRequire(data.wasmOpt);
  // wasm-opt writes its warnings straight to fd 2 with fs.writeSync: keep them out of the test
  // output (the text of the current run is collected for error messages).
  let sink: ((s: string) => void) | undefined;
  const fsModule = realRequire('node:fs') as typeof import('node:fs');
  const quietFs = Object.assign(Object.create(fsModule) as typeof fsModule, {
    writeSync: (fd: number, buf: Uint8Array, ...rest: unknown[]) => {
      if (fd === 1 || fd === 2) {
        const off = typeof rest[0] === 'number' ? rest[0] : 0;
        const len = typeof rest[1] === 'number' ? rest[1] : buf.length - off;
        sink?.(Buffer.from(buf.buffer, buf.byteOffset + off, len).toString('utf8'));
        return len;
      }
      return (fsModule.writeSync as (...a: unknown[]) => number)(fd, buf, ...rest);
    },
  });
  const req = Object.assign((id: string) => (id === 'fs' || id === 'node:fs' ? quietFs : realRequire(id)), realRequire);
  let compiled: WasmModuleObject | undefined;

  const runMain = (argv: string[]): Promise<{ code: number; stderr: string }> =>
    new Promise((resolve, reject) => {
      let stderr = '';
      sink = (x) => void (stderr += x);
      let exitCode = 0;
      let done = false;
      const finish = (code: number) => {
        if (!done) {
          done = true;
          resolve({ code, stderr });
        }
      };
      const fakeProcess = Object.create(process) as NodeJS.Process;
      Object.defineProperty(fakeProcess, 'argv', { value: [process.execPath, data.wasmOpt, ...argv] });
      Object.defineProperty(fakeProcess, 'exitCode', { get: () => exitCode, set: (v: number) => void (exitCode = v) });
      Object.defineProperty(fakeProcess, 'exit', { value: (c?: number) => { finish(c ?? exitCode); throw new Error('exit'); } });
      Object.defineProperty(fakeProcess, 'on', { value: () => fakeProcess });
      const wa: V8Wasm = compiled
        ? v8wasm
        : Object.assign(Object.create(v8wasm) as V8Wasm, {
            instantiate: async (b: Uint8Array, imports?: object) => {
              const r = await v8wasm.instantiate(b, imports);
              compiled = r.module;
              return r;
            },
          });
      const Module: Record<string, unknown> = {
        print: () => {},
        printErr: (s: string) => void (stderr += s + '\n'),
        postRun: [() => finish(exitCode)],
        onExit: (c: number) => finish(c),
        onAbort: (what: unknown) => {
          if (!done) {
            done = true;
            reject(new Error(`wasm-opt aborted: ${String(what)} ${stderr}`));
          }
        },
      };
      if (compiled) {
        const mod = compiled;
        Module.instantiateWasm = (imports: object, cb: (i: WasmInstanceObject) => void) => {
          cb(new v8wasm.Instance(mod, imports));
          return {};
        };
      }
      const ctx: Record<string, unknown> = {
        Module,
        process: fakeProcess,
        require: req,
        __dirname: dirname(data.wasmOpt),
        __filename: data.wasmOpt,
        module: {},
        console: { log: () => {}, info: () => {}, warn: (x: unknown) => void (stderr += `${String(x)}\n`), error: (x: unknown) => void (stderr += `${String(x)}\n`) },
        Buffer,
        WebAssembly: wa,
        URL,
        TextDecoder,
        TextEncoder,
        setTimeout,
        clearTimeout,
        performance,
        crypto: globalThis.crypto,
      };
      ctx.globalThis = ctx;
      vm.createContext(ctx);
      try {
        script.runInContext(ctx);
      } catch (e) {
        const err = e as { name?: string; status?: number; message?: string };
        if (err && err.name === 'ExitStatus') finish(err.status ?? 0);
        else if (err && err.message === 'exit') finish(exitCode);
        else if (!done) {
          done = true;
          reject(e as Error);
        }
      }
    });

  let chain: Promise<unknown> = Promise.resolve();
  port.on('message', (msg: WorkerMsg) => {
    chain = chain.then(async () => {
      const inFile = join(data.dir, `in-${process.pid}-${msg.id}.bin`);
      const outFile = join(data.dir, `out-${process.pid}-${msg.id}.wasm`);
      try {
        writeFileSync(inFile, ttfInput(msg.seed, msg.size));
        const r = await runMain([inFile, '-ttf', '-o', outFile, ...GEN_FEATURE_FLAGS, ...msg.args]);
        if (r.code !== 0) throw new Error(`exit code ${r.code}: ${r.stderr}`);
        const bytes = new Uint8Array(readFileSync(outFile));
        port.postMessage({ id: msg.id, bytes }, [bytes.buffer as ArrayBuffer]);
      } catch (e) {
        port.postMessage({ id: msg.id, error: (e as Error).message ?? String(e) });
      } finally {
        rmSync(inFile, { force: true });
        rmSync(outFile, { force: true });
      }
    });
  });
}

if (!isMainThread && (workerData as { cloakGenWorker?: boolean } | null)?.cloakGenWorker) {
  runWorker(workerData as { wasmOpt: string; dir: string });
}
