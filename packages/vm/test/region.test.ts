// The Region protocol's checks (spec/cosmwasm-abi.md §2.1): each bad Region is a `communication`
// VmError naming what was wrong; good ones (the empty Region at offset 1 included) read and write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VmError, readRegion, regionAt, writeRegion } from '@cloak/vm';

function memWith(ptr: number, offset: number, capacity: number, length: number, size = 4096): Uint8Array {
  const m = new Uint8Array(size);
  const dv = new DataView(m.buffer);
  dv.setUint32(ptr, offset, true);
  dv.setUint32(ptr + 4, capacity, true);
  dv.setUint32(ptr + 8, length, true);
  return m;
}

const fails = (f: () => unknown, re: RegExp) =>
  assert.throws(f, (e: unknown) => e instanceof VmError && e.kind === 'communication' && re.test(e.message));

test('regionAt refuses every bad Region with a message naming the fault', () => {
  fails(() => regionAt(new Uint8Array(64), 0, 'arg'), /arg: Region pointer is 0/);
  fails(() => regionAt(new Uint8Array(64), 60, 'arg'), /Region at 60 lies outside memory \(64 bytes\)/);
  fails(() => regionAt(memWith(8, 0, 4, 0), 8, 'x'), /has offset 0/);
  fails(() => regionAt(memWith(8, 100, 4, 5), 8, 'x'), /length 5 > capacity 4/);
  fails(() => regionAt(memWith(8, 0xfffffff0, 0x20, 0), 8, 'x'), /overflows 32 bits/);
  fails(() => regionAt(memWith(8, 4000, 200, 100), 8, 'x'), /data \[4000, 4100\) lies outside memory/);
});

test('the empty Region (offset 1, capacity 0) reads as no bytes; reads copy; limits are never truncated', () => {
  assert.deepEqual(readRegion(memWith(8, 1, 0, 0), 8, 10, 'empty'), new Uint8Array(0));
  const m = memWith(16, 100, 10, 3);
  m.set([7, 8, 9], 100);
  const got = readRegion(m, 16, 3, 'r');
  assert.deepEqual([...got], [7, 8, 9]);
  m[100] = 0;
  assert.equal(got[0], 7, 'a copy, not a view');
  fails(() => readRegion(m, 16, 2, 'key'), /key: 3 bytes exceed the limit of 2/);
});

test('writeRegion fills the buffer and sets the length, and refuses data beyond the capacity', () => {
  const m = memWith(16, 100, 4, 0);
  writeRegion(m, 16, new Uint8Array([1, 2, 3]), 'out');
  assert.deepEqual([...m.subarray(100, 103)], [1, 2, 3]);
  assert.equal(new DataView(m.buffer).getUint32(24, true), 3);
  fails(() => writeRegion(m, 16, new Uint8Array(5), 'out'), /5 bytes do not fit the Region at 16 \(capacity 4\)/);
});
