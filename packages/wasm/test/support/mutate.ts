/**
 * Mutants of a valid module for the differential tests: bit flips, byte overwrites, truncation,
 * insertion and deletion, huge or off-by-one vector counts, padded (over-long) LEB128s, section
 * swaps/duplicates/deletions, broken section sizes, and instruction-level edits inside one function
 * body with the body and section sizes fixed up, so that the mutant reaches the validator rather
 * than failing at the first size check. Every mutant is named by a short description that, with the
 * module seed and the mutant index, reproduces it (`mutants(bytes, seed, n)` is deterministic).
 *
 * The section parser here is deliberately independent of decode.ts (it is test oracle plumbing).
 */
import { Rng } from './gen.js';

interface Sec {
  id: number;
  /** Offset of the id byte. */
  start: number;
  /** Offset of the first content byte. */
  body: number;
  end: number;
}

function readLeb(b: Uint8Array, p: number, limit = b.length): { value: number; next: number } | null {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < 5; i++) {
    if (p >= limit) return null;
    const x = b[p++];
    v += (x & 0x7f) * mul;
    mul *= 128;
    if ((x & 0x80) === 0) return { value: v, next: p };
  }
  return null;
}

function leb(v: number, minLen = 1): number[] {
  const out: number[] = [];
  v = Math.max(0, Math.floor(v));
  do {
    let x = v % 128;
    v = Math.floor(v / 128);
    if (v !== 0 || out.length + 1 < minLen) x |= 0x80;
    out.push(x);
  } while (v !== 0 || out.length < minLen);
  return out;
}

/** The sections of a well-formed module (null when the layout does not parse). */
export function splitSections(b: Uint8Array): Sec[] | null {
  if (b.length < 8) return null;
  const out: Sec[] = [];
  let p = 8;
  while (p < b.length) {
    const start = p;
    const id = b[p++];
    const s = readLeb(b, p);
    if (!s) return null;
    const end = s.next + s.value;
    if (end > b.length) return null;
    out.push({ id, start, body: s.next, end });
    p = end;
  }
  return out;
}

function concat(parts: ArrayLike<number>[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function section(id: number, content: Uint8Array): Uint8Array {
  return concat([[id], leb(content.length), content]);
}

/** Rebuilds a module from the header and the given section list (id + content). */
function rebuild(b: Uint8Array, secs: { id: number; content: Uint8Array }[]): Uint8Array {
  return concat([b.subarray(0, 8), ...secs.map((s) => section(s.id, s.content))]);
}

function contents(b: Uint8Array, secs: Sec[]): { id: number; content: Uint8Array }[] {
  return secs.map((s) => ({ id: s.id, content: b.subarray(s.body, s.end) }));
}

const HUGE = [0xffffffff, 0x7fffffff, 0x10000000, 0x0fffffff, 1_000_001, 100_001, 65537, 10_000_001];
/** Bytes that are likely to be meaningful as an opcode, type or flag. */
const INTERESTING = [
  0x00, 0x01, 0x02, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x1a, 0x1b, 0x1c, 0x20, 0x21, 0x22, 0x23, 0x24, 0x28,
  0x36, 0x3f, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x60, 0x6a, 0x6f, 0x70, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f, 0x80, 0xa7, 0xc0,
  0xc4, 0xd0, 0xd2, 0xfc, 0xfd, 0xfe, 0xff,
];
/** Short instruction sequences to insert into a body (some valid, most not). */
const SNIPPETS: number[][] = [
  [0x1a], // drop
  [0x00], // unreachable
  [0x01], // nop
  [0x0f], // return
  [0x41, 0x00], // i32.const 0
  [0x41, 0x00, 0x1a], // i32.const 0; drop (valid anywhere)
  [0x42, 0x7f, 0x1a],
  [0x43, 0, 0, 0xc0, 0x7f, 0x1a],
  [0x6a], // i32.add
  [0x02, 0x40, 0x0b], // block end
  [0x03, 0x7f, 0x41, 0x01, 0x0b, 0x1a], // loop (result i32)
  [0x04, 0x40, 0x0b], // if without condition
  [0x0c, 0x00], // br 0
  [0x0c, 0x7f], // br 127
  [0x0e, 0x00, 0x00], // br_table
  [0x20, 0x00], // local.get 0
  [0x20, 0xff, 0xff, 0x03],
  [0x23, 0x00, 0x1a], // global.get 0; drop
  [0x24, 0x00], // global.set 0
  [0x10, 0x00], // call 0
  [0x41, 0x00, 0x11, 0x00, 0x00], // call_indirect type 0
  [0x41, 0x00, 0x28, 0x02, 0x00, 0x1a], // i32.load
  [0x41, 0x00, 0x28, 0x05, 0x00, 0x1a], // over-aligned load
  [0x3f, 0x00, 0x1a], // memory.size
  [0x3f, 0x01, 0x1a],
  [0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x0b, 0x00], // memory.fill
  [0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x08, 0x00, 0x00], // memory.init 0
  [0xfc, 0x09, 0x00], // data.drop 0
  [0xfc, 0x0d, 0x00], // elem.drop 0
  [0x41, 0x00, 0xc0, 0x1a], // i32.extend8_s
  [0x43, 0, 0, 0, 0, 0xfc, 0x00, 0x1a], // i32.trunc_sat_f32_s
  [0xd0, 0x70, 0x1a], // ref.null func (reference types)
  [0xfd, 0x0c, ...new Array(16).fill(0), 0x1a], // v128.const (SIMD)
  [0x12, 0x00], // return_call (tail call)
  [0x1c, 0x01, 0x7f], // typed select
  [0x41, 0x00, 0x41, 0x00, 0x1b], // select with one operand short
];

export interface Mutant {
  bytes: Uint8Array;
  /** What was done, with positions, e.g. `flip bit 3 at 812`. */
  desc: string;
}

type Mutator = (b: Uint8Array, r: Rng, secs: Sec[]) => Mutant | null;

const flipBits: Mutator = (b, r) => {
  const out = b.slice();
  const n = r.range(1, 3);
  const where: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = r.range(8, b.length - 1);
    const bit = r.int(8);
    out[p] ^= 1 << bit;
    where.push(`${p}.${bit}`);
  }
  return { bytes: out, desc: `flip bits ${where.join(',')}` };
};

const setByte: Mutator = (b, r) => {
  const out = b.slice();
  const p = r.range(0, b.length - 1);
  const v = r.chance(0.6) ? r.pick(INTERESTING) : r.int(256);
  out[p] = v;
  return { bytes: out, desc: `set byte ${p} = 0x${v.toString(16)}` };
};

const truncate: Mutator = (b, r) => {
  const p = r.chance(0.1) ? r.range(0, 8) : r.range(0, b.length - 1);
  return { bytes: b.slice(0, p), desc: `truncate at ${p}` };
};

const insertBytes: Mutator = (b, r) => {
  const p = r.range(8, b.length);
  const n = r.range(1, 8);
  const ins = r.chance(0.5) ? r.bytes(n) : Uint8Array.from({ length: n }, () => r.pick(INTERESTING));
  return { bytes: concat([b.subarray(0, p), ins, b.subarray(p)]), desc: `insert ${n} bytes at ${p}` };
};

const deleteBytes: Mutator = (b, r) => {
  const p = r.range(8, b.length - 1);
  const n = Math.min(r.range(1, 8), b.length - p);
  return { bytes: concat([b.subarray(0, p), b.subarray(p + n)]), desc: `delete ${n} bytes at ${p}` };
};

/** Replaces the first LEB (the vector count) of a section with a huge or off-by-one value. */
const hugeCount: Mutator = (b, r, secs) => {
  const cands = secs.filter((s) => s.id !== 0 && s.id !== 8 && s.end > s.body);
  if (!cands.length) return null;
  const s = r.pick(cands);
  const c = readLeb(b, s.body, s.end);
  if (!c) return null;
  const v = r.chance(0.6) ? r.pick(HUGE) : Math.max(0, c.value + r.pick([-1, 1, 2]));
  const inPlace = r.chance(0.3);
  const list = contents(b, secs);
  const i = secs.indexOf(s);
  const rest = b.subarray(c.next, s.end);
  let enc = leb(v);
  if (inPlace && enc.length < c.next - s.body) enc = leb(v, c.next - s.body);
  list[i] = { id: s.id, content: concat([enc, rest]) };
  return { bytes: rebuild(b, list), desc: `section ${s.id} count ${c.value} -> ${v}` };
};

/** Writes a huge LEB over an arbitrary position inside a section (fixing the section size). */
const hugeLebAnywhere: Mutator = (b, r, secs) => {
  const cands = secs.filter((s) => s.end - s.body > 2);
  if (!cands.length) return null;
  const s = r.pick(cands);
  const p = r.range(s.body, s.end - 1);
  const old = readLeb(b, p, s.end);
  const end = old ? old.next : p + 1;
  const v = r.pick(HUGE);
  const list = contents(b, secs);
  list[secs.indexOf(s)] = { id: s.id, content: concat([b.subarray(s.body, p), leb(v), b.subarray(end, s.end)]) };
  return { bytes: rebuild(b, list), desc: `section ${s.id} LEB at ${p} -> ${v}` };
};

/** Re-encodes a vector count in an over-long (padded) form: a valid module stays valid. */
const padLeb: Mutator = (b, r, secs) => {
  const cands = secs.filter((s) => s.id !== 0 && s.end > s.body);
  if (!cands.length) return null;
  const s = r.pick(cands);
  const c = readLeb(b, s.body, s.end);
  if (!c) return null;
  const len = r.range(c.next - s.body + 1, 6);
  const list = contents(b, secs);
  list[secs.indexOf(s)] = { id: s.id, content: concat([leb(c.value, len), b.subarray(c.next, s.end)]) };
  return { bytes: rebuild(b, list), desc: `section ${s.id} count padded to ${len} bytes` };
};

const swapSections: Mutator = (b, r, secs) => {
  if (secs.length < 2) return null;
  const i = r.int(secs.length);
  let j = r.int(secs.length - 1);
  if (j >= i) j++;
  const list = contents(b, secs);
  [list[i], list[j]] = [list[j], list[i]];
  return { bytes: rebuild(b, list), desc: `swap sections #${i} (id ${secs[i].id}) and #${j} (id ${secs[j].id})` };
};

const duplicateSection: Mutator = (b, r, secs) => {
  if (!secs.length) return null;
  const i = r.int(secs.length);
  const list = contents(b, secs);
  list.splice(i + 1, 0, list[i]);
  return { bytes: rebuild(b, list), desc: `duplicate section #${i} (id ${secs[i].id})` };
};

const dropSection: Mutator = (b, r, secs) => {
  if (!secs.length) return null;
  const i = r.int(secs.length);
  const list = contents(b, secs);
  list.splice(i, 1);
  return { bytes: rebuild(b, list), desc: `drop section #${i} (id ${secs[i].id})` };
};

const sectionId: Mutator = (b, r, secs) => {
  if (!secs.length) return null;
  const s = r.pick(secs);
  const out = b.slice();
  const v = r.chance(0.7) ? r.range(0, 14) : r.int(256);
  out[s.start] = v;
  return { bytes: out, desc: `section id at ${s.start}: ${s.id} -> ${v}` };
};

const sectionSize: Mutator = (b, r, secs) => {
  if (!secs.length) return null;
  const i = r.int(secs.length);
  const s = secs[i];
  const size = s.end - s.body;
  const v = r.chance(0.2) ? r.pick(HUGE) : Math.max(0, size + r.pick([-3, -2, -1, 1, 2, 5]));
  const sizeLen = s.body - s.start - 1;
  const enc = r.chance(0.5) ? leb(v, sizeLen) : leb(v);
  return {
    bytes: concat([b.subarray(0, s.start + 1), enc, b.subarray(s.body)]),
    desc: `section #${i} (id ${s.id}) size ${size} -> ${v}`,
  };
};

/** Body boundaries of a code section's content. */
function bodies(b: Uint8Array, s: Sec): { countEnd: number; list: { start: number; body: number; end: number }[] } | null {
  const c = readLeb(b, s.body, s.end);
  if (!c) return null;
  const list = [];
  let p = c.next;
  for (let i = 0; i < c.value; i++) {
    const sz = readLeb(b, p, s.end);
    if (!sz) return null;
    const end = sz.next + sz.value;
    if (end > s.end) return null;
    list.push({ start: p, body: sz.next, end });
    p = end;
  }
  return { countEnd: c.next, list };
}

/** Edits inside one function body (insert a snippet, overwrite or delete a byte), sizes fixed up. */
const bodyEdit: Mutator = (b, r, secs) => {
  const code = secs.find((s) => s.id === 10);
  if (!code) return null;
  const bs = bodies(b, code);
  if (!bs || !bs.list.length) return null;
  const fi = r.int(bs.list.length);
  const f = bs.list[fi];
  if (f.end - f.body < 2) return null;
  const p = r.range(f.body, f.end - 1);
  let nb: Uint8Array;
  let what: string;
  const k = r.int(4);
  if (k === 0 || k === 1) {
    const sn = r.pick(SNIPPETS);
    nb = concat([b.subarray(f.body, p), sn, b.subarray(p, f.end)]);
    what = `insert [${sn.map((x) => x.toString(16)).join(' ')}] at ${p}`;
  } else if (k === 2) {
    const v = r.chance(0.7) ? r.pick(INTERESTING) : r.int(256);
    nb = b.slice(f.body, f.end);
    nb[p - f.body] = v;
    what = `set ${p} = 0x${v.toString(16)}`;
  } else {
    const n = Math.min(r.range(1, 3), f.end - p);
    nb = concat([b.subarray(f.body, p), b.subarray(p + n, f.end)]);
    what = `delete ${n} at ${p}`;
  }
  const newCode = concat([
    b.subarray(code.body, f.start),
    leb(nb.length),
    nb,
    b.subarray(f.end, code.end),
  ]);
  const list = contents(b, secs);
  list[secs.indexOf(code)] = { id: 10, content: newCode };
  return { bytes: rebuild(b, list), desc: `body ${fi}: ${what}` };
};

/** Replaces a whole function body's instructions with a random but plausible opcode soup. */
const bodySoup: Mutator = (b, r, secs) => {
  const code = secs.find((s) => s.id === 10);
  if (!code) return null;
  const bs = bodies(b, code);
  if (!bs || !bs.list.length) return null;
  const fi = r.int(bs.list.length);
  const f = bs.list[fi];
  const parts: number[] = [0x00]; // no locals
  const n = r.range(1, 12);
  for (let i = 0; i < n; i++) parts.push(...r.pick(SNIPPETS));
  parts.push(0x0b);
  const nb = Uint8Array.from(parts);
  const list = contents(b, secs);
  list[secs.indexOf(code)] = {
    id: 10,
    content: concat([b.subarray(code.body, f.start), leb(nb.length), nb, b.subarray(f.end, code.end)]),
  };
  return { bytes: rebuild(b, list), desc: `body ${fi}: replaced by soup of ${n} snippets` };
};


/** Swaps a numeric instruction (0x45–0xc4, no immediates) in a body for another: type errors. */
const numericSwap: Mutator = (b, r, secs) => {
  const code = secs.find((s) => s.id === 10);
  if (!code) return null;
  const bs = bodies(b, code);
  if (!bs || !bs.list.length) return null;
  const f = bs.list[r.int(bs.list.length)];
  const cands: number[] = [];
  for (let p = f.body; p < f.end; p++) if (b[p] >= 0x45 && b[p] <= 0xc4) cands.push(p);
  if (!cands.length) return null;
  const p = r.pick(cands);
  const out = b.slice();
  const v = r.range(0x45, 0xc4);
  out[p] = v;
  return { bytes: out, desc: `numeric op at ${p}: 0x${b[p].toString(16)} -> 0x${v.toString(16)}` };
};

/** Duplicates the first export (same name twice is invalid). */
const duplicateExport: Mutator = (b, _r, secs) => {
  const ex = secs.find((s) => s.id === 7);
  if (!ex) return null;
  const c = readLeb(b, ex.body, ex.end);
  if (!c || c.value === 0) return null;
  const nameLen = readLeb(b, c.next, ex.end);
  if (!nameLen) return null;
  const idx = readLeb(b, nameLen.next + nameLen.value + 1, ex.end);
  if (!idx) return null;
  const entry = b.subarray(c.next, idx.next);
  const list = contents(b, secs);
  list[secs.indexOf(ex)] = { id: 7, content: concat([leb(c.value + 1), entry, b.subarray(c.next, ex.end)]) };
  return { bytes: rebuild(b, list), desc: `duplicate export #0` };
};

/** Rewrites the memory (or table) limits: max < min, huge values, flags. */
const limits: Mutator = (b, r, secs) => {
  const s = secs.find((x) => x.id === 5) ?? secs.find((x) => x.id === 4);
  if (!s) return null;
  const min = r.pick([0, 1, 2, 16, 65535, 65536, 65537, 0x7fffffff, 10_000_000, 10_000_001]);
  const max = r.pick([0, 1, 15, 65536, 65537, 0xffffffff, 10_000_000, 10_000_001]);
  const flags = r.pick([0, 1, 1, 1, 2, 3, 4, 5]);
  const lim = flags & 1 ? [flags, ...leb(min), ...leb(max)] : [flags, ...leb(min)];
  const content = s.id === 5 ? [1, ...lim] : [1, 0x70, ...lim];
  const list = contents(b, secs);
  list[secs.indexOf(s)] = { id: s.id, content: Uint8Array.from(content) };
  return { bytes: rebuild(b, list), desc: `section ${s.id} limits flags ${flags} min ${min} max ${max}` };
};

const MUTATORS: [Mutator, number][] = [
  [flipBits, 6],
  [setByte, 4],
  [truncate, 2],
  [insertBytes, 2],
  [deleteBytes, 2],
  [hugeCount, 3],
  [hugeLebAnywhere, 2],
  [padLeb, 1],
  [swapSections, 1],
  [duplicateSection, 1],
  [dropSection, 1],
  [sectionId, 1],
  [sectionSize, 2],
  [bodyEdit, 6],
  [bodySoup, 2],
  [numericSwap, 3],
  [duplicateExport, 1],
  [limits, 1],
];
const TOTAL = MUTATORS.reduce((a, [, w]) => a + w, 0);

/** The `index`-th mutant of a module (deterministic in module seed and index). */
export function mutant(b: Uint8Array, seed: number, index: number, secs = splitSections(b) ?? []): Mutant {
  const r = new Rng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  for (let attempt = 0; attempt < 8; attempt++) {
    let x = r.int(TOTAL);
    let m: Mutator = flipBits;
    for (const [f, w] of MUTATORS) {
      if (x < w) {
        m = f;
        break;
      }
      x -= w;
    }
    const out = m(b, r, secs);
    if (out) return out;
  }
  return flipBits(b, r, secs)!;
}

/** `n` mutants of a module. */
export function* mutants(b: Uint8Array, seed: number, n: number): Generator<Mutant & { index: number }> {
  const secs = splitSections(b) ?? [];
  for (let i = 0; i < n; i++) yield { ...mutant(b, seed, i, secs), index: i };
}
