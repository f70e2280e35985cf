/**
 * A running cloak node: the store, the enclave processes, the mempool and the block producer, and
 * the read side the HTTP API serves from.
 *
 *   - Broadcast runs CheckTx against the mempool's view (committed state plus the ante effects of
 *     the txs already accepted, so a second tx of the same account needs the next sequence) and
 *     queues the tx; the same bytes twice are refused (code 19).
 *   - Every `blockTimeMs` the producer takes the queued txs (at most `maxBlockTxs`) into a block,
 *     or makes an empty block when `heartbeatMs` passed without one. A block runs every tx in one
 *     cache over the committed state and is committed with its tx results in one store transaction
 *     (store.ts), then the mempool's view is rebuilt and the txs that arrived meanwhile rechecked.
 *   - Execution has one enclave process; queries from the API go to a small pool of others, so a
 *     slow query never delays a block.
 * Block and tx records are JSON documents in the shapes the API serves (api/render.ts).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { EnclaveError, EnclavePool, EnclaveProcess, Type, type EnclaveProcessOptions, type Logger } from '@cloak/protocol';
import { addressFromPubkey, fromBech32, signDocBytes, toBech32, txHash, type DecodedTx } from '@cloak/client';
import { SigVerifier } from './sigverify.js';
import { Store } from '../store/store.js';
import { Cache, type KvReader } from '../store/kv.js';
import { App, type TxResult } from './app.js';
import { Auth, type Account } from './auth.js';
import { Bank } from './bank.js';
import { checkCoins, type Coin } from './coins.js';
import { Compute, type BlockInfo, type CodeInfo, type HistoryEntry } from './compute.js';
import { SdkError, TxFailure, internalFailure } from './errors.js';
import type { Event } from './events.js';
import { GasMeter } from './gas.js';
import { MeteredKv, PREFIX, be64, key, parse, prefixEnd, readBe64 } from './state.js';

export interface GenesisAccount {
  address: string;
  coins: Coin[];
}

export interface Genesis {
  chain_id: string;
  genesis_time: string;
  accounts: GenesisAccount[];
}

export interface NodeOptions {
  /** The data directory (an LMDB environment). */
  dataDir: string;
  /** Used only when the store is empty. */
  genesis: Genesis;
  /** How the enclave processes are started (@cloak/enclave/launch's enclaveCommand). */
  enclave: EnclaveProcessOptions;
  /** Query enclaves (default 2). */
  queryEnclaves?: number;
  blockTimeMs?: number;
  heartbeatMs?: number;
  maxBlockTxs?: number;
  /** Most tx bytes in one block (CometBFT's default max_bytes, 21 MiB); a larger tx goes alone. */
  maxBlockBytes?: number;
  maxMempoolTxs?: number;
  /** Largest tx accepted, in bytes (default 3 MiB: a 2 MiB contract upload with room to spare). */
  maxTxBytes?: number;
  /** Gas of an API smart query (x/compute's contract-query-gas-limit, in SDK gas). */
  queryGasLimit?: bigint;
  minGasPrice?: { num: bigint; den: bigint };
  log?: Logger;
}

/** A block as stored and served. */
export interface BlockRecord {
  block_id: { hash: string };
  block: {
    header: {
      chain_id: string;
      height: string;
      time: string;
      last_block_id: { hash: string };
      data_hash: string;
      app_hash: string;
    };
    data: { txs: string[] };
  };
}

/** A committed tx as stored and served (tx_response, without the decoded `tx`). */
export interface TxRecordJson {
  height: string;
  txhash: string;
  codespace: string;
  code: number;
  data: string;
  raw_log: string;
  logs: [];
  info: string;
  gas_wanted: string;
  gas_used: string;
  events: Event[];
  timestamp: string;
  /** The tx bytes as broadcast (base64). */
  tx_bytes: string;
  index: number;
}

export interface BroadcastResult {
  code: number;
  codespace: string;
  log: string;
  txhash: string;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
/** Runs of an API query when blocks keep being committed under it (the last answer is returned). */
const QUERY_ATTEMPTS = 3;
const hexUp = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();

/** RFC 3339 with nanoseconds, as CometBFT prints block times. */
export function rfc3339(nanos: bigint): string {
  const ms = nanos / 1_000_000n;
  const iso = new Date(Number(ms)).toISOString();
  return `${iso.slice(0, 19)}.${(nanos % 1_000_000_000n).toString().padStart(9, '0')}Z`;
}

export class ChainNode {
  readonly store: Store;
  readonly app: App;
  /** The app for simulations: its compute module calls the query enclaves. */
  private readonly simulator: App;
  readonly compute: Compute;
  readonly chainId: string;
  private readonly enclave: EnclaveProcess;
  private readonly queries: EnclavePool;
  private readonly o: Required<Omit<NodeOptions, 'log'>> & { log?: Logger };
  private mempool: { raw: Uint8Array; hash: string; tx: DecodedTx }[] = [];
  private readonly pending = new Set<string>();
  private checkCache: Cache;
  private timer: NodeJS.Timeout | null = null;
  private producing: Promise<void> | null = null;
  private lock: Promise<unknown> = Promise.resolve();
  private closing = false;
  /** Both start at the node's start: the first block comes one interval (or heartbeat) later. */
  private lastBlockAt = Date.now();
  private lastBlockStart = Date.now();
  private lastTimeNanos = 0n;
  /** The hash of the last committed block (read once from the store, then kept). */
  private lastBlockHash: string | undefined;
  private closed = false;
  /** CheckTx of the txs being broadcast, in arrival order. */
  private checking: Promise<unknown> = Promise.resolve();
  private readonly verifier = new SigVerifier(new URL('./sigverify-worker.js', import.meta.url));
  /** Called when the node can no longer make blocks (cloak start then exits). */
  onFatal: ((e: Error) => void) | null = null;
  /** Called after each committed block (the API uses it to wake waiters). */
  onBlock: ((height: number) => void) | null = null;

  private constructor(store: Store, o: ChainNode['o']) {
    this.store = store;
    this.o = o;
    this.enclave = new EnclaveProcess(o.enclave);
    this.queries = new EnclavePool({ ...o.enclave, size: o.queryEnclaves });
    this.compute = new Compute(this.enclave, this.queries, { toBech32, fromBech32 });
    this.chainId = o.genesis.chain_id;
    this.app = new App(this.compute, { chainId: this.chainId, minGasPrice: o.minGasPrice });
    this.simulator = new App(new Compute(this.queries, this.queries, { toBech32, fromBech32 }), { chainId: this.chainId, minGasPrice: o.minGasPrice });
    this.checkCache = new Cache(store.state());
    const latest = this.latestBlock();
    if (latest) this.lastTimeNanos = parseTime(latest.block.header.time);
  }

  /** Opens the store (writing genesis into an empty one) and starts producing blocks. */
  static open(options: NodeOptions): ChainNode {
    const o = {
      queryEnclaves: 2,
      blockTimeMs: 500,
      heartbeatMs: 5000,
      maxBlockTxs: 5000,
      maxBlockBytes: 22_020_096,
      maxMempoolTxs: 10_000,
      maxTxBytes: 3 * 1024 * 1024,
      queryGasLimit: 10_000_000n,
      minGasPrice: { num: 1n, den: 80n },
      ...options,
    };
    const store = Store.open(o.dataDir);
    try {
      if (store.height < 0) initGenesis(store, o.genesis);
      else {
        const g = JSON.parse(dec.decode(store.genesis() ?? new Uint8Array())) as Genesis;
        if (g.chain_id !== o.genesis.chain_id) throw new Error(`the data directory holds chain ${g.chain_id}, not ${o.genesis.chain_id}`);
        // A genesis changed after the chain began would be silently ignored: refuse it instead.
        if (JSON.stringify(g) !== JSON.stringify(o.genesis)) throw new Error(`the genesis given differs from the one chain ${g.chain_id} began with (genesis.json edited after the first start? a new chain needs a new home)`);
        o.genesis = g;
      }
    } catch (e) {
      store.close();
      throw e;
    }
    const node = new ChainNode(store, o);
    node.schedule();
    return node;
  }

  /**
   * Starts the enclave processes now (they start on first use otherwise) and checks that each
   * answers an ecall: an enclave that cannot run is found before the node says it is ready.
   */
  async checkEnclaves(): Promise<void> {
    const probe = async (e: { ecall: EnclaveProcess['ecall'] }) => {
      // An ecall on code nobody has: the enclave asks for it, hears there is none and refuses: alive.
      try {
        await e.ecall({ type: Type.EcallQuery, codeHash: new Uint8Array(32), env: { height: 0n, timeNanos: 0n, chainId: this.chainId, contract: '' }, msg: new Uint8Array(0), gasLimit: 1n, depth: 1 }, {
          readDb: () => undefined, range: () => [], loadCode: () => undefined, queryChain: () => Promise.reject(new Error('no queries in a probe')),
        });
      } catch (err) {
        if (err instanceof EnclaveError) return;
        throw err;
      }
    };
    await probe(this.enclave);
    await Promise.all(this.queries.processes.map((p) => probe(p)));
  }

  /** The enclave's mode ("interpreter, --jitless" / "v8 engine, JIT"). */
  get enclaveMode(): string {
    return this.enclave.mode;
  }

  get height(): number {
    return this.store.height;
  }

  // ---------------------------------------------------------------- txs

  /**
   * CheckTx and queue; the answer of a sync broadcast. Never rejects for anything in `raw`.
   * The signature is checked first on the verifier's thread (for the account number the mempool's
   * view has), the rest of CheckTx then runs here in arrival order, so txs of one account that
   * arrive in sequence order are accepted in that order.
   */
  async broadcast(raw: Uint8Array): Promise<BroadcastResult> {
    const txhash = txHash(raw);
    const refuse = (f: TxFailure): BroadcastResult => ({ code: f.code, codespace: f.codespace, log: f.message, txhash });
    if (this.closed) return refuse(new TxFailure('sdk', 1, 'the node is shutting down'));
    if (raw.length > this.o.maxTxBytes) return refuse(SdkError.txTooLarge(`tx of ${raw.length} bytes exceeds the limit of ${this.o.maxTxBytes}`));
    if (this.pending.has(txhash) || this.store.tx(Buffer.from(txhash, 'hex')) !== undefined) return refuse(SdkError.txInMempoolCache('tx already exists in cache'));
    if (this.pending.size >= this.o.maxMempoolTxs) return refuse(SdkError.mempoolIsFull(`mempool is full: ${this.pending.size} txs`));
    let tx: DecodedTx;
    try {
      tx = this.app.decode(raw);
    } catch (e) {
      return refuse(e as TxFailure);
    }
    this.pending.add(txhash);
    const verified = this.preverify(tx, txhash);
    const result = this.checking.then(() => verified).then(() => {
      const r = this.checkNow(raw, txhash, tx);
      if (r !== undefined) this.pending.delete(txhash);
      return r ?? { code: 0, codespace: '', log: '', txhash };
    });
    this.checking = result.catch(() => undefined);
    return result;
  }

  /** Checks the signature off this thread and remembers it when it holds (CheckTx then skips it). */
  private async preverify(tx: DecodedTx, hash: string): Promise<void> {
    if (tx.signer.mode !== 1) return;
    const account = new Auth(new MeteredKv(this.checkCache.branch(), new GasMeter(1n << 62n))).get(addressFromPubkey(tx.signer.pubkey));
    if (account === undefined) return;
    const doc = signDocBytes(tx.bodyBytes, tx.authInfoBytes, this.chainId, account.number);
    if (await this.verifier.verify(tx.signer.pubkey, doc, tx.signatures[0])) this.app.verified.add(hash, this.chainId, account.number);
  }

  /** The rest of CheckTx on the mempool's view, and into the mempool; the refusal, or undefined. */
  private checkNow(raw: Uint8Array, hash: string, tx: DecodedTx): BroadcastResult | undefined {
    try {
      this.app.check(this.checkCache, raw, hash, BigInt(this.store.height + 1), tx);
    } catch (e) {
      const f = e instanceof TxFailure ? e : internalFailure(e);
      return { code: f.code, codespace: f.codespace, log: f.message, txhash: hash };
    }
    this.mempool.push({ raw, hash, tx });
    return undefined;
  }

  /** A committed tx by its hash (hex, any case). */
  tx(hash: string): TxRecordJson | undefined {
    if (!/^[0-9a-fA-F]{64}$/.test(hash)) return undefined;
    const r = this.store.tx(Buffer.from(hash, 'hex'));
    return r === undefined ? undefined : (JSON.parse(dec.decode(r)) as TxRecordJson);
  }

  /** Runs a tx without signatures or fee checks on a throwaway cache (POST …/simulate). */
  async simulate(raw: Uint8Array): Promise<TxResult> {
    // On the query enclaves (a simulation never waits in front of a block), with the gas of an API
    // query at most, on a throwaway cache.
    const cache = new Cache(this.store.state());
    return this.simulator.deliver(cache, raw, this.nextBlockInfo(), 0, txHash(raw), true, undefined, this.o.queryGasLimit);
  }

  // ---------------------------------------------------------------- blocks

  block(height: number): BlockRecord | undefined {
    const b = this.store.block(height);
    return b === undefined ? undefined : (JSON.parse(dec.decode(b)) as BlockRecord);
  }

  latestBlock(): BlockRecord | undefined {
    return this.store.height >= 1 ? this.block(this.store.height) : undefined;
  }

  /**
   * Arms the timer for the next block: `blockTimeMs` after the previous block started (at once if
   * that block took longer), so a busy chain makes a block per interval rather than an interval
   * plus the time to execute.
   */
  private schedule(idle = false): void {
    if (this.closed) return;
    // Nothing to do at the last tick: look again one interval later.
    const wait = idle ? this.o.blockTimeMs : Math.max(0, this.o.blockTimeMs - (Date.now() - this.lastBlockStart));
    this.timer = setTimeout(() => {
      this.timer = null;
      const due = this.mempool.length > 0 || Date.now() - this.lastBlockAt >= this.o.heartbeatMs;
      if (!due) return this.schedule(true);
      this.producing = this.produce().then(() => undefined, (e: unknown) => {
        this.o.log?.('error', 'block_failed', e instanceof Error ? e.message : String(e));
        if (e instanceof Error && e.stack) this.o.log?.('debug', 'block_failed_stack', e.stack);
        // Another process wrote the store (lock.ts normally prevents it): this node cannot go on.
        if (e instanceof Error && /changed by another writer/.test(e.message)) {
          this.o.log?.('error', 'node_stopped', 'the store was changed by another process; this node stops making blocks');
          this.closed = true;
          this.onFatal?.(e);
        }
      }).finally(() => {
        this.producing = null;
        this.schedule();
      });
    }, wait);
    this.timer.unref?.();
  }

  private nextBlockInfo(): BlockInfo {
    let now = BigInt(Date.now()) * 1_000_000n;
    if (now <= this.lastTimeNanos) now = this.lastTimeNanos + 1n;
    return { height: BigInt(this.store.height + 1), timeNanos: now, chainId: this.chainId };
  }

  /** Makes and commits the next block from the queued txs (one block at a time). */
  produce(): Promise<number> {
    const next = this.lock.then(() => this.produceNow());
    this.lock = next.catch(() => undefined);
    return next;
  }

  /** Takes queued txs for a block: at most maxBlockTxs and maxBlockBytes of tx bytes (at least one). */
  private take(): { raw: Uint8Array; hash: string; tx: DecodedTx }[] {
    let bytes = 0;
    let n = 0;
    while (n < this.mempool.length && n < this.o.maxBlockTxs) {
      bytes += this.mempool[n].raw.length;
      if (n > 0 && bytes > this.o.maxBlockBytes) break;
      n++;
    }
    return this.mempool.splice(0, n);
  }

  private async produceNow(): Promise<number> {
    if (this.closing) throw new Error('the node is closed');
    this.lastBlockStart = Date.now();
    const txs = this.take();
    try {
      return await this.makeBlock(txs);
    } catch (e) {
      // The block was not committed: its txs are dropped (their senders see "not found" and may
      // send again), and the mempool's view is rebuilt without their ante effects.
      for (const t of txs) this.pending.delete(t.hash);
      this.recheck();
      throw e;
    }
  }

  private async makeBlock(txs: { raw: Uint8Array; hash: string; tx: DecodedTx }[]): Promise<number> {
    const info = this.nextBlockInfo();
    const height = Number(info.height);
    const time = rfc3339(info.timeNanos);
    const cache = new Cache(this.store.state());
    const records: { hash: Uint8Array; record: Uint8Array }[] = [];
    for (let i = 0; i < txs.length; i++) {
      const r = await this.app.deliver(cache, txs[i].raw, info, i, txs[i].hash, false, txs[i].tx);
      const rec: TxRecordJson = {
        height: String(height),
        txhash: txs[i].hash,
        codespace: r.codespace,
        code: r.code,
        data: hexUp(r.data),
        raw_log: r.log,
        logs: [],
        info: '',
        gas_wanted: r.gasWanted.toString(),
        gas_used: r.gasUsed.toString(),
        events: r.events,
        timestamp: time.replace(/\.\d+Z$/, 'Z'),
        tx_bytes: Buffer.from(txs[i].raw).toString('base64'),
        index: i,
      };
      records.push({ hash: Buffer.from(txs[i].hash, 'hex'), record: enc.encode(JSON.stringify(rec)) });
    }
    this.lastBlockHash ??= this.latestBlock()?.block_id.hash ?? '';
    const header = {
      chain_id: this.chainId,
      height: String(height),
      time,
      last_block_id: { hash: this.lastBlockHash },
      data_hash: hexUp(sha256(enc.encode(txs.map((t) => t.hash).join('')))),
      app_hash: hexUp(this.store.appHash),
    };
    const block: BlockRecord = {
      block_id: { hash: hexUp(sha256(enc.encode(JSON.stringify(header)))) },
      block: { header, data: { txs: txs.map((t) => Buffer.from(t.raw).toString('base64')) } },
    };
    const executed = Date.now();
    this.store.commitBlock(height, enc.encode(JSON.stringify(block)), records, cache);
    this.o.log?.('debug', 'block_committed', `height ${height}: ${txs.length} txs, executed in ${executed - this.lastBlockStart} ms, committed in ${Date.now() - executed} ms`);
    this.lastBlockHash = block.block_id.hash;
    this.lastTimeNanos = info.timeNanos;
    this.lastBlockAt = Date.now();
    for (const t of txs) this.pending.delete(t.hash);
    this.recheck();
    this.onBlock?.(height);
    return height;
  }

  /** The mempool's view starts again from the committed state; what is still queued is checked again. */
  private recheck(): void {
    this.checkCache = new Cache(this.store.state());
    const still = this.mempool;
    this.mempool = [];
    for (const t of still) {
      const r = this.checkNow(t.raw, t.hash, t.tx);
      if (r !== undefined) {
        this.pending.delete(t.hash);
        this.o.log?.('info', 'tx_dropped', `${t.hash}: ${r.log}`);
      }
    }
  }

  // ---------------------------------------------------------------- reads

  /** A read-only view of the committed state with a generous meter (reads are not charged). */
  private view(): MeteredKv {
    return new MeteredKv(new Cache(this.store.state()), new GasMeter(1n << 62n));
  }

  account(address: Uint8Array): Account | undefined {
    return new Auth(this.view()).get(address);
  }

  balances(address: Uint8Array): Coin[] {
    return new Bank(this.view(), toBech32).balances(address);
  }

  balance(address: Uint8Array, denom: string): bigint {
    return new Bank(this.view(), toBech32).balance(address, denom);
  }

  state(): KvReader {
    return this.store.state();
  }

  // Registry reads for the API (the key layout is state.ts's); all on committed state.

  /** Every stored code, by ascending code id. */
  codes(): { codeId: bigint; info: CodeInfo }[] {
    const p = key(PREFIX.code);
    return this.state().range(p, prefixEnd(p), false, Infinity).map(([k, v]) => ({ codeId: readBe64(k, 1), info: parse<CodeInfo>(v) }));
  }

  /** The addresses of the contracts whose code is `codeId` (the by-code index, in address order). */
  contractsByCode(codeId: bigint): Uint8Array[] {
    const p = key(PREFIX.byCode, be64(codeId));
    return this.state().range(p, prefixEnd(p), false, Infinity).map(([k]) => k.slice(p.length));
  }

  /** A contract's code history, oldest first. */
  contractHistory(address: Uint8Array): HistoryEntry[] {
    const p = key(PREFIX.history, address);
    return this.state().range(p, prefixEnd(p), false, Infinity).map(([, v]) => parse<HistoryEntry>(v));
  }

  /** The address of the contract labelled `label`. */
  contractByLabel(label: string): Uint8Array | undefined {
    return this.state().get(key(PREFIX.label, label));
  }

  /** A contract's raw state records with start <= key < end (keys without the prefix), as KvReader.range. */
  contractState(address: Uint8Array, start: Uint8Array | undefined, end: Uint8Array | undefined, reverse: boolean, limit: number): [Uint8Array, Uint8Array][] {
    const p = key(PREFIX.contractState, address);
    const s = start === undefined ? p : key(PREFIX.contractState, address, start);
    const e = end === undefined ? prefixEnd(p) : key(PREFIX.contractState, address, end);
    return this.state().range(s, e, reverse, limit).map(([k, v]) => [k.slice(p.length), v]);
  }

  /** A smart query on committed state (GET /compute/v1beta1/query/…); throws TxFailure. */
  async query(contract: Uint8Array, msg: Uint8Array): Promise<Uint8Array> {
    // The query's ocalls read the committed state as they come; a block committed meanwhile would
    // give it reads from two heights. Such an answer is thrown away and the query run again.
    for (let attempt = 1; ; attempt++) {
      const height = this.store.height;
      const answer = await this.compute.query(this.store.state(), contract, msg, this.o.queryGasLimit * 1000n, this.nextBlockInfo());
      if (this.store.height === height || attempt === QUERY_ATTEMPTS) return answer;
    }
  }

  /** Stops producing blocks, waits for the block in progress, stops the enclaves, closes the store. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.producing;
    await this.lock;
    this.closing = true;
    await this.checking;
    this.verifier.close();
    this.enclave.close();
    this.queries.close();
    this.store.close();
  }
}

function parseTime(t: string): bigint {
  const m = /^(.*)\.(\d{9})Z$/.exec(t);
  if (!m) return BigInt(Date.parse(t)) * 1_000_000n;
  return BigInt(Date.parse(`${m[1]}Z`)) / 1000n * 1_000_000_000n + BigInt(m[2]);
}

function initGenesis(store: Store, g: Genesis): void {
  if (typeof g.chain_id !== 'string' || g.chain_id === '') throw new Error('genesis: chain_id is required');
  const cache = new Cache(store.state());
  const kv = new MeteredKv(cache, new GasMeter(1n << 62n));
  const bank = new Bank(kv, toBech32);
  for (const a of g.accounts) {
    let address: Uint8Array;
    try {
      address = fromBech32(a.address);
    } catch (e) {
      throw new Error(`genesis: account ${a.address}: ${(e as Error).message}`);
    }
    bank.mint(address, checkCoins(a.coins, `genesis account ${a.address}`));
  }
  store.commitGenesis(cache, enc.encode(JSON.stringify(g)));
}
