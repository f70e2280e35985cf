/**
 * The one bank message a client of cloak sends, `/cosmos.bank.v1beta1.MsgSend` (spec/secretjs-
 * surface.md §3.2: 1 from_address, 2 to_address, 3 amount), and its empty response. Encoding and
 * decoding are cosmjs-types' generated codec; decoding first reads the bytes strictly (wire.ts),
 * skipping unknown fields like the compute codecs, and checks every amount (coins.ts).
 */
import { MsgSend as SendCodec, MsgSendResponse as SendResponseCodec } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { COIN_SHAPE, checkCoins, coinFrom, type Coin } from './coins.js';
import type { Codec } from './compute.js';
import { finish, readMessage, type Shape } from './wire.js';

export interface MsgSend {
  /** bech32 */
  fromAddress: string;
  /** bech32 */
  toAddress: string;
  amount: Coin[];
}

export interface MsgSendResponse {}

const SEND_SHAPE: Shape = {
  name: 'cosmos.bank.v1beta1.MsgSend',
  fields: {
    1: { name: 'from_address', kind: 'string' }, 2: { name: 'to_address', kind: 'string' },
    3: { name: 'amount', kind: COIN_SHAPE, repeated: true },
  },
  unknown: 'skip',
};

const SEND_RESPONSE_SHAPE: Shape = { name: 'cosmos.bank.v1beta1.MsgSendResponse', fields: {}, unknown: 'skip' };

export const MsgSend: Codec<MsgSend, '/cosmos.bank.v1beta1.MsgSend'> = {
  typeUrl: '/cosmos.bank.v1beta1.MsgSend',
  encode(m: MsgSend): Uint8Array {
    if (m === null || typeof m !== 'object') throw new TypeError(`MsgSend: expected an object, got ${m === null ? 'null' : typeof m}`);
    if (typeof m.fromAddress !== 'string') throw new TypeError(`MsgSend.from_address: expected a string, got ${typeof m.fromAddress}`);
    if (typeof m.toAddress !== 'string') throw new TypeError(`MsgSend.to_address: expected a string, got ${typeof m.toAddress}`);
    checkCoins(m.amount, 'MsgSend.amount');
    return finish(SendCodec.encode({ fromAddress: m.fromAddress, toAddress: m.toAddress, amount: m.amount.map((c) => ({ denom: c.denom, amount: c.amount })) }));
  },
  decode(bytes: Uint8Array): MsgSend {
    const f = readMessage(bytes, SEND_SHAPE);
    f.messages(3).forEach(coinFrom);
    const m = SendCodec.decode(bytes);
    return { fromAddress: m.fromAddress, toAddress: m.toAddress, amount: m.amount.map((c) => ({ denom: c.denom, amount: c.amount })) };
  },
};

export const MsgSendResponse: Codec<MsgSendResponse, '/cosmos.bank.v1beta1.MsgSendResponse'> = {
  typeUrl: '/cosmos.bank.v1beta1.MsgSendResponse',
  encode(): Uint8Array {
    return finish(SendResponseCodec.encode({}));
  },
  decode(bytes: Uint8Array): MsgSendResponse {
    readMessage(bytes, SEND_RESPONSE_SHAPE);
    return {};
  },
};
