// token-v1: an ERC20-style token for CosmWasm 1.x (interface_version_8, spec/cosmwasm-abi.md §4).
// The logic, storage layout and messages are token-core.ts's; this file takes the sender from
// MessageInfo, converts addresses with addr_validate / addr_canonicalize / addr_humanize and wraps
// results as `{"ok":Response}` / `{"ok":"<base64>"}` / `{"error":"<text>"}`.
//
//   instantiate {"name":"Cloak Token","symbol":"CLK","decimals":6,"initial_balances":[{"address":"secret1…","amount":"1000"}]}
//               → attributes action=instantiate, symbol, total_supply; the sender becomes the minter
//   execute {"transfer":{"recipient":…,"amount":"100"}}               → action, from, to, amount
//           {"approve":{"spender":…,"amount":"50"}}                   → action, owner, spender, amount (sets the allowance; 0 removes it)
//           {"transfer_from":{"owner":…,"recipient":…,"amount":"10"}} → action, from, to, by, amount (uses the allowance)
//           {"burn":{"amount":"5"}}                                    → action, from, amount
//           {"mint":{"recipient":…,"amount":"5"}}                      → action, to, amount (minter only)
//   query   {"balance":{"address":…}}                 → {"balance":"123"}
//           {"allowance":{"owner":…,"spender":…}}     → {"allowance":"50"}
//           {"token_info":{}}                          → {"name":…,"symbol":…,"decimals":6,"total_supply":"1000"}
//           {"minter":{}}                              → {"minter":"secret1…"}
// Errors (the `error` string):
//   Insufficient funds: balance=5, required=10 · Insufficient allowance: allowance=5, required=10 ·
//   Invalid zero amount · Unauthorized (mint by anyone but the minter) · Cannot set allowance to own account ·
//   Overflow: Cannot Add with A and B · Duplicate initial balance addresses · the cw20 name/symbol/decimals checks ·
//   addr_validate errored: <host text> (e.g. "Error decoding bech32") for a bad address in a message ·
//   Error parsing into type token::msg::ExecuteMsg: <serde-style text> for malformed messages, e.g.
//   unknown variant `x`, expected one of `transfer`, … or invalid Uint128 'x' - invalid digit found in string.

import { Buf, Bytes, addrCanonicalize, addrHumanize, addrValidate, errorV1, errorV1Str, okQueryV1, okResponseV1, readRegion } from "./lib";
import { findString } from "./lib/msg";
import { Api, GENERIC, OK, Outcome, PARSE, tokenExecute, tokenInstantiate, tokenQuery } from "./token-core";

export { allocate, deallocate } from "./lib/region";

export function interface_version_8(): void {}

class ApiV1 extends Api {
  canonical(human: Bytes): Bytes | null {
    const err = addrValidate(human);
    if (err != null) return this.fail("addr_validate", err);
    return this.canonicalSender(human);
  }

  canonicalSender(human: Bytes): Bytes | null {
    const c = addrCanonicalize(human);
    return c.ok ? c.value : this.fail("addr_canonicalize", c.value);
  }

  human(canonical: Bytes): Bytes | null {
    const h = addrHumanize(canonical);
    return h.ok ? h.value : this.fail("addr_humanize", h.value);
  }
}

function result(o: Outcome, type: string, query: bool): usize {
  if (o.kind == OK) return query ? okQueryV1(o.answer) : okResponseV1(o.attrs);
  if (o.kind == GENERIC) return errorV1(o.msg);
  if (o.kind == PARSE) {
    return errorV1(new Buf(64 + o.msg.len).str("Error parsing into type token::msg::").str(type).str(": ").append(o.msg).bytes());
  }
  return errorV1Str("Unauthorized");
}

const NO_SENDER = "Error parsing into type cosmwasm_std::types::MessageInfo: missing field `sender`";

export function instantiate(envPtr: usize, infoPtr: usize, msgPtr: usize): usize {
  const sender = findString(readRegion(infoPtr), ["sender"]);
  if (sender == null) return errorV1Str(NO_SENDER);
  return result(tokenInstantiate(new ApiV1(), readRegion(msgPtr), sender), "InstantiateMsg", false);
}

export function execute(envPtr: usize, infoPtr: usize, msgPtr: usize): usize {
  const sender = findString(readRegion(infoPtr), ["sender"]);
  if (sender == null) return errorV1Str(NO_SENDER);
  return result(tokenExecute(new ApiV1(), readRegion(msgPtr), sender), "ExecuteMsg", false);
}

export function query(envPtr: usize, msgPtr: usize): usize {
  return result(tokenQuery(new ApiV1(), readRegion(msgPtr)), "QueryMsg", true);
}
