// Iteration imports on both engines: ranges and order, the record formats of 1.x and 0.10, the
// ends of iteration, unknown ids and bad orders, deterministic ids, cursors reading records when reached.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wat } from '@cloak/wasm/test/support/wat.js';
import { bumpAllocator } from './support/allocator.js';
import {
  ENGINES, MemoryStorage, VmError, instantiateContract, iteratorImports, newHostContext, prepareCode, readRegion, writeRegion,
  type EngineName,
} from '@cloak/vm';

const code = prepareCode(wat(`(module
  (import "env" "db_scan" (func $scan (param i32 i32 i32) (result i32)))
  (import "env" "db_next" (func $next (param i32) (result i32)))
  (import "env" "db_next_key" (func $next_key (param i32) (result i32)))
  (import "env" "db_next_value" (func $next_value (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "interface_version_8"))
  (func (export "requires_iterator"))
  ${bumpAllocator(1024)}
  (func (export "scan") (param i32 i32 i32) (result i32) (call $scan (local.get 0) (local.get 1) (local.get 2)))
  (func (export "next") (param i32) (result i32) (call $next (local.get 0)))
  (func (export "next_key") (param i32) (result i32) (call $next_key (local.get 0)))
  (func (export "next_value") (param i32) (result i32) (call $next_value (local.get 0))))`));

const enc = new TextEncoder();
const hex = (u: Uint8Array) => Buffer.from(u).toString('hex');

function setup(engine: EngineName, era: 'v1' | 'v010') {
  const storage = new MemoryStorage();
  for (const [k, v] of [['a', '1'], ['b', '22'], ['c', '333'], ['d', '']] as const) storage.set(enc.encode(k), enc.encode(v));
  const ctx = newHostContext(storage, true);
  const inst = instantiateContract(code, engine, iteratorImports(ctx, era), 1n << 30n);
  ctx.instance = inst;
  const key = (k: string) => {
    const ptr = inst.call('allocate', [k.length])!;
    writeRegion(inst.memory(), ptr, enc.encode(k), 'key');
    return ptr;
  };
  const bytes = (ptr: number | undefined) => (ptr === 0 ? null : hex(readRegion(inst.memory(), ptr!, 1 << 20, 'out')));
  return { storage, inst, key, bytes };
}

test('1.x: [start, end) in both orders, sections records, empty record at the end, ids 1, 2, …', () => {
  for (const engine of ENGINES) {
    const { inst, key, bytes, storage } = setup(engine, 'v1');
    const id = inst.call('scan', [key('b'), key('d'), 1])!;
    assert.equal(id, 1);
    assert.equal(bytes(inst.call('next', [id])), `62${'00000001'}3232${'00000002'}`);
    storage.set(enc.encode('bb'), enc.encode('x')); // ahead of the cursor: read when reached
    storage.set(enc.encode('a0'), enc.encode('y')); // behind it: not
    assert.equal(bytes(inst.call('next', [id])), `6262${'00000002'}78${'00000001'}`);
    assert.equal(bytes(inst.call('next', [id])), `63${'00000001'}333333${'00000003'}`);
    assert.equal(bytes(inst.call('next', [id])), '0000000000000000', 'the end: an empty key and value');
    const down = inst.call('scan', [0, 0, 2])!;
    assert.equal(down, 2);
    assert.equal(bytes(inst.call('next_key', [down])), hex(enc.encode('d')));
    assert.equal(bytes(inst.call('next_value', [down])), hex(enc.encode('333')), 'next_value advances past c');
    assert.equal(bytes(inst.call('next_key', [down])), hex(enc.encode('bb')));
    inst.call('next', [down]); // b
    assert.equal(bytes(inst.call('next_key', [down])), hex(enc.encode('a0')));
    inst.call('next', [down]); // a
    assert.equal(inst.call('next_key', [down]), 0, 'exhausted: 0');
    assert.equal(inst.call('next_value', [down]), 0);
    const empty = inst.call('scan', [key('c'), key('b'), 1])!;
    assert.equal(bytes(inst.call('next', [empty])), '0000000000000000', 'start ≥ end: empty');
  }
});

test('0.10 records are value ‖ key ‖ u32be(len(key)); unknown ids and bad orders end the call', () => {
  for (const engine of ENGINES) {
    const { inst, key, bytes } = setup(engine, 'v010');
    const id = inst.call('scan', [key('c'), 0, 1])!;
    assert.equal(bytes(inst.call('next', [id])), `333333${'63'}${'00000001'}`);
    assert.equal(bytes(inst.call('next', [id])), `${''}64${'00000001'}`, 'key d with an empty value');
    assert.equal(bytes(inst.call('next', [id])), '00000000');
    assert.throws(() => inst.call('next', [99]), (e: unknown) => e instanceof VmError && /iterator 99 does not exist/.test(e.message));
    const fresh = setup(engine, 'v010');
    assert.throws(() => fresh.inst.call('scan', [0, 0, 3]), (e: unknown) => e instanceof VmError && /order 3 is neither 1 \(ascending\) nor 2/.test(e.message));
  }
});
