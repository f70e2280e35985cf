/**
 * The sizes and names a client of cloak lives by, each from its source: Secret Network's account
 * addresses (spec/secretjs-surface.md §2.1), the secp256k1 key and signature forms of cosmos-sdk
 * (§3.1, §3.5), the SDK's coin amounts (math.Int, 256 bits) and the hierarchical-deterministic path
 * of Secret's coin type (SLIP-44 529).
 */

/** Human-readable part of every account and contract address (design.md "Decisions"). */
export const ADDRESS_PREFIX = 'secret';
/** An account address: RIPEMD160(SHA256(compressed public key)) (cosmos-sdk secp256k1). */
export const ADDRESS_BYTES = 20;
/** A secp256k1 private key. */
export const PRIVATE_KEY_BYTES = 32;
/** A compressed secp256k1 public key, 0x02 or 0x03 then x (spec §3.1 SignerInfo.public_key). */
export const PUBKEY_BYTES = 33;
/** A compact r‖s signature (spec §3.1 TxRaw.signatures). */
export const SIGNATURE_BYTES = 64;
/** SLIP-44 coin type of Secret Network (spec §2.1: m/44'/529'/0'/0/index). */
export const COIN_TYPE = 529;
/** Largest coin amount: cosmos-sdk math.Int holds at most 256 bits. */
export const MAX_COIN_AMOUNT = (1n << 256n) - 1n;
/** Largest uint64, for sequences, account numbers, gas limits and code ids. */
export const MAX_UINT64 = (1n << 64n) - 1n;
