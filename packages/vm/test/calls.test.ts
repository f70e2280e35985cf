// Entry-point calls through allocate / Regions / deallocate, and result unwrapping, on both engines:
// our counter contract (packages/contracts) instantiated, executed and queried with the same answers
// and the same gas; a contract returning bad results gets a clear error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { wat } from '@cloak/wasm/test/support/wat.js';
import {
  ENGINES, MemoryStorage, VmError, callRaw, instantiateContract, limits, parseContractResult, parseJson, prepareCode, readRegion, writeRegion,
  type ContractInstance, type HostFunctions, type Storage,
} from '@cloak/vm';

const enc = new TextEncoder();
const counter = prepareCode(new Uint8Array(readFileSync(new URL('../../../contracts/build/counter-v1.wasm', import.meta.url))));

/** A minimal env for the counter (the real imports are the next step of issue 4). */
function env(storage: Storage, self: () => ContractInstance): HostFunctions {
  return {
    db_read: (k: number) => {
      const v = storage.get(readRegion(self().memory(), k, 64 * 1024, 'db_read key'));
      if (v === undefined) return 0;
      const ptr = self().call('allocate', [v.length])!;
      writeRegion(self().memory(), ptr, v, 'db_read value');
      return ptr;
    },
    db_write: (k: number, v: number) => {
      storage.set(readRegion(self().memory(), k, 64 * 1024, 'db_write key'), readRegion(self().memory(), v, 128 * 1024, 'db_write value'));
    },
    addr_canonicalize: (src: number, dst: number) => {
      const human = readRegion(self().memory(), src, 256, 'addr_canonicalize input');
      writeRegion(self().memory(), dst, human.subarray(0, 20), 'addr_canonicalize output');
      return 0;
    },
  };
}

const ENV = enc.encode('{"block":{"height":1,"time":"0","chain_id":"secretdev-1"},"transaction":null,"contract":{"address":"secret1contract"}}');
const INFO = enc.encode('{"sender":"secret1owner0000000000000000000000000000","funds":[]}');

test('counter: instantiate, execute, query on both engines give the same results, storage and gas', () => {
  const outcomes: string[][] = [];
  for (const engine of ENGINES) {
    const storage = new MemoryStorage();
    const log: string[] = [];
    const run = (name: string, args: Uint8Array[]) => {
      let inst!: ContractInstance;
      inst = instantiateContract(counter, engine, env(storage, () => inst), 10_000_000n);
      const r = parseContractResult(callRaw(inst, name, args, limits.MAX_RESULT_LENGTH), 'v1', name);
      log.push(`${name} ${JSON.stringify(r, (_, x) => (typeof x === 'bigint' ? x.toString() : x))} gas ${10_000_000n - inst.gasLeft}`);
      return r;
    };
    const i = run('instantiate', [ENV, INFO, enc.encode('{"count":5}')]);
    assert.ok(i.ok, engine);
    run('execute', [ENV, INFO, enc.encode('{"increment":{}}')]);
    const bad = run('execute', [ENV, INFO, enc.encode('{"nope":{}}')]);
    assert.equal(bad.ok, false);
    assert.match(String((bad as { error: unknown }).error), /unknown variant `nope`/);
    const q = run('query', [ENV, enc.encode('{"get_count":{}}')]);
    assert.ok(q.ok);
    assert.deepEqual(parseJson(Buffer.from(String(q.value), 'base64')), { count: 6 });
    log.push(`storage ${storage.range(undefined, undefined, 'ascending').map(([k, v]) => `${Buffer.from(k).toString('hex')}=${Buffer.from(v).toString('hex')}`).join(',')}`);
    outcomes.push(log);
  }
  assert.deepEqual(outcomes[1], outcomes[0]);
});

test('bad results: invalid JSON, wrong keys, a wild Region pointer, allocate returning 0', () => {
  const code = prepareCode(wat(`(module (memory (export "memory") 1) (func (export "interface_version_8"))
    (func (export "allocate") (param i32) (result i32) (i32.const 1024))
    (func (export "deallocate") (param i32))
    (data (i32.const 1024) "\\00\\10\\00\\00\\00\\04\\00\\00\\00\\00\\00\\00") ;; Region {4096, 1024, 0}
    (data (i32.const 2048) "\\00\\09\\00\\00\\08\\00\\00\\00\\08\\00\\00\\00")
    (data (i32.const 2304) "{\\"ok\\":1,")
    (data (i32.const 3072) "\\00\\0d\\00\\00\\0c\\00\\00\\00\\0c\\00\\00\\00")
    (data (i32.const 3328) "{\\"result\\":1}")
    (func (export "bad_json") (param i32 i32 i32) (result i32) (i32.const 2048))
    (func (export "bad_keys") (param i32 i32 i32) (result i32) (i32.const 3072))
    (func (export "wild") (param i32 i32 i32) (result i32) (i32.const 0x7ffffff0)))`));
  for (const engine of ENGINES) {
    const call = (name: string) => {
      const inst = instantiateContract(code, engine, {}, 1n << 30n);
      return parseContractResult(callRaw(inst, name, [ENV, INFO, enc.encode('{}')], limits.MAX_RESULT_LENGTH), 'v1', name);
    };
    const fails = (name: string, kind: string, re: RegExp) =>
      assert.throws(() => call(name), (e: unknown) => {
        assert.ok(e instanceof VmError, `${engine} ${name}: ${e}`);
        assert.equal(e.kind, kind, `${engine} ${name}: ${e.message}`);
        assert.match(e.message, re, `${engine} ${name}`);
        return true;
      });
    fails('bad_json', 'parse', /bad_json: the contract returned invalid JSON: expected a string key at byte 8/);
    fails('bad_keys', 'parse', /expected exactly one of "ok" \/ "error", got "result"/);
    fails('wild', 'communication', /result of wild: Region at 2147483632 lies outside memory/);
  }
  const zero = prepareCode(wat(`(module (memory (export "memory") 1) (func (export "interface_version_8"))
    (func (export "allocate") (param i32) (result i32) (i32.const 0)) (func (export "deallocate") (param i32))
    (func (export "instantiate") (param i32 i32 i32) (result i32) (i32.const 0)))`));
  for (const engine of ENGINES) {
    const inst = instantiateContract(zero, engine, {}, 1n << 30n);
    assert.throws(() => callRaw(inst, 'instantiate', [ENV], 100), (e: unknown) => e instanceof VmError && e.kind === 'communication' && /allocate\(\d+\) returned 0 for argument 1 of instantiate/.test(e.message));
  }
});
