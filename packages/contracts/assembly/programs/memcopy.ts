// memcopy: memory-heavy loops. Two buffers A and B of `size` bytes (A filled by the LCG of common.ts,
// seed 0xc0b1, B zeroed); each round copies a chunk of 1 .. size/16 bytes inside A (overlapping,
// either direction, any alignment), fills a quarter-length chunk of B with a byte and copies a chunk
// of A into B, with memory.copy / memory.fill. The build compiles this file twice: with bulk memory
// (memory.copy / memory.fill instructions) and without (AssemblyScript's memmove / memset loops).
// `run(rounds, size)` returns an FNV-1a-style hash of both buffers' 32-bit words mixed with a byte of
// B sampled after every round. size must be a multiple of 4 and at least 64.

import { ensure, fillBytes, lcg, workBase } from './common';

export function run(rounds: i32, size: i32): i32 {
  if (size < 64 || (size & 3) != 0) unreachable();
  const n = <usize>size;
  const a = workBase();
  const b = a + n;
  ensure(b + n);
  let x = fillBytes(a, n, 0xc0b1);
  memory.fill(b, 0, n);
  let sample: u32 = 0;
  for (let r = 0; r < rounds; r++) {
    x = lcg(x);
    const len = 1 + <usize>(x >>> 8) % (n >> 4);
    x = lcg(x);
    const src = <usize>(x >>> 8) % (n - len);
    x = lcg(x);
    const dst = <usize>(x >>> 8) % (n - len);
    memory.copy(a + dst, a + src, len); // overlapping moves in A
    x = lcg(x);
    const quarter = len >> 2;
    const fillAt = <usize>(x >>> 8) % (n - quarter);
    memory.fill(b + fillAt, <u8>r, quarter); // a quarter-length fill in B
    x = lcg(x);
    const to = <usize>(x >>> 8) % (n - len);
    memory.copy(b + to, a + ((src + dst) >> 1), len); // A → B (the source range stays inside A)
    sample = sample * 31 + <u32>load<u8>(b + <usize>(x >>> 4) % n);
  }
  let h: u32 = 0x811c9dc5;
  for (let p: usize = 0; p < 2 * n; p += 4) {
    h = (h ^ load<u32>(a + p)) * 16777619;
  }
  return <i32>(h ^ sample);
}
