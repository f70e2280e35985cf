// `npm run bench`: runs every bench suite and prints one table.
//
//   npm run bench [-- [suite ...] [--runs N] [--warmup N] [--quick] [--strict] [--json FILE]]
//
// suite: names to run (default all); --runs: timed samples per measurement (median reported, default
// 11); --warmup: untimed runs first (default 3); --quick: only the essential inputs; --strict: exit 1
// when a target is missed; --json: also write the rows as JSON.
//
// To add a suite (interpreter, vm, enclave, node, …): write bench/<name>.js exporting `{ name, description,
// run(ctx) → rows }` (see harness.js `row`) and add it to SUITES below.
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { printTable } from './harness.js';
import { wasmSuite, MissingInput } from './wasm.js';
import { interpreterSuite } from './interpreter.js';
import { enclaveSuite } from './enclave.js';
import { vmSuite } from './vm.js';
import { nodeSuite } from './node.js';

const SUITES = [wasmSuite, interpreterSuite, vmSuite, enclaveSuite, nodeSuite];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '11' },
    warmup: { type: 'string', default: '3' },
    quick: { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
    json: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log('usage: npm run bench -- [suite ...] [--runs N] [--warmup N] [--quick] [--strict] [--json FILE]');
  console.log(`suites: ${SUITES.map((s) => `${s.name} (${s.description})`).join(', ')}`);
  process.exit(0);
}

const unknown = positionals.filter((p) => !SUITES.some((s) => s.name === p));
if (unknown.length) {
  console.error(`bench: unknown suite(s) ${unknown.join(', ')}; known: ${SUITES.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const chosen = SUITES.filter((s) => positionals.length === 0 || positionals.includes(s.name));
const ctx = { runs: Number(values.runs), warmup: Number(values.warmup), quick: values.quick };

console.log(
  `cloak bench — node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu?'} × ${os.cpus().length}, ` +
    `median of ${ctx.runs} runs after ${ctx.warmup} warm-up runs`,
);
const rows = [];
let failed = false;
for (const s of chosen) {
  try {
    rows.push(...(await s.run(ctx)));
  } catch (e) {
    failed = true;
    if (e instanceof MissingInput) console.error(`bench ${s.name}: ${e.message}`);
    else console.error(`bench ${s.name} failed:`, e);
  }
}
if (rows.length) printTable(rows);
if (values.json) writeFileSync(values.json, JSON.stringify(rows, null, 2));
const missed = rows.filter((r) => r.ok === false);
if (missed.length) console.log(`targets missed: ${missed.length} (${missed.map((r) => `${r.case} ${r.metric}`).join('; ')})`);
process.exit(failed || (values.strict && missed.length) ? 1 : 0);
