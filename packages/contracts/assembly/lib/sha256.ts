// SHA-256 (FIPS 180-4) in plain 32-bit integer arithmetic, for contracts that hash inside wasm
// (cpu-v1's work loop). Not a host import: the point is to burn metered wasm instructions.

import { Bytes } from "./bytes";

const K: StaticArray<u32> = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/** A reusable SHA-256 context: 8 state words, a 64-word schedule and a 128-byte tail buffer. */
export class Sha256 {
  private state: usize = heap.alloc(32);
  private w: usize = heap.alloc(256);
  private tail: usize = heap.alloc(128);

  private compress(block: usize): void {
    const w = this.w;
    for (let i: usize = 0; i < 16; i++) store<u32>(w + (i << 2), bswap<u32>(load<u32>(block + (i << 2))));
    for (let i: usize = 16; i < 64; i++) {
      const p = w + (i << 2);
      const w15 = load<u32>(p - 60);
      const w2 = load<u32>(p - 8);
      const s0 = rotr<u32>(w15, 7) ^ rotr<u32>(w15, 18) ^ (w15 >>> 3);
      const s1 = rotr<u32>(w2, 17) ^ rotr<u32>(w2, 19) ^ (w2 >>> 10);
      store<u32>(p, load<u32>(p - 64) + s0 + load<u32>(p - 28) + s1);
    }
    const h = this.state;
    let a = load<u32>(h), b = load<u32>(h, 4), c = load<u32>(h, 8), d = load<u32>(h, 12);
    let e = load<u32>(h, 16), f = load<u32>(h, 20), g = load<u32>(h, 24), hh = load<u32>(h, 28);
    for (let i = 0; i < 64; i++) {
      const S1 = rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25);
      const ch = (e & f) ^ (~e & g);
      const t1 = hh + S1 + ch + unchecked(K[i]) + load<u32>(w + (<usize>i << 2));
      const S0 = rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22);
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = S0 + maj;
      hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    store<u32>(h, load<u32>(h) + a); store<u32>(h, load<u32>(h, 4) + b, 4);
    store<u32>(h, load<u32>(h, 8) + c, 8); store<u32>(h, load<u32>(h, 12) + d, 12);
    store<u32>(h, load<u32>(h, 16) + e, 16); store<u32>(h, load<u32>(h, 20) + f, 20);
    store<u32>(h, load<u32>(h, 24) + g, 24); store<u32>(h, load<u32>(h, 28) + hh, 28);
  }

  /** Hashes `data` and writes the 32-byte digest to `out` (which may overlap `data`). */
  digest(data: Bytes, out: usize): void {
    const h = this.state;
    store<u32>(h, 0x6a09e667); store<u32>(h, 0xbb67ae85, 4); store<u32>(h, 0x3c6ef372, 8); store<u32>(h, 0xa54ff53a, 12);
    store<u32>(h, 0x510e527f, 16); store<u32>(h, 0x9b05688c, 20); store<u32>(h, 0x1f83d9ab, 24); store<u32>(h, 0x5be0cd19, 28);
    const n = data.len;
    let off: usize = 0;
    while (off + 64 <= n) { this.compress(data.ptr + off); off += 64; }
    // The padded tail: the rest, 0x80, zeros, the bit length (big-endian u64); one or two blocks.
    const rest = n - off;
    const t = this.tail;
    for (let i: usize = 0; i < 128; i++) store<u8>(t + i, 0);
    for (let i: usize = 0; i < rest; i++) store<u8>(t + i, load<u8>(data.ptr + off + i));
    store<u8>(t + rest, 0x80);
    const blocks: usize = rest + 9 <= 64 ? 1 : 2;
    store<u64>(t + blocks * 64 - 8, bswap<u64>(<u64>n << 3));
    this.compress(t);
    if (blocks == 2) this.compress(t + 64);
    for (let i: usize = 0; i < 8; i++) store<u32>(out + (i << 2), bswap<u32>(load<u32>(h + (i << 2))));
  }
}
