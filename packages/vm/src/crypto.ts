/**
 * Host imports, part 3: cryptography (spec/cosmwasm-abi.md §2.5, §2.6, §4.2, §4.3, §6.4;
 * spec/secret-compute.md §5.3). Every curve operation is @noble/curves'; this file only moves bytes
 * between Regions and the library, maps the library's answers and exceptions onto CosmWasm's error
 * codes (`CryptoError::code`) and charges gas.
 *
 * The imports and what they return:
 *   - `secp256k1_verify` / `secp256r1_verify(hash, sig, pubkey) -> i32`: 0 valid, 1 invalid, or an
 *     error code. Prehashed (no hashing inside); high-S signatures are normalised to low-S first.
 *   - `secp256k1_recover_pubkey` / `secp256r1_recover_pubkey(hash, sig, param) -> i64`: a Region with
 *     the 65-byte uncompressed key in the low 32 bits, or `code << 32`. A high-S signature is
 *     normalised and its recovery bit flipped.
 *   - `ed25519_verify(msg, sig, pubkey) -> i32` and `ed25519_batch_verify(msgs, sigs, pubkeys) -> i32`
 *     with ZIP-215 rules (as ed25519-zebra); the batch arguments are "sections" lists (§2.5). ZIP-215
 *     makes batch and single verification agree, so the batch is verified one signature at a time.
 *   - `bls12_381_aggregate_g1` / `_g2(points, out) -> i32`, `bls12_381_pairing_equality(ps, qs, r, s)
 *     -> i32`, `bls12_381_hash_to_g1` / `_g2(hash_fn, msg, dst, out) -> i32`: points are compressed
 *     (48 / 96 bytes, the identity allowed) and written into the caller's `out` Region; hash-to-curve
 *     is RFC 9380's XMD:SHA-256 SSWU random-oracle suite with the contract's DST (an empty DST too,
 *     as CosmWasm: the message expansion is done here for that reason, the curve steps by noble).
 *   - Secret Network's `secp256k1_sign(msg, key) -> i64` (SHA-256 of the message, RFC 6979, low-S,
 *     64-byte r ‖ s, as libsecp256k1) and `ed25519_sign(msg, seed) -> i64` (RFC 8032): a Region with
 *     the signature, or 1000 (InvalidPrivateKeyFormat) << 32 when the key is not a 32-byte valid key.
 *
 * Error codes (`CRYPTO_ERRORS`): 3 hash not 32 bytes, 4 signature format, 5 public key format,
 * 6 recovery parameter, 7 batch counts, 8 invalid BLS point, 9 unknown hash function, 10 generic
 * (point not on the curve, scalar zero or out of range), 11/12/13 pairing input shape, 14/15
 * aggregation input shape, 1000 Secret's invalid private key. They are values the contract sees.
 * An ed25519 public key that is not a point gives 1 (invalid), not 10, because CosmWasm's
 * `ed25519_verify` turns every failure after the length checks into `false`.
 *
 * What aborts the call (a VmError, never a code): an input over its read limit (§2.6), a bad Region,
 * an `out` Region too small, a malformed sections list (`communication`), more than 256 batch items
 * (`limit_exceeded`), running out of gas.
 *
 * Gas (`CRYPTO_GAS`, wasm gas units): Secret's prices for the imports Secret has, charged before the
 * inputs are read as Secret's enclave does (the batch's base price before reading too, its
 * per-signature part once the counts are known: unlike Secret, a BatchErr costs the base, because
 * reading and decoding up to 33 MiB of sections must not be free); for the imports Secret lacks, CosmWasm 2.1+'s prices ÷ 1000 (which puts
 * them on Secret's scale), charged after the inputs are read and before the crypto, CosmWasm's order.
 *
 * Eras: 'v1' offers every import above; 'v010' offers Secret's 0.10 set only (secp256k1_*,
 * ed25519_*, the two `*_sign`): 0.10 contracts cannot import the others (packages/wasm check.ts).
 */
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import type { ECDSA } from '@noble/curves/abstract/weierstrass.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { ContractInstance, HostFunctions } from './engine.js';
import { VmError } from './errors.js';
import { allocateRegion, chargeGas, type HostContext } from './imports.js';
import { readRegion, writeRegion } from './region.js';

/** Wasm gas of the crypto imports. */
export const CRYPTO_GAS = {
  // Secret Network, `WasmCosts::default()` (spec/secret-compute.md §5.3); charged before reading.
  secp256k1Verify: 98_304n,
  secp256k1RecoverPubkey: 98_304n,
  ed25519Verify: 73_728n,
  /** ed25519_batch_verify: the base before reading the inputs, per signature after the count check. */
  ed25519BatchVerifyBase: 5_000n,
  ed25519BatchVerifyPerSignature: 70_000n,
  secp256k1Sign: 100_000n,
  ed25519Sign: 75_000n,
  // CosmWasm 2.1+ `GasConfig` (spec/cosmwasm-abi.md §6.4) ÷ 1000; charged after reading.
  /** 279 × 10⁶ CosmWasm gas. */
  secp256r1Verify: 279_000n,
  /** 592 × 10⁶. */
  secp256r1RecoverPubkey: 592_000n,
  /** 68 × 10⁶ + n × 12 × 10⁶, n = input length ÷ 48 (rounded down). */
  bls12381AggregateG1Base: 68_000n,
  bls12381AggregateG1PerPoint: 12_000n,
  /** 103.5 × 10⁶ + n × 24.5 × 10⁶, n = input length ÷ 96. */
  bls12381AggregateG2Base: 103_500n,
  bls12381AggregateG2PerPoint: 24_500n,
  /** 563 × 10⁶. */
  bls12381HashToG1: 563_000n,
  /** 871 × 10⁶. */
  bls12381HashToG2: 871_000n,
  /** 2112 × 10⁶ + k × 163 × 10⁶, k = len(ps) ÷ 48 + 1 pairs. */
  bls12381PairingEqualityBase: 2_112_000n,
  bls12381PairingEqualityPerPair: 163_000n,
} as const;

/** The codes the contract gets back (CosmWasm's `CryptoError::code`; 1000 is Secret's). */
export const CRYPTO_ERRORS = {
  hashFormat: 3,
  signatureFormat: 4,
  pubkeyFormat: 5,
  recoveryParam: 6,
  batch: 7,
  invalidPoint: 8,
  unknownHashFunction: 9,
  generic: 10,
  pairingNotMultipleG1: 11,
  pairingNotMultipleG2: 12,
  pairingUnequalCounts: 13,
  aggregateEmpty: 14,
  aggregateNotMultiple: 15,
  invalidPrivateKeyFormat: 1000,
} as const;

/** Read limits of the crypto inputs (spec/cosmwasm-abi.md §2.6), in bytes. */
export const CRYPTO_LIMITS = {
  ecdsaHash: 32,
  ecdsaSignature: 64,
  ecdsaPubkey: 65,
  ed25519Message: 128 * 1024,
  ed25519Signature: 64,
  ed25519Pubkey: 32,
  ed25519BatchCount: 256,
  blsPoints: 2 * 1024 * 1024,
  blsHashMessage: 5 * 1024 * 1024,
  blsHashDst: 5 * 1024,
  /** Secret's sign imports: the message under the ed25519 limit for both. */
  signMessage: 128 * 1024,
  /**
   * Secret's sign imports: the key must be 32 bytes; up to 64 are read so that a wrong size is
   * answered with code 1000 as Secret does, and only a larger Region aborts (Secret reads any size).
   */
  signPrivateKey: 64,
} as const;

const G1_LENGTH = 48;
const G2_LENGTH = 96;

/** The i64 of an error code (the high half; the low half 0). */
const errorI64 = (code: number): bigint => BigInt(code) << 32n;

/**
 * Runs a pure crypto step: an exception the library throws where no specific code applies becomes
 * GenericErr (10), so nothing but VmErrors ever leaves an import (the steps touch no memory).
 */
function safely<T>(step: () => T): T | number {
  try {
    return step();
  } catch {
    return CRYPTO_ERRORS.generic;
  }
}

/** Reads the inputs of one import (views are taken afresh: nothing here calls into wasm between reads). */
class Reader {
  constructor(private readonly ctx: HostContext, private readonly what: string) {}

  private instance(): ContractInstance {
    if (this.ctx.instance === null) throw new Error('host import called outside a contract call');
    return this.ctx.instance;
  }

  read(ptr: number, max: number, name: string): Uint8Array {
    return readRegion(this.instance().memory(), ptr, max, `${this.what} ${name}`);
  }

  write(ptr: number, data: Uint8Array, name: string): void {
    writeRegion(this.instance().memory(), ptr, data, `${this.what} ${name}`);
  }
}

/** SEC 1 shape of a public key: 33 bytes with 02/03, or 65 bytes with 04 (the point is checked later). */
function sec1Shape(pubkey: Uint8Array): boolean {
  if (pubkey.length === 33) return pubkey[0] === 0x02 || pubkey[0] === 0x03;
  if (pubkey.length === 65) return pubkey[0] === 0x04;
  return false;
}

type Signature = ReturnType<ECDSA['Signature']['fromBytes']>;

/** r ‖ s parsed (r and s in [1, n-1]) and normalised to low S; `flipped` when s was high. */
function lowS(curve: ECDSA, sig: Uint8Array): { sig: Signature; flipped: boolean } | undefined {
  let parsed: Signature;
  try {
    parsed = curve.Signature.fromBytes(sig, 'compact');
  } catch {
    return undefined;
  }
  if (!parsed.hasHighS()) return { sig: parsed, flipped: false };
  return { sig: new curve.Signature(parsed.r, curve.Point.Fn.neg(parsed.s)), flipped: true };
}

/** ECDSA verification over a prehashed 32-byte digest (CosmWasm's `secp256k1_verify` / `secp256r1_verify`). */
function ecdsaVerify(curve: ECDSA, hash: Uint8Array, sig: Uint8Array, pubkey: Uint8Array): number {
  if (hash.length !== 32) return CRYPTO_ERRORS.hashFormat;
  if (sig.length !== 64) return CRYPTO_ERRORS.signatureFormat;
  if (!sec1Shape(pubkey)) return CRYPTO_ERRORS.pubkeyFormat;
  const normalised = lowS(curve, sig);
  if (normalised === undefined) return CRYPTO_ERRORS.generic;
  try {
    curve.Point.fromBytes(pubkey); // not on the curve → generic, as CosmWasm's from_sec1_bytes
  } catch {
    return CRYPTO_ERRORS.generic;
  }
  return curve.verify(normalised.sig.toBytes('compact'), hash, pubkey, { prehash: false, lowS: true }) ? 0 : 1;
}

/** Public-key recovery: the 65-byte uncompressed key, or an error code. */
function ecdsaRecover(curve: ECDSA, hash: Uint8Array, sig: Uint8Array, param: number): Uint8Array | number {
  if (hash.length !== 32) return CRYPTO_ERRORS.hashFormat;
  if (sig.length !== 64) return CRYPTO_ERRORS.signatureFormat;
  if (param !== 0 && param !== 1) return CRYPTO_ERRORS.recoveryParam;
  const normalised = lowS(curve, sig);
  if (normalised === undefined) return CRYPTO_ERRORS.generic;
  const recovery = normalised.flipped ? param ^ 1 : param;
  try {
    return normalised.sig.addRecoveryBit(recovery).recoverPublicKey(hash).toBytes(false);
  } catch {
    return CRYPTO_ERRORS.generic; // r is not the x of a point, the result is the identity, …
  }
}

/** Single ed25519 verification under ZIP-215 (0 / 1 / 4 / 5). */
function ed25519Verify(msg: Uint8Array, sig: Uint8Array, pubkey: Uint8Array): number {
  if (sig.length !== 64) return CRYPTO_ERRORS.signatureFormat;
  if (pubkey.length !== 32) return CRYPTO_ERRORS.pubkeyFormat;
  return ed25519.verify(sig, msg, pubkey, { zip215: true }) ? 0 : 1;
}

/**
 * Decodes a sections list (§2.5): each item followed by its length as a big-endian u32, read from
 * the end. A length running past the start, or fewer than 4 bytes left, is malformed and aborts;
 * more than `maxCount` items aborts too (checked while decoding, so the work stays bounded).
 */
function decodeSections(data: Uint8Array, maxCount: number, what: string): Uint8Array[] {
  const items: Uint8Array[] = [];
  let end = data.length;
  while (end > 0) {
    if (end < 4) throw new VmError('communication', `${what}: invalid sections: ${end} bytes left before a 4-byte length`);
    const length = ((data[end - 4] << 24) | (data[end - 3] << 16) | (data[end - 2] << 8) | data[end - 1]) >>> 0;
    const start = end - 4 - length;
    if (start < 0) throw new VmError('communication', `${what}: invalid sections: an item of ${length} bytes but only ${end - 4} before it`);
    if (items.length === maxCount) throw new VmError('limit_exceeded', `${what}: more than ${maxCount} items`);
    items.push(data.subarray(start, end - 4));
    end = start;
  }
  return items.reverse();
}

/**
 * The batch after CosmWasm's count rules, as (message, signature, key) triples, or undefined
 * (BatchErr): equal counts pair up; one message with n signatures and n keys reuses the message;
 * n messages and n signatures with one key reuse the key.
 */
function batchTriples(msgs: Uint8Array[], sigs: Uint8Array[], keys: Uint8Array[]): [Uint8Array, Uint8Array, Uint8Array][] | undefined {
  const n = sigs.length;
  if (msgs.length === n && keys.length === n) return sigs.map((s, i) => [msgs[i], s, keys[i]]);
  if (msgs.length === 1 && keys.length === n) return sigs.map((s, i) => [msgs[0], s, keys[i]]);
  if (keys.length === 1 && msgs.length === n) return sigs.map((s, i) => [msgs[i], s, keys[0]]);
  return undefined;
}

/** ZIP-215 batch verification: formats first (4/5 for the first bad item), then every signature. */
function ed25519BatchVerify(triples: [Uint8Array, Uint8Array, Uint8Array][]): number {
  for (const [, sig, key] of triples) {
    if (sig.length !== 64) return CRYPTO_ERRORS.signatureFormat;
    if (key.length !== 32) return CRYPTO_ERRORS.pubkeyFormat;
  }
  for (const [msg, sig, key] of triples) {
    const r = ed25519Verify(msg, sig, key);
    if (r !== 0) return r;
  }
  return 0;
}

type G1Point = InstanceType<typeof bls12_381.G1.Point>;
type G2Point = InstanceType<typeof bls12_381.G2.Point>;

/** A compressed G1 point of exactly 48 bytes, on the curve and in the subgroup (identity allowed). */
function g1(bytes: Uint8Array): G1Point | undefined {
  if (bytes.length !== G1_LENGTH) return undefined;
  try {
    return bls12_381.G1.Point.fromBytes(bytes);
  } catch {
    return undefined;
  }
}

function g2(bytes: Uint8Array): G2Point | undefined {
  if (bytes.length !== G2_LENGTH) return undefined;
  try {
    return bls12_381.G2.Point.fromBytes(bytes);
  } catch {
    return undefined;
  }
}

/**
 * The compressed encoding of a point. A sum that cancels out is an identity noble will not encode
 * (its projective Y is 0), so the identity is written from the curve's own ZERO.
 */
function compressed<P extends { is0(): boolean; toBytes(compressed?: boolean): Uint8Array }>(p: P, zero: P): Uint8Array {
  return (p.is0() ? zero : p).toBytes(true);
}

/** Sum of concatenated compressed points: the compressed sum, or 8 / 14 / 15. */
function aggregate<P extends { add(other: P): P; is0(): boolean; toBytes(compressed?: boolean): Uint8Array }>(
  bytes: Uint8Array, size: number, decode: (b: Uint8Array) => P | undefined, zero: P,
): Uint8Array | number {
  if (bytes.length % size !== 0) return CRYPTO_ERRORS.aggregateNotMultiple;
  if (bytes.length === 0) return CRYPTO_ERRORS.aggregateEmpty;
  let sum: P | undefined;
  for (let at = 0; at < bytes.length; at += size) {
    const p = decode(bytes.subarray(at, at + size));
    if (p === undefined) return CRYPTO_ERRORS.invalidPoint;
    sum = sum === undefined ? p : sum.add(p);
  }
  return compressed(sum!, zero);
}

/** Whether e(p1, q1) · … · e(pn, qn) = e(r, s): 0 / 1, or 8 / 11 / 12 / 13. */
function pairingEquality(ps: Uint8Array, qs: Uint8Array, r: Uint8Array, s: Uint8Array): number {
  if (ps.length % G1_LENGTH !== 0) return CRYPTO_ERRORS.pairingNotMultipleG1;
  if (qs.length % G2_LENGTH !== 0) return CRYPTO_ERRORS.pairingNotMultipleG2;
  if (ps.length / G1_LENGTH !== qs.length / G2_LENGTH) return CRYPTO_ERRORS.pairingUnequalCounts;
  const pairs: { g1: G1Point; g2: G2Point }[] = [];
  for (let i = 0; i * G1_LENGTH < ps.length; i++) {
    const p = g1(ps.subarray(i * G1_LENGTH, (i + 1) * G1_LENGTH));
    const q = g2(qs.subarray(i * G2_LENGTH, (i + 1) * G2_LENGTH));
    if (p === undefined || q === undefined) return CRYPTO_ERRORS.invalidPoint;
    pairs.push({ g1: p, g2: q });
  }
  const rp = g1(r);
  const sp = g2(s);
  if (rp === undefined || sp === undefined) return CRYPTO_ERRORS.invalidPoint;
  // e(p1,q1)·…·e(pn,qn)·e(−r,s) = 1. A term with the identity is 1 (noble refuses to pair it).
  pairs.push({ g1: rp.negate(), g2: sp });
  const terms = pairs.filter(({ g1: p, g2: q }) => !p.is0() && !q.is0());
  const { Fp12 } = bls12_381.fields;
  return Fp12.eql(bls12_381.pairingBatch(terms), Fp12.ONE) ? 0 : 1;
}

/**
 * expand_message_xmd with SHA-256 (RFC 9380 §5.3.1, oversize DSTs hashed as in §5.3.3). noble's own
 * expander refuses an empty DST, which CosmWasm's hash_to_curve accepts, so the expansion is done
 * here with @noble/hashes; the field and curve steps stay noble's.
 */
function expandMessageXmd(msg: Uint8Array, dst: Uint8Array, length: number): Uint8Array {
  const tag = dst.length > 255 ? sha256.create().update(new TextEncoder().encode('H2C-OVERSIZE-DST-')).update(dst).digest() : dst;
  const dstPrime = new Uint8Array(tag.length + 1);
  dstPrime.set(tag);
  dstPrime[tag.length] = tag.length;
  const blocks = Math.ceil(length / 32); // ≤ 8 here (256 bytes at most)
  const b0 = sha256.create()
    .update(new Uint8Array(64)) // Z_pad: the hash's block size
    .update(msg)
    .update(Uint8Array.of(length >>> 8, length & 0xff, 0))
    .update(dstPrime)
    .digest();
  const out = new Uint8Array(blocks * 32);
  let previous = new Uint8Array(32);
  for (let i = 1; i <= blocks; i++) {
    const mixed = b0.map((byte, j) => byte ^ previous[j]); // b_1 uses b_0 itself (previous is 0)
    previous = sha256.create().update(mixed).update(Uint8Array.of(i)).update(dstPrime).digest();
    out.set(previous, (i - 1) * 32);
  }
  return out.subarray(0, length);
}

/** hash_to_field for BLS12-381's base field: `count × m` elements of L = 64 bytes, each mod p. */
function hashToField(msg: Uint8Array, dst: Uint8Array, count: number, m: number): bigint[][] {
  const L = 64;
  const uniform = expandMessageXmd(msg, dst, count * m * L);
  const { Fp } = bls12_381.fields;
  const toField = (chunk: Uint8Array) => Fp.create(bytesToNumberBE(chunk));
  return Array.from({ length: count }, (_, i) =>
    Array.from({ length: m }, (_, j) => toField(uniform.subarray(L * (j + i * m), L * (j + i * m) + L))));
}

/**
 * noble's hashers' `mapToCurve` as it behaves at run time: SSWU map, isogeny and cofactor clearing,
 * returning a point (a bigint for G1, [c0, c1] for G2). Its declared type is that of the raw map
 * (affine result, array argument), hence the cast; crypto.test.ts pins the behaviour by comparing
 * with noble's own `hashToCurve`.
 */
type ClearedMap<P> = (scalars: bigint | bigint[]) => P;
const mapToG1 = bls12_381.G1.mapToCurve as unknown as ClearedMap<G1Point>;
const mapToG2 = bls12_381.G2.mapToCurve as unknown as ClearedMap<G2Point>;

/**
 * hash_to_curve, suites BLS12381G1_XMD:SHA-256_SSWU_RO_ / BLS12381G2_XMD:SHA-256_SSWU_RO_ with the
 * contract's DST: map the two field elements (each mapping clears the cofactor) and add them —
 * clearing the cofactor is a group homomorphism, so this is the RFC's clear_cofactor(Q0 + Q1).
 */
function hashToG1(msg: Uint8Array, dst: Uint8Array): Uint8Array {
  const [[u0], [u1]] = hashToField(msg, dst, 2, 1);
  return compressed(mapToG1(u0).add(mapToG1(u1)), bls12_381.G1.Point.ZERO);
}

function hashToG2(msg: Uint8Array, dst: Uint8Array): Uint8Array {
  const [u0, u1] = hashToField(msg, dst, 2, 2);
  return compressed(mapToG2(u0).add(mapToG2(u1)), bls12_381.G2.Point.ZERO);
}

/** Secret's secp256k1_sign: SHA-256 of the message, RFC 6979 nonce without extra entropy, low S. */
function secp256k1Sign(msg: Uint8Array, key: Uint8Array): Uint8Array | number {
  if (key.length !== 32 || !secp256k1.utils.isValidSecretKey(key)) return CRYPTO_ERRORS.invalidPrivateKeyFormat;
  try {
    return secp256k1.sign(sha256(msg), key, { prehash: false, lowS: true, extraEntropy: false, format: 'compact' });
  } catch {
    return CRYPTO_ERRORS.invalidPrivateKeyFormat;
  }
}

/** Secret's ed25519_sign: RFC 8032 with the 32-byte seed (any 32 bytes are a key). */
function ed25519Sign(msg: Uint8Array, seed: Uint8Array): Uint8Array | number {
  if (seed.length !== 32) return CRYPTO_ERRORS.invalidPrivateKeyFormat;
  try {
    return ed25519.sign(msg, seed);
  } catch {
    return CRYPTO_ERRORS.invalidPrivateKeyFormat;
  }
}

/** Names of the imports a 0.10 contract may have (Secret's set). */
const V010_NAMES = [
  'secp256k1_verify', 'secp256k1_recover_pubkey', 'secp256k1_sign', 'ed25519_verify', 'ed25519_batch_verify', 'ed25519_sign',
];

/** The crypto imports of one call; `era` 'v010' offers only Secret's 0.10 set. */
export function cryptoImports(ctx: HostContext, era: 'v1' | 'v010'): HostFunctions {
  const L = CRYPTO_LIMITS;
  /** A Region with `result`, or the code in the high half. */
  const regionOrCode = (result: Uint8Array | number, what: string): bigint =>
    typeof result === 'number' ? errorI64(result) : BigInt(allocateRegion(ctx, result, what));
  /** The G1 and G2 aggregates: read the points, charge base + per point, write the sum into `out`. */
  const aggregateImport = (name: string, pointLength: number, base: bigint, perPoint: bigint, sum: (points: Uint8Array) => Uint8Array | number) =>
    (pointsPtr: number, outPtr: number): number => {
      const io = new Reader(ctx, name);
      const points = io.read(pointsPtr, L.blsPoints, 'points');
      chargeGas(ctx, base + perPoint * BigInt(Math.floor(points.length / pointLength)));
      const out = safely(() => sum(points));
      if (typeof out === 'number') return out;
      io.write(outPtr, out, 'output');
      return 0;
    };
  /** hash_to_g1 / hash_to_g2: only SHA-256 (hash function 0); the point is written into `out`. */
  const hashToImport = (name: string, price: bigint, hashTo: (msg: Uint8Array, dst: Uint8Array) => Uint8Array) =>
    (hashFunction: number, msgPtr: number, dstPtr: number, outPtr: number): number => {
      const io = new Reader(ctx, name);
      const msg = io.read(msgPtr, L.blsHashMessage, 'message');
      const dst = io.read(dstPtr, L.blsHashDst, 'dst');
      chargeGas(ctx, price);
      if (hashFunction >>> 0 !== 0) return CRYPTO_ERRORS.unknownHashFunction;
      const point = safely(() => hashTo(msg, dst));
      if (typeof point === 'number') return point;
      io.write(outPtr, point, 'output');
      return 0;
    };

  const all: HostFunctions = {
    secp256k1_verify(hashPtr: number, sigPtr: number, keyPtr: number): number {
      chargeGas(ctx, CRYPTO_GAS.secp256k1Verify);
      const io = new Reader(ctx, 'secp256k1_verify');
      const hash = io.read(hashPtr, L.ecdsaHash, 'hash');
      const sig = io.read(sigPtr, L.ecdsaSignature, 'signature');
      const key = io.read(keyPtr, L.ecdsaPubkey, 'public key');
      return safely(() => ecdsaVerify(secp256k1, hash, sig, key));
    },
    secp256k1_recover_pubkey(hashPtr: number, sigPtr: number, param: number): bigint {
      chargeGas(ctx, CRYPTO_GAS.secp256k1RecoverPubkey);
      const io = new Reader(ctx, 'secp256k1_recover_pubkey');
      const hash = io.read(hashPtr, L.ecdsaHash, 'hash');
      const sig = io.read(sigPtr, L.ecdsaSignature, 'signature');
      return regionOrCode(safely(() => ecdsaRecover(secp256k1, hash, sig, param >>> 0)), 'secp256k1_recover_pubkey result');
    },
    secp256r1_verify(hashPtr: number, sigPtr: number, keyPtr: number): number {
      const io = new Reader(ctx, 'secp256r1_verify');
      const hash = io.read(hashPtr, L.ecdsaHash, 'hash');
      const sig = io.read(sigPtr, L.ecdsaSignature, 'signature');
      const key = io.read(keyPtr, L.ecdsaPubkey, 'public key');
      chargeGas(ctx, CRYPTO_GAS.secp256r1Verify);
      return safely(() => ecdsaVerify(p256, hash, sig, key));
    },
    secp256r1_recover_pubkey(hashPtr: number, sigPtr: number, param: number): bigint {
      const io = new Reader(ctx, 'secp256r1_recover_pubkey');
      const hash = io.read(hashPtr, L.ecdsaHash, 'hash');
      const sig = io.read(sigPtr, L.ecdsaSignature, 'signature');
      // CosmWasm answers a parameter that does not fit in a u8 before charging (§6.4).
      if (param >>> 0 > 0xff) return errorI64(CRYPTO_ERRORS.recoveryParam);
      chargeGas(ctx, CRYPTO_GAS.secp256r1RecoverPubkey);
      return regionOrCode(safely(() => ecdsaRecover(p256, hash, sig, param >>> 0)), 'secp256r1_recover_pubkey result');
    },
    ed25519_verify(msgPtr: number, sigPtr: number, keyPtr: number): number {
      chargeGas(ctx, CRYPTO_GAS.ed25519Verify);
      const io = new Reader(ctx, 'ed25519_verify');
      const msg = io.read(msgPtr, L.ed25519Message, 'message');
      const sig = io.read(sigPtr, L.ed25519Signature, 'signature');
      const key = io.read(keyPtr, L.ed25519Pubkey, 'public key');
      return safely(() => ed25519Verify(msg, sig, key));
    },
    ed25519_batch_verify(msgsPtr: number, sigsPtr: number, keysPtr: number): number {
      const io = new Reader(ctx, 'ed25519_batch_verify');
      const n = L.ed25519BatchCount;
      // The base price first (Secret charges the whole price after the count check, so a BatchErr is
      // free there; here reading and decoding up to 33 MiB is never free).
      chargeGas(ctx, CRYPTO_GAS.ed25519BatchVerifyBase);
      // A sections Region may hold up to (item limit + 4) × 256 bytes (§2.6); each item has its own limit.
      const items = (ptr: number, limit: number, what: string) => {
        const list = decodeSections(io.read(ptr, (limit + 4) * n, what), n, `ed25519_batch_verify ${what}`);
        list.forEach((x, i) => {
          if (x.length > limit) throw new VmError('communication', `ed25519_batch_verify ${what}[${i}]: ${x.length} bytes exceed the limit of ${limit}`);
        });
        return list;
      };
      const msgs = items(msgsPtr, L.ed25519Message, 'messages');
      const sigs = items(sigsPtr, L.ed25519Signature, 'signatures');
      const keys = items(keysPtr, L.ed25519Pubkey, 'public keys');
      const triples = batchTriples(msgs, sigs, keys);
      if (triples === undefined) return CRYPTO_ERRORS.batch;
      chargeGas(ctx, CRYPTO_GAS.ed25519BatchVerifyPerSignature * BigInt(sigs.length));
      return safely(() => ed25519BatchVerify(triples));
    },
    bls12_381_aggregate_g1: aggregateImport('bls12_381_aggregate_g1', G1_LENGTH, CRYPTO_GAS.bls12381AggregateG1Base, CRYPTO_GAS.bls12381AggregateG1PerPoint,
      (points) => aggregate(points, G1_LENGTH, g1, bls12_381.G1.Point.ZERO)),
    bls12_381_aggregate_g2: aggregateImport('bls12_381_aggregate_g2', G2_LENGTH, CRYPTO_GAS.bls12381AggregateG2Base, CRYPTO_GAS.bls12381AggregateG2PerPoint,
      (points) => aggregate(points, G2_LENGTH, g2, bls12_381.G2.Point.ZERO)),
    bls12_381_pairing_equality(psPtr: number, qsPtr: number, rPtr: number, sPtr: number): number {
      const io = new Reader(ctx, 'bls12_381_pairing_equality');
      const ps = io.read(psPtr, L.blsPoints, 'ps');
      const qs = io.read(qsPtr, L.blsPoints, 'qs');
      const r = io.read(rPtr, G1_LENGTH, 'r');
      const s = io.read(sPtr, G2_LENGTH, 's');
      const k = BigInt(Math.floor(ps.length / G1_LENGTH) + 1);
      chargeGas(ctx, CRYPTO_GAS.bls12381PairingEqualityBase + CRYPTO_GAS.bls12381PairingEqualityPerPair * k);
      return safely(() => pairingEquality(ps, qs, r, s));
    },
    bls12_381_hash_to_g1: hashToImport('bls12_381_hash_to_g1', CRYPTO_GAS.bls12381HashToG1, hashToG1),
    bls12_381_hash_to_g2: hashToImport('bls12_381_hash_to_g2', CRYPTO_GAS.bls12381HashToG2, hashToG2),
    secp256k1_sign(msgPtr: number, keyPtr: number): bigint {
      chargeGas(ctx, CRYPTO_GAS.secp256k1Sign);
      const io = new Reader(ctx, 'secp256k1_sign');
      const msg = io.read(msgPtr, L.signMessage, 'message');
      const key = io.read(keyPtr, L.signPrivateKey, 'private key');
      return regionOrCode(safely(() => secp256k1Sign(msg, key)), 'secp256k1_sign signature');
    },
    ed25519_sign(msgPtr: number, keyPtr: number): bigint {
      chargeGas(ctx, CRYPTO_GAS.ed25519Sign);
      const io = new Reader(ctx, 'ed25519_sign');
      const msg = io.read(msgPtr, L.signMessage, 'message');
      const key = io.read(keyPtr, L.signPrivateKey, 'private key');
      return regionOrCode(safely(() => ed25519Sign(msg, key)), 'ed25519_sign signature');
    },
  };
  if (era === 'v1') return all;
  return Object.fromEntries(V010_NAMES.map((name) => [name, all[name]]));
}
