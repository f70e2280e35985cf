/**
 * What the node does with the messages a contract returns (spec/secret-compute.md §4.7,
 * spec/cosmwasm-abi.md §7.3): dispatched in order, each sub-message in its own branch, replies as
 * reply_on asks, a failed sub-message reverting only its own writes when the caller takes the
 * error in its reply, sub-message gas limits, contract-to-contract calls, query_chain from inside
 * a tx, and the events a call produces.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MsgExecuteContract, MsgInstantiateContract, MsgStoreCode, decodeTxMsgData, MsgInstantiateContractResponse, MsgExecuteContractResponse, fromBech32, toBech32, type Msg } from '@cloak/client';
import type { ChainNode } from '../src/chain/node.js';
import { contract, keys, openChain, sign, type TestChain } from './support/chain.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');
let chain: TestChain;
let node: ChainNode;
let one: string;
let two: string;

const exec = (addr: string, msg: unknown, funds: { denom: string; amount: string }[] = []): Msg => ({ typeUrl: MsgExecuteContract.typeUrl, value: { sender: keys.a.addressBytes, contract: fromBech32(addr), msg: enc.encode(JSON.stringify(msg)), sentFunds: funds } });
const sub = (id: number, msg: unknown, replyOn = 'never', gasLimit: number | null = null) => ({ id, msg, reply_on: replyOn, gas_limit: gasLimit });
const call = (addr: string, msg: unknown, funds: unknown[] = []) => ({ wasm: { execute: { contract_addr: addr, msg: b64(msg), funds, code_hash: '' } } });

async function run(msgs: Msg[], gas = 5_000_000n) {
  const r = await node.broadcast(sign(node, keys.a, msgs, { gas }));
  assert.equal(r.code, 0, r.log);
  await node.produce();
  return node.tx(r.txhash)!;
}

async function query(addr: string, msg: unknown): Promise<unknown> {
  return JSON.parse(dec.decode(await node.query(fromBech32(addr), enc.encode(JSON.stringify(msg)))));
}

async function instantiate(label: string): Promise<string> {
  const t = await run([{ typeUrl: MsgInstantiateContract.typeUrl, value: { sender: keys.a.addressBytes, codeId: 1n, label, initMsg: enc.encode('{}'), initFunds: [] } }]);
  assert.equal(t.code, 0, t.raw_log);
  return MsgInstantiateContractResponse.decode(decodeTxMsgData(Buffer.from(t.data, 'hex'))[0].value).address;
}

before(async () => {
  chain = openChain();
  node = chain.node;
  const t = await run([{ typeUrl: MsgStoreCode.typeUrl, value: { sender: keys.a.addressBytes, wasmByteCode: contract('kitchen-sink-v1') } }]);
  assert.equal(t.code, 0, t.raw_log);
  one = await instantiate('one');
  two = await instantiate('two');
});

after(async () => {
  await chain.close();
});

test('a contract calls another; events in order with contract_address first', async () => {
  const t = await run([exec(one, { submessages: { messages: [sub(0, call(two, { write: { key: 'from-one', value: 'x' } }))] } })]);
  assert.equal(t.code, 0, t.raw_log);
  assert.deepEqual(await query(two, { read: { key: 'from-one' } }), { value: 'x' });
  const types = t.events.filter((e) => e.attributes.some((a) => a.key === 'msg_index')).map((e) => `${e.type}:${e.attributes.find((a) => a.key === 'contract_address')?.value === one ? 'one' : e.attributes.find((a) => a.key === 'contract_address')?.value === two ? 'two' : '-'}`);
  // The sub-call's own `message` event is not kept (x/compute filters sub-messages' message events).
  assert.deepEqual(types, ['message:-', 'message:one', 'execute:one', 'wasm:one', 'execute:two', 'wasm:two']);
  const wasm = t.events.find((e) => e.type === 'wasm')!;
  assert.equal(wasm.attributes[0].key, 'contract_address');
});

test('reply on success gets the data; reply on error gets the redacted error and the failed writes are reverted', async () => {
  let t = await run([exec(one, { submessages: { messages: [sub(7, call(two, { write: { key: 'ok', value: '1' } }), 'success')] } })]);
  assert.equal(t.code, 0, t.raw_log);
  // The reply's data is the sub-message's MsgExecuteContractResponse (what cw-utils' parse_reply_execute_data reads).
  const expected = Buffer.from(MsgExecuteContractResponse.encode({ data: enc.encode(JSON.stringify({ written: 'ok' })) })).toString('base64');
  assert.deepEqual(await query(one, { last_reply: {} }), { id: 7, ok: true, data: expected, events: 0 });
  // The reply's data becomes the message's data.
  const data = MsgExecuteContractResponse.decode(decodeTxMsgData(Buffer.from(t.data, 'hex'))[0].value).data;
  assert.equal(JSON.parse(dec.decode(data)).id, 7);

  // two writes, then traps: with reply_on error, one's own write stays, two's is gone.
  const failing = call(two, { submessages: { messages: [sub(0, call(two, { write: { key: 'lost', value: '1' } })), sub(0, call(two, { panic: {} }))] } });
  t = await run([exec(one, { write: { key: 'kept', value: '1' } }), exec(one, { submessages: { messages: [sub(8, failing, 'error')] } })]);
  assert.equal(t.code, 0, t.raw_log);
  assert.deepEqual(await query(one, { last_reply: {} }), { id: 8, ok: false, error: 'codespace: compute, code: 3' });
  assert.deepEqual(await query(one, { read: { key: 'kept' } }), { value: '1' });
  assert.deepEqual(await query(two, { read: { key: 'lost' } }), { value: null });
});

test('a sub-message with its own gas limit runs out alone; the reply sees out of gas', async () => {
  const t = await run([exec(one, { submessages: { messages: [sub(9, call(two, { loop: {} }), 'error', 200_000)] } })]);
  assert.equal(t.code, 0, t.raw_log);
  assert.deepEqual(await query(one, { last_reply: {} }), { id: 9, ok: false, error: 'codespace: sdk, code: 11' });
  assert.ok(BigInt(t.gas_used) > 200_000n && BigInt(t.gas_used) < 5_000_000n, t.gas_used);
});

test('a failing reply fails the whole message; an error nobody replies to too', async () => {
  let t = await run([exec(one, { submessages: { messages: [sub(1000, call(two, { write: { key: 'r', value: '1' } }), 'always')] } })]);
  assert.equal(t.code, 19, t.raw_log);
  assert.match(t.raw_log, /reply 1000 failed on request.*reply to contract failed/);
  assert.deepEqual(await query(two, { read: { key: 'r' } }), { value: null });
  t = await run([exec(one, { submessages: { messages: [sub(3, call(two, { fail: { message: 'no' } }), 'success')] } })]);
  assert.equal(t.code, 3, t.raw_log);
});

test('bank sends from a contract, funds sent with a call, and query_chain inside a tx', async () => {
  let t = await run([exec(one, {}, [{ denom: 'uscrt', amount: '500' }])]);
  // {} is not an ExecuteMsg of the sink: the funds go back with the failure.
  assert.equal(t.code, 3);
  assert.equal(node.balance(fromBech32(one), 'uscrt'), 0n);
  t = await run([exec(one, { write: { key: 'f', value: '1' } }, [{ denom: 'uscrt', amount: '500' }])]);
  assert.equal(t.code, 0, t.raw_log);
  assert.equal(node.balance(fromBech32(one), 'uscrt'), 500n);
  t = await run([exec(one, { submessages: { messages: [sub(0, { bank: { send: { to_address: keys.c.address, amount: [{ denom: 'uscrt', amount: '200' }] } } })] } })]);
  assert.equal(t.code, 0, t.raw_log);
  assert.equal(node.balance(fromBech32(one), 'uscrt'), 300n);
  assert.ok(t.events.some((e) => e.type === 'transfer' && e.attributes.some((a) => a.key === 'sender' && a.value === one)));
  // More than it has: the message fails with insufficient funds.
  t = await run([exec(one, { submessages: { messages: [sub(0, { bank: { send: { to_address: keys.c.address, amount: [{ denom: 'uscrt', amount: '301' }] } } })] } })]);
  assert.equal(t.code, 5, t.raw_log);
  // Queries from inside a tx see the chain: bank balance and a smart query of another contract.
  t = await run([exec(one, { bank_balance: { address: one, denom: 'uscrt' } })]);
  assert.equal(t.code, 0, t.raw_log);
  const answer = (t: { events: { type: string; attributes: { key: string; value: string }[] }[] }) => t.events.find((e) => e.type === 'wasm')!.attributes.find((a) => a.key === 'result')!.value;
  assert.deepEqual(JSON.parse(answer(t)), { ok: { ok: b64({ amount: { denom: 'uscrt', amount: '300' } }) } });
  t = await run([exec(one, { smart_query: { contract: two, msg: { read: { key: 'ok' } } } })]);
  assert.equal(t.code, 0, t.raw_log);
  assert.deepEqual(JSON.parse(answer(t)), { ok: { ok: b64({ value: '1' }) } });
  // A query for something the chain does not offer is a system error the contract sees.
  t = await run([exec(one, { query_chain: { request: { staking: { bonded_denom: {} } } } })]);
  assert.deepEqual(JSON.parse(answer(t)), { error: { unsupported_request: { kind: 'staking.bonded_denom' } } });
});

test('messages cloak does not support fail the call with unknown message', async () => {
  const t = await run([exec(one, { submessages: { messages: [sub(0, { staking: { delegate: { validator: 'v', amount: { denom: 'uscrt', amount: '1' } } } })] } })]);
  assert.equal(t.code, 18, t.raw_log);
  assert.match(t.raw_log, /staking\.delegate/);
});

test('an API query that queries itself runs its nested queries in the same query enclave', async () => {
  // The test chain has one query enclave: a nested query sent to the pool would wait for itself.
  const answer = await query(one, { recurse_query: { depth: 3 } }) as { depth: number; inner: unknown };
  assert.equal(answer.depth, 3);
  let inner = answer.inner as { ok?: { ok?: string } };
  let depth = 2;
  while (depth > 0) {
    const next = JSON.parse(Buffer.from(inner.ok!.ok!, 'base64').toString()) as { depth: number; inner?: unknown };
    assert.equal(next.depth, depth);
    inner = next.inner as typeof inner;
    depth--;
  }
  // Deeper than the limit: the query at depth 9 may not query further (Secret's depth < 10); the
  // outer ones still answer.
  let level = await query(one, { recurse_query: { depth: 12 } }) as { depth: number; inner: { ok?: { ok: string }; error?: unknown } };
  while (level.inner.ok) level = JSON.parse(Buffer.from(level.inner.ok.ok, 'base64').toString());
  assert.equal(level.depth, 12 - 8, 'nine levels answered');
  assert.deepEqual(level.inner, { error: { exceeded_recursion_limit: {} } });
});

test('an instantiate sub-message: the reply gets MsgInstantiateContractResponse with the new address', async () => {
  const init = { wasm: { instantiate: { code_id: 1, msg: b64({}), funds: [], label: 'child-1', code_hash: '' } } };
  const t = await run([exec(one, { submessages: { messages: [sub(11, init, 'success')] } })]);
  assert.equal(t.code, 0, t.raw_log);
  const r = await query(one, { last_reply: {} }) as { id: number; ok: boolean; data: string };
  const child = MsgInstantiateContractResponse.decode(Buffer.from(r.data, 'base64')).address;
  assert.equal(child, node.contractByLabel('child-1') && toBech32(node.contractByLabel('child-1')!));
});

test('reply ids past 2^53 reach the contract exactly', async () => {
  const id = '9007199254740993';
  const msg = `{"submessages":{"messages":[{"id":${id},"msg":${JSON.stringify(call(two, { write: { key: 'x', value: '1' } }))},"reply_on":"success","gas_limit":null}]}}`;
  const r = await node.broadcast(sign(node, keys.a, [{ typeUrl: MsgExecuteContract.typeUrl, value: { sender: keys.a.addressBytes, contract: fromBech32(one), msg: enc.encode(msg), sentFunds: [] } }], { gas: 5_000_000n }));
  assert.equal(r.code, 0, r.log);
  await node.produce();
  // The sink refuses reply ids >= 1000, quoting the id it got: exactly the one sent.
  const t = node.tx(r.txhash)!;
  assert.equal(t.code, 19, t.raw_log);
  assert.match(t.raw_log, new RegExp(`"reply ${id} failed on request": reply to contract failed`));
});

test('hostile responses: a negative gas limit, a null message, a bad query, a short event type', async () => {
  // A negative gas limit is not a u64: the call fails, and no gas is minted.
  const neg = `{"submessages":{"messages":[{"id":1,"msg":${JSON.stringify(call(two, { loop: {} }))},"reply_on":"error","gas_limit":-9007199254740993}]}}`;
  const r = await node.broadcast(sign(node, keys.a, [{ typeUrl: MsgExecuteContract.typeUrl, value: { sender: keys.a.addressBytes, contract: fromBech32(one), msg: enc.encode(neg), sentFunds: [] } }], { gas: 2_000_000n }));
  await node.produce();
  const tn = node.tx(r.txhash)!;
  assert.equal(tn.code, 3, tn.raw_log);
  assert.ok(BigInt(tn.gas_used) > 0n && BigInt(tn.gas_used) <= 2_000_000n, tn.gas_used);
  // A message body that is null: the sub-message fails (invalid msg) and the reply hears of it.
  let t = await run([exec(one, { submessages: { messages: [sub(12, { wasm: { execute: null } }, 'error')] } })]);
  assert.equal(t.code, 0, t.raw_log);
  assert.deepEqual(await query(one, { last_reply: {} }), { id: 12, ok: false, error: 'codespace: compute, code: 10' });
  // A query the chain cannot read is a system error the contract sees; the call goes on.
  t = await run([exec(one, { query_chain: { request: { wasm: { code_info: { code_id: 1.5 } } } } })]);
  assert.equal(t.code, 0, t.raw_log);
  // A custom event type shorter than 3 characters fails the call (x/compute's rule).
  t = await run([exec(one, { emit: { events: [{ type: 'ab', attributes: [{ key: 'k', value: 'v' }] }] } })]);
  assert.equal(t.code, 21, t.raw_log);
  t = await run([exec(one, { emit: { events: [{ type: 'abc', attributes: [{ key: 'k', value: 'v' }] }] } })]);
  assert.equal(t.code, 0, t.raw_log);
  assert.ok(t.events.some((e) => e.type === 'wasm-abc'));
});

test('an empty bank send from a contract moves nothing and creates no account', async () => {
  const nobody = 'secret1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq3x5k6p';
  const t = await run([exec(one, { submessages: { messages: [sub(0, { bank: { send: { to_address: nobody, amount: [] } } })] } })]);
  assert.equal(t.code, 0, t.raw_log);
  assert.equal(node.account(fromBech32(nobody)), undefined);
});
