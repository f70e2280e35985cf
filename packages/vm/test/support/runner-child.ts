// Child process of jitless.test.ts, started with `--jitless --disallow-code-generation-from-strings`:
// runs `cloak run`'s Runner on the interpreter for each (contract, script) pair given as JSON in
// argv[2] and prints {webassembly, results: string[][]} as one JSON line.
import { readFileSync } from 'node:fs';
import { Runner, Vm } from '@cloak/vm';

const jobs = JSON.parse(process.argv[2]) as { wasm: string; script: string[] }[];
let v8Refused = '';
try {
  new Vm({ engine: 'v8' }).storeCode(new Uint8Array(readFileSync(jobs[0].wasm)));
  const runner = new Runner(new Uint8Array(readFileSync(jobs[0].wasm)), { engine: 'v8' });
  runner.run(jobs[0].script[0]);
} catch (e) {
  v8Refused = (e as Error).message;
}
const results = jobs.map((j) => {
  const r = new Runner(new Uint8Array(readFileSync(j.wasm)), { engine: 'interpreter' });
  return j.script.map((l) => r.run(l) ?? '');
});
process.stdout.write(`${JSON.stringify({ webassembly: typeof (globalThis as { WebAssembly?: unknown }).WebAssembly, v8Refused, results })}\n`);
