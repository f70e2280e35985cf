// Crypto imports on both engines: known answers made with noble itself, every error code, high-S
// handling, ZIP-215 edges, batch rules, sections and read-limit aborts, Secret's sign imports, and the
// gas of every import measured inside the host call (so the wrapper's own wasm gas does not count).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { wat } from '@cloak/wasm/test/support/wat.js';
import { bumpAllocator } from './support/allocator.js';
import {
  CRYPTO_ERRORS, CRYPTO_GAS, ENGINES, MemoryStorage, VmError, cryptoImports, instantiateContract, newHostContext, prepareCode,
  readRegion, writeRegion, type ContractInstance, type EngineName, type HostFunctions,
} from '@cloak/vm';

const I32_3 = ['secp256k1_verify', 'secp256r1_verify', 'ed25519_verify', 'ed25519_batch_verify'];
const I64_3 = ['secp256k1_recover_pubkey', 'secp256r1_recover_pubkey'];
const I32_2 = ['bls12_381_aggregate_g1', 'bls12_381_aggregate_g2'];
const I32_4 = ['bls12_381_pairing_equality', 'bls12_381_hash_to_g1', 'bls12_381_hash_to_g2'];
const I64_2 = ['secp256k1_sign', 'ed25519_sign'];
const params = (n: number) => Array(n).fill('i32').join(' ');
const args = (n: number) => Array.from({ length: n }, (_, i) => `(local.get ${i})`).join(' ');

/**
 * Every crypto import, re-exported under its own name; the i64 ones store their result at address 8
 * and return 0 (the engines' `call` returns i32 only).
 */
function module(pages: number): Uint8Array {
  const imports: string[] = [];
  const exports: string[] = [];
  for (const [names, n, i64] of [[I32_3, 3, false], [I64_3, 3, true], [I32_2, 2, false], [I32_4, 4, false], [I64_2, 2, true]] as const) {
    for (const name of names) {
      imports.push(`(import "env" "${name}" (func $${name} (param ${params(n)}) (result ${i64 ? 'i64' : 'i32'})))`);
      exports.push(i64
        ? `(func (export "${name}") (param ${params(n)}) (result i32) (i64.store (i32.const 8) (call $${name} ${args(n)})) (i32.const 0))`
        : `(func (export "${name}") (param ${params(n)}) (result i32) (call $${name} ${args(n)}))`);
    }
  }
  return wat(`(module ${imports.join('\n')}
    (memory (export "memory") ${pages})
    (func (export "interface_version_8"))
    ${bumpAllocator(1024)}
    ${exports.join('\n')})`);
}

const small = prepareCode(module(8));
const big = prepareCode(module(160));
const BUDGET = 1n << 40n;

/** One instance with the crypto imports; `call` reports the import's result and the gas it charged. */
class Harness {
  readonly inst: ContractInstance;
  /** Gas taken by the last host call (including any allocate it ran). */
  private hostGas = 0n;
  /** Gas of one `allocate` call (the bump allocator is straight-line code). */
  private readonly allocGas: bigint;
  /** Results and gas of every call, compared between the engines. */
  readonly log: unknown[] = [];

  constructor(readonly engine: EngineName, opts: { pages?: 8 | 160; gas?: bigint } = {}) {
    const ctx = newHostContext(new MemoryStorage(), false);
    const metered: HostFunctions = {};
    for (const [name, f] of Object.entries(cryptoImports(ctx, 'v1'))) {
      metered[name] = (...a: unknown[]) => {
        const before = this.inst.gasLeft;
        try {
          return f(...a);
        } finally {
          this.hostGas = before - this.inst.gasLeft;
        }
      };
    }
    this.inst = instantiateContract(opts.pages === 160 ? big : small, engine, metered, opts.gas ?? BUDGET);
    ctx.instance = this.inst;
    const before = this.inst.gasLeft;
    this.inst.call('allocate', [0]);
    this.allocGas = before - this.inst.gasLeft;
  }

  /** A Region holding `bytes` (with `capacity`, default its length); returns the pointer. */
  region(bytes: Uint8Array, capacity = bytes.length): number {
    const ptr = this.inst.call('allocate', [capacity])!;
    writeRegion(this.inst.memory(), ptr, bytes, 'test input');
    return ptr;
  }

  /** Calls an i32 import: its result and the gas it charged. */
  call(name: string, ...ptrs: number[]): { r: number; gas: bigint } {
    const r = this.inst.call(name, ptrs)!;
    this.log.push([name, r, this.hostGas]);
    return { r: r | 0, gas: this.hostGas };
  }

  /** Calls an i64 import: the error code (high half) or the bytes of the Region (low half). */
  call64(name: string, ...ptrs: number[]): { code: number; bytes?: Uint8Array; gas: bigint } {
    this.inst.call(name, ptrs);
    const mem = this.inst.memory();
    const v = new DataView(mem.buffer).getBigUint64(8, true);
    const code = Number(v >> 32n);
    const ptr = Number(v & 0xffffffffn);
    if (code !== 0) {
      assert.equal(ptr, 0, `${name}: an error has no pointer`);
      this.log.push([name, code, this.hostGas]);
      return { code, gas: this.hostGas };
    }
    const bytes = readRegion(mem, ptr, 1000, 'result');
    const gas = this.hostGas - this.allocGas; // the host's allocate runs wasm too
    this.log.push([name, Buffer.from(bytes).toString('hex'), gas]);
    return { code, bytes, gas };
  }

  /** A Region's bytes. */
  read(ptr: number): Uint8Array {
    return readRegion(this.inst.memory(), ptr, 1 << 20, 'test output');
  }

  used(): bigint {
    return BUDGET - this.inst.gasLeft;
  }
}

/** Runs `body` on both engines; results and gas (per call and in total) must be the same. */
function onBothEngines(body: (h: Harness) => void, opts: { pages?: 8 | 160 } = {}): void {
  const logs: unknown[][] = [];
  for (const engine of ENGINES) {
    const h = new Harness(engine, opts);
    body(h);
    h.log.push(['total gas', h.used()]);
    logs.push(h.log);
  }
  assert.deepEqual(logs[1], logs[0], 'the same results and gas on both engines');
}

/** `f` ends the call with a VmError of `kind` whose message matches `re`. */
function aborts(f: () => unknown, kind: string, re: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof VmError, `expected a VmError, got ${e}`);
    assert.equal(e.kind, kind, e.message);
    assert.match(e.message, re);
    return true;
  });
}

/** Each abort on a fresh instance of each engine (a trap leaves an instance unusable). */
function abortsOnBothEngines(call: (h: Harness) => unknown, kind: string, re: RegExp, opts: { pages?: 8 | 160; gas?: bigint } = {}): void {
  for (const engine of ENGINES) {
    const h = new Harness(engine, opts);
    aborts(() => call(h), kind, re);
  }
}

const enc = new TextEncoder();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (n: number, fill = 0) => new Uint8Array(n).fill(fill);
const flip = (b: Uint8Array, at: number) => {
  const c = b.slice();
  c[at] ^= 1;
  return c;
};
const be32 = (n: number) => Uint8Array.of(n >>> 24, n >>> 16, n >>> 8, n);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
/** Sections encoding (§2.5): each item followed by its u32 big-endian length. */
const sections = (items: Uint8Array[]) => concat(...items.flatMap((i) => [i, be32(i.length)]));
const num32 = (n: bigint) => Uint8Array.from(Buffer.from(n.toString(16).padStart(64, '0'), 'hex'));

// ECDSA vectors, made with noble.
type Curve = typeof secp256k1;
function ecdsaVectors(curve: Curve, keyByte: number) {
  const sk = bytes(32, keyByte);
  const hash = sha256(enc.encode(`cloak ${keyByte}`));
  const recovered = curve.sign(hash, sk, { prehash: false, format: 'recovered' });
  const recovery = recovered[0];
  const sig = recovered.slice(1);
  const n = curve.Point.Fn.ORDER;
  const parsed = curve.Signature.fromBytes(sig, 'compact');
  const highS = concat(num32(parsed.r), num32(n - parsed.s));
  /** A 33-byte key whose x has no point on the curve. */
  let offCurve = new Uint8Array(0);
  for (let x = 1n; offCurve.length === 0; x++) {
    const candidate = concat(Uint8Array.of(2), num32(x));
    try {
      curve.Point.fromBytes(candidate);
    } catch {
      offCurve = candidate;
    }
  }
  return {
    sk, hash, sig, recovery, highS, n, offCurve,
    compressed: curve.getPublicKey(sk, true),
    otherKey: curve.getPublicKey(bytes(32, keyByte + 1), true),
    uncompressed: curve.getPublicKey(sk, false),
    /** r with no point of that x (recovery fails), s = 1. */
    badR: concat(offCurve.subarray(1), num32(1n)),
  };
}
const k1 = ecdsaVectors(secp256k1, 0x11);
const r1 = ecdsaVectors(p256 as unknown as Curve, 0x22);

for (const [curveName, v, verifyGas, recoverGas] of [
  ['secp256k1', k1, CRYPTO_GAS.secp256k1Verify, CRYPTO_GAS.secp256k1RecoverPubkey],
  ['secp256r1', r1, CRYPTO_GAS.secp256r1Verify, CRYPTO_GAS.secp256r1RecoverPubkey],
] as const) {
  test(`${curveName}_verify: known answers, high S accepted, every error code, exact gas`, () => {
    onBothEngines((h) => {
      const verify = (hash: Uint8Array, sig: Uint8Array, key: Uint8Array) => {
        const { r, gas } = h.call(`${curveName}_verify`, h.region(hash), h.region(sig), h.region(key));
        assert.equal(gas, verifyGas, 'the price, whatever the answer');
        return r;
      };
      assert.equal(verify(v.hash, v.sig, v.compressed), 0, 'compressed key');
      assert.equal(verify(v.hash, v.sig, v.uncompressed), 0, 'uncompressed key');
      assert.equal(verify(flip(v.hash, 0), v.sig, v.compressed), 1, 'another hash');
      assert.equal(verify(v.hash, flip(v.sig, 63), v.compressed), 1, 'another s');
      assert.equal(verify(v.hash, v.sig, v.otherKey), 1, 'another key');
      assert.equal(verify(v.hash, v.highS, v.compressed), 0, 'high S is normalised, not refused');
      assert.equal(verify(v.hash.subarray(1), v.sig, v.compressed), CRYPTO_ERRORS.hashFormat);
      assert.equal(verify(new Uint8Array(0), v.sig, v.compressed), 3);
      assert.equal(verify(v.hash, v.sig.subarray(1), v.compressed), CRYPTO_ERRORS.signatureFormat);
      assert.equal(verify(v.hash, new Uint8Array(0), v.compressed), 4);
      assert.equal(verify(v.hash, v.sig, new Uint8Array(0)), CRYPTO_ERRORS.pubkeyFormat, 'empty key');
      assert.equal(verify(v.hash, v.sig, concat(Uint8Array.of(4), v.compressed.subarray(1))), 5, '33 bytes with 04');
      assert.equal(verify(v.hash, v.sig, concat(Uint8Array.of(2), v.uncompressed.subarray(1))), 5, '65 bytes with 02');
      assert.equal(verify(v.hash, v.sig, v.uncompressed.subarray(1)), 5, '64 bytes');
      assert.equal(verify(v.hash, v.sig, v.offCurve), CRYPTO_ERRORS.generic, 'x not on the curve');
      assert.equal(verify(v.hash, v.sig, flip(v.uncompressed, 64)), 10, '(x, y) not on the curve');
      assert.equal(verify(v.hash, concat(num32(0n), v.sig.subarray(32)), v.compressed), 10, 'r = 0');
      assert.equal(verify(v.hash, concat(v.sig.subarray(0, 32), num32(v.n)), v.compressed), 10, 's = n');
      assert.equal(verify(v.hash, concat(v.sig.subarray(0, 32), bytes(32, 0xff)), v.compressed), 10, 's > n');
    });
  });

  test(`${curveName}_recover_pubkey: the key, parity flip for high S, codes 3/4/6/10, exact gas`, () => {
    onBothEngines((h) => {
      const recover = (hash: Uint8Array, sig: Uint8Array, param: number) => h.call64(`${curveName}_recover_pubkey`, h.region(hash), h.region(sig), param);
      const ok = recover(v.hash, v.sig, v.recovery);
      assert.equal(ok.code, 0);
      assert.equal(hex(ok.bytes!), hex(v.uncompressed), 'the 65-byte uncompressed key');
      assert.equal(ok.gas, recoverGas);
      const other = recover(v.hash, v.sig, v.recovery ^ 1);
      assert.ok(other.code === 0 ? hex(other.bytes!) !== hex(v.uncompressed) : other.code === 10, 'the other parity: another key');
      const high = recover(v.hash, v.highS, v.recovery ^ 1);
      assert.equal(high.code, 0);
      assert.equal(hex(high.bytes!), hex(v.uncompressed), 'high S: s normalised and the parity flipped');
      assert.equal(high.gas, recoverGas);
      const code = (hash: Uint8Array, sig: Uint8Array, param: number, gas: bigint = recoverGas) => {
        const r = recover(hash, sig, param);
        assert.equal(r.gas, gas, `gas of code ${r.code}`);
        return r.code;
      };
      assert.equal(code(v.hash.subarray(1), v.sig, 0), CRYPTO_ERRORS.hashFormat);
      assert.equal(code(v.hash, v.sig.subarray(1), 0), CRYPTO_ERRORS.signatureFormat);
      assert.equal(code(v.hash, v.sig, 2), CRYPTO_ERRORS.recoveryParam);
      assert.equal(code(v.hash, v.sig, 3), 6);
      assert.equal(code(v.hash, v.sig, 255), 6);
      // Secret charges k1 before anything; CosmWasm (r1) answers a non-u8 parameter for free.
      const free: bigint = curveName === 'secp256r1' ? 0n : recoverGas;
      assert.equal(code(v.hash, v.sig, 256, free), 6);
      assert.equal(code(v.hash, v.sig, -1, free), 6, 'the i32 is read as a u32');
      assert.equal(code(v.hash, concat(num32(0n), v.sig.subarray(32)), 0), CRYPTO_ERRORS.generic, 'r = 0');
      assert.equal(code(v.hash, concat(v.sig.subarray(0, 32), num32(v.n)), 0), 10, 's = n');
      assert.equal(code(v.hash, v.badR, 0), 10, 'no point has x = r');
    });
  });
}

// ed25519 vectors.
const seed = bytes(32, 0x33);
const edKey = ed25519.getPublicKey(seed);
const edMsg = enc.encode('cloak ed25519');
const edSig = ed25519.sign(edMsg, seed);
const edKeys = [1, 2, 3].map((i) => ed25519.getPublicKey(bytes(32, i)));
const edMsgs = [1, 2, 3].map((i) => enc.encode(`message ${i}`));
/** A 32-byte string that is no point (y with no x). */
const notAPoint = (() => {
  for (let y = 2; ; y++) {
    const b = bytes(32);
    b[0] = y;
    try {
      ed25519.Point.fromBytes(b, true);
    } catch {
      return b;
    }
  }
})();
// ZIP-215 edges (rejected by strict RFC 8032 verification, accepted by ed25519-zebra):
// (a) the small-order key y = 0 (a point of order 4) with R = the same point and s = 0;
// (b) the identity encoded non-canonically as y = p + 1 = 2^255 − 18, R = identity, s = 0.
const smallOrderKey = bytes(32);
const smallOrderSig = bytes(64);
const nonCanonicalIdentity = concat(Uint8Array.of(0xee), bytes(30, 0xff), Uint8Array.of(0x7f));
const identitySig = concat(Uint8Array.of(1), bytes(63));

test('ed25519_verify: known answers, ZIP-215 edges, codes 4/5, invalid points, exact gas', () => {
  assert.equal(ed25519.verify(smallOrderSig, edMsg, smallOrderKey, { zip215: false }), false, 'strict rules refuse (a)');
  assert.equal(ed25519.verify(identitySig, edMsg, nonCanonicalIdentity, { zip215: false }), false, 'strict rules refuse (b)');
  onBothEngines((h) => {
    const verify = (msg: Uint8Array, sig: Uint8Array, key: Uint8Array) => {
      const { r, gas } = h.call('ed25519_verify', h.region(msg), h.region(sig), h.region(key));
      assert.equal(gas, CRYPTO_GAS.ed25519Verify);
      return r;
    };
    assert.equal(verify(edMsg, edSig, edKey), 0);
    assert.equal(verify(new Uint8Array(0), ed25519.sign(new Uint8Array(0), seed), edKey), 0, 'empty message');
    assert.equal(verify(flip(edMsg, 0), edSig, edKey), 1);
    assert.equal(verify(edMsg, flip(edSig, 5), edKey), 1);
    assert.equal(verify(edMsg, flip(edSig, 40), edKey), 1);
    assert.equal(verify(edMsg, edSig, edKeys[0]), 1, 'another key');
    assert.equal(verify(edMsg, edSig, notAPoint), 1, 'a key that is no point: false, as CosmWasm');
    assert.equal(verify(edMsg, concat(edSig.subarray(0, 32), bytes(32, 0xff)), edKey), 1, 's ≥ ℓ');
    assert.equal(verify(edMsg, smallOrderSig, smallOrderKey), 0, 'ZIP-215: small-order key and R');
    assert.equal(verify(enc.encode('anything'), smallOrderSig, smallOrderKey), 0, 'ZIP-215: any message');
    assert.equal(verify(edMsg, identitySig, nonCanonicalIdentity), 0, 'ZIP-215: non-canonical encoding of the key');
    assert.equal(verify(edMsg, edSig.subarray(1), edKey), CRYPTO_ERRORS.signatureFormat);
    assert.equal(verify(edMsg, new Uint8Array(0), edKey), 4);
    assert.equal(verify(edMsg, edSig, edKey.subarray(1)), CRYPTO_ERRORS.pubkeyFormat);
    assert.equal(verify(edMsg, edSig, new Uint8Array(0)), 5);
  });
});

test('ed25519_batch_verify: pairing rules, reuse of one message or one key, empty batch, codes, exact gas', () => {
  const sigsFor = (msgs: Uint8Array[], seeds: number[]) => msgs.map((m, i) => ed25519.sign(m, bytes(32, seeds[i])));
  const pairwise = sigsFor(edMsgs, [1, 2, 3]);
  const oneMessage = sigsFor([edMsgs[0], edMsgs[0], edMsgs[0]], [1, 2, 3]);
  const oneKey = sigsFor(edMsgs, [2, 2, 2]);
  onBothEngines((h) => {
    const batch = (msgs: Uint8Array[], sigs: Uint8Array[], keys: Uint8Array[], gas?: bigint) => {
      const r = h.call('ed25519_batch_verify', h.region(sections(msgs)), h.region(sections(sigs)), h.region(sections(keys)));
      assert.equal(r.gas, gas ?? CRYPTO_GAS.ed25519BatchVerifyBase + CRYPTO_GAS.ed25519BatchVerifyPerSignature * BigInt(sigs.length));
      return r.r;
    };
    assert.equal(batch(edMsgs, pairwise, edKeys), 0, 'n, n, n');
    assert.equal(batch(edMsgs, [pairwise[0], pairwise[2], pairwise[1]], edKeys), 1, 'a signature in the wrong place');
    assert.equal(batch([edMsgs[0]], oneMessage, edKeys), 0, '1 message, n signatures, n keys');
    assert.equal(batch([edMsgs[1]], oneMessage, edKeys), 1);
    assert.equal(batch(edMsgs, oneKey, [edKeys[1]]), 0, 'n messages, n signatures, 1 key');
    assert.equal(batch(edMsgs, oneKey, [edKeys[0]]), 1);
    assert.equal(batch([edMsg], [edSig], [edKey]), 0, 'one of each');
    assert.equal(batch([], [], []), 0, 'empty batch');
    assert.equal(batch([edMsg], [], []), 0, 'one message, no signatures: empty');
    assert.equal(batch([], [], [edKey]), 0, 'one key, no signatures: empty');
    assert.equal(batch([edMsg, smallOrderSig], [smallOrderSig, smallOrderSig], [smallOrderKey]), 0, 'ZIP-215 in a batch');
    // BatchErr costs the base price only (charged before reading; Secret makes it free).
    const base = CRYPTO_GAS.ed25519BatchVerifyBase;
    assert.equal(batch(edMsgs.slice(0, 2), pairwise, edKeys, base), CRYPTO_ERRORS.batch, '2, 3, 3');
    assert.equal(batch(edMsgs, pairwise, edKeys.slice(0, 2), base), 7, '3, 3, 2');
    assert.equal(batch([], pairwise, edKeys, base), 7, '0, 3, 3');
    assert.equal(batch([edMsg], [edSig, edSig], [edKey], base), 7, '1, 2, 1');
    assert.equal(batch(edMsgs, [pairwise[0], pairwise[1].subarray(1), pairwise[2]], edKeys), CRYPTO_ERRORS.signatureFormat);
    assert.equal(batch(edMsgs, pairwise, [edKeys[0], edKeys[1], edKeys[2].subarray(1)]), CRYPTO_ERRORS.pubkeyFormat);
    assert.equal(batch(edMsgs, [flip(pairwise[0], 1), pairwise[1], pairwise[2].subarray(1)], edKeys), 4, 'formats before signatures');
  });
});

test('ed25519_batch_verify: malformed sections, too many items and over-limit Regions abort', () => {
  const call = (msgs: Uint8Array, sigs: Uint8Array, keys: Uint8Array) => (h: Harness) =>
    h.call('ed25519_batch_verify', h.region(msgs), h.region(sigs), h.region(keys));
  const good = sections([edSig]);
  abortsOnBothEngines(call(sections([edMsg]), Uint8Array.of(1, 2, 3), sections([edKey])), 'communication', /signatures: invalid sections: 3 bytes left/);
  abortsOnBothEngines(call(concat(edMsg, be32(edMsg.length + 1)), good, sections([edKey])), 'communication', /messages: invalid sections: an item of 14 bytes but only 13/);
  abortsOnBothEngines(call(sections([edMsg]), good, concat(Uint8Array.of(9), sections([edKey]))), 'communication', /public keys: invalid sections: 1 bytes left/);
  abortsOnBothEngines(call(sections([edMsg]), good, be32(0xffffffff)), 'communication', /an item of 4294967295 bytes/);
  const many = sections(Array(257).fill(new Uint8Array(0)));
  abortsOnBothEngines(call(sections([edMsg]), many, sections([edKey])), 'limit_exceeded', /signatures: more than 256 items/);
  // 256 items are fine (here: empty signatures, so code 4 after the gas for 256 signatures).
  onBothEngines((h) => {
    const r = call(sections([edMsg]), sections(Array(256).fill(new Uint8Array(0))), sections(Array(256).fill(edKey)))(h);
    assert.deepEqual(r, { r: 4, gas: 5_000n + 256n * 70_000n });
  });
  abortsOnBothEngines(call(sections([edMsg]), bytes((64 + 4) * 256 + 1), sections([edKey])), 'communication', /signatures: 17409 bytes exceed the limit of 17408/);
  abortsOnBothEngines(call(sections([edMsg]), good, bytes((32 + 4) * 256 + 1)), 'communication', /public keys: 9217 bytes exceed the limit of 9216/);
});

// BLS12-381: points as noble writes them.
const G1 = bls12_381.G1.Point;
const G2 = bls12_381.G2.Point;
const g1s = [3n, 5n, 7n].map((k) => G1.BASE.multiply(k));
const g2s = [3n, 5n, 7n].map((k) => G2.BASE.multiply(k));
const g1Bytes = (...ps: InstanceType<typeof G1>[]) => concat(...ps.map((p) => p.toBytes(true)));
const g2Bytes = (...ps: InstanceType<typeof G2>[]) => concat(...ps.map((p) => p.toBytes(true)));
/** x = 0: on the curve (y = 2) but outside the prime-order subgroup. */
const g1NotInSubgroup = concat(Uint8Array.of(0x80), bytes(47));
/** x = 1: x³ + 4 has no square root. */
const g1NotOnCurve = concat(Uint8Array.of(0x80), bytes(46), Uint8Array.of(1));
const g2Invalid = concat(Uint8Array.of(0x80), bytes(94), Uint8Array.of(1));

test('bls12_381_aggregate_g1 / _g2: sums, identity, codes 8/14/15, exact gas, small output Region aborts', () => {
  onBothEngines((h) => {
    for (const [name, size, points, sum, base, per] of [
      ['bls12_381_aggregate_g1', 48, g1Bytes(...g1s), G1.BASE.multiply(15n).toBytes(true), CRYPTO_GAS.bls12381AggregateG1Base, CRYPTO_GAS.bls12381AggregateG1PerPoint],
      ['bls12_381_aggregate_g2', 96, g2Bytes(...g2s), G2.BASE.multiply(15n).toBytes(true), CRYPTO_GAS.bls12381AggregateG2Base, CRYPTO_GAS.bls12381AggregateG2PerPoint],
    ] as const) {
      const aggregate = (input: Uint8Array) => {
        const out = h.region(new Uint8Array(0), size);
        const r = h.call(name, h.region(input), out);
        assert.equal(r.gas, base + per * BigInt(Math.floor(input.length / size)), `${name} gas for ${input.length} bytes`);
        return { r: r.r, out: h.read(out) };
      };
      const three = aggregate(points);
      assert.equal(three.r, 0);
      assert.equal(hex(three.out), hex(sum), `${name}: 3P + 5P + 7P = 15P`);
      const one = aggregate(points.subarray(0, size));
      assert.equal(hex(one.out), hex(points.subarray(0, size)), 'one point: itself');
      const zero = size === 48 ? G1.ZERO.toBytes(true) : G2.ZERO.toBytes(true);
      assert.equal(zero[0], 0xc0, 'the compressed identity');
      assert.equal(hex(aggregate(concat(zero, points, zero)).out), hex(sum), 'the identity adds nothing');
      assert.equal(hex(aggregate(zero).out), hex(zero));
      const negated = (size === 48 ? G1.fromBytes(sum).negate() : G2.fromBytes(sum).negate()).toBytes(true);
      assert.equal(hex(aggregate(concat(points, negated)).out), hex(zero), 'P + (−P) = identity');
      assert.equal(aggregate(new Uint8Array(0)).r, CRYPTO_ERRORS.aggregateEmpty);
      assert.equal(aggregate(points.subarray(1)).r, CRYPTO_ERRORS.aggregateNotMultiple);
      assert.equal(aggregate(concat(points, Uint8Array.of(0))).r, 15);
      assert.equal(aggregate(bytes(size - 1)).r, 15);
      const invalid = size === 48 ? [g1NotInSubgroup, g1NotOnCurve] : [g2Invalid];
      for (const bad of invalid) assert.equal(aggregate(concat(points, bad)).r, CRYPTO_ERRORS.invalidPoint);
      const uncompressedFlag = points.slice(0, size);
      uncompressedFlag[0] &= 0x7f;
      assert.equal(aggregate(uncompressedFlag).r, 8, 'compression flag missing');
      const bothFlags = points.slice(0, size);
      bothFlags[0] |= 0x40;
      assert.equal(aggregate(bothFlags).r, 8, 'infinity flag with a non-zero x');
    }
  });
  abortsOnBothEngines((h) => h.call('bls12_381_aggregate_g1', h.region(g1Bytes(...g1s)), h.region(new Uint8Array(0), 47)), 'communication', /bls12_381_aggregate_g1 output: 48 bytes do not fit .*capacity 47/);
  abortsOnBothEngines((h) => h.call('bls12_381_aggregate_g2', h.region(g2Bytes(...g2s)), h.region(new Uint8Array(0), 95)), 'communication', /capacity 95/);
});

test('bls12_381_pairing_equality: holds / does not, identity terms, codes 8/11/12/13, exact gas', () => {
  const [a, b] = [11n, 13n];
  onBothEngines((h) => {
    const pairing = (ps: Uint8Array, qs: Uint8Array, r: Uint8Array, s: Uint8Array) => {
      const res = h.call('bls12_381_pairing_equality', h.region(ps), h.region(qs), h.region(r), h.region(s));
      const k = BigInt(Math.floor(ps.length / 48) + 1);
      assert.equal(res.gas, CRYPTO_GAS.bls12381PairingEqualityBase + CRYPTO_GAS.bls12381PairingEqualityPerPair * k);
      return res.r;
    };
    const ps = g1Bytes(G1.BASE.multiply(a), G1.BASE.multiply(b));
    const qs = g2Bytes(G2.BASE, G2.BASE.multiply(2n));
    const r = g1Bytes(G1.BASE);
    const s = g2Bytes(G2.BASE.multiply(a + 2n * b));
    assert.equal(pairing(ps, qs, r, s), 0, 'e(aG, H)·e(bG, 2H) = e(G, (a + 2b)H)');
    assert.equal(pairing(ps, qs, r, g2Bytes(G2.BASE.multiply(a + b))), 1);
    assert.equal(pairing(ps, qs, g1Bytes(G1.BASE.multiply(2n)), s), 1);
    assert.equal(pairing(g1Bytes(G1.BASE.multiply(a)), g2Bytes(G2.BASE), r, g2Bytes(G2.BASE.multiply(a))), 0, 'one pair');
    const zero1 = G1.ZERO.toBytes(true);
    const zero2 = G2.ZERO.toBytes(true);
    assert.equal(pairing(new Uint8Array(0), new Uint8Array(0), zero1, s), 0, 'no pairs and e(0, s) = 1');
    assert.equal(pairing(new Uint8Array(0), new Uint8Array(0), r, zero2), 0, 'no pairs and e(r, 0) = 1');
    assert.equal(pairing(new Uint8Array(0), new Uint8Array(0), r, s), 1, 'no pairs, e(r, s) ≠ 1');
    assert.equal(pairing(concat(ps, zero1), concat(qs, g2Bytes(G2.BASE)), r, s), 0, 'an identity term is 1');
    assert.equal(pairing(concat(ps, g1Bytes(G1.BASE)), concat(qs, zero2), r, s), 0);
    assert.equal(pairing(ps.subarray(1), qs, r, s), CRYPTO_ERRORS.pairingNotMultipleG1);
    assert.equal(pairing(ps, qs.subarray(1), r, s), CRYPTO_ERRORS.pairingNotMultipleG2);
    assert.equal(pairing(ps.subarray(1), qs.subarray(1), r, s), 11, '11 first');
    assert.equal(pairing(ps, qs.subarray(96), r, s), CRYPTO_ERRORS.pairingUnequalCounts);
    assert.equal(pairing(concat(ps.subarray(48), g1NotInSubgroup), qs, r, s), CRYPTO_ERRORS.invalidPoint);
    assert.equal(pairing(ps, concat(qs.subarray(96), g2Invalid), r, s), 8);
    assert.equal(pairing(ps, qs, g1NotOnCurve, s), 8);
    assert.equal(pairing(ps, qs, r, g2Invalid), 8);
    assert.equal(pairing(ps, qs, r.subarray(1), s), 8, 'r of 47 bytes');
    assert.equal(pairing(ps, qs, r, s.subarray(1)), 8, 's of 95 bytes');
    assert.equal(pairing(ps, qs, new Uint8Array(0), s), 8, 'empty r');
  });
  const g = g1Bytes(G1.BASE);
  const q = g2Bytes(G2.BASE);
  abortsOnBothEngines((h) => h.call('bls12_381_pairing_equality', h.region(g), h.region(q), h.region(concat(g, Uint8Array.of(0))), h.region(q)), 'communication', /bls12_381_pairing_equality r: 49 bytes exceed the limit of 48/);
  abortsOnBothEngines((h) => h.call('bls12_381_pairing_equality', h.region(g), h.region(q), h.region(g), h.region(concat(q, Uint8Array.of(0)))), 'communication', /s: 97 bytes exceed the limit of 96/);
});

test('bls12_381_hash_to_g1 / _g2: noble\'s hash_to_curve for any DST (empty and oversize too), code 9, exact gas', () => {
  const dsts = [enc.encode('QUUX-V01-CS02-with-BLS12381G1_XMD:SHA-256_SSWU_RO_'), bytes(1, 7), bytes(255, 1), bytes(256, 2), bytes(5 * 1024, 3)];
  const msgs = [new Uint8Array(0), enc.encode('abc'), bytes(1000, 0x61)];
  // RFC 9380 J.9.1, BLS12381G1_XMD:SHA-256_SSWU_RO_, msg "" → P.x (checks noble and us against the RFC).
  const rfcDst = enc.encode('QUUX-V01-CS02-with-BLS12381G1_XMD:SHA-256_SSWU_RO_');
  const rfcX = '052926add2207b76ca4fa57a8734416c8dc95e24501772c814278700eed6d1e4e8cf62d9c09db0fac349612b759e79a1';
  onBothEngines((h) => {
    for (const [name, size, hasher, gas] of [
      ['bls12_381_hash_to_g1', 48, bls12_381.G1, CRYPTO_GAS.bls12381HashToG1],
      ['bls12_381_hash_to_g2', 96, bls12_381.G2, CRYPTO_GAS.bls12381HashToG2],
    ] as const) {
      const hash = (fn: number, msg: Uint8Array, dst: Uint8Array) => {
        const out = h.region(new Uint8Array(0), size);
        const r = h.call(name, fn, h.region(msg), h.region(dst), out);
        assert.equal(r.gas, gas, `${name}: the price, also for code ${r.r}`);
        return { r: r.r, out: h.read(out) };
      };
      for (const dst of dsts) {
        for (const msg of msgs) {
          const got = hash(0, msg, dst);
          assert.equal(got.r, 0);
          assert.equal(hex(got.out), hex(hasher.hashToCurve(msg, { DST: dst }).toBytes(true)), `${name}, DST of ${dst.length} bytes, message of ${msg.length}`);
        }
      }
      const empty = hash(0, enc.encode('abc'), new Uint8Array(0));
      assert.equal(empty.r, 0, 'an empty DST is accepted (CosmWasm hashes with it)');
      const point = size === 48 ? G1.fromBytes(empty.out) : G2.fromBytes(empty.out);
      assert.ok(!point.is0(), 'a valid point of the subgroup');
      assert.notEqual(hex(empty.out), hex(hash(0, enc.encode('abc'), bytes(1)).out));
      assert.equal(hash(1, msgs[1], dsts[0]).r, CRYPTO_ERRORS.unknownHashFunction);
      assert.equal(hash(-1, msgs[1], dsts[0]).r, 9);
    }
    const out = h.region(new Uint8Array(0), 48);
    h.call('bls12_381_hash_to_g1', 0, h.region(new Uint8Array(0)), h.region(rfcDst), out);
    assert.equal(hex(h.read(out)).slice(2), rfcX.slice(2), 'RFC 9380 J.9.1 (x, flag bits aside)');
  });
  abortsOnBothEngines((h) => h.call('bls12_381_hash_to_g1', 0, h.region(bytes(1)), h.region(bytes(5 * 1024 + 1)), h.region(new Uint8Array(0), 48)), 'communication', /bls12_381_hash_to_g1 dst: 5121 bytes exceed the limit of 5120/);
  abortsOnBothEngines((h) => h.call('bls12_381_hash_to_g2', 0, h.region(bytes(1)), h.region(bytes(1)), h.region(new Uint8Array(0), 48)), 'communication', /bls12_381_hash_to_g2 output: 96 bytes do not fit/);
});

test('secp256k1_sign / ed25519_sign (Secret): noble\'s deterministic signatures, code 1000, exact gas', () => {
  const messages = [new Uint8Array(0), enc.encode('sign me'), bytes(128 * 1024, 0x5a)];
  const n = secp256k1.Point.Fn.ORDER;
  onBothEngines((h) => {
    const sign = (name: string, msg: Uint8Array, key: Uint8Array) => {
      const r = h.call64(name, h.region(msg), h.region(key));
      assert.equal(r.gas, name === 'secp256k1_sign' ? CRYPTO_GAS.secp256k1Sign : CRYPTO_GAS.ed25519Sign, `${name} gas`);
      return r;
    };
    for (const msg of messages) {
      const k = sign('secp256k1_sign', msg, k1.sk);
      assert.equal(k.code, 0);
      assert.equal(k.bytes!.length, 64);
      assert.equal(hex(k.bytes!), hex(secp256k1.sign(sha256(msg), k1.sk, { prehash: false })), 'RFC 6979 over sha256(msg)');
      assert.equal(hex(k.bytes!), hex(secp256k1.sign(msg, k1.sk)), 'noble\'s prehash is SHA-256 too');
      assert.ok(secp256k1.verify(k.bytes!, sha256(msg), k1.compressed, { prehash: false, lowS: true }), 'verifies, low S');
      const e = sign('ed25519_sign', msg, seed);
      assert.equal(e.code, 0);
      assert.equal(hex(e.bytes!), hex(ed25519.sign(msg, seed)));
      assert.ok(ed25519.verify(e.bytes!, msg, edKey));
    }
    // What we sign, our verify accepts.
    const sig = sign('secp256k1_sign', enc.encode('round trip'), k1.sk).bytes!;
    assert.equal(h.call('secp256k1_verify', h.region(sha256(enc.encode('round trip'))), h.region(sig), h.region(k1.uncompressed)).r, 0);
    for (const bad of [new Uint8Array(0), bytes(31, 1), bytes(33, 1), bytes(64, 1), bytes(32), num32(n), num32(n + 1n), bytes(32, 0xff)]) {
      assert.equal(sign('secp256k1_sign', edMsg, bad).code, CRYPTO_ERRORS.invalidPrivateKeyFormat, `secp256k1 key ${hex(bad)}`);
    }
    assert.equal(sign('secp256k1_sign', edMsg, num32(n - 1n)).code, 0, 'n − 1 is a key');
    for (const bad of [new Uint8Array(0), bytes(31, 1), bytes(33, 1), bytes(64, 1)]) {
      assert.equal(sign('ed25519_sign', edMsg, bad).code, 1000, `ed25519 seed of ${bad.length} bytes`);
    }
    assert.equal(sign('ed25519_sign', edMsg, bytes(32)).code, 0, 'any 32 bytes are a seed');
  });
  for (const name of ['secp256k1_sign', 'ed25519_sign']) {
    abortsOnBothEngines((h) => h.call64(name, h.region(edMsg), h.region(bytes(65, 1))), 'communication', new RegExp(`${name} private key: 65 bytes exceed the limit of 64`));
    abortsOnBothEngines((h) => h.call64(name, h.region(bytes(128 * 1024 + 1)), h.region(seed)), 'communication', new RegExp(`${name} message: 131073 bytes exceed the limit of 131072`));
  }
});

test('over-limit inputs abort (the read limits of §2.6)', () => {
  const h3 = (name: string, a: Uint8Array, b: Uint8Array, c: Uint8Array) => (h: Harness) => h.call(name, h.region(a), h.region(b), h.region(c));
  for (const curve of ['secp256k1', 'secp256r1']) {
    abortsOnBothEngines(h3(`${curve}_verify`, bytes(33), k1.sig, k1.compressed), 'communication', new RegExp(`${curve}_verify hash: 33 bytes exceed the limit of 32`));
    abortsOnBothEngines(h3(`${curve}_verify`, k1.hash, bytes(65), k1.compressed), 'communication', /signature: 65 bytes exceed the limit of 64/);
    abortsOnBothEngines(h3(`${curve}_verify`, k1.hash, k1.sig, bytes(66, 4)), 'communication', /public key: 66 bytes exceed the limit of 65/);
    abortsOnBothEngines((h) => h.call64(`${curve}_recover_pubkey`, h.region(bytes(33)), h.region(k1.sig), 0), 'communication', /hash: 33 bytes exceed/);
    abortsOnBothEngines((h) => h.call64(`${curve}_recover_pubkey`, h.region(k1.hash), h.region(bytes(65)), 0), 'communication', /signature: 65 bytes exceed/);
  }
  abortsOnBothEngines(h3('ed25519_verify', bytes(128 * 1024 + 1), edSig, edKey), 'communication', /ed25519_verify message: 131073 bytes exceed the limit of 131072/);
  abortsOnBothEngines(h3('ed25519_verify', edMsg, bytes(65), edKey), 'communication', /signature: 65 bytes exceed the limit of 64/);
  abortsOnBothEngines(h3('ed25519_verify', edMsg, edSig, bytes(33)), 'communication', /public key: 33 bytes exceed the limit of 32/);
  const twoMiB = 2 * 1024 * 1024;
  abortsOnBothEngines((h) => h.call('bls12_381_aggregate_g1', h.region(bytes(twoMiB + 1)), h.region(new Uint8Array(0), 48)), 'communication', /points: 2097153 bytes exceed the limit of 2097152/, { pages: 160 });
  abortsOnBothEngines((h) => h.call('bls12_381_aggregate_g2', h.region(bytes(twoMiB + 1)), h.region(new Uint8Array(0), 96)), 'communication', /points: 2097153 bytes exceed/, { pages: 160 });
  abortsOnBothEngines((h) => h.call('bls12_381_pairing_equality', h.region(bytes(twoMiB + 1)), h.region(bytes(0)), h.region(bytes(48)), h.region(bytes(96))), 'communication', /ps: 2097153 bytes exceed/, { pages: 160 });
  abortsOnBothEngines((h) => h.call('bls12_381_pairing_equality', h.region(bytes(0)), h.region(bytes(twoMiB + 1)), h.region(bytes(48)), h.region(bytes(96))), 'communication', /qs: 2097153 bytes exceed/, { pages: 160 });
  abortsOnBothEngines((h) => h.call('bls12_381_hash_to_g2', 0, h.region(bytes(5 * 1024 * 1024 + 1)), h.region(bytes(1)), h.region(new Uint8Array(0), 96)), 'communication', /message: 5242881 bytes exceed the limit of 5242880/, { pages: 160 });
});

test('big inputs at the limit are accepted (2 MiB of points, a 5 MiB message)', () => {
  const g = G1.BASE.toBytes(true);
  const count = Math.floor((2 * 1024 * 1024) / 48);
  const points = new Uint8Array(count * 48);
  for (let at = 0; at < points.length; at += 48) points.set(g, at);
  // noble decodes ~1,000 compressed points a second, so the full 2 MiB is checked with an invalid
  // first point (read, priced for all 43,690 points, answered 8) and the sum with 300 points.
  const invalidFirst = points.slice();
  invalidFirst.set(g1NotInSubgroup, 0);
  const msg = bytes(5 * 1024 * 1024, 0x61);
  onBothEngines((h) => {
    const out = h.region(new Uint8Array(0), 48);
    assert.deepEqual(h.call('bls12_381_aggregate_g1', h.region(invalidFirst), out), { r: 8, gas: 68_000n + BigInt(count) * 12_000n });
    assert.deepEqual(h.call('bls12_381_aggregate_g1', h.region(points.subarray(0, 300 * 48)), out), { r: 0, gas: 68_000n + 300n * 12_000n });
    assert.equal(hex(h.read(out)), hex(G1.BASE.multiply(300n).toBytes(true)));
    assert.deepEqual(h.call('bls12_381_hash_to_g1', 0, h.region(msg), h.region(bytes(1, 1)), out), { r: 0, gas: CRYPTO_GAS.bls12381HashToG1 });
    assert.equal(hex(h.read(out)), hex(bls12_381.G1.hashToCurve(msg, { DST: bytes(1, 1) }).toBytes(true)));
  }, { pages: 160 });
});

test('gas: Secret\'s prices come before reading the inputs, CosmWasm\'s after; running out aborts', () => {
  const little = 50_000n; // enough for the wrapper's wasm, not for any crypto price
  // Secret-priced: out of gas before the over-limit hash is even read.
  abortsOnBothEngines((h) => h.call('secp256k1_verify', h.region(bytes(33)), h.region(k1.sig), h.region(k1.compressed)), 'gas_depletion', /out of gas/, { gas: little });
  abortsOnBothEngines((h) => h.call('ed25519_verify', h.region(bytes(128 * 1024 + 1)), h.region(edSig), h.region(edKey)), 'gas_depletion', /out of gas/, { gas: little });
  abortsOnBothEngines((h) => h.call64('secp256k1_sign', h.region(edMsg), h.region(bytes(65))), 'gas_depletion', /out of gas/, { gas: little });
  abortsOnBothEngines((h) => h.call64('ed25519_sign', h.region(edMsg), h.region(bytes(65))), 'gas_depletion', /out of gas/, { gas: little });
  // CosmWasm-priced: the read limit is checked first.
  abortsOnBothEngines((h) => h.call('secp256r1_verify', h.region(bytes(33)), h.region(k1.sig), h.region(k1.compressed)), 'communication', /exceed the limit/, { gas: little });
  abortsOnBothEngines((h) => h.call('bls12_381_hash_to_g1', 0, h.region(bytes(1)), h.region(bytes(5121)), h.region(bytes(48))), 'communication', /exceed the limit/, { gas: little });
  // Valid input, too little gas: out of gas, and everything is used.
  for (const engine of ENGINES) {
    const h = new Harness(engine, { gas: little });
    aborts(() => h.call('secp256r1_verify', h.region(r1.hash), h.region(r1.sig), h.region(r1.compressed)), 'gas_depletion', /out of gas/);
    assert.equal(h.inst.gasLeft, 0n);
  }
  // The batch's price is per signature, charged once the counts are known.
  abortsOnBothEngines((h) => h.call('ed25519_batch_verify', h.region(sections([edMsg])), h.region(sections([edSig])), h.region(sections([edKey]))), 'gas_depletion', /out of gas/, { gas: little });
  // Each item has its own limit inside the sections (a 128 KiB message, not one 33 MiB one).
  abortsOnBothEngines((h) => h.call('ed25519_batch_verify', h.region(sections([bytes(128 * 1024 + 1)])), h.region(sections([edSig])), h.region(sections([edKey]))), 'communication', /messages\[0\]: 131073 bytes exceed the limit of 131072/);
});

test('the price table', () => {
  assert.deepEqual(
    Object.fromEntries(Object.entries(CRYPTO_GAS).map(([k, v]) => [k, Number(v)])),
    {
      secp256k1Verify: 98_304, secp256k1RecoverPubkey: 98_304, ed25519Verify: 73_728,
      ed25519BatchVerifyBase: 5_000, ed25519BatchVerifyPerSignature: 70_000, secp256k1Sign: 100_000, ed25519Sign: 75_000,
      secp256r1Verify: 279_000, secp256r1RecoverPubkey: 592_000,
      bls12381AggregateG1Base: 68_000, bls12381AggregateG1PerPoint: 12_000,
      bls12381AggregateG2Base: 103_500, bls12381AggregateG2PerPoint: 24_500,
      bls12381HashToG1: 563_000, bls12381HashToG2: 871_000,
      bls12381PairingEqualityBase: 2_112_000, bls12381PairingEqualityPerPair: 163_000,
    },
  );
});

test('eras: 1.x gets every crypto import, 0.10 Secret\'s set', () => {
  const ctx = newHostContext(new MemoryStorage(), false);
  assert.deepEqual(Object.keys(cryptoImports(ctx, 'v1')).sort(), [...I32_3, ...I64_3, ...I32_2, ...I32_4, ...I64_2].sort());
  assert.deepEqual(Object.keys(cryptoImports(ctx, 'v010')).sort(), [
    'ed25519_batch_verify', 'ed25519_sign', 'ed25519_verify', 'secp256k1_recover_pubkey', 'secp256k1_sign', 'secp256k1_verify',
  ]);
});
