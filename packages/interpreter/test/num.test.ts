// 64-bit division without BigInt (num.ts) against BigInt on edge values and seeded random operands of
// every magnitude (each of the three algorithms: divisor < 2^32, 2^32 ≤ divisor < 2^62, ≥ 2^62).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { divrem64, out } from '../src/num.js';

const M = (1n << 64n) - 1n;
const pair = (v: bigint): [number, number] => {
  const u = BigInt.asUintN(64, v);
  return [Number(u & 0xffffffffn) | 0, Number(u >> 32n) | 0];
};
const big = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);

test('divrem64 equals BigInt division for div_s, div_u, rem_s, rem_u', () => {
  let x = 0x9e3779b97f4a7c15n;
  const rnd = () => (x = (x * 6364136223846793005n + 1442695040888963407n) & M);
  const specials = [1n, 2n, 3n, 7n, 10n, 0xffffn, 0x10000n, 0xffffffffn, 0x100000000n, 0x100000001n, (1n << 53n) + 1n,
    (1n << 62n) - 1n, 1n << 62n, (1n << 62n) + 1n, 1n << 63n, (1n << 63n) - 1n, M, M - 1n, 0xfffffffffn];
  const values = [0n, ...specials];
  for (let i = 0; i < 1500; i++) values.push(rnd() >> (rnd() % 64n));
  let checked = 0;
  for (const a of values) {
    for (let k = 0; k < 12; k++) {
      const b = k < specials.length ? specials[(k * 7 + Number(a & 15n)) % specials.length] : values[Number(rnd() % BigInt(values.length))];
      if (b === 0n) continue;
      const [al, ah] = pair(a);
      const [bl, bh] = pair(b);
      const sa = BigInt.asIntN(64, a);
      const sb = BigInt.asIntN(64, b);
      for (let kind = 0; kind < 4; kind++) {
        if (kind === 0 && sa === -(1n << 63n) && sb === -1n) continue; // traps before reaching divrem64
        const want = kind === 0 ? sa / sb : kind === 1 ? a / b : kind === 2 ? sa % sb : a % b;
        divrem64(kind, al, ah, bl, bh);
        assert.equal(big(out[0], out[1]), BigInt.asUintN(64, want), `kind ${kind}: ${a} / ${b}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 50_000);
});
