// The in-process Enclave against a host that lies. A fake OcallPort answers the enclave's ocalls
// (read_db, range, query_chain, load_code) with the wrong message type, another ecall's id,
// ocall_failed, range answers with too many records / keys outside the range / keys out of order,
// query_chain answers over the gas limit or with error bytes that are not JSON / not a one-variant
// SystemError, load_code answers with no code, other code or bytes that are not code; the host
// also sends answers and enclave-only messages as ecalls. Each such ecall must end in enclave_error
// "host misbehaved: …" that echoes no key, value or message of the call, and the same Enclave must
// then answer an honest call exactly as the in-process VM does. A fuzz loop mixes random well-formed
// lies with honest answers, some on an enclave that keeps one code, so that its calls load code too.
// Storage: token-v1, kitchen-sink-v1 and a hand-written iterating contract; code the enclave must load:
// small numbered contracts that the fake host has and never staged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { base64, bech32 } from '@scure/base';
import {
  LIMITS, ProtocolError, Type, Writer, decodeEnclave, decodeHost, encodeEnclave, encodeHost, frame,
  type EnclaveMessage, type Env, type HostMessage, type QueryAnswer,
} from '@cloak/protocol';
import { MemoryStorage, Vm, stringifyJson, type CallEnv, type CallResult, type Querier, type StoredCode } from '@cloak/vm';
import { Enclave, OcallStorage, PipePort, type OcallPort } from '@cloak/enclave';
import { ITERATING_CONTRACT } from './support/iterating.js';
import { numberedContract } from './support/numbered.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const addr = (n: number) => bech32.encode('secret', bech32.toWords(new Uint8Array(20).fill(n)));
const TOKEN = new Uint8Array(readFileSync(new URL('../../../contracts/build/token-v1.wasm', import.meta.url)));
const SINK = new Uint8Array(readFileSync(new URL('../../../contracts/build/kitchen-sink-v1.wasm', import.meta.url)));
const GAS = 10_000_000n;
/** What the honest host answers every query_chain with, and the gas it says that cost. */
const BANK = enc.encode('{"amount":{"denom":"uscrt","amount":"5"}}');
const QUERY_GAS = 1_000n;
const min = (a: bigint, b: bigint) => (a < b ? a : b);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// ------------------------------------------------------------------------------------------------
// Fixture: one Enclave for the whole file (it must stay clean through every lie), three contracts
// staged in it, each with its own storage, and the in-process VM as the reference for honest calls.

type Kind = 'init' | 'execute' | 'query' | 'sudo' | 'migrate';
interface Contract { name: string; codeHash: Uint8Array; code: StoredCode; env: Env; storage: MemoryStorage }
interface Call { contract: Contract; kind: Kind; msg: string; sender?: string }

const enclave = new Enclave();
/** An enclave that keeps one code: most of the fuzz's calls on it load their code. */
const forgetful = new Enclave({ codeCache: 1 });
const vm = new Vm();
let nextId = 100;
/** The fake host's code store: every contract's upload by code hash (staged or not). */
const UPLOADS = new Map<string, Uint8Array>();

/** A host that answers honestly from `storage`, except where `lie` returns an answer. */
class FakeHost implements OcallPort {
  readonly ocalls: EnclaveMessage[] = [];
  readonly answers: HostMessage[] = [];
  readonly logs: string[] = [];
  readonly oddities: string[] = [];
  lies = 0;

  constructor(private readonly storage: MemoryStorage, private readonly lie?: (m: EnclaveMessage, n: number) => HostMessage | undefined) {}

  honest(m: EnclaveMessage): HostMessage {
    switch (m.type) {
      case Type.OcallReadDb: {
        const value = this.storage.get(m.key);
        return value === undefined ? { type: Type.ReadDbResult, id: m.id } : { type: Type.ReadDbResult, id: m.id, value };
      }
      case Type.OcallRange:
        return { type: Type.RangeResult, id: m.id, records: this.storage.range(m.start, m.end, m.descending ? 'descending' : 'ascending', Math.min(m.limit, LIMITS.records)) };
      case Type.OcallQueryChain:
        return { type: Type.QueryChainResult, id: m.id, result: { kind: 'ok', data: BANK }, gasUsed: min(QUERY_GAS, m.gasLimit) };
      case Type.OcallLoadCode: {
        const code = UPLOADS.get(hex(m.codeHash));
        return code === undefined ? { type: Type.LoadCodeResult, id: m.id } : { type: Type.LoadCodeResult, id: m.id, code };
      }
      default:
        this.oddities.push(`the enclave sent ${Type[m.type]} as an ocall`);
        return { type: Type.OcallFailed, id: 0, message: 'not an ocall' };
    }
  }

  ocall(m: EnclaveMessage): HostMessage {
    this.ocalls.push(m);
    const lie = this.lie?.(m, this.ocalls.length - 1);
    if (lie !== undefined) this.lies++;
    const a = lie ?? this.honest(m);
    this.answers.push(a);
    return a;
  }

  send(m: EnclaveMessage): void {
    if (m.type === Type.Log) this.logs.push(`${m.level} ${m.event} ${m.message}`);
    else this.oddities.push(`the enclave sent ${Type[m.type]} one way`);
  }
}

function ecall(call: Call, id: number): HostMessage {
  const { contract: c, kind } = call;
  const msg = enc.encode(call.msg);
  const base = { id, codeHash: c.codeHash, env: c.env, msg, gasLimit: GAS };
  switch (kind) {
    case 'init': return { type: Type.EcallInit, ...base, sender: call.sender!, funds: [] };
    case 'query': return { type: Type.EcallQuery, ...base, depth: 1 };
    case 'execute': case 'migrate': return { type: Type.EcallHandle, handle: kind, ...base, sender: call.sender!, funds: [] };
    case 'sudo': return { type: Type.EcallHandle, handle: 'sudo', ...base, sender: '', funds: [] };
  }
}

function run(call: Call, host: FakeHost, id = nextId++, on = enclave): { id: number; result: EnclaveMessage } {
  return { id, result: on.dispatch(ecall(call, id), host) };
}

/** The in-process VM's answer to `call`, on a copy of the contract's storage. */
function reference(call: Call): CallResult {
  const { contract: c, kind } = call;
  const storage = new MemoryStorage();
  for (const [k, v] of c.storage.range(undefined, undefined, 'ascending')) storage.set(k, v);
  const querier: Querier = { query: (_r, _d, gasLimit) => ({ result: { ok: BANK }, gasUsed: min(QUERY_GAS, gasLimit) }) };
  const env: CallEnv = {
    block: { height: c.env.height, timeNanos: c.env.timeNanos, chainId: c.env.chainId },
    contract: { address: c.env.contract, codeHash: c.code.checksum },
    transaction: c.env.transaction ?? null,
  };
  const base = { env, storage, querier, gasLimit: GAS, msg: enc.encode(call.msg) };
  switch (kind) {
    case 'init': return vm.instantiate(c.code, { ...base, sender: call.sender! });
    case 'execute': return vm.execute(c.code, { ...base, sender: call.sender! });
    case 'query': return vm.query(c.code, base);
    case 'sudo': return vm.sudo(c.code, base);
    case 'migrate': return vm.migrate(c.code, { ...base, sender: call.sender! });
  }
}

const writes = (w: [Uint8Array, Uint8Array | null][]) => w.map(([k, v]) => [hex(k), v === null ? null : hex(v)]);

/** The in-process VM's result and the enclave's answer in the same terms (as in process.test.ts). */
function expected(r: CallResult): string {
  if (r.kind === 'ok') return stringifyJson({ kind: 'ok', value: stringifyJson(r.value), answer: r.answer ? dec.decode(r.answer) : null, gas: r.gasUsed, writes: writes(r.changes) });
  if (r.kind === 'contract_error') return stringifyJson({ kind: 'contract_error', error: stringifyJson(r.error), gas: r.gasUsed });
  return stringifyJson({ kind: 'vm_error', error: `${r.error.kind}: ${r.error.message}`, gas: r.gasUsed });
}

function got(m: EnclaveMessage): string {
  if (m.type !== Type.EcallResult) return `${Type[m.type]}: ${'message' in m ? m.message : ''}`;
  const o = m.outcome;
  if (o.kind === 'ok') return stringifyJson({ kind: 'ok', value: dec.decode(o.value), answer: o.answer ? dec.decode(o.answer) : null, gas: m.gasUsed, writes: writes(o.writes) });
  if (o.kind === 'contract_error') return stringifyJson({ kind: 'contract_error', error: dec.decode(o.error), gas: m.gasUsed });
  return stringifyJson({ kind: 'vm_error', error: `${o.errorKind}: ${o.message}`, gas: m.gasUsed });
}

/** Runs `call` with an honest host: the answer is the in-process VM's, to the byte and the gas. */
function honest(call: Call): EnclaveMessage {
  const host = new FakeHost(call.contract.storage);
  const { id, result } = run(call, host);
  assert.equal('id' in result ? result.id : undefined, id);
  assert.equal(got(result), expected(reference(call)), `honest ${call.contract.name} ${call.kind} ${call.msg}`);
  assert.deepEqual(host.oddities, []);
  encodeEnclave(result);
  return result;
}

/** A contract whose code the fake host has (not staged: the enclave loads it when a call names it). */
function unstaged(name: string, code: Uint8Array, contract: string, storage = new MemoryStorage()): Contract {
  const stored = vm.storeCode(code);
  UPLOADS.set(stored.checksum, code);
  return { name, codeHash: Buffer.from(stored.checksum, 'hex'), code: stored, storage, env: { height: 7n, timeNanos: 1_700_000_000_000_000_000n, chainId: 'secretdev-1', contract, transaction: { index: 0, hash: 'AB'.repeat(32) } } };
}

function stage(name: string, code: Uint8Array, contract: string, storage = new MemoryStorage()): Contract {
  const staged = enclave.dispatch({ type: Type.EcallAllocate, id: nextId++, code }, new FakeHost(storage));
  assert.equal(staged.type, Type.AllocateResult, got(staged));
  const c = unstaged(name, code, contract, storage);
  assert.equal(hex((staged as { codeHash: Uint8Array }).codeHash), c.code.checksum);
  return c;
}

/** An honest instantiate whose writes are applied. */
function instantiate(c: Contract, msg: unknown): void {
  const r = honest({ contract: c, kind: 'init', sender: addr(1), msg: JSON.stringify(msg) });
  assert.ok(r.type === Type.EcallResult && r.outcome.kind === 'ok', got(r));
  for (const [k, v] of r.outcome.writes) v === null ? c.storage.remove(k) : c.storage.set(k, v);
}

const token = stage('token', TOKEN, addr(9));
instantiate(token, { name: 'Cloak Token', symbol: 'CLK', decimals: 6, initial_balances: [{ address: addr(1), amount: '1000' }] });
const sink = stage('kitchen sink', SINK, addr(8));
instantiate(sink, { write_many: { entries: [['apple', 'value-of-apple-1'], ['banana', 'value-of-banana-2'], ['cherry', 'value-of-cherry-3']] } });
const iter = stage('iterating', ITERATING_CONTRACT, addr(7));
for (const k of ['a', 'c', 'e']) iter.storage.set(enc.encode(k), enc.encode(`value-of-key-${k}`));

const CALLS = {
  transfer: { contract: token, kind: 'execute', sender: addr(1), msg: JSON.stringify({ transfer: { recipient: addr(2), amount: '100' } }) },
  balance: { contract: token, kind: 'query', msg: JSON.stringify({ balance: { address: addr(1) } }) },
  scan: { contract: sink, kind: 'query', msg: '{"scan":{}}' },
  scanBounded: { contract: sink, kind: 'query', msg: '{"scan":{"start":"banana","end":"cherry"}}' },
  bank: { contract: sink, kind: 'query', msg: JSON.stringify({ bank_balance: { address: addr(3), denom: 'uscrt' } }) },
  iterUp: { contract: iter, kind: 'execute', sender: addr(1), msg: '{}' },
  iterDown: { contract: iter, kind: 'sudo', msg: '{}' },
} satisfies Record<string, Call>;

// ------------------------------------------------------------------------------------------------
// What must not leak: the call's message (and the strings in it), every key the enclave asked for,
// every value it was given, the query it sent, and the contract's stored values.

function secretsOf(call: Call, host?: FakeHost): Uint8Array[] {
  const out: Uint8Array[] = [enc.encode(call.msg)];
  const strings = (v: unknown): void => {
    if (typeof v === 'string') out.push(enc.encode(v));
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(strings);
  };
  strings(JSON.parse(call.msg));
  for (const [k, v] of call.contract.storage.range(undefined, undefined, 'ascending')) out.push(k, v);
  for (const m of host?.ocalls ?? []) {
    if (m.type === Type.OcallReadDb) out.push(m.key);
    if (m.type === Type.OcallRange) out.push(...[m.start, m.end].filter((x): x is Uint8Array => x !== undefined));
    if (m.type === Type.OcallQueryChain) out.push(m.request);
  }
  for (const a of host?.answers ?? []) {
    if (a.type === Type.ReadDbResult && a.value) out.push(a.value);
    if (a.type === Type.RangeResult) for (const [k, v] of a.records) out.push(k, v);
    if (a.type === Type.QueryChainResult) out.push(a.result.kind === 'ok' ? a.result.data : a.result.error);
  }
  return out;
}

function assertNoSecrets(text: string, secrets: Uint8Array[]): void {
  for (const s of secrets) {
    // Short ones ("100", "a", a numeric balance) would be found by accident in ids and gas amounts.
    if (s.length < 5 || /^[0-9]+$/.test(dec.decode(s))) continue;
    for (const form of [Buffer.from(s).toString('latin1'), dec.decode(s), hex(s), base64.encode(s)]) {
      assert.ok(!text.includes(form), `the error echoes ${JSON.stringify(form)}: ${text}`);
    }
  }
}

type Lie = (m: EnclaveMessage, n: number) => HostMessage | undefined;

/** `call` with a lying host: enclave_error "host misbehaved: …" (matching `re`), nothing echoed; then honest calls work. */
function refused(call: Call, lie: Lie | undefined, re: RegExp, message?: (id: number) => HostMessage): string {
  const host = new FakeHost(call.contract.storage, lie);
  const id = nextId++;
  const result = message ? enclave.dispatch(message(id), host) : run(call, host, id).result;
  if (lie) assert.ok(host.lies > 0, 'the lie was told');
  assert.equal(result.type, Type.EnclaveError, got(result));
  assert.ok(result.type === Type.EnclaveError);
  assert.equal(result.id, id);
  assert.ok(result.message.startsWith('host misbehaved: '), result.message);
  assert.match(result.message, re);
  assert.deepEqual(host.oddities, []);
  encodeEnclave(result);
  assertNoSecrets([result.message, ...host.logs].join('\n'), secretsOf(call, host));
  assert.ok(host.logs.some((l) => l.startsWith('error ecall_failed ')), 'the failure is logged');
  // The enclave is up and clean: the same call, and another contract's, answered honestly are exact.
  honest(call);
  honest(call.contract === token ? CALLS.scan : CALLS.balance);
  return result.message;
}

/** Lies on the `nth` ocall of type `type` (0 = the first), answering with `answer(m)`. */
function on<T extends EnclaveMessage['type']>(type: T, answer: (m: Extract<EnclaveMessage, { type: T }>) => HostMessage, nth = 0): Lie {
  let seen = -1;
  return (m) => {
    if (m.type !== type) return undefined;
    seen++;
    return seen === nth ? answer(m as Extract<EnclaveMessage, { type: T }>) : undefined;
  };
}

const ecallId = (message: string) => Number(/for ecall (\d+)/.exec(message)?.[1]);

// ------------------------------------------------------------------------------------------------

test('honest calls through the fake host give the in-process VM\'s answers (the baseline)', () => {
  for (const call of Object.values(CALLS)) honest(call);
  const r = honest(CALLS.iterUp);
  assert.ok(r.type === Type.EcallResult && r.outcome.kind === 'ok');
});

test('read_db answered with the wrong message type', () => {
  const wrong: [string, (m: { id: number }) => HostMessage][] = [
    ['RangeResult', (m) => ({ type: Type.RangeResult, id: m.id, records: [] })],
    ['QueryChainResult', (m) => ({ type: Type.QueryChainResult, id: m.id, result: { kind: 'ok', data: BANK }, gasUsed: 0n })],
    ['EcallQuery', (m) => ({ type: Type.EcallQuery, id: m.id, codeHash: token.codeHash, env: token.env, msg: enc.encode(CALLS.balance.msg), gasLimit: GAS, depth: 1 })],
    ['EcallAllocate', (m) => ({ type: Type.EcallAllocate, id: m.id, code: new Uint8Array(0) })],
    ['LoadCodeResult', (m) => ({ type: Type.LoadCodeResult, id: m.id, code: TOKEN })],
  ];
  for (const [name, answer] of wrong) {
    for (const call of [CALLS.transfer, CALLS.balance]) {
      const message = refused(call, on(Type.OcallReadDb, answer), new RegExp(`^host misbehaved: expected read_db_result for ecall \\d+, got ${name} for \\d+$`));
      assert.equal(ecallId(message), nextId - 3, message); // the ecall refused (two honest calls came after it)
    }
  }
  // The second read of a transfer (the recipient's balance), after an honest first one.
  refused(CALLS.transfer, on(Type.OcallReadDb, (m) => ({ type: Type.RangeResult, id: m.id, records: [] }), 1), /expected read_db_result for ecall \d+, got RangeResult/);
});

test('read_db answered for another ecall', () => {
  for (const delta of [1, -1, 1000]) {
    const message = refused(CALLS.transfer, on(Type.OcallReadDb, (m) => ({ type: Type.ReadDbResult, id: (m.id + delta) >>> 0, value: enc.encode('"999999"') })), /^host misbehaved: expected read_db_result for ecall (\d+), got ReadDbResult for (\d+)$/);
    const [, mine, theirs] = /ecall (\d+), got ReadDbResult for (\d+)/.exec(message)!;
    assert.equal(Number(theirs), (Number(mine) + delta) >>> 0);
  }
  for (const id of [0, 0xffffffff]) refused(CALLS.balance, on(Type.OcallReadDb, () => ({ type: Type.ReadDbResult, id })), new RegExp(`got ReadDbResult for ${id}$`));
  refused(CALLS.transfer, on(Type.OcallReadDb, (m) => ({ type: Type.ReadDbResult, id: m.id + 1 }), 1), /got ReadDbResult for \d+$/);
});

test('read_db answered with ocall_failed', () => {
  refused(CALLS.balance, on(Type.OcallReadDb, (m) => ({ type: Type.OcallFailed, id: m.id, message: 'the disk is on fire' })), /^host misbehaved: the host could not answer \(the disk is on fire\)$/);
  refused(CALLS.transfer, on(Type.OcallReadDb, (m) => ({ type: Type.OcallFailed, id: m.id + 7, message: '' }), 1), /^host misbehaved: the host could not answer \(\)$/);
  // A long excuse is cut short.
  const message = refused(CALLS.balance, on(Type.OcallReadDb, (m) => ({ type: Type.OcallFailed, id: m.id, message: 'z'.repeat(LIMITS.error) })), /the host could not answer \(z+…\)$/);
  assert.ok(message.length < 300, `${message.length} characters`);
});

test('range answered with the wrong message type, for another ecall, or with ocall_failed', () => {
  refused(CALLS.scan, on(Type.OcallRange, (m) => ({ type: Type.ReadDbResult, id: m.id, value: enc.encode('value-of-apple-1') })), /^host misbehaved: expected range_result for ecall \d+, got ReadDbResult for \d+$/);
  refused(CALLS.scan, on(Type.OcallRange, (m) => ({ type: Type.QueryChainResult, id: m.id, result: { kind: 'system_error', error: enc.encode('{"x":{}}') }, gasUsed: 1n }), 2), /expected range_result for ecall \d+, got QueryChainResult/);
  refused(CALLS.scan, on(Type.OcallRange, (m) => ({ type: Type.RangeResult, id: m.id + 1, records: [] })), /^host misbehaved: expected range_result for ecall (\d+), got RangeResult for \d+$/);
  refused(CALLS.iterUp, on(Type.OcallRange, (m) => ({ type: Type.RangeResult, id: m.id - 1, records: [] })), /got RangeResult for \d+$/);
  refused(CALLS.scan, on(Type.OcallRange, (m) => ({ type: Type.OcallFailed, id: m.id, message: 'iterator lost' }), 1), /^host misbehaved: the host could not answer \(iterator lost\)$/);
});

test('range answered with more records than were asked for', () => {
  const records = (n: number): [Uint8Array, Uint8Array][] => Array.from({ length: n }, (_, i) => [enc.encode(`key-${String(i).padStart(4, '0')}`), enc.encode(`secret-value-${i}`)]);
  refused(CALLS.scan, on(Type.OcallRange, (m) => (assert.equal(m.limit, 1), { type: Type.RangeResult, id: m.id, records: records(2) })), /^host misbehaved: range answer has 2 records, 1 were asked for$/);
  refused(CALLS.scan, on(Type.OcallRange, (m) => ({ type: Type.RangeResult, id: m.id, records: records(LIMITS.records) })), new RegExp(`range answer has ${LIMITS.records} records, 1 were asked for$`));
  // Not even encodable, but an in-process port could hand it over.
  refused(CALLS.scan, on(Type.OcallRange, (m) => ({ type: Type.RangeResult, id: m.id, records: records(1000) })), /range answer has 1000 records, 1 were asked for$/);
});

test('range answered with keys outside the range', () => {
  const one = (key: string) => (m: { id: number }): HostMessage => ({ type: Type.RangeResult, id: m.id, records: [[enc.encode(key), enc.encode(`value-of-${key}`)]] });
  // scanBounded asks for [banana, cherry).
  for (const key of ['apple', 'banan', '', 'cherry', 'cherry-pie', 'zebra']) {
    refused(CALLS.scanBounded, on(Type.OcallRange, (m) => (assert.equal(dec.decode(m.start), 'banana'), one(key)(m))), /^host misbehaved: range answer has a key outside the range$/);
  }
  // The second step of an unbounded scan asks for keys after the first one: the first one again is outside.
  refused(CALLS.scan, on(Type.OcallRange, one('apple'), 1), /range answer has a key outside the range$/);
  refused(CALLS.scan, on(Type.OcallRange, one('aardvark'), 1), /range answer has a key outside the range$/);
});

test('range answered with keys out of order (or repeated), ascending and descending', () => {
  // The VM's cursors ask for one record at a time; a storage asked for several (OcallStorage.range
  // pages, for any caller) must refuse a page out of order. Driven directly, with a lying port.
  const lie = (...keys: string[]): OcallPort => ({
    send() {},
    ocall: (m) => ({ type: Type.RangeResult, id: (m as { id: number }).id, records: keys.map((k): [Uint8Array, Uint8Array] => [enc.encode(k), enc.encode(`value-of-key-${k}`)]) }),
  });
  const order = (port: OcallPort, o: 'ascending' | 'descending') => assert.throws(() => new OcallStorage(1, port).range(undefined, undefined, o, 3), (e: unknown) => e instanceof Error && /^host misbehaved: range answer is not in order$/.test(e.message));
  order(lie('c', 'a'), 'ascending');
  order(lie('a', 'e', 'c'), 'ascending');
  order(lie('a', 'a'), 'ascending');
  order(lie('a', 'c'), 'descending');
  order(lie('e', 'c', 'c'), 'descending');
  assert.deepEqual(new OcallStorage(1, lie('a', 'b')).range(undefined, undefined, 'ascending', 3).map(([k]) => dec.decode(k)), ['a', 'b'], 'in order: accepted');
});

test('query_chain answered with the wrong message type, for another ecall, or with ocall_failed', () => {
  refused(CALLS.bank, on(Type.OcallQueryChain, (m) => ({ type: Type.ReadDbResult, id: m.id, value: BANK })), /^host misbehaved: expected query_chain_result for ecall \d+, got ReadDbResult for \d+$/);
  refused(CALLS.bank, on(Type.OcallQueryChain, (m) => ({ type: Type.RangeResult, id: m.id, records: [] })), /got RangeResult for \d+$/);
  refused(CALLS.bank, on(Type.OcallQueryChain, (m) => ({ type: Type.QueryChainResult, id: m.id + 1, result: { kind: 'ok', data: BANK }, gasUsed: 1n })), /^host misbehaved: expected query_chain_result for ecall \d+, got QueryChainResult for \d+$/);
  refused(CALLS.bank, on(Type.OcallQueryChain, (m) => ({ type: Type.OcallFailed, id: m.id, message: 'no route' })), /^host misbehaved: the host could not answer \(no route\)$/);
});

test('query_chain answered with more gas than the limit it was given', () => {
  let limit = 0n;
  const over = (extra: (l: bigint) => bigint) => on(Type.OcallQueryChain, (m): HostMessage => {
    limit = m.gasLimit;
    return { type: Type.QueryChainResult, id: m.id, result: { kind: 'ok', data: BANK }, gasUsed: extra(m.gasLimit) };
  });
  const a = refused(CALLS.bank, over((l) => l + 1n), /^host misbehaved: query_chain answer used (\d+) gas of (\d+)$/);
  assert.equal(a, `host misbehaved: query_chain answer used ${limit + 1n} gas of ${limit}`);
  assert.ok(limit > 0n && limit < GAS);
  refused(CALLS.bank, over(() => 0xffffffffffffffffn), /^host misbehaved: query_chain answer used 18446744073709551615 gas of \d+$/);
  // Exactly the limit is not a lie (the call then runs out of gas, an ordinary outcome).
  const host = new FakeHost(sink.storage, over((l) => l));
  const { result } = run(CALLS.bank, host);
  assert.ok(result.type === Type.EcallResult && result.outcome.kind === 'vm_error', got(result));
  assert.match(got(result), /gas_depletion/);
  honest(CALLS.bank);
});

test('query_chain errors that are not JSON, and system errors that are not one-variant objects', () => {
  const answer = (result: QueryAnswer) => on(Type.OcallQueryChain, (m): HostMessage => ({ type: Type.QueryChainResult, id: m.id, result, gasUsed: 10n }));
  for (const text of ['not json {', '', '{"a":', '\u0000', '{"a":1} x']) {
    refused(CALLS.bank, answer({ kind: 'contract_error', error: enc.encode(text) }), /^host misbehaved: query_chain contract_error is not JSON$/);
    refused(CALLS.bank, answer({ kind: 'system_error', error: enc.encode(text) }), /^host misbehaved: query_chain system_error is not JSON$/);
  }
  refused(CALLS.bank, answer({ kind: 'contract_error', error: Uint8Array.of(0x22, 0xff, 0x22) }), /contract_error is not JSON$/);
  for (const text of ['null', '[]', '[{"a":{}}]', '"unsupported_request"', '42', 'true', '{}', '{"unsupported_request":{},"no_such_contract":{}}']) {
    refused(CALLS.bank, answer({ kind: 'system_error', error: enc.encode(text) }), /^host misbehaved: query_chain system error is not an object with one variant$/);
  }
  // What is fine: a one-variant system error, and any JSON as a contract error; the contract sees them.
  for (const result of [{ kind: 'system_error', error: enc.encode('{"no_such_contract":{"addr":"x"}}') }, { kind: 'contract_error', error: enc.encode('"boom"') }] satisfies QueryAnswer[]) {
    const { result: r } = run(CALLS.bank, new FakeHost(sink.storage, answer(result)));
    assert.ok(r.type === Type.EcallResult && r.outcome.kind === 'ok', got(r));
  }
});

test('host answers sent as ecalls, and enclave-only messages sent as host messages', () => {
  const asEcall: [string, (id: number) => HostMessage][] = [
    ['ReadDbResult', (id) => ({ type: Type.ReadDbResult, id, value: enc.encode('value-of-apple-1') })],
    ['RangeResult', (id) => ({ type: Type.RangeResult, id, records: [[enc.encode('apple'), enc.encode('value-of-apple-1')]] })],
    ['QueryChainResult', (id) => ({ type: Type.QueryChainResult, id, result: { kind: 'ok', data: BANK }, gasUsed: 1n })],
    ['OcallFailed', (id) => ({ type: Type.OcallFailed, id, message: 'x' })],
    ['LoadCodeResult', (id) => ({ type: Type.LoadCodeResult, id, code: TOKEN })],
  ];
  for (const [name, m] of asEcall) refused(CALLS.scan, undefined, new RegExp(`^host misbehaved: ${name} is an answer, but no ocall is waiting for one$`), m);
  // Enclave → host messages cannot be decoded as host messages at all …
  const enclaveOnly: EnclaveMessage[] = [
    { type: Type.EcallResult, id: 1, outcome: { kind: 'ok', value: enc.encode('{}'), writes: [] }, gasUsed: 1n },
    { type: Type.AllocateResult, id: 1, codeHash: token.codeHash, generation: 'v1' },
    { type: Type.EnclaveError, id: 1, message: 'x' },
    { type: Type.OcallReadDb, id: 1, key: enc.encode('k') },
    { type: Type.OcallRange, id: 1, descending: false, limit: 1 },
    { type: Type.OcallQueryChain, id: 1, request: enc.encode('{}'), depth: 2, gasLimit: 1n },
    { type: Type.OcallLoadCode, id: 1, codeHash: token.codeHash },
    { type: Type.Log, level: 'info', event: 'e', message: 'hello there' },
  ];
  for (const m of enclaveOnly) {
    assert.throws(() => decodeHost(encodeEnclave(m)), (e: unknown) => e instanceof ProtocolError && new RegExp(`^unknown host message type ${m.type} `).test(e.message), Type[m.type]);
  }
  // … and handed to dispatch anyway (an in-process caller), they are refused the same way.
  for (const m of enclaveOnly.filter((x) => x.type !== Type.Log)) {
    refused(CALLS.scan, undefined, /^host misbehaved: /, (id) => ({ ...m, id }) as unknown as HostMessage);
  }
});

test('ecalls the host should not have sent: query depth 0, code neither staged nor on the host', () => {
  refused(CALLS.balance, undefined, /^host misbehaved: query depth 0$/, (id) => ({ ...(ecall(CALLS.balance, id) as Extract<HostMessage, { type: Type.EcallQuery }>), depth: 0 }));
  refused(CALLS.balance, undefined, new RegExp(`^host misbehaved: no code with hash ${'00'.repeat(32)} on the host `), (id) => ({ ...(ecall(CALLS.balance, id) as Extract<HostMessage, { type: Type.EcallQuery }>), codeHash: new Uint8Array(32) }));
});

test('load_code answered with the wrong message type, for another ecall, or with ocall_failed', () => {
  let n = 0;
  // A contract the host has and the enclave does not, for each lie (the honest call after it loads it).
  const fresh = (): Call => ({ contract: unstaged(`numbered ${n}`, numberedContract(100 + n++), addr(6)), kind: 'query', msg: '{}' });
  const wrong: [string, (m: { id: number }) => HostMessage][] = [
    ['ReadDbResult', (m) => ({ type: Type.ReadDbResult, id: m.id, value: TOKEN.subarray(0, 64) })],
    ['RangeResult', (m) => ({ type: Type.RangeResult, id: m.id, records: [] })],
    ['QueryChainResult', (m) => ({ type: Type.QueryChainResult, id: m.id, result: { kind: 'ok', data: TOKEN.subarray(0, 64) }, gasUsed: 0n })],
    ['EcallAllocate', (m) => ({ type: Type.EcallAllocate, id: m.id, code: TOKEN })],
  ];
  for (const [name, answer] of wrong) refused(fresh(), on(Type.OcallLoadCode, answer), new RegExp(`^host misbehaved: expected load_code_result for ecall \\d+, got ${name} for \\d+$`));
  for (const delta of [1, -1]) {
    refused(fresh(), on(Type.OcallLoadCode, (m) => ({ type: Type.LoadCodeResult, id: (m.id + delta) >>> 0, code: UPLOADS.get(hex(m.codeHash))! })), /^host misbehaved: expected load_code_result for ecall \d+, got LoadCodeResult for \d+$/);
  }
  refused(fresh(), on(Type.OcallLoadCode, (m) => ({ type: Type.OcallFailed, id: m.id, message: 'the code store is offline' })), /^host misbehaved: the host could not answer \(the code store is offline\)$/);
  assert.equal(n, 7);
});

test('load_code answered with no code, other code, or bytes that are not code; the right code gzipped is fine', () => {
  let n = 0;
  const fresh = (): Call => ({ contract: unstaged(`numbered ${n}`, numberedContract(200 + n++), addr(6)), kind: 'query', msg: '{}' });
  const answer = (code: (want: Uint8Array) => Uint8Array | undefined) => on(Type.OcallLoadCode, (m): HostMessage => {
    const c = code(UPLOADS.get(hex(m.codeHash))!);
    return c === undefined ? { type: Type.LoadCodeResult, id: m.id } : { type: Type.LoadCodeResult, id: m.id, code: c };
  });
  const none = fresh();
  refused(none, answer(() => undefined), new RegExp(`^host misbehaved: no code with hash ${hex(none.contract.codeHash)} on the host `));
  // Other code: another contract's, gzipped or not, cut short, with a byte changed, or bytes that are not wasm.
  const others: [string, (want: Uint8Array) => Uint8Array][] = [
    ['the token', () => TOKEN],
    ['the token, gzipped', () => gzipSync(TOKEN)],
    ['another numbered contract', () => numberedContract(999)],
    ['the code cut short', (want) => want.subarray(0, want.length - 1)],
    ['the code with a byte changed', (want) => want.map((b, i) => (i === want.length - 1 ? b ^ 1 : b))],
    ['no bytes', () => new Uint8Array(0)],
    ['bytes that are not wasm', () => enc.encode('not a contract')],
  ];
  for (const [what, code] of others) {
    const call = fresh();
    const message = refused(call, answer(code), new RegExp(`^host misbehaved: the code the host loaded for hash ${hex(call.contract.codeHash)} has hash ([0-9a-f]{64})$`));
    const [, theirs] = /has hash ([0-9a-f]{64})$/.exec(message)!;
    assert.notEqual(theirs, hex(call.contract.codeHash), what);
  }
  refused(fresh(), answer(() => Uint8Array.of(0x1f, 0x8b, 8, 0, 1, 2, 3)), /^host misbehaved: the code the host loaded for hash [0-9a-f]{64} is refused \(code is not valid gzip: /);
  // The code hash is of the uncompressed wasm: the right code, gzipped, is the right code.
  const gz = fresh();
  const host = new FakeHost(gz.contract.storage, answer((want) => gzipSync(want)));
  const { result } = run(gz, host);
  assert.equal(host.lies, 1);
  assert.equal(got(result), expected(reference(gz)));
  assert.ok(host.logs.some((l) => l.startsWith(`info code_loaded ${hex(gz.contract.codeHash)}: `)), host.logs.join('\n'));
  // Loaded once: the next call runs on the cached code, without an ocall_load_code.
  const again = new FakeHost(gz.contract.storage);
  assert.equal(got(run(gz, again).result), expected(reference(gz)));
  assert.deepEqual(again.ocalls.filter((m) => m.type === Type.OcallLoadCode), []);
});

test('answers over their limits cannot reach the enclave: decodeHost refuses them', () => {
  const readDb = new Writer().u8(Type.ReadDbResult).u32(5).bool(true).bytes(new Uint8Array(LIMITS.value + 1), Infinity, 'v').finish();
  assert.throws(() => decodeHost(readDb), (e: unknown) => e instanceof ProtocolError && e.message === `value: ${LIMITS.value + 1} bytes exceed the limit of ${LIMITS.value} (at byte 6)` && e.offset === 6);
  const rangeValue = new Writer().u8(Type.RangeResult).u32(5).u32(1).bytes(enc.encode('k'), 9, 'k').bytes(new Uint8Array(LIMITS.value + 1), Infinity, 'v').finish();
  assert.throws(() => decodeHost(rangeValue), (e: unknown) => e instanceof ProtocolError && /^value: 131073 bytes exceed the limit of 131072 \(at byte 14\)$/.test(e.message));
  const rangeKey = new Writer().u8(Type.RangeResult).u32(5).u32(1).bytes(new Uint8Array(LIMITS.key + 1), Infinity, 'k').bytes(enc.encode('v'), 9, 'v').finish();
  assert.throws(() => decodeHost(rangeKey), (e: unknown) => e instanceof ProtocolError && /^key: 65537 bytes exceed the limit of 65536 \(at byte 9\)$/.test(e.message));
  const records = new Writer().u8(Type.RangeResult).u32(5).u32(LIMITS.records + 1).finish();
  assert.throws(() => decodeHost(records), (e: unknown) => e instanceof ProtocolError && new RegExp(`^records: ${LIMITS.records + 1} items exceed the limit of ${LIMITS.records} `).test(e.message));
  // And the encoder will not build them.
  assert.throws(() => encodeHost({ type: Type.ReadDbResult, id: 5, value: new Uint8Array(LIMITS.value + 1) }), RangeError);
});

// ------------------------------------------------------------------------------------------------
// The real PipePort, over files standing in for the pipes: the host's frames are written in advance.

function pipe(frames: Uint8Array[]) {
  const dir = mkdtempSync(join(tmpdir(), 'cloak-hostile-'));
  writeFileSync(join(dir, 'in'), Buffer.concat(frames));
  const inFd = openSync(join(dir, 'in'), 'r');
  const outFd = openSync(join(dir, 'out'), 'w');
  return {
    port: new PipePort(enclave, inFd, outFd),
    /** The frames the enclave wrote, decoded. */
    written(): EnclaveMessage[] {
      const b = readFileSync(join(dir, 'out'));
      const out: EnclaveMessage[] = [];
      for (let at = 0; at < b.length;) {
        const n = b.readUInt32LE(at);
        out.push(decodeEnclave(new Uint8Array(b.subarray(at + 4, at + 4 + n))));
        at += 4 + n;
      }
      return out;
    },
    close(): void {
      closeSync(inFd);
      closeSync(outFd);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('through PipePort: honest answers replayed from a file give the in-process VM\'s answer', () => {
  // Record the ocalls of an honest transfer, then replay the same answers as frames.
  const recorder = new FakeHost(token.storage);
  const id = nextId++;
  const first = enclave.dispatch(ecall(CALLS.transfer, id), recorder);
  const p = pipe(recorder.answers.map((a) => frame(encodeHost(a))));
  try {
    const again = enclave.dispatch(ecall(CALLS.transfer, id), p.port);
    assert.equal(got(again), got(first));
    assert.equal(got(again), expected(reference(CALLS.transfer)));
    const sent = p.written().filter((m) => m.type !== Type.Log);
    assert.deepEqual(sent, recorder.ocalls);
  } finally {
    p.close();
  }
});

test('through PipePort: an answer that does not decode fails the ecall as host misbehaviour', () => {
  const bodies: [string, Uint8Array][] = [
    ['a value over the limit', new Writer().u8(Type.ReadDbResult).u32(0).bool(true).bytes(new Uint8Array(LIMITS.value + 1).fill(0x61), Infinity, 'v').finish()],
    ['an unknown type', Uint8Array.of(99, 0, 0, 0, 0)],
    ['trailing bytes', Uint8Array.of(Type.ReadDbResult, 0, 0, 0, 0, 0, 0)],
  ];
  for (const [what, body] of bodies) {
    const id = nextId++;
    new DataView(body.buffer).setUint32(1, id, true);
    const p = pipe([frame(body)]);
    try {
      const r = enclave.dispatch(ecall(CALLS.balance, id), p.port);
      assert.equal(r.type, Type.EnclaveError, `${what}: ${got(r)}`);
      assert.ok(r.type === Type.EnclaveError && r.message.startsWith('host misbehaved: '), r.type === Type.EnclaveError ? r.message : '');
      assertNoSecrets(r.message, secretsOf(CALLS.balance));
    } finally {
      p.close();
    }
    honest(CALLS.balance);
  }
});

// ------------------------------------------------------------------------------------------------
// Found on the way (not lies): answers the enclave itself cannot send, and the range cap.

test('every answer dispatch returns can be encoded (a contract error over LIMITS.error included)', () => {
  for (const msg of [{ fail: { message: 'x'.repeat(70_000) } }, { abort: { message: 'y'.repeat(70_000) } }]) {
    const call: Call = { contract: sink, kind: 'execute', sender: addr(1), msg: JSON.stringify(msg) };
    const { result } = run(call, new FakeHost(sink.storage));
    assert.equal(result.type, Type.EcallResult);
    assert.doesNotThrow(() => encodeEnclave(result), JSON.stringify(Object.keys(msg)));
  }
});

test('an iteration over more than 256 buffered removals does not end early', () => {
  const storage = new MemoryStorage();
  for (let i = 0; i <= 300; i++) storage.set(Uint8Array.of(i >> 8, i & 255), enc.encode('v'));
  const paging: Contract = { ...iter, name: 'iterating (paging)', storage };
  const call: Call = { contract: paging, kind: 'migrate', sender: addr(1), msg: '{}' };
  const host = new FakeHost(storage);
  const { result } = run(call, host);
  const ref = reference(call);
  assert.ok(ref.kind === 'ok' && result.type === Type.EcallResult && result.outcome.kind === 'ok', got(result));
  // "out" holds the first record db_next returned: key 0x012c ‖ u32be(2) ‖ "v" ‖ u32be(1), not the empty end record.
  const out = (w: [Uint8Array, Uint8Array | null][]) => hex(w.find(([k]) => dec.decode(k) === 'out')?.[1] ?? new Uint8Array(0));
  assert.equal(out(ref.changes), '012c000000027600000001', 'the in-process VM finds the 301st key');
  assert.equal(out(result.outcome.writes), '012c000000027600000001', 'the enclave finds it too');
  assert.equal(got(result), expected(ref));
});

// ------------------------------------------------------------------------------------------------
// Fuzz: random well-formed lies mixed with honest answers.

type Plan =
  | { kind: 'honest' }
  | { kind: 'failed'; message: string }
  | { kind: 'read'; idDelta: number; value: Uint8Array | null }
  | { kind: 'range'; idDelta: number; records: [Uint8Array, Uint8Array][]; sorted: boolean }
  | { kind: 'query'; idDelta: number; result: QueryAnswer; gas: bigint | 'under' | 'over' }
  | { kind: 'ecall'; idDelta: number }
  /** A load_code answer: no code, another contract's, the right one gzipped, or bytes. */
  | { kind: 'load'; idDelta: number; code: 'none' | 'other' | 'gzip' | Uint8Array };

const idDelta = fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -2, max: 2 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffffffff }) });
const word = fc.oneof(
  fc.constantFrom('apple', 'banana', 'cherry', 'a', 'b', 'c', 'd', 'e', '', 'zebra', 'value-of-apple-1', '"1000"', '{}', '1000', 'null'),
  fc.string({ maxLength: 8 }),
).map((s) => enc.encode(s));
const bytes = fc.oneof(word, fc.uint8Array({ maxLength: 40 }));
const json = fc.constantFrom('{"unsupported_request":{"kind":"x"}}', '{"no_such_contract":{"addr":"x"}}', '"boom"', '{"generic_err":{"msg":"x"}}', 'null', '[]', '{}', '{"a":{},"b":{}}', 'not json', '');
const plan: fc.Arbitrary<Plan> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ kind: 'honest' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('failed' as const), message: fc.string({ maxLength: 20 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('read' as const), idDelta, value: fc.option(bytes, { nil: null }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('range' as const), idDelta, records: fc.array(fc.tuple(word, bytes), { maxLength: 4 }), sorted: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('query' as const), idDelta,
      result: fc.oneof(
        fc.record({ kind: fc.constant('ok' as const), data: fc.oneof(bytes, json.map((s) => enc.encode(s))) }),
        fc.record({ kind: fc.constantFrom('contract_error' as const, 'system_error' as const), error: fc.oneof(json.map((s) => enc.encode(s)), bytes) }),
      ) as fc.Arbitrary<QueryAnswer>,
      gas: fc.oneof(fc.constantFrom('under' as const, 'over' as const), fc.bigInt({ min: 0n, max: 0xffffffffffffffffn })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('ecall' as const), idDelta }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('load' as const), idDelta, code: fc.oneof(fc.constantFrom('none' as const, 'other' as const, 'gzip' as const), bytes) }) },
);

/** Gzipped uploads, made once each. */
const gzipped = new Map<string, Uint8Array>();
const gzipOf = (hash: string, upload: Uint8Array) => gzipped.get(hash) ?? gzipped.set(hash, gzipSync(upload)).get(hash)!;

function lieFor(p: Plan, m: EnclaveMessage, gasPick: bigint): HostMessage | undefined {
  if (!('id' in m)) return undefined;
  const id = p.kind === 'honest' || p.kind === 'failed' ? m.id : (m.id + p.idDelta) >>> 0;
  switch (p.kind) {
    case 'honest': return undefined;
    case 'failed': return { type: Type.OcallFailed, id, message: p.message };
    case 'read': return p.value === null ? { type: Type.ReadDbResult, id } : { type: Type.ReadDbResult, id, value: p.value };
    case 'range': {
      const records = p.records.map(([k, v]): [Uint8Array, Uint8Array] => [k, v]);
      const down = m.type === Type.OcallRange && m.descending;
      if (p.sorted) records.sort(([a], [b]) => (down ? Buffer.compare(b, a) : Buffer.compare(a, b)));
      return { type: Type.RangeResult, id, records };
    }
    case 'query': {
      const limit = m.type === Type.OcallQueryChain ? m.gasLimit : GAS;
      const gasUsed = p.gas === 'under' ? gasPick % (limit + 1n) : p.gas === 'over' ? limit + 1n + (gasPick % 1000n) : p.gas;
      return { type: Type.QueryChainResult, id, result: p.result, gasUsed: gasUsed > 0xffffffffffffffffn ? 0xffffffffffffffffn : gasUsed };
    }
    case 'ecall': return { type: Type.EcallQuery, id, codeHash: sink.codeHash, env: sink.env, msg: enc.encode('{"scan":{}}'), gasLimit: GAS, depth: 1 };
    case 'load': {
      // For any other ocall, an answer of the wrong type.
      const want = m.type === Type.OcallLoadCode ? hex(m.codeHash) : hex(token.codeHash);
      const code = p.code === 'none' ? undefined
        : p.code === 'other' ? (want === hex(token.codeHash) ? SINK : TOKEN)
        : p.code === 'gzip' ? gzipOf(want, UPLOADS.get(want)!)
        : p.code;
      return code === undefined ? { type: Type.LoadCodeResult, id } : { type: Type.LoadCodeResult, id, code };
    }
  }
}

test('fuzz: random well-formed lies and honest answers; dispatch always answers, and honest calls stay exact', (t) => {
  const calls = Object.values(CALLS) as Call[];
  let runs = 0;
  const seen = { result: 0, error: 0, honestRuns: 0 };
  const seenLoads = { loaded: 0, refused: 0 };
  fc.assert(fc.property(fc.nat(calls.length - 1), fc.array(plan, { maxLength: 10 }), fc.bigInt({ min: 0n, max: 1n << 40n }), fc.nat(4), (which, plans, gasPick, where) => {
    const call = calls[which];
    // One run in five on the enclave that keeps one code: there, most calls load theirs first.
    const target = where === 0 ? forgetful : enclave;
    const host = new FakeHost(call.contract.storage, (m, n) => {
      const lie = plans.length === 0 ? undefined : lieFor(plans[n % plans.length], m, gasPick);
      // Only what a real port could deliver: the lie goes through the codec.
      return lie === undefined ? undefined : decodeHost(encodeHost(lie));
    });
    const id = nextId++;
    let result: EnclaveMessage;
    try {
      result = target.dispatch(ecall(call, id), host);
    } catch (e) {
      throw new Error(`dispatch threw: ${String(e)}`);
    }
    if (host.ocalls[0]?.type === Type.OcallLoadCode) seenLoads[result.type === Type.EcallResult ? 'loaded' : 'refused']++;
    assert.ok(result.type === Type.EcallResult || result.type === Type.EnclaveError, got(result));
    assert.equal(result.id, id);
    encodeEnclave(result);
    assert.deepEqual(host.oddities, []);
    if (result.type === Type.EnclaveError) {
      seen.error++;
      assert.ok(result.message.startsWith('host misbehaved: '), result.message);
      assertNoSecrets(result.message, secretsOf(call, host));
    } else {
      seen.result++;
      // A lie the enclave saw through is never reported as the contract's own failure.
      if (result.outcome.kind === 'vm_error') assert.doesNotMatch(result.outcome.message, /host misbehaved|host failure/i, result.outcome.message);
    }
    if (host.lies === 0) {
      seen.honestRuns++;
      assert.equal(got(result), expected(reference(call)), 'no lie told: the honest answer');
    }
    if (++runs % 250 === 0) honest(calls[runs / 250 % calls.length]);
  }), { numRuns: 2000 });
  t.diagnostic(`${runs} runs: ${JSON.stringify(seen)}; calls that loaded their code first: ${JSON.stringify(seenLoads)}`);
  assert.ok(seen.error > 100 && seen.result > 100 && seen.honestRuns > 50, JSON.stringify(seen));
  assert.ok(seenLoads.loaded > 20 && seenLoads.refused > 20, JSON.stringify(seenLoads));
  for (const call of calls) honest(call);
});
