/**
 * Numeric helpers of the interpreter that are too long to write inline in the dispatch loop:
 * 64-bit division and remainder, correctly rounded i64 → f32, round-half-to-even. i64 values are
 * pairs of 32-bit words (lo, hi), as in the value slots (spec/interpreter-notes.md §3.3: pairs are
 * 3.3× faster than BigInt on realistic mixes under --jitless). Results come back through `out` so
 * that nothing is allocated.
 */

/** Results of `divrem64`: quotient (lo, hi) in 0–1, remainder (lo, hi) in 2–3. */
export const out = new Int32Array(4);

/** Low 64 bits of (al, ah) × (bl, bh) into out[0], out[1] (16-bit limbs for the low words' product). */
function mul64(al: number, ah: number, bl: number, bh: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const mid = a0 * b1 + a1 * b0;
  const low = a0 * b0 + (mid & 0xffff) * 65536;
  const carry = Math.floor(low / 4294967296);
  out[0] = low;
  out[1] = a1 * b1 + Math.floor(mid / 65536) + carry + Math.imul(al, bh) + Math.imul(ah, bl);
}

/**
 * Unsigned 64-bit division and remainder of pairs, in doubles only (no BigInt: its conversions
 * cost several times the division under --jitless). b ≠ 0.
 *   - b < 2^32: long division by 16-bit digits; every partial value is < 2^48, exact in a double.
 *   - 2^32 ≤ b < 2^62: the quotient is < 2^32; the double quotient of the rounded operands is
 *     within 2^-19 of a/b, so its floor q0 is q-1, q or q+1. r = a − q0·b (mod 2^64) is in [0, b)
 *     when q0 = q; otherwise one step fixes it (see below for telling the two cases apart).
 *   - b ≥ 2^62: the quotient is at most 3: subtraction.
 */
export function udivrem64(al: number, ah: number, bl: number, bh: number): void {
  const au = ah >>> 0;
  const bu = bh >>> 0;
  const alu = al >>> 0;
  const blu = bl >>> 0;
  if (au < bu || (au === bu && alu < blu)) {
    out[0] = 0;
    out[1] = 0;
    out[2] = al;
    out[3] = ah;
    return;
  }
  if (bu === 0) {
    const b = blu;
    let r = 0;
    let cur = r * 65536 + (au >>> 16);
    const q3 = Math.floor(cur / b);
    r = cur - q3 * b;
    cur = r * 65536 + (au & 0xffff);
    const q2 = Math.floor(cur / b);
    r = cur - q2 * b;
    cur = r * 65536 + (alu >>> 16);
    const q1 = Math.floor(cur / b);
    r = cur - q1 * b;
    cur = r * 65536 + (alu & 0xffff);
    const q0 = Math.floor(cur / b);
    r = cur - q0 * b;
    out[0] = q1 * 65536 + q0;
    out[1] = q3 * 65536 + q2;
    out[2] = r;
    out[3] = 0;
    return;
  }
  if (bu >= 0x40000000) {
    // b ≥ 2^62: the quotient is at most 3; subtract.
    let q = 0;
    let rl = al;
    let rh = ah;
    while ((rh >>> 0) > bu || ((rh >>> 0) === bu && (rl >>> 0) >= blu)) {
      const l = (rl >>> 0) - blu;
      rh = (rh - bh - (l < 0 ? 1 : 0)) | 0;
      rl = l | 0;
      q++;
    }
    out[0] = q;
    out[1] = 0;
    out[2] = rl;
    out[3] = rh;
    return;
  }
  const A = au * 4294967296 + alu;
  const B = bu * 4294967296 + blu;
  let q = Math.floor(A / B);
  if (q > 4294967295) q = 4294967295;
  // r = a − q·b (mod 2^64)
  mul64(q, 0, bl, bh);
  let rl = alu - (out[0] >>> 0);
  let rh = (ah - out[1] - (rl < 0 ? 1 : 0)) | 0;
  rl |= 0;
  const ru = rh >>> 0;
  if (ru > bu || (ru === bu && (rl >>> 0) >= blu)) {
    // Off by one. With b < 2^62 the two cases cannot be confused: q too big leaves r = 2^64 − d
    // with 0 < d ≤ b; q too small leaves b ≤ r < 2b < 2^63.
    const nl = (~rl + 1) | 0;
    const nh = (~rh + (nl === 0 ? 1 : 0)) >>> 0;
    if (nh < bu || (nh === bu && (nl >>> 0) <= blu)) {
      q -= 1;
      const l = (rl >>> 0) + blu;
      rh = (rh + bh + (l > 4294967295 ? 1 : 0)) | 0;
      rl = l | 0;
    } else {
      q += 1;
      const l = (rl >>> 0) - blu;
      rh = (rh - bh - (l < 0 ? 1 : 0)) | 0;
      rl = l | 0;
    }
  }
  out[0] = q;
  out[1] = Math.floor(q / 4294967296);
  out[2] = rl;
  out[3] = rh;
}

/**
 * i64.div_s / div_u / rem_s / rem_u on pairs; the caller has excluded a zero divisor and (for
 * div_s) INT64_MIN / -1. `kind`: 0 div_s, 1 div_u, 2 rem_s, 3 rem_u. The result is in out[0], out[1].
 */
export function divrem64(kind: number, al: number, ah: number, bl: number, bh: number): void {
  if (kind === 1 || kind === 3) {
    udivrem64(al, ah, bl, bh);
    if (kind === 3) {
      out[0] = out[2];
      out[1] = out[3];
    }
    return;
  }
  // Signed: divide the magnitudes (INT64_MIN's magnitude 2^63 is fine as an unsigned pair).
  const an = ah < 0;
  const bn = bh < 0;
  if (an) {
    al = (~al + 1) | 0;
    ah = (~ah + (al === 0 ? 1 : 0)) | 0;
  }
  if (bn) {
    bl = (~bl + 1) | 0;
    bh = (~bh + (bl === 0 ? 1 : 0)) | 0;
  }
  udivrem64(al, ah, bl, bh);
  let lo: number;
  let hi: number;
  let neg: boolean;
  if (kind === 0) {
    lo = out[0];
    hi = out[1];
    neg = an !== bn;
  } else {
    lo = out[2];
    hi = out[3];
    neg = an;
  }
  if (neg) {
    lo = (~lo + 1) | 0;
    hi = (~hi + (lo === 0 ? 1 : 0)) | 0;
  }
  out[0] = lo;
  out[1] = hi;
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
