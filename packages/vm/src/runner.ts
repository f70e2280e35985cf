/**
 * The engine of `cloak run`: one contract on a fresh `MemoryChain`, driven by JSON lines, one call per
 * line, one JSON line out per call (issue 4). A line is
 *   `{"op":"instantiate"|"execute"|"query"|"migrate"|"sudo", "msg":{…}, "sender":"secret1…",
 *     "funds":[{"denom":"uscrt","amount":"1"}], "gas_limit":N}`
 * with sender (default `DEFAULT_SENDER`), funds (default none; they are minted to the sender for the
 * call, the runner being a simulator) and gas_limit (default the runner's) optional. Each op reaches
 * the generation's entry point (instantiate→init and execute→handle for 0.8–0.11). The answer is
 *   `{"op":…, "ok":true|false, "gas_used":N, "result":<response, or the query answer decoded>, "error":"…"}`
 * and a line that cannot be run (not JSON, unknown op, bad field, execute before instantiate) gets
 * `{"line":N, "ok":false, "error":"…"}`, as does a call the chain refuses before running it (no
 * contract yet, a bad sender address, migrate by a non-admin; `"op"` is then given too). Funds go with
 * instantiate and execute only. Blank lines and lines starting with `#` are skipped.
 */
import { base64, bech32 } from '@scure/base';
import { ChainError, MemoryChain, decodeAnswer } from './chain.js';
import type { StoredCode } from './code.js';
import type { EngineName } from './engine.js';
import type { Coin } from './env.js';
import { JsonError, parseJson, stringifyJson, type JsonValue } from './json.js';
import { Vm, type CallResult } from './vm.js';

/** The sender of lines that name none: a fixed dev address (20 bytes of 0x01). */
export const DEFAULT_SENDER = bech32.encode('secret', bech32.toWords(new Uint8Array(20).fill(1)));
const OPS = ['instantiate', 'execute', 'query', 'migrate', 'sudo'] as const;
type Op = (typeof OPS)[number];

export interface RunnerOptions {
  engine?: EngineName;
  /** Gas limit per call (wasm gas); default the chain's. */
  gasLimit?: bigint;
  /** Receives contract debug output. */
  debug?: (message: string) => void;
}

export class Runner {
  readonly chain: MemoryChain;
  readonly code: StoredCode;
  private readonly codeId: number;
  private contract: string | undefined;
  private lineNo = 0;

  /** Stores the contract; throws the VM's error (a VmError) if it cannot be stored. */
  constructor(wasm: Uint8Array, private readonly options: RunnerOptions = {}) {
    const vm = new Vm({ engine: options.engine ?? 'interpreter', ...(options.debug ? { debug: options.debug } : {}) });
    this.chain = new MemoryChain(vm, options.gasLimit !== undefined ? { gasLimit: options.gasLimit } : {});
    const stored = this.chain.storeCode(wasm);
    this.code = stored.code;
    this.codeId = stored.codeId;
  }

  /** Runs one input line; returns the output line, or undefined for a blank or comment line. */
  run(line: string): string | undefined {
    this.lineNo++;
    if (line.trim() === '' || line.trimStart().startsWith('#')) return undefined;
    let call: { op: Op; msg: JsonValue; sender: string; funds: Coin[]; gasLimit: bigint | undefined };
    try {
      call = this.parse(line);
    } catch (e) {
      if (!(e instanceof LineError)) throw e;
      return stringifyJson({ line: this.lineNo, ok: false, error: e.message });
    }
    let r: CallResult;
    try {
      r = this.call(call);
    } catch (e) {
      // The chain refused the call before running it (no contract yet, a bad sender address, not the admin).
      if (!(e instanceof ChainError || e instanceof RangeError)) throw e;
      return stringifyJson({ line: this.lineNo, op: call.op, ok: false, error: e.message });
    }
    const out: { [k: string]: JsonValue } = { op: call.op, ok: r.kind === 'ok', gas_used: r.gasUsed };
    if (r.kind === 'ok') {
      if (call.op === 'query') {
        const v = decodeAnswer(r.answer!);
        out.result = v === undefined ? base64.encode(r.answer!) : v;
      }
      else out.result = r.value;
    } else if (r.kind === 'contract_error') {
      out.error = typeof r.error === 'string' ? r.error : stringifyJson(r.error);
    } else {
      out.error = `${r.error.kind}: ${r.error.message}`;
    }
    return stringifyJson(out);
  }

  private call(c: { op: Op; msg: JsonValue; sender: string; funds: Coin[]; gasLimit: bigint | undefined }): CallResult {
    const gas = c.gasLimit !== undefined ? { gasLimit: c.gasLimit } : {};
    if (c.op !== 'instantiate' && this.contract === undefined) throw new ChainError(`${c.op} before a successful instantiate`);
    if (c.funds.length > 0 && c.op !== 'instantiate' && c.op !== 'execute') throw new ChainError(`${c.op} takes no funds`);
    const need = new Map<string, bigint>();
    for (const f of c.funds) need.set(f.denom, (need.get(f.denom) ?? 0n) + BigInt(f.amount));
    for (const [denom, amount] of need) {
      const have = this.chain.balance(c.sender, denom);
      if (have < amount) this.chain.mint(c.sender, denom, amount - have);
    }
    if (c.op === 'instantiate') {
      const { address, result } = this.chain.instantiate({ codeId: this.codeId, sender: c.sender, msg: c.msg, funds: c.funds, label: `run ${this.lineNo}`, admin: c.sender, ...gas });
      if (result.kind === 'ok') this.contract = address;
      return result;
    }
    switch (c.op) {
      case 'execute': return this.chain.execute({ contract: this.contract!, sender: c.sender, msg: c.msg, funds: c.funds, ...gas });
      case 'query': return this.chain.query({ contract: this.contract!, msg: c.msg, ...gas });
      case 'migrate': return this.chain.migrate({ contract: this.contract!, sender: c.sender, codeId: this.codeId, msg: c.msg, ...gas });
      case 'sudo': return this.chain.sudo({ contract: this.contract!, msg: c.msg, ...gas });
    }
  }

  private parse(line: string): { op: Op; msg: JsonValue; sender: string; funds: Coin[]; gasLimit: bigint | undefined } {
    let v: JsonValue;
    try {
      v = parseJson(line);
    } catch (e) {
      if (e instanceof JsonError) throw new LineError(`not JSON: ${e.message}`);
      throw e;
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new LineError('a line must be a JSON object');
    for (const k of Object.keys(v)) {
      if (!['op', 'msg', 'sender', 'funds', 'gas_limit'].includes(k)) throw new LineError(`unknown field "${k}" (op, msg, sender, funds, gas_limit)`);
    }
    const op = v.op;
    if (typeof op !== 'string' || !(OPS as readonly string[]).includes(op)) throw new LineError(`"op" must be one of ${OPS.join(', ')}`);
    if (!('msg' in v)) throw new LineError('"msg" is missing');
    const sender = v.sender ?? DEFAULT_SENDER;
    if (typeof sender !== 'string') throw new LineError('"sender" must be a string');
    const funds: Coin[] = [];
    if (v.funds !== undefined) {
      if (!Array.isArray(v.funds)) throw new LineError('"funds" must be an array of {"denom","amount"}');
      for (const c of v.funds) {
        if (c === null || typeof c !== 'object' || Array.isArray(c) || typeof c.denom !== 'string' || typeof c.amount !== 'string' || !/^[0-9]{1,39}$/.test(c.amount)) {
          throw new LineError('each coin in "funds" is {"denom":"uscrt","amount":"<decimal string>"}');
        }
        funds.push({ denom: c.denom, amount: c.amount });
      }
    }
    let gasLimit: bigint | undefined;
    if (v.gas_limit !== undefined) {
      const g = v.gas_limit;
      if ((typeof g !== 'number' && typeof g !== 'bigint') || BigInt(g) < 0n || BigInt(g) > 0x7fffffffffffffffn || (typeof g === 'number' && !Number.isInteger(g))) {
        throw new LineError('"gas_limit" must be an integer in 0…2^63-1');
      }
      gasLimit = BigInt(g);
    }
    return { op: op as Op, msg: v.msg, sender, funds, gasLimit };
  }
}

class LineError extends Error {}
