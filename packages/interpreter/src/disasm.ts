/**
 * A listing of the register IR of one compiled function, one instruction per line
 * (`pc  name  operands`), for debugging and for tuning the translator: how many instructions a
 * loop costs is what decides speed under --jitless (ARCHITECTURE.md, "Interpreter decisions").
 */
import type { CompiledModule } from './compile.js';
import { IR_NAMES, IR_OPERANDS, Ir } from './ir.js';

/** Size in words of the instruction at pc (opcode included). */
export function instructionSize(code: Int32Array, pc: number): number {
  const op = code[pc];
  return op === Ir.br_table ? code[pc + 2] + 4 : IR_OPERANDS[op] + 1;
}

/** The IR of function `func` (an index in the module's function index space; imports have none). */
export function disassemble(compiled: CompiledModule, func: number): string[] {
  const start = compiled.entry[func];
  if (start === undefined || start < 0) throw new RangeError(`function ${func} has no code here (imported, or out of range)`);
  let end = compiled.code.length;
  for (const e of compiled.entry) if (e > start && e < end) end = e;
  const lines: string[] = [];
  for (let pc = start; pc < end; pc += instructionSize(compiled.code, pc)) {
    const n = instructionSize(compiled.code, pc);
    const operands = Array.from(compiled.code.subarray(pc + 1, pc + n)).join(' ');
    lines.push(`${String(pc).padStart(6)}  ${IR_NAMES[compiled.code[pc]].padEnd(18)}${operands}`.trimEnd());
  }
  return lines;
}
