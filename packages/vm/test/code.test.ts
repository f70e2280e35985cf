// Storing code: checks, gzip, size limits, the memory cap written into the module, the cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { decodeOrThrow } from '@cloak/wasm';
import { wat } from '@cloak/wasm/test/support/wat.js';
import { CodeStore, VmError, prepareCode, limits } from '@cloak/vm';

const build = new URL('../../../contracts/build/', import.meta.url);
const counter = new Uint8Array(readFileSync(new URL('counter-v1.wasm', build)));
const rejects = (f: () => unknown, kind: string, re: RegExp) =>
  assert.throws(f, (e: unknown) => e instanceof VmError && e.kind === kind && re.test(e.message), `${kind} ${re}`);

/** A minimal 1.x contract whose memory starts with `pages` pages. */
function withMemory(pages: number): Uint8Array {
  return wat(`(module (memory (export "memory") ${pages}) (func (export "interface_version_8"))
    (func (export "allocate") (param i32) (result i32) (i32.const 1024)) (func (export "deallocate") (param i32)))`);
}

test('a 1.x contract is stored: generation, checksum of the uncompressed bytes, memory capped at 192 pages', () => {
  const code = prepareCode(counter);
  assert.equal(code.generation.id, 'v1');
  assert.equal(code.checksum, createHash('sha256').update(counter).digest('hex'));
  const m = decodeOrThrow(code.bytes);
  assert.deepEqual(m.memories[0], { min: decodeOrThrow(counter).memories[0].min, max: limits.DEFAULT_MEMORY_PAGES });
  assert.ok(m.exports.some((e) => e.name === code.gasLeftExport), 'instrumented: the gas global is exported');
});

test('gzip uploads are accepted and give the same code; the store keeps one per checksum', () => {
  const store = new CodeStore();
  const a = store.store(counter);
  const b = store.store(gzipSync(counter));
  assert.equal(b, a);
  assert.equal(store.size, 1);
  assert.equal(store.get(a.checksum), a);
});

test('size limits: raw and decompressed sizes, and broken gzip, are refused before any check', () => {
  rejects(() => prepareCode(counter, { maxSize: counter.length - 1 }), 'invalid_upload', new RegExp(`code of ${counter.length} bytes exceeds the limit of ${counter.length - 1}`));
  rejects(() => prepareCode(gzipSync(new Uint8Array(3 << 20))), 'invalid_upload', /decompressed code exceeds the limit of 2097152 bytes/);
  const broken = gzipSync(counter).subarray(0, 40);
  rejects(() => prepareCode(broken), 'invalid_upload', /not valid gzip/);
});

test('static check failures name their rules; initial memory above the cap is refused with the numbers', () => {
  const bad = new Uint8Array(readFileSync(new URL('bad-missing-exports.wasm', build)));
  rejects(() => prepareCode(bad), 'static_validation', /export-missing/);
  rejects(() => prepareCode(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99])), 'static_validation', /code rejected/);
  assert.equal(prepareCode(withMemory(192)).memoryPages, 192);
  rejects(() => prepareCode(withMemory(193)), 'instantiation', /asks for 193 pages of initial memory .* the limit is 192 pages \(12 MiB\)/);
  assert.equal(decodeOrThrow(prepareCode(withMemory(200), { memoryPages: 256 }).bytes).memories[0].max, 256);
});
