/**
 * Contract admins and migration (spec/secret-compute.md §4.2): only the admin may migrate, update
 * or clear the admin; a contract without an admin cannot be migrated; a migration runs the new
 * code's `migrate` on the contract's state, moves the contract to the new code id (info, by-code
 * index, history) and emits `migrate`; admin changes emit `update_contract_admin`. Each refusal is
 * the SDK's unauthorized error (code 4) with the state untouched.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  MsgClearAdmin, MsgExecuteContract, MsgInstantiateContract, MsgMigrateContract, MsgStoreCode, MsgUpdateAdmin,
  MsgInstantiateContractResponse, decodeTxMsgData, fromBech32, type Key, type Msg,
} from '@cloak/client';
import type { ChainNode } from '../src/chain/node.js';
import { contract, keys, openChain, sign, type TestChain } from './support/chain.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
let chain: TestChain;
let node: ChainNode;

async function run(key: Key, msgs: Msg[]) {
  const r = await node.broadcast(sign(node, key, msgs));
  assert.equal(r.code, 0, r.log);
  await node.produce();
  return node.tx(r.txhash)!;
}

const migrate = (key: Key, contractAddr: string, codeId: bigint, msg: unknown): Msg => ({ typeUrl: MsgMigrateContract.typeUrl, value: { sender: key.address, contract: contractAddr, codeId, msg: enc.encode(JSON.stringify(msg)) } });

before(async () => {
  chain = openChain();
  node = chain.node;
  // Code 1: the kitchen sink; 2: a contract without `migrate`; 3: the kitchen sink again, gzipped
  // (a new code id with the same code hash, as x/compute allows).
  for (const wasm of [contract('kitchen-sink-v1'), contract('counter-v1'), new Uint8Array(gzipSync(contract('kitchen-sink-v1')))]) {
    const t = await run(keys.a, [{ typeUrl: MsgStoreCode.typeUrl, value: { sender: keys.a.addressBytes, wasmByteCode: wasm } }]);
    assert.equal(t.code, 0, t.raw_log);
  }
  assert.equal(node.compute.codeInfo(node.state(), 3n)!.code_hash, node.compute.codeInfo(node.state(), 1n)!.code_hash);
});

after(async () => {
  await chain.close();
});

test('the admin migrates, hands over, and clears; everyone else is refused', async () => {
  const i = await run(keys.a, [{ typeUrl: MsgInstantiateContract.typeUrl, value: { sender: keys.a.addressBytes, codeId: 1n, label: 'admin-test', initMsg: enc.encode('{}'), initFunds: [], admin: keys.a.address } }]);
  assert.equal(i.code, 0, i.raw_log);
  const addr = MsgInstantiateContractResponse.decode(decodeTxMsgData(Buffer.from(i.data, 'hex'))[0].value).address;
  const info = () => node.compute.contractInfo(node.state(), fromBech32(addr))!;
  assert.equal(info().admin, keys.a.address);

  // Not the admin: refused, nothing changes.
  let t = await run(keys.b, [migrate(keys.b, addr, 1n, {})]);
  assert.equal(t.code, 4, t.raw_log);
  assert.match(t.raw_log, /is not the admin of the contract/);
  t = await run(keys.b, [{ typeUrl: MsgUpdateAdmin.typeUrl, value: { sender: keys.b.address, newAdmin: keys.b.address, contract: addr } }]);
  assert.equal(t.code, 4, t.raw_log);
  assert.equal(info().admin, keys.a.address);

  // The admin migrates to the same code: migrate runs on the contract's state.
  t = await run(keys.a, [migrate(keys.a, addr, 1n, {})]);
  assert.equal(t.code, 0, t.raw_log);
  assert.ok(t.events.some((e) => e.type === 'migrate' && e.attributes.some((a) => a.key === 'contract_address' && a.value === addr)));
  const stored = await node.query(fromBech32(addr), enc.encode(JSON.stringify({ read: { key: 'migrate_msg' } })));
  assert.deepEqual(JSON.parse(dec.decode(stored)), { value: '{}' });

  // Hand over to b; a is no longer the admin.
  t = await run(keys.a, [{ typeUrl: MsgUpdateAdmin.typeUrl, value: { sender: keys.a.address, newAdmin: keys.b.address, contract: addr } }]);
  assert.equal(t.code, 0, t.raw_log);
  const ev = t.events.find((e) => e.type === 'update_contract_admin')!;
  assert.deepEqual(ev.attributes.filter((a) => a.key !== 'msg_index').map((a) => [a.key, a.value]), [['contract_address', addr], ['new_admin_address', keys.b.address]]);
  t = await run(keys.a, [migrate(keys.a, addr, 1n, {})]);
  assert.equal(t.code, 4, t.raw_log);

  // To code 2, which has no migrate entry point: the migration fails and nothing moves.
  t = await run(keys.b, [migrate(keys.b, addr, 2n, {})]);
  assert.equal(t.code, 5, t.raw_log);
  assert.match(t.raw_log, /migrate contract failed/);
  assert.equal(info().code_id, '1');
  // To code 3: the contract moves there (info, by-code index, history).
  t = await run(keys.b, [migrate(keys.b, addr, 3n, {})]);
  assert.equal(t.code, 0, t.raw_log);
  assert.equal(info().code_id, '3');
  assert.ok(node.contractsByCode(3n).some((c) => Buffer.from(c).equals(Buffer.from(fromBech32(addr)))));
  assert.ok(!node.contractsByCode(1n).some((c) => Buffer.from(c).equals(Buffer.from(fromBech32(addr)))));
  assert.deepEqual(node.contractHistory(fromBech32(addr)).map((h) => [h.operation, h.code_id]), [['init', '1'], ['migrate', '1'], ['migrate', '3']]);

  // b clears the admin: nobody can migrate any more.
  t = await run(keys.b, [{ typeUrl: MsgClearAdmin.typeUrl, value: { sender: keys.b.address, contract: addr } }]);
  assert.equal(t.code, 0, t.raw_log);
  assert.equal(info().admin, '');
  t = await run(keys.b, [migrate(keys.b, addr, 1n, {})]);
  assert.equal(t.code, 4, t.raw_log);
  assert.match(t.raw_log, /has no admin/);

  // The contract still works.
  t = await run(keys.a, [{ typeUrl: MsgExecuteContract.typeUrl, value: { sender: keys.a.addressBytes, contract: fromBech32(addr), msg: enc.encode(JSON.stringify({ write: { key: 'k', value: 'v' } })), sentFunds: [] } }]);
  assert.equal(t.code, 0, t.raw_log);
});

test('a contract without an admin cannot be migrated', async () => {
  const i = await run(keys.a, [{ typeUrl: MsgInstantiateContract.typeUrl, value: { sender: keys.a.addressBytes, codeId: 1n, label: 'no-admin', initMsg: enc.encode('{}'), initFunds: [] } }]);
  const addr = MsgInstantiateContractResponse.decode(decodeTxMsgData(Buffer.from(i.data, 'hex'))[0].value).address;
  const t = await run(keys.a, [migrate(keys.a, addr, 1n, {})]);
  assert.equal(t.code, 4, t.raw_log);
  assert.match(t.raw_log, /has no admin/);
});

test('labels are unique', async () => {
  const t = await run(keys.a, [{ typeUrl: MsgInstantiateContract.typeUrl, value: { sender: keys.a.addressBytes, codeId: 1n, label: 'no-admin', initMsg: enc.encode('{}'), initFunds: [] } }]);
  assert.equal(t.code, 14, t.raw_log);
  assert.match(t.raw_log, /label already exists: no-admin/);
});
