/**
 * The HTTP API's transport rules and refusals (spec/secretjs-surface.md §1, §2.10, §6): repeated
 * slashes, a trailing `?` or `/`, POST bodies as text/plain, `Connection: close` echoed, CORS
 * preflight, and for everything a client can get wrong (malformed base64, bad addresses, huge
 * numbers, bad JSON, bodies over the limit, unknown paths, wrong methods, invalid UTF-8 in the URL,
 * garbage on the socket) a JSON error in the Cosmos shape with the right status, after which the
 * node still works. Also BROADCAST_MODE_BLOCK's timeout and the API closing under a waiter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MsgSend } from '@cloak/client';
import { keys } from './support/chain.js';
import { broadcast, call, httpRequest, openApiChain, parseRaw, rawRequest, signOverHttp } from './support/api.js';
import type { ChainNode } from '../src/chain/node.js';
import { startApi } from '../src/api/server.js';

const b64 = (b: Uint8Array | string) => Buffer.from(b).toString('base64');

/** A Cosmos error body with this gRPC code whose message matches `message`. */
function isError(r: { status: number; json: { code: unknown; message: unknown; details: unknown } }, status: number, code: number, message: RegExp): void {
  assert.equal(r.status, status, JSON.stringify(r.json));
  assert.deepEqual(Object.keys(r.json), ['code', 'message', 'details']);
  assert.equal(r.json.code, code);
  assert.match(String(r.json.message), message);
  assert.deepEqual(r.json.details, []);
}

test('transport rules, refusals and the node surviving them', async () => {
  const chain = await openApiChain({}, { maxBodyBytes: 1024 * 1024 });
  const { url, node } = chain;
  const a = keys.a;
  try {
    // Double slashes (secretjs with a base URL ending in "/"), a trailing bare "?" and a trailing "/".
    for (const path of [`//cosmos/auth/v1beta1/accounts/${a.address}?`, `/cosmos//auth///v1beta1/accounts/${a.address}/`, `//cosmos/bank/v1beta1/balances/${a.address}/by_denom?denom=uscrt`]) {
      const r = await call(url, path);
      assert.equal(r.status, 200, `${path}: ${r.text}`);
    }
    assert.equal((await call(url, '//registration/v1beta1/tx-key?')).status, 501);

    // Connection: close is answered with Connection: close.
    const cc = await httpRequest(url, '/cloak/v1/status', { headers: { Connection: 'close' } });
    assert.equal(cc.status, 200);
    assert.equal(cc.headers.connection, 'close');
    const ka = await httpRequest(url, '/cloak/v1/status', { headers: { Connection: 'keep-alive' } });
    assert.equal(ka.headers.connection, 'keep-alive');

    // CORS preflight.
    const pre = await httpRequest(url, '/cosmos/tx/v1beta1/txs', {
      method: 'OPTIONS', headers: { Origin: 'http://example.test', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    assert.equal(pre.status, 200);
    assert.equal(pre.headers['access-control-allow-origin'], '*');
    assert.match(String(pre.headers['access-control-allow-methods']), /POST/);
    assert.equal(pre.headers['access-control-allow-headers'], 'content-type');

    // Unknown paths and wrong methods: JSON 404 / 405.
    isError(await call(url, '/no/such/path'), 404, 5, /no route for \/no\/such\/path/);
    isError(await call(url, '/'), 404, 5, /no route/);
    const m = await call(url, '/cosmos/tx/v1beta1/simulate');
    isError(m, 405, 12, /method GET is not allowed on \/cosmos\/tx\/v1beta1\/simulate; allowed: POST/);
    assert.equal(m.headers.get('allow'), 'POST, OPTIONS');
    isError(await call(url, '/cloak/v1/status', { method: 'DELETE' }), 405, 12, /DELETE/);
    isError(await call(url, `/cosmos/auth/v1beta1/accounts/${a.address}`, { method: 'POST', body: {} }), 405, 12, /POST/);
    isError(await call(url, '/cosmos/tx/v1beta1/txs?events=x'), 501, 12, /not supported/);

    // Tx lookups.
    isError(await call(url, `/cosmos/tx/v1beta1/txs/${'AB'.repeat(32)}`), 404, 5, new RegExp(`^tx not found: ${'AB'.repeat(32)}$`));
    isError(await call(url, '/cosmos/tx/v1beta1/txs/xyz'), 400, 3, /hash: "xyz" is not a tx hash/);

    // Broadcast bodies.
    const post = (body: unknown, headers: Record<string, string> = {}) => call(url, '/cosmos/tx/v1beta1/txs', { method: 'POST', body, headers });
    isError(await post({ mode: 'BROADCAST_MODE_SYNC' }), 400, 3, /tx_bytes: missing/);
    isError(await post({ txBytes: 'not base64!', mode: 'BROADCAST_MODE_SYNC' }), 400, 3, /tx_bytes: not valid base64/);
    isError(await post({ txBytes: 'QUJD=', mode: 'BROADCAST_MODE_SYNC' }), 400, 3, /not valid base64/);
    isError(await post({ txBytes: 12, mode: 'BROADCAST_MODE_SYNC' }), 400, 3, /tx_bytes: expected a base64 string, got number/);
    isError(await post({ txBytes: b64('x'), mode: 'FAST' }), 400, 3, /mode: "FAST" is not a broadcast mode/);
    isError(await post('{"txBytes": '), 400, 3, /body: not valid JSON/);
    isError(await post('[1,2]'), 400, 3, /body: expected a JSON object/);
    isError(await post('null'), 400, 3, /body: expected a JSON object/);
    isError(await post(''), 400, 3, /body: empty/);
    isError(await post(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])), 400, 3, /body: not valid UTF-8/);
    isError(await post({ tx: { body: {} } }), 400, 3, /JSON form of a tx is not supported/);
    isError(await post(`{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, { 'Content-Type': 'application/json' }), 400, 3, /tx_bytes: missing/);
    // Bytes that are base64 but not a tx: CheckTx's code 2, as the SDK answers (200, secretjs throws it).
    const garbage = await post({ txBytes: b64('hello'), mode: 'BROADCAST_MODE_ASYNC' });
    assert.equal(garbage.status, 200);
    assert.equal(garbage.json.tx_response.code, 2);
    assert.equal(garbage.json.tx_response.codespace, 'sdk');
    // tx_bytes (the proto name) works as txBytes does.
    assert.equal((await post({ tx_bytes: b64('hello'), mode: 'BROADCAST_MODE_SYNC' })).json.tx_response.code, 2);
    // Over the body limit: 413 naming it.
    isError(await post({ txBytes: 'A'.repeat(2 * 1024 * 1024) }), 413, 8, /exceeds the limit of 1048576 bytes \(1 MiB\)/);
    // Simulate: the same body checks.
    isError(await call(url, '/cosmos/tx/v1beta1/simulate', { body: { txBytes: '%%%' } }), 400, 3, /not valid base64/);
    isError(await call(url, '/cosmos/tx/v1beta1/simulate', { body: { txBytes: b64('hello') } }), 400, 3, /tx parse error/);

    // Addresses.
    isError(await call(url, '/cosmos/auth/v1beta1/accounts/secret1xyz?'), 400, 3, /address: invalid address/);
    isError(await call(url, '/cosmos/auth/v1beta1/accounts/cosmos1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqnrql8a'), 400, 3, /address/);
    isError(await call(url, `/cosmos/bank/v1beta1/balances/${'x'.repeat(5000)}`), 400, 3, /invalid address/);
    isError(await call(url, '/compute/v1beta1/info/nope'), 400, 3, /contract_address: invalid address/);
    isError(await call(url, `/compute/v1beta1/info/${keys.b.address}`), 404, 5, /not found/);
    isError(await call(url, `/compute/v1beta1/query/${keys.b.address}?query=${encodeURIComponent(b64('{}'))}`), 404, 5, /not found/);
    isError(await call(url, `/compute/v1beta1/query/${keys.b.address}`), 400, 3, /query: missing/);
    isError(await call(url, `/compute/v1beta1/query/${keys.b.address}?query=%%%`), 400, 3, /query: not valid base64/);
    isError(await call(url, `/compute/v1beta1/contract_state/${keys.b.address}`), 404, 5, /not found/);
    isError(await call(url, `/compute/v1beta1/label/${keys.b.address}`), 404, 5, /not found/);
    isError(await call(url, '/compute/v1beta1/contract_address/no-such-label'), 404, 5, /no contract has the label "no-such-label"/);
    isError(await call(url, '/compute/v1beta1/contract_history/x'), 400, 3, /invalid address/);

    // Invalid percent-encoding and invalid UTF-8 in the URL.
    isError(await call(url, '/cosmos/auth/v1beta1/accounts/%FF%FE'), 400, 3, /not valid percent-encoded UTF-8/);
    isError(await call(url, '/compute/v1beta1/contract_address/%E0%A4%A'), 400, 3, /not valid percent-encoded UTF-8/);
    const rawUtf8 = parseRaw(await rawRequest(url, Buffer.concat([Buffer.from('GET /cosmos/auth/v1beta1/accounts/'), Buffer.from([0xff, 0xc3, 0x28]), Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')])));
    assert.ok(rawUtf8.status === 400, rawUtf8.head);
    assert.equal(rawUtf8.json.code, 3);
    const junk = parseRaw(await rawRequest(url, 'THIS IS NOT HTTP\r\n\r\n'));
    assert.equal(junk.status, 400);
    assert.equal(junk.json.code, 3);
    assert.match(junk.head, /Connection: close/i);
    const bigHeader = parseRaw(await rawRequest(url, `GET /cloak/v1/status HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(2 * 1024 * 1024)}\r\n\r\n`));
    assert.equal(bigHeader.status, 431);
    assert.equal(bigHeader.json.code, 3);

    // Huge and malformed numbers.
    isError(await call(url, '/compute/v1beta1/code/99999999999999999999999'), 400, 3, /code_id: "99999999999999999999999" is not an unsigned 64-bit integer/);
    isError(await call(url, '/compute/v1beta1/code/18446744073709551615'), 404, 5, /code id 18446744073709551615: not found/);
    isError(await call(url, '/compute/v1beta1/code_hash/by_code_id/-1'), 400, 3, /code_id/);
    isError(await call(url, '/compute/v1beta1/contracts/1e3'), 400, 3, /code_id/);
    isError(await call(url, '/cosmos/base/tendermint/v1beta1/blocks/1.5'), 400, 3, /height/);
    isError(await call(url, '/cosmos/base/tendermint/v1beta1/blocks/18446744073709551616'), 400, 3, /height/);
    isError(await call(url, `/cosmos/bank/v1beta1/balances/${a.address}?pagination.limit=1e99`), 400, 3, /pagination.limit/);
    isError(await call(url, `/cosmos/bank/v1beta1/balances/${a.address}?pagination.limit=99999999999999999999`), 400, 3, /pagination.limit/);
    // A huge limit is capped; a huge offset would read that many records, so it is refused.
    assert.equal((await call(url, `/cosmos/bank/v1beta1/balances/${a.address}?pagination.limit=18446744073709551615`)).status, 200);
    isError(await call(url, `/cosmos/bank/v1beta1/balances/${a.address}?pagination.offset=18446744073709551615`), 400, 3, /pagination.offset: at most 100000/);
    isError(await call(url, `/cosmos/bank/v1beta1/balances/${a.address}?pagination.key=${encodeURIComponent(b64('uscrt'))}&pagination.offset=1`), 400, 3, /either offset or key/);
    isError(await call(url, `/cosmos/bank/v1beta1/balances/${a.address}?pagination.count_total=maybe`), 400, 3, /pagination.count_total/);
    isError(await call(url, `/cosmos/bank/v1beta1/balances/${a.address}/by_denom`), 400, 3, /denom: missing/);
    isError(await call(url, `/cosmos/bank/v1beta1/balances/${a.address}/by_denom?denom=%21%21`), 400, 3, /invalid denom/);
    isError(await call(url, `/cosmos/bank/v1beta1/balances/${a.address}`, { headers: { 'x-cosmos-block-height': 'soon' } }), 400, 3, /x-cosmos-block-height/);
    isError(await call(url, `/cosmos/bank/v1beta1/balances/${a.address}`, { headers: { 'x-cosmos-block-height': String(node.height + 5) } }), 400, 3, /in the future/);

    // A handler that fails unexpectedly: a JSON 500, and the node goes on.
    const realTx = node.tx.bind(node);
    node.tx = () => {
      throw new Error('boom');
    };
    try {
      isError(await call(url, `/cosmos/tx/v1beta1/txs/${'AB'.repeat(32)}`), 500, 2, /internal error: boom/);
    } finally {
      node.tx = realTx;
    }

    // After all that the node still serves and takes txs.
    const tx = await signOverHttp(url, a, [{ typeUrl: MsgSend.typeUrl, value: { fromAddress: a.address, toAddress: keys.b.address, amount: [{ denom: 'uscrt', amount: '1' }] } }], { gas: 100_000n });
    const ok = await broadcast(url, tx);
    assert.equal(ok.json.tx_response.code, 0, ok.json.tx_response.raw_log);
    await node.produce();
    assert.equal((await call(url, `/cosmos/tx/v1beta1/txs/${ok.json.tx_response.txhash.toLowerCase()}`)).status, 200);
  } finally {
    await chain.close();
  }
});

test('BROADCAST_MODE_BLOCK times out with 504, and a closing API releases its waiters', async () => {
  const chain = await openApiChain();
  const { node } = chain;
  // A second API on the same node, with a short wait: both are woken by blocks.
  const quick = await startApi(node, { port: 0, blockWaitMs: 300 });
  try {
    const a = keys.c;
    const t1 = await signOverHttp(quick.url, a, [{ typeUrl: MsgSend.typeUrl, value: { fromAddress: a.address, toAddress: keys.d.address, amount: [{ denom: 'uscrt', amount: '1' }] } }], { gas: 100_000n });
    const started = Date.now();
    const r = await broadcast(quick.url, t1, 'BROADCAST_MODE_BLOCK');
    isError(r, 504, 4, /timed out after 300 ms waiting for tx [0-9A-F]{64} to be included in a block; it was accepted/);
    assert.ok(Date.now() - started < 5000);
    // It is still in the mempool: the next block includes it.
    await node.produce();
    assert.equal((await call(chain.url, `/cosmos/tx/v1beta1/txs/${r.json.message.match(/[0-9A-F]{64}/)[0]}`)).status, 200);

    // A waiter on the long-wait API is woken by the block (through the chained onBlock hook).
    const t2 = await signOverHttp(chain.url, a, [{ typeUrl: MsgSend.typeUrl, value: { fromAddress: a.address, toAddress: keys.d.address, amount: [{ denom: 'uscrt', amount: '2' }] } }], { gas: 100_000n });
    const waiting = broadcast(chain.url, t2, 'BROADCAST_MODE_BLOCK');
    await new Promise((res) => setTimeout(res, 50));
    await node.produce();
    const w = await waiting;
    assert.equal(w.status, 200);
    assert.equal(w.json.tx_response.height, String(node.height));

    // Closing an API answers its waiters (503) instead of leaving them hanging.
    const t3 = await signOverHttp(quick.url, a, [{ typeUrl: MsgSend.typeUrl, value: { fromAddress: a.address, toAddress: keys.d.address, amount: [{ denom: 'uscrt', amount: '3' }] } }], { gas: 100_000n });
    const q2 = await startApi(node, { port: 0, blockWaitMs: 30_000 });
    const hanging = broadcast(q2.url, t3, 'BROADCAST_MODE_BLOCK');
    await new Promise((res) => setTimeout(res, 100));
    const closed = q2.close();
    isError(await hanging, 503, 14, /the API is closing/);
    await closed;
  } finally {
    await quick.close();
    await chain.close();
  }
});

test('blocks/latest before the first block is a JSON 404', async () => {
  // A stand-in node with no block yet (a real chain may make its first block at once).
  const stub = { onBlock: null, height: 0, latestBlock: () => undefined } as unknown as ChainNode;
  const api = await startApi(stub, { port: 0 });
  try {
    isError(await call(api.url, '/cosmos/base/tendermint/v1beta1/blocks/latest?'), 404, 5, /no block has been committed yet/);
  } finally {
    await api.close();
  }
});
