/**
 * Validation of a decoded `Module` (WebAssembly core spec 2.0, chapter 3 "Validation", and the
 * appendix "Validation Algorithm" for instruction sequences), for cloak's feature set: MVP,
 * sign-extension, non-trapping float-to-int, bulk memory, multi-value and mutable globals.
 *
 * Module-level rules (index spaces, limits, constant expressions, segments, exports, start) are
 * checked first; then every function body is type-checked with the appendix's algorithm: an
 * operand stack of type codes (0 = Unknown, for the polymorphic stack after `unreachable`, `br`,
 * `br_table` and `return`) and a control stack of frames, both kept in typed arrays that are reused
 * across functions, so the per-instruction work allocates nothing. While doing so it records each
 * function's maximum operand-stack height, which the stack-depth instrumentation needs.
 *
 * `maxStackHeights` is the highest operand stack the algorithm builds: pushes after `unreachable`
 * count, pops of Unknown values below a frame's floor do not. `br_table` checks each label's types
 * in place instead of popping and re-pushing them (the same test), so it does not raise the height.
 *
 * Where the spec leaves a choice to the embedder we follow V8 (the engine we compare against):
 * `global.get` in any constant expression may only read an imported immutable global. Errors are
 * `WasmError` values: `invalid` for type and index errors, `malformed` for encoding problems (a body
 * without its final `end`, bytes after it, `memory.init`/`data.drop` without a data count section),
 * `unsupported` for features outside our set, `limit` for limits.ts. Errors inside a body carry the
 * absolute byte offset of the offending instruction; module-level errors have no single position in
 * a `Module` and carry -1.
 */
import { WasmError, capture, invalid, malformed, overLimit, unsupported } from './errors.js';
import { InstrReader } from './instr.js';
import { opName } from './opcodes.js';
import { decode, positionsOf, type ModulePositions } from './decode.js';
import { canProduceArithmeticNaN } from './nan.js';
import * as L from './limits.js';
import { valTypeName, type ConstExpr, type Limits, type Module, type Result } from './types.js';

export interface ValidationInfo {
  /**
   * Per DEFINED function (index i = m.codes[i]): maximum operand-stack height in values (every value
   * type counts 1), as computed by the type-checking algorithm, polymorphic stack counted as the
   * actual pushed values.
   */
  maxStackHeights: Uint32Array;
  /**
   * Number of instructions that can produce a NaN from arithmetic (nan.ts): when 0, NaN
   * canonicalisation has nothing to do and the instrumentation skips that pass.
   */
  nanOps: number;
}

/** Options of `validate`. None yet; the parameter exists so that callers need not change later. */
export interface ValidateOptions {}

/** Validates a module. Bad input is returned as `{ ok: false, error }`, never thrown. */
export function validate(m: Module, options: ValidateOptions = {}): Result<ValidationInfo, WasmError> {
  void options;
  return capture(() => validateOrThrow(m));
}

/** `decode` then `validate`; the first error of either. */
export function decodeAndValidate(bytes: Uint8Array): Result<{ module: Module; info: ValidationInfo }, WasmError> {
  const d = decode(bytes);
  if (!d.ok) return d;
  const v = validate(d.value);
  if (!v.ok) return v;
  return { ok: true, value: { module: d.value, info: v.value } };
}

// ---------------------------------------------------------------------------------------------
// Type codes on the operand stack: the value types' binary encodings, and 0 for Unknown.

const UNKNOWN = 0;
const I32 = 0x7f;
const I64 = 0x7e;
const F32 = 0x7d;
const F64 = 0x7c;
const FUNCREF = 0x70;

/** Control frame kinds. */
const K_FUNC = 0;
const K_BLOCK = 1;
const K_LOOP = 2;
const K_IF = 3;
const K_ELSE = 4;

function typeName(t: number): string {
  return t === UNKNOWN ? 'unknown' : valTypeName(t);
}

function isNumType(t: number): boolean {
  return t === I32 || t === I64 || t === F32 || t === F64;
}

function isNum(t: number): boolean {
  return t === I32 || t === I64 || t === F32 || t === F64 || t === UNKNOWN;
}

/**
 * An index is a u32 below the size of its space. A decoded module only has u32s; a Module built in
 * memory can hold anything a number can, so -1 or 0.5 must be refused here, not encoded.
 */
function isIndex(x: number, n: number): boolean {
  return Number.isInteger(x) && x >= 0 && x < n;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Checks a value type of the module (types, locals, globals): only numeric types are in our set.
 * `what` is built only when the type is bad (this runs for every param and local group).
 */
function checkValType(t: number, describe: () => string): void {
  if (t === I32 || t === I64 || t === F32 || t === F64) return;
  const what = describe();
  switch (t) {
    case FUNCREF: case 0x6f:
      throw unsupported('reference-types', `${what} ${valTypeName(t)}`, -1);
    case 0x7b:
      throw unsupported('simd', `${what} v128`, -1);
    default:
      throw malformed(`invalid value type ${typeName(t)} for ${what}`, -1);
  }
}

/** Throws the error for a local of a type outside our set (kept out of `run`: no closure there). */
function badLocalType(t: number, func: number): never {
  checkValType(t, () => `local type in function ${func}`);
  throw new Error('unreachable');
}

// ---------------------------------------------------------------------------------------------
// Module-level validation.

const EMPTY_U8 = new Uint8Array(0);
const EMPTY_I32 = new Int32Array(0);

/**
 * Everything a function body may refer to, flattened into typed arrays. A class whose fields all
 * have initializers and are assigned again by `buildCtx`: V8 then never treats them as constant
 * fields, whose first reassignment would deoptimize the validator's hot code (see FuncValidator).
 */
class Ctx {
  /** Pool of value types: [i32 i64 f32 f64] at offsets 0..3, then each type's params and results. */
  sig: Uint8Array = EMPTY_U8;
  /**
   * Params and results (offset into `sig`, length) of each type, then of the five block types that
   * are not type indices: id nTypes is [] → [], ids nTypes+1..nTypes+4 are [] → [i32], [i64], [f32], [f64].
   */
  tPOff: Int32Array = EMPTY_I32;
  tPLen: Int32Array = EMPTY_I32;
  tROff: Int32Array = EMPTY_I32;
  tRLen: Int32Array = EMPTY_I32;
  nTypes = 0;
  /** Type index of every function, imports first. */
  funcType: Int32Array = EMPTY_I32;
  nFuncs = 0;
  nImportedFuncs = 0;
  globalType: Uint8Array = EMPTY_U8;
  globalMut: Uint8Array = EMPTY_U8;
  nGlobals = 0;
  nImportedGlobals = 0;
  /** Element types of the tables, imports first. */
  tableElem: Uint8Array = EMPTY_U8;
  nTables = 0;
  nMemories = 0;
  /** The data count section's value, or -1 when the module has none. */
  dataCount = 0;
  elemType: Uint8Array = EMPTY_U8;
  nElems = 0;
}

/**
 * min ≤ max, both u32, and both (or only the minimum, for tables: V8 allows any table maximum) within
 * `maxAllowed`. The decoder already reports the sizes as `limit` errors; the same kind here.
 */
function checkLimits(l: Limits, what: string, unit: string, maxAllowed: number, maxName: string, checkMax: boolean): void {
  if (!Number.isInteger(l.min) || l.min < 0 || l.min > 0xffffffff) throw malformed(`${what} minimum ${l.min} is not a u32`, -1);
  if (l.min > maxAllowed) throw overLimit(`${what} minimum (${unit})`, l.min, maxAllowed, maxName, -1);
  if (l.max !== undefined) {
    if (!Number.isInteger(l.max) || l.max < 0 || l.max > 0xffffffff) throw malformed(`${what} maximum ${l.max} is not a u32`, -1);
    if (l.max < l.min) throw invalid(`${what} maximum ${l.max} ${unit} is less than its minimum ${l.min} ${unit}`, -1);
    if (checkMax && l.max > maxAllowed) throw overLimit(`${what} maximum (${unit})`, l.max, maxAllowed, maxName, -1);
  }
}

/**
 * Module-level checks name the entry they are looking at through `here`: the byte offset of that
 * entry in the binary (decode.ts `positionsOf`), -1 when it is not known. Errors thrown with offset -1
 * while an entry is checked are given that offset in `validateOrThrow`.
 */
let P: ModulePositions | undefined;
let here = -1;

function buildCtx(m: Module): Ctx {
  // Types.
  const nTypes = m.types.length;
  let poolSize = 4;
  for (let i = 0; i < nTypes; i++) {
    here = P?.types[i] ?? -1;
    const t = m.types[i];
    if (t.params.length > L.MAX_FUNCTION_PARAMS) throw overLimit(`type ${i} param count`, t.params.length, L.MAX_FUNCTION_PARAMS, 'MAX_FUNCTION_PARAMS', -1);
    if (t.results.length > L.MAX_FUNCTION_RESULTS) throw overLimit(`type ${i} result count`, t.results.length, L.MAX_FUNCTION_RESULTS, 'MAX_FUNCTION_RESULTS', -1);
    for (const p of t.params) if (!isNumType(p)) checkValType(p, () => `parameter type of type ${i}`);
    for (const r of t.results) if (!isNumType(r)) checkValType(r, () => `result type of type ${i}`);
    poolSize += t.params.length + t.results.length;
  }
  const sig = new Uint8Array(poolSize);
  sig[0] = I32; sig[1] = I64; sig[2] = F32; sig[3] = F64;
  const tPOff = new Int32Array(nTypes + 5);
  const tPLen = new Int32Array(nTypes + 5);
  const tROff = new Int32Array(nTypes + 5);
  const tRLen = new Int32Array(nTypes + 5);
  for (let k = 0; k < 4; k++) {
    tROff[nTypes + 1 + k] = k;
    tRLen[nTypes + 1 + k] = 1;
  }
  let o = 4;
  for (let i = 0; i < nTypes; i++) {
    const t = m.types[i];
    tPOff[i] = o; tPLen[i] = t.params.length;
    for (const p of t.params) sig[o++] = p;
    tROff[i] = o; tRLen[i] = t.results.length;
    for (const r of t.results) sig[o++] = r;
  }

  here = -1;
  // Imports, counted per index space.
  let nImportedFuncs = 0, nImportedTables = 0, nImportedMemories = 0, nImportedGlobals = 0;
  for (const imp of m.imports) {
    switch (imp.desc.kind) {
      case 'func': nImportedFuncs++; break;
      case 'table': nImportedTables++; break;
      case 'memory': nImportedMemories++; break;
      case 'global': nImportedGlobals++; break;
    }
  }
  const nFuncs = nImportedFuncs + m.functions.length;
  const nTables = nImportedTables + m.tables.length;
  const nMemories = nImportedMemories + m.memories.length;
  const nGlobals = nImportedGlobals + m.globals.length;
  if (nFuncs > L.MAX_FUNCTIONS) throw overLimit('function count (imports included)', nFuncs, L.MAX_FUNCTIONS, 'MAX_FUNCTIONS', -1);
  if (nGlobals > L.MAX_GLOBALS) throw overLimit('global count (imports included)', nGlobals, L.MAX_GLOBALS, 'MAX_GLOBALS', -1);
  if (nTables > L.MAX_TABLES) {
    throw unsupported('reference-types', `${nTables} tables (imports included; at most ${L.MAX_TABLES} without it)`, -1);
  }
  if (nMemories > L.MAX_MEMORIES) {
    throw unsupported('multi-memory', `${nMemories} memories (imports included; at most ${L.MAX_MEMORIES} without it)`, -1);
  }

  const funcType = new Int32Array(nFuncs);
  const tableElem = new Uint8Array(nTables);
  const globalType = new Uint8Array(nGlobals);
  const globalMut = new Uint8Array(nGlobals);
  let fi = 0, ti = 0, gi = 0;
  const checkTable = (elemType: number, limits: Limits, what: string) => {
    if (elemType === 0x6f) throw unsupported('reference-types', `${what} of externref`, -1);
    if (elemType !== FUNCREF) throw malformed(`${what} has invalid element type ${typeName(elemType)}`, -1);
    checkLimits(limits, what, 'elements', L.MAX_TABLE_SIZE, 'MAX_TABLE_SIZE', false);
  };
  for (let i = 0; i < m.imports.length; i++) {
    here = P?.imports[i] ?? -1;
    const imp = m.imports[i];
    const d = imp.desc;
    const what = `import ${i} ("${imp.module}" "${imp.name}")`;
    switch (d.kind) {
      case 'func':
        if (!isIndex(d.type, nTypes)) throw invalid(`unknown type ${d.type} in ${what} (the module has ${plural(nTypes, 'type')})`, -1);
        funcType[fi++] = d.type;
        break;
      case 'table':
        checkTable(d.table.elemType, d.table.limits, `table ${what}`);
        tableElem[ti++] = d.table.elemType;
        break;
      case 'memory':
        checkLimits(d.memory, `memory ${what}`, 'pages', L.MAX_MEMORY_PAGES, 'MAX_MEMORY_PAGES', true);
        break;
      case 'global':
        checkValType(d.global.valType, () => `type of global ${what}`);
        globalType[gi] = d.global.valType;
        globalMut[gi++] = d.global.mutable ? 1 : 0;
        break;
    }
  }
  for (let i = 0; i < m.functions.length; i++) {
    here = P?.functions[i] ?? -1;
    const t = m.functions[i];
    if (!isIndex(t, nTypes)) throw invalid(`unknown type ${t} of function ${fi} (the module has ${plural(nTypes, 'type')})`, -1);
    funcType[fi++] = t;
  }
  for (let i = 0; i < m.tables.length; i++) {
    here = P?.tables[i] ?? -1;
    checkTable(m.tables[i].elemType, m.tables[i].limits, `table ${ti}`);
    tableElem[ti++] = m.tables[i].elemType;
  }
  for (let i = 0; i < m.memories.length; i++) {
    here = P?.memories[i] ?? -1;
    checkLimits(m.memories[i], `memory ${nImportedMemories + i}`, 'pages', L.MAX_MEMORY_PAGES, 'MAX_MEMORY_PAGES', true);
  }

  const ctx = new Ctx();
  ctx.sig = sig;
  ctx.tPOff = tPOff;
  ctx.tPLen = tPLen;
  ctx.tROff = tROff;
  ctx.tRLen = tRLen;
  ctx.nTypes = nTypes;
  ctx.funcType = funcType;
  ctx.nFuncs = nFuncs;
  ctx.nImportedFuncs = nImportedFuncs;
  ctx.globalType = globalType;
  ctx.globalMut = globalMut;
  ctx.nGlobals = nGlobals;
  ctx.nImportedGlobals = nImportedGlobals;
  ctx.tableElem = tableElem;
  ctx.nTables = nTables;
  ctx.nMemories = nMemories;
  ctx.dataCount = m.dataCount === undefined ? -1 : m.dataCount;
  ctx.elemType = new Uint8Array(m.elements.length);
  ctx.nElems = m.elements.length;

  // Globals: the initializer sees only imported globals (and V8 requires them immutable).
  for (let i = 0; i < m.globals.length; i++) {
    here = P?.globals[i] ?? -1;
    const g = m.globals[i];
    checkValType(g.type.valType, () => `type of global ${gi}`);
    checkConstExpr(ctx, g.init, g.type.valType, `initializer of global ${gi}`);
    globalType[gi] = g.type.valType;
    globalMut[gi++] = g.type.mutable ? 1 : 0;
  }

  // Exports.
  const names = new Set<string>();
  for (let i = 0; i < m.exports.length; i++) {
    here = P?.exports[i] ?? -1;
    const e = m.exports[i];
    if (names.has(e.name)) throw invalid(`duplicate export name "${e.name}" (export ${i})`, -1);
    names.add(e.name);
    const [n, space] =
      e.kind === 'func' ? [nFuncs, 'function'] :
      e.kind === 'table' ? [nTables, 'table'] :
      e.kind === 'memory' ? [nMemories, 'memory'] :
      [nGlobals, 'global'];
    if (!isIndex(e.index, n)) {
      throw invalid(`unknown ${space} ${e.index} in export "${e.name}" (the module has ${plural(n, space, space === 'memory' ? 'memories' : `${space}s`)})`, -1);
    }
  }

  // Start function.
  if (m.start !== undefined) {
    here = P?.start ?? -1;
    if (!isIndex(m.start, nFuncs)) throw invalid(`unknown start function ${m.start} (the module has ${plural(nFuncs, 'function')})`, -1);
    const t = funcType[m.start];
    if (tPLen[t] !== 0 || tRLen[t] !== 0) {
      throw invalid(`start function ${m.start} must have type [] -> [], it has ${plural(tPLen[t], 'param')} and ${plural(tRLen[t], 'result')}`, -1);
    }
  }

  // Element segments.
  for (let i = 0; i < m.elements.length; i++) {
    here = P?.elements[i] ?? -1;
    const seg = m.elements[i];
    const what = `element segment ${i}`;
    if (seg.elemType === 0x6f) throw unsupported('reference-types', `${what} of externref`, -1);
    if (seg.elemType !== FUNCREF) throw malformed(`${what} has invalid element type ${typeName(seg.elemType)}`, -1);
    ctx.elemType[i] = seg.elemType;
    if (seg.mode === 'active') {
      if (!isIndex(seg.table, nTables)) {
        throw invalid(`unknown table ${seg.table} in ${what} (the module has ${plural(nTables, 'table')})`, -1);
      }
      if (tableElem[seg.table] !== seg.elemType) {
        throw invalid(`type mismatch in ${what}: table ${seg.table} holds ${typeName(tableElem[seg.table])}, the segment ${typeName(seg.elemType)}`, -1);
      }
      if (seg.offset === undefined) throw malformed(`active ${what} has no offset expression`, -1);
      checkConstExpr(ctx, seg.offset, I32, `offset of ${what}`);
    }
    if (seg.init.kind === 'funcs') {
      const fs = seg.init.funcs;
      for (let j = 0; j < fs.length; j++) {
        if (!isIndex(fs[j], nFuncs)) throw invalid(`unknown function ${fs[j]} in ${what}, entry ${j} (the module has ${plural(nFuncs, 'function')})`, -1);
      }
    } else {
      const es = seg.init.exprs;
      for (let j = 0; j < es.length; j++) checkConstExpr(ctx, es[j], seg.elemType, `${what}, entry ${j}`);
    }
  }

  // Data segments.
  here = P?.dataCount ?? -1;
  if (m.dataCount !== undefined && m.dataCount !== m.datas.length) {
    throw malformed(`data count section says ${m.dataCount} segments but the data section has ${m.datas.length}`, -1);
  }
  for (let i = 0; i < m.datas.length; i++) {
    here = P?.datas[i] ?? -1;
    const seg = m.datas[i];
    if (seg.mode !== 'active') continue;
    if (!isIndex(seg.memory, nMemories)) {
      throw invalid(`unknown memory ${seg.memory} in data segment ${i} (the module has ${plural(nMemories, 'memory', 'memories')})`, -1);
    }
    if (seg.offset === undefined) throw malformed(`active data segment ${i} has no offset expression`, -1);
    checkConstExpr(ctx, seg.offset, I32, `offset of data segment ${i}`);
  }

  here = -1;
  if (m.functions.length !== m.codes.length) {
    throw malformed(
      `function and code section have inconsistent lengths: ${m.functions.length} functions declared, ${m.codes.length} bodies`,
      -1,
    );
  }
  return ctx;
}

/** A constant expression must be one constant instruction producing a value of type `expected`. */
function checkConstExpr(ctx: Ctx, e: ConstExpr, expected: number, what: string): void {
  if (e.length !== 1) {
    throw invalid(
      `type mismatch in ${what}: a constant expression must produce exactly one ${typeName(expected)} value, it has ${plural(e.length, 'instruction')}`,
      -1,
    );
  }
  const ins = e[0];
  let t: number;
  switch (ins.op) {
    case 'i32.const': t = I32; break;
    case 'i64.const': t = I64; break;
    case 'f32.const': t = F32; break;
    case 'f64.const': t = F64; break;
    case 'ref.null':
      if (ins.type === 0x6f) throw unsupported('reference-types', `ref.null extern in ${what}`, -1);
      t = FUNCREF;
      break;
    case 'ref.func':
      if (!isIndex(ins.index, ctx.nFuncs)) {
        throw invalid(`unknown function ${ins.index} in ref.func in ${what} (the module has ${plural(ctx.nFuncs, 'function')})`, -1);
      }
      t = FUNCREF;
      break;
    case 'global.get': {
      const g = ins.index;
      if (!isIndex(g, ctx.nImportedGlobals)) {
        if (g < ctx.nGlobals) {
          throw invalid(`global.get ${g} in ${what}: a constant expression may only read an imported global, and global ${g} is defined in the module`, -1);
        }
        throw invalid(`unknown global ${g} in ${what} (the module imports ${plural(ctx.nImportedGlobals, 'global')}, the only ones a constant expression may read)`, -1);
      }
      if (ctx.globalMut[g]) throw invalid(`global.get ${g} in ${what}: a constant expression may not read the mutable global ${g}`, -1);
      t = ctx.globalType[g];
      break;
    }
    default:
      throw invalid(`instruction ${(ins as { op: string }).op} is not allowed in a constant expression (${what})`, -1);
  }
  if (t !== expected) throw invalid(`type mismatch in ${what}: expected ${typeName(expected)}, found ${typeName(t)}`, -1);
}

/**
 * V8 marks an object field "constant" until some object of that shape has it written a second
 * time, and compiles the hot loop under that assumption; the first later write (a second module,
 * an array that grows) then deoptimizes it, and V8 sometimes leaves it running in slower
 * on-stack-replacement code for the rest of the process (measured: 1.4x slower). Writing every
 * field of both classes twice when this file loads settles their shapes before anything is hot.
 */
function settleShapes(): void {
  for (let i = 0; i < 2; i++) {
    const ctx = new Ctx();
    ctx.sig = new Uint8Array(4);
    ctx.tPOff = ctx.tPLen = ctx.tROff = ctx.tRLen = ctx.funcType = new Int32Array(5);
    ctx.globalType = ctx.globalMut = ctx.tableElem = ctx.elemType = new Uint8Array(1);
    ctx.nTypes = ctx.nFuncs = ctx.nImportedFuncs = ctx.nGlobals = ctx.nImportedGlobals = i;
    ctx.nTables = ctx.nMemories = ctx.nElems = i;
    ctx.dataCount = i - 1;
    const fv = new FuncValidator(ctx);
    fv.run(0, new Uint8Array([0x0b]), -1, []);
  }
}

function validateOrThrow(m: Module): ValidationInfo {
  P = positionsOf(m);
  here = -1;
  let ctx: Ctx;
  try {
    ctx = buildCtx(m);
  } catch (e) {
    if (e instanceof WasmError && e.offset < 0 && here >= 0) throw new WasmError(e.kind, e.reason, here);
    throw e;
  } finally {
    P = undefined;
  }
  const fv = new FuncValidator(ctx);
  const heights = new Uint32Array(m.codes.length);
  fv.nanOps = 0;
  for (let i = 0; i < m.codes.length; i++) {
    const body = m.codes[i];
    if (body.codeOffset < 0) {
      // Positions inside a body built by a transformation mean nothing in any file: report -1.
      try {
        heights[i] = fv.run(ctx.nImportedFuncs + i, body.code, body.codeOffset, body.locals);
      } catch (e) {
        if (e instanceof WasmError && e.offset >= 0) throw new WasmError(e.kind, e.reason, -1);
        throw e;
      }
    } else {
      heights[i] = fv.run(ctx.nImportedFuncs + i, body.code, body.codeOffset, body.locals);
    }
  }
  return { maxStackHeights: heights, nanOps: fv.nanOps };
}

// ---------------------------------------------------------------------------------------------
// Function bodies: the appendix's algorithm over typed arrays.

/** Natural alignment (log2 of the access size) of the memory instructions 0x28..0x3e. */
const NATURAL_ALIGN = new Uint8Array(0x40);

/**
 * Instructions with a fixed signature and no index immediates, by opcode: bits 0..7 the input type
 * (both inputs of a binary operator have it; for stores, the stored value's type), bits 8..15 the
 * result type (0: none), bits 16..17 the number of inputs.
 */
const SIMPLE = new Uint32Array(256);
{
  const def = (ops: readonly number[], nin: number, tin: number, out: number) => {
    for (const op of ops) SIMPLE[op] = (nin << 16) | (out << 8) | tin;
  };
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
  def([0x41], 0, 0, I32); def([0x42], 0, 0, I64); def([0x43], 0, 0, F32); def([0x44], 0, 0, F64);
  def([0x45, 0x67, 0x68, 0x69, 0xc0, 0xc1], 1, I32, I32);
  def([...range(0x46, 0x4f), ...range(0x6a, 0x78)], 2, I32, I32);
  def([0x50, 0xa7], 1, I64, I32);
  def(range(0x51, 0x5a), 2, I64, I32);
  def(range(0x5b, 0x60), 2, F32, I32);
  def(range(0x61, 0x66), 2, F64, I32);
  def([0x79, 0x7a, 0x7b, 0xc2, 0xc3, 0xc4], 1, I64, I64);
  def(range(0x7c, 0x8a), 2, I64, I64);
  def(range(0x8b, 0x91), 1, F32, F32);
  def(range(0x92, 0x98), 2, F32, F32);
  def(range(0x99, 0x9f), 1, F64, F64);
  def(range(0xa0, 0xa6), 2, F64, F64);
  def([0xa8, 0xa9, 0xbc], 1, F32, I32);
  def([0xaa, 0xab], 1, F64, I32);
  def([0xac, 0xad], 1, I32, I64);
  def([0xae, 0xaf], 1, F32, I64);
  def([0xb0, 0xb1, 0xbd], 1, F64, I64);
  def([0xb2, 0xb3, 0xbe], 1, I32, F32);
  def([0xb4, 0xb5], 1, I64, F32);
  def([0xb6], 1, F64, F32);
  def([0xb7, 0xb8], 1, I32, F64);
  def([0xb9, 0xba, 0xbf], 1, I64, F64);
  def([0xbb], 1, F32, F64);
  // Loads [i32] → [t] and stores [i32 t] → [], with their natural alignment.
  const mem: [number, number, number][] = [
    [0x28, I32, 2], [0x29, I64, 3], [0x2a, F32, 2], [0x2b, F64, 3], [0x2c, I32, 0], [0x2d, I32, 0], [0x2e, I32, 1],
    [0x2f, I32, 1], [0x30, I64, 0], [0x31, I64, 0], [0x32, I64, 1], [0x33, I64, 1], [0x34, I64, 2], [0x35, I64, 2],
    [0x36, I32, 2], [0x37, I64, 3], [0x38, F32, 2], [0x39, F64, 3], [0x3a, I32, 0], [0x3b, I32, 1], [0x3c, I64, 0],
    [0x3d, I64, 1], [0x3e, I64, 2],
  ];
  for (const [op, t, align] of mem) {
    NATURAL_ALIGN[op] = align;
    if (op <= 0x35) def([op], 1, I32, t);
    else def([op], 2, t, 0);
  }
}

/**
 * Type-checks function bodies. One instance validates all bodies of a module, reusing its arrays.
 *
 * `slowOp` is the appendix's algorithm for every instruction, written plainly over the fields
 * (`sp`, `floor`, ...) with small helper methods. `run` walks the body and handles the frequent
 * cases inline on local copies of the operand-stack state; whenever an inline fast path does not
 * apply (a type error, an unreachable frame, a multi-value block, a rare instruction) it stores the
 * locals back and hands the instruction to `slowOp`, which is the reference: every fast path is
 * exactly what `slowOp` would do in the case it covers.
 */
/** 1 for the instructions that can produce a NaN from arithmetic (nan.ts), by opcode. */
const NAN_OP = new Uint8Array(256);
for (let op = 0; op < 256; op++) if (canProduceArithmeticNaN(op)) NAN_OP[op] = 1;

class FuncValidator {
  /** Instructions seen so far that can produce an arithmetic NaN (reset per module). */
  nanOps = 0;
  private readonly c: Ctx;
  private readonly sig: Uint8Array;

  // Operand stack.
  private vals = new Uint8Array(1024);
  private sp = 0;
  private maxSp = 0;

  // Control stack, one entry per frame in parallel arrays: kind, unreachable flag, operand-stack
  // height at entry, block type id (an index into the Ctx type arrays).
  private cKind = new Uint8Array(64);
  private cUnr = new Uint8Array(64);
  private cHeight = new Int32Array(64);
  private cType = new Int32Array(64);
  private depth = 0;
  /** Cached fields of the innermost frame: its stack height and whether it is unreachable. */
  private floor = 0;
  private unreach = false;

  // Locals of the current function, params first.
  private locals = new Uint8Array(256);
  private nLocals = 0;

  // The current function, for error messages.
  private rd: InstrReader;
  private base = 0;
  private func = 0;

  constructor(c: Ctx) {
    this.c = c;
    this.sig = c.sig;
    // The arrays are replaced when they grow. V8 treats a field that has only ever been written once
    // as constant and deoptimizes every function compiled under that assumption at the first
    // replacement, which can leave the hot loop running in slower on-stack-replacement code for the
    // rest of the process (measured: 1.4x slower). Writing each field a second time here, before any
    // code is optimized, makes them plain mutable fields from the start.
    this.vals = new Uint8Array(1024);
    this.cKind = new Uint8Array(64);
    this.cUnr = new Uint8Array(64);
    this.cHeight = new Int32Array(64);
    this.cType = new Int32Array(64);
    this.locals = new Uint8Array(256);
    this.rd = new InstrReader(new Uint8Array(0));
    this.rd = new InstrReader(new Uint8Array(0));
  }

  // --- errors (cold) ---

  private at(): number {
    return this.base < 0 ? -1 : this.base + this.rd.start;
  }

  private err(reason: string): WasmError {
    return invalid(`function ${this.func}: ${reason}`, this.at());
  }

  private opText(): string {
    return opName(this.rd.op);
  }

  private mismatch(expected: number, found: number): WasmError {
    return this.err(`type mismatch in ${this.opText()}: expected ${typeName(expected)}, found ${typeName(found)}`);
  }

  private underflow(expected: number): WasmError {
    const inner = this.depth > 1 ? ' of the current block' : '';
    return this.err(
      expected === UNKNOWN
        ? `type mismatch in ${this.opText()}: expected a value but the stack${inner} is empty`
        : `type mismatch in ${this.opText()}: expected ${typeName(expected)} but the stack${inner} is empty`,
    );
  }

  private noMemory(): WasmError {
    return this.err(`unknown memory 0 in ${this.opText()} (the module has no memory)`);
  }

  private badAlign(op: number): WasmError {
    return this.err(`alignment of ${this.opText()} must not be larger than natural: 2^${this.rd.a} > ${1 << NATURAL_ALIGN[op]} bytes`);
  }

  // --- operand stack ---

  private growVals(): void {
    const n = this.vals.length;
    if (n >= L.MAX_OPERAND_STACK) {
      throw overLimit(`function ${this.func}: operand stack height`, n + 1, L.MAX_OPERAND_STACK, 'MAX_OPERAND_STACK', this.at());
    }
    const v = new Uint8Array(Math.min(n * 2, L.MAX_OPERAND_STACK));
    v.set(this.vals);
    this.vals = v;
  }

  private push(t: number): void {
    let sp = this.sp;
    if (sp === this.vals.length) this.growVals();
    this.vals[sp++] = t;
    this.sp = sp;
    if (sp > this.maxSp) this.maxSp = sp;
  }

  /** Pops any value; returns its type (UNKNOWN from a polymorphic stack). */
  private pop(): number {
    if (this.sp > this.floor) return this.vals[--this.sp];
    if (this.unreach) return UNKNOWN;
    throw this.underflow(UNKNOWN);
  }

  /** Pops a value that must have type `t`. */
  private popT(t: number): void {
    if (this.sp > this.floor) {
      const a = this.vals[--this.sp];
      if (a !== t && a !== UNKNOWN) throw this.mismatch(t, a);
      return;
    }
    if (!this.unreach) throw this.underflow(t);
  }

  private popVals(off: number, len: number): void {
    for (let i = len - 1; i >= 0; i--) this.popT(this.sig[off + i]);
  }

  private pushVals(off: number, len: number): void {
    for (let i = 0; i < len; i++) this.push(this.sig[off + i]);
  }

  // --- control stack ---

  /** Block type immediate → block type id, checked. */
  private blockType(bt: number): number {
    const nTypes = this.c.nTypes;
    if (bt === -0x40) return nTypes;
    if (bt < 0) return nTypes + 1 + (0x7f + bt); // -0x7f (i32) → +1, -0x7e (i64) → +2, ...
    if (!(bt < nTypes)) throw this.err(`unknown type ${bt} in ${this.opText()} (the module has ${plural(nTypes, 'type')})`);
    return bt;
  }

  private pushCtrl(kind: number, ty: number): void {
    const d = this.depth;
    if (d === this.cKind.length) this.growCtrl();
    this.cKind[d] = kind;
    this.cUnr[d] = 0;
    this.cHeight[d] = this.sp;
    this.cType[d] = ty;
    this.depth = d + 1;
    this.floor = this.sp;
    this.unreach = false;
    if (kind !== K_FUNC) this.pushVals(this.c.tPOff[ty], this.c.tPLen[ty]);
  }

  private growCtrl(): void {
    const n = this.cKind.length;
    if (n >= L.MAX_CONTROL_DEPTH) {
      throw overLimit(`function ${this.func}: block nesting depth`, n + 1, L.MAX_CONTROL_DEPTH, 'MAX_CONTROL_DEPTH', this.at());
    }
    const m = Math.min(n * 2, L.MAX_CONTROL_DEPTH);
    const u8 = (a: Uint8Array) => { const b = new Uint8Array(m); b.set(a); return b; };
    const i32 = (a: Int32Array) => { const b = new Int32Array(m); b.set(a); return b; };
    this.cKind = u8(this.cKind);
    this.cUnr = u8(this.cUnr);
    this.cHeight = i32(this.cHeight);
    this.cType = i32(this.cType);
  }

  /** Pops the innermost frame after checking that the stack holds exactly its results; returns its index. */
  private popCtrl(): number {
    const d = this.depth - 1;
    const ty = this.cType[d];
    const rLen = this.c.tRLen[ty];
    this.popVals(this.c.tROff[ty], rLen);
    if (this.sp !== this.cHeight[d]) {
      const extra = this.sp - this.cHeight[d];
      const where = this.cKind[d] === K_FUNC ? 'the function body' : 'the block';
      throw this.err(`type mismatch in ${this.opText()}: ${where} leaves ${plural(extra, 'value')} more than its ${plural(rLen, 'result')} on the stack`);
    }
    this.depth = d;
    if (d > 0) {
      this.floor = this.cHeight[d - 1];
      this.unreach = this.cUnr[d - 1] === 1;
    }
    return d;
  }

  /** The rest of the current block is unreachable: the stack becomes polymorphic. */
  private unreachable(): void {
    this.sp = this.floor;
    this.cUnr[this.depth - 1] = 1;
    this.unreach = true;
  }

  /** Frame index of label `l`, checked. */
  private label(l: number): number {
    if (!(l < this.depth)) {
      throw this.err(`unknown label ${l} in ${this.opText()} (${plural(this.depth, 'enclosing block')}, so labels 0 to ${this.depth - 1})`);
    }
    return this.depth - 1 - l;
  }

  /** Label types of frame f: the params of a loop, the results of anything else. */
  private labelOff(f: number): number {
    const ty = this.cType[f];
    return this.cKind[f] === K_LOOP ? this.c.tPOff[ty] : this.c.tROff[ty];
  }

  private labelLen(f: number): number {
    const ty = this.cType[f];
    return this.cKind[f] === K_LOOP ? this.c.tPLen[ty] : this.c.tRLen[ty];
  }

  /** Checks that the stack's top holds the label types of frame `f`, without popping. */
  private peekLabel(f: number, l: number): void {
    const off = this.labelOff(f);
    for (let i = this.labelLen(f) - 1, p = this.sp - 1; i >= 0; i--, p--) {
      const t = this.sig[off + i];
      if (p >= this.floor) {
        const a = this.vals[p];
        if (a !== t && a !== UNKNOWN) {
          throw this.err(`type mismatch in ${this.opText()} to label ${l}: expected ${typeName(t)}, found ${typeName(a)}`);
        }
      } else if (!this.unreach) {
        throw this.underflow(t);
      }
    }
  }

  // --- immediates ---

  private local(i: number): number {
    if (!(i < this.nLocals)) {
      throw this.err(`unknown local ${i} in ${this.opText()} (the function has ${plural(this.nLocals, 'local')}, params included)`);
    }
    return this.locals[i];
  }

  private global(i: number): number {
    if (!(i < this.c.nGlobals)) throw this.err(`unknown global ${i} in ${this.opText()} (the module has ${plural(this.c.nGlobals, 'global')})`);
    return i;
  }

  private typeIndex(t: number): number {
    if (!(t < this.c.nTypes)) throw this.err(`unknown type ${t} in ${this.opText()} (the module has ${plural(this.c.nTypes, 'type')})`);
    return t;
  }

  private table(t: number): void {
    if (!(t < this.c.nTables)) throw this.err(`unknown table ${t} in ${this.opText()} (the module has ${plural(this.c.nTables, 'table')})`);
  }

  private elem(e: number): void {
    if (!(e < this.c.nElems)) throw this.err(`unknown element segment ${e} in ${this.opText()} (the module has ${plural(this.c.nElems, 'element segment')})`);
  }

  private data(d: number): void {
    const n = this.c.dataCount;
    if (n < 0) {
      throw malformed(`function ${this.func}: ${this.opText()} requires a data count section, and the module has none`, this.at());
    }
    if (!(d < n)) throw this.err(`unknown data segment ${d} in ${this.opText()} (the module has ${plural(n, 'data segment')})`);
  }

  private memory(): void {
    if (this.c.nMemories === 0) throw this.noMemory();
  }

  private sameTypes(aOff: number, aLen: number, bOff: number, bLen: number): boolean {
    if (aLen !== bLen) return false;
    for (let i = 0; i < aLen; i++) if (this.sig[aOff + i] !== this.sig[bOff + i]) return false;
    return true;
  }

  // --- the body ---

  /** Validates one body; returns its maximum operand-stack height. */
  run(func: number, code: Uint8Array, codeOffset: number, groups: readonly { count: number; type: number }[]): number {
    try {
      return this.body(func, code, codeOffset, groups);
    } catch (e) {
      if (e instanceof WasmError && e.kind === 'malformed' && this.rd.start >= code.length) {
        throw malformed(
          `function ${func}: the body ends inside ${plural(this.depth, 'open block')} (missing 'end')`,
          codeOffset < 0 ? -1 : codeOffset + code.length,
        );
      }
      throw e;
    }
  }

  private body(func: number, code: Uint8Array, codeOffset: number, groups: readonly { count: number; type: number }[]): number {
    const c = this.c;
    this.func = func;
    this.base = codeOffset;
    const rd = new InstrReader(code, codeOffset);
    this.rd = rd;
    const ft = c.funcType[func];

    // Locals: params, then the declared groups (a plain loop: typed-array fill costs more for the
    // few locals a group usually has).
    const pLen = c.tPLen[ft];
    let locals = this.locals;
    if (locals.length < pLen) locals = this.locals = new Uint8Array(Math.max(pLen, locals.length * 2));
    for (let i = 0, p = c.tPOff[ft]; i < pLen; i++) locals[i] = c.sig[p + i];
    let n = pLen;
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      const cnt = g.count;
      const lt = g.type;
      if (!Number.isInteger(cnt) || cnt < 0) throw malformed(`function ${func}: local count ${cnt} is not a u32`, codeOffset < 0 ? -1 : codeOffset);
      if (!(n + cnt <= L.MAX_FUNCTION_LOCALS)) {
        throw overLimit(`function ${func}: local count (params included)`, n + cnt, L.MAX_FUNCTION_LOCALS, 'MAX_FUNCTION_LOCALS', codeOffset < 0 ? -1 : codeOffset);
      }
      if (lt !== I32 && lt !== I64 && lt !== F32 && lt !== F64) badLocalType(lt, func);
      if (locals.length < n + cnt) {
        const grown = new Uint8Array(Math.max(n + cnt, locals.length * 2));
        grown.set(locals.subarray(0, n));
        locals = this.locals = grown;
      }
      locals.fill(lt, n, n + cnt); // a memset: a body of a few bytes may declare 50,000 locals
      n += cnt;
    }
    this.nLocals = n;

    // The function's frame: [] → results; its label is the function's results.
    this.sp = 0;
    this.maxSp = 0;
    this.depth = 0;
    this.pushCtrl(K_FUNC, ft);

    // Local copies of the hot state. `sp`, `maxSp` and `vals` are the truth inside the loop and are
    // stored back before `slowOp`; `floor` and `unreach` are written to the fields as they change.
    let vals = this.vals;
    let sp = 0;
    let maxSp = 0;
    let floor = 0;
    let unreach = false;
    const nLocals = n;
    const globalType = c.globalType;
    const globalMut = c.globalMut;
    const nGlobals = c.nGlobals;
    const hasMemory = c.nMemories > 0;
    const nTypes = c.nTypes;
    const nFuncs = c.nFuncs;
    const funcType = c.funcType;
    const tPLen = c.tPLen;
    const tPOff = c.tPOff;
    const tRLen = c.tRLen;
    const tROff = c.tROff;
    const sig = this.sig;

    const end = code.length;
    const r = rd.r;
    for (;;) {
      // A body that ends without its final `end` makes `next` throw at the end of the bytes; `run`
      // turns that into a clearer message (checking here would cost a test per instruction).
      const op = rd.next();
      switch (op) {
        // Constants and numeric instructions: fixed signatures, from the SIMPLE table.
        case 0x41: case 0x42: case 0x43: case 0x44:
        case 0x45: case 0x46: case 0x47: case 0x48: case 0x49: case 0x4a: case 0x4b: case 0x4c: case 0x4d: case 0x4e:
        case 0x4f: case 0x50: case 0x51: case 0x52: case 0x53: case 0x54: case 0x55: case 0x56: case 0x57: case 0x58:
        case 0x59: case 0x5a: case 0x5b: case 0x5c: case 0x5d: case 0x5e: case 0x5f: case 0x60: case 0x61: case 0x62:
        case 0x63: case 0x64: case 0x65: case 0x66: case 0x67: case 0x68: case 0x69: case 0x6a: case 0x6b: case 0x6c:
        case 0x6d: case 0x6e: case 0x6f: case 0x70: case 0x71: case 0x72: case 0x73: case 0x74: case 0x75: case 0x76:
        case 0x77: case 0x78: case 0x79: case 0x7a: case 0x7b: case 0x7c: case 0x7d: case 0x7e: case 0x7f: case 0x80:
        case 0x81: case 0x82: case 0x83: case 0x84: case 0x85: case 0x86: case 0x87: case 0x88: case 0x89: case 0x8a:
        case 0x8b: case 0x8c: case 0x8d: case 0x8e: case 0x8f: case 0x90: case 0x91: case 0x92: case 0x93: case 0x94:
        case 0x95: case 0x96: case 0x97: case 0x98: case 0x99: case 0x9a: case 0x9b: case 0x9c: case 0x9d: case 0x9e:
        case 0x9f: case 0xa0: case 0xa1: case 0xa2: case 0xa3: case 0xa4: case 0xa5: case 0xa6: case 0xa7: case 0xa8:
        case 0xa9: case 0xaa: case 0xab: case 0xac: case 0xad: case 0xae: case 0xaf: case 0xb0: case 0xb1: case 0xb2:
        case 0xb3: case 0xb4: case 0xb5: case 0xb6: case 0xb7: case 0xb8: case 0xb9: case 0xba: case 0xbb: case 0xbc:
        case 0xbd: case 0xbe: case 0xbf: case 0xc0: case 0xc1: case 0xc2: case 0xc3: case 0xc4: {
          const d = SIMPLE[op];
          const nin = d >>> 16;
          const tin = d & 0xff;
          if (NAN_OP[op] !== 0) this.nanOps++;
          if (nin === 0) {
            if (sp < vals.length) {
              vals[sp++] = (d >>> 8) & 0xff;
              if (sp > maxSp) maxSp = sp;
              continue;
            }
          } else if (nin === 1) {
            if (sp > floor && vals[sp - 1] === tin) {
              vals[sp - 1] = (d >>> 8) & 0xff;
              continue;
            }
          } else if (sp - 2 >= floor && vals[sp - 1] === tin && vals[sp - 2] === tin) {
            vals[sp - 2] = (d >>> 8) & 0xff;
            sp--;
            continue;
          }
          break;
        }
        case 0x28: case 0x29: case 0x2a: case 0x2b: case 0x2c: case 0x2d: case 0x2e: case 0x2f: case 0x30: case 0x31:
        case 0x32: case 0x33: case 0x34: case 0x35: // loads: [i32] → [t]
          if (hasMemory && rd.a <= NATURAL_ALIGN[op] && sp > floor && vals[sp - 1] === I32) {
            vals[sp - 1] = (SIMPLE[op] >>> 8) & 0xff;
            continue;
          }
          break;
        case 0x36: case 0x37: case 0x38: case 0x39: case 0x3a: case 0x3b: case 0x3c: case 0x3d: case 0x3e: // stores: [i32 t] → []
          if (hasMemory && rd.a <= NATURAL_ALIGN[op] && sp - 2 >= floor && vals[sp - 1] === (SIMPLE[op] & 0xff) && vals[sp - 2] === I32) {
            sp -= 2;
            continue;
          }
          break;
        case 0x20: { // local.get
          const i = rd.a;
          if (i < nLocals && sp < vals.length) {
            vals[sp++] = locals[i];
            if (sp > maxSp) maxSp = sp;
            continue;
          }
          break;
        }
        case 0x21: { // local.set
          const i = rd.a;
          if (i < nLocals && sp > floor && vals[sp - 1] === locals[i]) {
            sp--;
            continue;
          }
          break;
        }
        case 0x22: { // local.tee
          const i = rd.a;
          if (i < nLocals && sp > floor && vals[sp - 1] === locals[i]) continue;
          break;
        }
        case 0x23: { // global.get
          const g = rd.a;
          if (g < nGlobals && sp < vals.length) {
            vals[sp++] = globalType[g];
            if (sp > maxSp) maxSp = sp;
            continue;
          }
          break;
        }
        case 0x24: { // global.set
          const g = rd.a;
          if (g < nGlobals && globalMut[g] === 1 && sp > floor && vals[sp - 1] === globalType[g]) {
            sp--;
            continue;
          }
          break;
        }
        case 0x10: { // call: params exactly on the stack
          const f = rd.a;
          if (f >= nFuncs) break;
          const t = funcType[f];
          const np = tPLen[t];
          const nr = tRLen[t];
          const base = sp - np;
          if (base < floor || base + nr > vals.length) break;
          let j = 0;
          for (const po = tPOff[t]; j < np; j++) if (vals[base + j] !== sig[po + j]) break;
          if (j < np) break;
          sp = base;
          for (let q = 0, ro = tROff[t]; q < nr; q++) vals[sp++] = sig[ro + q];
          if (sp > maxSp) maxSp = sp;
          continue;
        }
        case 0x0d: { // br_if to a label of at most one value, the values exactly on the stack
          const l = rd.a;
          const depth = this.depth;
          if (l >= depth || sp <= floor || vals[sp - 1] !== I32) break;
          const f = depth - 1 - l;
          const ty = this.cType[f];
          const loop = this.cKind[f] === K_LOOP;
          const n1 = loop ? tPLen[ty] : tRLen[ty];
          if (n1 === 0) {
            sp--;
            continue;
          }
          if (n1 === 1 && sp - 2 >= floor && vals[sp - 2] === sig[loop ? tPOff[ty] : tROff[ty]]) {
            sp--;
            continue;
          }
          break;
        }
        case 0x1a: // drop
          if (sp > floor) {
            sp--;
            continue;
          }
          break;
        case 0x01: // nop
          continue;
        case 0x00: // unreachable
          sp = floor;
          this.cUnr[this.depth - 1] = 1;
          unreach = this.unreach = true;
          continue;
        case 0x02: // block
        case 0x03: // loop
        case 0x04: { // if
          const bt = rd.a;
          if (bt >= 0) break; // type index: params to move, see slowOp
          if (op === 0x04) {
            if (!(sp > floor && vals[sp - 1] === I32)) break;
            sp--;
          }
          const d = this.depth;
          if (d === this.cKind.length) {
            this.sp = sp;
            this.growCtrl();
          }
          this.cKind[d] = op === 0x02 ? K_BLOCK : op === 0x03 ? K_LOOP : K_IF;
          this.cUnr[d] = 0;
          this.cHeight[d] = sp;
          this.cType[d] = bt === -0x40 ? nTypes : nTypes + 1 + (0x7f + bt);
          this.depth = d + 1;
          floor = this.floor = sp;
          unreach = this.unreach = false;
          continue;
        }
        case 0x0b: { // end of a block that has at most one result and exactly it on the stack
          const d = this.depth - 1;
          if (d === 0) break;
          const ty = this.cType[d];
          const rLen = tRLen[ty];
          if (rLen > 1 || (rLen === 1 && this.cKind[d] === K_IF) || ty < nTypes) break;
          const h = this.cHeight[d];
          if (rLen === 0 ? sp !== h : sp !== h + 1 || vals[h] !== sig[tROff[ty]]) break;
          this.depth = d;
          floor = this.floor = this.cHeight[d - 1];
          unreach = this.unreach = this.cUnr[d - 1] === 1;
          continue;
        }
      }
      // The general algorithm, on the fields.
      this.sp = sp;
      this.maxSp = maxSp;
      if (this.slowOp(op)) {
        if (r.pos !== end) {
          throw malformed(`function ${func}: ${plural(end - r.pos, 'byte')} after the final 'end' of the body`, codeOffset < 0 ? -1 : codeOffset + r.pos);
        }
        return this.maxSp;
      }
      vals = this.vals;
      sp = this.sp;
      maxSp = this.maxSp;
      floor = this.floor;
      unreach = this.unreach;
    }
  }

  /**
   * One instruction by the appendix's algorithm, on the fields. Returns true when it was the `end`
   * that closes the function body.
   */
  private slowOp(op: number): boolean {
    if (op > 0xff) {
      // Kept out of the switch below so that its case labels stay dense: V8 compiles a dense switch
      // to a jump table and a sparse one to a chain of comparisons.
      this.prefixedOp(op);
      return false;
    }
    const c = this.c;
    const rd = this.rd;
    switch (op) {
      // --- control ---
      case 0x00: // unreachable
        this.unreachable();
        break;
      case 0x01: // nop
        break;
      case 0x02: // block
      case 0x03: // loop
      case 0x04: { // if
        if (op === 0x04) this.popT(I32);
        const ty = this.blockType(rd.a);
        this.popVals(c.tPOff[ty], c.tPLen[ty]);
        this.pushCtrl(op === 0x02 ? K_BLOCK : op === 0x03 ? K_LOOP : K_IF, ty);
        break;
      }
      case 0x05: { // else
        const d = this.depth - 1;
        if (this.cKind[d] !== K_IF) throw this.err(`else without a matching if`);
        this.popCtrl();
        this.pushCtrl(K_ELSE, this.cType[d]);
        break;
      }
      case 0x0b: { // end
        const d = this.popCtrl();
        const ty = this.cType[d];
        if (this.cKind[d] === K_IF && !this.sameTypes(c.tPOff[ty], c.tPLen[ty], c.tROff[ty], c.tRLen[ty])) {
          throw this.err(`type mismatch in if without else: the params must equal the results when there is no else branch`);
        }
        if (d === 0) return true;
        this.pushVals(c.tROff[ty], c.tRLen[ty]);
        break;
      }
      case 0x0c: { // br
        const f = this.label(rd.a);
        this.popVals(this.labelOff(f), this.labelLen(f));
        this.unreachable();
        break;
      }
      case 0x0d: { // br_if
        const f = this.label(rd.a);
        this.popT(I32);
        this.popVals(this.labelOff(f), this.labelLen(f));
        this.pushVals(this.labelOff(f), this.labelLen(f));
        break;
      }
      case 0x0e: { // br_table
        // The appendix pops and re-pushes each label's values; checking them in place is the same
        // test and leaves the stack (so the recorded maximum height) as it is.
        this.popT(I32);
        const fd = this.label(rd.a);
        const arity = this.labelLen(fd);
        const targets = rd.targets;
        for (let i = 0; i < rd.targetCount; i++) {
          const l = targets[i];
          const f = this.label(l);
          if (this.labelLen(f) !== arity) {
            throw this.err(`type mismatch in br_table: label ${l} takes ${plural(this.labelLen(f), 'value')} but the default label ${rd.a} takes ${arity}`);
          }
          this.peekLabel(f, l);
        }
        this.popVals(this.labelOff(fd), arity);
        this.unreachable();
        break;
      }
      case 0x0f: { // return
        const ty = this.cType[0];
        this.popVals(c.tROff[ty], c.tRLen[ty]);
        this.unreachable();
        break;
      }
      case 0x10: { // call
        const f = rd.a;
        if (!(f < c.nFuncs)) throw this.err(`unknown function ${f} in call (the module has ${plural(c.nFuncs, 'function')})`);
        const ft = c.funcType[f];
        this.popVals(c.tPOff[ft], c.tPLen[ft]);
        this.pushVals(c.tROff[ft], c.tRLen[ft]);
        break;
      }
      case 0x11: { // call_indirect
        const ft = this.typeIndex(rd.a);
        this.table(rd.b);
        if (c.tableElem[rd.b] !== FUNCREF) throw this.err(`type mismatch in call_indirect: table ${rd.b} does not hold funcref`);
        this.popT(I32);
        this.popVals(c.tPOff[ft], c.tPLen[ft]);
        this.pushVals(c.tROff[ft], c.tRLen[ft]);
        break;
      }

      // --- parametric ---
      case 0x1a: // drop
        this.pop();
        break;
      case 0x1b: { // select: [t t i32] → [t], t numeric; either operand may be Unknown
        this.popT(I32);
        const t1 = this.pop();
        const t2 = this.pop();
        if (!isNum(t1) || !isNum(t2)) {
          throw this.err(`type mismatch in select: operands must be numeric, found ${typeName(t2)} and ${typeName(t1)}`);
        }
        if (t1 !== t2 && t1 !== UNKNOWN && t2 !== UNKNOWN) {
          throw this.err(`type mismatch in select: the two operands differ, ${typeName(t2)} and ${typeName(t1)}`);
        }
        this.push(t1 === UNKNOWN ? t2 : t1);
        break;
      }

      // --- variables ---
      case 0x20: // local.get
        this.push(this.local(rd.a));
        break;
      case 0x21: // local.set
        this.popT(this.local(rd.a));
        break;
      case 0x22: { // local.tee
        const t = this.local(rd.a);
        this.popT(t);
        this.push(t);
        break;
      }
      case 0x23: // global.get
        this.push(c.globalType[this.global(rd.a)]);
        break;
      case 0x24: { // global.set
        const g = this.global(rd.a);
        if (c.globalMut[g] === 0) throw this.err(`global.set of the immutable global ${g}`);
        this.popT(c.globalType[g]);
        break;
      }

      // --- memory ---
      case 0x28: case 0x29: case 0x2a: case 0x2b: case 0x2c: case 0x2d: case 0x2e: case 0x2f: case 0x30: case 0x31:
      case 0x32: case 0x33: case 0x34: case 0x35: // loads
        this.memory();
        if (rd.a > NATURAL_ALIGN[op]) throw this.badAlign(op);
        this.popT(I32);
        this.push((SIMPLE[op] >>> 8) & 0xff);
        break;
      case 0x36: case 0x37: case 0x38: case 0x39: case 0x3a: case 0x3b: case 0x3c: case 0x3d: case 0x3e: // stores
        this.memory();
        if (rd.a > NATURAL_ALIGN[op]) throw this.badAlign(op);
        this.popT(SIMPLE[op] & 0xff);
        this.popT(I32);
        break;
      case 0x3f: // memory.size
        this.memory();
        this.push(I32);
        break;
      case 0x40: // memory.grow
        this.memory();
        this.popT(I32);
        this.push(I32);
        break;

      // --- constants and numeric instructions ---
      case 0x41: case 0x42: case 0x43: case 0x44:
      case 0x45: case 0x46: case 0x47: case 0x48: case 0x49: case 0x4a: case 0x4b: case 0x4c: case 0x4d: case 0x4e:
      case 0x4f: case 0x50: case 0x51: case 0x52: case 0x53: case 0x54: case 0x55: case 0x56: case 0x57: case 0x58:
      case 0x59: case 0x5a: case 0x5b: case 0x5c: case 0x5d: case 0x5e: case 0x5f: case 0x60: case 0x61: case 0x62:
      case 0x63: case 0x64: case 0x65: case 0x66: case 0x67: case 0x68: case 0x69: case 0x6a: case 0x6b: case 0x6c:
      case 0x6d: case 0x6e: case 0x6f: case 0x70: case 0x71: case 0x72: case 0x73: case 0x74: case 0x75: case 0x76:
      case 0x77: case 0x78: case 0x79: case 0x7a: case 0x7b: case 0x7c: case 0x7d: case 0x7e: case 0x7f: case 0x80:
      case 0x81: case 0x82: case 0x83: case 0x84: case 0x85: case 0x86: case 0x87: case 0x88: case 0x89: case 0x8a:
      case 0x8b: case 0x8c: case 0x8d: case 0x8e: case 0x8f: case 0x90: case 0x91: case 0x92: case 0x93: case 0x94:
      case 0x95: case 0x96: case 0x97: case 0x98: case 0x99: case 0x9a: case 0x9b: case 0x9c: case 0x9d: case 0x9e:
      case 0x9f: case 0xa0: case 0xa1: case 0xa2: case 0xa3: case 0xa4: case 0xa5: case 0xa6: case 0xa7: case 0xa8:
      case 0xa9: case 0xaa: case 0xab: case 0xac: case 0xad: case 0xae: case 0xaf: case 0xb0: case 0xb1: case 0xb2:
      case 0xb3: case 0xb4: case 0xb5: case 0xb6: case 0xb7: case 0xb8: case 0xb9: case 0xba: case 0xbb: case 0xbc:
      case 0xbd: case 0xbe: case 0xbf: case 0xc0: case 0xc1: case 0xc2: case 0xc3: case 0xc4: {
        const d = SIMPLE[op];
        const nin = d >>> 16;
        for (let i = 0; i < nin; i++) this.popT(d & 0xff);
        this.push((d >>> 8) & 0xff);
        break;
      }

      default:
        // InstrReader only returns opcodes of our feature set; one that reaches here is a bug.
        throw new Error(`validate: no rule for instruction ${opName(op)}`);
    }
    return false;
  }

  /** The 0xfc-prefixed instructions: saturating truncation, bulk memory and tables. */
  private prefixedOp(op: number): void {
    const c = this.c;
    const rd = this.rd;
    switch (op) {
      case 0xfc00: case 0xfc01: // i32.trunc_sat_f32_s/u
        this.popT(F32);
        this.push(I32);
        break;
      case 0xfc02: case 0xfc03: // i32.trunc_sat_f64_s/u
        this.popT(F64);
        this.push(I32);
        break;
      case 0xfc04: case 0xfc05: // i64.trunc_sat_f32_s/u
        this.popT(F32);
        this.push(I64);
        break;
      case 0xfc06: case 0xfc07: // i64.trunc_sat_f64_s/u
        this.popT(F64);
        this.push(I64);
        break;
      case 0xfc08: // memory.init
        this.data(rd.a);
        this.memory();
        this.popT(I32);
        this.popT(I32);
        this.popT(I32);
        break;
      case 0xfc09: // data.drop
        this.data(rd.a);
        break;
      case 0xfc0a: // memory.copy
      case 0xfc0b: // memory.fill
        this.memory();
        this.popT(I32);
        this.popT(I32);
        this.popT(I32);
        break;
      case 0xfc0c: { // table.init
        const e = rd.a, tb = rd.b;
        this.table(tb);
        this.elem(e);
        if (c.elemType[e] !== c.tableElem[tb]) {
          throw this.err(`type mismatch in table.init: element segment ${e} holds ${typeName(c.elemType[e])}, table ${tb} ${typeName(c.tableElem[tb])}`);
        }
        this.popT(I32);
        this.popT(I32);
        this.popT(I32);
        break;
      }
      case 0xfc0d: // elem.drop
        this.elem(rd.a);
        break;
      case 0xfc0e: { // table.copy
        const dst = rd.a, src = rd.b;
        this.table(dst);
        this.table(src);
        if (c.tableElem[dst] !== c.tableElem[src]) {
          throw this.err(`type mismatch in table.copy: table ${src} holds ${typeName(c.tableElem[src])}, table ${dst} ${typeName(c.tableElem[dst])}`);
        }
        this.popT(I32);
        this.popT(I32);
        this.popT(I32);
        break;
      }
      default:
        throw new Error(`validate: no rule for instruction ${opName(op)}`);
    }
  }
}

settleShapes();
