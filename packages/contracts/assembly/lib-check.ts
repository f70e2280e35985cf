// Not a contract: references every export of the library so that the build type-checks all of it
// (asc only compiles what is reachable). Compiled (at -O0, output discarded) by build.mjs.

import {
  Attrs, Bytes, Buf, JsonReader, addrCanonicalize, addrHumanize, addrValidate, base64Decode, base64Encode,
  canonicalizeAddress, errV010, errorV1, errorV1Str, genericErrV010, humanizeAddress, jsonString, jsonStringLit,
  notFoundV010, okHandleV010, okInitV010, okQueryV010, okQueryV1, okResponseV1, parseDecimalU64, parseErrV010,
  queryChain, readRegion, storageGet, storageRemove, storageSet, unauthorizedV010, outputRegion, debug, panic,
  attrsJson, okResponseV1Raw,
} from "./lib";
import {
  Fields, bytesToString, endVariant, findString, findValue, readEmptyObject, readRaw, readStringFields, readVariant, unknownField,
  unknownVariant,
} from "./lib/msg";
import { U128, parseU128 } from "./lib/u128";
import { hexEncode } from "./lib/hex";
import { Sha256 } from "./lib/sha256";

export { allocate, deallocate } from "./lib/region";

export function everything(ptr: usize): usize {
  const b = readRegion(ptr);
  const out = new Buf();
  jsonString(out, b);
  jsonStringLit(out, "x");
  base64Encode(out, b);
  const d = base64Decode(b);
  const r = new JsonReader(b);
  if (r.isArray() && r.beginArray()) while (r.nextItem()) r.skipValue();
  if (r.isNull()) r.readNull();
  if (r.peek() == 116) r.readBool();
  r.readU64();
  r.readI64();
  r.finish();
  const p = parseDecimalU64(b);
  const v = storageGet(b);
  storageSet(b, b);
  storageRemove(b);
  const c = addrCanonicalize(b);
  const h = addrHumanize(c.value);
  const e = addrValidate(h.value);
  const c2 = canonicalizeAddress(b);
  const h2 = humanizeAddress(c2.value);
  const q = queryChain(b);
  debug(outputRegion(4));
  if (b.len == 99) panic();
  const a = new Attrs().add("k", b).addStr("k", "v").addI64("n", -1);
  let res: usize = 0;
  res ^= okResponseV1(a, d) ^ okQueryV1(b) ^ errorV1(b) ^ errorV1Str("x");
  res ^= okInitV010(a) ^ okHandleV010(a, v) ^ okQueryV010(q) ^ errV010(b) ^ genericErrV010(b);
  res ^= parseErrV010("t", b) ^ unauthorizedV010() ^ notFoundV010("k");
  // msg.ts, u128.ts, hex.ts, sha256.ts, okResponseV1Raw
  const r2 = new JsonReader(b);
  const variant = readVariant(r2);
  if (variant != null) {
    const fields = readStringFields(r2, ["a", "b"], 2);
    const f = new Fields(r2, ["c"]);
    if (f.begin()) while (f.next() >= 0) readRaw(r2);
    f.require(0);
    readEmptyObject(r2);
    endVariant(r2);
    res ^= fields.length;
  }
  const u = parseU128(b);
  const sum = u.value.checkedAdd(U128.fromU64(1));
  if (sum != null && sum.checkedSub(U128.zero()) != null) res ^= sum.toBytes().len;
  const digest = heap.alloc(32);
  new Sha256().digest(b, digest);
  hexEncode(out, new Bytes(digest, 32));
  const fv = findValue(b, ["x"]);
  const fs = findString(b, ["x", "y"]);
  res ^= okResponseV1Raw(Bytes.of("[]"), attrsJson(a), Bytes.of("[]"), fs) ^ (fv == null ? 0 : 1);
  res ^= unknownVariant(b, ["a"]).len ^ unknownField(b, []).len ^ <usize>bytesToString(b).length;
  return res ^ <usize>p.value ^ (e == null ? 0 : 1) ^ h2.value.len ^ <usize>Bytes.empty().len ^ b.copy().len;
}
