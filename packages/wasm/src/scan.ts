/**
 * What a module's code uses, in one walk over every body: float instructions and float-typed items
 * (for the float policies of `checkContract` and `instrument({ rejectFloats })`), and bulk-memory
 * instructions (reported by `checkContract`). The one place that decides what counts as "uses floats":
 * any instruction with f32/f64 in its name (arithmetic, comparisons, conversions including the
 * saturating ones, reinterpret, loads, stores, constants), a block whose type has an f32/f64 param or
 * result, and f32/f64 parameters, results, locals and globals of the function and global index spaces.
 */
import { InstrReader } from './instr.js';
import { ALL_OPS, opName } from './opcodes.js';
import { funcTypeIndices, globalTypes, valTypeName, type FuncType, type Module } from './types.js';

export interface CodeScan {
  /** Number of float instructions (blocks with a float-typed block type included). */
  floatInstructions: number;
  /** The first of them, by position. */
  firstFloat?: { name: string; offset: number };
  /** Float-typed items that are not instructions, described ("function 3 has type (f64) -> i32"). */
  floatTyped: string[];
  /** Whether any bulk-memory instruction (memory.init/copy/fill, data.drop, table.init/copy, elem.drop) occurs. */
  bulkMemory: boolean;
  /** Whether `table.init` or `table.copy` occurs: the only MVP + bulk-memory instructions that write a table. */
  tableWrites: boolean;
}

const FLOAT_OPS = new Set(ALL_OPS.filter(([, name]) => /f32|f64/.test(name)).map(([op]) => op));
const BULK_OPS = new Set([0xfc08, 0xfc09, 0xfc0a, 0xfc0b, 0xfc0c, 0xfc0d, 0xfc0e]);
const TABLE_WRITE_OPS = new Set([0xfc0c, 0xfc0e]);

function isFloat(t: number): boolean {
  return t === 0x7d || t === 0x7c;
}

function hasFloat(t: FuncType | undefined): boolean {
  return t !== undefined && (t.params.some(isFloat) || t.results.some(isFloat));
}

function formatType(t: FuncType): string {
  const r = t.results.map(valTypeName);
  return `(${t.params.map(valTypeName).join(', ')}) -> ${r.length === 1 ? r[0] : `(${r.join(', ')})`}`;
}

/** Scans a decoded module (it need not be valid: unknown indices are simply not float). */
export function scanCode(m: Module): CodeScan {
  const s: CodeScan = { floatInstructions: 0, floatTyped: [], bulkMemory: false, tableWrites: false };
  const floatType = m.types.map(hasFloat);

  const funcTypes = funcTypeIndices(m);
  funcTypes.forEach((t, i) => {
    if (floatType[t]) s.floatTyped.push(`function ${i} has type ${formatType(m.types[t])}`);
  });
  globalTypes(m).forEach((g, i) => {
    if (isFloat(g.valType)) s.floatTyped.push(`global ${i} is ${valTypeName(g.valType)}`);
  });
  const imported = funcTypes.length - m.functions.length;
  m.codes.forEach((b, i) => {
    if (b.locals.some((g) => g.count > 0 && isFloat(g.type))) s.floatTyped.push(`function ${imported + i} has float locals`);
  });

  for (const body of m.codes) {
    const r = new InstrReader(body.code, body.codeOffset);
    while (!r.atEnd()) {
      const op = r.next();
      // A block type is -valtype for a single result, or a type index (multi-value).
      const floatBlock = (op === 0x02 || op === 0x03 || op === 0x04) && (r.a === -0x7d || r.a === -0x7c || (r.a >= 0 && floatType[r.a] === true));
      if (floatBlock || FLOAT_OPS.has(op)) {
        if (s.floatInstructions === 0) s.firstFloat = { name: floatBlock ? `${opName(op)} with a float block type` : opName(op), offset: r.offset };
        s.floatInstructions++;
      } else if (BULK_OPS.has(op)) {
        s.bulkMemory = true;
        if (TABLE_WRITE_OPS.has(op)) s.tableWrites = true;
      }
    }
  }
  return s;
}
