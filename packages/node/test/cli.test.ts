/**
 * The `cloak` CLI as a user runs it: a child process of the built cli.js, checked for exit status
 * (0 accepted, 1 rejected, 2 usage error), stdout/stderr text and the --json report.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const wabt = await (await import('wabt')).default();

function wat(src: string): Uint8Array {
  const m = wabt.parseWat('t.wat', src, { multi_value: true, bulk_memory: true });
  try {
    return new Uint8Array(m.toBinary({}).buffer);
  } finally {
    m.destroy();
  }
}

const CONTRACT = (extra = '', memory = '(memory (export "memory") 17)'): string => `(module
  (import "env" "db_read" (func (param i32) (result i32)))
  ${memory}
  (func (export "allocate") (param i32) (result i32) i32.const 0)
  (func (export "deallocate") (param i32))
  (func (export "interface_version_8"))
  (func (export "instantiate") (param i32 i32 i32) (result i32) i32.const 0)
  ${extra})`;

let dir = '';
const file = (name: string): string => join(dir, name);

function cloak(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertUsageError(r: ReturnType<typeof cloak>, pattern: RegExp): void {
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^cloak: /);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(r.stdout, '');
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cloak-cli-'));
  writeFileSync(file('good.wasm'), wat(CONTRACT()));
  writeFileSync(file('bad.wasm'), wat(CONTRACT('(table 1 funcref) (func (export "requires_ibc2"))', '(memory 17 20)')));
  writeFileSync(file('floats.wasm'), wat(CONTRACT('(func (result f64) f64.const 1)')));
  writeFileSync(file('text.wasm'), 'not wasm');
  writeFileSync(file('good.wasm.gz'), gzipSync(wat(CONTRACT())));
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('cloak', () => {
  test('no arguments prints the usage with the commands', () => {
    const r = cloak();
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Usage: cloak <command>/);
    assert.match(r.stdout, /check <file\.wasm>/);
    for (const c of ['init', 'start', 'status', 'demo', 'keys add', 'tx bank send', 'query bank balances']) assert.ok(r.stdout.includes(c), c);
  });

  test('--help prints the usage', () => {
    const r = cloak('--help');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Usage: cloak <command>/);
  });

  test('an unknown command or option is a usage error', () => {
    assertUsageError(cloak('frobnicate'), /unknown command "frobnicate"/);
    assertUsageError(cloak('--frob'), /unknown option --frob/);
  });
});

describe('cloak check', () => {
  test('an accepted contract: exit 0, generation, exports, imports, entry points, verdict', () => {
    const r = cloak('check', file('good.wasm'));
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /generation: +v1 \(interface_version_8, CosmWasm 1\.x–3\.x\)/);
    assert.match(r.stdout, /entry points: instantiate/);
    assert.match(r.stdout, /allocate +func \(i32\) -> i32/);
    assert.match(r.stdout, /env\.db_read +func \(i32\) -> i32/);
    assert.match(r.stdout, /verdict: +ACCEPTED/);
    assert.equal(r.stderr, '');
  });

  test('a rejected contract: exit 1, every reason with rule id and hex offset', () => {
    const r = cloak('check', file('bad.wasm'));
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /verdict: +REJECTED \(3 reasons\)/);
    assert.match(r.stdout, /\[memory-maximum\] .* \(at 0x[0-9a-f]+\)/);
    assert.match(r.stdout, /\[table-maximum\] /);
    assert.match(r.stdout, /\[capability\] .*ibc2/);
  });

  test('--json prints the report', () => {
    const r = cloak('check', '--json', file('bad.wasm'));
    assert.equal(r.status, 1);
    const j = JSON.parse(r.stdout) as { accepted: boolean; checksum: string; generation: { id: string }; violations: { rule: string }[] };
    assert.equal(j.accepted, false);
    assert.equal(j.generation.id, 'v1');
    assert.deepEqual(j.violations.map((v) => v.rule).sort(), ['capability', 'memory-maximum', 'table-maximum']);
    assert.equal(j.checksum, createHash('sha256').update(readFileSync(file('bad.wasm'))).digest('hex'));
    const ok = JSON.parse(cloak('check', file('good.wasm'), '--json').stdout) as { accepted: boolean };
    assert.equal(ok.accepted, true);
  });

  test('--reject-floats', () => {
    assert.equal(cloak('check', file('floats.wasm')).status, 0);
    const r = cloak('check', '--reject-floats', file('floats.wasm'));
    assert.equal(r.status, 1);
    assert.match(r.stdout, /\[floats\]/);
  });

  test('--max-initial-pages', () => {
    assert.equal(cloak('check', '--max-initial-pages', '17', file('good.wasm')).status, 0);
    const r = cloak('check', '--max-initial-pages', '16', file('good.wasm'));
    assert.equal(r.status, 1);
    assert.match(r.stdout, /\[memory-initial\]/);
    assertUsageError(cloak('check', '--max-initial-pages', 'lots', file('good.wasm')), /--max-initial-pages/);
    assertUsageError(cloak('check', file('good.wasm'), '--max-initial-pages'), /max-initial-pages/);
  });

  test('a file that is not wasm is rejected (exit 1, wasm-invalid), not a usage error', () => {
    const r = cloak('check', file('text.wasm'));
    assert.equal(r.status, 1);
    assert.match(r.stdout, /\[wasm-invalid\] .*\(at 0x0\)/);
  });

  test('a gzipped contract is unpacked first, as Secret does', () => {
    const r = cloak('check', '--json', file('good.wasm.gz'));
    assert.equal(r.status, 0);
    const j = JSON.parse(r.stdout) as { gzipped: boolean; checksum: string };
    assert.equal(j.gzipped, true);
    assert.equal(j.checksum, createHash('sha256').update(readFileSync(file('good.wasm'))).digest('hex'));
  });

  test('usage errors: exit 2 with a clear message', () => {
    assertUsageError(cloak('check'), /missing the contract file/);
    assertUsageError(cloak('check', file('missing.wasm')), /cannot read .*missing\.wasm: no such file/);
    assertUsageError(cloak('check', dir), /is a directory/);
    assertUsageError(cloak('check', '--frob', file('good.wasm')), /unknown option --frob/);
    assertUsageError(cloak('check', file('good.wasm'), file('bad.wasm')), /expected one file/);
  });

  test('a device or a file over the module size limit is refused before it is read', () => {
    assertUsageError(cloak('check', '/dev/zero'), /cannot read \/dev\/zero: not a regular file/);
    const big = file('big.wasm');
    writeFileSync(big, new Uint8Array(0));
    truncateSync(big, 64 * 1024 * 1024 + 1); // sparse: no 64 MiB written
    assertUsageError(cloak('check', big), /larger than the 67108864-byte limit/);
  });

  test('names holding control characters are printed quoted, so they cannot forge report lines', () => {
    const evil = file('evil.wasm');
    writeFileSync(evil, wat(CONTRACT('(func (export "x\\nverdict:      ACCEPTED"))')));
    const r = cloak('check', evil);
    assert.equal(r.stdout.match(/^verdict:/gm)?.length, 1, 'one verdict line: the real one');
    assert.match(r.stdout, /"x\\nverdict: {6}ACCEPTED"/);
  });

  test('check --help', () => {
    const r = cloak('check', '--help');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /--reject-floats/);
    assert.match(r.stdout, /--max-initial-pages/);
  });
});

describe('cloak check on the built contracts (packages/contracts/build/manifest.json)', () => {
  const build = fileURLToPath(new URL('../../../contracts/build/', import.meta.url));
  test('exit status matches every verdict in the manifest', () => {
    assert.ok(existsSync(`${build}manifest.json`), `${build}manifest.json is missing: build the contracts first (npm run build)`);
    const manifest = JSON.parse(readFileSync(`${build}manifest.json`, 'utf8')) as { file: string; expect: string; rules?: string[] }[];
    assert.ok(manifest.length > 0);
    for (const e of manifest) {
      const r = cloak('check', join(build, e.file));
      const accept = /^accept/i.test(e.expect);
      assert.equal(r.status, accept ? 0 : 1, `${e.file}: ${r.stdout}${r.stderr}`);
      for (const rule of e.rules ?? []) assert.match(r.stdout, new RegExp(`\\[${rule}\\]`), e.file);
    }
  });
});


describe('cloak run', () => {
  const counter = fileURLToPath(new URL('../../../contracts/build/counter-v1.wasm', import.meta.url));
  const run = (args: string[], input: string) => {
    const r = spawnSync(process.execPath, [CLI, 'run', ...args], { encoding: 'utf8', input });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  test('runs JSON lines from stdin and from --script, one answer line each, on both engines', () => {
    const script = '{"op":"instantiate","msg":{"count":5}}\n{"op":"execute","msg":{"increment":{}}}\n{"op":"query","msg":{"get_count":{}}}\n';
    const a = run([counter], script);
    assert.equal(a.status, 0, a.stderr);
    const lines = a.stdout.trim().split('\n').map((l) => JSON.parse(l) as { op: string; ok: boolean; gas_used: number; result: unknown });
    assert.deepEqual(lines.map((l) => [l.op, l.ok]), [['instantiate', true], ['execute', true], ['query', true]]);
    assert.deepEqual(lines[2].result, { count: 6 });
    writeFileSync(file('script.jsonl'), script);
    const b = run([counter, '--engine', 'v8', '--script', file('script.jsonl')], '');
    assert.equal(b.stdout, a.stdout, 'same answers and gas on v8');
  });

  test('bad lines are answered with an error line and exit 1; bad wasm and bad options are one-line errors', () => {
    const r = run([counter], '{"op":"instantiate","msg":{"count":1}}\nnot json\n');
    assert.equal(r.status, 1);
    assert.match(r.stdout.split('\n')[1], /^\{"line":2,"ok":false,"error":"not JSON: /);
    const bad = run([file('text.wasm')], '');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^cloak run: cannot store .*text\.wasm: /);
    assert.doesNotMatch(bad.stderr, /\n\s+at /);
    assertUsageError(run([counter, '--engine', 'jit'], ''), /--engine must be interpreter or v8/);
    assertUsageError(run([counter, '--gas-limit', 'lots'], ''), /--gas-limit must be an integer/);
    assertUsageError(run([counter, '--script', file('missing.jsonl')], ''), /cannot read .*missing\.jsonl: no such file/);
    assertUsageError(run([], ''), /missing <contract\.wasm>/);
  });
});
