// Addresses: bech32 `secret` round trips (both ways, either case), each way a string can fail to
// be an address (bad checksum, wrong prefix, wrong length, mixed case, not bech32 at all, bad
// padding) is an AddressError saying which, and the account address of a public key is
// RIPEMD160(SHA256(key)) (checked against node:crypto and LocalSecret's account a).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { bech32 } from '@scure/base';
import { AddressError, Key, addressFromPubkey, canonicalAddress, fromBech32, isAddress, toBech32 } from '@cloak/client';

const A = 'secret1ap26qrlp8mcq2pg6r47w43l0y8zkqm8a450s03';
const A_MNEMONIC = 'grant rice replace explain federal release fix clever romance raise often wild taxi quarter soccer fiber love must tape steak together observe swap guitar';

function addressError(re: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof AddressError, `expected an AddressError, got ${String(e)}`);
    assert.match(e.message, re);
    return true;
  };
}

test('bech32 round trips: bytes → text → bytes and text → bytes → text', () => {
  for (let i = 0; i < 50; i++) {
    const bytes = new Uint8Array(randomBytes(20));
    const text = toBech32(bytes);
    assert.match(text, /^secret1[02-9ac-hj-np-z]{38}$/);
    assert.deepEqual(fromBech32(text), bytes);
  }
  assert.equal(toBech32(fromBech32(A)), A);
  // Computed with @cosmjs/encoding's toBech32, an independent implementation.
  assert.equal(toBech32(new Uint8Array(20)), 'secret1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq3x5k6p');
  assert.ok(isAddress(A));
  assert.ok(!isAddress('secret1'));
});

test('an all-upper-case address is accepted; canonical form is lower case', () => {
  assert.deepEqual(fromBech32(A.toUpperCase()), fromBech32(A));
  assert.equal(canonicalAddress(A.toUpperCase()), A);
});

test('a bad checksum is named', () => {
  const last = A[A.length - 1] === 'q' ? 'p' : 'q';
  assert.throws(() => fromBech32(A.slice(0, -1) + last), addressError(/bad checksum/));
  // Two swapped data characters: still the right shape, still caught by the checksum.
  const swapped = A.slice(0, 10) + A[11] + A[10] + A.slice(12);
  assert.throws(() => fromBech32(swapped), addressError(/bad checksum/));
});

test('a wrong prefix is named with the prefix found', () => {
  const cosmos = bech32.encode('cosmos', bech32.toWords(fromBech32(A)));
  assert.throws(() => fromBech32(cosmos), addressError(/wrong prefix "cosmos", expected "secret"/));
  const valoper = bech32.encode('secretvaloper', bech32.toWords(fromBech32(A)));
  assert.throws(() => fromBech32(valoper), addressError(/wrong prefix "secretvaloper"/));
});

test('a payload that is not 20 bytes is a wrong length', () => {
  const long = bech32.encode('secret', bech32.toWords(new Uint8Array(32).fill(7)));
  assert.throws(() => fromBech32(long), addressError(/wrong length: 32 bytes, expected 20/));
  const short = bech32.encode('secret', bech32.toWords(new Uint8Array(19).fill(7)));
  assert.throws(() => fromBech32(short), addressError(/wrong length: 19 bytes, expected 20/));
});

test('mixed case, strings that are not bech32, and non-strings are refused', () => {
  assert.throws(() => fromBech32(A.slice(0, 8) + A.slice(8).toUpperCase()), addressError(/mixes upper and lower case/));
  assert.throws(() => fromBech32(''), addressError(/not bech32/));
  assert.throws(() => fromBech32('secret'), addressError(/not bech32/));
  assert.throws(() => fromBech32('secretqqqqqqqqqqqqq'), addressError(/not bech32/)); // no separator
  assert.throws(() => fromBech32(A.slice(0, 10) + 'b' + A.slice(11)), addressError(/not bech32/)); // 'b' is not in the alphabet
  assert.throws(() => fromBech32('secret1' + 'q'.repeat(100)), addressError(/not bech32/)); // over 90 characters
  assert.throws(() => fromBech32(42 as unknown as string), addressError(/expected a string/));
});

test('non-zero padding bits in the payload are refused', () => {
  // 20 bytes = 160 bits = 32 five-bit words exactly; a 33rd word carries 5 bits of padding.
  const words = [...bech32.toWords(fromBech32(A)), 1];
  assert.throws(() => fromBech32(bech32.encode('secret', words)), addressError(/padding|wrong length/));
});

test('toBech32 takes exactly 20 bytes', () => {
  assert.throws(() => toBech32(new Uint8Array(19)), /address: expected 20 bytes, got 19 bytes/);
  assert.throws(() => toBech32(new Uint8Array(32)), /expected 20 bytes, got 32 bytes/);
});

test('addressFromPubkey is RIPEMD160(SHA256(compressed key))', () => {
  const key = Key.fromMnemonic(A_MNEMONIC);
  const expected = createHash('ripemd160').update(createHash('sha256').update(key.publicKey).digest()).digest();
  assert.deepEqual(addressFromPubkey(key.publicKey), new Uint8Array(expected));
  assert.equal(toBech32(addressFromPubkey(key.publicKey)), A);
  assert.throws(() => addressFromPubkey(new Uint8Array(32)), /public key: expected 33 bytes/);
  assert.throws(() => addressFromPubkey(new Uint8Array(33).fill(4)), /starting 0x02 or 0x03.*starting 0x04/);
  assert.throws(() => addressFromPubkey(new Uint8Array(65)), /got 65 bytes/);
});
