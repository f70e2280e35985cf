/**
 * The compute module (Secret's x/compute, spec/secret-compute.md §4): code and contract registry,
 * contract calls through the enclave, and what the node does with a contract's response.
 *
 *   - Codes: the upload is gunzipped here (2 MiB before and after), checked and instrumented by the
 *     enclave (ecall_allocate), and kept by code id (info) and by code hash (the wasm, which the
 *     enclave loads through ocall_load_code when it lacks it).
 *   - Calls: 20,000 SDK gas per call, the remaining gas ×1000 as the enclave's wasm gas limit, then
 *     used/1000 + 1 charged (§4.6). The enclave reads contract state through ocalls on the current
 *     cache; its write set is applied to that cache only when the call succeeded.
 *   - Responses: events become `wasm` / `wasm-<type>` events with `contract_address` first (§4.7);
 *     messages are dispatched in order, each sub-message in its own cache branch, with replies as
 *     the reply_on mode asks (a failed sub-message reverts only its own writes; an error nobody
 *     replies to fails the whole message).
 *   - Queries from contracts (query_chain) are answered from the same cache: bank balances, smart
 *     and raw contract queries, contract and code info.
 *
 * The enclave is reached only through @cloak/protocol. Until the encryption issue lands, `msg`
 * bytes are the contract's JSON as sent.
 */
import { gunzipSync } from 'node:zlib';
import { sha256 } from '@noble/hashes/sha2.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import {
  EnclaveError, EnclaveUnavailable, Type, type EcallRequest, type EnclaveMessage, type Env, type HandleType, type OcallHandlers,
  type QueryAnswer, type QueryChainAnswer,
} from '@cloak/protocol';
import { Cache, type KvReader } from '../store/kv.js';
import { Auth } from './auth.js';
import { Bank } from './bank.js';
import { checkCoins, coinsText, type Coin } from './coins.js';
import { ComputeError, SdkError, TxFailure, internalFailure } from './errors.js';
import { event, type Event } from './events.js';
import { GAS, GasMeter, OutOfGas } from './gas.js';
import { MeteredKv, PREFIX, be64, json, key, parse, prefixEnd, readBe64 } from './state.js';
import { parseExact, u64, type Json } from './json.js';
import { MsgExecuteContractResponse, MsgInstantiateContractResponse, MsgMigrateContractResponse } from '@cloak/client';

/** Upload and code limits (x/compute ValidateBasic and params). */
export const LIMITS = {
  maxWasmSize: 2 * 1024 * 1024,
  maxLabel: 512,
  maxBuilder: 128,
  maxSource: 512,
  /** Sub-message nesting (Go's DefaultMaxCallDepth). */
  maxCallDepth: 100,
  /** Query depth from a query_chain (the enclave refuses ≥ 10 itself). */
  maxQueryDepth: 10,
};

export interface CodeInfo {
  code_hash: string;
  creator: string;
  source: string;
  builder: string;
  /** The contract generation the enclave found ("v1", "v010", …). */
  generation: string;
}

export interface ContractInfo {
  code_id: string;
  creator: string;
  label: string;
  created: { block_height: string; tx_index: string };
  admin: string;
}

export interface HistoryEntry {
  operation: 'init' | 'migrate' | 'genesis';
  code_id: string;
  updated: { block_height: string; tx_index: string };
  msg: string;
}

export interface BlockInfo {
  height: bigint;
  timeNanos: bigint;
  chainId: string;
}

/** The enclave, as the node calls it (an EnclaveProcess or a pool). */
export interface Enclave {
  ecall(e: EcallRequest, h: OcallHandlers): Promise<EnclaveMessage>;
}

/** Where a contract call runs: a cache branch with its metered view, the tx's gas meter, the block. */
export class Ctx {
  readonly kv: MeteredKv;
  constructor(
    readonly cache: Cache,
    readonly gas: GasMeter,
    readonly block: BlockInfo,
    readonly tx: { index: number; hash: string } | undefined,
    readonly depth = 0,
  ) {
    this.kv = new MeteredKv(cache, gas);
  }

  /** A child context over a new cache branch (commit it to keep its writes), optionally with its own gas meter. */
  branch(gas = this.gas): { ctx: Ctx; commit(): void } {
    const b = this.cache.branch();
    return { ctx: new Ctx(b, gas, this.block, this.tx, this.depth + 1), commit: () => b.commit() };
  }
}

/** What a message execution returns: its events and its data (the Msg*Response fields). */
export interface MsgResult {
  events: Event[];
  data?: Uint8Array;
  address?: string;
}

interface SubMsg {
  id: bigint;
  msg: Record<string, Json>;
  gasLimit: bigint | null;
  replyOn: 'always' | 'error' | 'success' | 'never';
}

interface ContractResponse {
  messages: SubMsg[];
  attributes: { key: string; value: string }[];
  events: { type: string; attributes: { key: string; value: string }[] }[];
  data?: Uint8Array;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

export class Compute {
  constructor(
    private readonly enclave: Enclave,
    /** Queries issued from the HTTP API run here, so they never wait behind block execution. */
    private readonly queryEnclave: Enclave,
    private readonly addr: { toBech32(b: Uint8Array): string; fromBech32(s: string): Uint8Array },
  ) {}

  // ---------------------------------------------------------------- registry reads

  codeInfo(kv: KvReader, codeId: bigint): CodeInfo | undefined {
    const v = kv.get(key(PREFIX.code, be64(codeId)));
    return v === undefined ? undefined : parse<CodeInfo>(v);
  }

  contractInfo(kv: KvReader, address: Uint8Array): ContractInfo | undefined {
    const v = kv.get(key(PREFIX.contract, address));
    return v === undefined ? undefined : parse<ContractInfo>(v);
  }

  wasm(kv: KvReader, codeHash: Uint8Array): Uint8Array | undefined {
    return kv.get(key(PREFIX.wasm, codeHash));
  }

  // ---------------------------------------------------------------- messages

  async storeCode(ctx: Ctx, sender: Uint8Array, upload: Uint8Array, source: string, builder: string): Promise<MsgResult & { codeId: bigint }> {
    if (upload.length === 0) throw ComputeError.empty('wasm_byte_code: empty');
    if (upload.length > LIMITS.maxWasmSize) throw ComputeError.limit(`wasm_byte_code: ${upload.length} bytes exceeds the limit of ${LIMITS.maxWasmSize}`);
    if (source !== '' && (source.length > LIMITS.maxSource || !/^https:\/\/[^\s]+$/.test(source))) throw ComputeError.invalid('source: must be empty or an https URL of at most 512 characters');
    if (builder.length > LIMITS.maxBuilder || (builder !== '' && !/^[a-z0-9][a-z0-9._\-/]*(:[a-zA-Z0-9._-]+)?$/.test(builder))) throw ComputeError.invalid('builder: must be empty or a docker image tag of at most 128 characters');
    let wasm = upload;
    if (upload.length >= 3 && upload[0] === 0x1f && upload[1] === 0x8b && upload[2] === 0x08) {
      try {
        wasm = new Uint8Array(gunzipSync(upload, { maxOutputLength: LIMITS.maxWasmSize }));
      } catch (e) {
        throw ComputeError.createFailed(`wasm_byte_code: gzip: ${(e as Error).message} (uncompressed limit ${LIMITS.maxWasmSize} bytes)`);
      }
    }
    ctx.gas.consume((BigInt(wasm.length) * GAS.compileCostNum) / GAS.compileCostDen, 'Compiling WASM Bytecode');
    let r: EnclaveMessage;
    try {
      r = await this.enclave.ecall({ type: Type.EcallAllocate, code: wasm }, this.handlers(ctx.cache, new Uint8Array(20), ctx));
    } catch (e) {
      throw ComputeError.createFailed(`create contract failed: ${enclaveText(e)}`);
    }
    if (r.type !== Type.AllocateResult) throw ComputeError.createFailed('create contract failed: the enclave answered with something else');
    const hash = sha256(wasm);
    if (hex(r.codeHash) !== hex(hash)) throw ComputeError.createFailed('create contract failed: the enclave reported another code hash');
    const codeId = ctx.kv.next('lastCodeId');
    const info: CodeInfo = { code_hash: hex(hash), creator: this.addr.toBech32(sender), source, builder, generation: r.generation };
    ctx.kv.set(key(PREFIX.code, be64(codeId)), json(info));
    if (ctx.cache.get(key(PREFIX.wasm, hash)) === undefined) ctx.cache.set(key(PREFIX.wasm, hash), wasm);
    return { codeId, events: [event('message', ['module', 'compute'], ['sender', info.creator], ['code_id', codeId.toString()])] };
  }

  async instantiate(ctx: Ctx, a: { sender: Uint8Array; codeId: bigint; label: string; msg: Uint8Array; funds: Coin[]; admin: string; codeHash?: string }): Promise<MsgResult> {
    const code = this.codeInfo(ctx.kv, a.codeId);
    if (code === undefined) throw ComputeError.notFound(`code id ${a.codeId}: not found`);
    this.checkCodeHash(a.codeHash, code.code_hash);
    if (a.label.trim() === '') throw ComputeError.empty('label is required');
    if (enc.encode(a.label).length > LIMITS.maxLabel) throw ComputeError.limit(`label: at most ${LIMITS.maxLabel} bytes`);
    if (a.admin !== '') this.decodeAddress(a.admin, 'admin');
    const funds = checkCoins(a.funds, 'init_funds');
    if (ctx.kv.get(key(PREFIX.label, a.label)) !== undefined) throw ComputeError.duplicate(`label already exists: ${a.label}`);
    const instance = ctx.kv.next('lastContractId');
    const address = contractAddress(a.codeId, instance, a.sender);
    const auth = new Auth(ctx.kv);
    if (auth.get(address) !== undefined) throw ComputeError.accountExists(`contract account already exists: ${this.addr.toBech32(address)}`);
    auth.ensure(address);
    const sender = this.addr.toBech32(a.sender);
    const contract = this.addr.toBech32(address);
    const events: Event[] = [];
    events.push(...new Bank(ctx.kv, this.addr.toBech32).send(a.sender, address, funds));
    const r = await this.call(ctx, 'init', code, address, a.msg, sender, a.funds);
    const info: ContractInfo = {
      code_id: a.codeId.toString(),
      creator: sender,
      label: a.label,
      created: { block_height: ctx.block.height.toString(), tx_index: String(ctx.tx?.index ?? 0) },
      admin: a.admin,
    };
    ctx.kv.set(key(PREFIX.contract, address), json(info));
    ctx.kv.set(key(PREFIX.label, a.label), address);
    ctx.kv.set(key(PREFIX.byCode, be64(a.codeId), address), new Uint8Array(0));
    this.addHistory(ctx, address, { operation: 'init', code_id: info.code_id, updated: info.created, msg: b64(a.msg) });
    events.push(
      event('message', ['module', 'compute'], ['sender', sender], ['contract_address', contract]),
      event('instantiate', ['contract_address', contract], ['code_id', a.codeId.toString()]),
    );
    const out = await this.finish(ctx, r, address, code, events);
    return { ...out, address: contract };
  }

  async execute(ctx: Ctx, a: { sender: Uint8Array; contract: Uint8Array; msg: Uint8Array; funds: Coin[]; codeHash?: string }): Promise<MsgResult> {
    const { code } = this.load(ctx.kv, a.contract);
    this.checkCodeHash(a.codeHash, code.code_hash);
    // Coins with the cw20: prefix are not bank coins (x/compute filters them out).
    const sent = a.funds.filter((c) => !c.denom.startsWith('cw20:'));
    const funds = checkCoins(sent, 'sent_funds');
    const sender = this.addr.toBech32(a.sender);
    const contract = this.addr.toBech32(a.contract);
    const events: Event[] = [...new Bank(ctx.kv, this.addr.toBech32).send(a.sender, a.contract, funds)];
    const r = await this.call(ctx, 'execute', code, a.contract, a.msg, sender, sent);
    events.push(event('message', ['module', 'compute'], ['sender', sender], ['contract_address', contract]), event('execute', ['contract_address', contract]));
    return this.finish(ctx, r, a.contract, code, events);
  }

  async migrate(ctx: Ctx, a: { sender: Uint8Array; contract: Uint8Array; codeId: bigint; msg: Uint8Array; codeHash?: string }): Promise<MsgResult> {
    const { info } = this.load(ctx.kv, a.contract);
    const sender = this.addr.toBech32(a.sender);
    if (info.admin === '') throw SdkError.unauthorized('migrate: the contract has no admin, so it cannot be migrated');
    if (info.admin !== sender) throw SdkError.unauthorized(`migrate: ${sender} is not the admin of the contract`);
    const code = this.codeInfo(ctx.kv, a.codeId);
    if (code === undefined) throw ComputeError.notFound(`code id ${a.codeId}: not found`);
    this.checkCodeHash(a.codeHash, code.code_hash);
    const r = await this.call(ctx, 'migrate', code, a.contract, a.msg, sender, []);
    const updated = { ...info, code_id: a.codeId.toString() };
    ctx.kv.set(key(PREFIX.contract, a.contract), json(updated));
    ctx.kv.delete(key(PREFIX.byCode, be64(BigInt(info.code_id)), a.contract));
    ctx.kv.set(key(PREFIX.byCode, be64(a.codeId), a.contract), new Uint8Array(0));
    const at = { block_height: ctx.block.height.toString(), tx_index: String(ctx.tx?.index ?? 0) };
    this.addHistory(ctx, a.contract, { operation: 'migrate', code_id: updated.code_id, updated: at, msg: b64(a.msg) });
    const contract = this.addr.toBech32(a.contract);
    return this.finish(ctx, r, a.contract, code, [event('migrate', ['code_id', a.codeId.toString()], ['contract_address', contract])]);
  }

  setAdmin(ctx: Ctx, a: { sender: Uint8Array; contract: Uint8Array; newAdmin: string }): MsgResult {
    ctx.gas.consume(GAS.instanceCost, 'update contract admin');
    const { info } = this.load(ctx.kv, a.contract);
    const sender = this.addr.toBech32(a.sender);
    if (info.admin !== sender) throw SdkError.unauthorized(`${sender} is not the admin of the contract`);
    if (a.newAdmin !== '') this.decodeAddress(a.newAdmin, 'new_admin');
    ctx.kv.set(key(PREFIX.contract, a.contract), json({ ...info, admin: a.newAdmin }));
    return { events: [event('update_contract_admin', ['contract_address', this.addr.toBech32(a.contract)], ['new_admin_address', a.newAdmin])] };
  }

  /** A smart query from outside (the HTTP API), on committed state, in the query enclaves. */
  async query(view: KvReader, contract: Uint8Array, msg: Uint8Array, gasLimit: bigint, block: BlockInfo): Promise<Uint8Array> {
    const info = this.contractInfo(view, contract);
    if (info === undefined) throw ComputeError.notFound(`contract ${this.addr.toBech32(contract)}: not found`);
    const code = this.codeInfo(view, BigInt(info.code_id));
    if (code === undefined) throw ComputeError.notFound(`code id ${info.code_id}: not found`);
    const answer = await this.queryCall(this.queryEnclave, view, block, contract, code, msg, gasLimit, 1);
    if (answer.result.kind === 'ok') return answer.result.data;
    throw ComputeError.queryFailed(`${dec.decode(answer.result.error)}: query contract failed`);
  }

  // ---------------------------------------------------------------- calls

  private load(kv: KvReader, address: Uint8Array): { info: ContractInfo; code: CodeInfo } {
    const info = this.contractInfo(kv, address);
    if (info === undefined) throw ComputeError.notFound(`contract ${this.addr.toBech32(address)}: not found`);
    const code = this.codeInfo(kv, BigInt(info.code_id));
    if (code === undefined) throw ComputeError.notFound(`code id ${info.code_id}: not found`);
    return { info, code };
  }

  private checkCodeHash(given: string | undefined, actual: string): void {
    if (given === undefined || given === '') return;
    const g = given.toLowerCase().replace(/^0x/, '');
    if (g !== actual) throw ComputeError.invalid(`code hash ${given.slice(0, 80)} does not match the contract's code hash ${actual}`);
  }

  private decodeAddress(s: string, what: string): Uint8Array {
    try {
      return this.addr.fromBech32(s);
    } catch (e) {
      throw SdkError.invalidAddress(`${what}: ${(e as Error).message}`);
    }
  }

  private addHistory(ctx: Ctx, address: Uint8Array, entry: HistoryEntry): void {
    const p = key(PREFIX.history, address);
    const last = ctx.cache.range(p, prefixEnd(p), true, 1)[0];
    const n = last === undefined ? 0n : readBe64(last[0], p.length) + 1n;
    ctx.kv.set(key(PREFIX.history, address, be64(n)), json(entry));
  }

  private env(ctx: { block: BlockInfo; tx?: { index: number; hash: string } | undefined }, contract: Uint8Array): Env {
    return {
      height: ctx.block.height,
      timeNanos: ctx.block.timeNanos,
      chainId: ctx.block.chainId,
      contract: this.addr.toBech32(contract),
      ...(ctx.tx ? { transaction: ctx.tx } : {}),
    };
  }

  /** One contract call in `ctx`: gas before and after, the write set applied on success. */
  private async call(ctx: Ctx, kind: 'init' | HandleType, code: CodeInfo, contract: Uint8Array, msg: Uint8Array, sender: string, funds: Coin[]): Promise<ContractResponse> {
    const what = kind === 'init' ? 'instantiate' : kind === 'reply' ? 'reply to' : kind;
    ctx.gas.consume(GAS.instanceCost, `Loading CosmWasm module: ${what}`);
    const gasLimit = ctx.gas.wasmLimit();
    const codeHash = Buffer.from(code.code_hash, 'hex');
    const env = this.env(ctx, contract);
    const e: EcallRequest = kind === 'init'
      ? { type: Type.EcallInit, codeHash, env, sender, funds, msg, gasLimit }
      : { type: Type.EcallHandle, handle: kind, codeHash, env, sender, funds, msg, gasLimit };
    let r: EnclaveMessage;
    try {
      r = await this.enclave.ecall(e, this.handlers(ctx.cache, contract, ctx));
    } catch (err) {
      throw failure(kind, enclaveText(err));
    }
    if (r.type !== Type.EcallResult) throw failure(kind, 'the enclave answered with something else');
    ctx.gas.consumeWasm(r.gasUsed, `contract ${what}`);
    const o = r.outcome;
    if (o.kind === 'contract_error') throw failure(kind, dec.decode(o.error));
    if (o.kind === 'vm_error') {
      if (o.errorKind === 'gas_depletion') throw new OutOfGas(`contract ${what}`, ctx.gas.limit, ctx.gas.consumed > ctx.gas.limit ? ctx.gas.consumed : ctx.gas.limit + 1n);
      throw failure(kind, `${o.errorKind}: ${o.message}`);
    }
    for (const [k, v] of o.writes) {
      const sk = key(PREFIX.contractState, contract, k);
      if (v === null) ctx.cache.delete(sk);
      else ctx.cache.set(sk, v);
    }
    return parseResponse(dec.decode(o.value), code.generation);
  }

  /** Events of a call's response, then its messages dispatched in order; the data that results. */
  private async finish(ctx: Ctx, r: ContractResponse, contract: Uint8Array, code: CodeInfo, events: Event[]): Promise<MsgResult> {
    const addr = this.addr.toBech32(contract);
    events.push(...contractEvents(addr, r));
    let data = r.data;
    for (const sub of r.messages) {
      const replied = await this.dispatchSub(ctx, contract, code, sub, events);
      if (replied !== undefined) data = replied;
    }
    return { events, ...(data !== undefined ? { data } : {}) };
  }

  /**
   * One sub-message: run in a branch; reply as asked. Returns the reply's data if it set one.
   * The reply gets `events: []` (Secret's enclave redacts them) and, as data, the message's
   * Msg*Response in protobuf (for wasm instantiate / execute / migrate; wasmd's SubMsgResponse
   * data, which cw-utils' parse_reply_* read), null for others. The sub-message's own `message`
   * events are not kept in the tx's events (x/compute filters them).
   */
  private async dispatchSub(ctx: Ctx, contract: Uint8Array, code: CodeInfo, sub: SubMsg, events: Event[]): Promise<Uint8Array | undefined> {
    if (ctx.depth >= LIMITS.maxCallDepth) throw ComputeError.limit(`sub-messages nest deeper than ${LIMITS.maxCallDepth}`);
    // A sub-message with its own gas limit runs on its own meter, and running out is its own error.
    const limited = sub.gasLimit !== null && sub.gasLimit < ctx.gas.remaining;
    const gas = limited ? new GasMeter(sub.gasLimit as bigint) : ctx.gas;
    const b = ctx.branch(gas);
    let result: { events: Event[]; response?: Uint8Array } | undefined;
    let error: TxFailure | undefined;
    try {
      result = await this.dispatchMsg(b.ctx, contract, sub.msg);
    } catch (e) {
      if (e instanceof OutOfGas && !limited) throw e;
      if (e instanceof TxFailure) error = e;
      else if (e instanceof OutOfGas) error = SdkError.outOfGas(e.message);
      // Anything else is a fault of this message (a bug in cloak included): its branch is dropped
      // and the contract hears of it like any failure, rather than the tx failing half-handled.
      else error = internalFailure(e);
    } finally {
      if (limited) ctx.gas.consume(gas.consumed > (sub.gasLimit as bigint) ? (sub.gasLimit as bigint) : gas.consumed, 'sub-message');
    }
    if (error !== undefined) {
      if (sub.replyOn !== 'error' && sub.replyOn !== 'always') throw error;
      // The SDK redacts a sub-message's error before the contract sees it (wasmd redactError).
      return this.reply(ctx, contract, code, sub.id, { error: `codespace: ${error.codespace}, code: ${error.code}` }, events);
    }
    b.commit();
    const done = result as { events: Event[]; response?: Uint8Array };
    events.push(...done.events.filter((e) => e.type !== 'message'));
    if (sub.replyOn !== 'success' && sub.replyOn !== 'always') return undefined;
    const data = done.response !== undefined && done.response.length > 0 ? b64(done.response) : null;
    return this.reply(ctx, contract, code, sub.id, { ok: { events: [], data } }, events);
  }

  private async reply(ctx: Ctx, contract: Uint8Array, code: CodeInfo, id: bigint, result: unknown, events: Event[]): Promise<Uint8Array | undefined> {
    const msg = enc.encode(`{"id":${id},"result":${JSON.stringify(result)}}`);
    const addr = this.addr.toBech32(contract);
    const r = await this.call(ctx, 'reply', code, contract, msg, addr, []);
    events.push(event('reply', ['contract_address', addr]));
    const out = await this.finish(ctx, r, contract, code, []);
    events.push(...out.events);
    return out.data;
  }

  /** A CosmosMsg a contract returned, executed with the contract as sender. */
  private async dispatchMsg(ctx: Ctx, contract: Uint8Array, msg: Record<string, Json>): Promise<{ events: Event[]; response?: Uint8Array }> {
    const variant = oneKey(msg, 'message');
    const body = oneKey(msg[variant], `${variant} message`);
    const v = (msg[variant] as Record<string, Record<string, Json>>)[body];
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw ComputeError.invalidMsg(`${variant}.${body} must be an object`);
    const str = (k: string, optional = false): string => {
      const x = v[k];
      if (x === undefined || x === null) {
        if (optional) return '';
        throw ComputeError.invalidMsg(`${variant}.${body}.${k} is missing`);
      }
      if (typeof x !== 'string') throw ComputeError.invalidMsg(`${variant}.${body}.${k} must be a string`);
      return x;
    };
    const coinsOf = (k: string): Coin[] => {
      const x = (v[k] ?? []) as unknown;
      const isCoin = (c: unknown): c is Coin => c !== null && typeof c === 'object' && typeof (c as Coin).denom === 'string' && typeof (c as Coin).amount === 'string';
      if (!Array.isArray(x) || !x.every(isCoin)) throw ComputeError.invalidMsg(`${variant}.${body}.${k} must be a list of coins`);
      return x.map((c: Coin) => ({ denom: c.denom, amount: c.amount }));
    };
    const bytes = (k: string): Uint8Array => {
      const s = str(k);
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw ComputeError.invalidMsg(`${variant}.${body}.${k} must be base64`);
      return new Uint8Array(Buffer.from(s, 'base64'));
    };
    const codeId = (k: string): bigint => {
      const id = u64(v[k]);
      if (id === undefined) throw ComputeError.invalidMsg(`${variant}.${body}.${k} must be a code id (a u64)`);
      return id;
    };
    const codeHash = () => (v.code_hash !== undefined ? str('code_hash', true) : str('callback_code_hash', true));
    if (variant === 'bank' && body === 'send') {
      if (v.from_address !== undefined && str('from_address') !== this.addr.toBech32(contract)) throw SdkError.unauthorized('bank send from another address than the contract');
      const to = this.decodeAddress(str('to_address'), 'to_address');
      const events = new Bank(ctx.kv, this.addr.toBech32).send(contract, to, checkCoins(coinsOf('amount'), 'amount'));
      return { events };
    }
    if (variant === 'wasm') {
      switch (body) {
        case 'execute': {
          const r = await this.execute(ctx, { sender: contract, contract: this.decodeAddress(str('contract_addr'), 'contract_addr'), msg: bytes('msg'), funds: coinsOf(v.funds !== undefined ? 'funds' : 'send'), codeHash: codeHash() });
          return { events: r.events, response: MsgExecuteContractResponse.encode({ data: r.data ?? new Uint8Array(0) }) };
        }
        case 'instantiate': {
          const r = await this.instantiate(ctx, { sender: contract, codeId: codeId('code_id'), label: str('label'), msg: bytes('msg'), funds: coinsOf(v.funds !== undefined ? 'funds' : 'send'), admin: str('admin', true), codeHash: codeHash() });
          return { events: r.events, response: MsgInstantiateContractResponse.encode({ address: r.address as string, data: r.data ?? new Uint8Array(0) }) };
        }
        case 'migrate': {
          const r = await this.migrate(ctx, { sender: contract, contract: this.decodeAddress(str('contract_addr'), 'contract_addr'), codeId: codeId('new_code_id'), msg: bytes('msg'), codeHash: codeHash() });
          return { events: r.events, response: MsgMigrateContractResponse.encode({ data: r.data ?? new Uint8Array(0) }) };
        }
        case 'update_admin':
          return this.setAdmin(ctx, { sender: contract, contract: this.decodeAddress(str('contract_addr'), 'contract_addr'), newAdmin: str('admin') });
        case 'clear_admin':
          return this.setAdmin(ctx, { sender: contract, contract: this.decodeAddress(str('contract_addr'), 'contract_addr'), newAdmin: '' });
      }
    }
    throw ComputeError.unknownMsg(`the contract returned a ${variant}.${body} message, which cloak does not support`);
  }

  // ---------------------------------------------------------------- ocalls

  /** How the host answers the enclave's ocalls for a call on `contract` in `view`. */
  private handlers(view: KvReader, contract: Uint8Array, at: { block: BlockInfo; tx?: { index: number; hash: string } | undefined }): OcallHandlers {
    const prefix = key(PREFIX.contractState, contract);
    return {
      readDb: (k) => view.get(key(PREFIX.contractState, contract, k)),
      range: (start, end, descending, limit) => {
        const s = start ? key(PREFIX.contractState, contract, start) : prefix;
        const e = end ? key(PREFIX.contractState, contract, end) : prefixEnd(prefix);
        return view.range(s, e, descending, limit).map(([k, v]) => [k.subarray(prefix.length), v]);
      },
      loadCode: (hash) => this.wasm(view, hash),
      queryChain: (request, depth, gasLimit, nested) => this.queryChain(view, at, request, depth, gasLimit, nested),
    };
  }

  /** A contract's query_chain request, answered from `view`. */
  private async queryChain(
    view: KvReader, at: { block: BlockInfo; tx?: { index: number; hash: string } | undefined }, request: Uint8Array, depth: number, gasLimit: bigint,
    nested: (e: EcallRequest, h: OcallHandlers) => Promise<EnclaveMessage>,
  ): Promise<QueryChainAnswer> {
    try {
      return await this.answerQuery(view, at, request, depth, gasLimit, nested);
    } catch (e) {
      // The contract gets a SystemError it can handle, never a failed ocall (which fails its call).
      if (e instanceof TxFailure || e instanceof TypeError || e instanceof RangeError || e instanceof SyntaxError) {
        return { result: { kind: 'system_error', error: json({ invalid_request: { error: e.message.slice(0, 200), request: b64(request) } }) }, gasUsed: 0n };
      }
      throw e;
    }
  }

  private async answerQuery(
    view: KvReader, at: { block: BlockInfo; tx?: { index: number; hash: string } | undefined }, request: Uint8Array, depth: number, gasLimit: bigint,
    nested: (e: EcallRequest, h: OcallHandlers) => Promise<EnclaveMessage>,
  ): Promise<QueryChainAnswer> {
    const system = (v: unknown): QueryChainAnswer => ({ result: { kind: 'system_error', error: json(v) }, gasUsed: 0n });
    const ok = (v: unknown): QueryChainAnswer => ({ result: { kind: 'ok', data: json(v) }, gasUsed: 0n });
    let q: Record<string, Record<string, Record<string, unknown>>>;
    let variant: string;
    let body: string;
    try {
      q = JSON.parse(dec.decode(request)) as typeof q;
      variant = oneKey(q, 'query');
      body = oneKey(q[variant], `${variant} query`);
    } catch (e) {
      return system({ invalid_request: { error: `Parsing query request: ${e instanceof Error ? e.message : String(e)}`, request: b64(request) } });
    }
    const v = q[variant][body] ?? {};
    const address = (k: string): Uint8Array | undefined => {
      try {
        return typeof v[k] === 'string' ? this.addr.fromBech32(v[k] as string) : undefined;
      } catch {
        return undefined;
      }
    };
    if (variant === 'bank') {
      const a = address('address');
      if (a === undefined) return system({ invalid_request: { error: 'address: not a valid address', request: b64(request) } });
      // Reads only; the throwaway cache keeps the reader read-only and the meter is not charged to anyone.
      const bank = new Bank(new MeteredKv(new Cache(view), new GasMeter(GAS.maxWasmGas)), this.addr.toBech32);
      if (body === 'balance' && typeof v.denom === 'string') return ok({ amount: { denom: v.denom, amount: bank.balance(a, v.denom).toString() } });
      if (body === 'all_balances') return ok({ amount: bank.balances(a) });
    }
    if (variant === 'wasm') {
      const addr = address('contract_addr');
      const info = addr && this.contractInfo(view, addr);
      if (body === 'code_info') {
        const id = u64(v.code_id as Json);
        const code = id !== undefined ? this.codeInfo(view, id) : undefined;
        if (id === undefined || code === undefined) return system({ no_such_code: { code_id: typeof v.code_id === 'number' ? v.code_id : 0 } });
        return ok({ code_id: Number(id), creator: code.creator, checksum: code.code_hash });
      }
      if (!addr || !info) return system({ no_such_contract: { addr: typeof v.contract_addr === 'string' ? v.contract_addr : '' } });
      if (body === 'contract_info') return ok({ code_id: Number(info.code_id), creator: info.creator, admin: info.admin === '' ? null : info.admin, pinned: false, ibc_port: null });
      if (body === 'raw') {
        const k = typeof v.key === 'string' ? Buffer.from(v.key, 'base64') : Buffer.alloc(0);
        return { result: { kind: 'ok', data: view.get(key(PREFIX.contractState, addr, k)) ?? new Uint8Array(0) }, gasUsed: 0n };
      }
      if (body === 'smart') {
        // `depth` is the nested call's own depth; the enclave refuses to go this deep already.
        if (depth >= LIMITS.maxQueryDepth) return system({ exceeded_recursion_limit: {} });
        const code = this.codeInfo(view, BigInt(info.code_id));
        if (code === undefined) return system({ no_such_contract: { addr: String(v.contract_addr) } });
        const given = typeof v.code_hash === 'string' ? v.code_hash : typeof v.callback_code_hash === 'string' ? v.callback_code_hash : '';
        if (given !== '' && given.toLowerCase() !== code.code_hash) return system({ invalid_request: { error: 'code hash does not match the contract', request: b64(request) } });
        const msg = typeof v.msg === 'string' ? new Uint8Array(Buffer.from(v.msg, 'base64')) : new Uint8Array(0);
        return this.queryCall({ ecall: nested }, view, at.block, addr, code, msg, gasLimit, depth, at.tx);
      }
    }
    return system({ unsupported_request: { kind: `${variant}.${body}` } });
  }

  /**
   * A query call on `enclave` (the query pool, or the `nested` entry of the process that waits on a
   * query_chain: nested queries must go to that same process while it waits, never to the pool).
   */
  private async queryCall(
    enclave: Enclave, view: KvReader, block: BlockInfo, contract: Uint8Array, code: CodeInfo, msg: Uint8Array, gasLimit: bigint, depth: number,
    tx?: { index: number; hash: string },
  ): Promise<QueryChainAnswer> {
    const env = this.env({ block, tx }, contract);
    const r = await enclave.ecall({ type: Type.EcallQuery, codeHash: Buffer.from(code.code_hash, 'hex'), env, msg, gasLimit, depth }, this.handlers(view, contract, { block, tx }));
    if (r.type !== Type.EcallResult) throw ComputeError.queryFailed('the enclave answered with something else');
    const o = r.outcome;
    const result: QueryAnswer = o.kind === 'ok'
      ? { kind: 'ok', data: o.answer ?? new Uint8Array(0) }
      : o.kind === 'contract_error'
        ? { kind: 'contract_error', error: o.error }
        : { kind: 'contract_error', error: json(`${o.errorKind}: ${o.message}`) };
    return { result, gasUsed: r.gasUsed };
  }
}

/** x/compute's contract address: RIPEMD160(SHA256(BE64((code_id << 32) + instance_id) ‖ creator)) (§4.4). */
export function contractAddress(codeId: bigint, instance: bigint, creator: Uint8Array): Uint8Array {
  const seed = new Uint8Array(28);
  seed.set(be64(((codeId << 32n) + instance) & 0xffff_ffff_ffff_ffffn), 0);
  seed.set(creator, 8);
  return ripemd160(sha256(seed));
}

function oneKey(o: unknown, what: string): string {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw ComputeError.invalidMsg(`${what} must be an object`);
  const keys = Object.keys(o);
  if (keys.length !== 1) throw ComputeError.invalidMsg(`${what} must have exactly one variant, it has ${keys.length}`);
  return keys[0];
}

function failure(kind: 'init' | HandleType, text: string): TxFailure {
  switch (kind) {
    case 'init': return ComputeError.instantiateFailed(`${text}: instantiate contract failed`);
    case 'execute': return ComputeError.executeFailed(`${text}: execute contract failed`);
    case 'migrate': return ComputeError.migrateFailed(`${text}: migrate contract failed`);
    case 'reply': return ComputeError.replyFailed(`${text}: reply to contract failed`);
    case 'sudo': return ComputeError.executeFailed(`${text}: sudo contract failed`);
  }
}

/** The text of an enclave failure; anything else is not one and is thrown on. */
function enclaveText(e: unknown): string {
  if (e instanceof EnclaveUnavailable) return `enclave unavailable: ${e.message}`;
  if (e instanceof EnclaveError) return `enclave error: ${e.message}`;
  throw e;
}

/**
 * The contract's Ok value as cloak dispatches it, for both the 0.10 and the 1.x Response. Read with
 * `parseExact` (ids and gas limits are u64s and must not be rounded); an id or gas limit that is not
 * a u64 fails the call.
 */
function parseResponse(text: string, generation: string): ContractResponse {
  let r: Record<string, Json>;
  try {
    r = parseExact(text) as Record<string, Json>;
  } catch (e) {
    throw ComputeError.invalidMsg(`the contract's response: ${(e as Error).message}`);
  }
  if (r === null || typeof r !== 'object' || Array.isArray(r)) throw ComputeError.invalidMsg("the contract's response is not an object");
  const attrs = (x: Json | undefined) => (Array.isArray(x) ? x : []).map((a) => {
    const o = a as { key?: Json; value?: Json };
    return { key: String(o?.key ?? ''), value: String(o?.value ?? '') };
  });
  const data = typeof r.data === 'string' ? new Uint8Array(Buffer.from(r.data, 'base64')) : undefined;
  const raw = Array.isArray(r.messages) ? r.messages : [];
  const old = generation.startsWith('v0');
  const messages: SubMsg[] = raw.map((m, i) => {
    const sm = m as { [key: string]: Json };
    if (sm === null || typeof sm !== 'object' || Array.isArray(sm)) throw ComputeError.invalidMsg(`messages[${i}] is not an object`);
    if (old) return { id: 0n, msg: sm, gasLimit: null, replyOn: 'never' };
    const id = u64(sm.id);
    if (id === undefined) throw ComputeError.invalidMsg(`messages[${i}].id is not a u64`);
    let gasLimit: bigint | null = null;
    if (sm.gas_limit !== null && sm.gas_limit !== undefined) {
      const g = u64(sm.gas_limit);
      if (g === undefined) throw ComputeError.invalidMsg(`messages[${i}].gas_limit is not null or a u64`);
      gasLimit = g;
    }
    if (!['always', 'error', 'success', 'never'].includes(sm.reply_on as string)) throw ComputeError.invalidMsg(`messages[${i}].reply_on is not always, error, success or never`);
    if (sm.msg === null || typeof sm.msg !== 'object' || Array.isArray(sm.msg)) throw ComputeError.invalidMsg(`messages[${i}].msg is not an object`);
    return { id, msg: sm.msg as Record<string, Json>, gasLimit, replyOn: sm.reply_on as SubMsg['replyOn'] };
  });
  return {
    messages,
    attributes: attrs(old ? r.log : r.attributes),
    events: (Array.isArray(r.events) ? r.events : []).map((e) => ({ type: String((e as { type?: Json })?.type ?? ''), attributes: attrs((e as { attributes?: Json })?.attributes) })),
    ...(data !== undefined ? { data } : {}),
  };
}

/** `wasm` and `wasm-<type>` events with contract_address first, checked as x/compute does (§4.7). */
function contractEvents(contract: string, r: ContractResponse): Event[] {
  const check = (a: { key: string; value: string }) => {
    const k = a.key.trim();
    if (k === '') throw ComputeError.invalidEvent('an attribute key is empty');
    if (k.startsWith('_')) throw ComputeError.invalidEvent(`attribute key "${k.slice(0, 64)}" starts with "_", which is reserved`);
    if (a.value.trim() === '') throw ComputeError.invalidEvent(`attribute "${k.slice(0, 64)}" has an empty value`);
    return [k, a.value.trim()] as [string, string];
  };
  const out: Event[] = [];
  const own = r.attributes.filter((a) => a.key !== 'contract_address');
  if (own.length > 0) out.push(event('wasm', ['contract_address', contract], ...own.map(check)));
  for (const e of r.events) {
    const t = e.type.trim();
    if (t.length < 3) throw ComputeError.invalidEvent(`event type "${t.slice(0, 64)}" is too short: at least 3 characters`);
    out.push(event(`wasm-${t}`, ['contract_address', contract], ...e.attributes.map(check)));
  }
  return out;
}

export { coinsText };
