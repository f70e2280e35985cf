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
export { validate, decodeAndValidate, type ValidationInfo, type ValidateOptions } from './validate.js';
export { parseNames, encodeNames, getNames, remapNames, mapNameSections, moduleName, functionNames, localNames, NAME_SECTION, type NameSection, type NameSubsection, type NameAssoc, type LocalNames } from './names.js';
export { remapFunctions, addFunctionImport } from './remap.js';
export { limitStack, stackExhausted, STACK_HEIGHT_EXPORT, MAX_STACK_LIMIT, type StackLimitOptions, type StackLimitInfo, type StackLimited } from './stack-limit.js';
