/**
 * Instantiation (core spec 2.0 §4.5.4) and the `Instance` API.
 *
 * Order of instantiation, as the spec (with bulk memory) fixes it: resolve and check imports
 * (`LinkError`), allocate memory, tables and globals, then apply active element segments and active
 * data segments in order — a segment out of bounds traps, and the ones before it stay applied —,
 * drop active and declarative segments, and run the start function. Traps during instantiation are
 * thrown as `Trap` (function index -1 for segment traps).
 *
 * Calls: `exports.f(...)` follows the JS API (numbers, bigint for i64, one result or an array;
 * throws `Trap`); `invoke` returns `{ ok, results | trap }`; `invokeRaw` passes float bits exactly
 * (f32 as its u32 bit pattern, f64 as its u64 bit pattern in a bigint), which a JS number cannot
 * do for signalling NaNs.
 */
import { importCounts, type ConstExpr } from '@cloak/wasm';
import type { CompiledModule } from './compile.js';
import { callForeign, execute, machine, type Inst } from './exec.js';
import {
  Global, Memory, Table, readRaw, readValue, typeIdOf, typeKey, valTypeToNum, writeRaw, writeValue,
  type FuncRef, type NumType,
} from './runtime.js';
import { LinkError, Trap } from './trap.js';

export type HostFunction = (...args: any[]) => unknown;
export type ImportValue = HostFunction | Memory | Table | Global | number | bigint;
export type Imports = Record<string, Record<string, ImportValue>>;
export type ExportValue = ((...args: any[]) => any) | Memory | Table | Global;

/** A raw value: i32 number, i64 bigint, f32 u32 bits as a number, f64 u64 bits as a bigint. */
export type RawValue = number | bigint;

export type InvokeResult<T> = { ok: true; results: T[] } | { ok: false; trap: Trap };

/** Exported callables → the function they call, so that they can be imported by another instance. */
const refOfCallable = new WeakMap<object, FuncRef>();

export class Instance {
  readonly exports: Readonly<Record<string, ExportValue>>;
  /** Memory 0, if the module has (or imports) one. */
  readonly memory: Memory | null;
  readonly compiled: CompiledModule;
  /** @internal */
  readonly inst: Inst;
  private readonly exportIndex = new Map<string, { kind: string; index: number }>();
  private readonly globalObjects: Global[];

  /** @internal use `instantiate` */
  constructor(compiled: CompiledModule, inst: Inst, globals: Global[]) {
    this.compiled = compiled;
    this.inst = inst;
    this.memory = inst.memory;
    this.globalObjects = globals;
    const ex: Record<string, ExportValue> = Object.create(null);
    for (const e of compiled.module.exports) {
      this.exportIndex.set(e.name, { kind: e.kind, index: e.index });
      switch (e.kind) {
        case 'func':
          ex[e.name] = callableOf(inst.funcs[e.index]);
          break;
        case 'memory':
          ex[e.name] = inst.memory!;
          break;
        case 'table':
          ex[e.name] = inst.tables[e.index];
          break;
        case 'global':
          ex[e.name] = globals[e.index];
          break;
      }
    }
    this.exports = Object.freeze(ex);
  }

  /** Calls an exported function; a trap is returned, not thrown. */
  invoke(name: string, args: readonly unknown[] = []): InvokeResult<number | bigint> {
    const ref = this.funcExport(name);
    try {
      return { ok: true, results: callRef(ref, args, false) };
    } catch (err) {
      if (err instanceof Trap) return { ok: false, trap: err };
      throw err;
    }
  }

  /** Like `invoke`, with arguments and results in raw form (float bits kept exactly). */
  invokeRaw(name: string, args: readonly RawValue[] = []): InvokeResult<RawValue> {
    const ref = this.funcExport(name);
    try {
      return { ok: true, results: callRef(ref, args, true) };
    } catch (err) {
      if (err instanceof Trap) return { ok: false, trap: err };
      throw err;
    }
  }

  /** Value of an exported global (i64 as bigint). */
  getGlobal(name: string): number | bigint {
    return this.globalExport(name).value;
  }

  /** Sets an exported mutable global. */
  setGlobal(name: string, value: number | bigint): void {
    this.globalExport(name).value = value;
  }

  private funcExport(name: string): FuncRef {
    const e = this.exportIndex.get(name);
    if (e === undefined || e.kind !== 'func') throw new TypeError(`no exported function "${name}"`);
    return this.inst.funcs[e.index];
  }

  private globalExport(name: string): Global {
    const e = this.exportIndex.get(name);
    if (e === undefined || e.kind !== 'global') throw new TypeError(`no exported global "${name}"`);
    return this.globalObjects[e.index];
  }
}

/** The JS-callable form of a function reference (created once per reference). */
export function callableOf(ref: FuncRef): (...args: unknown[]) => unknown {
  if (ref.callable) return ref.callable;
  if (ref.host !== null && ref.instance === null) {
    // A host function re-exported: the JS API returns the same function.
    ref.callable = ref.host;
    refOfCallable.set(ref.host, ref);
    return ref.host;
  }
  const fn = (...args: unknown[]): unknown => {
    const results = callRef(ref, args, false);
    return results.length === 0 ? undefined : results.length === 1 ? results[0] : results;
  };
  ref.callable = fn;
  refOfCallable.set(fn, ref);
  return fn;
}

/** Runs a function reference with JS (or raw) arguments; returns its results. Throws `Trap`. */
function callRef(ref: FuncRef, args: readonly unknown[], raw: boolean): any[] {
  const M = machine;
  const t = ref.type;
  const n = t.params.length;
  const fp = (M.top + 1) & ~1;
  const words = 2 * Math.max(n, t.results.length, 1);
  if (!M.reserve(fp + words)) throw new Trap('value_stack_exhausted', -1, -1);
  const saveTop = M.top;
  const saveCsp = M.csp;
  try {
    for (let j = 0; j < n; j++) {
      const type = valTypeToNum(t.params[j]);
      if (raw) writeRaw(M.r, fp + 2 * j, type, args[j]);
      else writeValue(M.r, fp + 2 * j, type, args[j]);
    }
    M.top = fp + words;
    if (ref.instance !== null) execute(ref.instance as Inst, ref.index, fp);
    else {
      try {
        callForeign(ref, fp);
      } catch (err) {
        if (err instanceof Trap) throw err;
        throw new Trap('host', ref.index, -1, err);
      }
    }
    const results: unknown[] = [];
    for (let j = 0; j < t.results.length; j++) {
      const type = valTypeToNum(t.results[j]);
      results.push(raw ? readRaw(M.r, fp + 2 * j, type) : readValue(M.r, fp + 2 * j, type));
    }
    return results;
  } finally {
    M.top = saveTop;
    M.csp = saveCsp;
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * Instantiates a compiled module with imports (`{ module: { name: value } }`, as the JS API).
 * Throws `LinkError` when an import is missing or does not match, `Trap` when a segment is out of
 * bounds or the start function traps.
 */
export function instantiate(compiled: CompiledModule, imports: Imports = {}): Instance {
  const m = compiled.module;
  const counts = importCounts(m);
  const funcs: FuncRef[] = [];
  const globals: Global[] = [];
  const extGlobals: (Global | null)[] = [];
  const tables: Table[] = [];
  let memory: Memory | null = null;
  const G = new Int32Array(2 * (counts.globals + m.globals.length));

  // 1. Imports.
  for (const imp of m.imports) {
    const where = `import "${imp.module}"."${imp.name}"`;
    const ns = imports[imp.module];
    const v = ns !== null && typeof ns === 'object' ? ns[imp.name] : undefined;
    if (v === undefined) throw new LinkError(`${where} is missing`);
    switch (imp.desc.kind) {
      case 'func': {
        const type = m.types[imp.desc.type];
        if (typeof v !== 'function') throw new LinkError(`${where} must be a function`);
        const known = refOfCallable.get(v);
        if (known !== undefined) {
          if (known.typeId !== typeIdOf(type)) throw new LinkError(`${where}: function type ${typeKey(known.type)} does not match ${typeKey(type)}`);
          funcs.push(known);
        } else funcs.push({ type, typeId: typeIdOf(type), instance: null, index: funcs.length, host: v as HostFunction });
        break;
      }
      case 'memory': {
        if (!(v instanceof Memory)) throw new LinkError(`${where} must be a Memory`);
        const want = imp.desc.memory;
        if (v.pages < want.min) throw new LinkError(`${where}: memory has ${v.pages} pages, the module needs at least ${want.min}`);
        if (want.max !== undefined && (v.maximum === undefined || v.maximum > want.max)) {
          throw new LinkError(`${where}: memory maximum ${v.maximum ?? 'none'} exceeds the module's ${want.max}`);
        }
        memory = v;
        break;
      }
      case 'table': {
        if (!(v instanceof Table)) throw new LinkError(`${where} must be a Table`);
        const want = imp.desc.table.limits;
        if (v.length < want.min) throw new LinkError(`${where}: table has ${v.length} elements, the module needs at least ${want.min}`);
        if (want.max !== undefined && (v.maximum === undefined || v.maximum > want.max)) {
          throw new LinkError(`${where}: table maximum ${v.maximum ?? 'none'} exceeds the module's ${want.max}`);
        }
        tables.push(v);
        break;
      }
      case 'global': {
        const gt = imp.desc.global;
        const type = valTypeToNum(gt.valType);
        const gi = globals.length;
        let g: Global;
        if (v instanceof Global) {
          if (v.type !== type || v.mutable !== gt.mutable) {
            throw new LinkError(`${where}: global is ${v.mutable ? 'mutable ' : ''}${v.type}, the module needs ${gt.mutable ? 'mutable ' : ''}${type}`);
          }
          g = v;
        } else if (!gt.mutable && (typeof v === 'number' || typeof v === 'bigint')) {
          if ((type === 'i64') !== (typeof v === 'bigint')) throw new LinkError(`${where}: ${typeof v} given for an ${type} global`);
          g = new Global({ value: type, mutable: false }, v);
        } else throw new LinkError(`${where} must be a Global${gt.mutable ? '' : ' or a number'}`);
        globals.push(g);
        if (gt.mutable) extGlobals.push(g);
        else {
          extGlobals.push(null);
          G[2 * gi] = g.cells[g.at];
          G[2 * gi + 1] = g.cells[g.at + 1];
        }
        break;
      }
    }
  }

  // 2. Own memory, tables, functions, globals.
  for (const mem of m.memories) memory = new Memory({ initial: mem.min, maximum: mem.max });
  for (const t of m.tables) tables.push(new Table({ initial: t.limits.min, maximum: t.limits.max }));
  const inst: Inst = { c: compiled, G, extGlobals, memory, tables, funcs, datas: [], elems: [] };
  for (let k = 0; k < m.functions.length; k++) {
    const index = counts.funcs + k;
    const type = compiled.funcTypes[index];
    funcs.push({ type, typeId: compiled.funcTypeIds[index], instance: inst, index, host: null });
  }
  for (let k = 0; k < m.globals.length; k++) {
    const gi = counts.globals + k;
    const g = m.globals[k];
    const type = valTypeToNum(g.type.valType);
    evalConst(g.init, type, G, 2 * gi, globals);
    globals.push(new Global({ value: type, mutable: g.type.mutable }, undefined, G, 2 * gi));
    extGlobals.push(null);
  }

  // 3. Segments.
  for (const seg of m.elements) {
    const list: (FuncRef | null)[] = [];
    if (seg.init.kind === 'funcs') for (const f of seg.init.funcs) list.push(funcs[f]);
    else for (const e of seg.init.exprs) list.push(elemExpr(e, funcs));
    inst.elems.push(list);
  }
  for (const seg of m.datas) inst.datas.push(seg.data);

  for (let i = 0; i < m.elements.length; i++) {
    const seg = m.elements[i];
    if (seg.mode === 'active') {
      const off = offsetOf(seg.offset!, G);
      const table = tables[seg.table];
      const list = inst.elems[i];
      if (off + list.length > table.length) throw new Trap('out_of_bounds_table', -1, -1);
      for (let k = 0; k < list.length; k++) table.elements[off + k] = list[k];
    }
    if (seg.mode !== 'passive') inst.elems[i] = [];
  }
  for (let i = 0; i < m.datas.length; i++) {
    const seg = m.datas[i];
    if (seg.mode !== 'active') continue;
    const off = offsetOf(seg.offset!, G);
    const mem = memory!;
    if (off + seg.data.length > mem.buffer.byteLength) throw new Trap('out_of_bounds_memory', -1, -1);
    mem.u8.set(seg.data, off);
    inst.datas[i] = new Uint8Array(0);
  }

  const instance = new Instance(compiled, inst, globals);
  if (m.start !== undefined) callRef(funcs[m.start], [], false);
  return instance;
}

function evalConst(e: ConstExpr, type: NumType, G: Int32Array, at: number, globals: Global[]): void {
  const c = e[0];
  switch (c.op) {
    case 'i32.const':
      G[at] = c.value;
      return;
    case 'i64.const':
      writeValue(G, at, 'i64', c.value);
      return;
    case 'f32.const':
      G[at] = c.bits | 0;
      return;
    case 'f64.const':
      writeRaw(G, at, 'f64', c.bits);
      return;
    case 'global.get': {
      const g = globals[c.index];
      G[at] = g.cells[g.at];
      G[at + 1] = g.cells[g.at + 1];
      return;
    }
    default:
      throw new LinkError(`a ${type} global cannot be initialised with ${c.op}`);
  }
}

function offsetOf(e: ConstExpr, G: Int32Array): number {
  const c = e[0];
  if (c.op === 'i32.const') return c.value >>> 0;
  if (c.op === 'global.get') return G[2 * c.index] >>> 0;
  throw new LinkError(`a segment offset cannot be ${c.op}`);
}

function elemExpr(e: ConstExpr, funcs: FuncRef[]): FuncRef | null {
  const c = e[0];
  if (c.op === 'ref.func') return funcs[c.index];
  if (c.op === 'ref.null') return null;
  throw new LinkError(`an element cannot be ${c.op}`);
}
