/**
 * @cloak/vm: the CosmWasm contract VM. `Vm` stores code (checks, memory cap, instrumentation, cache by
 * checksum) and runs every generation's entry points on either engine with the same results, errors
 * and gas, through the `Storage` and `Querier` it is given; `MemoryChain` and `Runner` (`cloak run`)
 * wrap it for tests and tools. The lower layers (Regions, engines, import factories, JSON, env) are
 * exported for the enclave and for tests.
 */
// The VM and its tools.
export { Vm, MAX_ARGUMENT_LENGTH, type VmOptions, type CallOptions, type MessageCall, type MigrateCall, type PlainCall, type CallResult, type EntryPoint } from './vm.js';
export { MemoryChain, ChainError, DEFAULT_CALL_GAS, decodeAnswer, type ContractInfo, type MemoryChainOptions } from './chain.js';
export { Runner, DEFAULT_SENDER, type RunnerOptions } from './runner.js';
export { VmError, VM_ERROR_KINDS, type VmErrorKind } from './errors.js';
export * as limits from './limits.js';
// Interfaces the VM is given.
export { MemoryStorage, Overlay, type Storage, type Order, type Change } from './storage.js';
export { queryImports, encodeQuerierResult, MAX_QUERY_DEPTH, MAX_QUERY_REQUEST_LENGTH, QUERY_GAS, type Querier, type QuerierResult } from './query.js';
// Code, engines, the memory protocol.
export { prepareCode, uncompress, CodeStore, type CodeOptions, type StoredCode } from './code.js';
export { instantiateContract, ENGINES, type EngineName, type ContractInstance, type HostFunctions, type InstanceState } from './engine.js';
export { regionAt, readRegion, writeRegion, type Region } from './region.js';
export { callRaw, checkResponse, parseContractResult, type ContractResult } from './calls.js';
// JSON and the arguments contracts receive.
export { parseJson, stringifyJson, JsonError, type JsonValue } from './json.js';
export { envJsonV1, infoJsonV1, envJsonV010, envJsonV011, infoJsonV011, envJsonV09, type CallEnv, type BlockInfo, type Coin } from './env.js';
// Host imports.
export {
  storageImports, iteratorImports, addressImports, messageImports, newHostContext, chargeGas, allocateRegion, canonicalAddress, humanAddress,
  ADDRESS_PREFIX, MAX_ITERATORS, SECRET_HOST_GAS, MAX_KEY_LENGTH, MAX_VALUE_LENGTH, MAX_DEBUG_LENGTH, MAX_WRITE_SET_BYTES,
  type HostContext, type IteratorState,
} from './imports.js';
export { cryptoImports, CRYPTO_GAS, CRYPTO_ERRORS, CRYPTO_LIMITS } from './crypto.js';
export { secretImports, SECRET_EXTRA_GAS } from './secret.js';
