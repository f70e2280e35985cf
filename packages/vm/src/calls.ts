/**
 * Calling an entry point (spec/cosmwasm-abi.md §2.3): every argument goes in through the contract's
 * `allocate` (by UTF-8 byte length) and a Region write; the export returns one Region pointer, whose
 * bytes are read under the era's limit and then handed back with `deallocate`. The argument Regions
 * are the contract's to free. Then the result JSON is unwrapped: `{"ok": …}` / `{"error": "…"}` from
 * 0.11 on, `{"Ok": …}` / `{"Err": {…}}` in 0.8–0.10 (§1, §3.5, §4.5); anything else is a `parse`
 * error naming what was wrong.
 */
import type { ContractInstance } from './engine.js';
import { VmError } from './errors.js';
import { JsonError, parseJson, type JsonValue } from './json.js';
import { readRegion, writeRegion } from './region.js';

/** Calls `name` with the given argument bytes; returns the bytes of the result Region. */
export function callRaw(instance: ContractInstance, name: string, args: readonly Uint8Array[], readLimit: number): Uint8Array {
  if (!instance.hasExport(name)) throw new VmError('resolve', `missing export ${name}`);
  const ptrs: number[] = [];
  for (let k = 0; k < args.length; k++) {
    const ptr = instance.call('allocate', [args[k].length]);
    if (ptr === undefined) throw new VmError('resolve', 'allocate must return a Region pointer');
    if (ptr === 0) throw new VmError('communication', `allocate(${args[k].length}) returned 0 for argument ${k + 1} of ${name}`);
    writeRegion(instance.memory(), ptr, args[k], `argument ${k + 1} of ${name}`);
    ptrs.push(ptr);
  }
  const res = instance.call(name, ptrs);
  if (res === undefined) throw new VmError('resolve', `${name} must return a Region pointer`);
  const data = readRegion(instance.memory(), res, readLimit, `result of ${name}`);
  instance.call('deallocate', [res]);
  return data;
}

export type ContractResult = { ok: true; value: JsonValue } | { ok: false; error: JsonValue };

/**
 * Unwraps a result. `era` 'v1' is `{"ok"}` / `{"error": string}` (0.11 on); 'v010' is
 * `{"Ok"}` / `{"Err": StdError}` (0.8–0.10). Exactly one key is allowed.
 */
export function parseContractResult(bytes: Uint8Array, era: 'v1' | 'v010', what: string): ContractResult {
  let v: JsonValue;
  try {
    v = parseJson(bytes);
  } catch (err) {
    if (err instanceof JsonError) throw new VmError('parse', `${what}: the contract returned invalid JSON: ${err.message}`);
    throw err;
  }
  const [okKey, errKey] = era === 'v1' ? ['ok', 'error'] : ['Ok', 'Err'];
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new VmError('parse', `${what}: expected a JSON object with "${okKey}" or "${errKey}"`);
  const keys = Object.keys(v);
  if (keys.length !== 1 || (keys[0] !== okKey && keys[0] !== errKey)) {
    throw new VmError('parse', `${what}: expected exactly one of "${okKey}" / "${errKey}", got ${keys.length === 0 ? 'no key' : keys.map((k) => JSON.stringify(k)).join(', ')}`);
  }
  if (keys[0] === okKey) return { ok: true, value: v[okKey] };
  const e = v[errKey];
  if (era === 'v1' && typeof e !== 'string') throw new VmError('parse', `${what}: "error" must be a string`);
  return { ok: false, error: e };
}

type Obj = { [k: string]: JsonValue };
const isObj = (v: JsonValue | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A u64: 0 ≤ v < 2^64 (the JSON parser gives integers past 2^53 as bigints, negative ones too). */
const isInt = (v: JsonValue | undefined) => (typeof v === 'bigint' && v >= 0n && v <= 0xffff_ffff_ffff_ffffn) || (typeof v === 'number' && Number.isInteger(v) && v >= 0);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
const REPLY_ON = ['always', 'error', 'success', 'never'];

/**
 * Checks the shape of an Ok Response the way the typed deserialisation of CosmWasm's VM and Secret's
 * enclave would reject it (spec/cosmwasm-abi.md §3.5, §4.5): an object whose present fields have the
 * right types (`messages` an array of SubMsgs from 0.14 on, of message objects before; `attributes` /
 * 0.10's `log` an array of `{key, value}` strings, Secret's optional `encrypted` flag allowed;
 * `events` an array of `{type, attributes}`; `data` null or base64). Unknown fields are ignored, as
 * serde does. What the messages mean is the chain's business, not checked here.
 */
export function checkResponse(value: JsonValue, subMessages: boolean, what: string): void {
  const fail = (path: string, want: string): never => {
    throw new VmError('parse', `${what}: invalid Response: ${path} must be ${want}`);
  };
  if (!isObj(value)) fail('the Ok value', 'an object');
  const r = value as Obj;
  const attrs = (v: JsonValue | undefined, path: string) => {
    if (v === undefined) return;
    if (!Array.isArray(v)) fail(path, 'an array');
    (v as JsonValue[]).forEach((a, i) => {
      if (!isObj(a) || typeof a.key !== 'string' || typeof a.value !== 'string') fail(`${path}[${i}]`, 'an object with string "key" and "value"');
      if ((a as Obj).encrypted !== undefined && typeof (a as Obj).encrypted !== 'boolean') fail(`${path}[${i}].encrypted`, 'a boolean');
    });
  };
  if (r.messages !== undefined) {
    if (!Array.isArray(r.messages)) fail('messages', 'an array');
    (r.messages as JsonValue[]).forEach((m, i) => {
      if (!isObj(m)) fail(`messages[${i}]`, 'an object');
      if (!subMessages) return;
      const sm = m as Obj;
      if (!isInt(sm.id)) fail(`messages[${i}].id`, 'a u64');
      if (!isObj(sm.msg)) fail(`messages[${i}].msg`, 'a message object');
      if (typeof sm.reply_on !== 'string' || !REPLY_ON.includes(sm.reply_on)) fail(`messages[${i}].reply_on`, `one of ${REPLY_ON.join(', ')}`);
      if (sm.gas_limit !== undefined && sm.gas_limit !== null && !isInt(sm.gas_limit)) fail(`messages[${i}].gas_limit`, 'null or a u64');
    });
  }
  attrs(r.attributes, 'attributes');
  attrs(r.log, 'log');
  if (r.events !== undefined) {
    if (!Array.isArray(r.events)) fail('events', 'an array');
    (r.events as JsonValue[]).forEach((e, i) => {
      if (!isObj(e) || typeof e.type !== 'string') fail(`events[${i}]`, 'an object with a string "type"');
      attrs((e as Obj).attributes ?? [], `events[${i}].attributes`);
    });
  }
  if (r.data !== undefined && r.data !== null && (typeof r.data !== 'string' || !BASE64.test(r.data))) fail('data', 'null or a base64 string');
}
