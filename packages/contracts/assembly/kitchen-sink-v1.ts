// kitchen-sink-v1: a CosmWasm 1.x (interface_version_8) contract that exercises every host import and
// every error path of the VM, one message per behaviour, so that VM, chain and node tests can drive
// each one with a single call (spec/cosmwasm-abi.md §2–§4, spec/secret-compute.md §4.3, §5).
//
// HOW ANSWERS ARE SHAPED
//   Most messages compute a JSON answer A. From `query` the result is {"ok":"<base64 of A>"} (the
//   answer is A). From execute, sudo, migrate (and instantiate with a non-empty message) it is a
//   Response with attributes [action=<variant>, entry=<entry point>, result=<A as text>] and
//   data = A. The same messages work from every entry point (query is read-only: writes abort).
//   Messages that shape the result themselves (submessages, emit, huge_result, bad_result) say so.
//   Malformed messages answer {"error":"Error parsing into type kitchen_sink::msg::<Type>: <text>"}
//   with Type ExecuteMsg / QueryMsg / SudoMsg / MigrateMsg / InstantiateMsg, e.g. for an unknown
//   variant: "unknown variant `x`, expected one of `write`, …". Byte strings are base64 (b64).
//
// ENTRY POINTS
//   instantiate(env, info, msg)  {} → stores the message under "init_msg"; attributes action=instantiate,
//                                entry=instantiate; data null. Any other message runs as below.
//   execute(env, info, msg)      every message below.
//   query(env, msg)              every message below; a storage write or remove aborts the call
//                                (VM error: write access denied in a read-only call).
//   sudo(env, msg)               every message below (entry=sudo).
//   migrate(env, msg)            as instantiate (entry=migrate; {} stores "migrate_msg").
//   reply(env, reply)            records the Reply: stores R under "reply:<id>" and "last_reply", where
//                                R = {"id":N,"ok":true,"data":<data as sent: b64|null>,"events":<count>}
//                                or {"id":N,"ok":false,"error":"<text>"}; answers attributes
//                                action=reply, id, result=ok|error (+ error=<text>), data = R.
//                                Reply ids >= 1000 answer {"error":"reply <id> failed on request"}.
//   requires_iterator            capability marker (db_scan/db_next are imported).
//
// MESSAGES (→ answer A, or what happens)
// storage
//   {"write":{"key":"k","value":"v"}}                 db_write → {"written":"k"}; in query: VM error
//   {"write_many":{"entries":[["a","1"],["b","2"]]}}  db_write each → {"written":2}
//   {"write_sized":{"key_bytes":N,"value_bytes":M}}   writes "k"×N → "v"×M → {"key_bytes":N,"value_bytes":M};
//                                                     N > 65536 or M > 131072: VM error (limit)
//   {"read":{"key":"k"}}                              db_read → {"value":"v"} or {"value":null}
//   {"remove":{"key":"k"}}                            db_remove → {"removed":"k"}; in query: VM error
// iteration (db_scan / db_next / db_next_key / db_next_value)
//   {"scan":{"start":"a"|null,"end":"c"|null,"order":"ascending"|"descending"|<int>,"limit":N,"mode":"records"|"keys"|"values"}}
//     every field optional (defaults: unbounded, ascending, no limit, records). start is inclusive,
//     end exclusive. order may be a raw number (1, 2, or anything else → VM error "order").
//     → {"id":<iterator id>,"records":[["a","1"],…]} (db_next) | {"id":…,"keys":[…]} (db_next_key)
//       | {"id":…,"values":[…]} (db_next_value)
//   {"next":{"id":N,"mode":"records"|"keys"|"values"}} steps an iterator that this call did not open:
//     VM error (iterator does not exist). (→ {"returned":true|false} if it ever exists.)
//   {"open_iterators":{"count":N}}                    N × db_scan → {"ids":[1,2,…]} (a host cap: VM error)
// addresses (the host's error text is returned, never turned into a contract error)
//   {"addr_validate":{"address":"secret1…"}}          → {"ok":true} | {"ok":false,"error":"<host text>"}
//   {"addr_canonicalize":{"address":"…","capacity":64}} → {"ok":true,"canonical":"<b64>"} | {"ok":false,"error":…}
//   {"addr_humanize":{"canonical":"<b64>","capacity":90}} → {"ok":true,"address":"secret1…"} | {"ok":false,"error":…}
//     Instead of "address", "raw":"<b64>" passes arbitrary bytes (e.g. invalid UTF-8 → "Input is not valid
//     UTF-8"); "capacity" (optional) sizes the destination Region (too small: VM error).
// debug, abort, panic, contract errors
//   {"debug":{"message":"hi"}}                        debug → {"debug":"hi"}
//   {"debug_print":{"message":"hi"}}                  Secret's debug_print → {"debug_print":"hi"}
//   {"abort":{"message":"boom"}}                      abort → VM error "Aborted: boom"
//   {"panic":{}}                                      `unreachable` → VM error (wasm trap: unreachable)
//   {"fail":{"message":"nope"}}                       contract error {"error":"nope"}
// query_chain (the SystemResult JSON the host returned, verbatim, is the answer)
//   {"query_chain":{"request":<QueryRequest JSON>}}   e.g. {"bank":{"all_balances":{"address":…}}}
//   {"query_chain":{"raw":"<b64>"}}                   arbitrary request bytes (not JSON → invalid_request)
//   {"smart_query":{"contract":"secret1…","msg":<JSON>}} → {"wasm":{"smart":{"contract_addr":…,"msg":"<b64>"}}}
//   {"bank_balance":{"address":"secret1…","denom":"uscrt"}} → {"bank":{"balance":{…}}}
//   {"recurse_query":{"depth":N}}                     N = 0 → {"depth":0}; else smart-queries itself (env
//                                                     contract address) with depth N-1 → {"depth":N,"inner":<SystemResult>}
// crypto pass-through (codes as the host returns them; outputs only when the code is 0)
//   {"secp256k1_verify":{"hash":b64,"signature":b64,"pubkey":b64}}            → {"code":C}
//   {"secp256r1_verify":{…same…}}                                             → {"code":C}
//   {"secp256k1_recover_pubkey":{"hash":b64,"signature":b64,"recovery_param":P}} → {"code":0,"pubkey":b64} | {"code":C}
//   {"secp256r1_recover_pubkey":{…same…}}                                     → idem
//   {"ed25519_verify":{"message":b64,"signature":b64,"pubkey":b64}}           → {"code":C}
//   {"ed25519_batch_verify":{"messages":[b64…],"signatures":[b64…],"pubkeys":[b64…]}} → {"code":C}
//     (the lists are sent in the sections encoding, item ‖ u32be(len))
//   {"bls12_381_aggregate_g1":{"points":b64}} / _g2                           → {"code":0,"point":b64} | {"code":C}
//   {"bls12_381_pairing_equality":{"ps":b64,"qs":b64,"r":b64,"s":b64}}        → {"code":C}
//   {"bls12_381_hash_to_g1":{"hash_function":0,"msg":b64,"dst":b64}} / _g2    → {"code":0,"point":b64} | {"code":C}
//     (aggregate and hash_to take an optional "capacity" for the output Region: 48 / 96 by default)
//   {"secp256k1_sign":{"message":b64,"private_key":b64}}                      → {"code":0,"signature":b64} | {"code":C}
//   {"ed25519_sign":{"message":b64,"private_key":b64}}                        → idem
// gas
//   {"check_gas":{}}                                  check_gas → {"gas":N}
//   {"gas_evaporate":{"amount":N}}                    gas_evaporate(N) → {"result":R}
//   {"spin":{"iterations":N}}                         a loop of N rounds → {"spun":N}
//   {"loop":{}}                                       an endless loop → VM error (out of gas)
// memory, stack, results
//   {"grow":{"pages":N}}                              memory.grow(N) → {"before":P,"result":R,"after":Q}
//                                                     (R = -1 when the cap forbids it; the module starts
//                                                     with 1 page, cloak's cap is 192 pages)
//   {"allocate":{"bytes":N}}                          heap allocation → {"allocated":N,"pages":Q};
//                                                     past the memory cap: VM error (trap)
//   {"recurse":{"depth":N}}                           N nested calls → {"depth":N,"result":N + ceil(N/2)};
//                                                     a huge N: VM error (call stack exhausted; with
//                                                     cloak's default stack limit the deepest that
//                                                     succeeds is 2334)
//   {"huge_result":{"bytes":N}}                       a valid result holding N filler bytes: execute →
//                                                     attributes action=huge_result, filler="a"×N (data null);
//                                                     query → {"filler":"a"×N}
//   {"bad_result":{"kind":K}}                         returns a broken result (each a VM error):
//     "invalid_utf8"      {"error":"bad \xff\xfe bytes"} (invalid UTF-8 inside valid JSON syntax)
//     "invalid_json"      {"ok":{"messages":[            (truncated)
//     "wrong_keys"        {"result":{}}
//     "both_keys"         {"ok":{},"error":"x"}
//     "error_not_string"  {"error":{"generic_err":{"msg":"x"}}}
//     "bad_response"      {"ok":{"messages":"nope"}}     (query: an Ok that is not a string)
//     "not_base64"        {"ok":"not base64!"}           (for query)
//     "answer_not_json"   {"ok":"<b64 of `not json`>"}   (for query)
//     "wild_pointer"      the result Region pointer is 0x7ffffff0 (outside memory)
//     "zero_pointer"      the result Region pointer is 0
//     "zero_offset"       a Region {offset 0, capacity 0, length 0}
//     "length_over_capacity"  a Region whose length (8) exceeds its capacity (4)
//     "data_outside_memory"   a Region {offset 0xfffff000, capacity 16, length 16}
// messages, events, env
//   {"submessages":{"messages":[{"id":1,"msg":<CosmosMsg>,"reply_on":"always","gas_limit":null}]}}
//     → a Response whose messages are those SubMsgs ({"id","msg","gas_limit","reply_on"}; reply_on
//       defaults to "never", gas_limit to null), attributes action/entry, data {"messages":<count>}
//   {"emit":{"attributes":[{"key":…,"value":…}],"events":[{"type":…,"attributes":[…]}],"data":b64}}
//     → a Response with exactly these attributes, events and data (all optional; query: A = {"emitted":true})
//   {"env":{}}                                        → {"env":<the env JSON as received>,"info":<info JSON|null>}
//   {"last_reply":{}}                                 → the last reply record R, or null

import {
  Attrs, Bytes, Buf, JsonReader, addr_canonicalize, addr_humanize, addr_validate, attrsJson, base64Decode, base64Encode,
  bls12_381_aggregate_g1, bls12_381_aggregate_g2, bls12_381_hash_to_g1, bls12_381_hash_to_g2, bls12_381_pairing_equality,
  check_gas, cw_abort, db_next, db_next_key, db_next_value, db_scan, debug, debug_print, ed25519_batch_verify, ed25519_sign,
  ed25519_verify, errorV1, gas_evaporate, jsonString, newRegion, okQueryV1, okResponseV1, okResponseV1Raw, outputRegion,
  queryChain, readRegion, regionOf, secp256k1_recover_pubkey, secp256k1_sign, secp256k1_verify, secp256r1_recover_pubkey,
  secp256r1_verify, storageGet, storageRemove, storageSet,
} from "./lib";
import { Fields, bytesToString, endVariant, findString, readEmptyObject, readRaw, readVariant, unknownVariant } from "./lib/msg";

export { allocate, deallocate } from "./lib/region";

export function interface_version_8(): void {}
export function requires_iterator(): void {}

// ------------------------------------------------------------------------------------------------
// Call context (plain numbers: a non-constant global initializer would need a start function)

const EXECUTE: i32 = 0;
const QUERY: i32 = 1;
const SUDO: i32 = 2;
const MIGRATE: i32 = 3;
const INSTANTIATE: i32 = 4;
const REPLY: i32 = 5;

let envPtr: usize = 0;
let envLen: usize = 0;
let infoPtr: usize = 0;
let infoLen: usize = 0;
let spinCounter: u32 = 0;

function entryName(entry: i32): string {
  if (entry == EXECUTE) return "execute";
  if (entry == QUERY) return "query";
  if (entry == SUDO) return "sudo";
  if (entry == MIGRATE) return "migrate";
  if (entry == INSTANTIATE) return "instantiate";
  return "reply";
}

function typeName(entry: i32): string {
  if (entry == EXECUTE) return "ExecuteMsg";
  if (entry == QUERY) return "QueryMsg";
  if (entry == SUDO) return "SudoMsg";
  if (entry == MIGRATE) return "MigrateMsg";
  return "InstantiateMsg";
}

function setContext(env: usize, info: usize): void {
  const e = readRegion(env);
  envPtr = e.ptr; envLen = e.len;
  if (info != 0) { const i = readRegion(info); infoPtr = i.ptr; infoLen = i.len; } else { infoPtr = 0; infoLen = 0; }
}

// ------------------------------------------------------------------------------------------------
// What a behaviour produced

const ANSWER: i32 = 0;
const RAW: i32 = 1;
const ERROR: i32 = 2;
const PARSE: i32 = 3;

class Out {
  constructor(public kind: i32, public json: Bytes, public region: usize) {}
}

function answer(json: Bytes): Out { return new Out(ANSWER, json, 0); }
function raw(region: usize): Out { return new Out(RAW, Bytes.empty(), region); }
function contractError(msg: Bytes): Out { return new Out(ERROR, msg, 0); }
function parseFailed(): Out { return new Out(PARSE, Bytes.empty(), 0); }

function obj(): Buf { return new Buf(64).byte(123); }

/** {"code":C} or {"code":C,"<name>":"<b64>"} */
function codeAnswer(code: u32, name: string, value: Bytes | null): Out {
  const out = obj().str("\"code\":").u64(code);
  if (value != null) {
    out.str(",\"").str(name).str("\":\"");
    base64Encode(out, value);
    out.byte(34);
  }
  return answer(out.byte(125).bytes());
}

// ------------------------------------------------------------------------------------------------
// Field helpers

function b64Value(r: JsonReader): Bytes {
  const s = r.readString();
  if (r.failed) return Bytes.empty();
  const d = base64Decode(s);
  if (d == null) { r.fail("invalid base64: " + bytesToString(s)); return Bytes.empty(); }
  return d;
}

function u32Value(r: JsonReader): u32 {
  const v = r.readU64();
  if (!r.failed && v > 0xffffffff) r.fail("invalid value: integer `" + v.toString() + "`, expected u32");
  return <u32>v;
}

/** A string or null (null → null). */
function optString(r: JsonReader): Bytes | null {
  if (r.isNull()) { r.readNull(); return null; }
  return r.readString();
}

/** Reads `{"<only>":<u32>}`. */
function readU32Object(r: JsonReader, field: string): u32 {
  const f = new Fields(r, [field]);
  let v: u32 = 0;
  if (f.begin()) {
    while (f.next() >= 0) v = u32Value(r);
    f.require(0);
  }
  return v;
}

/** Reads `{"<only>":"<string>"}`. */
function readStringObject(r: JsonReader, field: string): Bytes {
  const f = new Fields(r, [field]);
  let v = Bytes.empty();
  if (f.begin()) {
    while (f.next() >= 0) v = r.readString();
    f.require(0);
  }
  return v;
}

function withString(prefix: string, value: Bytes): Bytes {
  const out = obj().str("\"").str(prefix).str("\":");
  jsonString(out, value);
  return out.byte(125).bytes();
}

function fill(len: usize, c: u8): Bytes {
  const p = heap.alloc(len);
  for (let i: usize = 0; i < len; i++) store<u8>(p + i, c);
  return new Bytes(p, len);
}

// ------------------------------------------------------------------------------------------------
// storage

function doWrite(r: JsonReader): Out {
  const f = new Fields(r, ["key", "value"]);
  let key = Bytes.empty(), value = Bytes.empty();
  if (f.begin()) {
    let i: i32;
    while ((i = f.next()) >= 0) { if (i == 0) key = r.readString(); else value = r.readString(); }
    f.require(0); f.require(1);
  }
  endVariant(r);
  if (r.failed) return parseFailed();
  storageSet(key, value);
  return answer(withString("written", key));
}

function doWriteMany(r: JsonReader): Out {
  const f = new Fields(r, ["entries"]);
  const keys = new Array<Bytes>(), values = new Array<Bytes>();
  if (f.begin()) {
    while (f.next() >= 0) {
      if (!r.beginArray()) break;
      while (r.nextItem()) {
        if (!r.beginArray()) break;
        if (!r.nextItem()) { r.fail("expected [key, value]"); break; }
        keys.push(r.readString());
        if (!r.nextItem()) { r.fail("expected [key, value]"); break; }
        values.push(r.readString());
        if (r.nextItem()) { r.fail("expected [key, value]"); break; }
      }
    }
    f.require(0);
  }
  endVariant(r);
  if (r.failed) return parseFailed();
  for (let i = 0; i < keys.length; i++) storageSet(keys[i], values[i]);
  return answer(obj().str("\"written\":").u64(keys.length).byte(125).bytes());
}

function doWriteSized(r: JsonReader): Out {
  const f = new Fields(r, ["key_bytes", "value_bytes"]);
  let k: u32 = 0, v: u32 = 0;
  if (f.begin()) {
    let i: i32;
    while ((i = f.next()) >= 0) { if (i == 0) k = u32Value(r); else v = u32Value(r); }
    f.require(0); f.require(1);
  }
  endVariant(r);
  if (r.failed) return parseFailed();
  storageSet(fill(k, 107), fill(v, 118));
  return answer(obj().str("\"key_bytes\":").u64(k).str(",\"value_bytes\":").u64(v).byte(125).bytes());
}

function doRead(r: JsonReader): Out {
  const key = readStringObject(r, "key");
  endVariant(r);
  if (r.failed) return parseFailed();
  const v = storageGet(key);
  const out = obj().str("\"value\":");
  if (v == null) out.str("null"); else jsonString(out, v);
  return answer(out.byte(125).bytes());
}

function doRemove(r: JsonReader): Out {
  const key = readStringObject(r, "key");
  endVariant(r);
  if (r.failed) return parseFailed();
  storageRemove(key);
  return answer(withString("removed", key));
}

// ------------------------------------------------------------------------------------------------
// iteration

const MODE_RECORDS: i32 = 0;
const MODE_KEYS: i32 = 1;
const MODE_VALUES: i32 = 2;

function readMode(r: JsonReader): i32 {
  const m = r.readString();
  if (r.failed) return 0;
  if (m.eq("records")) return MODE_RECORDS;
  if (m.eq("keys")) return MODE_KEYS;
  if (m.eq("values")) return MODE_VALUES;
  r.fail(bytesToString(unknownVariant(m, ["records", "keys", "values"])));
  return 0;
}

function be32(p: usize): u32 {
  return bswap<u32>(load<u32>(p));
}

function doScan(r: JsonReader): Out {
  const f = new Fields(r, ["start", "end", "order", "limit", "mode"]);
  let start: Bytes | null = null, end: Bytes | null = null;
  let order: i32 = 1, mode: i32 = MODE_RECORDS;
  let limit: u64 = 0xffffffffffffffff;
  if (f.begin()) {
    let i: i32;
    while ((i = f.next()) >= 0) {
      if (i == 0) start = optString(r);
      else if (i == 1) end = optString(r);
      else if (i == 2) {
        if (r.isString()) {
          const o = r.readString();
          if (o.eq("ascending")) order = 1;
          else if (o.eq("descending")) order = 2;
          else r.fail(bytesToString(unknownVariant(o, ["ascending", "descending"])));
        } else order = <i32>r.readI64();
      } else if (i == 3) limit = r.readU64();
      else mode = readMode(r);
    }
  }
  endVariant(r);
  if (r.failed) return parseFailed();
  const s = start, e = end;
  const id = db_scan(s == null ? 0 : regionOf(s), e == null ? 0 : regionOf(e), order);
  const out = obj().str("\"id\":").u64(id);
  out.str(mode == MODE_RECORDS ? ",\"records\":[" : mode == MODE_KEYS ? ",\"keys\":[" : ",\"values\":[");
  let n: u64 = 0;
  while (n < limit) {
    if (mode == MODE_RECORDS) {
      // key ‖ u32be(klen) ‖ value ‖ u32be(vlen); the end is an empty key.
      const rec = readRegion(db_next(id));
      if (rec.len < 8) unreachable();
      const vlen = <usize>be32(rec.ptr + rec.len - 4);
      const klen = <usize>be32(rec.ptr + rec.len - 8 - vlen);
      if (klen == 0) break;
      if (n > 0) out.byte(44);
      out.byte(91);
      jsonString(out, new Bytes(rec.ptr, klen));
      out.byte(44);
      jsonString(out, new Bytes(rec.ptr + rec.len - 4 - vlen, vlen));
      out.byte(93);
    } else {
      const region = mode == MODE_KEYS ? db_next_key(id) : db_next_value(id);
      if (region == 0) break;
      if (n > 0) out.byte(44);
      jsonString(out, readRegion(region));
    }
    n++;
  }
  return answer(out.str("]}").bytes());
}

function doNext(r: JsonReader): Out {
  const f = new Fields(r, ["id", "mode"]);
  let id: u32 = 0, mode: i32 = MODE_RECORDS;
  if (f.begin()) {
    let i: i32;
    while ((i = f.next()) >= 0) { if (i == 0) id = u32Value(r); else mode = readMode(r); }
    f.require(0);
  }
  endVariant(r);
  if (r.failed) return parseFailed();
  const region = mode == MODE_RECORDS ? db_next(id) : mode == MODE_KEYS ? db_next_key(id) : db_next_value(id);
  return answer(obj().str("\"returned\":").str(region != 0 ? "true" : "false").byte(125).bytes());
}

function doOpenIterators(r: JsonReader): Out {
  const count = readU32Object(r, "count");
  endVariant(r);
  if (r.failed) return parseFailed();
  const out = obj().str("\"ids\":[");
  for (let i: u32 = 0; i < count; i++) {
    if (i > 0) out.byte(44);
    out.u64(db_scan(0, 0, 1));
  }
  return answer(out.str("]}").bytes());
}

// ------------------------------------------------------------------------------------------------
// addresses

/** {"ok":true[,"<name>":<value>]} or {"ok":false,"error":"<host text>"} */
function addrAnswer(err: usize, name: string, value: Bytes | null, b64: bool): Out {
  const out = obj();
  if (err != 0) {
    out.str("\"ok\":false,\"error\":");
    jsonString(out, readRegion(err));
  } else {
    out.str("\"ok\":true");
    if (value != null) {
      out.str(",\"").str(name).str("\":");
      if (b64) { out.byte(34); base64Encode(out, value); out.byte(34); } else jsonString(out, value);
    }
  }
  return answer(out.byte(125).bytes());
}

/** Reads {"address":"…"} or {"raw":"<b64>"} plus an optional "capacity" (default `capacity`). */
class AddrInput {
  input: Bytes = Bytes.empty();
  capacity: u32 = 0;
}

function readAddrInput(r: JsonReader, textField: string, defaultCapacity: u32, textIsB64: bool): AddrInput {
  const a = new AddrInput();
  a.capacity = defaultCapacity;
  const f = new Fields(r, [textField, "raw", "capacity"]);
  if (f.begin()) {
    let i: i32;
    while ((i = f.next()) >= 0) {
      if (i == 0) a.input = textIsB64 ? b64Value(r) : r.readString();
      else if (i == 1) a.input = b64Value(r);
      else a.capacity = u32Value(r);
    }
    if (!r.failed && !f.has(0) && !f.has(1)) r.fail("missing field `" + textField + "`");
  }
  return a;
}

function doAddrValidate(r: JsonReader): Out {
  const a = readAddrInput(r, "address", 0, false);
  endVariant(r);
  if (r.failed) return parseFailed();
  return addrAnswer(addr_validate(regionOf(a.input)), "", null, false);
}

function doAddrCanonicalize(r: JsonReader): Out {
  const a = readAddrInput(r, "address", 64, false);
  endVariant(r);
  if (r.failed) return parseFailed();
  const dest = outputRegion(a.capacity);
  const err = addr_canonicalize(regionOf(a.input), dest);
  return addrAnswer(err, "canonical", err == 0 ? readRegion(dest) : null, true);
}

function doAddrHumanize(r: JsonReader): Out {
  const a = readAddrInput(r, "canonical", 90, true);
  endVariant(r);
  if (r.failed) return parseFailed();
  const dest = outputRegion(a.capacity);
  const err = addr_humanize(regionOf(a.input), dest);
  return addrAnswer(err, "address", err == 0 ? readRegion(dest) : null, false);
}

// ------------------------------------------------------------------------------------------------
// debug, abort, panic, fail

function doDebug(r: JsonReader, secret: bool): Out {
  const m = readStringObject(r, "message");
  endVariant(r);
  if (r.failed) return parseFailed();
  if (secret) debug_print(regionOf(m)); else debug(regionOf(m));
  return answer(withString(secret ? "debug_print" : "debug", m));
}

function doAbort(r: JsonReader): Out {
  const m = readStringObject(r, "message");
  endVariant(r);
  if (r.failed) return parseFailed();
  cw_abort(regionOf(m));
  unreachable();
  return parseFailed();
}

function doPanic(r: JsonReader): Out {
  readEmptyObject(r);
  endVariant(r);
  if (r.failed) return parseFailed();
  unreachable();
  return parseFailed();
}

function doFail(r: JsonReader): Out {
  const m = readStringObject(r, "message");
  endVariant(r);
  if (r.failed) return parseFailed();
  return contractError(m);
}

// ------------------------------------------------------------------------------------------------
// query_chain

function doQueryChain(r: JsonReader): Out {
  const f = new Fields(r, ["request", "raw"]);
  let request = Bytes.empty();
  if (f.begin()) {
    let i: i32;
    while ((i = f.next()) >= 0) { if (i == 0) request = readRaw(r); else request = b64Value(r); }
    if (!r.failed && !f.has(0) && !f.has(1)) r.fail("missing field `request`");
  }
  endVariant(r);
  if (r.failed) return parseFailed();
  return answer(queryChain(request));
}

function smartRequest(contract: Bytes, msg: Bytes): Bytes {
  const out = new Buf(contract.len + msg.len * 2 + 64).str("{\"wasm\":{\"smart\":{\"contract_addr\":");
  jsonString(out, contract);
  out.str(",\"msg\":\"");
  base64Encode(out, msg);
  return out.str("\"}}}").bytes();
}

function doSmartQuery(r: JsonReader): Out {
  const f = new Fields(r, ["contract", "msg"]);
  let contract = Bytes.empty(), msg = Bytes.empty();
  if (f.begin()) {
    let i: i32;
    while ((i = f.next()) >= 0) { if (i == 0) contract = r.readString(); else msg = readRaw(r); }
    f.require(0); f.require(1);
  }
  endVariant(r);
  if (r.failed) return parseFailed();
  return answer(queryChain(smartRequest(contract, msg)));
}

function doBankBalance(r: JsonReader): Out {
  const f = new Fields(r, ["address", "denom"]);
  let address = Bytes.empty(), denom = Bytes.empty();
  if (f.begin()) {
    let i: i32;
    while ((i = f.next()) >= 0) { if (i == 0) address = r.readString(); else denom = r.readString(); }
    f.require(0); f.require(1);
  }
  endVariant(r);
  if (r.failed) return parseFailed();
  const req = new Buf(128).str("{\"bank\":{\"balance\":{\"address\":");
  jsonString(req, address);
  req.str(",\"denom\":");
  jsonString(req, denom);
  return answer(queryChain(req.str("}}}").bytes()));
}

function doRecurseQuery(r: JsonReader): Out {
  const depth = readU32Object(r, "depth");
  endVariant(r);
  if (r.failed) return parseFailed();
  if (depth == 0) return answer(Bytes.of("{\"depth\":0}"));
  const self = findString(new Bytes(envPtr, envLen), ["contract", "address"]);
  if (self == null) return contractError(Bytes.of("env.contract.address is missing"));
  const inner = queryChain(smartRequest(self, new Buf(48).str("{\"recurse_query\":{\"depth\":").u64(depth - 1).str("}}").bytes()));
  return answer(obj().str("\"depth\":").u64(depth).str(",\"inner\":").append(inner).byte(125).bytes());
}

// ------------------------------------------------------------------------------------------------
// crypto

/** Reads an object of base64 fields (all required) plus optional u32 fields; returns the byte fields. */
class CryptoArgs {
  bytes: Array<Bytes> = new Array<Bytes>();
  numbers: Array<u32> = new Array<u32>();
}

function readCryptoArgs(r: JsonReader, b64Fields: Array<string>, numFields: Array<string>, numDefaults: Array<u32>, numRequired: bool): CryptoArgs {
  const a = new CryptoArgs();
  const names = b64Fields.concat(numFields);
  for (let i = 0; i < b64Fields.length; i++) a.bytes.push(Bytes.empty());
  for (let i = 0; i < numFields.length; i++) a.numbers.push(numDefaults[i]);
  const f = new Fields(r, names);
  if (f.begin()) {
    let i: i32;
    while ((i = f.next()) >= 0) {
      if (i < b64Fields.length) a.bytes[i] = b64Value(r);
      else a.numbers[i - b64Fields.length] = u32Value(r);
    }
    for (let j = 0; j < b64Fields.length; j++) f.require(j);
    if (numRequired) for (let j = 0; j < numFields.length; j++) f.require(b64Fields.length + j);
  }
  return a;
}

function doVerify(r: JsonReader, which: i32): Out {
  const names = which == 2 ? ["message", "signature", "pubkey"] : ["hash", "signature", "pubkey"];
  const a = readCryptoArgs(r, names, [], [], false);
  endVariant(r);
  if (r.failed) return parseFailed();
  const x = regionOf(a.bytes[0]), y = regionOf(a.bytes[1]), z = regionOf(a.bytes[2]);
  const code = which == 0 ? secp256k1_verify(x, y, z) : which == 1 ? secp256r1_verify(x, y, z) : ed25519_verify(x, y, z);
  return codeAnswer(code, "", null);
}

/** An i64 import result: Region pointer in the low half, or the code in the high half. */
function regionOrCode(v: u64, name: string): Out {
  const code = <u32>(v >> 32);
  const ptr = <usize>(v & 0xffffffff);
  return codeAnswer(code, name, code == 0 && ptr != 0 ? readRegion(ptr) : null);
}

function doRecover(r: JsonReader, r1: bool): Out {
  const a = readCryptoArgs(r, ["hash", "signature"], ["recovery_param"], [0], true);
  endVariant(r);
  if (r.failed) return parseFailed();
  const x = regionOf(a.bytes[0]), y = regionOf(a.bytes[1]);
  const v = r1 ? secp256r1_recover_pubkey(x, y, a.numbers[0]) : secp256k1_recover_pubkey(x, y, a.numbers[0]);
  return regionOrCode(v, "pubkey");
}

function readB64List(r: JsonReader): Bytes {
  // sections: item ‖ u32be(len(item)) ‖ …
  const out = new Buf(256);
  if (!r.beginArray()) return out.bytes();
  while (r.nextItem()) {
    const item = b64Value(r);
    if (r.failed) break;
    out.append(item);
    const n = <u32>item.len;
    out.byte(<i32>(n >> 24)).byte(<i32>(n >> 16) & 0xff).byte(<i32>(n >> 8) & 0xff).byte(<i32>n & 0xff);
  }
  return out.bytes();
}

function doBatchVerify(r: JsonReader): Out {
  const f = new Fields(r, ["messages", "signatures", "pubkeys"]);
  const lists = [Bytes.empty(), Bytes.empty(), Bytes.empty()];
  if (f.begin()) {
    let i: i32;
    while ((i = f.next()) >= 0) lists[i] = readB64List(r);
    f.require(0); f.require(1); f.require(2);
  }
  endVariant(r);
  if (r.failed) return parseFailed();
  return codeAnswer(ed25519_batch_verify(regionOf(lists[0]), regionOf(lists[1]), regionOf(lists[2])), "", null);
}

function doAggregate(r: JsonReader, g2: bool): Out {
  const a = readCryptoArgs(r, ["points"], ["capacity"], [g2 ? 96 : 48], false);
  endVariant(r);
  if (r.failed) return parseFailed();
  const out = outputRegion(a.numbers[0]);
  const p = regionOf(a.bytes[0]);
  const code = g2 ? bls12_381_aggregate_g2(p, out) : bls12_381_aggregate_g1(p, out);
  return codeAnswer(code, "point", code == 0 ? readRegion(out) : null);
}

function doPairing(r: JsonReader): Out {
  const a = readCryptoArgs(r, ["ps", "qs", "r", "s"], [], [], false);
  endVariant(r);
  if (r.failed) return parseFailed();
  const code = bls12_381_pairing_equality(regionOf(a.bytes[0]), regionOf(a.bytes[1]), regionOf(a.bytes[2]), regionOf(a.bytes[3]));
  return codeAnswer(code, "", null);
}

function doHashTo(r: JsonReader, g2: bool): Out {
  const a = readCryptoArgs(r, ["msg", "dst"], ["hash_function", "capacity"], [0, g2 ? 96 : 48], false);
  endVariant(r);
  if (r.failed) return parseFailed();
  const out = outputRegion(a.numbers[1]);
  const m = regionOf(a.bytes[0]), d = regionOf(a.bytes[1]);
  const code = g2 ? bls12_381_hash_to_g2(a.numbers[0], m, d, out) : bls12_381_hash_to_g1(a.numbers[0], m, d, out);
  return codeAnswer(code, "point", code == 0 ? readRegion(out) : null);
}

function doSign(r: JsonReader, ed: bool): Out {
  const a = readCryptoArgs(r, ["message", "private_key"], [], [], false);
  endVariant(r);
  if (r.failed) return parseFailed();
  const m = regionOf(a.bytes[0]), k = regionOf(a.bytes[1]);
  return regionOrCode(ed ? ed25519_sign(m, k) : secp256k1_sign(m, k), "signature");
}

// ------------------------------------------------------------------------------------------------
// gas

function doCheckGas(r: JsonReader): Out {
  readEmptyObject(r);
  endVariant(r);
  if (r.failed) return parseFailed();
  return answer(obj().str("\"gas\":").u64(check_gas()).byte(125).bytes());
}

function doEvaporate(r: JsonReader): Out {
  const n = readU32Object(r, "amount");
  endVariant(r);
  if (r.failed) return parseFailed();
  return answer(obj().str("\"result\":").u64(gas_evaporate(n)).byte(125).bytes());
}

function doSpin(r: JsonReader): Out {
  const n = readU32Object(r, "iterations");
  endVariant(r);
  if (r.failed) return parseFailed();
  for (let i: u32 = 0; i < n; i++) spinCounter += i ^ 0x5bd1e995;
  return answer(obj().str("\"spun\":").u64(n).byte(125).bytes());
}

function spinForever(): void {
  while (true) spinCounter = spinCounter * 1664525 + 1013904223;
}

function doLoop(r: JsonReader): Out {
  readEmptyObject(r);
  endVariant(r);
  if (r.failed) return parseFailed();
  spinForever();
  return parseFailed();
}

// ------------------------------------------------------------------------------------------------
// memory, stack, results

function doGrow(r: JsonReader): Out {
  const pages = readU32Object(r, "pages");
  endVariant(r);
  if (r.failed) return parseFailed();
  const before = memory.size();
  const result = memory.grow(<i32>pages);
  const after = memory.size();
  return answer(obj().str("\"before\":").i64(before).str(",\"result\":").i64(result).str(",\"after\":").i64(after).byte(125).bytes());
}

function doAllocate(r: JsonReader): Out {
  const n = readU32Object(r, "bytes");
  endVariant(r);
  if (r.failed) return parseFailed();
  const p = heap.alloc(<usize>n);
  if (n > 0) store<u8>(p + <usize>n - 1, 1);
  return answer(obj().str("\"allocated\":").u64(n).str(",\"pages\":").i64(memory.size()).byte(125).bytes());
}

/** Not a tail call (the addition follows it), so every level is a real wasm frame. */
function nest(n: u32): u32 {
  if (n == 0) return 0;
  return nest(n - 1) + (n & 1) + 1;
}

function doRecurse(r: JsonReader): Out {
  const depth = readU32Object(r, "depth");
  endVariant(r);
  if (r.failed) return parseFailed();
  return answer(obj().str("\"depth\":").u64(depth).str(",\"result\":").u64(nest(depth)).byte(125).bytes());
}

function fillWords(p: usize, n: usize): void {
  let i: usize = 0;
  while (i + 8 <= n) { store<u64>(p + i, 0x6161616161616161); i += 8; }
  while (i < n) { store<u8>(p + i, 0x61); i++; }
}

function doHugeResult(r: JsonReader, entry: i32): Out {
  const n = <usize>readU32Object(r, "bytes");
  endVariant(r);
  if (r.failed) return parseFailed();
  if (entry == QUERY) {
    const a = new Buf(n + 16).str("{\"filler\":\"");
    fillWords(a.ptr + a.len, n);
    a.len += n;
    a.str("\"}");
    return raw(okQueryV1(a.bytes()));
  }
  const head = "{\"ok\":{\"messages\":[],\"attributes\":[{\"key\":\"action\",\"value\":\"huge_result\"},{\"key\":\"filler\",\"value\":\"";
  const out = new Buf(n + 160).str(head);
  fillWords(out.ptr + out.len, n);
  out.len += n;
  out.str("\"}],\"events\":[],\"data\":null}}");
  return raw(regionOf(out.bytes()));
}

const BAD_KINDS = [
  "invalid_utf8", "invalid_json", "wrong_keys", "both_keys", "error_not_string", "bad_response", "not_base64",
  "answer_not_json", "wild_pointer", "zero_pointer", "zero_offset", "length_over_capacity", "data_outside_memory",
];

function doBadResult(r: JsonReader): Out {
  const kind = readStringObject(r, "kind");
  endVariant(r);
  if (r.failed) return parseFailed();
  if (kind.eq("invalid_utf8")) {
    const b = new Buf(32).str("{\"error\":\"bad ");
    b.byte(0xff).byte(0xfe);
    return raw(regionOf(b.str(" bytes\"}").bytes()));
  }
  if (kind.eq("invalid_json")) return raw(regionOf(Bytes.of("{\"ok\":{\"messages\":[")));
  if (kind.eq("wrong_keys")) return raw(regionOf(Bytes.of("{\"result\":{}}")));
  if (kind.eq("both_keys")) return raw(regionOf(Bytes.of("{\"ok\":{},\"error\":\"x\"}")));
  if (kind.eq("error_not_string")) return raw(regionOf(Bytes.of("{\"error\":{\"generic_err\":{\"msg\":\"x\"}}}")));
  if (kind.eq("bad_response")) return raw(regionOf(Bytes.of("{\"ok\":{\"messages\":\"nope\"}}")));
  if (kind.eq("not_base64")) return raw(regionOf(Bytes.of("{\"ok\":\"not base64!\"}")));
  if (kind.eq("answer_not_json")) return raw(okQueryV1(Bytes.of("not json")));
  if (kind.eq("wild_pointer")) return raw(0x7ffffff0);
  if (kind.eq("zero_pointer")) return raw(0);
  if (kind.eq("zero_offset")) return raw(newRegion(0, 0, 0));
  if (kind.eq("length_over_capacity")) return raw(newRegion(heap.alloc(8), 4, 8));
  if (kind.eq("data_outside_memory")) return raw(newRegion(0xfffff000, 16, 16));
  r.fail(bytesToString(unknownVariant(kind, BAD_KINDS)));
  return parseFailed();
}

// ------------------------------------------------------------------------------------------------
// messages, events, env, replies

function replyOn(r: JsonReader): Bytes {
  const v = r.readString();
  if (r.failed) return v;
  if (!(v.eq("always") || v.eq("error") || v.eq("success") || v.eq("never"))) {
    r.fail(bytesToString(unknownVariant(v, ["always", "error", "success", "never"])));
  }
  return v;
}

function doSubmessages(r: JsonReader, entry: i32): Out {
  const outer = new Fields(r, ["messages"]);
  const list = new Buf(256).byte(91);
  let count: u32 = 0;
  if (outer.begin()) {
    while (outer.next() >= 0) {
      if (!r.beginArray()) break;
      while (r.nextItem()) {
        const f = new Fields(r, ["id", "msg", "reply_on", "gas_limit"]);
        let id: u64 = 0;
        let msg = Bytes.empty();
        let on = Bytes.of("never");
        let gas = Bytes.of("null");
        if (!f.begin()) break;
        let i: i32;
        while ((i = f.next()) >= 0) {
          if (i == 0) id = r.readU64();
          else if (i == 1) msg = readRaw(r);
          else if (i == 2) on = replyOn(r);
          else if (r.isNull()) r.readNull();
          else gas = new Buf(24).u64(r.readU64()).bytes();
        }
        f.require(0); f.require(1);
        if (r.failed) break;
        if (count > 0) list.byte(44);
        list.str("{\"id\":").u64(id).str(",\"msg\":").append(msg).str(",\"gas_limit\":").append(gas).str(",\"reply_on\":");
        jsonString(list, on);
        list.byte(125);
        count++;
      }
    }
    outer.require(0);
  }
  endVariant(r);
  if (r.failed) return parseFailed();
  const data = obj().str("\"messages\":").u64(count).byte(125).bytes();
  if (entry == QUERY) return answer(data);
  const attrs = new Attrs().addStr("action", "submessages").addStr("entry", entryName(entry));
  return raw(okResponseV1Raw(list.byte(93).bytes(), attrsJson(attrs), Bytes.of("[]"), data));
}

function doEmit(r: JsonReader, entry: i32): Out {
  const f = new Fields(r, ["attributes", "events", "data"]);
  let attributes = Bytes.of("[]"), events = Bytes.of("[]");
  let data: Bytes | null = null;
  if (f.begin()) {
    let i: i32;
    while ((i = f.next()) >= 0) {
      if (i == 0) attributes = readRaw(r);
      else if (i == 1) events = readRaw(r);
      else if (r.isNull()) r.readNull();
      else data = b64Value(r);
    }
  }
  endVariant(r);
  if (r.failed) return parseFailed();
  if (entry == QUERY) return answer(Bytes.of("{\"emitted\":true}"));
  return raw(okResponseV1Raw(Bytes.of("[]"), attributes, events, data));
}

function doEnv(r: JsonReader): Out {
  readEmptyObject(r);
  endVariant(r);
  if (r.failed) return parseFailed();
  const out = new Buf(envLen + infoLen + 32).str("{\"env\":").append(new Bytes(envPtr, envLen)).str(",\"info\":");
  if (infoPtr == 0) out.str("null"); else out.append(new Bytes(infoPtr, infoLen));
  return answer(out.byte(125).bytes());
}

function doLastReply(r: JsonReader): Out {
  readEmptyObject(r);
  endVariant(r);
  if (r.failed) return parseFailed();
  const v = storageGet(Bytes.of("last_reply"));
  return answer(v == null ? Bytes.of("null") : v);
}

// ------------------------------------------------------------------------------------------------
// Dispatch

const VARIANTS = [
  "write", "write_many", "write_sized", "read", "remove", "scan", "next", "open_iterators",
  "addr_validate", "addr_canonicalize", "addr_humanize", "debug", "debug_print", "abort", "panic", "fail",
  "query_chain", "smart_query", "bank_balance", "recurse_query",
  "secp256k1_verify", "secp256r1_verify", "secp256k1_recover_pubkey", "secp256r1_recover_pubkey",
  "ed25519_verify", "ed25519_batch_verify", "bls12_381_aggregate_g1", "bls12_381_aggregate_g2",
  "bls12_381_pairing_equality", "bls12_381_hash_to_g1", "bls12_381_hash_to_g2", "secp256k1_sign", "ed25519_sign",
  "check_gas", "gas_evaporate", "spin", "loop", "grow", "allocate", "recurse", "huge_result", "bad_result",
  "submessages", "emit", "env", "last_reply",
];

function run(v: Bytes, r: JsonReader, entry: i32): Out {
  if (v.eq("write")) return doWrite(r);
  if (v.eq("write_many")) return doWriteMany(r);
  if (v.eq("write_sized")) return doWriteSized(r);
  if (v.eq("read")) return doRead(r);
  if (v.eq("remove")) return doRemove(r);
  if (v.eq("scan")) return doScan(r);
  if (v.eq("next")) return doNext(r);
  if (v.eq("open_iterators")) return doOpenIterators(r);
  if (v.eq("addr_validate")) return doAddrValidate(r);
  if (v.eq("addr_canonicalize")) return doAddrCanonicalize(r);
  if (v.eq("addr_humanize")) return doAddrHumanize(r);
  if (v.eq("debug")) return doDebug(r, false);
  if (v.eq("debug_print")) return doDebug(r, true);
  if (v.eq("abort")) return doAbort(r);
  if (v.eq("panic")) return doPanic(r);
  if (v.eq("fail")) return doFail(r);
  if (v.eq("query_chain")) return doQueryChain(r);
  if (v.eq("smart_query")) return doSmartQuery(r);
  if (v.eq("bank_balance")) return doBankBalance(r);
  if (v.eq("recurse_query")) return doRecurseQuery(r);
  if (v.eq("secp256k1_verify")) return doVerify(r, 0);
  if (v.eq("secp256r1_verify")) return doVerify(r, 1);
  if (v.eq("ed25519_verify")) return doVerify(r, 2);
  if (v.eq("secp256k1_recover_pubkey")) return doRecover(r, false);
  if (v.eq("secp256r1_recover_pubkey")) return doRecover(r, true);
  if (v.eq("ed25519_batch_verify")) return doBatchVerify(r);
  if (v.eq("bls12_381_aggregate_g1")) return doAggregate(r, false);
  if (v.eq("bls12_381_aggregate_g2")) return doAggregate(r, true);
  if (v.eq("bls12_381_pairing_equality")) return doPairing(r);
  if (v.eq("bls12_381_hash_to_g1")) return doHashTo(r, false);
  if (v.eq("bls12_381_hash_to_g2")) return doHashTo(r, true);
  if (v.eq("secp256k1_sign")) return doSign(r, false);
  if (v.eq("ed25519_sign")) return doSign(r, true);
  if (v.eq("check_gas")) return doCheckGas(r);
  if (v.eq("gas_evaporate")) return doEvaporate(r);
  if (v.eq("spin")) return doSpin(r);
  if (v.eq("loop")) return doLoop(r);
  if (v.eq("grow")) return doGrow(r);
  if (v.eq("allocate")) return doAllocate(r);
  if (v.eq("recurse")) return doRecurse(r);
  if (v.eq("huge_result")) return doHugeResult(r, entry);
  if (v.eq("bad_result")) return doBadResult(r);
  if (v.eq("submessages")) return doSubmessages(r, entry);
  if (v.eq("emit")) return doEmit(r, entry);
  if (v.eq("env")) return doEnv(r);
  if (v.eq("last_reply")) return doLastReply(r);
  r.fail(bytesToString(unknownVariant(v, VARIANTS)));
  return parseFailed();
}

function parseError(entry: i32, r: JsonReader): usize {
  const out = new Buf(96).str("Error parsing into type kitchen_sink::msg::").str(typeName(entry)).str(": ").str(r.error);
  return errorV1(out.bytes());
}

function dispatch(entry: i32, msg: Bytes): usize {
  const r = new JsonReader(msg);
  const variant = readVariant(r);
  if (variant == null) return parseError(entry, r);
  const out = run(variant, r, entry);
  if (out.kind == PARSE) return parseError(entry, r);
  if (out.kind == ERROR) return errorV1(out.json);
  if (out.kind == RAW) return out.region;
  if (entry == QUERY) return okQueryV1(out.json);
  const attrs = new Attrs().add("action", variant).addStr("entry", entryName(entry)).add("result", out.json);
  return okResponseV1(attrs, out.json);
}

/** `{}` (only whitespace around) */
function isEmptyObject(msg: Bytes): bool {
  const r = new JsonReader(msg);
  if (!r.isObject() || !r.beginObject()) return false;
  if (r.nextKey() != null) return false;
  return r.finish();
}

/** instantiate and migrate: `{}` stores the message; anything else is dispatched. */
function setup(entry: i32, msg: Bytes, key: string): usize {
  if (!isEmptyObject(msg)) return dispatch(entry, msg);
  storageSet(Bytes.of(key), msg);
  return okResponseV1(new Attrs().addStr("action", entryName(entry)).addStr("entry", entryName(entry)));
}

// ------------------------------------------------------------------------------------------------
// Entry points

export function instantiate(env: usize, info: usize, msg: usize): usize {
  setContext(env, info);
  return setup(INSTANTIATE, readRegion(msg), "init_msg");
}

export function execute(env: usize, info: usize, msg: usize): usize {
  setContext(env, info);
  return dispatch(EXECUTE, readRegion(msg));
}

export function query(env: usize, msg: usize): usize {
  setContext(env, 0);
  return dispatch(QUERY, readRegion(msg));
}

export function sudo(env: usize, msg: usize): usize {
  setContext(env, 0);
  return dispatch(SUDO, readRegion(msg));
}

export function migrate(env: usize, msg: usize): usize {
  setContext(env, 0);
  return setup(MIGRATE, readRegion(msg), "migrate_msg");
}

/** Reply: `{"id":N,"result":{"ok":{"events":[…],"data":…}}}` or `{"id":N,"result":{"error":"…"}}` (+ 2.x fields, ignored). */
export function reply(env: usize, replyMsg: usize): usize {
  setContext(env, 0);
  const r = new JsonReader(readRegion(replyMsg));
  let id: u64 = 0;
  let haveId = false, haveResult = false, ok = false;
  let error = Bytes.empty();
  let data = Bytes.of("null");
  let events: u64 = 0;
  if (r.beginObject()) {
    let k: Bytes | null;
    while ((k = r.nextKey()) != null) {
      if (k.eq("id")) {
        haveId = true;
        id = r.readU64();
      } else if (k.eq("result")) {
        if (!r.beginObject()) break;
        const variant = r.nextKey();
        if (variant == null) { r.fail("expected `ok` or `error`"); break; }
        haveResult = true;
        if (variant.eq("ok")) {
          ok = true;
          if (!r.beginObject()) break;
          let rk: Bytes | null;
          while ((rk = r.nextKey()) != null) {
            if (rk.eq("events")) {
              if (!r.beginArray()) break;
              while (r.nextItem()) { r.skipValue(); events++; }
            } else if (rk.eq("data")) data = readRaw(r);
            else r.skipValue();
          }
        } else if (variant.eq("error")) {
          error = r.readString();
        } else {
          r.fail(bytesToString(unknownVariant(variant, ["ok", "error"])));
          break;
        }
        if (r.nextKey() != null) r.fail("expected a single variant");
      } else r.skipValue();
    }
  }
  r.finish();
  if (!r.failed && !haveId) r.fail("missing field `id`");
  if (!r.failed && !haveResult) r.fail("missing field `result`");
  if (r.failed) return errorV1(new Buf(96).str("Error parsing into type cosmwasm_std::results::submessages::Reply: ").str(r.error).bytes());

  const rec = obj().str("\"id\":").u64(id);
  if (ok) rec.str(",\"ok\":true,\"data\":").append(data).str(",\"events\":").u64(events);
  else { rec.str(",\"ok\":false,\"error\":"); jsonString(rec, error); }
  const record = rec.byte(125).bytes();
  if (id >= 1000) return errorV1(new Buf(48).str("reply ").u64(id).str(" failed on request").bytes());
  storageSet(new Buf(24).str("reply:").u64(id).bytes(), record);
  storageSet(Bytes.of("last_reply"), record);
  const attrs = new Attrs().addStr("action", "reply").add("id", new Buf(24).u64(id).bytes()).addStr("result", ok ? "ok" : "error");
  if (!ok) attrs.add("error", error);
  return okResponseV1(attrs, record);
}
