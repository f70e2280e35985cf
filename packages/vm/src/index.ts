/**
 * @cloak/vm: the CosmWasm contract VM (issue 4, in progress). Today: storing code (checks, memory
 * cap, instrumentation, cache by checksum), the Region protocol, and both engines behind one
 * interface with the same errors and gas.
 */
export { VmError, VM_ERROR_KINDS, type VmErrorKind } from './errors.js';
export * as limits from './limits.js';
export { regionAt, readRegion, writeRegion, type Region } from './region.js';
export { prepareCode, uncompress, CodeStore, type CodeOptions, type StoredCode } from './code.js';
export { instantiateContract, ENGINES, type EngineName, type ContractInstance, type HostFunctions } from './engine.js';
