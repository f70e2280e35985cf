/**
 * secp256k1 account keys as secretjs's `Wallet` makes them (spec/secretjs-surface.md §2.1, §3.5):
 * a BIP-39 mnemonic (English wordlist, no passphrase) → seed → BIP-32 path m/44'/529'/0'/0/index
 * → private key; new 24-word mnemonics from the platform's CSPRNG; the 33-byte compressed public
 * key; the bech32 `secret` address; and signatures as SIGN_MODE_DIRECT wants them: ECDSA over
 * SHA-256 of the sign bytes, 64-byte compact r‖s, low-S (RFC 6979 deterministic nonces,
 * @noble/curves). verifySignature is the node's side of the same rule and never throws on hostile
 * bytes: wrong sizes, points off the curve, r or s out of range and high-S signatures are all just
 * `false`.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { HDKey } from '@scure/bip32';
import { generateMnemonic as bip39Generate, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { addressFromPubkey, toBech32 } from './address.js';
import { COIN_TYPE, PRIVATE_KEY_BYTES, PUBKEY_BYTES, SIGNATURE_BYTES } from './limits.js';

/** The derivation path of account `index`: m/44'/529'/0'/0/index. */
export function hdPath(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= 2 ** 31) {
    throw new RangeError(`account index: expected an integer in 0..2^31-1, got ${index}`);
  }
  return `m/44'/${COIN_TYPE}'/0'/0/${index}`;
}

/**
 * A new English BIP-39 mnemonic of 24 words (256 bits of entropy from `crypto.getRandomValues`),
 * as `secretcli keys add` makes them.
 */
export function generateMnemonic(): string {
  return bip39Generate(wordlist, 256);
}

/** A mnemonic that is not a valid English BIP-39 phrase. */
export class MnemonicError extends Error {
  override readonly name: string = 'MnemonicError';
}

export class Key {
  readonly #privateKey: Uint8Array;
  /** The 33-byte compressed public key. */
  readonly publicKey: Uint8Array;
  /** The 20-byte account address. */
  readonly addressBytes: Uint8Array;
  /** The `secret1…` address. */
  readonly address: string;

  /** A key from its 32-byte private key (a scalar in 1..n-1). */
  constructor(privateKey: Uint8Array) {
    if (!(privateKey instanceof Uint8Array) || privateKey.length !== PRIVATE_KEY_BYTES) {
      throw new RangeError(`private key: expected ${PRIVATE_KEY_BYTES} bytes, got ${privateKey instanceof Uint8Array ? privateKey.length : typeof privateKey}`);
    }
    if (!secp256k1.utils.isValidSecretKey(privateKey)) throw new RangeError('private key: not a scalar in 1..n-1 of secp256k1');
    this.#privateKey = Uint8Array.from(privateKey);
    this.publicKey = secp256k1.getPublicKey(this.#privateKey, true);
    this.addressBytes = addressFromPubkey(this.publicKey);
    this.address = toBech32(this.addressBytes);
  }

  /**
   * The key of account `index` of a mnemonic, as secretjs's Wallet derives it. Words may be
   * separated by any whitespace; the phrase must be valid English BIP-39 (words and checksum).
   */
  static fromMnemonic(mnemonic: string, index = 0): Key {
    if (typeof mnemonic !== 'string') throw new MnemonicError(`mnemonic: expected a string, got ${typeof mnemonic}`);
    const path = hdPath(index);
    const words = mnemonic.trim().split(/\s+/).filter((w) => w.length > 0);
    const phrase = words.join(' ');
    if (![12, 15, 18, 21, 24].includes(words.length)) {
      throw new MnemonicError(`mnemonic: ${words.length} words, expected 12, 15, 18, 21 or 24`);
    }
    const unknown = words.findIndex((w) => !wordlist.includes(w));
    if (unknown >= 0) throw new MnemonicError(`mnemonic: word ${unknown + 1} ("${words[unknown].slice(0, 20)}") is not in the English BIP-39 wordlist`);
    if (!validateMnemonic(phrase, wordlist)) throw new MnemonicError('mnemonic: bad checksum (the words are English BIP-39 but the phrase is not valid)');
    const child = HDKey.fromMasterSeed(mnemonicToSeedSync(phrase)).derive(path);
    const privateKey = child.privateKey;
    if (privateKey === null) throw new Error(`mnemonic: derivation of ${path} gave no private key`);
    return new Key(privateKey);
  }

  /** ECDSA over SHA-256(bytes): a 64-byte compact r‖s with low S. */
  sign(bytes: Uint8Array): Uint8Array {
    if (!(bytes instanceof Uint8Array)) throw new TypeError(`sign: expected a Uint8Array, got ${typeof bytes}`);
    return secp256k1.sign(sha256(bytes), this.#privateKey, { prehash: false, lowS: true, format: 'compact' });
  }
}

/**
 * Whether `signature` (64-byte r‖s, low S) is `publicKey`'s (33-byte compressed) signature of
 * SHA-256(bytes). Anything malformed is `false`, never an exception.
 */
export function verifySignature(publicKey: Uint8Array, bytes: Uint8Array, signature: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== PUBKEY_BYTES) return false;
  if (publicKey[0] !== 2 && publicKey[0] !== 3) return false;
  if (!(bytes instanceof Uint8Array)) return false;
  if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_BYTES) return false;
  try {
    return secp256k1.verify(signature, sha256(bytes), publicKey, { prehash: false, lowS: true, format: 'compact' });
  } catch {
    return false;
  }
}
