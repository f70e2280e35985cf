/**
 * `cloak init` and `cloak start`: a local chain in one command, a drop-in for LocalSecret (chain id
 * secretdev-1, the REST API on 127.0.0.1:1317, the dev accounts a, b, c, d with LocalSecret's
 * published mnemonics). `start` initialises the home when there is none, opens the store, starts
 * the enclave processes and the API, prints what a developer needs (API address, chain id, the dev
 * accounts, one `ready` line) and runs until SIGINT/SIGTERM, then shuts down cleanly: the API stops
 * taking requests, the block in progress is finished, the enclaves are stopped, the store closed.
 */
import { LOG_LEVELS, enclaveLogger, type LogLevel } from '@cloak/protocol';
import { enclaveCommand } from '@cloak/enclave/launch';
import { ChainNode } from '../chain/node.js';
import { startApi } from '../api/server.js';
import { DEV_ACCOUNTS } from '../devnet.js';
import { HomeError, homeExists, initHome, loadHome, parseHostPort, type Home, type NodeConfig } from '../home.js';
import { addKey, listKeys } from '../cli/keyring.js';
import { CliError, GLOBAL_HELP, parse, print } from '../cli/common.js';
import { UsageError, type Io } from '../io.js';

const NODE_OPTIONS = {
  'chain-id': { type: 'string' },
  api: { type: 'string' },
  'block-time': { type: 'string' },
  heartbeat: { type: 'string' },
  engine: { type: 'string' },
  'log-level': { type: 'string' },
} as const;

const NODE_HELP = `  --chain-id ID            chain id (default secretdev-1)
  --api HOST:PORT          where the HTTP API listens (default 127.0.0.1:1317)
  --block-time MS          block interval in milliseconds (default 500)
  --heartbeat MS           an empty block after this long without one (default 5000)
  --engine interpreter|v8  the enclave's wasm engine: the interpreter under --jitless (default), or
                           V8's WebAssembly with JIT (faster, no longer the no-code-generation twin of SGX)
  --log-level L            error, warn, info (default) or debug`;

export const INIT_USAGE = `Usage: cloak init [options]

Creates a home directory with config.json, genesis.json (the dev accounts a, b, c, d funded with
10^18 uscrt each) and a keyring holding those four keys (test backend, LocalSecret's published
mnemonics: never use them for real funds).

Options:
${NODE_HELP}
${GLOBAL_HELP}`;

export const START_USAGE = `Usage: cloak start [options]

Runs a local chain: the node, its enclave processes and the HTTP API, until Ctrl-C. The home
directory is initialised first if it does not exist (see cloak init). Options given here
override config.json for this run.

Options:
${NODE_HELP}
${GLOBAL_HELP}`;

/** Config fields from the command line (checked as config.json is). */
function overrides(values: Record<string, string | boolean | undefined>, command: string): Partial<NodeConfig> {
  const o: Partial<NodeConfig> = {};
  const int = (flag: string, min: number, max: number): number | undefined => {
    const v = values[flag];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !/^[0-9]{1,9}$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`--${flag} must be a number of milliseconds in ${min}–${max}, not "${v}"`, command);
    return Number(v);
  };
  if (values['chain-id'] !== undefined) o.chain_id = values['chain-id'] as string;
  if (values.api !== undefined) {
    try {
      parseHostPort(values.api as string, '--api');
    } catch (e) {
      throw new UsageError((e as Error).message, command);
    }
    o.api = values.api as string;
  }
  const bt = int('block-time', 1, 600_000);
  if (bt !== undefined) o.block_time_ms = bt;
  const hb = int('heartbeat', 1, 3_600_000);
  if (hb !== undefined) o.heartbeat_ms = hb;
  if (values.engine !== undefined) {
    if (values.engine !== 'interpreter' && values.engine !== 'v8') throw new UsageError(`--engine must be interpreter or v8, not "${values.engine}"`, command);
    o.engine = values.engine;
  }
  if (values['log-level'] !== undefined) {
    if (!(LOG_LEVELS as readonly string[]).includes(values['log-level'] as string)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, not "${values['log-level']}"`, command);
    o.log_level = values['log-level'] as LogLevel;
  }
  return o;
}

/** Creates the home and puts the dev keys in its keyring. */
function init(dir: string, over: Partial<NodeConfig>): Home {
  const home = initHome(dir, over);
  const have = new Set(listKeys(dir).map((k) => k.name));
  for (const a of DEV_ACCOUNTS) if (!have.has(a.name)) addKey(dir, a.name, { mnemonic: a.mnemonic, backend: 'test' });
  return home;
}

export async function runInit(args: string[], io: Io): Promise<number> {
  const p = parse(args, NODE_OPTIONS, INIT_USAGE, 'init', io, { min: 0, max: 0, names: '' });
  if (p === undefined) return 0;
  const home = init(p.global.home, overrides(p.values, 'init'));
  print(io, p.global, { home: home.dir, chain_id: home.config.chain_id, accounts: DEV_ACCOUNTS.map(({ name, address }) => ({ name, address })) }, () =>
    [`initialised ${home.dir} for chain ${home.config.chain_id}`, ...DEV_ACCOUNTS.map((a) => `  ${a.name}  ${a.address}`)].join('\n'));
  return 0;
}

/**
 * Runs the node until `stop` resolves (by default SIGINT or SIGTERM). Exported for tests, which
 * stop it themselves.
 */
export async function startNode(dir: string, over: Partial<NodeConfig>, io: Io, json: boolean, stop?: Promise<unknown>): Promise<number> {
  let home: Home;
  let created = false;
  if (!homeExists(dir)) {
    // A new home keeps the defaults (and the chain id asked for); the other flags are for this run.
    home = init(dir, over.chain_id !== undefined ? { chain_id: over.chain_id } : {});
    created = true;
  } else {
    home = loadHome(dir);
  }
  const config: NodeConfig = { ...home.config, ...over };
  if (over.chain_id !== undefined && over.chain_id !== home.genesis.chain_id) throw new HomeError(`--chain-id ${over.chain_id}: the home ${home.dir} holds chain ${home.genesis.chain_id}`);
  const { host, port } = parseHostPort(config.api, 'api');
  const launch = enclaveCommand({ jit: config.engine === 'v8', logLevel: config.log_level });
  let node: ChainNode;
  try {
    node = ChainNode.open({
      dataDir: home.dataDir,
      genesis: home.genesis,
      enclave: { ...launch, log: enclaveLogger({ level: config.log_level, production: config.log_level !== 'debug', write: (l) => io.err(l) }) },
      blockTimeMs: config.block_time_ms,
      heartbeatMs: config.heartbeat_ms,
      log: enclaveLogger({ level: config.log_level, source: 'node', write: (l) => io.err(l) }),
    });
  } catch (e) {
    throw new CliError(`cannot open the node's store in ${home.dataDir}: ${(e as Error).message.replace(/^Store\.open: /, '')}`);
  }
  try {
    await node.checkEnclaves();
  } catch (e) {
    await node.close();
    throw new CliError(`the enclave could not start (${node.enclaveMode}): ${(e as Error).message}`);
  }
  let api;
  try {
    api = await startApi(node, { host, port, log: enclaveLogger({ level: config.log_level, source: 'api', write: (l) => io.err(l) }) });
  } catch (e) {
    await node.close();
    const m = (e as Error).message;
    throw new CliError(/EADDRINUSE/.test(m) ? `cannot listen on ${host}:${port}: the address is in use (another node running? choose another with --api)` : m);
  }
  const accounts = DEV_ACCOUNTS.map(({ name, address, mnemonic }) => ({ name, address, mnemonic }));
  // JSON mode: one JSON line per event (started, ready), for a supervisor to read.
  if (json) io.out(JSON.stringify({ home: home.dir, created, chain_id: config.chain_id, api: api.url, enclave_mode: node.enclaveMode, height: node.height, accounts }));
  else io.out([
    `cloak: chain ${config.chain_id}, home ${home.dir}${created ? ' (new)' : ''}, height ${Math.max(node.height, 0)}`,
    `enclave: ${node.enclaveMode}`,
    `API: ${api.url}`,
    `dev accounts (LocalSecret's published mnemonics; never use them for real funds):`,
    ...accounts.map((a) => `  ${a.name}  ${a.address}  ${a.mnemonic}`),
  ].join('\n'));
  io.out(json ? JSON.stringify({ ready: true, api: api.url }) : `ready: ${api.url} (Ctrl-C to stop)`);
  let fatal: Error | undefined;
  const failed = new Promise<void>((resolve) => {
    node.onFatal = (e) => {
      fatal = e;
      resolve();
    };
  });
  let onSignal: (() => void) | undefined;
  await Promise.race([failed, stop ?? new Promise<void>((resolve) => {
    onSignal = resolve;
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  })]);
  if (onSignal) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  io.err('cloak: stopping (finishing the current block, stopping the enclave, closing the store)…');
  await api.close();
  await node.close();
  if (fatal) throw new CliError(`the node stopped: ${fatal.message}`);
  io.err('cloak: stopped');
  return 0;
}

export async function runStart(args: string[], io: Io): Promise<number> {
  const p = parse(args, NODE_OPTIONS, START_USAGE, 'start', io, { min: 0, max: 0, names: '' });
  if (p === undefined) return 0;
  return startNode(p.global.home, overrides(p.values, 'start'), io, p.global.json);
}
