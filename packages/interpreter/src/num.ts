/**
 * Numeric helpers of the interpreter that are too long to write inline in the dispatch loop:
 * 64-bit division through BigInt, correctly rounded i64 → f32, round-half-to-even. i64 values are
 * pairs of 32-bit words (lo, hi), as in the value slots (spec/interpreter-notes.md §3.3: pairs are
 * 3.3× faster than BigInt on realistic mixes under --jitless; BigInt is kept for the rare
 * division). Results come back through `out` (lo at 0, hi at 1) so that nothing is allocated.
 */

export const out = new Int32Array(2);

function toBig(lo: number, hi: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
}

function fromBig(v: bigint): void {
  out[0] = Number(BigInt.asIntN(32, v));
  out[1] = Number(BigInt.asIntN(32, v >> 32n));
}

/**
 * i64.div_s / div_u / rem_s / rem_u on pairs; the caller has excluded a zero divisor and (for
 * div_s) INT64_MIN / -1. `kind`: 0 div_s, 1 div_u, 2 rem_s, 3 rem_u.
 */
export function divrem64(kind: number, al: number, ah: number, bl: number, bh: number): void {
  if (kind === 0 || kind === 2) {
    const a = toBig(al, ah);
    const b = toBig(bl, bh);
    fromBig(kind === 0 ? a / b : a % b);
  } else {
    const a = BigInt.asUintN(64, toBig(al, ah));
    const b = BigInt.asUintN(64, toBig(bl, bh));
    fromBig(kind === 1 ? a / b : a % b);
  }
}

/** Correctly rounded conversion of the unsigned 64-bit value (hi, lo) to f32 (no double rounding). */
export function u64ToF32(lo: number, hi: number): number {
  const l = lo >>> 0;
  const h = hi >>> 0;
  if (h < 0x200000) return Math.fround(h * 4294967296 + l); // < 2^53: exact as a double, one rounding
  // ≥ 2^53: f32's rounding point is far above bit 11, so the low 11 bits only matter as "some bit
  // is set" (a sticky bit). Keep v >> 11 (< 2^53, exact) with bit 0 forced on when any dropped bit was.
  let m = h * 2097152 + (l >>> 11);
  if ((l & 0x7ff) !== 0 && m % 2 === 0) m += 1;
  return Math.fround(m * 2048);
}

export function i64ToF32(lo: number, hi: number): number {
  if (hi >= 0) return u64ToF32(lo, hi);
  // Magnitude of a negative value: two's complement negation of the pair.
  const nlo = (~lo + 1) | 0;
  const nhi = (~hi + (nlo === 0 ? 1 : 0)) | 0;
  return -u64ToF32(nlo, nhi);
}

/** Round to nearest integer, ties to even (wasm `nearest`); ±0, ±inf and NaN pass through. */
export function nearest(x: number): number {
  if (x !== x || x === 0 || x === Infinity || x === -Infinity) return x;
  const r = Math.round(x); // ties towards +inf
  if (r - x === 0.5 && r % 2 !== 0) return r - 1;
  if (r === 0 && x < 0) return -0;
  return r;
}

/** Count of set bits in a 32-bit word. */
export function popcnt32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Trailing zero count of a 32-bit word (32 for 0). */
export function ctz32(x: number): number {
  if (x === 0) return 32;
  return 31 - Math.clz32(x & -x);
}
