// The ERC20-style token shared by token-v1.ts (CosmWasm 1.x) and token-v010.ts (0.10): messages,
// storage, u128 arithmetic and errors. The two entry files only differ in how they get the sender,
// which address imports they call (the `Api` below) and how results and errors are wrapped.
//
// Storage (keys are bytes; amounts are Uint128 decimal ASCII without quotes):
//   "\x00\x07balance" ‖ canonical(owner)                                → balance
//   "\x00\x09allowance" ‖ u16be(len(owner)) ‖ canonical(owner) ‖ canonical(spender) → allowance (absent = 0)
//   "token_info"   → {"name":…,"symbol":…,"decimals":N}
//   "total_supply" → total supply
//   "minter"       → canonical address of the instantiator (the only one who may mint)
// A successful transfer writes exactly the two balances that changed (none for a transfer to oneself);
// transfer_from also writes (or removes, when it reaches 0) the allowance; approve writes (or removes,
// for 0) the allowance; burn and mint write one balance and the total supply.

import { Attrs, Bytes, Buf, JsonReader, jsonString, storageGet, storageRemove, storageSet } from "./lib";
import { Fields, bytesToString, endVariant, readEmptyObject, readStringFields, readVariant, unknownVariant } from "./lib/msg";
import { U128, parseU128 } from "./lib/u128";

// ------------------------------------------------------------------------------------------------
// Outcomes

export const OK: i32 = 0;
export const GENERIC: i32 = 1;
export const PARSE: i32 = 2;
export const UNAUTHORIZED: i32 = 3;

/** What an entry point produced: attributes (instantiate/execute), an answer (query) or an error. */
export class Outcome {
  constructor(public kind: i32, public msg: Bytes, public attrs: Attrs, public answer: Bytes) {}
}

function done(attrs: Attrs): Outcome {
  return new Outcome(OK, Bytes.empty(), attrs, Bytes.empty());
}

function answer(json: Bytes): Outcome {
  return new Outcome(OK, Bytes.empty(), new Attrs(), json);
}

function generic(msg: Bytes): Outcome {
  return new Outcome(GENERIC, msg, new Attrs(), Bytes.empty());
}

function genericStr(msg: string): Outcome {
  return generic(Bytes.of(msg));
}

function parseFailure(r: JsonReader): Outcome {
  return new Outcome(PARSE, Bytes.of(r.error), new Attrs(), Bytes.empty());
}

function unauthorized(): Outcome {
  return new Outcome(UNAUTHORIZED, Bytes.of("Unauthorized"), new Attrs(), Bytes.empty());
}

// ------------------------------------------------------------------------------------------------
// Addresses per generation

/**
 * Address conversion, implemented per generation by the entry file (so that each contract imports only
 * its own generation's functions). 1.x: addresses from messages are checked with addr_validate, then
 * turned into canonical bytes with addr_canonicalize; 0.10: canonicalize_address. On failure `error`
 * holds the contract's error text, "<import> errored: <the host's message>" as cosmwasm-std words it.
 */
export abstract class Api {
  error: Bytes = Bytes.empty();

  protected fail(importName: string, hostText: Bytes): Bytes | null {
    this.error = new Buf(<usize>importName.length + hostText.len + 12).str(importName).str(" errored: ").append(hostText).bytes();
    return null;
  }

  /** An address from a message: validated (1.x) and canonicalized. */
  abstract canonical(human: Bytes): Bytes | null;
  /** The sender, which the chain already validated: canonicalized only. */
  abstract canonicalSender(human: Bytes): Bytes | null;
  abstract human(canonical: Bytes): Bytes | null;
}

// ------------------------------------------------------------------------------------------------
// Storage

const BALANCE_NS = "\x00\x07balance";
const ALLOWANCE_NS = "\x00\x09allowance";

function balanceKey(owner: Bytes): Bytes {
  return new Buf(9 + owner.len).str(BALANCE_NS).append(owner).bytes();
}

function allowanceKey(owner: Bytes, spender: Bytes): Bytes {
  const b = new Buf(13 + owner.len + spender.len).str(ALLOWANCE_NS);
  b.byte(<i32>(owner.len >> 8) & 0xff).byte(<i32>owner.len & 0xff);
  return b.append(owner).append(spender).bytes();
}

/** A stored amount (absent = 0). Stored amounts are written by this contract only: garbage traps. */
function loadAmount(key: Bytes): U128 {
  const raw = storageGet(key);
  if (raw == null) return U128.zero();
  const p = parseU128(raw);
  if (!p.ok) unreachable();
  return p.value;
}

function saveAmount(key: Bytes, v: U128): void {
  storageSet(key, v.toBytes());
}

// ------------------------------------------------------------------------------------------------
// Message fields

/** A Uint128 string field; a malformed one fails the reader with cosmwasm-std's text. */
function amountOf(r: JsonReader, text: Bytes | null): U128 {
  if (text == null || r.failed) return U128.zero();
  const p = parseU128(text);
  if (!p.ok) {
    r.fail("invalid Uint128 '" + bytesToString(text) + "' - " + p.error);
    return U128.zero();
  }
  return p.value;
}

function insufficient(what: string, have: U128, need: U128): Outcome {
  const b = new Buf(64).str("Insufficient ").str(what).str(": ").str(what == "funds" ? "balance" : "allowance").byte(61);
  have.write(b);
  b.str(", required=");
  need.write(b);
  return generic(b.bytes());
}

function overflowAdd(a: U128, b: U128): Outcome {
  const out = new Buf(96).str("Overflow: Cannot Add with ");
  a.write(out);
  out.str(" and ");
  b.write(out);
  return generic(out.bytes());
}

function amountText(v: U128): Bytes {
  return v.toBytes();
}

function validName(name: Bytes): bool {
  return name.len >= 3 && name.len <= 50;
}

function validSymbol(symbol: Bytes): bool {
  if (symbol.len < 3 || symbol.len > 12) return false;
  for (let i: usize = 0; i < symbol.len; i++) {
    const c = <i32>symbol.at(i);
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45)) return false;
  }
  return true;
}

// ------------------------------------------------------------------------------------------------
// instantiate / init

const INIT_FIELDS = ["name", "symbol", "decimals", "initial_balances"];
const BALANCE_FIELDS = ["address", "amount"];

/**
 * `{"name":"Cloak Token","symbol":"CLK","decimals":6,"initial_balances":[{"address":…,"amount":"1000"}]}`.
 * The sender becomes the minter.
 */
export function tokenInstantiate(api: Api, msg: Bytes, sender: Bytes): Outcome {
  const r = new JsonReader(msg);
  let name = Bytes.empty(), symbol = Bytes.empty();
  let decimals: u64 = 0;
  const holders = new Array<Bytes>();
  const amounts = new Array<U128>();
  const f = new Fields(r, INIT_FIELDS);
  if (f.begin()) {
    let i: i32;
    while ((i = f.next()) >= 0) {
      if (i == 0) name = r.readString();
      else if (i == 1) symbol = r.readString();
      else if (i == 2) {
        decimals = r.readU64();
        if (!r.failed && decimals > 255) r.fail("invalid value: integer `" + decimals.toString() + "`, expected u8");
      } else if (r.beginArray()) {
        while (r.nextItem()) {
          const v = readStringFields(r, BALANCE_FIELDS);
          if (r.failed) break;
          holders.push(v[0]!);
          amounts.push(amountOf(r, v[1]));
        }
      }
    }
    for (let j = 0; j < INIT_FIELDS.length; j++) f.require(j);
  }
  r.finish();
  if (r.failed) return parseFailure(r);

  if (!validName(name)) return genericStr("Name is not in the expected format (3-50 UTF-8 bytes)");
  if (!validSymbol(symbol)) return genericStr("Ticker symbol is not in expected format [a-zA-Z\\-]{3,12}");
  if (decimals > 18) return genericStr("Decimals must not exceed 18");

  let total = U128.zero();
  for (let i = 0; i < holders.length; i++) {
    const canon = api.canonical(holders[i]);
    if (canon == null) return generic(api.error);
    const key = balanceKey(canon);
    if (storageGet(key) != null) return genericStr("Duplicate initial balance addresses");
    const sum = total.checkedAdd(amounts[i]);
    if (sum == null) return overflowAdd(total, amounts[i]);
    total = sum;
    saveAmount(key, amounts[i]);
  }
  const minter = api.canonicalSender(sender);
  if (minter == null) return generic(api.error);

  const info = new Buf(64).str("{\"name\":");
  jsonString(info, name);
  info.str(",\"symbol\":");
  jsonString(info, symbol);
  info.str(",\"decimals\":").u64(decimals).byte(125);
  storageSet(Bytes.of("token_info"), info.bytes());
  saveAmount(Bytes.of("total_supply"), total);
  storageSet(Bytes.of("minter"), minter);
  return done(new Attrs().addStr("action", "instantiate").add("symbol", symbol).add("total_supply", amountText(total)));
}

// ------------------------------------------------------------------------------------------------
// execute / handle

const EXECUTE_VARIANTS = ["transfer", "transfer_from", "approve", "burn", "mint"];
const TRANSFER_FIELDS = ["recipient", "amount"];
const TRANSFER_FROM_FIELDS = ["owner", "recipient", "amount"];
const APPROVE_FIELDS = ["spender", "amount"];
const BURN_FIELDS = ["amount"];

export function tokenExecute(api: Api, msg: Bytes, sender: Bytes): Outcome {
  const r = new JsonReader(msg);
  const variant = readVariant(r);
  if (variant == null) return parseFailure(r);
  if (variant.eq("transfer")) {
    const v = readStringFields(r, TRANSFER_FIELDS);
    const amount = amountOf(r, v[1]);
    endVariant(r);
    if (r.failed) return parseFailure(r);
    return transfer(api, sender, v[0]!, amount);
  }
  if (variant.eq("transfer_from")) {
    const v = readStringFields(r, TRANSFER_FROM_FIELDS);
    const amount = amountOf(r, v[2]);
    endVariant(r);
    if (r.failed) return parseFailure(r);
    return transferFrom(api, sender, v[0]!, v[1]!, amount);
  }
  if (variant.eq("approve")) {
    const v = readStringFields(r, APPROVE_FIELDS);
    const amount = amountOf(r, v[1]);
    endVariant(r);
    if (r.failed) return parseFailure(r);
    return approve(api, sender, v[0]!, amount);
  }
  if (variant.eq("burn")) {
    const v = readStringFields(r, BURN_FIELDS);
    const amount = amountOf(r, v[0]);
    endVariant(r);
    if (r.failed) return parseFailure(r);
    return burn(api, sender, amount);
  }
  if (variant.eq("mint")) {
    const v = readStringFields(r, TRANSFER_FIELDS);
    const amount = amountOf(r, v[1]);
    endVariant(r);
    if (r.failed) return parseFailure(r);
    return mint(api, sender, v[0]!, amount);
  }
  r.fail(bytesToString(unknownVariant(variant, EXECUTE_VARIANTS)));
  return parseFailure(r);
}

/** Moves `amount` from `from` to `to` (canonical), writing only the balances that change. */
function move(from: Bytes, to: Bytes, amount: U128): Outcome | null {
  const fromKey = balanceKey(from);
  const have = loadAmount(fromKey);
  if (have.lt(amount)) return insufficient("funds", have, amount);
  if (from.equals(to)) return null;
  const toKey = balanceKey(to);
  const before = loadAmount(toKey);
  const after = before.checkedAdd(amount);
  if (after == null) return overflowAdd(before, amount);
  saveAmount(fromKey, have.checkedSub(amount)!);
  saveAmount(toKey, after);
  return null;
}

function transfer(api: Api, sender: Bytes, recipient: Bytes, amount: U128): Outcome {
  if (amount.isZero()) return genericStr("Invalid zero amount");
  const to = api.canonical(recipient);
  if (to == null) return generic(api.error);
  const from = api.canonicalSender(sender);
  if (from == null) return generic(api.error);
  const failed = move(from, to, amount);
  if (failed != null) return failed;
  return done(new Attrs().addStr("action", "transfer").add("from", sender).add("to", recipient).add("amount", amountText(amount)));
}

function transferFrom(api: Api, sender: Bytes, owner: Bytes, recipient: Bytes, amount: U128): Outcome {
  if (amount.isZero()) return genericStr("Invalid zero amount");
  const from = api.canonical(owner);
  if (from == null) return generic(api.error);
  const to = api.canonical(recipient);
  if (to == null) return generic(api.error);
  const spender = api.canonicalSender(sender);
  if (spender == null) return generic(api.error);
  const key = allowanceKey(from, spender);
  const allowed = loadAmount(key);
  if (allowed.lt(amount)) return insufficient("allowance", allowed, amount);
  const failed = move(from, to, amount);
  if (failed != null) return failed;
  const left = allowed.checkedSub(amount)!;
  if (left.isZero()) storageRemove(key);
  else saveAmount(key, left);
  return done(new Attrs().addStr("action", "transfer_from").add("from", owner).add("to", recipient).add("by", sender).add("amount", amountText(amount)));
}

function approve(api: Api, sender: Bytes, spender: Bytes, amount: U128): Outcome {
  const who = api.canonical(spender);
  if (who == null) return generic(api.error);
  const owner = api.canonicalSender(sender);
  if (owner == null) return generic(api.error);
  if (owner.equals(who)) return genericStr("Cannot set allowance to own account");
  const key = allowanceKey(owner, who);
  if (amount.isZero()) storageRemove(key);
  else saveAmount(key, amount);
  return done(new Attrs().addStr("action", "approve").add("owner", sender).add("spender", spender).add("amount", amountText(amount)));
}

function burn(api: Api, sender: Bytes, amount: U128): Outcome {
  if (amount.isZero()) return genericStr("Invalid zero amount");
  const from = api.canonicalSender(sender);
  if (from == null) return generic(api.error);
  const key = balanceKey(from);
  const have = loadAmount(key);
  if (have.lt(amount)) return insufficient("funds", have, amount);
  saveAmount(key, have.checkedSub(amount)!);
  const supplyKey = Bytes.of("total_supply");
  // Cannot underflow: the supply is the sum of all balances.
  saveAmount(supplyKey, loadAmount(supplyKey).checkedSub(amount)!);
  return done(new Attrs().addStr("action", "burn").add("from", sender).add("amount", amountText(amount)));
}

function mint(api: Api, sender: Bytes, recipient: Bytes, amount: U128): Outcome {
  if (amount.isZero()) return genericStr("Invalid zero amount");
  const who = api.canonicalSender(sender);
  if (who == null) return generic(api.error);
  const minter = storageGet(Bytes.of("minter"));
  if (minter == null || !minter.equals(who)) return unauthorized();
  const to = api.canonical(recipient);
  if (to == null) return generic(api.error);
  const supplyKey = Bytes.of("total_supply");
  const supply = loadAmount(supplyKey);
  const newSupply = supply.checkedAdd(amount);
  if (newSupply == null) return overflowAdd(supply, amount);
  const key = balanceKey(to);
  // Cannot overflow: a balance never exceeds the total supply.
  saveAmount(key, loadAmount(key).checkedAdd(amount)!);
  saveAmount(supplyKey, newSupply);
  return done(new Attrs().addStr("action", "mint").add("to", recipient).add("amount", amountText(amount)));
}

// ------------------------------------------------------------------------------------------------
// query

const QUERY_VARIANTS = ["balance", "allowance", "token_info", "minter"];
const BALANCE_QUERY_FIELDS = ["address"];
const ALLOWANCE_QUERY_FIELDS = ["owner", "spender"];

export function tokenQuery(api: Api, msg: Bytes): Outcome {
  const r = new JsonReader(msg);
  const variant = readVariant(r);
  if (variant == null) return parseFailure(r);
  if (variant.eq("balance")) {
    const v = readStringFields(r, BALANCE_QUERY_FIELDS);
    endVariant(r);
    if (r.failed) return parseFailure(r);
    const who = api.canonical(v[0]!);
    if (who == null) return generic(api.error);
    const out = new Buf(40).str("{\"balance\":\"");
    loadAmount(balanceKey(who)).write(out);
    return answer(out.str("\"}").bytes());
  }
  if (variant.eq("allowance")) {
    const v = readStringFields(r, ALLOWANCE_QUERY_FIELDS);
    endVariant(r);
    if (r.failed) return parseFailure(r);
    const owner = api.canonical(v[0]!);
    if (owner == null) return generic(api.error);
    const spender = api.canonical(v[1]!);
    if (spender == null) return generic(api.error);
    const out = new Buf(40).str("{\"allowance\":\"");
    loadAmount(allowanceKey(owner, spender)).write(out);
    return answer(out.str("\"}").bytes());
  }
  if (variant.eq("token_info")) {
    readEmptyObject(r);
    endVariant(r);
    if (r.failed) return parseFailure(r);
    const info = storageGet(Bytes.of("token_info"));
    if (info == null) return genericStr("token_info not found");
    // {"name":…,"symbol":…,"decimals":N} + ,"total_supply":"…"}
    const out = new Buf(info.len + 64).append(new Bytes(info.ptr, info.len - 1)).str(",\"total_supply\":\"");
    loadAmount(Bytes.of("total_supply")).write(out);
    return answer(out.str("\"}").bytes());
  }
  if (variant.eq("minter")) {
    readEmptyObject(r);
    endVariant(r);
    if (r.failed) return parseFailure(r);
    const canon = storageGet(Bytes.of("minter"));
    if (canon == null) return genericStr("minter not found");
    const human = api.human(canon);
    if (human == null) return generic(api.error);
    const out = new Buf(human.len + 16).str("{\"minter\":");
    jsonString(out, human);
    return answer(out.byte(125).bytes());
  }
  r.fail(bytesToString(unknownVariant(variant, QUERY_VARIANTS)));
  return parseFailure(r);
}
