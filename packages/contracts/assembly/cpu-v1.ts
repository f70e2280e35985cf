// cpu-v1: a CPU-heavy CosmWasm 1.x (interface_version_8) contract for benchmarks. It imports nothing:
// every unit of gas goes to wasm instructions (a SHA-256 hash chain computed in wasm, lib/sha256.ts).
//
// The work: a 64-byte buffer B starts as the bytes 0, 1, …, 63. One round replaces B with
// SHA-256(B) ‖ B[0..32) (the digest of all 64 bytes, then the old first half). The result of N rounds
// is B[0..32) after the last round (for N = 0: the bytes 0…31), written as lowercase hex.
// One round = two SHA-256 compressions (64 bytes + the padding block).
//
//   instantiate <any JSON>               → attributes action=instantiate
//   execute {"work":{"rounds":N}}        → attributes action=work, rounds=N, digest=<hex>; data = the 32 digest bytes
//   query   {"work":{"rounds":N}}        → {"rounds":N,"digest":"<hex>"}
//   malformed → {"error":"Error parsing into type cpu::msg::ExecuteMsg: …"} (QueryMsg for queries)

import { Attrs, Bytes, Buf, JsonReader, copyBytes, errorV1, okQueryV1, okResponseV1, readRegion } from "./lib";
import { hexEncode } from "./lib/hex";
import { Fields, bytesToString, endVariant, readVariant, unknownVariant } from "./lib/msg";
import { Sha256 } from "./lib/sha256";

export { allocate, deallocate } from "./lib/region";

export function interface_version_8(): void {}

/** Runs `rounds` rounds; returns the 32-byte result. */
function work(rounds: u32): Bytes {
  const b = heap.alloc(64);
  for (let i: usize = 0; i < 64; i++) store<u8>(b + i, <u8>i);
  const d = heap.alloc(32);
  const sha = new Sha256();
  const buf = new Bytes(b, 64);
  for (let n: u32 = 0; n < rounds; n++) {
    sha.digest(buf, d);
    copyBytes(b + 32, b, 32);
    copyBytes(b, d, 32);
  }
  return new Bytes(b, 32);
}

/** `{"work":{"rounds":N}}` → N, or the reader fails. */
function readWork(r: JsonReader): u32 {
  const variant = readVariant(r);
  if (variant == null) return 0;
  if (!variant.eq("work")) { r.fail(bytesToString(unknownVariant(variant, ["work"]))); return 0; }
  const f = new Fields(r, ["rounds"]);
  let rounds: u64 = 0;
  if (f.begin()) {
    while (f.next() >= 0) rounds = r.readU64();
    f.require(0);
  }
  if (!r.failed && rounds > 0xffffffff) r.fail("invalid value: integer `" + rounds.toString() + "`, expected u32");
  endVariant(r);
  return <u32>rounds;
}

function parseError(type: string, r: JsonReader): usize {
  return errorV1(new Buf(96).str("Error parsing into type cpu::msg::").str(type).str(": ").str(r.error).bytes());
}

export function instantiate(env: usize, info: usize, msg: usize): usize {
  return okResponseV1(new Attrs().addStr("action", "instantiate"));
}

export function execute(env: usize, info: usize, msg: usize): usize {
  const r = new JsonReader(readRegion(msg));
  const rounds = readWork(r);
  if (r.failed) return parseError("ExecuteMsg", r);
  const digest = work(rounds);
  const attrs = new Attrs().addStr("action", "work").add("rounds", new Buf(12).u64(rounds).bytes()).add("digest", hexEncode(new Buf(64), digest).bytes());
  return okResponseV1(attrs, digest);
}

export function query(env: usize, msg: usize): usize {
  const r = new JsonReader(readRegion(msg));
  const rounds = readWork(r);
  if (r.failed) return parseError("QueryMsg", r);
  const out = new Buf(112).str("{\"rounds\":").u64(rounds).str(",\"digest\":\"");
  hexEncode(out, work(rounds));
  return okQueryV1(out.str("\"}").bytes());
}
