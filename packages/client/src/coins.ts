/**
 * cosmos.base.v1beta1.Coin (spec/secretjs-surface.md §3.1: 1 denom, 2 amount as decimal text) as
 * it appears in fees, bank sends and the funds of compute messages. Encoding is cosmjs-types' Coin
 * codec; decoding reads the shape strictly and checks the amount is what cosmos-sdk's math.Int
 * accepts when it unmarshals: decimal digits, at most 256 bits (a node rejects anything else as
 * undecodable). Denominations are not judged here: that is the bank module's rule.
 */
import type { BinaryWriter } from 'cosmjs-types/binary';
import { Coin as CoinCodec } from 'cosmjs-types/cosmos/base/v1beta1/coin';
import { MAX_COIN_AMOUNT } from './limits.js';
import { DecodeError, type Fields, type Shape } from './wire.js';

export interface Coin {
  denom: string;
  /** A non-negative integer in decimal, e.g. "2500". */
  amount: string;
}

export const COIN_SHAPE: Shape = {
  name: 'cosmos.base.v1beta1.Coin',
  fields: { 1: { name: 'denom', kind: 'string' }, 2: { name: 'amount', kind: 'string' } },
  unknown: 'reject',
};

const DIGITS = /^[0-9]+$/;

/** The coin in a decoded Coin message; a bad amount is a DecodeError naming the path. */
export function coinFrom(f: Fields): Coin {
  const coin = { denom: f.string(1), amount: f.string(2) };
  const problem = amountProblem(coin.amount);
  if (problem !== undefined) throw new DecodeError(`${f.path}.amount: ${problem}`);
  return coin;
}

/** Checks a coin list before it is encoded: a TypeError or RangeError naming the coin otherwise. */
export function checkCoins(coins: readonly Coin[], what: string): void {
  if (!Array.isArray(coins)) throw new TypeError(`${what}: expected a list of coins, got ${typeof coins}`);
  coins.forEach((c, i) => {
    if (c === null || typeof c !== 'object' || typeof c.denom !== 'string') throw new TypeError(`${what}[${i}]: expected {denom: string, amount: string}`);
    const problem = amountProblem(c.amount);
    if (problem !== undefined) throw new RangeError(`${what}[${i}].amount: ${problem}`);
  });
}

/** Writes each coin as field `field` of the message `w` is writing (as cosmjs-types does). */
export function writeCoins(w: BinaryWriter, field: number, coins: readonly Coin[], what: string): void {
  checkCoins(coins, what);
  for (const c of coins) CoinCodec.encode({ denom: c.denom, amount: c.amount }, w.uint32((field << 3) | 2).fork()).ldelim();
}

/** The gateway's JSON for a coin list: `[{denom, amount}]`, amounts as strings. */
export function coinsJson(coins: readonly Coin[]): { denom: string; amount: string }[] {
  return coins.map((c) => ({ denom: c.denom, amount: c.amount }));
}

function amountProblem(amount: unknown): string | undefined {
  if (typeof amount !== 'string' || !DIGITS.test(amount)) {
    return `"${String(amount).slice(0, 80)}" is not a non-negative decimal integer`;
  }
  // 2^256 - 1 has 78 digits: longer numbers are refused before BigInt parses them.
  const significant = amount.replace(/^0+(?=.)/, '');
  if (significant.length > 78 || BigInt(significant) > MAX_COIN_AMOUNT) return `${significant.slice(0, 80)} exceeds 2^256 - 1`;
  return undefined;
}
