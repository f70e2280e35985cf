/**
 * The HTTP API end to end over real HTTP (fetch), against a chain with its enclave in JIT mode: txs
 * signed by @cloak/client as secretjs signs them (account read over HTTP, DIRECT mode), broadcast by
 * POST in SYNC, ASYNC and BLOCK mode, found by polling GET tx (404 "tx not found: HASH", then 200);
 * the token contract stored, instantiated, executed and queried; and the shape of every route's
 * answer (spec/secretjs-surface.md §2, §5).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  MsgExecuteContract, MsgInstantiateContract, MsgSend, MsgStoreCode, MsgStoreCodeResponse, Key, decodeTxMsgData, fromBech32,
} from '@cloak/client';
import { contract, keys } from './support/chain.js';
import { broadcast, call, openApiChain, signOverHttp, waitTx } from './support/api.js';

const enc = new TextEncoder();
const b64 = (b: Uint8Array | string) => Buffer.from(b).toString('base64');

const TX_RESPONSE_KEYS = ['height', 'txhash', 'codespace', 'code', 'data', 'raw_log', 'logs', 'info', 'gas_wanted', 'gas_used', 'tx', 'timestamp', 'events'];

/** An attribute of the messages' events (those with msg_index; the ante's fee events have none). */
function attr(txResponse: { events: { type: string; attributes: { key: string; value: string }[] }[] }, type: string, key: string): string | undefined {
  for (const e of txResponse.events) {
    if (e.type !== type || !e.attributes.some((x) => x.key === 'msg_index')) continue;
    const a = e.attributes.find((x) => x.key === key);
    if (a) return a.value;
  }
  return undefined;
}

test('store, instantiate, execute, query and balances over HTTP, with every route\'s shape', async () => {
  const chain = await openApiChain();
  const { node, url } = chain;
  try {
    const a = keys.a;
    const fresh = Key.fromMnemonic('test test test test test test test test test test test junk');

    // Status before any block.
    const st = await call(url, '/cloak/v1/status');
    assert.equal(st.status, 200);
    assert.deepEqual(Object.keys(st.json), ['chain_id', 'latest_block_height', 'latest_block_time', 'enclave_mode', 'catching_up']);
    assert.equal(st.json.chain_id, 'secretdev-1');
    assert.match(st.json.latest_block_height, /^\d+$/);
    assert.match(st.json.enclave_mode, /JIT/);
    assert.equal(st.json.catching_up, false);
    assert.equal(st.headers.get('access-control-allow-origin'), '*');
    assert.match(st.headers.get('content-type') ?? '', /^application\/json/);

    // Account: BaseAccount with no pub_key before the first tx.
    const acc = await call(url, `/cosmos/auth/v1beta1/accounts/${a.address}?`);
    assert.equal(acc.status, 200);
    assert.deepEqual(acc.json, {
      account: { '@type': '/cosmos.auth.v1beta1.BaseAccount', address: a.address, pub_key: null, account_number: acc.json.account.account_number, sequence: '0' },
    });
    assert.match(acc.json.account.account_number, /^\d+$/);

    // Unknown account: the SDK's exact 404.
    const missing = await call(url, `/cosmos/auth/v1beta1/accounts/${fresh.address}?`);
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, { code: 5, message: `rpc error: code = NotFound desc = account ${fresh.address} not found: key not found`, details: [] });

    // A bank send, SYNC: the CheckTx answer.
    const send = await signOverHttp(url, a, [{ typeUrl: MsgSend.typeUrl, value: { fromAddress: a.address, toAddress: fresh.address, amount: [{ denom: 'uscrt', amount: '1000' }] } }], { gas: 100_000n });
    const sr = await broadcast(url, send);
    assert.equal(sr.status, 200);
    const hash = sr.json.tx_response.txhash as string;
    assert.equal(hash, createHash('sha256').update(send).digest('hex').toUpperCase());
    assert.deepEqual(sr.json, {
      tx_response: {
        height: '0', txhash: hash, codespace: '', code: 0, data: '', raw_log: '', logs: [], info: '', gas_wanted: '0', gas_used: '0', tx: null, timestamp: '', events: [],
      },
    });

    // Not found until committed (secretjs keeps polling on exactly this), then found.
    const nf = await call(url, `/cosmos/tx/v1beta1/txs/${hash}?`);
    assert.equal(nf.status, 404);
    assert.deepEqual(nf.json, { code: 5, message: `tx not found: ${hash}`, details: [] });
    await node.produce();
    const got = await call(url, `/cosmos/tx/v1beta1/txs/${hash}?`);
    assert.equal(got.status, 200);
    assert.deepEqual(Object.keys(got.json), ['tx', 'tx_response']);
    const tr = got.json.tx_response;
    assert.deepEqual(Object.keys(tr), TX_RESPONSE_KEYS);
    assert.equal(tr.height, String(node.height));
    assert.equal(tr.code, 0);
    assert.equal(tr.raw_log, '');
    assert.match(tr.data, /^[0-9A-F]+$/);
    assert.equal(decodeTxMsgData(Buffer.from(tr.data, 'hex'))[0].typeUrl, '/cosmos.bank.v1beta1.MsgSendResponse');
    assert.equal(tr.gas_wanted, '100000');
    assert.match(tr.gas_used, /^\d+$/);
    assert.match(tr.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(tr.tx['@type'], '/cosmos.tx.v1beta1.Tx');
    assert.equal(got.json.tx['@type'], undefined);
    assert.deepEqual(got.json.tx.body, { ...tr.tx.body });
    assert.equal(tr.tx.body.messages[0]['@type'], '/cosmos.bank.v1beta1.MsgSend');
    assert.equal(tr.tx.auth_info.signer_infos[0].public_key.key, b64(a.publicKey));
    for (const e of tr.events) {
      for (const x of e.attributes) {
        assert.deepEqual(Object.keys(x), ['key', 'value', 'index']);
        assert.equal(typeof x.key, 'string');
        assert.equal(typeof x.value, 'string');
      }
    }
    assert.equal(attr(tr, 'message', 'msg_index'), '0');
    assert.equal(attr(tr, 'transfer', 'recipient'), fresh.address);

    // The account now has its public key and next sequence; the recipient exists.
    const acc2 = await call(url, `/cosmos/auth/v1beta1/accounts/${a.address}`);
    assert.deepEqual(acc2.json.account.pub_key, { '@type': '/cosmos.crypto.secp256k1.PubKey', key: b64(a.publicKey) });
    assert.equal(acc2.json.account.sequence, '1');
    assert.equal((await call(url, `/cosmos/auth/v1beta1/accounts/${fresh.address}`)).status, 200);

    // Balances.
    const bal = await call(url, `/cosmos/bank/v1beta1/balances/${fresh.address}/by_denom?denom=uscrt`);
    assert.deepEqual(bal.json, { balance: { denom: 'uscrt', amount: '1000' } });
    const none = await call(url, `/cosmos/bank/v1beta1/balances/${fresh.address}/by_denom?denom=ufoo`);
    assert.deepEqual(none.json, { balance: { denom: 'ufoo', amount: '0' } });
    const all = await call(url, `/cosmos/bank/v1beta1/balances/${fresh.address}?`);
    assert.deepEqual(all.json, { balances: [{ denom: 'uscrt', amount: '1000' }], pagination: { next_key: null, total: '1' } });
    const empty = await call(url, `/cosmos/bank/v1beta1/balances/${keys.d.address.slice(0, -6)}qqqqqq`);
    assert.equal(empty.status, 400); // a checksum that fails
    const nobody = Key.fromMnemonic('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about');
    assert.deepEqual((await call(url, `/cosmos/bank/v1beta1/balances/${nobody.address}`)).json, { balances: [], pagination: { next_key: null, total: '0' } });

    // Store code (SYNC), then the code routes.
    const wasm = contract('token-v1');
    const codeHash = createHash('sha256').update(wasm).digest('hex');
    const store = await broadcast(url, await signOverHttp(url, a, [{ typeUrl: MsgStoreCode.typeUrl, value: { sender: a.addressBytes, wasmByteCode: wasm } }]));
    assert.equal(store.json.tx_response.code, 0, store.json.tx_response.raw_log);
    await node.produce();
    const storeTx = (await waitTx(url, store.json.tx_response.txhash)).reply.json.tx_response;
    assert.equal(storeTx.code, 0, storeTx.raw_log);
    assert.equal(attr(storeTx, 'message', 'code_id'), '1');
    assert.equal(MsgStoreCodeResponse.decode(decodeTxMsgData(Buffer.from(storeTx.data, 'hex'))[0].value).codeId, 1n);
    assert.equal(storeTx.tx.body.messages[0].wasm_byte_code, b64(wasm));

    const codes = await call(url, '/compute/v1beta1/codes?');
    assert.deepEqual(codes.json, { code_infos: [{ code_id: '1', creator: a.address, code_hash: codeHash, source: '', builder: '' }] });
    const code = await call(url, '/compute/v1beta1/code/1?');
    assert.deepEqual(code.json, { code_info: codes.json.code_infos[0], wasm: b64(wasm) });
    assert.deepEqual((await call(url, '/compute/v1beta1/code_hash/by_code_id/1?')).json, { code_hash: codeHash });

    // Instantiate in BLOCK mode: the answer waits for the block and is the full tx_response.
    const init = { name: 'Cloak Token', symbol: 'CLK', decimals: 6, initial_balances: [{ address: a.address, amount: '1000' }] };
    const label = `token-${Date.now()}`;
    const instTx = await signOverHttp(url, a, [{ typeUrl: MsgInstantiateContract.typeUrl, value: { sender: a.addressBytes, codeId: 1n, label, initMsg: enc.encode(JSON.stringify(init)), initFunds: [] } }]);
    const pending = broadcast(url, instTx, 'BROADCAST_MODE_BLOCK');
    await new Promise((r) => setTimeout(r, 50));
    await node.produce();
    const inst = await pending;
    assert.equal(inst.status, 200);
    assert.deepEqual(Object.keys(inst.json.tx_response), TX_RESPONSE_KEYS);
    assert.equal(inst.json.tx_response.code, 0, inst.json.tx_response.raw_log);
    assert.equal(inst.json.tx_response.height, String(node.height));
    const instHeight = inst.json.tx_response.height as string;
    const address = attr(inst.json.tx_response, 'message', 'contract_address') as string;
    assert.match(address, /^secret1/);
    assert.equal(attr(inst.json.tx_response, 'instantiate', 'code_id'), '1');
    assert.equal(inst.json.tx_response.tx.body.messages[0].init_msg, b64(JSON.stringify(init)));

    const contractInfo = {
      code_id: '1', creator: a.address, label, created: { block_height: instHeight, tx_index: '0' }, ibc_port_id: '', admin: '', admin_proof: null, require_governance: false,
    };
    assert.deepEqual((await call(url, `/compute/v1beta1/info/${address}?`)).json, { contract_address: address, contract_info: contractInfo });
    assert.deepEqual((await call(url, '/compute/v1beta1/contracts/1')).json, { contract_infos: [{ contract_address: address, contract_info: contractInfo }] });
    assert.deepEqual((await call(url, '/compute/v1beta1/contracts/7')).json, { contract_infos: [] });
    assert.deepEqual((await call(url, `/compute/v1beta1/code_hash/by_contract_address/${address}?`)).json, { code_hash: codeHash });
    assert.deepEqual((await call(url, `/compute/v1beta1/label/${address}`)).json, { label });
    assert.deepEqual((await call(url, `/compute/v1beta1/contract_address/${encodeURIComponent(label)}`)).json, { contract_address: address });
    assert.deepEqual((await call(url, `/compute/v1beta1/contract_history/${address}`)).json, {
      entries: [{ operation: 'CONTRACT_CODE_HISTORY_OPERATION_TYPE_INIT', code_id: '1', updated: { block_height: instHeight, tx_index: '0' }, msg: b64(JSON.stringify(init)) }],
    });

    // Execute in ASYNC mode: 2xx at once, included by the next block.
    const exec = await signOverHttp(url, a, [{ typeUrl: MsgExecuteContract.typeUrl, value: { sender: a.addressBytes, contract: fromBech32(address), msg: enc.encode(JSON.stringify({ transfer: { recipient: fresh.address, amount: '250' } })), sentFunds: [] } }]);
    const ex = await broadcast(url, exec, 'BROADCAST_MODE_ASYNC');
    assert.equal(ex.status, 200);
    assert.equal(ex.json.tx_response.code, 0, ex.json.tx_response.raw_log);
    await node.produce();
    const exTx = (await waitTx(url, ex.json.tx_response.txhash)).reply.json.tx_response;
    assert.equal(exTx.code, 0, exTx.raw_log);
    assert.equal(attr(exTx, 'execute', 'contract_address'), address);

    // Query: the contract's JSON in, its answer out (base64 both ways until encryption lands).
    const q = await call(url, `/compute/v1beta1/query/${address}?query=${encodeURIComponent(b64(JSON.stringify({ balance: { address: fresh.address } })))}`);
    assert.equal(q.status, 200, q.text);
    assert.deepEqual(Object.keys(q.json), ['data']);
    assert.deepEqual(JSON.parse(Buffer.from(q.json.data, 'base64').toString()), { balance: '250' });

    // A contract error in a query: 500 with the contract's text and "query contract failed".
    const qe = await call(url, `/compute/v1beta1/query/${address}?query=${encodeURIComponent(b64('{"no_such_query":{}}'))}`);
    assert.equal(qe.status, 500);
    assert.equal(qe.json.code, 2);
    assert.match(qe.json.message, /query contract failed/);
    assert.deepEqual(qe.json.details, []);

    // Raw contract state (wasmd's shapes).
    const cs = await call(url, `/compute/v1beta1/contract_state/${address}`);
    assert.equal(cs.status, 200);
    assert.ok(cs.json.models.length > 0);
    assert.deepEqual(Object.keys(cs.json.models[0]), ['key', 'value']);
    assert.equal(cs.json.pagination.total, String(cs.json.models.length));
    const first = cs.json.models[0];
    const raw = await call(url, `/compute/v1beta1/contract_state/${address}/raw/${encodeURIComponent(first.key)}`);
    assert.deepEqual(raw.json, { data: first.value });
    const rawNone = await call(url, `/compute/v1beta1/contract_state/${address}/raw/${encodeURIComponent(b64('no such key'))}`);
    assert.deepEqual(rawNone.json, { data: null });
    // Paging through the state one record at a time gives the same records.
    const paged: unknown[] = [];
    let next: string | null = null;
    do {
      const p: Awaited<ReturnType<typeof call>> = await call(url, `/compute/v1beta1/contract_state/${address}?pagination.limit=1${next === null ? '' : `&pagination.key=${encodeURIComponent(next)}`}`);
      assert.equal(p.status, 200, p.text);
      paged.push(...p.json.models);
      next = p.json.pagination.next_key;
    } while (next !== null);
    assert.deepEqual(paged, cs.json.models);
    const rev = await call(url, `/compute/v1beta1/contract_state/${address}?pagination.reverse=true`);
    assert.deepEqual(rev.json.models, [...cs.json.models].reverse());

    // Simulate: gas and the message responses; a failing simulation is a non-2xx error.
    const simTx = await signOverHttp(url, a, [{ typeUrl: MsgSend.typeUrl, value: { fromAddress: a.address, toAddress: fresh.address, amount: [{ denom: 'uscrt', amount: '5' }] } }], { gas: 100_000n });
    const sim = await call(url, '/cosmos/tx/v1beta1/simulate', { body: { txBytes: b64(simTx) } });
    assert.equal(sim.status, 200, sim.text);
    assert.equal(sim.json.gas_info.gas_wanted, '100000');
    assert.match(sim.json.gas_info.gas_used, /^[1-9]\d*$/);
    assert.deepEqual(Object.keys(sim.json.result), ['data', 'log', 'events', 'msg_responses']);
    assert.deepEqual(sim.json.result.msg_responses, [{ '@type': '/cosmos.bank.v1beta1.MsgSendResponse' }]);
    const simBad = await signOverHttp(url, a, [{ typeUrl: MsgSend.typeUrl, value: { fromAddress: a.address, toAddress: fresh.address, amount: [{ denom: 'uscrt', amount: '10000000000000000000000' }] } }], { gas: 100_000n });
    const sb = await call(url, '/cosmos/tx/v1beta1/simulate', { body: { tx_bytes: b64(simBad) } });
    assert.equal(sb.status, 500);
    assert.equal(sb.json.code, 2);
    assert.match(sb.json.message, /insufficient funds/);
    // Simulation changed nothing.
    assert.deepEqual((await call(url, `/cosmos/bank/v1beta1/balances/${fresh.address}/by_denom?denom=uscrt`)).json.balance.amount, '1000');

    // Blocks and node info.
    const latest = await call(url, '/cosmos/base/tendermint/v1beta1/blocks/latest?');
    assert.equal(latest.status, 200);
    assert.deepEqual(Object.keys(latest.json), ['block_id', 'block', 'sdk_block']);
    assert.equal(latest.json.block.header.height, String(node.height));
    assert.equal(latest.json.block.header.chain_id, 'secretdev-1');
    assert.match(latest.json.block.header.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    assert.equal(Buffer.from(latest.json.block_id.hash, 'base64').length, 32);
    assert.equal(latest.json.block_id.hash, b64(Buffer.from(node.latestBlock()!.block_id.hash, 'hex')));
    assert.deepEqual(latest.json.block.data.txs, [b64(exec)]);
    assert.deepEqual(latest.json.sdk_block.header, latest.json.block.header);
    const b1 = await call(url, '/cosmos/base/tendermint/v1beta1/blocks/1');
    assert.equal(b1.json.block.header.height, '1');
    assert.equal(b1.json.block.header.last_block_id.hash, '');
    const b2 = await call(url, '/cosmos/base/tendermint/v1beta1/blocks/2');
    assert.equal(b2.json.block.header.last_block_id.hash, b1.json.block_id.hash);
    assert.equal((await call(url, `/cosmos/base/tendermint/v1beta1/blocks/${node.height + 1}`)).status, 400);
    assert.equal((await call(url, '/cosmos/base/tendermint/v1beta1/blocks/0')).status, 400);
    const ni = await call(url, '/cosmos/base/tendermint/v1beta1/node_info?');
    assert.equal(ni.json.default_node_info.network, 'secretdev-1');
    assert.equal(ni.json.application_version.name, 'cloak');
    assert.equal(ni.json.application_version.app_name, 'cloak');
    assert.match(ni.json.application_version.version, /^\d+\.\d+\.\d+/);
    assert.match(ni.json.application_version.cosmos_sdk_version, /^v0\.50\./);
    assert.deepEqual((await call(url, '/cosmos/base/tendermint/v1beta1/syncing')).json, { syncing: false });

    const st2 = await call(url, '/cloak/v1/status');
    assert.equal(st2.json.latest_block_height, String(node.height));
    assert.equal(st2.json.latest_block_time, latest.json.block.header.time);

    // The tx key: not until encryption lands (no fake key).
    const tk = await call(url, '/registration/v1beta1/tx-key?');
    assert.equal(tk.status, 501);
    assert.equal(tk.json.code, 12);
    assert.match(tk.json.message, /not available until encryption lands/);

    // x-cosmos-block-height: the latest height is served, another is refused by name.
    assert.equal((await call(url, `/cosmos/bank/v1beta1/balances/${fresh.address}`, { headers: { 'x-cosmos-block-height': String(node.height) } })).status, 200);
    const old = await call(url, `/cosmos/bank/v1beta1/balances/${fresh.address}`, { headers: { 'x-cosmos-block-height': String(node.height - 1) } });
    assert.equal(old.status, 400);
    assert.match(old.json.message, /x-cosmos-block-height.*latest state/);
  } finally {
    await chain.close();
  }
});

test('txs are found by polling GET tx while the node makes blocks on its own timer', async () => {
  const chain = await openApiChain({ blockTimeMs: 50 });
  const { url } = chain;
  try {
    const a = keys.b;
    const hashes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const tx = await signOverHttp(url, a, [{ typeUrl: MsgSend.typeUrl, value: { fromAddress: a.address, toAddress: keys.c.address, amount: [{ denom: 'uscrt', amount: String(i + 1) }] } }], { gas: 100_000n });
      const r = await broadcast(url, tx);
      assert.equal(r.json.tx_response.code, 0, r.json.tx_response.raw_log);
      const { reply } = await waitTx(url, r.json.tx_response.txhash);
      assert.equal(reply.json.tx_response.code, 0, reply.json.tx_response.raw_log);
      hashes.push(r.json.tx_response.txhash);
    }
    assert.equal(new Set(hashes).size, 3);
    // BLOCK mode on the timer too.
    const tx = await signOverHttp(url, a, [{ typeUrl: MsgSend.typeUrl, value: { fromAddress: a.address, toAddress: keys.c.address, amount: [{ denom: 'uscrt', amount: '9' }] } }], { gas: 100_000n });
    const blk = await broadcast(url, tx, 'BROADCAST_MODE_BLOCK');
    assert.equal(blk.status, 200);
    assert.equal(blk.json.tx_response.code, 0, blk.json.tx_response.raw_log);
    assert.notEqual(blk.json.tx_response.height, '0');
    // The same bytes again: refused at CheckTx, still a 200 with the code (secretjs throws on it).
    const again = await broadcast(url, tx, 'BROADCAST_MODE_BLOCK');
    assert.equal(again.status, 200);
    assert.equal(again.json.tx_response.code, 19);
  } finally {
    await chain.close();
  }
});
