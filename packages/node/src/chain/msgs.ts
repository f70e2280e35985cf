/**
 * The message router: each message a transaction carries (bank MsgSend and Secret's compute
 * messages, decoded by @cloak/client) goes to its module, and comes back as events plus the
 * Msg*Response that `TxMsgData.msg_responses` holds for it (spec/secretjs-surface.md §3.2).
 */
import {
  MsgClearAdmin, MsgExecuteContract, MsgInstantiateContract, MsgMigrateContract, MsgSend, MsgStoreCode, MsgUpdateAdmin,
  MsgClearAdminResponse, MsgExecuteContractResponse, MsgInstantiateContractResponse, MsgMigrateContractResponse,
  MsgSendResponse, MsgStoreCodeResponse, MsgUpdateAdminResponse, fromBech32, msgSigners, type Msg,
} from '@cloak/client';
import { Bank } from './bank.js';
import { checkCoins } from './coins.js';
import type { Compute, Ctx } from './compute.js';
import { SdkError } from './errors.js';
import type { Event } from './events.js';
import { toBech32 } from '@cloak/client';

export interface RoutedResult {
  module: 'bank' | 'compute';
  events: Event[];
  response: { typeUrl: string; value: Uint8Array };
}

/** The address that must sign `msg` (bech32). */
export function msgSigner(msg: Msg): string {
  return msgSigners(msg);
}

function address(text: string, what: string): Uint8Array {
  try {
    return fromBech32(text);
  } catch (e) {
    throw SdkError.invalidAddress(`${what}: ${(e as Error).message}`);
  }
}

const response = <T>(codec: { typeUrl: string; encode(m: T): Uint8Array }, m: T) => ({ typeUrl: codec.typeUrl, value: codec.encode(m) });

export async function runMsg(compute: Compute, ctx: Ctx, msg: Msg): Promise<RoutedResult> {
  switch (msg.typeUrl) {
    case MsgSend.typeUrl: {
      const m = msg.value;
      const from = address(m.fromAddress, 'from_address');
      const to = address(m.toAddress, 'to_address');
      const coins = checkCoins(m.amount, 'amount');
      if (coins.length === 0) throw SdkError.invalidCoins('amount: no coins to send');
      const events = new Bank(ctx.kv, toBech32).send(from, to, coins);
      return { module: 'bank', events, response: response(MsgSendResponse, {}) };
    }
    case MsgStoreCode.typeUrl: {
      const m = msg.value;
      const r = await compute.storeCode(ctx, m.sender, m.wasmByteCode, m.source ?? '', m.builder ?? '');
      return { module: 'compute', events: r.events, response: response(MsgStoreCodeResponse, { codeId: r.codeId }) };
    }
    case MsgInstantiateContract.typeUrl: {
      const m = msg.value;
      const r = await compute.instantiate(ctx, { sender: m.sender, codeId: m.codeId, label: m.label, msg: m.initMsg, funds: m.initFunds, admin: m.admin ?? '' });
      return { module: 'compute', events: r.events, response: response(MsgInstantiateContractResponse, { address: r.address as string, data: r.data ?? new Uint8Array(0) }) };
    }
    case MsgExecuteContract.typeUrl: {
      const m = msg.value;
      const r = await compute.execute(ctx, { sender: m.sender, contract: m.contract, msg: m.msg, funds: m.sentFunds });
      return { module: 'compute', events: r.events, response: response(MsgExecuteContractResponse, { data: r.data ?? new Uint8Array(0) }) };
    }
    case MsgMigrateContract.typeUrl: {
      const m = msg.value;
      const r = await compute.migrate(ctx, { sender: address(m.sender, 'sender'), contract: address(m.contract, 'contract'), codeId: m.codeId, msg: m.msg });
      return { module: 'compute', events: r.events, response: response(MsgMigrateContractResponse, { data: r.data ?? new Uint8Array(0) }) };
    }
    case MsgUpdateAdmin.typeUrl: {
      const m = msg.value;
      if (m.newAdmin === '') throw SdkError.invalidAddress('new_admin: empty (use MsgClearAdmin to remove the admin)');
      const r = compute.setAdmin(ctx, { sender: address(m.sender, 'sender'), contract: address(m.contract, 'contract'), newAdmin: m.newAdmin });
      return { module: 'compute', events: r.events, response: response(MsgUpdateAdminResponse, {}) };
    }
    case MsgClearAdmin.typeUrl: {
      const m = msg.value;
      const r = compute.setAdmin(ctx, { sender: address(m.sender, 'sender'), contract: address(m.contract, 'contract'), newAdmin: '' });
      return { module: 'compute', events: r.events, response: response(MsgClearAdminResponse, {}) };
    }
  }
}
