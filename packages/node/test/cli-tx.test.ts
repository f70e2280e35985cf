/**
 * `cloak tx …` as a user runs it: child processes of the built cli.js against a chain started here
 * with its API (support/api.ts; a block every 50 ms, so the CLI's polling sees its txs included),
 * with a temporary --home whose keyring holds LocalSecret's dev keys a and b and an unfunded key.
 * Covers a bank send and the balances after it (amount plus the whole fee), the token contract's
 * store → instantiate → execute → query, admins and migration refusals, the JSON field names, the
 * broadcast modes and --gas auto, and bad input: each a one-line error on stderr with a non-zero
 * exit and no stack trace unless --verbose.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { fromBech32 } from '@cloak/client';
import { addKey } from '../src/cli/keyring.js';
import { DEV_ACCOUNTS } from '../src/devnet.js';
import { openApiChain, type ApiChain } from './support/api.js';

const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const TOKEN = fileURLToPath(new URL('../../../contracts/build/token-v1.wasm', import.meta.url));
const [A, B] = DEV_ACCOUNTS;

let chain: ApiChain;
let home = '';
let fresh = '';
let poor = '';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `cloak <args> --home <home> --node <the chain>` in a child process (async: the chain runs in this one). */
function cloak(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args, '--home', home, ...(args.includes('--node') ? [] : ['--node', chain.url])], { encoding: 'utf8', env: { ...process.env, CLOAK_KEYRING_PASSWORD: '' } }, (err, stdout, stderr) => {
      resolve({ status: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout, stderr });
    });
  });
}

/** Exit 0; the JSON output parsed. */
async function json(...args: string[]): Promise<any> {
  const r = await cloak(...args, '--output', 'json');
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** A failure: the exit status, exactly one "cloak: …" line on stderr matching `pattern`, no stack trace. */
function failed(r: Run, status: number, pattern: RegExp): void {
  assert.equal(r.status, status, `exit ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('cloak: '));
  assert.equal(lines.length, 1, r.stderr);
  // A usage error ends with where to look for help, on the same line.
  assert.match(lines[0].replace(/ \(see "cloak [^"]*--help"\)$/, ''), pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

const balance = (address: string): bigint => chain.node.balance(fromBech32(address), 'uscrt');

before(async () => {
  chain = await openApiChain({ blockTimeMs: 50 });
  home = mkdtempSync(join(tmpdir(), 'cloak-cli-tx-'));
  addKey(home, 'a', { mnemonic: A.mnemonic });
  addKey(home, 'b', { mnemonic: B.mnemonic });
  poor = addKey(home, 'poor', {}).info.address;
  fresh = addKey(home, 'fresh', {}).info.address;
});

after(async () => {
  await chain?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('cloak tx bank send', () => {
  test('sends, waits for the block, and the balances move by the amount and the whole fee', async () => {
    const before = balance(A.address);
    const r = await cloak('tx', 'bank', 'send', 'a', fresh, '1000uscrt');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^txhash: [0-9A-F]{64}$/m);
    assert.match(r.stdout, /^code: 0$/m);
    assert.match(r.stdout, /^height: [1-9][0-9]*$/m);
    assert.match(r.stdout, /^gas: [0-9]+ used of 200000 wanted$/m);
    assert.match(r.stdout, /^ {2}transfer: .*amount=1000uscrt/m);
    assert.match(r.stderr, /waiting for the tx to be included/);
    // Default gas 200000 at 0.1uscrt: a fee of 20000uscrt.
    assert.equal(before - balance(A.address), 1000n + 20_000n);
    const q = await cloak('query', 'bank', 'balances', 'fresh');
    assert.equal(q.status, 0, q.stderr);
    assert.equal(q.stdout, '1000uscrt\n');
  });

  test('JSON output: the tx_response with Secret field names at the top level', async () => {
    const j = await json('tx', 'bank', 'send', 'a', 'fresh', '5uscrt', '--gas', '100000', '--gas-prices', '0.25uscrt', '--memo', 'hi');
    assert.match(j.txhash, /^[0-9A-F]{64}$/);
    assert.equal(j.code, 0);
    assert.equal(typeof j.height, 'string');
    assert.equal(j.gas_wanted, '100000');
    assert.match(j.gas_used, /^[0-9]+$/);
    assert.equal(j.raw_log, '');
    assert.deepEqual(j.msg_responses, [{ '@type': '/cosmos.bank.v1beta1.MsgSendResponse' }]);
    assert.ok(Array.isArray(j.events) && j.events.some((e: any) => e.type === 'transfer'));
    assert.equal(j.tx.body.memo, 'hi');
    assert.deepEqual(j.tx.auth_info.fee.amount, [{ denom: 'uscrt', amount: '25000' }]);
  });

  test('--fees, --broadcast-mode block, --no-wait and --gas auto', async () => {
    let j = await json('tx', 'bank', 'send', 'a', fresh, '1uscrt', '--fees', '3000uscrt', '--gas', '150000', '--broadcast-mode', 'block');
    assert.equal(j.code, 0);
    assert.deepEqual(j.tx.auth_info.fee.amount, [{ denom: 'uscrt', amount: '3000' }]);
    const r = await cloak('tx', 'bank', 'send', 'a', fresh, '1uscrt', '--no-wait');
    assert.equal(r.status, 0, r.stderr);
    const hash = /^txhash: ([0-9A-F]{64})$/m.exec(r.stdout)?.[1];
    assert.ok(hash, r.stdout);
    assert.doesNotMatch(r.stderr, /waiting/);
    // The next tx of the same account waits for it: its sequence is read after the first's inclusion.
    for (let i = 0; i < 100 && chain.node.tx(hash) === undefined; i++) await new Promise((res) => setTimeout(res, 50));
    assert.equal((await json('query', 'tx', hash)).code, 0);
    j = await json('tx', 'bank', 'send', 'a', fresh, '1uscrt', '--gas', 'auto');
    assert.equal(j.code, 0);
    assert.ok(BigInt(j.gas_wanted) > BigInt(j.gas_used), `${j.gas_wanted} > ${j.gas_used}`);
  });

  test('more than the balance: included, fails with code 5, exit 1 with its log', async () => {
    const r = await cloak('tx', 'bank', 'send', 'a', 'b', '10000000000000000000uscrt');
    failed(r, 1, /^cloak: tx [0-9A-F]{64} failed in block [0-9]+ \(code 5, codespace sdk\): .*insufficient funds/);
    assert.match(r.stdout, /^code: 5 \(codespace sdk\)$/m);
  });

  test('a fee below the minimum is refused at CheckTx: exit 1', async () => {
    failed(await cloak('tx', 'bank', 'send', 'a', 'b', '1uscrt', '--fees', '1uscrt'), 1, /^cloak: the node refused tx [0-9A-F]{64} \(code 13, codespace sdk\): insufficient fees; got: 1uscrt required: 2500uscrt$/);
  });

  test('an account with no funds, an unknown key, a bad address, a wrong chain id', async () => {
    failed(await cloak('tx', 'bank', 'send', 'poor', 'a', '1uscrt'), 1, new RegExp(`^cloak: account ${poor} not found on chain: it has no funds yet$`));
    failed(await cloak('tx', 'bank', 'send', 'nobody', 'a', '1uscrt'), 1, /^cloak: key nobody not found: the keyring .* has a, b, fresh, poor$/);
    failed(await cloak('tx', 'bank', 'send', 'a', 'bob', '1uscrt'), 1, /^cloak: to_address "bob" is neither a secret1… address nor the name of a key in the keyring /);
    failed(await cloak('tx', 'bank', 'send', 'a', `${B.address.slice(0, -1)}x`, '1uscrt'), 1, /is neither a secret1… address \(as an address: bad checksum\) nor the name of a key/);
    failed(await cloak('tx', 'bank', 'send', 'a', 'b', '1uscrt', '--chain-id', 'wrong-1'), 1, /\(code 4, codespace sdk\): signature verification failed/);
  });

  test('bad amounts and options are usage errors (exit 2)', async () => {
    assert.equal((await cloak('tx', 'bank', 'send', 'a', 'b', '10 uscrt')).status, 2);
    const r = await cloak('tx', 'bank', 'send', 'a', 'b', '1.5uscrt');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^cloak: amount: "1.5uscrt" is not an amount like 1000uscrt/);
    assert.match((await cloak('tx', 'bank', 'send', 'a', 'b', '1uscrt', '--fees', '1uscrt', '--gas-prices', '1uscrt')).stderr, /either --fees or --gas-prices/);
    assert.match((await cloak('tx', 'bank', 'send', 'a', 'b', '1uscrt', '--gas', 'lots')).stderr, /--gas must be a positive whole number of gas units or auto, not "lots"/);
    assert.match((await cloak('tx', 'bank', 'send', 'a', 'b', '1uscrt', '--broadcast-mode', 'fast')).stderr, /--broadcast-mode must be sync, async or block/);
    assert.match((await cloak('tx', 'bank', 'send', 'a', 'b')).stderr, /missing <from_key> <to_address> <amount>/);
    assert.match((await cloak('tx', 'bank', 'burn')).stderr, /unknown command "burn": expected send/);
  });

  test('an unreachable node: one line naming it, exit 1; --verbose adds the stack', async () => {
    failed(await cloak('tx', 'bank', 'send', 'a', 'b', '1uscrt', '--node', 'http://127.0.0.1:1'), 1, /^cloak: cannot reach the node at http:\/\/127\.0\.0\.1:1: .* \(is it running\? start it with "cloak start"\)$/);
    // A port nobody listens on (taken from the system, then released).
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const r = await cloak('tx', 'bank', 'send', 'a', 'b', '1uscrt', '--node', `127.0.0.1:${port}`);
    failed(r, 1, new RegExp(`^cloak: cannot reach the node at http://127\\.0\\.0\\.1:${port}: connect ECONNREFUSED 127\\.0\\.0\\.1:${port} \\(is it running\\? start it with "cloak start"\\)$`));
    const v = await cloak('tx', 'bank', 'send', 'a', 'b', '1uscrt', '--node', `127.0.0.1:${port}`, '--verbose');
    assert.equal(v.status, 1);
    assert.match(v.stderr, /\n\s+at /, 'a stack trace with --verbose');
  });
});

describe('cloak tx compute', () => {
  let codeId = '';
  let contract = '';

  test('store: the code id and code hash (text on stdout, progress on stderr)', async () => {
    const r = await cloak('tx', 'compute', 'store', TOKEN, '--from', 'a', '--source', 'https://example.com/token', '--builder', 'cloak/test:1');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /uploading [0-9.]+ KiB \([0-9.]+ KiB of wasm, gzipped\) from .*token-v1\.wasm…/);
    assert.match(r.stderr, /waiting for the tx to be included…/);
    codeId = /^code_id: ([0-9]+)$/m.exec(r.stdout)?.[1] ?? '';
    assert.notEqual(codeId, '', r.stdout);
    const hash = createHash('sha256').update(readFileSync(TOKEN)).digest('hex');
    assert.match(r.stdout, new RegExp(`^code_hash: ${hash}$`, 'm'));
    const codes = await json('query', 'compute', 'list-code');
    assert.deepEqual(codes.code_infos.find((c: any) => c.code_id === codeId), { code_id: codeId, creator: A.address, code_hash: hash, source: 'https://example.com/token', builder: 'cloak/test:1' });
  });

  test('store --output json: code_id and code_hash at the top level; a .wasm.gz goes as it is', async () => {
    const gz = join(home, 'token.wasm.gz');
    writeFileSync(gz, gzipSync(readFileSync(TOKEN)));
    const j = await json('tx', 'compute', 'store', gz, '--from', 'b');
    assert.equal(j.code, 0);
    assert.match(j.code_id, /^[0-9]+$/);
    assert.notEqual(j.code_id, codeId);
    assert.equal(j.code_hash, createHash('sha256').update(readFileSync(TOKEN)).digest('hex'));
    assert.deepEqual(j.msg_responses, [{ '@type': '/secret.compute.v1beta1.MsgStoreCodeResponse', code_id: j.code_id }]);
  });

  test('store: a missing file, a file that is not wasm, no --from', async () => {
    failed(await cloak('tx', 'compute', 'store', join(home, 'nope.wasm'), '--from', 'a'), 2, /^cloak: cannot read .*nope\.wasm: no such file$/);
    const text = join(home, 'text.wasm');
    writeFileSync(text, 'not wasm');
    failed(await cloak('tx', 'compute', 'store', text, '--from', 'a'), 2, /is neither a wasm module .* nor gzipped wasm$/);
    assert.match((await cloak('tx', 'compute', 'store', TOKEN)).stderr, /^cloak: --from is required/);
  });

  test('instantiate: contract_address (JSON), with an admin', async () => {
    const init = JSON.stringify({ name: 'Cloak Token', symbol: 'CLK', decimals: 6, initial_balances: [{ address: A.address, amount: '1000' }] });
    const j = await json('tx', 'compute', 'instantiate', codeId, init, '--from', 'a', '--label', 'cli-token', '--admin', 'a');
    assert.equal(j.code, 0, j.raw_log);
    assert.match(j.contract_address, /^secret1[0-9a-z]{38}$/);
    assert.equal(j.msg_responses[0]['@type'], '/secret.compute.v1beta1.MsgInstantiateContractResponse');
    assert.equal(j.msg_responses[0].address, j.contract_address);
    assert.match(j.data, /^[0-9A-F]+$/, 'data is the hex of TxMsgData, as secretcli prints it');
    assert.equal(j.output_data_as_string, '');
    contract = j.contract_address;
    const info = await json('query', 'compute', 'contract', contract);
    assert.equal(info.contract_info.admin, A.address);
    assert.equal(info.contract_info.label, 'cli-token');
  });

  test('instantiate: text output names the address; a label in use, a wrong --code-hash, no --label', async () => {
    const r = await cloak('tx', 'compute', 'instantiate', codeId, '{"name":"Two","symbol":"TWO","decimals":0,"initial_balances":[]}', '--from', 'b', '--label', 'cli-token-2');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^contract_address: secret1[0-9a-z]{38}$/m);
    assert.match(r.stdout, /^ {2}instantiate: contract_address=secret1.* code_id=/m);
    failed(await cloak('tx', 'compute', 'instantiate', codeId, '{}', '--from', 'b', '--label', 'cli-token-2'), 1, /failed in block .*label already exists: cli-token-2/);
    failed(await cloak('tx', 'compute', 'instantiate', codeId, '{}', '--from', 'b', '--label', 'x', '--code-hash', 'ab'.repeat(32)), 1, new RegExp(`^cloak: code ${codeId} has code hash [0-9a-f]{64}, not (ab){32} \\(--code-hash\\)$`));
    assert.match((await cloak('tx', 'compute', 'instantiate', codeId, '{}', '--from', 'b')).stderr, /^cloak: --label is required/);
  });

  test('execute a transfer, then query the balances', async () => {
    const r = await cloak('tx', 'compute', 'execute', contract, JSON.stringify({ transfer: { recipient: B.address, amount: '100' } }), '--from', 'a');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^code: 0$/m);
    assert.match(r.stdout, /^ {2}wasm: contract_address=secret1\S+ action=transfer from=secret1\S+ to=secret1\S+ amount=100$/m);
    const q = await cloak('query', 'compute', 'query', contract, JSON.stringify({ balance: { address: B.address } }));
    assert.equal(q.status, 0, q.stderr);
    assert.equal(q.stdout, '{\n  "balance": "100"\n}\n');
    assert.deepEqual(await json('query', 'compute', 'query', contract, JSON.stringify({ balance: { address: A.address } })), { balance: '900' });
  });

  test('a contract error: included, exit 1 with the contract\'s message on one line', async () => {
    const r = await cloak('tx', 'compute', 'execute', contract, JSON.stringify({ transfer: { recipient: B.address, amount: '5000' } }), '--from', 'a');
    failed(r, 1, /^cloak: tx [0-9A-F]{64} failed in block [0-9]+ \(code 3, codespace compute\): .*Insufficient funds: balance=900, required=5000.*execute contract failed$/);
    failed(
      await cloak('tx', 'compute', 'execute', contract, JSON.stringify({ transfer: { recipient: B.address, amount: '5000' } }), '--from', 'a', '--gas', 'auto'),
      1, /^cloak: the tx fails in simulation \(--gas auto\), so it was not broadcast: .*Insufficient funds: balance=900, required=5000/,
    );
    const j = await cloak('tx', 'compute', 'execute', contract, '{"burn":{"amount":"0"}}', '--from', 'a', '-o', 'json');
    assert.equal(j.status, 1);
    const out = JSON.parse(j.stdout);
    assert.equal(out.code, 3);
    assert.match(out.raw_log, /Invalid zero amount/);
  });

  test('a malformed JSON message: one line with the position, nothing sent (exit 2)', async () => {
    const seq = chain.node.account(fromBech32(A.address))?.sequence;
    failed(await cloak('tx', 'compute', 'execute', contract, '{"transfer":{"amount":}}', '--from', 'a'), 2, /^cloak: the execute message is not valid JSON: at column 23: expected a value .*, found "}"$/);
    failed(await cloak('tx', 'compute', 'execute', contract, '{"transfer":{}', '--from', 'a'), 2, /at column 15: expected "," or "}", found the end of the input$/);
    failed(await cloak('tx', 'compute', 'instantiate', codeId, "{'a':1}", '--from', 'a', '--label', 'q'), 2, /^cloak: the init message is not valid JSON: at column 2: expected a property name in double quotes, found "'"$/);
    failed(await cloak('tx', 'compute', 'migrate', contract, codeId, '{} x', '--from', 'a'), 2, /at column 4: expected the end of the input after the JSON value, found "x"$/);
    assert.equal(chain.node.account(fromBech32(A.address))?.sequence, seq);
  });

  test('migrate and admins: only the admin; the token has no migrate entry point; none without an admin', async () => {
    failed(await cloak('tx', 'compute', 'migrate', contract, codeId, '{}', '--from', 'b'), 1, /\(code 4, codespace sdk\): .*is not the admin of the contract$/);
    failed(await cloak('tx', 'compute', 'migrate', contract, codeId, '{}', '--from', 'a'), 1, /\(code 5, codespace compute\): .*does not export migrate.*migrate contract failed$/);
    failed(await cloak('tx', 'compute', 'set-contract-admin', contract, 'b', '--from', 'b'), 1, /is not the admin of the contract$/);
    const set = await json('tx', 'compute', 'set-contract-admin', contract, 'b', '--from', 'a');
    assert.ok(set.events.some((e: any) => e.type === 'update_contract_admin' && e.attributes.some((x: any) => x.key === 'new_admin_address' && x.value === B.address)));
    assert.equal((await json('query', 'compute', 'contract', contract)).contract_info.admin, B.address);
    const clear = await cloak('tx', 'compute', 'clear-contract-admin', contract, '--from', 'b');
    assert.equal(clear.status, 0, clear.stderr);
    assert.equal((await json('query', 'compute', 'contract', contract)).contract_info.admin, '');
    failed(await cloak('tx', 'compute', 'migrate', contract, codeId, '{}', '--from', 'b'), 1, /the contract has no admin/);
    assert.match((await cloak('tx', 'compute', 'migrate', contract, '0', '{}', '--from', 'b')).stderr, /code id must be a positive whole number, not "0"/);
  });

  test('--from may name a key by its address; --keyring-backend must match the key', async () => {
    const j = await json('tx', 'compute', 'execute', contract, JSON.stringify({ transfer: { recipient: B.address, amount: '1' } }), '--from', A.address);
    assert.equal(j.code, 0);
    failed(await cloak('tx', 'compute', 'execute', contract, '{}', '--from', poor.replace(/.$/, (c) => (c === 'q' ? 'p' : 'q'))), 1, /^cloak: the signer "secret1\S+" is neither the name of a key in the keyring .* nor the address of one \(as an address: bad checksum\)$/);
    failed(await cloak('tx', 'compute', 'execute', contract, '{}', '--from', 'a', '--keyring-backend', 'file'), 1, /^cloak: key a is in the test backend, not file$/);
  });

  test('help', async () => {
    const r = await cloak('tx', 'compute', 'instantiate', '--help');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Usage: cloak tx compute instantiate <code_id> <json_msg> --from KEY --label LABEL/);
    assert.match(r.stdout, /--gas-prices P/);
    assert.match((await cloak('tx', '--help')).stdout, /compute set-contract-admin/);
  });
});
