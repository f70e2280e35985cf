/**
 * Gas metering written into the module itself (spec/interpreter-notes.md §4.1 and §4.6, design.md
 * "Decisions already made: Gas"), so that V8 and cloak's interpreter charge identical gas.
 *
 * The algorithm is wasm-instrument's *metered blocks*, charge-before: a metered block is a run of code
 * in which, absent traps, either every instruction executes or none does. One charge, for the sum of
 * the schedule's costs of the original instructions in the block, is inserted at its start:
 *   - the function's entry starts a block (the schedule's locals charge is folded into it);
 *   - `block` does not start one (entering it is not a branch: its code merges with the parent's);
 *   - `loop` starts one right after the `loop` (the header is a branch target, so every iteration pays);
 *   - `if` starts one for the then-arm, `else` one for the else-arm;
 *   - `br`, `br_if`, `br_table`, `return` end the current block; the code after them is a new block;
 *   - after an `end`, the parent's block continues unless code inside the construct may have branched
 *     out of it (to a label further out, a loop header included: a `continue` to an enclosing loop
 *     skips the code after the inner `end` just as a `break` does), in which case the code after
 *     `end` is a new block. wasm-instrument ignores branches to loops here, which charges that
 *     skipped code on every iteration; we do not.
 * The cost of `else` / `end` (0 in Secret's schedule, as in wasm-instrument) is added to the block
 * that falls through them, so it is paid exactly when they execute. Every instruction that executes is
 * thus paid once; an instruction that does not execute is never paid unless a trap or out-of-gas stops
 * a block half way (or a loop never exits), since the whole block was charged on entry.
 *
 * The charge is `i64.const <cost>; call $gas`. `$gas` is a helper *appended* to the defined
 * functions (so every existing function index stays as it was): if `left <u cost` it sets the
 * exhausted flag to 1 and executes `unreachable`, else `left -= cost`. The budget lives in an
 * exported mutable i64 global (`cloak_gas_left`), the flag in an exported mutable i32
 * (`cloak_gas_exhausted`); both are appended too. Running `left` down to exactly 0 is allowed.
 *
 * Run-time-sized operations get a helper call inserted right before them, which takes the operand
 * that sizes them (always on top of the stack), charges operand × price (in i64, no overflow: both
 * are < 2^32) and returns the operand unchanged: `memory.grow` (pages), `memory.copy`/`fill`/`init`
 * (bytes), `table.copy`/`init` (elements). A helper is appended only when its price is non-zero.
 * Helpers are not metered themselves, and the inserted calls are not priced.
 *
 * Works on the raw body bytes: one `InstrReader` walk per function records the charge points in
 * order, then the body is rebuilt by copying the unchanged byte ranges around the inserted bytes.
 * The input module is not modified; bodies that are not metered are shared with it.
 */
import { ByteWriter } from './bytes.js';
import { WasmError, capture, invalid, malformed, overLimit } from './errors.js';
import { InstrReader } from './instr.js';
import { MAX_FUNCTIONS, MAX_FUNCTION_SIZE, MAX_GLOBALS, MAX_TYPES } from './limits.js';
import { Op } from './opcodes.js';
import { opSlot, type GasSchedule } from './schedule.js';
import { ValType, importCounts, type FuncBody, type Module, type Result } from './types.js';

/** Export name of the mutable i64 global that holds the gas left. */
export const GAS_LEFT_EXPORT = 'cloak_gas_left';
/** Export name of the mutable i32 global that is 1 after an out-of-gas trap, 0 otherwise. */
export const GAS_EXHAUSTED_EXPORT = 'cloak_gas_exhausted';

export interface MeterOptions {
  /**
   * Functions (function index space) that are not metered and whose direct calls cost nothing: the
   * helpers of earlier passes (NaN canonicalization), which are not original instructions.
   */
  exclude?: ReadonlySet<number>;
  /**
   * Initial value of the gas-left global (default 0). It is what a start function runs on, before
   * the host can set the global: with 0 a start function that does anything runs out of gas.
   */
  initialGas?: bigint;
}

export interface MeterResult {
  module: Module;
  /** Export names of the two globals. */
  leftExport: string;
  exhaustedExport: string;
  /** Global indices (global index space) of the gas-left and exhausted globals. */
  leftGlobal: number;
  exhaustedGlobal: number;
  /** Function index of `$gas (param i64)`. */
  gasFunc: number;
  /** Function indices of the dynamic-charge helpers, when the schedule prices them. */
  growFunc?: number;
  bulkFunc?: number;
  tableFunc?: number;
  /** Every appended function, in index order. */
  helpers: number[];
  /** Charge points inserted (static blocks with a non-zero cost) and dynamic helper calls inserted. */
  charges: number;
  dynamicCharges: number;
  /**
   * Per defined function (indexed like `module.codes`): the byte positions of every `call`
   * instruction in the metered body, in order; undefined for bodies that were not metered (excluded
   * ones and the appended helpers). The stack limiter uses them to wrap calls without decoding the
   * metered bodies a second time.
   */
  callSites: (Int32Array | undefined)[];
}

/** Meters `m` with `schedule`. `m` should be valid; problems found while walking are returned. */
export function meter(m: Module, schedule: GasSchedule, options: MeterOptions = {}): Result<MeterResult, WasmError> {
  const initialGas = options.initialGas ?? 0n;
  if (typeof initialGas !== 'bigint' || initialGas < 0n || initialGas >= 1n << 64n) {
    throw new RangeError(`meter: initialGas ${String(initialGas)} must be a u64 bigint`);
  }
  return capture(() => meterOrThrow(m, schedule, options.exclude ?? new Set(), initialGas));
}

function meterOrThrow(m: Module, schedule: GasSchedule, exclude: ReadonlySet<number>, initialGas: bigint): MeterResult {
  for (const e of m.exports) {
    if (e.name === GAS_LEFT_EXPORT || e.name === GAS_EXHAUSTED_EXPORT) {
      throw invalid(`the export name "${e.name}" is reserved for cloak's gas metering`, -1);
    }
  }
  const counts = importCounts(m);
  const nFuncs = counts.funcs + m.functions.length;
  const leftGlobal = counts.globals + m.globals.length;
  const exhaustedGlobal = leftGlobal + 1;
  if (m.globals.length + 2 > MAX_GLOBALS) throw overLimit('globals', m.globals.length + 2, MAX_GLOBALS, 'MAX_GLOBALS', -1);

  const types = m.types.slice();
  const typeOf = (params: ValType[], results: ValType[]): number => {
    const i = types.findIndex((t) => sameList(t.params, params) && sameList(t.results, results));
    if (i >= 0) return i;
    if (types.length >= MAX_TYPES) throw overLimit('types', types.length + 1, MAX_TYPES, 'MAX_TYPES', -1);
    types.push({ params, results });
    return types.length - 1;
  };

  // Helper indices, appended after every existing function.
  let next = nFuncs;
  const gasFunc = next++;
  const growFunc = schedule.memoryGrowPerPage > 0 ? next++ : -1;
  const bulkFunc = schedule.bulkPerByte > 0 ? next++ : -1;
  const tableFunc = schedule.tablePerElement > 0 ? next++ : -1;
  if (next - counts.funcs > MAX_FUNCTIONS) throw overLimit('functions', next - counts.funcs, MAX_FUNCTIONS, 'MAX_FUNCTIONS', -1);

  const w = new BodyMeter(schedule, exclude, gasFunc, growFunc, bulkFunc, tableFunc);
  const codes: FuncBody[] = new Array(m.codes.length + (next - nFuncs));
  const callSites: (Int32Array | undefined)[] = new Array(m.codes.length + (next - nFuncs)).fill(undefined);
  for (let i = 0; i < m.codes.length; i++) {
    const body = m.codes[i];
    if (exclude.has(counts.funcs + i)) {
      codes[i] = body;
    } else {
      codes[i] = w.meterBody(body);
      callSites[i] = w.lastCallSites;
    }
  }

  const functions = m.functions.slice();
  const helpers: number[] = [];
  let k = m.codes.length;
  const addHelper = (type: number, code: Uint8Array): void => {
    functions.push(type);
    codes[k++] = { locals: [], code, codeOffset: -1 };
    helpers.push(counts.funcs + functions.length - 1);
  };
  addHelper(typeOf([ValType.i64], []), gasBody(leftGlobal, exhaustedGlobal));
  const i32toi32 = growFunc >= 0 || bulkFunc >= 0 || tableFunc >= 0 ? typeOf([ValType.i32], [ValType.i32]) : -1;
  if (growFunc >= 0) addHelper(i32toi32, chargeBody(schedule.memoryGrowPerPage, gasFunc));
  if (bulkFunc >= 0) addHelper(i32toi32, chargeBody(schedule.bulkPerByte, gasFunc));
  if (tableFunc >= 0) addHelper(i32toi32, chargeBody(schedule.tablePerElement, gasFunc));

  const module: Module = {
    ...m,
    types,
    functions,
    globals: [
      ...m.globals,
      { type: { valType: ValType.i64, mutable: true }, init: [{ op: 'i64.const', value: BigInt.asIntN(64, initialGas) }] },
      { type: { valType: ValType.i32, mutable: true }, init: [{ op: 'i32.const', value: 0 }] },
    ],
    exports: [
      ...m.exports,
      { name: GAS_LEFT_EXPORT, kind: 'global', index: leftGlobal },
      { name: GAS_EXHAUSTED_EXPORT, kind: 'global', index: exhaustedGlobal },
    ],
    codes,
  };
  const r: MeterResult = {
    module,
    leftExport: GAS_LEFT_EXPORT,
    exhaustedExport: GAS_EXHAUSTED_EXPORT,
    leftGlobal,
    exhaustedGlobal,
    gasFunc,
    helpers,
    charges: w.charges,
    dynamicCharges: w.dynamicCharges,
    callSites,
  };
  if (growFunc >= 0) r.growFunc = growFunc;
  if (bulkFunc >= 0) r.bulkFunc = bulkFunc;
  if (tableFunc >= 0) r.tableFunc = tableFunc;
  return r;
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `$gas (param $cost i64)`: if left <u cost { exhausted = 1; unreachable } left -= cost. */
function gasBody(left: number, exhausted: number): Uint8Array {
  const w = new ByteWriter(32);
  w.u8(Op.global_get).u32(left).u8(Op.local_get).u8(0).u8(Op.i64_lt_u);
  w.u8(Op.if).u8(0x40).u8(Op.i32_const).u8(1).u8(Op.global_set).u32(exhausted).u8(Op.unreachable).u8(Op.end);
  w.u8(Op.global_get).u32(left).u8(Op.local_get).u8(0).u8(Op.i64_sub).u8(Op.global_set).u32(left);
  return w.u8(Op.end).finish();
}

/**
 * If `body` is exactly the `$gas` helper this pass writes (no locals, the bytes of `gasBody`), the
 * global indices it uses; otherwise null. An engine may then run calls to it as one built-in step
 * (the interpreter does), with the very semantics of the helper: the body is compared byte for byte.
 */
export function gasHelperGlobals(body: FuncBody): { left: number; exhausted: number } | null {
  if (body.locals.length !== 0) return null;
  const c = body.code;
  if (c.length < 20 || c[0] !== Op.global_get) return null;
  const r = new InstrReader(c, 0);
  try {
    if (r.next() !== Op.global_get) return null;
    const left = r.a;
    if (r.next() !== Op.local_get) return null;
    if (r.next() !== Op.i64_lt_u || r.next() !== Op.if || r.next() !== Op.i32_const) return null;
    if (r.next() !== Op.global_set) return null;
    const exhausted = r.a;
    const expected = gasBody(left, exhausted);
    if (expected.length !== c.length) return null;
    for (let i = 0; i < c.length; i++) if (expected[i] !== c[i]) return null;
    return { left, exhausted };
  } catch {
    return null;
  }
}

/** `(param $n i32) (result i32)`: charge u64(n) × price through `$gas`, return n. */
function chargeBody(price: number, gasFunc: number): Uint8Array {
  const w = new ByteWriter(32);
  w.u8(Op.local_get).u8(0).u8(Op.i64_extend_i32_u).u8(Op.i64_const).s64(BigInt(price)).u8(Op.i64_mul);
  w.u8(Op.call).u32(gasFunc).u8(Op.local_get).u8(0).u8(Op.end);
  return w.finish();
}

/** The bytes of `call f`, or nothing when there is no such helper (f < 0). */
function callBytes(f: number): Uint8Array {
  return f >= 0 ? new ByteWriter(8).u8(Op.call).u32(f).finish() : new Uint8Array(0);
}

/** Length of the signed LEB128 of a non-negative safe integer. */
function s64Len(v: number): number {
  let n = 1;
  // The last byte holds 6 value bits (bit 6 is the sign).
  while (v >= 64) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

const EV_CHARGE = 0;
const EV_CALL = 1;
/** A `call` instruction of the body: nothing is inserted, its position in the output is recorded. */
const EV_SITE = 2;

/**
 * The per-function walk, with buffers reused across functions. Events (charge points and helper
 * calls) are created in the order of their positions in the body, so the rebuild needs no sort:
 * a metered block's charge point is created when the block starts, and a new block always starts at
 * the position just after the instruction being read. A body of n bytes has at most n instructions,
 * so at most n + 1 events and a control depth of at most n: the buffers are sized for that up front
 * and the hot loop never checks capacity.
 */
class BodyMeter {
  private readonly costs: Uint32Array;
  private readonly gasCall: Uint8Array;
  /** The helper calls by event value: 0 grow, 1 bulk, 2 table. */
  private readonly calls: Uint8Array[];
  // Control stack: the event index of each entry's active metered block, and the outermost branch
  // target seen inside it (an entry index).
  private ctlSlot = new Int32Array(256);
  private ctlLowest = new Int32Array(256);
  // Events.
  private evKind = new Uint8Array(1024);
  private evPos = new Int32Array(1024);
  private evVal = new Float64Array(1024);
  charges = 0;
  dynamicCharges = 0;
  /** Positions of the `call` instructions in the last body returned by `meterBody`. */
  lastCallSites: Int32Array = new Int32Array(0);
  private sites = new Int32Array(256);

  constructor(
    private readonly schedule: GasSchedule,
    private readonly exclude: ReadonlySet<number>,
    gasFunc: number,
    growFunc: number,
    bulkFunc: number,
    tableFunc: number,
  ) {
    this.costs = schedule.costs;
    this.gasCall = callBytes(gasFunc);
    this.calls = [callBytes(growFunc), callBytes(bulkFunc), callBytes(tableFunc)];
  }

  private reserve(n: number): void {
    if (this.evKind.length < n + 2) {
      const cap = Math.max(n + 2, this.evKind.length * 2);
      this.evKind = new Uint8Array(cap);
      this.evPos = new Int32Array(cap);
      this.evVal = new Float64Array(cap);
    }
    if (this.ctlSlot.length < n + 2) {
      const cap = Math.max(n + 2, this.ctlSlot.length * 2);
      this.ctlSlot = new Int32Array(cap);
      this.ctlLowest = new Int32Array(cap);
    }
  }

  meterBody(body: FuncBody): FuncBody {
    const code = body.code;
    this.reserve(code.length);
    const costs = this.costs;
    const exclude = this.exclude;
    const hasExclude = exclude.size > 0;
    const growAt = this.calls[0].length > 0;
    const bulkAt = this.calls[1].length > 0;
    const tableAt = this.calls[2].length > 0;
    const evKind = this.evKind;
    const evPos = this.evPos;
    const evVal = this.evVal;
    const ctlSlot = this.ctlSlot;
    const ctlLowest = this.ctlLowest;
    const r = new InstrReader(code, body.codeOffset);

    let declared = 0;
    for (const l of body.locals) declared += l.count;
    evKind[0] = EV_CHARGE;
    evPos[0] = 0;
    evVal[0] = this.schedule.localCost(declared);
    let nEv = 1;
    ctlSlot[0] = 0;
    ctlLowest[0] = 0;
    let depth = 1;

    while (depth > 0) {
      const op = r.next();
      const top = depth - 1;
      let c = costs[opSlot(op)];
      if (op === Op.call && hasExclude && exclude.has(r.a)) c = 0;
      evVal[ctlSlot[top]] += c;
      switch (op) {
        case Op.block:
          ctlSlot[depth] = ctlSlot[top];
          ctlLowest[depth] = depth;
          depth++;
          break;
        case Op.loop:
        case Op.if:
          evKind[nEv] = EV_CHARGE;
          evPos[nEv] = r.pos;
          evVal[nEv] = 0;
          ctlSlot[depth] = nEv++;
          ctlLowest[depth] = depth;
          depth++;
          break;
        case Op.else:
          evKind[nEv] = EV_CHARGE;
          evPos[nEv] = r.pos;
          evVal[nEv] = 0;
          ctlSlot[top] = nEv++;
          break;
        case Op.end: {
          depth--;
          if (depth === 0) break;
          const lowest = ctlLowest[top];
          const parent = depth - 1;
          if (lowest < ctlLowest[parent]) ctlLowest[parent] = lowest;
          // A branch from inside to a label outside the closed construct skips the code after `end`.
          if (lowest < top) {
            evKind[nEv] = EV_CHARGE;
            evPos[nEv] = r.pos;
            evVal[nEv] = 0;
            ctlSlot[parent] = nEv++;
          }
          break;
        }
        case Op.br:
        case Op.br_if:
        case Op.br_table:
        case Op.return: {
          if (op === Op.return) this.branch(top, top, r);
          else if (op !== Op.br_table) this.branch(top, r.a, r);
          else {
            const n = r.targetCount;
            const t = r.targets;
            for (let i = 0; i < n; i++) this.branch(top, t[i], r);
            this.branch(top, r.a, r);
          }
          evKind[nEv] = EV_CHARGE;
          evPos[nEv] = r.pos;
          evVal[nEv] = 0;
          ctlSlot[top] = nEv++;
          break;
        }
        case Op.call:
          evKind[nEv] = EV_SITE;
          evPos[nEv] = r.start;
          evVal[nEv++] = 0;
          break;
        case Op.memory_grow:
          if (growAt) {
            evKind[nEv] = EV_CALL;
            evPos[nEv] = r.start;
            evVal[nEv++] = 0;
          }
          break;
        case Op.memory_copy:
        case Op.memory_fill:
        case Op.memory_init:
          if (bulkAt) {
            evKind[nEv] = EV_CALL;
            evPos[nEv] = r.start;
            evVal[nEv++] = 1;
          }
          break;
        case Op.table_copy:
        case Op.table_init:
          if (tableAt) {
            evKind[nEv] = EV_CALL;
            evPos[nEv] = r.start;
            evVal[nEv++] = 2;
          }
          break;
      }
    }
    if (!r.atEnd()) throw malformed('operators after the end of the function body', r.r.base + r.pos);
    return this.rebuild(body, nEv);
  }

  /** Records a branch from control entry `top` to the label `depth` levels out. */
  private branch(top: number, depth: number, r: InstrReader): void {
    const target = top - depth;
    if (target < 0) throw invalid(`unknown label ${depth}: only ${top + 1} enclosing blocks`, r.offset);
    // Any branch out of the construct, also one to an enclosing loop's header ("continue"), skips the
    // code after the construct's `end`: that code must be a metered block of its own.
    if (target < this.ctlLowest[top]) this.ctlLowest[top] = target;
  }

  private rebuild(body: FuncBody, n: number): FuncBody {
    const code = body.code;
    const kind = this.evKind;
    const pos = this.evPos;
    const val = this.evVal;
    const calls = this.calls;
    const gasCall = this.gasCall;
    const gasCallLen = gasCall.length;
    let size = code.length;
    let inserted = 0;
    let nSites = 0;
    for (let i = 0; i < n; i++) {
      if (kind[i] === EV_SITE) {
        nSites++;
      } else if (kind[i] === EV_CHARGE) {
        const v = val[i];
        if (v > 0) {
          if (v > Number.MAX_SAFE_INTEGER) throw overLimit('gas cost of one metered block', v, Number.MAX_SAFE_INTEGER, 'Number.MAX_SAFE_INTEGER', body.codeOffset);
          size += 1 + s64Len(v) + gasCallLen;
          inserted++;
        }
      } else {
        size += calls[val[i]].length;
        inserted++;
      }
    }
    if (this.sites.length < nSites) this.sites = new Int32Array(Math.max(nSites, this.sites.length * 2));
    const sites = this.sites;
    if (inserted === 0) {
      let j = 0;
      for (let i = 0; i < n; i++) if (kind[i] === EV_SITE) sites[j++] = pos[i];
      this.lastCallSites = sites.slice(0, nSites);
      return body;
    }
    if (size > MAX_FUNCTION_SIZE) {
      throw overLimit('metered function body size', size, MAX_FUNCTION_SIZE, 'MAX_FUNCTION_SIZE', body.codeOffset);
    }
    const out = new Uint8Array(size);
    let o = 0;
    let prev = 0;
    let nSite = 0;
    for (let i = 0; i < n; i++) {
      const k = kind[i];
      let v = val[i];
      if (k === EV_CHARGE && v === 0) continue;
      if (k === EV_SITE) {
        // Nothing is inserted: the call's output position is its input position shifted by what
        // was inserted before it.
        sites[nSite++] = pos[i] - prev + o;
        continue;
      }
      const p = pos[i];
      // Short ranges are copied by hand: a typed-array view per range costs more than the copy.
      if (p - prev < 32) {
        while (prev < p) out[o++] = code[prev++];
      } else {
        out.set(code.subarray(prev, p), o);
        o += p - prev;
        prev = p;
      }
      if (k === EV_CHARGE) {
        this.charges++;
        out[o++] = Op.i64_const;
        for (;;) {
          const b = v % 128;
          v = (v - b) / 128;
          if (v === 0 && (b & 0x40) === 0) {
            out[o++] = b;
            break;
          }
          out[o++] = b | 0x80;
        }
        for (let j = 0; j < gasCallLen; j++) out[o++] = gasCall[j];
      } else {
        this.dynamicCharges++;
        const c = calls[v];
        for (let j = 0; j < c.length; j++) out[o++] = c[j];
      }
    }
    if (code.length - prev < 32) {
      while (prev < code.length) out[o++] = code[prev++];
    } else {
      out.set(code.subarray(prev), o);
      o += code.length - prev;
    }
    if (o !== size) throw new Error(`meter: rebuilt body has ${o} bytes, expected ${size}`);
    this.lastCallSites = sites.slice(0, nSites);
    return { locals: body.locals, code: out, codeOffset: -1 };
  }
}
