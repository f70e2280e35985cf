// The `name` custom section: parse, serialize, remap; malformed input is `undefined`, never a throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeOrThrow } from '../src/decode.js';
import { ByteWriter } from '../src/bytes.js';
import {
  encodeNames,
  functionNames,
  getNames,
  localNames,
  mapNameSections,
  moduleName,
  parseNames,
  remapNames,
  type NameSection,
} from '../src/names.js';
import type { CustomSection } from '../src/types.js';

async function watNamed(src: string): Promise<Uint8Array> {
  const wabt = await (await import('wabt')).default();
  const m = wabt.parseWat('x.wat', src, { bulk_memory: true, multi_value: true });
  try {
    return new Uint8Array(m.toBinary({ write_debug_names: true }).buffer);
  } finally {
    m.destroy();
  }
}

const SRC = `(module $mod
  (global $gg i32 (i32.const 0))
  (func $a (param $x i32) (local $y i32) (local $z i64))
  (func $b (param $p i64))
  (func $c))`;

function nameData(bin: Uint8Array): Uint8Array {
  const c = decodeOrThrow(bin).customs.find((c) => c.name === 'name');
  assert.ok(c, 'wabt wrote a name section');
  return c.data;
}

/** Builds name-section content from subsections given as [id, content bytes]. */
function section(...subs: [number, number[]][]): Uint8Array {
  const w = new ByteWriter();
  for (const [id, bytes] of subs) w.u8(id).u32(bytes.length).bytes(Uint8Array.from(bytes));
  return w.finish().slice();
}

test('parses module, function and local names as wabt writes them', async () => {
  const n = getNames(decodeOrThrow(await watNamed(SRC)));
  assert.ok(n);
  assert.equal(moduleName(n), 'mod');
  assert.deepEqual([...functionNames(n)], [[0, 'a'], [1, 'b'], [2, 'c']]);
  const locals = localNames(n);
  assert.deepEqual([...locals.get(0)!], [[0, 'x'], [1, 'y'], [2, 'z']]);
  assert.deepEqual([...locals.get(1)!], [[0, 'p']]);
  // wabt also writes global names (subsection 7): kept raw, after the known ones, in order.
  assert.deepEqual(n.subsections.map((s) => s.id), [0, 1, 2, 2 + 5]);
});

test('re-serializes byte for byte, unknown subsections included', async () => {
  const data = nameData(await watNamed(SRC));
  assert.deepEqual(encodeNames(parseNames(data)!), data);
  const odd = section([0, [1, 0x6d]], [3, [1, 2, 3]], [1, [1, 5, 2, 0xc3, 0xb1]], [9, []], [200, [0xff, 0xfe]]);
  const n = parseNames(odd)!;
  assert.deepEqual(n.subsections.map((s) => s.id), [0, 3, 1, 9, 200]);
  assert.deepEqual([...functionNames(n)], [[5, 'ñ']]);
  assert.deepEqual(encodeNames(n), odd);
  // An empty section is a valid, empty name section.
  assert.deepEqual(parseNames(new Uint8Array(0)), { subsections: [] });
});

test('absent name section: getNames is undefined', async () => {
  const wabt = await (await import('wabt')).default();
  const m = wabt.parseWat('x.wat', '(module (func $f))', {});
  const bin = new Uint8Array(m.toBinary({}).buffer);
  m.destroy();
  assert.equal(getNames(decodeOrThrow(bin)), undefined);
});

test('malformed content is undefined, never a throw', () => {
  const cases: [string, Uint8Array][] = [
    ['subsection size past the end', section([1, [1, 0, 1]]).slice(0, 4)],
    ['truncated size LEB', Uint8Array.of(1, 0x80)],
    ['bytes left over in a subsection', section([0, [1, 0x6d, 0]])],
    ['name longer than its subsection', section([0, [5, 0x6d]])],
    ['invalid UTF-8', section([0, [2, 0xc3, 0x28]])],
    ['count larger than the bytes left', section([1, [0xff, 0xff, 0x03, 0, 0]])],
    ['function names twice', section([1, [0]], [1, [0]])],
    ['module name twice', section([0, [0]], [0, [0]])],
    ['local name map truncated', section([2, [1, 0, 2, 0, 1]])],
    ['LEB index too long', section([1, [1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0]])],
  ];
  for (const [what, bytes] of cases) assert.equal(parseNames(bytes), undefined, what);
});

test('no prefix or single-byte mutation of a real section throws', async () => {
  const data = nameData(await watNamed(SRC));
  for (let i = 0; i < data.length; i++) {
    assert.doesNotThrow(() => parseNames(data.subarray(0, i)));
    for (const v of [0, 1, 0x7f, 0x80, 0xff]) {
      const d = data.slice();
      d[i] = v;
      const n = parseNames(d);
      if (n !== undefined) assert.doesNotThrow(() => encodeNames(n));
    }
  }
  // A simple deterministic pseudo-random sweep of whole random inputs.
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
  for (let k = 0; k < 2000; k++) {
    const d = Uint8Array.from({ length: rnd() % 40 }, rnd);
    assert.doesNotThrow(() => parseNames(d));
  }
});

test('remapNames renumbers functions and keeps maps sorted', async () => {
  const n = parseNames(nameData(await watNamed(SRC)))!;
  // Reverse the three functions.
  const r = remapNames(n, (i) => 2 - i);
  assert.deepEqual([...functionNames(r)], [[0, 'c'], [1, 'b'], [2, 'a']]);
  const fn = r.subsections.find((s) => 'functionNames' in s) as { functionNames: { index: number }[] };
  assert.deepEqual(fn.functionNames.map((a) => a.index), [0, 1, 2]);
  const locals = localNames(r);
  assert.deepEqual([...locals.keys()], [0, 1, 2]);
  assert.equal(locals.get(0)!.size, 0);
  assert.deepEqual([...locals.get(2)!], [[0, 'x'], [1, 'y'], [2, 'z']]);
  // Untouched subsections are the same objects; the input is not modified.
  assert.equal(r.subsections[0], n.subsections[0]);
  assert.equal(r.subsections[3], n.subsections[3]);
  assert.deepEqual([...functionNames(n)], [[0, 'a'], [1, 'b'], [2, 'c']]);
});

test('mapNameSections rewrites good name sections and drops or keeps bad ones', () => {
  const good = section([1, [1, 0, 1, 0x66]]);
  const bad = Uint8Array.of(1, 9, 9);
  const customs: CustomSection[] = [
    { name: 'producers', data: Uint8Array.of(0), after: 0 },
    { name: 'name', data: good, after: 10 },
    { name: 'name', data: bad, after: 11 },
  ];
  const shift = (n: NameSection) => remapNames(n, (i) => i + 1);
  const dropped = mapNameSections(customs, shift, 'drop');
  assert.equal(dropped.length, 2);
  assert.equal(dropped[0], customs[0]);
  assert.equal(dropped[1].after, 10);
  assert.deepEqual([...functionNames(parseNames(dropped[1].data)!)], [[1, 'f']]);
  const kept = mapNameSections(customs, shift, 'keep');
  assert.equal(kept.length, 3);
  assert.equal(kept[2], customs[2]);
});
