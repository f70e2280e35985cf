/**
 * The ecall dispatcher: what the enclave does with each host message, over @cloak/vm.
 *
 *   ecall_allocate → store the code (checks, instrumentation) in the enclave's code cache and answer
 *     its hash and generation;
 *   ecall_init / ecall_handle / ecall_query → one VM call on the code the ecall names by hash: from
 *     the cache, or, when the enclave lacks it (a new process, or code evicted from the cache, which
 *     keeps CODE_CACHE codes), from the host through ocall_load_code, refused unless it has that
 *     hash. The call's storage and querier are ocalls: reads go out as ocall_read_db (cached for the
 *     rest of the ecall), ranges as ocall_range, queries as ocall_query_chain; writes stay in the
 *     enclave and come back in the ecall_result as one write set, which the host applies only if the
 *     call succeeded.
 *
 * Nothing from the host is trusted: every answer is decoded with its limits by the port and checked
 * here for its type and the id of the ecall it answers; anything else fails that ecall with "host
 * misbehaved: …" (never the process). Errors name what was wrong but never echo keys, values or
 * messages, which will be secrets once encryption lands.
 */
import { createHash } from 'node:crypto';
import {
  LIMITS, LOG_LEVELS, ProtocolError, Type, type Coin, type EnclaveMessage, type Env, type HostMessage, type LogLevel, type Outcome, type QueryAnswer,
} from '@cloak/protocol';
import {
  Vm, VmError, parseJson, prepareCode, stringifyJson, uncompress, type CallEnv, type CallResult, type EngineName, type JsonValue,
  type Order, type Querier, type QuerierResult, type Storage, type StoredCode,
} from '@cloak/vm';

/** The enclave's side of the transport: one-way messages, and ocalls that block until the host answers. */
export interface OcallPort {
  /** Sends an ocall and returns the host's answer (nested ecalls that arrive meanwhile are dispatched first). */
  ocall(m: EnclaveMessage): HostMessage;
  /** Sends a message that has no answer (a log record). */
  send(m: EnclaveMessage): void;
}

/** The host broke the protocol: the ecall fails with this, the enclave carries on. */
export class HostMisbehaved extends Error {
  override readonly name = 'HostMisbehaved';
  constructor(message: string) {
    super(`host misbehaved: ${message}`);
  }
}

const enc = new TextEncoder();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
/** The VM's code hash (StoredCode.checksum) of uncompressed wasm: SHA-256, lowercase hex. */
const checksumOf = (wasm: Uint8Array) => createHash('sha256').update(wasm).digest('hex');

/**
 * Codes the enclave keeps checked and instrumented, least recently used first out. Each holds its
 * instrumented module and, once run, its compiled form, and a chain holds ever more codes, so the
 * cache is bounded; 32 is the VM's own bound on codes with pooled instances (POOL_CODES) and more
 * than the contracts one block usually touches. An evicted code costs, when next named, one
 * ocall_load_code and one instrumentation (~10 ms for the 35 KiB token).
 */
export const CODE_CACHE = 32;

/** A map of at most `capacity` entries that forgets the least recently used one (a Map keeps insertion order). */
class Lru<V> {
  private readonly map = new Map<string, V>();

  constructor(readonly capacity: number) {}

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, v: V): void {
    this.map.delete(key);
    this.map.set(key, v);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }
}

export interface EnclaveOptions {
  engine?: EngineName;
  /** Forward contract `debug` output to the host's log (development only; off in production). */
  contractDebug?: boolean;
  /** The most verbose level sent to the host (default 'info'): what the host would drop is not even sent. */
  logLevel?: LogLevel;
  /** Codes kept in the enclave (default CODE_CACHE; tests use fewer to make it load code often). */
  codeCache?: number;
}

/** At most `n` UTF-16 units of `s`, well-formed (a cut never splits a surrogate pair into a lone half). */
export function clip(s: string, n: number): string {
  const cut = s.length > n ? `${s.slice(0, n)}…` : s;
  return (cut as string & { toWellFormed(): string }).toWellFormed();
}

export class Enclave {
  private readonly vm: Vm;
  /** By checksum (lowercase hex). Not the Vm's own code store, which never forgets. */
  private readonly codes: Lru<StoredCode>;
  private port: OcallPort | null = null;

  constructor(private readonly options: EnclaveOptions = {}) {
    const capacity = options.codeCache ?? CODE_CACHE;
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`codeCache ${capacity} is not a positive number of codes`);
    this.codes = new Lru(capacity);
    this.vm = new Vm({
      engine: options.engine ?? 'interpreter',
      ...(options.contractDebug ? { debug: (m: string) => this.log('debug', 'contract_debug', m) } : {}),
    });
  }

  get engine(): EngineName {
    return this.vm.engine;
  }

  /** Handles one ecall; returns the message that answers it. Never throws for anything the host sent. */
  dispatch(m: HostMessage, port: OcallPort): EnclaveMessage {
    const outer = this.port;
    this.port = port;
    const id = typeof m.id === 'number' ? m.id : 0;
    try {
      this.log('debug', 'ecall_entered', `${Type[m.type]} ${id}`);
      const r = this.ecall(m, port);
      this.log('debug', 'ecall_left', `${Type[m.type]} ${id}${r.type === Type.EcallResult ? ` ${r.outcome.kind} gas ${r.gasUsed}` : ''}`);
      return r;
    } catch (e) {
      const message = clip(e instanceof HostMisbehaved ? e.message : e instanceof VmError ? `${e.kind}: ${e.message}` : `enclave failure: ${e instanceof Error ? e.message : String(e)}`, 4096);
      this.log('error', 'ecall_failed', `${Type[m.type]} ${id}: ${message}`);
      return { type: Type.EnclaveError, id, message };
    } finally {
      this.port = outer;
    }
  }

  private ecall(m: HostMessage, port: OcallPort): EnclaveMessage {
    switch (m.type) {
      case Type.EcallAllocate: {
        const code = this.store(m.code);
        return { type: Type.AllocateResult, id: m.id, codeHash: Buffer.from(code.checksum, 'hex'), generation: code.generation.id };
      }
      case Type.EcallInit:
      case Type.EcallHandle:
      case Type.EcallQuery:
        return this.call(m, port);
      default:
        throw new HostMisbehaved(`${Type[m.type] ?? m.type} is an answer, but no ocall is waiting for one`);
    }
  }

  /**
   * What vm.storeCode does (the same checks and instrumentation with the Vm's defaults, the same
   * checksum: SHA-256 of the uncompressed wasm), kept in the enclave's bounded cache.
   */
  private store(upload: Uint8Array): StoredCode {
    const wasm = uncompress(upload);
    const known = this.codes.get(checksumOf(wasm));
    if (known !== undefined) return known;
    const code = prepareCode(wasm);
    this.codes.set(code.checksum, code);
    return code;
  }

  /**
   * The code with hash `codeHash`: cached, or loaded from the host with ocall_load_code (for ecall
   * `id`) and stored, unless it is not the code asked for: its hash is checked before the costly
   * instrumentation, and the stored code's checksum after it.
   */
  private code(id: number, codeHash: Uint8Array, port: OcallPort): StoredCode {
    const want = hex(codeHash);
    const cached = this.codes.get(want);
    if (cached !== undefined) return cached;
    const a = port.ocall({ type: Type.OcallLoadCode, id, codeHash });
    if (a.type !== Type.LoadCodeResult || a.id !== id) throw unexpected(a, 'load_code_result', id);
    if (a.code === undefined) throw new HostMisbehaved(`no code with hash ${want} on the host (an ecall may name only code that ecall_allocate accepted)`);
    let wasm: Uint8Array;
    try {
      wasm = uncompress(a.code);
    } catch (e) {
      throw new HostMisbehaved(`the code the host loaded for hash ${want} is refused (${clip(e instanceof Error ? e.message : String(e), 200)})`);
    }
    const got = checksumOf(wasm);
    if (got !== want) throw new HostMisbehaved(`the code the host loaded for hash ${want} has hash ${got}`);
    const code = this.store(wasm);
    if (code.checksum !== want) throw new HostMisbehaved(`the code the host loaded for hash ${want} has hash ${code.checksum}`);
    this.log('info', 'code_loaded', `${want}: ${a.code.length} bytes from the host`);
    return code;
  }

  private call(m: Extract<HostMessage, { type: Type.EcallInit | Type.EcallHandle | Type.EcallQuery }>, port: OcallPort): EnclaveMessage {
    const code = this.code(m.id, m.codeHash, port);
    const storage = new OcallStorage(m.id, port);
    const querier = new OcallQuerier(m.id, port);
    const env = callEnv(m.env, code.checksum);
    let r: CallResult;
    if (m.type === Type.EcallQuery) {
      if (m.depth < 1) throw new HostMisbehaved(`query depth ${m.depth}`);
      r = this.vm.query(code, { env, storage, querier, gasLimit: m.gasLimit, queryDepth: m.depth, msg: m.msg });
    } else if (m.type === Type.EcallInit) {
      r = this.vm.instantiate(code, { env, storage, querier, gasLimit: m.gasLimit, sender: m.sender, funds: coins(m.funds), msg: m.msg });
    } else {
      const base = { env, storage, querier, gasLimit: m.gasLimit, msg: m.msg };
      switch (m.handle) {
        case 'execute': r = this.vm.execute(code, { ...base, sender: m.sender, funds: coins(m.funds) }); break;
        case 'migrate': r = this.vm.migrate(code, { ...base, sender: m.sender, ...(m.oldMigrateVersion !== undefined ? { oldMigrateVersion: m.oldMigrateVersion } : {}) }); break;
        case 'sudo': r = this.vm.sudo(code, base); break;
        case 'reply': r = this.vm.reply(code, base); break;
      }
    }
    // A host that answered an ocall wrongly shows up here as the cause of a VM error: fail the ecall.
    if (r.kind === 'vm_error' && r.error.cause instanceof HostMisbehaved) throw r.error.cause;
    if (r.kind === 'vm_error' && r.error.cause instanceof ProtocolError) throw new HostMisbehaved(r.error.cause.message);
    // The kind only: a VM error's message can hold contract text (an abort's panic message).
    if (r.kind === 'vm_error') this.log('info', 'vm_error', `${Type[m.type]} ${m.id}: ${r.error.kind}`);
    this.log('debug', 'gas_used', `${Type[m.type]} ${m.id}: ${r.gasUsed} of ${m.gasLimit}, ${storage.reads} read ocalls`);
    return { type: Type.EcallResult, id: m.id, outcome: outcome(r, storage), gasUsed: r.gasUsed };
  }

  /** Sends a structured log record to the host (the enclave cannot print), if its level is wanted. */
  log(level: LogLevel, event: string, message: string): void {
    if (LOG_LEVELS.indexOf(level) > LOG_LEVELS.indexOf(this.options.logLevel ?? 'info')) return;
    try {
      this.port?.send({ type: Type.Log, level, event, message: clip(message, 4096) });
    } catch {
      // A log record that cannot be sent is dropped; logging never fails a call.
    }
  }
}

function coins(funds: Coin[]) {
  return funds.map((c) => ({ denom: c.denom, amount: c.amount }));
}

function callEnv(e: Env, codeHash: string): CallEnv {
  return {
    block: { height: e.height, timeNanos: e.timeNanos, chainId: e.chainId, ...(e.random ? { random: e.random } : {}) },
    contract: { address: e.contract, codeHash },
    transaction: e.transaction ?? null,
  };
}

/**
 * The ecall's outcome in the boundary's terms, within its limits: a contract error or a result too
 * large to cross becomes a `limit_exceeded` VM error (the call failed, nothing is written), a VM
 * error's message is shortened. Whatever a contract returns, the answer can always be sent.
 */
function outcome(r: CallResult, storage: OcallStorage): Outcome {
  const tooLarge = (what: string, n: number, limit: number): Outcome => ({ kind: 'vm_error', errorKind: 'limit_exceeded', message: `the ${what} of ${n} bytes exceeds the enclave boundary's limit of ${limit}` });
  if (r.kind === 'vm_error') {
    return { kind: 'vm_error', errorKind: r.error.kind, message: clip(r.error.message, 4096) };
  }
  if (r.kind === 'contract_error') {
    const error = enc.encode(stringifyJson(r.error));
    return error.length > LIMITS.error ? tooLarge('contract error', error.length, LIMITS.error) : { kind: 'contract_error', error };
  }
  const value = enc.encode(stringifyJson(r.value));
  if (value.length > LIMITS.result) return tooLarge('result', value.length, LIMITS.result);
  if (r.answer && r.answer.length > LIMITS.result) return tooLarge('query answer', r.answer.length, LIMITS.result);
  const writes = storage.writeSet();
  if (writes.length > LIMITS.writes) return { kind: 'vm_error', errorKind: 'limit_exceeded', message: `the write set of ${writes.length} entries exceeds the enclave boundary's limit of ${LIMITS.writes}` };
  // Encoded size: value, answer, and per entry key + value + 10 bytes of lengths and flags.
  const size = value.length + (r.answer?.length ?? 0) + writes.reduce((n, [k, v]) => n + k.length + (v?.length ?? 0) + 10, 0) + 64;
  if (size > LIMITS.frame) return tooLarge('answer', size, LIMITS.frame);
  return { kind: 'ok', value, ...(r.answer ? { answer: r.answer } : {}), writes };
}

/**
 * A contract's storage seen from inside the enclave: reads are ocalls, cached for the ecall (a key
 * read twice crosses once; the VM's own overlay serves the call's writes), ranges are ocalls, and
 * the writes the VM commits on success are kept as the ecall's write set.
 */
export class OcallStorage implements Storage {
  /** Answers of this ecall's read ocalls by key (null: absent). */
  private readonly cache = new Map<string, Uint8Array | null>();
  private readonly writes = new Map<string, [Uint8Array, Uint8Array | null]>();
  /** Read ocalls made (cache misses). */
  reads = 0;

  constructor(private readonly id: number, private readonly port: OcallPort) {}

  get(key: Uint8Array): Uint8Array | undefined {
    const k = Buffer.from(key).toString('latin1');
    const w = this.writes.get(k);
    if (w !== undefined) return w[1] ?? undefined;
    const cached = this.cache.get(k);
    if (cached !== undefined) return cached?.slice() ?? undefined;
    this.reads++;
    const a = this.port.ocall({ type: Type.OcallReadDb, id: this.id, key });
    if (a.type !== Type.ReadDbResult || a.id !== this.id) throw unexpected(a, 'read_db_result', this.id);
    this.cache.set(k, a.value?.slice() ?? null);
    return a.value;
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.writes.set(Buffer.from(key).toString('latin1'), [key.slice(), value.slice()]);
  }

  remove(key: Uint8Array): void {
    this.writes.set(Buffer.from(key).toString('latin1'), [key.slice(), null]);
  }

  /** Pages through the host's answers (LIMITS.records each) until `limit` records or the end of the range. */
  range(start: Uint8Array | undefined, end: Uint8Array | undefined, order: Order, limit = Infinity): [Uint8Array, Uint8Array][] {
    const out: [Uint8Array, Uint8Array][] = [];
    let from = start;
    let to = end;
    while (out.length < limit) {
      const want = Math.min(limit - out.length, LIMITS.records);
      const page = this.page(from, to, order, want);
      out.push(...page);
      if (page.length < want) break;
      // Continue strictly after the last record: above it ascending, below it descending.
      const last = page[page.length - 1][0];
      if (order === 'ascending') from = Buffer.concat([last, Buffer.of(0)]);
      else to = last;
    }
    return out;
  }

  private page(start: Uint8Array | undefined, end: Uint8Array | undefined, order: Order, want: number): [Uint8Array, Uint8Array][] {
    const a = this.port.ocall({ type: Type.OcallRange, id: this.id, ...(start ? { start } : {}), ...(end ? { end } : {}), descending: order === 'descending', limit: want });
    if (a.type !== Type.RangeResult || a.id !== this.id) throw unexpected(a, 'range_result', this.id);
    if (a.records.length > want) throw new HostMisbehaved(`range answer has ${a.records.length} records, ${want} were asked for`);
    // The records must be in the range and in order, strictly.
    const cmp = (x: Uint8Array, y: Uint8Array) => Buffer.compare(x, y);
    let prev: Uint8Array | undefined;
    for (const [k] of a.records) {
      if ((start && cmp(k, start) < 0) || (end && cmp(k, end) >= 0)) throw new HostMisbehaved('range answer has a key outside the range');
      if (prev && (order === 'ascending' ? cmp(prev, k) >= 0 : cmp(prev, k) <= 0)) throw new HostMisbehaved('range answer is not in order');
      prev = k;
    }
    return a.records;
  }

  writeSet(): [Uint8Array, Uint8Array | null][] {
    return [...this.writes.values()].sort(([a], [b]) => Buffer.compare(a, b));
  }
}

/** query_chain from inside the enclave: the request goes out as an ocall; the host routes it. */
class OcallQuerier implements Querier {
  constructor(private readonly id: number, private readonly port: OcallPort) {}

  query(request: JsonValue, depth: number, gasLimit: bigint, raw?: Uint8Array): { result: QuerierResult; gasUsed: bigint } {
    // The contract's own bytes go out (re-serialising could change numbers and grow the request).
    const a = this.port.ocall({ type: Type.OcallQueryChain, id: this.id, request: raw ?? enc.encode(stringifyJson(request)), depth, gasLimit });
    if (a.type !== Type.QueryChainResult || a.id !== this.id) throw unexpected(a, 'query_chain_result', this.id);
    if (a.gasUsed > gasLimit) throw new HostMisbehaved(`query_chain answer used ${a.gasUsed} gas of ${gasLimit}`);
    return { result: querierResult(a.result), gasUsed: a.gasUsed };
  }
}

function querierResult(a: QueryAnswer): QuerierResult {
  if (a.kind === 'ok') return { ok: a.data };
  let v: JsonValue;
  try {
    v = parseJson(a.error);
  } catch {
    throw new HostMisbehaved(`query_chain ${a.kind} is not JSON`);
  }
  if (a.kind === 'contract_error') return { contractError: v };
  if (v === null || typeof v !== 'object' || Array.isArray(v) || Object.keys(v).length !== 1) throw new HostMisbehaved('query_chain system error is not an object with one variant');
  return { systemError: v };
}

function unexpected(a: HostMessage, want: string, id: number): HostMisbehaved {
  if (a.type === Type.OcallFailed) return new HostMisbehaved(`the host could not answer (${clip(a.message, 200)})`);
  return new HostMisbehaved(`expected ${want} for ecall ${id}, got ${Type[a.type] ?? a.type} for ${a.id}`);
}
