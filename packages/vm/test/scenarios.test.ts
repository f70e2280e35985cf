// The JSON-lines scenarios of packages/contracts/scenarios (the token in both generations), run
// through `cloak run`'s Runner on both engines: every answer (response, error, gas used) and the
// contract's final storage must be identical on the two engines, and every answer must match the
// scenario's .expected.jsonl (gas aside, which is compared between engines only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ENGINES, Runner, parseJson, type JsonValue } from '@cloak/vm';

const build = fileURLToPath(new URL('../../../contracts/build/', import.meta.url));
const dir = fileURLToPath(new URL('../../../contracts/scenarios/', import.meta.url));
const scenarios = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.jsonl') && !f.endsWith('.expected.jsonl')) : [];

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
const withoutGas = (v: JsonValue) => {
  const o = { ...(v as { [k: string]: JsonValue }) };
  delete o.gas_used;
  return o;
};

test('there are scenarios to run', () => assert.ok(scenarios.length >= 2, `scenarios in ${dir}: ${scenarios.join(', ')}`));

for (const s of scenarios) {
  const name = s.replace(/\.jsonl$/, '');
  test(`scenario ${name}: both engines agree on every answer, gas and write; answers as expected`, () => {
    const script = lines(`${dir}${s}`);
    const expected = lines(`${dir}${name}.expected.jsonl`).map((l) => parseJson(l));
    assert.equal(expected.length, script.length, `${name}: one expected line per call`);
    const runs = ENGINES.map((engine) => {
      const r = new Runner(new Uint8Array(readFileSync(`${build}${name}.wasm`)), { engine });
      const out = script.map((l) => r.run(l)!);
      const storage = r.chain.allContracts().map((c) => `${c.address}: ${c.storage.range(undefined, undefined, 'ascending')
        .map(([k, v]) => `${Buffer.from(k).toString('hex')}=${Buffer.from(v).toString('hex')}`).join(' ')}`);
      return { out, storage };
    });
    assert.deepEqual(runs[1], runs[0], `${name}: interpreter and v8 differ`);
    runs[0].out.forEach((line, i) => {
      assert.deepEqual(withoutGas(parseJson(line)), withoutGas(expected[i]), `${name} line ${i + 1}: ${script[i]}`);
    });
  });
}

test('cpu-v1: the work digest matches node:crypto on both engines, with the same gas', async () => {
  const { createHash } = await import('node:crypto');
  const rounds = 300;
  let b: Buffer = Buffer.from(Array.from({ length: 64 }, (_, i) => i));
  for (let r = 0; r < rounds; r++) b = Buffer.concat([createHash('sha256').update(b).digest(), b.subarray(0, 32)]);
  const outs = ENGINES.map((engine) => {
    const r = new Runner(new Uint8Array(readFileSync(`${build}cpu-v1.wasm`)), { engine, gasLimit: 10n ** 10n });
    r.run('{"op":"instantiate","msg":{}}');
    return [r.run(`{"op":"query","msg":{"work":{"rounds":${rounds}}}}`)!, r.run(`{"op":"execute","msg":{"work":{"rounds":${rounds}}}}`)!];
  });
  assert.deepEqual(outs[1], outs[0]);
  const q = parseJson(outs[0][0]) as { ok: boolean; result: unknown };
  assert.equal(q.ok, true, outs[0][0]);
  assert.ok(JSON.stringify(q.result).includes(b.subarray(0, 32).toString('hex')), `${outs[0][0]} vs ${b.subarray(0, 32).toString('hex')}`);
});
