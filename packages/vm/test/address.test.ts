// Address imports on both engines: bech32 with prefix `secret`, user errors returned to the contract
// as Regions with CosmWasm's texts, oversized inputs and small destinations ending the call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bech32 } from '@scure/base';
import { wat } from '@cloak/wasm/test/support/wat.js';
import { bumpAllocator } from './support/allocator.js';
import {
  ENGINES, MemoryStorage, VmError, addressImports, instantiateContract, newHostContext, prepareCode, readRegion, writeRegion,
  type EngineName,
} from '@cloak/vm';

const module = (era: 'v1' | 'v010') => wat(`(module
  ${era === 'v1'
    ? `(import "env" "addr_validate" (func $validate (param i32) (result i32)))
       (import "env" "addr_canonicalize" (func $canon (param i32 i32) (result i32)))
       (import "env" "addr_humanize" (func $human (param i32 i32) (result i32)))`
    : `(import "env" "canonicalize_address" (func $canon (param i32 i32) (result i32)))
       (import "env" "humanize_address" (func $human (param i32 i32) (result i32)))`}
  (memory (export "memory") 1)
  (func (export "${era === 'v1' ? 'interface_version_8' : 'cosmwasm_vm_version_3'}"))
  ${bumpAllocator(1024)}
  ${era === 'v1' ? '(func (export "validate") (param i32) (result i32) (call $validate (local.get 0)))' : ''}
  ${era === 'v010' ? '(func (export "init") (param i32 i32) (result i32) (i32.const 0)) (func (export "handle") (param i32 i32) (result i32) (i32.const 0)) (func (export "query") (param i32) (result i32) (i32.const 0))' : ''}
  (func (export "canon") (param i32 i32) (result i32) (call $canon (local.get 0) (local.get 1)))
  (func (export "human") (param i32 i32) (result i32) (call $human (local.get 0) (local.get 1))))`);

const v1 = prepareCode(module('v1'));
const v010 = prepareCode(module('v010'));
const canonical = new Uint8Array(20).map((_, i) => i + 1);
const human = bech32.encode('secret', bech32.toWords(canonical));
const enc = new TextEncoder();
const dec = new TextDecoder();

function open(engine: EngineName, era: 'v1' | 'v010') {
  const ctx = newHostContext(new MemoryStorage(), true);
  const inst = instantiateContract(era === 'v1' ? v1 : v010, engine, addressImports(ctx, era), 1n << 30n);
  ctx.instance = inst;
  const region = (bytes: Uint8Array, capacity = bytes.length) => {
    const ptr = inst.call('allocate', [capacity])!;
    writeRegion(inst.memory(), ptr, bytes, 'in');
    return ptr;
  };
  const read = (ptr: number) => readRegion(inst.memory(), ptr, 1000, 'out');
  return { inst, region, read };
}

test('1.x: canonicalize and humanize round trip; validate accepts normalised addresses only', () => {
  for (const engine of ENGINES) {
    const { inst, region, read } = open(engine, 'v1');
    const dst = region(new Uint8Array(0), 64);
    assert.equal(inst.call('canon', [region(enc.encode(human)), dst]), 0);
    assert.deepEqual(read(dst), canonical);
    const out = region(new Uint8Array(0), 90);
    assert.equal(inst.call('human', [region(canonical), out]), 0);
    assert.equal(dec.decode(read(out)), human);
    assert.equal(inst.call('validate', [region(enc.encode(human))]), 0);
    const error = (input: Uint8Array) => {
      const ptr = inst.call('validate', [region(input)])!;
      assert.notEqual(ptr, 0);
      return dec.decode(read(ptr));
    };
    assert.equal(error(new Uint8Array(0)), 'Input is empty');
    assert.equal(error(Uint8Array.of(0xff, 0xfe)), 'Input is not valid UTF-8');
    assert.equal(error(enc.encode('secret1notbech32')), 'Error decoding bech32');
    assert.equal(error(enc.encode(bech32.encode('cosmos', bech32.toWords(canonical)))), 'Wrong bech32 prefix');
    assert.equal(error(enc.encode(human.toUpperCase())), 'Invalid input: address not normalized');
    const emptyCanon = inst.call('human', [region(new Uint8Array(0)), region(new Uint8Array(0), 90)])!;
    assert.equal(dec.decode(read(emptyCanon)), 'Invalid canonical address length');
    assert.throws(() => inst.call('validate', [region(new Uint8Array(257))]), (e: unknown) => e instanceof VmError && /257 bytes exceed the limit of 256/.test(e.message));
    assert.throws(() => inst.call('canon', [region(enc.encode(human)), region(new Uint8Array(0), 10)]), (e: unknown) => e instanceof VmError && /20 bytes do not fit the Region .* \(capacity 10\)/.test(e.message));
  }
});

test('0.10: canonicalize_address / humanize_address with the old limits', () => {
  for (const engine of ENGINES) {
    const { inst, region, read } = open(engine, 'v010');
    const dst = region(new Uint8Array(0), 32);
    assert.equal(inst.call('canon', [region(enc.encode(human)), dst]), 0);
    assert.deepEqual(read(dst), canonical);
    assert.throws(() => inst.call('canon', [region(new Uint8Array(91)), dst]), (e: unknown) => e instanceof VmError && /91 bytes exceed the limit of 90/.test(e.message));
    assert.throws(() => inst.call('human', [region(new Uint8Array(33)), dst]), (e: unknown) => e instanceof VmError && /33 bytes exceed the limit of 32/.test(e.message));
  }
});
