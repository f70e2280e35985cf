// counter-v010: the same counter for CosmWasm 0.10 (cosmwasm_vm_version_3, spec/cosmwasm-abi.md §3):
// init(env,msg) / handle(env,msg) / query(msg), the sender in env.message.sender, results
// {"Ok":…}/{"Err":StdError}, canonical addresses through canonicalize_address.
//   init   {"count":N}            → stores N and the sender as owner
//   handle {"increment":{}}       → count + 1
//   handle {"reset":{"count":N}}  → owner only (else {"unauthorized":{}}); count = N
//   query  {"get_count":{}}       → {"count":N}

import {
  Attrs, Bytes, Buf, JsonReader, canonicalizeAddress, genericErrV010, notFoundV010, okHandleV010, okInitV010,
  okQueryV010, parseErrV010, readRegion, unauthorizedV010,
} from "./lib";
import { State, countJson, endVariant, findString, loadState, readCountObject, readEmptyObject, readVariant, saveState } from "./state";

export { allocate, deallocate } from "./lib/region";

export function cosmwasm_vm_version_3(): void {}

function parseError(type: string, r: JsonReader): usize {
  return parseErrV010("counter::msg::" + type, new Buf(32).str(r.error).bytes());
}

function canonicalSender(envPtr: usize): Bytes | null {
  const who = findString(readRegion(envPtr), ["message", "sender"]);
  if (who == null) return null;
  return who;
}

export function init(envPtr: usize, msgPtr: usize): usize {
  const r = new JsonReader(readRegion(msgPtr));
  const count = readCountObject(r);
  r.finish();
  if (r.failed) return parseError("InitMsg", r);
  const who = canonicalSender(envPtr);
  if (who == null) return parseErrV010("cosmwasm_std::types::Env", Bytes.of("missing field `sender`"));
  const canon = canonicalizeAddress(who);
  if (!canon.ok) return genericErrV010(new Buf(64).str("canonicalize_address errored: ").append(canon.value).bytes());
  saveState(new State(count, canon.value));
  return okInitV010(new Attrs().addStr("method", "init").add("owner", who).addI64("count", count));
}

export function handle(envPtr: usize, msgPtr: usize): usize {
  const r = new JsonReader(readRegion(msgPtr));
  const variant = readVariant(r);
  if (variant == null) return parseError("HandleMsg", r);
  const state = loadState();
  if (variant.eq("increment")) {
    readEmptyObject(r);
    endVariant(r);
    if (r.failed) return parseError("HandleMsg", r);
    if (state == null) return notFoundV010("counter::state::State");
    if (state.count == i64.MAX_VALUE) return genericErrV010(Bytes.of("overflow"));
    state.count += 1;
    saveState(state);
    return okHandleV010(new Attrs().addStr("action", "increment").addI64("count", state.count));
  }
  if (variant.eq("reset")) {
    const count = readCountObject(r);
    endVariant(r);
    if (r.failed) return parseError("HandleMsg", r);
    if (state == null) return notFoundV010("counter::state::State");
    const who = canonicalSender(envPtr);
    if (who == null) return parseErrV010("cosmwasm_std::types::Env", Bytes.of("missing field `sender`"));
    const canon = canonicalizeAddress(who);
    if (!canon.ok) return genericErrV010(new Buf(64).str("canonicalize_address errored: ").append(canon.value).bytes());
    if (!canon.value.equals(state.owner)) return unauthorizedV010();
    state.count = count;
    saveState(state);
    return okHandleV010(new Attrs().addStr("action", "reset").addI64("count", count));
  }
  const msg = new Buf(64).str("unknown variant `").append(variant).str("`, expected `increment` or `reset`");
  return parseErrV010("counter::msg::HandleMsg", msg.bytes());
}

export function query(msgPtr: usize): usize {
  const r = new JsonReader(readRegion(msgPtr));
  const variant = readVariant(r);
  if (variant == null) return parseError("QueryMsg", r);
  if (variant.eq("get_count")) {
    readEmptyObject(r);
    endVariant(r);
    if (r.failed) return parseError("QueryMsg", r);
    const state = loadState();
    if (state == null) return notFoundV010("counter::state::State");
    return okQueryV010(countJson(state.count));
  }
  const msg = new Buf(64).str("unknown variant `").append(variant).str("`, expected `get_count`");
  return parseErrV010("counter::msg::QueryMsg", msg.bytes());
}
