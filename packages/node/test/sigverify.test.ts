/**
 * The node's OpenSSL signature check agrees with @cloak/client's pure-JS one on every input:
 * valid signatures, their high-S twins, tampered bytes and signatures, malformed keys and lengths.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Key, verifySignature } from '@cloak/client';
import { VerifiedTxs, verifySecp256k1 } from '../src/chain/sigverify.js';

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function highS(sig: Uint8Array): Uint8Array {
  const s = BigInt(`0x${Buffer.from(sig.subarray(32)).toString('hex')}`);
  const out = sig.slice();
  out.set(Buffer.from((N - s).toString(16).padStart(64, '0'), 'hex'), 32);
  return out;
}

test('agrees with the client on valid, high-S, tampered and malformed signatures', () => {
  fc.assert(fc.property(
    fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((k) => k.some((b) => b !== 0) && k[0] < 0xff),
    fc.uint8Array({ maxLength: 300 }),
    fc.integer({ min: 0, max: 6 }),
    fc.nat(),
    (priv, msg, mutation, at) => {
      const key = new Key(priv);
      let pub = key.publicKey;
      let sig = key.sign(msg);
      let bytes = msg;
      switch (mutation) {
        case 1: sig = highS(sig); break;
        case 2: sig = sig.slice(); sig[at % 64] ^= 1 << (at % 8); break;
        case 3: if (msg.length > 0) { bytes = msg.slice(); bytes[at % msg.length] ^= 1; } break;
        case 4: pub = pub.slice(); pub[1 + (at % 32)] ^= 1; break;
        case 5: sig = sig.subarray(0, 63); break;
        case 6: pub = Uint8Array.of(4, ...pub.subarray(1)); break;
      }
      const want = verifySignature(pub, bytes, sig);
      assert.equal(verifySecp256k1(pub, bytes, sig), want, `mutation ${mutation}`);
      if (mutation === 0) assert.equal(want, true);
      if (mutation === 1) assert.equal(want, false);
    },
  ), { numRuns: 300 });
});

test('zero r or s and out-of-range scalars are refused', () => {
  const key = new Key(new Uint8Array(32).fill(3));
  const msg = new Uint8Array([1, 2, 3]);
  const sig = key.sign(msg);
  for (const bad of [new Uint8Array(64), Uint8Array.of(...sig.subarray(0, 32), ...new Uint8Array(32)), Uint8Array.of(...new Uint8Array(32).fill(0xff), ...sig.subarray(32))]) {
    assert.equal(verifySecp256k1(key.publicKey, msg, bad), false);
    assert.equal(verifySignature(key.publicKey, msg, bad), false);
  }
});

test('VerifiedTxs remembers a hash only with the same chain id and account number', () => {
  const v = new VerifiedTxs(2);
  v.add('A', 'secretdev-1', 5n);
  assert.equal(v.has('A', 'secretdev-1', 5n), true);
  assert.equal(v.has('A', 'secretdev-2', 5n), false);
  assert.equal(v.has('A', 'secretdev-1', 6n), false);
  v.add('B', 'c', 1n);
  v.add('C', 'c', 1n);
  assert.equal(v.has('A', 'secretdev-1', 5n), false, 'the oldest is forgotten past capacity');
  v.delete('B');
  assert.equal(v.has('B', 'c', 1n), false);
});
