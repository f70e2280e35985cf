/**
 * Binary → `Module` (spec §5.5). Reads every section of our feature set, checks section order,
 * sizes, counts and the structural rules the binary format itself imposes (function and code
 * counts agree, data count matches), and reports the first problem as a `WasmError` with the
 * absolute byte offset. Function bodies are sliced, not decoded: their instructions are read by the
 * validator (so an undecodable instruction is reported by `validate`, still as `malformed`).
 *
 * Never throws for bad input: `decode` returns a Result. Every count is checked against a named
 * limit and against the bytes that remain before anything is allocated for it.
 */
import { ByteReader } from './bytes.js';
import { WasmError, capture, malformed, overLimit, unsupported } from './errors.js';
import * as L from './limits.js';
import {
  SectionId,
  emptyModule,
  type ConstExpr,
  type ConstInstr,
  type DataSegment,
  type ElemSegment,
  type Export,
  type ExternKind,
  type FuncType,
  type GlobalType,
  type Import,
  type LocalGroup,
  type Limits,
  type Module,
  type Result,
  type TableType,
  type ValType,
} from './types.js';

const MAGIC = 0x6d736100;
const VERSION = 1;

/** The order in which non-custom sections must appear (data count sits between element and code). */
const SECTION_ORDER: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 9: 9, 12: 10, 10: 11, 11: 12 };
const SECTION_NAMES: Record<number, string> = {
  0: 'custom', 1: 'type', 2: 'import', 3: 'function', 4: 'table', 5: 'memory', 6: 'global', 7: 'export',
  8: 'start', 9: 'element', 10: 'code', 11: 'data', 12: 'data count',
};

export function sectionName(id: number): string {
  return SECTION_NAMES[id] ?? `unknown (${id})`;
}

/**
 * Where each entry of a decoded module stood in its binary: absolute byte offsets, per section, in
 * entry order (`functions` are the function section's type indices; `start`, `dataCount` the
 * section's content; -1 when absent). Kept beside the module, not in it, so that modules compare
 * equal whatever their origin; a module built or transformed in memory has none.
 */
export interface ModulePositions {
  /** Offset of each known section's id byte, indexed by section id; -1 (or absent) when missing. */
  sections: number[];
  types: number[];
  imports: number[];
  functions: number[];
  tables: number[];
  memories: number[];
  globals: number[];
  exports: number[];
  start: number;
  elements: number[];
  dataCount: number;
  datas: number[];
}

const positions = new WeakMap<Module, ModulePositions>();

/** The byte offsets of a module's entries, when `decode` made it; undefined otherwise. */
export function positionsOf(m: Module): ModulePositions | undefined {
  return positions.get(m);
}

export interface DecodeOptions {
  /** Largest module accepted, in bytes (default MAX_MODULE_SIZE). */
  maxModuleSize?: number;
}

/** Decodes a binary module. Bad input is returned as `{ ok: false, error }`, never thrown. */
export function decode(bytes: Uint8Array, options: DecodeOptions = {}): Result<Module, WasmError> {
  return capture(() => decodeOrThrow(bytes, options), 0);
}

/** As `decode`, but throws the WasmError (for callers inside this package that already capture). */
export function decodeOrThrow(bytes: Uint8Array, options: DecodeOptions = {}): Module {
  const maxSize = options.maxModuleSize ?? L.MAX_MODULE_SIZE;
  if (!(bytes instanceof Uint8Array)) throw new TypeError('decode: expected a Uint8Array');
  if (bytes.length > maxSize) throw overLimit('module size', bytes.length, maxSize, 'MAX_MODULE_SIZE', 0);
  const r = new ByteReader(bytes);
  if (bytes.length < 4) throw malformed('unexpected end of input: a module starts with the 4-byte magic \\0asm', 0);
  const magic = r.u32le('magic');
  if (magic !== MAGIC) throw malformed('magic header not detected: not a WebAssembly binary (expected \\0asm)', 0);
  if (bytes.length < 8) throw malformed('unexpected end of input: missing the 4-byte version', 4);
  const version = r.u32le('version');
  if (version !== VERSION) {
    if (version === 0x0001000d) throw unsupported('component-model', 'a component binary (version 0x1000d)', 4);
    throw malformed(`unknown binary version ${version} (expected 1)`, 4);
  }

  const m = emptyModule();
  const pos: ModulePositions = {
    sections: new Array<number>(13).fill(-1),
    types: [], imports: [], functions: [], tables: [], memories: [], globals: [], exports: [],
    start: -1, elements: [], dataCount: -1, datas: [],
  };
  let lastOrder = 0;
  let lastId = 0;
  let funcCount: number | undefined;

  while (!r.atEnd()) {
    const sectionAt = r.offset;
    const id = r.u8('section id');
    const size = r.u32('section size');
    const bodyAt = r.pos;
    if (size > r.remaining) {
      throw malformed(`${sectionName(id)} section size ${size} runs past the end of the module (${r.remaining} bytes left)`, sectionAt);
    }
    const s = new ByteReader(bytes, 0, bodyAt, bodyAt + size);
    r.pos = bodyAt + size;

    if (id === SectionId.custom) {
      const name = s.name('custom section name', L.MAX_STRING_SIZE);
      m.customs.push({ name, data: bytes.slice(s.pos, s.end), after: lastId });
      continue;
    }
    const order = SECTION_ORDER[id];
    if (order === undefined) {
      if (id === 13) throw unsupported('exception-handling', 'tag section (id 13)', sectionAt);
      throw malformed(`unknown section id ${id}`, sectionAt);
    }
    if (order <= lastOrder) {
      throw malformed(
        order === lastOrder
          ? `duplicate ${sectionName(id)} section`
          : `${sectionName(id)} section is out of order (it must come before the ${sectionName(lastId)} section)`,
        sectionAt,
      );
    }
    lastOrder = order;
    lastId = id;
    pos.sections[id] = sectionAt;

    switch (id) {
      case SectionId.type: readTypes(s, m, pos.types); break;
      case SectionId.import: readImports(s, m, pos.imports); break;
      case SectionId.function: {
        const n = s.count('function', L.MAX_FUNCTIONS, 'MAX_FUNCTIONS');
        for (let i = 0; i < n; i++) {
          pos.functions.push(s.offset);
          m.functions.push(s.u32('type index'));
        }
        funcCount = n;
        break;
      }
      case SectionId.table: {
        const n = s.count('table', L.MAX_DECLARED_TABLES, 'MAX_DECLARED_TABLES', 3);
        for (let i = 0; i < n; i++) {
          pos.tables.push(s.offset);
          m.tables.push(readTableType(s));
        }
        break;
      }
      case SectionId.memory: {
        const n = s.count('memory', L.MAX_DECLARED_MEMORIES, 'MAX_DECLARED_MEMORIES', 2);
        for (let i = 0; i < n; i++) {
          pos.memories.push(s.offset);
          m.memories.push(readMemoryType(s));
        }
        break;
      }
      case SectionId.global: {
        const n = s.count('global', L.MAX_GLOBALS, 'MAX_GLOBALS', 3);
        for (let i = 0; i < n; i++) {
          pos.globals.push(s.offset);
          const type = readGlobalType(s);
          const init = readConstExpr(s);
          m.globals.push({ type, init });
        }
        break;
      }
      case SectionId.export: readExports(s, m, pos.exports); break;
      case SectionId.start: pos.start = s.offset; m.start = s.u32('start function index'); break;
      case SectionId.element: readElements(s, m, pos.elements); break;
      case SectionId.dataCount: pos.dataCount = s.offset; m.dataCount = s.u32('data count'); break;
      case SectionId.code: readCode(s, m, funcCount ?? 0); break;
      case SectionId.data: readData(s, m, pos.datas); break;
    }
    if (!s.atEnd()) {
      throw malformed(`${sectionName(id)} section has ${s.remaining} unused bytes at its end (section size mismatch)`, s.offset);
    }
  }

  if (m.functions.length !== m.codes.length) {
    throw malformed(
      `function and code section have inconsistent lengths: ${m.functions.length} functions declared, ${m.codes.length} bodies`,
      bytes.length,
    );
  }
  if (m.dataCount !== undefined && m.dataCount !== m.datas.length) {
    throw malformed(`data count section says ${m.dataCount} segments but the data section has ${m.datas.length}`, bytes.length);
  }
  positions.set(m, pos);
  return m;
}

function readValType(s: ByteReader, what: string): ValType {
  const at = s.offset;
  const b = s.u8(what);
  switch (b) {
    case 0x7f: case 0x7e: case 0x7d: case 0x7c:
      return b as ValType;
    case 0x7b:
      throw unsupported('simd', `${what} v128`, at);
    case 0x70: case 0x6f:
      throw unsupported('reference-types', `${what} ${b === 0x70 ? 'funcref' : 'externref'}`, at);
    default:
      if (b >= 0x63 && b <= 0x6e) throw unsupported('gc', `${what} 0x${b.toString(16)}`, at);
      throw malformed(`invalid value type 0x${b.toString(16)} for ${what}`, at);
  }
}

function readTypes(s: ByteReader, m: Module, pos: number[]): void {
  const n = s.count('type', L.MAX_TYPES, 'MAX_TYPES', 3);
  for (let i = 0; i < n; i++) {
    const at = s.offset;
    pos.push(at);
    const form = s.u8('type form');
    if (form !== 0x60) {
      if (form === 0x4e || form === 0x4f || form === 0x50 || form === 0x5e || form === 0x5f) {
        throw unsupported('gc', `type form 0x${form.toString(16)}`, at);
      }
      throw malformed(`invalid function type form 0x${form.toString(16)} (expected 0x60)`, at);
    }
    const np = s.count('param', L.MAX_FUNCTION_PARAMS, 'MAX_FUNCTION_PARAMS');
    const params: ValType[] = [];
    for (let j = 0; j < np; j++) params.push(readValType(s, 'parameter type'));
    const nr = s.count('result', L.MAX_FUNCTION_RESULTS, 'MAX_FUNCTION_RESULTS');
    const results: ValType[] = [];
    for (let j = 0; j < nr; j++) results.push(readValType(s, 'result type'));
    const t: FuncType = { params, results };
    m.types.push(t);
  }
}

/**
 * Limits. `max` bounds the minimum, and the maximum too when `boundMax`: a memory's maximum is at most
 * 65536 pages by the spec, while a table's maximum may be any u32 (V8 accepts it; only the minimum is
 * allocated, so only the minimum is bounded).
 */
function readLimits(s: ByteReader, what: string, max: number, maxName: string, allowShared: boolean, boundMax: boolean): Limits {
  const at = s.offset;
  const flags = s.u8(`${what} limits flags`);
  if (flags & 0x04) throw unsupported('memory64', `${what} with 64-bit limits`, at);
  if (flags & 0x02) {
    if (allowShared) throw unsupported('threads', `shared ${what}`, at);
    throw malformed(`invalid ${what} limits flags 0x${flags.toString(16)}`, at);
  }
  if (flags & 0x08) throw unsupported('custom-page-sizes', `${what} with a custom page size`, at);
  if (flags > 1) throw malformed(`invalid ${what} limits flags 0x${flags.toString(16)}`, at);
  const minAt = s.offset;
  const min = s.u32(`${what} minimum`);
  if (min > max) throw overLimit(`${what} minimum`, min, max, maxName, minAt);
  if (flags & 1) {
    const maxAt = s.offset;
    const mx = s.u32(`${what} maximum`);
    if (boundMax && mx > max) throw overLimit(`${what} maximum`, mx, max, maxName, maxAt);
    return { min, max: mx };
  }
  return { min };
}

function readTableType(s: ByteReader): TableType {
  const at = s.offset;
  const t = s.u8('table element type');
  if (t === 0x6f) throw unsupported('reference-types', 'externref table', at);
  if (t !== 0x70) throw malformed(`invalid table element type 0x${t.toString(16)} (expected funcref 0x70)`, at);
  return { elemType: 0x70, limits: readLimits(s, 'table', L.MAX_TABLE_SIZE, 'MAX_TABLE_SIZE', false, false) };
}

function readMemoryType(s: ByteReader): Limits {
  return readLimits(s, 'memory', L.MAX_MEMORY_PAGES, 'MAX_MEMORY_PAGES (65536 pages of 64 KiB)', true, true);
}

function readGlobalType(s: ByteReader): GlobalType {
  const valType = readValType(s, 'global type');
  const at = s.offset;
  const mut = s.u8('global mutability');
  if (mut > 1) throw malformed(`invalid global mutability 0x${mut.toString(16)} (expected 0 or 1)`, at);
  return { valType, mutable: mut === 1 };
}

/** A constant expression: one constant instruction followed by `end`. */
function readConstExpr(s: ByteReader): ConstExpr {
  const out: ConstInstr[] = [];
  for (;;) {
    const at = s.offset;
    const op = s.u8('constant expression opcode');
    switch (op) {
      case 0x0b:
        return out;
      case 0x41: out.push({ op: 'i32.const', value: s.s32('i32 constant') }); break;
      case 0x42: out.push({ op: 'i64.const', value: s.s64('i64 constant') }); break;
      case 0x43: out.push({ op: 'f32.const', bits: s.u32le('f32 constant') }); break;
      case 0x44: out.push({ op: 'f64.const', bits: s.u64le('f64 constant') }); break;
      case 0x23: out.push({ op: 'global.get', index: s.u32('global index') }); break;
      case 0xd0: {
        const tAt = s.offset;
        const t = s.u8('reference type');
        if (t === 0x6f) throw unsupported('reference-types', 'ref.null extern', tAt);
        if (t !== 0x70) throw malformed(`invalid reference type 0x${t.toString(16)} in ref.null`, tAt);
        out.push({ op: 'ref.null', type: 0x70 });
        break;
      }
      case 0xd2: out.push({ op: 'ref.func', index: s.u32('function index') }); break;
      case 0x6a: case 0x6b: case 0x6c: case 0x7c: case 0x7d: case 0x7e:
        throw unsupported('extended-const', `arithmetic instruction 0x${op.toString(16)} in a constant expression`, at);
      default:
        throw new WasmError('invalid', `instruction 0x${op.toString(16)} is not allowed in a constant expression`, at);
    }
    if (out.length > 1) {
      // Without extended-const the only valid constant expression has one instruction; a second
      // one is a type error (spec: the expression must leave exactly one value). Report it as such.
      throw new WasmError('invalid', 'type mismatch: a constant expression must produce exactly one value', at);
    }
  }
}

function readImports(s: ByteReader, m: Module, pos: number[]): void {
  const n = s.count('import', L.MAX_IMPORTS, 'MAX_IMPORTS', 4);
  for (let i = 0; i < n; i++) {
    pos.push(s.offset);
    const module = s.name('import module name', L.MAX_STRING_SIZE);
    const name = s.name('import field name', L.MAX_STRING_SIZE);
    const at = s.offset;
    const kind = s.u8('import kind');
    let imp: Import;
    switch (kind) {
      case 0: imp = { module, name, desc: { kind: 'func', type: s.u32('type index') } }; break;
      case 1: imp = { module, name, desc: { kind: 'table', table: readTableType(s) } }; break;
      case 2: imp = { module, name, desc: { kind: 'memory', memory: readMemoryType(s) } }; break;
      case 3: imp = { module, name, desc: { kind: 'global', global: readGlobalType(s) } }; break;
      case 4: throw unsupported('exception-handling', 'tag import', at);
      default: throw malformed(`invalid import kind ${kind}`, at);
    }
    m.imports.push(imp);
  }
}

const EXPORT_KINDS: ExternKind[] = ['func', 'table', 'memory', 'global'];

function readExports(s: ByteReader, m: Module, pos: number[]): void {
  const n = s.count('export', L.MAX_EXPORTS, 'MAX_EXPORTS', 3);
  for (let i = 0; i < n; i++) {
    pos.push(s.offset);
    const name = s.name('export name', L.MAX_STRING_SIZE);
    const at = s.offset;
    const k = s.u8('export kind');
    if (k === 4) throw unsupported('exception-handling', 'tag export', at);
    const kind = EXPORT_KINDS[k];
    if (kind === undefined) throw malformed(`invalid export kind ${k}`, at);
    const e: Export = { name, kind, index: s.u32('export index') };
    m.exports.push(e);
  }
}

function readElements(s: ByteReader, m: Module, pos: number[]): void {
  const n = s.count('element segment', L.MAX_ELEMENT_SEGMENTS, 'MAX_ELEMENT_SEGMENTS');
  for (let i = 0; i < n; i++) {
    const at = s.offset;
    pos.push(at);
    const flags = s.u32('element segment flags');
    if (flags > 7) throw malformed(`invalid element segment flags ${flags} (expected 0 to 7)`, at);
    const passiveOrDecl = (flags & 1) !== 0;
    const explicit = (flags & 2) !== 0;
    const exprs = (flags & 4) !== 0;
    const seg: ElemSegment = {
      mode: passiveOrDecl ? (explicit ? 'declarative' : 'passive') : 'active',
      table: 0,
      elemType: 0x70,
      init: { kind: 'funcs', funcs: [] },
      explicitTable: !passiveOrDecl && explicit,
    };
    if (!passiveOrDecl) {
      if (explicit) seg.table = s.u32('table index');
      seg.offset = readConstExpr(s);
    }
    if (passiveOrDecl || explicit) {
      const kAt = s.offset;
      const k = s.u8(exprs ? 'element reference type' : 'element kind');
      if (exprs) {
        if (k === 0x6f) throw unsupported('reference-types', 'externref element segment', kAt);
        if (k !== 0x70) throw malformed(`invalid element reference type 0x${k.toString(16)}`, kAt);
      } else if (k !== 0x00) {
        throw malformed(`invalid element kind 0x${k.toString(16)} (expected 0x00, funcref)`, kAt);
      }
    }
    const count = s.count('element', L.MAX_TABLE_INIT_ENTRIES, 'MAX_TABLE_INIT_ENTRIES');
    if (exprs) {
      const list: ConstExpr[] = [];
      for (let j = 0; j < count; j++) list.push(readConstExpr(s));
      seg.init = { kind: 'exprs', exprs: list };
    } else {
      const list: number[] = [];
      for (let j = 0; j < count; j++) list.push(s.u32('function index'));
      seg.init = { kind: 'funcs', funcs: list };
    }
    m.elements.push(seg);
  }
}

function readCode(s: ByteReader, m: Module, declared: number): void {
  const at = s.offset;
  const n = s.count('function body', L.MAX_FUNCTIONS, 'MAX_FUNCTIONS');
  if (n !== declared) {
    throw malformed(`function and code section have inconsistent lengths: ${declared} functions declared, ${n} bodies`, at);
  }
  for (let i = 0; i < n; i++) {
    const bodyAt = s.offset;
    const size = s.u32('function body size');
    if (size > L.MAX_FUNCTION_SIZE) throw overLimit(`function ${i} body size`, size, L.MAX_FUNCTION_SIZE, 'MAX_FUNCTION_SIZE', bodyAt);
    if (size > s.remaining) throw malformed(`function ${i} body size ${size} runs past the end of the code section`, bodyAt);
    const end = s.pos + size;
    const b = new ByteReader(s.bytes, 0, s.pos, end);
    const groups = b.count('local group', L.MAX_FUNCTION_LOCALS, 'MAX_FUNCTION_LOCALS', 2);
    const locals: LocalGroup[] = [];
    let total = 0;
    for (let j = 0; j < groups; j++) {
      const cAt = b.offset;
      const count = b.u32('local count');
      total += count;
      if (total > L.MAX_FUNCTION_LOCALS) throw overLimit(`function ${i} local count`, total, L.MAX_FUNCTION_LOCALS, 'MAX_FUNCTION_LOCALS', cAt);
      locals.push({ count, type: readValType(b, 'local type') });
    }
    if (b.atEnd()) throw malformed(`function ${i} body has no instructions (it must end with 'end')`, b.offset);
    const codeOffset = b.pos;
    m.codes.push({ locals, code: s.bytes.slice(codeOffset, end), codeOffset });
    s.pos = end;
  }
}

function readData(s: ByteReader, m: Module, pos: number[]): void {
  const n = s.count('data segment', L.MAX_DATA_SEGMENTS, 'MAX_DATA_SEGMENTS');
  for (let i = 0; i < n; i++) {
    const at = s.offset;
    pos.push(at);
    const flags = s.u32('data segment flags');
    let seg: DataSegment;
    if (flags === 0) {
      seg = { mode: 'active', memory: 0, offset: readConstExpr(s), data: new Uint8Array(0), explicitMemory: false };
    } else if (flags === 1) {
      seg = { mode: 'passive', memory: 0, data: new Uint8Array(0), explicitMemory: false };
    } else if (flags === 2) {
      const memory = s.u32('memory index');
      seg = { mode: 'active', memory, offset: readConstExpr(s), data: new Uint8Array(0), explicitMemory: true };
    } else {
      throw malformed(`invalid data segment flags ${flags} (expected 0, 1 or 2)`, at);
    }
    const lenAt = s.offset;
    const len = s.u32('data segment length');
    if (len > s.remaining) throw malformed(`data segment ${i} length ${len} runs past the end of the data section`, lenAt);
    seg.data = s.bytes.slice(s.pos, s.pos + len);
    s.pos += len;
    m.datas.push(seg);
  }
}
