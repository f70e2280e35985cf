/**
 * Test support for the HTTP API: a chain (support/chain.ts) with the API on a free port, JSON
 * requests with fetch, requests with exact headers through node:http, raw request bytes through a
 * socket, and signing a tx the way secretjs does (account number and sequence read over HTTP).
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { buildTx, type Key, type Msg } from '@cloak/client';
import type { NodeOptions } from '../../src/chain/node.js';
import { startApi, type Api, type ApiOptions } from '../../src/api/server.js';
import { openChain, type TestChain } from './chain.js';

export interface ApiChain extends TestChain {
  api: Api;
  url: string;
}

export async function openApiChain(over: Partial<NodeOptions> = {}, apiOptions: ApiOptions = {}): Promise<ApiChain> {
  const chain = openChain(over);
  let api: Api;
  try {
    api = await startApi(chain.node, { port: 0, ...apiOptions });
  } catch (e) {
    await chain.close();
    throw e;
  }
  return {
    ...chain,
    api,
    url: api.url,
    async close() {
      await api.close();
      await chain.close();
    },
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  json: any;
  text: string;
}

/** A request with fetch; the body, if an object, is sent as secretjs sends it (JSON as text/plain). */
export async function call(url: string, path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
  const body = init.body === undefined ? undefined : typeof init.body === 'string' || init.body instanceof Uint8Array ? init.body : JSON.stringify(init.body);
  const res = await fetch(url + path, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers: { 'Content-Type': 'text/plain;charset=UTF-8', ...init.headers },
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  return { status: res.status, headers: res.headers, json, text };
}

/** A request through node:http with exactly the given headers (fetch refuses some, e.g. Connection). */
export function httpRequest(url: string, path: string, o: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path, method: o.method ?? 'GET', headers: o.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

/** Sends `bytes` as they are and returns everything the server answers until it closes. */
export function rawRequest(url: string, bytes: Uint8Array | string): Promise<string> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const s = connect(Number(u.port), u.hostname);
    const chunks: Buffer[] = [];
    s.on('connect', () => s.write(bytes));
    s.on('data', (c) => chunks.push(c));
    s.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    s.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    s.on('error', reject);
    s.setTimeout(10_000, () => {
      s.destroy();
      reject(new Error('raw request: no answer within 10 s'));
    });
  });
}

/** The status line and the JSON body of a raw HTTP/1.1 answer. */
export function parseRaw(text: string): { status: number; head: string; json: any } {
  const at = text.indexOf('\r\n\r\n');
  const head = text.slice(0, at);
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
  return { status, head, json: JSON.parse(text.slice(at + 4)) };
}

/** Signs `msgs` as secretjs does: GET the account for its number and sequence, then sign DIRECT. */
export async function signOverHttp(url: string, key: Key, msgs: Msg[], o: { gas?: bigint } = {}): Promise<Uint8Array> {
  const r = await call(url, `/cosmos/auth/v1beta1/accounts/${key.address}?`);
  if (r.status !== 200) throw new Error(`account ${key.address}: HTTP ${r.status} ${r.text}`);
  const gas = o.gas ?? 5_000_000n;
  return buildTx({
    msgs,
    memo: '',
    fee: { amount: [{ denom: 'uscrt', amount: String((gas + 9n) / 10n) }], gasLimit: gas },
    key,
    sequence: BigInt(r.json.account.sequence),
    accountNumber: BigInt(r.json.account.account_number),
    chainId: 'secretdev-1',
  });
}

/** POST /cosmos/tx/v1beta1/txs as secretjs does (camelCase txBytes). */
export function broadcast(url: string, tx: Uint8Array, mode = 'BROADCAST_MODE_SYNC'): Promise<Reply> {
  return call(url, '/cosmos/tx/v1beta1/txs', { body: { txBytes: Buffer.from(tx).toString('base64'), mode } });
}

/** Polls GET /cosmos/tx/v1beta1/txs/{hash} as secretjs does: a 404 "tx not found: HASH" means wait. */
export async function waitTx(url: string, hash: string, timeoutMs = 10_000): Promise<{ reply: Reply; notFound: number }> {
  const deadline = Date.now() + timeoutMs;
  let notFound = 0;
  for (;;) {
    const r = await call(url, `/cosmos/tx/v1beta1/txs/${hash}?`);
    if (r.status === 200) return { reply: r, notFound };
    if (r.status !== 404 || !new RegExp(`tx not found: ${hash}`, 'i').test(r.json.message)) throw new Error(`GET tx ${hash}: HTTP ${r.status} ${r.text}`);
    notFound++;
    if (Date.now() > deadline) throw new Error(`tx ${hash} not found within ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 20));
  }
}
