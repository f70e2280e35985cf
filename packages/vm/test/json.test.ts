// The JSON codec: exact big integers, strictness with byte offsets, round trips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { JsonError, parseJson, stringifyJson } from '@cloak/vm';

test('integers beyond 2^53 stay exact; safe ones are numbers', () => {
  assert.deepEqual(parseJson('{"gas_limit":18446744073709551615,"id":7,"neg":-9223372036854775808}'), {
    gas_limit: 18446744073709551615n, id: 7, neg: -9223372036854775808n,
  });
  assert.equal(stringifyJson(parseJson('[18446744073709551615,1.5,-0.25e3]')), '[18446744073709551615,1.5,-250]');
  assert.equal(parseJson('9007199254740991'), 9007199254740991);
  assert.equal(parseJson('9007199254740992'), 9007199254740992n);
});

test('strict parsing: each error says what and where (byte offset)', () => {
  const bad = (text: string | Uint8Array, re: RegExp, what = String(text)) => assert.throws(() => parseJson(text), (e: unknown) => e instanceof JsonError && re.test(e.message), what);
  bad('{"a":1,}', /expected a string key at byte 7/);
  bad('[1,2', /expected ',' or ']' at byte 4/);
  bad('{"a":1,"a":2}', /duplicate key "a" at byte 7/);
  bad('{"é":01}', /expected ',' or '}' at byte 7/); // é is two bytes: offsets are in bytes
  bad('"\u0001"', /control character in string at byte 1/);
  bad('tru', /invalid literal \(expected true\) at byte 0/);
  bad('{} x', /unexpected data after the JSON value at byte 3/);
  bad(new Uint8Array([0x22, 0xff, 0x22]), /invalid UTF-8 at byte 1/);
  bad('{"a":1e999}', /number 1e999 is out of range at byte 5/);
  bad('[-1.5e400]', /out of range at byte 1/);
  bad(new Uint8Array([0x22, 0x61, 0xc3, 0xa9, 0xe0, 0x80, 0x80, 0x22]), /invalid UTF-8 at byte 4/, 'an overlong sequence');
  bad(new Uint8Array([0x22, 0xed, 0xa0, 0x80, 0x22]), /invalid UTF-8 at byte 1/, 'a surrogate');
  bad(new Uint8Array([0x22, 0x61, 0xf0, 0x9f, 0x98]), /invalid UTF-8 at byte 2/, 'a truncated sequence');
  bad('[' .repeat(200) + ']'.repeat(200), /nesting deeper than 128/);
  bad('', /unexpected end of JSON at byte 0/);
});

test('a "__proto__" key is an ordinary key', () => {
  const v = parseJson('{"__proto__":{"polluted":1}}') as Record<string, unknown>;
  assert.deepEqual(Object.keys(v), ['__proto__']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.getPrototypeOf(v), Object.prototype);
});

test('any JSON value JSON.stringify writes parses back to an equal value (safe integers)', () => {
  fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
    const text = JSON.stringify(v);
    assert.equal(stringifyJson(parseJson(text)), JSON.stringify(JSON.parse(text)));
  }), { numRuns: 300, seed: 7 });
});
