/**
 * What a node puts in `tx_response.data` (spec/secretjs-surface.md §2.11, §5 step 5): the hex of a
 * cosmos.base.abci.v1beta1.TxMsgData whose field 2, `msg_responses`, holds one Any per message, in
 * message order (`/cosmos.bank.v1beta1.MsgSendResponse`, `/secret.compute.v1beta1.Msg…Response`).
 * Field 1 (`data`) is deprecated and left empty, as in cosmos-sdk 0.50. Encoding and decoding are
 * cosmjs-types' TxMsgData codec; decoding reads the bytes strictly first (wire.ts).
 */
import { base64, hex } from '@scure/base';
import { TxMsgData } from 'cosmjs-types/cosmos/base/abci/v1beta1/abci';
import { MsgSendResponse } from './bank.js';
import {
  MsgClearAdminResponse, MsgExecuteContractResponse, MsgInstantiateContractResponse, MsgMigrateContractResponse,
  MsgStoreCodeResponse, MsgUpdateAdminResponse,
} from './compute.js';
import { ANY_SHAPE, type Any } from './msgs.js';
import { DecodeError, finish, readMessage, type Shape } from './wire.js';

const TX_MSG_DATA_SHAPE: Shape = {
  name: 'cosmos.base.abci.v1beta1.TxMsgData',
  fields: { 1: { name: 'data', kind: 'bytes', repeated: true }, 2: { name: 'msg_responses', kind: ANY_SHAPE, repeated: true } },
  unknown: 'skip',
};

/** TxMsgData bytes holding `responses` as msg_responses. */
export function encodeTxMsgData(responses: Any[]): Uint8Array {
  return finish(TxMsgData.encode({ data: [], msgResponses: responses.map((r) => ({ typeUrl: r.typeUrl, value: r.value })) }));
}

/** The msg_responses of TxMsgData bytes. */
export function decodeTxMsgData(bytes: Uint8Array): Any[] {
  readMessage(bytes, TX_MSG_DATA_SHAPE);
  return TxMsgData.decode(bytes).msgResponses.map((a) => ({ typeUrl: a.typeUrl, value: a.value }));
}

/** `tx_response.data`: upper-case hex of TxMsgData (secretjs accepts either case). */
export function txMsgDataHex(responses: Any[]): string {
  return hex.encode(encodeTxMsgData(responses)).toUpperCase();
}

/** The msg_responses of a `tx_response.data` hex string. */
export function txMsgDataFromHex(text: string): Any[] {
  if (typeof text !== 'string' || !/^(?:[0-9a-fA-F]{2})*$/.test(text)) {
    throw new DecodeError(`tx_response.data: not an even-length hex string: ${JSON.stringify(String(text).slice(0, 40))}`);
  }
  return decodeTxMsgData(hex.decode(text.toLowerCase()));
}

/**
 * A message response as the REST gateway shows it: `{"@type": typeUrl, …fields}` with u64s as
 * decimal text and bytes as base64 (`code_id` of a store, `address` and `data` of an instantiate,
 * `data` of an execute or migrate); a type this package does not know, or bytes that do not
 * decode, keep their bytes under `value`.
 */
export function msgResponseJson(a: Any): { '@type': string } & { [key: string]: string } {
  const render = RESPONSES[a.typeUrl];
  if (render !== undefined) {
    try {
      return { '@type': a.typeUrl, ...render(a.value) };
    } catch {
      // fall through: shown as bytes
    }
  }
  return { '@type': a.typeUrl, value: base64.encode(a.value) };
}

const RESPONSES: Record<string, (v: Uint8Array) => { [key: string]: string }> = {
  [MsgSendResponse.typeUrl]: (v) => (MsgSendResponse.decode(v), {}),
  [MsgStoreCodeResponse.typeUrl]: (v) => ({ code_id: MsgStoreCodeResponse.decode(v).codeId.toString() }),
  [MsgInstantiateContractResponse.typeUrl]: (v) => {
    const r = MsgInstantiateContractResponse.decode(v);
    return { address: r.address, data: base64.encode(r.data) };
  },
  [MsgExecuteContractResponse.typeUrl]: (v) => ({ data: base64.encode(MsgExecuteContractResponse.decode(v).data) }),
  [MsgMigrateContractResponse.typeUrl]: (v) => ({ data: base64.encode(MsgMigrateContractResponse.decode(v).data) }),
  [MsgUpdateAdminResponse.typeUrl]: (v) => (MsgUpdateAdminResponse.decode(v), {}),
  [MsgClearAdminResponse.typeUrl]: (v) => (MsgClearAdminResponse.decode(v), {}),
};
