// The interpreter where the enclave runs it: a child process started with exactly
// `node --jitless --disallow-code-generation-from-strings`, where V8 has no WebAssembly and refuses
// code generation from strings. The child (support/jitless-child.ts) runs every real program at its
// test size, plain and instrumented (gas + NaN canonicalisation + stack limiter, with a budget that
// runs out for some), and a trapping call; this process runs the same on V8 and the outcomes must be
// identical: results, trap kind and place, SHA-256 of linear memory, gas left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { instrument } from '@cloak/wasm';
import { v8wasm } from '@cloak/wasm/test/support/v8.js';
import type { JitlessCase, JitlessOutcome, JitlessReport } from './support/jitless-child.js';

const programsDir = fileURLToPath(new URL('../../../contracts/build/programs/', import.meta.url));
const child = fileURLToPath(new URL('./support/jitless-child.js', import.meta.url));

interface Program { name: string; file: string; entries: { export: string; result: 'i32' | 'i64'; sizes: { test: { args: number[] } } }[] }

function cases(): { c: JitlessCase; result: 'i32' | 'i64' }[] {
  const manifest = `${programsDir}manifest.json`;
  assert.ok(existsSync(manifest), `${manifest} is missing: run npm run build`);
  const programs = JSON.parse(readFileSync(manifest, 'utf8')) as Program[];
  const out: { c: JitlessCase; result: 'i32' | 'i64' }[] = [];
  for (const p of programs) {
    for (const e of p.entries) {
      const file = `${programsDir}${p.file}`;
      const args = e.sizes.test.args;
      out.push({ c: { file, export: e.export, args }, result: e.result });
      out.push({ c: { file, export: e.export, args, instrument: true, gas: '100000000000' }, result: e.result });
      // A budget too small: out of gas part way, at the same point on both engines.
      out.push({ c: { file, export: e.export, args, instrument: true, gas: '20000' }, result: e.result });
    }
  }
  // A program rejecting its arguments traps (unreachable) in the same place.
  const argonish = programs.find((p) => p.name === 'argonish')!;
  out.push({ c: { file: `${programsDir}${argonish.file}`, export: 'run', args: [2, 1] }, result: 'i64' });
  return out;
}

function onV8(c: JitlessCase): JitlessOutcome {
  let bytes: Uint8Array = new Uint8Array(readFileSync(c.file));
  if (c.instrument) {
    const r = instrument(bytes);
    assert.ok(r.ok);
    bytes = r.value.bytes;
  }
  const inst = new v8wasm.Instance(new v8wasm.Module(bytes), {});
  const ex = inst.exports as Record<string, unknown>;
  const gas = ex.cloak_gas_left as { value: bigint } | undefined;
  if (c.gas !== undefined) gas!.value = BigInt(c.gas);
  const memoryHash = () => createHash('sha256').update(new Uint8Array((ex.memory as { buffer: ArrayBuffer }).buffer)).digest('hex');
  const gasLeft = () => (c.gas !== undefined ? String(gas!.value) : undefined);
  try {
    const v = (ex[c.export] as (...a: unknown[]) => unknown)(...c.args);
    return { results: [String(v)], memory: memoryHash(), gasLeft: gasLeft() };
  } catch (err) {
    const m = /wasm-function\[(\d+)\]:0x([0-9a-f]+)/.exec(String((err as Error).stack));
    const exhausted = (ex.cloak_gas_exhausted as { value: number } | undefined)?.value === 1;
    return {
      trap: { code: exhausted ? 'out_of_gas' : String((err as Error).message), funcIndex: m ? Number(m[1]) : -1, offset: m ? parseInt(m[2], 16) : -1 },
      memory: memoryHash(),
      gasLeft: gasLeft(),
    };
  }
}

test('jitless child: no WebAssembly, no code from strings, and every program agrees with V8', () => {
  const list = cases();
  const r = spawnSync(process.execPath, ['--jitless', '--disallow-code-generation-from-strings', child], {
    input: JSON.stringify({ cases: list.map((x) => x.c) }),
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  assert.equal(r.status, 0, `child failed: ${r.stderr}`);
  const report = JSON.parse(r.stdout) as JitlessReport;
  assert.equal(report.webAssembly, 'undefined', 'the child must run without WebAssembly');
  assert.match(report.codeGeneration, /^refused/, 'the child must refuse code generation from strings');
  assert.equal(report.outcomes.length, list.length);
  let outOfGas = 0;
  let traps = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i].c;
    const got = report.outcomes[i];
    const want = onV8(c);
    const what = `${c.file.split('/').pop()} ${c.export}(${c.args.join(', ')})${c.instrument ? ` instrumented, gas ${c.gas}` : ''}`;
    assert.equal(got.memory, want.memory, `${what}: memory`);
    assert.equal(got.gasLeft, want.gasLeft, `${what}: gas left`);
    if (want.trap) {
      assert.ok(got.trap, `${what}: V8 trapped (${want.trap.code}), the interpreter returned ${got.results}`);
      if (want.trap.code === 'out_of_gas') {
        outOfGas++;
        assert.equal(got.trap.code, 'out_of_gas', what);
      } else {
        traps++;
        assert.match(want.trap.code, /unreachable/, what);
        assert.equal(got.trap.code, 'unreachable', what);
        assert.deepEqual([got.trap.funcIndex, got.trap.offset], [want.trap.funcIndex, want.trap.offset], `${what}: trap place`);
      }
    } else {
      assert.equal(got.trap, undefined, `${what}: the interpreter trapped (${got.trap?.code}), V8 did not`);
      // invokeRaw gives an i32 as a number and an i64 as a bigint: both print as V8's result does.
      assert.deepEqual(got.results, want.results, `${what}: result`);
    }
  }
  assert.ok(outOfGas > 0, 'some budget must run out');
  assert.ok(traps > 0, 'some call must trap');
});
