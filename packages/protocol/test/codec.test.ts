// The boundary's codec: every message of both directions round-trips (optional fields present and
// absent, empty and maximal fields); every variable-size field is refused one byte over its limit by
// the writer (RangeError naming the field) and by the reader (ProtocolError naming the field and its
// byte offset); truncated, padded and malformed bodies (unknown types and tags, booleans > 1, bad
// UTF-8, non-decimal amounts, code hashes that are not 32 bytes) are ProtocolErrors and nothing else;
// random bytes and mutated encodings never escape as any other exception.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  HANDLE_TYPES, LIMITS, LOG_LEVELS, ProtocolError, Type, Writer, decodeEnclave, decodeHost, encodeEnclave, encodeHost, frame,
  type Coin, type EnclaveMessage, type Env, type HostMessage, type QueryAnswer,
} from '@cloak/protocol';

const enc = new TextEncoder();
const utf8 = (s: string) => enc.encode(s);
const fill = (n: number, byte: number) => new Uint8Array(n).fill(byte);
const u32le = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
};
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const U64_MAX = 0xffffffffffffffffn;
const HASH = fill(32, 0xab);

const ENV_MIN: Env = { height: 0n, timeNanos: 0n, chainId: '', contract: '' };
const ENV_FULL: Env = {
  height: U64_MAX, timeNanos: 1_700_000_000_000_000_000n, chainId: 'secret-4', contract: 'secret1contractaddress',
  random: fill(32, 0x07), transaction: { index: 0xffffffff, hash: 'AB'.repeat(32) },
};
const COINS: Coin[] = [{ denom: 'uscrt', amount: '0' }, { denom: 'ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2', amount: '340282366920938463463374607431768211455' }];

/** A thrown value that must be a ProtocolError whose message matches `re` (and, if given, at `offset`). */
function protocolError(re: RegExp, offset?: number) {
  return (e: unknown) => {
    assert.ok(e instanceof ProtocolError, `expected a ProtocolError, got ${String(e)}`);
    assert.match(e.message, re);
    assert.equal(typeof e.offset, 'number', `${e.message}: no byte offset`);
    assert.match(e.message, / \(at byte \d+\)$/);
    if (offset !== undefined) assert.equal(e.offset, offset, e.message);
    return true;
  };
}

function rangeError(re: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof RangeError, `expected a RangeError, got ${String(e)}`);
    assert.match(e.message, re);
    return true;
  };
}

// ------------------------------------------------------------------------------------------------
// Samples: every variant, optional fields present and absent, empty and full fields.

const HOST: [string, HostMessage][] = [
  ['allocate, empty code', { type: Type.EcallAllocate, id: 0, code: new Uint8Array(0) }],
  ['allocate', { type: Type.EcallAllocate, id: 1, code: utf8('\0asm\x01\0\0\0') }],
  ['init, minimal env, no funds, empty msg', { type: Type.EcallInit, id: 2, codeHash: HASH, env: ENV_MIN, sender: '', funds: [], msg: new Uint8Array(0), gasLimit: 0n }],
  ['init, full env, funds', { type: Type.EcallInit, id: 0xffffffff, codeHash: HASH, env: ENV_FULL, sender: 'secret1sender', funds: COINS, msg: utf8('{"a":"é ✓ 😀"}'), gasLimit: U64_MAX }],
  ['init, env with random only', { type: Type.EcallInit, id: 3, codeHash: HASH, env: { ...ENV_MIN, random: fill(32, 1) }, sender: 's', funds: [], msg: utf8('{}'), gasLimit: 1n }],
  ['init, env with transaction only', { type: Type.EcallInit, id: 4, codeHash: HASH, env: { ...ENV_MIN, transaction: { index: 0, hash: '' } }, sender: 's', funds: [], msg: utf8('{}'), gasLimit: 1n }],
  ...HANDLE_TYPES.map((handle, i): [string, HostMessage] => [`handle ${handle}`, { type: Type.EcallHandle, id: 10 + i, handle, codeHash: HASH, env: ENV_FULL, sender: 'secret1sender', funds: COINS, msg: utf8('{"x":1}'), gasLimit: 10_000_000n }]),
  ['handle migrate with an old version', { type: Type.EcallHandle, id: 20, handle: 'migrate', codeHash: HASH, env: ENV_MIN, sender: 'a', funds: [], msg: utf8('{}'), gasLimit: 5n, oldMigrateVersion: 0n }],
  ['handle migrate with the largest old version', { type: Type.EcallHandle, id: 21, handle: 'migrate', codeHash: HASH, env: ENV_MIN, sender: 'a', funds: [], msg: utf8('{}'), gasLimit: 5n, oldMigrateVersion: U64_MAX }],
  ['query', { type: Type.EcallQuery, id: 30, codeHash: HASH, env: ENV_FULL, msg: utf8('{"balance":{}}'), gasLimit: 1000n, depth: 1 }],
  ['query, deepest', { type: Type.EcallQuery, id: 31, codeHash: HASH, env: ENV_MIN, msg: new Uint8Array(0), gasLimit: 0n, depth: 0xffffffff }],
  ['read_db result, absent', { type: Type.ReadDbResult, id: 40 }],
  ['read_db result, empty value', { type: Type.ReadDbResult, id: 41, value: new Uint8Array(0) }],
  ['read_db result, value', { type: Type.ReadDbResult, id: 42, value: Uint8Array.of(0, 1, 2, 255) }],
  ['range result, empty', { type: Type.RangeResult, id: 50, records: [] }],
  ['range result', { type: Type.RangeResult, id: 51, records: [[utf8('a'), utf8('1')], [new Uint8Array(0), new Uint8Array(0)], [Uint8Array.of(255), fill(3, 9)]] }],
  ['query_chain result ok', { type: Type.QueryChainResult, id: 60, result: { kind: 'ok', data: utf8('{"amount":"5"}') }, gasUsed: 123n }],
  ['query_chain result ok, empty', { type: Type.QueryChainResult, id: 61, result: { kind: 'ok', data: new Uint8Array(0) }, gasUsed: 0n }],
  ['query_chain contract error', { type: Type.QueryChainResult, id: 62, result: { kind: 'contract_error', error: utf8('"boom"') }, gasUsed: U64_MAX }],
  ['query_chain system error', { type: Type.QueryChainResult, id: 63, result: { kind: 'system_error', error: utf8('{"unsupported_request":{"kind":"x"}}') }, gasUsed: 7n }],
  ['load_code result, absent', { type: Type.LoadCodeResult, id: 80 }],
  ['load_code result, empty code', { type: Type.LoadCodeResult, id: 81, code: new Uint8Array(0) }],
  ['load_code result', { type: Type.LoadCodeResult, id: 82, code: utf8('\0asm\x01\0\0\0') }],
  ['ocall failed', { type: Type.OcallFailed, id: 70, message: 'the store is gone ✗' }],
  ['ocall failed, empty', { type: Type.OcallFailed, id: 71, message: '' }],
];

const ENCLAVE: [string, EnclaveMessage][] = [
  ['read_db', { type: Type.OcallReadDb, id: 1, key: utf8('balance') }],
  ['read_db, empty key', { type: Type.OcallReadDb, id: 2, key: new Uint8Array(0) }],
  ['range, unbounded', { type: Type.OcallRange, id: 3, descending: false, limit: 1 }],
  ['range, bounded, descending', { type: Type.OcallRange, id: 4, start: utf8('a'), end: utf8('z'), descending: true, limit: 256 }],
  ['range, start only, empty start', { type: Type.OcallRange, id: 5, start: new Uint8Array(0), descending: false, limit: 0xffffffff }],
  ['range, end only', { type: Type.OcallRange, id: 6, end: Uint8Array.of(0, 0), descending: true, limit: 0 }],
  ['query_chain', { type: Type.OcallQueryChain, id: 7, request: utf8('{"bank":{"balance":{"address":"a","denom":"uscrt"}}}'), depth: 2, gasLimit: 9_000_000n }],
  ['load_code', { type: Type.OcallLoadCode, id: 16, codeHash: HASH }],
  ...LOG_LEVELS.map((level): [string, EnclaveMessage] => [`log ${level}`, { type: Type.Log, level, event: `ev_${level}`, message: `message ✓ ${level}` }]),
  ['log, empty', { type: Type.Log, level: 'info', event: '', message: '' }],
  ['ecall result ok, no answer, no writes', { type: Type.EcallResult, id: 8, outcome: { kind: 'ok', value: utf8('{"messages":[]}'), writes: [] }, gasUsed: 0n }],
  ['ecall result ok with answer and writes', { type: Type.EcallResult, id: 9, outcome: { kind: 'ok', value: utf8('"eyJ9"'), answer: utf8('{}'), writes: [[utf8('a'), utf8('1')], [utf8('b'), null], [new Uint8Array(0), new Uint8Array(0)]] }, gasUsed: U64_MAX }],
  ['ecall result ok, empty answer', { type: Type.EcallResult, id: 10, outcome: { kind: 'ok', value: new Uint8Array(0), answer: new Uint8Array(0), writes: [] }, gasUsed: 1n }],
  ['ecall result contract error', { type: Type.EcallResult, id: 11, outcome: { kind: 'contract_error', error: utf8('{"generic_err":{"msg":"x"}}') }, gasUsed: 5n }],
  ['ecall result vm error', { type: Type.EcallResult, id: 12, outcome: { kind: 'vm_error', errorKind: 'gas_depletion', message: 'out of gas' }, gasUsed: 5n }],
  ['ecall result vm error, empty', { type: Type.EcallResult, id: 13, outcome: { kind: 'vm_error', errorKind: '', message: '' }, gasUsed: 0n }],
  ['allocate result', { type: Type.AllocateResult, id: 14, codeHash: HASH, generation: 'v1' }],
  ['enclave error', { type: Type.EnclaveError, id: 15, message: 'host misbehaved: x' }],
  ['enclave error, empty', { type: Type.EnclaveError, id: 0, message: '' }],
];

function hostRoundTrip(m: HostMessage, what: string): Uint8Array {
  const b = encodeHost(m);
  assert.equal(b[0], m.type, what);
  assert.deepEqual(decodeHost(b), m, what);
  assert.deepEqual(encodeHost(decodeHost(b)), b, `${what}: re-encoding gives the same bytes`);
  return b;
}

function enclaveRoundTrip(m: EnclaveMessage, what: string): Uint8Array {
  const b = encodeEnclave(m);
  assert.equal(b[0], m.type, what);
  assert.deepEqual(decodeEnclave(b), m, what);
  assert.deepEqual(encodeEnclave(decodeEnclave(b)), b, `${what}: re-encoding gives the same bytes`);
  return b;
}

test('every host message variant round-trips, optional fields present and absent', () => {
  for (const [what, m] of HOST) hostRoundTrip(m, what);
  const types = new Set(HOST.map(([, m]) => m.type));
  assert.deepEqual([...types].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9], 'every host type is sampled');
});

test('every enclave message variant round-trips, optional fields present and absent', () => {
  for (const [what, m] of ENCLAVE) enclaveRoundTrip(m, what);
  const types = new Set(ENCLAVE.map(([, m]) => m.type));
  assert.deepEqual([...types].sort((a, b) => a - b), [20, 21, 22, 23, 24, 25, 26, 27], 'every enclave type is sampled');
});

test('the layout: type byte, u32le id, u32le lengths, u64le integers', () => {
  assert.deepEqual(encodeHost({ type: Type.ReadDbResult, id: 0x01020304 }), Uint8Array.of(5, 4, 3, 2, 1, 0));
  assert.deepEqual(encodeHost({ type: Type.ReadDbResult, id: 1, value: utf8('ab') }), Uint8Array.of(5, 1, 0, 0, 0, 1, 2, 0, 0, 0, 0x61, 0x62));
  assert.deepEqual(encodeEnclave({ type: Type.OcallRange, id: 2, start: Uint8Array.of(9), descending: true, limit: 256 }), Uint8Array.of(21, 2, 0, 0, 0, 1, 1, 0, 0, 0, 9, 0, 1, 0, 1, 0, 0));
  assert.deepEqual(encodeEnclave({ type: Type.Log, level: 'warn', event: 'e', message: '' }), Uint8Array.of(23, 1, 1, 0, 0, 0, 0x65, 0, 0, 0, 0));
  assert.deepEqual(encodeHost({ type: Type.QueryChainResult, id: 3, result: { kind: 'system_error', error: new Uint8Array(0) }, gasUsed: 0x0102030405060708n }), Uint8Array.of(7, 3, 0, 0, 0, 2, 0, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1));
  assert.deepEqual(encodeHost({ type: Type.LoadCodeResult, id: 4 }), Uint8Array.of(9, 4, 0, 0, 0, 0));
  assert.deepEqual(encodeHost({ type: Type.LoadCodeResult, id: 4, code: Uint8Array.of(0, 0x61) }), Uint8Array.of(9, 4, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0x61));
  assert.deepEqual(encodeEnclave({ type: Type.OcallLoadCode, id: 5, codeHash: HASH }), concat(Uint8Array.of(27, 5, 0, 0, 0, 32, 0, 0, 0), HASH));
});

test('fields at their limits round-trip (limits count bytes, not characters)', () => {
  const text = 'é'.repeat(LIMITS.text / 2);
  assert.equal(utf8(text).length, LIMITS.text);
  const fullEnv: Env = { height: 1n, timeNanos: 2n, chainId: text, contract: 'c'.repeat(LIMITS.text), random: fill(32, 3), transaction: { index: 1, hash: 'h'.repeat(LIMITS.text) } };
  const funds = Array.from({ length: LIMITS.funds }, (_, i): Coin => ({ denom: 'd'.repeat(LIMITS.text - 1) + String.fromCharCode(65 + (i % 26)), amount: '9'.repeat(LIMITS.amount) }));
  hostRoundTrip({ type: Type.EcallAllocate, id: 1, code: fill(LIMITS.code, 0x5a) }, 'code');
  hostRoundTrip({ type: Type.EcallInit, id: 2, codeHash: HASH, env: fullEnv, sender: 's'.repeat(LIMITS.text), funds, msg: fill(LIMITS.msg, 0x7b), gasLimit: U64_MAX }, 'init');
  hostRoundTrip({ type: Type.EcallHandle, id: 3, handle: 'sudo', codeHash: HASH, env: fullEnv, sender: text, funds, msg: fill(LIMITS.msg, 0x7b), gasLimit: U64_MAX, oldMigrateVersion: 3n }, 'handle');
  hostRoundTrip({ type: Type.EcallQuery, id: 4, codeHash: HASH, env: fullEnv, msg: fill(LIMITS.msg, 0x7b), gasLimit: 1n, depth: 1 }, 'query');
  hostRoundTrip({ type: Type.ReadDbResult, id: 5, value: fill(LIMITS.value, 1) }, 'value');
  hostRoundTrip({ type: Type.RangeResult, id: 6, records: Array.from({ length: LIMITS.records }, (_, i): [Uint8Array, Uint8Array] => [Uint8Array.of(i >> 8, i & 255), Uint8Array.of(i & 255)]) }, 'records');
  hostRoundTrip({ type: Type.RangeResult, id: 7, records: [[fill(LIMITS.key, 2), fill(LIMITS.value, 3)]] }, 'key and value');
  hostRoundTrip({ type: Type.QueryChainResult, id: 8, result: { kind: 'ok', data: fill(LIMITS.result, 4) }, gasUsed: 1n }, 'query answer');
  hostRoundTrip({ type: Type.OcallFailed, id: 9, message: '✗'.repeat(Math.floor(LIMITS.error / 3)) + 'x' }, 'ocall failed message');
  hostRoundTrip({ type: Type.LoadCodeResult, id: 10, code: fill(LIMITS.code, 0x5b) }, 'loaded code');
  enclaveRoundTrip({ type: Type.OcallReadDb, id: 1, key: fill(LIMITS.key, 5) }, 'key');
  enclaveRoundTrip({ type: Type.OcallRange, id: 2, start: fill(LIMITS.key, 1), end: fill(LIMITS.key, 2), descending: false, limit: 256 }, 'start, end');
  enclaveRoundTrip({ type: Type.OcallQueryChain, id: 3, request: fill(LIMITS.queryRequest, 0x20), depth: 5, gasLimit: 1n }, 'request');
  enclaveRoundTrip({ type: Type.Log, level: 'debug', event: text, message: 'm'.repeat(LIMITS.logMessage) }, 'log');
  enclaveRoundTrip({ type: Type.EcallResult, id: 4, outcome: { kind: 'ok', value: fill(LIMITS.result, 0x22), answer: fill(1024, 0x23), writes: [[fill(LIMITS.key, 0x24), fill(LIMITS.value, 0x25)], [fill(LIMITS.key - 1, 0x24), null]] }, gasUsed: 1n }, 'result');
  enclaveRoundTrip({ type: Type.EcallResult, id: 5, outcome: { kind: 'ok', value: fill(8, 0x22), answer: fill(LIMITS.result, 0x23), writes: [] }, gasUsed: 1n }, 'answer');
  enclaveRoundTrip({ type: Type.EcallResult, id: 6, outcome: { kind: 'contract_error', error: fill(LIMITS.error, 0x26) }, gasUsed: 1n }, 'contract error');
  enclaveRoundTrip({ type: Type.EcallResult, id: 7, outcome: { kind: 'vm_error', errorKind: text, message: 'x'.repeat(LIMITS.error) }, gasUsed: 1n }, 'vm error');
  enclaveRoundTrip({ type: Type.AllocateResult, id: 8, codeHash: HASH, generation: 'g'.repeat(LIMITS.text) }, 'generation');
  enclaveRoundTrip({ type: Type.EnclaveError, id: 9, message: 'e'.repeat(LIMITS.error) }, 'enclave error');
});

test('a write set of LIMITS.writes entries round-trips; one more is refused', () => {
  const empty = new Uint8Array(0);
  const writes: [Uint8Array, Uint8Array | null][] = new Array(LIMITS.writes).fill([empty, null]);
  const b = encodeEnclave({ type: Type.EcallResult, id: 1, outcome: { kind: 'ok', value: empty, writes }, gasUsed: 0n });
  const m = decodeEnclave(b);
  assert.ok(m.type === Type.EcallResult && m.outcome.kind === 'ok' && m.outcome.writes.length === LIMITS.writes);
  writes.push([empty, null]);
  assert.throws(() => encodeEnclave({ type: Type.EcallResult, id: 1, outcome: { kind: 'ok', value: empty, writes }, gasUsed: 0n }), rangeError(/^write set: /));
  // By hand: the count one over, followed by that many entries (an empty key, no value: 5 zero bytes each).
  const crafted = concat(Uint8Array.of(Type.EcallResult), u32le(1), Uint8Array.of(0), u32le(0), Uint8Array.of(0), u32le(LIMITS.writes + 1), new Uint8Array(5 * (LIMITS.writes + 1)), new Uint8Array(8));
  assert.throws(() => decodeEnclave(crafted), protocolError(new RegExp(`^write set: ${LIMITS.writes + 1} items exceed the limit of ${LIMITS.writes} `), 11));
});

test('frame() prefixes the body with its u32le length; a body over LIMITS.frame is refused', () => {
  for (const [what, m] of HOST) {
    const body = encodeHost(m);
    const f = frame(body);
    assert.equal(f.length, body.length + 4, what);
    assert.equal(new DataView(f.buffer, f.byteOffset).getUint32(0, true), body.length, what);
    assert.deepEqual(f.subarray(4), body, what);
  }
  assert.deepEqual(frame(new Uint8Array(0)), Uint8Array.of(0, 0, 0, 0));
  assert.deepEqual(frame(Uint8Array.of(7, 8)).subarray(0, 4), Uint8Array.of(2, 0, 0, 0));
  assert.deepEqual(frame(new Uint8Array(0x01020304 & 0xffff)).subarray(0, 4), Uint8Array.of(0x04, 0x03, 0, 0));
  assert.equal(frame(new Uint8Array(LIMITS.frame)).length, LIMITS.frame + 4);
  assert.throws(() => frame(new Uint8Array(LIMITS.frame + 1)), rangeError(/exceeds the limit/));
});

// ------------------------------------------------------------------------------------------------
// Limits, on both sides.

/**
 * One variable-size field: `make(n)` builds a message whose field holds `n` bytes of `byte` (a string
 * of that many `byte` characters for string fields). The pattern u32le(n) ‖ those bytes must occur once
 * in the encoding at the limit, so that the reader's case can be crafted by splicing one more byte in.
 */
interface Field {
  field: string;
  limit: number;
  byte: number;
  side: 'host' | 'enclave';
  make: (n: number, byte: number) => HostMessage | EnclaveMessage;
}

const str = (n: number, byte: number) => String.fromCharCode(byte).repeat(n);
const initWith = (over: Partial<Extract<HostMessage, { type: Type.EcallInit }>>): HostMessage => ({ type: Type.EcallInit, id: 1, codeHash: HASH, env: ENV_FULL, sender: 'secret1sender', funds: COINS, msg: utf8('{}'), gasLimit: 1n, ...over });

const FIELDS: Field[] = [
  { field: 'code', limit: LIMITS.code, byte: 0x41, side: 'host', make: (n, b) => ({ type: Type.EcallAllocate, id: 1, code: fill(n, b) }) },
  { field: 'chain id', limit: LIMITS.text, byte: 0x51, side: 'host', make: (n, b) => initWith({ env: { ...ENV_FULL, chainId: str(n, b) } }) },
  { field: 'contract address', limit: LIMITS.text, byte: 0x52, side: 'host', make: (n, b) => initWith({ env: { ...ENV_FULL, contract: str(n, b) } }) },
  { field: 'random', limit: 32, byte: 0x53, side: 'host', make: (n, b) => initWith({ env: { ...ENV_FULL, random: fill(n, b) } }) },
  { field: 'transaction hash', limit: LIMITS.text, byte: 0x54, side: 'host', make: (n, b) => initWith({ env: { ...ENV_FULL, transaction: { index: 1, hash: str(n, b) } } }) },
  { field: 'sender', limit: LIMITS.text, byte: 0x55, side: 'host', make: (n, b) => initWith({ sender: str(n, b) }) },
  { field: 'denom', limit: LIMITS.text, byte: 0x56, side: 'host', make: (n, b) => initWith({ funds: [{ denom: 'uscrt', amount: '1' }, { denom: str(n, b), amount: '2' }] }) },
  { field: 'amount', limit: LIMITS.amount, byte: 0x37, side: 'host', make: (n, b) => initWith({ funds: [{ denom: 'uscrt', amount: '1' }, { denom: 'x', amount: str(n, b) }] }) },
  { field: 'msg', limit: LIMITS.msg, byte: 0x7b, side: 'host', make: (n, b) => initWith({ msg: fill(n, b) }) },
  { field: 'msg', limit: LIMITS.msg, byte: 0x7c, side: 'host', make: (n, b) => ({ type: Type.EcallHandle, id: 1, handle: 'reply', codeHash: HASH, env: ENV_MIN, sender: 's', funds: [], msg: fill(n, b), gasLimit: 1n, oldMigrateVersion: 1n }) },
  { field: 'msg', limit: LIMITS.msg, byte: 0x7d, side: 'host', make: (n, b) => ({ type: Type.EcallQuery, id: 1, codeHash: HASH, env: ENV_FULL, msg: fill(n, b), gasLimit: 1n, depth: 1 }) },
  { field: 'value', limit: LIMITS.value, byte: 0x61, side: 'host', make: (n, b) => ({ type: Type.ReadDbResult, id: 1, value: fill(n, b) }) },
  { field: 'key', limit: LIMITS.key, byte: 0x62, side: 'host', make: (n, b) => ({ type: Type.RangeResult, id: 1, records: [[utf8('a'), utf8('1')], [fill(n, b), utf8('2')]] }) },
  { field: 'value', limit: LIMITS.value, byte: 0x63, side: 'host', make: (n, b) => ({ type: Type.RangeResult, id: 1, records: [[utf8('a'), utf8('1')], [utf8('b'), fill(n, b)]] }) },
  { field: 'query answer', limit: LIMITS.result, byte: 0x64, side: 'host', make: (n, b) => ({ type: Type.QueryChainResult, id: 1, result: { kind: 'ok', data: fill(n, b) }, gasUsed: 1n }) },
  { field: 'query answer', limit: LIMITS.result, byte: 0x65, side: 'host', make: (n, b) => ({ type: Type.QueryChainResult, id: 1, result: { kind: 'system_error', error: fill(n, b) }, gasUsed: 1n }) },
  { field: 'message', limit: LIMITS.error, byte: 0x66, side: 'host', make: (n, b) => ({ type: Type.OcallFailed, id: 1, message: str(n, b) }) },
  { field: 'code', limit: LIMITS.code, byte: 0x67, side: 'host', make: (n, b) => ({ type: Type.LoadCodeResult, id: 1, code: fill(n, b) }) },
  { field: 'key', limit: LIMITS.key, byte: 0x41, side: 'enclave', make: (n, b) => ({ type: Type.OcallReadDb, id: 1, key: fill(n, b) }) },
  { field: 'start', limit: LIMITS.key, byte: 0x42, side: 'enclave', make: (n, b) => ({ type: Type.OcallRange, id: 1, start: fill(n, b), end: utf8('z'), descending: false, limit: 1 }) },
  { field: 'end', limit: LIMITS.key, byte: 0x43, side: 'enclave', make: (n, b) => ({ type: Type.OcallRange, id: 1, start: utf8('a'), end: fill(n, b), descending: true, limit: 1 }) },
  { field: 'request', limit: LIMITS.queryRequest, byte: 0x44, side: 'enclave', make: (n, b) => ({ type: Type.OcallQueryChain, id: 1, request: fill(n, b), depth: 2, gasLimit: 1n }) },
  { field: 'event', limit: LIMITS.text, byte: 0x45, side: 'enclave', make: (n, b) => ({ type: Type.Log, level: 'info', event: str(n, b), message: 'm' }) },
  { field: 'message', limit: LIMITS.logMessage, byte: 0x46, side: 'enclave', make: (n, b) => ({ type: Type.Log, level: 'info', event: 'e', message: str(n, b) }) },
  { field: 'result', limit: LIMITS.result, byte: 0x47, side: 'enclave', make: (n, b) => ({ type: Type.EcallResult, id: 1, outcome: { kind: 'ok', value: fill(n, b), answer: utf8('{}'), writes: [] }, gasUsed: 1n }) },
  { field: 'answer', limit: LIMITS.result, byte: 0x48, side: 'enclave', make: (n, b) => ({ type: Type.EcallResult, id: 1, outcome: { kind: 'ok', value: utf8('""'), answer: fill(n, b), writes: [] }, gasUsed: 1n }) },
  { field: 'write key', limit: LIMITS.key, byte: 0x49, side: 'enclave', make: (n, b) => ({ type: Type.EcallResult, id: 1, outcome: { kind: 'ok', value: utf8('{}'), writes: [[utf8('a'), null], [fill(n, b), utf8('v')]] }, gasUsed: 1n }) },
  { field: 'write value', limit: LIMITS.value, byte: 0x4a, side: 'enclave', make: (n, b) => ({ type: Type.EcallResult, id: 1, outcome: { kind: 'ok', value: utf8('{}'), writes: [[utf8('a'), null], [utf8('b'), fill(n, b)]] }, gasUsed: 1n }) },
  { field: 'contract error', limit: LIMITS.error, byte: 0x4b, side: 'enclave', make: (n, b) => ({ type: Type.EcallResult, id: 1, outcome: { kind: 'contract_error', error: fill(n, b) }, gasUsed: 1n }) },
  { field: 'error kind', limit: LIMITS.text, byte: 0x4c, side: 'enclave', make: (n, b) => ({ type: Type.EcallResult, id: 1, outcome: { kind: 'vm_error', errorKind: str(n, b), message: 'm' }, gasUsed: 1n }) },
  { field: 'error message', limit: LIMITS.error, byte: 0x4d, side: 'enclave', make: (n, b) => ({ type: Type.EcallResult, id: 1, outcome: { kind: 'vm_error', errorKind: 'runtime', message: str(n, b) }, gasUsed: 1n }) },
  { field: 'code hash', limit: 32, byte: 0x4e, side: 'enclave', make: (n, b) => ({ type: Type.AllocateResult, id: 1, codeHash: fill(n, b), generation: 'v1' }) },
  { field: 'code hash', limit: 32, byte: 0x51, side: 'enclave', make: (n, b) => ({ type: Type.OcallLoadCode, id: 1, codeHash: fill(n, b) }) },
  { field: 'generation', limit: LIMITS.text, byte: 0x4f, side: 'enclave', make: (n, b) => ({ type: Type.AllocateResult, id: 1, codeHash: HASH, generation: str(n, b) }) },
  { field: 'message', limit: LIMITS.error, byte: 0x50, side: 'enclave', make: (n, b) => ({ type: Type.EnclaveError, id: 1, message: str(n, b) }) },
];

const encodeAny = (side: 'host' | 'enclave', m: HostMessage | EnclaveMessage) => (side === 'host' ? encodeHost(m as HostMessage) : encodeEnclave(m as EnclaveMessage));
const decodeAny = (side: 'host' | 'enclave', b: Uint8Array) => (side === 'host' ? decodeHost(b) : decodeEnclave(b));

/** Where u32le(n) ‖ n × byte starts in `body` (exactly once). */
function locate(body: Uint8Array, n: number, byte: number, what: string): number {
  const pattern = Buffer.concat([u32le(n), fill(Math.min(n, 64), byte)]);
  const b = Buffer.from(body.buffer, body.byteOffset, body.length);
  const at = b.indexOf(pattern);
  assert.ok(at >= 0, `${what}: field not found`);
  assert.equal(b.indexOf(pattern, at + 1), -1, `${what}: field found twice`);
  return at;
}

test('every variable-size field one byte over its limit: the writer throws a RangeError naming it', () => {
  for (const f of FIELDS) {
    const what = `${f.side} ${f.field}`;
    encodeAny(f.side, f.make(f.limit, f.byte)); // at the limit: fine
    assert.throws(() => encodeAny(f.side, f.make(f.limit + 1, f.byte)), rangeError(new RegExp(`^${f.field}: ${f.limit + 1} bytes exceed the limit of ${f.limit}$`)), what);
  }
});

test('every variable-size field one byte over its limit, crafted into bytes: the reader throws a ProtocolError naming it and its offset', () => {
  for (const f of FIELDS) {
    const what = `${f.side} ${f.field}`;
    const body = encodeAny(f.side, f.make(f.limit, f.byte));
    const at = locate(body, f.limit, f.byte, what);
    // The same message with the field one byte longer, every other byte as it was.
    const crafted = concat(body.subarray(0, at), u32le(f.limit + 1), body.subarray(at + 4, at + 4 + f.limit), Uint8Array.of(f.byte), body.subarray(at + 4 + f.limit));
    assert.equal(crafted.length, body.length + 1);
    assert.throws(() => decodeAny(f.side, crafted), protocolError(new RegExp(`^${f.field}: ${f.limit + 1} bytes exceed the limit of ${f.limit} \\(at byte ${at}\\)$`), at), what);
    // A declared length of 4 GiB is refused the same way, before anything is allocated.
    const huge = concat(body.subarray(0, at), u32le(0xffffffff), body.subarray(at + 4));
    assert.throws(() => decodeAny(f.side, huge), protocolError(new RegExp(`^${f.field}: 4294967295 bytes exceed the limit of ${f.limit} `), at), what);
  }
});

test('list counts over their limits: funds, range records, (write sets above); the writer and the reader refuse them', () => {
  const coin = { denom: 'd', amount: '1' };
  encodeHost(initWith({ funds: new Array(LIMITS.funds).fill(coin) }));
  assert.throws(() => encodeHost(initWith({ funds: new Array(LIMITS.funds + 1).fill(coin) })), rangeError(/^funds: 65 coins exceed the limit of 64$/));
  const rec: [Uint8Array, Uint8Array] = [new Uint8Array(0), new Uint8Array(0)];
  encodeHost({ type: Type.RangeResult, id: 1, records: new Array(LIMITS.records).fill(rec) });
  assert.throws(() => encodeHost({ type: Type.RangeResult, id: 1, records: new Array(LIMITS.records + 1).fill(rec) }), rangeError(/records/));

  // Funds by hand: type ‖ id ‖ code hash ‖ env (no random, no transaction) ‖ sender ‖ funds ‖ msg ‖ gas.
  const prefix = new Writer().u8(Type.EcallInit).u32(1).bytes(HASH, 32, 'h').u64(1n).u64(2n).string('c', 9, 'c').string('a', 9, 'a').bool(false).bool(false).string('s', 9, 's').finish();
  const coins = new Writer();
  for (let i = 0; i < LIMITS.funds + 1; i++) coins.string('d', 9, 'd').string('1', 9, 'a');
  const tail = new Writer().bytes(utf8('{}'), 9, 'm').u64(1n).finish();
  assert.throws(() => decodeHost(concat(prefix, u32le(LIMITS.funds + 1), coins.finish(), tail)), protocolError(/^funds: 65 items exceed the limit of 64 /, prefix.length));
  assert.throws(() => decodeHost(concat(prefix, u32le(0xffffffff), tail)), protocolError(/^funds: 4294967295 items exceed the limit of 64 /, prefix.length));

  const records = new Writer().u8(Type.RangeResult).u32(1).u32(LIMITS.records + 1);
  for (let i = 0; i < LIMITS.records + 1; i++) records.u32(0).u32(0);
  assert.throws(() => decodeHost(records.finish()), protocolError(new RegExp(`^records: ${LIMITS.records + 1} items exceed the limit of ${LIMITS.records} `), 5));
});

test('a code hash that is not 32 bytes: the writer and the reader refuse it', () => {
  const init = (h: Uint8Array): HostMessage => ({ type: Type.EcallInit, id: 1, codeHash: h, env: ENV_MIN, sender: 's', funds: [], msg: utf8('{}'), gasLimit: 1n });
  const handle = (h: Uint8Array): HostMessage => ({ type: Type.EcallHandle, id: 1, handle: 'execute', codeHash: h, env: ENV_MIN, sender: 's', funds: [], msg: utf8('{}'), gasLimit: 1n });
  const query = (h: Uint8Array): HostMessage => ({ type: Type.EcallQuery, id: 1, codeHash: h, env: ENV_MIN, msg: utf8('{}'), gasLimit: 1n, depth: 1 });
  for (const [make, at] of [[init, 5], [handle, 6], [query, 5]] as const) {
    for (const n of [0, 1, 31, 33, 64]) assert.throws(() => encodeHost(make(fill(n, 1))), rangeError(/code hash/), `writer, ${n} bytes`);
    const good = encodeHost(make(HASH));
    const rest = good.subarray(at + 4 + 32);
    for (const n of [0, 1, 31]) {
      const crafted = concat(good.subarray(0, at), u32le(n), fill(n, 0xab), rest);
      assert.throws(() => decodeHost(crafted), protocolError(new RegExp(`^code hash: ${n} bytes, expected 32 `), at), `reader, ${n} bytes`);
    }
    for (const n of [33, 64]) {
      const crafted = concat(good.subarray(0, at), u32le(n), fill(n, 0xab), rest);
      assert.throws(() => decodeHost(crafted), protocolError(new RegExp(`^code hash: ${n} bytes exceed the limit of 32 `), at), `reader, ${n} bytes`);
    }
  }
  const alloc = encodeEnclave({ type: Type.AllocateResult, id: 1, codeHash: HASH, generation: 'v1' });
  const load = encodeEnclave({ type: Type.OcallLoadCode, id: 1, codeHash: HASH });
  for (const body of [alloc, load]) {
    for (const n of [0, 31]) {
      const crafted = concat(body.subarray(0, 5), u32le(n), fill(n, 0xab), body.subarray(5 + 4 + 32));
      assert.throws(() => decodeEnclave(crafted), protocolError(new RegExp(`^code hash: ${n} bytes, expected 32 `), 5));
    }
  }
  for (const n of [0, 31, 33]) assert.throws(() => encodeEnclave({ type: Type.OcallLoadCode, id: 1, codeHash: fill(n, 1) }), rangeError(/code hash/), `load_code, ${n} bytes`);
});

test('load_code (ocall and answer): round trip, every truncation, code one over LIMITS.code on both sides', () => {
  const ocall: EnclaveMessage = { type: Type.OcallLoadCode, id: 7, codeHash: HASH };
  const none: HostMessage = { type: Type.LoadCodeResult, id: 7 };
  const full: HostMessage = { type: Type.LoadCodeResult, id: 7, code: fill(LIMITS.code, 0x5c) };
  const bodies = [enclaveRoundTrip(ocall, 'load_code'), hostRoundTrip(none, 'no code'), hostRoundTrip(full, 'code at the limit')];
  assert.equal(bodies[0].length, 1 + 4 + 4 + 32);
  assert.equal(bodies[2].length, 1 + 4 + 1 + 4 + LIMITS.code);
  for (const [side, body] of [['enclave', bodies[0]], ['host', bodies[1]], ['host', encodeHost({ type: Type.LoadCodeResult, id: 7, code: utf8('\0asm') })]] as const) {
    for (let n = 0; n < body.length; n++) assert.throws(() => decodeAny(side, body.subarray(0, n)), protocolError(/truncated, \d+ bytes needed, \d+ left/), `cut at ${n}`);
  }
  // The code field starts after type, id and the presence flag: at byte 6.
  assert.throws(() => encodeHost({ type: Type.LoadCodeResult, id: 7, code: fill(LIMITS.code + 1, 0x5c) }), rangeError(new RegExp(`^code: ${LIMITS.code + 1} bytes exceed the limit of ${LIMITS.code}$`)));
  const over = new Writer().u8(Type.LoadCodeResult).u32(7).bool(true).bytes(fill(LIMITS.code + 1, 0x5c), Infinity, 'code').finish();
  assert.throws(() => decodeHost(over), protocolError(new RegExp(`^code: ${LIMITS.code + 1} bytes exceed the limit of ${LIMITS.code} \\(at byte 6\\)$`), 6));
  const huge = concat(Uint8Array.of(Type.LoadCodeResult), u32le(7), Uint8Array.of(1), u32le(0xffffffff));
  assert.throws(() => decodeHost(huge), protocolError(new RegExp(`^code: 4294967295 bytes exceed the limit of ${LIMITS.code} `), 6));
});

test('bug: the writer produces an allocate_result with a short code hash, which the reader refuses', () => {
  for (const n of [0, 31]) assert.throws(() => encodeEnclave({ type: Type.AllocateResult, id: 1, codeHash: fill(n, 1), generation: 'v1' }), rangeError(/code hash/));
});

// ------------------------------------------------------------------------------------------------
// Malformed bodies.

const SMALL = [...HOST.map(([w, m]) => ['host', w, encodeHost(m)] as const), ...ENCLAVE.map(([w, m]) => ['enclave', w, encodeEnclave(m)] as const)];

test('every truncation of every sample body is a ProtocolError ("truncated"), never another exception', () => {
  let cases = 0;
  for (const [side, what, body] of SMALL) {
    for (let n = 0; n < body.length; n++) {
      assert.throws(() => decodeAny(side, body.subarray(0, n)), (e: unknown) => {
        assert.ok(e instanceof ProtocolError, `${what} cut at ${n}: ${String(e)}`);
        assert.match(e.message, /truncated, \d+ bytes needed, \d+ left/, `${what} cut at ${n}`);
        assert.ok(e.offset !== undefined && e.offset <= n, `${what} cut at ${n}: offset ${e.offset}`);
        return true;
      });
      cases++;
    }
  }
  assert.ok(cases > 1000, `${cases} truncations`);
});

test('trailing bytes after a complete message are refused', () => {
  for (const [side, what, body] of SMALL) {
    for (const extra of [Uint8Array.of(0), Uint8Array.of(1, 2, 3)]) {
      assert.throws(() => decodeAny(side, concat(body, extra)), protocolError(new RegExp(`^${side} message: ${extra.length} unexpected trailing bytes `), body.length), what);
    }
  }
});

test('unknown message types are refused on each side (including the other side\'s types)', () => {
  const hostTypes = new Set<number>([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const enclaveTypes = new Set<number>([20, 21, 22, 23, 24, 25, 26, 27]);
  for (let t = 0; t < 256; t++) {
    const body = concat(Uint8Array.of(t), u32le(1), new Uint8Array(16));
    if (!hostTypes.has(t)) assert.throws(() => decodeHost(body), protocolError(new RegExp(`^unknown host message type ${t} `), 0), `host ${t}`);
    if (!enclaveTypes.has(t)) assert.throws(() => decodeEnclave(body), protocolError(new RegExp(`^unknown enclave message type ${t} `), 0), `enclave ${t}`);
  }
  // An enclave-only message sent to the enclave, and a host message sent to the host.
  for (const [what, m] of ENCLAVE) assert.throws(() => decodeHost(encodeEnclave(m)), protocolError(/^unknown host message type \d+ /, 0), what);
  for (const [what, m] of HOST) assert.throws(() => decodeEnclave(encodeHost(m)), protocolError(/^unknown enclave message type \d+ /), what);
});

test('bug: an unknown host message type too short to hold an id is reported as a truncated id', () => {
  assert.throws(() => decodeHost(Uint8Array.of(99)), protocolError(/^unknown host message type 99 /, 0));
  assert.throws(() => decodeHost(encodeEnclave({ type: Type.Log, level: 'info', event: '', message: '' }).subarray(0, 3)), protocolError(/^unknown host message type 23 /, 0));
});

test('unknown enumeration values: handle type, query answer kind, outcome kind, log level', () => {
  const cases: [string, 'host' | 'enclave', Uint8Array, number, number][] = [
    ['handle type', 'host', encodeHost({ type: Type.EcallHandle, id: 1, handle: 'execute', codeHash: HASH, env: ENV_MIN, sender: 's', funds: [], msg: utf8('{}'), gasLimit: 1n }), 5, HANDLE_TYPES.length],
    ['query answer kind', 'host', encodeHost({ type: Type.QueryChainResult, id: 1, result: { kind: 'ok', data: utf8('{}') }, gasUsed: 1n }), 5, 3],
    ['outcome', 'enclave', encodeEnclave({ type: Type.EcallResult, id: 1, outcome: { kind: 'contract_error', error: utf8('"x"') }, gasUsed: 1n }), 5, 3],
    ['log level', 'enclave', encodeEnclave({ type: Type.Log, level: 'error', event: 'e', message: 'm' }), 1, LOG_LEVELS.length],
  ];
  for (const [what, side, body, at, count] of cases) {
    for (let v = count; v < 256; v++) {
      const b = body.slice();
      b[at] = v;
      assert.throws(() => decodeAny(side, b), protocolError(new RegExp(`^${what}: unknown value ${v} \\(at byte ${at}\\)$`), at), `${what} ${v}`);
    }
  }
});

test('booleans other than 0 and 1 are refused, for every flag', () => {
  const query = encodeHost({ type: Type.EcallQuery, id: 1, codeHash: HASH, env: ENV_MIN, msg: new Uint8Array(0), gasLimit: 1n, depth: 1 });
  const migrate = encodeHost({ type: Type.EcallHandle, id: 1, handle: 'migrate', codeHash: HASH, env: ENV_MIN, sender: '', funds: [], msg: new Uint8Array(0), gasLimit: 1n });
  const result = encodeEnclave({ type: Type.EcallResult, id: 1, outcome: { kind: 'ok', value: new Uint8Array(0), writes: [[new Uint8Array(0), null]] }, gasUsed: 1n });
  // Offsets: type 1, id 4, code hash 4+32, height 8, time 8, chain id 4, contract 4 → random flag at 65.
  const cases: [string, 'host' | 'enclave', Uint8Array, number][] = [
    ['random present', 'host', query, 65],
    ['transaction present', 'host', query, 66],
    ['old migrate version present', 'host', migrate, migrate.length - 1],
    ['value present', 'host', encodeHost({ type: Type.ReadDbResult, id: 1 }), 5],
    ['code present', 'host', encodeHost({ type: Type.LoadCodeResult, id: 1 }), 5],
    ['start present', 'enclave', encodeEnclave({ type: Type.OcallRange, id: 1, descending: false, limit: 1 }), 5],
    ['end present', 'enclave', encodeEnclave({ type: Type.OcallRange, id: 1, descending: false, limit: 1 }), 6],
    ['descending', 'enclave', encodeEnclave({ type: Type.OcallRange, id: 1, descending: false, limit: 1 }), 7],
    ['answer present', 'enclave', result, 10],
    ['write value present', 'enclave', result, 19],
  ];
  for (const [what, side, body, at] of cases) {
    assert.equal(body[at], 0, `${what}: the flag is at ${at}`);
    for (const v of [2, 3, 0x80, 0xff]) {
      const b = body.slice();
      b[at] = v;
      assert.throws(() => decodeAny(side, b), protocolError(new RegExp(`^${what}: ${v} is not a boolean \\(at byte ${at}\\)$`), at), `${what} = ${v}`);
    }
  }
});

test('strings that are not valid UTF-8 are refused, in every string field', () => {
  const BAD = [[0xff], [0x80], [0xc0, 0x80], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x61, 0xfe]];
  const M = 'QQ';
  const cases: [string, 'host' | 'enclave', HostMessage | EnclaveMessage][] = [
    ['chain id', 'host', initWith({ env: { ...ENV_FULL, chainId: M } })],
    ['contract address', 'host', initWith({ env: { ...ENV_FULL, contract: M } })],
    ['transaction hash', 'host', initWith({ env: { ...ENV_FULL, transaction: { index: 1, hash: M } } })],
    ['sender', 'host', initWith({ sender: M })],
    ['denom', 'host', initWith({ funds: [{ denom: M, amount: '1' }] })],
    ['sender', 'host', { type: Type.EcallHandle, id: 1, handle: 'sudo', codeHash: HASH, env: ENV_MIN, sender: M, funds: [], msg: utf8('{}'), gasLimit: 1n }],
    ['message', 'host', { type: Type.OcallFailed, id: 1, message: M }],
    ['event', 'enclave', { type: Type.Log, level: 'info', event: M, message: 'm' }],
    ['message', 'enclave', { type: Type.Log, level: 'info', event: 'e', message: M }],
    ['error kind', 'enclave', { type: Type.EcallResult, id: 1, outcome: { kind: 'vm_error', errorKind: M, message: 'x' }, gasUsed: 1n }],
    ['error message', 'enclave', { type: Type.EcallResult, id: 1, outcome: { kind: 'vm_error', errorKind: 'x', message: M }, gasUsed: 1n }],
    ['generation', 'enclave', { type: Type.AllocateResult, id: 1, codeHash: HASH, generation: M }],
    ['message', 'enclave', { type: Type.EnclaveError, id: 1, message: M }],
  ];
  for (const [what, side, m] of cases) {
    const body = encodeAny(side, m);
    const at = locate(body, 2, 0x51, what);
    for (const bad of BAD) {
      const crafted = concat(body.subarray(0, at), u32le(bad.length), Uint8Array.from(bad), body.subarray(at + 6));
      assert.throws(() => decodeAny(side, crafted), protocolError(new RegExp(`^${what}: not valid UTF-8 \\(at byte ${at}\\)$`), at), `${what} ${bad}`);
    }
  }
  // The amount too (it is read as a string before its digits are checked).
  const body = encodeHost(initWith({ funds: [{ denom: 'd', amount: '12' }] }));
  const at = Buffer.from(body).indexOf(Buffer.concat([u32le(2), utf8('12')]));
  assert.throws(() => decodeHost(concat(body.subarray(0, at), u32le(1), Uint8Array.of(0xff), body.subarray(at + 6))), protocolError(/^amount: not valid UTF-8 /, at));
});

test('coin amounts that are not decimal integers are refused by the reader', () => {
  for (const amount of ['', '-1', '+1', '1.5', '1e3', '0x10', ' 1', '1 ', '١٢', '１', 'NaN', '12a']) {
    // Crafted by hand (the writer refuses them too: see the writer test below).
    const good = encodeHost(initWith({ funds: [{ denom: 'uscrt', amount: '7' }, { denom: 'd', amount: '1' }] }));
    const at = Buffer.from(good).indexOf(Buffer.concat([u32le(1), utf8('d'), u32le(1), utf8('1')])) + 5;
    const a = utf8(amount);
    const crafted = concat(good.subarray(0, at), u32le(a.length), a, good.subarray(at + 5));
    assert.throws(() => decodeHost(crafted), protocolError(/^amount "[^"]*" is not a decimal integer /, at), JSON.stringify(amount));
  }
  for (const amount of ['0', '007', '9'.repeat(LIMITS.amount)]) hostRoundTrip(initWith({ funds: [{ denom: 'd', amount }] }), amount);
});

test('bug: the writer encodes coin amounts that the reader refuses', () => {
  for (const amount of ['', '1.5', '-1']) assert.throws(() => encodeHost(initWith({ funds: [{ denom: 'd', amount }] })), rangeError(/amount/));
});

test('bug: a string beginning with U+FEFF loses it on the way through', () => {
  hostRoundTrip({ type: Type.OcallFailed, id: 1, message: '\uFEFFx' }, 'BOM message');
  hostRoundTrip(initWith({ sender: '\uFEFFsecret1abc' }), 'BOM sender');
  enclaveRoundTrip({ type: Type.Log, level: 'info', event: '\uFEFF', message: '' }, 'BOM event');
});

test('bug: strings that are not well-formed UTF-16 are silently changed by the writer', () => {
  assert.throws(() => encodeHost({ type: Type.OcallFailed, id: 1, message: 'a\ud800b' }), rangeError(/message/));
  assert.throws(() => encodeHost(initWith({ sender: 'x\udc00' })), rangeError(/sender/));
});

test('bug: values outside an enumeration are written as 255 instead of being refused', () => {
  const bad = <T>(v: unknown) => v as T;
  assert.throws(() => encodeHost({ type: Type.EcallHandle, id: 1, handle: bad('instantiate'), codeHash: HASH, env: ENV_MIN, sender: '', funds: [], msg: utf8('{}'), gasLimit: 1n }), RangeError);
  assert.throws(() => encodeHost({ type: Type.QueryChainResult, id: 1, result: bad<QueryAnswer>({ kind: 'maybe', data: utf8('{}') }), gasUsed: 1n }), RangeError);
  assert.throws(() => encodeEnclave({ type: Type.Log, level: bad('trace'), event: '', message: '' }), RangeError);
  assert.throws(() => encodeHost(bad<HostMessage>({ type: 77, id: 1 })), RangeError);
});

test('bug: env.random is accepted at any length up to 32 bytes', () => {
  for (const n of [0, 5, 31]) {
    assert.throws(() => encodeHost(initWith({ env: { ...ENV_FULL, random: fill(n, 1) } })), rangeError(/random/), `${n} bytes`);
    const body = encodeHost(initWith({ env: { ...ENV_FULL, random: fill(32, 0x5e) } }));
    const at = locate(body, 32, 0x5e, 'random');
    assert.throws(() => decodeHost(concat(body.subarray(0, at), u32le(n), fill(n, 0x5e), body.subarray(at + 36))), protocolError(/random/, at), `${n} bytes`);
  }
});

test('bug: the total size of a write set is not limited (LIMITS.writeBytes is never checked)', () => {
  const writes = Array.from({ length: 140 }, (_, i): [Uint8Array, Uint8Array | null] => [Uint8Array.of(i), fill(LIMITS.value, 1)]);
  const m: EnclaveMessage = { type: Type.EcallResult, id: 1, outcome: { kind: 'ok', value: utf8('{}'), writes }, gasUsed: 1n };
  assert.throws(() => encodeEnclave(m), rangeError(/write set/));
  // By hand, as the host would receive it.
  const w = new Writer().u8(Type.EcallResult).u32(1).u8(0).bytes(utf8('{}'), 2, 'r').bool(false).u32(writes.length);
  for (const [k, v] of writes) w.bytes(k, Infinity, 'k').bool(true).bytes(v!, Infinity, 'v');
  assert.throws(() => decodeEnclave(w.u64(1n).finish()), protocolError(/write set/));
});

// ------------------------------------------------------------------------------------------------
// Property tests.

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u64 = fc.bigInt({ min: 0n, max: U64_MAX });
const blob = (maxLength = 24) => fc.uint8Array({ maxLength });
// A leading U+FEFF is the known BOM bug above; lone surrogates the known writer bug: both left out here.
const text = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !s.startsWith('\uFEFF') && utf8(s).length <= LIMITS.text);
const amount = fc.bigInt({ min: 0n, max: 10n ** 40n - 1n }).map(String);
const coin = fc.record({ denom: text, amount });
const env: fc.Arbitrary<Env> = fc.record(
  { height: u64, timeNanos: u64, chainId: text, contract: text, random: fc.uint8Array({ minLength: 32, maxLength: 32 }), transaction: fc.record({ index: u32, hash: text }) },
  { requiredKeys: ['height', 'timeNanos', 'chainId', 'contract'] },
);
const hash32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const call = { id: u32, codeHash: hash32, env, msg: blob(), gasLimit: u64 };
const answer: fc.Arbitrary<QueryAnswer> = fc.oneof(
  fc.record({ kind: fc.constant('ok' as const), data: blob() }),
  fc.record({ kind: fc.constant('contract_error' as const), error: blob() }),
  fc.record({ kind: fc.constant('system_error' as const), error: blob() }),
);

const hostMessage = fc.oneof(
  fc.record({ type: fc.constant(Type.EcallAllocate as const), id: u32, code: blob(64) }),
  fc.record({ type: fc.constant(Type.EcallInit as const), ...call, sender: text, funds: fc.array(coin, { maxLength: 3 }) }),
  fc.record(
    { type: fc.constant(Type.EcallHandle as const), ...call, handle: fc.constantFrom(...HANDLE_TYPES), sender: text, funds: fc.array(coin, { maxLength: 3 }), oldMigrateVersion: u64 },
    { requiredKeys: ['type', 'id', 'codeHash', 'env', 'msg', 'gasLimit', 'handle', 'sender', 'funds'] },
  ),
  fc.record({ type: fc.constant(Type.EcallQuery as const), ...call, depth: u32 }),
  fc.record({ type: fc.constant(Type.ReadDbResult as const), id: u32, value: blob() }, { requiredKeys: ['type', 'id'] }),
  fc.record({ type: fc.constant(Type.RangeResult as const), id: u32, records: fc.array(fc.tuple(blob(8), blob(8)), { maxLength: 5 }) }),
  fc.record({ type: fc.constant(Type.QueryChainResult as const), id: u32, result: answer, gasUsed: u64 }),
  fc.record({ type: fc.constant(Type.OcallFailed as const), id: u32, message: text }),
  fc.record({ type: fc.constant(Type.LoadCodeResult as const), id: u32, code: blob(64) }, { requiredKeys: ['type', 'id'] }),
) as fc.Arbitrary<HostMessage>;

const outcome = fc.oneof(
  fc.record({ kind: fc.constant('ok' as const), value: blob(), answer: blob(), writes: fc.array(fc.tuple(blob(8), fc.option(blob(8), { nil: null })), { maxLength: 4 }) }, { requiredKeys: ['kind', 'value', 'writes'] }),
  fc.record({ kind: fc.constant('contract_error' as const), error: blob() }),
  fc.record({ kind: fc.constant('vm_error' as const), errorKind: text, message: text }),
);

const enclaveMessage = fc.oneof(
  fc.record({ type: fc.constant(Type.OcallReadDb as const), id: u32, key: blob() }),
  fc.record({ type: fc.constant(Type.OcallRange as const), id: u32, start: blob(8), end: blob(8), descending: fc.boolean(), limit: u32 }, { requiredKeys: ['type', 'id', 'descending', 'limit'] }),
  fc.record({ type: fc.constant(Type.OcallQueryChain as const), id: u32, request: blob(), depth: u32, gasLimit: u64 }),
  fc.record({ type: fc.constant(Type.Log as const), level: fc.constantFrom(...LOG_LEVELS), event: text, message: text }),
  fc.record({ type: fc.constant(Type.EcallResult as const), id: u32, outcome, gasUsed: u64 }),
  fc.record({ type: fc.constant(Type.AllocateResult as const), id: u32, codeHash: hash32, generation: text }),
  fc.record({ type: fc.constant(Type.EnclaveError as const), id: u32, message: text }),
  fc.record({ type: fc.constant(Type.OcallLoadCode as const), id: u32, codeHash: hash32 }),
) as fc.Arbitrary<EnclaveMessage>;

test('property: arbitrary messages of both directions round-trip', () => {
  // fast-check builds null-prototype records; structuredClone gives the plain objects decoding returns.
  fc.assert(fc.property(hostMessage, (m) => {
    assert.deepEqual(decodeHost(encodeHost(m)), structuredClone(m));
  }), { numRuns: 2000 });
  fc.assert(fc.property(enclaveMessage, (m) => {
    assert.deepEqual(decodeEnclave(encodeEnclave(m)), structuredClone(m));
  }), { numRuns: 2000 });
});

/** Decodes `b`: a message, or a ProtocolError with an offset inside the body; anything else fails. */
function decodesOrRefuses(side: 'host' | 'enclave', b: Uint8Array): HostMessage | EnclaveMessage | undefined {
  try {
    return decodeAny(side, b);
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw new Error(`${side} decoder threw ${String(e)} for ${Buffer.from(b).toString('hex')}`);
    if (e.offset === undefined || e.offset < 0 || e.offset > b.length) throw new Error(`offset ${e.offset} outside a ${b.length}-byte body: ${e.message}`);
    return undefined;
  }
}

const anyType = fc.oneof(fc.constantFrom(1, 2, 3, 4, 5, 6, 7, 8, 9, 20, 21, 22, 23, 24, 25, 26, 27), fc.integer({ min: 0, max: 255 }));

test('property: arbitrary bytes either decode or are a ProtocolError, on both sides', () => {
  const bodies = fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.tuple(anyType, fc.uint8Array({ maxLength: 300 })).map(([t, rest]) => concat(Uint8Array.of(t), rest)),
    // Mostly small lengths, so that fields are read past their length prefix.
    fc.tuple(anyType, fc.array(fc.oneof(fc.constantFrom(0, 1, 2, 32).map(u32le), fc.uint8Array({ maxLength: 8 })), { maxLength: 40 })).map(([t, parts]) => concat(Uint8Array.of(t), ...parts)),
  );
  fc.assert(fc.property(bodies, (b) => {
    decodesOrRefuses('host', b);
    decodesOrRefuses('enclave', b);
  }), { numRuns: 4000 });
});

type Mutation = { kind: 'flip'; at: number; mask: number } | { kind: 'truncate'; at: number } | { kind: 'insert'; at: number; bytes: Uint8Array } | { kind: 'delete'; at: number; n: number } | { kind: 'u32'; at: number; v: number };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 6 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant('u32' as const), at: fc.nat(), v: fc.oneof(fc.integer({ min: 0, max: 64 }), u32) }),
);

function mutate(b: Uint8Array, ms: Mutation[]): Uint8Array {
  let out = b.slice();
  for (const m of ms) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1);
    switch (m.kind) {
      case 'flip': if (at < out.length) out[at] ^= m.mask; break;
      case 'truncate': out = out.slice(0, at); break;
      case 'insert': out = concat(out.subarray(0, at), m.bytes, out.subarray(at)); break;
      case 'delete': out = concat(out.subarray(0, at), out.subarray(at + m.n)); break;
      case 'u32': if (at + 4 <= out.length) out.set(u32le(m.v), at); break;
    }
  }
  return out;
}

/** A mutated body that still decodes must be that message's one encoding (the codec is canonical). */
function canonical(side: 'host' | 'enclave', b: Uint8Array, m: HostMessage | EnclaveMessage): void {
  const again = encodeAny(side, m);
  assert.deepEqual(again, b, `${side}: decoded, but re-encodes differently`);
}

test('property: byte flips, truncations, insertions and deletions of valid encodings decode or are a ProtocolError', () => {
  fc.assert(fc.property(hostMessage, fc.array(mutation, { minLength: 1, maxLength: 4 }), (m, ms) => {
    const b = mutate(encodeHost(m), ms);
    const d = decodesOrRefuses('host', b);
    if (d !== undefined) canonical('host', b, d);
    decodesOrRefuses('enclave', b);
  }), { numRuns: 3000 });
  fc.assert(fc.property(enclaveMessage, fc.array(mutation, { minLength: 1, maxLength: 4 }), (m, ms) => {
    const b = mutate(encodeEnclave(m), ms);
    const d = decodesOrRefuses('enclave', b);
    if (d !== undefined) canonical('enclave', b, d);
    decodesOrRefuses('host', b);
  }), { numRuns: 3000 });
});
