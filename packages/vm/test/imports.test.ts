// Storage, debug and abort imports on both engines: results, limits, read-only calls, gas (Secret's
// prices, the per-byte write part counted as pseudo gas) and the errors that end a call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wat } from '@cloak/wasm/test/support/wat.js';
import { bumpAllocator } from './support/allocator.js';
import {
  ENGINES, MemoryStorage, SECRET_HOST_GAS, VmError, instantiateContract, messageImports, newHostContext, prepareCode, readRegion, storageImports,
  type EngineName, type HostContext,
} from '@cloak/vm';

const code = prepareCode(wat(`(module
  (import "env" "db_read" (func $db_read (param i32) (result i32)))
  (import "env" "db_write" (func $db_write (param i32 i32)))
  (import "env" "db_remove" (func $db_remove (param i32)))
  (import "env" "debug" (func $debug (param i32)))
  (import "env" "abort" (func $abort (param i32)))
  (memory (export "memory") 4)
  (func (export "interface_version_8"))
  ${bumpAllocator(4096)}
  ;; Regions: key "abc", value "hello", a 65,537-byte key, a 131,073-byte value, message "oops!"
  (data (i32.const 16) "\\00\\01\\00\\00\\03\\00\\00\\00\\03\\00\\00\\00")
  (data (i32.const 32) "\\10\\01\\00\\00\\05\\00\\00\\00\\05\\00\\00\\00")
  (data (i32.const 48) "\\00\\00\\01\\00\\01\\00\\01\\00\\01\\00\\01\\00")
  (data (i32.const 64) "\\00\\00\\01\\00\\01\\00\\02\\00\\01\\00\\02\\00")
  (data (i32.const 80) "\\20\\01\\00\\00\\05\\00\\00\\00\\05\\00\\00\\00")
  (data (i32.const 256) "abc")
  (data (i32.const 272) "hello")
  (data (i32.const 288) "oops!")
  (func (export "write") (call $db_write (i32.const 16) (i32.const 32)))
  (func (export "read") (result i32) (call $db_read (i32.const 16)))
  (func (export "remove") (call $db_remove (i32.const 16)))
  (func (export "bigkey") (result i32) (call $db_read (i32.const 48)))
  (func (export "bigval") (call $db_write (i32.const 16) (i32.const 64)))
  (func (export "dbg") (call $debug (i32.const 80)))
  (func (export "die") (call $abort (i32.const 80))))`));

const dec = new TextDecoder();

function open(engine: EngineName, storage: MemoryStorage, readOnly = false, gas = 10_000_000n, debug?: (m: string) => void) {
  const ctx: HostContext = newHostContext(storage, readOnly, debug);
  const inst = instantiateContract(code, engine, { ...storageImports(ctx), ...messageImports(ctx) }, gas);
  ctx.instance = inst;
  return { ctx, inst };
}

const fails = (f: () => unknown, kind: string, re: RegExp, what: string) =>
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof VmError, `${what}: ${e}`);
    assert.equal(e.kind, kind, `${what}: ${e.message}`);
    assert.match(e.message, re, what);
    return true;
  });

test('db_write / db_read / db_remove: values, pseudo gas, and the same gas on both engines', () => {
  const gas: bigint[] = [];
  for (const engine of ENGINES) {
    const storage = new MemoryStorage();
    const w = open(engine, storage);
    w.inst.call('write', []);
    assert.equal(dec.decode(storage.get(new TextEncoder().encode('abc'))!), 'hello');
    assert.equal(w.ctx.pseudoGas, 5n * SECRET_HOST_GAS.dbWritePerValueByte);
    const spent = 10_000_000n - w.inst.gasLeft;
    assert.ok(spent >= SECRET_HOST_GAS.dbWrite + w.ctx.pseudoGas, 'the host price is charged');
    const r = open(engine, storage, true);
    const ptr = r.inst.call('read', [])!;
    assert.equal(dec.decode(readRegion(r.inst.memory(), ptr, 100, 'value')), 'hello');
    fails(() => open(engine, storage, true).inst.call('write', []), 'communication', /db_write: write access denied in a read-only call/, engine);
    fails(() => open(engine, storage, true).inst.call('remove', []), 'communication', /db_remove: write access denied/, engine);
    open(engine, storage).inst.call('remove', []);
    assert.equal(storage.size, 0);
    assert.equal(open(engine, storage).inst.call('read', []), 0, 'absent key: 0');
    gas.push(spent);
  }
  assert.equal(gas[1], gas[0]);
});

test('limits, debug, abort and gas exhaustion end the call the same way on both engines', () => {
  for (const engine of ENGINES) {
    const storage = new MemoryStorage();
    fails(() => open(engine, storage).inst.call('bigkey', []), 'communication', /db_read key: 65537 bytes exceed the limit of 65536/, engine);
    fails(() => open(engine, storage).inst.call('bigval', []), 'communication', /db_write value: 131073 bytes exceed the limit of 131072/, engine);
    const seen: string[] = [];
    open(engine, storage, false, 1_000_000n, (m) => seen.push(m)).inst.call('dbg', []);
    assert.deepEqual(seen, ['oops!']);
    fails(() => open(engine, storage).inst.call('die', []), 'aborted', /^Aborted: oops!$/, engine);
    const poor = open(engine, storage, false, 20_000n);
    fails(() => poor.inst.call('write', []), 'gas_depletion', /out of gas/, engine);
    assert.equal(poor.inst.gasLeft, 0n, 'out of gas: everything used');
    assert.equal(storage.size, 0, 'nothing written');
  }
});
