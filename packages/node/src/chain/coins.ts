/**
 * Coins as the bank module accepts them: a denom matching the SDK's pattern and a non-negative
 * integer amount below 2^256, in decimal text. Lists are checked to be sorted by denom with no
 * duplicates and no zero amounts where the SDK requires "valid coins".
 */
import { SdkError } from './errors.js';

export interface Coin { denom: string; amount: string }

const DENOM = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/;
const AMOUNT = /^[0-9]{1,78}$/;
const MAX = (1n << 256n) - 1n;

export function parseAmount(s: string, what: string): bigint {
  if (!AMOUNT.test(s)) throw SdkError.invalidCoins(`${what}: amount "${s.slice(0, 80)}" is not a non-negative integer`);
  const n = BigInt(s);
  if (n > MAX) throw SdkError.invalidCoins(`${what}: amount ${s} exceeds 2^256-1`);
  return n;
}

export function checkDenom(d: string, what: string): void {
  if (!DENOM.test(d)) throw SdkError.invalidCoins(`${what}: invalid denom "${d.slice(0, 130)}"`);
}

/** Checks a list of coins and returns it as (denom, amount) pairs; `allowZero` for fee lists. */
export function checkCoins(coins: Coin[], what: string, allowZero = false): [string, bigint][] {
  const out: [string, bigint][] = [];
  for (const c of coins) {
    checkDenom(c.denom, what);
    const n = parseAmount(c.amount, what);
    if (n === 0n && !allowZero) throw SdkError.invalidCoins(`${what}: ${c.denom} has a zero amount`);
    const prev = out[out.length - 1];
    if (prev !== undefined && prev[0] >= c.denom) throw SdkError.invalidCoins(`${what}: denoms must be sorted and unique (${prev[0]} before ${c.denom})`);
    out.push([c.denom, n]);
  }
  return out;
}

/** "100uscrt,5ufoo", as the SDK prints coins in events. */
export function coinsText(coins: [string, bigint][]): string {
  return coins.map(([d, n]) => `${n}${d}`).join(',');
}
