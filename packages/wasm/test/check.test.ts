/**
 * checkContract: every rule, accepted and rejected, with the exact rule ids; several violations at
 * once; no throw on garbage; and the verdicts on the real contracts of packages/contracts/build.
 * Modules are written in WAT and assembled with wabt.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkContract, type CheckOptions, type CheckReport } from '../src/index.js';
import { wat } from './support/wat.js';


interface Parts {
  /** Import declarations (they come first in WAT). */
  imports?: string;
  /** Memory declaration; '' for none. */
  memory?: string;
  /** Marker export name; '' for none. */
  marker?: string;
  /** Leave out allocate/deallocate. */
  noAlloc?: boolean;
  /** Everything else. */
  body?: string;
}

/** A minimal 1.x contract, with pieces replaced. */
function v1(p: Parts = {}): Uint8Array {
  return wat(`(module
    ${p.imports ?? ''}
    ${p.memory ?? '(memory (export "memory") 1)'}
    ${p.noAlloc ? '' : '(func (export "allocate") (param i32) (result i32) i32.const 0)\n(func (export "deallocate") (param i32))'}
    ${p.marker === '' ? '' : `(func (export "${p.marker ?? 'interface_version_8'}"))`}
    ${p.body ?? ''})`);
}

/** A minimal 0.9/0.10-style contract (init, handle, query). */
function v010(p: Parts & { marker?: string } = {}): Uint8Array {
  return v1({
    ...p,
    marker: p.marker ?? 'cosmwasm_vm_version_3',
    body: `(func (export "init") (param i32 i32) (result i32) i32.const 0)
           (func (export "handle") (param i32 i32) (result i32) i32.const 0)
           (func (export "query") (param i32) (result i32) i32.const 0)
           ${p.body ?? ''}`,
  });
}

function rules(r: CheckReport): string[] {
  return r.violations.map((v) => v.rule).sort();
}

function check(bytes: Uint8Array, options?: CheckOptions): CheckReport {
  return checkContract(bytes, options);
}

function assertRules(bytes: Uint8Array, expected: string[], options?: CheckOptions): CheckReport {
  const r = check(bytes, options);
  assert.deepEqual(rules(r), [...expected].sort(), JSON.stringify(r.violations, null, 1));
  assert.equal(r.accepted, expected.length === 0);
  return r;
}

describe('checkContract: accepted contracts and the report', () => {
  test('a minimal 1.x contract', () => {
    const bytes = v1({
      imports: '(import "env" "db_read" (func (param i32) (result i32)))',
      body: `(func (export "instantiate") (param i32 i32 i32) (result i32) i32.const 0)
             (func (export "query") (param i32 i32) (result i32) i32.const 0)
             (func (export "requires_iterator"))`,
    });
    const r = assertRules(bytes, []);
    assert.deepEqual(r.generation, { id: 'v1', marker: 'interface_version_8', cosmwasm: '1.x–3.x' });
    assert.deepEqual(r.entryPoints, ['instantiate', 'query']);
    assert.deepEqual(r.capabilities, ['iterator']);
    assert.deepEqual(r.imports, [{ module: 'env', name: 'db_read', kind: 'func', type: '(i32) -> i32' }]);
    assert.deepEqual(r.exports.find((e) => e.name === 'allocate'), { name: 'allocate', kind: 'func', type: '(i32) -> i32' });
    assert.deepEqual(r.exports.find((e) => e.name === 'memory'), { name: 'memory', kind: 'memory', type: 'memory 1' });
    assert.equal(r.size, bytes.length);
    assert.equal(r.checksum, createHash('sha256').update(bytes).digest('hex'));
    assert.match(r.checksum, /^[0-9a-f]{64}$/);
    assert.equal(r.floats, false);
    assert.equal(r.bulkMemory, false);
  });

  test('instantiate is optional at upload for 1.x', () => {
    assertRules(v1(), []);
  });

  test('every generation marker is recognised', () => {
    const cases: [string, string, string][] = [
      ['interface_version_7', '0.16', '0.16'],
      ['interface_version_6', '0.15', '0.15'],
      ['interface_version_5', '0.14', '0.14'],
    ];
    for (const [marker, id, cw] of cases) {
      const r = assertRules(v1({ marker }), []);
      assert.deepEqual(r.generation, { id, marker, cosmwasm: cw });
    }
    const old: [string, string, string][] = [
      ['cosmwasm_vm_version_4', '0.11', '0.11–0.13'],
      ['cosmwasm_vm_version_3', '0.10', '0.10'],
      ['cosmwasm_vm_version_2', '0.9', '0.9'],
      ['cosmwasm_vm_version_1', '0.8', '0.8'],
    ];
    for (const [marker, id, cw] of old) {
      const r = assertRules(v010({ marker }), []);
      assert.deepEqual(r.generation, { id, marker, cosmwasm: cw });
      assert.deepEqual(r.entryPoints, ['init', 'handle', 'query']);
    }
  });

  test('bulk-memory instructions are allowed and reported', () => {
    const r = assertRules(v1({ body: '(func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0)))' }), []);
    assert.equal(r.bulkMemory, true);
  });

  test('the Secret Network host functions are whitelisted for 1.x', () => {
    const imports: [string, string][] = [
      // Secret's extras: no signature in the spec, so any type passes the static check.
      ['secp256k1_sign', '(param i32 i32) (result i64)'], ['ed25519_sign', '(param i32 i32) (result i64)'],
      ['dcap_quote_verify', '(param i32 i32 i32 i32) (result i32)'], ['check_gas', '(result i64)'],
      ['gas_evaporate', '(param i32) (result i32)'], ['debug_print', '(param i32)'],
      // CosmWasm's, with their spec signatures.
      ['abort', '(param i32)'], ['db_next_key', '(param i32) (result i32)'],
      ['secp256r1_verify', '(param i32 i32 i32) (result i32)'], ['bls12_381_hash_to_g2', '(param i32 i32 i32 i32) (result i32)'],
      ['debug', '(param i32)'], ['query_chain', '(param i32) (result i32)'], ['addr_validate', '(param i32) (result i32)'],
    ];
    const r = assertRules(v1({ imports: imports.map(([n, t]) => `(import "env" "${n}" (func ${t}))`).join('\n') }), []);
    assert.equal(r.imports.length, imports.length);
  });

  test('Secret 0.10 extras are whitelisted for 0.10, and the iterator imports', () => {
    assertRules(v010({
      imports: `(import "env" "secp256k1_sign" (func (param i32 i32) (result i64)))
                (import "env" "ed25519_batch_verify" (func (param i32 i32 i32) (result i32)))
                (import "env" "debug_print" (func (param i32)))
                (import "env" "db_scan" (func (param i32 i32 i32) (result i32)))
                (import "env" "canonicalize_address" (func (param i32 i32) (result i32)))`,
    }), []);
  });
});

describe('checkContract: rules', () => {
  test('wasm-invalid: not wasm at all, with an offset; nothing else is checked', () => {
    const r = assertRules(new TextEncoder().encode('hello, world'), ['wasm-invalid']);
    assert.equal(r.violations[0].offset, 0);
    assert.equal(r.generation, undefined);
    assert.equal(r.size, 12);
  });

  test('wasm-invalid: a truncated module', () => {
    const good = v1();
    const r = assertRules(good.slice(0, good.length - 3), ['wasm-invalid']);
    assert.equal(typeof r.violations[0].offset, 'number');
  });

  test('wasm-invalid: a body that does not type-check, with the offset of the instruction', () => {
    const bytes = v1({ body: '(func (result i32) i32.const 1 i64.const 2 i32.add)' });
    const r = assertRules(bytes, ['wasm-invalid']);
    assert.equal(bytes[r.violations[0].offset!], 0x6a, 'points at i32.add');
    assert.match(r.violations[0].message, /type mismatch/);
  });

  test('memory-count / table-count: two memories or two tables (which cloak\'s validator alone would refuse)', () => {
    const multi = (src: string): Uint8Array => wat(src, { multi_memory: true, reference_types: true });
    const alloc = '(func (export "allocate") (param i32) (result i32) i32.const 0) (func (export "deallocate") (param i32)) (func (export "interface_version_8"))';
    const mem = assertRules(multi(`(module (memory 1) (memory 1) ${alloc})`), ['memory-count']);
    assert.match(mem.violations[0].message, /2 memories/);
    const tab = assertRules(multi(`(module (memory 1) (table 1 1 funcref) (table 2 10 funcref) ${alloc})`), ['table-count']);
    assert.match(tab.violations[0].message, /2 tables/);
    assertRules(multi(`(module (memory 1) (table 1 1 funcref) (table 2 funcref) ${alloc})`), ['table-count', 'table-maximum']);
    assertRules(multi(`(module (import "env" "t" (table 1 1 funcref)) (memory 1) (table 1 1 funcref) ${alloc})`), ['table-count', 'import-not-function']);
    // Using the second table is still invalid; both problems are reported.
    assertRules(multi(`(module (memory 1) (table 1 1 funcref) (table 2 10 funcref) (elem (table 1) (i32.const 0) func 0) ${alloc})`),
      ['table-count', 'wasm-invalid']);
  });

  test('memory-count: no memory', () => {
    assertRules(v1({ memory: '' }), ['memory-count']);
  });

  test('memory-count / import-not-function: an imported memory', () => {
    assertRules(v1({ imports: '(import "env" "memory" (memory 1))', memory: '' }), ['import-not-function']);
  });

  test('memory-initial: over 512 pages, and the limit is an option', () => {
    const bytes = v1({ memory: '(memory 513)' });
    const r = assertRules(bytes, ['memory-initial']);
    assert.match(r.violations[0].message, /513/);
    assert.match(r.violations[0].message, /512/);
    assert.equal(typeof r.violations[0].offset, 'number');
    assertRules(bytes, [], { limits: { maxInitialPages: 600 } });
    assertRules(v1({ memory: '(memory 512)' }), []);
    assertRules(v1({ memory: '(memory 17)' }), ['memory-initial'], { limits: { maxInitialPages: 16 } });
  });

  test('memory-maximum: a declared maximum', () => {
    const r = assertRules(v1({ memory: '(memory 1 2)' }), ['memory-maximum']);
    assert.match(r.violations[0].message, /host/);
  });

  test('table-maximum: none, too large, and at the limit', () => {
    assertRules(v1({ body: '(table 1 funcref)' }), ['table-maximum']);
    assertRules(v1({ body: '(table 1 2501 funcref)' }), ['table-maximum']);
    assertRules(v1({ body: '(table 1 2500 funcref)' }), []);
  });

  test('import-not-function: an imported table', () => {
    assertRules(v1({ imports: '(import "env" "t" (table 1 1 funcref))' }), ['import-not-function']);
  });

  test('marker-missing', () => {
    const r = assertRules(v1({ marker: '' }), ['marker-missing']);
    assert.equal(r.generation, undefined);
  });

  test('marker-multiple', () => {
    const r = assertRules(v1({ body: '(func (export "cosmwasm_vm_version_3"))' }), ['marker-multiple']);
    assert.equal(r.generation, undefined);
  });

  test('marker-unknown: a future version and the obsolete 0.6/0.7 API', () => {
    assertRules(v1({ marker: 'interface_version_9' }), ['marker-unknown']);
    const r = assertRules(v1({ marker: 'cosmwasm_api_0_6' }), ['marker-unknown']);
    assert.match(r.violations[0].message, /0\.6\/0\.7 is not supported/);
  });

  test('export-missing: 1.x needs allocate and deallocate', () => {
    const r = assertRules(v1({ noAlloc: true }), ['export-missing', 'export-missing']);
    assert.deepEqual(r.violations.map((v) => /required export (\w+)/.exec(v.message)?.[1]), ['allocate', 'deallocate']);
  });

  test('export-missing: 0.10 needs init, handle and query', () => {
    const r = assertRules(v1({ marker: 'cosmwasm_vm_version_3' }), ['export-missing', 'export-missing', 'export-missing']);
    assert.deepEqual(r.violations.map((v) => /required export (\w+)/.exec(v.message)?.[1]), ['init', 'handle', 'query']);
  });

  test('export-missing: a required export that is not a function', () => {
    const r = assertRules(v1({ noAlloc: true, body: '(global (export "allocate") i32 (i32.const 0)) (func (export "deallocate") (param i32))' }), ['export-missing']);
    assert.match(r.violations[0].message, /allocate is a global/);
  });

  test('import-forbidden: unknown name, wrong module, wrong generation', () => {
    const r = assertRules(v1({ imports: '(import "env" "foo" (func)) (import "wasi" "fd_write" (func (param i32 i32 i32 i32) (result i32)))' }),
      ['import-forbidden', 'import-forbidden']);
    assert.match(r.violations[0].message, /env\.foo/);
    assert.match(r.violations[0].message, /interface_version_8/);
    assert.match(r.violations[1].message, /"env"/);
    const old = assertRules(v010({ imports: '(import "env" "addr_validate" (func (param i32) (result i32)))' }), ['import-forbidden']);
    assert.match(old.violations[0].message, /0\.10/);
    assertRules(v010({ marker: 'cosmwasm_vm_version_1', imports: '(import "env" "db_remove" (func (param i32)))' }), ['import-forbidden']);
    assertRules(v010({ marker: 'cosmwasm_vm_version_4', imports: '(import "env" "debug" (func (param i32)))' }), []);
    assertRules(v010({ marker: 'cosmwasm_vm_version_3', imports: '(import "env" "debug" (func (param i32)))' }), ['import-forbidden']);
    assertRules(v1({ marker: 'interface_version_5', imports: '(import "env" "addr_validate" (func (param i32) (result i32)))' }), []);
    assertRules(v1({ marker: 'interface_version_5', imports: '(import "env" "canonicalize_address" (func (param i32 i32) (result i32)))' }), ['import-forbidden']);
    assertRules(v1({ marker: 'interface_version_7', imports: '(import "env" "secp256k1_sign" (func (param i32 i32) (result i64)))' }), ['import-forbidden']);
  });

  test('import-not-function: globals', () => {
    assertRules(v1({ imports: '(import "env" "g" (global i32))' }), ['import-not-function']);
  });

  test('import-signature: a whitelisted import with the wrong type', () => {
    const r = assertRules(v1({ imports: '(import "env" "db_write" (func (param i32) (result i32)))' }), ['import-signature']);
    assert.match(r.violations[0].message, /\(i32, i32\) -> \(\)/);
    assertRules(v1({ imports: '(import "env" "secp256k1_recover_pubkey" (func (param i32 i32 i32) (result i32)))' }), ['import-signature']);
  });

  test('import-count: at most 100', () => {
    const imps = (n: number): string => Array.from({ length: n }, () => '(import "env" "db_read" (func (param i32) (result i32)))').join('\n');
    assertRules(v1({ imports: imps(100) }), []);
    assertRules(v1({ imports: imps(101) }), ['import-count']);
  });

  test('many violations of one rule are listed up to 20, then summarised', () => {
    const imps = Array.from({ length: 25 }, (_, i) => `(import "env" "bad${i}" (func))`).join('\n');
    const r = check(v1({ imports: imps }));
    assert.equal(r.violations.length, 21);
    assert.match(r.violations[20].message, /5 more/);
  });

  const floaty = '(func (export "instantiate") (param i32 i32 i32) (result i32) f64.const 1.5 f64.const 2 f64.add drop f32.const 1 i32.reinterpret_f32)';

  test('floats: allowed for 1.x by default, rejected with rejectFloats, with offset and count', () => {
    const bytes = v1({ body: floaty });
    const r = assertRules(bytes, []);
    assert.equal(r.floats, true);
    const rej = assertRules(bytes, ['floats'], { rejectFloats: true });
    assert.match(rej.violations[0].message, /5 float instructions/);
    assert.match(rej.violations[0].message, /f64\.const/);
    const off = rej.violations[0].offset!;
    assert.equal(bytes[off], 0x44, 'the offset points at the f64.const opcode');
  });

  test('floats: 0.x generations always reject them', () => {
    assertRules(v010({ body: floaty.replace('"instantiate"', '"other"') }), ['floats']);
    assertRules(v1({ marker: 'interface_version_6', body: floaty }), ['floats']);
  });

  test('floats: float types without float instructions, trunc_sat, loads', () => {
    const r = assertRules(v010({ body: '(func (param f64))' }), ['floats']);
    assert.equal(r.violations[0].offset, undefined);
    assertRules(v010({ body: '(global f32 (f32.const 0))' }), ['floats']);
    assertRules(v010({ body: '(func (local f32))' }), ['floats']);
    assertRules(v010({ body: '(func (result i32) (i32.trunc_sat_f32_s (f32.load (i32.const 0))))' }), ['floats']);
    assertRules(v010({ body: '(func i64.const 1 i64.const 2 i64.add drop)' }), []);
  });

  test('floats: a multi-value block type with a float result counts, with the block as the first use', () => {
    const body = '(type $fi (func (result f64 i32))) (func block (type $fi) unreachable end drop drop)';
    const bytes = v010({ body });
    // (A two-result type also breaks CosmWasm's one-result limit, which applies to every type.)
    const r = assertRules(bytes, ['floats', 'function-results']);
    const f = r.violations.find((v) => v.rule === 'floats')!;
    assert.match(f.message, /1 float instruction, the first is block with a float block type/);
    assert.equal(bytes[f.offset!], 0x02, 'the offset points at the block opcode');
  });

  test('function-count', () => {
    assertRules(v1({ body: '(func) (func)' }), ['function-count'], { limits: { maxFunctions: 4 } });
    assertRules(v1({ body: '(func)' }), [], { limits: { maxFunctions: 4 } });
  });

  test('function-params: a type with more than 100 params', () => {
    const p = (n: number): string => `(type (func (param ${Array(n).fill('i32').join(' ')})))`;
    assertRules(v1({ body: p(100) }), []);
    const r = assertRules(v1({ body: p(101) }), ['function-params']);
    assert.equal(typeof r.violations[0].offset, 'number');
  });

  test('function-results: more than one result', () => {
    assertRules(v1({ body: '(func (result i32 i32) i32.const 0 i32.const 1)' }), ['function-results']);
  });

  test('total-params', () => {
    const fns = Array.from({ length: 101 }, () => `(func (param ${Array(100).fill('i32').join(' ')}))`).join('\n');
    assertRules(v1({ body: fns }), ['total-params']);
    assertRules(v1({ body: '(func (param i32 i32))' }), ['total-params'], { limits: { maxTotalFunctionParams: 3 } });
  });

  test('function-locals and total-locals', () => {
    const locals = (n: number): string => `(func (local ${Array(n).fill('i64').join(' ')}))`;
    assertRules(v1({ body: locals(100) }), []);
    assertRules(v1({ body: locals(101) }), ['function-locals']);
    assertRules(v1({ body: Array(101).fill(locals(100)).join('\n') }), ['total-locals']);
  });

  test('start-function', () => {
    assertRules(v1({ body: '(func $s) (start $s)' }), ['start-function']);
  });

  test('capability: requires_X must be offered', () => {
    const r = assertRules(v1({ body: '(func (export "requires_ibc2")) (func (export "requires_staking")) (func (export "requires_cosmwasm_2_2"))' }), ['capability']);
    assert.match(r.violations[0].message, /"ibc2"/);
    assert.deepEqual(r.capabilities, ['ibc2', 'staking', 'cosmwasm_2_2']);
    assertRules(v1({ body: '(func (export "requires_ibc2"))' }), [], { capabilities: ['ibc2'] });
    assertRules(v1({ body: '(func (export "requires_staking"))' }), ['capability'], { capabilities: [] });
  });

  test('all violations are reported together', () => {
    const bytes = v1({
      imports: `(import "env" "foo" (func))
                (import "env" "db_write" (func (param i32)))
                (import "env" "g" (global i32))`,
      memory: '(memory 600 700)',
      noAlloc: true,
      body: `(table 1 funcref)
             (func $s) (start $s)
             (func (export "requires_ibc2"))
             (func (result i32 i32) i32.const 0 i32.const 0)
             (func (local ${Array(101).fill('i32').join(' ')}))
             (func (export "instantiate") (param i32 i32 i32) (result i32) f32.const 1 drop i32.const 0)`,
    });
    const r = assertRules(bytes, [
      'memory-initial', 'memory-maximum', 'table-maximum', 'export-missing', 'export-missing',
      'import-forbidden', 'import-signature', 'import-not-function', 'function-results', 'function-locals',
      'start-function', 'capability', 'floats',
    ], { rejectFloats: true });
    for (const v of r.violations) if (v.rule !== 'export-missing') assert.equal(typeof v.offset, 'number', v.rule);
    // Offsets point at the entry: an import or export starts with its name (length-prefixed).
    const nameAt = (rule: string): string => {
      const off = r.violations.find((v) => v.rule === rule)!.offset!;
      return new TextDecoder().decode(bytes.subarray(off + 1, off + 1 + bytes[off]));
    };
    assert.equal(nameAt('import-forbidden'), 'env');
    assert.equal(nameAt('capability'), 'requires_ibc2');
    const memOff = r.violations.find((v) => v.rule === 'memory-maximum')!.offset!;
    assert.equal(bytes[memOff], 0x01, 'memory limits flags: has a maximum');
  });

  test('never throws on garbage or mutated contracts', () => {
    const base = v1({ imports: '(import "env" "db_read" (func (param i32) (result i32)))', body: floaty });
    let seed = 12345;
    const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    for (let i = 0; i < 2000; i++) {
      const b = base.slice(0, i % 3 === 0 ? rnd(base.length + 1) : base.length);
      for (let k = 0; k < 1 + rnd(4); k++) if (b.length) b[rnd(b.length)] = rnd(256);
      const r = checkContract(b);
      assert.equal(r.accepted, r.violations.length === 0);
    }
    assert.throws(() => checkContract('x' as unknown as Uint8Array), TypeError);
  });
});

describe('checkContract: the contracts in packages/contracts/build', () => {
  const dir = fileURLToPath(new URL('../../../contracts/build/', import.meta.url));
  const manifestPath = `${dir}manifest.json`;
  if (!existsSync(manifestPath)) {
    test('manifest.json exists', () => {
      assert.fail(`${manifestPath} is missing: build the contracts first (npm run build, or npm run build --workspace packages/contracts)`);
    });
    return;
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as unknown;
  const entries = (Array.isArray(manifest) ? manifest : (manifest as { contracts?: unknown[] }).contracts ?? []) as {
    file: string; generation?: string | null; expect: string; rules?: string[]; sha256?: string; bytes?: number;
  }[];
  test('the manifest lists contracts', () => assert.ok(entries.length > 0));
  for (const e of entries) {
    test(`${e.file}: ${e.expect}${e.rules?.length ? ` (${e.rules.join(', ')})` : ''}`, () => {
      const bytes = readFileSync(`${dir}${e.file}`);
      const r = checkContract(bytes);
      assert.equal(r.accepted, /^accept/i.test(e.expect), JSON.stringify(r.violations));
      if (e.generation === null) assert.equal(r.generation, undefined);
      else if (e.generation !== undefined) assert.equal(r.generation?.id, e.generation);
      if (e.sha256 !== undefined) assert.equal(r.checksum, e.sha256);
      if (e.bytes !== undefined) assert.equal(r.size, e.bytes);
      if (e.rules !== undefined) assert.deepEqual([...new Set(rules(r))].sort(), [...new Set(e.rules)].sort());
    });
  }
});
