/**
 * The in-memory shape of a WebAssembly module, as `decode` produces it and `encode` consumes it.
 *
 * Sections map one to one onto fields (WebAssembly core spec 2.0, §5.5 "Modules"). Function bodies are
 * kept as their raw instruction bytes (`FuncBody.code`): the validator, the instrumentation passes and
 * the interpreter's compiler walk them with `InstrReader` (instr.ts), so decoding a module never builds
 * one object per instruction. Everything that the binary form can say in more than one way and that a
 * re-encoding must keep (element segment forms, explicit memory/table indices, custom section
 * placement) is recorded, so that `decode(encode(m))` equals `m`.
 */

/** Value types. Numbers are the binary encodings (spec §5.3.1). */
export const ValType = {
  i32: 0x7f,
  i64: 0x7e,
  f32: 0x7d,
  f64: 0x7c,
  funcref: 0x70,
  externref: 0x6f,
} as const;
export type ValType = (typeof ValType)[keyof typeof ValType];

export function valTypeName(t: number): string {
  switch (t) {
    case 0x7f: return 'i32';
    case 0x7e: return 'i64';
    case 0x7d: return 'f32';
    case 0x7c: return 'f64';
    case 0x7b: return 'v128';
    case 0x70: return 'funcref';
    case 0x6f: return 'externref';
    default: return `0x${t.toString(16)}`;
  }
}

export interface FuncType {
  params: ValType[];
  results: ValType[];
}

export interface Limits {
  min: number;
  /** Absent when the binary declares no maximum. */
  max?: number;
}

export interface TableType {
  elemType: ValType;
  limits: Limits;
}

export interface GlobalType {
  valType: ValType;
  mutable: boolean;
}

/**
 * One instruction of a constant expression. Without the extended-const proposal a constant
 * expression is exactly one of these followed by `end`.
 */
export type ConstInstr =
  | { op: 'i32.const'; value: number }
  | { op: 'i64.const'; value: bigint }
  /** f32 kept as its raw bit pattern (u32) so that NaN payloads survive. */
  | { op: 'f32.const'; bits: number }
  /** f64 kept as its raw bit pattern (u64). */
  | { op: 'f64.const'; bits: bigint }
  | { op: 'global.get'; index: number }
  | { op: 'ref.null'; type: ValType }
  | { op: 'ref.func'; index: number };

export type ConstExpr = ConstInstr[];

export type ImportDesc =
  | { kind: 'func'; type: number }
  | { kind: 'table'; table: TableType }
  | { kind: 'memory'; memory: Limits }
  | { kind: 'global'; global: GlobalType };

export interface Import {
  module: string;
  name: string;
  desc: ImportDesc;
}

export type ExternKind = 'func' | 'table' | 'memory' | 'global';

export interface Export {
  name: string;
  kind: ExternKind;
  index: number;
}

export interface Global {
  type: GlobalType;
  init: ConstExpr;
}

export type ElemInit = { kind: 'funcs'; funcs: number[] } | { kind: 'exprs'; exprs: ConstExpr[] };

export interface ElemSegment {
  mode: 'active' | 'passive' | 'declarative';
  /** Table index (active segments only; 0 otherwise). */
  table: number;
  /** Offset expression (active segments only). */
  offset?: ConstExpr;
  /** The element type: always funcref in the feature set we accept. */
  elemType: ValType;
  init: ElemInit;
  /**
   * Active segments only: true when the binary used a form that names the table index explicitly
   * (flags 2 or 6) rather than the implicit table 0 forms (flags 0 or 4).
   */
  explicitTable: boolean;
}

export interface DataSegment {
  mode: 'active' | 'passive';
  memory: number;
  offset?: ConstExpr;
  data: Uint8Array;
  /** Active segments only: true for the flag-2 form that names the memory index explicitly. */
  explicitMemory: boolean;
}

export interface LocalGroup {
  count: number;
  type: ValType;
}

export interface FuncBody {
  locals: LocalGroup[];
  /** Instruction bytes of the body, ending with the function's final `end` (0x0b). */
  code: Uint8Array;
  /**
   * Absolute byte offset of `code[0]` in the binary this body was decoded from, so that errors found
   * later (validation, instrumentation) can name a position in the original file. -1 for bodies
   * created by a transformation.
   */
  codeOffset: number;
}

/** Known section ids (spec §5.5.2). */
export const SectionId = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  dataCount: 12,
} as const;

export interface CustomSection {
  name: string;
  data: Uint8Array;
  /**
   * Where the section stood: the id of the last non-custom section before it, or 0 when it came
   * before every other section. The encoder writes it back at the same place.
   */
  after: number;
}

export interface Module {
  types: FuncType[];
  imports: Import[];
  /** Type index of each function defined in the module (the function section). */
  functions: number[];
  tables: TableType[];
  memories: Limits[];
  globals: Global[];
  exports: Export[];
  start?: number;
  elements: ElemSegment[];
  /** The data count section's value, when the module has that section. */
  dataCount?: number;
  codes: FuncBody[];
  datas: DataSegment[];
  customs: CustomSection[];
}

export function emptyModule(): Module {
  return {
    types: [],
    imports: [],
    functions: [],
    tables: [],
    memories: [],
    globals: [],
    exports: [],
    elements: [],
    codes: [],
    datas: [],
    customs: [],
  };
}

/** Counts of imported entities, which come first in each index space. */
export interface ImportCounts {
  funcs: number;
  tables: number;
  memories: number;
  globals: number;
}

export function importCounts(m: Module): ImportCounts {
  const c = { funcs: 0, tables: 0, memories: 0, globals: 0 };
  for (const imp of m.imports) {
    switch (imp.desc.kind) {
      case 'func': c.funcs++; break;
      case 'table': c.tables++; break;
      case 'memory': c.memories++; break;
      case 'global': c.globals++; break;
    }
  }
  return c;
}

/** The type index of function `index` in the function index space (imports first). */
export function funcTypeIndex(m: Module, index: number): number | undefined {
  let n = 0;
  for (const imp of m.imports) {
    if (imp.desc.kind === 'func') {
      if (n === index) return imp.desc.type;
      n++;
    }
  }
  return m.functions[index - n];
}

/** The function types of the whole function index space, imports first. */
export function funcTypeIndices(m: Module): number[] {
  const out: number[] = [];
  for (const imp of m.imports) if (imp.desc.kind === 'func') out.push(imp.desc.type);
  for (const t of m.functions) out.push(t);
  return out;
}

/** The global types of the whole global index space, imports first. */
export function globalTypes(m: Module): GlobalType[] {
  const out: GlobalType[] = [];
  for (const imp of m.imports) if (imp.desc.kind === 'global') out.push(imp.desc.global);
  for (const g of m.globals) out.push(g.type);
  return out;
}

/** Result of an operation whose failure is the input's fault: a value, never a throw. */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };
