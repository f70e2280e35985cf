/**
 * Transactions (spec/secretjs-surface.md §3.1, §3.5, §2.10–2.11): building and signing one in
 * SIGN_MODE_DIRECT, decoding and validating one as a node receives it, its hash, and its JSON in a
 * GetTx answer. The envelope (TxRaw, TxBody, AuthInfo, SignerInfo, Fee, SignDoc, PubKey, Any) is
 * encoded and decoded with cosmjs-types' generated codecs; before they see a byte, decodeTx reads
 * each part strictly (wire.ts): unknown fields are refused in TxRaw and AuthInfo and, as in
 * cosmos-sdk, in TxBody unless their number has the non-critical bit 1024. Then it enforces what
 * secretjs sends and cloak accepts: exactly one signer info and one 64-byte signature, a
 * `/cosmos.crypto.secp256k1.PubKey` of 33 bytes on the curve, a single sign mode DIRECT (1) or
 * LEGACY_AMINO_JSON (127; reported, verifying it is not this file's job), a fee, no tip, no
 * extension options, at least one message, every message one of msgs.ts's. Any failure is a
 * TxDecodeError whose message names the part and field (byte offsets count from the start of the
 * innermost bytes field in that path). Signature checks need the account number and chain id, so
 * they are the node's: signDocBytes + verifySignature.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { base64, hex } from '@scure/base';
import { PubKey } from 'cosmjs-types/cosmos/crypto/secp256k1/keys';
import { SignMode, signModeToJSON } from 'cosmjs-types/cosmos/tx/signing/v1beta1/signing';
import { AuthInfo, SignDoc, TxBody, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { COIN_SHAPE, checkCoins, coinFrom, coinsJson, type Coin } from './coins.js';
import type { Key } from './keys.js';
import { PUBKEY_BYTES, SIGNATURE_BYTES } from './limits.js';
import { ANY_SHAPE, decodeMsg, encodeMsg, msgJson, type Json, type Msg } from './msgs.js';
import { DecodeError, checkUint64, finish, readMessage, type Fields, type Shape } from './wire.js';

export const PUBKEY_TYPE_URL = '/cosmos.crypto.secp256k1.PubKey';
export const SIGN_MODE_DIRECT = 1;
export const SIGN_MODE_LEGACY_AMINO_JSON = 127;

/** A transaction a node must refuse as undecodable; the message names what was wrong. */
export class TxDecodeError extends DecodeError {
  override readonly name: string = 'TxDecodeError';
}

export interface Fee {
  amount: Coin[];
  gasLimit: bigint;
  /** Never set by secretjs. */
  payer?: string;
  /** Set by secretjs when a fee granter is given. */
  granter?: string;
}

export interface BuildTxOptions {
  msgs: Msg[];
  memo?: string;
  fee: Fee;
  key: Key;
  sequence: bigint;
  accountNumber: bigint;
  chainId: string;
  /** Block height after which the tx is invalid; 0 (the default, what secretjs sends) for none. */
  timeoutHeight?: bigint;
}

export interface DecodedTx {
  /** The exact bytes that were signed (SignDoc fields 1 and 2). */
  bodyBytes: Uint8Array;
  authInfoBytes: Uint8Array;
  /** Exactly one, of 64 bytes. */
  signatures: Uint8Array[];
  body: { msgs: Msg[]; memo: string; timeoutHeight: bigint };
  /** pubkey: 33-byte compressed; mode: SIGN_MODE_DIRECT or SIGN_MODE_LEGACY_AMINO_JSON. */
  signer: { pubkey: Uint8Array; mode: number; sequence: bigint };
  fee: { amount: Coin[]; gasLimit: bigint; payer: string; granter: string };
}

/** TxBody bytes: the messages packed as Anys, then the memo and timeout height if set. */
export function encodeTxBody(body: { msgs: Msg[]; memo?: string; timeoutHeight?: bigint }): Uint8Array {
  if (!Array.isArray(body.msgs) || body.msgs.length === 0) throw new RangeError('tx body: at least one message is required');
  const timeoutHeight = body.timeoutHeight ?? 0n;
  checkUint64(timeoutHeight, 'tx body: timeout_height');
  const memo = body.memo ?? '';
  if (typeof memo !== 'string') throw new TypeError(`tx body: memo must be a string, got ${typeof memo}`);
  return finish(TxBody.encode(TxBody.fromPartial({ messages: body.msgs.map(encodeMsg), memo, timeoutHeight })));
}

/** AuthInfo bytes for one secp256k1 signer: public key Any, single sign mode, sequence, and the fee. */
export function encodeAuthInfo(a: { pubkey: Uint8Array; sequence: bigint; fee: Fee; mode?: number }): Uint8Array {
  if (!(a.pubkey instanceof Uint8Array) || a.pubkey.length !== PUBKEY_BYTES) {
    throw new RangeError(`auth info: public key must be ${PUBKEY_BYTES} bytes, got ${a.pubkey instanceof Uint8Array ? a.pubkey.length : typeof a.pubkey}`);
  }
  checkUint64(a.sequence, 'auth info: sequence');
  checkUint64(a.fee.gasLimit, 'auth info: fee.gas_limit');
  checkCoins(a.fee.amount, 'auth info: fee.amount');
  const mode = a.mode ?? SIGN_MODE_DIRECT;
  return finish(AuthInfo.encode(AuthInfo.fromPartial({
    signerInfos: [{
      publicKey: { typeUrl: PUBKEY_TYPE_URL, value: finish(PubKey.encode({ key: a.pubkey })) },
      modeInfo: { single: { mode: mode as SignMode } },
      sequence: a.sequence,
    }],
    fee: {
      amount: a.fee.amount.map((c) => ({ denom: c.denom, amount: c.amount })), gasLimit: a.fee.gasLimit,
      payer: a.fee.payer ?? '', granter: a.fee.granter ?? '',
    },
  })));
}

/** TxRaw bytes: body, auth info and signatures, as broadcast. */
export function encodeTxRaw(bodyBytes: Uint8Array, authInfoBytes: Uint8Array, signatures: Uint8Array[]): Uint8Array {
  return finish(TxRaw.encode({ bodyBytes, authInfoBytes, signatures }));
}

/** The SIGN_MODE_DIRECT sign bytes: SignDoc{1 body_bytes, 2 auth_info_bytes, 3 chain_id, 4 account_number}. */
export function signDocBytes(bodyBytes: Uint8Array, authInfoBytes: Uint8Array, chainId: string, accountNumber: bigint): Uint8Array {
  checkUint64(accountNumber, 'sign doc: account_number');
  if (typeof chainId !== 'string') throw new TypeError(`sign doc: chain_id must be a string, got ${typeof chainId}`);
  return finish(SignDoc.encode({ bodyBytes, authInfoBytes, chainId, accountNumber }));
}

/** A signed transaction (TxRaw bytes) in SIGN_MODE_DIRECT, as secretjs's Wallet makes it. */
export function buildTx(o: BuildTxOptions): Uint8Array {
  const bodyBytes = encodeTxBody({ msgs: o.msgs, memo: o.memo, timeoutHeight: o.timeoutHeight });
  const authInfoBytes = encodeAuthInfo({ pubkey: o.key.publicKey, sequence: o.sequence, fee: o.fee });
  const signature = o.key.sign(signDocBytes(bodyBytes, authInfoBytes, o.chainId, o.accountNumber));
  return encodeTxRaw(bodyBytes, authInfoBytes, [signature]);
}

/** Upper-case hex SHA-256 of the exact bytes (what secretjs computes and GetTx is keyed by). */
export function txHash(bytes: Uint8Array): string {
  return hex.encode(sha256(bytes)).toUpperCase();
}

const TX_RAW_SHAPE: Shape = {
  name: 'cosmos.tx.v1beta1.TxRaw',
  fields: {
    1: { name: 'body_bytes', kind: 'bytes' }, 2: { name: 'auth_info_bytes', kind: 'bytes' },
    3: { name: 'signatures', kind: 'bytes', repeated: true },
  },
  unknown: 'reject',
};

const TX_BODY_SHAPE: Shape = {
  name: 'cosmos.tx.v1beta1.TxBody',
  fields: {
    1: { name: 'messages', kind: ANY_SHAPE, repeated: true }, 2: { name: 'memo', kind: 'string' },
    3: { name: 'timeout_height', kind: 'uint64' },
    1023: { name: 'extension_options', kind: ANY_SHAPE, repeated: true },
    2047: { name: 'non_critical_extension_options', kind: ANY_SHAPE, repeated: true },
  },
  unknown: 'reject-critical',
};

const MODE_INFO_SHAPE: Shape = {
  name: 'cosmos.tx.v1beta1.ModeInfo',
  fields: {
    1: { name: 'single', kind: { name: 'cosmos.tx.v1beta1.ModeInfo.Single', fields: { 1: { name: 'mode', kind: 'uint64' } }, unknown: 'reject' } },
    2: { name: 'multi', kind: 'bytes' },
  },
  unknown: 'reject',
};

const AUTH_INFO_SHAPE: Shape = {
  name: 'cosmos.tx.v1beta1.AuthInfo',
  fields: {
    1: {
      name: 'signer_infos', repeated: true, kind: {
        name: 'cosmos.tx.v1beta1.SignerInfo',
        fields: { 1: { name: 'public_key', kind: ANY_SHAPE }, 2: { name: 'mode_info', kind: MODE_INFO_SHAPE }, 3: { name: 'sequence', kind: 'uint64' } },
        unknown: 'reject',
      },
    },
    2: {
      name: 'fee', kind: {
        name: 'cosmos.tx.v1beta1.Fee',
        fields: {
          1: { name: 'amount', kind: COIN_SHAPE, repeated: true }, 2: { name: 'gas_limit', kind: 'uint64' },
          3: { name: 'payer', kind: 'string' }, 4: { name: 'granter', kind: 'string' },
        },
        unknown: 'reject',
      },
    },
    3: { name: 'tip', kind: 'bytes' },
  },
  unknown: 'reject',
};

const PUBKEY_SHAPE: Shape = { name: 'cosmos.crypto.secp256k1.PubKey', fields: { 1: { name: 'key', kind: 'bytes' } }, unknown: 'reject' };

/** Decodes and validates TxRaw bytes as a node must before anything else (see the header). */
export function decodeTx(bytes: Uint8Array): DecodedTx {
  try {
    return decode(bytes);
  } catch (e) {
    if (e instanceof TxDecodeError) throw e;
    throw new TxDecodeError(`tx: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function fail(message: string): never {
  throw new TxDecodeError(`tx: ${message}`);
}

function decode(bytes: Uint8Array): DecodedTx {
  if (!(bytes instanceof Uint8Array)) fail(`expected a Uint8Array, got ${typeof bytes}`);
  if (bytes.length === 0) fail('empty input');
  const raw = readMessage(bytes, TX_RAW_SHAPE, 'TxRaw');
  const signatures = raw.allBytes(3);
  if (signatures.length !== 1) fail(`TxRaw.signatures: expected exactly one signature, got ${signatures.length}`);
  if (signatures[0].length !== SIGNATURE_BYTES) fail(`TxRaw.signatures[0]: expected ${SIGNATURE_BYTES} bytes (r‖s), got ${signatures[0].length}`);
  const tx = TxRaw.decode(bytes);

  // Body.
  const bodyFields = readMessage(tx.bodyBytes, TX_BODY_SHAPE, 'TxRaw.body_bytes');
  if (bodyFields.has(1023)) fail('TxRaw.body_bytes.extension_options: extension options are not supported');
  if (bodyFields.has(2047)) fail('TxRaw.body_bytes.non_critical_extension_options: extension options are not supported');
  const body = TxBody.decode(tx.bodyBytes);
  if (body.messages.length === 0) fail('TxRaw.body_bytes.messages: a transaction needs at least one message');
  const msgs = body.messages.map((any, i) => {
    try {
      return decodeMsg({ typeUrl: any.typeUrl, value: any.value });
    } catch (e) {
      return fail(`TxRaw.body_bytes.messages[${i}]: ${e instanceof Error ? e.message : String(e)}`);
    }
  });

  // Auth info: one signer, its key and mode, the fee.
  const authFields = readMessage(tx.authInfoBytes, AUTH_INFO_SHAPE, 'TxRaw.auth_info_bytes');
  const infos = authFields.messages(1);
  if (infos.length !== 1) fail(`TxRaw.auth_info_bytes.signer_infos: expected exactly one signer, got ${infos.length}`);
  if (authFields.has(3)) fail('TxRaw.auth_info_bytes.tip: tips are not supported');
  const feeFields = authFields.message(2);
  if (feeFields === undefined) fail('TxRaw.auth_info_bytes.fee: missing');
  feeFields.messages(1).forEach(coinFrom);
  const pubkey = signerPubkey(infos[0]);
  const mode = signerMode(infos[0]);
  const auth = AuthInfo.decode(tx.authInfoBytes);
  const info = auth.signerInfos[0];
  const fee = auth.fee!;

  return {
    bodyBytes: tx.bodyBytes,
    authInfoBytes: tx.authInfoBytes,
    signatures: [tx.signatures[0]],
    body: { msgs, memo: body.memo, timeoutHeight: body.timeoutHeight },
    signer: { pubkey, mode, sequence: info.sequence },
    fee: { amount: fee.amount.map((c) => ({ denom: c.denom, amount: c.amount })), gasLimit: fee.gasLimit, payer: fee.payer, granter: fee.granter },
  };
}

function signerPubkey(info: Fields): Uint8Array {
  const where = 'TxRaw.auth_info_bytes.signer_infos[0].public_key';
  const any = info.message(1);
  if (any === undefined) fail(`${where}: missing (cloak needs the public key in every transaction)`);
  const typeUrl = any.string(1);
  if (typeUrl !== PUBKEY_TYPE_URL) fail(`${where}: type ${JSON.stringify(typeUrl.slice(0, 200))} is not supported, only ${PUBKEY_TYPE_URL}`);
  readMessage(any.bytes(2), PUBKEY_SHAPE, `${where}.value`);
  const key = PubKey.decode(any.bytes(2)).key;
  if (key.length !== PUBKEY_BYTES) fail(`${where}.key: expected ${PUBKEY_BYTES} bytes (compressed), got ${key.length}`);
  if (!onCurve(key)) fail(`${where}.key: not a compressed point on secp256k1`);
  return key;
}

/**
 * Public keys already found on the curve (the check is a square root, ~0.35 ms; a node decodes every
 * tx of an account with the same key, twice). Only valid keys are kept, at most KEYS_KEPT of them.
 */
const validKeys = new Set<string>();
const KEYS_KEPT = 4096;

function onCurve(key: Uint8Array): boolean {
  const id = hex.encode(key);
  if (validKeys.has(id)) return true;
  if (!secp256k1.utils.isValidPublicKey(key, true)) return false;
  if (validKeys.size >= KEYS_KEPT) validKeys.delete(validKeys.values().next().value!);
  validKeys.add(id);
  return true;
}

function signerMode(info: Fields): number {
  const where = 'TxRaw.auth_info_bytes.signer_infos[0].mode_info';
  const modeInfo = info.message(2);
  if (modeInfo === undefined) fail(`${where}: missing`);
  if (modeInfo.has(2)) fail(`${where}.multi: multisig signers are not supported`);
  const single = modeInfo.message(1);
  if (single === undefined) fail(`${where}.single: missing`);
  const mode = single.uint64(1);
  if (mode !== BigInt(SIGN_MODE_DIRECT) && mode !== BigInt(SIGN_MODE_LEGACY_AMINO_JSON)) {
    fail(`${where}.single.mode: sign mode ${mode} is not supported, only ${SIGN_MODE_DIRECT} (DIRECT) and ${SIGN_MODE_LEGACY_AMINO_JSON} (LEGACY_AMINO_JSON)`);
  }
  return Number(mode);
}

/** The `tx` object of a GetTx answer: the gateway's proto-JSON of a decoded transaction. */
export function txJson(tx: DecodedTx): { [key: string]: Json } {
  return {
    '@type': '/cosmos.tx.v1beta1.Tx',
    body: {
      messages: tx.body.msgs.map(msgJson),
      memo: tx.body.memo,
      timeout_height: tx.body.timeoutHeight.toString(),
      extension_options: [],
      non_critical_extension_options: [],
    },
    auth_info: {
      signer_infos: [{
        public_key: { '@type': PUBKEY_TYPE_URL, key: base64.encode(tx.signer.pubkey) },
        mode_info: { single: { mode: signModeToJSON(tx.signer.mode as SignMode) } },
        sequence: tx.signer.sequence.toString(),
      }],
      fee: { amount: coinsJson(tx.fee.amount), gas_limit: tx.fee.gasLimit.toString(), payer: tx.fee.payer, granter: tx.fee.granter },
      tip: null,
    },
    signatures: tx.signatures.map((s) => base64.encode(s)),
  };
}
