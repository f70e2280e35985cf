/**
 * Translation of a validated module into the register IR of ir.ts: one pass per function body,
 * wasmi 0.32's "provider stack" method (spec/interpreter-notes.md §1.2) simplified.
 *
 * The translator mirrors the wasm operand stack at compile time. Each entry is a *provider*: a
 * temporary (the value sits in the slot of its stack position), a local (the value is that local's
 * current content: `local.get` emits nothing) or a constant (an immediate: `i32.const` emits
 * nothing). An operator takes its operands' registers (or an immediate for the `_i` forms) and
 * writes its result to the temporary of the position it leaves its result at. Invariants:
 *   - a lazy provider (local or constant) only lives within straight-line code: entering a block,
 *     loop or if turns every provider into a temporary ("flush"), so no lazy value crosses a label;
 *   - before `local.set x`, providers still reading x are copied to their temporaries
 *     ("preservation"), so they keep the old value;
 *   - values a branch carries go to the target's slots (the heights the target block started at);
 *     the fall-through path does the same at `end`, so every path into a label leaves the same slots.
 * Peepholes: an operator immediately followed by `local.set` writes the local directly; a compare
 * or `i32.eqz` immediately followed by `br_if` / `if` becomes one compare-and-branch;
 * `global.get g; i32.const k; i32.add|sub; global.set g` becomes `global_add_i` (the stack
 * limiter's pre- and postamble); reinterpretations and `i32.wrap_i64` cost nothing (slots hold
 * raw bits; an i32 is the low word).
 *
 * Calls use overlapping frames: the arguments are materialised in the caller's temporaries at
 * heights h−n … h−1 and the callee's frame starts there, so its parameters are already in place and
 * its results come back in the same slots.
 *
 * The metering helper `$gas` of packages/wasm (recognised by its exact bytes, `gasHelperGlobals`)
 * is not called: `i64.const k; call $gas` becomes the single instruction `gas k` with the helper's
 * exact semantics (compare, set the exhausted flag and trap, or subtract).
 */
import {
  BLOCK_EMPTY,
  InstrReader,
  Op,
  ValType,
  decodeAndValidate,
  gasHelperGlobals,
  importCounts,
  nanHelperKind,
  validate,
  WasmError,
  type FuncType,
  type Module,
  type ValidationInfo,
} from '@cloak/wasm';
import { Ir, IR_OPERANDS } from './ir.js';
import { typeIdOf } from './runtime.js';

/** Everything instantiation and execution need, computed once per module. */
export interface CompiledModule {
  readonly module: Module;
  /** The IR of every defined function, concatenated. */
  readonly code: Int32Array;
  readonly importedFuncs: number;
  readonly importedGlobals: number;
  /** Type of every function in the function index space. */
  readonly funcTypes: readonly FuncType[];
  /** Process-wide type id of every function (index space) and of every type index. */
  readonly funcTypeIds: Int32Array;
  readonly typeIds: Int32Array;
  /** Per function index (imported ones: -1 / 0): entry pc, frame size in words, parameter words, parameter + local words. */
  readonly entry: Int32Array;
  readonly frameWords: Int32Array;
  readonly paramWords: Int32Array;
  readonly localWords: Int32Array;
  /** Sorted pcs of instructions that can trap, and the absolute byte offset of each in the binary (-1 unknown). */
  readonly trapPcs: Int32Array;
  readonly trapOffsets: Int32Array;
  /** The metering helper run as an intrinsic, if the module has one. */
  readonly gas: { readonly func: number; readonly left: number; readonly exhausted: number } | null;
  /** Function indices of packages/wasm's NaN-canonicalization helpers (f32, f64), run as intrinsics; -1 when absent. */
  readonly nanHelpers: readonly [number, number];
}

export type CompileInput = Uint8Array | Module | { module: Module; info: ValidationInfo };

/**
 * Compiles a module. Bytes are decoded and validated; a `Module` is validated; a `{ module, info }`
 * pair (what `decodeAndValidate` and `instrument` produce) is taken as already validated. Invalid
 * input throws the `WasmError` that names the problem and its byte offset.
 */
export function compile(input: CompileInput): CompiledModule {
  let module: Module;
  let info: ValidationInfo;
  if (input instanceof Uint8Array) {
    const r = decodeAndValidate(input);
    if (!r.ok) throw r.error;
    ({ module, info } = r.value);
  } else if ('module' in input && 'info' in input) {
    ({ module, info } = input);
  } else if ('types' in input && 'codes' in input) {
    const r = validate(input);
    if (!r.ok) throw r.error;
    module = input;
    info = r.value;
  } else {
    throw new TypeError('compile: expected wasm bytes, a Module, or { module, info }');
  }
  return translateModule(module, info);
}

// ---------------------------------------------------------------------------------------------

/** Scratch for constants read as two words. */
const PARTS = new Int32Array(2);

/** Provider kinds. */
const TEMP = 0;
const LOCAL = 1;
const CONST = 2;

/** Control frame kinds. */
const K_BLOCK = 0;
const K_LOOP = 1;
const K_IF = 2;
const K_ELSE = 3;
const K_FUNC = 4;

interface Ctl {
  kind: number;
  /** Stack height below the block's parameters. */
  base: number;
  params: number[];
  results: number[];
  /** Code positions of branch targets to patch with the end's pc. */
  fixups: number[];
  /** `if` without else yet: code position of the branch-to-else target, else -1. */
  elseFix: number;
  /** More target positions to patch with the else (or end) pc: copies of the if's test made by `backEdge`. */
  elseCopies: number[];
  /** loop: pc of the header. */
  loopPc: number;
  /** Whether the construct itself was entered in reachable code. */
  live: boolean;
  /** Whether the code at the current point inside the construct is reachable. */
  reachable: boolean;
}

class Emitter {
  buf = new Int32Array(1 << 16);
  n = 0;
  trapPcs: number[] = [];
  trapOffsets: number[] = [];

  ensure(k: number): void {
    if (this.n + k > this.buf.length) {
      const next = new Int32Array(Math.max(this.buf.length * 2, this.n + k));
      next.set(this.buf.subarray(0, this.n));
      this.buf = next;
    }
  }
}

const is64 = (t: number): boolean => t === ValType.i64 || t === ValType.f64;

function translateModule(m: Module, info: ValidationInfo): CompiledModule {
  const counts = importCounts(m);
  const nImp = counts.funcs;
  const funcTypes: FuncType[] = [];
  for (const imp of m.imports) if (imp.desc.kind === 'func') funcTypes.push(m.types[imp.desc.type]);
  for (const t of m.functions) funcTypes.push(m.types[t]);
  const nFuncs = funcTypes.length;
  const typeIds = Int32Array.from(m.types, (t) => typeIdOf(t));
  const funcTypeIds = Int32Array.from(funcTypes, (t) => typeIdOf(t));

  // Globals that are imported and mutable are reached through their Global object (ext ops).
  const extGlobal: boolean[] = [];
  for (const imp of m.imports) if (imp.desc.kind === 'global') extGlobal.push(imp.desc.global.mutable);
  for (let i = 0; i < m.globals.length; i++) extGlobal.push(false);

  let gas: CompiledModule['gas'] = null;
  for (let k = 0; k < m.codes.length && gas === null; k++) {
    const t = funcTypes[nImp + k];
    if (t.params.length !== 1 || t.params[0] !== ValType.i64 || t.results.length !== 0) continue;
    const g = gasHelperGlobals(m.codes[k]);
    if (g !== null && !extGlobal[g.left] && !extGlobal[g.exhausted]) gas = { func: nImp + k, left: g.left, exhausted: g.exhausted };
  }

  const nanHelpers: [number, number] = [-1, -1];
  for (let k = 0; k < m.codes.length; k++) {
    const t = funcTypes[nImp + k];
    if (t.params.length !== 1 || t.results.length !== 1 || t.params[0] !== t.results[0]) continue;
    const kind = nanHelperKind(m.codes[k]);
    if (kind === 32 && t.params[0] === ValType.f32 && nanHelpers[0] < 0) nanHelpers[0] = nImp + k;
    if (kind === 64 && t.params[0] === ValType.f64 && nanHelpers[1] < 0) nanHelpers[1] = nImp + k;
  }

  const entry = new Int32Array(nFuncs).fill(-1);
  const frameWords = new Int32Array(nFuncs);
  const paramWords = new Int32Array(nFuncs);
  const localWords = new Int32Array(nFuncs);
  const e = new Emitter();
  const env: Env = { m, nImp, funcTypes, typeIds, extGlobal, gas, nanHelpers, e };
  for (let k = 0; k < m.codes.length; k++) {
    const f = nImp + k;
    const t = funcTypes[f];
    const body = m.codes[k];
    let nLocals = t.params.length;
    for (const g of body.locals) nLocals += g.count;
    entry[f] = e.n;
    const height = info.maxStackHeights[k] ?? 0;
    paramWords[f] = 2 * t.params.length;
    // Locals, the zero register, the operand temporaries (+1 spare).
    localWords[f] = 2 * (nLocals + 1);
    frameWords[f] = 2 * Math.max(nLocals + 1 + height + 1, t.results.length);
    new FuncTranslator(env, f, t, nLocals, height).run();
    threadJumps(e.buf, entry[f], e.n);
  }
  return {
    module: m,
    code: e.buf.slice(0, e.n),
    importedFuncs: nImp,
    importedGlobals: counts.globals,
    funcTypes,
    funcTypeIds,
    typeIds,
    entry,
    frameWords,
    paramWords,
    localWords,
    trapPcs: Int32Array.from(e.trapPcs),
    trapOffsets: Int32Array.from(e.trapOffsets),
    gas,
    nanHelpers,
  };
}

/**
 * After a function is translated (every target patched): a `br` to a `ret` or `ret1` becomes that
 * return (as `ret1`, the size of a `br`, so that the code stays walkable instruction by
 * instruction), and a `br` to a `br` jumps straight to the final target.
 */
function threadJumps(code: Int32Array, start: number, end: number): void {
  for (let pc = start; pc < end;) {
    const op = code[pc];
    if (op === Ir.br) {
      let t = code[pc + 1];
      for (let hops = 0; hops < 8 && code[t] === Ir.br && code[t + 1] !== t; hops++) t = code[t + 1];
      if (code[t] === Ir.ret) {
        // `ret1 0` (slot 0 onto itself, then return) keeps the two-word size of the `br`.
        code[pc] = Ir.ret1;
        code[pc + 1] = 0;
      } else if (code[t] === Ir.ret1) {
        code[pc] = Ir.ret1;
        code[pc + 1] = code[t + 1];
      } else code[pc + 1] = t;
      pc += 2;
      continue;
    }
    pc += op === Ir.br_table ? code[pc + 2] + 4 : IR_OPERANDS[op] + 1;
  }
}

interface Env {
  m: Module;
  nImp: number;
  funcTypes: FuncType[];
  typeIds: Int32Array;
  extGlobal: boolean[];
  gas: CompiledModule['gas'];
  nanHelpers: [number, number];
  e: Emitter;
}

// Binary and unary operator tables: wasm opcode → IR op (and the immediate form, when there is one).
const BIN = new Map<number, number>();
const BIN_IMM = new Map<number, number>();
/** For compares with the constant on the left: the mirrored compare. */
const MIRROR = new Map<number, number>();
const COMMUTATIVE = new Set<number>();
const UN = new Map<number, number>();
const I32_COMPARES = new Set<number>();
/** wasm compare opcode → IR compare-and-branch op (register and immediate forms). */
const BR_CMP = new Map<number, number>();
const BR_CMP_I = new Map<number, number>();
/** Negation of an i32 compare (for `if`, which branches when the condition is false). */
const NEGATE = new Map<number, number>();
/** Ops that leave a 64-bit value. */
const RES64 = new Set<number>();
/** Ops that can trap (their position is recorded for trap reports). */
const TRAPS = new Set<number>();

(() => {
  const bin = (op: number, ir: number, imm?: number, commutative = false) => {
    BIN.set(op, ir);
    if (imm !== undefined) BIN_IMM.set(op, imm);
    if (commutative) COMMUTATIVE.add(op);
  };
  bin(Op.i32_add, Ir.i32_add, Ir.i32_add_i, true);
  bin(Op.i32_sub, Ir.i32_sub);
  bin(Op.i32_mul, Ir.i32_mul, Ir.i32_mul_i, true);
  bin(Op.i32_div_s, Ir.i32_div_s);
  bin(Op.i32_div_u, Ir.i32_div_u);
  bin(Op.i32_rem_s, Ir.i32_rem_s);
  bin(Op.i32_rem_u, Ir.i32_rem_u);
  bin(Op.i32_and, Ir.i32_and, Ir.i32_and_i, true);
  bin(Op.i32_or, Ir.i32_or, Ir.i32_or_i, true);
  bin(Op.i32_xor, Ir.i32_xor, Ir.i32_xor_i, true);
  bin(Op.i32_shl, Ir.i32_shl, Ir.i32_shl_i);
  bin(Op.i32_shr_s, Ir.i32_shr_s, Ir.i32_shr_s_i);
  bin(Op.i32_shr_u, Ir.i32_shr_u, Ir.i32_shr_u_i);
  bin(Op.i32_rotl, Ir.i32_rotl, Ir.i32_rotl_i);
  bin(Op.i32_rotr, Ir.i32_rotr, Ir.i32_rotr_i);
  const cmp = (op: number, ir: number, imm: number, br: number, brI: number, mirror: number, negate: number, commutative = false) => {
    bin(op, ir, imm, commutative);
    I32_COMPARES.add(op);
    BR_CMP.set(op, br);
    BR_CMP_I.set(op, brI);
    MIRROR.set(op, mirror);
    NEGATE.set(op, negate);
  };
  cmp(Op.i32_eq, Ir.i32_eq, Ir.i32_eq_i, Ir.br_eq, Ir.br_eq_i, Op.i32_eq, Op.i32_ne, true);
  cmp(Op.i32_ne, Ir.i32_ne, Ir.i32_ne_i, Ir.br_ne, Ir.br_ne_i, Op.i32_ne, Op.i32_eq, true);
  cmp(Op.i32_lt_s, Ir.i32_lt_s, Ir.i32_lt_s_i, Ir.br_lt_s, Ir.br_lt_s_i, Op.i32_gt_s, Op.i32_ge_s);
  cmp(Op.i32_lt_u, Ir.i32_lt_u, Ir.i32_lt_u_i, Ir.br_lt_u, Ir.br_lt_u_i, Op.i32_gt_u, Op.i32_ge_u);
  cmp(Op.i32_gt_s, Ir.i32_gt_s, Ir.i32_gt_s_i, Ir.br_gt_s, Ir.br_gt_s_i, Op.i32_lt_s, Op.i32_le_s);
  cmp(Op.i32_gt_u, Ir.i32_gt_u, Ir.i32_gt_u_i, Ir.br_gt_u, Ir.br_gt_u_i, Op.i32_lt_u, Op.i32_le_u);
  cmp(Op.i32_le_s, Ir.i32_le_s, Ir.i32_le_s_i, Ir.br_le_s, Ir.br_le_s_i, Op.i32_ge_s, Op.i32_gt_s);
  cmp(Op.i32_le_u, Ir.i32_le_u, Ir.i32_le_u_i, Ir.br_le_u, Ir.br_le_u_i, Op.i32_ge_u, Op.i32_gt_u);
  cmp(Op.i32_ge_s, Ir.i32_ge_s, Ir.i32_ge_s_i, Ir.br_ge_s, Ir.br_ge_s_i, Op.i32_le_s, Op.i32_lt_s);
  cmp(Op.i32_ge_u, Ir.i32_ge_u, Ir.i32_ge_u_i, Ir.br_ge_u, Ir.br_ge_u_i, Op.i32_le_u, Op.i32_lt_u);

  const b64: [number, number][] = [
    [Op.i64_add, Ir.i64_add], [Op.i64_sub, Ir.i64_sub], [Op.i64_mul, Ir.i64_mul],
    [Op.i64_div_s, Ir.i64_div_s], [Op.i64_div_u, Ir.i64_div_u], [Op.i64_rem_s, Ir.i64_rem_s], [Op.i64_rem_u, Ir.i64_rem_u],
    [Op.i64_and, Ir.i64_and], [Op.i64_or, Ir.i64_or], [Op.i64_xor, Ir.i64_xor],
    [Op.i64_shl, Ir.i64_shl], [Op.i64_shr_s, Ir.i64_shr_s], [Op.i64_shr_u, Ir.i64_shr_u],
    [Op.i64_rotl, Ir.i64_rotl], [Op.i64_rotr, Ir.i64_rotr],
  ];
  for (const [op, ir] of b64) { bin(op, ir); RES64.add(op); }
  const c64: [number, number][] = [
    [Op.i64_eq, Ir.i64_eq], [Op.i64_ne, Ir.i64_ne], [Op.i64_lt_s, Ir.i64_lt_s], [Op.i64_lt_u, Ir.i64_lt_u],
    [Op.i64_gt_s, Ir.i64_gt_s], [Op.i64_gt_u, Ir.i64_gt_u], [Op.i64_le_s, Ir.i64_le_s], [Op.i64_le_u, Ir.i64_le_u],
    [Op.i64_ge_s, Ir.i64_ge_s], [Op.i64_ge_u, Ir.i64_ge_u],
  ];
  for (const [op, ir] of c64) bin(op, ir);
  const f = (prefix: 'f32' | 'f64') => {
    const O = Op as unknown as Record<string, number>;
    const I = Ir as unknown as Record<string, number>;
    for (const n of ['add', 'sub', 'mul', 'div', 'min', 'max', 'copysign']) {
      bin(O[`${prefix}_${n}`], I[`${prefix}_${n}`]);
      if (prefix === 'f64') RES64.add(O[`${prefix}_${n}`]);
    }
    for (const n of ['eq', 'ne', 'lt', 'gt', 'le', 'ge']) bin(O[`${prefix}_${n}`], I[`${prefix}_${n}`]);
    for (const n of ['abs', 'neg', 'ceil', 'floor', 'trunc', 'nearest', 'sqrt']) {
      UN.set(O[`${prefix}_${n}`], I[`${prefix}_${n}`]);
      if (prefix === 'f64') RES64.add(O[`${prefix}_${n}`]);
    }
  };
  f('f32');
  f('f64');
  const un: [number, number, boolean][] = [
    [Op.i32_eqz, Ir.i32_eqz, false], [Op.i32_clz, Ir.i32_clz, false], [Op.i32_ctz, Ir.i32_ctz, false], [Op.i32_popcnt, Ir.i32_popcnt, false],
    [Op.i32_extend8_s, Ir.i32_extend8_s, false], [Op.i32_extend16_s, Ir.i32_extend16_s, false],
    [Op.i64_eqz, Ir.i64_eqz, false], [Op.i64_clz, Ir.i64_clz, true], [Op.i64_ctz, Ir.i64_ctz, true], [Op.i64_popcnt, Ir.i64_popcnt, true],
    [Op.i64_extend8_s, Ir.i64_extend8_s, true], [Op.i64_extend16_s, Ir.i64_extend16_s, true], [Op.i64_extend32_s, Ir.i64_extend32_s, true],
    [Op.i64_extend_i32_s, Ir.i64_extend_i32_s, true], [Op.i64_extend_i32_u, Ir.i64_extend_i32_u, true],
    [Op.i32_trunc_f32_s, Ir.i32_trunc_f32_s, false], [Op.i32_trunc_f32_u, Ir.i32_trunc_f32_u, false],
    [Op.i32_trunc_f64_s, Ir.i32_trunc_f64_s, false], [Op.i32_trunc_f64_u, Ir.i32_trunc_f64_u, false],
    [Op.i64_trunc_f32_s, Ir.i64_trunc_f32_s, true], [Op.i64_trunc_f32_u, Ir.i64_trunc_f32_u, true],
    [Op.i64_trunc_f64_s, Ir.i64_trunc_f64_s, true], [Op.i64_trunc_f64_u, Ir.i64_trunc_f64_u, true],
    [Op.i32_trunc_sat_f32_s, Ir.i32_trunc_sat_f32_s, false], [Op.i32_trunc_sat_f32_u, Ir.i32_trunc_sat_f32_u, false],
    [Op.i32_trunc_sat_f64_s, Ir.i32_trunc_sat_f64_s, false], [Op.i32_trunc_sat_f64_u, Ir.i32_trunc_sat_f64_u, false],
    [Op.i64_trunc_sat_f32_s, Ir.i64_trunc_sat_f32_s, true], [Op.i64_trunc_sat_f32_u, Ir.i64_trunc_sat_f32_u, true],
    [Op.i64_trunc_sat_f64_s, Ir.i64_trunc_sat_f64_s, true], [Op.i64_trunc_sat_f64_u, Ir.i64_trunc_sat_f64_u, true],
    [Op.f32_convert_i32_s, Ir.f32_convert_i32_s, false], [Op.f32_convert_i32_u, Ir.f32_convert_i32_u, false],
    [Op.f32_convert_i64_s, Ir.f32_convert_i64_s, false], [Op.f32_convert_i64_u, Ir.f32_convert_i64_u, false],
    [Op.f32_demote_f64, Ir.f32_demote_f64, false],
    [Op.f64_convert_i32_s, Ir.f64_convert_i32_s, true], [Op.f64_convert_i32_u, Ir.f64_convert_i32_u, true],
    [Op.f64_convert_i64_s, Ir.f64_convert_i64_s, true], [Op.f64_convert_i64_u, Ir.f64_convert_i64_u, true],
    [Op.f64_promote_f32, Ir.f64_promote_f32, true],
  ];
  for (const [op, ir, r64] of un) {
    UN.set(op, ir);
    if (r64) RES64.add(op);
  }
  for (const op of [Op.i32_div_s, Op.i32_div_u, Op.i32_rem_s, Op.i32_rem_u, Op.i64_div_s, Op.i64_div_u, Op.i64_rem_s, Op.i64_rem_u,
    Op.i32_trunc_f32_s, Op.i32_trunc_f32_u, Op.i32_trunc_f64_s, Op.i32_trunc_f64_u,
    Op.i64_trunc_f32_s, Op.i64_trunc_f32_u, Op.i64_trunc_f64_s, Op.i64_trunc_f64_u]) TRAPS.add(op);
})();

/** i64 operators with an immediate form: wasm op → [IR op, kind]: 'pair' (d a lo hi) or 'shift' (d a k mod 64). */
const BIN_IMM64 = new Map<number, [number, 'pair' | 'shift']>([
  [Op.i64_add, [Ir.i64_add_i, 'pair']], [Op.i64_and, [Ir.i64_and_i, 'pair']], [Op.i64_or, [Ir.i64_or_i, 'pair']],
  [Op.i64_xor, [Ir.i64_xor_i, 'pair']], [Op.i64_mul, [Ir.i64_mul_i, 'pair']],
  [Op.i64_shl, [Ir.i64_shl_i, 'shift']], [Op.i64_shr_s, [Ir.i64_shr_s_i, 'shift']], [Op.i64_shr_u, [Ir.i64_shr_u_i, 'shift']],
  [Op.i64_rotl, [Ir.i64_rotl_i, 'shift']], [Op.i64_rotr, [Ir.i64_rotl_i, 'shift']],
]);
const COMMUTATIVE64 = new Set<number>([Op.i64_add, Op.i64_and, Op.i64_or, Op.i64_xor, Op.i64_mul]);

/** Plain load/store → the form with a fused `i32.add` of a constant into the address. */
const FUSED_ADDRESS = new Map<number, number>([
  [Ir.load32, Ir.load32_ai], [Ir.load64, Ir.load64_ai], [Ir.load8_u, Ir.load8_u_ai],
  [Ir.store32, Ir.store32_ai], [Ir.store64, Ir.store64_ai], [Ir.store8, Ir.store8_ai],
]);
/** The same with `i32.add` of two registers. */
const FUSED_ADDRESS_RR = new Map<number, number>([
  [Ir.load32, Ir.load32_rr], [Ir.load64, Ir.load64_rr], [Ir.load8_u, Ir.load8_u_rr],
  [Ir.store32, Ir.store32_rr], [Ir.store64, Ir.store64_rr], [Ir.store8, Ir.store8_rr],
]);

/** IR ops that write exactly one register, their first operand, and read only registers after it. */
const VALUE_OPS = new Set<number>(
  Object.entries(Ir).filter(([n]) => /^(i32|i64|f32|f64)_|^load|^const(32|64)$|^global_get$|^select$|^mov$/.test(n)).map(([, v]) => v),
);

/** Conditional branches and their inversions (for copying a loop's header test to its back edge). */
const INVERT_BRANCH = new Map<number, number>();
(() => {
  const pairs: [number, number][] = [
    [Ir.br_nez, Ir.br_eqz], [Ir.br_eq, Ir.br_ne], [Ir.br_lt_s, Ir.br_ge_s], [Ir.br_lt_u, Ir.br_ge_u],
    [Ir.br_gt_s, Ir.br_le_s], [Ir.br_gt_u, Ir.br_le_u],
    [Ir.br_eq_i, Ir.br_ne_i], [Ir.br_lt_s_i, Ir.br_ge_s_i], [Ir.br_lt_u_i, Ir.br_ge_u_i],
    [Ir.br_gt_s_i, Ir.br_le_s_i], [Ir.br_gt_u_i, Ir.br_le_u_i],
  ];
  for (const [a, b] of pairs) {
    INVERT_BRANCH.set(a, b);
    INVERT_BRANCH.set(b, a);
  }
})();

/** IR ops whose float result is already canonical when it is a NaN (the loop canonicalizes arithmetic). */
const CANONICAL_RESULT = new Set<number>(
  Object.entries(Ir).filter(([n]) => /^f(32|64)_(add|sub|mul|div|min|max|ceil|floor|trunc|nearest|sqrt)$|^f32_demote_f64$|^f64_promote_f32$|^canon_f(32|64)$/.test(n)).map(([, v]) => v),
);

const LOADS = new Map<number, [number, boolean]>([
  [Op.i32_load, [Ir.load32, false]], [Op.f32_load, [Ir.load32, false]],
  [Op.i64_load, [Ir.load64, true]], [Op.f64_load, [Ir.load64, true]],
  [Op.i32_load8_s, [Ir.load8_s, false]], [Op.i32_load8_u, [Ir.load8_u, false]],
  [Op.i32_load16_s, [Ir.load16_s, false]], [Op.i32_load16_u, [Ir.load16_u, false]],
  [Op.i64_load8_s, [Ir.load64_8_s, true]], [Op.i64_load8_u, [Ir.load64_8_u, true]],
  [Op.i64_load16_s, [Ir.load64_16_s, true]], [Op.i64_load16_u, [Ir.load64_16_u, true]],
  [Op.i64_load32_s, [Ir.load64_32_s, true]], [Op.i64_load32_u, [Ir.load64_32_u, true]],
]);
const STORES = new Map<number, number>([
  [Op.i32_store, Ir.store32], [Op.f32_store, Ir.store32], [Op.i64_store, Ir.store64], [Op.f64_store, Ir.store64],
  [Op.i32_store8, Ir.store8], [Op.i32_store16, Ir.store16],
  [Op.i64_store8, Ir.store8], [Op.i64_store16, Ir.store16], [Op.i64_store32, Ir.store32],
]);

// The same tables as typed arrays indexed by opcode (0xfc-prefixed ones are 0xfc00 | sub), for the
// hot path: a Map lookup per instruction is slow in V8's interpreter, and the translator also runs there.
const T_BIN = new Int16Array(0x10000).fill(-1);
const T_BIN_IMM = new Int16Array(0x10000).fill(-1);
const T_UN = new Int16Array(0x10000).fill(-1);
const T_MIRROR = new Int32Array(0x10000).fill(-1);
const F_RES64 = 1;
const F_I32CMP = 2;
const F_TRAPS = 4;
const F_COMMUTATIVE = 8;
const T_FLAGS = new Uint8Array(0x10000);
/** Opcode classes for the translator's fast path (0: the switch). */
const C_BINARY = 1;
const C_UNARY = 2;
const C_LOCAL_GET = 3;
const C_I32_CONST = 4;
const C_LOCAL_SET = 5;
const C_LOAD = 6;
const C_STORE = 7;
const T_CLASS = new Uint8Array(0x10000);
(() => {
  for (const [op, ir] of BIN) { T_BIN[op] = ir; T_CLASS[op] = C_BINARY; }
  for (const [op, ir] of BIN_IMM) T_BIN_IMM[op] = ir;
  for (const [op, ir] of UN) { T_UN[op] = ir; T_CLASS[op] = C_UNARY; }
  for (const [op, m] of MIRROR) T_MIRROR[op] = m;
  for (const op of RES64) T_FLAGS[op] |= F_RES64;
  for (const op of I32_COMPARES) T_FLAGS[op] |= F_I32CMP;
  for (const op of TRAPS) T_FLAGS[op] |= F_TRAPS;
  for (const op of COMMUTATIVE) T_FLAGS[op] |= F_COMMUTATIVE;
  T_CLASS[Op.local_get] = C_LOCAL_GET;
  T_CLASS[Op.i32_const] = C_I32_CONST;
  T_CLASS[Op.local_set] = C_LOCAL_SET;
  T_CLASS[Op.local_tee] = C_LOCAL_SET;
  for (const op of LOADS.keys()) T_CLASS[op] = C_LOAD;
  for (const op of STORES.keys()) T_CLASS[op] = C_STORE;
})();

/** A condition prepared for a compare-and-branch: either a register or a removed compare. */
interface Cond {
  /** wasm compare opcode (i32 compares), Op.i32_eqz, or -1 for a plain register. */
  op: number;
  a: number;
  b: number;
  imm: boolean;
}

class FuncTranslator {
  private readonly e: Emitter;
  private readonly r: InstrReader;
  private readonly base: number;
  // Provider stack.
  private readonly pk: Int32Array;
  private readonly pv: Int32Array;
  private readonly ph: Int32Array;
  private readonly p64: Uint8Array;
  private h = 0;
  /** Per local: how many lazy providers read it. */
  private readonly lref: Int32Array;
  private readonly localIs64: Uint8Array;
  private readonly ctl: Ctl[] = [];
  // Peephole state (reset by `barrier`): start pcs of the last two instructions, the code position
  // of the last instruction's destination operand, and the last compare's description.
  private lastPc = -1;
  private prevPc = -1;
  private lastDst = -1;
  private lastCmp: Cond | null = null;
  /** Set by takeCond when it removed a compare: the start of the instruction before it (-1 if none). */
  private condPrevPc = -1;

  constructor(
    private readonly env: Env,
    private readonly f: number,
    private readonly type: FuncType,
    private readonly nLocals: number,
    maxHeight: number,
  ) {
    this.e = env.e;
    const body = env.m.codes[f - env.nImp];
    this.base = body.codeOffset;
    this.r = new InstrReader(body.code, body.codeOffset < 0 ? 0 : body.codeOffset);
    const cap = maxHeight + 2;
    this.pk = new Int32Array(cap);
    this.pv = new Int32Array(cap);
    this.ph = new Int32Array(cap);
    this.p64 = new Uint8Array(cap);
    this.lref = new Int32Array(nLocals);
    this.localIs64 = new Uint8Array(nLocals);
    let i = 0;
    for (const t of type.params) this.localIs64[i++] = is64(t) ? 1 : 0;
    for (const g of body.locals) for (let j = 0; j < g.count; j++) this.localIs64[i++] = is64(g.type) ? 1 : 0;
  }

  // --- emission -------------------------------------------------------------------------------

  private get pc(): number {
    return this.e.n;
  }

  private begin(op: number, words: number): void {
    const e = this.e;
    e.ensure(words + 1);
    this.prevPc = this.lastPc;
    this.lastPc = e.n;
    this.lastDst = -1;
    this.lastCmp = null;
    e.buf[e.n++] = op;
  }

  private w(x: number): void {
    this.e.buf[this.e.n++] = x;
  }

  /** Records the current instruction as one that can trap, at the reader's instruction. */
  private trapSite(): void {
    this.e.trapPcs.push(this.lastPc);
    this.e.trapOffsets.push(this.base < 0 ? -1 : this.r.offset);
  }

  /** A label is placed at the current pc: no peephole may look back across it. */
  private barrier(): void {
    this.lastPc = this.prevPc = this.lastDst = -1;
    this.lastCmp = null;
  }

  private temp(p: number): number {
    return 2 * (this.nLocals + 1 + p);
  }

  /** The zero register: the slot after the locals, zeroed on entry and never written. */
  private get zero(): number {
    return 2 * this.nLocals;
  }

  // --- provider stack ---------------------------------------------------------------------------

  private pushTemp(wide: boolean): void {
    const h = this.h++;
    this.pk[h] = TEMP;
    this.p64[h] = wide ? 1 : 0;
  }

  private pushLocal(i: number): void {
    const h = this.h++;
    this.pk[h] = LOCAL;
    this.pv[h] = i;
    this.p64[h] = this.localIs64[i];
    this.lref[i]++;
  }

  private pushConst(lo: number, hi: number, wide: boolean): void {
    const h = this.h++;
    this.pk[h] = CONST;
    this.pv[h] = lo;
    this.ph[h] = hi;
    this.p64[h] = wide ? 1 : 0;
  }

  /** Register where the provider at p can be read now (constants are materialised into their temp). */
  private regOf(p: number): number {
    const k = this.pk[p];
    if (k === TEMP) return this.temp(p);
    if (k === LOCAL) return 2 * this.pv[p];
    if (this.pv[p] === 0 && (this.ph[p] === 0 || !this.p64[p])) return this.zero;
    this.emitConst(this.temp(p), p);
    this.pk[p] = TEMP;
    return this.temp(p);
  }

  private emitConst(dst: number, p: number): void {
    if (this.p64[p]) {
      this.begin(Ir.const64, 3);
      this.w(dst);
      this.w(this.pv[p]);
      this.w(this.ph[p]);
    } else {
      this.begin(Ir.const32, 2);
      this.w(dst);
      this.w(this.pv[p]);
    }
  }

  /** Pops the top provider and returns its register. */
  private take(): number {
    const p = this.h - 1;
    const reg = this.regOf(p);
    if (this.pk[p] === LOCAL) this.lref[this.pv[p]]--;
    this.h = p;
    return reg;
  }

  /** Pops providers down to height `to` (their values are dropped). */
  private dropTo(to: number): void {
    while (this.h > to) {
      const p = --this.h;
      if (this.pk[p] === LOCAL) this.lref[this.pv[p]]--;
    }
  }

  /** Copies the value of provider p into register dst (no change to the stack). */
  private copyTo(dst: number, p: number): void {
    const k = this.pk[p];
    if (k === CONST) {
      this.emitConst(dst, p);
      return;
    }
    const src = k === TEMP ? this.temp(p) : 2 * this.pv[p];
    if (src === dst) return;
    this.mov(dst, src);
  }

  /** `mov d a`, merged with an immediately preceding `mov` into one `mov2` (same order, same effect). */
  private mov(dst: number, src: number): void {
    const e = this.e;
    if (this.lastPc >= 0 && this.lastPc === e.n - 3 && e.buf[this.lastPc] === Ir.mov) {
      e.ensure(2);
      e.buf[this.lastPc] = Ir.mov2;
      e.buf[e.n++] = dst;
      e.buf[e.n++] = src;
      this.prevPc = -1;
      this.lastDst = -1;
      this.lastCmp = null;
      return;
    }
    this.begin(Ir.mov, 2);
    this.w(dst);
    this.w(src);
  }

  /** Turns the providers at positions from … h-1 into temporaries. */
  private flush(from = 0): void {
    for (let p = from; p < this.h; p++) {
      const k = this.pk[p];
      if (k === TEMP) continue;
      this.copyTo(this.temp(p), p);
      if (k === LOCAL) this.lref[this.pv[p]]--;
      this.pk[p] = TEMP;
    }
  }

  /** Before local i is written: providers that read it get their own copy. */
  private preserve(i: number): void {
    if (this.lref[i] === 0) return;
    for (let p = 0; p < this.h; p++) {
      if (this.pk[p] === LOCAL && this.pv[p] === i) {
        this.copyTo(this.temp(p), p);
        this.pk[p] = TEMP;
        this.lref[i]--;
      }
    }
  }

  // --- instruction helpers --------------------------------------------------------------------

  /** Emits `op d a b` for a binary operator, using the immediate form when an operand is constant. */
  private binary(wop: number): void {
    const ir = T_BIN[wop];
    const immOp = T_BIN_IMM[wop];
    const imm = immOp < 0 ? undefined : immOp;
    const flags = T_FLAGS[wop];
    const top = this.h - 1;
    const wide = (flags & F_RES64) !== 0;
    const cmp = (flags & F_I32CMP) !== 0;
    let cmpInfo: Cond | null = null;
    if (wide && this.binary64Imm(wop)) return;
    if (wop === Op.i64_sub && this.binary64Imm(wop)) return;
    if (imm !== undefined && this.pk[top] === CONST) {
      const k = this.pv[top];
      this.h--;
      const a = this.take();
      const d = this.temp(this.h);
      this.begin(imm, 3);
      this.lastDst = this.pc;
      this.w(d);
      this.w(a);
      this.w(k);
      if (cmp) cmpInfo = { op: wop, a, b: k, imm: true };
    } else if (wop === Op.i32_sub && this.pk[top] === CONST) {
      const k = this.pv[top];
      this.h--;
      const a = this.take();
      const d = this.temp(this.h);
      this.begin(Ir.i32_add_i, 3);
      this.lastDst = this.pc;
      this.w(d);
      this.w(a);
      this.w((-k) | 0);
    } else if (imm !== undefined && this.pk[top - 1] === CONST && ((flags & F_COMMUTATIVE) !== 0 || T_MIRROR[wop] >= 0)) {
      const b = this.take();
      const k = this.pv[this.h - 1];
      this.h--;
      const d = this.temp(this.h);
      const op2 = (flags & F_COMMUTATIVE) !== 0 ? wop : T_MIRROR[wop];
      this.begin(T_BIN_IMM[op2], 3);
      this.lastDst = this.pc;
      this.w(d);
      this.w(b);
      this.w(k);
      if (cmp) cmpInfo = { op: op2, a: b, b: k, imm: true };
    } else {
      const b = this.take();
      const a = this.take();
      const d = this.temp(this.h);
      this.begin(ir, 3);
      if ((flags & F_TRAPS) !== 0) this.trapSite();
      this.lastDst = this.pc;
      this.w(d);
      this.w(a);
      this.w(b);
      if (cmp) cmpInfo = { op: wop, a, b, imm: false };
    }
    this.pushTemp(wide);
    this.lastCmp = cmpInfo;
  }

  /** i64 operator with a constant operand: the immediate form. Returns false when it does not apply. */
  private binary64Imm(wop: number): boolean {
    const form = BIN_IMM64.get(wop);
    const top = this.h - 1;
    let lo: number;
    let hi: number;
    let ir: number;
    let kind: 'pair' | 'shift';
    let a: number;
    if (wop === Op.i64_sub && this.pk[top] === CONST) {
      // x - k = x + (-k)
      const k = -((BigInt(this.ph[top]) << 32n) | BigInt(this.pv[top] >>> 0));
      const v = BigInt.asUintN(64, k);
      lo = Number(v & 0xffffffffn) | 0;
      hi = Number(v >> 32n) | 0;
      ir = Ir.i64_add_i;
      kind = 'pair';
      this.h--;
      a = this.take();
    } else if (form !== undefined && this.pk[top] === CONST) {
      lo = this.pv[top];
      hi = this.ph[top];
      [ir, kind] = form;
      this.h--;
      a = this.take();
    } else if (form !== undefined && COMMUTATIVE64.has(wop) && this.pk[top - 1] === CONST) {
      a = this.take();
      lo = this.pv[this.h - 1];
      hi = this.ph[this.h - 1];
      [ir, kind] = form;
      this.h--;
    } else return false;
    const d = this.temp(this.h);
    this.begin(ir, kind === 'pair' ? 4 : 3);
    this.lastDst = this.pc;
    this.w(d);
    this.w(a);
    if (kind === 'pair') {
      this.w(lo);
      this.w(hi);
    } else this.w(wop === Op.i64_rotr ? (64 - (lo & 63)) & 63 : lo & 63);
    this.pushTemp(true);
    return true;
  }

  /**
   * `i32.add x (i32.const k)` just computed the address of this load: drop the add and emit the
   * load form that adds k itself (exactly: ((x + k) mod 2^32) + offset). Paths jumping to the add's
   * position land on the fused load, which does the same work.
   */
  private fusedLoad(op: number, wide: boolean, offset: number): boolean {
    const fused = FUSED_ADDRESS.get(op);
    const p = this.h - 1;
    const buf = this.e.buf;
    if (fused === undefined || this.pk[p] !== TEMP || this.lastPc < 0 || this.lastPc !== this.e.n - 4) return false;
    const add = buf[this.lastPc];
    if ((add !== Ir.i32_add_i && add !== Ir.i32_add) || buf[this.lastPc + 1] !== this.temp(p)) return false;
    const a = buf[this.lastPc + 2];
    const k = buf[this.lastPc + 3];
    this.e.n = this.lastPc;
    this.h = p;
    this.barrier();
    const d = this.temp(this.h);
    this.begin(add === Ir.i32_add ? FUSED_ADDRESS_RR.get(op)! : fused, 4);
    this.trapSite();
    this.lastDst = this.pc;
    this.w(d);
    this.w(a);
    this.w(k);
    this.w(offset | 0);
    this.pushTemp(wide);
    return true;
  }

  /**
   * The store's address was computed by `i32.add x (i32.const k)`, either as the last instruction
   * (the value needed none) or right before the one instruction that computed the value: drop the
   * add (moving that instruction down) and emit the store form that adds k itself. The value's
   * instruction cannot read or write the address temporary, nor write x (stack discipline).
   */
  private fusedStore(op: number, v: number, offset: number): boolean {
    const fused = FUSED_ADDRESS.get(op);
    const e = this.e;
    const buf = e.buf;
    const p = this.h - 1;
    if (fused === undefined || this.pk[p] !== TEMP) return false;
    let addPc: number;
    const isAdd = (x: number) => buf[x] === Ir.i32_add_i || buf[x] === Ir.i32_add;
    if (this.lastPc >= 0 && this.lastPc === e.n - 4 && isAdd(this.lastPc) && buf[this.lastPc + 1] === this.temp(p)) {
      addPc = this.lastPc;
    } else if (this.prevPc >= 0 && this.lastPc === this.prevPc + 4 && isAdd(this.prevPc)
      && buf[this.prevPc + 1] === this.temp(p) && VALUE_OPS.has(buf[this.lastPc]) && buf[this.lastPc + 1] === this.temp(p + 1)) {
      addPc = this.prevPc;
    } else return false;
    const a = buf[addPc + 2];
    const k = buf[addPc + 3];
    const form = buf[addPc] === Ir.i32_add ? FUSED_ADDRESS_RR.get(op)! : fused;
    // An add of two registers may read the slot the value's instruction then writes: keep both.
    if (addPc !== this.lastPc && form !== fused && (a === this.temp(p + 1) || k === this.temp(p + 1))) return false;
    if (addPc !== this.lastPc) {
      const len = e.n - this.lastPc;
      buf.copyWithin(addPc, this.lastPc, e.n);
      const tp = e.trapPcs;
      if (tp.length > 0 && tp[tp.length - 1] === this.lastPc) tp[tp.length - 1] = addPc;
      e.n = addPc + len;
    } else e.n = addPc;
    this.h = p;
    this.barrier();
    this.begin(form, 4);
    this.trapSite();
    this.w(a);
    this.w(v);
    this.w(k);
    this.w(offset | 0);
    return true;
  }

  /** For a load or store: the address register and offset, folding a constant address into the offset. */
  private address(offset: number): [number, number] {
    const p = this.h - 1;
    if (this.pk[p] === CONST) {
      const ea = (this.pv[p] >>> 0) + (offset >>> 0);
      if (ea <= 0xffffffff) {
        this.h--;
        return [this.zero, ea | 0];
      }
    }
    return [this.take(), offset | 0];
  }

  private unary(wop: number): void {
    const ir = T_UN[wop];
    const flags = T_FLAGS[wop];
    const a = this.take();
    const d = this.temp(this.h);
    this.begin(ir, 2);
    if ((flags & F_TRAPS) !== 0) this.trapSite();
    this.lastDst = this.pc;
    this.w(d);
    this.w(a);
    this.pushTemp((flags & F_RES64) !== 0);
    if (wop === Op.i32_eqz) this.lastCmp = { op: Op.i32_eqz, a, b: 0, imm: false };
  }

  /**
   * Pops the condition of a `br_if` / `if`. When it was computed by the instruction just emitted
   * (a compare or eqz into the top temporary), that instruction is removed and returned to be fused
   * into the branch.
   */
  private takeCond(): Cond {
    const p = this.h - 1;
    const c = this.lastCmp;
    this.condPrevPc = -1;
    if (c !== null && this.pk[p] === TEMP && this.lastDst >= 0 && this.e.buf[this.lastDst] === this.temp(p)) {
      const prev = this.prevPc;
      this.e.n = this.lastPc;
      this.h = p;
      this.barrier();
      this.condPrevPc = prev;
      return c;
    }
    return { op: -1, a: this.take(), b: 0, imm: false };
  }

  /**
   * The stack limiter's check `if (global.get g += k) >u limit then unreachable`, whose add-and-read
   * became `global_add_i_get t g k` right before the removed compare: one `stack_enter g k limit`
   * that jumps over the `unreachable` when within the limit. Returns its target position, or
   * undefined when the shape is not this one.
   */
  private stackEnter(c: Cond): number | undefined {
    const e = this.e;
    const at = this.condPrevPc;
    if (c.op !== Op.i32_gt_u || !c.imm || at < 0 || at + 4 !== e.n) return undefined;
    if (e.buf[at] !== Ir.global_add_i_get || e.buf[at + 1] !== c.a) return undefined;
    const g = e.buf[at + 2];
    const k = e.buf[at + 3];
    e.n = at;
    this.begin(Ir.stack_enter, 4);
    this.w(g);
    this.w(k);
    this.w(c.b);
    this.w(0);
    return this.pc - 1;
  }

  /** Emits a branch taken when `c` holds (or, with `negate`, when it does not); returns the position of its target word. */
  private condBranch(c: Cond, negate: boolean): number {
    let op = c.op;
    if (op === -1 || op === Op.i32_eqz) {
      const jumpIfZero = (op === Op.i32_eqz) !== negate;
      this.begin(jumpIfZero ? Ir.br_eqz : Ir.br_nez, 2);
      this.w(c.a);
      this.w(0);
      return this.pc - 1;
    }
    if (negate) op = NEGATE.get(op)!;
    this.begin(c.imm ? BR_CMP_I.get(op)! : BR_CMP.get(op)!, 3);
    this.w(c.a);
    this.w(c.b);
    this.w(0);
    return this.pc - 1;
  }

  private blockType(bt: number): { params: number[]; results: number[] } {
    if (bt === BLOCK_EMPTY) return { params: [], results: [] };
    if (bt < 0) return { params: [], results: [-bt] };
    const t = this.env.m.types[bt];
    return { params: t.params, results: t.results };
  }

  private get top(): Ctl {
    return this.ctl[this.ctl.length - 1];
  }

  /** Whether moving the top k values to the slots starting at height `base` needs any instruction. */
  private needsMoves(base: number, k: number): boolean {
    for (let j = 0; j < k; j++) {
      const p = this.h - k + j;
      if (this.pk[p] !== TEMP || p !== base + j) return true;
    }
    return false;
  }

  /** Copies the top k values to the temporaries of heights base … base+k-1 (stack unchanged). */
  private moveTo(base: number, k: number): void {
    for (let j = 0; j < k; j++) {
      const p = this.h - k + j;
      if (this.pk[p] === TEMP && p === base + j) continue;
      this.copyTo(this.temp(base + j), p);
    }
  }

  /** Result moves into frame slots 0 … r-1, then `ret`. */
  private emitReturn(): void {
    const r = this.type.results.length;
    const h = this.h;
    // A local that is the source of a later result but the destination of an earlier one would be
    // overwritten before it is read: then go through the temporaries first.
    let conflict = false;
    for (let j = 0; j < r && !conflict; j++) {
      const p = h - r + j;
      if (this.pk[p] === LOCAL && this.pv[p] < j) conflict = true;
    }
    if (conflict) this.flush(h - r);
    if (r === 1 && this.pk[h - 1] !== CONST) {
      // One result: `ret1` copies it (from wherever it is) and returns, in one instruction.
      const src = this.pk[h - 1] === TEMP ? this.temp(h - 1) : 2 * this.pv[h - 1];
      if (src !== 0) {
        this.begin(Ir.ret1, 1);
        this.w(src);
        return;
      }
    }
    for (let j = 0; j < r; j++) {
      const p = h - r + j;
      this.copyTo(2 * j, p);
    }
    this.begin(Ir.ret, 0);
  }

  /** Emits the jump for a branch to label depth d (moves included) — the branch is taken unconditionally. */
  private branchTo(d: number): void {
    const target = this.ctl[this.ctl.length - 1 - d];
    if (target.kind === K_FUNC) {
      this.emitReturn();
      return;
    }
    const arity = target.kind === K_LOOP ? target.params.length : target.results.length;
    this.moveTo(target.base, arity);
    if (target.kind === K_LOOP && this.backEdge(target.loopPc)) return;
    this.begin(Ir.br, 1);
    if (target.kind === K_LOOP) this.w(target.loopPc);
    else {
      target.fixups.push(this.pc);
      this.w(0);
    }
  }

  /**
   * A jump back to a loop whose header starts with (an optional `gas` and) a conditional branch out
   * of the loop: copy the header to the back edge instead, with the test inverted to jump into the
   * body, then `br` to where the header's branch goes. A looping iteration then dispatches the test
   * once instead of `br` + test. Returns false (nothing emitted) when the header is of another shape.
   */
  private backEdge(h0: number): boolean {
    const e = this.e;
    const buf = e.buf;
    let at = h0;
    let gasWords = 0;
    if (at < e.n && buf[at] === Ir.gas) {
      gasWords = 3;
      at += 3;
    }
    if (at >= e.n) return false;
    const inv = INVERT_BRANCH.get(buf[at]);
    if (inv === undefined) return false;
    const size = buf[at] === Ir.br_nez || buf[at] === Ir.br_eqz ? 3 : 4;
    if (at + size > e.n) return false;
    const exitPos = at + size - 1;
    if (gasWords > 0) {
      const offset = this.trapOffsetAt(h0);
      this.begin(Ir.gas, 2);
      e.trapPcs.push(this.lastPc);
      e.trapOffsets.push(offset);
      this.w(buf[h0 + 1]);
      this.w(buf[h0 + 2]);
    }
    this.begin(inv, size - 1);
    for (let k = 1; k < size - 1; k++) this.w(buf[at + k]);
    this.w(at + size);
    // Then leave the loop where the header would have.
    this.begin(Ir.br, 1);
    const pos = this.pc;
    this.w(buf[exitPos]);
    // The header's target may still be waiting for its label: wait with it.
    for (const c of this.ctl) {
      if (c.fixups.includes(exitPos)) {
        c.fixups.push(pos);
        break;
      }
      if (c.elseFix === exitPos) {
        c.elseCopies.push(pos);
        break;
      }
    }
    return true;
  }

  /** Byte offset recorded for the trap site at pc (searched from the most recent). */
  private trapOffsetAt(pc: number): number {
    const tp = this.e.trapPcs;
    for (let i = tp.length - 1; i >= 0; i--) {
      if (tp[i] === pc) return this.e.trapOffsets[i];
      if (tp[i] < pc) break;
    }
    return -1;
  }

  private labelNeedsMoves(d: number): boolean {
    const target = this.ctl[this.ctl.length - 1 - d];
    if (target.kind === K_FUNC) return true;
    const arity = target.kind === K_LOOP ? target.params.length : target.results.length;
    return this.needsMoves(target.base, arity);
  }

  /** Points the target word at `pos` to label depth d, which must need no moves. */
  private linkTarget(pos: number, d: number): void {
    const target = this.ctl[this.ctl.length - 1 - d];
    if (target.kind === K_LOOP) this.e.buf[pos] = target.loopPc;
    else target.fixups.push(pos);
  }

  private setUnreachable(): void {
    const c = this.top;
    c.reachable = false;
    this.dropTo(c.base);
  }

  // --- the walk -------------------------------------------------------------------------------

  run(): void {
    const r = this.r;
    const env = this.env;
    this.ctl.push({ kind: K_FUNC, base: 0, params: [], results: this.type.results, fixups: [], elseFix: -1, elseCopies: [], loopPc: -1, live: true, reachable: true });
    while (this.ctl.length > 0) {
      const op = r.next();
      const c = this.top;
      if (!c.reachable) {
        // Dead code: only the block structure matters.
        if (op === Op.block || op === Op.loop || op === Op.if) {
          this.ctl.push({ kind: K_BLOCK, base: this.h, params: [], results: [], fixups: [], elseFix: -1, elseCopies: [], loopPc: -1, live: false, reachable: false });
          continue;
        }
        if (op !== Op.else && op !== Op.end) continue;
      }
      const cls = T_CLASS[op];
      if (cls !== 0) {
        if (cls === C_BINARY) this.binary(op);
        else if (cls === C_LOCAL_GET) this.pushLocal(r.a);
        else if (cls === C_UNARY) this.unary(op);
        else if (cls === C_I32_CONST) this.pushConst(r.a | 0, r.a < 0 ? -1 : 0, false);
        else if (cls === C_LOAD) this.load(op, r.b);
        else if (cls === C_STORE) this.store(op, r.b);
        else this.setLocal(r.a, op === Op.local_tee);
        continue;
      }
      switch (op) {
        case Op.unreachable:
          this.begin(Ir.unreachable, 0);
          this.trapSite();
          this.setUnreachable();
          break;
        case Op.nop:
          break;
        case Op.block:
        case Op.loop: {
          const bt = this.blockType(r.a);
          this.flush();
          this.barrier();
          const kind = op === Op.loop ? K_LOOP : K_BLOCK;
          this.ctl.push({ kind, base: this.h - bt.params.length, params: bt.params, results: bt.results, fixups: [], elseFix: -1, elseCopies: [], loopPc: this.pc, live: true, reachable: true });
          break;
        }
        case Op.if: {
          const bt = this.blockType(r.a);
          const cond = this.takeCond();
          this.flush();
          const pos = this.stackEnter(cond) ?? this.condBranch(cond, true);
          this.barrier();
          this.ctl.push({ kind: K_IF, base: this.h - bt.params.length, params: bt.params, results: bt.results, fixups: [], elseFix: pos, elseCopies: [], loopPc: -1, live: true, reachable: true });
          break;
        }
        case Op.else: {
          if (c.live) {
            if (c.reachable) {
              this.moveTo(c.base, c.results.length);
              this.begin(Ir.br, 1);
              c.fixups.push(this.pc);
              this.w(0);
            }
            this.e.buf[c.elseFix] = this.pc;
            for (const pos of c.elseCopies) this.e.buf[pos] = this.pc;
            c.elseFix = -1;
            this.barrier();
            this.dropTo(c.base);
            for (const t of c.params) this.pushTemp(is64(t));
            c.reachable = true;
          }
          c.kind = K_ELSE;
          break;
        }
        case Op.end: {
          this.ctl.pop();
          if (c.kind === K_FUNC) {
            if (c.reachable) this.emitReturn();
            break;
          }
          if (!c.live) break;
          if (c.reachable) this.moveTo(c.base, c.results.length);
          this.dropTo(c.base);
          const pc = this.pc;
          if (c.elseFix >= 0) {
            this.e.buf[c.elseFix] = pc;
            for (const p of c.elseCopies) this.e.buf[p] = pc;
          }
          for (const pos of c.fixups) this.e.buf[pos] = pc;
          this.barrier();
          for (const t of c.results) this.pushTemp(is64(t));
          break;
        }
        case Op.br:
          this.branchTo(r.a);
          this.setUnreachable();
          break;
        case Op.br_if: {
          const d = r.a;
          const cond = this.takeCond();
          if (!this.labelNeedsMoves(d)) {
            const pos = this.condBranch(cond, false);
            this.linkTarget(pos, d);
          } else {
            const skip = this.condBranch(cond, true);
            this.branchTo(d);
            this.e.buf[skip] = this.pc;
            this.barrier();
          }
          break;
        }
        case Op.br_table: {
          const n = r.targetCount;
          const labels = r.targets.slice(0, n);
          labels.push(r.a);
          const idx = this.take();
          this.begin(Ir.br_table, n + 3);
          this.w(idx);
          this.w(n);
          const at = this.pc;
          for (let j = 0; j <= n; j++) this.w(0);
          const trampolines = new Map<number, number[]>();
          for (let j = 0; j <= n; j++) {
            const d = labels[j];
            if (this.labelNeedsMoves(d)) {
              const list = trampolines.get(d);
              if (list) list.push(at + j);
              else trampolines.set(d, [at + j]);
            } else this.linkTarget(at + j, d);
          }
          for (const [d, positions] of trampolines) {
            this.barrier();
            for (const pos of positions) this.e.buf[pos] = this.pc;
            this.branchTo(d);
          }
          this.setUnreachable();
          break;
        }
        case Op.return:
          this.emitReturn();
          this.setUnreachable();
          break;
        case Op.call: {
          const f = r.a;
          const t = env.funcTypes[f];
          if (env.gas !== null && f === env.gas.func) {
            const p = this.h - 1;
            if (this.pk[p] === CONST) {
              this.h--;
              this.begin(Ir.gas, 2);
              this.trapSite();
              this.w(this.pv[p]);
              this.w(this.ph[p]);
            } else {
              const a = this.take();
              this.begin(Ir.gas_r, 1);
              this.trapSite();
              this.w(a);
            }
            break;
          }
          if (f === env.nanHelpers[0] || f === env.nanHelpers[1]) {
            this.canonicalize(f === env.nanHelpers[0] ? Ir.canon_f32 : Ir.canon_f64);
            break;
          }
          this.call(f < env.nImp ? Ir.call_import : Ir.call, f, t, -1);
          break;
        }
        case Op.call_indirect: {
          const t = env.m.types[r.a];
          const idx = this.take();
          this.call(Ir.call_indirect, r.a, t, idx);
          break;
        }
        case Op.drop:
          this.dropTo(this.h - 1);
          break;
        case Op.select: {
          const cnd = this.take();
          const b = this.take();
          const a = this.take();
          const wide = this.p64[this.h] === 1;
          const d = this.temp(this.h);
          this.begin(Ir.select, 4);
          this.lastDst = this.pc;
          this.w(d);
          this.w(a);
          this.w(b);
          this.w(cnd);
          this.pushTemp(wide);
          break;
        }
        case Op.local_get:
          this.pushLocal(r.a);
          break;
        case Op.local_set:
        case Op.local_tee:
          this.setLocal(r.a, op === Op.local_tee);
          break;
        case Op.global_get: {
          const g = r.a;
          const d = this.temp(this.h);
          const buf = this.e.buf;
          if (this.lastPc >= 0 && this.lastPc === this.e.n - 3 && buf[this.lastPc] === Ir.global_add_i && buf[this.lastPc + 1] === g) {
            // global.set g (g + k) then global.get g: one instruction (the stack limiter's check).
            const k = buf[this.lastPc + 2];
            this.e.n = this.lastPc;
            this.begin(Ir.global_add_i_get, 3);
            this.lastDst = this.pc;
            this.w(d);
            this.w(g);
            this.w(k);
            this.pushTemp(false);
            break;
          }
          this.begin(env.extGlobal[g] ? Ir.global_get_ext : Ir.global_get, 2);
          this.lastDst = this.pc;
          this.w(d);
          this.w(g);
          this.pushTemp(is64(this.globalType(g)));
          break;
        }
        case Op.global_set:
          this.setGlobal(r.a);
          break;
        case Op.memory_size: {
          const d = this.temp(this.h);
          this.begin(Ir.memory_size, 1);
          this.lastDst = this.pc;
          this.w(d);
          this.pushTemp(false);
          break;
        }
        case Op.memory_grow: {
          const a = this.take();
          const d = this.temp(this.h);
          this.begin(Ir.memory_grow, 2);
          this.lastDst = this.pc;
          this.w(d);
          this.w(a);
          this.pushTemp(false);
          break;
        }
        case Op.i32_const:
          this.pushConst(r.a | 0, r.a < 0 ? -1 : 0, false);
          break;
        case Op.i64_const:
          r.i64Parts(PARTS);
          this.pushConst(PARTS[0], PARTS[1], true);
          break;
        case Op.f32_const:
          this.pushConst(r.a | 0, 0, false);
          break;
        case Op.f64_const:
          r.f64Parts(PARTS);
          this.pushConst(PARTS[0], PARTS[1], true);
          break;
        case Op.i32_wrap_i64: {
          // The low word of the slot is the i32: nothing to do but retype the provider.
          this.p64[this.h - 1] = 0;
          break;
        }
        case Op.i32_reinterpret_f32:
        case Op.f32_reinterpret_i32:
        case Op.i64_reinterpret_f64:
        case Op.f64_reinterpret_i64:
          break;
        case Op.memory_fill:
          this.bulk(Ir.memory_fill);
          break;
        case Op.memory_copy:
          this.bulk(Ir.memory_copy);
          break;
        case Op.memory_init:
          this.bulk(Ir.memory_init, r.a);
          break;
        case Op.table_init:
          this.bulk(Ir.table_init, r.a, r.b);
          break;
        case Op.table_copy:
          this.bulk(Ir.table_copy, r.a, r.b);
          break;
        case Op.data_drop:
          this.begin(Ir.data_drop, 1);
          this.w(r.a);
          break;
        case Op.elem_drop:
          this.begin(Ir.elem_drop, 1);
          this.w(r.a);
          break;
        default:
          throw new WasmError('unsupported', `the interpreter has no translation for opcode 0x${op.toString(16)}`, r.offset);
      }
    }
  }

  /** A bulk memory or table operation: its immediates, then its three operands (destination, source or value, length). */
  private bulk(ir: number, ...imms: number[]): void {
    const n = this.take();
    const b = this.take();
    const a = this.take();
    this.begin(ir, imms.length + 3);
    this.trapSite();
    for (const x of imms) this.w(x);
    this.w(a);
    this.w(b);
    this.w(n);
  }

  private load(op: number, offset: number): void {
    const [ir, wide] = LOADS.get(op)!;
    if (this.fusedLoad(ir, wide, offset)) return;
    const [a, off] = this.address(offset);
    const d = this.temp(this.h);
    this.begin(ir, 3);
    this.trapSite();
    this.lastDst = this.pc;
    this.w(d);
    this.w(a);
    this.w(off);
    this.pushTemp(wide);
  }

  private store(op: number, offset: number): void {
    const ir = STORES.get(op)!;
    const v = this.take();
    if (this.fusedStore(ir, v, offset)) return;
    const [a, off] = this.address(offset);
    this.begin(ir, 3);
    this.trapSite();
    this.w(a);
    this.w(v);
    this.w(off);
  }

  /**
   * A call to the NaN helper: nothing when the value was just computed by an instruction that
   * already writes canonical NaNs (the usual case: the helper follows float arithmetic), else one
   * `canon_*` instruction.
   */
  private canonicalize(op: number): void {
    const p = this.h - 1;
    if (this.pk[p] === TEMP && this.lastDst >= 0 && this.e.buf[this.lastDst] === this.temp(p) && CANONICAL_RESULT.has(this.e.buf[this.lastPc])) return;
    const a = this.take();
    const d = this.temp(this.h);
    this.begin(op, 2);
    this.lastDst = this.pc;
    this.w(d);
    this.w(a);
    this.pushTemp(op === Ir.canon_f64);
  }

  private globalType(g: number): number {
    const m = this.env.m;
    let i = 0;
    for (const imp of m.imports) {
      if (imp.desc.kind !== 'global') continue;
      if (i === g) return imp.desc.global.valType;
      i++;
    }
    return m.globals[g - i].type.valType;
  }

  private call(ir: number, index: number, t: FuncType, idx: number): void {
    const n = t.params.length;
    this.flush(this.h - n);
    const base = this.temp(this.h - n);
    this.dropTo(this.h - n);
    if (ir === Ir.call_indirect) {
      this.begin(ir, 4);
      this.trapSite();
      this.w(this.env.typeIds[index]);
      this.w(this.r.b);
      this.w(base);
      this.w(idx);
    } else {
      this.begin(ir, 2);
      this.trapSite();
      this.w(index);
      this.w(base);
    }
    for (const rt of t.results) this.pushTemp(is64(rt));
  }

  private setLocal(i: number, tee: boolean): void {
    const p = this.h - 1;
    const k = this.pk[p];
    const dst = 2 * i;
    if (k === LOCAL && this.pv[p] === i) {
      // local.set x of local.get x: nothing changes.
      if (!tee) this.dropTo(p);
      return;
    }
    if (k === TEMP && this.lref[i] === 0 && this.lastDst >= 0 && this.e.buf[this.lastDst] === this.temp(p)) {
      // Result relinking: the instruction that produced the value writes the local instead.
      this.e.buf[this.lastDst] = dst;
      this.lastDst = -1;
      this.lastCmp = null;
    } else {
      this.preserve(i);
      this.copyTo(dst, p);
    }
    this.dropTo(p);
    if (tee) this.pushLocal(i);
  }

  private setGlobal(g: number): void {
    const env = this.env;
    const p = this.h - 1;
    const buf = this.e.buf;
    // global.get g; i32.const k; i32.add (or sub); global.set g → global_add_i g k.
    if (!env.extGlobal[g] && this.pk[p] === TEMP && this.lastPc >= 0 && this.prevPc >= 0
      && buf[this.lastPc] === Ir.i32_add_i && buf[this.lastPc + 1] === this.temp(p) && buf[this.lastPc + 2] === this.temp(p)
      && buf[this.prevPc] === Ir.global_get && buf[this.prevPc + 1] === this.temp(p) && buf[this.prevPc + 2] === g
      && this.lastPc === this.prevPc + 3) {
      const k = buf[this.lastPc + 3];
      this.e.n = this.prevPc;
      this.h = p;
      this.barrier();
      this.begin(Ir.global_add_i, 2);
      this.w(g);
      this.w(k);
      return;
    }
    const a = this.take();
    this.begin(env.extGlobal[g] ? Ir.global_set_ext : Ir.global_set, 2);
    this.w(g);
    this.w(a);
  }
}
