/**
 * `cloak query …` (alias `cloak q`), as `secretcli query …` has it: bank balances; the compute
 * module's codes, contracts, code hashes, smart queries and raw contract state; a tx by hash, a
 * block, an account. Each is one or a few GETs on the node's REST API (cli/rest.ts, the routes of
 * api/routes.ts) printed for people, or with `--output json` as the node answered (a smart query:
 * the contract's answer itself; a tx: as `cloak tx` prints it). Addresses may be given as key names
 * (tx.ts's `resolveAddress`). Something that does not exist (a tx, an account, a contract, a code)
 * is a one-line error and exit status 1.
 */
import { writeFileSync } from 'node:fs';
import { MAX_UINT64 } from '@cloak/client';
import { CliError, GLOBAL_HELP, parse, print, type Global } from '../cli/common.js';
import { NodeError, Rest } from '../cli/rest.js';
import { UsageError, type Io } from '../io.js';
import { describeTx, jsonArgument, resolveAddress, type TxResponse } from './tx.js';

export const QUERY_USAGE = `Usage: cloak query <what> [arguments] [options]   (or: cloak q …)

Reads the chain through the node's API (like secretcli query).

Queries:
  bank balances <address> [--denom D]             an account's coins
  compute list-code                                every stored code
  compute code <code_id> [--output-file F]        a code's info; with F, its wasm written to F
  compute contract <address>                       a contract's info (code, creator, label, admin)
  compute list-contract-by-code <code_id>          the contracts of a code
  compute code-hash <address|code_id>              the code hash of a contract or a code
  compute contract-hash <address>                  the code hash of a contract
  compute query <address> <json_query>             ask a contract (a smart query)
  compute contract-state <address> [--raw-key K]   a contract's raw storage (K: a key in base64)
  tx <hash>                                        a tx by its hash
  block [height]                                   the latest block, or the one at <height>
  account <address>                                an account's number and sequence

Addresses may be given as key names. Run \`cloak query <what> --help\` for its options.`;

const HELP = (usage: string, about: string, options = '') => `Usage: cloak query ${usage} [options]

${about}

Options:
${options}${GLOBAL_HELP}`;

type Values = Record<string, string | boolean | undefined>;
interface Parsed {
  values: Values;
  positionals: string[];
  global: Global;
}
type Run = (args: string[], io: Io) => Promise<number>;

const MODULES: Record<string, Record<string, Run>> = {
  bank: { balances: runBalances },
  compute: {
    'list-code': runListCode,
    code: runCode,
    contract: runContract,
    'list-contract-by-code': runListContractByCode,
    'code-hash': runCodeHash,
    'contract-hash': runContractHash,
    query: runSmartQuery,
    'contract-state': runContractState,
  },
};

const TOP: Record<string, Run> = { tx: runTxQuery, block: runBlock, account: runAccount };

export async function runQuery(args: string[], io: Io): Promise<number> {
  const [what, ...rest] = args;
  if (what === '--help' || what === '-h' || what === 'help') {
    io.out(QUERY_USAGE);
    return 0;
  }
  const all = [...Object.keys(MODULES), ...Object.keys(TOP)].join(', ');
  if (what === undefined) throw new UsageError(`query: missing what to query: ${all}`, 'query');
  if (Object.hasOwn(TOP, what)) return TOP[what](rest, io);
  const commands = Object.hasOwn(MODULES, what) ? MODULES[what] : undefined;
  if (commands === undefined) throw new UsageError(`query: unknown query "${what}": expected ${all}`, 'query');
  const [command, ...more] = rest;
  const names = Object.keys(commands).join(', ');
  if (command === '--help' || command === '-h') {
    io.out(QUERY_USAGE);
    return 0;
  }
  if (command === undefined) throw new UsageError(`query ${what}: missing query: ${names}`, 'query');
  const run = Object.hasOwn(commands, command) ? commands[command] : undefined;
  if (run === undefined) throw new UsageError(`query ${what}: unknown query "${command}": expected ${names}`, 'query');
  return run(more, io);
}

// ------------------------------------------------------------------ bank

interface CoinJson {
  denom: string;
  amount: string;
}

async function runBalances(args: string[], io: Io): Promise<number> {
  const command = 'query bank balances';
  const p = parse(args, { denom: { type: 'string' } }, HELP('bank balances <address>', "An account's coins, one per line (an address or a key name).", '  --denom D              only the balance of denom D\n'), command, io, { min: 1, max: 1, names: '<address>' });
  if (p === undefined) return 0;
  const address = resolveAddress(p.global.home, p.positionals[0], 'address');
  const rest = new Rest(p.global.node);
  const denom = p.values.denom as string | undefined;
  if (denom !== undefined) {
    const r = await rest.get<{ balance?: CoinJson }>(`/cosmos/bank/v1beta1/balances/${address}/by_denom?denom=${encodeURIComponent(denom)}`);
    print(io, p.global, r, () => `${r.balance?.amount ?? '0'}${denom}`);
    return 0;
  }
  const r = await pages<CoinJson>(rest, `/cosmos/bank/v1beta1/balances/${address}`, 'balances');
  print(io, p.global, { balances: r.items, pagination: r.pagination }, () => (r.items.length === 0 ? '(no balances)' : r.items.map((c) => `${c.amount}${c.denom}`).join('\n')));
  return 0;
}

// ------------------------------------------------------------------ compute

interface CodeInfoJson {
  code_id: string;
  creator: string;
  code_hash: string;
  source: string;
  builder: string;
}

interface ContractInfoJson {
  code_id: string;
  creator: string;
  label: string;
  created?: { block_height: string; tx_index: string };
  admin: string;
}

async function runListCode(args: string[], io: Io): Promise<number> {
  const p = parse(args, {}, HELP('compute list-code', 'Every code stored on the chain: id, code hash, creator, source and builder.'), 'query compute list-code', io, { min: 0, max: 0, names: '' });
  if (p === undefined) return 0;
  const r = await new Rest(p.global.node).get<{ code_infos?: CodeInfoJson[] }>('/compute/v1beta1/codes');
  const codes = r.code_infos ?? [];
  print(io, p.global, r, () => {
    if (codes.length === 0) return 'no code has been stored yet';
    const w = Math.max(7, ...codes.map((c) => c.code_id.length));
    return [
      `${'CODE_ID'.padEnd(w)}  ${'CODE_HASH'.padEnd(64)}  CREATOR`,
      ...codes.map((c) => `${c.code_id.padEnd(w)}  ${c.code_hash.padEnd(64)}  ${c.creator}${c.source ? `  source=${c.source}` : ''}${c.builder ? `  builder=${c.builder}` : ''}`),
    ].join('\n');
  });
  return 0;
}

async function runCode(args: string[], io: Io): Promise<number> {
  const command = 'query compute code';
  const p = parse(
    args, { 'output-file': { type: 'string' } },
    HELP('compute code <code_id> [output_file]', "A code's info; with an output file, the wasm as it was uploaded (unpacked) is written there.", '  --output-file F        write the wasm to F (or give F after the code id)\n'),
    command, io, { min: 1, max: 2, names: '<code_id> [output_file]' },
  );
  if (p === undefined) return 0;
  const codeId = codeIdArg(p.positionals[0], command);
  const flag = p.values['output-file'] as string | undefined;
  if (flag !== undefined && p.positionals[1] !== undefined) throw new UsageError('give the output file once: as the second argument or with --output-file', command);
  const file = flag ?? p.positionals[1];
  const r = await new Rest(p.global.node).get<{ code_info?: CodeInfoJson; wasm?: string }>(`/compute/v1beta1/code/${codeId}`);
  const info = r.code_info;
  if (info === undefined) throw new CliError(`the node's answer for code ${codeId} has no code_info`);
  const wasm = Buffer.from(r.wasm ?? '', 'base64');
  if (file !== undefined) {
    if (wasm.length === 0) throw new CliError(`the node does not have the wasm of code ${codeId}`);
    try {
      writeFileSync(file, wasm);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new CliError(`cannot write ${file}: ${code === 'ENOENT' ? 'no such directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
    }
  }
  const json = { code_info: info, wasm_size: wasm.length, ...(file !== undefined ? { output_file: file } : {}) };
  print(io, p.global, json, () => [
    `code_id: ${info.code_id}`, `code_hash: ${info.code_hash}`, `creator: ${info.creator}`,
    ...(info.source ? [`source: ${info.source}`] : []), ...(info.builder ? [`builder: ${info.builder}`] : []),
    `size: ${wasm.length} bytes`, ...(file !== undefined ? [`wrote the wasm to ${file}`] : []),
  ].join('\n'));
  return 0;
}

async function runContract(args: string[], io: Io): Promise<number> {
  const p = parse(args, {}, HELP('compute contract <address>', "A contract's code id, creator, label, admin and where it was created."), 'query compute contract', io, { min: 1, max: 1, names: '<address>' });
  if (p === undefined) return 0;
  const address = resolveAddress(p.global.home, p.positionals[0], 'address');
  const r = await new Rest(p.global.node).get<{ contract_address?: string; contract_info?: ContractInfoJson }>(`/compute/v1beta1/info/${address}`);
  const c = r.contract_info;
  if (c === undefined) throw new CliError(`the node's answer for contract ${address} has no contract_info`);
  print(io, p.global, r, () => [
    `address: ${r.contract_address ?? address}`, `code_id: ${c.code_id}`, `creator: ${c.creator}`, `label: ${c.label}`,
    `admin: ${c.admin === '' ? '(none)' : c.admin}`,
    ...(c.created ? [`created: block ${c.created.block_height}, tx ${c.created.tx_index}`] : []),
  ].join('\n'));
  return 0;
}

async function runListContractByCode(args: string[], io: Io): Promise<number> {
  const command = 'query compute list-contract-by-code';
  const p = parse(args, {}, HELP('compute list-contract-by-code <code_id>', 'The contracts created from a code, oldest first: address and label.'), command, io, { min: 1, max: 1, names: '<code_id>' });
  if (p === undefined) return 0;
  const codeId = codeIdArg(p.positionals[0], command);
  const r = await new Rest(p.global.node).get<{ contract_infos?: { contract_address: string; contract_info: ContractInfoJson }[] }>(`/compute/v1beta1/contracts/${codeId}`);
  const list = r.contract_infos ?? [];
  print(io, p.global, r, () => (list.length === 0 ? `no contract of code ${codeId}` : list.map((c) => `${c.contract_address}  ${c.contract_info.label}`).join('\n')));
  return 0;
}

async function runCodeHash(args: string[], io: Io): Promise<number> {
  const command = 'query compute code-hash';
  const p = parse(args, {}, HELP('compute code-hash <address|code_id>', 'The code hash (SHA-256 of the wasm) of a contract, or of a code given by its id.'), command, io, { min: 1, max: 1, names: '<address|code_id>' });
  if (p === undefined) return 0;
  const arg = p.positionals[0];
  const path = /^[0-9]+$/.test(arg)
    ? `/compute/v1beta1/code_hash/by_code_id/${codeIdArg(arg, command)}`
    : `/compute/v1beta1/code_hash/by_contract_address/${resolveAddress(p.global.home, arg, 'contract address')}`;
  return printCodeHash(p, io, path);
}

async function runContractHash(args: string[], io: Io): Promise<number> {
  const command = 'query compute contract-hash';
  const p = parse(args, {}, HELP('compute contract-hash <address>', 'The code hash (SHA-256 of the wasm) of a contract.'), command, io, { min: 1, max: 1, names: '<address>' });
  if (p === undefined) return 0;
  const arg = p.positionals[0];
  if (/^[0-9]+$/.test(arg)) throw new UsageError(`contract-hash takes a contract address, not a code id (${arg}): use "cloak query compute code-hash ${arg}"`, command);
  return printCodeHash(p, io, `/compute/v1beta1/code_hash/by_contract_address/${resolveAddress(p.global.home, arg, 'contract address')}`);
}

async function printCodeHash(p: Parsed, io: Io, path: string): Promise<number> {
  const r = await new Rest(p.global.node).get<{ code_hash?: string }>(path);
  if (typeof r.code_hash !== 'string') throw new CliError(`the node's answer to ${path} has no code_hash`);
  print(io, p.global, r, () => r.code_hash as string);
  return 0;
}

async function runSmartQuery(args: string[], io: Io): Promise<number> {
  const p = parse(
    args, {}, HELP('compute query <address> <json_query>', "Asks a contract: prints its answer (JSON, indented; with --output json as the contract wrote it)."),
    'query compute query', io, { min: 2, max: 2, names: '<address> <json_query>' },
  );
  if (p === undefined) return 0;
  const address = resolveAddress(p.global.home, p.positionals[0], 'contract address');
  const query = jsonArgument(p.positionals[1], 'the query');
  const q = encodeURIComponent(Buffer.from(query, 'utf8').toString('base64'));
  const r = await new Rest(p.global.node).get<{ data?: string }>(`/compute/v1beta1/query/${address}?query=${q}`);
  const answer = Buffer.from(r.data ?? '', 'base64').toString('utf8');
  let isJson = true;
  try {
    JSON.parse(answer);
  } catch {
    isJson = false;
  }
  if (p.global.json) io.out(isJson ? answer : JSON.stringify(answer));
  else io.out(isJson ? prettyJson(answer) : answer);
  return 0;
}

async function runContractState(args: string[], io: Io): Promise<number> {
  const command = 'query compute contract-state';
  const p = parse(
    args, { 'raw-key': { type: 'string' } },
    HELP('compute contract-state <address>', "A contract's raw storage, every key and value (text when printable, else 0x-hex), or one value with --raw-key.", '  --raw-key K            only the value under key K (base64)\n'),
    command, io, { min: 1, max: 1, names: '<address>' },
  );
  if (p === undefined) return 0;
  const address = resolveAddress(p.global.home, p.positionals[0], 'contract address');
  const rest = new Rest(p.global.node);
  const rawKey = p.values['raw-key'] as string | undefined;
  if (rawKey !== undefined) {
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(rawKey) || rawKey === '') throw new UsageError(`--raw-key must be a key in base64, not "${rawKey}"`, command);
    const r = await rest.get<{ data?: string | null }>(`/compute/v1beta1/contract_state/${address}/raw/${encodeURIComponent(rawKey)}`);
    print(io, p.global, r, () => (r.data === null || r.data === undefined ? '(no value under this key)' : shown(Buffer.from(r.data, 'base64'))));
    return 0;
  }
  const r = await pages<{ key: string; value: string }>(rest, `/compute/v1beta1/contract_state/${address}`, 'models');
  print(io, p.global, { models: r.items, pagination: r.pagination }, () => (r.items.length === 0
    ? '(the contract stores nothing)'
    : r.items.map((m) => `${shown(Buffer.from(m.key, 'base64'))} = ${shown(Buffer.from(m.value, 'base64'))}`).join('\n')));
  return 0;
}

// ------------------------------------------------------------------ tx, block, account

async function runTxQuery(args: string[], io: Io): Promise<number> {
  const command = 'query tx';
  const p = parse(args, {}, HELP('tx <hash>', 'A tx by its hash: code, height, gas, events and the decoded data, as `cloak tx` prints them.'), command, io, { min: 1, max: 1, names: '<hash>' });
  if (p === undefined) return 0;
  const hash = p.positionals[0].toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hash)) throw new UsageError(`a tx hash is 64 hex characters, not "${p.positionals[0]}"`, command);
  const rest = new Rest(p.global.node);
  let r: { tx_response?: TxResponse };
  try {
    r = await rest.get<{ tx_response?: TxResponse }>(`/cosmos/tx/v1beta1/txs/${hash}`);
  } catch (e) {
    if (e instanceof NodeError && e.notFound) throw new CliError(`tx ${hash} not found`, { cause: e });
    throw e;
  }
  if (r.tx_response === undefined) throw new CliError(`tx ${hash} not found`);
  const d = await describeTx(rest, r.tx_response);
  io.out(p.global.json ? JSON.stringify(d.json, null, 2) : d.text);
  return 0;
}

interface BlockJson {
  block_id?: { hash?: string };
  block?: { header?: { chain_id?: string; height?: string; time?: string; app_hash?: string }; data?: { txs?: string[] } };
}

async function runBlock(args: string[], io: Io): Promise<number> {
  const command = 'query block';
  const p = parse(args, {}, HELP('block [height]', 'The latest block, or the block at <height>: height, time, hash, app hash and its txs.'), command, io, { min: 0, max: 1, names: '[height]' });
  if (p === undefined) return 0;
  const h = p.positionals[0];
  if (h !== undefined && (!/^[0-9]{1,20}$/.test(h) || BigInt(h) === 0n || BigInt(h) > MAX_UINT64)) throw new UsageError(`a block height is a positive whole number, not "${h}"`, command);
  const r = await new Rest(p.global.node).get<BlockJson>(`/cosmos/base/tendermint/v1beta1/blocks/${h === undefined ? 'latest' : BigInt(h).toString()}`);
  const hex = (b64: string | undefined) => Buffer.from(b64 ?? '', 'base64').toString('hex').toUpperCase();
  const header = r.block?.header ?? {};
  const txs = r.block?.data?.txs ?? [];
  print(io, p.global, r, () => [
    `height: ${header.height}`, `time: ${header.time}`, `chain_id: ${header.chain_id}`, `hash: ${hex(r.block_id?.hash)}`, `app_hash: ${hex(header.app_hash)}`,
    `txs: ${txs.length}`,
  ].join('\n'));
  return 0;
}

async function runAccount(args: string[], io: Io): Promise<number> {
  const p = parse(args, {}, HELP('account <address>', "An account's number, sequence and public key (an address or a key name)."), 'query account', io, { min: 1, max: 1, names: '<address>' });
  if (p === undefined) return 0;
  const address = resolveAddress(p.global.home, p.positionals[0], 'address');
  let r: { account?: { '@type'?: string; address?: string; pub_key?: { key?: string } | null; account_number?: string; sequence?: string } };
  try {
    r = await new Rest(p.global.node).get(`/cosmos/auth/v1beta1/accounts/${address}`);
  } catch (e) {
    if (e instanceof NodeError && e.notFound) throw new CliError(`account ${address} not found on chain: it has no funds yet`, { cause: e });
    throw e;
  }
  const a = r.account ?? {};
  print(io, p.global, r, () => [
    `address: ${a.address ?? address}`, `account_number: ${a.account_number}`, `sequence: ${a.sequence}`,
    `pub_key: ${a.pub_key?.key ?? '(none yet: the account has not signed a tx)'}`,
  ].join('\n'));
  return 0;
}

// ------------------------------------------------------------------ helpers

function codeIdArg(text: string, command: string): bigint {
  if (!/^[0-9]{1,20}$/.test(text) || BigInt(text) === 0n || BigInt(text) > MAX_UINT64) throw new UsageError(`code id must be a positive whole number, not "${text}"`, command);
  return BigInt(text);
}

/** The most records read through pages (a hostile or huge answer must not run forever). */
const MAX_RECORDS = 100_000;

/** Every record of a paginated list: pages of 1000 followed by `pagination.next_key`. */
async function pages<T>(rest: Rest, path: string, field: string): Promise<{ items: T[]; pagination: unknown }> {
  const items: T[] = [];
  let key: string | null = null;
  for (;;) {
    const q: string = `pagination.limit=1000${key === null ? '' : `&pagination.key=${encodeURIComponent(key)}`}`;
    const r: Record<string, unknown> = await rest.get<Record<string, unknown>>(`${path}?${q}`);
    const page = r[field];
    if (!Array.isArray(page)) throw new CliError(`the node's answer to ${path} has no list "${field}"`);
    items.push(...(page as T[]));
    const next: unknown = (r.pagination as { next_key?: unknown } | undefined)?.next_key;
    if (typeof next !== 'string' || next === '' || items.length >= MAX_RECORDS) {
      return { items, pagination: { next_key: typeof next === 'string' && next !== '' ? next : null, total: String(items.length) } };
    }
    key = next;
  }
}

/** Bytes for people: quoted text when printable UTF-8, else 0x-hex. */
function shown(b: Uint8Array): string {
  try {
    const s = new TextDecoder('utf-8', { fatal: true }).decode(b);
    // eslint-disable-next-line no-control-regex
    if (!/[\u0000-\u001f\u007f]/.test(s)) return JSON.stringify(s);
  } catch {
    // not UTF-8
  }
  return `0x${Buffer.from(b).toString('hex')}`;
}

/** Valid JSON text indented by two spaces, its numbers and strings kept exactly as written. */
function prettyJson(text: string): string {
  let out = '';
  let depth = 0;
  const pad = () => `\n${'  '.repeat(depth)}`;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '{' || c === '[') {
      let j = i + 1;
      while (/\s/.test(text[j] ?? '')) j++;
      if (text[j] === (c === '{' ? '}' : ']')) {
        out += c + text[j];
        i = j;
      } else {
        depth++;
        out += c + pad();
      }
    } else if (c === '}' || c === ']') {
      depth--;
      out += pad() + c;
    } else if (c === ',') {
      out += `,${pad()}`;
    } else if (c === ':') {
      out += ': ';
    } else if (!/\s/.test(c)) {
      out += c;
    }
  }
  return out;
}
