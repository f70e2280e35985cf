/**
 * Accounts (the auth module): number, sequence and public key per 20-byte address. An account is
 * created when it first receives coins or signs for the first time after being funded, as the
 * SDK's bank module does; numbers come from one counter in creation order.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { MeteredKv, PREFIX, be64, key, readBe64 } from './state.js';

export interface Account {
  address: Uint8Array;
  number: bigint;
  sequence: bigint;
  pubkey?: Uint8Array;
}

/** A module account's address: the first 20 bytes of SHA-256 of its name (SDK address.Module). */
export function moduleAddress(name: string): Uint8Array {
  return sha256(new TextEncoder().encode(name)).subarray(0, 20);
}

export const FEE_COLLECTOR = moduleAddress('fee_collector');

export class Auth {
  constructor(private readonly kv: MeteredKv) {}

  get(address: Uint8Array): Account | undefined {
    const v = this.kv.get(key(PREFIX.account, address));
    if (v === undefined) return undefined;
    return { address, number: readBe64(v, 0), sequence: readBe64(v, 8), ...(v.length > 16 ? { pubkey: v.slice(16) } : {}) };
  }

  /** The account at `address`, created (with the next number) if there is none. */
  ensure(address: Uint8Array): Account {
    const a = this.get(address);
    if (a !== undefined) return a;
    const created: Account = { address, number: this.kv.next('accountNumber') - 1n, sequence: 0n };
    this.save(created);
    return created;
  }

  save(a: Account): void {
    const v = new Uint8Array(16 + (a.pubkey?.length ?? 0));
    v.set(be64(a.number), 0);
    v.set(be64(a.sequence), 8);
    if (a.pubkey) v.set(a.pubkey, 16);
    this.kv.set(key(PREFIX.account, a.address), v);
  }
}
