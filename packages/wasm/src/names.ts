/**
 * The `name` custom section (core spec 2.0, Appendix 7.4 "Custom Sections / Name Section"): the
 * module name (subsection 0), function names (1) and local names (2), parsed into a value that the
 * transformation passes can rewrite (remap.ts renumbers functions) and serialized back. Subsections
 * we do not interpret (labels, types, tables, globals, … from the extended-name-section proposal,
 * or ids nobody defined) are kept as raw bytes, in their original order, so that a parse/serialize
 * round trip writes the same subsections.
 *
 * Custom sections are not validated by the spec, so a malformed name section must never make a
 * module fail: `parseNames` returns `undefined` for anything it cannot read, and callers decide
 * what to do with the section (remap.ts drops a name section it cannot rewrite, rather than leave
 * names pointing at the wrong functions).
 */
import { ByteReader, ByteWriter } from './bytes.js';
import { MAX_FUNCTION_LOCALS, MAX_FUNCTIONS, MAX_STRING_SIZE } from './limits.js';
import type { CustomSection, Module } from './types.js';

/** Name of the custom section (spec Appendix 7.4.1). */
export const NAME_SECTION = 'name';

/** One `idx ↦ name` pair of a name map. */
export interface NameAssoc {
  index: number;
  name: string;
}

/** The names of one function's locals (an entry of an indirect name map). */
export interface LocalNames {
  /** Function index. */
  index: number;
  /** Local index ↦ name. */
  names: NameAssoc[];
}

export type NameSubsection =
  | { id: 0; moduleName: string }
  | { id: 1; functionNames: NameAssoc[] }
  | { id: 2; localNames: LocalNames[] }
  /** A subsection we do not interpret: its id and its content bytes (without id and size). */
  | { id: number; raw: Uint8Array };

export interface NameSection {
  /** Subsections in the order they appeared. */
  subsections: NameSubsection[];
}

const SUB_MODULE = 0;
const SUB_FUNCTIONS = 1;
const SUB_LOCALS = 2;

/**
 * Parses the content of a `name` custom section (the bytes after the section's own name). Returns
 * undefined when the content is malformed in any way (truncated, bad UTF-8, a subsection whose
 * content does not fill its declared size, a known subsection repeated), never throws.
 */
export function parseNames(data: Uint8Array): NameSection | undefined {
  try {
    return readNames(data);
  } catch {
    return undefined;
  }
}

function readNames(data: Uint8Array): NameSection {
  const r = new ByteReader(data);
  const subsections: NameSubsection[] = [];
  const seen = new Set<number>();
  while (!r.atEnd()) {
    const id = r.u8('name subsection id');
    const size = r.u32('name subsection size');
    if (size > r.remaining) throw new Error('name subsection runs past the end of the section');
    const end = r.pos + size;
    const s = new ByteReader(data, 0, r.pos, end);
    if (id <= SUB_LOCALS && seen.has(id)) throw new Error(`name subsection ${id} appears twice`);
    seen.add(id);
    switch (id) {
      case SUB_MODULE:
        subsections.push({ id: 0, moduleName: s.name('module name', MAX_STRING_SIZE) });
        break;
      case SUB_FUNCTIONS:
        subsections.push({ id: 1, functionNames: readNameMap(s, MAX_FUNCTIONS) });
        break;
      case SUB_LOCALS: {
        const n = s.count('local name map', MAX_FUNCTIONS, 'MAX_FUNCTIONS', 2);
        const localNames: LocalNames[] = [];
        for (let i = 0; i < n; i++) {
          const index = s.u32('function index');
          localNames.push({ index, names: readNameMap(s, MAX_FUNCTION_LOCALS) });
        }
        subsections.push({ id: 2, localNames });
        break;
      }
      default:
        subsections.push({ id, raw: data.slice(s.pos, end) });
        s.pos = end;
        break;
    }
    if (!s.atEnd()) throw new Error(`name subsection ${id} has bytes left over`);
    r.pos = end;
  }
  return { subsections };
}

function readNameMap(s: ByteReader, limit: number): NameAssoc[] {
  const n = s.count('name map', limit, 'limit', 2);
  const out: NameAssoc[] = [];
  for (let i = 0; i < n; i++) {
    const index = s.u32('index');
    out.push({ index, name: s.name('name', MAX_STRING_SIZE) });
  }
  return out;
}

/** Serializes a name section's content (what goes after the custom section's name). */
export function encodeNames(n: NameSection): Uint8Array {
  const w = new ByteWriter(256);
  const sub = new ByteWriter(256);
  for (const s of n.subsections) {
    sub.len = 0;
    if ('moduleName' in s) {
      sub.name(s.moduleName);
    } else if ('functionNames' in s) {
      writeNameMap(sub, s.functionNames);
    } else if ('localNames' in s) {
      sub.u32(s.localNames.length);
      for (const f of s.localNames) {
        sub.u32(f.index);
        writeNameMap(sub, f.names);
      }
    } else {
      sub.bytes(s.raw);
    }
    w.u8(s.id).sized(sub);
  }
  return w.finish().slice();
}

function writeNameMap(w: ByteWriter, names: NameAssoc[]): void {
  w.u32(names.length);
  for (const a of names) w.u32(a.index).name(a.name);
}

/** The module's first `name` custom section, parsed; undefined when absent or malformed. */
export function getNames(m: Module): NameSection | undefined {
  const c = m.customs.find((c) => c.name === NAME_SECTION);
  return c === undefined ? undefined : parseNames(c.data);
}

/** The module name (subsection 0), if any. */
export function moduleName(n: NameSection): string | undefined {
  for (const s of n.subsections) if ('moduleName' in s) return s.moduleName;
  return undefined;
}

/** Function index ↦ name (subsection 1). */
export function functionNames(n: NameSection): Map<number, string> {
  const out = new Map<number, string>();
  for (const s of n.subsections) if ('functionNames' in s) for (const a of s.functionNames) out.set(a.index, a.name);
  return out;
}

/** Function index ↦ (local index ↦ name) (subsection 2). */
export function localNames(n: NameSection): Map<number, Map<number, string>> {
  const out = new Map<number, Map<number, string>>();
  for (const s of n.subsections) {
    if (!('localNames' in s)) continue;
    for (const f of s.localNames) out.set(f.index, new Map(f.names.map((a) => [a.index, a.name] as const)));
  }
  return out;
}

/**
 * Renumbers the function indices of a name section (function names and the function index of local
 * names) with `map`, keeping each map sorted by index as the spec requires. Pure: returns a new value.
 */
export function remapNames(n: NameSection, map: (oldIndex: number) => number): NameSection {
  const byIndex = (a: { index: number }, b: { index: number }) => a.index - b.index;
  return {
    subsections: n.subsections.map((s): NameSubsection => {
      if ('functionNames' in s) {
        return { id: 1, functionNames: s.functionNames.map((a) => ({ index: map(a.index), name: a.name })).sort(byIndex) };
      }
      if ('localNames' in s) {
        return { id: 2, localNames: s.localNames.map((f) => ({ index: map(f.index), names: f.names })).sort(byIndex) };
      }
      return s;
    }),
  };
}

/**
 * A copy of `customs` in which every `name` section is replaced by `f` of its parsed content. A name
 * section that does not parse is dropped (`malformed: 'drop'`, for rewrites that would leave it
 * wrong) or kept byte for byte (`'keep'`, for rewrites under which it stays true).
 */
export function mapNameSections(
  customs: CustomSection[],
  f: (n: NameSection) => NameSection,
  malformed: 'drop' | 'keep',
): CustomSection[] {
  const out: CustomSection[] = [];
  for (const c of customs) {
    if (c.name !== NAME_SECTION) {
      out.push(c);
      continue;
    }
    const parsed = parseNames(c.data);
    if (parsed !== undefined) out.push({ name: c.name, data: encodeNames(f(parsed)), after: c.after });
    else if (malformed === 'keep') out.push(c);
  }
  return out;
}
