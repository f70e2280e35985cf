// Keys: LocalSecret's published mnemonics (spec/secretjs-surface.md §4) derive exactly the listed
// addresses, which pins BIP-39 (no passphrase), BIP-32, coin type 529 and the address rule at once;
// bad mnemonics and private keys are refused by name; signatures are 64-byte low-S r‖s over
// SHA-256 that verify, and verifySignature says false (never throws) to anything tampered,
// high-S or malformed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { Key, MnemonicError, generateMnemonic, hdPath, verifySignature } from '@cloak/client';

const LOCALSECRET: [name: string, address: string, mnemonic: string][] = [
  ['a', 'secret1ap26qrlp8mcq2pg6r47w43l0y8zkqm8a450s03', 'grant rice replace explain federal release fix clever romance raise often wild taxi quarter soccer fiber love must tape steak together observe swap guitar'],
  ['b', 'secret1fc3fzy78ttp0lwuujw7e52rhspxn8uj52zfyne', 'jelly shadow frog dirt dragon use armed praise universe win jungle close inmate rain oil canvas beauty pioneer chef soccer icon dizzy thunder meadow'],
  ['c', 'secret1ajz54hz8azwuy34qwy9fkjnfcrvf0dzswy0lqq', 'chair love bleak wonder skirt permit say assist aunt credit roast size obtain minute throw sand usual age smart exact enough room shadow charge'],
  ['d', 'secret1ldjxljw7v4vk6zhyduywh04hpj0jdwxsmrlatf', 'word twist toast cloth movie predict advance crumble escape whale sail such angry muffin balcony keen move employ cook valve hurt glimpse breeze brick'],
  ['validator', 'secret14aj08vd2ntty7dvskdmdu4zhf23mcwgtute8dz', 'push certain add next grape invite tobacco bubble text romance again lava crater pill genius vital fresh guard great patch knee series era tonight'],
];
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const A = LOCALSECRET[0][2];

const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');
const big = (b: Uint8Array) => BigInt(`0x${hexOf(b) || '0'}`);
const be32 = (n: bigint) => new Uint8Array(Buffer.from(n.toString(16).padStart(64, '0'), 'hex'));
const utf8 = (s: string) => new TextEncoder().encode(s);

for (const [name, address, mnemonic] of LOCALSECRET) {
  test(`LocalSecret key ${name} derives ${address}`, () => {
    const key = Key.fromMnemonic(mnemonic);
    assert.equal(key.address, address);
    assert.equal(key.publicKey.length, 33);
    assert.ok(key.publicKey[0] === 2 || key.publicKey[0] === 3);
  });
}

test('derivation path is m/44\'/529\'/0\'/0/index; other indexes give other keys', () => {
  assert.equal(hdPath(0), "m/44'/529'/0'/0/0");
  assert.equal(hdPath(7), "m/44'/529'/0'/0/7");
  const k0 = Key.fromMnemonic(A, 0);
  const k1 = Key.fromMnemonic(A, 1);
  assert.notEqual(k0.address, k1.address);
  assert.equal(Key.fromMnemonic(A, 1).address, k1.address);
  assert.throws(() => Key.fromMnemonic(A, -1), /account index: expected an integer in 0\.\.2\^31-1, got -1/);
  assert.throws(() => Key.fromMnemonic(A, 2 ** 31), RangeError);
  assert.throws(() => Key.fromMnemonic(A, 1.5), RangeError);
});

test('extra whitespace around and between words does not change the key', () => {
  const spaced = `  ${A.split(' ').join('  \n')}\t`;
  assert.equal(Key.fromMnemonic(spaced).address, LOCALSECRET[0][1]);
});

test('invalid mnemonics are MnemonicErrors saying what is wrong', () => {
  const words = A.split(' ');
  const err = (re: RegExp) => (e: unknown) => e instanceof MnemonicError && re.test(e.message);
  assert.throws(() => Key.fromMnemonic(words.slice(0, 23).join(' ')), err(/23 words, expected 12, 15, 18, 21 or 24/));
  assert.throws(() => Key.fromMnemonic(''), err(/0 words/));
  assert.throws(() => Key.fromMnemonic([...words.slice(0, 5), 'grnat', ...words.slice(6)].join(' ')), err(/word 6 \("grnat"\) is not in the English BIP-39 wordlist/));
  assert.throws(() => Key.fromMnemonic([...words.slice(0, 23), 'abandon'].join(' ')), err(/bad checksum/));
  assert.throws(() => Key.fromMnemonic(A.toUpperCase()), err(/word 1 \("GRANT"\)/));
  assert.throws(() => Key.fromMnemonic(undefined as unknown as string), err(/expected a string/));
});

test('generateMnemonic: 24 valid English words, a different phrase each time', () => {
  const m1 = generateMnemonic();
  const m2 = generateMnemonic();
  assert.equal(m1.split(' ').length, 24);
  assert.notEqual(m1, m2);
  assert.match(Key.fromMnemonic(m1).address, /^secret1[0-9a-z]{38}$/);
  assert.notEqual(Key.fromMnemonic(m1).address, Key.fromMnemonic(m2).address);
});

test('a key from a private key: scalar 1 has the generator as public key', () => {
  const one = be32(1n);
  const key = new Key(one);
  assert.equal(hexOf(key.publicKey), '0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798');
  assert.throws(() => new Key(new Uint8Array(31)), /private key: expected 32 bytes, got 31/);
  assert.throws(() => new Key(new Uint8Array(32)), /not a scalar in 1\.\.n-1/);
  assert.throws(() => new Key(be32(N)), /not a scalar in 1\.\.n-1/);
  assert.equal(new Key(be32(N - 1n)).publicKey.length, 33);
});

test('sign: 64-byte r‖s, low S, deterministic, over SHA-256 of the bytes', () => {
  const key = Key.fromMnemonic(A);
  for (let i = 0; i < 20; i++) {
    const msg = utf8(`message ${i}`);
    const sig = key.sign(msg);
    assert.equal(sig.length, 64);
    assert.ok(big(sig.subarray(32)) <= N / 2n, 'S must be low');
    assert.deepEqual(key.sign(msg), sig, 'RFC 6979: same bytes, same signature');
    assert.ok(verifySignature(key.publicKey, msg, sig));
    // The digest is SHA-256 of the bytes: an independent verify over the digest agrees.
    assert.ok(secp256k1.verify(sig, sha256(msg), key.publicKey, { prehash: false }));
  }
});

test('verify rejects tampered bytes, tampered signatures and other keys', () => {
  const key = Key.fromMnemonic(A);
  const other = Key.fromMnemonic(LOCALSECRET[1][2]);
  const msg = utf8('the sign doc');
  const sig = key.sign(msg);
  const flipped = Uint8Array.from(msg);
  flipped[3] ^= 1;
  assert.equal(verifySignature(key.publicKey, flipped, sig), false);
  for (const at of [0, 31, 32, 63]) {
    const bad = Uint8Array.from(sig);
    bad[at] ^= 0x40;
    assert.equal(verifySignature(key.publicKey, msg, bad), false, `signature byte ${at} flipped`);
  }
  assert.equal(verifySignature(other.publicKey, msg, sig), false);
  assert.equal(verifySignature(key.publicKey, msg, other.sign(msg)), false);
});

test('verify rejects the high-S twin of a valid signature', () => {
  const key = Key.fromMnemonic(A);
  const msg = utf8('malleable?');
  const sig = key.sign(msg);
  const high = new Uint8Array(64);
  high.set(sig.subarray(0, 32));
  high.set(be32(N - big(sig.subarray(32))), 32);
  // It is a mathematically valid signature (noble accepts it when low-S is not required) ...
  assert.ok(secp256k1.verify(high, sha256(msg), key.publicKey, { prehash: false, lowS: false }));
  // ... and refused, as cosmos-sdk refuses it.
  assert.equal(verifySignature(key.publicKey, msg, high), false);
});

test('verify is false, never an exception, on malformed inputs', () => {
  const key = Key.fromMnemonic(A);
  const msg = utf8('x');
  const sig = key.sign(msg);
  const pub = key.publicKey;
  // About half of all x are not on the curve: find one by changing the last byte.
  let offCurve = pub;
  for (let i = 0; secp256k1.utils.isValidPublicKey(offCurve, true); i++) {
    offCurve = Uint8Array.from(pub);
    offCurve[32] = i;
  }
  const uncompressed = secp256k1.getPublicKey(new Uint8Array(32).fill(1), false);
  const cases: [Uint8Array, Uint8Array, Uint8Array][] = [
    [pub, msg, sig.subarray(0, 63)],
    [pub, msg, new Uint8Array([...sig, 0])],
    [pub, msg, new Uint8Array(64)], // r = s = 0
    [pub, msg, new Uint8Array([...be32(N), ...sig.subarray(32)])], // r = n
    [pub, msg, new Uint8Array([...sig.subarray(0, 32), ...be32(N)])], // s = n
    [pub, msg, new Uint8Array(64).fill(0xff)],
    [pub.subarray(0, 32), msg, sig],
    [uncompressed, msg, sig],
    [new Uint8Array([4, ...pub.subarray(1)]), msg, sig],
    [new Uint8Array(33), msg, sig],
    [offCurve, msg, sig],
    [null as unknown as Uint8Array, msg, sig],
    [pub, 'x' as unknown as Uint8Array, sig],
    [pub, msg, [...sig] as unknown as Uint8Array],
  ];
  for (const [i, [p, m, s]] of cases.entries()) {
    assert.equal(verifySignature(p, m, s), false, `case ${i}`);
  }
});
