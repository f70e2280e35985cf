/**
 * The enclave's key manager derivations, byte for byte as spec/secret-compute.md §2.1–§2.3 describe
 * them (no I/O, no sealing): from the ordered list of 32-byte consensus seeds [genesis, current, …]
 * it derives, with the seed flavour of §2.2 — HKDF-SHA256(ikm = seed ‖ BE32(n), salt = KDF_SALT,
 * info = "seed", 32 B) — the seed-exchange (n = 1) and IO (n = 2) X25519 secrets of the last seed
 * and their public keys X25519(secret, 9) (clamped inside the scalar multiplication only), the state
 * IKM (n = 3) of every seed, the callback secret (4), random-encryption key (5) and initial
 * randomness seed (6) of the last seed, and the admin-proof (7) and contract-key-proof (8) secrets of
 * every seed (the last one when creating a proof, any index ≥ 1 when validating one, §2.6). Secrets
 * live in private (#) fields of KeyManager and leave it only as fresh copies through its methods;
 * the object shows no secret through JSON.stringify or util.inspect. Errors (KeyManagerError) name
 * what was wrong but never print a seed or key.
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64, hex } from '@scure/base';

/** Size of a consensus seed and of every derived key (§2.1). */
export const SEED_BYTES = 32;

/** HKDF salt: the hash of Bitcoin block 630,000 (§2.1 KDF_SALT). */
const KDF_SALT = hex.decode('000000000000000000024bead8df69990852c202db0e0097c1a12ea637d7e96d');
const SEED_INFO = new TextEncoder().encode('seed');

/** Derive orders of §2.3. */
const ORDER = {
  seedExchange: 1,
  io: 2,
  stateIkm: 3,
  callback: 4,
  randomEncryption: 5,
  initialRandomness: 6,
  adminProof: 7,
  contractKeyProof: 8,
} as const;

/** Seeds of a wrong shape or count, or a seed index out of range. */
export class KeyManagerError extends Error {
  override readonly name: string = 'KeyManagerError';
}

/** §2.2 seed flavour with §2.3's data: HKDF-SHA256(seed ‖ BE32(n), KDF_SALT, "seed", 32). */
function deriveFromSeed(seed: Uint8Array, order: number): Uint8Array {
  const ikm = new Uint8Array(SEED_BYTES + 4);
  ikm.set(seed, 0);
  new DataView(ikm.buffer).setUint32(SEED_BYTES, order, false);
  const key = hkdf(sha256, ikm, KDF_SALT, SEED_INFO, SEED_BYTES);
  ikm.fill(0);
  return key;
}

/**
 * The master keys of one enclave, derived from its consensus seeds. Seed indexes are 0-based
 * positions in the seed list (0 = genesis, seedCount − 1 = current); the spec's 1-based "seed id"
 * of stored values (§2.6) is index + 1.
 */
export class KeyManager {
  readonly #seedCount: number;
  readonly #seedExchangeSk: Uint8Array;
  readonly #seedExchangePk: Uint8Array;
  readonly #ioSk: Uint8Array;
  readonly #ioPk: Uint8Array;
  readonly #stateIkms: readonly Uint8Array[];
  readonly #callbackSecret: Uint8Array;
  readonly #randomEncryptionKey: Uint8Array;
  readonly #initialRandomnessSeed: Uint8Array;
  readonly #adminProofSecrets: readonly Uint8Array[];
  readonly #contractKeyProofSecrets: readonly Uint8Array[];

  /**
   * Derives every key from `seeds` = [genesis, current, …rotations]: at least two (bootstrap creates
   * genesis and current at once, and state keys use seed #2 forever), each exactly 32 bytes. The
   * seeds are not kept.
   */
  constructor(seeds: readonly Uint8Array[]) {
    if (!Array.isArray(seeds)) throw new KeyManagerError('consensus seeds must be a list of byte arrays');
    if (seeds.length < 2) {
      throw new KeyManagerError(`need at least 2 consensus seeds (genesis and current), got ${seeds.length}`);
    }
    if (seeds.length > 0xffff) throw new KeyManagerError(`too many consensus seeds: ${seeds.length} (at most 65535)`);
    seeds.forEach((seed, i) => {
      if (!(seed instanceof Uint8Array)) throw new KeyManagerError(`consensus seed ${i} is not a byte array`);
      if (seed.length !== SEED_BYTES) {
        throw new KeyManagerError(`consensus seed ${i} must be ${SEED_BYTES} bytes, got ${seed.length}`);
      }
    });
    const last = seeds[seeds.length - 1];
    this.#seedCount = seeds.length;
    this.#seedExchangeSk = deriveFromSeed(last, ORDER.seedExchange);
    this.#seedExchangePk = x25519.getPublicKey(this.#seedExchangeSk);
    this.#ioSk = deriveFromSeed(last, ORDER.io);
    this.#ioPk = x25519.getPublicKey(this.#ioSk);
    this.#stateIkms = seeds.map((s) => deriveFromSeed(s, ORDER.stateIkm));
    this.#callbackSecret = deriveFromSeed(last, ORDER.callback);
    this.#randomEncryptionKey = deriveFromSeed(last, ORDER.randomEncryption);
    this.#initialRandomnessSeed = deriveFromSeed(last, ORDER.initialRandomness);
    this.#adminProofSecrets = seeds.map((s) => deriveFromSeed(s, ORDER.adminProof));
    this.#contractKeyProofSecrets = seeds.map((s) => deriveFromSeed(s, ORDER.contractKeyProof));
  }

  /** How many consensus seeds the keys were derived from (≥ 2). */
  get seedCount(): number {
    return this.#seedCount;
  }

  /** derive(current, 1): X25519 secret of the seed exchange with new nodes (§2.10). */
  seedExchangeSk(): Uint8Array {
    return this.#seedExchangeSk.slice();
  }

  /** Its public key, on chain as `NodeExchMasterKey`. */
  seedExchangePk(): Uint8Array {
    return this.#seedExchangePk.slice();
  }

  /** derive(current, 2): X25519 secret of transaction IO encryption (§2.4). */
  ioSk(): Uint8Array {
    return this.#ioSk.slice();
  }

  /** Its public key, on chain as `IoExchMasterKey` (the "tx key" clients encrypt to). */
  ioPk(): Uint8Array {
    return this.#ioPk.slice();
  }

  /** The IO public key in standard base64 with padding. */
  ioPkBase64(): string {
    return base64.encode(this.#ioPk);
  }

  /** derive(seed[index], 3): the state-encryption IKM of one seed; without index, of the current seed. */
  stateIkm(index: number = this.#seedCount - 1): Uint8Array {
    return this.#stateIkms[this.#checkIndex('state IKM', index, 0)].slice();
  }

  /** derive(current, 4): key of contract-to-contract callback signatures (§2.8). */
  callbackSecret(): Uint8Array {
    return this.#callbackSecret.slice();
  }

  /** derive(current, 5): key that encrypts the per-block random (§2.9). */
  randomEncryptionKey(): Uint8Array {
    return this.#randomEncryptionKey.slice();
  }

  /** derive(current, 6): HMAC key of random proofs (§2.9). */
  initialRandomnessSeed(): Uint8Array {
    return this.#initialRandomnessSeed.slice();
  }

  /** derive(seed[index], 7): admin-proof secret; without index, the current seed's (for creating proofs). Index ≥ 1. */
  adminProofSecret(index: number = this.#seedCount - 1): Uint8Array {
    return this.#adminProofSecrets[this.#checkIndex('admin-proof secret', index, 1)].slice();
  }

  /** derive(seed[index], 8): contract-key-proof secret; without index, the current seed's. Index ≥ 1. */
  contractKeyProofSecret(index: number = this.#seedCount - 1): Uint8Array {
    return this.#contractKeyProofSecrets[this.#checkIndex('contract-key-proof secret', index, 1)].slice();
  }

  /** Proof secrets are never taken from the genesis seed (§2.6: "any seed index ≥ 1"). */
  #checkIndex(what: string, index: number, min: number): number {
    if (!Number.isInteger(index) || index < min || index >= this.#seedCount) {
      throw new KeyManagerError(`${what}: seed index ${String(index)} out of range ${min}..${this.#seedCount - 1}`);
    }
    return index;
  }

  /** Shows only the seed count, never a key. */
  toJSON(): { seedCount: number } {
    return { seedCount: this.#seedCount };
  }

  /** Same for util.inspect / console.log. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `KeyManager { seedCount: ${this.#seedCount} }`;
  }
}
