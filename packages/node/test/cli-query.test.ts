/**
 * `cloak query …` as a user runs it: child processes of the built cli.js against a chain started
 * here with its API (support/api.ts), holding the token contract (stored, instantiated and used
 * through the chain directly in `before`). Covers every query in text and JSON: bank balances,
 * the compute module's codes, contracts, code hashes, smart queries and raw state, a tx, a block and
 * an account; addresses given as key names; and what does not exist or is malformed: a one-line
 * error, exit 1 (2 for usage errors), no stack trace.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  MsgExecuteContract, MsgInstantiateContract, MsgInstantiateContractResponse, MsgSend, MsgStoreCode, decodeTxMsgData, fromBech32, type Key, type Msg,
} from '@cloak/client';
import { addKey } from '../src/cli/keyring.js';
import type { TxRecordJson } from '../src/chain/node.js';
import { openApiChain, type ApiChain } from './support/api.js';
import { MNEMONICS, contract, keys, sign } from './support/chain.js';

const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const enc = new TextEncoder();

let chain: ApiChain;
let home = '';
let poor = '';
let token = '';
let sendHash = '';
let failedHash = '';
const wasm = contract('token-v1');
const codeHash = createHash('sha256').update(wasm).digest('hex');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cloak(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args, '--home', home, ...(args.includes('--node') ? [] : ['--node', chain.url])], { encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ status: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout, stderr });
    });
  });
}

async function ok(...args: string[]): Promise<string> {
  const r = await cloak(...args);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

async function json(...args: string[]): Promise<any> {
  return JSON.parse(await ok(...args, '-o', 'json'));
}

function failed(r: Run, status: number, pattern: RegExp): void {
  assert.equal(r.status, status, `exit ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('cloak: '));
  assert.equal(lines.length, 1, r.stderr);
  // A usage error ends with where to look for help, on the same line.
  assert.match(lines[0].replace(/ \(see "cloak [^"]*--help"\)$/, ''), pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(r.stdout, '');
}

/** Broadcasts `msgs` signed by `key` and waits for the block that includes them. */
async function run(key: Key, msgs: Msg[], gas?: bigint): Promise<TxRecordJson> {
  const r = await chain.node.broadcast(sign(chain.node, key, msgs, gas === undefined ? {} : { gas }));
  assert.equal(r.code, 0, r.log);
  for (let i = 0; i < 400; i++) {
    const t = chain.node.tx(r.txhash);
    if (t !== undefined) return t;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error(`tx ${r.txhash} not included within 10 s`);
}

before(async () => {
  chain = await openApiChain({ blockTimeMs: 50 });
  home = mkdtempSync(join(tmpdir(), 'cloak-cli-query-'));
  addKey(home, 'a', { mnemonic: MNEMONICS.a });
  poor = addKey(home, 'poor', {}).info.address;
  const stored = await run(keys.a, [{ typeUrl: MsgStoreCode.typeUrl, value: { sender: keys.a.addressBytes, wasmByteCode: wasm, source: 'https://example.com/t', builder: '' } }]);
  assert.equal(stored.code, 0, stored.raw_log);
  const init = { name: 'Cloak Token', symbol: 'CLK', decimals: 6, initial_balances: [{ address: keys.a.address, amount: '9007199254740993' }] };
  const inst = await run(keys.a, [{ typeUrl: MsgInstantiateContract.typeUrl, value: { sender: keys.a.addressBytes, codeId: 1n, label: 'query-token', initMsg: enc.encode(JSON.stringify(init)), initFunds: [], admin: keys.a.address } }]);
  assert.equal(inst.code, 0, inst.raw_log);
  token = MsgInstantiateContractResponse.decode(decodeTxMsgData(Buffer.from(inst.data, 'hex'))[0].value).address;
  const exec = await run(keys.a, [{ typeUrl: MsgExecuteContract.typeUrl, value: { sender: keys.a.addressBytes, contract: fromBech32(token), msg: enc.encode(JSON.stringify({ transfer: { recipient: keys.b.address, amount: '250' } })), sentFunds: [] } }]);
  assert.equal(exec.code, 0, exec.raw_log);
  const send = await run(keys.b, [{ typeUrl: MsgSend.typeUrl, value: { fromAddress: keys.b.address, toAddress: keys.c.address, amount: [{ denom: 'uscrt', amount: '77' }] } }], 200_000n);
  sendHash = send.txhash;
  const bad = await run(keys.a, [{ typeUrl: MsgExecuteContract.typeUrl, value: { sender: keys.a.addressBytes, contract: fromBech32(token), msg: enc.encode('{"burn":{"amount":"0"}}'), sentFunds: [] } }]);
  assert.equal(bad.code, 3);
  failedHash = bad.txhash;
});

after(async () => {
  await chain?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('cloak query bank', () => {
  test('balances: one coin per line; JSON as the node answers; a key name for the address', async () => {
    const c = chain.node.balance(fromBech32(keys.c.address), 'uscrt');
    assert.equal(await ok('query', 'bank', 'balances', keys.c.address), `${c}uscrt\n`);
    const j = await json('q', 'bank', 'balances', keys.c.address);
    assert.deepEqual(j, { balances: [{ denom: 'uscrt', amount: c.toString() }], pagination: { next_key: null, total: '1' } });
    const a = chain.node.balance(fromBech32(keys.a.address), 'uscrt');
    assert.equal(await ok('query', 'bank', 'balances', 'a'), `${a}uscrt\n`);
    assert.equal(await ok('query', 'bank', 'balances', 'a', '--denom', 'uscrt'), `${a}uscrt\n`);
    assert.deepEqual(await json('query', 'bank', 'balances', 'a', '--denom', 'ufoo'), { balance: { denom: 'ufoo', amount: '0' } });
    assert.equal(await ok('query', 'bank', 'balances', 'poor'), '(no balances)\n');
    assert.deepEqual(await json('query', 'bank', 'balances', poor), { balances: [], pagination: { next_key: null, total: '0' } });
  });

  test('an address that is neither: one line naming both possibilities', async () => {
    failed(await cloak('query', 'bank', 'balances', 'carol'), 1, /^cloak: address "carol" is neither a secret1… address nor the name of a key in the keyring .*keyring$/);
    failed(await cloak('query', 'bank', 'balances', 'cosmos1ap26qrlp8mcq2pg6r47w43l0y8zkqm8a450s03'), 1, /is neither a secret1… address nor the name of a key/);
  });
});

describe('cloak query compute', () => {
  test('list-code', async () => {
    const text = await ok('query', 'compute', 'list-code');
    assert.match(text, /^CODE_ID +CODE_HASH +CREATOR$/m);
    assert.match(text, new RegExp(`^1 +${codeHash} +${keys.a.address} +source=https://example.com/t$`, 'm'));
    assert.deepEqual(await json('query', 'compute', 'list-code'), { code_infos: [{ code_id: '1', creator: keys.a.address, code_hash: codeHash, source: 'https://example.com/t', builder: '' }] });
  });

  test('code: its info; --output-file (or a second argument) writes the wasm as uploaded', async () => {
    const text = await ok('query', 'compute', 'code', '1');
    assert.match(text, new RegExp(`^code_hash: ${codeHash}$`, 'm'));
    assert.match(text, new RegExp(`^size: ${wasm.length} bytes$`, 'm'));
    const file = join(home, 'out.wasm');
    const j = await json('query', 'compute', 'code', '1', '--output-file', file);
    assert.deepEqual(j, { code_info: { code_id: '1', creator: keys.a.address, code_hash: codeHash, source: 'https://example.com/t', builder: '' }, wasm_size: wasm.length, output_file: file });
    assert.deepEqual(new Uint8Array(readFileSync(file)), wasm);
    const second = join(home, 'second.wasm');
    assert.match(await ok('query', 'compute', 'code', '1', second), /wrote the wasm to .*second\.wasm/);
    assert.deepEqual(new Uint8Array(readFileSync(second)), wasm);
    failed(await cloak('query', 'compute', 'code', '9'), 1, /^cloak: code id 9: not found$/);
    failed(await cloak('query', 'compute', 'code', 'one'), 2, /^cloak: code id must be a positive whole number, not "one"$/);
    failed(await cloak('query', 'compute', 'code', '1', join(home, 'no', 'such', 'dir.wasm')), 1, /^cloak: cannot write .*dir\.wasm: no such directory$/);
  });

  test('contract, list-contract-by-code', async () => {
    const text = await ok('query', 'compute', 'contract', token);
    assert.match(text, new RegExp(`^address: ${token}\ncode_id: 1\ncreator: ${keys.a.address}\nlabel: query-token\nadmin: ${keys.a.address}\ncreated: block [0-9]+, tx 0\n$`));
    const j = await json('query', 'compute', 'contract', token);
    assert.equal(j.contract_address, token);
    assert.equal(j.contract_info.label, 'query-token');
    assert.equal(j.contract_info.admin, keys.a.address);
    assert.equal(await ok('query', 'compute', 'list-contract-by-code', '1'), `${token}  query-token\n`);
    assert.deepEqual((await json('query', 'compute', 'list-contract-by-code', '1')).contract_infos.map((c: any) => c.contract_address), [token]);
    assert.equal(await ok('query', 'compute', 'list-contract-by-code', '7'), 'no contract of code 7\n');
    failed(await cloak('query', 'compute', 'contract', keys.b.address), 1, new RegExp(`^cloak: contract ${keys.b.address}: not found$`));
  });

  test('code-hash by code id or address; contract-hash for addresses only', async () => {
    assert.equal(await ok('query', 'compute', 'code-hash', '1'), `${codeHash}\n`);
    assert.equal(await ok('query', 'compute', 'code-hash', token), `${codeHash}\n`);
    assert.equal(await ok('query', 'compute', 'contract-hash', token), `${codeHash}\n`);
    assert.deepEqual(await json('query', 'compute', 'contract-hash', token), { code_hash: codeHash });
    const r = await cloak('query', 'compute', 'contract-hash', '1');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^cloak: contract-hash takes a contract address, not a code id \(1\): use "cloak query compute code-hash 1" \(see "cloak query compute contract-hash --help"\)$/m);
  });

  test('query: the answer pretty-printed, or as the contract wrote it', async () => {
    assert.equal(await ok('query', 'compute', 'query', token, '{"token_info":{}}'), '{\n  "name": "Cloak Token",\n  "symbol": "CLK",\n  "decimals": 6,\n  "total_supply": "9007199254740993"\n}\n');
    assert.equal(await ok('query', 'compute', 'query', token, JSON.stringify({ balance: { address: keys.b.address } }), '-o', 'json'), '{"balance":"250"}\n');
    assert.deepEqual(await json('query', 'compute', 'query', token, ` {"minter": {}} `), { minter: keys.a.address });
  });

  test('query: a contract error and a malformed query are one line', async () => {
    failed(await cloak('query', 'compute', 'query', token, '{"nope":{}}'), 1, /^cloak: .*unknown variant `nope`.*query contract failed$/);
    failed(await cloak('query', 'compute', 'query', token, '{"balance":'), 2, /^cloak: the query is not valid JSON: at column 12: expected a value .*found the end of the input$/);
    failed(await cloak('query', 'compute', 'query', keys.b.address, '{}'), 1, /not found/);
  });

  test('contract-state: every record, or one by --raw-key', async () => {
    const text = await ok('query', 'compute', 'contract-state', token);
    assert.match(text, /^"total_supply" = "9007199254740993"$/m);
    assert.match(text, /^"minter" = 0x[0-9a-f]{40}$/m);
    const j = await json('query', 'compute', 'contract-state', token);
    const supply = j.models.find((m: any) => Buffer.from(m.key, 'base64').toString() === 'total_supply');
    assert.equal(Buffer.from(supply.value, 'base64').toString(), '9007199254740993');
    assert.equal(j.pagination.next_key, null);
    const key = Buffer.from('total_supply').toString('base64');
    assert.equal(await ok('query', 'compute', 'contract-state', token, '--raw-key', key), '"9007199254740993"\n');
    assert.deepEqual(await json('query', 'compute', 'contract-state', token, '--raw-key', key), { data: supply.value });
    assert.equal(await ok('query', 'compute', 'contract-state', token, '--raw-key', Buffer.from('nothing').toString('base64')), '(no value under this key)\n');
    failed(await cloak('query', 'compute', 'contract-state', token, '--raw-key', 'not base64!'), 2, /--raw-key must be a key in base64/);
  });
});

describe('cloak query tx, block, account', () => {
  test('tx: as cloak tx prints it; a failed one shows its log (exit 0: the query worked)', async () => {
    const text = await ok('query', 'tx', sendHash.toLowerCase());
    assert.match(text, new RegExp(`^txhash: ${sendHash}\ncode: 0\nheight: [0-9]+\ngas: [0-9]+ used of 200000 wanted\nevents:\n`));
    assert.match(text, /^ {2}transfer: .*amount=77uscrt$/m);
    const j = await json('query', 'tx', sendHash);
    assert.equal(j.txhash, sendHash);
    assert.equal(j.code, 0);
    assert.deepEqual(j.msg_responses, [{ '@type': '/cosmos.bank.v1beta1.MsgSendResponse' }]);
    const f = await ok('query', 'tx', failedHash);
    assert.match(f, /^code: 3 \(codespace compute\)$/m);
    assert.match(f, /^raw_log: .*Invalid zero amount/m);
  });

  test('tx: not found, or not a hash', async () => {
    const missing = 'AB'.repeat(32);
    failed(await cloak('query', 'tx', missing), 1, new RegExp(`^cloak: tx ${missing} not found$`));
    failed(await cloak('query', 'tx', 'xyz'), 2, /^cloak: a tx hash is 64 hex characters, not "xyz"$/);
  });

  test('block: the latest, or by height; beyond the chain is an error', async () => {
    const latest = await ok('query', 'block');
    assert.match(latest, /^height: [1-9][0-9]*\ntime: \S+\nchain_id: secretdev-1\nhash: [0-9A-F]{64}\napp_hash: [0-9A-F]{64}\ntxs: [0-9]+$/m);
    const one = await json('query', 'block', '1');
    assert.equal(one.block.header.height, '1');
    assert.equal(one.block.header.chain_id, 'secretdev-1');
    failed(await cloak('query', 'block', '99999999'), 1, /^cloak: requested block height 99999999 is bigger than the chain length [0-9]+$/);
    failed(await cloak('query', 'block', '0'), 2, /^cloak: a block height is a positive whole number, not "0"$/);
  });

  test('account: number, sequence, public key; unfunded: not found', async () => {
    const text = await ok('query', 'account', 'a');
    const acc = chain.node.account(keys.a.addressBytes)!;
    assert.equal(text, `address: ${keys.a.address}\naccount_number: ${acc.number}\nsequence: ${acc.sequence}\npub_key: ${Buffer.from(keys.a.publicKey).toString('base64')}\n`);
    const j = await json('query', 'account', keys.a.address);
    assert.equal(j.account['@type'], '/cosmos.auth.v1beta1.BaseAccount');
    assert.equal(j.account.sequence, acc.sequence.toString());
    failed(await cloak('query', 'account', 'poor'), 1, new RegExp(`^cloak: account ${poor} not found on chain: it has no funds yet$`));
  });

  test('an unreachable node, unknown queries, help', async () => {
    failed(await cloak('query', 'account', 'a', '--node', 'http://127.0.0.1:1'), 1, /^cloak: cannot reach the node at http:\/\/127\.0\.0\.1:1: /);
    const r = await cloak('query', 'compute', 'frob');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^cloak: query compute: unknown query "frob": expected list-code, code, contract/);
    assert.match(await ok('query', '--help'), /compute contract-state <address> \[--raw-key K\]/);
    assert.match(await ok('query', 'compute', 'query', '--help'), /Usage: cloak query compute query <address> <json_query>/);
  });
});
