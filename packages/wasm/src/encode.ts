/**
 * `Module` → binary (spec §5.5). Writes sections in the canonical order and puts each custom section
 * back after the section it followed when decoded (`CustomSection.after`), so that
 * `decode(encode(m))` equals `m` and a decoded module re-encodes to the same sections. The encoder
 * trusts its input to be a well-formed `Module` (it is a programmer's value, not user input); it
 * writes LEB128 in the shortest form.
 */
import { ByteWriter } from './bytes.js';
import { SectionId, type ConstExpr, type Limits, type Module, type TableType, type GlobalType } from './types.js';

const EXPORT_KIND: Record<string, number> = { func: 0, table: 1, memory: 2, global: 3 };

export function encode(m: Module): Uint8Array {
  const w = new ByteWriter(estimateSize(m));
  w.u32le(0x6d736100).u32le(1);

  const customsAfter = (id: number) => {
    for (const c of m.customs) {
      if (c.after !== id) continue;
      const s = new ByteWriter(c.data.length + c.name.length + 8);
      s.name(c.name).bytes(c.data);
      w.u8(SectionId.custom).sized(s);
    }
  };
  const section = (id: number, fill: (s: ByteWriter) => void, size = 64) => {
    const s = new ByteWriter(size);
    fill(s);
    w.u8(id).sized(s);
    customsAfter(id);
  };

  customsAfter(0);
  if (m.types.length) {
    section(SectionId.type, (s) => {
      s.u32(m.types.length);
      for (const t of m.types) {
        s.u8(0x60).u32(t.params.length);
        for (const p of t.params) s.u8(p);
        s.u32(t.results.length);
        for (const r of t.results) s.u8(r);
      }
    });
  }
  if (m.imports.length) {
    section(SectionId.import, (s) => {
      s.u32(m.imports.length);
      for (const imp of m.imports) {
        s.name(imp.module).name(imp.name);
        const d = imp.desc;
        switch (d.kind) {
          case 'func': s.u8(0).u32(d.type); break;
          case 'table': s.u8(1); writeTableType(s, d.table); break;
          case 'memory': s.u8(2); writeLimits(s, d.memory); break;
          case 'global': s.u8(3); writeGlobalType(s, d.global); break;
        }
      }
    });
  }
  if (m.functions.length) {
    section(SectionId.function, (s) => {
      s.u32(m.functions.length);
      for (const t of m.functions) s.u32(t);
    }, m.functions.length * 2 + 8);
  }
  if (m.tables.length) {
    section(SectionId.table, (s) => {
      s.u32(m.tables.length);
      for (const t of m.tables) writeTableType(s, t);
    });
  }
  if (m.memories.length) {
    section(SectionId.memory, (s) => {
      s.u32(m.memories.length);
      for (const mem of m.memories) writeLimits(s, mem);
    });
  }
  if (m.globals.length) {
    section(SectionId.global, (s) => {
      s.u32(m.globals.length);
      for (const g of m.globals) {
        writeGlobalType(s, g.type);
        writeConstExpr(s, g.init);
      }
    });
  }
  if (m.exports.length) {
    section(SectionId.export, (s) => {
      s.u32(m.exports.length);
      for (const e of m.exports) s.name(e.name).u8(EXPORT_KIND[e.kind]).u32(e.index);
    });
  }
  if (m.start !== undefined) {
    section(SectionId.start, (s) => void s.u32(m.start!));
  }
  if (m.elements.length) {
    section(SectionId.element, (s) => {
      s.u32(m.elements.length);
      for (const e of m.elements) {
        const exprs = e.init.kind === 'exprs';
        let flags = exprs ? 4 : 0;
        if (e.mode === 'passive') flags |= 1;
        else if (e.mode === 'declarative') flags |= 3;
        else if (e.explicitTable || e.table !== 0) flags |= 2;
        s.u32(flags);
        if (e.mode === 'active') {
          if (flags & 2) s.u32(e.table);
          writeConstExpr(s, e.offset ?? []);
        }
        if (flags & 3) s.u8(exprs ? e.elemType : 0x00);
        if (e.init.kind === 'exprs') {
          s.u32(e.init.exprs.length);
          for (const x of e.init.exprs) writeConstExpr(s, x);
        } else {
          s.u32(e.init.funcs.length);
          for (const f of e.init.funcs) s.u32(f);
        }
      }
    });
  }
  if (m.dataCount !== undefined) {
    section(SectionId.dataCount, (s) => void s.u32(m.dataCount!));
  }
  if (m.codes.length) {
    let size = 16;
    for (const c of m.codes) size += c.code.length + c.locals.length * 6 + 10;
    section(SectionId.code, (s) => {
      s.u32(m.codes.length);
      const body = new ByteWriter(256);
      for (const c of m.codes) {
        body.len = 0;
        body.u32(c.locals.length);
        for (const l of c.locals) body.u32(l.count).u8(l.type);
        s.u32(body.len + c.code.length);
        s.bytes(body.finish());
        s.bytes(c.code);
      }
    }, size);
  }
  if (m.datas.length) {
    let size = 16;
    for (const d of m.datas) size += d.data.length + 24;
    section(SectionId.data, (s) => {
      s.u32(m.datas.length);
      for (const d of m.datas) {
        if (d.mode === 'passive') s.u32(1);
        else if (d.explicitMemory || d.memory !== 0) {
          s.u32(2).u32(d.memory);
          writeConstExpr(s, d.offset ?? []);
        } else {
          s.u32(0);
          writeConstExpr(s, d.offset ?? []);
        }
        s.u32(d.data.length).bytes(d.data);
      }
    }, size);
  }
  // Custom sections recorded after a section this module no longer has: keep them, at the end.
  const written = new Set<number>([0]);
  if (m.types.length) written.add(1);
  if (m.imports.length) written.add(2);
  if (m.functions.length) written.add(3);
  if (m.tables.length) written.add(4);
  if (m.memories.length) written.add(5);
  if (m.globals.length) written.add(6);
  if (m.exports.length) written.add(7);
  if (m.start !== undefined) written.add(8);
  if (m.elements.length) written.add(9);
  if (m.dataCount !== undefined) written.add(12);
  if (m.codes.length) written.add(10);
  if (m.datas.length) written.add(11);
  for (const c of m.customs) {
    if (written.has(c.after)) continue;
    const s = new ByteWriter(c.data.length + c.name.length + 8);
    s.name(c.name).bytes(c.data);
    w.u8(SectionId.custom).sized(s);
  }
  return w.finish();
}

function estimateSize(m: Module): number {
  let n = 1024;
  for (const c of m.codes) n += c.code.length + 16;
  for (const d of m.datas) n += d.data.length + 16;
  for (const c of m.customs) n += c.data.length + c.name.length + 8;
  return n;
}

function writeLimits(s: ByteWriter, l: Limits): void {
  if (l.max === undefined) s.u8(0).u32(l.min);
  else s.u8(1).u32(l.min).u32(l.max);
}

function writeTableType(s: ByteWriter, t: TableType): void {
  s.u8(t.elemType);
  writeLimits(s, t.limits);
}

function writeGlobalType(s: ByteWriter, g: GlobalType): void {
  s.u8(g.valType).u8(g.mutable ? 1 : 0);
}

export function writeConstExpr(s: ByteWriter, e: ConstExpr): void {
  for (const i of e) {
    switch (i.op) {
      case 'i32.const': s.u8(0x41).s32(i.value); break;
      case 'i64.const': s.u8(0x42).s64(i.value); break;
      case 'f32.const': s.u8(0x43).u32le(i.bits); break;
      case 'f64.const': s.u8(0x44).u64le(i.bits); break;
      case 'global.get': s.u8(0x23).u32(i.index); break;
      case 'ref.null': s.u8(0xd0).u8(i.type); break;
      case 'ref.func': s.u8(0xd2).u32(i.index); break;
    }
  }
  s.u8(0x0b);
}
