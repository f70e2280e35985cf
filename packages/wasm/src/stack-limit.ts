/**
 * Deterministic call-depth limiting (spec/interpreter-notes.md §4.2, the wasm-instrument stack-height
 * limiter): the limit is written into the module itself, so V8 and cloak's interpreter trap at the
 * same call depth whatever their native stacks are.
 *
 * - A mutable i32 global, exported as `cloak_stack_height`, starts at 0.
 * - Each defined function `f` has a cost: its params + declared locals + its maximum operand-stack
 *   height (from the validator) + 2 for the activation frame. Imported functions cost 0.
 * - Every direct `call f` to a defined function that is not excluded is wrapped:
 *     preamble   global += cost(f); if (global >u limit) unreachable
 *     call f
 *     postamble  global -= cost(f)
 * - What cannot be instrumented at a call site — calls from the host to an export, `call_indirect`
 *   through a table, the start function — goes through a *thunk*: an appended function of the same
 *   type that does preamble / call f / postamble. Exports, element segments (active, passive and
 *   declarative; function lists and `ref.func` expressions), `ref.func` in global initializers and
 *   the start section are redirected to the thunk (one thunk per function). Thunks and the global are
 *   appended, so every existing function and global index stays what it was.
 *
 * Telling stack exhaustion from other traps: the preamble stores the new height *before* it compares,
 * and a trap unwinds every frame without running a postamble, so after a stack-exhaustion trap the
 * global is left above the limit. Every path that does not trap on exhaustion keeps it ≤ limit: so
 * after an `unreachable` trap, `height > limit` ⟺ the call depth was exhausted (`stackExhausted`).
 * Any trap skips postambles, so an instance that trapped carries a stale height: cloak's VM never
 * reuses a trapped instance, and restores the global with the rest of an instance's state before it
 * reuses one that finished; a host that reuses instances otherwise must reset the global first.
 *
 * Excluded functions (e.g. the gas meter's helpers) are neither wrapped nor thunked, so their frames
 * are not counted: only exclude leaf helpers of bounded frame size.
 *
 * The instrumentation adds up to two operand-stack slots to callers (the preamble's comparison), which
 * the cost does not count, as in wasm-instrument; the default limit leaves room for it (limits.ts).
 */
import { ByteReader, ByteWriter } from './bytes.js';
import { WasmError, capture, overLimit } from './errors.js';
import { InstrReader } from './instr.js';
import { MAX_FUNCTIONS, MAX_FUNCTION_SIZE } from './limits.js';
import { functionNames, mapNameSections, type NameSection } from './names.js';
import { Op } from './opcodes.js';
import { importCounts, type ConstExpr, type ElemSegment, type FuncBody, type Module, type Result } from './types.js';

/** The export name of the stack-height global. */
export const STACK_HEIGHT_EXPORT = 'cloak_stack_height';
/** Largest limit accepted, so that limit + any function's cost stays below 2^31 (no i32 wrap). */
export const MAX_STACK_LIMIT = 2 ** 30;

export interface StackLimitOptions {
  /** Largest total cost of the active (counted) frames; a call that would exceed it traps. */
  limit: number;
  /** Function indices (function index space) whose calls are not counted and that get no thunk. */
  exclude?: ReadonlySet<number>;
}

export interface StackLimitInfo {
  /** Maximum operand-stack height per defined function (validate.ts). */
  maxStackHeights: Uint32Array;
  /**
   * Optional, per defined function: the positions of its `call` instructions (meter.ts records them
   * while it rewrites a body). Where given, the body is not decoded again; where undefined, it is.
   */
  callSites?: readonly (Int32Array | undefined)[];
}

export interface StackLimited {
  module: Module;
  /** Export name of the height global (`cloak_stack_height`). */
  heightExport: string;
  /** Index of the height global in the global index space. */
  heightGlobal: number;
  /** The limit compiled into the module. */
  limit: number;
  /** Original function index ↦ index of its thunk. */
  thunks: Map<number, number>;
  /** Cost of each defined function (0 for excluded ones), indexed like `maxStackHeights`. */
  costs: Uint32Array;
}

/** True when the stack-height global's value says the last trap was call-depth exhaustion. */
export function stackExhausted(height: number, limit: number): boolean {
  return height >>> 0 > limit;
}

/**
 * Instruments `m` with a deterministic call-depth limit. `info.maxStackHeights` must describe `m`'s
 * bodies as they are (validate the module that is passed here); it may be shorter than the number of
 * defined functions only for excluded functions at the end (helpers appended after validation).
 *
 * Input problems (the module already exports `cloak_stack_height`, an undecodable body, a body or a
 * function count that would exceed a limit) are returned as a WasmError; wrong arguments throw.
 */
export function limitStack(m: Module, info: StackLimitInfo, options: StackLimitOptions): Result<StackLimited, WasmError> {
  const { limit } = options;
  const exclude: ReadonlySet<number> = options.exclude ?? new Set<number>();
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_STACK_LIMIT) {
    throw new RangeError(`limitStack: limit ${limit} must be an integer from 0 to ${MAX_STACK_LIMIT}`);
  }
  const counts = importCounts(m);
  const nImp = counts.funcs;
  const heights = info.maxStackHeights;
  if (heights.length > m.functions.length) {
    throw new RangeError(`limitStack: ${heights.length} stack heights for ${m.functions.length} defined functions`);
  }
  for (let i = heights.length; i < m.functions.length; i++) {
    if (!exclude.has(nImp + i)) throw new RangeError(`limitStack: no max stack height for function ${nImp + i}`);
  }
  return capture(() => instrument(m, heights, info.callSites, limit, exclude, nImp, counts.globals));
}

function instrument(
  m: Module,
  heights: Uint32Array,
  callSites: readonly (Int32Array | undefined)[] | undefined,
  limit: number,
  exclude: ReadonlySet<number>,
  nImp: number,
  nGlobImp: number,
): StackLimited {
  if (m.exports.some((e) => e.name === STACK_HEIGHT_EXPORT)) {
    throw new WasmError('invalid', `the export name "${STACK_HEIGHT_EXPORT}" is reserved for cloak's stack-height global`, -1);
  }
  const nDef = m.functions.length;
  const g = nGlobImp + m.globals.length;

  const costs = new Uint32Array(nDef);
  for (let i = 0; i < nDef; i++) {
    if (exclude.has(nImp + i)) continue;
    const body = m.codes[i];
    let c = m.types[m.functions[i]].params.length + heights[i] + 2;
    for (const l of body.locals) c += l.count;
    costs[i] = c;
  }
  const counted = (f: number) => f >= nImp && f < nImp + nDef && costs[f - nImp] > 0;

  // Preamble/postamble bytes, shared by every call to a function of the same cost.
  const amble = new Map<number, { pre: Uint8Array; post: Uint8Array }>();
  const ambleFor = (cost: number) => {
    let a = amble.get(cost);
    if (a === undefined) {
      const pre = new ByteWriter(32);
      pre.u8(Op.global_get).u32(g).u8(Op.i32_const).s32(cost).u8(Op.i32_add).u8(Op.global_set).u32(g);
      pre.u8(Op.global_get).u32(g).u8(Op.i32_const).s32(limit).u8(Op.i32_gt_u);
      pre.u8(Op.if).u8(0x40).u8(Op.unreachable).u8(Op.end);
      const post = new ByteWriter(16);
      post.u8(Op.global_get).u32(g).u8(Op.i32_const).s32(cost).u8(Op.i32_sub).u8(Op.global_set).u32(g);
      a = { pre: pre.finish().slice(), post: post.finish().slice() };
      amble.set(cost, a);
    }
    return a;
  };

  // 1. Wrap direct calls in every defined body (excluded ones too: their callees are still counted).
  const w = new ByteWriter(1024);
  const codes: FuncBody[] = m.codes.map((body, i) => {
    const code = body.code;
    let copied = 0;
    w.len = 0;
    const wrap = (start: number, end: number, callee: number) => {
      const a = ambleFor(costs[callee - nImp]);
      w.bytes(code.subarray(copied, start)).bytes(a.pre).bytes(code.subarray(start, end)).bytes(a.post);
      copied = end;
    };
    const sites = callSites?.[i];
    if (sites !== undefined) {
      const r = new ByteReader(code);
      for (let k = 0; k < sites.length; k++) {
        const p = sites[k];
        if (code[p] !== Op.call) throw new RangeError(`limitStack: call site ${p} of function ${nImp + i} is not a call instruction`);
        r.pos = p + 1;
        const callee = r.u32('function index');
        if (counted(callee)) wrap(p, r.pos, callee);
      }
    } else {
      const rd = new InstrReader(code, body.codeOffset);
      while (!rd.atEnd()) {
        if (rd.next() === Op.call && counted(rd.a)) wrap(rd.start, rd.pos, rd.a);
      }
    }
    if (copied === 0) return body;
    w.bytes(code.subarray(copied));
    if (w.len > MAX_FUNCTION_SIZE) {
      throw overLimit(`function ${nImp + i} body size after stack instrumentation`, w.len, MAX_FUNCTION_SIZE, 'MAX_FUNCTION_SIZE', body.codeOffset);
    }
    return { locals: body.locals, code: w.finish().slice(), codeOffset: -1 };
  });

  // 2. Thunks for every counted function reachable from outside a direct call.
  const entries = new Set<number>();
  const noteExpr = (e: ConstExpr) => {
    for (const x of e) if (x.op === 'ref.func' && counted(x.index)) entries.add(x.index);
  };
  for (const e of m.exports) if (e.kind === 'func' && counted(e.index)) entries.add(e.index);
  for (const seg of m.elements) {
    if (seg.init.kind === 'funcs') {
      for (const f of seg.init.funcs) if (counted(f)) entries.add(f);
    } else {
      for (const x of seg.init.exprs) noteExpr(x);
    }
  }
  for (const gl of m.globals) noteExpr(gl.init);
  if (m.start !== undefined && counted(m.start)) entries.add(m.start);

  const thunks = new Map<number, number>();
  const functions = m.functions.slice();
  const sorted = [...entries].sort((a, b) => a - b);
  if (nImp + nDef + sorted.length > MAX_FUNCTIONS) {
    throw overLimit('function count with stack thunks', nImp + nDef + sorted.length, MAX_FUNCTIONS, 'MAX_FUNCTIONS', -1);
  }
  for (const f of sorted) {
    const type = m.functions[f - nImp];
    const t = new ByteWriter(64);
    const nParams = m.types[type].params.length;
    for (let p = 0; p < nParams; p++) t.u8(Op.local_get).u32(p);
    const a = ambleFor(costs[f - nImp]);
    t.bytes(a.pre).u8(Op.call).u32(f).bytes(a.post).u8(Op.end);
    thunks.set(f, nImp + functions.length);
    functions.push(type);
    codes.push({ locals: [], code: t.finish().slice(), codeOffset: -1 });
  }

  // 3. Redirect the entry points to the thunks.
  const to = (f: number) => thunks.get(f) ?? f;
  const mapExpr = (e: ConstExpr): ConstExpr =>
    e.some((x) => x.op === 'ref.func' && thunks.has(x.index))
      ? e.map((x) => (x.op === 'ref.func' ? { op: 'ref.func', index: to(x.index) } : x))
      : e;
  const out: Module = {
    ...m,
    functions,
    codes,
    globals: [
      ...m.globals.map((gl) => ({ type: gl.type, init: mapExpr(gl.init) })),
      { type: { valType: 0x7f, mutable: true }, init: [{ op: 'i32.const', value: 0 }] },
    ],
    exports: [
      ...m.exports.map((e) => (e.kind === 'func' && thunks.has(e.index) ? { ...e, index: to(e.index) } : e)),
      { name: STACK_HEIGHT_EXPORT, kind: 'global', index: g },
    ],
    elements: m.elements.map((seg): ElemSegment => ({
      ...seg,
      init: seg.init.kind === 'funcs'
        ? { kind: 'funcs', funcs: seg.init.funcs.map(to) }
        : { kind: 'exprs', exprs: seg.init.exprs.map(mapExpr) },
    })),
    customs: thunks.size === 0 ? m.customs : mapNameSections(m.customs, (n) => nameThunks(n, thunks), 'keep'),
  };
  if (m.start !== undefined) out.start = to(m.start);
  return { module: out, heightExport: STACK_HEIGHT_EXPORT, heightGlobal: g, limit, thunks, costs };
}

/** Gives each thunk a function name (`<name>$stack_thunk`) when the module names its functions. */
function nameThunks(n: NameSection, thunks: Map<number, number>): NameSection {
  const names = functionNames(n);
  return {
    subsections: n.subsections.map((s) => {
      if (!('functionNames' in s)) return s;
      const added = [...thunks].map(([f, t]) => ({ index: t, name: `${names.get(f) ?? `f${f}`}$stack_thunk` }));
      return { id: 1, functionNames: [...s.functionNames, ...added] };
    }),
  };
}
