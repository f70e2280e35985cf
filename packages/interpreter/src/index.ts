/**
 * @cloak/interpreter: a WebAssembly interpreter written in TypeScript that runs where V8 has no
 * WebAssembly (`node --jitless --disallow-code-generation-from-strings`), with deterministic
 * results: canonical NaNs from arithmetic, float bits kept exactly everywhere else, fixed call-depth
 * and value-stack limits, traps as values with the function and byte offset where they happened.
 *
 *   const compiled = compile(bytes);              // decode + validate + translate (throws WasmError)
 *   const instance = instantiate(compiled, { env: { f: (x) => x + 1 } });
 *   instance.exports.run(10);                     // JS API conventions; throws Trap
 *   instance.invoke('run', [10]);                 // { ok: true, results } | { ok: false, trap }
 *   instance.invokeRaw('f', [0x7fa00000]);        // raw float bits in and out
 */
export { compile, type CompiledModule, type CompileInput } from './compile.js';
export { instantiate, Instance, callableOf, type Imports, type ImportValue, type ExportValue, type HostFunction, type RawValue, type InvokeResult } from './instance.js';
export { Memory, Table, Global, type MemoryDescriptor, type TableDescriptor, type NumType, type FuncRef } from './runtime.js';
export { Trap, LinkError, TRAP_CODES, TRAP_MESSAGES, type TrapCode } from './trap.js';
export { Ir, IR_NAMES, IR_COUNT, IR_OPERANDS } from './ir.js';
export { disassemble, instructionSize } from './disasm.js';
export * as limits from './limits.js';
