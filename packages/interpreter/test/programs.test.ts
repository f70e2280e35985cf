/**
 * The real programs (packages/contracts/assembly/programs, built by `npm run build` into
 * packages/contracts/build/programs with a manifest): every entry point at its "test" size, first on
 * V8's WebAssembly against an independent expectation (node:crypto's SHA-256; plain JS / BigInt
 * re-implementations of the other computations), then on the interpreter against V8: same result, same
 * memory size and the same SHA-256 of linear memory afterwards. Traps: both engines must trap where the
 * programs reject their arguments.
 *
 * `@cloak/interpreter` is imported statically: if it is missing this file fails, it never skips.
 * Nothing here asserts on time.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { v8wasm } from '@cloak/wasm/test/support/v8.js';
import { compile, instantiate, Trap, type Instance, type InvokeResult } from '@cloak/interpreter';

// ------------------------------------------------------------------------------------------------
// The manifest written by packages/contracts/build.mjs.

interface Size { args: number[]; work: number }
interface Entry { export: string; result: 'i32' | 'i64'; unit: string; sizes: { test: Size; bench: Size; jitless: Size } }
interface Program { name: string; file: string; source: string; uses: string[]; exports: string[]; entries: Entry[]; bytes: number; sha256: string }

const dir = fileURLToPath(new URL('../../../contracts/build/programs/', import.meta.url));
const manifestFile = `${dir}manifest.json`;
const programs: Program[] = existsSync(manifestFile) ? (JSON.parse(readFileSync(manifestFile, 'utf8')) as Program[]) : [];
const load = (p: Program): Uint8Array => new Uint8Array(readFileSync(`${dir}${p.file}`));
const program = (name: string): Program => {
  const p = programs.find((x) => x.name === name);
  if (!p) throw new Error(`program ${name} is not in ${manifestFile}`);
  return p;
};

// ------------------------------------------------------------------------------------------------
// Running on the interpreter.

function interpCall(inst: Instance, name: string, args: number[]): unknown {
  return (inst.exports[name] as (...a: number[]) => unknown)(...args);
}

// ------------------------------------------------------------------------------------------------
// Running on V8.

interface V8Run { result: unknown; memory: ArrayBuffer }

function v8Instance(p: Program): { exports: Record<string, unknown> } {
  return new v8wasm.Instance(new v8wasm.Module(load(p)), {});
}

function v8Call(inst: { exports: Record<string, unknown> }, name: string, args: number[]): unknown {
  return (inst.exports[name] as (...a: number[]) => unknown)(...args);
}

function v8Memory(inst: { exports: Record<string, unknown> }): ArrayBuffer {
  return (inst.exports.memory as { buffer: ArrayBuffer }).buffer;
}

function v8Run(p: Program, entry: string, args: number[]): V8Run {
  const inst = v8Instance(p);
  const result = v8Call(inst, entry, args);
  return { result, memory: v8Memory(inst) };
}

const sha256hex = (b: ArrayBuffer | Uint8Array): string =>
  createHash('sha256').update(b instanceof Uint8Array ? b : new Uint8Array(b)).digest('hex');

// ------------------------------------------------------------------------------------------------
// Plain JS re-implementations (each mirrors the AssemblyScript source it names, operation by operation).

const lcg = (x: number): number => (Math.imul(x, 1664525) + 1013904223) >>> 0;
const lcgOut = (x: number): number => (x ^ (x >>> 15)) >>> 0;

/** programs/common.ts fillBytes: n bytes of LCG output; returns the bytes and the final state. */
function fillBytes(n: number, seed: number): { bytes: Uint8Array; state: number } {
  const bytes = new Uint8Array(n);
  const view = new DataView(bytes.buffer);
  let x = seed >>> 0;
  const words = n >>> 2;
  for (let i = 0; i < words; i++) {
    x = lcg(x);
    view.setUint32(i * 4, lcgOut(x), true);
  }
  const rest = n & 3;
  if (rest) {
    x = lcg(x);
    let w = lcgOut(x);
    for (let i = 0; i < rest; i++) {
      bytes[words * 4 + i] = w & 0xff;
      w >>>= 8;
    }
  }
  return { bytes, state: x };
}

/** sha256.ts: the first 8 digest bytes as a big-endian i64, and the digest. */
function sha256Expect(n: number): { result: bigint; digest: Buffer; input: Uint8Array } {
  const { bytes } = fillBytes(n, 0x5eed);
  const digest = createHash('sha256').update(bytes).digest();
  return { result: digest.readBigInt64BE(0), digest, input: bytes };
}

/** sort.ts */
function sortExpect(n: number): number {
  const a = new Int32Array(n);
  let x = 0x50f7;
  for (let i = 0; i < n; i++) {
    x = lcg(x);
    a[i] = lcgOut(x) | 0;
  }
  a.sort();
  let h = 0;
  for (let i = 0; i < n; i++) h = (Math.imul(h, 31) + a[i]) | 0;
  return h;
}

/** fib.ts (both entries): fib(n) mod 2^32 as an i32. */
function fibExpect(n: number): number {
  let a = 0, b = 1;
  for (let i = 0; i < n; i++) [a, b] = [b, (a + b) | 0];
  return a;
}

const M64 = (1n << 64n) - 1n;
const u64 = (v: bigint): bigint => v & M64;
const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);
const rotl64 = (v: bigint, k: bigint): bigint => (k === 0n ? v : u64((v << k) | (v >> (64n - k))));
const rotr64 = (v: bigint, k: bigint): bigint => (k === 0n ? v : u64((v >> k) | (v << (64n - k))));

/** i64.ts */
function i64Expect(n: number): bigint {
  let s = 0x0123456789abcdefn, x = 88172645463325252n, acc = 0n;
  for (let i = 0; i < n; i++) {
    s = u64(s + 0x9e3779b97f4a7c15n);
    let z = s;
    z = u64((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = u64((z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    z ^= z >> 31n;
    x ^= x >> 12n;
    x = u64(x ^ (x << 25n));
    x ^= x >> 27n;
    const y = u64(x * 0x2545f4914f6cdd1dn);
    const k = BigInt(i & 63);
    acc = u64(rotl64(acc ^ z, k) + y);
    acc ^= y / (z | 1n);
    acc = u64(acc + (y % ((z >> 40n) | 1n)));
    const sy = s64(y);
    acc ^= u64(sy / (s64(z >> 33n) | 1n)); // BigInt division truncates toward zero, like i64.div_s
    acc = u64(acc - u64(sy % ((z & 0xffffn) + 3n)));
    acc ^= u64(s64(acc) >> (k ^ 17n));
    if (sy < s64(z)) acc = u64(acc + 0x1234567n);
    if (y > z) acc = rotr64(acc, 7n);
    if (acc === x) acc ^= 1n;
  }
  return s64(acc);
}

/** memcopy.ts (both builds). */
function memcopyExpect(rounds: number, n: number): number {
  const mem = new Uint8Array(2 * n); // A = [0, n), B = [n, 2n)
  const filled = fillBytes(n, 0xc0b1);
  mem.set(filled.bytes);
  let x = filled.state;
  let sample = 0;
  for (let r = 0; r < rounds; r++) {
    x = lcg(x);
    const len = 1 + ((x >>> 8) % (n >>> 4));
    x = lcg(x);
    const src = (x >>> 8) % (n - len);
    x = lcg(x);
    const dst = (x >>> 8) % (n - len);
    mem.copyWithin(dst, src, src + len);
    x = lcg(x);
    const quarter = len >>> 2;
    const fillAt = (x >>> 8) % (n - quarter);
    mem.fill(r & 0xff, n + fillAt, n + fillAt + quarter);
    x = lcg(x);
    const to = (x >>> 8) % (n - len);
    const from = Math.floor((src + dst) / 2);
    mem.copyWithin(n + to, from, from + len);
    sample = (Math.imul(sample, 31) + mem[n + ((x >>> 4) % n)]) >>> 0;
  }
  const view = new DataView(mem.buffer);
  let h = 0x811c9dc5;
  for (let p = 0; p < 2 * n; p += 4) h = Math.imul(h ^ view.getUint32(p, true), 16777619) >>> 0;
  return (h ^ sample) | 0;
}

const f32 = Math.fround;
function f64bits(x: number): bigint {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x, true);
  return v.getBigInt64(0, true);
}
function f32bits(x: number): number {
  const v = new DataView(new ArrayBuffer(4));
  v.setFloat32(0, x, true);
  return v.getInt32(0, true);
}
/** f64.nearest: round half to even, keeping the sign of zero. */
function nearest(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x), d = x - f;
  const r = d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  return r === 0 ? (x < 0 || Object.is(x, -0) ? -0 : 0) : r;
}
const copysign = (a: number, b: number): number => (b < 0 || Object.is(b, -0) ? -Math.abs(a) : Math.abs(a));

/** floats.ts */
function floatsExpect(size: number): bigint {
  const MAXIT = 256;
  let acc = 0, acc32 = 0, iters = 0;
  const inv = 1.0 / size;
  for (let py = 0; py < size; py++) {
    const ci = py * 2.5 * inv - 1.25;
    let row = 0;
    for (let px = 0; px < size; px++) {
      const cr = px * 3.0 * inv - 2.25;
      let zr = 0, zi = 0, zr2 = 0, zi2 = 0, k = 0;
      while (k < MAXIT && zr2 + zi2 <= 4.0) {
        zi = 2.0 * zr * zi + ci;
        zr = zr2 - zi2 + cr;
        zr2 = zr * zr;
        zi2 = zi * zi;
        k++;
      }
      iters += k;
      row += Math.sqrt(zr2 + zi2) + k * 0.001;
      if (((px + py) & 3) === 0) {
        const cr32 = f32(cr), ci32 = f32(ci);
        let fr = 0, fi = 0, j = 0;
        while (j < MAXIT && f32(f32(fr * fr) + f32(fi * fi)) <= 4.0) {
          const t = f32(f32(f32(fr * fr) - f32(fi * fi)) + cr32);
          fi = f32(f32(f32(2.0 * fr) * fi) + ci32);
          fr = t;
          j++;
        }
        acc32 = f32(acc32 + f32(f32(Math.abs(fr) * 0.5) + j));
      }
    }
    acc = acc * 0.75 + row;
    acc += Math.floor(row * 0.37) - Math.ceil(row * 0.21) + Math.trunc(-row * 0.13) + nearest(row * 0.5);
    acc = Math.max(acc, Math.min(row, -acc)) + copysign(0.125, py - 7.5);
    acc32 = f32(f32(f32(acc32 * 0.5) + f32(Math.sqrt(Math.abs(f32(row))))) + f32(Math.trunc(row * 3.0) % 7));
  }
  return BigInt.asIntN(64, f64bits(acc) ^ (BigInt(f32bits(acc32)) << 20n) ^ BigInt(iters));
}

/** argonish.ts */
function argonishExpect(blocks: number, passes: number): bigint {
  const W = 128;
  const mem: bigint[] = new Array(blocks * W).fill(0n);
  let s = 0x243f6a8885a308d3n;
  for (let i = 0; i < 256; i++) {
    s = u64(s + 0x9e3779b97f4a7c15n);
    let z = s;
    z = u64((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = u64((z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    mem[i] = z ^ (z >> 31n);
  }
  const fBlaMka = (a: bigint, b: bigint): bigint => u64(a + b + 2n * (a & 0xffffffffn) * (b & 0xffffffffn));
  const G = (q: bigint[], a: number, b: number, c: number, d: number): void => {
    q[a] = fBlaMka(q[a], q[b]); q[d] = rotr64(q[d] ^ q[a], 32n);
    q[c] = fBlaMka(q[c], q[d]); q[b] = rotr64(q[b] ^ q[c], 24n);
    q[a] = fBlaMka(q[a], q[b]); q[d] = rotr64(q[d] ^ q[a], 16n);
    q[c] = fBlaMka(q[c], q[d]); q[b] = rotr64(q[b] ^ q[c], 63n);
  };
  const P = (q: bigint[], base: number, step: number): void => {
    const v = (i: number): number => base + (i >> 1) * step + (i & 1);
    G(q, v(0), v(4), v(8), v(12)); G(q, v(1), v(5), v(9), v(13)); G(q, v(2), v(6), v(10), v(14)); G(q, v(3), v(7), v(11), v(15));
    G(q, v(0), v(5), v(10), v(15)); G(q, v(1), v(6), v(11), v(12)); G(q, v(2), v(7), v(8), v(13)); G(q, v(3), v(4), v(9), v(14));
  };
  for (let pass = 0; pass < passes; pass++) {
    for (let i = pass === 0 ? 2 : 0; i < blocks; i++) {
      const prev = i === 0 ? blocks - 1 : i - 1;
      const pw = mem[prev * W];
      const ref = pass === 0 ? Number(pw & 0xffffffffn) % (i - 1) : (i + 1 + (Number(pw >> 32n) % (blocks - 1))) % blocks;
      const r: bigint[] = [];
      for (let j = 0; j < W; j++) r.push(mem[prev * W + j] ^ mem[ref * W + j]);
      const q = r.slice();
      for (let row = 0; row < 8; row++) P(q, row * 16, 2);
      for (let col = 0; col < 8; col++) P(q, col * 2, 16);
      for (let j = 0; j < W; j++) {
        const z = r[j] ^ q[j];
        mem[i * W + j] = pass > 0 ? mem[i * W + j] ^ z : z;
      }
    }
  }
  let h = 0n;
  for (let j = 0; j < W; j++) h ^= mem[(blocks - 1) * W + j];
  return s64(h);
}

/** The expected result of an entry point, computed without wasm. */
function expected(name: string, args: number[]): number | bigint {
  switch (name) {
    case 'sha256': return sha256Expect(args[0]).result;
    case 'sort': return sortExpect(args[0]);
    case 'fib': return fibExpect(args[0]);
    case 'i64': return i64Expect(args[0]);
    case 'memcopy-loop':
    case 'memcopy-bulk': return memcopyExpect(args[0], args[1]);
    case 'floats': return floatsExpect(args[0]);
    case 'argonish': return argonishExpect(args[0], args[1]);
    default: throw new Error(`no JS re-implementation for program ${name}`);
  }
}

/** Calls that must trap (unreachable) in both engines: the programs reject these arguments. */
const TRAPS: { program: string; export: string; args: number[] }[] = [
  { program: 'argonish', export: 'run', args: [2, 1] },
  { program: 'memcopy-loop', export: 'run', args: [1, 62] },
  { program: 'memcopy-bulk', export: 'run', args: [1, 65] },
];

const SHA256_LENGTHS = [0, 1, 3, 55, 56, 63, 64, 65, 119, 120, 127, 128, 1000];

// ------------------------------------------------------------------------------------------------

describe('programs on V8', () => {
  test('the manifest lists every program, and the files match it', () => {
    assert.ok(programs.length > 0, `${manifestFile} is missing or empty: run \`npm run build\``);
    const names = programs.map((p) => p.name).sort();
    assert.deepEqual(names, ['argonish', 'fib', 'floats', 'i64', 'memcopy-bulk', 'memcopy-loop', 'sha256', 'sort']);
    for (const p of programs) {
      const bytes = load(p);
      assert.equal(bytes.length, p.bytes, p.file);
      assert.equal(sha256hex(bytes), p.sha256, p.file);
      assert.ok(v8wasm.validate(bytes), p.file);
      for (const e of p.entries) {
        for (const size of ['test', 'bench', 'jitless'] as const) {
          assert.ok(Array.isArray(e.sizes[size].args) && e.sizes[size].work > 0, `${p.name}.${e.export} ${size}`);
        }
      }
    }
    assert.ok(program('memcopy-bulk').uses.includes('bulk-memory'));
    assert.ok(!program('memcopy-loop').uses.includes('bulk-memory'));
  });

  for (const p of programs) {
    for (const e of p.entries) {
      test(`${p.name}.${e.export}(${e.sizes.test.args.join(', ')}) returns the re-implementation's checksum`, () => {
        const { result } = v8Run(p, e.export, e.sizes.test.args);
        assert.equal(typeof result, e.result === 'i64' ? 'bigint' : 'number');
        assert.equal(result, expected(p.name, e.sizes.test.args));
      });
    }
  }

  test('sha256: digest and input agree with node:crypto and the JS PRNG, for lengths around the padding boundaries', () => {
    const p = program('sha256');
    const inst = v8Instance(p);
    for (const n of [...SHA256_LENGTHS, p.entries[0].sizes.test.args[0]]) {
      const result = v8Call(inst, 'run', [n]);
      const want = sha256Expect(n);
      const mem = new Uint8Array(v8Memory(inst));
      const d = v8Call(inst, 'digest', []) as number;
      const at = v8Call(inst, 'input', []) as number;
      assert.deepEqual(Buffer.from(mem.subarray(at, at + n)), Buffer.from(want.input), `input of ${n} bytes`);
      assert.equal(Buffer.from(mem.subarray(d, d + 32)).toString('hex'), want.digest.toString('hex'), `digest of ${n} bytes`);
      assert.equal(result, want.result, `run(${n})`);
    }
  });

  test('a run does not depend on earlier runs (same instance, other sizes in between)', () => {
    for (const p of programs) {
      const inst = v8Instance(p);
      for (const e of p.entries) {
        const args = e.sizes.test.args;
        const first = v8Call(inst, e.export, args);
        v8Call(inst, e.export, args.map((a) => (a > 8 ? a >> 1 : a))); // a smaller run in between
        assert.equal(v8Call(inst, e.export, args), first, `${p.name}.${e.export}`);
      }
    }
  });

  test('bad arguments trap', () => {
    for (const c of TRAPS) {
      assert.throws(() => v8Run(program(c.program), c.export, c.args), (e: unknown) => e instanceof v8wasm.RuntimeError, `${c.program}(${c.args})`);
    }
  });
});

describe('programs on the interpreter, compared with V8', () => {
  for (const p of programs) {
    test(`${p.name}: same results and same memory as V8`, () => {
      const bytes = load(p);
      const compiled = compile(bytes);
      for (const e of p.entries) {
        const args = e.sizes.test.args;
        const v8 = v8Run(p, e.export, args);
        const label = `${p.name}.${e.export}(${args.join(', ')})`;
        // Through the exported function.
        const inst = instantiate(compiled, {});
        const result = interpCall(inst, e.export, args);
        assert.equal(result, v8.result, `${label}: result`);
        assert.ok(inst.memory, `${label}: the instance has a memory`);
        const mem = inst.memory.buffer;
        assert.equal(mem.byteLength, v8.memory.byteLength, `${label}: memory size`);
        assert.equal(sha256hex(mem), sha256hex(v8.memory), `${label}: SHA-256 of linear memory`);
        // Through invoke, on a fresh instance.
        const inst2: Instance = instantiate(compiled, {});
        const r: InvokeResult<number | bigint> = inst2.invoke(e.export, args);
        if (!r.ok) assert.fail(`${label}: invoke trapped: ${r.trap.message}`);
        const value: unknown = r.results[0];
        assert.equal(value, v8.result, `${label}: invoke result`);
        assert.equal(sha256hex(inst2.memory!.buffer), sha256hex(v8.memory), `${label}: invoke memory`);
      }
      if (p.name === 'sha256') {
        const inst = instantiate(compiled, {});
        for (const n of SHA256_LENGTHS) {
          const want = sha256Expect(n);
          assert.equal(interpCall(inst, 'run', [n]), want.result, `sha256.run(${n})`);
          const d = interpCall(inst, 'digest', []) as number;
          assert.equal(Buffer.from(new Uint8Array(inst.memory!.buffer, d, 32)).toString('hex'), want.digest.toString('hex'), `digest of ${n} bytes`);
        }
      }
    });
  }

  test('bad arguments trap with unreachable, as on V8', () => {
    for (const c of TRAPS) {
      const inst = instantiate(compile(load(program(c.program))), {});
      const r = inst.invoke(c.export, c.args);
      assert.ok(!r.ok, `${c.program}(${c.args}) should trap`);
      assert.equal(r.trap.code, 'unreachable', `${c.program}(${c.args})`);
      assert.throws(() => interpCall(inst, c.export, c.args), (e: unknown) => e instanceof Trap && e.code === 'unreachable');
    }
  });
});
