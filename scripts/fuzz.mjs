// `npm run fuzz -- [wasm|interpreter] [options]`: the long randomised runs.
//   wasm         decoder/validator against V8 on random and mutated modules (packages/wasm/test/fuzz.ts)
//   interpreter  the interpreter against V8 on random modules, instrumented (packages/interpreter/test/fuzz.ts)
// With no target both run, one after the other, with the same options (give --seconds, or the first
// runs until Ctrl-C). Options are passed through; each fuzzer prints its own --help.
import { spawnSync } from 'node:child_process';

const FUZZERS = {
  wasm: 'packages/wasm/dist/test/fuzz.js',
  interpreter: 'packages/interpreter/dist/test/fuzz.js',
};
const args = process.argv.slice(2);
const targets = args[0] in FUZZERS ? [args.shift()] : Object.keys(FUZZERS);
for (const t of targets) {
  console.log(`== fuzz ${t}`);
  const r = spawnSync(process.execPath, [FUZZERS[t], ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
