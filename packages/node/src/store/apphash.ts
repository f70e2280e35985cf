/**
 * The app hash: a commitment to the state, chained block by block over each block's state changes.
 *
 *   changesDigest = SHA-256( for each change, in ascending key order:
 *                              BE32(key length) ‖ key ‖ flag (1 = set, 0 = deleted) ‖ BE32(value length) ‖ value )
 *   appHash(h)    = SHA-256( appHash(h − 1) ‖ BE64(h) ‖ changesDigest(changes of block h) )
 *
 * Genesis is height 0 with 32 zero bytes as appHash(−1). A deleted key has value length 0 and no
 * value bytes. The encoding is unambiguous and fixed, so the same changes give the same hash on any
 * machine; it commits to the sequence of change sets (what a cache recorded, including deletions of
 * keys that were absent), not to a Merkle tree of the state.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { be32, be64, compareBytes } from './bytes.js';

/** The bytes of an app hash. */
export const APP_HASH_BYTES = 32;

const SET = Uint8Array.of(1);
const DELETED = Uint8Array.of(0);

/** SHA-256 of the canonical encoding of a sorted change list (keys strictly ascending). */
export function changesDigest(changes: readonly (readonly [Uint8Array, Uint8Array | null])[]): Uint8Array {
  const h = sha256.create();
  let previous: Uint8Array | undefined;
  changes.forEach(([key, value], i) => {
    if (!(key instanceof Uint8Array)) throw new TypeError(`changesDigest: change ${i} has a key that is not a Uint8Array`);
    if (value !== null && !(value instanceof Uint8Array)) throw new TypeError(`changesDigest: change ${i} has a value that is neither a Uint8Array nor null`);
    if (previous !== undefined && compareBytes(previous, key) >= 0) {
      throw new Error(`changesDigest: change ${i} is out of order (keys must be strictly ascending)`);
    }
    previous = key;
    h.update(be32(key.length)).update(key);
    if (value === null) h.update(DELETED).update(be32(0));
    else h.update(SET).update(be32(value.length)).update(value);
  });
  return h.digest();
}

/** The app hash of block `height` given the previous one (32 zero bytes before genesis). */
export function nextAppHash(previous: Uint8Array, height: number, changes: readonly (readonly [Uint8Array, Uint8Array | null])[]): Uint8Array {
  if (!(previous instanceof Uint8Array) || previous.length !== APP_HASH_BYTES) {
    throw new RangeError(`nextAppHash: previous app hash must be ${APP_HASH_BYTES} bytes`);
  }
  if (!Number.isSafeInteger(height) || height < 0) throw new RangeError(`nextAppHash: height must be a non-negative integer, got ${height}`);
  return sha256.create().update(previous).update(be64(height)).update(changesDigest(changes)).digest();
}
