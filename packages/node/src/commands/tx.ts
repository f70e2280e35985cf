/**
 * `cloak tx bank send` and `cloak tx compute store|instantiate|execute|migrate|set-contract-admin|
 * clear-contract-admin`, as `secretcli tx …` has them: each builds one message, signs it with a key
 * of the keyring (cli/keyring.ts) at the account number and sequence the node reports, broadcasts it
 * (cli/rest.ts) and, unless told not to, polls for its inclusion; then it prints the outcome for
 * people (hash, code, gas, height, the events of the message, the decoded data: the code id after a
 * store, the contract address after an instantiate, the contract's data) or as JSON (the node's
 * tx_response with Secret's field names added at the top level). A tx the node refuses at CheckTx or
 * that fails in its block ends the command with its log and exit status 1.
 *
 * Also owned here, because other commands share them: naming an account either by address or by
 * key name (`resolveAddress`), checking a JSON message argument with the position of its first
 * syntax error (`jsonArgument`), rendering a committed tx (`describeTx`; `cloak query`), and
 * signing, broadcasting and waiting for a tx from code (`sendTx`; `cloak demo`).
 *
 * Gas defaults (the fee is ceil(gas × --gas-prices), 0.1uscrt per gas as secretjs; the node's
 * minimum is 0.0125): bank send and the admin messages 200,000; execute 1,000,000; instantiate and
 * migrate 5,000,000; store 5,000,000, or more for a large upload (12 gas per byte sent plus 1 per
 * byte of wasm, with room to spare). `--gas auto` simulates the tx first and uses the gas it used ×
 * --gas-adjustment (1.3).
 */
import { readFileSync, statSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  Key, MAX_UINT64, MsgClearAdmin, MsgExecuteContract, MsgExecuteContractResponse, MsgInstantiateContract, MsgInstantiateContractResponse,
  MsgMigrateContract, MsgMigrateContractResponse, MsgSend, MsgStoreCode, MsgStoreCodeResponse, MsgUpdateAdmin,
  buildTx, canonicalAddress, decodeTxMsgData, fromBech32, isAddress, msgResponseJson, txHash,
  type Coin, type Msg,
} from '@cloak/client';
import { KeyringError, keyringDir, listKeys, loadKey, resolvePassword, showKey, type Backend } from '../cli/keyring.js';
import { CliError, GLOBAL_HELP, parse, print, type Global } from '../cli/common.js';
import { NodeError, Rest } from '../cli/rest.js';
import { UsageError, type Io } from '../io.js';

export const TX_USAGE = `Usage: cloak tx <module> <command> [arguments] [options]

Signs a transaction with a key of the keyring and broadcasts it to the node (like secretcli tx).

Commands:
  bank send <from_key> <to_address> <amount>         send coins, e.g. 1000uscrt or 10uscrt,5ufoo
  compute store <file.wasm> --from KEY               upload a contract (raw or .wasm.gz)
  compute instantiate <code_id> <json> --from KEY --label L
  compute execute <contract> <json> --from KEY
  compute migrate <contract> <new_code_id> <json> --from KEY
  compute set-contract-admin <contract> <new_admin> --from KEY
  compute clear-contract-admin <contract> --from KEY

Addresses may be given as key names. Run \`cloak tx <module> <command> --help\` for its options.`;

const TX_FLAGS_HELP = `Transaction options:
  --gas N|auto           the gas limit (default: see above); auto simulates the tx first
  --gas-adjustment X     with --gas auto: the factor on the simulated gas (default 1.3)
  --gas-prices P         the price per gas, e.g. 0.1uscrt (the default; the node's minimum is 0.0125)
  --fees COINS           the fee itself, e.g. 5000uscrt (instead of --gas-prices)
  --memo TEXT            a memo
  --chain-id ID          the chain id to sign for (default: the node's)
  --keyring-backend B    refuse a key of another backend (test or file)
  --password-file F      the password of a file-backend key: the first line of F
                         (default: the CLOAK_KEYRING_PASSWORD environment variable)
  --broadcast-mode M     sync (default: broadcast, then poll until the tx is in a block),
                         async (broadcast only) or block (the node waits for the block)
  --no-wait              print the hash once the node accepted the tx, without waiting for it
  -y, --yes              accepted for secretcli's scripts (cloak never asks)
${GLOBAL_HELP}`;

const TX_OPTIONS = {
  from: { type: 'string' },
  gas: { type: 'string' },
  'gas-adjustment': { type: 'string' },
  'gas-prices': { type: 'string' },
  fees: { type: 'string' },
  memo: { type: 'string' },
  'chain-id': { type: 'string' },
  'keyring-backend': { type: 'string' },
  'password-file': { type: 'string' },
  'broadcast-mode': { type: 'string' },
  'no-wait': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
} as const;

const GAS_BANK = 200_000n;
const GAS_ADMIN = 200_000n;
const GAS_EXECUTE = 1_000_000n;
const GAS_INSTANTIATE = 5_000_000n;
const GAS_MIGRATE = 5_000_000n;
const GAS_STORE_MIN = 5_000_000n;
/** The default price, as secretjs's: 0.1 uscrt per gas. */
const DEFAULT_GAS_PRICE = { num: 1n, den: 10n, denom: 'uscrt' };
const DEFAULT_GAS_ADJUSTMENT = 1.3;
/** How often and how long a sync broadcast is polled for inclusion. */
const POLL_MS = 100;
const INCLUSION_TIMEOUT_MS = 60_000;
/** A BROADCAST_MODE_BLOCK request waits on the node for up to 60 s: give it a little more. */
const BLOCK_MODE_TIMEOUT_MS = 75_000;
/** Larger files are refused before they are read (the node's tx limit is 3 MiB). */
const MAX_UPLOAD_FILE = 16 * 1024 * 1024;

const DENOM = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/;

type Values = Record<string, string | boolean | undefined>;
interface Parsed {
  values: Values;
  positionals: string[];
  global: Global;
}

const SUBCOMMANDS: Record<string, Record<string, (args: string[], io: Io, env: NodeJS.ProcessEnv) => Promise<number>>> = {
  bank: { send: runSend },
  compute: {
    store: runStore,
    instantiate: runInstantiate,
    execute: runExecute,
    migrate: runMigrate,
    'set-contract-admin': runSetAdmin,
    'clear-contract-admin': runClearAdmin,
  },
};

/** `env` is where CLOAK_KEYRING_PASSWORD is read (the process's environment unless a test gives one). */
export async function runTx(args: string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [module, command, ...rest] = args;
  if (module === '--help' || module === '-h' || module === 'help') {
    io.out(TX_USAGE);
    return 0;
  }
  if (module === undefined) throw new UsageError('tx: missing module: bank or compute', 'tx');
  const commands = Object.hasOwn(SUBCOMMANDS, module) ? SUBCOMMANDS[module] : undefined;
  if (commands === undefined) throw new UsageError(`tx: unknown module "${module}": expected bank or compute`, 'tx');
  const names = Object.keys(commands).join(', ');
  if (command === '--help' || command === '-h') {
    io.out(TX_USAGE);
    return 0;
  }
  if (command === undefined) throw new UsageError(`tx ${module}: missing command: ${names}`, 'tx');
  const run = Object.hasOwn(commands, command) ? commands[command] : undefined;
  if (run === undefined) throw new UsageError(`tx ${module}: unknown command "${command}": expected ${names}`, 'tx');
  return run(rest, io, env);
}

// ------------------------------------------------------------------ the commands

const SEND_USAGE = `Usage: cloak tx bank send <from_key> <to_address> <amount> [options]

Sends <amount> (e.g. 1000uscrt, or 10uscrt,5ufoo) from the account of key <from_key> (a key name,
or the address of a key in the keyring) to <to_address> (an address or a key name). Default gas
${GAS_BANK}.

${TX_FLAGS_HELP}`;

async function runSend(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const command = 'tx bank send';
  const p = parse(args, TX_OPTIONS, SEND_USAGE, command, io, { min: 3, max: 3, names: '<from_key> <to_address> <amount>' });
  if (p === undefined) return 0;
  const [from, to, amountText] = p.positionals;
  const fromFlag = p.values.from as string | undefined;
  if (fromFlag !== undefined && fromFlag !== from) throw new UsageError(`the sender is the first argument (${from}); --from ${fromFlag} says otherwise`, command);
  const amount = parseCoins(amountText, 'amount', command);
  if (amount.length === 0) throw new UsageError('amount: nothing to send', command);
  const toAddress = resolveAddress(p.global.home, to, 'to_address');
  const key = signer(p, from, env, command);
  const msg: Msg = { typeUrl: MsgSend.typeUrl, value: { fromAddress: key.address, toAddress, amount } };
  return submit(p, io, key, msg, GAS_BANK, command);
}

const STORE_USAGE = `Usage: cloak tx compute store <file.wasm> --from KEY [options]

Uploads a contract, raw (gzipped before it is sent, as secretcli does) or already gzipped
(.wasm.gz), and prints its code id and code hash. Default gas ${GAS_STORE_MIN}, more for a large file.

Options:
  --from KEY             the key that signs (a key name, or a key's address)
  --source URL           where the contract's source code is (stored with the code)
  --builder TAG          the docker image that built it, e.g. enigmampc/secret-contract-optimizer:1.0.10
${TX_FLAGS_HELP}`;

async function runStore(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const command = 'tx compute store';
  const p = parse(args, { ...TX_OPTIONS, source: { type: 'string' }, builder: { type: 'string' } }, STORE_USAGE, command, io, { min: 1, max: 1, names: '<file.wasm>' });
  if (p === undefined) return 0;
  const file = p.positionals[0];
  const upload = readUpload(file, command);
  const key = signer(p, fromOf(p, command), env, command);
  const msg: Msg = {
    typeUrl: MsgStoreCode.typeUrl,
    value: {
      sender: key.addressBytes,
      wasmByteCode: upload.bytes,
      ...(p.values.source !== undefined ? { source: p.values.source as string } : {}),
      ...(p.values.builder !== undefined ? { builder: p.values.builder as string } : {}),
    },
  };
  // Size gas (10 per byte of the tx) and the compile charge (0.8 per byte of wasm), with room to spare.
  const sized = 1_000_000n + 12n * BigInt(upload.bytes.length) + BigInt(upload.wasmSize);
  const gas = sized > GAS_STORE_MIN ? ((sized + 99_999n) / 100_000n) * 100_000n : GAS_STORE_MIN;
  const progress = `uploading ${size(upload.bytes.length)}${upload.gzipped ? ` (${size(upload.wasmSize)} of wasm, gzipped)` : ''} from ${file}…`;
  return submit(p, io, key, msg, gas, command, progress);
}

const INSTANTIATE_USAGE = `Usage: cloak tx compute instantiate <code_id> <json_msg> --from KEY --label LABEL [options]

Creates a contract from code <code_id> with the init message <json_msg> and prints its address.
Default gas ${GAS_INSTANTIATE}.

Options:
  --from KEY             the key that signs
  --label LABEL          the contract's label (required; unique on the chain)
  --admin ADDRESS        who may migrate the contract (an address or a key name; default: nobody)
  --amount COINS         coins to send to the contract, e.g. 1000uscrt
  --code-hash HASH       refuse unless code <code_id> has this code hash
${TX_FLAGS_HELP}`;

async function runInstantiate(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const command = 'tx compute instantiate';
  const p = parse(
    args,
    { ...TX_OPTIONS, label: { type: 'string' }, admin: { type: 'string' }, amount: { type: 'string' }, 'code-hash': { type: 'string' } },
    INSTANTIATE_USAGE, command, io, { min: 2, max: 2, names: '<code_id> <json_msg>' },
  );
  if (p === undefined) return 0;
  const codeId = parseCodeId(p.positionals[0], command);
  const initMsg = jsonArgument(p.positionals[1], 'the init message');
  const label = p.values.label as string | undefined;
  if (label === undefined || label === '') throw new UsageError('--label is required: every contract has a unique label', command);
  const admin = p.values.admin === undefined ? undefined : resolveAddress(p.global.home, p.values.admin as string, '--admin');
  const funds = p.values.amount === undefined ? [] : parseCoins(p.values.amount as string, '--amount', command);
  const codeHash = p.values['code-hash'] === undefined ? undefined : parseCodeHash(p.values['code-hash'] as string, command);
  const key = signer(p, fromOf(p, command), env, command);
  if (codeHash !== undefined) {
    const actual = await codeHashOf(new Rest(p.global.node), codeId);
    if (actual.toLowerCase() !== codeHash) throw new CliError(`code ${codeId} has code hash ${actual}, not ${codeHash} (--code-hash)`);
  }
  const msg: Msg = {
    typeUrl: MsgInstantiateContract.typeUrl,
    value: { sender: key.addressBytes, codeId, label, initMsg: utf8(initMsg), initFunds: funds, ...(admin !== undefined ? { admin } : {}) },
  };
  return submit(p, io, key, msg, GAS_INSTANTIATE, command);
}

const EXECUTE_USAGE = `Usage: cloak tx compute execute <contract_address> <json_msg> --from KEY [options]

Executes <json_msg> on a contract and prints the contract's data. Default gas ${GAS_EXECUTE}.

Options:
  --from KEY             the key that signs
  --amount COINS         coins to send to the contract, e.g. 1000uscrt
${TX_FLAGS_HELP}`;

async function runExecute(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const command = 'tx compute execute';
  const p = parse(args, { ...TX_OPTIONS, amount: { type: 'string' } }, EXECUTE_USAGE, command, io, { min: 2, max: 2, names: '<contract_address> <json_msg>' });
  if (p === undefined) return 0;
  const contract = resolveAddress(p.global.home, p.positionals[0], 'contract_address');
  const msgText = jsonArgument(p.positionals[1], 'the execute message');
  const funds = p.values.amount === undefined ? [] : parseCoins(p.values.amount as string, '--amount', command);
  const key = signer(p, fromOf(p, command), env, command);
  const msg: Msg = {
    typeUrl: MsgExecuteContract.typeUrl,
    value: { sender: key.addressBytes, contract: fromBech32(contract), msg: utf8(msgText), sentFunds: funds },
  };
  return submit(p, io, key, msg, GAS_EXECUTE, command);
}

const MIGRATE_USAGE = `Usage: cloak tx compute migrate <contract_address> <new_code_id> <json_msg> --from KEY [options]

Moves a contract to code <new_code_id>, running its migrate entry point with <json_msg>. Only the
contract's admin may. Default gas ${GAS_MIGRATE}.

Options:
  --from KEY             the key that signs (the contract's admin)
${TX_FLAGS_HELP}`;

async function runMigrate(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const command = 'tx compute migrate';
  const p = parse(args, TX_OPTIONS, MIGRATE_USAGE, command, io, { min: 3, max: 3, names: '<contract_address> <new_code_id> <json_msg>' });
  if (p === undefined) return 0;
  const contract = resolveAddress(p.global.home, p.positionals[0], 'contract_address');
  const codeId = parseCodeId(p.positionals[1], command);
  const msgText = jsonArgument(p.positionals[2], 'the migrate message');
  const key = signer(p, fromOf(p, command), env, command);
  const msg: Msg = { typeUrl: MsgMigrateContract.typeUrl, value: { sender: key.address, contract, codeId, msg: utf8(msgText) } };
  return submit(p, io, key, msg, GAS_MIGRATE, command);
}

const SET_ADMIN_USAGE = `Usage: cloak tx compute set-contract-admin <contract_address> <new_admin> --from KEY [options]

Makes <new_admin> (an address or a key name) the contract's admin. Only the current admin may.
Default gas ${GAS_ADMIN}.

Options:
  --from KEY             the key that signs (the contract's admin)
${TX_FLAGS_HELP}`;

async function runSetAdmin(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const command = 'tx compute set-contract-admin';
  const p = parse(args, TX_OPTIONS, SET_ADMIN_USAGE, command, io, { min: 2, max: 2, names: '<contract_address> <new_admin>' });
  if (p === undefined) return 0;
  const contract = resolveAddress(p.global.home, p.positionals[0], 'contract_address');
  const newAdmin = resolveAddress(p.global.home, p.positionals[1], 'new_admin');
  const key = signer(p, fromOf(p, command), env, command);
  const msg: Msg = { typeUrl: MsgUpdateAdmin.typeUrl, value: { sender: key.address, newAdmin, contract } };
  return submit(p, io, key, msg, GAS_ADMIN, command);
}

const CLEAR_ADMIN_USAGE = `Usage: cloak tx compute clear-contract-admin <contract_address> --from KEY [options]

Removes the contract's admin: nobody can migrate it afterwards. Only the current admin may.
Default gas ${GAS_ADMIN}.

Options:
  --from KEY             the key that signs (the contract's admin)
${TX_FLAGS_HELP}`;

async function runClearAdmin(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const command = 'tx compute clear-contract-admin';
  const p = parse(args, TX_OPTIONS, CLEAR_ADMIN_USAGE, command, io, { min: 1, max: 1, names: '<contract_address>' });
  if (p === undefined) return 0;
  const contract = resolveAddress(p.global.home, p.positionals[0], 'contract_address');
  const key = signer(p, fromOf(p, command), env, command);
  const msg: Msg = { typeUrl: MsgClearAdmin.typeUrl, value: { sender: key.address, contract } };
  return submit(p, io, key, msg, GAS_ADMIN, command);
}

// ------------------------------------------------------------------ signing and broadcasting

interface AccountResponse {
  account?: { '@type'?: string; address?: string; account_number?: string; sequence?: string };
}

interface BroadcastResponse {
  tx_response?: TxResponse;
}

/** The node's tx_response (api/render.ts txResponse). */
export interface TxResponse {
  height: string;
  txhash: string;
  codespace: string;
  code: number;
  data: string;
  raw_log: string;
  logs?: unknown[];
  info?: string;
  gas_wanted: string;
  gas_used: string;
  tx?: unknown;
  timestamp?: string;
  events?: { type: string; attributes: { key: string; value: string; index?: boolean }[] }[];
}

/** Signs `msg`, broadcasts it, waits for it (unless told not to) and prints the outcome. */
async function submit(p: Parsed, io: Io, key: Key, msg: Msg, defaultGas: bigint, command: string, progress?: string): Promise<number> {
  const v = p.values;
  const g = p.global;
  const mode = broadcastMode(v, command);
  const wait = v['no-wait'] !== true && mode !== 'async';
  const gasText = v.gas as string | undefined;
  const auto = gasText === 'auto';
  let gas = gasText === undefined || auto ? defaultGas : parseGas(gasText, command);
  const adjustment = parseAdjustment(v['gas-adjustment'] as string | undefined, command);
  if (v.fees !== undefined && v['gas-prices'] !== undefined) throw new UsageError('give either --fees or --gas-prices, not both', command);
  const price = v['gas-prices'] === undefined ? DEFAULT_GAS_PRICE : parseGasPrice(v['gas-prices'] as string, command);
  const fixedFee = v.fees === undefined ? undefined : parseCoins(v.fees as string, '--fees', command, true);
  const memo = (v.memo as string | undefined) ?? '';
  const rest = new Rest(g.node);
  const chainId = (v['chain-id'] as string | undefined) ?? (await nodeChainId(rest));
  const account = await accountOf(rest, key.address);
  const sign = (gasLimit: bigint, amount: Coin[]) => buildTx({
    msgs: [msg], memo, fee: { amount, gasLimit }, key, sequence: account.sequence, accountNumber: account.number, chainId,
  });
  const feeFor = (gasLimit: bigint): Coin[] => fixedFee ?? (gasLimit === 0n ? [] : feeAt(gasLimit, price));
  if (auto) {
    // Gas limit 0 asks the node for its most; a fee like the real one makes the ante charge the same.
    let sim: { gas_info?: { gas_used?: string } };
    try {
      sim = await rest.post('/cosmos/tx/v1beta1/simulate', { tx_bytes: b64(sign(0n, feeFor(defaultGas))) }, { timeoutMs: 60_000 });
    } catch (e) {
      if (e instanceof NodeError && e.status !== 0) throw new CliError(`the tx fails in simulation (--gas auto), so it was not broadcast: ${e.message}`, { cause: e });
      throw e;
    }
    const used = sim.gas_info?.gas_used;
    if (used === undefined || !/^[0-9]+$/.test(used)) throw new CliError(`the node's simulation did not say how much gas the tx used (gas_info.gas_used: ${JSON.stringify(used)})`);
    gas = BigInt(Math.ceil(Number(used) * adjustment));
    if (!g.json) io.err(`gas estimate: ${used} used in simulation × ${adjustment} = ${gas}`);
  }
  const raw = sign(gas, feeFor(gas));
  const hash = txHash(raw);
  if (!g.json && progress !== undefined) io.err(progress);
  if (!g.json && mode === 'block') io.err('waiting for the tx to be included…');
  const checked = await broadcast(rest, raw, mode);
  if (checked.code !== 0) {
    if (g.json) io.out(JSON.stringify(checked, null, 2));
    throw refusal(checked, hash);
  }
  let result: TxResponse;
  if (mode === 'block') {
    result = checked;
  } else if (!wait) {
    if (g.json) io.out(JSON.stringify(checked, null, 2));
    else io.out(`txhash: ${checked.txhash}\n(accepted by the node, not yet in a block: see it with "cloak query tx ${checked.txhash}")`);
    return 0;
  } else {
    if (!g.json) io.err('waiting for the tx to be included…');
    result = await waitForTx(rest, checked.txhash || hash);
  }
  const shown = await describeTx(rest, result);
  print(io, g, shown.json, () => shown.text);
  if (result.code !== 0) {
    throw new CliError(`tx ${result.txhash} failed in block ${result.height} (code ${result.code}${result.codespace ? `, codespace ${result.codespace}` : ''}): ${result.raw_log}`);
  }
  return 0;
}

/**
 * For other commands (`cloak demo`): signs `msgs` with `key` at the account's number and sequence
 * (gas `o.gas`, default 200,000; fee `o.fee`, default ceil(gas × 0.1) uscrt; the node's chain id
 * unless `o.chainId`), broadcasts them in sync mode and waits for the block. A tx refused at CheckTx
 * is a CliError; the committed tx's tx_response is returned whatever its code.
 */
export async function sendTx(rest: Rest, key: Key, msgs: Msg[], o: { gas?: bigint; fee?: Coin[]; memo?: string; chainId?: string } = {}): Promise<TxResponse> {
  const gas = o.gas ?? GAS_BANK;
  const chainId = o.chainId ?? (await nodeChainId(rest));
  const account = await accountOf(rest, key.address);
  const fee = o.fee ?? feeAt(gas, DEFAULT_GAS_PRICE);
  const raw = buildTx({ msgs, memo: o.memo ?? '', fee: { amount: fee, gasLimit: gas }, key, sequence: account.sequence, accountNumber: account.number, chainId });
  const checked = await broadcast(rest, raw, 'sync');
  if (checked.code !== 0) throw refusal(checked, txHash(raw));
  return waitForTx(rest, checked.txhash || txHash(raw));
}

/** The fee for `gas` at `price`: ceil(gas × price), as secretjs computes it. */
function feeAt(gas: bigint, price: { denom: string; num: bigint; den: bigint }): Coin[] {
  return [{ denom: price.denom, amount: ((gas * price.num + price.den - 1n) / price.den).toString() }];
}

/** POST /cosmos/tx/v1beta1/txs: the CheckTx outcome (sync, async) or the committed tx (block). */
async function broadcast(rest: Rest, raw: Uint8Array, mode: 'sync' | 'async' | 'block'): Promise<TxResponse> {
  const name = mode === 'block' ? 'BROADCAST_MODE_BLOCK' : mode === 'async' ? 'BROADCAST_MODE_ASYNC' : 'BROADCAST_MODE_SYNC';
  const sent = await rest.post<BroadcastResponse>('/cosmos/tx/v1beta1/txs', { tx_bytes: b64(raw), mode: name }, { timeoutMs: mode === 'block' ? BLOCK_MODE_TIMEOUT_MS : undefined });
  const r = sent.tx_response;
  if (r === undefined || typeof r.code !== 'number') throw new CliError(`the node's answer to the broadcast of tx ${txHash(raw)} has no tx_response`);
  return r;
}

function refusal(r: TxResponse, hash: string): CliError {
  return new CliError(`the node refused tx ${r.txhash || hash} (code ${r.code}${r.codespace ? `, codespace ${r.codespace}` : ''}): ${r.raw_log}`);
}

/** Polls GET /cosmos/tx/v1beta1/txs/{hash} until the tx is in a block (a 404 means not yet). */
async function waitForTx(rest: Rest, hash: string): Promise<TxResponse> {
  const deadline = Date.now() + INCLUSION_TIMEOUT_MS;
  for (;;) {
    try {
      const r = await rest.get<{ tx_response?: TxResponse }>(`/cosmos/tx/v1beta1/txs/${hash}`);
      if (r.tx_response !== undefined) return r.tx_response;
    } catch (e) {
      if (!(e instanceof NodeError)) throw e;
      if (!e.notFound) throw new CliError(`tx ${hash} was accepted, but waiting for its block failed: ${e.message}`, { cause: e });
    }
    if (Date.now() >= deadline) {
      throw new CliError(`tx ${hash} was accepted but is not in a block after ${INCLUSION_TIMEOUT_MS / 1000} s; look for it later with "cloak query tx ${hash}"`);
    }
    await new Promise((res) => setTimeout(res, POLL_MS));
  }
}

async function nodeChainId(rest: Rest): Promise<string> {
  const info = await rest.get<{ default_node_info?: { network?: unknown } }>('/cosmos/base/tendermint/v1beta1/node_info');
  const network = info.default_node_info?.network;
  if (typeof network !== 'string' || network === '') throw new CliError(`the node at ${rest.base} did not say its chain id (default_node_info.network); give --chain-id`);
  return network;
}

/** The account's number and sequence; a clear error for an account the chain does not have. */
async function accountOf(rest: Rest, address: string): Promise<{ number: bigint; sequence: bigint }> {
  let r: AccountResponse;
  try {
    r = await rest.get<AccountResponse>(`/cosmos/auth/v1beta1/accounts/${address}`);
  } catch (e) {
    if (e instanceof NodeError && e.notFound) throw new CliError(`account ${address} not found on chain: it has no funds yet`, { cause: e });
    throw e;
  }
  const a = r.account;
  const num = (s: unknown, what: string): bigint => {
    if (typeof s !== 'string' || !/^[0-9]{1,20}$/.test(s)) throw new CliError(`the node's answer for account ${address} has no valid ${what}: ${JSON.stringify(s)}`);
    return BigInt(s);
  };
  if (a === undefined) throw new CliError(`account ${address} not found on chain: it has no funds yet`);
  return { number: num(a.account_number, 'account_number'), sequence: num(a.sequence, 'sequence') };
}

async function codeHashOf(rest: Rest, codeId: bigint): Promise<string> {
  const r = await rest.get<{ code_hash?: unknown }>(`/compute/v1beta1/code_hash/by_code_id/${codeId}`);
  if (typeof r.code_hash !== 'string') throw new CliError(`the node's answer for the code hash of code ${codeId} has no code_hash`);
  return r.code_hash;
}

// ------------------------------------------------------------------ describing a committed tx

const CONTRACT_DATA = new Set<string>([MsgInstantiateContractResponse.typeUrl, MsgExecuteContractResponse.typeUrl, MsgMigrateContractResponse.typeUrl]);

/**
 * A committed tx for people and as JSON. The JSON is the node's tx_response (`data` the hex of
 * TxMsgData, as secretcli shows it), `msg_responses` with the message responses decoded (each
 * `{"@type", …fields}`; null if the bytes do not decode) and,
 * at the top level, `code_id` and `code_hash` after a store, `contract_address` after an
 * instantiate, and the contract's data of an instantiate, execute or migrate as `output_data`
 * (base64) and `output_data_as_string` (secretcli's names).
 */
export async function describeTx(rest: Rest, r: TxResponse): Promise<{ json: Record<string, unknown>; text: string }> {
  let responses: Record<string, string>[] | null = null;
  try {
    responses = decodeTxMsgData(new Uint8Array(Buffer.from(r.data ?? '', 'hex'))).map(msgResponseJson);
  } catch {
    responses = null;
  }
  const extra: Record<string, string> = {};
  const store = responses?.find((x) => x['@type'] === MsgStoreCodeResponse.typeUrl);
  if (store !== undefined) {
    extra.code_id = store.code_id;
    try {
      extra.code_hash = await codeHashOf(rest, BigInt(store.code_id));
    } catch {
      // The tx's outcome stands without it.
    }
  }
  const inst = responses?.find((x) => x['@type'] === MsgInstantiateContractResponse.typeUrl);
  if (inst !== undefined) extra.contract_address = inst.address;
  const out = responses?.find((x) => CONTRACT_DATA.has(x['@type']));
  if (out !== undefined) {
    extra.output_data = out.data;
    extra.output_data_as_string = textOf(Buffer.from(out.data, 'base64'));
  }
  // `data` stays the node's hex string, as secretcli prints it; the decoded responses sit beside it.
  const json: Record<string, unknown> = { ...r, msg_responses: responses, ...extra };

  const lines = [`txhash: ${r.txhash}`, `code: ${r.code}${r.codespace ? ` (codespace ${r.codespace})` : ''}`, `height: ${r.height}`, `gas: ${r.gas_used} used of ${r.gas_wanted} wanted`];
  if (r.code !== 0) lines.push(`raw_log: ${r.raw_log}`);
  for (const k of ['code_id', 'code_hash', 'contract_address']) if (extra[k] !== undefined) lines.push(`${k}: ${extra[k]}`);
  if (out !== undefined && out.data !== '') lines.push(`data: ${extra.output_data_as_string}`);
  if (responses === null && r.data) lines.push(`data (undecoded): ${r.data}`);
  // The messages' events (the ante handler's fee and signature events have no msg_index).
  const events = (r.events ?? []).filter((e) => e.attributes.some((a) => a.key === 'msg_index'));
  if (events.length > 0) {
    lines.push('events:');
    for (const e of events) {
      const attrs = e.attributes.filter((a) => a.key !== 'msg_index').map((a) => `${a.key}=${a.value}`);
      lines.push(`  ${e.type}: ${attrs.join(' ')}`);
    }
  }
  return { json, text: lines.join('\n') };
}

/** Bytes as UTF-8 text when they are that, else base64. */
function textOf(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return `base64:${b64(bytes)}`;
  }
}

// ------------------------------------------------------------------ keys and addresses

/** `--from`, required by every compute command. */
function fromOf(p: Parsed, command: string): string {
  const from = p.values.from as string | undefined;
  if (from === undefined || from === '') throw new UsageError('--from is required: the name of the key that signs', command);
  return from;
}

/** The signer named by `from`: a key name, or the address of a key in the keyring. */
function signer(p: Parsed, from: string, env: NodeJS.ProcessEnv, command: string): Key {
  const home = p.global.home;
  const backendText = p.values['keyring-backend'] as string | undefined;
  if (backendText !== undefined && backendText !== 'test' && backendText !== 'file') throw new UsageError(`--keyring-backend must be test or file, not "${backendText}"`, command);
  const backend = backendText as Backend | undefined;
  let name = from;
  if (isAddress(from)) {
    const address = canonicalAddress(from);
    const found = listKeys(home).find((k) => k.address === address);
    if (found === undefined) throw new CliError(`no key in the keyring ${keyringDir(home)} has the address ${address}`);
    name = found.name;
  } else if (/^secret1/i.test(from) && !listKeys(home).some((k) => k.name === from)) {
    let why = '';
    try {
      fromBech32(from);
    } catch (e) {
      why = ` (as an address: ${(e as Error).message.replace(/^address "[^"]*": /, '')})`;
    }
    throw new CliError(`the signer "${from}" is neither the name of a key in the keyring ${keyringDir(home)} nor the address of one${why}`);
  }
  if (backend !== undefined) {
    const info = showKey(home, name);
    if (info.backend !== backend) throw new CliError(`key ${name} is in the ${info.backend} backend, not ${backend}`);
  }
  const password = resolvePassword({ passwordFile: p.values['password-file'] as string | undefined }, env);
  return loadKey(home, name, password);
}

/**
 * A `secret1…` address (canonical form), given as one or as the name of a key in the keyring. A
 * string that is neither is a one-line error naming both possibilities and `what` it was for.
 */
export function resolveAddress(home: string, s: string, what: string): string {
  if (isAddress(s)) return canonicalAddress(s);
  if (/^secret1/i.test(s) && !/^[a-zA-Z0-9._-]{1,64}$/.test(s)) {
    try {
      fromBech32(s);
    } catch (e) {
      throw new CliError(`${what}: ${(e as Error).message}`);
    }
  }
  try {
    return showKey(home, s).address;
  } catch (e) {
    if (!(e instanceof KeyringError)) throw e;
    let why = '';
    if (/^secret1/i.test(s)) {
      try {
        fromBech32(s);
      } catch (a) {
        why = ` (as an address: ${(a as Error).message.replace(/^address "[^"]*": /, '')})`;
      }
    }
    const shown = JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
    throw new CliError(`${what} ${shown} is neither a secret1… address${why} nor the name of a key in the keyring ${keyringDir(home)}`);
  }
}

// ------------------------------------------------------------------ arguments

/**
 * Checks that `text` is one JSON value (RFC 8259) and returns it trimmed, unchanged otherwise (so
 * integers beyond 2^53 reach the contract exactly). Malformed JSON is a one-line usage error with
 * the position of the first mistake.
 */
export function jsonArgument(text: string, what: string): string {
  const t = text.trim();
  try {
    JSON.parse(t);
    return t;
  } catch (e) {
    const found = jsonSyntaxError(t);
    if (found === undefined) throw new UsageError(`${what} is not valid JSON: ${(e as Error).message}`);
    const before = t.slice(0, found.at);
    const line = before.split('\n').length;
    const column = found.at - (before.lastIndexOf('\n') + 1) + 1;
    const where = t.includes('\n') ? `line ${line}, column ${column}` : `column ${column}`;
    throw new UsageError(`${what} is not valid JSON: at ${where}: ${found.what}`);
  }
}

/** A JSON syntax error found by jsonSyntaxError. */
class Syntax {
  constructor(readonly at: number, readonly what: string) {}
}

/** The first syntax error of `t` as JSON, with its index; undefined when there is none. */
function jsonSyntaxError(t: string): Syntax | undefined {
  let i = 0;
  const found = (): string => (i >= t.length ? 'the end of the input' : JSON.stringify(t[i]));
  const fail = (expected: string): never => {
    throw new Syntax(i, `expected ${expected}, found ${found()}`);
  };
  const space = () => {
    while (i < t.length && (t[i] === ' ' || t[i] === '\t' || t[i] === '\n' || t[i] === '\r')) i++;
  };
  const string = () => {
    i++; // the opening quote
    for (;;) {
      if (i >= t.length) fail('a closing "');
      const c = t.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) throw new Syntax(i, 'a control character in a string must be escaped');
      if (c === 0x5c) {
        i++;
        const e = t[i];
        if (e === 'u') {
          for (let k = 1; k <= 4; k++) {
            if (!/[0-9a-fA-F]/.test(t[i + k] ?? '')) {
              i += k;
              fail('4 hex digits after \\u');
            }
          }
          i += 5;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) fail('an escape: one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX');
      }
      i++;
    }
  };
  const number = () => {
    if (t[i] === '-') i++;
    if (t[i] === '0') i++;
    else if (t[i] !== undefined && t[i] >= '1' && t[i] <= '9') while (t[i] !== undefined && t[i] >= '0' && t[i] <= '9') i++;
    else fail('a digit');
    if (t[i] === '.') {
      i++;
      if (!(t[i] >= '0' && t[i] <= '9')) fail('a digit after the decimal point');
      while (t[i] !== undefined && t[i] >= '0' && t[i] <= '9') i++;
    }
    if (t[i] === 'e' || t[i] === 'E') {
      i++;
      if (t[i] === '+' || t[i] === '-') i++;
      if (!(t[i] >= '0' && t[i] <= '9')) fail('a digit in the exponent');
      while (t[i] !== undefined && t[i] >= '0' && t[i] <= '9') i++;
    }
  };
  const value = (depth: number) => {
    if (depth > 1000) throw new Syntax(i, 'nested more than 1000 levels deep');
    space();
    const c = t[i];
    if (c === '{') {
      i++;
      space();
      if (t[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        space();
        if (t[i] !== '"') fail(`a property name in double quotes`);
        string();
        space();
        if (t[i] !== ':') fail('":" after the property name');
        i++;
        value(depth + 1);
        space();
        if (t[i] === ',') {
          i++;
          continue;
        }
        if (t[i] === '}') {
          i++;
          return;
        }
        fail('"," or "}"');
      }
    }
    if (c === '[') {
      i++;
      space();
      if (t[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        space();
        if (t[i] === ',') {
          i++;
          continue;
        }
        if (t[i] === ']') {
          i++;
          return;
        }
        fail('"," or "]"');
      }
    }
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    for (const word of ['true', 'false', 'null']) {
      if (t.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    fail('a value (an object, array, string, number, true, false or null)');
  };
  try {
    value(0);
    space();
    if (i < t.length) fail('the end of the input after the JSON value');
    return undefined;
  } catch (e) {
    if (e instanceof Syntax) return e;
    throw e;
  }
}

/** "1000uscrt" or "10uscrt,5ufoo" → coins sorted by denom (as the chain wants them). */
function parseCoins(text: string, what: string, command: string, allowZero = false): Coin[] {
  const coins: Coin[] = [];
  for (const part of text.split(',').map((s) => s.trim())) {
    if (part === '' && text.trim() === '') break;
    const m = /^([0-9]+)([a-zA-Z][a-zA-Z0-9/:._-]*)$/.exec(part);
    if (m === null) throw new UsageError(`${what}: "${part}" is not an amount like 1000uscrt (digits, then the denom)`, command);
    const [, amount, denom] = m;
    if (!DENOM.test(denom)) throw new UsageError(`${what}: "${denom}" is not a valid denom (3–128 characters: a letter, then letters, digits, / : . _ -)`, command);
    if (amount.replace(/^0+(?=.)/, '').length > 78 || BigInt(amount) > (1n << 256n) - 1n) throw new UsageError(`${what}: ${amount}${denom} exceeds 2^256 - 1`, command);
    if (!allowZero && BigInt(amount) === 0n) throw new UsageError(`${what}: "${part}" is zero`, command);
    if (coins.some((c) => c.denom === denom)) throw new UsageError(`${what}: ${denom} appears twice`, command);
    coins.push({ denom, amount: BigInt(amount).toString() });
  }
  return coins.sort((a, b) => (a.denom < b.denom ? -1 : a.denom > b.denom ? 1 : 0));
}

/** "0.1uscrt" (or "0.1", meaning uscrt) → an exact fraction and the denom. */
function parseGasPrice(text: string, command: string): { num: bigint; den: bigint; denom: string } {
  const m = /^([0-9]+(?:\.[0-9]+)?|\.[0-9]+)([a-zA-Z][a-zA-Z0-9/:._-]*)?$/.exec(text.trim());
  if (m === null) throw new UsageError(`--gas-prices: "${text}" is not a price like 0.1uscrt`, command);
  const [, number, denom = 'uscrt'] = m;
  if (!DENOM.test(denom)) throw new UsageError(`--gas-prices: "${denom}" is not a valid denom`, command);
  const [whole, frac = ''] = number.split('.');
  if (frac.length > 18) throw new UsageError(`--gas-prices: at most 18 decimals, not ${frac.length}`, command);
  return { num: BigInt(`${whole || '0'}${frac}`), den: 10n ** BigInt(frac.length), denom };
}

function parseGas(text: string, command: string): bigint {
  if (!/^[0-9]{1,20}$/.test(text) || BigInt(text) === 0n || BigInt(text) > MAX_UINT64) throw new UsageError(`--gas must be a positive whole number of gas units or auto, not "${text}"`, command);
  return BigInt(text);
}

function parseAdjustment(text: string | undefined, command: string): number {
  if (text === undefined) return DEFAULT_GAS_ADJUSTMENT;
  const n = Number(text);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(text) || !(n > 0) || n > 100) throw new UsageError(`--gas-adjustment must be a positive number like 1.3, not "${text}"`, command);
  return n;
}

function parseCodeId(text: string, command: string): bigint {
  if (!/^[0-9]{1,20}$/.test(text) || BigInt(text) === 0n || BigInt(text) > MAX_UINT64) throw new UsageError(`code id must be a positive whole number, not "${text}"`, command);
  return BigInt(text);
}

function parseCodeHash(text: string, command: string): string {
  const h = text.replace(/^0x/i, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(h)) throw new UsageError(`--code-hash must be 64 hex characters (SHA-256 of the wasm), not "${text}"`, command);
  return h;
}

function broadcastMode(v: Values, command: string): 'sync' | 'async' | 'block' {
  const m = (v['broadcast-mode'] as string | undefined) ?? 'sync';
  if (m !== 'sync' && m !== 'async' && m !== 'block') throw new UsageError(`--broadcast-mode must be sync, async or block, not "${m}"`, command);
  if (m === 'block' && v['no-wait'] === true) throw new UsageError('--no-wait contradicts --broadcast-mode block', command);
  return m;
}

/** A contract file to upload: wasm (gzipped here) or already gzipped. */
function readUpload(file: string, command: string): { bytes: Uint8Array; wasmSize: number; gzipped: boolean } {
  let bytes: Buffer;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new UsageError(`cannot read ${file}: is a directory`, command);
    if (st.size > MAX_UPLOAD_FILE) throw new UsageError(`cannot upload ${file}: ${size(st.size)} is more than any node accepts in a tx`, command);
    bytes = readFileSync(file);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new UsageError(`cannot read ${file}: ${why}`);
  }
  const isWasm = bytes.length >= 4 && bytes[0] === 0x00 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
  const isGzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (isWasm) {
    const gz = gzipSync(bytes, { level: 9 });
    return { bytes: new Uint8Array(gz), wasmSize: bytes.length, gzipped: true };
  }
  if (isGzip) {
    let wasmSize: number;
    try {
      wasmSize = gunzipSync(bytes, { maxOutputLength: 64 * 1024 * 1024 }).length;
    } catch (e) {
      throw new UsageError(`cannot read ${file}: it looks gzipped but does not unpack (${(e as Error).message})`);
    }
    return { bytes: new Uint8Array(bytes), wasmSize, gzipped: true };
  }
  throw new UsageError(`${file} is neither a wasm module (it does not start with \\0asm) nor gzipped wasm`);
}

// ------------------------------------------------------------------ small things

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function size(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

