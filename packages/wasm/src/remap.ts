/**
 * Rewriting function indices everywhere a module refers to one, and inserting a function import (which
 * shifts every defined function's index by one). See spec/interpreter-notes.md §4.1 "Backends" and
 * §4.6: a function index occurs in `call` instructions, exports, the start section, element segments
 * (function lists and `ref.func` in element expressions, in active, passive and declarative
 * segments), `ref.func` in global initializers, and the `name` section's function and local names.
 * (`ref.func` inside code belongs to the reference-types proposal, which cloak does not accept; the
 * instruction reader rejects it.)
 *
 * Bodies are rewritten on their raw bytes: each one is walked with `InstrReader` and only the
 * immediates of `call` are re-encoded (their LEB128 length may change); every other byte is copied
 * unchanged, and a body with nothing to change is shared, not copied. A `name` section that does not
 * parse is dropped (its indices could not be fixed, and stale names would point at the wrong
 * functions); a malformed name section never makes remapping fail.
 *
 * The input module must have been decoded (and should have been validated): an undecodable
 * instruction is thrown as a `WasmError`.
 */
import { ByteWriter } from './bytes.js';
import { Op } from './opcodes.js';
import { InstrReader } from './instr.js';
import { mapNameSections, remapNames } from './names.js';
import { importCounts, type ConstExpr, type ElemSegment, type FuncBody, type Module } from './types.js';

/**
 * A new module in which every reference to function index `i` is replaced by `map(i)`. The input is
 * not modified; unchanged parts (bodies without calls to remapped functions, data, custom sections
 * other than `name`) are shared with it.
 */
export function remapFunctions(m: Module, map: (oldIndex: number) => number): Module {
  const mapExpr = (e: ConstExpr): ConstExpr =>
    e.some((i) => i.op === 'ref.func') ? e.map((i) => (i.op === 'ref.func' ? { op: 'ref.func', index: map(i.index) } : i)) : e;
  const w = new ByteWriter(1024);
  const out: Module = {
    ...m,
    globals: m.globals.map((g) => ({ type: g.type, init: mapExpr(g.init) })),
    exports: m.exports.map((e) => (e.kind === 'func' ? { ...e, index: map(e.index) } : e)),
    elements: m.elements.map((seg): ElemSegment => ({
      ...seg,
      init: seg.init.kind === 'funcs'
        ? { kind: 'funcs', funcs: seg.init.funcs.map(map) }
        : { kind: 'exprs', exprs: seg.init.exprs.map(mapExpr) },
    })),
    codes: m.codes.map((body) => remapCalls(body, map, w)),
    customs: mapNameSections(m.customs, (n) => remapNames(n, map), 'drop'),
  };
  if (m.start !== undefined) out.start = map(m.start);
  return out;
}

/** `body` with each `call f` rewritten to `call map(f)`; the same object when nothing changes. */
function remapCalls(body: FuncBody, map: (oldIndex: number) => number, w: ByteWriter): FuncBody {
  const code = body.code;
  const rd = new InstrReader(code, body.codeOffset);
  let copied = 0;
  w.len = 0;
  while (!rd.atEnd()) {
    if (rd.next() !== Op.call) continue;
    const to = map(rd.a);
    if (to === rd.a) continue;
    w.bytes(code.subarray(copied, rd.start)).u8(Op.call).u32(to);
    copied = rd.pos;
  }
  if (copied === 0) return body;
  w.bytes(code.subarray(copied));
  return { locals: body.locals, code: w.finish().slice(), codeOffset: -1 };
}

/**
 * Adds an imported function `module.name` of type `typeIndex` after the existing function imports.
 * Its index is the number of function imports the module had; every defined function moves up by
 * one and every reference to one is rewritten (`remapFunctions`). Throws RangeError for a type index
 * the module does not have (a programmer's error).
 */
export function addFunctionImport(
  m: Module,
  module: string,
  name: string,
  typeIndex: number,
): { module: Module; index: number } {
  if (!Number.isInteger(typeIndex) || typeIndex < 0 || typeIndex >= m.types.length) {
    throw new RangeError(`addFunctionImport: type index ${typeIndex} out of range (the module has ${m.types.length} types)`);
  }
  const index = importCounts(m).funcs;
  const shifted = remapFunctions(m, (i) => (i >= index ? i + 1 : i));
  // The import's place in the function index space only depends on its rank among function imports,
  // so it goes right after the last function import (keeping other imports where they were).
  let at = 0;
  for (let i = 0; i < m.imports.length; i++) if (m.imports[i].desc.kind === 'func') at = i + 1;
  const imports = m.imports.slice();
  imports.splice(at, 0, { module, name, desc: { kind: 'func', type: typeIndex } });
  return { module: { ...shifted, imports }, index };
}
