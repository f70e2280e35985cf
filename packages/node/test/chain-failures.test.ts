/**
 * The failure paths of a transaction, each with the code and log a Cosmos client expects, the state
 * untouched and the fee charged exactly where the SDK charges it: refused at CheckTx (bad signature,
 * wrong chain id, replayed or skipped sequence, fee too low, fee unpayable, unknown signer, garbage)
 * versus failed in the block (unknown code or contract, out of gas, a contract error, a trap in a
 * sub-message) where the fee and the sequence increment stay and nothing else does.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Key, MsgExecuteContract, MsgInstantiateContract, MsgSend, MsgStoreCode, decodeTxMsgData, MsgInstantiateContractResponse, fromBech32, type Msg } from '@cloak/client';
import type { ChainNode } from '../src/chain/node.js';
import { contract, keys, openChain, sign, type TestChain } from './support/chain.js';

const enc = new TextEncoder();
let chain: TestChain;
let node: ChainNode;
let sink: string;

const send = (from: Key, to: string, amount: string): Msg => ({ typeUrl: MsgSend.typeUrl, value: { fromAddress: from.address, toAddress: to, amount: [{ denom: 'uscrt', amount }] } });
const exec = (from: Key, contractAddr: string, msg: unknown): Msg => ({ typeUrl: MsgExecuteContract.typeUrl, value: { sender: from.addressBytes, contract: fromBech32(contractAddr), msg: enc.encode(JSON.stringify(msg)), sentFunds: [] } });

/** Broadcasts, makes a block, returns the committed result. */
async function run(tx: Uint8Array) {
  const r = await node.broadcast(tx);
  assert.equal(r.code, 0, `CheckTx refused: ${r.log}`);
  await node.produce();
  const t = node.tx(r.txhash);
  assert.ok(t, 'the tx is in the block');
  return t;
}

/** What a test can see of the chain: balances of a and b, their sequences, the sink's state. */
function snapshot() {
  const a = node.account(keys.a.addressBytes)!;
  return {
    a: node.balance(keys.a.addressBytes, 'uscrt'),
    b: node.balance(keys.b.addressBytes, 'uscrt'),
    seqA: a.sequence,
    state: [...node.state().range(undefined, undefined, false, Infinity)].filter(([k]) => k[0] === 0x13).map(([k, v]) => `${Buffer.from(k).toString('hex')}=${Buffer.from(v).toString('hex')}`).join(','),
  };
}

before(async () => {
  chain = openChain();
  node = chain.node;
  const t = await run(sign(node, keys.a, [{ typeUrl: MsgStoreCode.typeUrl, value: { sender: keys.a.addressBytes, wasmByteCode: contract('kitchen-sink-v1') } }]));
  assert.equal(t.code, 0, t.raw_log);
  const i = await run(sign(node, keys.a, [{ typeUrl: MsgInstantiateContract.typeUrl, value: { sender: keys.a.addressBytes, codeId: 1n, label: 'sink', initMsg: enc.encode('{}'), initFunds: [] } }]));
  assert.equal(i.code, 0, i.raw_log);
  sink = MsgInstantiateContractResponse.decode(decodeTxMsgData(Buffer.from(i.data, 'hex'))[0].value).address;
});

after(async () => {
  await chain.close();
});

test('CheckTx refusals: nothing changes, no fee', async () => {
  const s0 = snapshot();
  const cases: [string, Uint8Array, number, RegExp][] = [
    ['bad signature', (() => { const t = sign(node, keys.a, [send(keys.a, keys.b.address, '1')]); t[t.length - 5] ^= 1; return t; })(), 4, /signature verification failed/],
    ['wrong chain id', sign(node, keys.a, [send(keys.a, keys.b.address, '1')], { chainId: 'secretdev-2' }), 4, /signature verification failed; please verify account number \(\d+\), sequence \(\d+\) and chain-id \(secretdev-1\)/],
    ['old sequence', sign(node, keys.a, [send(keys.a, keys.b.address, '1')], { sequence: s0.seqA - 1n }), 32, /account sequence mismatch, expected \d+, got \d+/],
    ['skipped sequence', sign(node, keys.a, [send(keys.a, keys.b.address, '1')], { sequence: s0.seqA + 1n }), 32, /account sequence mismatch/],
    ['fee below the minimum gas price', sign(node, keys.a, [send(keys.a, keys.b.address, '1')], { gas: 100_000n, fee: 1249n }), 13, /insufficient fees; got: 1249uscrt required: 1250uscrt/],
    ['signer signs for someone else', sign(node, keys.a, [send(keys.b, keys.a.address, '1')]), 4, /pubkey does not match signer address/],
    ['garbage', new Uint8Array([1, 2, 3, 4]), 2, /tx parse error/],
    ['timeout height passed', sign(node, keys.a, [send(keys.a, keys.b.address, '1')], { timeoutHeight: BigInt(node.height) }), 30, /tx timeout height/],
    ['a fee granter', sign(node, keys.a, [send(keys.a, keys.b.address, '1')], { granter: keys.b.address }), 18, /fee grants are not supported/],
    ['a memo over 256 characters', sign(node, keys.a, [send(keys.a, keys.b.address, '1')], { memo: 'm'.repeat(257) }), 12, /maximum number of characters is 256 but received 257/],
    ['gas limit below the tx size cost', sign(node, keys.a, [send(keys.a, keys.b.address, '1')], { gas: 1_000n }), 11, /out of gas in location: txSize; gasWanted: 1000, gasUsed: \d+: out of gas/],
  ];
  for (const [what, tx, code, log] of cases) {
    const r = await node.broadcast(tx);
    assert.equal(r.code, code, `${what}: ${r.log}`);
    assert.match(r.log, log, what);
  }
  // An account with no coins cannot pay a fee, and an unknown one cannot sign at all.
  const poor = Key.fromMnemonic('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about');
  const unknown = await node.broadcast(sign(node, poor, [send(poor, keys.a.address, '1')]));
  assert.equal(unknown.code, 9, unknown.log);
  assert.match(unknown.log, /account secret1\w+ not found/);
  await run(sign(node, keys.a, [send(keys.a, poor.address, '5')], { gas: 100_000n }));
  const s1 = snapshot();
  const broke = await node.broadcast(sign(node, poor, [send(poor, keys.a.address, '1')], { gas: 100_000n }));
  assert.equal(broke.code, 5, broke.log);
  assert.match(broke.log, /insufficient funds to pay the fee/);
  await node.produce();
  assert.deepEqual(snapshot(), s1);
  assert.equal(node.balance(poor.addressBytes, 'uscrt'), 5n);
});

test('a replayed tx is refused, in the mempool and after its block', async () => {
  const tx = sign(node, keys.a, [send(keys.a, keys.b.address, '7')], { gas: 100_000n });
  assert.equal((await node.broadcast(tx)).code, 0);
  assert.equal((await node.broadcast(tx)).code, 19);
  await node.produce();
  assert.equal((await node.broadcast(tx)).code, 19);
});

test('two txs of one account in one block need consecutive sequences', async () => {
  const s = node.account(keys.a.addressBytes)!.sequence;
  const t1 = sign(node, keys.a, [send(keys.a, keys.b.address, '1')], { gas: 100_000n, sequence: s });
  const t2 = sign(node, keys.a, [send(keys.a, keys.b.address, '2')], { gas: 100_000n, sequence: s + 1n });
  const again = sign(node, keys.a, [send(keys.a, keys.b.address, '3')], { gas: 100_000n, sequence: s });
  assert.equal((await node.broadcast(t1)).code, 0);
  assert.equal((await node.broadcast(t2)).code, 0);
  assert.equal((await node.broadcast(again)).code, 32);
  const before = node.balance(keys.b.addressBytes, 'uscrt');
  await node.produce();
  assert.equal(node.balance(keys.b.addressBytes, 'uscrt'), before + 3n);
});

/** A tx that passes CheckTx and fails in the block: code, log, fee charged, sequence up, nothing else. */
async function failsInBlock(msgs: Msg[], gas: bigint, code: number, codespace: string, log: RegExp) {
  const s0 = snapshot();
  const t = await run(sign(node, keys.a, msgs, { gas }));
  assert.equal(t.code, code, t.raw_log);
  assert.equal(t.codespace, codespace);
  assert.match(t.raw_log, log);
  const s1 = snapshot();
  assert.equal(s1.a, s0.a - (gas + 9n) / 10n, 'exactly the fee is charged');
  assert.equal(s1.b, s0.b);
  assert.equal(s1.seqA, s0.seqA + 1n);
  assert.equal(s1.state, s0.state, 'contract state untouched');
  assert.equal(t.data, '');
  assert.ok(t.events.every((e) => !e.attributes.some((a) => a.key === 'msg_index')), 'only the ante events remain');
  return t;
}

test('block failures: unknown code and contract, contract error, out of gas, a trap in a sub-message', async () => {
  // A send before the failing message is rolled back with it.
  await failsInBlock([send(keys.a, keys.b.address, '100'), { typeUrl: MsgInstantiateContract.typeUrl, value: { sender: keys.a.addressBytes, codeId: 99n, label: 'x', initMsg: enc.encode('{}'), initFunds: [] } }],
    5_000_000n, 9, 'compute', /^failed to execute message; message index: 1: code id 99: not found$/);
  await failsInBlock([exec(keys.a, keys.c.address, {})], 5_000_000n, 9, 'compute', /message index: 0: contract secret1\w+: not found/);
  await failsInBlock([exec(keys.a, sink, { write: { key: 'k', value: 'v' } }), exec(keys.a, sink, { fail: { message: 'nope' } })],
    5_000_000n, 3, 'compute', /^failed to execute message; message index: 1: "nope": execute contract failed$/);
  await failsInBlock([exec(keys.a, sink, { write: { key: 'k', value: 'v' } }), exec(keys.a, sink, { loop: {} })], 400_000n, 11, 'sdk', /^out of gas in location: .*; gasWanted: 400000, gasUsed: \d+: out of gas$/);
  // A sub-message that traps, with no reply: the whole message fails, the caller's writes too.
  const trap = { submessages: { messages: [{ id: 1, msg: { wasm: { execute: { contract_addr: sink, msg: Buffer.from(JSON.stringify({ panic: {} })).toString('base64'), funds: [], code_hash: '' } } } }] } };
  await failsInBlock([exec(keys.a, sink, trap)], 5_000_000n, 3, 'compute', /message index: 0: runtime: .*execute contract failed/);
});

test('an enclave that hangs mid-tx: the tx fails with nothing written, the enclave restarts, the chain carries on', async () => {
  const slow = openChain({ enclave: { ...(await import('@cloak/enclave/launch')).enclaveCommand({ jit: true }), timeoutMs: 1_500 } });
  try {
    const n = slow.node;
    const go = async (msgs: Msg[], gas = 5_000_000n) => {
      const r = await n.broadcast(sign(n, keys.a, msgs, { gas }));
      assert.equal(r.code, 0, r.log);
      await n.produce();
      return n.tx(r.txhash)!;
    };
    await go([{ typeUrl: MsgStoreCode.typeUrl, value: { sender: keys.a.addressBytes, wasmByteCode: contract('kitchen-sink-v1') } }]);
    const i = await go([{ typeUrl: MsgInstantiateContract.typeUrl, value: { sender: keys.a.addressBytes, codeId: 1n, label: 's', initMsg: enc.encode('{}'), initFunds: [] } }]);
    const addr = MsgInstantiateContractResponse.decode(decodeTxMsgData(Buffer.from(i.data, 'hex'))[0].value).address;
    const t = await go([exec(keys.a, addr, { write: { key: 'k', value: 'v' } }), exec(keys.a, addr, { loop: {} })], 9_000_000_000n);
    assert.equal(t.code, 3, t.raw_log);
    assert.match(t.raw_log, /enclave unavailable: the enclave did not answer within 1500 ms/);
    const after = await go([exec(keys.a, addr, { read: { key: 'k' } })]);
    assert.equal(after.code, 0, after.raw_log);
    const result = after.events.find((e) => e.type === 'wasm')!.attributes.find((a) => a.key === 'result')!.value;
    assert.deepEqual(JSON.parse(result), { value: null }, 'the write before the hang was not applied');
  } finally {
    await slow.close();
  }
});

test('a block that fails to commit drops its txs cleanly: they can be sent again, sequences stay right', async () => {
  const s0 = node.account(keys.a.addressBytes)!.sequence;
  const tx = sign(node, keys.a, [send(keys.a, keys.b.address, '9')], { gas: 100_000n });
  assert.equal((await node.broadcast(tx)).code, 0);
  const store = node.store as unknown as { commitBlock: (...a: unknown[]) => Uint8Array };
  const real = store.commitBlock;
  store.commitBlock = () => {
    throw new Error('disk on fire');
  };
  await assert.rejects(node.produce(), /disk on fire/);
  store.commitBlock = real;
  assert.equal(node.account(keys.a.addressBytes)!.sequence, s0, 'nothing was committed');
  // The same bytes are accepted again (not "already in cache"), and included.
  const again = await node.broadcast(tx);
  assert.equal(again.code, 0, again.log);
  await node.produce();
  assert.equal(node.tx(again.txhash)!.code, 0);
  assert.equal(node.account(keys.a.addressBytes)!.sequence, s0 + 1n);
});

test('a block takes txs up to its byte limit; the rest wait for the next', async () => {
  const small = openChain({ maxBlockBytes: 600 });
  try {
    const n = small.node;
    const s = n.account(keys.a.addressBytes)!.sequence;
    const txs = [0n, 1n, 2n].map((i) => sign(n, keys.a, [send(keys.a, keys.b.address, '1')], { gas: 100_000n, sequence: s + i, memo: 'x'.repeat(200) }));
    assert.ok(txs.every((t) => t.length > 300 && t.length < 600), txs.map((t) => t.length).join(' '));
    for (const t of txs) assert.equal((await n.broadcast(t)).code, 0);
    const h1 = await n.produce();
    const h2 = await n.produce();
    const h3 = await n.produce();
    assert.deepEqual([h1, h2, h3].map((h) => n.block(h)!.block.data.txs.length), [1, 1, 1]);
  } finally {
    await small.close();
  }
});
