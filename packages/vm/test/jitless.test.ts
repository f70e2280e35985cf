// The VM where the enclave runs it: a child started with exactly `node --jitless
// --disallow-code-generation-from-strings` (no WebAssembly there) runs contract scripts through the
// `cloak run` Runner on the interpreter; this process runs the same scripts on V8. Every answer line
// (responses, errors, gas used) must be identical.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Runner } from '@cloak/vm';

const build = fileURLToPath(new URL('../../../contracts/build/', import.meta.url));
const scenarios = fileURLToPath(new URL('../../../contracts/scenarios/', import.meta.url));
const child = fileURLToPath(new URL('./support/runner-child.js', import.meta.url));

/** The counter script, plus every scenario of packages/contracts/scenarios whose contract is built. */
function jobs(): { wasm: string; script: string[] }[] {
  const out = [{
    wasm: `${build}counter-v1.wasm`,
    script: ['{"op":"instantiate","msg":{"count":5}}', '{"op":"execute","msg":{"increment":{}}}', '{"op":"query","msg":{"get_count":{}}}',
      '{"op":"execute","msg":{"increment":{}},"gas_limit":20000}', '{"op":"execute","msg":{"bad":1}}'],
  }];
  for (const name of ['token-v1', 'token-v010']) {
    const file = `${scenarios}${name}.jsonl`;
    if (existsSync(file)) out.push({ wasm: `${build}${name}.wasm`, script: readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '') });
  }
  return out;
}

test('interpreter under --jitless --disallow-code-generation-from-strings answers exactly as V8 does', () => {
  const js = jobs();
  const r = spawnSync(process.execPath, ['--jitless', '--disallow-code-generation-from-strings', child, JSON.stringify(js)], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout) as { webassembly: string; v8Refused: string; results: string[][] };
  assert.equal(got.webassembly, 'undefined', 'V8 offers no WebAssembly under --jitless');
  assert.match(got.v8Refused, /needs WebAssembly/);
  const expected = js.map((j) => {
    const runner = new Runner(new Uint8Array(readFileSync(j.wasm)), { engine: 'v8' });
    return j.script.map((l) => runner.run(l) ?? '');
  });
  assert.deepEqual(got.results, expected);
  assert.match(got.results[0][3], /"ok":false,"gas_used":20000,"error":"gas_depletion/);
});
