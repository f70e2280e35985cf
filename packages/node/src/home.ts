/**
 * A node's home directory (default `./.cloak`, as LocalSecret users keep theirs in a container):
 *
 *   config.json    what `cloak start` runs with: chain id, API address, block interval, heartbeat,
 *                  enclave engine, log level (flags of `cloak start` override it for one run)
 *   genesis.json   the chain's genesis: chain id, time, funded accounts
 *   data/          the LMDB store (packages/node/src/store)
 *   keyring/       the CLI's keys (cli/keyring.ts)
 *
 * `initHome` writes config and genesis once (the dev accounts of devnet.ts funded); a home that
 * exists is never overwritten. Every read checks what it reads and names the file and field that
 * is wrong.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Genesis } from './chain/node.js';
import { DEV_ACCOUNTS, DEV_API, DEV_CHAIN_ID, DEV_COINS } from './devnet.js';
import type { LogLevel } from '@cloak/protocol';

export const DEFAULT_HOME = '.cloak';

export interface NodeConfig {
  chain_id: string;
  /** host:port of the HTTP API. */
  api: string;
  block_time_ms: number;
  heartbeat_ms: number;
  engine: 'interpreter' | 'v8';
  log_level: LogLevel;
}

export const DEFAULT_CONFIG: NodeConfig = {
  chain_id: DEV_CHAIN_ID,
  api: DEV_API,
  block_time_ms: 500,
  heartbeat_ms: 5000,
  engine: 'interpreter',
  log_level: 'info',
};

/** A home directory that is missing, unreadable or malformed. */
export class HomeError extends Error {
  override readonly name = 'HomeError';
}

export interface Home {
  dir: string;
  config: NodeConfig;
  genesis: Genesis;
  dataDir: string;
  keyringDir: string;
}

export const paths = (dir: string) => ({
  config: join(dir, 'config.json'),
  genesis: join(dir, 'genesis.json'),
  data: join(dir, 'data'),
  keyring: join(dir, 'keyring'),
});

export function homeExists(dir: string): boolean {
  return existsSync(paths(dir).config);
}

/** Creates a home with the dev accounts funded; refuses to touch one that exists. */
export function initHome(dir: string, over: Partial<NodeConfig> = {}): Home {
  const p = paths(resolve(dir));
  if (existsSync(p.config) || existsSync(p.genesis)) throw new HomeError(`${dir} is already a cloak home (it has ${existsSync(p.config) ? 'config.json' : 'genesis.json'}); use another --home or remove it`);
  const config = checkConfig({ ...DEFAULT_CONFIG, ...over }, p.config);
  const genesis: Genesis = {
    chain_id: config.chain_id,
    genesis_time: new Date().toISOString(),
    accounts: DEV_ACCOUNTS.map((a) => ({ address: a.address, coins: DEV_COINS.map((c) => ({ ...c })) })),
  };
  try {
    mkdirSync(p.data, { recursive: true });
    mkdirSync(p.keyring, { recursive: true, mode: 0o700 });
    writeFileSync(p.genesis, `${JSON.stringify(genesis, null, 2)}\n`);
    writeFileSync(p.config, `${JSON.stringify(config, null, 2)}\n`);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOTDIR' ? 'a path in it is a file, not a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new HomeError(`cannot create the home ${dir}: ${why}`);
  }
  return { dir: resolve(dir), config, genesis, dataDir: p.data, keyringDir: p.keyring };
}

export function loadHome(dir: string): Home {
  const p = paths(resolve(dir));
  if (!existsSync(p.config)) throw new HomeError(`${dir} is not a cloak home (no config.json): run "cloak init --home ${dir}" first`);
  const config = checkConfig(readJson(p.config), p.config);
  const genesis = checkGenesis(readJson(p.genesis), p.genesis);
  if (genesis.chain_id !== config.chain_id) throw new HomeError(`${p.genesis}: chain_id ${genesis.chain_id} differs from config.json's ${config.chain_id}`);
  return { dir: resolve(dir), config, genesis, dataDir: p.data, keyringDir: p.keyring };
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new HomeError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HomeError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** host:port with a port in 1–65535 (0 for any free port). */
export function parseHostPort(s: string, what: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:]+)\]|([^:\s]+)):([0-9]{1,5})$/.exec(s);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new HomeError(`${what}: "${s}" is not host:port (e.g. 127.0.0.1:1317)`);
  return { host: m[1] ?? m[2], port };
}

export function checkConfig(v: unknown, file: string): NodeConfig {
  const o = v as Record<string, unknown>;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new HomeError(`${file}: expected a JSON object`);
  const fail = (field: string, want: string): never => {
    throw new HomeError(`${file}: ${field} must be ${want}, not ${JSON.stringify(o[field])}`);
  };
  if (typeof o.chain_id !== 'string' || !/^[a-zA-Z0-9_.-]{1,50}$/.test(o.chain_id)) fail('chain_id', 'a chain id of 1–50 letters, digits, "-", "_" or "."');
  if (typeof o.api !== 'string') fail('api', 'host:port');
  parseHostPort(o.api as string, `${file}: api`);
  const ms = (f: string, min: number, max: number) => {
    if (typeof o[f] !== 'number' || !Number.isInteger(o[f]) || (o[f] as number) < min || (o[f] as number) > max) fail(f, `an integer number of milliseconds in ${min}–${max}`);
  };
  ms('block_time_ms', 1, 600_000);
  ms('heartbeat_ms', 1, 3_600_000);
  if (o.engine !== 'interpreter' && o.engine !== 'v8') fail('engine', '"interpreter" or "v8"');
  if (!['error', 'warn', 'info', 'debug'].includes(o.log_level as string)) fail('log_level', 'one of error, warn, info, debug');
  return { chain_id: o.chain_id as string, api: o.api as string, block_time_ms: o.block_time_ms as number, heartbeat_ms: o.heartbeat_ms as number, engine: o.engine as NodeConfig['engine'], log_level: o.log_level as LogLevel };
}

function checkGenesis(v: unknown, file: string): Genesis {
  const o = v as Record<string, unknown>;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new HomeError(`${file}: expected a JSON object`);
  if (typeof o.chain_id !== 'string' || o.chain_id === '') throw new HomeError(`${file}: chain_id must be a non-empty string`);
  if (typeof o.genesis_time !== 'string') throw new HomeError(`${file}: genesis_time must be a string`);
  if (!Array.isArray(o.accounts)) throw new HomeError(`${file}: accounts must be a list`);
  o.accounts.forEach((a: unknown, i: number) => {
    const x = a as Record<string, unknown>;
    if (x === null || typeof x !== 'object' || typeof x.address !== 'string' || !Array.isArray(x.coins)) throw new HomeError(`${file}: accounts[${i}] must be {"address": "secret1…", "coins": [...]}`);
  });
  return o as unknown as Genesis;
}
