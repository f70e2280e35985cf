/**
 * The contract VM: stored code in, one entry-point call out, for every ABI generation
 * (spec/cosmwasm-abi.md §1, §3, §4; Secret Network's shapes in spec/secret-compute.md §4.5).
 *
 * Each call gets an instance of the instrumented module in its fresh state, the host imports of its
 * generation, a write buffer over the storage it was given, and a gas limit. "Fresh state" is either a
 * new instance or one that ran a call to its end and was restored byte for byte (memory, size, every
 * mutable global) to the state it had when new: for modules without bulk-memory instructions that is
 * everything an instance can change, and restoring costs a memory copy where V8 needs ~60 µs to make
 * an instance. An instance that trapped, failed or grew its memory is dropped, never reused.
 * The call's result is one of:
 *   - `ok`: the contract answered Ok; its writes were applied to the storage, in key order;
 *   - `contract_error`: the contract answered Err; nothing was written;
 *   - `vm_error`: the call stopped before the contract answered (trap, out of gas, abort, a broken
 *     memory protocol, an unparsable result, …); nothing was written.
 * Every result reports the gas used: wasm gas plus host-call gas, the limit itself when gas ran out.
 * For execute, sudo and reply (Secret's "handle" calls) the per-byte part of db_write gas is
 * refunded when the call succeeded (spec/secret-compute.md §1.4).
 *
 * Entry points by generation (instantiate→init and execute→handle before 0.14):
 *   | generation      | instantiate/execute      | query       | migrate                        | result keys |
 *   | 1.x–3.x, 0.14–16| (env, info, msg)         | (env, msg)  | (env, msg) or (env, msg, info) | ok / error  |
 *   | 0.11–0.13       | init/handle(env,info,msg)| (env, msg)  | (env, info, msg)               | ok / error  |
 *   | 0.8–0.10        | init/handle(env, msg)    | (msg)       | (env, msg)                     | Ok / Err    |
 * sudo and reply exist from 0.14 on.
 */
import type { Generation } from '@cloak/wasm';
import { callRaw, checkResponse, parseContractResult } from './calls.js';
import { CodeStore, type CodeOptions, type StoredCode } from './code.js';
import { cryptoImports } from './crypto.js';
import { hostFailure, instantiateContract, type ContractInstance, type EngineName, type HostFunctions, type InstanceState } from './engine.js';
import { envJsonV010, envJsonV011, envJsonV09, envJsonV1, infoJsonV011, infoJsonV1, type CallEnv, type Coin } from './env.js';
import { VmError } from './errors.js';
import {
  ADDRESS_PREFIX, addressImports, canonicalAddress, iteratorImports, messageImports, newHostContext, storageImports, type HostContext,
} from './imports.js';
import { JsonError, parseJson, stringifyJson, type JsonValue } from './json.js';
import { MAX_RESULT_LENGTH, MAX_RESULT_LENGTH_V010 } from './limits.js';
import { queryImports, type Querier } from './query.js';
import { secretImports } from './secret.js';
import { MemoryStorage, Overlay, type Change, type Storage } from './storage.js';

/** Instance reuse bounds: restored instances kept per code, codes kept, largest initial memory (pages). */
const POOL_IDLE = 2;
const POOL_CODES = 32;
const POOL_MAX_PAGES = 32;

/** Largest argument (message, env, info) written into a contract: well above any transaction the chain admits. */
export const MAX_ARGUMENT_LENGTH = 4 * 1024 * 1024;

export type EntryPoint = 'instantiate' | 'execute' | 'query' | 'migrate' | 'sudo' | 'reply';

export interface VmOptions {
  /** 'interpreter' (default: works everywhere, including the enclave's --jitless process) or 'v8'. */
  engine?: EngineName;
  /** Code checks, memory cap, gas schedule and limits of stored code. */
  code?: CodeOptions;
  /** Bech32 prefix of addresses (default `secret`). */
  addressPrefix?: string;
  /** Receives contract `debug` output (dropped when absent). */
  debug?: (message: string) => void;
}

/** What every call needs. */
export interface CallOptions {
  env: CallEnv;
  /** The contract's storage; written only when the call succeeds. */
  storage: Storage;
  /** Wasm gas available to the call. */
  gasLimit: bigint;
  /** Answers `query_chain`; without one every query gets `unsupported_request`. */
  querier?: Querier;
  /** Query nesting depth of this call: 1 for a call from the chain (default). */
  queryDepth?: number;
}

export interface MessageCall extends CallOptions {
  sender: string;
  funds?: readonly Coin[];
  /** The message JSON, as bytes. */
  msg: Uint8Array;
}

export interface MigrateCall extends CallOptions {
  sender: string;
  msg: Uint8Array;
  /** The old code's `cw_migrate_version` (2.2+ MigrateInfo), if it has one. */
  oldMigrateVersion?: bigint;
}

export interface PlainCall extends CallOptions {
  msg: Uint8Array;
}

/** The outcome of one call. */
export type CallResult =
  | {
    kind: 'ok';
    /** The Ok payload: a Response object, or for a query the answer's base64 string. */
    value: JsonValue;
    /** For a query: the answer's bytes (the decoded base64). */
    answer?: Uint8Array;
    gasUsed: bigint;
    /** The writes applied, in key order (null = removed). */
    changes: Change[];
  }
  | { kind: 'contract_error'; error: JsonValue; gasUsed: bigint }
  | { kind: 'vm_error'; error: VmError; gasUsed: bigint };

type ResultEra = 'v1' | 'v010';

/** How a generation is called. */
interface Abi {
  result: ResultEra;
  /** db_next record format and iterator imports. */
  iterators: ResultEra;
  addresses: 'v1' | 'v010' | 'v09';
  env: 'v1' | 'v011' | 'v010' | 'v09';
  names: Record<EntryPoint, string | undefined>;
  /** instantiate/execute (and 0.11 migrate) take a MessageInfo argument. */
  info: boolean;
  queryEnv: boolean;
  resultLimit: number;
  /** Response messages are SubMsgs (0.14 on) rather than plain messages. */
  subMessages: boolean;
}

const V1_NAMES: Record<EntryPoint, string> = { instantiate: 'instantiate', execute: 'execute', query: 'query', migrate: 'migrate', sudo: 'sudo', reply: 'reply' };
const OLD_NAMES: Record<EntryPoint, string | undefined> = { instantiate: 'init', execute: 'handle', query: 'query', migrate: 'migrate', sudo: undefined, reply: undefined };

function abiOf(gen: Generation): Abi {
  switch (gen.id) {
    case 'v1': case '0.16': case '0.15': case '0.14':
      return { result: 'v1', iterators: 'v1', addresses: 'v1', env: 'v1', names: V1_NAMES, info: true, queryEnv: true, resultLimit: MAX_RESULT_LENGTH, subMessages: true };
    case '0.11':
      return { result: 'v1', iterators: 'v010', addresses: 'v010', env: 'v011', names: OLD_NAMES, info: true, queryEnv: true, resultLimit: MAX_RESULT_LENGTH, subMessages: false };
    case '0.10':
      return { result: 'v010', iterators: 'v010', addresses: 'v010', env: 'v010', names: OLD_NAMES, info: false, queryEnv: false, resultLimit: MAX_RESULT_LENGTH_V010, subMessages: false };
    case '0.9': case '0.8':
      return { result: 'v010', iterators: 'v010', addresses: 'v09', env: 'v09', names: OLD_NAMES, info: false, queryEnv: false, resultLimit: MAX_RESULT_LENGTH_V010, subMessages: false };
  }
}

const enc = new TextEncoder();

export class Vm {
  readonly engine: EngineName;
  readonly codes: CodeStore;
  readonly addressPrefix: string;
  /** The context every import function of this Vm reads: set per call, saved around nested calls. */
  private readonly ctx: HostContext;
  private readonly importObjects = new Map<string, HostFunctions>();
  /** Per code: the fresh state of its instances, and instances restored to it, ready for a call (LRU order). */
  private readonly pools = new Map<StoredCode, { fresh: InstanceState; idle: ContractInstance[] }>();

  /** bech32 → canonical bytes with this VM's prefix (0.8/0.9 env). */
  private readonly canonical = (human: string): Uint8Array => canonicalAddress(human, this.addressPrefix);

  constructor(options: VmOptions = {}) {
    this.engine = options.engine ?? 'interpreter';
    if (this.engine !== 'interpreter' && this.engine !== 'v8') throw new RangeError(`unknown engine "${String(this.engine)}" (interpreter or v8)`);
    if (this.engine === 'v8' && typeof (globalThis as { WebAssembly?: unknown }).WebAssembly === 'undefined') {
      throw new TypeError('the v8 engine needs WebAssembly, which this process does not have (is it running with --jitless?); use the interpreter');
    }
    this.codes = new CodeStore(options.code ?? {});
    this.addressPrefix = options.addressPrefix ?? ADDRESS_PREFIX;
    this.ctx = newHostContext(new MemoryStorage(), true, options.debug);
  }

  /**
   * Stores an upload (gzip accepted): static checks, memory cap, instrumentation, cached by checksum.
   * Throws a VmError (`invalid_upload`, `static_validation`, `instantiation`) naming what is wrong.
   */
  storeCode(upload: Uint8Array): StoredCode {
    return this.codes.store(upload);
  }

  /** The entry points the code exports, by the generic names. */
  entryPoints(code: StoredCode): EntryPoint[] {
    const abi = abiOf(code.generation);
    return (Object.keys(abi.names) as EntryPoint[]).filter((e) => abi.names[e] !== undefined && signature(code, abi.names[e]!) !== undefined);
  }

  instantiate(code: StoredCode, call: MessageCall): CallResult {
    return this.run(code, 'instantiate', call, (abi, env) => this.withInfo(abi, env, call));
  }

  execute(code: StoredCode, call: MessageCall): CallResult {
    return this.run(code, 'execute', call, (abi, env) => this.withInfo(abi, env, call));
  }

  query(code: StoredCode, call: PlainCall): CallResult {
    return this.run(code, 'query', call, (abi, env) => (abi.queryEnv ? [env(), call.msg] : [call.msg]), true);
  }

  sudo(code: StoredCode, call: PlainCall): CallResult {
    return this.run(code, 'sudo', call, (_abi, env) => [env(), call.msg]);
  }

  /** `reply` with the Reply JSON (`{"id":…,"result":{"ok":{…}}|{"error":"…"}}`) as bytes. */
  reply(code: StoredCode, call: PlainCall): CallResult {
    return this.run(code, 'reply', call, (_abi, env) => [env(), call.msg]);
  }

  /**
   * `migrate`: (env, msg) or, for 2.2+ contracts whose export takes three parameters, (env, msg,
   * MigrateInfo); 0.11–0.13 take (env, info, msg).
   */
  migrate(code: StoredCode, call: MigrateCall): CallResult {
    return this.run(code, 'migrate', call, (abi, env, arity) => {
      if (abi.env === 'v011') return [env(), infoJsonV011(call.sender, []), call.msg];
      if (abi.env === 'v010') return [envJsonV010(call.env, call.sender, []), call.msg];
      if (abi.env === 'v09') return [envJsonV09(call.env, call.sender, [], this.canonical), call.msg];
      if (abi.result === 'v1' && arity === 3) {
        const info = stringifyJson({ sender: call.sender, old_migrate_version: call.oldMigrateVersion ?? null });
        return [env(), call.msg, enc.encode(info)];
      }
      return [env(), call.msg];
    });
  }

  private withInfo(abi: Abi, env: () => Uint8Array, call: MessageCall): Uint8Array[] {
    const funds = call.funds ?? [];
    if (abi.env === 'v010') return [envJsonV010(call.env, call.sender, funds), call.msg];
    if (abi.env === 'v09') return [envJsonV09(call.env, call.sender, funds, this.canonical), call.msg];
    if (abi.env === 'v011') return [env(), infoJsonV011(call.sender, funds), call.msg];
    return [env(), infoJsonV1(call.sender, funds), call.msg];
  }

  private envJson(abi: Abi, call: CallOptions): Uint8Array {
    switch (abi.env) {
      case 'v1': return envJsonV1(call.env);
      case 'v011': return envJsonV011(call.env);
      // 0.8–0.10 entry points without a message sender (reply and sudo do not exist there) get an empty one.
      case 'v010': return envJsonV010(call.env, '', []);
      case 'v09': return envJsonV09(call.env, '', [], this.canonical);
    }
  }

  /**
   * The import object of a generation's calls. One per Vm and ABI: its functions read the Vm's one
   * HostContext, whose fields each call sets (and a nested call saves and restores), so instances
   * made with it can be kept and reused.
   */
  private importsFor(abi: Abi): HostFunctions {
    const key = `${abi.iterators}/${abi.addresses}/${abi.result}`;
    let env = this.importObjects.get(key);
    if (env === undefined) {
      const ctx = this.ctx;
      const fns: HostFunctions = {
        ...storageImports(ctx),
        ...iteratorImports(ctx, abi.iterators),
        ...addressImports(ctx, abi.addresses, this.addressPrefix),
        ...messageImports(ctx),
        ...cryptoImports(ctx, abi.result),
        ...queryImports(ctx, abi.result),
        ...secretImports(ctx),
      };
      // Call depth (spec §2.4): export → import → allocate is the deepest allowed. An import called
      // while another runs (from the contract's allocate, re-entered by the host) ends the call.
      env = {};
      for (const [name, f] of Object.entries(fns)) {
        env[name] = (...args: unknown[]) => {
          if (ctx.inImport) throw new VmError('runtime', `${name} was called from inside a host call (the contract's allocate re-entered the host): call depth exceeded`);
          ctx.inImport = true;
          try {
            return f(...args);
          } finally {
            ctx.inImport = false;
          }
        };
      }
      this.importObjects.set(key, env);
    }
    return env;
  }

  /**
   * An instance of `code` in its fresh state: a new one, or one that ran an earlier call to its end
   * and was restored to the state it had when new (memory bytes and size, every mutable global: all a
   * call can change in a `resettable` code). Instances that trapped, failed or grew their memory are
   * dropped. Only codes of at most POOL_MAX_PAGES initial pages are kept, for at most POOL_CODES codes
   * (least recently used first out), POOL_IDLE idle instances each: a bounded amount of memory.
   */
  private acquire(code: StoredCode, abi: Abi, gas: bigint): ContractInstance {
    const pool = this.pools.get(code);
    if (pool !== undefined) {
      // Most recently used last.
      this.pools.delete(code);
      this.pools.set(code, pool);
      const idle = pool.idle.pop();
      if (idle !== undefined) {
        idle.gasLeft = gas;
        return idle;
      }
    }
    const inst = instantiateContract(code, this.engine, this.importsFor(abi), gas);
    if (pool === undefined && code.resettable && code.initialPages <= POOL_MAX_PAGES) {
      this.pools.set(code, { fresh: inst.snapshot(), idle: [] });
      if (this.pools.size > POOL_CODES) this.pools.delete(this.pools.keys().next().value!);
    }
    return inst;
  }

  private release(code: StoredCode, inst: ContractInstance): void {
    const pool = this.pools.get(code);
    if (pool === undefined || pool.idle.length >= POOL_IDLE) return;
    if (inst.restore(pool.fresh)) pool.idle.push(inst);
  }

  private run(
    code: StoredCode,
    entry: EntryPoint,
    call: CallOptions,
    args: (abi: Abi, env: () => Uint8Array, arity: number) => Uint8Array[],
    readOnly = false,
  ): CallResult {
    // The caller's mistakes (a bad gas limit, depth, coin amount or address in env) are exceptions;
    // everything about the contract is a CallResult.
    if (typeof call.gasLimit !== 'bigint' || call.gasLimit < 0n || call.gasLimit > 0x7fffffffffffffffn) {
      throw new RangeError(`gasLimit must be a bigint in 0…2^63-1, got ${String(call.gasLimit)}`);
    }
    const depth = call.queryDepth ?? 1;
    if (!Number.isInteger(depth) || depth < 1) throw new RangeError(`queryDepth must be an integer ≥ 1, got ${depth}`);
    const abi = abiOf(code.generation);
    const name = abi.names[entry];
    if (name === undefined) return vmError('resolve', `${code.generation.cosmwasm} contracts have no ${entry} entry point`);
    const sig = signature(code, name);
    if (sig === undefined) return vmError('resolve', `the contract does not export ${name}`);
    if (!sig.i32Only) return vmError('resolve', `${name} must take i32 parameters and return one i32; it has type ${sig.type}`);
    const argv = args(abi, () => this.envJson(abi, call), sig.params);
    if (argv.length !== sig.params) return vmError('resolve', `${name} takes ${sig.params} parameters; this generation calls it with ${argv.length}`);
    for (const [k, a] of argv.entries()) {
      if (a.length > MAX_ARGUMENT_LENGTH) return vmError('limit_exceeded', `argument ${k + 1} of ${name} is ${a.length} bytes; the limit is ${MAX_ARGUMENT_LENGTH}`);
    }

    const overlay = new Overlay(call.storage);
    const ctx = this.ctx;
    const outer = { ...ctx };
    Object.assign(ctx, {
      instance: null, storage: overlay, readOnly, pseudoGas: 0n, iterators: new Map(), inImport: false, written: 0,
      gasLimit: call.gasLimit, querier: call.querier, queryDepth: depth,
    });
    let inst: ContractInstance | null = null;
    let reusable = false;
    const used = (): bigint => {
      if (inst === null) return 0n;
      const left = inst.gasLeft;
      return left < 0n ? call.gasLimit : call.gasLimit - left;
    };
    try {
      inst = this.acquire(code, abi, call.gasLimit);
      // A nested call (query_chain into a contract) continues its caller's stack height.
      if (outer.instance !== null) inst.stackHeight = outer.instance.stackHeight;
      ctx.instance = inst;
      const bytes = callRaw(inst, name, argv, abi.resultLimit);
      reusable = true;
      const r = parseContractResult(bytes, abi.result, name);
      if (!r.ok) {
        overlay.discard();
        return { kind: 'contract_error', error: r.error, gasUsed: used() };
      }
      let answer: Uint8Array | undefined;
      if (entry === 'query') {
        if (typeof r.value !== 'string') throw new VmError('parse', 'query: the Ok value must be a base64 string');
        const buf = Buffer.from(r.value, 'base64');
        if (buf.toString('base64').replace(/=+$/, '') !== r.value.replace(/=+$/, '')) throw new VmError('parse', 'query: the Ok value is not valid base64');
        answer = new Uint8Array(buf);
        try {
          parseJson(answer);
        } catch (e) {
          if (!(e instanceof JsonError)) throw e;
          throw new VmError('parse', `query: the answer must be valid JSON: ${e.message}`);
        }
      } else {
        checkResponse(r.value, abi.subMessages, name);
      }
      let gasUsed = used();
      if (entry === 'execute' || entry === 'sudo' || entry === 'reply') gasUsed = gasUsed > ctx.pseudoGas ? gasUsed - ctx.pseudoGas : 0n;
      const changes = overlay.changes();
      overlay.commit();
      return { kind: 'ok', value: r.value, ...(answer ? { answer } : {}), gasUsed, changes };
    } catch (err) {
      overlay.discard();
      const error = hostFailure(err);
      return { kind: 'vm_error', error, gasUsed: error.kind === 'gas_depletion' ? call.gasLimit : used() };
    } finally {
      Object.assign(ctx, outer);
      if (inst !== null && reusable) this.release(code, inst);
    }
  }
}

function vmError(kind: VmError['kind'], message: string): CallResult {
  return { kind: 'vm_error', error: new VmError(kind, message), gasUsed: 0n };
}

/** An exported function's type from the check report (`(i32, i32) -> i32`): parameter count and whether all is i32. */
function signature(code: StoredCode, name: string): { params: number; i32Only: boolean; type: string } | undefined {
  const e = code.report.exports.find((x) => x.name === name && x.kind === 'func');
  const m = e?.type === undefined ? null : /^\(([^)]*)\) -> (.*)$/.exec(e.type);
  if (m === null) return undefined;
  const params = m[1].trim() === '' ? [] : m[1].split(',').map((t) => t.trim());
  return { params: params.length, i32Only: params.every((t) => t === 'i32') && m[2] === 'i32', type: e!.type! };
}
