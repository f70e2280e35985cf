/**
 * @cloak/wasm: decode, validate and re-encode WebAssembly contract binaries; CosmWasm static checks;
 * gas metering and stack-depth instrumentation. Executes nothing.
 */
export * from './types.js';
export * from './errors.js';
export * as limits from './limits.js';
export { Op, Imm, opName, ALL_OPS } from './opcodes.js';
export { InstrReader, BLOCK_EMPTY } from './instr.js';
export { ByteReader, ByteWriter } from './bytes.js';
export { decode, decodeOrThrow, sectionName, type DecodeOptions } from './decode.js';
export { encode, writeConstExpr } from './encode.js';
export { parseNames, encodeNames, getNames, remapNames, mapNameSections, moduleName, functionNames, localNames, NAME_SECTION, type NameSection, type NameSubsection, type NameAssoc, type LocalNames } from './names.js';
export { remapFunctions, addFunctionImport } from './remap.js';
export { limitStack, stackExhausted, STACK_HEIGHT_EXPORT, MAX_STACK_LIMIT, type StackLimitOptions, type StackLimitInfo, type StackLimited } from './stack-limit.js';
export { scanCode, type CodeScan } from './scan.js';
export { checkContract, DEFAULT_CAPABILITIES, CHECK_RULES, type CheckOptions, type CheckReport, type CheckRule, type Violation, type ExternInfo, type ImportInfo, type Generation, type GenerationId } from './check.js';
export { validate, decodeAndValidate, type ValidationInfo, type ValidateOptions } from './validate.js';
export { SECRET_SCHEDULE, COSMWASM_2_SCHEDULE, DEFAULT_SCHEDULE, COSMWASM_ACCOUNTING_OPS, MAX_OP_COST, COST_TABLE_SIZE, defineSchedule, opSlot, type GasSchedule, type ScheduleSpec } from './schedule.js';
export { meter, gasHelperGlobals, GAS_LEFT_EXPORT, GAS_EXHAUSTED_EXPORT, type MeterOptions, type MeterResult } from './meter.js';
export { canonicalizeNaNs, nanHelperKind, canonicalizeNaNsDetailed, canonicalizeNaNsResult, canProduceArithmeticNaN, CANONICAL_NAN_F32, CANONICAL_NAN_F64, type NanCanonicalized } from './nan.js';
export { instrument, type InstrumentOptions, type Instrumented } from './instrument.js';
