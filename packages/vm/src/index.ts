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
export { envJsonV011, infoJsonV011, envJsonV09 } from './env.js';
export { canonicalAddress, humanAddress } from './imports.js';
export { queryImports, encodeQuerierResult, MAX_QUERY_DEPTH, MAX_QUERY_REQUEST_LENGTH, QUERY_GAS, type Querier, type QuerierResult } from './query.js';
export { secretImports, SECRET_EXTRA_GAS } from './secret.js';
export { Vm, MAX_ARGUMENT_LENGTH, type VmOptions, type CallOptions, type MessageCall, type MigrateCall, type PlainCall, type CallResult, type EntryPoint } from './vm.js';
export { MemoryChain, ChainError, DEFAULT_CALL_GAS, decodeAnswer, type ContractInfo, type MemoryChainOptions } from './chain.js';
export { Runner, DEFAULT_SENDER, type RunnerOptions } from './runner.js';
export { cryptoImports, CRYPTO_GAS, CRYPTO_ERRORS, CRYPTO_LIMITS } from './crypto.js';
