/**
 * Balances (the bank module): one record per (address, denom); sends create the receiving account
 * as the SDK does, and emit the SDK's coin_spent / coin_received / transfer events.
 */
import { Auth } from './auth.js';
import { coinsText, type Coin } from './coins.js';
import { SdkError } from './errors.js';
import { event, type Event } from './events.js';
import { MeteredKv, PREFIX, key, prefixEnd } from './state.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

export class Bank {
  private readonly auth: Auth;
  constructor(private readonly kv: MeteredKv, private readonly bech32: (a: Uint8Array) => string) {
    this.auth = new Auth(kv);
  }

  balance(address: Uint8Array, denom: string): bigint {
    const v = this.kv.get(key(PREFIX.balance, address, denom));
    return v === undefined ? 0n : BigInt(dec.decode(v));
  }

  /** Every non-zero balance of `address`, sorted by denom. */
  balances(address: Uint8Array): Coin[] {
    const p = key(PREFIX.balance, address);
    return this.kv.range(p, prefixEnd(p), false, 1000).map(([k, v]) => ({ denom: dec.decode(k.subarray(p.length)), amount: dec.decode(v) }));
  }

  private put(address: Uint8Array, denom: string, n: bigint): void {
    const k = key(PREFIX.balance, address, denom);
    if (n === 0n) this.kv.delete(k);
    else this.kv.set(k, enc.encode(n.toString()));
  }

  /** Adds coins to an account (genesis, fee refunds); creates the account. */
  mint(to: Uint8Array, coins: [string, bigint][]): void {
    this.auth.ensure(to);
    for (const [d, n] of coins) this.put(to, d, this.balance(to, d) + n);
  }

  /** Moves coins; fails with insufficient funds (nothing moved) if `from` lacks any of them. */
  send(from: Uint8Array, to: Uint8Array, coins: [string, bigint][]): Event[] {
    // Nothing to move: no account is created, no event (x/compute treats an empty send as a no-op).
    if (coins.length === 0) return [];
    for (const [d, n] of coins) {
      const have = this.balance(from, d);
      if (have < n) throw SdkError.insufficientFunds(`spendable balance ${have}${d} is smaller than ${n}${d}: insufficient funds`);
    }
    for (const [d, n] of coins) this.put(from, d, this.balance(from, d) - n);
    this.auth.ensure(to);
    for (const [d, n] of coins) this.put(to, d, this.balance(to, d) + n);
    const amount = coinsText(coins);
    const sender = this.bech32(from);
    const recipient = this.bech32(to);
    return [
      event('coin_spent', ['spender', sender], ['amount', amount]),
      event('coin_received', ['receiver', recipient], ['amount', amount]),
      event('transfer', ['recipient', recipient], ['sender', sender], ['amount', amount]),
    ];
  }
}
