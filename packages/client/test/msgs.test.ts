// Messages: the six compute messages, their responses and bank MsgSend encode to bytes written
// by hand from the field numbers of spec/secretjs-surface.md §3.2 (so a wrong field number or
// wire type fails), leave empty fields out, decode back equal, skip unknown fields, and fail on
// truncated or malformed bytes with a DecodeError naming the message and field. The Msg union:
// Any packing, address rules on both sides, unknown type URLs, signers, and the gateway JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DecodeError, MSG_TYPE_URLS, MsgClearAdmin, MsgClearAdminResponse, MsgExecuteContract, MsgExecuteContractResponse,
  MsgInstantiateContract, MsgInstantiateContractResponse, MsgMigrateContract, MsgMigrateContractResponse, MsgSend,
  MsgSendResponse, MsgStoreCode, MsgStoreCodeResponse, MsgUpdateAdmin, MsgUpdateAdminResponse, decodeMsg, encodeMsg,
  fromBech32, msgJson, msgSigners, toBech32, type Codec, type Msg,
} from '@cloak/client';

/** Bytes from hex text and byte arrays, spaces ignored. */
function h(...parts: (string | number[])[]): Uint8Array {
  return new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p.replace(/\s+/g, ''), 'hex')] : p)));
}
const rep = (byte: number, n: number) => new Array<number>(n).fill(byte);
const bytes = (...b: number[]) => new Uint8Array(b);

const A = 'secret1ap26qrlp8mcq2pg6r47w43l0y8zkqm8a450s03';
const B = 'secret1fc3fzy78ttp0lwuujw7e52rhspxn8uj52zfyne';
const CONTRACT = 'secret1ajz54hz8azwuy34qwy9fkjnfcrvf0dzswy0lqq';
const a = fromBech32(A);
const contract = fromBech32(CONTRACT);
const blob = new Uint8Array(96).map((_, i) => (i * 37 + 11) & 0xff); // stands in for nonce ‖ pubkey ‖ ciphertext
const blobB64 = Buffer.from(blob).toString('base64');
const ONE = new Uint8Array(20).fill(1);
const TWO = new Uint8Array(20).fill(2);

// ---- hand-written byte vectors: tag = field << 3 | wire type (0 varint, 2 length-delimited) ----

const VECTORS: [string, Codec<never>, unknown, Uint8Array][] = [
  ['MsgExecuteContract', MsgExecuteContract as Codec<never>,
    { sender: ONE, contract: TWO, msg: bytes(0xaa, 0xbb), sentFunds: [{ denom: 'u', amount: '5' }] },
    h('0a 14', rep(1, 20), '12 14', rep(2, 20), '1a 02 aabb', '2a 06 0a0175 120135')],
  ['MsgExecuteContract with callback fields', MsgExecuteContract as Codec<never>,
    { sender: ONE, contract: TWO, msg: bytes(0xaa, 0xbb), callbackCodeHash: 'h', sentFunds: [{ denom: 'u', amount: '5' }], callbackSig: bytes(9) },
    h('0a 14', rep(1, 20), '12 14', rep(2, 20), '1a 02 aabb', '22 01 68', '2a 06 0a0175 120135', '32 01 09')],
  ['MsgInstantiateContract', MsgInstantiateContract as Codec<never>,
    { sender: ONE, callbackCodeHash: 'h', codeId: 1n, label: 'l', initMsg: bytes(7), initFunds: [{ denom: 'u', amount: '5' }], callbackSig: bytes(9), admin: 'x' },
    h('0a 14', rep(1, 20), '12 01 68', '18 01', '22 01 6c', '2a 01 07', '32 06 0a0175 120135', '3a 01 09', '42 01 78')],
  ['MsgStoreCode', MsgStoreCode as Codec<never>,
    { sender: ONE, wasmByteCode: bytes(0, 0x61, 0x73, 0x6d), source: 's', builder: 'b' },
    h('0a 14', rep(1, 20), '12 04 0061736d', '1a 01 73', '22 01 62')],
  ['MsgMigrateContract', MsgMigrateContract as Codec<never>,
    { sender: 's', contract: 'c', codeId: 300n, msg: bytes(1), callbackSig: bytes(9), callbackCodeHash: 'h' },
    h('0a 01 73', '12 01 63', '18 ac02', '22 01 01', '3a 01 09', '42 01 68')],
  ['MsgUpdateAdmin', MsgUpdateAdmin as Codec<never>,
    { sender: 's', newAdmin: 'n', contract: 'c', callbackSig: bytes(9) },
    h('0a 01 73', '12 01 6e', '1a 01 63', '3a 01 09')],
  ['MsgClearAdmin', MsgClearAdmin as Codec<never>, { sender: 's', contract: 'c', callbackSig: bytes(9) }, h('0a 01 73', '1a 01 63', '3a 01 09')],
  ['MsgSend', MsgSend as Codec<never>, { fromAddress: 'f', toAddress: 't', amount: [{ denom: 'u', amount: '5' }] }, h('0a 01 66', '12 01 74', '1a 06 0a0175 120135')],
  ['MsgStoreCodeResponse', MsgStoreCodeResponse as Codec<never>, { codeId: 300n }, h('08 ac02')],
  ['MsgInstantiateContractResponse', MsgInstantiateContractResponse as Codec<never>, { address: 'a', data: bytes(1) }, h('0a 01 61', '12 01 01')],
  ['MsgExecuteContractResponse', MsgExecuteContractResponse as Codec<never>, { data: bytes(1, 2) }, h('0a 02 0102')],
  ['MsgMigrateContractResponse', MsgMigrateContractResponse as Codec<never>, { data: bytes(1, 2) }, h('0a 02 0102')],
  ['MsgUpdateAdminResponse', MsgUpdateAdminResponse as Codec<never>, {}, h('')],
  ['MsgClearAdminResponse', MsgClearAdminResponse as Codec<never>, {}, h('')],
  ['MsgSendResponse', MsgSendResponse as Codec<never>, {}, h('')],
];

for (const [name, codec, value, expected] of VECTORS) {
  test(`${name}: encodes to the hand-written bytes and decodes back`, () => {
    assert.equal(Buffer.from(codec.encode(value as never)).toString('hex'), Buffer.from(expected).toString('hex'));
    assert.deepEqual(codec.decode(expected), value);
  });
}

test('type URLs are the chain\'s', () => {
  assert.deepEqual(
    [MsgStoreCode, MsgInstantiateContract, MsgExecuteContract, MsgMigrateContract, MsgUpdateAdmin, MsgClearAdmin].map((c) => c.typeUrl),
    ['MsgStoreCode', 'MsgInstantiateContract', 'MsgExecuteContract', 'MsgMigrateContract', 'MsgUpdateAdmin', 'MsgClearAdmin'].map((n) => `/secret.compute.v1beta1.${n}`),
  );
  assert.equal(MsgExecuteContractResponse.typeUrl, '/secret.compute.v1beta1.MsgExecuteContractResponse');
  assert.equal(MsgSend.typeUrl, '/cosmos.bank.v1beta1.MsgSend');
  assert.equal(MsgSendResponse.typeUrl, '/cosmos.bank.v1beta1.MsgSendResponse');
});

test('empty and zero fields are left out', () => {
  assert.deepEqual(MsgExecuteContract.encode({ sender: ONE, contract: TWO, msg: bytes(), sentFunds: [], callbackCodeHash: '', callbackSig: bytes() }), h('0a 14', rep(1, 20), '12 14', rep(2, 20)));
  assert.deepEqual(MsgInstantiateContract.encode({ sender: bytes(), codeId: 0n, label: '', initMsg: bytes(), initFunds: [], admin: '' }), h(''));
  assert.deepEqual(MsgStoreCodeResponse.encode({ codeId: 0n }), h(''));
  assert.deepEqual(MsgMigrateContract.encode({ sender: '', contract: '', codeId: 0n, msg: bytes() }), h(''));
  // Decoding fills required fields with zero values and leaves optional ones out.
  assert.deepEqual(MsgInstantiateContract.decode(h('')), { sender: bytes(), codeId: 0n, label: '', initMsg: bytes(), initFunds: [] });
  assert.deepEqual(MsgStoreCode.decode(h('')), { sender: bytes(), wasmByteCode: bytes() });
});

test('uint64 fields take the whole range and nothing outside it', () => {
  const max = 0xffffffffffffffffn;
  const enc = MsgStoreCodeResponse.encode({ codeId: max });
  assert.deepEqual(enc, h('08 ffffffffffffffffff01'));
  assert.equal(MsgStoreCodeResponse.decode(enc).codeId, max);
  assert.throws(() => MsgStoreCodeResponse.encode({ codeId: max + 1n }), /MsgStoreCodeResponse\.code_id: .* is outside 0\.\.2\^64-1/);
  assert.throws(() => MsgStoreCodeResponse.encode({ codeId: -1n }), RangeError);
  assert.throws(() => MsgStoreCodeResponse.encode({ codeId: 1 as unknown as bigint }), /expected a bigint/);
});

test('unknown fields of every wire type are skipped', () => {
  const m = { sender: ONE, contract: TWO, msg: bytes(0xaa), sentFunds: [{ denom: 'u', amount: '5' }] };
  const extra = h(
    '78 01', // field 15, varint
    'a201 03 010203', // field 20, length-delimited
    '4d 01020304', // field 9, fixed32
    '51 0102030405060708', // field 10, fixed64
    '80 7f 96 01', // field 2032, varint 150 (a two-byte tag)
  );
  const enc = MsgExecuteContract.encode(m);
  assert.deepEqual(MsgExecuteContract.decode(h([...extra], [...enc])), m);
  assert.deepEqual(MsgExecuteContract.decode(h([...enc], [...extra])), m);
  assert.deepEqual(MsgMigrateContractResponse.decode(h('28 05 0a 01 07')), { data: bytes(7) });
  assert.deepEqual(MsgSend.decode(h('0a 01 66 20 01 12 01 74')), { fromAddress: 'f', toAddress: 't', amount: [] });
});

test('every truncation of an encoding is a DecodeError or a shorter valid message, never anything else', () => {
  for (const [name, codec, value] of VECTORS) {
    const enc = codec.encode(value as never);
    for (let n = 0; n < enc.length; n++) {
      try {
        codec.decode(enc.subarray(0, n));
      } catch (e) {
        assert.ok(e instanceof DecodeError, `${name} cut at ${n}: ${String(e)}`);
      }
    }
  }
});

test('truncated and malformed input: DecodeErrors naming message, field and offset', () => {
  const enc = MsgExecuteContract.encode({ sender: ONE, contract: TWO, msg: bytes(0xaa, 0xbb), sentFunds: [] });
  const err = (re: RegExp) => (e: unknown) => e instanceof DecodeError && re.test(e.message);
  // Cut inside `msg`: its length says 2, one byte is left.
  assert.throws(() => MsgExecuteContract.decode(enc.subarray(0, enc.length - 1)),
    err(/^secret\.compute\.v1beta1\.MsgExecuteContract\.msg: length 2 runs past the end of its message \(1 bytes left\) \(at byte 45\)$/));
  // Cut inside a tag's varint, inside a length's varint, inside a varint value.
  assert.throws(() => MsgExecuteContract.decode(h('80')), err(/MsgExecuteContract: field tag: truncated/));
  assert.throws(() => MsgExecuteContract.decode(h('0a 80')), err(/MsgExecuteContract\.sender: length: truncated/));
  assert.throws(() => MsgStoreCodeResponse.decode(h('08 ff')), err(/MsgStoreCodeResponse\.code_id: varint: truncated/));
  assert.throws(() => MsgStoreCodeResponse.decode(h('08 ffffffffffffffffffff01')), err(/longer than 10 bytes/));
  // Cut inside an unknown fixed64 and an unknown length-delimited field.
  assert.throws(() => MsgExecuteContract.decode(h('51 0102')), err(/unknown field 10: truncated: 8-byte value, 2 bytes left/));
  assert.throws(() => MsgExecuteContract.decode(h('a201 05 01')), err(/unknown field 20: length 5 runs past/));
  // A known field with the wrong wire type, field number 0, groups, a repeated singular field.
  assert.throws(() => MsgExecuteContract.decode(h('08 01')), err(/MsgExecuteContract\.sender: field 1 has wire type 0, expected 2 \(at byte 0\)/));
  assert.throws(() => MsgStoreCodeResponse.decode(h('0a 01 01')), err(/code_id: field 1 has wire type 2, expected 0/));
  assert.throws(() => MsgExecuteContract.decode(h('02 00')), err(/field number 0 is out of range/));
  assert.throws(() => MsgExecuteContract.decode(h('7b 7c')), err(/wire type 3 is not supported/));
  assert.throws(() => MsgExecuteContract.decode(h('1a 01 aa 1a 01 bb')), err(/MsgExecuteContract\.msg: field 3 appears more than once \(at byte 3\)/));
  // A coin inside: truncated, bad amount, unknown field.
  assert.throws(() => MsgExecuteContract.decode(h('2a 04 0a 01 75 12')), err(/sent_funds\[0\]: field tag|sent_funds\[0\]\.amount: length/));
  assert.throws(() => MsgExecuteContract.decode(h('2a 06 0a0175 12012d')), err(/sent_funds\[0\]\.amount: "-" is not a non-negative decimal integer/));
  assert.throws(() => MsgExecuteContract.decode(h('2a 03 0a0175', '2a 03 0a0176')), err(/sent_funds\[0\]\.amount: "" is not/));
  assert.throws(() => MsgExecuteContract.decode(h('2a 02 1801')), err(/sent_funds\[0\]: unknown field 3/));
  // A string that is not UTF-8.
  assert.throws(() => MsgMigrateContract.decode(h('0a 02 c328')), err(/MsgMigrateContract\.sender: field 1 is not valid UTF-8 \(at byte 2\)/));
});

test('encoding refuses values of the wrong type and bad amounts, naming the field', () => {
  assert.throws(() => MsgExecuteContract.encode({ sender: 'x' as unknown as Uint8Array, contract: TWO, msg: bytes(), sentFunds: [] }), /MsgExecuteContract\.sender: expected a Uint8Array/);
  assert.throws(() => MsgExecuteContract.encode({ sender: ONE, contract: TWO, msg: bytes(), sentFunds: [{ denom: 'u', amount: '1.5' }] }), /MsgExecuteContract\.sent_funds\[0\]\.amount: "1\.5" is not a non-negative decimal integer/);
  assert.throws(() => MsgSend.encode({ fromAddress: A, toAddress: B, amount: [{ denom: 'u', amount: '1' + '0'.repeat(78) }] }), /MsgSend\.amount\[0\]\.amount: .* exceeds 2\^256 - 1/);
  assert.throws(() => MsgMigrateContract.encode(null as never), /expected an object, got null/);
});

// ---- the Msg union ----

const MSGS: Msg[] = [
  { typeUrl: MsgSend.typeUrl, value: { fromAddress: A, toAddress: B, amount: [{ denom: 'uscrt', amount: '1000000' }, { denom: 'ufoo', amount: '0' }] } },
  { typeUrl: MsgSend.typeUrl, value: { fromAddress: A, toAddress: B, amount: [] } },
  { typeUrl: MsgStoreCode.typeUrl, value: { sender: a, wasmByteCode: h('0061736d 01000000') } },
  { typeUrl: MsgStoreCode.typeUrl, value: { sender: a, wasmByteCode: h('1f8b08'), source: 'https://example.com/src', builder: 'enigmampc/secret-contract-optimizer:1.0.10' } },
  { typeUrl: MsgInstantiateContract.typeUrl, value: { sender: a, codeId: 1n, label: 'label-1', initMsg: blob, initFunds: [] } },
  { typeUrl: MsgInstantiateContract.typeUrl, value: { sender: a, codeId: 0xffffffffffffffffn, label: 'l', initMsg: blob, initFunds: [{ denom: 'uscrt', amount: '7' }], admin: B } },
  { typeUrl: MsgExecuteContract.typeUrl, value: { sender: a, contract, msg: blob, sentFunds: [] } },
  { typeUrl: MsgExecuteContract.typeUrl, value: { sender: a, contract, msg: blob, sentFunds: [{ denom: 'uscrt', amount: '1' }] } },
  { typeUrl: MsgMigrateContract.typeUrl, value: { sender: A, contract: CONTRACT, codeId: 2n, msg: blob } },
  { typeUrl: MsgUpdateAdmin.typeUrl, value: { sender: A, newAdmin: B, contract: CONTRACT } },
  { typeUrl: MsgClearAdmin.typeUrl, value: { sender: A, contract: CONTRACT } },
];

test('every message packs into an Any and unpacks equal', () => {
  for (const msg of MSGS) {
    const any = encodeMsg(msg);
    assert.equal(any.typeUrl, msg.typeUrl);
    assert.deepEqual(decodeMsg(any), msg, msg.typeUrl);
  }
  assert.deepEqual(new Set(MSGS.map((m) => m.typeUrl)), new Set(MSG_TYPE_URLS));
});

test('an unknown type URL is a DecodeError naming it; encodeMsg refuses one too', () => {
  assert.throws(() => decodeMsg({ typeUrl: '/cosmos.staking.v1beta1.MsgDelegate', value: h('') }),
    (e: unknown) => e instanceof DecodeError && /unknown message type "\/cosmos\.staking\.v1beta1\.MsgDelegate"/.test(e.message));
  assert.throws(() => encodeMsg({ typeUrl: '/x.Y', value: {} } as unknown as Msg), /message type "\/x\.Y" is not one cloak knows/);
});

test('address rules: raw fields must be 20 bytes, text fields secret1… of 20 bytes', () => {
  const err = (re: RegExp) => (e: unknown) => e instanceof DecodeError && re.test(e.message);
  const bad = (typeUrl: string, value: Uint8Array) => () => decodeMsg({ typeUrl, value });
  assert.throws(bad(MsgExecuteContract.typeUrl, MsgExecuteContract.encode({ sender: new Uint8Array(19), contract, msg: blob, sentFunds: [] })),
    err(/MsgExecuteContract\.sender: expected a 20-byte address, got 19 bytes/));
  assert.throws(bad(MsgExecuteContract.typeUrl, MsgExecuteContract.encode({ sender: a, contract: new Uint8Array(32), msg: blob, sentFunds: [] })),
    err(/MsgExecuteContract\.contract: expected a 20-byte address, got 32 bytes/));
  assert.throws(bad(MsgStoreCode.typeUrl, MsgStoreCode.encode({ sender: bytes(), wasmByteCode: blob })), err(/MsgStoreCode\.sender: expected a 20-byte address, got 0 bytes/));
  assert.throws(bad(MsgInstantiateContract.typeUrl, MsgInstantiateContract.encode({ sender: a, codeId: 1n, label: 'l', initMsg: blob, initFunds: [], admin: 'cosmos1x' })),
    err(/MsgInstantiateContract\.admin: address "cosmos1x": not bech32/));
  assert.throws(bad(MsgMigrateContract.typeUrl, MsgMigrateContract.encode({ sender: A.slice(0, -1) + 'q', contract: CONTRACT, codeId: 1n, msg: blob })),
    err(/MsgMigrateContract\.sender: address ".*": bad checksum/));
  assert.throws(bad(MsgUpdateAdmin.typeUrl, MsgUpdateAdmin.encode({ sender: A, newAdmin: '', contract: CONTRACT })), err(/MsgUpdateAdmin\.new_admin/));
  assert.throws(bad(MsgClearAdmin.typeUrl, MsgClearAdmin.encode({ sender: A, contract: 'secret1' })), err(/MsgClearAdmin\.contract/));
  assert.throws(bad(MsgSend.typeUrl, MsgSend.encode({ fromAddress: A, toAddress: 'secret1zzz', amount: [] })), err(/MsgSend\.to_address/));
  // The same rules on the way out are RangeErrors (a programming error, not hostile input).
  assert.throws(() => encodeMsg({ typeUrl: MsgExecuteContract.typeUrl, value: { sender: a, contract: new Uint8Array(21), msg: blob, sentFunds: [] } }),
    (e: unknown) => e instanceof RangeError && /MsgExecuteContract\.contract: expected a 20-byte address, got 21 bytes/.test(e.message));
});

test('signers: sender or from_address, as canonical bech32', () => {
  for (const msg of MSGS) assert.equal(msgSigners(msg), A, msg.typeUrl);
  assert.equal(msgSigners({ typeUrl: MsgMigrateContract.typeUrl, value: { sender: A.toUpperCase(), contract: CONTRACT, codeId: 1n, msg: blob } }), A);
  assert.equal(msgSigners({ typeUrl: MsgExecuteContract.typeUrl, value: { sender: contract, contract: a, msg: blob, sentFunds: [] } }), CONTRACT);
});

test('gateway JSON of every message', () => {
  assert.equal(toBech32(a), A);
  const expected = [
    { '@type': '/cosmos.bank.v1beta1.MsgSend', from_address: A, to_address: B, amount: [{ denom: 'uscrt', amount: '1000000' }, { denom: 'ufoo', amount: '0' }] },
    { '@type': '/cosmos.bank.v1beta1.MsgSend', from_address: A, to_address: B, amount: [] },
    { '@type': '/secret.compute.v1beta1.MsgStoreCode', sender: A, wasm_byte_code: 'AGFzbQEAAAA=', source: '', builder: '' },
    { '@type': '/secret.compute.v1beta1.MsgStoreCode', sender: A, wasm_byte_code: 'H4sI', source: 'https://example.com/src', builder: 'enigmampc/secret-contract-optimizer:1.0.10' },
    {
      '@type': '/secret.compute.v1beta1.MsgInstantiateContract', sender: A, callback_code_hash: '', code_id: '1', label: 'label-1',
      init_msg: blobB64, init_funds: [], callback_sig: null, admin: '',
    },
    {
      '@type': '/secret.compute.v1beta1.MsgInstantiateContract', sender: A, callback_code_hash: '', code_id: '18446744073709551615', label: 'l',
      init_msg: blobB64, init_funds: [{ denom: 'uscrt', amount: '7' }], callback_sig: null, admin: B,
    },
    { '@type': '/secret.compute.v1beta1.MsgExecuteContract', sender: A, contract: CONTRACT, msg: blobB64, callback_code_hash: '', sent_funds: [], callback_sig: null },
    {
      '@type': '/secret.compute.v1beta1.MsgExecuteContract', sender: A, contract: CONTRACT, msg: blobB64, callback_code_hash: '',
      sent_funds: [{ denom: 'uscrt', amount: '1' }], callback_sig: null,
    },
    { '@type': '/secret.compute.v1beta1.MsgMigrateContract', sender: A, contract: CONTRACT, code_id: '2', msg: blobB64, callback_sig: null, callback_code_hash: '' },
    { '@type': '/secret.compute.v1beta1.MsgUpdateAdmin', sender: A, new_admin: B, contract: CONTRACT, callback_sig: null },
    { '@type': '/secret.compute.v1beta1.MsgClearAdmin', sender: A, contract: CONTRACT, callback_sig: null },
  ];
  assert.deepEqual(MSGS.map(msgJson), expected);
  // Key order is the gateway's: "@type" first, then fields by number.
  assert.deepEqual(Object.keys(msgJson(MSGS[5])), ['@type', 'sender', 'callback_code_hash', 'code_id', 'label', 'init_msg', 'init_funds', 'callback_sig', 'admin']);
  // The blob is the exact bytes, standard base64 with padding (secretjs takes the nonce from it).
  const json = msgJson(MSGS[6]) as unknown as { msg: string };
  assert.deepEqual(new Uint8Array(Buffer.from(json.msg, 'base64')), blob);
  assert.equal(msgJson({ typeUrl: MsgExecuteContract.typeUrl, value: { sender: a, contract, msg: bytes(0xfb, 0xff), sentFunds: [], callbackSig: bytes(1) } }).msg, '+/8=');
});

test('msgResponseJson: the gateway form of each response; unknown or broken bytes kept as value', async () => {
  const { msgResponseJson, MsgStoreCodeResponse, MsgInstantiateContractResponse } = await import('../src/index.js');
  assert.deepEqual(msgResponseJson({ typeUrl: MsgStoreCodeResponse.typeUrl, value: MsgStoreCodeResponse.encode({ codeId: 7n }) }), { '@type': MsgStoreCodeResponse.typeUrl, code_id: '7' });
  const inst = MsgInstantiateContractResponse.encode({ address: 'secret1xyz', data: Uint8Array.of(1, 2) });
  assert.deepEqual(msgResponseJson({ typeUrl: MsgInstantiateContractResponse.typeUrl, value: inst }), { '@type': MsgInstantiateContractResponse.typeUrl, address: 'secret1xyz', data: 'AQI=' });
  assert.deepEqual(msgResponseJson({ typeUrl: '/x.Y', value: Uint8Array.of(9) }), { '@type': '/x.Y', value: 'CQ==' });
  assert.deepEqual(msgResponseJson({ typeUrl: MsgStoreCodeResponse.typeUrl, value: Uint8Array.of(0x08) }), { '@type': MsgStoreCodeResponse.typeUrl, value: 'CA==' });
});
