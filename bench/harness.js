// Shared bench plumbing: timing with warm-up and median-of-N, a results table, and target checks.
// A suite is `{ name, description, run(ctx) }` whose `run` returns rows (see `row` below); run.js
// prints every suite's rows in one table. Add a suite by writing bench/<name>.js and listing it in
// run.js's SUITES.
import { performance } from 'node:perf_hooks';

/** Median of a numeric array. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/**
 * Times `fn` (synchronous): `warmup` untimed calls, then `runs` timed calls (each call repeated
 * until it lasts at least `minMs`, to time very fast functions). Returns ms per call: median, min, max.
 */
export function measure(fn, { warmup = 3, runs = 11, minMs = 5 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  // How many calls per sample so that a sample lasts at least minMs.
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    const dt = performance.now() - t0;
    if (dt >= minMs || reps >= 1 << 20) break;
    reps *= dt > 0 ? Math.min(16, Math.max(2, Math.ceil(minMs / dt))) : 16;
  }
  const samples = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    samples.push((performance.now() - t0) / reps);
  }
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), runs, reps };
}

/** MB/s (10^6 bytes per second) for `bytes` processed in `ms`. */
export function mbps(bytes, ms) {
  return bytes / 1e6 / (ms / 1000);
}

/**
 * One table row. `target` is optional: `{ text: '≥ 50 MB/s', ok: boolean }`.
 * Columns: suite, case, size, metric, ours, baseline, ratio, target.
 */
export function row(fields) {
  return { suite: '', case: '', size: '', metric: '', ours: '', baseline: '', ratio: '', target: '', ...fields };
}

export function fmtBytes(n) {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(2)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

export function fmtNum(x, digits = 1) {
  if (!Number.isFinite(x)) return String(x);
  return x >= 100 ? x.toFixed(0) : x.toFixed(digits);
}

const COLUMNS = [
  ['suite', 'suite'],
  ['case', 'case'],
  ['size', 'size'],
  ['metric', 'metric'],
  ['ours', 'ours'],
  ['baseline', 'baseline'],
  ['ratio', 'ratio'],
  ['target', 'target'],
];

/** Prints rows as an aligned text table (markdown-compatible). */
export function printTable(rows, out = console.log) {
  const cols = COLUMNS.filter(([k]) => rows.some((r) => r[k] !== ''));
  const width = cols.map(([k, h]) => Math.max(h.length, ...rows.map((r) => String(r[k]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(width[i])).join(' | ')} |`;
  out(line(cols.map(([, h]) => h)));
  out(`|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) out(line(cols.map(([k]) => r[k])));
}
