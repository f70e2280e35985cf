// token-v010: the same ERC20-style token for CosmWasm 0.10 (cosmwasm_vm_version_3, spec/cosmwasm-abi.md
// §3): init(env,msg) / handle(env,msg) / query(msg), the sender in env.message.sender, addresses
// through canonicalize_address / humanize_address, results `{"Ok":…}` / `{"Err":StdError}`.
// Messages, answers and storage are token-core.ts's (see token-v1.ts for the catalogue): init returns
// `{"Ok":{"messages":[],"log":[…]}}`, handle `{"Ok":{"messages":[],"log":[…],"data":null}}`, query
// `{"Ok":"<base64>"}`. Errors are StdErrors:
//   {"generic_err":{"msg":"Insufficient funds: balance=5, required=10"}} (and every other text of
//   token-v1, e.g. "canonicalize_address errored: Error decoding bech32" for a bad address);
//   {"unauthorized":{}} for a mint by anyone but the minter;
//   {"parse_err":{"target":"token::msg::HandleMsg","msg":"unknown variant `x`, expected one of …"}}.

import {
  Bytes, canonicalizeAddress, genericErrV010, humanizeAddress, okHandleV010, okInitV010, okQueryV010, parseErrV010, readRegion,
  unauthorizedV010,
} from "./lib";
import { findString } from "./lib/msg";
import { Api, GENERIC, OK, Outcome, PARSE, tokenExecute, tokenInstantiate, tokenQuery } from "./token-core";

export { allocate, deallocate } from "./lib/region";

export function cosmwasm_vm_version_3(): void {}

class ApiV010 extends Api {
  canonical(human: Bytes): Bytes | null {
    return this.canonicalSender(human);
  }

  canonicalSender(human: Bytes): Bytes | null {
    const c = canonicalizeAddress(human);
    return c.ok ? c.value : this.fail("canonicalize_address", c.value);
  }

  human(canonical: Bytes): Bytes | null {
    const h = humanizeAddress(canonical);
    return h.ok ? h.value : this.fail("humanize_address", h.value);
  }
}

const INIT: i32 = 0;
const HANDLE: i32 = 1;
const QUERY: i32 = 2;

function result(o: Outcome, type: string, entry: i32): usize {
  if (o.kind == OK) {
    if (entry == INIT) return okInitV010(o.attrs);
    if (entry == HANDLE) return okHandleV010(o.attrs);
    return okQueryV010(o.answer);
  }
  if (o.kind == GENERIC) return genericErrV010(o.msg);
  if (o.kind == PARSE) return parseErrV010("token::msg::" + type, o.msg);
  return unauthorizedV010();
}

function sender(envPtr: usize): Bytes | null {
  return findString(readRegion(envPtr), ["message", "sender"]);
}

export function init(envPtr: usize, msgPtr: usize): usize {
  const who = sender(envPtr);
  if (who == null) return parseErrV010("cosmwasm_std::types::Env", Bytes.of("missing field `sender`"));
  return result(tokenInstantiate(new ApiV010(), readRegion(msgPtr), who), "InitMsg", INIT);
}

export function handle(envPtr: usize, msgPtr: usize): usize {
  const who = sender(envPtr);
  if (who == null) return parseErrV010("cosmwasm_std::types::Env", Bytes.of("missing field `sender`"));
  return result(tokenExecute(new ApiV010(), readRegion(msgPtr), who), "HandleMsg", HANDLE);
}

export function query(msgPtr: usize): usize {
  return result(tokenQuery(new ApiV010(), readRegion(msgPtr)), "QueryMsg", QUERY);
}
