// Unsigned 128-bit integers (CosmWasm's `Uint128`, a decimal string in JSON: spec/cosmwasm-abi.md
// §3.5, §4.4) as two u64 halves. Integer-only: parsing, printing, comparison and checked add/sub.
// Parsing follows Rust's `u128::from_str`, which is what Uint128's deserializer calls: an optional
// leading '+', then one or more ASCII digits (leading zeros allowed), at most 2^128 - 1. Its error
// texts are Rust's `ParseIntError` ones, so a contract can report
// `invalid Uint128 '<text>' - <reason>` as cosmwasm-std does.

import { Bytes, Buf } from "./bytes";

const MASK32: u64 = 0xffffffff;

export class U128 {
  constructor(public hi: u64 = 0, public lo: u64 = 0) {}

  static zero(): U128 {
    return new U128(0, 0);
  }

  static fromU64(v: u64): U128 {
    return new U128(0, v);
  }

  isZero(): bool {
    return this.hi == 0 && this.lo == 0;
  }

  /** -1, 0 or 1. */
  cmp(other: U128): i32 {
    if (this.hi != other.hi) return this.hi < other.hi ? -1 : 1;
    if (this.lo != other.lo) return this.lo < other.lo ? -1 : 1;
    return 0;
  }

  lt(other: U128): bool {
    return this.cmp(other) < 0;
  }

  eq(other: U128): bool {
    return this.hi == other.hi && this.lo == other.lo;
  }

  /** this + other, or null on overflow. */
  checkedAdd(other: U128): U128 | null {
    const lo = this.lo + other.lo;
    const carry: u64 = lo < this.lo ? 1 : 0;
    const hi1 = this.hi + other.hi;
    if (hi1 < this.hi) return null;
    const hi = hi1 + carry;
    if (hi < hi1) return null;
    return new U128(hi, lo);
  }

  /** this - other, or null when other > this. */
  checkedSub(other: U128): U128 | null {
    if (this.lt(other)) return null;
    const borrow: u64 = this.lo < other.lo ? 1 : 0;
    return new U128(this.hi - other.hi - borrow, this.lo - other.lo);
  }

  /** Appends the decimal digits. */
  write(out: Buf): Buf {
    // Four 32-bit limbs, most significant first, divided by 10 until zero (long division in u64).
    let l3 = this.hi >> 32, l2 = this.hi & MASK32, l1 = this.lo >> 32, l0 = this.lo & MASK32;
    const tmp = heap.alloc(40);
    let n: usize = 0;
    do {
      let cur = l3; l3 = cur / 10; let rem = cur % 10;
      cur = (rem << 32) | l2; l2 = cur / 10; rem = cur % 10;
      cur = (rem << 32) | l1; l1 = cur / 10; rem = cur % 10;
      cur = (rem << 32) | l0; l0 = cur / 10; rem = cur % 10;
      store<u8>(tmp + n, <u8>(48 + <i32>rem));
      n++;
    } while ((l3 | l2 | l1 | l0) != 0);
    while (n > 0) { n--; out.byte(<i32>load<u8>(tmp + n)); }
    heap.free(tmp);
    return out;
  }

  /** The decimal digits as bytes. */
  toBytes(): Bytes {
    return this.write(new Buf(40)).bytes();
  }
}

/** Result of parseU128: the value, or Rust's ParseIntError text. */
export class ParsedU128 {
  constructor(public ok: bool, public value: U128, public error: string) {}
}

/** Parses a decimal string as Rust's `u128::from_str` does. */
export function parseU128(b: Bytes): ParsedU128 {
  const n = b.len;
  if (n == 0) return new ParsedU128(false, U128.zero(), "cannot parse integer from empty string");
  let i: usize = 0;
  if (b.at(0) == 43) { // '+'
    i = 1;
    if (n == 1) return new ParsedU128(false, U128.zero(), "invalid digit found in string");
  }
  let hi: u64 = 0, lo: u64 = 0;
  // Left to right, the first problem wins (as in Rust): a bad digit, or the value overflowing.
  for (; i < n; i++) {
    const c = <i32>b.at(i);
    if (c < 48 || c > 57) return new ParsedU128(false, U128.zero(), "invalid digit found in string");
    const d = <u64>(c - 48);
    // (hi, lo) * 10 + d, with lo split into 32-bit halves so that no partial product overflows.
    const bl = (lo & MASK32) * 10 + d;
    const al = (lo >> 32) * 10 + (bl >> 32);
    const carry = al >> 32;
    if (hi > (<u64>0xffffffffffffffff - carry) / 10) {
      return new ParsedU128(false, U128.zero(), "number too large to fit in target type");
    }
    hi = hi * 10 + carry;
    lo = (al << 32) | (bl & MASK32);
  }
  return new ParsedU128(true, new U128(hi, lo), "");
}
