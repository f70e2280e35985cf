/**
 * The differential fuzzer: the checks of differential.test.ts (support/differ.ts) without a bound.
 *
 *   npm run fuzz [-- --count N] [--seconds S] [--seed X] [--mutants M] [--max-input BYTES]
 *                   [--workers W] [--slow-ms MS] [--fail-fast] [--out DIR]
 *                   [--feature-every K]
 *   npm run fuzz -- --repro SEED:SIZE[:MUTANT] [--features NAME]   re-check one module or mutant
 *
 * Every K-th module (default 10) is generated with one feature outside cloak's set
 * (support/gen.ts FEATURE_PROFILES): V8 may accept it, and then we must say `unsupported`.
 *
 * Runs until --count modules or --seconds have passed (default: until interrupted; Ctrl-C prints
 * the summary). Prints progress every few seconds and a summary at the end; exits 1 on any
 * discrepancy, with reproducers saved (path printed).
 */
import { parseArgs } from 'node:util';
import { cpus } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FEATURE_PROFILES, ModuleGenerator, reproDir } from './support/gen.js';
import { mutant, splitSections } from './support/mutate.js';
import { compare, defaultInstrumenter, v8Reason } from './support/differ.js';
import { checkOne, newStats, runCampaign, summary, type CampaignOptions, type CampaignStats } from './support/campaign.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string' },
    seconds: { type: 'string' },
    seed: { type: 'string' },
    mutants: { type: 'string', default: '50' },
    'max-input': { type: 'string', default: String(256 * 1024) },
    workers: { type: 'string', default: String(Math.max(1, cpus().length)) },
    'slow-ms': { type: 'string', default: '1000' },
    'fail-fast': { type: 'boolean', default: false },
    out: { type: 'string' },
    repro: { type: 'string' },
    features: { type: 'string' },
    'feature-every': { type: 'string', default: '10' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log('usage: npm run fuzz -- [--count N] [--seconds S] [--seed X] [--mutants M] [--max-input BYTES] [--workers W] [--feature-every K] [--slow-ms MS] [--fail-fast] [--out DIR]');
  console.log('       npm run fuzz -- --repro SEED:SIZE[:MUTANT] [--features NAME]');
  process.exit(0);
}

const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));
const seed = values.seed !== undefined ? Number(values.seed) >>> 0 : (Date.now() ^ (process.pid << 16)) >>> 0;
const options: CampaignOptions = {
  seed,
  modules: num(values.count),
  seconds: num(values.seconds),
  mutants: Number(values.mutants),
  maxInput: Number(values['max-input']),
  bigEvery: 100,
  bigInput: 1024 * 1024,
  featureEvery: Number(values['feature-every']),
  workers: Number(values.workers),
  failFast: values['fail-fast'],
  slowMs: Number(values['slow-ms']),
  reproDir: values.out,
};

function finish(stats: CampaignStats): never {
  console.log(summary(stats).join('\n'));
  process.exit(stats.findings.length ? 1 : 0);
}

if (values.repro) {
  const [s, size, m] = values.repro.split(':').map((x) => Number(x));
  const gen = new ModuleGenerator();
  const features = values.features;
  if (features !== undefined && !FEATURE_PROFILES[features]) {
    console.error(`unknown --features ${features}; known: ${Object.keys(FEATURE_PROFILES).join(', ')}`);
    process.exit(2);
  }
  const g = { ...(await gen.generate({ seed: s >>> 0, size, args: features ? FEATURE_PROFILES[features] : [] })), features };
  await gen.close();
  const stats = newStats();
  const inst = defaultInstrumenter();
  const dir = values.out ?? reproDir('repro');
  writeFileSync(join(dir, `module-${s.toString(16)}-${size}.wasm`), g.bytes);
  let subject = g.bytes;
  if (m !== undefined && !Number.isNaN(m)) {
    const mu = mutant(g.bytes, g.seed, m, splitSections(g.bytes) ?? []);
    writeFileSync(join(dir, `mutant-${s.toString(16)}-${size}-${m}.wasm`), mu.bytes);
    console.log(`mutant ${m}: ${mu.desc}`);
    subject = mu.bytes;
  }
  const v = compare(subject, 'repro').verdict;
  console.log(`V8: ${v8Reason(subject)}`);
  console.log(`ours: ${v.ours === undefined ? 'threw' : v.ours.ok ? 'valid' : `${v.ours.error.kind}: ${v.ours.error.message}`} (${v.ms.toFixed(1)} ms)`);
  checkOne({ ...options, mutants: 0 }, g, inst, stats, Number.isNaN(m) ? undefined : m);
  console.log(`files in ${dir}`);
  finish(stats);
}

console.log(
  `fuzz: seed ${seed} (0x${seed.toString(16)}), ${options.modules ?? '∞'} modules, ${options.seconds ?? '∞'} s, ` +
    `${options.mutants} mutants per module, inputs up to ${options.maxInput} bytes`,
);
let last = 0;
let current: CampaignStats | undefined;
process.on('SIGINT', () => {
  if (current) finish(current);
  process.exit(130);
});
const stats = await runCampaign({
  ...options,
  onModule: (s) => {
    current = s;
    if (s.elapsedMs - last > 5000) {
      last = s.elapsedMs;
      console.log(
        `[${(s.elapsedMs / 1000).toFixed(0)} s] modules ${s.modules}, mutants ${s.mutants}, findings ${s.findings.length}, ` +
          `${(s.modules / (s.elapsedMs / 1000)).toFixed(1)} modules/s`,
      );
    }
  },
});
finish(stats);
