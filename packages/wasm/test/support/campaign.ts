/**
 * One differential campaign: generate modules from seeds (gen.ts), check each against V8 (differ.ts),
 * check a number of its mutants (mutate.ts), instrument it, and collect findings. The bounded test
 * (differential.test.ts) and the unbounded fuzzer (fuzz.ts) both drive this loop.
 *
 * Reproducing a finding needs the module seed, the ttf input size and, for a mutant, its index:
 * `npm run fuzz -- --repro <seed>:<size>[:<mutant>]`. Reproducers are also written to a temp dir.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FEATURE_PROFILES, ModuleGenerator, moduleSeed, inputSize, reproDir, type Generated } from './gen.js';
import { mutant, splitSections } from './mutate.js';
import { checkInstrument, compare, defaultInstrumenter, roundtrip, v8Reason, type Finding, type Instrumenter } from './differ.js';

export interface CampaignOptions {
  /** Base seed of the run. */
  seed: number;
  /** Stop after this many modules (default unbounded). */
  modules?: number;
  /** Stop after this many seconds (default unbounded). */
  seconds?: number;
  /** Mutants per module. */
  mutants: number;
  /** Largest ttf input of a generated module (bytes). */
  maxInput: number;
  /** Every `bigEvery`-th module gets a large input (`bigInput` bytes, many functions); 0 = never. */
  bigEvery?: number;
  bigInput?: number;
  /**
   * Every `featureEvery`-th module is generated with one extra feature outside our set (gen.ts
   * FEATURE_PROFILES, in turn); 0 = never.
   */
  featureEvery?: number;
  /** Generator worker threads. */
  workers?: number;
  /** Time limit of one decode+validate before it is reported as 'slow' (default: none; `npm run fuzz` sets 1000 ms). */
  slowMs?: number;
  /** Stop at the first finding. */
  failFast?: boolean;
  /** Directory for reproducers (default a temp dir, created on the first finding). */
  reproDir?: string;
  /** Most reproducers saved per finding kind. */
  maxSavedPerKind?: number;
  /** Progress callback, called after each module. */
  onModule?: (s: CampaignStats, g: Generated) => void;
}

export interface LocatedFinding extends Finding {
  seed: number;
  size: number;
  /** Extra feature profile of the module (FEATURE_PROFILES key), if any. */
  features?: string;
  mutant?: number;
  v8: string;
  ours: string;
  file?: string;
}

export interface CampaignStats {
  modules: number;
  /** Modules V8 and we both accept (the ones round-tripped and instrumented). */
  validModules: number;
  moduleBytes: number;
  mutants: number;
  mutantsV8Valid: number;
  mutantsOursValid: number;
  excused: Map<string, number>;
  instrumented: number;
  genMs: number;
  checkMs: number;
  slowestMs: number;
  findings: LocatedFinding[];
  /** Per extra-feature profile: modules, V8 accepts, we accept, we reject as unsupported. */
  featureModules: Map<string, { n: number; v8: number; ours: number; unsupported: number }>;
  elapsedMs: number;
  reproDir?: string;
}

export interface PlannedModule {
  seed: number;
  size: number;
  features?: string;
  args?: readonly string[];
}

/** The request for the i-th module of a run. */
export function planModule(o: CampaignOptions, i: number): PlannedModule {
  const seed = moduleSeed(o.seed, i);
  const big = o.bigEvery && o.bigInput && i % o.bigEvery === o.bigEvery - 1;
  const size = big ? o.bigInput! : inputSize(seed, o.maxInput);
  if (o.featureEvery && i % o.featureEvery === Math.floor(o.featureEvery / 2)) {
    const names = Object.keys(FEATURE_PROFILES);
    const features = names[Math.floor(i / o.featureEvery) % names.length];
    return { seed, size: Math.min(size, 64 * 1024), features, args: FEATURE_PROFILES[features] };
  }
  return { seed, size };
}

function describe(r: ReturnType<typeof compare>['verdict']['ours']): string {
  if (!r) return 'threw';
  return r.ok ? 'valid' : `${r.error.kind}: ${r.error.message}`;
}

/** Checks one module and its mutants; pushes findings into `stats`. */
export function checkOne(
  o: CampaignOptions,
  g: { seed: number; size: number; bytes: Uint8Array; features?: string },
  inst: Instrumenter,
  stats: CampaignStats,
  onlyMutant?: number,
): void {
  const t0 = performance.now();
  const add = (fs: Finding[], mutantIndex?: number) => {
    for (const f of fs) {
      const ours = compare(f.bytes, f.subject, { slowMs: Infinity }).verdict.ours;
      stats.findings.push({
        ...f, seed: g.seed, size: g.size, features: g.features, mutant: mutantIndex, v8: v8Reason(f.bytes), ours: describe(ours),
      });
    }
  };
  if (onlyMutant === undefined) {
    stats.modules++;
    stats.moduleBytes += g.bytes.length;
    const c = compare(g.bytes, g.features ? `module with ${g.features}` : 'module', { slowMs: o.slowMs });
    add(c.findings);
    if (g.features) {
      const t = stats.featureModules.get(g.features) ?? { n: 0, v8: 0, ours: 0, unsupported: 0 };
      t.n++;
      if (c.verdict.v8) t.v8++;
      if (c.verdict.ours?.ok) t.ours++;
      else if (c.verdict.ours?.error.kind === 'unsupported') t.unsupported++;
      stats.featureModules.set(g.features, t);
    }
    if (c.verdict.ms > stats.slowestMs) stats.slowestMs = c.verdict.ms;
    if (c.verdict.v8 && c.verdict.ours?.ok) {
      stats.validModules++;
      add(roundtrip(g.bytes, 'module', true));
      add(checkInstrument(inst, g.bytes, 'module instrumented'));
      stats.instrumented++;
    }
  }
  const secs = splitSections(g.bytes) ?? [];
  const from = onlyMutant ?? 0;
  const to = onlyMutant === undefined ? o.mutants : onlyMutant + 1;
  for (let i = from; i < to; i++) {
    const m = mutant(g.bytes, g.seed, i, secs);
    const subject = `mutant ${i}: ${m.desc}`;
    const c = compare(m.bytes, subject, { slowMs: o.slowMs });
    stats.mutants++;
    if (c.verdict.ms > stats.slowestMs) stats.slowestMs = c.verdict.ms;
    if (c.verdict.v8) stats.mutantsV8Valid++;
    const ours = c.verdict.ours;
    if (ours?.ok) stats.mutantsOursValid++;
    if (c.verdict.v8 && ours && !ours.ok && c.findings.length === 0) {
      const k = `${ours.error.kind}: ${ours.error.reason.replace(/\d+/g, 'N').slice(0, 90)}`;
      stats.excused.set(k, (stats.excused.get(k) ?? 0) + 1);
    }
    add(c.findings, i);
    if (c.verdict.v8 && ours?.ok && c.findings.length === 0) add(roundtrip(m.bytes, subject), i);
  }
  stats.checkMs += performance.now() - t0;
}

function saveFindings(o: CampaignOptions, stats: CampaignStats, from: number): void {
  const perKind = new Map<string, number>();
  for (const f of stats.findings.slice(0, from)) if (f.file) perKind.set(f.kind, (perKind.get(f.kind) ?? 0) + 1);
  for (const f of stats.findings.slice(from)) {
    const n = perKind.get(f.kind) ?? 0;
    if (n >= (o.maxSavedPerKind ?? 20)) continue;
    perKind.set(f.kind, n + 1);
    stats.reproDir ??= o.reproDir ?? reproDir('differential');
    const name = `${f.kind}-seed${f.seed.toString(16)}-size${f.size}${f.features ? `-${f.features}` : ''}${f.mutant === undefined ? '' : `-m${f.mutant}`}.wasm`;
    f.file = join(stats.reproDir, name);
    writeFileSync(f.file, f.bytes);
  }
}

export function newStats(): CampaignStats {
  return {
    modules: 0, validModules: 0, moduleBytes: 0, mutants: 0, mutantsV8Valid: 0, mutantsOursValid: 0, excused: new Map(),
    instrumented: 0, featureModules: new Map(), genMs: 0, checkMs: 0, slowestMs: 0, findings: [], elapsedMs: 0,
  };
}

/** Runs a campaign until `modules` or `seconds` is reached (or the first finding with failFast). */
export async function runCampaign(o: CampaignOptions): Promise<CampaignStats> {
  const stats = newStats();
  const inst = defaultInstrumenter();
  const gen = new ModuleGenerator({ workers: o.workers ?? 1, maxInput: o.maxInput });
  const t0 = performance.now();
  const deadline = o.seconds === undefined ? Infinity : t0 + o.seconds * 1000;
  const limit = o.modules ?? Infinity;
  const ahead = Math.max(2, (o.workers ?? 1) * 2);
  const pending: Promise<Generated & { features?: string }>[] = [];
  let next = 0;
  const request = () => {
    const p = planModule(o, next++);
    const pr = gen.generate(p).then((g) => ({ ...g, features: p.features }));
    pr.catch(() => {});
    pending.push(pr);
  };
  try {
    for (let i = 0; i < limit && performance.now() < deadline; i++) {
      while (pending.length < ahead && next < limit) request();
      const g = await pending.shift()!;
      stats.genMs += g.ms;
      const before = stats.findings.length;
      checkOne(o, g, inst, stats);
      if (stats.findings.length > before) saveFindings(o, stats, before);
      stats.elapsedMs = performance.now() - t0;
      o.onModule?.(stats, g);
      if (o.failFast && stats.findings.length) break;
    }
  } finally {
    await gen.close();
  }
  stats.elapsedMs = performance.now() - t0;
  return stats;
}

/** Human-readable summary lines of a campaign. */
export function summary(s: CampaignStats): string[] {
  const lines = [
    `modules: ${s.modules} (${(s.moduleBytes / 1024).toFixed(0)} KiB, ${s.validModules} valid), mutants: ${s.mutants} ` +
      `(V8 accepts ${s.mutantsV8Valid}, we accept ${s.mutantsOursValid}), instrumented: ${s.instrumented}`,
    `time: ${(s.elapsedMs / 1000).toFixed(1)} s (generation ${(s.genMs / 1000).toFixed(1)} s in workers, checks ${(s.checkMs / 1000).toFixed(1)} s), slowest decode+validate ${s.slowestMs.toFixed(1)} ms`,
  ];
  if (s.featureModules.size) {
    lines.push('modules with one extra feature (n / V8 accepts / we accept / we say unsupported):');
    lines.push(`  ${[...s.featureModules].map(([k, t]) => `${k} ${t.n}/${t.v8}/${t.ours}/${t.unsupported}`).join(', ')}`);
  }
  if (s.excused.size) {
    lines.push('V8 accepts, we reject as unsupported/limit:');
    for (const [k, n] of [...s.excused].sort((a, b) => b[1] - a[1]).slice(0, 12)) lines.push(`  ${String(n).padStart(5)} × ${k}`);
  }
  lines.push(`findings: ${s.findings.length}`);
  const shown = new Set<string>();
  for (const f of s.findings) {
    const key = `${f.kind}|${f.ours.replace(/\d+/g, 'N').slice(0, 80)}|${f.v8.replace(/\d+/g, 'N').slice(0, 60)}`;
    if (shown.has(key)) continue;
    shown.add(key);
    lines.push(
      `  [${f.kind}] seed 0x${f.seed.toString(16)} size ${f.size}${f.mutant === undefined ? '' : ` mutant ${f.mutant}`} — ${f.subject}`,
      `      ${f.detail.split('\n')[0]}`,
      `      V8: ${f.v8}`,
      `      ours: ${f.ours}`,
      `      repro: npm run fuzz -- --repro ${f.seed}:${f.size}${f.mutant === undefined ? '' : `:${f.mutant}`}` +
        `${f.features ? ` --features ${f.features}` : ''}${f.file ? `   file: ${f.file}` : ''}`,
    );
    if (shown.size >= 30) {
      lines.push('  …');
      break;
    }
  }
  if (s.reproDir) lines.push(`reproducers: ${s.reproDir}`);
  return lines;
}
