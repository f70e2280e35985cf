/**
 * @cloak/vm: the CosmWasm contract VM (issue 4, in progress). Today: storing code (checks, memory
 * cap, instrumentation, cache by checksum), the Region protocol, both engines behind one interface
 * with the same errors and gas, and the storage interface (in-memory store, write-buffer overlay).
 */
export { VmError, VM_ERROR_KINDS, type VmErrorKind } from './errors.js';
export * as limits from './limits.js';
export { regionAt, readRegion, writeRegion, type Region } from './region.js';
export { prepareCode, uncompress, CodeStore, type CodeOptions, type StoredCode } from './code.js';
export { MemoryStorage, Overlay, type Storage, type Order, type Change } from './storage.js';
export { parseJson, stringifyJson, JsonError, type JsonValue } from './json.js';
export { envJsonV1, infoJsonV1, envJsonV010, type CallEnv, type BlockInfo, type Coin } from './env.js';
export { callRaw, parseContractResult, type ContractResult } from './calls.js';
export { storageImports, iteratorImports, addressImports, messageImports, ADDRESS_PREFIX, MAX_ITERATORS, newHostContext, chargeGas, allocateRegion, SECRET_HOST_GAS, MAX_KEY_LENGTH, MAX_VALUE_LENGTH, MAX_DEBUG_LENGTH, type HostContext } from './imports.js';
export { instantiateContract, ENGINES, type EngineName, type ContractInstance, type HostFunctions } from './engine.js';
