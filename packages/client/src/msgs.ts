/**
 * The messages a cloak transaction may carry, as one tagged union `Msg` (tag = type URL): bank
 * MsgSend and the six compute messages (spec/secretjs-surface.md §3.2). This file owns what is
 * common to all of them: packing into and out of `google.protobuf.Any`, the address rules (raw
 * 20-byte addresses in store/instantiate/execute, `secret1…` text elsewhere; a message breaking
 * them is refused on both encode and decode), who must sign (§3.2: the `sender`, or `from_address`
 * for bank), and the proto-JSON that the Cosmos REST gateway shows in
 * `tx_response.tx.body.messages[i]` (§2.11, §5 step 5).
 *
 * JSON follows the gateway (gogoproto jsonpb with EmitDefaults and OrigName, cosmos-sdk 0.50):
 * `"@type"` first, then every field in field-number order under its proto name, zero values
 * included; uint64 as decimal strings; bytes as standard base64, empty bytes as `null` (Go's nil
 * slice); coins as `[{denom, amount}]`. The raw address fields are declared with gogoproto
 * casttype sdk.AccAddress on the chain, whose MarshalJSON writes bech32, so they appear as
 * `secret1…` text, not base64. The `init_msg` / `msg` blobs are the exact bytes broadcast, which is
 * what secretjs needs to find the nonce (§2.11).
 */
import { base64 } from '@scure/base';
import { fromBech32, toBech32 } from './address.js';
import { MsgSend } from './bank.js';
import { coinsJson } from './coins.js';
import {
  MsgClearAdmin, MsgExecuteContract, MsgInstantiateContract, MsgMigrateContract, MsgStoreCode, MsgUpdateAdmin, type Codec,
} from './compute.js';
import { ADDRESS_BYTES } from './limits.js';
import { DecodeError, type Shape } from './wire.js';

/** A protobuf `google.protobuf.Any`: a type URL and the encoded message. */
export interface Any {
  typeUrl: string;
  value: Uint8Array;
}

/** google.protobuf.Any as the strict reader sees it (an unknown field in an Any is refused). */
export const ANY_SHAPE: Shape = {
  name: 'google.protobuf.Any',
  fields: { 1: { name: 'type_url', kind: 'string' }, 2: { name: 'value', kind: 'bytes' } },
  unknown: 'reject',
};

export type Msg =
  | { typeUrl: typeof MsgSend.typeUrl; value: MsgSend }
  | { typeUrl: typeof MsgStoreCode.typeUrl; value: MsgStoreCode }
  | { typeUrl: typeof MsgInstantiateContract.typeUrl; value: MsgInstantiateContract }
  | { typeUrl: typeof MsgExecuteContract.typeUrl; value: MsgExecuteContract }
  | { typeUrl: typeof MsgMigrateContract.typeUrl; value: MsgMigrateContract }
  | { typeUrl: typeof MsgUpdateAdmin.typeUrl; value: MsgUpdateAdmin }
  | { typeUrl: typeof MsgClearAdmin.typeUrl; value: MsgClearAdmin };

/** JSON as JSON.stringify writes it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The type URLs a transaction may carry, in the order of the union. */
export const MSG_TYPE_URLS: readonly Msg['typeUrl'][] = [
  MsgSend.typeUrl, MsgStoreCode.typeUrl, MsgInstantiateContract.typeUrl, MsgExecuteContract.typeUrl,
  MsgMigrateContract.typeUrl, MsgUpdateAdmin.typeUrl, MsgClearAdmin.typeUrl,
];

// The union's tag fixes each value's type; the lookup loses only that link, never the codec.
const CODECS: ReadonlyMap<string, Codec<Msg['value']>> = new Map<string, Codec<Msg['value']>>([
  [MsgSend.typeUrl, MsgSend], [MsgStoreCode.typeUrl, MsgStoreCode], [MsgInstantiateContract.typeUrl, MsgInstantiateContract],
  [MsgExecuteContract.typeUrl, MsgExecuteContract], [MsgMigrateContract.typeUrl, MsgMigrateContract],
  [MsgUpdateAdmin.typeUrl, MsgUpdateAdmin], [MsgClearAdmin.typeUrl, MsgClearAdmin],
]);

/** Packs a message into an Any; a message breaking an address rule is an error naming the field. */
export function encodeMsg(msg: Msg): Any {
  const codec = msg === null || typeof msg !== 'object' ? undefined : CODECS.get(msg.typeUrl);
  if (codec === undefined) throw new TypeError(`message type ${JSON.stringify(msg?.typeUrl)} is not one cloak knows (${MSG_TYPE_URLS.join(', ')})`);
  const problem = addressProblem(msg);
  if (problem !== undefined) throw new RangeError(problem);
  return { typeUrl: msg.typeUrl, value: codec.encode(msg.value) };
}

/** Unpacks an Any; an unknown type URL, bad bytes or a bad address is a DecodeError naming it. */
export function decodeMsg(any: Any): Msg {
  const codec = CODECS.get(any.typeUrl);
  if (codec === undefined) throw new DecodeError(`unknown message type ${JSON.stringify(any.typeUrl.slice(0, 200))}`);
  const msg = { typeUrl: any.typeUrl, value: codec.decode(any.value) } as Msg;
  const problem = addressProblem(msg);
  if (problem !== undefined) throw new DecodeError(problem);
  return msg;
}

/** The `secret1…` address (canonical lower case) whose signature the message needs. */
export function msgSigners(msg: Msg): string {
  switch (msg.typeUrl) {
    case MsgSend.typeUrl:
      return toBech32(fromBech32(msg.value.fromAddress));
    case MsgStoreCode.typeUrl:
    case MsgInstantiateContract.typeUrl:
    case MsgExecuteContract.typeUrl:
      return toBech32(msg.value.sender);
    case MsgMigrateContract.typeUrl:
    case MsgUpdateAdmin.typeUrl:
    case MsgClearAdmin.typeUrl:
      return toBech32(fromBech32(msg.value.sender));
  }
}

/** The gateway's proto-JSON of a message, `{"@type": typeUrl, ...fields}` (see the header). */
export function msgJson(msg: Msg): { '@type': string } & { [key: string]: Json } {
  const t = msg.typeUrl;
  switch (msg.typeUrl) {
    case MsgSend.typeUrl: {
      const m = msg.value;
      return { '@type': t, from_address: m.fromAddress, to_address: m.toAddress, amount: coinsJson(m.amount) };
    }
    case MsgStoreCode.typeUrl: {
      const m = msg.value;
      return { '@type': t, sender: accAddress(m.sender), wasm_byte_code: bytes(m.wasmByteCode), source: m.source ?? '', builder: m.builder ?? '' };
    }
    case MsgInstantiateContract.typeUrl: {
      const m = msg.value;
      return {
        '@type': t, sender: accAddress(m.sender), callback_code_hash: m.callbackCodeHash ?? '', code_id: m.codeId.toString(),
        label: m.label, init_msg: bytes(m.initMsg), init_funds: coinsJson(m.initFunds), callback_sig: bytes(m.callbackSig),
        admin: m.admin ?? '',
      };
    }
    case MsgExecuteContract.typeUrl: {
      const m = msg.value;
      return {
        '@type': t, sender: accAddress(m.sender), contract: accAddress(m.contract), msg: bytes(m.msg),
        callback_code_hash: m.callbackCodeHash ?? '', sent_funds: coinsJson(m.sentFunds), callback_sig: bytes(m.callbackSig),
      };
    }
    case MsgMigrateContract.typeUrl: {
      const m = msg.value;
      return {
        '@type': t, sender: m.sender, contract: m.contract, code_id: m.codeId.toString(), msg: bytes(m.msg),
        callback_sig: bytes(m.callbackSig), callback_code_hash: m.callbackCodeHash ?? '',
      };
    }
    case MsgUpdateAdmin.typeUrl: {
      const m = msg.value;
      return { '@type': t, sender: m.sender, new_admin: m.newAdmin, contract: m.contract, callback_sig: bytes(m.callbackSig) };
    }
    case MsgClearAdmin.typeUrl: {
      const m = msg.value;
      return { '@type': t, sender: m.sender, contract: m.contract, callback_sig: bytes(m.callbackSig) };
    }
  }
}

/** Standard base64 with padding; empty or absent bytes are `null`, as Go writes a nil slice. */
function bytes(b: Uint8Array | undefined): string | null {
  return b === undefined || b.length === 0 ? null : base64.encode(b);
}

/** An sdk.AccAddress field: bech32 text, `""` when empty. */
function accAddress(b: Uint8Array): string {
  return b.length === 0 ? '' : toBech32(b);
}

/** What is wrong with a message's addresses, if anything, naming the field. */
function addressProblem(msg: Msg): string | undefined {
  const name = msg.typeUrl.slice(msg.typeUrl.lastIndexOf('.') + 1);
  const text = (field: string, v: string): string | undefined => {
    try {
      fromBech32(v);
      return undefined;
    } catch (e) {
      return `${name}.${field}: ${e instanceof Error ? e.message : String(e)}`;
    }
  };
  const raw = (field: string, v: Uint8Array): string | undefined => {
    if (!(v instanceof Uint8Array)) return `${name}.${field}: expected ${ADDRESS_BYTES} bytes, got ${typeof v}`;
    return v.length === ADDRESS_BYTES ? undefined : `${name}.${field}: expected a ${ADDRESS_BYTES}-byte address, got ${v.length} bytes`;
  };
  switch (msg.typeUrl) {
    case MsgSend.typeUrl:
      return text('from_address', msg.value.fromAddress) ?? text('to_address', msg.value.toAddress);
    case MsgStoreCode.typeUrl:
      return raw('sender', msg.value.sender);
    case MsgInstantiateContract.typeUrl:
      return raw('sender', msg.value.sender) ?? (msg.value.admin ? text('admin', msg.value.admin) : undefined);
    case MsgExecuteContract.typeUrl:
      return raw('sender', msg.value.sender) ?? raw('contract', msg.value.contract);
    case MsgMigrateContract.typeUrl:
      return text('sender', msg.value.sender) ?? text('contract', msg.value.contract);
    case MsgUpdateAdmin.typeUrl:
      return text('sender', msg.value.sender) ?? text('new_admin', msg.value.newAdmin) ?? text('contract', msg.value.contract);
    case MsgClearAdmin.typeUrl:
      return text('sender', msg.value.sender) ?? text('contract', msg.value.contract);
  }
}
