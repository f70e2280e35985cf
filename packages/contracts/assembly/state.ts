// The counter contracts' shared state: key "state" holds `{"count":<i64>,"owner":"<base64 canonical>"}`.

import { Bytes, Buf, JsonReader, base64Encode, base64Decode, jsonString, storageGet, storageSet } from "./lib";

export class State {
  constructor(public count: i64, public owner: Bytes) {}
}

const KEY = "state";

export function saveState(state: State): void {
  const out = new Buf(64);
  out.str("{\"count\":").i64(state.count).str(",\"owner\":\"");
  base64Encode(out, state.owner);
  out.str("\"}");
  storageSet(Bytes.of(KEY), out.bytes());
}

/** The stored state, or null if absent or unreadable. */
export function loadState(): State | null {
  const raw = storageGet(Bytes.of(KEY));
  if (raw == null) return null;
  const r = new JsonReader(raw);
  let count: i64 = 0;
  let owner: Bytes | null = null;
  if (r.beginObject()) {
    let k: Bytes | null;
    while ((k = r.nextKey()) != null) {
      if (k.eq("count")) count = r.readI64();
      else if (k.eq("owner")) owner = base64Decode(r.readString());
      else r.skipValue();
    }
  }
  if (!r.finish() || owner == null) return null;
  return new State(count, owner);
}

/** `{"count":N}` */
export function countJson(count: i64): Bytes {
  return new Buf(32).str("{\"count\":").i64(count).byte(125).bytes();
}

/** Reads `{"count":N}` (the instantiate and reset payload); sets r.failed on anything else. */
export function readCountObject(r: JsonReader): i64 {
  let count: i64 = 0;
  let seen = false;
  if (!r.beginObject()) return 0;
  let k: Bytes | null;
  while ((k = r.nextKey()) != null) {
    if (k.eq("count") && !seen) { count = r.readI64(); seen = true; }
    else { r.fail(k.eq("count") ? "duplicate field `count`" : "unknown field"); return 0; }
  }
  if (!seen) r.fail("missing field `count`");
  return count;
}

/** `{"<name>":{}}`-style message: the variant name, with the reader positioned on its value. */
export function readVariant(r: JsonReader): Bytes | null {
  if (!r.beginObject()) return null;
  const k = r.nextKey();
  if (k == null) { r.fail("expected a variant"); return null; }
  return k;
}

/** After the variant's value: the enclosing object must end here. */
export function endVariant(r: JsonReader): void {
  if (r.nextKey() != null) r.fail("expected a single variant");
  r.finish();
}

/** Reads an empty object `{}`. */
export function readEmptyObject(r: JsonReader): void {
  if (!r.beginObject()) return;
  if (r.nextKey() != null) r.fail("unknown field");
}

/** Finds a string field at a path of object keys, e.g. ["message","sender"]; null if missing. */
export function findString(input: Bytes, path: Array<string>): Bytes | null {
  const r = new JsonReader(input);
  let level = 0;
  while (level < path.length) {
    if (!r.beginObject()) return null;
    let found = false;
    let k: Bytes | null;
    while ((k = r.nextKey()) != null) {
      if (k.eq(path[level])) { found = true; break; }
      r.skipValue();
    }
    if (!found) return null;
    level++;
  }
  if (!r.isString()) return null;
  const s = r.readString();
  return r.failed ? null : s;
}

export { jsonString };
