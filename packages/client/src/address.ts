/**
 * Account and contract addresses (spec/secretjs-surface.md §2.1, §3.2): 20 bytes, written as bech32
 * (BIP-173, not bech32m) with the prefix `secret`, derived from a public key as
 * RIPEMD160(SHA256(compressed key)) like every cosmos-sdk secp256k1 account. Decoding says which
 * rule a string broke: not bech32 at all, a bad checksum, mixed case, the wrong prefix, or a
 * payload that is not 20 bytes. Upper-case addresses are accepted (BIP-173 allows them); the
 * canonical form, which toBech32 writes, is lower case.
 */
import { bech32 } from '@scure/base';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ADDRESS_BYTES, ADDRESS_PREFIX, PUBKEY_BYTES } from './limits.js';

/** A string that is not a `secret1…` address of 20 bytes; the message says why. */
export class AddressError extends Error {
  override readonly name: string = 'AddressError';
}

/** The bech32 text of a 20-byte address. */
export function toBech32(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array) || bytes.length !== ADDRESS_BYTES) {
    throw new RangeError(`address: expected ${ADDRESS_BYTES} bytes, got ${describe(bytes)}`);
  }
  return bech32.encode(ADDRESS_PREFIX, bech32.toWords(bytes));
}

/** The 20 bytes of a `secret1…` address; an AddressError naming what is wrong otherwise. */
export function fromBech32(text: string): Uint8Array {
  if (typeof text !== 'string') throw new AddressError(`address: expected a string, got ${typeof text}`);
  const shown = JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);
  let prefix: string;
  let words: number[];
  try {
    ({ prefix, words } = bech32.decode(text, 90));
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (/checksum/i.test(why)) throw new AddressError(`address ${shown}: bad checksum`);
    if (/mixed-case/i.test(why)) throw new AddressError(`address ${shown}: mixes upper and lower case`);
    throw new AddressError(`address ${shown}: not bech32 (${why.replace(text, '…')})`);
  }
  if (prefix !== ADDRESS_PREFIX) throw new AddressError(`address ${shown}: wrong prefix "${prefix}", expected "${ADDRESS_PREFIX}"`);
  let bytes: Uint8Array;
  try {
    bytes = bech32.fromWords(words);
  } catch (e) {
    throw new AddressError(`address ${shown}: bad padding of the payload (${e instanceof Error ? e.message : String(e)})`);
  }
  if (bytes.length !== ADDRESS_BYTES) {
    throw new AddressError(`address ${shown}: wrong length: ${bytes.length} bytes, expected ${ADDRESS_BYTES}`);
  }
  return bytes;
}

/** Whether `text` is a valid `secret1…` address of 20 bytes. */
export function isAddress(text: string): boolean {
  try {
    fromBech32(text);
    return true;
  } catch {
    return false;
  }
}

/** The canonical (lower-case) form of an address given in either case. */
export function canonicalAddress(text: string): string {
  return toBech32(fromBech32(text));
}

/** The account address of a compressed secp256k1 public key: RIPEMD160(SHA256(key)). */
export function addressFromPubkey(pubkey: Uint8Array): Uint8Array {
  if (!(pubkey instanceof Uint8Array) || pubkey.length !== PUBKEY_BYTES || (pubkey[0] !== 2 && pubkey[0] !== 3)) {
    throw new RangeError(`public key: expected ${PUBKEY_BYTES} bytes starting 0x02 or 0x03 (compressed), got ${describe(pubkey)}`);
  }
  return ripemd160(sha256(pubkey));
}

function describe(v: unknown): string {
  if (v instanceof Uint8Array) return `${v.length} bytes${v.length > 0 ? ` starting 0x${v[0].toString(16).padStart(2, '0')}` : ''}`;
  return typeof v;
}
