/**
 * The API's routes: every path cloak serves, with the checks on what the client sent and the chain
 * read that answers it (spec/secretjs-surface.md §2 and the route list of §5): txs (broadcast in
 * SYNC/ASYNC/BLOCK mode, get, simulate), auth accounts, bank balances, the tendermint block and
 * node-info services, the compute queries, the registration tx key (501 until encryption lands) and
 * cloak's own status. Path parameters arrive percent-decoded; every refusal is an ApiError whose
 * message names the parameter and what was wrong with it.
 *
 * Raw contract state has no public endpoint on Secret (its state is encrypted), so cloak serves it
 * in wasmd's shapes (`/cosmwasm/wasm/v1/contract/{address}/state` → `{"models":[{key,value}],
 * "pagination"}`, `…/raw/{query_data}` → `{"data"}`) under compute's prefix:
 * `GET /compute/v1beta1/contract_state/{address}` (all records, keys and values base64, with the
 * usual `pagination.*` parameters) and `GET /compute/v1beta1/contract_state/{address}/raw/{key}`
 * (`{"data": base64 | null}`; the key is base64, standard or URL-safe, percent-encoded in the path).
 */
import { EnclaveBusy, EnclaveError, EnclaveUnavailable } from '@cloak/protocol';
import { fromBech32, toBech32, type Json } from '@cloak/client';
import { checkDenom } from '../chain/coins.js';
import { TxFailure } from '../chain/errors.js';
import type { ChainNode } from '../chain/node.js';
import {
  ApiError, Grpc, account, block, checkTxResponse, codeInfo, contractInfo, getTx, historyEntry, invalid, nodeInfo, notFound,
  pageResponse, simulateResponse, txResponse,
} from './render.js';

/** What a handler gets: the node, the decoded path parameters, the query string, the JSON body. */
export interface RouteRequest {
  node: ChainNode;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** Resolves at the next committed block, after `ms`, or when the API closes, whichever is first. */
  nextBlock(ms: number): Promise<void>;
  /** True once the API is closing (waiters give up). */
  readonly closing: boolean;
  /** How long a BROADCAST_MODE_BLOCK request waits for inclusion. */
  blockWaitMs: number;
}

export interface Route {
  method: 'GET' | 'POST';
  /** Segments; `:name` is a parameter. */
  path: string;
  /** Reads chain state (so `x-cosmos-block-height` applies). */
  state?: boolean;
  handle(r: RouteRequest): Json | Promise<Json>;
}

const MAX_U64 = (1n << 64n) - 1n;
/** The most records one page returns, whatever `pagination.limit` asks (a page says when there is more). */
const MAX_PAGE = 1000;
const DEFAULT_PAGE = 100;

const shown = (s: string) => JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}…` : s);

function address(s: string, what: string): Uint8Array {
  try {
    return fromBech32(s);
  } catch (e) {
    throw invalid(`${what}: invalid address: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function uint64(s: string, what: string): bigint {
  if (!/^[0-9]{1,20}$/.test(s) || BigInt(s) > MAX_U64) throw invalid(`${what}: ${shown(s)} is not an unsigned 64-bit integer`);
  return BigInt(s);
}

/** Standard or URL-safe base64, padding optional; a `+` that a query string turned into a space is put back. */
function base64(s: string, what: string): Uint8Array {
  const t = s.replace(/ /g, '+');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(t) || t.replace(/=+$/, '').length % 4 === 1 || (t.includes('=') && t.length % 4 !== 0)) {
    throw invalid(`${what}: not valid base64: ${shown(s)}`);
  }
  return new Uint8Array(Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}

function bool(s: string | null, what: string): boolean {
  if (s === null || s === '' || s === 'false' || s === '0') return false;
  if (s === 'true' || s === '1') return true;
  throw invalid(`${what}: ${shown(s)} is not a boolean (true or false)`);
}

function codeIdParam(s: string): bigint {
  return uint64(s, 'code_id');
}

function hexHash(s: string): string {
  if (!/^[0-9a-fA-F]{64}$/.test(s)) throw invalid(`hash: ${shown(s)} is not a tx hash (64 hex characters)`);
  return s;
}

// ------------------------------------------------------------------ pagination

/** pagination.offset beyond this reads too much per request; keys page without limit. */
const MAX_OFFSET = 100_000;
const COUNT_PAGE = 1000;
const MAX_COUNT = 1_000_000;

/** A source of ordered records, as KvReader.range: start <= key < end, at most `limit`. */
type Fetch = (start: Uint8Array | undefined, end: Uint8Array | undefined, reverse: boolean, limit: number) => [Uint8Array, Uint8Array][];

/** The cosmos-sdk's PageRequest semantics (types/query.Paginate) over `fetch`. */
function paginate(q: URLSearchParams, fetch: Fetch): { items: [Uint8Array, Uint8Array][]; pagination: Json } {
  const keyText = q.get('pagination.key');
  const key = keyText === null || keyText === '' ? undefined : base64(keyText, 'pagination.key');
  const num = (name: string) => {
    const v = q.get(name);
    if (v === null || v === '') return 0;
    const n = uint64(v, name);
    return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
  };
  const offset = num('pagination.offset');
  if (offset > MAX_OFFSET) throw invalid(`pagination.offset: at most ${MAX_OFFSET} (use pagination.key to page further)`);
  let limit = num('pagination.limit');
  let countTotal = bool(q.get('pagination.count_total'), 'pagination.count_total');
  const reverse = bool(q.get('pagination.reverse'), 'pagination.reverse');
  if (key !== undefined && offset > 0) throw invalid('pagination: either offset or key is expected, got both');
  if (limit === 0) {
    limit = DEFAULT_PAGE;
    if (key === undefined && offset === 0) countTotal = true;
  }
  limit = Math.min(limit, MAX_PAGE);
  if (key !== undefined) {
    // From the key on (inclusive), in the asked order.
    const got = reverse ? fetch(undefined, successor(key), true, limit + 1) : fetch(key, undefined, false, limit + 1);
    return { items: got.slice(0, limit), pagination: pageResponse(got[limit]?.[0] ?? null, undefined) };
  }
  const want = offset + limit + 1;
  const got = fetch(undefined, undefined, reverse, want);
  const total = countTotal ? (got.length < want ? got.length : count(fetch)) : undefined;
  return { items: got.slice(offset, offset + limit), pagination: pageResponse(got[offset + limit]?.[0] ?? null, total) };
}

/**
 * How many records `fetch` has, read a page at a time without keeping them (the event loop still
 * does the work: counting is refused past MAX_COUNT records).
 */
function count(fetch: Fetch): number {
  let n = 0;
  let from: Uint8Array | undefined;
  for (;;) {
    const page = fetch(from, undefined, false, COUNT_PAGE);
    n += page.length;
    if (page.length < COUNT_PAGE) return n;
    if (n >= MAX_COUNT) throw invalid(`pagination.count_total: more than ${MAX_COUNT} records; page with pagination.key instead`);
    from = successor(page[page.length - 1][0]);
  }
}

/** The smallest key after `k`. */
function successor(k: Uint8Array): Uint8Array {
  const s = new Uint8Array(k.length + 1);
  s.set(k);
  return s;
}

/** A Fetch over records already in memory, sorted by key. */
function arrayFetch(records: [Uint8Array, Uint8Array][]): Fetch {
  return (start, end, reverse, limit) => {
    const inRange = records.filter(([k]) => (start === undefined || Buffer.compare(k, start) >= 0) && (end === undefined || Buffer.compare(k, end) < 0));
    if (reverse) inRange.reverse();
    return inRange.slice(0, limit);
  };
}

// ------------------------------------------------------------------ handlers

const enc = new TextEncoder();
const dec = new TextDecoder();

function bodyObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('body: expected a JSON object');
  return body as Record<string, unknown>;
}

/** The tx bytes of a broadcast or simulate body: `txBytes` (secretjs) or `tx_bytes` (the proto name). */
function txBytesOf(body: unknown): Uint8Array {
  const b = bodyObject(body);
  const v = b.txBytes ?? b.tx_bytes;
  if (v === undefined || v === null || v === '') {
    if (b.tx !== undefined) throw invalid('tx: the JSON form of a tx is not supported; send its protobuf bytes as "tx_bytes" (base64)');
    throw invalid('tx_bytes: missing; send {"tx_bytes": "<base64 of TxRaw>", "mode": "BROADCAST_MODE_SYNC"}');
  }
  if (typeof v !== 'string') throw invalid(`tx_bytes: expected a base64 string, got ${Array.isArray(v) ? 'an array' : typeof v}`);
  return base64(v, 'tx_bytes');
}

type Mode = 'sync' | 'async' | 'block';

function modeOf(body: Record<string, unknown>): Mode {
  const m = body.mode;
  if (m === undefined || m === null) return 'sync';
  switch (m) {
    case 'BROADCAST_MODE_SYNC': case 2: return 'sync';
    case 'BROADCAST_MODE_ASYNC': case 3: return 'async';
    case 'BROADCAST_MODE_BLOCK': case 1: return 'block';
  }
  throw invalid(`mode: ${shown(String(typeof m === 'string' ? m : JSON.stringify(m)))} is not a broadcast mode; use BROADCAST_MODE_SYNC, BROADCAST_MODE_ASYNC or BROADCAST_MODE_BLOCK`);
}

async function broadcast(r: RouteRequest): Promise<Json> {
  const raw = txBytesOf(r.body);
  const mode = modeOf(bodyObject(r.body));
  const checked = await r.node.broadcast(raw);
  if (mode !== 'block' || checked.code !== 0) return checkTxResponse(checked);
  const deadline = Date.now() + r.blockWaitMs;
  for (;;) {
    const rec = r.node.tx(checked.txhash);
    if (rec !== undefined) return { tx_response: txResponse(rec) };
    if (r.closing) throw new ApiError(Grpc.unavailable, `the API is closing; tx ${checked.txhash} was accepted and may still be included: GET /cosmos/tx/v1beta1/txs/${checked.txhash}`);
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new ApiError(Grpc.deadlineExceeded, `timed out after ${r.blockWaitMs} ms waiting for tx ${checked.txhash} to be included in a block; it was accepted and may still be included: GET /cosmos/tx/v1beta1/txs/${checked.txhash}`);
    }
    await r.nextBlock(Math.min(left, 250));
  }
}

async function simulate(r: RouteRequest): Promise<Json> {
  const raw = txBytesOf(r.body);
  const res = await r.node.simulate(raw);
  if (res.code === 0) return simulateResponse(res);
  const text = `${res.log} With gas wanted: '${res.gasWanted}' and gas used: '${res.gasUsed}'`;
  if (res.codespace === 'sdk' && res.code === 2) throw invalid(text);
  throw new ApiError(Grpc.unknown, text);
}

function balances(r: RouteRequest): Json {
  const a = address(r.params.address, 'address');
  const records = r.node.balances(a).map((c): [Uint8Array, Uint8Array] => [enc.encode(c.denom), enc.encode(c.amount)]);
  const page = paginate(r.query, arrayFetch(records));
  return { balances: page.items.map(([k, v]) => ({ denom: dec.decode(k), amount: dec.decode(v) })), pagination: page.pagination };
}

function balanceByDenom(r: RouteRequest): Json {
  const a = address(r.params.address, 'address');
  const denom = r.query.get('denom') ?? '';
  if (denom === '') throw invalid('denom: missing; add ?denom=<denom>, e.g. ?denom=uscrt');
  try {
    checkDenom(denom, 'denom');
  } catch (e) {
    throw invalid(e instanceof Error ? e.message : String(e));
  }
  return { balance: { denom, amount: r.node.balance(a, denom).toString() } };
}

function heightParam(s: string, latest: number): number {
  const h = uint64(s, 'height');
  if (h === 0n) throw invalid('height: must be greater than 0');
  if (h > BigInt(latest)) throw invalid(`requested block height ${h} is bigger than the chain length ${latest}`);
  return Number(h);
}

function contractOf(r: RouteRequest, what = 'contract_address') {
  const a = address(r.params.address, what);
  const info = r.node.compute.contractInfo(r.node.state(), a);
  if (info === undefined) throw notFound(`contract ${r.params.address}: not found`);
  return { address: a, info };
}

function codeOf(r: RouteRequest, id: bigint) {
  const info = r.node.compute.codeInfo(r.node.state(), id);
  if (info === undefined) throw notFound(`code id ${id}: not found`);
  return info;
}

/** A contract query's failure as the gateway shows it (the contract's error keeps its text). */
function queryFailure(e: unknown): never {
  if (e instanceof TxFailure) {
    if (e.codespace === 'compute' && e.code === 9) throw notFound(e.message);
    throw new ApiError(Grpc.unknown, e.message);
  }
  if (e instanceof EnclaveBusy) throw new ApiError(Grpc.resourceExhausted, e.message, undefined, { 'Retry-After': '1' });
  if (e instanceof EnclaveUnavailable) throw new ApiError(Grpc.unavailable, `enclave unavailable: ${e.message}`);
  if (e instanceof EnclaveError) throw new ApiError(Grpc.unknown, `enclave error: ${e.message}`);
  throw e;
}

async function queryContract(r: RouteRequest): Promise<Json> {
  const a = address(r.params.address, 'contract_address');
  const q = r.query.get('query');
  if (q === null || q === '') throw invalid('query: missing; add ?query=<base64 of the query message>');
  const msg = base64(q, 'query');
  let answer: Uint8Array;
  try {
    answer = await r.node.query(a, msg);
  } catch (e) {
    queryFailure(e);
  }
  return { data: Buffer.from(answer).toString('base64') };
}

function contractsByCode(r: RouteRequest): Json {
  const id = codeIdParam(r.params.codeId);
  const state = r.node.state();
  const list = r.node.contractsByCode(id).flatMap((a) => {
    const info = r.node.compute.contractInfo(state, a);
    return info === undefined ? [] : [{ address: a, info }];
  });
  // Creation order: the position the contract was created at; contracts created in one tx (by
  // sub-messages) share it and keep address order.
  const pos = (x: { info: { created: { block_height: string; tx_index: string } } }) => [BigInt(x.info.created.block_height), BigInt(x.info.created.tx_index)];
  list.sort((x, y) => {
    const [hx, ix] = pos(x);
    const [hy, iy] = pos(y);
    return hx !== hy ? (hx < hy ? -1 : 1) : ix !== iy ? (ix < iy ? -1 : 1) : Buffer.compare(x.address, y.address);
  });
  return { contract_infos: list.map((x) => ({ contract_address: toBech32(x.address), contract_info: contractInfo(x.info) })) };
}

function contractState(r: RouteRequest): Json {
  const { address: a } = contractOf(r);
  const page = paginate(r.query, (s, e, rev, limit) => r.node.contractState(a, s, e, rev, limit));
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
  return { models: page.items.map(([k, v]) => ({ key: b64(k), value: b64(v) })), pagination: page.pagination };
}

function contractRaw(r: RouteRequest): Json {
  const { address: a } = contractOf(r);
  const k = base64(r.params.key, 'key');
  const v = r.node.contractState(a, k, successor(k), false, 1)[0];
  return { data: v === undefined ? null : Buffer.from(v[1]).toString('base64') };
}

function status(r: RouteRequest): Json {
  const latest = r.node.latestBlock();
  return {
    chain_id: r.node.chainId,
    latest_block_height: String(Math.max(0, r.node.height)),
    latest_block_time: latest === undefined ? null : latest.block.header.time,
    enclave_mode: r.node.enclaveMode,
    catching_up: false,
  };
}

export const ROUTES: Route[] = [
  // txs
  { method: 'POST', path: '/cosmos/tx/v1beta1/txs', handle: broadcast },
  {
    method: 'GET', path: '/cosmos/tx/v1beta1/txs', handle: () => {
      throw new ApiError(Grpc.unimplemented, 'searching txs by events is not supported by cloak; get a tx by its hash: GET /cosmos/tx/v1beta1/txs/{hash}');
    },
  },
  {
    method: 'GET', path: '/cosmos/tx/v1beta1/txs/:hash', handle: (r) => {
      const hash = hexHash(r.params.hash);
      const rec = r.node.tx(hash);
      if (rec === undefined) throw notFound(`tx not found: ${hash}`);
      return getTx(rec);
    },
  },
  { method: 'POST', path: '/cosmos/tx/v1beta1/simulate', handle: simulate },

  // auth and bank
  {
    method: 'GET', path: '/cosmos/auth/v1beta1/accounts/:address', state: true, handle: (r) => {
      const a = r.node.account(address(r.params.address, 'address'));
      if (a === undefined) throw notFound(`rpc error: code = NotFound desc = account ${r.params.address} not found: key not found`);
      return account(a);
    },
  },
  { method: 'GET', path: '/cosmos/bank/v1beta1/balances/:address', state: true, handle: balances },
  { method: 'GET', path: '/cosmos/bank/v1beta1/balances/:address/by_denom', state: true, handle: balanceByDenom },

  // tendermint
  {
    method: 'GET', path: '/cosmos/base/tendermint/v1beta1/blocks/latest', handle: (r) => {
      const b = r.node.latestBlock();
      if (b === undefined) throw notFound('no block has been committed yet');
      return block(b);
    },
  },
  {
    method: 'GET', path: '/cosmos/base/tendermint/v1beta1/blocks/:height', handle: (r) => {
      const b = r.node.block(heightParam(r.params.height, r.node.height));
      if (b === undefined) throw notFound(`block ${r.params.height}: not found`);
      return block(b);
    },
  },
  { method: 'GET', path: '/cosmos/base/tendermint/v1beta1/node_info', handle: (r) => nodeInfo(r.node.chainId) },
  { method: 'GET', path: '/cosmos/base/tendermint/v1beta1/syncing', handle: () => ({ syncing: false }) },

  // compute
  {
    method: 'GET', path: '/compute/v1beta1/codes', state: true, handle: (r) => ({ code_infos: r.node.codes().map((c) => codeInfo(c.codeId, c.info)) }),
  },
  {
    method: 'GET', path: '/compute/v1beta1/code/:codeId', state: true, handle: (r) => {
      const id = codeIdParam(r.params.codeId);
      const info = codeOf(r, id);
      const wasm = r.node.compute.wasm(r.node.state(), Buffer.from(info.code_hash, 'hex'));
      return { code_info: codeInfo(id, info), wasm: wasm === undefined ? '' : Buffer.from(wasm).toString('base64') };
    },
  },
  {
    method: 'GET', path: '/compute/v1beta1/info/:address', state: true, handle: (r) => {
      const { info } = contractOf(r);
      return { contract_address: r.params.address, contract_info: contractInfo(info) };
    },
  },
  { method: 'GET', path: '/compute/v1beta1/contracts/:codeId', state: true, handle: contractsByCode },
  {
    method: 'GET', path: '/compute/v1beta1/code_hash/by_contract_address/:address', state: true, handle: (r) => {
      const { info } = contractOf(r);
      return { code_hash: codeOf(r, BigInt(info.code_id)).code_hash };
    },
  },
  {
    method: 'GET', path: '/compute/v1beta1/code_hash/by_code_id/:codeId', state: true,
    handle: (r) => ({ code_hash: codeOf(r, codeIdParam(r.params.codeId)).code_hash }),
  },
  { method: 'GET', path: '/compute/v1beta1/query/:address', state: true, handle: queryContract },
  {
    method: 'GET', path: '/compute/v1beta1/contract_history/:address', state: true, handle: (r) => {
      const { address: a } = contractOf(r);
      return { entries: r.node.contractHistory(a).map(historyEntry) };
    },
  },
  {
    method: 'GET', path: '/compute/v1beta1/label/:address', state: true, handle: (r) => ({ label: contractOf(r).info.label }),
  },
  {
    method: 'GET', path: '/compute/v1beta1/contract_address/:label', state: true, handle: (r) => {
      const a = r.node.contractByLabel(r.params.label);
      if (a === undefined) throw notFound(`no contract has the label ${shown(r.params.label)}`);
      return { contract_address: toBech32(a) };
    },
  },
  { method: 'GET', path: '/compute/v1beta1/contract_state/:address', state: true, handle: contractState },
  { method: 'GET', path: '/compute/v1beta1/contract_state/:address/raw/:key', state: true, handle: contractRaw },

  // registration
  {
    method: 'GET', path: '/registration/v1beta1/tx-key', handle: () => {
      throw new ApiError(Grpc.unimplemented, "the chain's encryption key is not available until encryption lands in cloak: contract messages are plain JSON for now");
    },
  },

  // cloak
  { method: 'GET', path: '/cloak/v1/status', handle: status },
];
