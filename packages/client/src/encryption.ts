/**
 * Secret's IO encryption, byte for byte as spec/secret-compute.md §2.1, §2.2, §2.4, §2.5 and
 * spec/secretjs-surface.md §3.7 describe it. This file owns the user's side — an X25519 key pair
 * from a 32-byte seed (clamped inside the scalar multiplication, as curve25519 does), the per-message
 * tx key HKDF-SHA256(ikm = X25519(user sk, chain IO pk) ‖ nonce, salt = KDF_SALT, info = "", 32 B),
 * the input blob nonce(32) ‖ user pubkey(32) ‖ AES-SIV(tx key, code-hash hex(64) ‖ JSON) and the
 * decryption of what the chain sends back (data as base64 text, log attributes, `encrypted: <b64>`
 * errors) — plus, for the node and tests, the chain's side of opening an input blob with its IO
 * private key (decryptAsChain). The cipher is RFC 5297 AES-SIV with a 32-byte key (AES-128-SIV) and
 * exactly ONE empty associated-data string, which is not the same as none (@noble/ciphers `aessiv`
 * with one empty AD argument). Browser-friendly: noble/scure only, randomness from
 * `crypto.getRandomValues`. Failures are EncryptionError, whose message names what was wrong and
 * never carries keys or plaintext.
 */
import { aessiv } from '@noble/ciphers/aes.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { base64, hex } from '@scure/base';

/** Size of X25519 keys, of the nonce and of the tx key (§2.1). */
export const IO_KEY_BYTES = 32;
export const IO_NONCE_BYTES = 32;
/** The synthetic IV that AES-SIV puts in front of the ciphertext. */
export const SIV_TAG_BYTES = 16;
/** Length of the code-hash prefix of every input plaintext: 64 hex characters (§2.4 step 5). */
export const CODE_HASH_HEX_CHARS = 64;

/** HKDF salt: the hash of Bitcoin block 630,000 (§2.1 KDF_SALT). */
const KDF_SALT = hex.decode('000000000000000000024bead8df69990852c202db0e0097c1a12ea637d7e96d');
const EMPTY = new Uint8Array(0);
const HEADER_BYTES = IO_NONCE_BYTES + IO_KEY_BYTES;
const CODE_HASH_RE = /^[0-9a-fA-F]{64}$/;
const ENCRYPTED_ERROR_RE = /encrypted: ([A-Za-z0-9+/]+={0,2})/;

/** An encryption input of the wrong shape, or a ciphertext that does not authenticate. */
export class EncryptionError extends Error {
  override readonly name: string = 'EncryptionError';
}

/** The three parts of an input blob (§2.4 step 7); `ciphertext` still includes the SIV tag. */
export interface SecretMessage {
  nonce: Uint8Array;
  userPubkey: Uint8Array;
  ciphertext: Uint8Array;
}

/** An input blob as the enclave sees it once opened (§2.4, "Enclave parsing"). */
export interface OpenedSecretMessage {
  nonce: Uint8Array;
  userPubkey: Uint8Array;
  /** The 64-character code-hash prefix, lower-cased. */
  codeHash: string;
  /** The message bytes after the prefix (UTF-8 JSON for a well-behaved client). */
  msg: Uint8Array;
}

function checkBytes(what: string, value: Uint8Array, size: number): void {
  if (!(value instanceof Uint8Array) || value.length !== size) {
    const got = value instanceof Uint8Array ? `${value.length} bytes` : typeof value;
    throw new EncryptionError(`${what}: expected ${size} bytes, got ${got}`);
  }
}

function utf8Bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function utf8Text(what: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new EncryptionError(`${what}: decrypted bytes are not valid UTF-8`);
  }
}

function base64Bytes(what: string, text: string): Uint8Array {
  try {
    return base64.decode(text);
  } catch {
    throw new EncryptionError(`${what}: not padded standard base64`);
  }
}

/** X25519 of a (raw, unclamped) secret and a peer public key; refuses low-order peer keys. */
function sharedSecret(secret: Uint8Array, peerPubkey: Uint8Array, peerName: string): Uint8Array {
  checkBytes(peerName, peerPubkey, IO_KEY_BYTES);
  try {
    return x25519.getSharedSecret(secret, peerPubkey);
  } catch {
    throw new EncryptionError(`${peerName}: not a usable X25519 public key (low order point)`);
  }
}

/** §2.2 key derivation: HKDF-SHA256(ikm = shared ‖ nonce, salt = KDF_SALT, info = "", 32 bytes). */
function deriveTxKey(shared: Uint8Array, nonce: Uint8Array): Uint8Array {
  checkBytes('nonce', nonce, IO_NONCE_BYTES);
  const ikm = new Uint8Array(shared.length + nonce.length);
  ikm.set(shared, 0);
  ikm.set(nonce, shared.length);
  return hkdf(sha256, ikm, KDF_SALT, EMPTY, IO_KEY_BYTES);
}

/** AES-SIV with one empty AD string (§2.4 step 6). */
function sivSeal(txKey: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return aessiv(txKey, EMPTY).encrypt(plaintext);
}

function sivOpen(what: string, txKey: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  if (!(ciphertext instanceof Uint8Array) || ciphertext.length < SIV_TAG_BYTES) {
    throw new EncryptionError(`${what}: expected at least ${SIV_TAG_BYTES} bytes of AES-SIV ciphertext`);
  }
  try {
    return aessiv(txKey, EMPTY).decrypt(ciphertext);
  } catch {
    throw new EncryptionError(`${what}: does not authenticate under this tx key (wrong key, nonce or tampered bytes)`);
  }
}

/** Splits an input blob into nonce, user public key and ciphertext without decrypting anything. */
export function parseSecretMessage(blob: Uint8Array): SecretMessage {
  if (!(blob instanceof Uint8Array) || blob.length < HEADER_BYTES + SIV_TAG_BYTES) {
    throw new EncryptionError(`encrypted message: expected at least ${HEADER_BYTES + SIV_TAG_BYTES} bytes (nonce ‖ pubkey ‖ AES-SIV)`);
  }
  return {
    nonce: blob.slice(0, IO_NONCE_BYTES),
    userPubkey: blob.slice(IO_NONCE_BYTES, HEADER_BYTES),
    ciphertext: blob.slice(HEADER_BYTES),
  };
}

/**
 * The chain's side of §2.4: opens an input blob with the IO private key (the raw 32 bytes of
 * derive(last seed, 2); clamped inside X25519) and splits off the 64-character code-hash prefix.
 * Checking that prefix against the contract's code hash is the caller's job.
 */
export function decryptAsChain(ioPrivateKey: Uint8Array, blob: Uint8Array): OpenedSecretMessage {
  checkBytes('IO private key', ioPrivateKey, IO_KEY_BYTES);
  const { nonce, userPubkey, ciphertext } = parseSecretMessage(blob);
  const txKey = deriveTxKey(sharedSecret(ioPrivateKey, userPubkey, 'user public key'), nonce);
  const plaintext = sivOpen('encrypted message', txKey, ciphertext);
  const prefix = plaintext.subarray(0, CODE_HASH_HEX_CHARS);
  let codeHash = '';
  for (const byte of prefix) codeHash += String.fromCharCode(byte);
  if (!CODE_HASH_RE.test(codeHash)) {
    throw new EncryptionError(`encrypted message: plaintext does not start with ${CODE_HASH_HEX_CHARS} hex characters of code hash`);
  }
  return { nonce, userPubkey, codeHash: codeHash.toLowerCase(), msg: plaintext.slice(CODE_HASH_HEX_CHARS) };
}

/**
 * The user's IO key pair and everything secretjs's EncryptionUtils does with it. Chain IO public
 * keys are passed in (fetching `/registration/v1beta1/tx-key` is not this class's job).
 */
export class IoEncryption {
  readonly #secret: Uint8Array;
  /** The user's X25519 public key, the second 32 bytes of every input blob. */
  readonly publicKey: Uint8Array;

  /** `seed`: 32 bytes used as the X25519 private key (clamped as curve25519 does); random when absent. */
  constructor(seed?: Uint8Array) {
    if (seed === undefined) seed = randomBytes(IO_KEY_BYTES);
    checkBytes('encryption seed', seed, IO_KEY_BYTES);
    this.#secret = Uint8Array.from(seed);
    this.publicKey = x25519.getPublicKey(this.#secret);
  }

  /** The raw X25519 shared secret with the chain (§2.4 step 4, `tx_ikm`). */
  sharedSecret(chainIoPubkey: Uint8Array): Uint8Array {
    return sharedSecret(this.#secret, chainIoPubkey, 'chain IO public key');
  }

  /** The tx key of one message: HKDF-SHA256(shared ‖ nonce, KDF_SALT, "", 32). */
  txKey(chainIoPubkey: Uint8Array, nonce: Uint8Array): Uint8Array {
    return deriveTxKey(this.sharedSecret(chainIoPubkey), nonce);
  }

  /**
   * The input blob for `init_msg`, `msg` or a query: nonce ‖ public key ‖ AES-SIV(code-hash hex,
   * lower-cased, ‖ `msgJson`). A fresh random nonce unless one is given (reuse only in tests).
   */
  encrypt(chainIoPubkey: Uint8Array, codeHashHex: string, msgJson: string, nonce?: Uint8Array): Uint8Array {
    if (typeof codeHashHex !== 'string' || !CODE_HASH_RE.test(codeHashHex)) {
      throw new EncryptionError(`code hash: expected ${CODE_HASH_HEX_CHARS} hex characters`);
    }
    if (typeof msgJson !== 'string') throw new EncryptionError('message: expected JSON text');
    if (nonce === undefined) nonce = randomBytes(IO_NONCE_BYTES);
    const txKey = this.txKey(chainIoPubkey, nonce);
    const ciphertext = sivSeal(txKey, utf8Bytes(codeHashHex.toLowerCase() + msgJson));
    const blob = new Uint8Array(HEADER_BYTES + ciphertext.length);
    blob.set(nonce, 0);
    blob.set(this.publicKey, IO_NONCE_BYTES);
    blob.set(ciphertext, HEADER_BYTES);
    return blob;
  }

  /** Decrypts anything encrypted under the tx key of `nonce` (an input's ciphertext or an output). */
  decrypt(chainIoPubkey: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    return sivOpen('ciphertext', this.txKey(chainIoPubkey, nonce), ciphertext);
  }

  /**
   * A response's `data` (§2.5): the plaintext is the base64 text of the contract's data bytes,
   * which are returned. Empty `data` means the contract returned none: empty bytes.
   */
  decryptData(chainIoPubkey: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    if (ciphertext instanceof Uint8Array && ciphertext.length === 0) return new Uint8Array(0);
    const text = utf8Text('data', sivOpen('data', this.txKey(chainIoPubkey, nonce), ciphertext));
    return base64Bytes('decrypted data', text);
  }

  /** One encrypted log attribute key or value: base64 of its ciphertext → its UTF-8 text. */
  decryptAttribute(chainIoPubkey: Uint8Array, nonce: Uint8Array, ciphertextB64: string): string {
    const ciphertext = base64Bytes('attribute', ciphertextB64);
    return utf8Text('attribute', sivOpen('attribute', this.txKey(chainIoPubkey, nonce), ciphertext));
  }

  /**
   * A contract error as the chain reports it, `… encrypted: <b64>: execute contract failed` (or the
   * bare base64): the decrypted error text (v1: the JSON-escaped error string; v0.10: StdError JSON).
   */
  decryptError(chainIoPubkey: Uint8Array, nonce: Uint8Array, errorText: string): string {
    const found = ENCRYPTED_ERROR_RE.exec(errorText);
    const b64 = found ? found[1] : errorText.trim();
    const ciphertext = base64Bytes('error', b64);
    return utf8Text('error', sivOpen('error', this.txKey(chainIoPubkey, nonce), ciphertext));
  }
}
