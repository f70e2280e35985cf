// decode/encode round trips and decoder error cases (spec §5: binary format).
//
// 1. WAT-built modules (wabt) that cover every section, every element-segment form (flags 0–7), every
//    data-segment form (flags 0–2) and custom sections in every position: `decode` accepts them,
//    `encode(decode(b))` is byte-identical (wabt writes shortest-form LEB128) and decodes to an equal
//    module.
// 2. Malformed / unsupported binaries, each with the exact error kind and byte offset.
// 3. fast-check properties of the LEB128 reader and writer (u32, s32, s33, s64), boundaries included.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decode } from '../src/decode.js';
import { encode } from '../src/encode.js';
import { ByteReader, ByteWriter } from '../src/bytes.js';
import { decodeAndValidate } from '../src/validate.js';
import type { WasmErrorKind } from '../src/errors.js';
import type { Module } from '../src/types.js';
import { v8wasm } from './support/v8.js';

// ---------------------------------------------------------------------------------------------
// Helpers: a hand-rolled binary builder, independent of encode.ts.

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** Unsigned LEB128 (shortest form, or padded to `len` bytes). */
function uleb(v: number, len = 0): number[] {
  const out: number[] = [];
  do {
    let b = v % 128;
    v = Math.floor(v / 128);
    if (v !== 0 || out.length + 1 < len) b |= 0x80;
    out.push(b);
  } while (v !== 0 || out.length < len);
  return out;
}

function str(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
}

function sec(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function mod(...sections: number[][]): Uint8Array {
  return Uint8Array.from([...HEADER, ...sections.flat()]);
}

async function wat(src: string, referenceTypes = false): Promise<Uint8Array> {
  const wabt = await (await import('wabt')).default();
  const m = wabt.parseWat('x.wat', src, { bulk_memory: true, multi_value: true, reference_types: referenceTypes });
  try {
    return new Uint8Array(m.toBinary({ write_debug_names: true }).buffer);
  } finally {
    m.destroy();
  }
}

function decoded(b: Uint8Array): Module {
  const r = decode(b);
  if (!r.ok) assert.fail(`decode failed: ${r.error.message}`);
  return r.value;
}

/** A module without the positions that depend on one particular binary. */
function comparable(m: Module): unknown {
  return { ...m, codes: m.codes.map((c) => ({ locals: c.locals, code: c.code })) };
}

/** Asserts the full round-trip contract for a valid module with shortest-form LEBs. */
function assertRoundTrip(b: Uint8Array): Module {
  assert.ok(v8wasm.validate(b), 'V8 accepts the input');
  const v = decodeAndValidate(b);
  assert.ok(v.ok, v.ok ? '' : `decodeAndValidate: ${v.error.message}`);
  const m = decoded(b);
  const re = encode(m);
  assert.deepEqual(Buffer.from(re), Buffer.from(b), 'encode(decode(b)) is byte-identical');
  assert.deepEqual(comparable(decoded(re)), comparable(m), 'decode(encode(m)) equals m');
  return m;
}

function expectError(b: Uint8Array, kind: WasmErrorKind, offset: number, message?: RegExp, viaValidate = false): void {
  const r = viaValidate ? decodeAndValidate(b) : decode(b);
  assert.equal(r.ok, false, 'rejected');
  if (r.ok) return;
  assert.equal(r.error.kind, kind, `kind (message: ${r.error.message})`);
  assert.equal(r.error.offset, offset, `offset (message: ${r.error.message})`);
  if (message) assert.match(r.error.message, message);
  assert.equal(v8wasm.validate(b), kind === 'unsupported' ? v8wasm.validate(b) : false, 'V8 rejects it too');
}

// ---------------------------------------------------------------------------------------------
// 1. Round trips

const EVERY_SECTION = `(module $everything
  (type $t0 (func (param i32 i64) (result i32 i64)))
  (type $t1 (func (param f32 f64)))
  (import "env" "f" (func $imp (param i32)))
  (import "env" "t" (table 2 10 funcref))
  (import "env" "m" (memory 1 2))
  (import "env" "g" (global $gi i32))
  (import "env" "gm" (global $gm (mut i64)))
  (global $g1 i32 (i32.const -5))
  (global $g2 (mut i64) (i64.const 0x7fffffffffffffff))
  (global $g3 f32 (f32.const nan:0x200000))
  (global $g4 f64 (f64.const -0))
  (global $g5 i32 (global.get $gi))
  (func $f (type $t0) (local i32 f64 f64)
    (block $b (result i32 i64) local.get 0 local.get 1)
    (if (param i32 i64) (result i32 i64) (i32.const 1) (then) (else))
  )
  (func $g (type $t1) (param f32 f64)
    (drop (i32.extend8_s (i32.const 200)))
    (drop (i32.trunc_sat_f32_s (local.get 0)))
    (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))
    (memory.copy (i32.const 0) (i32.const 0) (i32.const 0))
    (memory.init $passive (i32.const 0) (i32.const 0) (i32.const 0))
    (data.drop $passive)
    (table.init 1 (i32.const 0) (i32.const 0) (i32.const 0))
    (elem.drop 1)
    (table.copy (i32.const 0) (i32.const 0) (i32.const 0))
    (call_indirect (type $t1) (f32.const 0) (f64.const 0) (i32.const 0))
    (br_table 0 0 0 (i32.const 0))
  )
  (func $start)
  (export "f" (func $f))
  (export "t" (table 0))
  (export "m" (memory 0))
  (export "g" (global $g2))
  (export "\\c3\\bcn\\c3\\afc\\c3\\b8d\\c3\\a9 \\e2\\9c\\93" (func $g))
  (start $start)
  (elem (i32.const 0) $f $g)
  (elem func $f $start)
  (data (i32.const 0) "abc")
  (data $passive "passive")
)`;

/** All eight element-segment forms and the three data-segment forms, written by hand. */
function segmentForms(): Uint8Array {
  const elems = [
    [0x00, 0x41, 0x00, 0x0b, 0x01, 0x00], // 0: active, table 0, funcs
    [0x01, 0x00, 0x01, 0x00], // 1: passive, funcs
    [0x02, 0x00, 0x41, 0x00, 0x0b, 0x00, 0x01, 0x00], // 2: active, explicit table, funcs
    [0x03, 0x00, 0x01, 0x00], // 3: declarative, funcs
    [0x04, 0x41, 0x00, 0x0b, 0x01, 0xd2, 0x00, 0x0b], // 4: active, table 0, exprs
    [0x05, 0x70, 0x02, 0xd2, 0x00, 0x0b, 0xd0, 0x70, 0x0b], // 5: passive, exprs
    [0x06, 0x00, 0x41, 0x01, 0x0b, 0x70, 0x01, 0xd2, 0x00, 0x0b], // 6: active, explicit table, exprs
    [0x07, 0x70, 0x01, 0xd2, 0x00, 0x0b], // 7: declarative, exprs
  ];
  const datas = [
    [0x00, 0x41, 0x00, 0x0b, ...str('abc')], // 0: active, memory 0
    [0x01, ...str('hi')], // 1: passive
    [0x02, 0x00, 0x41, 0x10, 0x0b, ...str('z')], // 2: active, explicit memory
  ];
  return mod(
    sec(1, [0x01, 0x60, 0x00, 0x00]),
    sec(3, [0x01, 0x00]),
    sec(4, [0x01, 0x70, 0x00, 0x02]),
    sec(5, [0x01, 0x00, 0x01]),
    sec(9, [elems.length, ...elems.flat()]),
    sec(12, [datas.length]),
    sec(10, [0x01, 0x02, 0x00, 0x0b]),
    sec(11, [datas.length, ...datas.flat()]),
  );
}

describe('round trips', () => {
  test('a module with every section re-encodes byte-identically', async () => {
    const b = await wat(EVERY_SECTION);
    const m = assertRoundTrip(b);
    assert.ok(m.types.length >= 2, 'explicit types plus those wabt adds for imports and blocks');
    assert.deepEqual(m.imports.map((i) => i.desc.kind), ['func', 'table', 'memory', 'global', 'global']);
    assert.equal(m.functions.length, 3);
    assert.equal(m.globals.length, 5);
    assert.deepEqual(m.globals.map((g) => g.init[0].op), ['i32.const', 'i64.const', 'f32.const', 'f64.const', 'global.get']);
    assert.deepEqual(m.globals[2].init[0], { op: 'f32.const', bits: 0x7fa00000 }, 'NaN payload kept');
    assert.equal(m.exports.length, 5);
    assert.equal(m.exports[4].name, 'ünïcødé ✓');
    assert.equal(m.start, 3);
    assert.equal(m.elements.length, 2);
    assert.equal(m.dataCount, 2, 'wabt writes a data count section for memory.init');
    assert.equal(m.datas.length, 2);
    assert.ok(m.customs.some((c) => c.name === 'name'), 'name section kept');
    assert.deepEqual(m.codes[0].locals, [{ count: 1, type: 0x7f }, { count: 2, type: 0x7c }]);
  });

  test('element segment forms 0–7 and data segment forms 0–2', () => {
    const b = segmentForms();
    const m = assertRoundTrip(b);
    assert.deepEqual(
      m.elements.map((e) => [e.mode, e.explicitTable, e.init.kind]),
      [
        ['active', false, 'funcs'],
        ['passive', false, 'funcs'],
        ['active', true, 'funcs'],
        ['declarative', false, 'funcs'],
        ['active', false, 'exprs'],
        ['passive', false, 'exprs'],
        ['active', true, 'exprs'],
        ['declarative', false, 'exprs'],
      ],
    );
    assert.deepEqual(m.elements[5].init, { kind: 'exprs', exprs: [[{ op: 'ref.func', index: 0 }], [{ op: 'ref.null', type: 0x70 }]] });
    assert.deepEqual(
      m.datas.map((d) => [d.mode, d.explicitMemory, new TextDecoder().decode(d.data)]),
      [['active', false, 'abc'], ['passive', false, 'hi'], ['active', true, 'z']],
    );
  });

  test('wabt element forms (declare, ref.null) also round-trip', async () => {
    const b = await wat(
      `(module (table 4 funcref) (func $f) (func $s)
        (elem (i32.const 0) $f) (elem func $f $s) (elem declare func $s)
        (elem (i32.const 1) funcref (ref.func $f) (ref.null func)) (elem funcref (ref.null func)))`,
      true,
    );
    const m = assertRoundTrip(b);
    assert.deepEqual(m.elements.map((e) => e.mode), ['active', 'passive', 'declarative', 'active', 'passive']);
  });

  test('custom sections are kept in place, before, between and after sections', async () => {
    const base = await wat(`(module (type (func)) (import "a" "b" (func)) (func) (memory 1) (data (i32.const 0) "x"))`);
    // Split the wabt output and put custom sections around every section.
    const parts: number[][] = [];
    let p = 8;
    while (p < base.length) {
      const start = p;
      p++;
      const r = new ByteReader(base, 0, p);
      const size = r.u32();
      p = r.pos + size;
      parts.push([...base.subarray(start, p)]);
    }
    const custom = (name: string, payload: number[]) => sec(0, [...str(name), ...payload]);
    const sections: number[][] = [custom('first', [1, 2, 3])];
    const expected: [string, number][] = [['first', 0]];
    let last = 0;
    parts.forEach((s, i) => {
      sections.push(s);
      if (s[0] === 0) expected.push(['name', last]);
      else last = s[0];
      sections.push(custom(`after-${i}`, [i]));
      expected.push([`after-${i}`, last]);
    });
    sections.push(custom('', []));
    expected.push(['', last]);
    const b = mod(...sections);
    const m = assertRoundTrip(b);
    assert.ok(parts.length >= 6, 'type, import, function, memory, code, data sections (and names)');
    assert.deepEqual(m.customs.map((c) => [c.name, c.after]), expected);
  });

  test('over-long (padded) LEB128s decode to the same module', () => {
    const b = mod(sec(1, [...uleb(1, 5), 0x60, ...uleb(0, 3), ...uleb(0, 2)]), [3, ...uleb(2, 5), 0x01, 0x00], sec(10, [0x01, 0x02, 0x00, 0x0b]));
    assert.ok(v8wasm.validate(b));
    const m = decoded(b);
    const re = encode(m);
    assert.ok(re.length < b.length, 'the encoder writes the shortest form');
    assert.deepEqual(comparable(decoded(re)), comparable(m));
  });

  test('an empty module round-trips', () => {
    assertRoundTrip(mod());
  });
});

// ---------------------------------------------------------------------------------------------
// 2. Decoder errors, with exact offsets

describe('decoder errors', () => {
  const typeSec = sec(1, [0x01, 0x60, 0x00, 0x00]);

  test('bad magic, bad version, too short', () => {
    expectError(Uint8Array.from([0x00, 0x61, 0x73]), 'malformed', 0, /magic|end of input/);
    expectError(Uint8Array.from([0x00, 0x61, 0x73, 0x6e, 1, 0, 0, 0]), 'malformed', 0, /magic/);
    expectError(Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 1, 0]), 'malformed', 4, /version/);
    expectError(Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 2, 0, 0, 0]), 'malformed', 4, /version/);
    expectError(Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0]), 'unsupported', 4, /component/);
  });

  test('truncated section', () => {
    // type section claims 5 bytes, 2 are there.
    expectError(mod([1, 5, 0x01, 0x60]), 'malformed', 8, /past the end/);
    // section size LEB itself cut off
    expectError(mod([1, 0x80]), 'malformed', 9, /end of input/);
    // section content ends inside a type entry
    expectError(mod(sec(1, [0x01, 0x60, 0x01, 0x7f])), 'malformed', 14, /end of input in LEB128 result count/);
  });

  test('out-of-order and duplicate sections', () => {
    const funcSec = sec(3, [0x00]);
    expectError(mod(funcSec, typeSec), 'malformed', 11, /out of order/);
    expectError(mod(typeSec, typeSec), 'malformed', 14, /duplicate/);
    // data count (12) must come before code (10)
    expectError(mod(sec(10, [0x00]), sec(12, [0x00])), 'malformed', 11, /out of order/);
  });

  test('huge counts fail without allocating for them', () => {
    const before = process.memoryUsage().heapUsed;
    expectError(mod(sec(1, [0xff, 0xff, 0xff, 0xff, 0x0f])), 'limit', 10, /type count 4294967295.*MAX_TYPES/);
    // under the limit but more than the bytes left
    expectError(mod(sec(1, uleb(999_999))), 'malformed', 10, /larger than/);
    expectError(mod(sec(3, uleb(1_000_000))), 'malformed', 10, /larger than/);
    expectError(mod(sec(11, uleb(99_999))), 'malformed', 10, /larger than/);
    expectError(mod(sec(2, [0xff, 0xff, 0xff, 0xff, 0x0f])), 'limit', 10, /import count/);
    // a function body size beyond the code section, and beyond MAX_FUNCTION_SIZE
    expectError(mod(typeSec, sec(3, [1, 0]), sec(10, [0x01, ...uleb(1000)])), 'malformed', 21, /body size 1000 runs past/);
    expectError(mod(typeSec, sec(3, [1, 0]), sec(10, [0x01, ...uleb(0x7fffff)])), 'limit', 21, /MAX_FUNCTION_SIZE/);
    assert.ok(process.memoryUsage().heapUsed - before < 32 * 1024 * 1024, 'no large allocation');
  });

  test('malformed LEB128', () => {
    // too long: 6 bytes for a u32
    expectError(mod(sec(1, [0x80, 0x80, 0x80, 0x80, 0x80, 0x00])), 'malformed', 10, /longer than 5 bytes/);
    // too many bits: 5th byte uses bits above 32
    expectError(mod(sec(1, [0xff, 0xff, 0xff, 0xff, 0x7f])), 'malformed', 10, /32 bits/);
    // unterminated at the end of its section
    expectError(mod(sec(1, [0x80, 0x80])), 'malformed', 10, /end of input/);
    // an s32 constant with too many bits (global init i32.const)
    expectError(mod(sec(6, [0x01, 0x7f, 0x00, 0x41, 0xff, 0xff, 0xff, 0xff, 0x4f, 0x0b])), 'malformed', 14, /32 bits/);
    // an s64 constant longer than 10 bytes
    expectError(
      mod(sec(6, [0x01, 0x7e, 0x00, 0x42, ...new Array(10).fill(0x80), 0x00, 0x0b])),
      'malformed',
      14,
      /longer than 10 bytes/,
    );
  });

  test('invalid UTF-8 names', () => {
    // export name 0xff
    expectError(
      mod(typeSec, sec(3, [1, 0]), sec(7, [0x01, 0x01, 0xff, 0x00, 0x00]), sec(10, [1, 2, 0, 0x0b])),
      'malformed',
      21,
      /UTF-8/,
    );
    // import module name: truncated 2-byte sequence
    expectError(mod(typeSec, sec(2, [0x01, 0x02, 0xc3, 0x28, 0x01, 0x61, 0x00, 0x00])), 'malformed', 17, /UTF-8/);
    // custom section name: an encoded surrogate (ED A0 80)
    expectError(mod(sec(0, [0x03, 0xed, 0xa0, 0x80])), 'malformed', 10, /UTF-8/);
  });

  test('function and code counts must agree', () => {
    // 2 functions declared, 1 body
    expectError(mod(typeSec, sec(3, [2, 0, 0]), sec(10, [1, 2, 0, 0x0b])), 'malformed', 21, /inconsistent lengths/);
    // function section without a code section
    const b = mod(typeSec, sec(3, [1, 0]));
    expectError(b, 'malformed', b.length, /inconsistent lengths/);
    // code section without a function section
    expectError(mod(typeSec, sec(10, [1, 2, 0, 0x0b])), 'malformed', 16, /inconsistent lengths/);
  });

  test('data count must match the data section', () => {
    const b = mod(sec(5, [1, 0, 1]), sec(12, [2]), sec(11, [1, 1, 0]));
    expectError(b, 'malformed', b.length, /data count/);
    const b2 = mod(sec(12, [1]));
    expectError(b2, 'malformed', b2.length, /data count/);
  });

  test('unknown section id', () => {
    expectError(mod(typeSec, sec(14, [0])), 'malformed', 14, /unknown section id 14/);
    expectError(mod(sec(0x7f, [])), 'malformed', 8, /unknown section id/);
  });

  test('unsupported features are named', () => {
    // SIMD: a v128 parameter
    expectError(mod(sec(1, [0x01, 0x60, 0x01, 0x7b, 0x00])), 'unsupported', 13, /simd/);
    // threads: shared memory (flags 3)
    expectError(mod(sec(5, [0x01, 0x03, 0x01, 0x01])), 'unsupported', 11, /threads/);
    // memory64: 64-bit limits (flags 4)
    expectError(mod(sec(5, [0x01, 0x04, 0x01])), 'unsupported', 11, /memory64/);
    // exception handling: the tag section (id 13)
    expectError(mod(typeSec, sec(13, [0x01, 0x00, 0x00])), 'unsupported', 14, /exception-handling/);
    // multi-memory: two memories (reported by the validator, no single position)
    expectError(mod(sec(5, [0x02, 0x00, 0x01, 0x00, 0x01])), 'unsupported', -1, /multi-memory/, true);
    // multi-memory: a memarg with a memory index
    const body = [0x00, 0x41, 0x00, 0x28, 0x42, 0x01, 0x00, 0x1a, 0x0b];
    expectError(
      mod(typeSec, sec(3, [1, 0]), sec(5, [1, 0, 1]), sec(10, [1, body.length, ...body])),
      'unsupported',
      31,
      /multi-memory/,
      true,
    );
    // reference types: an externref global
    expectError(mod(sec(6, [0x01, 0x6f, 0x00, 0xd0, 0x6f, 0x0b])), 'unsupported', 11, /reference-types/);
  });
});

// ---------------------------------------------------------------------------------------------
// 3. LEB128 properties

/** Reference encoders over bigint (shortest form), independent of bytes.ts. */
function refUleb(v: bigint): number[] {
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return out;
}
function refSleb(v: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}
/** Pads a LEB to `len` bytes (sign- or zero-extending), a valid over-long form. */
function pad(bytes: number[], len: number, signed: boolean): number[] {
  const out = bytes.slice();
  if (out.length >= len) return out;
  const fill = signed && (out[out.length - 1] & 0x40) !== 0 ? 0x7f : 0x00;
  out[out.length - 1] |= 0x80;
  while (out.length < len - 1) out.push(fill | 0x80);
  out.push(fill);
  return out;
}

function written(f: (w: ByteWriter) => void): number[] {
  const w = new ByteWriter(16);
  f(w);
  return [...w.finish()];
}

function reader(bytes: number[]): ByteReader {
  return new ByteReader(Uint8Array.from(bytes));
}

const u32s = fc.oneof(fc.constantFrom(0, 1, 63, 64, 127, 128, 16383, 16384, 2 ** 28 - 1, 2 ** 28, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1), fc.nat({ max: 2 ** 32 - 1 }));
const s32s = fc.oneof(fc.constantFrom(0, -1, 63, 64, -64, -65, 8191, -8192, 2 ** 31 - 1, -(2 ** 31)), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));
const s33s = fc.oneof(
  fc.constantFrom(0, -1, -64, 63, 2 ** 32 - 1, -(2 ** 32), 2 ** 31, -(2 ** 31) - 1),
  fc.integer({ min: -(2 ** 32), max: 2 ** 32 - 1 }),
);
const s64s = fc.oneof(
  fc.constantFrom(0n, -1n, 63n, -64n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 56n, -(2n ** 56n) - 1n),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
);

describe('LEB128', () => {
  test('u32: write/read round trip, shortest form, padded forms accepted', () => {
    fc.assert(
      fc.property(u32s, fc.integer({ min: 1, max: 5 }), (v, len) => {
        const bytes = written((w) => w.u32(v));
        assert.deepEqual(bytes, refUleb(BigInt(v)));
        const r = reader(bytes);
        assert.equal(r.u32(), v);
        assert.ok(r.atEnd());
        const padded = pad(bytes, len, false);
        assert.equal(reader(padded).u32(), v);
      }),
      { numRuns: 2000 },
    );
  });

  test('s32: write/read round trip, shortest form, padded forms accepted', () => {
    fc.assert(
      fc.property(s32s, fc.integer({ min: 1, max: 5 }), (v, len) => {
        const bytes = written((w) => w.s32(v));
        assert.deepEqual(bytes, refSleb(BigInt(v)));
        assert.equal(reader(bytes).s32(), v);
        assert.equal(reader(pad(bytes, len, true)).s32(), v);
      }),
      { numRuns: 2000 },
    );
  });

  test('s33: write/read round trip, shortest form', () => {
    fc.assert(
      fc.property(s33s, fc.integer({ min: 1, max: 5 }), (v, len) => {
        const bytes = written((w) => w.s33(v));
        assert.deepEqual(bytes, refSleb(BigInt(v)));
        assert.equal(reader(bytes).s33(), v);
        assert.equal(reader(pad(bytes, len, true)).s33(), v);
      }),
      { numRuns: 2000 },
    );
  });

  test('s64: write/read round trip, shortest form, skipS64 agrees', () => {
    fc.assert(
      fc.property(s64s, fc.integer({ min: 1, max: 10 }), (v, len) => {
        const bytes = written((w) => w.s64(v));
        assert.deepEqual(bytes, refSleb(v));
        assert.equal(reader(bytes).s64(), v);
        const padded = pad(bytes, len, true);
        assert.equal(reader(padded).s64(), v);
        const r = reader(padded);
        r.skipS64();
        assert.ok(r.atEnd());
      }),
      { numRuns: 2000 },
    );
  });

  test('values out of range are rejected, never wrapped', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 2n ** 32n, max: 2n ** 35n - 1n }), (v) => {
        assert.throws(() => reader(refUleb(v)).u32(), /32 bits|longer than/);
      }),
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.bigInt({ min: 2n ** 31n, max: 2n ** 34n }), fc.bigInt({ min: -(2n ** 34n), max: -(2n ** 31n) - 1n })),
        (v) => {
          assert.throws(() => reader(refSleb(v)).s32(), /32 bits|longer than/);
        },
      ),
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.bigInt({ min: 2n ** 32n, max: 2n ** 34n }), fc.bigInt({ min: -(2n ** 34n), max: -(2n ** 32n) - 1n })),
        (v) => {
          assert.throws(() => reader(refSleb(v)).s33(), /33 bits|longer than/);
        },
      ),
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.bigInt({ min: 2n ** 63n, max: 2n ** 69n }), fc.bigInt({ min: -(2n ** 69n), max: -(2n ** 63n) - 1n })),
        (v) => {
          assert.throws(() => reader(refSleb(v)).s64(), /64 bits|longer than/);
        },
      ),
    );
    // over-long beyond the maximum width
    assert.throws(() => reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).u32(), /longer than 5/);
    assert.throws(() => reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).s32(), /longer than 5/);
    assert.throws(() => reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).s33(), /longer than 5/);
    assert.throws(() => reader([...new Array(10).fill(0x80), 0x00]).s64(), /longer than 10/);
    // unterminated
    for (const f of ['u32', 's32', 's33', 's64'] as const) {
      assert.throws(() => reader([0x80, 0x80])[f](), /end of input/);
    }
  });

  test('errors name the LEB start as their offset', () => {
    const r = new ByteReader(Uint8Array.from([0x01, 0x02, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), 100, 2);
    try {
      r.u32('thing');
      assert.fail('no error');
    } catch (e) {
      assert.equal((e as { offset: number }).offset, 102);
      assert.match((e as Error).message, /thing/);
    }
  });
});

test('InstrReader.i64Parts and f64Parts agree with i64Value and f64Bits', async () => {
  const { InstrReader, ByteWriter } = await import('../src/index.js');
  const values = [0n, 1n, -1n, 63n, 64n, -64n, -65n, 0x7fffffffn, 0x80000000n, -0x80000000n, -0x80000001n, 0xffffffffn,
    0x100000000n, 0x7ffffffffn, -0x800000000n, 0x123456789abcdefn, -0x123456789abcdefn, (1n << 63n) - 1n, -(1n << 63n)];
  let x = 0x9e3779b97f4a7c15n;
  for (let i = 0; i < 2000; i++) {
    x = (x * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
    values.push(BigInt.asIntN(64, x >> BigInt(i % 64)));
  }
  const out = new Int32Array(2);
  for (const v of values) {
    const code = new ByteWriter(16).u8(0x42).s64(v).u8(0x44).u64le(BigInt.asUintN(64, v ^ 0x5555n)).u8(0x0b).finish();
    const r = new InstrReader(code, 0);
    r.next();
    r.i64Parts(out);
    assert.equal((BigInt(out[1]) << 32n) | BigInt(out[0] >>> 0), r.i64Value(), `i64 ${v}`);
    r.next();
    r.f64Parts(out);
    assert.equal((BigInt(out[1] >>> 0) << 32n) | BigInt(out[0] >>> 0), r.f64Bits(), `f64 bits of ${v}`);
  }
});
