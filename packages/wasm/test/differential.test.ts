// Differential test against V8: binaryen-generated modules (wasm-opt -ttf, exactly our feature set)
// and their mutants must be accepted/rejected as V8 does (support/differ.ts states the rules), valid
// modules must round-trip through encode and survive instrumentation. Bounded so that `npm test`
// stays under 4 minutes on 2 cores; `npm run fuzz` runs the same checks without a bound.
//
// Knobs (environment): CLOAK_DIFF_SEED, CLOAK_DIFF_MODULES, CLOAK_DIFF_MUTANTS, CLOAK_DIFF_MAX_INPUT.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runCampaign, summary, type CampaignStats, type LocatedFinding } from './support/campaign.js';
import { compare, v8Reason } from './support/differ.js';

const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const OPTIONS = {
  seed: env('CLOAK_DIFF_SEED', 0xc10a4),
  modules: env('CLOAK_DIFF_MODULES', 400),
  mutants: env('CLOAK_DIFF_MUTANTS', 50),
  maxInput: env('CLOAK_DIFF_MAX_INPUT', 64 * 1024),
  // Every 50th module is large (640 KiB of ttf input: a module of ~100–250 KiB, hundreds of functions).
  bigEvery: 50,
  bigInput: 640 * 1024,
  // Every 10th module carries one feature outside our set (SIMD, reference types, tail calls, …).
  featureEvery: 10,
  workers: 2,
};

let stats: CampaignStats;

before(async () => {
  stats = await runCampaign(OPTIONS);
  console.log(summary(stats).map((l) => `# ${l}`).join('\n'));
});

function of(kind: LocatedFinding['kind'] | LocatedFinding['kind'][], subject?: 'module' | 'mutant'): LocatedFinding[] {
  const kinds = Array.isArray(kind) ? kind : [kind];
  return stats.findings.filter(
    (f) => kinds.includes(f.kind) && (subject === undefined || (subject === 'module') === !f.subject.startsWith('mutant')),
  );
}

function report(fs: LocatedFinding[]): string {
  return fs
    .slice(0, 10)
    .map((f) => `seed 0x${f.seed.toString(16)} size ${f.size}${f.mutant === undefined ? '' : ` mutant ${f.mutant}`}: ${f.subject}\n  ${f.detail.split('\n')[0]}\n  V8: ${f.v8}\n  ours: ${f.ours}${f.file ? `\n  saved: ${f.file}` : ''}`)
    .join('\n');
}

test(`the campaign covered ${OPTIONS.modules} modules`, () => {
  assert.equal(stats.modules, OPTIONS.modules);
  assert.equal(stats.mutants, OPTIONS.modules * OPTIONS.mutants);
});

test('generated modules: V8 and decodeAndValidate agree', () => {
  const fs = of(['false-accept', 'false-reject'], 'module');
  assert.equal(fs.length, 0, report(fs));
});

test('generated modules: encode(decode(b)) is byte-identical, decodes to an equal module, V8 accepts it', () => {
  const fs = of('roundtrip', 'module');
  assert.equal(fs.length, 0, report(fs));
});

test('generated modules: instrumented output passes V8 and our validator', () => {
  assert.equal(stats.instrumented, stats.validModules);
  assert.ok(stats.validModules >= stats.modules * 0.8, `${stats.validModules} of ${stats.modules} modules valid`);
  const fs = of('instrument');
  assert.equal(fs.length, 0, report(fs));
});

test('mutants: whatever V8 rejects we reject', () => {
  const fs = of('false-accept', 'mutant');
  assert.equal(fs.length, 0, report(fs));
});

test('mutants: whatever V8 accepts we accept, or reject as unsupported/limit', () => {
  const fs = of('false-reject', 'mutant');
  assert.equal(fs.length, 0, report(fs));
});

test('mutants accepted by both round-trip through encode', () => {
  const fs = of('roundtrip', 'mutant');
  assert.equal(fs.length, 0, report(fs));
});

test('every rejection is a WasmError value with an offset in [-1, length], never a throw', () => {
  const fs = of(['throw', 'bad-error']);
  assert.equal(fs.length, 0, report(fs));
});

// ---------------------------------------------------------------------------------------------
// Pathological but small-to-build inputs: the same differential rules. (How long they take is
// watched by `npm run fuzz --slow-ms`, not asserted here: tests never time anything.)

function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

/** A module of `n` functions of type [] → [] with the given body (locals + instructions). */
function moduleWithBodies(body: number[], n = 1): Uint8Array {
  const parts: ArrayLike<number>[] = [];
  const sec = (id: number, content: ArrayLike<number>[]) => {
    const len = content.reduce((a, c) => a + c.length, 0);
    parts.push([id, ...uleb(len)]);
    for (const c of content) parts.push(c);
  };
  const b = Uint8Array.from(body);
  const entry = [Uint8Array.from(uleb(b.length)), b];
  parts.push([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  sec(1, [[0x01, 0x60, 0x00, 0x00]]);
  sec(3, [uleb(n), new Uint8Array(n)]);
  const bodies: ArrayLike<number>[] = [uleb(n)];
  for (let i = 0; i < n; i++) bodies.push(...entry);
  sec(10, bodies);
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const repeat = (xs: number[], n: number): number[] => {
  const out = new Array<number>(xs.length * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < xs.length; j++) out[i * xs.length + j] = xs[j];
  return out;
};
/** Concatenates byte lists without spreading (some are a million entries long). */
const cat = (...xs: number[][]): number[] => ([] as number[]).concat(...xs);

const PATHOLOGICAL: [string, () => Uint8Array][] = [
  ['60,000 nested blocks', () => moduleWithBodies(cat([0x00], repeat([0x02, 0x40], 60_000), repeat([0x0b], 60_001)))],
  ['70,000 nested blocks (beyond MAX_CONTROL_DEPTH)', () => moduleWithBodies(cat([0x00], repeat([0x02, 0x40], 70_000), repeat([0x0b], 70_001)))],
  ['70,000 unclosed blocks', () => moduleWithBodies(cat([0x00], repeat([0x02, 0x40], 70_000), [0x0b]))],
  ['br_table with 65,520 labels', () => moduleWithBodies(cat([0x00, 0x02, 0x40, 0x41, 0x00, 0x0e], uleb(65_520), repeat([0x00], 65_521), [0x0b, 0x0b]))],
  ['br_table with 65,521 labels', () => moduleWithBodies(cat([0x00, 0x02, 0x40, 0x41, 0x00, 0x0e], uleb(65_521), repeat([0x00], 65_522), [0x0b, 0x0b]))],
  ['50,000 locals', () => moduleWithBodies([0x01, ...uleb(50_000), 0x7f, 0x20, ...uleb(49_999), 0x1a, 0x0b])],
  ['50,001 locals', () => moduleWithBodies([0x02, ...uleb(50_000), 0x7f, 0x01, 0x7e, 0x0b])],
  ['4,294,967,295 locals', () => moduleWithBodies([0x01, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, 0x0b])],
  ['300,000 pushes then drops', () => moduleWithBodies(cat([0x00], repeat([0x41, 0x00], 300_000), repeat([0x1a], 300_000), [0x0b]))],
  ['1,000,000 × (i32.const; drop)', () => moduleWithBodies(cat([0x00], repeat([0x41, 0x00, 0x1a], 1_000_000), [0x0b]))],
  ['100,000 functions', () => moduleWithBodies([0x00, 0x0b], 100_000)],
  ['a body of 1,000,000 unreachable-polymorphic ops', () => moduleWithBodies(cat([0x00, 0x00], repeat([0x6a], 1_000_000), [0x0b]))],
];

for (const [name, build] of PATHOLOGICAL) {
  test(`pathological input: ${name}`, () => {
    const bytes = build();
    const { findings, verdict } = compare(bytes, name);
    assert.deepEqual(findings.map((f) => `${f.kind}: ${f.detail}`), [], `V8 ${v8Reason(bytes)}`);
    assert.ok(verdict.ms < 1000, `${verdict.ms.toFixed(0)} ms`);
  });
}
