/**
 * `MemoryChain`: a small in-memory chain around one `Vm`, for tests, benchmarks and `cloak run` (what
 * cw-multi-test is to CosmWasm developers, without message dispatch). It holds stored codes (ids 1,
 * 2, …), contracts with their own in-memory storage, `uscrt`-style bank balances and a block clock,
 * and answers contracts' queries (`querier`):
 *   - `bank`: `balance {address, denom}` → `{"amount":Coin}`, `all_balances {address}` → `{"amount":[Coin]}`;
 *   - `wasm`: `smart {contract_addr, msg}` (a nested read-only call one level deeper, with the caller's
 *     gas left), `raw {contract_addr, key}` (the stored bytes, empty when absent), `contract_info {contract_addr}`;
 *   - anything else: `unsupported_request`; an unknown contract: `no_such_contract`.
 * Every answer but a smart query's (which costs what the nested call used) costs 1,000 gas, a db_read's
 * price. Contract addresses are derived as Secret Network does (spec/secret-compute.md §4.4). Funds sent with
 * a call move from the sender to the contract before it runs and move back if it fails. The messages a
 * contract returns are reported, not dispatched (that is the node's compute module).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { base64 } from '@scure/base';
import type { StoredCode } from './code.js';
import type { Coin } from './env.js';
import { VmError } from './errors.js';
import { canonicalAddress, humanAddress } from './imports.js';
import { parseJson, stringifyJson, type JsonValue } from './json.js';
import type { Querier, QuerierResult } from './query.js';
import { MemoryStorage } from './storage.js';
import type { CallResult, Vm } from './vm.js';

/** A refusal by the chain itself (unknown contract, missing funds, not the admin): no call was made. */
export class ChainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChainError';
  }
}

export interface ContractInfo {
  address: string;
  codeId: number;
  creator: string;
  admin: string | null;
  label: string;
  storage: MemoryStorage;
}

export interface MemoryChainOptions {
  chainId?: string;
  /** Height of the first block (default 1). */
  height?: bigint;
  /** Time of the first block in ns since the epoch (default 2026-01-01T00:00:00Z). */
  timeNanos?: bigint;
  /** Gas limit of calls that do not give one (default DEFAULT_CALL_GAS). */
  gasLimit?: bigint;
}

/** Default gas limit of a call: 10^8 wasm gas (100,000 SDK gas at Secret's multiplier of 1,000). */
export const DEFAULT_CALL_GAS = 100_000_000n;
/** Gas of a query MemoryChain answers itself (bank, raw, contract info, errors): a db_read's price. */
const QUERY_ANSWER_GAS = 1_000n;
const BLOCK_NANOS = 5_000_000_000n;

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

function be64(n: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n);
  return out;
}

export class MemoryChain {
  readonly chainId: string;
  height: bigint;
  timeNanos: bigint;
  readonly gasLimit: bigint;
  private readonly codes: StoredCode[] = [];
  private readonly contracts = new Map<string, ContractInfo>();
  private readonly balances = new Map<string, Map<string, bigint>>();
  private instances = 0;
  private txIndex = 0;
  /** Answers the contracts' `query_chain` requests. */
  readonly querier: Querier;

  constructor(readonly vm: Vm, options: MemoryChainOptions = {}) {
    this.chainId = options.chainId ?? 'secretdev-1';
    this.height = options.height ?? 1n;
    this.timeNanos = options.timeNanos ?? 1_767_225_600_000_000_000n;
    this.gasLimit = options.gasLimit ?? DEFAULT_CALL_GAS;
    this.querier = {
      query: (request, depth, gas) => {
        const a = this.answer(request, depth, gas);
        const gasUsed = a.gasUsed > 0n ? a.gasUsed : QUERY_ANSWER_GAS;
        if (gasUsed > gas) throw new VmError('gas_depletion', 'out of gas');
        return { result: a.result, gasUsed };
      },
    };
  }

  /** Stores code; returns its id (1, 2, …) and the stored code. Throws the VM's error for bad code. */
  storeCode(upload: Uint8Array): { codeId: number; code: StoredCode } {
    const code = this.vm.storeCode(upload);
    this.codes.push(code);
    return { codeId: this.codes.length, code };
  }

  code(codeId: number): StoredCode {
    const c = this.codes[codeId - 1];
    if (c === undefined) throw new ChainError(`no code with id ${codeId}`);
    return c;
  }

  contract(address: string): ContractInfo {
    const c = this.contracts.get(address);
    if (c === undefined) throw new ChainError(`no contract at ${address}`);
    return c;
  }

  /** Every contract, in order of instantiation. */
  allContracts(): ContractInfo[] {
    return [...this.contracts.values()];
  }

  balance(address: string, denom: string): bigint {
    return this.balances.get(address)?.get(denom) ?? 0n;
  }

  setBalance(address: string, coins: readonly Coin[]): void {
    const m = new Map<string, bigint>();
    for (const c of coins) m.set(c.denom, BigInt(c.amount));
    this.balances.set(address, m);
  }

  /** Creates `amount` of `denom` in `address`'s account (test and simulator funding). */
  mint(address: string, denom: string, amount: bigint): void {
    if (amount < 0n) throw new RangeError('mint: negative amount');
    this.add(address, denom, amount);
  }

  /** Secret's contract address: RIPEMD160(SHA256(BE64((code_id << 32) + instance_id) ‖ creator bytes)). */
  contractAddress(codeId: number, instanceId: number, creator: string): string {
    const creatorBytes = canonicalAddress(creator, this.vm.addressPrefix);
    const n = (BigInt(codeId) << 32n) + BigInt(instanceId);
    const pre = new Uint8Array(8 + creatorBytes.length);
    pre.set(be64(n));
    pre.set(creatorBytes, 8);
    return humanAddress(ripemd160(sha256(pre)), this.vm.addressPrefix);
  }

  instantiate(a: { codeId: number; sender: string; msg: JsonValue | Uint8Array; funds?: Coin[]; label?: string; admin?: string | null; gasLimit?: bigint }): { address: string; result: CallResult } {
    const code = this.code(a.codeId);
    const instanceId = this.instances + 1;
    const address = this.contractAddress(a.codeId, instanceId, a.sender);
    const label = a.label ?? `contract ${instanceId}`;
    for (const c of this.contracts.values()) if (c.label === label) throw new ChainError(`label "${label}" is already taken`);
    const info: ContractInfo = { address, codeId: a.codeId, creator: a.sender, admin: a.admin ?? null, label, storage: new MemoryStorage() };
    const result = this.withFunds(a.sender, address, a.funds ?? [], () => this.vm.instantiate(code, {
      env: this.env(address, code), storage: info.storage, gasLimit: a.gasLimit ?? this.gasLimit, querier: this.querier,
      sender: a.sender, funds: a.funds ?? [], msg: bytes(a.msg),
    }));
    if (result.kind === 'ok') {
      this.instances = instanceId;
      this.contracts.set(address, info);
    }
    return { address, result };
  }

  execute(a: { contract: string; sender: string; msg: JsonValue | Uint8Array; funds?: Coin[]; gasLimit?: bigint }): CallResult {
    const c = this.contract(a.contract);
    const code = this.code(c.codeId);
    return this.withFunds(a.sender, c.address, a.funds ?? [], () => this.vm.execute(code, {
      env: this.env(c.address, code), storage: c.storage, gasLimit: a.gasLimit ?? this.gasLimit, querier: this.querier,
      sender: a.sender, funds: a.funds ?? [], msg: bytes(a.msg),
    }));
  }

  query(a: { contract: string; msg: JsonValue | Uint8Array; gasLimit?: bigint; depth?: number }): CallResult {
    const c = this.contract(a.contract);
    const code = this.code(c.codeId);
    return this.vm.query(code, {
      env: this.env(c.address, code, false), storage: c.storage, gasLimit: a.gasLimit ?? this.gasLimit, querier: this.querier,
      queryDepth: a.depth ?? 1, msg: bytes(a.msg),
    });
  }

  /** Migrates to `codeId` (the sender must be the admin); the new code's `migrate` runs on the same storage. */
  migrate(a: { contract: string; sender: string; codeId: number; msg: JsonValue | Uint8Array; gasLimit?: bigint }): CallResult {
    const c = this.contract(a.contract);
    if (c.admin === null) throw new ChainError(`contract ${c.address} has no admin: it cannot be migrated`);
    if (c.admin !== a.sender) throw new ChainError(`${a.sender} is not the admin of ${c.address}`);
    const code = this.code(a.codeId);
    const old = this.code(c.codeId);
    const version = old.migrateVersion;
    const r = this.vm.migrate(code, {
      env: this.env(c.address, code), storage: c.storage, gasLimit: a.gasLimit ?? this.gasLimit, querier: this.querier,
      sender: a.sender, msg: bytes(a.msg), ...(version !== undefined ? { oldMigrateVersion: version } : {}),
    });
    if (r.kind === 'ok') c.codeId = a.codeId;
    return r;
  }

  sudo(a: { contract: string; msg: JsonValue | Uint8Array; gasLimit?: bigint }): CallResult {
    const c = this.contract(a.contract);
    const code = this.code(c.codeId);
    return this.vm.sudo(code, { env: this.env(c.address, code), storage: c.storage, gasLimit: a.gasLimit ?? this.gasLimit, querier: this.querier, msg: bytes(a.msg) });
  }

  reply(a: { contract: string; reply: JsonValue | Uint8Array; gasLimit?: bigint }): CallResult {
    const c = this.contract(a.contract);
    const code = this.code(c.codeId);
    return this.vm.reply(code, { env: this.env(c.address, code), storage: c.storage, gasLimit: a.gasLimit ?? this.gasLimit, querier: this.querier, msg: bytes(a.reply) });
  }

  /** The env of a call to `address`; state-changing calls each get a new block. */
  private env(address: string, code: StoredCode, newBlock = true) {
    if (newBlock) {
      this.height += 1n;
      this.timeNanos += BLOCK_NANOS;
      this.txIndex = 0;
    }
    return {
      block: { height: this.height, timeNanos: this.timeNanos, chainId: this.chainId },
      contract: { address, codeHash: code.checksum },
      transaction: newBlock ? { index: this.txIndex, hash: Buffer.from(sha256(enc.encode(`${this.chainId}/${this.height}/${this.txIndex}`))).toString('hex').toUpperCase() } : null,
    };
  }

  private withFunds(from: string, to: string, funds: readonly Coin[], run: () => CallResult): CallResult {
    const moved = new Map<string, bigint>();
    for (const c of funds) {
      if (!/^[0-9]{1,39}$/.test(c.amount)) throw new ChainError(`invalid coin amount "${c.amount}"`);
      moved.set(c.denom, (moved.get(c.denom) ?? 0n) + BigInt(c.amount));
    }
    for (const [denom, amount] of moved) {
      const have = this.balance(from, denom);
      if (have < amount) throw new ChainError(`insufficient funds: ${from} has ${have}${denom}, needs ${amount}${denom}`);
    }
    const move = (a: string, b: string) => {
      for (const [denom, amount] of moved) {
        this.add(a, denom, -amount);
        this.add(b, denom, amount);
      }
    };
    move(from, to);
    let r: CallResult | undefined;
    try {
      r = run();
      return r;
    } finally {
      if (r?.kind !== 'ok') move(to, from);
    }
  }

  private add(address: string, denom: string, delta: bigint): void {
    let m = this.balances.get(address);
    if (m === undefined) this.balances.set(address, (m = new Map()));
    m.set(denom, (m.get(denom) ?? 0n) + delta);
  }

  private answer(request: JsonValue, depth: number, gasLimit: bigint): { result: QuerierResult; gasUsed: bigint } {
    const invalid = (error: string) => ({ result: { systemError: { invalid_request: { error, request: base64.encode(enc.encode(stringifyJson(request))) } } }, gasUsed: 0n });
    const one = (v: JsonValue): [string, { [k: string]: JsonValue }] | undefined => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
      const keys = Object.keys(v);
      if (keys.length !== 1) return undefined;
      const inner = v[keys[0]];
      if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return undefined;
      return [keys[0], inner];
    };
    const top = one(request);
    if (top === undefined) return invalid('a query request is an object with one variant');
    const sub = one(top[1]);
    if (sub === undefined) return invalid(`${top[0]}: expected an object with one variant`);
    const [module, [kind, args]] = [top[0], sub];
    const str = (k: string): string | undefined => (typeof args[k] === 'string' ? (args[k] as string) : undefined);
    const ok = (v: JsonValue) => ({ result: { ok: enc.encode(stringifyJson(v)) }, gasUsed: 0n });
    if (module === 'bank' && kind === 'balance') {
      const address = str('address');
      const denom = str('denom');
      if (address === undefined || denom === undefined) return invalid('bank.balance needs address and denom');
      return ok({ amount: { denom, amount: this.balance(address, denom).toString() } });
    }
    if (module === 'bank' && kind === 'all_balances') {
      const address = str('address');
      if (address === undefined) return invalid('bank.all_balances needs address');
      const all = [...(this.balances.get(address) ?? new Map<string, bigint>())].filter(([, v]) => v > 0n).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return ok({ amount: all.map(([denom, v]) => ({ denom, amount: v.toString() })) });
    }
    if (module === 'wasm' && (kind === 'smart' || kind === 'raw' || kind === 'contract_info')) {
      const addr = str('contract_addr');
      if (addr === undefined) return invalid(`wasm.${kind} needs contract_addr`);
      const c = this.contracts.get(addr);
      if (c === undefined) return { result: { systemError: { no_such_contract: { addr } } }, gasUsed: 0n };
      if (kind === 'contract_info') return ok({ code_id: c.codeId, creator: c.creator, admin: c.admin, pinned: false, ibc_port: null });
      const field = kind === 'smart' ? 'msg' : 'key';
      let data: Uint8Array;
      try {
        data = base64.decode(str(field) ?? '?');
      } catch {
        return invalid(`wasm.${kind}: ${field} must be base64`);
      }
      if (kind === 'raw') return { result: { ok: c.storage.get(data) ?? new Uint8Array(0) }, gasUsed: QUERY_ANSWER_GAS };
      const r = this.query({ contract: addr, msg: data, gasLimit, depth });
      if (r.kind === 'ok') return { result: { ok: r.answer! }, gasUsed: r.gasUsed };
      if (r.kind === 'contract_error') return { result: { contractError: r.error }, gasUsed: r.gasUsed };
      if (r.error.kind === 'gas_depletion') throw r.error;
      return { result: { contractError: r.error.message }, gasUsed: r.gasUsed };
    }
    return { result: { systemError: { unsupported_request: { kind: `${module}.${kind}` } } }, gasUsed: 0n };
  }
}

function bytes(msg: JsonValue | Uint8Array): Uint8Array {
  return msg instanceof Uint8Array ? msg : enc.encode(stringifyJson(msg));
}

/** Decodes a query answer (JSON bytes) for display; undefined when it is not JSON. */
export function decodeAnswer(answer: Uint8Array): JsonValue | undefined {
  try {
    return parseJson(dec.decode(answer));
  } catch {
    return undefined;
  }
}
