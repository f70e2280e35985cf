// Transactions: buildTx → decodeTx gives back what went in and its signature verifies over
// signDocBytes (and only with the right chain id and account number); the envelope and sign doc
// bytes match hand-written vectors; decodeTx refuses, as TxDecodeErrors naming the part, every
// kind of transaction a node must refuse (garbage, two signatures, a 63-byte signature, another
// public key type, no messages, an unknown message type, ...) and never throws anything else on
// mutated input; txHash is upper-case hex SHA-256 of the exact bytes; txJson is the gateway's
// `tx` object; TxMsgData for `tx_response.data` round-trips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { PubKey } from 'cosmjs-types/cosmos/crypto/secp256k1/keys';
import { AuthInfo, TxBody, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import {
  Key, MsgExecuteContract, MsgExecuteContractResponse, MsgSend, MsgSendResponse, MsgStoreCodeResponse, SIGN_MODE_DIRECT,
  SIGN_MODE_LEGACY_AMINO_JSON, TxDecodeError, buildTx, decodeTx, decodeTxMsgData, encodeAuthInfo, encodeMsg, encodeTxBody,
  encodeTxMsgData, encodeTxRaw, fromBech32, signDocBytes, txHash, txJson, txMsgDataFromHex, txMsgDataHex, verifySignature,
  type BuildTxOptions, type Msg,
} from '@cloak/client';

const A_MNEMONIC = 'grant rice replace explain federal release fix clever romance raise often wild taxi quarter soccer fiber love must tape steak together observe swap guitar';
const B = 'secret1fc3fzy78ttp0lwuujw7e52rhspxn8uj52zfyne';
const CONTRACT = 'secret1ajz54hz8azwuy34qwy9fkjnfcrvf0dzswy0lqq';
const key = Key.fromMnemonic(A_MNEMONIC);
const blob = new Uint8Array(80).map((_, i) => (i * 13 + 5) & 0xff);
const CHAIN = 'secretdev-1';

const send: Msg = { typeUrl: MsgSend.typeUrl, value: { fromAddress: key.address, toAddress: B, amount: [{ denom: 'uscrt', amount: '1000' }] } };
const execute: Msg = {
  typeUrl: MsgExecuteContract.typeUrl,
  value: { sender: key.addressBytes, contract: fromBech32(CONTRACT), msg: blob, sentFunds: [{ denom: 'uscrt', amount: '3' }] },
};
const OPTIONS: BuildTxOptions = {
  msgs: [send, execute], memo: 'hello', fee: { amount: [{ denom: 'uscrt', amount: '20000' }], gasLimit: 200_000n },
  key, sequence: 7n, accountNumber: 3n, chainId: CHAIN,
};

function h(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
/** A length prefix as a protobuf varint, in hex, for a hex string of `hexText.length / 2` bytes. */
function len(hexText: string): string {
  let n = hexText.length / 2;
  let out = '';
  while (n >= 0x80) {
    out += ((n & 0x7f) | 0x80).toString(16).padStart(2, '0');
    n >>>= 7;
  }
  return out + n.toString(16).padStart(2, '0');
}

function txError(re: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof TxDecodeError, `expected a TxDecodeError, got ${String(e)}`);
    assert.match(e.message, re);
    return true;
  };
}

/** Pieces of a valid tx, to build invalid ones from. */
function parts(o: Partial<BuildTxOptions> = {}) {
  const raw = TxRaw.decode(buildTx({ ...OPTIONS, ...o }));
  return { body: TxBody.decode(raw.bodyBytes), auth: AuthInfo.decode(raw.authInfoBytes), raw };
}
const raw = (bodyBytes: Uint8Array, authInfoBytes: Uint8Array, signatures: Uint8Array[]) => encodeTxRaw(bodyBytes, authInfoBytes, signatures);
const sig64 = new Uint8Array(64).fill(1);

test('buildTx → decodeTx gives back what went in', () => {
  const bytes = buildTx(OPTIONS);
  const tx = decodeTx(bytes);
  assert.deepEqual(tx.body, { msgs: [send, execute], memo: 'hello', timeoutHeight: 0n });
  assert.deepEqual(tx.signer, { pubkey: key.publicKey, mode: SIGN_MODE_DIRECT, sequence: 7n });
  assert.deepEqual(tx.fee, { amount: [{ denom: 'uscrt', amount: '20000' }], gasLimit: 200_000n, payer: '', granter: '' });
  assert.equal(tx.signatures.length, 1);
  assert.equal(tx.signatures[0].length, 64);
  // The body and auth info bytes are the ones inside TxRaw, byte for byte.
  const r = TxRaw.decode(bytes);
  assert.deepEqual(tx.bodyBytes, r.bodyBytes);
  assert.deepEqual(tx.authInfoBytes, r.authInfoBytes);
  assert.deepEqual(buildTx(OPTIONS), bytes, 'deterministic (RFC 6979)');
});

test('the signature verifies over signDocBytes, and only with the right chain id and account number', () => {
  const tx = decodeTx(buildTx(OPTIONS));
  const doc = (chain: string, n: bigint) => signDocBytes(tx.bodyBytes, tx.authInfoBytes, chain, n);
  assert.ok(verifySignature(tx.signer.pubkey, doc(CHAIN, 3n), tx.signatures[0]));
  assert.equal(verifySignature(tx.signer.pubkey, doc('secretdev-2', 3n), tx.signatures[0]), false);
  assert.equal(verifySignature(tx.signer.pubkey, doc(CHAIN, 4n), tx.signatures[0]), false);
  // Account number 0 (left out of the sign doc) works too.
  const zero = decodeTx(buildTx({ ...OPTIONS, accountNumber: 0n, sequence: 0n }));
  assert.ok(verifySignature(zero.signer.pubkey, signDocBytes(zero.bodyBytes, zero.authInfoBytes, CHAIN, 0n), zero.signatures[0]));
});

test('sign doc and envelope bytes match hand-written vectors', () => {
  // SignDoc{1 body_bytes, 2 auth_info_bytes, 3 chain_id, 4 account_number}; account_number 0 is left out.
  assert.equal(hex(signDocBytes(h('01'), h('02'), 'c', 0n)), '0a0101 120102 1a0163'.replace(/ /g, ''));
  assert.equal(hex(signDocBytes(h('01'), h('02'), 'c', 300n)), '0a0101 120102 1a0163 20ac02'.replace(/ /g, ''));
  // TxRaw{1 body, 2 auth info, 3 signatures}.
  assert.equal(hex(encodeTxRaw(h('aa'), h('bb'), [h('cc'), h('dd')])), '0a01aa 1201bb 1a01cc 1a01dd'.replace(/ /g, ''));
  // TxBody{1 messages (Any{1 type_url, 2 value}), 2 memo}; timeout height 0 left out.
  const any = encodeMsg(send);
  const url = Buffer.from(any.typeUrl).toString('hex');
  const inner = `0a${len(url)}${url}12${len(hex(any.value))}${hex(any.value)}`;
  assert.equal(hex(encodeTxBody({ msgs: [send], memo: 'm' })), `0a${len(inner)}${inner}12016d`);
  assert.equal(hex(encodeTxBody({ msgs: [send], timeoutHeight: 5n })), `0a${len(inner)}${inner}1805`);
  assert.equal(len(inner), '8d01', 'the body of one MsgSend is 141 bytes: a two-byte length');
  // AuthInfo{1 signer_infos{1 public_key Any, 2 mode_info{1 single{1 mode}}, 3 sequence}, 2 fee{1 amount, 2 gas_limit, 4 granter}}.
  const pk = `0a21${hex(key.publicKey)}`;
  const pkAny = `0a1f${Buffer.from('/cosmos.crypto.secp256k1.PubKey').toString('hex')}1223${pk}`;
  const signerInfo = `0a46${pkAny} 1204 0a020801 1807`.replace(/ /g, '');
  const fee = '0a0d 0a0575736372741204 32353030 10a8c301 2201 67'.replace(/ /g, '');
  assert.equal(
    hex(encodeAuthInfo({ pubkey: key.publicKey, sequence: 7n, fee: { amount: [{ denom: 'uscrt', amount: '2500' }], gasLimit: 25_000n, granter: 'g' } })),
    `0a${len(signerInfo)}${signerInfo}12${len(fee)}${fee}`,
  );
});

test('txHash is upper-case hex SHA-256 of the exact bytes', () => {
  assert.equal(txHash(new Uint8Array(0)), 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855');
  const bytes = buildTx(OPTIONS);
  assert.equal(txHash(bytes), createHash('sha256').update(bytes).digest('hex').toUpperCase());
  assert.match(txHash(bytes), /^[0-9A-F]{64}$/);
});

test('LEGACY_AMINO_JSON (127) is accepted and reported; fee granter is kept', () => {
  const { body, raw: r } = parts();
  const auth = encodeAuthInfo({ pubkey: key.publicKey, sequence: 1n, fee: { amount: [], gasLimit: 1n, granter: B }, mode: SIGN_MODE_LEGACY_AMINO_JSON });
  const tx = decodeTx(raw(finishBody(body), auth, r.signatures));
  assert.equal(tx.signer.mode, SIGN_MODE_LEGACY_AMINO_JSON);
  assert.equal(tx.fee.granter, B);
  const json = txJson(tx) as unknown as { auth_info: { signer_infos: { mode_info: { single: { mode: string } } }[] } };
  assert.equal(json.auth_info.signer_infos[0].mode_info.single.mode, 'SIGN_MODE_LEGACY_AMINO_JSON');
});

function finishBody(body: TxBody): Uint8Array {
  return new Uint8Array(TxBody.encode(body).finish());
}
function finishAuth(auth: AuthInfo): Uint8Array {
  return new Uint8Array(AuthInfo.encode(auth).finish());
}

test('decodeTx: garbage bytes', () => {
  assert.throws(() => decodeTx(new Uint8Array(0)), txError(/^tx: empty input$/));
  assert.throws(() => decodeTx(h('ffffffff')), txError(/TxRaw: field tag: truncated/));
  assert.throws(() => decodeTx(new TextEncoder().encode('{"body":{}}')), txError(/^tx: TxRaw: unknown field 15 \(wire type 3\) is not allowed in cosmos\.tx\.v1beta1\.TxRaw \(at byte 0\)$/));
  assert.throws(() => decodeTx(h('0a05 0102')), txError(/TxRaw\.body_bytes: length 5 runs past the end/));
  assert.throws(() => decodeTx('AAAA' as unknown as Uint8Array), txError(/expected a Uint8Array/));
});

test('decodeTx: signatures must be exactly one, of 64 bytes', () => {
  const { raw: r } = parts();
  assert.throws(() => decodeTx(raw(r.bodyBytes, r.authInfoBytes, [r.signatures[0], r.signatures[0]])), txError(/expected exactly one signature, got 2/));
  assert.throws(() => decodeTx(raw(r.bodyBytes, r.authInfoBytes, [])), txError(/expected exactly one signature, got 0/));
  assert.throws(() => decodeTx(raw(r.bodyBytes, r.authInfoBytes, [r.signatures[0].subarray(0, 63)])), txError(/TxRaw\.signatures\[0\]: expected 64 bytes \(r‖s\), got 63/));
  assert.throws(() => decodeTx(raw(r.bodyBytes, r.authInfoBytes, [new Uint8Array(65)])), txError(/got 65/));
});

test('decodeTx: the public key must be a 33-byte /cosmos.crypto.secp256k1.PubKey on the curve', () => {
  const { body, auth, raw: r } = parts();
  const withKey = (typeUrl: string, key: Uint8Array) => {
    const a = AuthInfo.fromPartial({ ...auth, signerInfos: [{ ...auth.signerInfos[0], publicKey: { typeUrl, value: PubKey.encode({ key }).finish() } }] });
    return raw(finishBody(body), finishAuth(a), r.signatures);
  };
  assert.throws(() => decodeTx(withKey('/cosmos.crypto.ed25519.PubKey', new Uint8Array(32))),
    txError(/signer_infos\[0\]\.public_key: type "\/cosmos\.crypto\.ed25519\.PubKey" is not supported, only \/cosmos\.crypto\.secp256k1\.PubKey/));
  assert.throws(() => decodeTx(withKey('/cosmos.crypto.secp256r1.PubKey', key.publicKey)), txError(/secp256r1\.PubKey" is not supported/));
  assert.throws(() => decodeTx(withKey('/cosmos.crypto.secp256k1.PubKey', key.publicKey.subarray(0, 32))), txError(/public_key\.key: expected 33 bytes \(compressed\), got 32/));
  const off = Uint8Array.from(key.publicKey);
  off[0] = 4;
  assert.throws(() => decodeTx(withKey('/cosmos.crypto.secp256k1.PubKey', off)), txError(/not a compressed point on secp256k1/));
  const noKey = AuthInfo.fromPartial({ ...auth, signerInfos: [{ ...auth.signerInfos[0], publicKey: undefined }] });
  assert.throws(() => decodeTx(raw(finishBody(body), finishAuth(noKey), r.signatures)), txError(/public_key: missing/));
});

test('decodeTx: at least one message, every message known', () => {
  const { body, raw: r } = parts();
  assert.throws(() => decodeTx(raw(finishBody({ ...body, messages: [] }), r.authInfoBytes, r.signatures)),
    txError(/TxRaw\.body_bytes\.messages: a transaction needs at least one message/));
  const delegate = { typeUrl: '/cosmos.staking.v1beta1.MsgDelegate', value: new Uint8Array(0) };
  assert.throws(() => decodeTx(raw(finishBody({ ...body, messages: [body.messages[0], delegate] }), r.authInfoBytes, r.signatures)),
    txError(/TxRaw\.body_bytes\.messages\[1\]: unknown message type "\/cosmos\.staking\.v1beta1\.MsgDelegate"/));
  const broken = { typeUrl: MsgExecuteContract.typeUrl, value: h('0a 30 00') };
  assert.throws(() => decodeTx(raw(finishBody({ ...body, messages: [broken] }), r.authInfoBytes, r.signatures)),
    txError(/messages\[0\]: secret\.compute\.v1beta1\.MsgExecuteContract\.sender: length 48 runs past/));
});

test('decodeTx: signer infos, sign modes, fee, tip, extension options and unknown fields', () => {
  const { body, auth, raw: r } = parts();
  const withAuth = (a: AuthInfo) => raw(r.bodyBytes, finishAuth(a), r.signatures);
  const info = auth.signerInfos[0];
  assert.throws(() => decodeTx(withAuth({ ...auth, signerInfos: [info, info] })), txError(/signer_infos: expected exactly one signer, got 2/));
  assert.throws(() => decodeTx(withAuth({ ...auth, signerInfos: [] })), txError(/expected exactly one signer, got 0/));
  assert.throws(() => decodeTx(withAuth({ ...auth, signerInfos: [{ ...info, modeInfo: { single: { mode: 2 } } }] })),
    txError(/mode_info\.single\.mode: sign mode 2 is not supported, only 1 \(DIRECT\) and 127 \(LEGACY_AMINO_JSON\)/));
  assert.throws(() => decodeTx(withAuth({ ...auth, signerInfos: [{ ...info, modeInfo: { single: { mode: 191 } } }] })), txError(/sign mode 191/));
  assert.throws(() => decodeTx(withAuth({ ...auth, signerInfos: [{ ...info, modeInfo: { multi: { modeInfos: [] } } }] })), txError(/mode_info\.multi: multisig/));
  assert.throws(() => decodeTx(withAuth({ ...auth, signerInfos: [{ ...info, modeInfo: undefined }] })), txError(/mode_info: missing/));
  assert.throws(() => decodeTx(withAuth({ ...auth, fee: undefined })), txError(/auth_info_bytes\.fee: missing/));
  assert.throws(() => decodeTx(withAuth({ ...auth, tip: { amount: [], tipper: B } })), txError(/tip: tips are not supported/));
  assert.throws(() => decodeTx(withAuth({ ...auth, fee: { ...auth.fee!, amount: [{ denom: 'uscrt', amount: '12a' }] } })),
    txError(/fee\.amount\[0\]\.amount: "12a" is not a non-negative decimal integer/));
  const any = { typeUrl: '/x', value: new Uint8Array(0) };
  assert.throws(() => decodeTx(raw(finishBody({ ...body, extensionOptions: [any] }), r.authInfoBytes, r.signatures)), txError(/extension_options: extension options are not supported/));
  assert.throws(() => decodeTx(raw(finishBody({ ...body, nonCriticalExtensionOptions: [any] }), r.authInfoBytes, r.signatures)), txError(/non_critical_extension_options/));
  // An unknown critical TxBody field (4, cosmos-sdk 0.53's `unordered`) is refused; a non-critical one is skipped.
  assert.throws(() => decodeTx(raw(finishBody({ ...body, unordered: true }), r.authInfoBytes, r.signatures)), txError(/TxRaw\.body_bytes: unknown field 4 \(wire type 0\) is not allowed in cosmos\.tx\.v1beta1\.TxBody/));
  const nonCritical = new Uint8Array([...r.bodyBytes, 0x88, 0x40, 0x01]); // field 1025, varint 1
  assert.equal(decodeTx(raw(nonCritical, r.authInfoBytes, r.signatures)).body.memo, 'hello');
  // Unknown fields elsewhere in the envelope are refused.
  assert.throws(() => decodeTx(new Uint8Array([...buildTx(OPTIONS), 0x20, 0x01])), txError(/TxRaw: unknown field 4 \(wire type 0\) is not allowed/));
  assert.throws(() => decodeTx(raw(r.bodyBytes, new Uint8Array([...r.authInfoBytes, 0x28, 0x00]), r.signatures)), txError(/auth_info_bytes: unknown field 5/));
});

test('decodeTx never throws anything but a TxDecodeError on mutated or random input', () => {
  const valid = buildTx(OPTIONS);
  fc.assert(fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (edits) => {
    const b = Uint8Array.from(valid);
    for (const [at, v] of edits) b[at] = v;
    try {
      decodeTx(b);
    } catch (e) {
      if (!(e instanceof TxDecodeError)) throw e;
    }
  }), { numRuns: 2000 });
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
    try {
      decodeTx(b);
    } catch (e) {
      if (!(e instanceof TxDecodeError)) throw e;
    }
  }), { numRuns: 2000 });
  for (let n = 0; n < valid.length; n++) {
    assert.throws(() => decodeTx(valid.subarray(0, n)), TxDecodeError, `cut at ${n}`);
  }
});

test('buildTx refuses what it cannot sign', () => {
  assert.throws(() => buildTx({ ...OPTIONS, msgs: [] }), /at least one message/);
  assert.throws(() => buildTx({ ...OPTIONS, sequence: -1n }), /sequence: -1 is outside 0\.\.2\^64-1/);
  assert.throws(() => buildTx({ ...OPTIONS, fee: { amount: [{ denom: 'uscrt', amount: '-5' }], gasLimit: 1n } }), /fee\.amount\[0\]\.amount/);
});

test('txJson is the gateway\'s tx object', () => {
  const bytes = buildTx(OPTIONS);
  const tx = decodeTx(bytes);
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
  assert.deepEqual(txJson(tx), {
    '@type': '/cosmos.tx.v1beta1.Tx',
    body: {
      messages: [
        { '@type': '/cosmos.bank.v1beta1.MsgSend', from_address: key.address, to_address: B, amount: [{ denom: 'uscrt', amount: '1000' }] },
        {
          '@type': '/secret.compute.v1beta1.MsgExecuteContract', sender: key.address, contract: CONTRACT, msg: b64(blob),
          callback_code_hash: '', sent_funds: [{ denom: 'uscrt', amount: '3' }], callback_sig: null,
        },
      ],
      memo: 'hello', timeout_height: '0', extension_options: [], non_critical_extension_options: [],
    },
    auth_info: {
      signer_infos: [{
        public_key: { '@type': '/cosmos.crypto.secp256k1.PubKey', key: b64(key.publicKey) },
        mode_info: { single: { mode: 'SIGN_MODE_DIRECT' } },
        sequence: '7',
      }],
      fee: { amount: [{ denom: 'uscrt', amount: '20000' }], gas_limit: '200000', payer: '', granter: '' },
      tip: null,
    },
    signatures: [b64(TxRaw.decode(bytes).signatures[0])],
  });
  // It survives JSON: no bigint or Uint8Array inside.
  assert.deepEqual(JSON.parse(JSON.stringify(txJson(tx))), txJson(tx));
});

test('TxMsgData: msg_responses in order, as hex for tx_response.data', () => {
  const responses = [
    { typeUrl: MsgSendResponse.typeUrl, value: MsgSendResponse.encode({}) },
    { typeUrl: MsgStoreCodeResponse.typeUrl, value: MsgStoreCodeResponse.encode({ codeId: 1n }) },
    { typeUrl: MsgExecuteContractResponse.typeUrl, value: MsgExecuteContractResponse.encode({ data: blob }) },
  ];
  assert.deepEqual(decodeTxMsgData(encodeTxMsgData(responses)), responses);
  assert.deepEqual(txMsgDataFromHex(txMsgDataHex(responses).toLowerCase()), responses);
  // TxMsgData{2 msg_responses: Any{1 type_url "/x", 2 value 01}}.
  assert.equal(txMsgDataHex([{ typeUrl: '/x', value: h('01') }]), '12070A022F78120101');
  assert.equal(txMsgDataHex([]), '');
  assert.throws(() => txMsgDataFromHex('123'), /not an even-length hex string/);
  assert.throws(() => decodeTxMsgData(h('12 07 0a 02 2f 78 12')), /TxMsgData\.msg_responses: length 7 runs past the end of its message \(5 bytes left\) \(at byte 1\)/);
  assert.throws(() => decodeTxMsgData(h('12 05 0a 02 2f 78 12')), /TxMsgData\.msg_responses\[0\]\.value: length: truncated/);
});
