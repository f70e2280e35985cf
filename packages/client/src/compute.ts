/**
 * Secret's own transaction messages, package `secret.compute.v1beta1`, which cosmjs-types lacks
 * (spec/secretjs-surface.md §3.2, checked against SecretNetwork's proto/secret/compute/v1beta1/
 * msg.proto): MsgStoreCode, MsgInstantiateContract, MsgExecuteContract, MsgMigrateContract,
 * MsgUpdateAdmin, MsgClearAdmin and their responses. Each is a TypeScript interface plus a codec of
 * the same name holding its type URL. Encoding writes fields in field-number order and leaves out
 * empty and zero fields, as secretjs does (so `callback_code_hash` and `callback_sig`, empty in
 * every user transaction, never reach the wire). Decoding skips unknown fields and fails with a
 * DecodeError naming the message, field and byte offset on truncated or malformed input. Address
 * forms differ by message as on the chain: store, instantiate and execute carry the 20 raw bytes,
 * migrate and the admin messages carry bech32 text; whether they are valid addresses is msgs.ts's
 * concern, not this codec's.
 */
import { BinaryWriter } from 'cosmjs-types/binary';
import { COIN_SHAPE, coinFrom, writeCoins, type Coin } from './coins.js';
import { finish, readMessage, writeBytes, writeString, writeUint64, type Fields, type Shape } from './wire.js';

/** A message codec: its type URL (the Any's `type_url`), and protobuf encode/decode. */
export interface Codec<T, U extends string = string> {
  readonly typeUrl: U;
  encode(message: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

export interface MsgStoreCode {
  /** 20-byte account address. */
  sender: Uint8Array;
  /** The wasm, raw or gzip. */
  wasmByteCode: Uint8Array;
  source?: string;
  builder?: string;
}

export interface MsgInstantiateContract {
  /** 20-byte account address. */
  sender: Uint8Array;
  /** Internal to the chain; empty in user transactions. */
  callbackCodeHash?: string;
  codeId: bigint;
  label: string;
  /** The encrypted init message (nonce ‖ client public key ‖ ciphertext). */
  initMsg: Uint8Array;
  initFunds: Coin[];
  /** Internal to the chain; empty in user transactions. */
  callbackSig?: Uint8Array;
  /** bech32 address of the admin, if any. */
  admin?: string;
}

export interface MsgExecuteContract {
  /** 20-byte account address. */
  sender: Uint8Array;
  /** 20-byte contract address. */
  contract: Uint8Array;
  /** The encrypted execute message. */
  msg: Uint8Array;
  callbackCodeHash?: string;
  sentFunds: Coin[];
  callbackSig?: Uint8Array;
}

export interface MsgMigrateContract {
  /** bech32 */
  sender: string;
  /** bech32 */
  contract: string;
  codeId: bigint;
  /** The encrypted migrate message. */
  msg: Uint8Array;
  callbackSig?: Uint8Array;
  callbackCodeHash?: string;
}

export interface MsgUpdateAdmin {
  sender: string;
  newAdmin: string;
  contract: string;
  callbackSig?: Uint8Array;
}

export interface MsgClearAdmin {
  sender: string;
  contract: string;
  callbackSig?: Uint8Array;
}

export interface MsgStoreCodeResponse {
  codeId: bigint;
}

export interface MsgInstantiateContractResponse {
  /** bech32 address of the new contract. */
  address: string;
  /** The contract's data, encrypted. */
  data: Uint8Array;
}

export interface MsgExecuteContractResponse {
  data: Uint8Array;
}

export interface MsgMigrateContractResponse {
  data: Uint8Array;
}

export interface MsgUpdateAdminResponse {}
export interface MsgClearAdminResponse {}

const PKG = 'secret.compute.v1beta1';

function codec<T, const U extends string>(
  typeUrl: U, shape: Shape, write: (w: BinaryWriter, m: T) => void, read: (f: Fields) => T,
): Codec<T, U> {
  return {
    typeUrl,
    encode(message: T): Uint8Array {
      if (message === null || typeof message !== 'object') throw new TypeError(`${shape.name}: expected an object, got ${message === null ? 'null' : typeof message}`);
      const w = BinaryWriter.create();
      write(w, message);
      return finish(w);
    },
    decode(bytes: Uint8Array): T {
      return read(readMessage(bytes, shape));
    },
  };
}

/** Optional fields appear in decoded messages only when they were present and non-empty. */
function optionalString(f: Fields, field: number): string | undefined {
  const v = f.string(field);
  return v === '' ? undefined : v;
}

function optionalBytes(f: Fields, field: number): Uint8Array | undefined {
  const v = f.bytes(field);
  return v.length === 0 ? undefined : v;
}

function shape(name: string, fields: Shape['fields']): Shape {
  return { name: `${PKG}.${name}`, fields, unknown: 'skip' };
}

const FUNDS = (name: string) => ({ name, kind: COIN_SHAPE, repeated: true });

export const MsgStoreCode = codec(
  `/${PKG}.MsgStoreCode`,
  shape('MsgStoreCode', {
    1: { name: 'sender', kind: 'bytes' }, 2: { name: 'wasm_byte_code', kind: 'bytes' },
    3: { name: 'source', kind: 'string' }, 4: { name: 'builder', kind: 'string' },
  }),
  (w, m: MsgStoreCode) => {
    writeBytes(w, 1, m.sender, 'MsgStoreCode.sender');
    writeBytes(w, 2, m.wasmByteCode, 'MsgStoreCode.wasm_byte_code');
    writeString(w, 3, m.source, 'MsgStoreCode.source');
    writeString(w, 4, m.builder, 'MsgStoreCode.builder');
  },
  (f): MsgStoreCode => {
    const m: MsgStoreCode = { sender: f.bytes(1), wasmByteCode: f.bytes(2) };
    const source = optionalString(f, 3);
    const builder = optionalString(f, 4);
    if (source !== undefined) m.source = source;
    if (builder !== undefined) m.builder = builder;
    return m;
  },
);

export const MsgInstantiateContract = codec(
  `/${PKG}.MsgInstantiateContract`,
  shape('MsgInstantiateContract', {
    1: { name: 'sender', kind: 'bytes' }, 2: { name: 'callback_code_hash', kind: 'string' },
    3: { name: 'code_id', kind: 'uint64' }, 4: { name: 'label', kind: 'string' }, 5: { name: 'init_msg', kind: 'bytes' },
    6: FUNDS('init_funds'), 7: { name: 'callback_sig', kind: 'bytes' }, 8: { name: 'admin', kind: 'string' },
  }),
  (w, m: MsgInstantiateContract) => {
    writeBytes(w, 1, m.sender, 'MsgInstantiateContract.sender');
    writeString(w, 2, m.callbackCodeHash, 'MsgInstantiateContract.callback_code_hash');
    writeUint64(w, 3, m.codeId, 'MsgInstantiateContract.code_id');
    writeString(w, 4, m.label, 'MsgInstantiateContract.label');
    writeBytes(w, 5, m.initMsg, 'MsgInstantiateContract.init_msg');
    writeCoins(w, 6, m.initFunds ?? [], 'MsgInstantiateContract.init_funds');
    writeBytes(w, 7, m.callbackSig, 'MsgInstantiateContract.callback_sig');
    writeString(w, 8, m.admin, 'MsgInstantiateContract.admin');
  },
  (f): MsgInstantiateContract => {
    const m: MsgInstantiateContract = {
      sender: f.bytes(1), codeId: f.uint64(3), label: f.string(4), initMsg: f.bytes(5), initFunds: f.messages(6).map(coinFrom),
    };
    const callbackCodeHash = optionalString(f, 2);
    const callbackSig = optionalBytes(f, 7);
    const admin = optionalString(f, 8);
    if (callbackCodeHash !== undefined) m.callbackCodeHash = callbackCodeHash;
    if (callbackSig !== undefined) m.callbackSig = callbackSig;
    if (admin !== undefined) m.admin = admin;
    return m;
  },
);

export const MsgExecuteContract = codec(
  `/${PKG}.MsgExecuteContract`,
  shape('MsgExecuteContract', {
    1: { name: 'sender', kind: 'bytes' }, 2: { name: 'contract', kind: 'bytes' }, 3: { name: 'msg', kind: 'bytes' },
    4: { name: 'callback_code_hash', kind: 'string' }, 5: FUNDS('sent_funds'), 6: { name: 'callback_sig', kind: 'bytes' },
  }),
  (w, m: MsgExecuteContract) => {
    writeBytes(w, 1, m.sender, 'MsgExecuteContract.sender');
    writeBytes(w, 2, m.contract, 'MsgExecuteContract.contract');
    writeBytes(w, 3, m.msg, 'MsgExecuteContract.msg');
    writeString(w, 4, m.callbackCodeHash, 'MsgExecuteContract.callback_code_hash');
    writeCoins(w, 5, m.sentFunds ?? [], 'MsgExecuteContract.sent_funds');
    writeBytes(w, 6, m.callbackSig, 'MsgExecuteContract.callback_sig');
  },
  (f): MsgExecuteContract => {
    const m: MsgExecuteContract = { sender: f.bytes(1), contract: f.bytes(2), msg: f.bytes(3), sentFunds: f.messages(5).map(coinFrom) };
    const callbackCodeHash = optionalString(f, 4);
    const callbackSig = optionalBytes(f, 6);
    if (callbackCodeHash !== undefined) m.callbackCodeHash = callbackCodeHash;
    if (callbackSig !== undefined) m.callbackSig = callbackSig;
    return m;
  },
);

export const MsgMigrateContract = codec(
  `/${PKG}.MsgMigrateContract`,
  shape('MsgMigrateContract', {
    1: { name: 'sender', kind: 'string' }, 2: { name: 'contract', kind: 'string' }, 3: { name: 'code_id', kind: 'uint64' },
    4: { name: 'msg', kind: 'bytes' }, 7: { name: 'callback_sig', kind: 'bytes' }, 8: { name: 'callback_code_hash', kind: 'string' },
  }),
  (w, m: MsgMigrateContract) => {
    writeString(w, 1, m.sender, 'MsgMigrateContract.sender');
    writeString(w, 2, m.contract, 'MsgMigrateContract.contract');
    writeUint64(w, 3, m.codeId, 'MsgMigrateContract.code_id');
    writeBytes(w, 4, m.msg, 'MsgMigrateContract.msg');
    writeBytes(w, 7, m.callbackSig, 'MsgMigrateContract.callback_sig');
    writeString(w, 8, m.callbackCodeHash, 'MsgMigrateContract.callback_code_hash');
  },
  (f): MsgMigrateContract => {
    const m: MsgMigrateContract = { sender: f.string(1), contract: f.string(2), codeId: f.uint64(3), msg: f.bytes(4) };
    const callbackSig = optionalBytes(f, 7);
    const callbackCodeHash = optionalString(f, 8);
    if (callbackSig !== undefined) m.callbackSig = callbackSig;
    if (callbackCodeHash !== undefined) m.callbackCodeHash = callbackCodeHash;
    return m;
  },
);

export const MsgUpdateAdmin = codec(
  `/${PKG}.MsgUpdateAdmin`,
  shape('MsgUpdateAdmin', {
    1: { name: 'sender', kind: 'string' }, 2: { name: 'new_admin', kind: 'string' }, 3: { name: 'contract', kind: 'string' },
    7: { name: 'callback_sig', kind: 'bytes' },
  }),
  (w, m: MsgUpdateAdmin) => {
    writeString(w, 1, m.sender, 'MsgUpdateAdmin.sender');
    writeString(w, 2, m.newAdmin, 'MsgUpdateAdmin.new_admin');
    writeString(w, 3, m.contract, 'MsgUpdateAdmin.contract');
    writeBytes(w, 7, m.callbackSig, 'MsgUpdateAdmin.callback_sig');
  },
  (f): MsgUpdateAdmin => {
    const m: MsgUpdateAdmin = { sender: f.string(1), newAdmin: f.string(2), contract: f.string(3) };
    const callbackSig = optionalBytes(f, 7);
    if (callbackSig !== undefined) m.callbackSig = callbackSig;
    return m;
  },
);

export const MsgClearAdmin = codec(
  `/${PKG}.MsgClearAdmin`,
  shape('MsgClearAdmin', {
    1: { name: 'sender', kind: 'string' }, 3: { name: 'contract', kind: 'string' }, 7: { name: 'callback_sig', kind: 'bytes' },
  }),
  (w, m: MsgClearAdmin) => {
    writeString(w, 1, m.sender, 'MsgClearAdmin.sender');
    writeString(w, 3, m.contract, 'MsgClearAdmin.contract');
    writeBytes(w, 7, m.callbackSig, 'MsgClearAdmin.callback_sig');
  },
  (f): MsgClearAdmin => {
    const m: MsgClearAdmin = { sender: f.string(1), contract: f.string(3) };
    const callbackSig = optionalBytes(f, 7);
    if (callbackSig !== undefined) m.callbackSig = callbackSig;
    return m;
  },
);

export const MsgStoreCodeResponse = codec(
  `/${PKG}.MsgStoreCodeResponse`,
  shape('MsgStoreCodeResponse', { 1: { name: 'code_id', kind: 'uint64' } }),
  (w, m: MsgStoreCodeResponse) => writeUint64(w, 1, m.codeId, 'MsgStoreCodeResponse.code_id'),
  (f): MsgStoreCodeResponse => ({ codeId: f.uint64(1) }),
);

export const MsgInstantiateContractResponse = codec(
  `/${PKG}.MsgInstantiateContractResponse`,
  shape('MsgInstantiateContractResponse', { 1: { name: 'address', kind: 'string' }, 2: { name: 'data', kind: 'bytes' } }),
  (w, m: MsgInstantiateContractResponse) => {
    writeString(w, 1, m.address, 'MsgInstantiateContractResponse.address');
    writeBytes(w, 2, m.data, 'MsgInstantiateContractResponse.data');
  },
  (f): MsgInstantiateContractResponse => ({ address: f.string(1), data: f.bytes(2) }),
);

export const MsgExecuteContractResponse = codec(
  `/${PKG}.MsgExecuteContractResponse`,
  shape('MsgExecuteContractResponse', { 1: { name: 'data', kind: 'bytes' } }),
  (w, m: MsgExecuteContractResponse) => writeBytes(w, 1, m.data, 'MsgExecuteContractResponse.data'),
  (f): MsgExecuteContractResponse => ({ data: f.bytes(1) }),
);

export const MsgMigrateContractResponse = codec(
  `/${PKG}.MsgMigrateContractResponse`,
  shape('MsgMigrateContractResponse', { 1: { name: 'data', kind: 'bytes' } }),
  (w, m: MsgMigrateContractResponse) => writeBytes(w, 1, m.data, 'MsgMigrateContractResponse.data'),
  (f): MsgMigrateContractResponse => ({ data: f.bytes(1) }),
);

export const MsgUpdateAdminResponse = codec(
  `/${PKG}.MsgUpdateAdminResponse`,
  shape('MsgUpdateAdminResponse', {}),
  () => {},
  (): MsgUpdateAdminResponse => ({}),
);

export const MsgClearAdminResponse = codec(
  `/${PKG}.MsgClearAdminResponse`,
  shape('MsgClearAdminResponse', {}),
  () => {},
  (): MsgClearAdminResponse => ({}),
);
