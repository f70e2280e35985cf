/**
 * The chain end to end without HTTP: signed txs through CheckTx, blocks, the real enclave process
 * (JIT/v8 mode) and the LMDB store: bank sends, the token contract stored, instantiated, executed
 * and queried, and the failure paths (each with its code, state untouched, fee charged where the
 * SDK charges it).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MsgExecuteContract, MsgInstantiateContract, MsgSend, MsgStoreCode, decodeTxMsgData, MsgStoreCodeResponse, MsgInstantiateContractResponse, fromBech32 } from '@cloak/client';
import { contract, keys, openChain, sign } from './support/chain.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

test('bank send, store, instantiate, execute and query the token through blocks and the enclave', async () => {
  const { node, close } = openChain();
  try {
    const a = keys.a;
    const b = keys.b;
    const before = node.balance(a.addressBytes, 'uscrt');
    const send = sign(node, a, [{ typeUrl: MsgSend.typeUrl, value: { fromAddress: a.address, toAddress: b.address, amount: [{ denom: 'uscrt', amount: '1000' }] } }], { gas: 100_000n });
    const r = await node.broadcast(send);
    assert.equal(r.code, 0, r.log);
    // The same bytes twice: refused at once.
    assert.equal((await node.broadcast(send)).code, 19);
    const h = await node.produce();
    assert.equal(h, 1);
    const tx = node.tx(r.txhash);
    assert.ok(tx);
    assert.equal(tx.code, 0, tx.raw_log);
    assert.equal(node.balance(a.addressBytes, 'uscrt'), before - 1000n - 10_000n);

    const store = sign(node, a, [{ typeUrl: MsgStoreCode.typeUrl, value: { sender: a.addressBytes, wasmByteCode: contract('token-v1') } }]);
    const rs = await node.broadcast(store);
    assert.equal(rs.code, 0, rs.log);
    await node.produce();
    const ts = node.tx(rs.txhash)!;
    assert.equal(ts.code, 0, ts.raw_log);
    const codeId = MsgStoreCodeResponse.decode(decodeTxMsgData(Buffer.from(ts.data, 'hex'))[0].value).codeId;
    assert.equal(codeId, 1n);

    const init = { name: 'Cloak Token', symbol: 'CLK', decimals: 6, initial_balances: [{ address: a.address, amount: '1000' }] };
    const ri = await node.broadcast(sign(node, a, [{ typeUrl: MsgInstantiateContract.typeUrl, value: { sender: a.addressBytes, codeId, label: 'token', initMsg: enc.encode(JSON.stringify(init)), initFunds: [] } }]));
    assert.equal(ri.code, 0, ri.log);
    await node.produce();
    const ti = node.tx(ri.txhash)!;
    assert.equal(ti.code, 0, ti.raw_log);
    const address = MsgInstantiateContractResponse.decode(decodeTxMsgData(Buffer.from(ti.data, 'hex'))[0].value).address;
    assert.match(address, /^secret1/);
    const ev = ti.events.find((e) => e.type === 'message' && e.attributes.some((x) => x.key === 'contract_address'));
    assert.ok(ev, JSON.stringify(ti.events));

    const transfer = { transfer: { recipient: b.address, amount: '250' } };
    const re = await node.broadcast(sign(node, a, [{ typeUrl: MsgExecuteContract.typeUrl, value: { sender: a.addressBytes, contract: fromBech32(address), msg: enc.encode(JSON.stringify(transfer)), sentFunds: [] } }]));
    assert.equal(re.code, 0, re.log);
    await node.produce();
    const te = node.tx(re.txhash)!;
    assert.equal(te.code, 0, te.raw_log);

    const answer = await node.query(fromBech32(address), enc.encode(JSON.stringify({ balance: { address: b.address } })));
    assert.deepEqual(JSON.parse(dec.decode(answer)), { balance: '250' });

    // A contract error: code 3 in the compute codespace, nothing written, fee charged.
    const feeBefore = node.balance(a.addressBytes, 'uscrt');
    const bad = await node.broadcast(sign(node, a, [{ typeUrl: MsgExecuteContract.typeUrl, value: { sender: a.addressBytes, contract: fromBech32(address), msg: enc.encode(JSON.stringify({ transfer: { recipient: b.address, amount: '999999' } })), sentFunds: [] } }], { gas: 200_000n }));
    assert.equal(bad.code, 0, bad.log);
    await node.produce();
    const tb = node.tx(bad.txhash)!;
    assert.equal(tb.code, 3, tb.raw_log);
    assert.equal(tb.codespace, 'compute');
    assert.match(tb.raw_log, /^failed to execute message; message index: 0: .*execute contract failed$/);
    assert.equal(node.balance(a.addressBytes, 'uscrt'), feeBefore - 20_000n);
    const after = await node.query(fromBech32(address), enc.encode(JSON.stringify({ balance: { address: b.address } })));
    assert.deepEqual(JSON.parse(dec.decode(after)), { balance: '250' });
  } finally {
    await close();
  }
});
