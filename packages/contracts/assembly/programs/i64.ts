// i64: a 64-bit arithmetic loop mixing splitmix64 and xorshift64* with rotates, shifts (logical and
// arithmetic), unsigned and signed division and remainder by nonzero values, and comparisons.
// `run(n)` runs n iterations and returns the accumulator.

// Imported so that the build's `--use abort=assembly/programs/common/trapAbort` finds it.
import { trapAbort } from './common';

export function run(n: i32): i64 {
  let s: u64 = 0x0123456789abcdef; // splitmix64 state
  let x: u64 = 88172645463325252; // xorshift64* state (nonzero)
  let acc: u64 = 0;
  for (let i = 0; i < n; i++) {
    s += 0x9e3779b97f4a7c15;
    let z = s;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    z ^= z >> 31;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    const y = x * 0x2545f4914f6cdd1d;

    const k = <u64>(i & 63);
    acc = rotl<u64>(acc ^ z, k) + y;
    acc ^= y / (z | 1); // unsigned division by an odd (nonzero) divisor
    acc += y % ((z >> 40) | 1); // unsigned remainder by a small nonzero divisor
    const sy = <i64>y;
    acc ^= <u64>(sy / (<i64>(z >> 33) | 1)); // signed division, divisor in [1, 2^31): no overflow
    acc -= <u64>(sy % <i64>((z & 0xffff) + 3)); // signed remainder
    acc ^= <u64>(<i64>acc >> <i64>(k ^ 17)); // arithmetic shift
    if (sy < <i64>z) acc += 0x1234567; // signed compare
    if (y > z) acc = rotr<u64>(acc, 7); // unsigned compare
    if (acc == x) acc ^= 1;
  }
  return <i64>acc;
}
