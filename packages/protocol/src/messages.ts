/**
 * The messages of the enclave boundary (spec/secret-compute.md §1; ARCHITECTURE.md maps each to Secret
 * Network's ecall or ocall). One frame is `u32le length ‖ u8 message type ‖ fields`, fields in the
 * order below, each with the limit in LIMITS.
 *
 * Host → enclave:
 *   ecall_allocate  check and instrument a contract's code at upload, and put it in the enclave's code
 *                   cache (Secret passes the whole wasm with every ecall; here ecalls name it by hash)
 *   ecall_init      instantiate          ecall_handle  execute / migrate / sudo / reply
 *   ecall_query     a query (also sent while the enclave waits on ocall_query_chain: a nested query)
 *   answers to the enclave's ocalls: read_db_result, range_result, query_chain_result,
 *                   load_code_result, ocall_failed
 * Enclave → host:
 *   ocall_read_db   one key of the running call's contract       ocall_range  the next record(s) of a range
 *   ocall_query_chain  a contract's query_chain request, for the host to route
 *   ocall_load_code the code with a given hash, when an ecall names code the enclave does not hold (a
 *                   new process, or code evicted from its bounded cache); the enclave checks that what
 *                   it gets has that hash
 *   log             a structured log record (one way, no answer)
 *   ecall_result    the outcome of an ecall, with its write set (ocall_write_db / ocall_remove_db are
 *                   not separate calls: writes are buffered in the enclave and returned here, applied by
 *                   the host atomically only when the call succeeded)
 *   allocate_result / enclave_error
 *
 * Every request carries an id; every answer and ocall repeats the id of the ecall it belongs to, so
 * an answer to the wrong question is detected ("host misbehaved"), never used.
 */
import { ProtocolError, Reader, Writer } from './codec.js';

export const LIMITS = {
  /** One frame: a 4 MiB message with its env, a 16 MiB result, or a 16 MiB write set (the enclave checks what it sends). */
  frame: 24 * 1024 * 1024,
  /** A contract's code as uploaded, gzip or not (ecall_allocate, load_code_result; the VM's MAX_CODE_SIZE). */
  code: 2 * 1024 * 1024,
  /** A contract message (the VM's MAX_ARGUMENT_LENGTH). */
  msg: 4 * 1024 * 1024,
  key: 64 * 1024,
  value: 128 * 1024,
  /** Chain id, addresses, denominations, labels, transaction hashes. */
  text: 256,
  amount: 40,
  funds: 64,
  queryRequest: 64 * 1024,
  /** A query answer or a contract's result JSON. */
  result: 16 * 1024 * 1024,
  /** Records of one range answer: 64 × (64 KiB key + 128 KiB value) = 12 MiB, within a frame. */
  records: 64,
  /** Entries of a write set and their bytes (the VM's MAX_WRITE_SET_BYTES). */
  writes: 1 << 20,
  writeBytes: 16 * 1024 * 1024,
  logMessage: 64 * 1024,
  error: 64 * 1024,
} as const;

export enum Type {
  EcallAllocate = 1,
  EcallInit = 2,
  EcallHandle = 3,
  EcallQuery = 4,
  ReadDbResult = 5,
  RangeResult = 6,
  QueryChainResult = 7,
  OcallFailed = 8,
  LoadCodeResult = 9,
  OcallReadDb = 20,
  OcallRange = 21,
  OcallQueryChain = 22,
  Log = 23,
  EcallResult = 24,
  AllocateResult = 25,
  EnclaveError = 26,
  OcallLoadCode = 27,
}

export interface Coin { denom: string; amount: string }

export interface Env {
  height: bigint;
  timeNanos: bigint;
  chainId: string;
  contract: string;
  /** Given only to contracts that require randomness (32 bytes). */
  random?: Uint8Array;
  transaction?: { index: number; hash: string };
}

export const HANDLE_TYPES = ['execute', 'migrate', 'sudo', 'reply'] as const;
export type HandleType = (typeof HANDLE_TYPES)[number];

export type HostMessage =
  | { type: Type.EcallAllocate; id: number; code: Uint8Array }
  | { type: Type.EcallInit; id: number; codeHash: Uint8Array; env: Env; sender: string; funds: Coin[]; msg: Uint8Array; gasLimit: bigint }
  | { type: Type.EcallHandle; id: number; handle: HandleType; codeHash: Uint8Array; env: Env; sender: string; funds: Coin[]; msg: Uint8Array; gasLimit: bigint; oldMigrateVersion?: bigint }
  | { type: Type.EcallQuery; id: number; codeHash: Uint8Array; env: Env; msg: Uint8Array; gasLimit: bigint; depth: number }
  | { type: Type.ReadDbResult; id: number; value?: Uint8Array }
  | { type: Type.RangeResult; id: number; records: [Uint8Array, Uint8Array][] }
  | { type: Type.QueryChainResult; id: number; result: QueryAnswer; gasUsed: bigint }
  /** `code` absent: the host has no code with the hash asked for. */
  | { type: Type.LoadCodeResult; id: number; code?: Uint8Array }
  | { type: Type.OcallFailed; id: number; message: string };

/** What the host answers a query_chain with (the VM's QuerierResult, in bytes). */
export type QueryAnswer =
  | { kind: 'ok'; data: Uint8Array }
  /** The queried contract failed: its error as JSON (a string, or a 0.10 StdError object). */
  | { kind: 'contract_error'; error: Uint8Array }
  /** A SystemError object, as JSON. */
  | { kind: 'system_error'; error: Uint8Array };
const QUERY_ANSWER_KINDS = ['ok', 'contract_error', 'system_error'] as const;

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The outcome of an ecall (the VM's CallResult, in bytes). */
export type Outcome =
  /** `value`: the Ok payload as JSON; `answer`: a query's answer bytes. */
  | { kind: 'ok'; value: Uint8Array; answer?: Uint8Array; writes: [Uint8Array, Uint8Array | null][] }
  | { kind: 'contract_error'; error: Uint8Array }
  | { kind: 'vm_error'; errorKind: string; message: string };
const OUTCOME_KINDS = ['ok', 'contract_error', 'vm_error'] as const;

export type EnclaveMessage =
  | { type: Type.OcallReadDb; id: number; key: Uint8Array }
  | { type: Type.OcallRange; id: number; start?: Uint8Array; end?: Uint8Array; descending: boolean; limit: number }
  | { type: Type.OcallQueryChain; id: number; request: Uint8Array; depth: number; gasLimit: bigint }
  | { type: Type.OcallLoadCode; id: number; codeHash: Uint8Array }
  | { type: Type.Log; level: LogLevel; event: string; message: string }
  | { type: Type.EcallResult; id: number; outcome: Outcome; gasUsed: bigint }
  | { type: Type.AllocateResult; id: number; codeHash: Uint8Array; generation: string }
  | { type: Type.EnclaveError; id: number; message: string };

// ------------------------------------------------------------------------------------------------

function optional<T>(w: Writer, v: T | undefined, put: (v: T) => void): void {
  w.bool(v !== undefined);
  if (v !== undefined) put(v);
}

function readOptional<T>(r: Reader, what: string, get: () => T): T | undefined {
  return r.bool(`${what} present`) ? get() : undefined;
}

function writeEnv(w: Writer, e: Env): void {
  w.u64(e.height).u64(e.timeNanos).string(e.chainId, LIMITS.text, 'chain id').string(e.contract, LIMITS.text, 'contract address');
  optional(w, e.random, (r) => {
    w.bytes(r, 32, 'random');
    if (r.length !== 32) throw new RangeError(`random: ${r.length} bytes, expected 32`);
  });
  optional(w, e.transaction, (t) => w.u32(t.index).string(t.hash, LIMITS.text, 'transaction hash'));
}

function readEnv(r: Reader): Env {
  const env: Env = {
    height: r.u64('block height'),
    timeNanos: r.u64('block time'),
    chainId: r.string(LIMITS.text, 'chain id'),
    contract: r.string(LIMITS.text, 'contract address'),
  };
  const random = readOptional(r, 'random', () => {
    const at = r.at;
    const b = r.bytes(32, 'random');
    if (b.length !== 32) throw new ProtocolError(`random: ${b.length} bytes, expected 32`, at);
    return b;
  });
  if (random !== undefined) env.random = random;
  const tx = readOptional(r, 'transaction', () => ({ index: r.u32('transaction index'), hash: r.string(LIMITS.text, 'transaction hash') }));
  if (tx !== undefined) env.transaction = tx;
  return env;
}

function writeFunds(w: Writer, funds: Coin[]): void {
  if (funds.length > LIMITS.funds) throw new RangeError(`funds: ${funds.length} coins exceed the limit of ${LIMITS.funds}`);
  w.u32(funds.length);
  for (const c of funds) {
    if (!/^[0-9]+$/.test(c.amount)) throw new RangeError(`amount "${c.amount}" is not a decimal integer`);
    w.string(c.denom, LIMITS.text, 'denom').string(c.amount, LIMITS.amount, 'amount');
  }
}

function readFunds(r: Reader): Coin[] {
  const n = r.count(LIMITS.funds, 'funds');
  const out: Coin[] = [];
  for (let i = 0; i < n; i++) {
    const denom = r.string(LIMITS.text, 'denom');
    const at = r.at;
    const amount = r.string(LIMITS.amount, 'amount');
    if (!/^[0-9]+$/.test(amount)) throw new ProtocolError(`amount "${amount}" is not a decimal integer`, at);
    out.push({ denom, amount });
  }
  return out;
}

const hash = (w: Writer, h: Uint8Array) => {
  w.bytes(h, 32, 'code hash');
  if (h.length !== 32) throw new RangeError(`code hash: ${h.length} bytes, expected 32`);
};
const readHash = (r: Reader) => {
  const at = r.at;
  const h = r.bytes(32, 'code hash');
  if (h.length !== 32) throw new ProtocolError(`code hash: ${h.length} bytes, expected 32`, at);
  return h;
};

/** The body of a frame (type byte and fields, without the length prefix). */
const HOST_TYPES = new Set([Type.EcallAllocate, Type.EcallInit, Type.EcallHandle, Type.EcallQuery, Type.ReadDbResult, Type.RangeResult, Type.QueryChainResult, Type.OcallFailed, Type.LoadCodeResult]);
const ENCLAVE_TYPES = new Set([Type.OcallReadDb, Type.OcallRange, Type.OcallQueryChain, Type.Log, Type.EcallResult, Type.AllocateResult, Type.EnclaveError, Type.OcallLoadCode]);

export function encodeHost(m: HostMessage): Uint8Array {
  if (!HOST_TYPES.has(m.type)) throw new RangeError(`${String(m.type)} is not a host message type`);
  const w = new Writer().u8(m.type).u32(m.id);
  switch (m.type) {
    case Type.EcallAllocate: w.bytes(m.code, LIMITS.code, 'code'); break;
    case Type.EcallInit:
      hash(w, m.codeHash);
      writeEnv(w, m.env);
      w.string(m.sender, LIMITS.text, 'sender');
      writeFunds(w, m.funds);
      w.bytes(m.msg, LIMITS.msg, 'msg').u64(m.gasLimit);
      break;
    case Type.EcallHandle:
      w.tag(m.handle, HANDLE_TYPES, 'handle type');
      hash(w, m.codeHash);
      writeEnv(w, m.env);
      w.string(m.sender, LIMITS.text, 'sender');
      writeFunds(w, m.funds);
      w.bytes(m.msg, LIMITS.msg, 'msg').u64(m.gasLimit);
      optional(w, m.oldMigrateVersion, (v) => w.u64(v));
      break;
    case Type.EcallQuery:
      hash(w, m.codeHash);
      writeEnv(w, m.env);
      w.bytes(m.msg, LIMITS.msg, 'msg').u64(m.gasLimit).u32(m.depth);
      break;
    case Type.ReadDbResult: optional(w, m.value, (v) => w.bytes(v, LIMITS.value, 'value')); break;
    case Type.RangeResult:
      if (m.records.length > LIMITS.records) throw new RangeError('range: too many records');
      w.u32(m.records.length);
      for (const [k, v] of m.records) w.bytes(k, LIMITS.key, 'key').bytes(v, LIMITS.value, 'value');
      break;
    case Type.QueryChainResult: {
      w.tag(m.result.kind, QUERY_ANSWER_KINDS, 'query answer kind');
      w.bytes(m.result.kind === 'ok' ? m.result.data : m.result.error, LIMITS.result, 'query answer').u64(m.gasUsed);
      break;
    }
    case Type.LoadCodeResult: optional(w, m.code, (c) => w.bytes(c, LIMITS.code, 'code')); break;
    case Type.OcallFailed: w.string(m.message, LIMITS.error, 'message'); break;
  }
  return w.finish();
}

export function decodeHost(body: Uint8Array): HostMessage {
  const r = new Reader(body);
  const type = r.u8('message type');
  if (!HOST_TYPES.has(type)) throw new ProtocolError(`unknown host message type ${type}`, 0);
  const id = r.u32('id');
  let m: HostMessage;
  switch (type) {
    case Type.EcallAllocate: m = { type, id, code: r.bytes(LIMITS.code, 'code') }; break;
    case Type.EcallInit:
      m = { type, id, codeHash: readHash(r), env: readEnv(r), sender: r.string(LIMITS.text, 'sender'), funds: readFunds(r), msg: r.bytes(LIMITS.msg, 'msg'), gasLimit: r.u64('gas limit') };
      break;
    case Type.EcallHandle: {
      const handle = HANDLE_TYPES[r.tag(HANDLE_TYPES.length, 'handle type')];
      m = { type, id, handle, codeHash: readHash(r), env: readEnv(r), sender: r.string(LIMITS.text, 'sender'), funds: readFunds(r), msg: r.bytes(LIMITS.msg, 'msg'), gasLimit: r.u64('gas limit') };
      const v = readOptional(r, 'old migrate version', () => r.u64('old migrate version'));
      if (v !== undefined) m.oldMigrateVersion = v;
      break;
    }
    case Type.EcallQuery:
      m = { type, id, codeHash: readHash(r), env: readEnv(r), msg: r.bytes(LIMITS.msg, 'msg'), gasLimit: r.u64('gas limit'), depth: r.u32('depth') };
      break;
    case Type.ReadDbResult: {
      const value = readOptional(r, 'value', () => r.bytes(LIMITS.value, 'value'));
      m = value === undefined ? { type, id } : { type, id, value };
      break;
    }
    case Type.RangeResult: {
      const n = r.count(LIMITS.records, 'records');
      const records: [Uint8Array, Uint8Array][] = [];
      for (let i = 0; i < n; i++) records.push([r.bytes(LIMITS.key, 'key'), r.bytes(LIMITS.value, 'value')]);
      m = { type, id, records };
      break;
    }
    case Type.QueryChainResult: {
      const kind = QUERY_ANSWER_KINDS[r.tag(QUERY_ANSWER_KINDS.length, 'query answer kind')];
      const bytes = r.bytes(LIMITS.result, 'query answer');
      const result: QueryAnswer = kind === 'ok' ? { kind, data: bytes } : { kind, error: bytes };
      m = { type, id, result, gasUsed: r.u64('gas used') };
      break;
    }
    case Type.LoadCodeResult: {
      const code = readOptional(r, 'code', () => r.bytes(LIMITS.code, 'code'));
      m = code === undefined ? { type, id } : { type, id, code };
      break;
    }
    case Type.OcallFailed: m = { type, id, message: r.string(LIMITS.error, 'message') }; break;
    default: throw new ProtocolError(`unknown host message type ${type}`, 0);
  }
  r.end('host message');
  return m;
}

export function encodeEnclave(m: EnclaveMessage): Uint8Array {
  if (!ENCLAVE_TYPES.has(m.type)) throw new RangeError(`${String(m.type)} is not an enclave message type`);
  const w = new Writer().u8(m.type);
  switch (m.type) {
    case Type.OcallReadDb: w.u32(m.id).bytes(m.key, LIMITS.key, 'key'); break;
    case Type.OcallRange:
      w.u32(m.id);
      optional(w, m.start, (k) => w.bytes(k, LIMITS.key, 'start'));
      optional(w, m.end, (k) => w.bytes(k, LIMITS.key, 'end'));
      w.bool(m.descending).u32(m.limit);
      break;
    case Type.OcallQueryChain: w.u32(m.id).bytes(m.request, LIMITS.queryRequest, 'request').u32(m.depth).u64(m.gasLimit); break;
    case Type.OcallLoadCode: w.u32(m.id); hash(w, m.codeHash); break;
    case Type.Log: w.tag(m.level, LOG_LEVELS, 'log level').string(m.event, LIMITS.text, 'event').string(m.message, LIMITS.logMessage, 'message'); break;
    case Type.EcallResult: {
      w.u32(m.id).tag(m.outcome.kind, OUTCOME_KINDS, 'outcome');
      const o = m.outcome;
      if (o.kind === 'ok') {
        w.bytes(o.value, LIMITS.result, 'result');
        optional(w, o.answer, (a) => w.bytes(a, LIMITS.result, 'answer'));
        if (o.writes.length > LIMITS.writes) throw new RangeError('write set: too many entries');
        const bytes = o.writes.reduce((n, [k, v]) => n + k.length + (v?.length ?? 0), 0);
        if (bytes > LIMITS.writeBytes) throw new RangeError(`write set: ${bytes} bytes exceed the limit of ${LIMITS.writeBytes}`);
        w.u32(o.writes.length);
        for (const [k, v] of o.writes) {
          w.bytes(k, LIMITS.key, 'write key');
          optional(w, v ?? undefined, (x) => w.bytes(x, LIMITS.value, 'write value'));
        }
      } else if (o.kind === 'contract_error') {
        w.bytes(o.error, LIMITS.error, 'contract error');
      } else {
        w.string(o.errorKind, LIMITS.text, 'error kind').string(o.message, LIMITS.error, 'error message');
      }
      w.u64(m.gasUsed);
      break;
    }
    case Type.AllocateResult: w.u32(m.id); hash(w, m.codeHash); w.string(m.generation, LIMITS.text, 'generation'); break;
    case Type.EnclaveError: w.u32(m.id).string(m.message, LIMITS.error, 'message'); break;
  }
  return w.finish();
}

export function decodeEnclave(body: Uint8Array): EnclaveMessage {
  const r = new Reader(body);
  const type = r.u8('message type');
  if (!ENCLAVE_TYPES.has(type)) throw new ProtocolError(`unknown enclave message type ${type}`, 0);
  let m: EnclaveMessage;
  switch (type) {
    case Type.OcallReadDb: m = { type, id: r.u32('id'), key: r.bytes(LIMITS.key, 'key') }; break;
    case Type.OcallRange: {
      const id = r.u32('id');
      const start = readOptional(r, 'start', () => r.bytes(LIMITS.key, 'start'));
      const end = readOptional(r, 'end', () => r.bytes(LIMITS.key, 'end'));
      m = { type, id, descending: r.bool('descending'), limit: r.u32('limit'), ...(start ? { start } : {}), ...(end ? { end } : {}) };
      break;
    }
    case Type.OcallQueryChain: m = { type, id: r.u32('id'), request: r.bytes(LIMITS.queryRequest, 'request'), depth: r.u32('depth'), gasLimit: r.u64('gas limit') }; break;
    case Type.OcallLoadCode: m = { type, id: r.u32('id'), codeHash: readHash(r) }; break;
    case Type.Log: m = { type, level: LOG_LEVELS[r.tag(LOG_LEVELS.length, 'log level')], event: r.string(LIMITS.text, 'event'), message: r.string(LIMITS.logMessage, 'message') }; break;
    case Type.EcallResult: {
      const id = r.u32('id');
      const kind = OUTCOME_KINDS[r.tag(OUTCOME_KINDS.length, 'outcome')];
      let outcome: Outcome;
      if (kind === 'ok') {
        const value = r.bytes(LIMITS.result, 'result');
        const answer = readOptional(r, 'answer', () => r.bytes(LIMITS.result, 'answer'));
        const at = r.at;
        const n = r.count(LIMITS.writes, 'write set');
        const writes: [Uint8Array, Uint8Array | null][] = [];
        let bytes = 0;
        for (let i = 0; i < n; i++) {
          const entry: [Uint8Array, Uint8Array | null] = [r.bytes(LIMITS.key, 'write key'), readOptional(r, 'write value', () => r.bytes(LIMITS.value, 'write value')) ?? null];
          bytes += entry[0].length + (entry[1]?.length ?? 0);
          if (bytes > LIMITS.writeBytes) throw new ProtocolError(`write set: more than ${LIMITS.writeBytes} bytes`, at);
          writes.push(entry);
        }
        outcome = answer === undefined ? { kind, value, writes } : { kind, value, answer, writes };
      } else if (kind === 'contract_error') {
        outcome = { kind, error: r.bytes(LIMITS.error, 'contract error') };
      } else {
        outcome = { kind, errorKind: r.string(LIMITS.text, 'error kind'), message: r.string(LIMITS.error, 'error message') };
      }
      m = { type, id, outcome, gasUsed: r.u64('gas used') };
      break;
    }
    case Type.AllocateResult: m = { type, id: r.u32('id'), codeHash: readHash(r), generation: r.string(LIMITS.text, 'generation') }; break;
    case Type.EnclaveError: m = { type, id: r.u32('id'), message: r.string(LIMITS.error, 'message') }; break;
    default: throw new ProtocolError(`unknown enclave message type ${type}`, 0);
  }
  r.end('enclave message');
  return m;
}

/** A frame: the body prefixed with its length. */
export function frame(body: Uint8Array): Uint8Array {
  if (body.length > LIMITS.frame) throw new RangeError(`frame of ${body.length} bytes exceeds the limit of ${LIMITS.frame}`);
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, body.length, true);
  out.set(body, 4);
  return out;
}
