/**
 * The JSON the HTTP API answers with: the Cosmos gRPC-gateway's rendering of the query and tx
 * services secretjs calls (spec/secretjs-surface.md §1.4, §2, §5): snake_case proto field names,
 * 64-bit integers as decimal strings, `code` (and other 32-bit fields) as JSON numbers, bytes as
 * standard base64, `Any` values as `{"@type": typeUrl, ...fields}`; tx results with `data` as the hex
 * of TxMsgData and events with plain-string attributes (§2.11). Errors have the gateway's shape
 * `{"code": <gRPC code>, "message": "…", "details": []}`, carried by `ApiError` with the HTTP status
 * the gateway maps the gRPC code to. Nothing here reads the chain: callers hand in the records.
 */
import { readFileSync } from 'node:fs';
import {
  PUBKEY_TYPE_URL, decodeTx, decodeTxMsgData, msgResponseJson, toBech32, txJson, type Json,
} from '@cloak/client';
import type { TxResult } from '../chain/app.js';
import type { Account } from '../chain/auth.js';
import type { CodeInfo, ContractInfo, HistoryEntry } from '../chain/compute.js';
import type { Event } from '../chain/events.js';
import type { BlockRecord, BroadcastResult, TxRecordJson } from '../chain/node.js';

/** gRPC status codes the API uses. */
export const Grpc = {
  unknown: 2,
  invalidArgument: 3,
  deadlineExceeded: 4,
  notFound: 5,
  resourceExhausted: 8,
  unimplemented: 12,
  internal: 13,
  unavailable: 14,
} as const;

/** The HTTP status grpc-gateway answers a gRPC code with (runtime.HTTPStatusFromCode). */
function httpStatusOf(code: number): number {
  switch (code) {
    case Grpc.invalidArgument: return 400;
    case Grpc.deadlineExceeded: return 504;
    case Grpc.notFound: return 404;
    case Grpc.resourceExhausted: return 429;
    case Grpc.unimplemented: return 501;
    case Grpc.unavailable: return 503;
    default: return 500;
  }
}

/** A request the API refuses: a gRPC code, the message the client sees, and the HTTP status. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  constructor(readonly code: number, message: string, status?: number, readonly headers: Record<string, string> = {}) {
    super(message);
    this.status = status ?? httpStatusOf(code);
  }

  get body(): { code: number; message: string; details: [] } {
    return { code: this.code, message: this.message, details: [] };
  }
}

export const invalid = (message: string) => new ApiError(Grpc.invalidArgument, message);
export const notFound = (message: string) => new ApiError(Grpc.notFound, message);

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
/** Our stored hashes are upper-case hex; the gateway shows hash bytes as base64. */
const hexToB64 = (h: string) => Buffer.from(h, 'hex').toString('base64');

// ------------------------------------------------------------------ txs

function events(evs: Event[]): Json[] {
  return evs.map((e) => ({ type: e.type, attributes: e.attributes.map((a) => ({ key: a.key, value: a.value, index: a.index })) }));
}

/** The stored tx decoded as the gateway shows a Tx (`withType`: as an Any, for tx_response.tx). */
function storedTx(rec: TxRecordJson, withType: boolean): Json {
  let tx: { [key: string]: Json };
  try {
    tx = txJson(decodeTx(new Uint8Array(Buffer.from(rec.tx_bytes, 'base64'))));
  } catch {
    // A committed tx always decoded at CheckTx; this only guards against a damaged record.
    return null;
  }
  if (withType) return tx;
  const { '@type': _type, ...rest } = tx;
  void _type;
  return rest;
}

/** A committed tx's tx_response (GET /cosmos/tx/v1beta1/txs/{hash}, and broadcast in BLOCK mode). */
export function txResponse(rec: TxRecordJson): { [key: string]: Json } {
  return {
    height: rec.height,
    txhash: rec.txhash,
    codespace: rec.codespace,
    code: rec.code,
    data: rec.data,
    raw_log: rec.raw_log,
    logs: [],
    info: rec.info,
    gas_wanted: rec.gas_wanted,
    gas_used: rec.gas_used,
    tx: storedTx(rec, true),
    timestamp: rec.timestamp,
    events: events(rec.events),
  };
}

/** GetTxResponse: the Tx (no "@type": the field is a Tx, not an Any) and its tx_response. */
export function getTx(rec: TxRecordJson): Json {
  return { tx: storedTx(rec, false), tx_response: txResponse(rec) };
}

/** BroadcastTxResponse for SYNC and ASYNC: the CheckTx outcome only. */
export function checkTxResponse(r: BroadcastResult): Json {
  return {
    tx_response: {
      height: '0', txhash: r.txhash, codespace: r.codespace, code: r.code, data: '', raw_log: r.log, logs: [], info: '',
      gas_wanted: '0', gas_used: '0', tx: null, timestamp: '', events: [],
    },
  };
}

/** TxMsgData's msg_responses as Any-JSON (an unknown type keeps its bytes under "value"). */
function msgResponses(data: Uint8Array): Json[] {
  if (data.length === 0) return [];
  return decodeTxMsgData(data).map((a): Json => msgResponseJson(a));
}

/** SimulateResponse of a simulation that succeeded. */
export function simulateResponse(r: TxResult): Json {
  return {
    gas_info: { gas_wanted: r.gasWanted.toString(), gas_used: r.gasUsed.toString() },
    result: { data: b64(r.data), log: r.log, events: events(r.events), msg_responses: msgResponses(r.data) },
  };
}

// ------------------------------------------------------------------ auth and bank

export function account(a: Account): Json {
  return {
    account: {
      '@type': '/cosmos.auth.v1beta1.BaseAccount',
      address: toBech32(a.address),
      pub_key: a.pubkey === undefined ? null : { '@type': PUBKEY_TYPE_URL, key: b64(a.pubkey) },
      account_number: a.number.toString(),
      sequence: a.sequence.toString(),
    },
  };
}

/** PageResponse: next_key base64 or null, total as a u64 string ("0" when not counted). */
export function pageResponse(nextKey: Uint8Array | null, total: number | undefined): Json {
  return { next_key: nextKey === null ? null : b64(nextKey), total: String(total ?? 0) };
}

// ------------------------------------------------------------------ blocks and node

function blockId(hashHex: string): Json {
  return { hash: hexToB64(hashHex), part_set_header: { total: 0, hash: '' } };
}

/** GetLatestBlockResponse / GetBlockByHeightResponse (CometBFT's header with the fields cloak has). */
export function block(b: BlockRecord): Json {
  const h = b.block.header;
  const body = (proposer: string): Json => ({
    header: {
      version: { block: '11', app: '0' },
      chain_id: h.chain_id,
      height: h.height,
      time: h.time,
      last_block_id: blockId(h.last_block_id.hash),
      last_commit_hash: '',
      data_hash: hexToB64(h.data_hash),
      validators_hash: '',
      next_validators_hash: '',
      consensus_hash: '',
      app_hash: hexToB64(h.app_hash),
      last_results_hash: '',
      evidence_hash: '',
      proposer_address: proposer,
    },
    data: { txs: b.block.data.txs },
    evidence: { evidence: [] },
    last_commit: {
      height: String(Math.max(0, Number(h.height) - 1)),
      round: 0,
      block_id: blockId(h.last_block_id.hash),
      signatures: [],
    },
  });
  return { block_id: blockId(b.block_id.hash), block: body(''), sdk_block: body('') };
}

function packageVersion(): string {
  try {
    const p = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof p.version === 'string' ? p.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const VERSION = packageVersion();
/** The cosmos-sdk release whose REST surface cloak serves (spec/secretjs-surface.md, sources). */
const COSMOS_SDK_VERSION = 'v0.50.14';

export function nodeInfo(chainId: string): Json {
  return {
    default_node_info: {
      protocol_version: { p2p: '8', block: '11', app: '0' },
      default_node_id: '',
      listen_addr: '',
      network: chainId,
      version: '',
      channels: '',
      moniker: 'cloak',
      other: { tx_index: 'on', rpc_address: '' },
    },
    application_version: {
      name: 'cloak',
      app_name: 'cloak',
      version: VERSION,
      git_commit: '',
      build_tags: '',
      go_version: '',
      build_deps: [],
      cosmos_sdk_version: COSMOS_SDK_VERSION,
    },
  };
}

// ------------------------------------------------------------------ compute

export function codeInfo(codeId: bigint, c: CodeInfo): Json {
  return { code_id: codeId.toString(), creator: c.creator, code_hash: c.code_hash, source: c.source, builder: c.builder };
}

export function contractInfo(c: ContractInfo): Json {
  return {
    code_id: c.code_id,
    creator: c.creator,
    label: c.label,
    created: { block_height: c.created.block_height, tx_index: c.created.tx_index },
    ibc_port_id: '',
    admin: c.admin,
    admin_proof: null,
    require_governance: false,
  };
}

const OPERATION: Record<HistoryEntry['operation'], string> = {
  init: 'CONTRACT_CODE_HISTORY_OPERATION_TYPE_INIT',
  migrate: 'CONTRACT_CODE_HISTORY_OPERATION_TYPE_MIGRATE',
  genesis: 'CONTRACT_CODE_HISTORY_OPERATION_TYPE_GENESIS',
};

export function historyEntry(e: HistoryEntry): Json {
  return {
    operation: OPERATION[e.operation] ?? 'CONTRACT_CODE_HISTORY_OPERATION_TYPE_UNSPECIFIED',
    code_id: e.code_id,
    updated: { block_height: e.updated.block_height, tx_index: e.updated.tx_index },
    msg: e.msg,
  };
}
