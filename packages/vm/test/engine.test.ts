// Both engines behind one interface: the same instrumented module, the same Regions, the same gas to
// the unit, and the same VmError for each way a call can fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { wat } from '@cloak/wasm/test/support/wat.js';
import { ENGINES, VmError, instantiateContract, prepareCode, readRegion, writeRegion, type EngineName, type HostFunctions } from '@cloak/vm';

const counter = prepareCode(new Uint8Array(readFileSync(new URL('../../../contracts/build/counter-v1.wasm', import.meta.url))));

const stubEnv = (overrides: HostFunctions = {}): HostFunctions => ({
  db_read: () => 0,
  db_write: () => {},
  addr_canonicalize: () => 0,
  ...overrides,
});

const enc = new TextEncoder();

/** Allocates and fills a Region in the contract, as the host does for an argument. */
function arg(i: ReturnType<typeof instantiateContract>, text: string): number {
  const bytes = enc.encode(text);
  const ptr = i.call('allocate', [bytes.length])!;
  writeRegion(i.memory(), ptr, bytes, 'argument');
  return ptr;
}

test('allocate / write / read a Region, and gas, agree on both engines', () => {
  const seen: { engine: EngineName; gas: bigint; bytes: number[] }[] = [];
  for (const engine of ENGINES) {
    const i = instantiateContract(counter, engine, stubEnv(), 10_000_000n);
    const ptr = arg(i, 'hello');
    const back = readRegion(i.memory(), ptr, 100, 'argument');
    seen.push({ engine, gas: i.gasLeft, bytes: [...back] });
  }
  assert.deepEqual(seen[0].bytes, [...enc.encode('hello')]);
  assert.equal(seen[1].bytes.length, 5);
  assert.ok(seen[0].gas < 10_000_000n, 'allocate costs gas');
  assert.equal(seen[1].gas, seen[0].gas, 'the same gas on both engines');
});

test('a host import failing with a VmError ends the call with that error on both engines', () => {
  for (const engine of ENGINES) {
    const env = stubEnv({ db_write: () => { throw new VmError('communication', 'db_write: key of 70000 bytes exceeds the limit of 65536'); } });
    const i = instantiateContract(counter, engine, env, 50_000_000n);
    const e = arg(i, '{}');
    const info = arg(i, '{"sender":"secret1x","funds":[]}');
    const msg = arg(i, '{"count":7}');
    assert.throws(() => i.call('instantiate', [e, info, msg]), (x: unknown) => x instanceof VmError && x.kind === 'communication' && /70000 bytes/.test(x.message), engine);
  }
});

test('out of gas is gas_depletion with nothing left, identically on both engines', () => {
  for (const engine of ENGINES) {
    const i = instantiateContract(counter, engine, stubEnv(), 30n);
    assert.throws(() => i.call('allocate', [10]), (x: unknown) => x instanceof VmError && x.kind === 'gas_depletion', engine);
  }
});

test('traps, deep recursion and missing exports: runtime and resolve errors on both engines', () => {
  const code = prepareCode(wat(`(module (memory (export "memory") 1) (func (export "interface_version_8"))
    (func (export "allocate") (param i32) (result i32) (i32.const 1024)) (func (export "deallocate") (param i32))
    (func $deep (export "deep") (param i32) (result i32) (i32.add (call $deep (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
    (func (export "boom") (param i32) (result i32) unreachable)
    (func (export "oob") (param i32) (result i32) (i32.load (i32.const 70000))))`));
  for (const engine of ENGINES) {
    const i = () => instantiateContract(code, engine, {}, 1n << 40n);
    const err = (name: string, kind: string, re: RegExp) =>
      assert.throws(() => i().call(name, [0]), (x: unknown) => x instanceof VmError && x.kind === kind && re.test(x.message), `${engine} ${name}`);
    err('deep', 'runtime', /call stack exhausted \(limit 16384\)/);
    err('boom', 'runtime', /unreachable/);
    err('oob', 'runtime', /out of bounds/);
    err('missing', 'resolve', /missing export missing/);
  }
});
