/**
 * Runs cloak's own test contracts (packages/contracts/build, built by `npm run build`) on V8's
 * WebAssembly with a small mock CosmWasm host: Region memory protocol (spec/cosmwasm-abi.md §2),
 * in-memory storage, mock address canonicalization, a fresh instance per call (§0.7). Checks the exact
 * JSON of instantiate → execute → query for the 1.x counter (§4.4–§4.5) and init → handle → query for
 * the 0.10 counter (§3.5), the static WAT contract, big.wasm, and that manifest.json matches the files.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// This package compiles without lib.dom, so the WebAssembly JS API has no types: declare what is used.
interface WasmMemory { buffer: ArrayBuffer }
interface WasmInstance { exports: Record<string, unknown> }
interface WasmModule { readonly __brand?: 'module' }
interface WasmApi {
  Module: { new (bytes: Uint8Array): WasmModule; imports(m: WasmModule): { module: string; name: string; kind: string }[]; exports(m: WasmModule): { name: string; kind: string }[] };
  Instance: new (m: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  validate(bytes: Uint8Array): boolean;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const dir = fileURLToPath(new URL('../../../contracts/build/', import.meta.url));
const built = existsSync(`${dir}manifest.json`);
const load = (file: string): Uint8Array => readFileSync(`${dir}${file}`);

const utf8 = new TextEncoder();
const fromUtf8 = (b: Uint8Array): string => new TextDecoder('utf-8', { fatal: true }).decode(b);
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

type Storage = Map<string, Uint8Array>;

/** Everything the mock host observed during one call. */
interface CallLog { imports: string[] }

/**
 * A mock CosmWasm host for one module: compiles once, instantiates afresh per call, shares `storage`
 * between calls. Address canonicalization is the identity on UTF-8 bytes (so "creator" and "anyone"
 * stay distinct), with the spec's errors for empty input and too-small destinations.
 */
class MockHost {
  readonly module: WasmModule;
  readonly storage: Storage = new Map();

  constructor(bytes: Uint8Array) {
    this.module = new WA.Module(bytes);
  }

  call(entry: string, args: string[], opts: { readonly?: boolean } = {}): { result: string; log: CallLog } {
    const log: CallLog = { imports: [] };
    let instance: WasmInstance | undefined;
    const mem = (): Uint8Array => new Uint8Array((instance!.exports.memory as WasmMemory).buffer);
    const view = (): DataView => new DataView((instance!.exports.memory as WasmMemory).buffer);
    const readRegion = (ptr: number): Uint8Array => {
      assert.ok(ptr !== 0, 'null Region pointer');
      const dv = view();
      const offset = dv.getUint32(ptr, true), capacity = dv.getUint32(ptr + 4, true), length = dv.getUint32(ptr + 8, true);
      assert.ok(offset !== 0 && length <= capacity && offset + capacity <= dv.byteLength, `bad Region ${offset}/${capacity}/${length}`);
      return mem().slice(offset, offset + length);
    };
    const writeRegion = (ptr: number, data: Uint8Array): void => {
      const dv = view();
      const offset = dv.getUint32(ptr, true), capacity = dv.getUint32(ptr + 4, true);
      if (data.length > capacity) throw new Error(`RegionTooSmall: ${data.length} > ${capacity}`);
      mem().set(data, offset);
      view().setUint32(ptr + 8, data.length, true);
    };
    const allocate = (data: Uint8Array): number => {
      const ptr = (instance!.exports.allocate as (n: number) => number)(data.length);
      if (ptr === 0) throw new Error('allocate returned 0');
      writeRegion(ptr, data);
      return ptr;
    };
    const canonicalize = (cap: number) => (human: number, dest: number): number => {
      const h = readRegion(human);
      if (h.length === 0) return allocate(utf8.encode('Input is empty'));
      if (h.length > cap) throw new Error('canonical too long for this mock');
      writeRegion(dest, h);
      return 0;
    };
    const note = <T extends unknown[], R>(name: string, f: (...a: T) => R) => (...a: T): R => { log.imports.push(name); return f(...a); };
    const unexpected = (name: string) => (): never => { throw new Error(`unexpected import ${name}`); };
    const env: Record<string, unknown> = {
      db_read: note('db_read', (k: number) => {
        const v = this.storage.get(hex(readRegion(k)));
        return v === undefined ? 0 : allocate(v);
      }),
      db_write: note('db_write', (k: number, v: number) => {
        if (opts.readonly) throw new Error('WriteAccessDenied');
        this.storage.set(hex(readRegion(k)), readRegion(v));
      }),
      db_remove: note('db_remove', (k: number) => {
        if (opts.readonly) throw new Error('WriteAccessDenied');
        this.storage.delete(hex(readRegion(k)));
      }),
      addr_canonicalize: note('addr_canonicalize', canonicalize(64)),
      canonicalize_address: note('canonicalize_address', canonicalize(32)),
    };
    for (const imp of WA.Module.imports(this.module)) {
      assert.equal(imp.module, 'env');
      if (!(imp.name in env)) env[imp.name] = unexpected(imp.name);
    }
    instance = new WA.Instance(this.module, { env });
    const ptrs = args.map((a) => allocate(utf8.encode(a)));
    const out = (instance.exports[entry] as (...p: number[]) => number)(...ptrs);
    const result = fromUtf8(readRegion(out));
    (instance.exports.deallocate as (p: number) => void)(out);
    return { result, log };
  }
}

const ENV_V1 = JSON.stringify({
  block: { height: 12345, time: '1571797419879305533', chain_id: 'secretdev-1' },
  transaction: { index: 3 },
  contract: { address: 'secret1contract' },
});
const info = (sender: string): string => JSON.stringify({ sender, funds: [{ denom: 'uscrt', amount: '1000' }] });
const ENV_V010 = (sender: string): string => JSON.stringify({
  block: { height: 12345, time: 1571797419, chain_id: 'secretdev-1' },
  message: { sender, sent_funds: [] },
  contract: { address: 'secret1contract' },
});

const okV1 = (attrs: [string, string][]): string =>
  JSON.stringify({ ok: { messages: [], attributes: attrs.map(([key, value]) => ({ key, value })), events: [], data: null } });

describe('contracts: counter-v1.wasm (interface_version_8)', { skip: !built && 'run the contracts build first' }, () => {
  test('exports and imports', () => {
    const m = new WA.Module(load('counter-v1.wasm'));
    assert.deepEqual(WA.Module.exports(m).map((e) => e.name).sort(),
      ['allocate', 'deallocate', 'execute', 'instantiate', 'interface_version_8', 'memory', 'query']);
    assert.deepEqual(WA.Module.imports(m).map((i) => `${i.module}.${i.name}`).sort(),
      ['env.addr_canonicalize', 'env.db_read', 'env.db_write']);
  });

  test('instantiate → execute → query', () => {
    const host = new MockHost(load('counter-v1.wasm'));
    const q = (): string => host.call('query', [ENV_V1, '{"get_count":{}}'], { readonly: true }).result;

    const inst = host.call('instantiate', [ENV_V1, info('creator'), '{"count":7}']);
    assert.equal(inst.result, okV1([['method', 'instantiate'], ['owner', 'creator'], ['count', '7']]));
    assert.deepEqual(inst.log.imports, ['addr_canonicalize', 'db_write']);
    assert.equal(fromUtf8(host.storage.get(hex(utf8.encode('state')))!), `{"count":7,"owner":"${b64('creator')}"}`);
    assert.equal(q(), `{"ok":"${b64('{"count":7}')}"}`);

    assert.equal(host.call('execute', [ENV_V1, info('anyone'), '{"increment":{}}']).result, okV1([['action', 'increment'], ['count', '8']]));
    assert.equal(host.call('execute', [ENV_V1, info('anyone'), ' { "increment" : { } } ']).result, okV1([['action', 'increment'], ['count', '9']]));
    assert.equal(q(), `{"ok":"${b64('{"count":9}')}"}`);

    assert.equal(host.call('execute', [ENV_V1, info('anyone'), '{"reset":{"count":0}}']).result, '{"error":"Unauthorized"}');
    assert.equal(host.call('execute', [ENV_V1, info('creator'), '{"reset":{"count":-42}}']).result, okV1([['action', 'reset'], ['count', '-42']]));
    assert.equal(q(), `{"ok":"${b64('{"count":-42}')}"}`);
  });

  test('errors are result values, not traps', () => {
    const host = new MockHost(load('counter-v1.wasm'));
    assert.equal(host.call('query', [ENV_V1, '{"get_count":{}}']).result, '{"error":"counter::state::State not found"}');
    host.call('instantiate', [ENV_V1, info('creator'), '{"count":1}']);
    assert.equal(host.call('execute', [ENV_V1, info('creator'), '{"explode":{}}']).result,
      '{"error":"Error parsing into type counter::msg::ExecuteMsg: unknown variant `explode`, expected `increment` or `reset`"}');
    for (const bad of ['', '{', '{"reset":{"count":1.5}}', '{"reset":{"count":"1"}}', '{"reset":{}}', '{"increment":{}} x',
      '{"increment":{},"reset":{"count":1}}', '{"reset":{"count":99999999999999999999}}', '[]']) {
      const r = host.call('execute', [ENV_V1, info('creator'), bad]).result;
      assert.match(r, /^\{"error":"Error parsing into type counter::msg::ExecuteMsg: [^"]+"\}$/, `${JSON.stringify(bad)} → ${r}`);
    }
    assert.match(host.call('instantiate', [ENV_V1, info('creator'), '{"count":1,"extra":2}']).result, /^\{"error":"Error parsing into type counter::msg::InstantiateMsg: /);
    assert.equal(host.call('instantiate', [ENV_V1, info(''), '{"count":1}']).result, '{"error":"addr_canonicalize errored: Input is empty"}');
    assert.equal(host.call('query', [ENV_V1, '{"get_count":{}}']).result, `{"ok":"${b64('{"count":1}')}"}`, 'failed calls wrote nothing');
  });

  test('JSON strings: escapes in, escapes out', () => {
    const host = new MockHost(load('counter-v1.wasm'));
    // "\u00e9t\u00e9 \"q\" \\ \ud83d\ude00" is été "q" \ 😀
    const sender = '{"sender":"\\u00e9t\\u00e9 \\"q\\" \\\\ \\ud83d\\ude00","funds":[]}';
    const r = host.call('instantiate', [ENV_V1, sender, '{"count":0}']).result;
    assert.equal(r, okV1([['method', 'instantiate'], ['owner', 'été "q" \\ 😀'], ['count', '0']]));
  });
});

describe('contracts: counter-v010.wasm (cosmwasm_vm_version_3)', { skip: !built && 'run the contracts build first' }, () => {
  test('exports and imports', () => {
    const m = new WA.Module(load('counter-v010.wasm'));
    assert.deepEqual(WA.Module.exports(m).map((e) => e.name).sort(),
      ['allocate', 'cosmwasm_vm_version_3', 'deallocate', 'handle', 'init', 'memory', 'query']);
    assert.deepEqual(WA.Module.imports(m).map((i) => `${i.module}.${i.name}`).sort(),
      ['env.canonicalize_address', 'env.db_read', 'env.db_write']);
  });

  test('init → handle → query', () => {
    const host = new MockHost(load('counter-v010.wasm'));
    const q = (msg = '{"get_count":{}}'): string => host.call('query', [msg], { readonly: true }).result;
    assert.equal(q(), '{"Err":{"not_found":{"kind":"counter::state::State"}}}');
    assert.equal(host.call('init', [ENV_V010('creator'), '{"count":5}']).result,
      '{"Ok":{"messages":[],"log":[{"key":"method","value":"init"},{"key":"owner","value":"creator"},{"key":"count","value":"5"}]}}');
    assert.equal(q(), `{"Ok":"${b64('{"count":5}')}"}`);
    assert.equal(host.call('handle', [ENV_V010('anyone'), '{"increment":{}}']).result,
      '{"Ok":{"messages":[],"log":[{"key":"action","value":"increment"},{"key":"count","value":"6"}],"data":null}}');
    assert.equal(host.call('handle', [ENV_V010('anyone'), '{"reset":{"count":1}}']).result, '{"Err":{"unauthorized":{}}}');
    assert.equal(host.call('handle', [ENV_V010('creator'), '{"reset":{"count":100}}']).result,
      '{"Ok":{"messages":[],"log":[{"key":"action","value":"reset"},{"key":"count","value":"100"}],"data":null}}');
    assert.equal(q(), `{"Ok":"${b64('{"count":100}')}"}`);
    assert.equal(host.call('handle', [ENV_V010('creator'), '{"nope":{}}']).result,
      '{"Err":{"parse_err":{"target":"counter::msg::HandleMsg","msg":"unknown variant `nope`, expected `increment` or `reset`"}}}');
    assert.equal(q('{"count":{}}'),
      '{"Err":{"parse_err":{"target":"counter::msg::QueryMsg","msg":"unknown variant `count`, expected `get_count`"}}}');
    assert.match(host.call('handle', [ENV_V010('creator'), '{"reset":{"count":1e3}}']).result,
      /^\{"Err":\{"parse_err":\{"target":"counter::msg::HandleMsg","msg":"[^"]+"\}\}\}$/);
    assert.equal(host.call('handle', [ENV_V010(''), '{"reset":{"count":1}}']).result,
      '{"Err":{"generic_err":{"msg":"canonicalize_address errored: Input is empty"}}}');
  });

  test('a human address longer than the 32-byte canonical buffer aborts the call (RegionTooSmall)', () => {
    const host = new MockHost(load('counter-v010.wasm'));
    assert.throws(() => host.call('init', [ENV_V010('x'.repeat(33)), '{"count":1}']), /canonical too long|RegionTooSmall/);
  });
});

describe('contracts: WAT and generated modules', { skip: !built && 'run the contracts build first' }, () => {
  test('minimal-v010.wasm returns its static results', () => {
    const host = new MockHost(load('minimal-v010.wasm'));
    assert.equal(host.call('init', ['{}', '{}']).result, '{"Ok":{"messages":[],"log":[]}}');
    assert.equal(host.call('handle', ['{}', '{}']).result, '{"Ok":{"messages":[],"log":[],"data":null}}');
    assert.equal(host.call('query', ['{}']).result, '{"Ok":"e30="}');
  });

  test('big.wasm: ~2 MiB of code, a working 1.x contract, deterministic', () => {
    const bytes = load('big.wasm');
    assert.ok(bytes.length >= 1.8 * 1024 * 1024 && bytes.length <= 2 * 1024 * 1024, `${bytes.length} bytes`);
    const host = new MockHost(bytes);
    const a = host.call('instantiate', [ENV_V1, info('creator'), '{}']).result;
    const m = /^\{"ok":\{"messages":\[\],"attributes":\[\{"key":"result","value":"(\d+)"\}\],"events":\[\],"data":null\}\}$/.exec(a);
    assert.ok(m, a);
    assert.equal(host.call('instantiate', [ENV_V1, info('creator'), '{}']).result, a);
    assert.equal(host.call('query', [ENV_V1, '{}']).result, `{"ok":"${b64(`{"result":"${m[1]}"}`)}"}`);
    assert.equal(host.call('query', [ENV_V1, '{"rounds":1,"depth":6}']).result, host.call('query', [ENV_V1, '{}']).result);
    const heavy = host.call('query', [ENV_V1, '{"rounds":5,"depth":8}']).result;
    assert.match(heavy, /^\{"ok":"[A-Za-z0-9+/=]+"\}$/);
    assert.notEqual(heavy, host.call('query', [ENV_V1, '{}']).result);
    assert.equal(host.call('query', [ENV_V1, '{"rounds":5,"depth":8}']).result, heavy);
  });

  test('manifest.json lists every file with its sha256, and every file is valid wasm', () => {
    const manifest = JSON.parse(readFileSync(`${dir}manifest.json`, 'utf8')) as
      { file: string; generation?: string; expect: string; rules: string[]; sha256: string; bytes: number }[];
    const known = new Set(['memory-count', 'memory-initial', 'memory-maximum', 'table-count', 'table-maximum',
      'marker-missing', 'marker-multiple', 'marker-unknown', 'export-missing', 'import-forbidden', 'import-not-function',
      'import-count', 'floats', 'function-count', 'function-params', 'function-results', 'total-params',
      'function-locals', 'total-locals', 'start-function']);
    assert.ok(manifest.length >= 30);
    for (const e of manifest) {
      const bytes = load(e.file);
      assert.equal(bytes.length, e.bytes, e.file);
      assert.equal(createHash('sha256').update(bytes).digest('hex'), e.sha256, e.file);
      assert.ok(WA.validate(bytes), `${e.file} is valid wasm`);
      assert.ok(e.expect === 'accept' || e.expect === 'reject', e.file);
      assert.equal(e.expect === 'reject', e.rules.length > 0, `${e.file}: rejects name their rules`);
      for (const r of e.rules) assert.ok(known.has(r), `${e.file}: rule ${r}`);
      assert.ok(e.generation === undefined || e.generation === 'v1' || e.generation === '0.10', e.file);
    }
  });
});
