// counter-v1: a CosmWasm 1.x (interface_version_8) counter, the smallest contract that exercises the
// whole ABI: Region arguments, storage, address canonicalization and both result shapes
// (spec/cosmwasm-abi.md §4). Messages:
//   instantiate {"count":N}               → stores N and the sender as owner
//   execute     {"increment":{}}          → count + 1
//   execute     {"reset":{"count":N}}     → owner only; count = N
//   query       {"get_count":{}}          → {"count":N}

import { Attrs, Bytes, Buf, JsonReader, addrCanonicalize, errorV1, errorV1Str, okQueryV1, okResponseV1, readRegion } from "./lib";
import { State, countJson, endVariant, findString, loadState, readCountObject, readEmptyObject, readVariant, saveState } from "./state";

export { allocate, deallocate } from "./lib/region";

export function interface_version_8(): void {}

function parseError(type: string, r: JsonReader): usize {
  const out = new Buf(96).str("Error parsing into type counter::msg::").str(type).str(": ").str(r.error);
  return errorV1(out.bytes());
}

function sender(infoPtr: usize): Bytes | null {
  return findString(readRegion(infoPtr), ["sender"]);
}

export function instantiate(envPtr: usize, infoPtr: usize, msgPtr: usize): usize {
  const r = new JsonReader(readRegion(msgPtr));
  const count = readCountObject(r);
  r.finish();
  if (r.failed) return parseError("InstantiateMsg", r);
  const who = sender(infoPtr);
  if (who == null) return errorV1Str("Error parsing MessageInfo: missing field `sender`");
  const canon = addrCanonicalize(who);
  if (!canon.ok) return errorV1(new Buf(64).str("addr_canonicalize errored: ").append(canon.value).bytes());
  saveState(new State(count, canon.value));
  return okResponseV1(new Attrs().addStr("method", "instantiate").add("owner", who).addI64("count", count));
}

export function execute(envPtr: usize, infoPtr: usize, msgPtr: usize): usize {
  const r = new JsonReader(readRegion(msgPtr));
  const variant = readVariant(r);
  if (variant == null) return parseError("ExecuteMsg", r);
  const state = loadState();
  if (variant.eq("increment")) {
    readEmptyObject(r);
    endVariant(r);
    if (r.failed) return parseError("ExecuteMsg", r);
    if (state == null) return errorV1Str("counter::state::State not found");
    if (state.count == i64.MAX_VALUE) return errorV1Str("Overflow: Cannot Add with given operands");
    state.count += 1;
    saveState(state);
    return okResponseV1(new Attrs().addStr("action", "increment").addI64("count", state.count));
  }
  if (variant.eq("reset")) {
    const count = readCountObject(r);
    endVariant(r);
    if (r.failed) return parseError("ExecuteMsg", r);
    if (state == null) return errorV1Str("counter::state::State not found");
    const who = sender(infoPtr);
    if (who == null) return errorV1Str("Error parsing MessageInfo: missing field `sender`");
    const canon = addrCanonicalize(who);
    if (!canon.ok) return errorV1(new Buf(64).str("addr_canonicalize errored: ").append(canon.value).bytes());
    if (!canon.value.equals(state.owner)) return errorV1Str("Unauthorized");
    state.count = count;
    saveState(state);
    return okResponseV1(new Attrs().addStr("action", "reset").addI64("count", count));
  }
  const msg = new Buf(96).str("Error parsing into type counter::msg::ExecuteMsg: unknown variant `")
    .append(variant).str("`, expected `increment` or `reset`");
  return errorV1(msg.bytes());
}

export function query(envPtr: usize, msgPtr: usize): usize {
  const r = new JsonReader(readRegion(msgPtr));
  const variant = readVariant(r);
  if (variant == null) return parseError("QueryMsg", r);
  if (variant.eq("get_count")) {
    readEmptyObject(r);
    endVariant(r);
    if (r.failed) return parseError("QueryMsg", r);
    const state = loadState();
    if (state == null) return errorV1Str("counter::state::State not found");
    return okQueryV1(countJson(state.count));
  }
  const msg = new Buf(96).str("Error parsing into type counter::msg::QueryMsg: unknown variant `")
    .append(variant).str("`, expected `get_count`");
  return errorV1(msg.bytes());
}
