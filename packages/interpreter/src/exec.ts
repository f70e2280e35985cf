/**
 * The dispatch loop: executes the register IR of ir.ts.
 *
 * One `switch` over the opcode word with dense integer-literal case labels (V8's interpreter turns
 * those, and only those, into a jump table: spec/interpreter-notes.md §0.3). Each label is written as
 * the number from ir.ts with the name in a comment; test/ir.test.ts checks that they agree and that
 * the emitted JavaScript kept them literal (TypeScript does not inline const enums under
 * verbatimModuleSyntax, so an enum would compile to slow property-lookup labels). Wasm-to-wasm
 * calls do not recurse in JS: a call pushes (return pc, frame pointer) on an explicit call stack and
 * jumps, so the call depth is a fixed number (limits.ts), never the JS stack's. Values live in one
 * shared register file (an `Int32Array` with `Float32Array` / `Float64Array` views of the same
 * buffer); floats are moved as raw bits and read as numbers only for arithmetic, whose NaN results
 * are written as the canonical NaN (spec notes §6 "Floating point").
 *
 * Operands are fetched as `fp + code[pc + k]`; a trap throws a `Trap` built from the pc (the
 * function and byte offset are looked up only then). Nothing in the loop allocates except host
 * calls (argument arrays) and BigInt division.
 */
import type { CompiledModule } from './compile.js';
import { MAX_CALL_DEPTH, MAX_REENTRY, MAX_VALUE_SLOTS, INITIAL_VALUE_SLOTS } from './limits.js';
import { divrem64, i64ToF32, nearest, out, popcnt32, ctz32, u64ToF32 } from './num.js';
import { readValue, writeValue, valTypeToNum, type FuncRef, type Global, type Memory, type Table } from './runtime.js';
import { Trap, type TrapCode } from './trap.js';

/** What the loop needs of an instance (instance.ts builds it). */
export interface Inst {
  readonly c: CompiledModule;
  /** Globals, two words each (imported immutable ones copied in). */
  readonly G: Int32Array;
  /** Imported mutable globals by global index (others null). */
  readonly extGlobals: (Global | null)[];
  readonly memory: Memory | null;
  readonly tables: Table[];
  /** The function index space as references (imports resolved). */
  readonly funcs: FuncRef[];
  /** Data segments (dropped ones are empty) and element segments (dropped ones are empty). */
  readonly datas: Uint8Array[];
  readonly elems: (FuncRef | null)[][];
}

/** The shared value stack and call stack of this thread. */
export class Machine {
  r: Int32Array;
  f32: Float32Array;
  f64: Float64Array;
  /** (return pc, caller fp) pairs. */
  readonly calls = new Int32Array(2 * MAX_CALL_DEPTH);
  csp = 0;
  /** First free word of `r`. */
  top = 0;
  /** Nesting of `execute` (host re-entry). */
  depth = 0;

  constructor() {
    const buf = new ArrayBuffer(8 * INITIAL_VALUE_SLOTS);
    this.r = new Int32Array(buf);
    this.f32 = new Float32Array(buf);
    this.f64 = new Float64Array(buf);
  }

  /** Makes room for `words` words; false when that passes MAX_VALUE_SLOTS. */
  reserve(words: number): boolean {
    if (words <= this.r.length) return true;
    if (words > 2 * MAX_VALUE_SLOTS) return false;
    let n = this.r.length;
    while (n < words) n *= 2;
    if (n > 2 * MAX_VALUE_SLOTS) n = 2 * MAX_VALUE_SLOTS;
    const buf = new ArrayBuffer(4 * n);
    const r = new Int32Array(buf);
    r.set(this.r);
    this.r = r;
    this.f32 = new Float32Array(buf);
    this.f64 = new Float64Array(buf);
    return true;
  }
}

export const machine = new Machine();

/** Finds the function a pc belongs to and the byte offset recorded for it. */
export function locate(c: CompiledModule, pc: number): { funcIndex: number; offset: number } {
  let lo = c.importedFuncs;
  let hi = c.entry.length - 1;
  let f = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (c.entry[mid] <= pc) {
      f = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  let offset = -1;
  let a = 0;
  let b = c.trapPcs.length - 1;
  while (a <= b) {
    const mid = (a + b) >> 1;
    const v = c.trapPcs[mid];
    if (v === pc) {
      offset = c.trapOffsets[mid];
      break;
    }
    if (v < pc) a = mid + 1;
    else b = mid - 1;
  }
  return { funcIndex: f, offset };
}

function trap(c: CompiledModule, code: TrapCode, pc: number, cause?: unknown): Trap {
  const { funcIndex, offset } = locate(c, pc);
  return new Trap(code, funcIndex, offset, cause);
}

/** A host function failed: the trap names the imported function, at the offset of the call. */
function hostTrap(c: CompiledModule, func: number, pc: number, cause: unknown): Trap {
  return new Trap('host', func, locate(c, pc).offset, cause);
}

const EMPTY_I32 = new Int32Array(0);
const EMPTY_U8 = new Uint8Array(0);
const EMPTY_DV = new DataView(new ArrayBuffer(0));

/**
 * Calls a function that is not defined by the calling instance's own code: a host function or a
 * function of another instance. Arguments are at word `nfp` (raw); results are written there.
 */
export function callForeign(ref: FuncRef, nfp: number): void {
  const m = machine;
  if (ref.instance !== null) {
    const saveTop = m.top;
    m.top = nfp;
    try {
      execute(ref.instance as Inst, ref.index, nfp);
    } finally {
      m.top = saveTop;
    }
    return;
  }
  const t = ref.type;
  const n = t.params.length;
  const args = new Array<unknown>(n);
  for (let j = 0; j < n; j++) args[j] = readValue(m.r, nfp + 2 * j, valTypeToNum(t.params[j]));
  const saveTop = m.top;
  m.top = nfp + 2 * Math.max(n, t.results.length);
  let result: unknown;
  try {
    result = ref.host!(...args);
  } finally {
    m.top = saveTop;
  }
  const nr = t.results.length;
  if (nr === 0) return;
  if (nr === 1) {
    writeValue(m.r, nfp, valTypeToNum(t.results[0]), result);
    return;
  }
  if (result === null || typeof result !== 'object' || !(Symbol.iterator in result)) {
    throw new TypeError(`host function returned ${typeof result}, expected an iterable of ${nr} results`);
  }
  const list = [...(result as Iterable<unknown>)];
  if (list.length !== nr) throw new TypeError(`host function returned ${list.length} results, expected ${nr}`);
  for (let j = 0; j < nr; j++) writeValue(m.r, nfp + 2 * j, valTypeToNum(t.results[j]), list[j]);
}

/**
 * Runs function `f` (defined in `inst`) whose arguments the caller has written at word `fp`; its
 * results are left at `fp`. Throws `Trap`.
 */
export function execute(inst: Inst, f: number, fp: number): void {
  const M = machine;
  const c = inst.c;
  const code = c.code;
  const entry = c.entry;
  const frameWords = c.frameWords;
  const paramWords = c.paramWords;
  const localWords = c.localWords;
  const G = inst.G;
  const CS = M.calls;
  const mem = inst.memory;
  const tables = inst.tables;
  if (M.depth >= MAX_REENTRY) throw trap(c, 'call_stack_exhausted', entry[f]);
  if (!M.reserve(fp + frameWords[f])) throw trap(c, 'value_stack_exhausted', entry[f]);
  let R = M.r;
  let F32 = M.f32;
  let F64 = M.f64;
  let M8 = mem === null ? EMPTY_U8 : mem.u8;
  let M32 = mem === null ? EMPTY_I32 : mem.i32;
  let DV = mem === null ? EMPTY_DV : mem.dv;
  let memLen = M8.length;
  const gasLeft = c.gas === null ? 0 : 2 * c.gas.left;
  const gasExhausted = c.gas === null ? 0 : 2 * c.gas.exhausted;
  const baseCsp = M.csp;
  let csp = baseCsp;
  for (let i = fp + paramWords[f], e = fp + localWords[f]; i < e; i++) R[i] = 0;
  let pc = entry[f];
  M.depth++;
  try {
    for (;;) {
      switch (code[pc]) {
        // ---- control -------------------------------------------------------------------------
        case 0: // unreachable
          throw trap(c, 'unreachable', pc);
        case 1: // br
          pc = code[pc + 1];
          break;
        case 2: // br_nez
          pc = R[fp + code[pc + 1]] !== 0 ? code[pc + 2] : pc + 3;
          break;
        case 3: // br_eqz
          pc = R[fp + code[pc + 1]] === 0 ? code[pc + 2] : pc + 3;
          break;
        case 4: // br_eq
          pc = R[fp + code[pc + 1]] === R[fp + code[pc + 2]] ? code[pc + 3] : pc + 4;
          break;
        case 5: // br_ne
          pc = R[fp + code[pc + 1]] !== R[fp + code[pc + 2]] ? code[pc + 3] : pc + 4;
          break;
        case 6: // br_lt_s
          pc = R[fp + code[pc + 1]] < R[fp + code[pc + 2]] ? code[pc + 3] : pc + 4;
          break;
        case 7: // br_lt_u
          pc = (R[fp + code[pc + 1]] >>> 0) < (R[fp + code[pc + 2]] >>> 0) ? code[pc + 3] : pc + 4;
          break;
        case 8: // br_gt_s
          pc = R[fp + code[pc + 1]] > R[fp + code[pc + 2]] ? code[pc + 3] : pc + 4;
          break;
        case 9: // br_gt_u
          pc = (R[fp + code[pc + 1]] >>> 0) > (R[fp + code[pc + 2]] >>> 0) ? code[pc + 3] : pc + 4;
          break;
        case 10: // br_le_s
          pc = R[fp + code[pc + 1]] <= R[fp + code[pc + 2]] ? code[pc + 3] : pc + 4;
          break;
        case 11: // br_le_u
          pc = (R[fp + code[pc + 1]] >>> 0) <= (R[fp + code[pc + 2]] >>> 0) ? code[pc + 3] : pc + 4;
          break;
        case 12: // br_ge_s
          pc = R[fp + code[pc + 1]] >= R[fp + code[pc + 2]] ? code[pc + 3] : pc + 4;
          break;
        case 13: // br_ge_u
          pc = (R[fp + code[pc + 1]] >>> 0) >= (R[fp + code[pc + 2]] >>> 0) ? code[pc + 3] : pc + 4;
          break;
        case 14: // br_eq_i
          pc = R[fp + code[pc + 1]] === code[pc + 2] ? code[pc + 3] : pc + 4;
          break;
        case 15: // br_ne_i
          pc = R[fp + code[pc + 1]] !== code[pc + 2] ? code[pc + 3] : pc + 4;
          break;
        case 16: // br_lt_s_i
          pc = R[fp + code[pc + 1]] < code[pc + 2] ? code[pc + 3] : pc + 4;
          break;
        case 17: // br_lt_u_i
          pc = (R[fp + code[pc + 1]] >>> 0) < (code[pc + 2] >>> 0) ? code[pc + 3] : pc + 4;
          break;
        case 18: // br_gt_s_i
          pc = R[fp + code[pc + 1]] > code[pc + 2] ? code[pc + 3] : pc + 4;
          break;
        case 19: // br_gt_u_i
          pc = (R[fp + code[pc + 1]] >>> 0) > (code[pc + 2] >>> 0) ? code[pc + 3] : pc + 4;
          break;
        case 20: // br_le_s_i
          pc = R[fp + code[pc + 1]] <= code[pc + 2] ? code[pc + 3] : pc + 4;
          break;
        case 21: // br_le_u_i
          pc = (R[fp + code[pc + 1]] >>> 0) <= (code[pc + 2] >>> 0) ? code[pc + 3] : pc + 4;
          break;
        case 22: // br_ge_s_i
          pc = R[fp + code[pc + 1]] >= code[pc + 2] ? code[pc + 3] : pc + 4;
          break;
        case 23: // br_ge_u_i
          pc = (R[fp + code[pc + 1]] >>> 0) >= (code[pc + 2] >>> 0) ? code[pc + 3] : pc + 4;
          break;
        case 24: { // br_table
          const i = R[fp + code[pc + 1]] >>> 0;
          const n = code[pc + 2];
          pc = code[pc + 3 + (i < n ? i : n)];
          break;
        }
        case 25: // ret
          if (csp === baseCsp) return;
          fp = CS[--csp];
          pc = CS[--csp];
          break;
        case 26: { // call
          const g = code[pc + 1];
          const nfp = fp + code[pc + 2];
          const end = nfp + frameWords[g];
          if (end > R.length) {
            if (!M.reserve(end)) throw trap(c, 'value_stack_exhausted', pc);
            R = M.r;
            F32 = M.f32;
            F64 = M.f64;
          }
          if (csp >= CS.length) throw trap(c, 'call_stack_exhausted', pc);
          CS[csp++] = pc + 3;
          CS[csp++] = fp;
          for (let i = nfp + paramWords[g], e = nfp + localWords[g]; i < e; i++) R[i] = 0;
          fp = nfp;
          pc = entry[g];
          break;
        }
        case 27: { // call_import
          const nfp = fp + code[pc + 2];
          M.csp = csp;
          try {
            callForeign(inst.funcs[code[pc + 1]], nfp);
          } catch (err) {
            if (err instanceof Trap) throw err;
            throw hostTrap(c, code[pc + 1], pc, err);
          }
          R = M.r;
          F32 = M.f32;
          F64 = M.f64;
          if (mem !== null) {
            M8 = mem.u8;
            M32 = mem.i32;
            DV = mem.dv;
            memLen = M8.length;
          }
          pc += 3;
          break;
        }
        case 28: { // call_indirect
          const table = tables[code[pc + 2]];
          const i = R[fp + code[pc + 4]] >>> 0;
          if (i >= table.elements.length) throw trap(c, 'undefined_element', pc);
          const ref = table.elements[i];
          if (ref === null) throw trap(c, 'uninitialized_element', pc);
          if (ref.typeId !== code[pc + 1]) throw trap(c, 'indirect_call_type_mismatch', pc);
          const nfp = fp + code[pc + 3];
          if (ref.instance === inst) {
            const g = ref.index;
            const end = nfp + frameWords[g];
            if (end > R.length) {
              if (!M.reserve(end)) throw trap(c, 'value_stack_exhausted', pc);
              R = M.r;
              F32 = M.f32;
              F64 = M.f64;
            }
            if (csp >= CS.length) throw trap(c, 'call_stack_exhausted', pc);
            CS[csp++] = pc + 5;
            CS[csp++] = fp;
            for (let k = nfp + paramWords[g], e = nfp + localWords[g]; k < e; k++) R[k] = 0;
            fp = nfp;
            pc = entry[g];
            break;
          }
          M.csp = csp;
          try {
            callForeign(ref, nfp);
          } catch (err) {
            if (err instanceof Trap) throw err;
            throw hostTrap(c, ref.index, pc, err);
          }
          R = M.r;
          F32 = M.f32;
          F64 = M.f64;
          if (mem !== null) {
            M8 = mem.u8;
            M32 = mem.i32;
            DV = mem.dv;
            memLen = M8.length;
          }
          pc += 5;
          break;
        }
        case 29: { // gas
          const cl = code[pc + 1] >>> 0;
          const ch = code[pc + 2] >>> 0;
          const gl = G[gasLeft] >>> 0;
          const gh = G[gasLeft + 1] >>> 0;
          if (gh < ch || (gh === ch && gl < cl)) {
            G[gasExhausted] = 1;
            throw trap(c, 'out_of_gas', pc);
          }
          const l = gl - cl;
          G[gasLeft] = l;
          G[gasLeft + 1] = gh - ch - (l < 0 ? 1 : 0);
          pc += 3;
          break;
        }
        case 30: { // gas_r
          const a = fp + code[pc + 1];
          const cl = R[a] >>> 0;
          const ch = R[a + 1] >>> 0;
          const gl = G[gasLeft] >>> 0;
          const gh = G[gasLeft + 1] >>> 0;
          if (gh < ch || (gh === ch && gl < cl)) {
            G[gasExhausted] = 1;
            throw trap(c, 'out_of_gas', pc);
          }
          const l = gl - cl;
          G[gasLeft] = l;
          G[gasLeft + 1] = gh - ch - (l < 0 ? 1 : 0);
          pc += 2;
          break;
        }

        // ---- moves and globals -----------------------------------------------------------------
        case 31: { // mov
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          R[d] = R[a];
          R[d + 1] = R[a + 1];
          pc += 3;
          break;
        }
        case 32: // const32
          R[fp + code[pc + 1]] = code[pc + 2];
          pc += 3;
          break;
        case 33: { // const64
          const d = fp + code[pc + 1];
          R[d] = code[pc + 2];
          R[d + 1] = code[pc + 3];
          pc += 4;
          break;
        }
        case 34: { // select
          const d = fp + code[pc + 1];
          const s = R[fp + code[pc + 4]] !== 0 ? fp + code[pc + 2] : fp + code[pc + 3];
          const lo = R[s];
          R[d + 1] = R[s + 1];
          R[d] = lo;
          pc += 5;
          break;
        }
        case 35: { // global_get
          const d = fp + code[pc + 1];
          const g = 2 * code[pc + 2];
          R[d] = G[g];
          R[d + 1] = G[g + 1];
          pc += 3;
          break;
        }
        case 36: { // global_set
          const g = 2 * code[pc + 1];
          const a = fp + code[pc + 2];
          G[g] = R[a];
          G[g + 1] = R[a + 1];
          pc += 3;
          break;
        }
        case 37: { // global_get_ext
          const d = fp + code[pc + 1];
          const gl = inst.extGlobals[code[pc + 2]]!;
          R[d] = gl.cells[gl.at];
          R[d + 1] = gl.cells[gl.at + 1];
          pc += 3;
          break;
        }
        case 38: { // global_set_ext
          const gl = inst.extGlobals[code[pc + 1]]!;
          const a = fp + code[pc + 2];
          gl.cells[gl.at] = R[a];
          gl.cells[gl.at + 1] = R[a + 1];
          pc += 3;
          break;
        }
        case 39: { // global_add_i
          const g = 2 * code[pc + 1];
          G[g] = (G[g] + code[pc + 2]) | 0;
          pc += 3;
          break;
        }

        // ---- memory ----------------------------------------------------------------------------
        case 40: // memory_size
          R[fp + code[pc + 1]] = memLen / 65536;
          pc += 2;
          break;
        case 41: { // memory_grow
          const delta = R[fp + code[pc + 2]] >>> 0;
          R[fp + code[pc + 1]] = mem === null ? -1 : mem.grow(delta);
          if (mem !== null) {
            M8 = mem.u8;
            M32 = mem.i32;
            DV = mem.dv;
            memLen = M8.length;
          }
          pc += 3;
          break;
        }
        case 42: { // memory_fill
          const d = R[fp + code[pc + 1]] >>> 0;
          const v = R[fp + code[pc + 2]] & 255;
          const n = R[fp + code[pc + 3]] >>> 0;
          if (d + n > memLen) throw trap(c, 'out_of_bounds_memory', pc);
          M8.fill(v, d, d + n);
          pc += 4;
          break;
        }
        case 43: { // memory_copy
          const d = R[fp + code[pc + 1]] >>> 0;
          const s = R[fp + code[pc + 2]] >>> 0;
          const n = R[fp + code[pc + 3]] >>> 0;
          if (d + n > memLen || s + n > memLen) throw trap(c, 'out_of_bounds_memory', pc);
          M8.copyWithin(d, s, s + n);
          pc += 4;
          break;
        }
        case 44: { // memory_init
          const data = inst.datas[code[pc + 1]];
          const d = R[fp + code[pc + 2]] >>> 0;
          const s = R[fp + code[pc + 3]] >>> 0;
          const n = R[fp + code[pc + 4]] >>> 0;
          if (d + n > memLen || s + n > data.length) throw trap(c, 'out_of_bounds_memory', pc);
          M8.set(data.subarray(s, s + n), d);
          pc += 5;
          break;
        }
        case 45: // data_drop
          inst.datas[code[pc + 1]] = EMPTY_U8;
          pc += 2;
          break;
        case 46: { // table_init
          const seg = inst.elems[code[pc + 1]];
          const table = tables[code[pc + 2]];
          const d = R[fp + code[pc + 3]] >>> 0;
          const s = R[fp + code[pc + 4]] >>> 0;
          const n = R[fp + code[pc + 5]] >>> 0;
          if (d + n > table.elements.length || s + n > seg.length) throw trap(c, 'out_of_bounds_table', pc);
          for (let k = 0; k < n; k++) table.elements[d + k] = seg[s + k];
          pc += 6;
          break;
        }
        case 47: // elem_drop
          inst.elems[code[pc + 1]] = [];
          pc += 2;
          break;
        case 48: { // table_copy
          const dt = tables[code[pc + 1]].elements;
          const st = tables[code[pc + 2]].elements;
          const d = R[fp + code[pc + 3]] >>> 0;
          const s = R[fp + code[pc + 4]] >>> 0;
          const n = R[fp + code[pc + 5]] >>> 0;
          if (d + n > dt.length || s + n > st.length) throw trap(c, 'out_of_bounds_table', pc);
          if (d <= s) for (let k = 0; k < n; k++) dt[d + k] = st[s + k];
          else for (let k = n - 1; k >= 0; k--) dt[d + k] = st[s + k];
          pc += 6;
          break;
        }
        case 49: { // load32
          const ea = (R[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 4 > memLen) throw trap(c, 'out_of_bounds_memory', pc);
          R[fp + code[pc + 1]] = (ea & 3) === 0 ? M32[ea >>> 2] : DV.getInt32(ea, true);
          pc += 4;
          break;
        }
        case 50: { // load64
          const ea = (R[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 8 > memLen) throw trap(c, 'out_of_bounds_memory', pc);
          const d = fp + code[pc + 1];
          if ((ea & 3) === 0) {
            R[d] = M32[ea >>> 2];
            R[d + 1] = M32[(ea >>> 2) + 1];
          } else {
            R[d] = DV.getInt32(ea, true);
            R[d + 1] = DV.getInt32(ea + 4, true);
          }
          pc += 4;
          break;
        }
        case 51: { // load8_s
          const ea = (R[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
          if (ea >= memLen) throw trap(c, 'out_of_bounds_memory', pc);
          R[fp + code[pc + 1]] = (M8[ea] << 24) >> 24;
          pc += 4;
          break;
        }
        case 52: { // load8_u
          const ea = (R[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
          if (ea >= memLen) throw trap(c, 'out_of_bounds_memory', pc);
          R[fp + code[pc + 1]] = M8[ea];
          pc += 4;
          break;
        }
        case 53: { // load16_s
          const ea = (R[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 2 > memLen) throw trap(c, 'out_of_bounds_memory', pc);
          R[fp + code[pc + 1]] = ((M8[ea] | (M8[ea + 1] << 8)) << 16) >> 16;
          pc += 4;
          break;
        }
        case 54: { // load16_u
          const ea = (R[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 2 > memLen) throw trap(c, 'out_of_bounds_memory', pc);
          R[fp + code[pc + 1]] = M8[ea] | (M8[ea + 1] << 8);
          pc += 4;
          break;
        }
        case 55: { // load64_8_s
          const ea = (R[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
          if (ea >= memLen) throw trap(c, 'out_of_bounds_memory', pc);
          const d = fp + code[pc + 1];
          const v = (M8[ea] << 24) >> 24;
          R[d] = v;
          R[d + 1] = v >> 31;
          pc += 4;
          break;
        }
        case 56: { // load64_8_u
          const ea = (R[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
          if (ea >= memLen) throw trap(c, 'out_of_bounds_memory', pc);
          const d = fp + code[pc + 1];
          R[d] = M8[ea];
          R[d + 1] = 0;
          pc += 4;
          break;
        }
        case 57: { // load64_16_s
          const ea = (R[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 2 > memLen) throw trap(c, 'out_of_bounds_memory', pc);
          const d = fp + code[pc + 1];
          const v = ((M8[ea] | (M8[ea + 1] << 8)) << 16) >> 16;
          R[d] = v;
          R[d + 1] = v >> 31;
          pc += 4;
          break;
        }
        case 58: { // load64_16_u
          const ea = (R[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 2 > memLen) throw trap(c, 'out_of_bounds_memory', pc);
          const d = fp + code[pc + 1];
          R[d] = M8[ea] | (M8[ea + 1] << 8);
          R[d + 1] = 0;
          pc += 4;
          break;
        }
        case 59: { // load64_32_s
          const ea = (R[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 4 > memLen) throw trap(c, 'out_of_bounds_memory', pc);
          const d = fp + code[pc + 1];
          const v = (ea & 3) === 0 ? M32[ea >>> 2] : DV.getInt32(ea, true);
          R[d] = v;
          R[d + 1] = v >> 31;
          pc += 4;
          break;
        }
        case 60: { // load64_32_u
          const ea = (R[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 4 > memLen) throw trap(c, 'out_of_bounds_memory', pc);
          const d = fp + code[pc + 1];
          R[d] = (ea & 3) === 0 ? M32[ea >>> 2] : DV.getInt32(ea, true);
          R[d + 1] = 0;
          pc += 4;
          break;
        }
        case 61: { // store32
          const ea = (R[fp + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 4 > memLen) throw trap(c, 'out_of_bounds_memory', pc);
          if ((ea & 3) === 0) M32[ea >>> 2] = R[fp + code[pc + 2]];
          else DV.setInt32(ea, R[fp + code[pc + 2]], true);
          pc += 4;
          break;
        }
        case 62: { // store64
          const ea = (R[fp + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 8 > memLen) throw trap(c, 'out_of_bounds_memory', pc);
          const v = fp + code[pc + 2];
          if ((ea & 3) === 0) {
            M32[ea >>> 2] = R[v];
            M32[(ea >>> 2) + 1] = R[v + 1];
          } else {
            DV.setInt32(ea, R[v], true);
            DV.setInt32(ea + 4, R[v + 1], true);
          }
          pc += 4;
          break;
        }
        case 63: { // store8
          const ea = (R[fp + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0);
          if (ea >= memLen) throw trap(c, 'out_of_bounds_memory', pc);
          M8[ea] = R[fp + code[pc + 2]];
          pc += 4;
          break;
        }
        case 64: { // store16
          const ea = (R[fp + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 2 > memLen) throw trap(c, 'out_of_bounds_memory', pc);
          const v = R[fp + code[pc + 2]];
          M8[ea] = v;
          M8[ea + 1] = v >> 8;
          pc += 4;
          break;
        }

        // ---- i32 -------------------------------------------------------------------------------
        case 65: // i32_add
          R[fp + code[pc + 1]] = (R[fp + code[pc + 2]] + R[fp + code[pc + 3]]) | 0;
          pc += 4;
          break;
        case 66: // i32_sub
          R[fp + code[pc + 1]] = (R[fp + code[pc + 2]] - R[fp + code[pc + 3]]) | 0;
          pc += 4;
          break;
        case 67: // i32_mul
          R[fp + code[pc + 1]] = Math.imul(R[fp + code[pc + 2]], R[fp + code[pc + 3]]);
          pc += 4;
          break;
        case 68: { // i32_div_s
          const a = R[fp + code[pc + 2]];
          const b = R[fp + code[pc + 3]];
          if (b === 0) throw trap(c, 'integer_divide_by_zero', pc);
          if (a === -2147483648 && b === -1) throw trap(c, 'integer_overflow', pc);
          R[fp + code[pc + 1]] = (a / b) | 0;
          pc += 4;
          break;
        }
        case 69: { // i32_div_u
          const b = R[fp + code[pc + 3]] >>> 0;
          if (b === 0) throw trap(c, 'integer_divide_by_zero', pc);
          R[fp + code[pc + 1]] = ((R[fp + code[pc + 2]] >>> 0) / b) | 0;
          pc += 4;
          break;
        }
        case 70: { // i32_rem_s
          const b = R[fp + code[pc + 3]];
          if (b === 0) throw trap(c, 'integer_divide_by_zero', pc);
          R[fp + code[pc + 1]] = (R[fp + code[pc + 2]] % b) | 0;
          pc += 4;
          break;
        }
        case 71: { // i32_rem_u
          const b = R[fp + code[pc + 3]] >>> 0;
          if (b === 0) throw trap(c, 'integer_divide_by_zero', pc);
          R[fp + code[pc + 1]] = ((R[fp + code[pc + 2]] >>> 0) % b) | 0;
          pc += 4;
          break;
        }
        case 72: // i32_and
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] & R[fp + code[pc + 3]];
          pc += 4;
          break;
        case 73: // i32_or
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] | R[fp + code[pc + 3]];
          pc += 4;
          break;
        case 74: // i32_xor
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] ^ R[fp + code[pc + 3]];
          pc += 4;
          break;
        case 75: // i32_shl
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] << R[fp + code[pc + 3]];
          pc += 4;
          break;
        case 76: // i32_shr_s
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] >> R[fp + code[pc + 3]];
          pc += 4;
          break;
        case 77: // i32_shr_u
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] >>> R[fp + code[pc + 3]];
          pc += 4;
          break;
        case 78: { // i32_rotl
          const a = R[fp + code[pc + 2]];
          const k = R[fp + code[pc + 3]] & 31;
          R[fp + code[pc + 1]] = (a << k) | (a >>> (32 - k));
          pc += 4;
          break;
        }
        case 79: { // i32_rotr
          const a = R[fp + code[pc + 2]];
          const k = R[fp + code[pc + 3]] & 31;
          R[fp + code[pc + 1]] = (a >>> k) | (a << (32 - k));
          pc += 4;
          break;
        }
        case 80: // i32_eq
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] === R[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 81: // i32_ne
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] !== R[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 82: // i32_lt_s
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] < R[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 83: // i32_lt_u
          R[fp + code[pc + 1]] = (R[fp + code[pc + 2]] >>> 0) < (R[fp + code[pc + 3]] >>> 0) ? 1 : 0;
          pc += 4;
          break;
        case 84: // i32_gt_s
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] > R[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 85: // i32_gt_u
          R[fp + code[pc + 1]] = (R[fp + code[pc + 2]] >>> 0) > (R[fp + code[pc + 3]] >>> 0) ? 1 : 0;
          pc += 4;
          break;
        case 86: // i32_le_s
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] <= R[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 87: // i32_le_u
          R[fp + code[pc + 1]] = (R[fp + code[pc + 2]] >>> 0) <= (R[fp + code[pc + 3]] >>> 0) ? 1 : 0;
          pc += 4;
          break;
        case 88: // i32_ge_s
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] >= R[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 89: // i32_ge_u
          R[fp + code[pc + 1]] = (R[fp + code[pc + 2]] >>> 0) >= (R[fp + code[pc + 3]] >>> 0) ? 1 : 0;
          pc += 4;
          break;
        case 90: // i32_add_i
          R[fp + code[pc + 1]] = (R[fp + code[pc + 2]] + code[pc + 3]) | 0;
          pc += 4;
          break;
        case 91: // i32_mul_i
          R[fp + code[pc + 1]] = Math.imul(R[fp + code[pc + 2]], code[pc + 3]);
          pc += 4;
          break;
        case 92: // i32_and_i
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] & code[pc + 3];
          pc += 4;
          break;
        case 93: // i32_or_i
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] | code[pc + 3];
          pc += 4;
          break;
        case 94: // i32_xor_i
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] ^ code[pc + 3];
          pc += 4;
          break;
        case 95: // i32_shl_i
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] << code[pc + 3];
          pc += 4;
          break;
        case 96: // i32_shr_s_i
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] >> code[pc + 3];
          pc += 4;
          break;
        case 97: // i32_shr_u_i
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] >>> code[pc + 3];
          pc += 4;
          break;
        case 98: // i32_eq_i
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] === code[pc + 3] ? 1 : 0;
          pc += 4;
          break;
        case 99: // i32_ne_i
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] !== code[pc + 3] ? 1 : 0;
          pc += 4;
          break;
        case 100: // i32_lt_s_i
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] < code[pc + 3] ? 1 : 0;
          pc += 4;
          break;
        case 101: // i32_lt_u_i
          R[fp + code[pc + 1]] = (R[fp + code[pc + 2]] >>> 0) < (code[pc + 3] >>> 0) ? 1 : 0;
          pc += 4;
          break;
        case 102: // i32_gt_s_i
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] > code[pc + 3] ? 1 : 0;
          pc += 4;
          break;
        case 103: // i32_gt_u_i
          R[fp + code[pc + 1]] = (R[fp + code[pc + 2]] >>> 0) > (code[pc + 3] >>> 0) ? 1 : 0;
          pc += 4;
          break;
        case 104: // i32_le_s_i
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] <= code[pc + 3] ? 1 : 0;
          pc += 4;
          break;
        case 105: // i32_le_u_i
          R[fp + code[pc + 1]] = (R[fp + code[pc + 2]] >>> 0) <= (code[pc + 3] >>> 0) ? 1 : 0;
          pc += 4;
          break;
        case 106: // i32_ge_s_i
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] >= code[pc + 3] ? 1 : 0;
          pc += 4;
          break;
        case 107: // i32_ge_u_i
          R[fp + code[pc + 1]] = (R[fp + code[pc + 2]] >>> 0) >= (code[pc + 3] >>> 0) ? 1 : 0;
          pc += 4;
          break;
        case 108: // i32_eqz
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] === 0 ? 1 : 0;
          pc += 3;
          break;
        case 109: // i32_clz
          R[fp + code[pc + 1]] = Math.clz32(R[fp + code[pc + 2]]);
          pc += 3;
          break;
        case 110: // i32_ctz
          R[fp + code[pc + 1]] = ctz32(R[fp + code[pc + 2]]);
          pc += 3;
          break;
        case 111: // i32_popcnt
          R[fp + code[pc + 1]] = popcnt32(R[fp + code[pc + 2]]);
          pc += 3;
          break;
        case 112: // i32_extend8_s
          R[fp + code[pc + 1]] = (R[fp + code[pc + 2]] << 24) >> 24;
          pc += 3;
          break;
        case 113: // i32_extend16_s
          R[fp + code[pc + 1]] = (R[fp + code[pc + 2]] << 16) >> 16;
          pc += 3;
          break;

        // ---- i64 (pairs of words: lo, hi) ----------------------------------------------------
        case 114: { // i64_add
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const l = (R[a] >>> 0) + (R[b] >>> 0);
          const h = (R[a + 1] + R[b + 1] + (l > 4294967295 ? 1 : 0)) | 0;
          R[d] = l;
          R[d + 1] = h;
          pc += 4;
          break;
        }
        case 115: { // i64_sub
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const l = (R[a] >>> 0) - (R[b] >>> 0);
          const h = (R[a + 1] - R[b + 1] - (l < 0 ? 1 : 0)) | 0;
          R[d] = l;
          R[d + 1] = h;
          pc += 4;
          break;
        }
        case 116: { // i64_mul
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const al = R[a];
          const ah = R[a + 1];
          const bl = R[b];
          const bh = R[b + 1];
          // 32×32 → 64 of the low words with 16-bit limbs, plus the cross terms' low words. (Written
          // out here and in i64_mul_i rather than calling num.ts's mul64: a call costs as much as
          // the multiplication in V8's interpreter.)
          const a0 = al & 0xffff;
          const a1 = al >>> 16;
          const b0 = bl & 0xffff;
          const b1 = bl >>> 16;
          const mid = a0 * b1 + a1 * b0;
          const low = a0 * b0 + (mid & 0xffff) * 65536;
          const carry = Math.floor(low / 4294967296);
          const h = (a1 * b1 + Math.floor(mid / 65536) + carry + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
          R[d] = low;
          R[d + 1] = h;
          pc += 4;
          break;
        }
        case 117: // i64_div_s
        case 118: // i64_div_u
        case 119: // i64_rem_s
        case 120: { // i64_rem_u
          const kind = code[pc] - 117 /* i64_div_s */;
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const al = R[a];
          const ah = R[a + 1];
          const bl = R[b];
          const bh = R[b + 1];
          if (bl === 0 && bh === 0) throw trap(c, 'integer_divide_by_zero', pc);
          if (kind === 0 || kind === 2) {
            if (bh === (bl >> 31) && ah === (al >> 31)) {
              // Both fit in an i32: exact in doubles (|quotient| ≤ 2^31).
              const q = kind === 0 ? Math.trunc(al / bl) : al % bl;
              R[d] = q;
              R[d + 1] = q < 0 ? -1 : 0;
            } else if (kind === 0 && ah === -2147483648 && al === 0 && bl === -1 && bh === -1) {
              throw trap(c, 'integer_overflow', pc);
            } else if (kind === 2 && bl === -1 && bh === -1) {
              R[d] = 0;
              R[d + 1] = 0;
            } else {
              divrem64(kind, al, ah, bl, bh);
              R[d] = out[0];
              R[d + 1] = out[1];
            }
          } else if (ah === 0 && bh === 0) {
            const x = al >>> 0;
            const y = bl >>> 0;
            R[d] = kind === 1 ? Math.floor(x / y) : x % y;
            R[d + 1] = 0;
          } else {
            divrem64(kind, al, ah, bl, bh);
            R[d] = out[0];
            R[d + 1] = out[1];
          }
          pc += 4;
          break;
        }
        case 121: { // i64_and
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const h = R[a + 1] & R[b + 1];
          R[d] = R[a] & R[b];
          R[d + 1] = h;
          pc += 4;
          break;
        }
        case 122: { // i64_or
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const h = R[a + 1] | R[b + 1];
          R[d] = R[a] | R[b];
          R[d + 1] = h;
          pc += 4;
          break;
        }
        case 123: { // i64_xor
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const h = R[a + 1] ^ R[b + 1];
          R[d] = R[a] ^ R[b];
          R[d + 1] = h;
          pc += 4;
          break;
        }
        case 124: { // i64_shl
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const k = R[fp + code[pc + 3]] & 63;
          const al = R[a];
          const ah = R[a + 1];
          if (k === 0) {
            R[d] = al;
            R[d + 1] = ah;
          } else if (k < 32) {
            R[d] = al << k;
            R[d + 1] = (ah << k) | (al >>> (32 - k));
          } else {
            R[d] = 0;
            R[d + 1] = al << (k - 32);
          }
          pc += 4;
          break;
        }
        case 125: { // i64_shr_s
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const k = R[fp + code[pc + 3]] & 63;
          const al = R[a];
          const ah = R[a + 1];
          if (k === 0) {
            R[d] = al;
            R[d + 1] = ah;
          } else if (k < 32) {
            R[d] = (al >>> k) | (ah << (32 - k));
            R[d + 1] = ah >> k;
          } else {
            R[d] = ah >> (k - 32);
            R[d + 1] = ah >> 31;
          }
          pc += 4;
          break;
        }
        case 126: { // i64_shr_u
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const k = R[fp + code[pc + 3]] & 63;
          const al = R[a];
          const ah = R[a + 1];
          if (k === 0) {
            R[d] = al;
            R[d + 1] = ah;
          } else if (k < 32) {
            R[d] = (al >>> k) | (ah << (32 - k));
            R[d + 1] = ah >>> k;
          } else {
            R[d] = ah >>> (k - 32);
            R[d + 1] = 0;
          }
          pc += 4;
          break;
        }
        case 127: // i64_rotl
        case 128: { // i64_rotr
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          let k = R[fp + code[pc + 3]] & 63;
          if (code[pc] === 128 /* i64_rotr */) k = (64 - k) & 63;
          let lo = R[a];
          let hi = R[a + 1];
          if (k >= 32) {
            const t = lo;
            lo = hi;
            hi = t;
            k -= 32;
          }
          if (k !== 0) {
            const nl = (lo << k) | (hi >>> (32 - k));
            hi = (hi << k) | (lo >>> (32 - k));
            lo = nl;
          }
          R[d] = lo;
          R[d + 1] = hi;
          pc += 4;
          break;
        }
        case 129: { // i64_eq
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          R[fp + code[pc + 1]] = R[a] === R[b] && R[a + 1] === R[b + 1] ? 1 : 0;
          pc += 4;
          break;
        }
        case 130: { // i64_ne
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          R[fp + code[pc + 1]] = R[a] !== R[b] || R[a + 1] !== R[b + 1] ? 1 : 0;
          pc += 4;
          break;
        }
        case 131: { // i64_lt_s
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const ah = R[a + 1];
          const bh = R[b + 1];
          R[fp + code[pc + 1]] = ah < bh || (ah === bh && (R[a] >>> 0) < (R[b] >>> 0)) ? 1 : 0;
          pc += 4;
          break;
        }
        case 132: { // i64_lt_u
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const ah = R[a + 1] >>> 0;
          const bh = R[b + 1] >>> 0;
          R[fp + code[pc + 1]] = ah < bh || (ah === bh && (R[a] >>> 0) < (R[b] >>> 0)) ? 1 : 0;
          pc += 4;
          break;
        }
        case 133: { // i64_gt_s
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const ah = R[a + 1];
          const bh = R[b + 1];
          R[fp + code[pc + 1]] = ah > bh || (ah === bh && (R[a] >>> 0) > (R[b] >>> 0)) ? 1 : 0;
          pc += 4;
          break;
        }
        case 134: { // i64_gt_u
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const ah = R[a + 1] >>> 0;
          const bh = R[b + 1] >>> 0;
          R[fp + code[pc + 1]] = ah > bh || (ah === bh && (R[a] >>> 0) > (R[b] >>> 0)) ? 1 : 0;
          pc += 4;
          break;
        }
        case 135: { // i64_le_s
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const ah = R[a + 1];
          const bh = R[b + 1];
          R[fp + code[pc + 1]] = ah < bh || (ah === bh && (R[a] >>> 0) <= (R[b] >>> 0)) ? 1 : 0;
          pc += 4;
          break;
        }
        case 136: { // i64_le_u
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const ah = R[a + 1] >>> 0;
          const bh = R[b + 1] >>> 0;
          R[fp + code[pc + 1]] = ah < bh || (ah === bh && (R[a] >>> 0) <= (R[b] >>> 0)) ? 1 : 0;
          pc += 4;
          break;
        }
        case 137: { // i64_ge_s
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const ah = R[a + 1];
          const bh = R[b + 1];
          R[fp + code[pc + 1]] = ah > bh || (ah === bh && (R[a] >>> 0) >= (R[b] >>> 0)) ? 1 : 0;
          pc += 4;
          break;
        }
        case 138: { // i64_ge_u
          const a = fp + code[pc + 2];
          const b = fp + code[pc + 3];
          const ah = R[a + 1] >>> 0;
          const bh = R[b + 1] >>> 0;
          R[fp + code[pc + 1]] = ah > bh || (ah === bh && (R[a] >>> 0) >= (R[b] >>> 0)) ? 1 : 0;
          pc += 4;
          break;
        }
        case 139: { // i64_eqz
          const a = fp + code[pc + 2];
          R[fp + code[pc + 1]] = R[a] === 0 && R[a + 1] === 0 ? 1 : 0;
          pc += 3;
          break;
        }
        case 140: { // i64_clz
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const h = R[a + 1];
          R[d] = h !== 0 ? Math.clz32(h) : 32 + Math.clz32(R[a]);
          R[d + 1] = 0;
          pc += 3;
          break;
        }
        case 141: { // i64_ctz
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const l = R[a];
          R[d] = l !== 0 ? ctz32(l) : 32 + ctz32(R[a + 1]);
          R[d + 1] = 0;
          pc += 3;
          break;
        }
        case 142: { // i64_popcnt
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          R[d] = popcnt32(R[a]) + popcnt32(R[a + 1]);
          R[d + 1] = 0;
          pc += 3;
          break;
        }
        case 143: { // i64_extend8_s
          const d = fp + code[pc + 1];
          const v = (R[fp + code[pc + 2]] << 24) >> 24;
          R[d] = v;
          R[d + 1] = v >> 31;
          pc += 3;
          break;
        }
        case 144: { // i64_extend16_s
          const d = fp + code[pc + 1];
          const v = (R[fp + code[pc + 2]] << 16) >> 16;
          R[d] = v;
          R[d + 1] = v >> 31;
          pc += 3;
          break;
        }
        case 145: // i64_extend32_s
        case 146: { // i64_extend_i32_s
          const d = fp + code[pc + 1];
          const v = R[fp + code[pc + 2]];
          R[d] = v;
          R[d + 1] = v >> 31;
          pc += 3;
          break;
        }
        case 147: { // i64_extend_i32_u
          const d = fp + code[pc + 1];
          R[d] = R[fp + code[pc + 2]];
          R[d + 1] = 0;
          pc += 3;
          break;
        }

        // ---- f32 (bits in the low word; arithmetic through the Float32Array view) ------------
        case 148: { // f32_add
          const v = Math.fround(F32[fp + code[pc + 2]] + F32[fp + code[pc + 3]]);
          if (v !== v) R[fp + code[pc + 1]] = 0x7fc00000;
          else F32[fp + code[pc + 1]] = v;
          pc += 4;
          break;
        }
        case 149: { // f32_sub
          const v = Math.fround(F32[fp + code[pc + 2]] - F32[fp + code[pc + 3]]);
          if (v !== v) R[fp + code[pc + 1]] = 0x7fc00000;
          else F32[fp + code[pc + 1]] = v;
          pc += 4;
          break;
        }
        case 150: { // f32_mul
          const v = Math.fround(F32[fp + code[pc + 2]] * F32[fp + code[pc + 3]]);
          if (v !== v) R[fp + code[pc + 1]] = 0x7fc00000;
          else F32[fp + code[pc + 1]] = v;
          pc += 4;
          break;
        }
        case 151: { // f32_div
          const v = Math.fround(F32[fp + code[pc + 2]] / F32[fp + code[pc + 3]]);
          if (v !== v) R[fp + code[pc + 1]] = 0x7fc00000;
          else F32[fp + code[pc + 1]] = v;
          pc += 4;
          break;
        }
        case 152: { // f32_min
          const v = Math.min(F32[fp + code[pc + 2]], F32[fp + code[pc + 3]]);
          if (v !== v) R[fp + code[pc + 1]] = 0x7fc00000;
          else F32[fp + code[pc + 1]] = v;
          pc += 4;
          break;
        }
        case 153: { // f32_max
          const v = Math.max(F32[fp + code[pc + 2]], F32[fp + code[pc + 3]]);
          if (v !== v) R[fp + code[pc + 1]] = 0x7fc00000;
          else F32[fp + code[pc + 1]] = v;
          pc += 4;
          break;
        }
        case 154: // f32_copysign
          R[fp + code[pc + 1]] = (R[fp + code[pc + 2]] & 0x7fffffff) | (R[fp + code[pc + 3]] & -2147483648);
          pc += 4;
          break;
        case 155: // f32_eq
          R[fp + code[pc + 1]] = F32[fp + code[pc + 2]] === F32[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 156: // f32_ne
          R[fp + code[pc + 1]] = F32[fp + code[pc + 2]] !== F32[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 157: // f32_lt
          R[fp + code[pc + 1]] = F32[fp + code[pc + 2]] < F32[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 158: // f32_gt
          R[fp + code[pc + 1]] = F32[fp + code[pc + 2]] > F32[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 159: // f32_le
          R[fp + code[pc + 1]] = F32[fp + code[pc + 2]] <= F32[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 160: // f32_ge
          R[fp + code[pc + 1]] = F32[fp + code[pc + 2]] >= F32[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 161: // f32_abs
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] & 0x7fffffff;
          pc += 3;
          break;
        case 162: // f32_neg
          R[fp + code[pc + 1]] = R[fp + code[pc + 2]] ^ -2147483648;
          pc += 3;
          break;
        case 163: { // f32_ceil
          const v = Math.ceil(F32[fp + code[pc + 2]]);
          if (v !== v) R[fp + code[pc + 1]] = 0x7fc00000;
          else F32[fp + code[pc + 1]] = v;
          pc += 3;
          break;
        }
        case 164: { // f32_floor
          const v = Math.floor(F32[fp + code[pc + 2]]);
          if (v !== v) R[fp + code[pc + 1]] = 0x7fc00000;
          else F32[fp + code[pc + 1]] = v;
          pc += 3;
          break;
        }
        case 165: { // f32_trunc
          const v = Math.trunc(F32[fp + code[pc + 2]]);
          if (v !== v) R[fp + code[pc + 1]] = 0x7fc00000;
          else F32[fp + code[pc + 1]] = v;
          pc += 3;
          break;
        }
        case 166: { // f32_nearest
          const v = nearest(F32[fp + code[pc + 2]]);
          if (v !== v) R[fp + code[pc + 1]] = 0x7fc00000;
          else F32[fp + code[pc + 1]] = v;
          pc += 3;
          break;
        }
        case 167: { // f32_sqrt
          const v = Math.fround(Math.sqrt(F32[fp + code[pc + 2]]));
          if (v !== v) R[fp + code[pc + 1]] = 0x7fc00000;
          else F32[fp + code[pc + 1]] = v;
          pc += 3;
          break;
        }

        // ---- f64 (bits in both words; arithmetic through the Float64Array view) -------------
        case 168: { // f64_add
          const d = fp + code[pc + 1];
          const v = F64[(fp + code[pc + 2]) >> 1] + F64[(fp + code[pc + 3]) >> 1];
          if (v !== v) { R[d] = 0; R[d + 1] = 0x7ff80000; } else F64[d >> 1] = v;
          pc += 4;
          break;
        }
        case 169: { // f64_sub
          const d = fp + code[pc + 1];
          const v = F64[(fp + code[pc + 2]) >> 1] - F64[(fp + code[pc + 3]) >> 1];
          if (v !== v) { R[d] = 0; R[d + 1] = 0x7ff80000; } else F64[d >> 1] = v;
          pc += 4;
          break;
        }
        case 170: { // f64_mul
          const d = fp + code[pc + 1];
          const v = F64[(fp + code[pc + 2]) >> 1] * F64[(fp + code[pc + 3]) >> 1];
          if (v !== v) { R[d] = 0; R[d + 1] = 0x7ff80000; } else F64[d >> 1] = v;
          pc += 4;
          break;
        }
        case 171: { // f64_div
          const d = fp + code[pc + 1];
          const v = F64[(fp + code[pc + 2]) >> 1] / F64[(fp + code[pc + 3]) >> 1];
          if (v !== v) { R[d] = 0; R[d + 1] = 0x7ff80000; } else F64[d >> 1] = v;
          pc += 4;
          break;
        }
        case 172: { // f64_min
          const d = fp + code[pc + 1];
          const v = Math.min(F64[(fp + code[pc + 2]) >> 1], F64[(fp + code[pc + 3]) >> 1]);
          if (v !== v) { R[d] = 0; R[d + 1] = 0x7ff80000; } else F64[d >> 1] = v;
          pc += 4;
          break;
        }
        case 173: { // f64_max
          const d = fp + code[pc + 1];
          const v = Math.max(F64[(fp + code[pc + 2]) >> 1], F64[(fp + code[pc + 3]) >> 1]);
          if (v !== v) { R[d] = 0; R[d + 1] = 0x7ff80000; } else F64[d >> 1] = v;
          pc += 4;
          break;
        }
        case 174: { // f64_copysign
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const h = (R[a + 1] & 0x7fffffff) | (R[fp + code[pc + 3] + 1] & -2147483648);
          R[d] = R[a];
          R[d + 1] = h;
          pc += 4;
          break;
        }
        case 175: // f64_eq
          R[fp + code[pc + 1]] = F64[(fp + code[pc + 2]) >> 1] === F64[(fp + code[pc + 3]) >> 1] ? 1 : 0;
          pc += 4;
          break;
        case 176: // f64_ne
          R[fp + code[pc + 1]] = F64[(fp + code[pc + 2]) >> 1] !== F64[(fp + code[pc + 3]) >> 1] ? 1 : 0;
          pc += 4;
          break;
        case 177: // f64_lt
          R[fp + code[pc + 1]] = F64[(fp + code[pc + 2]) >> 1] < F64[(fp + code[pc + 3]) >> 1] ? 1 : 0;
          pc += 4;
          break;
        case 178: // f64_gt
          R[fp + code[pc + 1]] = F64[(fp + code[pc + 2]) >> 1] > F64[(fp + code[pc + 3]) >> 1] ? 1 : 0;
          pc += 4;
          break;
        case 179: // f64_le
          R[fp + code[pc + 1]] = F64[(fp + code[pc + 2]) >> 1] <= F64[(fp + code[pc + 3]) >> 1] ? 1 : 0;
          pc += 4;
          break;
        case 180: // f64_ge
          R[fp + code[pc + 1]] = F64[(fp + code[pc + 2]) >> 1] >= F64[(fp + code[pc + 3]) >> 1] ? 1 : 0;
          pc += 4;
          break;
        case 181: { // f64_abs
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const h = R[a + 1] & 0x7fffffff;
          R[d] = R[a];
          R[d + 1] = h;
          pc += 3;
          break;
        }
        case 182: { // f64_neg
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const h = R[a + 1] ^ -2147483648;
          R[d] = R[a];
          R[d + 1] = h;
          pc += 3;
          break;
        }
        case 183: { // f64_ceil
          const d = fp + code[pc + 1];
          const v = Math.ceil(F64[(fp + code[pc + 2]) >> 1]);
          if (v !== v) { R[d] = 0; R[d + 1] = 0x7ff80000; } else F64[d >> 1] = v;
          pc += 3;
          break;
        }
        case 184: { // f64_floor
          const d = fp + code[pc + 1];
          const v = Math.floor(F64[(fp + code[pc + 2]) >> 1]);
          if (v !== v) { R[d] = 0; R[d + 1] = 0x7ff80000; } else F64[d >> 1] = v;
          pc += 3;
          break;
        }
        case 185: { // f64_trunc
          const d = fp + code[pc + 1];
          const v = Math.trunc(F64[(fp + code[pc + 2]) >> 1]);
          if (v !== v) { R[d] = 0; R[d + 1] = 0x7ff80000; } else F64[d >> 1] = v;
          pc += 3;
          break;
        }
        case 186: { // f64_nearest
          const d = fp + code[pc + 1];
          const v = nearest(F64[(fp + code[pc + 2]) >> 1]);
          if (v !== v) { R[d] = 0; R[d + 1] = 0x7ff80000; } else F64[d >> 1] = v;
          pc += 3;
          break;
        }
        case 187: { // f64_sqrt
          const d = fp + code[pc + 1];
          const v = Math.sqrt(F64[(fp + code[pc + 2]) >> 1]);
          if (v !== v) { R[d] = 0; R[d + 1] = 0x7ff80000; } else F64[d >> 1] = v;
          pc += 3;
          break;
        }

        // ---- conversions -------------------------------------------------------------------------
        case 188: // i32_trunc_f32_s
        case 190: { // i32_trunc_f64_s
          const x = code[pc] === 188 /* i32_trunc_f32_s */ ? F32[fp + code[pc + 2]] : F64[(fp + code[pc + 2]) >> 1];
          if (x !== x) throw trap(c, 'invalid_conversion_to_integer', pc);
          const t = Math.trunc(x);
          if (t < -2147483648 || t > 2147483647) throw trap(c, 'integer_overflow', pc);
          R[fp + code[pc + 1]] = t;
          pc += 3;
          break;
        }
        case 189: // i32_trunc_f32_u
        case 191: { // i32_trunc_f64_u
          const x = code[pc] === 189 /* i32_trunc_f32_u */ ? F32[fp + code[pc + 2]] : F64[(fp + code[pc + 2]) >> 1];
          if (x !== x) throw trap(c, 'invalid_conversion_to_integer', pc);
          const t = Math.trunc(x);
          if (t < 0 || t > 4294967295) throw trap(c, 'integer_overflow', pc);
          R[fp + code[pc + 1]] = t | 0;
          pc += 3;
          break;
        }
        case 192: // i64_trunc_f32_s
        case 194: { // i64_trunc_f64_s
          const x = code[pc] === 192 /* i64_trunc_f32_s */ ? F32[fp + code[pc + 2]] : F64[(fp + code[pc + 2]) >> 1];
          if (x !== x) throw trap(c, 'invalid_conversion_to_integer', pc);
          const t = Math.trunc(x);
          if (t < -9223372036854775808 || t >= 9223372036854775808) throw trap(c, 'integer_overflow', pc);
          const d = fp + code[pc + 1];
          const h = Math.floor(t / 4294967296);
          R[d] = t - h * 4294967296;
          R[d + 1] = h;
          pc += 3;
          break;
        }
        case 193: // i64_trunc_f32_u
        case 195: { // i64_trunc_f64_u
          const x = code[pc] === 193 /* i64_trunc_f32_u */ ? F32[fp + code[pc + 2]] : F64[(fp + code[pc + 2]) >> 1];
          if (x !== x) throw trap(c, 'invalid_conversion_to_integer', pc);
          const t = Math.trunc(x);
          if (t < 0 || t >= 18446744073709551616) throw trap(c, 'integer_overflow', pc);
          const d = fp + code[pc + 1];
          const h = Math.floor(t / 4294967296);
          R[d] = t - h * 4294967296;
          R[d + 1] = h;
          pc += 3;
          break;
        }
        case 196: // i32_trunc_sat_f32_s
        case 198: { // i32_trunc_sat_f64_s
          const x = code[pc] === 196 /* i32_trunc_sat_f32_s */ ? F32[fp + code[pc + 2]] : F64[(fp + code[pc + 2]) >> 1];
          const t = Math.trunc(x);
          R[fp + code[pc + 1]] = x !== x ? 0 : t < -2147483648 ? -2147483648 : t > 2147483647 ? 2147483647 : t;
          pc += 3;
          break;
        }
        case 197: // i32_trunc_sat_f32_u
        case 199: { // i32_trunc_sat_f64_u
          const x = code[pc] === 197 /* i32_trunc_sat_f32_u */ ? F32[fp + code[pc + 2]] : F64[(fp + code[pc + 2]) >> 1];
          const t = Math.trunc(x);
          R[fp + code[pc + 1]] = x !== x || t < 0 ? 0 : t > 4294967295 ? -1 : t | 0;
          pc += 3;
          break;
        }
        case 200: // i64_trunc_sat_f32_s
        case 202: { // i64_trunc_sat_f64_s
          const x = code[pc] === 200 /* i64_trunc_sat_f32_s */ ? F32[fp + code[pc + 2]] : F64[(fp + code[pc + 2]) >> 1];
          const d = fp + code[pc + 1];
          const t = Math.trunc(x);
          if (x !== x) {
            R[d] = 0;
            R[d + 1] = 0;
          } else if (t < -9223372036854775808) {
            R[d] = 0;
            R[d + 1] = -2147483648;
          } else if (t >= 9223372036854775808) {
            R[d] = -1;
            R[d + 1] = 2147483647;
          } else {
            const h = Math.floor(t / 4294967296);
            R[d] = t - h * 4294967296;
            R[d + 1] = h;
          }
          pc += 3;
          break;
        }
        case 201: // i64_trunc_sat_f32_u
        case 203: { // i64_trunc_sat_f64_u
          const x = code[pc] === 201 /* i64_trunc_sat_f32_u */ ? F32[fp + code[pc + 2]] : F64[(fp + code[pc + 2]) >> 1];
          const d = fp + code[pc + 1];
          const t = Math.trunc(x);
          if (x !== x || t < 0) {
            R[d] = 0;
            R[d + 1] = 0;
          } else if (t >= 18446744073709551616) {
            R[d] = -1;
            R[d + 1] = -1;
          } else {
            const h = Math.floor(t / 4294967296);
            R[d] = t - h * 4294967296;
            R[d + 1] = h;
          }
          pc += 3;
          break;
        }
        case 204: // f32_convert_i32_s
          F32[fp + code[pc + 1]] = R[fp + code[pc + 2]];
          pc += 3;
          break;
        case 205: // f32_convert_i32_u
          F32[fp + code[pc + 1]] = R[fp + code[pc + 2]] >>> 0;
          pc += 3;
          break;
        case 206: { // f32_convert_i64_s
          const a = fp + code[pc + 2];
          F32[fp + code[pc + 1]] = i64ToF32(R[a], R[a + 1]);
          pc += 3;
          break;
        }
        case 207: { // f32_convert_i64_u
          const a = fp + code[pc + 2];
          F32[fp + code[pc + 1]] = u64ToF32(R[a], R[a + 1]);
          pc += 3;
          break;
        }
        case 208: { // f32_demote_f64
          const v = Math.fround(F64[(fp + code[pc + 2]) >> 1]);
          if (v !== v) R[fp + code[pc + 1]] = 0x7fc00000;
          else F32[fp + code[pc + 1]] = v;
          pc += 3;
          break;
        }
        case 209: // f64_convert_i32_s
          F64[(fp + code[pc + 1]) >> 1] = R[fp + code[pc + 2]];
          pc += 3;
          break;
        case 210: // f64_convert_i32_u
          F64[(fp + code[pc + 1]) >> 1] = R[fp + code[pc + 2]] >>> 0;
          pc += 3;
          break;
        case 211: { // f64_convert_i64_s
          const a = fp + code[pc + 2];
          F64[(fp + code[pc + 1]) >> 1] = R[a + 1] * 4294967296 + (R[a] >>> 0);
          pc += 3;
          break;
        }
        case 212: { // f64_convert_i64_u
          const a = fp + code[pc + 2];
          F64[(fp + code[pc + 1]) >> 1] = (R[a + 1] >>> 0) * 4294967296 + (R[a] >>> 0);
          pc += 3;
          break;
        }
        case 213: { // f64_promote_f32
          const d = fp + code[pc + 1];
          const v = F32[fp + code[pc + 2]];
          if (v !== v) { R[d] = 0; R[d + 1] = 0x7ff80000; } else F64[d >> 1] = v;
          pc += 3;
          break;
        }

        // ---- immediate forms added after the first numbering ----------------------------------
        case 214: { // i32_rotl_i
          const a = R[fp + code[pc + 2]];
          const k = code[pc + 3] & 31;
          R[fp + code[pc + 1]] = (a << k) | (a >>> (32 - k));
          pc += 4;
          break;
        }
        case 215: { // i32_rotr_i
          const a = R[fp + code[pc + 2]];
          const k = code[pc + 3] & 31;
          R[fp + code[pc + 1]] = (a >>> k) | (a << (32 - k));
          pc += 4;
          break;
        }
        case 216: { // i64_add_i
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const l = (R[a] >>> 0) + (code[pc + 3] >>> 0);
          const h = (R[a + 1] + code[pc + 4] + (l > 4294967295 ? 1 : 0)) | 0;
          R[d] = l;
          R[d + 1] = h;
          pc += 5;
          break;
        }
        case 217: { // i64_and_i
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const h = R[a + 1] & code[pc + 4];
          R[d] = R[a] & code[pc + 3];
          R[d + 1] = h;
          pc += 5;
          break;
        }
        case 218: { // i64_or_i
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const h = R[a + 1] | code[pc + 4];
          R[d] = R[a] | code[pc + 3];
          R[d + 1] = h;
          pc += 5;
          break;
        }
        case 219: { // i64_xor_i
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const h = R[a + 1] ^ code[pc + 4];
          R[d] = R[a] ^ code[pc + 3];
          R[d + 1] = h;
          pc += 5;
          break;
        }
        case 220: { // i64_mul_i
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const al = R[a];
          const ah = R[a + 1];
          const bl = code[pc + 3];
          const bh = code[pc + 4];
          const a0 = al & 0xffff;
          const a1 = al >>> 16;
          const b0 = bl & 0xffff;
          const b1 = bl >>> 16;
          const mid = a0 * b1 + a1 * b0;
          const low = a0 * b0 + (mid & 0xffff) * 65536;
          const carry = Math.floor(low / 4294967296);
          const h = (a1 * b1 + Math.floor(mid / 65536) + carry + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
          R[d] = low;
          R[d + 1] = h;
          pc += 5;
          break;
        }
        case 221: { // i64_shl_i
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const k = code[pc + 3];
          const al = R[a];
          const ah = R[a + 1];
          if (k === 0) {
            R[d] = al;
            R[d + 1] = ah;
          } else if (k < 32) {
            R[d] = al << k;
            R[d + 1] = (ah << k) | (al >>> (32 - k));
          } else {
            R[d] = 0;
            R[d + 1] = al << (k - 32);
          }
          pc += 4;
          break;
        }
        case 222: { // i64_shr_s_i
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const k = code[pc + 3];
          const al = R[a];
          const ah = R[a + 1];
          if (k === 0) {
            R[d] = al;
            R[d + 1] = ah;
          } else if (k < 32) {
            R[d] = (al >>> k) | (ah << (32 - k));
            R[d + 1] = ah >> k;
          } else {
            R[d] = ah >> (k - 32);
            R[d + 1] = ah >> 31;
          }
          pc += 4;
          break;
        }
        case 223: { // i64_shr_u_i
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const k = code[pc + 3];
          const al = R[a];
          const ah = R[a + 1];
          if (k === 0) {
            R[d] = al;
            R[d + 1] = ah;
          } else if (k < 32) {
            R[d] = (al >>> k) | (ah << (32 - k));
            R[d + 1] = ah >>> k;
          } else {
            R[d] = ah >>> (k - 32);
            R[d + 1] = 0;
          }
          pc += 4;
          break;
        }
        case 224: { // i64_rotl_i
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          let k = code[pc + 3];
          let lo = R[a];
          let hi = R[a + 1];
          if (k >= 32) {
            const t = lo;
            lo = hi;
            hi = t;
            k -= 32;
          }
          if (k !== 0) {
            const nl = (lo << k) | (hi >>> (32 - k));
            hi = (hi << k) | (lo >>> (32 - k));
            lo = nl;
          }
          R[d] = lo;
          R[d + 1] = hi;
          pc += 4;
          break;
        }

        // ---- superinstructions --------------------------------------------------------------
        case 225: { // load32_ai
          const ea = ((R[fp + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 4 > memLen) throw trap(c, 'out_of_bounds_memory', pc);
          R[fp + code[pc + 1]] = (ea & 3) === 0 ? M32[ea >>> 2] : DV.getInt32(ea, true);
          pc += 5;
          break;
        }
        case 226: { // load64_ai
          const ea = ((R[fp + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 8 > memLen) throw trap(c, 'out_of_bounds_memory', pc);
          const d = fp + code[pc + 1];
          if ((ea & 3) === 0) {
            R[d] = M32[ea >>> 2];
            R[d + 1] = M32[(ea >>> 2) + 1];
          } else {
            R[d] = DV.getInt32(ea, true);
            R[d + 1] = DV.getInt32(ea + 4, true);
          }
          pc += 5;
          break;
        }
        case 227: { // load8_u_ai
          const ea = ((R[fp + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea >= memLen) throw trap(c, 'out_of_bounds_memory', pc);
          R[fp + code[pc + 1]] = M8[ea];
          pc += 5;
          break;
        }
        case 228: { // store32_ai
          const ea = ((R[fp + code[pc + 1]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 4 > memLen) throw trap(c, 'out_of_bounds_memory', pc);
          if ((ea & 3) === 0) M32[ea >>> 2] = R[fp + code[pc + 2]];
          else DV.setInt32(ea, R[fp + code[pc + 2]], true);
          pc += 5;
          break;
        }
        case 229: { // store64_ai
          const ea = ((R[fp + code[pc + 1]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 8 > memLen) throw trap(c, 'out_of_bounds_memory', pc);
          const v = fp + code[pc + 2];
          if ((ea & 3) === 0) {
            M32[ea >>> 2] = R[v];
            M32[(ea >>> 2) + 1] = R[v + 1];
          } else {
            DV.setInt32(ea, R[v], true);
            DV.setInt32(ea + 4, R[v + 1], true);
          }
          pc += 5;
          break;
        }
        case 230: { // store8_ai
          const ea = ((R[fp + code[pc + 1]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea >= memLen) throw trap(c, 'out_of_bounds_memory', pc);
          M8[ea] = R[fp + code[pc + 2]];
          pc += 5;
          break;
        }
        case 231: { // mov2
          let d = fp + code[pc + 1];
          let a = fp + code[pc + 2];
          R[d] = R[a];
          R[d + 1] = R[a + 1];
          d = fp + code[pc + 3];
          a = fp + code[pc + 4];
          R[d] = R[a];
          R[d + 1] = R[a + 1];
          pc += 5;
          break;
        }
        case 232: { // canon_f32
          const v = F32[fp + code[pc + 2]];
          R[fp + code[pc + 1]] = v !== v ? 0x7fc00000 : R[fp + code[pc + 2]];
          pc += 3;
          break;
        }
        case 233: { // canon_f64
          const d = fp + code[pc + 1];
          const a = fp + code[pc + 2];
          const v = F64[a >> 1];
          if (v !== v) {
            R[d] = 0;
            R[d + 1] = 0x7ff80000;
          } else {
            const lo = R[a];
            R[d + 1] = R[a + 1];
            R[d] = lo;
          }
          pc += 3;
          break;
        }
        case 234: { // load32_rr
          const ea = ((R[fp + code[pc + 2]] + R[fp + code[pc + 3]]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 4 > memLen) throw trap(c, 'out_of_bounds_memory', pc);
          R[fp + code[pc + 1]] = (ea & 3) === 0 ? M32[ea >>> 2] : DV.getInt32(ea, true);
          pc += 5;
          break;
        }
        case 235: { // load64_rr
          const ea = ((R[fp + code[pc + 2]] + R[fp + code[pc + 3]]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 8 > memLen) throw trap(c, 'out_of_bounds_memory', pc);
          const d = fp + code[pc + 1];
          if ((ea & 3) === 0) {
            R[d] = M32[ea >>> 2];
            R[d + 1] = M32[(ea >>> 2) + 1];
          } else {
            R[d] = DV.getInt32(ea, true);
            R[d + 1] = DV.getInt32(ea + 4, true);
          }
          pc += 5;
          break;
        }
        case 236: { // load8_u_rr
          const ea = ((R[fp + code[pc + 2]] + R[fp + code[pc + 3]]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea >= memLen) throw trap(c, 'out_of_bounds_memory', pc);
          R[fp + code[pc + 1]] = M8[ea];
          pc += 5;
          break;
        }
        case 237: { // store32_rr
          const ea = ((R[fp + code[pc + 1]] + R[fp + code[pc + 3]]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 4 > memLen) throw trap(c, 'out_of_bounds_memory', pc);
          if ((ea & 3) === 0) M32[ea >>> 2] = R[fp + code[pc + 2]];
          else DV.setInt32(ea, R[fp + code[pc + 2]], true);
          pc += 5;
          break;
        }
        case 238: { // store64_rr
          const ea = ((R[fp + code[pc + 1]] + R[fp + code[pc + 3]]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 8 > memLen) throw trap(c, 'out_of_bounds_memory', pc);
          const v = fp + code[pc + 2];
          if ((ea & 3) === 0) {
            M32[ea >>> 2] = R[v];
            M32[(ea >>> 2) + 1] = R[v + 1];
          } else {
            DV.setInt32(ea, R[v], true);
            DV.setInt32(ea + 4, R[v + 1], true);
          }
          pc += 5;
          break;
        }
        case 239: { // store8_rr
          const ea = ((R[fp + code[pc + 1]] + R[fp + code[pc + 3]]) >>> 0) + (code[pc + 4] >>> 0);
          if (ea >= memLen) throw trap(c, 'out_of_bounds_memory', pc);
          M8[ea] = R[fp + code[pc + 2]];
          pc += 5;
          break;
        }
        case 240: { // global_add_i_get
          const g = 2 * code[pc + 2];
          const v = (G[g] + code[pc + 3]) | 0;
          G[g] = v;
          R[fp + code[pc + 1]] = v;
          pc += 4;
          break;
        }
        case 241: { // ret1
          const a = fp + code[pc + 1];
          const lo = R[a];
          R[fp + 1] = R[a + 1];
          R[fp] = lo;
          if (csp === baseCsp) return;
          fp = CS[--csp];
          pc = CS[--csp];
          break;
        }
        case 242: { // stack_enter
          const g = 2 * code[pc + 1];
          const v = (G[g] + code[pc + 2]) | 0;
          G[g] = v;
          pc = (v >>> 0) > (code[pc + 3] >>> 0) ? pc + 5 : code[pc + 4];
          break;
        }
        default:
          throw new Error(`interpreter: bad opcode ${code[pc]} at pc ${pc}`);
      }
    }
  } finally {
    M.depth--;
    M.csp = baseCsp;
  }
}
