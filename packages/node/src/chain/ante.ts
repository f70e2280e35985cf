/**
 * The ante handler: what every transaction goes through before its messages, at CheckTx (on
 * broadcast) and again at DeliverTx (in the block), in the SDK's order: memo, size gas, fee
 * (denom, minimum price, deducted to the fee collector), public key, signature gas, sequence and
 * signature (SIGN_MODE_DIRECT over the SignDoc with this chain id and the account number), then
 * the sequence is incremented. A failure here rejects the tx: at DeliverTx nothing of it is kept
 * (no fee), as in the SDK; once the ante succeeded the fee and sequence stay even if a message fails.
 */
import { addressFromPubkey, signDocBytes, toBech32, type DecodedTx } from '@cloak/client';
import { Auth, FEE_COLLECTOR } from './auth.js';
import { Bank } from './bank.js';
import { checkCoins, coinsText } from './coins.js';
import { SdkError } from './errors.js';
import { event, type Event } from './events.js';
import { GAS } from './gas.js';
import { verifySecp256k1, type VerifiedTxs } from './sigverify.js';
import type { MeteredKv } from './state.js';

export interface AnteOptions {
  chainId: string;
  /** The height of the block the tx would be in (for timeout_height). */
  height?: bigint;
  /** Minimum gas price in uscrt per gas, as a fraction (LocalSecret: 0.0125 = 1/80). */
  minGasPrice: { num: bigint; den: bigint };
  /** Skip the signature check (simulation: secretjs signs with 64 zero bytes). */
  simulate?: boolean;
  /**
   * Signatures already checked: at CheckTx (`remember`) a passing tx is added under its hash; at
   * DeliverTx the same bytes with the same chain id and account number are not checked again.
   */
  verified?: { txs: VerifiedTxs; hash: string; remember: boolean };
}

export const MAX_MEMO = 256;
export const FEE_DENOM = 'uscrt';

/** Runs the ante handler for `tx` (its raw bytes `raw`) on `kv`; returns the ante's events. */
export function ante(kv: MeteredKv, tx: DecodedTx, raw: Uint8Array, signers: string[], o: AnteOptions): { events: Event[]; signer: Uint8Array } {
  if (tx.body.timeoutHeight > 0n && o.height !== undefined && o.height > tx.body.timeoutHeight) {
    throw SdkError.txTimeoutHeight(`block height: ${o.height}, timeout height: ${tx.body.timeoutHeight}: tx timeout height`);
  }
  if (tx.fee.granter !== '') throw SdkError.invalidRequest('fee grants are not supported by cloak: leave fee.granter empty');
  // The SDK counts the memo in bytes (Go's len of a string).
  const memoBytes = new TextEncoder().encode(tx.body.memo).length;
  if (memoBytes > MAX_MEMO) throw SdkError.memoTooLarge(`maximum number of characters is ${MAX_MEMO} but received ${memoBytes} characters`);
  kv.gas.consume(GAS.txSizePerByte * BigInt(raw.length), 'txSize');

  const signer = addressFromPubkey(tx.signer.pubkey);
  const signerText = toBech32(signer);
  if (tx.fee.payer !== '' && tx.fee.payer !== signerText) throw SdkError.invalidRequest(`fee.payer ${tx.fee.payer.slice(0, 100)} is not the signer; only the signer can pay`);
  for (const s of signers) {
    if (s !== signerText) throw SdkError.unauthorized(`pubkey does not match signer address ${s} with signer index: 0: invalid pubkey`);
  }
  const auth = new Auth(kv);
  const account = auth.get(signer);
  if (account === undefined) throw SdkError.unknownAddress(`account ${signerText} not found`);

  // Fee: uscrt only, at least gas limit × minimum price (rounded up), paid by the signer.
  const fee = checkCoins(tx.fee.amount, 'fee', true).filter(([, n]) => n > 0n);
  for (const [d] of fee) if (d !== FEE_DENOM) throw SdkError.insufficientFee(`fee denom ${d} is not accepted, only ${FEE_DENOM}`);
  const paid = fee.find(([d]) => d === FEE_DENOM)?.[1] ?? 0n;
  const required = (tx.fee.gasLimit * o.minGasPrice.num + o.minGasPrice.den - 1n) / o.minGasPrice.den;
  if (!o.simulate && paid < required) throw SdkError.insufficientFee(`insufficient fees; got: ${paid}${FEE_DENOM} required: ${required}${FEE_DENOM}`);
  const events: Event[] = [];
  if (fee.length > 0) {
    try {
      events.push(...new Bank(kv, toBech32).send(signer, FEE_COLLECTOR, fee));
    } catch (e) {
      throw SdkError.insufficientFunds(`${(e as Error).message}: insufficient funds to pay the fee of ${coinsText(fee)}`);
    }
  }
  events.push(event('tx', ['fee', coinsText(fee)], ['fee_payer', signerText]));

  // Public key: set on first use; it must be the key of the address (it is, by construction).
  if (account.pubkey !== undefined && Buffer.compare(Buffer.from(account.pubkey), Buffer.from(tx.signer.pubkey)) !== 0) {
    throw SdkError.invalidPubKey(`the public key of ${signerText} is not the one it signed with before`);
  }
  kv.gas.consume(GAS.sigVerifySecp256k1, 'ante verify: secp256k1');

  if (tx.signer.sequence !== account.sequence) {
    throw SdkError.wrongSequence(`account sequence mismatch, expected ${account.sequence}, got ${tx.signer.sequence}: incorrect account sequence`);
  }
  if (!o.simulate) {
    if (tx.signer.mode !== 1) throw SdkError.unauthorized(`sign mode ${tx.signer.mode} is not supported (only SIGN_MODE_DIRECT)`);
    const v = o.verified;
    if (v === undefined || !v.txs.has(v.hash, o.chainId, account.number)) {
      const doc = signDocBytes(tx.bodyBytes, tx.authInfoBytes, o.chainId, account.number);
      if (!verifySecp256k1(tx.signer.pubkey, doc, tx.signatures[0])) {
        throw SdkError.unauthorized(`signature verification failed; please verify account number (${account.number}), sequence (${account.sequence}) and chain-id (${o.chainId})`);
      }
      if (v?.remember) v.txs.add(v.hash, o.chainId, account.number);
    }
  }
  events.push(event('tx', ['acc_seq', `${signerText}/${account.sequence}`]));
  events.push(event('tx', ['signature', Buffer.from(tx.signatures[0]).toString('base64')]));
  auth.save({ ...account, sequence: account.sequence + 1n, pubkey: tx.signer.pubkey });
  return { events, signer };
}
