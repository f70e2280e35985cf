/**
 * The application: what one transaction does to the state (DeliverTx), what is checked before a tx
 * enters the mempool (CheckTx), and simulation. The block producer (node.ts) calls these.
 *
 * DeliverTx, as the SDK's baseapp runs it:
 *   1. decode (failure: code 2, nothing kept);
 *   2. the ante handler in a branch of the block's cache, on a gas meter with the tx's gas limit
 *      (failure: nothing kept, no fee: the tx normally never gets here, CheckTx refuses it);
 *   3. the messages, in order, in a branch of that; each message's events get `msg_index`. If any
 *      message fails, or gas runs out, the messages' branch is dropped: the fee and the sequence
 *      increment of step 2 stay, nothing else.
 * The result carries code/codespace/log, the events (the ante's always), gas wanted/used and
 * `data`: the TxMsgData with one response per message, in message order.
 */
import { decodeTx, encodeTxMsgData, type DecodedTx } from '@cloak/client';
import type { Cache } from '../store/kv.js';
import { ante, type AnteOptions } from './ante.js';
import { VerifiedTxs } from './sigverify.js';
import { Compute, Ctx, type BlockInfo } from './compute.js';
import { SdkError, TxFailure, internalFailure } from './errors.js';
import { event, withMsgIndex, type Event } from './events.js';
import { GasMeter, OutOfGas } from './gas.js';
import { msgSigner, runMsg } from './msgs.js';
import { MeteredKv } from './state.js';

export interface TxResult {
  code: number;
  codespace: string;
  log: string;
  events: Event[];
  gasWanted: bigint;
  gasUsed: bigint;
  /** TxMsgData, protobuf. */
  data: Uint8Array;
}

export class App {
  /** Signatures checked at CheckTx, so DeliverTx of the same bytes does not check them again. */
  readonly verified = new VerifiedTxs();
  constructor(readonly compute: Compute, readonly options: AnteOptions) {}

  /** Decodes a tx, turning any decode failure into code 2. */
  decode(raw: Uint8Array): DecodedTx {
    try {
      return decodeTx(raw);
    } catch (e) {
      throw SdkError.txDecode(`${e instanceof Error ? e.message : String(e)}: tx parse error`);
    }
  }

  /**
   * CheckTx: decode and the ante handler, on `cache` (the mempool's view: committed state plus the
   * ante effects of the txs already accepted). Throws the TxFailure that refuses the tx.
   */
  check(cache: Cache, raw: Uint8Array, hash: string, height: bigint, decoded?: DecodedTx): DecodedTx {
    const tx = decoded ?? this.decode(raw);
    const branch = cache.branch();
    try {
      ante(new MeteredKv(branch, new GasMeter(tx.fee.gasLimit)), tx, raw, tx.body.msgs.map(msgSigner), { ...this.options, height, verified: { txs: this.verified, hash, remember: true } });
    } catch (e) {
      if (e instanceof OutOfGas) throw SdkError.outOfGas(`${e.message}: out of gas`);
      throw e;
    }
    branch.commit();
    return tx;
  }

  /** DeliverTx on `cache` (the block's); never throws for anything the tx does. `decoded`: the same bytes decoded at CheckTx. */
  async deliver(cache: Cache, raw: Uint8Array, block: BlockInfo, index: number, hash: string, simulate = false, decoded?: DecodedTx, maxGas?: bigint): Promise<TxResult> {
    let tx: DecodedTx;
    try {
      tx = decoded ?? this.decode(raw);
    } catch (e) {
      return failed(e as TxFailure, [], 0n, 0n);
    }
    // A simulation ignores the tx's gas limit, as the SDK's (its meter is unbounded there; here it
    // is `maxGas`, the gas of an API query), and reports what the tx would use.
    let limit = simulate && maxGas !== undefined ? maxGas : tx.fee.gasLimit;
    if (maxGas !== undefined && limit > maxGas) limit = maxGas;
    const gas = new GasMeter(limit);
    const anteCache = cache.branch();
    let anteEvents: Event[];
    try {
      anteEvents = ante(new MeteredKv(anteCache, gas), tx, raw, tx.body.msgs.map(msgSigner), { ...this.options, simulate, height: block.height, verified: { txs: this.verified, hash, remember: false } }).events;
    } catch (e) {
      return failed(asFailure(e), [], tx.fee.gasLimit, gas.consumed);
    }
    anteCache.commit();
    this.verified.delete(hash);
    const msgCache = cache.branch();
    const ctx = new Ctx(msgCache, gas, block, { index, hash });
    const events: Event[] = [];
    const responses: { typeUrl: string; value: Uint8Array }[] = [];
    for (let i = 0; i < tx.body.msgs.length; i++) {
      const msg = tx.body.msgs[i];
      try {
        const r = await runMsg(this.compute, ctx, msg);
        events.push(...withMsgIndex([event('message', ['action', `/${msg.typeUrl.replace(/^\//, '')}`], ['sender', msgSigner(msg)], ['module', r.module])], i));
        events.push(...withMsgIndex(r.events, i));
        responses.push(r.response);
      } catch (e) {
        const f = asFailure(e);
        const log = f.code === 11 && f.codespace === 'sdk' ? f.message : `failed to execute message; message index: ${i}: ${f.message}`;
        return failed(new TxFailure(f.codespace, f.code, log), anteEvents, tx.fee.gasLimit, gas.consumed);
      }
    }
    msgCache.commit();
    return {
      code: 0,
      codespace: '',
      log: '',
      events: [...anteEvents, ...events],
      gasWanted: tx.fee.gasLimit,
      gasUsed: gas.consumed,
      data: encodeTxMsgData(responses),
    };
  }
}

function asFailure(e: unknown): TxFailure {
  if (e instanceof TxFailure) return e;
  if (e instanceof OutOfGas) return SdkError.outOfGas(`${e.message}: out of gas`);
  // Anything else is a bug in cloak; the tx fails with it rather than the node.
  return internalFailure(e);
}

function failed(f: TxFailure, events: Event[], gasWanted: bigint, gasUsed: bigint): TxResult {
  return { code: f.code, codespace: f.codespace, log: f.message, events, gasWanted, gasUsed, data: new Uint8Array(0) };
}
