// argonish: an Argon2-like memory-hard fill on 64-bit words. Memory holds `blocks` blocks of 1 KiB
// (128 u64 words). Blocks 0 and 1 come from splitmix64; then, for `passes` passes, every block i
// (from 2 in the first pass, from 0 in later ones) becomes compress(previous block, reference block)
// (xored into the old contents after the first pass), the reference index derived from the previous
// block's first word. compress is Argon2's: R = X ^ Y, the BLAKE2b-style permutation P with the
// BlaMka multiply (a + b + 2 * lo32(a) * lo32(b)) applied to the 8 rows then the 8 columns, result
// R ^ P(R). Not Argon2 itself (no H', no indexing function). `run(blocks, passes)` returns the xor of
// the last block's words.

import { ensure, workBase } from './common';

const R = memory.data(1024, 16);
const Q = memory.data(1024, 16);

// @ts-ignore: decorator
@inline
function fBlaMka(a: u64, b: u64): u64 {
  return a + b + 2 * (a & 0xffffffff) * (b & 0xffffffff);
}

// @ts-ignore: decorator
@inline
function G(pa: usize, pb: usize, pc: usize, pd: usize): void {
  let a = load<u64>(pa), b = load<u64>(pb), c = load<u64>(pc), d = load<u64>(pd);
  a = fBlaMka(a, b); d = rotr<u64>(d ^ a, 32);
  c = fBlaMka(c, d); b = rotr<u64>(b ^ c, 24);
  a = fBlaMka(a, b); d = rotr<u64>(d ^ a, 16);
  c = fBlaMka(c, d); b = rotr<u64>(b ^ c, 63);
  store<u64>(pa, a); store<u64>(pb, b); store<u64>(pc, c); store<u64>(pd, d);
}

/** P on 16 words v[i] = load<u64>(base + off(i)), off(i) = (i >> 1) * step + (i & 1) * 8. */
function P(base: usize, step: usize): void {
  const v0 = base, v1 = base + 8;
  const v2 = base + step, v3 = v2 + 8;
  const v4 = base + 2 * step, v5 = v4 + 8;
  const v6 = base + 3 * step, v7 = v6 + 8;
  const v8 = base + 4 * step, v9 = v8 + 8;
  const v10 = base + 5 * step, v11 = v10 + 8;
  const v12 = base + 6 * step, v13 = v12 + 8;
  const v14 = base + 7 * step, v15 = v14 + 8;
  G(v0, v4, v8, v12); G(v1, v5, v9, v13); G(v2, v6, v10, v14); G(v3, v7, v11, v15);
  G(v0, v5, v10, v15); G(v1, v6, v11, v12); G(v2, v7, v8, v13); G(v3, v4, v9, v14);
}

/** dst = (xorInto ? dst : 0) ^ compress(x, y). */
function compress(dst: usize, x: usize, y: usize, xorInto: bool): void {
  for (let i: usize = 0; i < 1024; i += 8) {
    const r = load<u64>(x + i) ^ load<u64>(y + i);
    store<u64>(R + i, r);
    store<u64>(Q + i, r);
  }
  for (let row: usize = 0; row < 8; row++) P(Q + row * 128, 16); // rows: 16 consecutive words
  for (let col: usize = 0; col < 8; col++) P(Q + col * 16, 128); // columns: word pairs 16 apart
  for (let i: usize = 0; i < 1024; i += 8) {
    const z = load<u64>(R + i) ^ load<u64>(Q + i);
    store<u64>(dst + i, xorInto ? load<u64>(dst + i) ^ z : z);
  }
}

export function run(blocks: i32, passes: i32): i64 {
  if (blocks < 3 || passes < 1) unreachable();
  const mem = workBase();
  ensure(mem + (<usize>blocks << 10));
  let s: u64 = 0x243f6a8885a308d3;
  for (let i: usize = 0; i < 256; i++) {
    s += 0x9e3779b97f4a7c15;
    let z = s;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    store<u64>(mem + (i << 3), z ^ (z >> 31));
  }
  const n = <u32>blocks;
  for (let pass: u32 = 0; pass < <u32>passes; pass++) {
    for (let i: u32 = pass == 0 ? 2 : 0; i < n; i++) {
      const prev = i == 0 ? n - 1 : i - 1;
      const pw = load<u64>(mem + (<usize>prev << 10));
      // First pass: any earlier block but the previous one; later passes: any block but this one.
      const ref = pass == 0 ? <u32>(pw & 0xffffffff) % (i - 1) : (i + 1 + <u32>(pw >>> 32) % (n - 1)) % n;
      compress(mem + (<usize>i << 10), mem + (<usize>prev << 10), mem + (<usize>ref << 10), pass > 0);
    }
  }
  let h: u64 = 0;
  const last = mem + (<usize>(n - 1) << 10);
  for (let i: usize = 0; i < 1024; i += 8) h ^= load<u64>(last + i);
  return <i64>h;
}
