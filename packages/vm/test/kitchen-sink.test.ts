// The kitchen-sink contract (packages/contracts/assembly/kitchen-sink-v1.ts) through the Vm and
// MemoryChain, on both engines: every host import and error path, each call's outcome, answer and
// gas logged and the two engines' logs compared line for line (plus final storage), and each
// behaviour asserted: storage and read-only calls, iteration and its caps, addresses, debug,
// abort/panic/contract errors, query_chain (bank, smart, bad requests, depth), crypto through the
// contract, Secret's gas imports, memory growth and its cap, deep recursion, broken results,
// submessages and replies, migrate, sudo, env.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { bech32 } from '@scure/base';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ENGINES, MAX_ITERATORS, MemoryChain, Vm, decodeAnswer, parseJson, type CallResult, type EngineName, type JsonValue } from '@cloak/vm';

const wasm = new Uint8Array(readFileSync(new URL('../../../contracts/build/kitchen-sink-v1.wasm', import.meta.url)));
const addr = (n: number) => bech32.encode('secret', bech32.toWords(new Uint8Array(20).fill(n)));
const A = addr(1);
const b64 = (b: Uint8Array | string) => Buffer.from(b).toString('base64');
const GAS = 50_000_000n;

interface World { chain: MemoryChain; self: string; other: string; debugs: string[]; log: string[] }

function world(engine: EngineName): World {
  const debugs: string[] = [];
  const chain = new MemoryChain(new Vm({ engine, debug: (m) => debugs.push(m) }), { gasLimit: GAS });
  const { codeId } = chain.storeCode(wasm);
  const self = chain.instantiate({ codeId, sender: A, msg: {}, admin: A, label: 'ks' });
  const other = chain.instantiate({ codeId, sender: A, msg: {}, label: 'ks2' });
  assert.equal(self.result.kind, 'ok');
  assert.equal(other.result.kind, 'ok');
  return { chain, self: self.address, other: other.address, debugs, log: [] };
}

/** What a call gave: ['ok', A] (A decoded from data or the query answer), ['contract_error', text], ['vm_error', 'kind: message']. */
type Outcome = ['ok', JsonValue | undefined, CallResult] | ['contract_error', string, CallResult] | ['vm_error', string, CallResult];

function outcome(r: CallResult, query: boolean): Outcome {
  if (r.kind === 'vm_error') return ['vm_error', `${r.error.kind}: ${r.error.message}`, r];
  if (r.kind === 'contract_error') return ['contract_error', String(r.error), r];
  if (query) return ['ok', decodeAnswer(r.answer!), r];
  const data = (r.value as { data: string | null }).data;
  return ['ok', data === null ? undefined : parseJson(Buffer.from(data, 'base64')), r];
}

const show = (v: unknown) => String(JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x)))
  // The interpreter's trap messages also say where (function, byte offset); V8's do not.
  .replace(/(wasm trap: [a-z ]+?) executed in function \d+ at byte offset \d+ \(0x[0-9a-f]+\)/g, '$1');

function exec(w: World, msg: JsonValue, gasLimit?: bigint): Outcome {
  const o = outcome(w.chain.execute({ contract: w.self, sender: A, msg, ...(gasLimit ? { gasLimit } : {}) }), false);
  w.log.push(`execute ${show(msg).slice(0, 200)} → ${o[0]} ${o[2].gasUsed} ${show(o[1]).slice(0, 300)}`);
  return o;
}

function query(w: World, msg: JsonValue, contract = w.self): Outcome {
  const o = outcome(w.chain.query({ contract, msg }), true);
  w.log.push(`query ${show(msg).slice(0, 200)} → ${o[0]} ${o[2].gasUsed} ${show(o[1]).slice(0, 300)}`);
  return o;
}

const ok = (o: Outcome): JsonValue | undefined => {
  assert.equal(o[0], 'ok', show(o[1]));
  return o[1];
};
const vmError = (o: Outcome, re: RegExp) => {
  assert.equal(o[0], 'vm_error', show(o[1]));
  assert.match(o[1] as string, re);
};

/** Runs `scenario` on both engines and requires identical logs (outcomes, answers, gas) and storage. */
function bothEngines(name: string, scenario: (w: World) => void) {
  test(`kitchen sink: ${name} (both engines, same answers and gas)`, () => {
    const logs = ENGINES.map((engine) => {
      const w = world(engine);
      scenario(w);
      const storage = w.chain.allContracts().map((c) => c.storage.range(undefined, undefined, 'ascending').map(([k, v]) => `${b64(k)}=${b64(v)}`).join(','));
      return [...w.log, ...storage, ...w.debugs.map((d) => `debug ${d}`)].join('\n');
    });
    assert.equal(logs[1], logs[0]);
  });
}

bothEngines('storage, read-only queries, key and value limits', (w) => {
  assert.deepEqual(ok(exec(w, { write: { key: 'k', value: 'v' } })), { written: 'k' });
  assert.deepEqual(ok(query(w, { read: { key: 'k' } })), { value: 'v' });
  vmError(query(w, { write: { key: 'x', value: 'y' } }), /^communication: db_write: write access denied in a read-only call/);
  vmError(query(w, { remove: { key: 'k' } }), /write access denied/);
  assert.deepEqual(ok(exec(w, { remove: { key: 'k' } })), { removed: 'k' });
  assert.deepEqual(ok(query(w, { read: { key: 'k' } })), { value: null });
  ok(exec(w, { write_sized: { key_bytes: 65_536, value_bytes: 131_072 } }, 1_000_000_000n)); // 5,000 gas per value byte
  vmError(exec(w, { write_sized: { key_bytes: 65_537, value_bytes: 1 } }), /db_write key.*65536/);
  vmError(exec(w, { write_sized: { key_bytes: 1, value_bytes: 131_073 } }), /db_write value.*131072/);
});

bothEngines('iteration: ranges, orders, modes, unknown ids, the iterator cap', (w) => {
  ok(exec(w, { write_many: { entries: [['a', '1'], ['b', '2'], ['c', '3'], ['d', '4']] } }));
  // The contract's own "init_msg" record (written at instantiate) sorts after these.
  assert.deepEqual(ok(query(w, { scan: { start: 'a', end: 'c' } })), { id: 1, records: [['a', '1'], ['b', '2']] });
  assert.deepEqual(ok(query(w, { scan: { start: 'b', end: 'e', order: 'descending' } })), { id: 1, records: [['d', '4'], ['c', '3'], ['b', '2']] });
  assert.deepEqual(ok(query(w, { scan: { end: 'c', mode: 'keys' } })), { id: 1, keys: ['a', 'b'] });
  assert.deepEqual(ok(query(w, { scan: { start: 'c', end: 'e', mode: 'values', limit: 1 } })), { id: 1, values: ['3'] });
  assert.deepEqual(ok(query(w, { scan: { start: 'c', end: 'a' } })), { id: 1, records: [] });
  vmError(query(w, { scan: { order: 3 } }), /order 3 is neither 1/);
  vmError(query(w, { next: { id: 7 } }), /iterator 7 does not exist/);
  assert.equal((ok(query(w, { open_iterators: { count: MAX_ITERATORS } })) as { ids: number[] }).ids.length, MAX_ITERATORS);
  vmError(query(w, { open_iterators: { count: MAX_ITERATORS + 1 } }), /^limit_exceeded: db_scan: more than 256 iterators/);
});

bothEngines('addresses: valid and invalid input, errors returned to the contract, small destinations', (w) => {
  assert.deepEqual(ok(query(w, { addr_validate: { address: A } })), { ok: true });
  assert.deepEqual(ok(query(w, { addr_validate: { address: A.toUpperCase() } })), { ok: false, error: 'Invalid input: address not normalized' });
  assert.deepEqual(ok(query(w, { addr_validate: { address: bech32.encode('cosmos', bech32.toWords(new Uint8Array(20))) } })), { ok: false, error: 'Wrong bech32 prefix' });
  assert.deepEqual(ok(query(w, { addr_validate: { address: '' } })), { ok: false, error: 'Input is empty' });
  assert.deepEqual(ok(query(w, { addr_validate: { raw: b64(Uint8Array.of(0xff, 0xfe)) } })), { ok: false, error: 'Input is not valid UTF-8' });
  assert.deepEqual(ok(query(w, { addr_canonicalize: { address: A } })), { ok: true, canonical: b64(new Uint8Array(20).fill(1)) });
  assert.deepEqual(ok(query(w, { addr_humanize: { canonical: b64(new Uint8Array(20).fill(1)) } })), { ok: true, address: A });
  assert.deepEqual(ok(query(w, { addr_humanize: { canonical: '' } })), { ok: false, error: 'Invalid canonical address length' });
  vmError(query(w, { addr_canonicalize: { address: A, capacity: 8 } }), /^communication: .*addr_canonicalize output/);
  vmError(query(w, { addr_validate: { address: 'a'.repeat(257) } }), /addr_validate input/);
});

bothEngines('debug, abort, panic and contract errors', (w) => {
  assert.deepEqual(ok(exec(w, { debug: { message: 'hello' } })), { debug: 'hello' });
  assert.deepEqual(ok(exec(w, { debug_print: { message: 'old name' } })), { debug_print: 'old name' });
  vmError(exec(w, { abort: { message: 'boom' } }), /^aborted: Aborted: boom$/);
  vmError(exec(w, { panic: {} }), /^runtime: wasm trap: unreachable/);
  const f = exec(w, { fail: { message: 'nope' } });
  assert.deepEqual(f.slice(0, 2), ['contract_error', 'nope']);
  const u = exec(w, { no_such_message: {} });
  assert.equal(u[0], 'contract_error');
  assert.match(u[1] as string, /^Error parsing into type kitchen_sink::msg::ExecuteMsg: unknown variant `no_such_message`/);
  assert.deepEqual(w.debugs, ['hello', 'old name']);
});

bothEngines('query_chain: bank, smart queries to another contract, bad requests, the depth limit', (w) => {
  w.chain.mint(addr(5), 'uscrt', 42n);
  assert.deepEqual(ok(query(w, { bank_balance: { address: addr(5), denom: 'uscrt' } })), { ok: { ok: b64('{"amount":{"denom":"uscrt","amount":"42"}}') } });
  ok(w.chain.execute({ contract: w.other, sender: A, msg: { write: { key: 'shared', value: 'hi' } } }) && query(w, { read: { key: 'x' } }));
  assert.deepEqual(ok(query(w, { smart_query: { contract: w.other, msg: { read: { key: 'shared' } } } })), { ok: { ok: b64('{"value":"hi"}') } });
  assert.deepEqual(ok(query(w, { smart_query: { contract: w.other, msg: { fail: { message: 'inner' } } } })), { ok: { error: 'inner' } });
  assert.deepEqual(ok(query(w, { smart_query: { contract: addr(9), msg: {} } })), { error: { no_such_contract: { addr: addr(9) } } });
  const bad = ok(query(w, { query_chain: { raw: b64('{not json') } })) as { error: { invalid_request: { error: string } } };
  assert.match(bad.error.invalid_request.error, /^Parsing query request: /);
  // Nested self-queries: depth 1 (the query) + N nested calls; the 10th level is refused.
  const deep = ok(query(w, { recurse_query: { depth: 20 } }));
  let node = deep as { depth: number; inner?: { ok?: { ok: string }; error?: JsonValue } };
  let levels = 0;
  while (node.inner?.ok?.ok !== undefined) {
    node = decodeAnswer(Buffer.from(node.inner.ok.ok, 'base64')) as typeof node;
    levels++;
  }
  assert.equal(levels, 8, 'depth 1 asks depth 2 … depth 9 asks depth 10, which is refused');
  assert.deepEqual(node.inner, { error: { exceeded_recursion_limit: {} } });
});

bothEngines('crypto through the contract: secp256k1 and ed25519 sign, verify, recover, batch; bls hash to curve', (w) => {
  const key = new Uint8Array(32).fill(7);
  const message = new TextEncoder().encode('cloak');
  const k1 = ok(exec(w, { secp256k1_sign: { message: b64(message), private_key: b64(key) } })) as { code: number; signature: string };
  assert.equal(k1.code, 0);
  const hash = sha256(message);
  const pub = secp256k1.getPublicKey(key, true);
  assert.deepEqual(ok(query(w, { secp256k1_verify: { hash: b64(hash), signature: k1.signature, pubkey: b64(pub) } })), { code: 0 });
  assert.deepEqual(ok(query(w, { secp256k1_verify: { hash: b64(new Uint8Array(32)), signature: k1.signature, pubkey: b64(pub) } })), { code: 1 });
  const recovered = [0, 1].map((p) => ok(query(w, { secp256k1_recover_pubkey: { hash: b64(hash), signature: k1.signature, recovery_param: p } })) as { code: number; pubkey?: string });
  assert.ok(recovered.some((r) => r.pubkey === b64(secp256k1.getPublicKey(key, false))), show(recovered));
  assert.deepEqual(ok(query(w, { secp256k1_sign: { message: b64(message), private_key: b64(new Uint8Array(31)) } })), { code: 1000 });
  const ed = ok(exec(w, { ed25519_sign: { message: b64(message), private_key: b64(key) } })) as { code: number; signature: string };
  assert.equal(ed.signature, b64(ed25519.sign(message, key)));
  const edPub = b64(ed25519.getPublicKey(key));
  assert.deepEqual(ok(query(w, { ed25519_verify: { message: b64(message), signature: ed.signature, pubkey: edPub } })), { code: 0 });
  assert.deepEqual(ok(query(w, { ed25519_batch_verify: { messages: [b64(message)], signatures: [ed.signature, ed.signature], pubkeys: [edPub, edPub] } })), { code: 0 });
  assert.deepEqual(ok(query(w, { ed25519_batch_verify: { messages: [b64(message), b64(message)], signatures: [ed.signature], pubkeys: [edPub, edPub, edPub] } })), { code: 7 });
  const g1 = ok(query(w, { bls12_381_hash_to_g1: { hash_function: 0, msg: b64(message), dst: b64('QUUX-V01-CS02-with-BLS12381G1_XMD:SHA-256_SSWU_RO_') } })) as { code: number; point: string };
  assert.equal(g1.code, 0);
  assert.equal(Buffer.from(g1.point, 'base64').length, 48);
  assert.deepEqual(ok(query(w, { bls12_381_hash_to_g1: { hash_function: 1, msg: '', dst: '' } })), { code: 9 });
});

bothEngines("gas: Secret's check_gas and gas_evaporate, a loop that runs out (gas used = the limit)", (w) => {
  const g = ok(query(w, { check_gas: {} })) as { gas: number };
  assert.ok(g.gas > 0);
  const min = exec(w, { gas_evaporate: { amount: 1 } });
  const eight = exec(w, { gas_evaporate: { amount: 8 } });
  const cheap = exec(w, { gas_evaporate: { amount: 1000 } });
  const dear = exec(w, { gas_evaporate: { amount: 2000 } });
  assert.deepEqual(ok(dear), { result: 0 });
  assert.equal(min[2].gasUsed, eight[2].gasUsed, 'max(n × 1000, 8000): 1 costs as much as 8');
  assert.equal(dear[2].gasUsed - cheap[2].gasUsed, 1000n * 1000n, 'n × 1000');
  const s1 = exec(w, { spin: { iterations: 10 } });
  const s2 = exec(w, { spin: { iterations: 1010 } });
  assert.ok(s2[2].gasUsed > s1[2].gasUsed);
  const forever = exec(w, { loop: {} }, 3_000_000n);
  vmError(forever, /^gas_depletion: /);
  assert.equal(forever[2].gasUsed, 3_000_000n);
});

bothEngines('memory: growth up to the 192-page cap (then -1), allocation past it traps; deep recursion trips the stack limit', (w) => {
  const g = ok(exec(w, { grow: { pages: 3 } })) as { before: number; result: number; after: number };
  assert.equal(g.result, g.before);
  assert.equal(g.after, g.before + 3);
  assert.deepEqual((ok(exec(w, { grow: { pages: 192 } })) as { result: number }).result, -1);
  vmError(exec(w, { allocate: { bytes: 13 * 1024 * 1024 } }), /^runtime: wasm trap/);
  assert.deepEqual(ok(exec(w, { recurse: { depth: 1000 } })), { depth: 1000, result: 1500 });
  vmError(exec(w, { recurse: { depth: 100_000 } }), /^runtime: call stack exhausted/);
});

bothEngines('broken results are VM errors naming what is wrong; large results pass', (w) => {
  const expected: Record<string, RegExp> = {
    invalid_utf8: /^parse: execute: the contract returned invalid JSON: invalid UTF-8 at byte 14/,
    invalid_json: /^parse: execute: the contract returned invalid JSON/,
    wrong_keys: /^parse: execute: expected exactly one of "ok" \/ "error", got "result"/,
    both_keys: /^parse: execute: expected exactly one of "ok" \/ "error", got "ok", "error"/,
    error_not_string: /^parse: execute: "error" must be a string/,
    bad_response: /^parse: execute: invalid Response: messages must be an array/,
    wild_pointer: /^communication: /,
    zero_pointer: /^communication: /,
    zero_offset: /^communication: /,
    length_over_capacity: /^communication: /,
    data_outside_memory: /^communication: /,
  };
  for (const [kind, re] of Object.entries(expected)) vmError(exec(w, { bad_result: { kind } }), re);
  vmError(query(w, { bad_result: { kind: 'not_base64' } }), /^parse: query: the Ok value is not valid base64/);
  vmError(query(w, { bad_result: { kind: 'answer_not_json' } }), /^parse: query: the answer must be valid JSON/);
  const big = exec(w, { huge_result: { bytes: 1_000_000 } });
  assert.equal(big[0], 'ok');
  assert.equal((ok(query(w, { huge_result: { bytes: 100_000 } })) as { filler: string }).filler.length, 100_000);
});

bothEngines('submessages and replies, migrate by the admin, sudo, the env the contract sees', (w) => {
  const sub = w.chain.execute({ contract: w.self, sender: A, msg: { submessages: { messages: [
    { id: 1, msg: { bank: { send: { to_address: addr(3), amount: [{ denom: 'uscrt', amount: '1' }] } } }, reply_on: 'always' },
    { id: 2, msg: { wasm: { execute: { contract_addr: w.other, msg: b64('{}'), funds: [] } } }, gas_limit: 100000 },
  ] } } });
  assert.equal(sub.kind, 'ok');
  const resp = (sub as { value: unknown }).value as { messages: JsonValue[] };
  assert.deepEqual(resp.messages, [
    { id: 1, msg: { bank: { send: { to_address: addr(3), amount: [{ denom: 'uscrt', amount: '1' }] } } }, gas_limit: null, reply_on: 'always' },
    { id: 2, msg: { wasm: { execute: { contract_addr: w.other, msg: b64('{}'), funds: [] } } }, gas_limit: 100000, reply_on: 'never' },
  ]);
  w.log.push(`submessages ${sub.gasUsed}`);
  const r = w.chain.reply({ contract: w.self, reply: { id: 1, result: { ok: { events: [{ type: 'transfer', attributes: [] }], data: b64('x') } } } });
  assert.equal(r.kind, 'ok');
  assert.deepEqual(ok(query(w, { last_reply: {} })), { id: 1, ok: true, data: b64('x'), events: 1 });
  const e = w.chain.reply({ contract: w.self, reply: { id: 2, result: { error: 'codespace: wasm, code: 5' } } });
  assert.equal(e.kind, 'ok');
  assert.deepEqual(ok(query(w, { last_reply: {} })), { id: 2, ok: false, error: 'codespace: wasm, code: 5' });
  assert.equal(w.chain.reply({ contract: w.self, reply: { id: 1000, result: { error: 'x' } } }).kind, 'contract_error');
  const m = w.chain.migrate({ contract: w.self, sender: A, codeId: 1, msg: {} });
  assert.equal(m.kind, 'ok');
  assert.deepEqual(ok(query(w, { read: { key: 'migrate_msg' } })), { value: '{}' });
  const s = w.chain.sudo({ contract: w.self, msg: { debug: { message: 'from sudo' } } });
  assert.equal(s.kind, 'ok');
  assert.ok(((s as { value: unknown }).value as { attributes: { key: string; value: string }[] }).attributes.some((a) => a.key === 'entry' && a.value === 'sudo'));
  const env = ok(query(w, { env: {} })) as { env: { contract: { address: string; code_hash: string } }; info: null };
  assert.equal(env.env.contract.address, w.self);
  assert.equal(env.env.contract.code_hash, w.chain.code(1).checksum);
  assert.equal(env.info, null);
  const envx = ok(exec(w, { env: {} })) as { info: { sender: string; funds: [] } };
  assert.deepEqual(envx.info, { sender: A, funds: [] });
});
