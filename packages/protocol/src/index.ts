/**
 * @cloak/protocol: the enclave boundary. Message types and their binary codec (every field with its
 * limit), framing, and the transports. Depends on nothing but Node's built-ins.
 */
export { ProtocolError, Reader, Writer } from './codec.js';
export {
  LIMITS, Type, HANDLE_TYPES, LOG_LEVELS, encodeHost, decodeHost, encodeEnclave, decodeEnclave, frame,
  type Coin, type Env, type HandleType, type HostMessage, type EnclaveMessage, type QueryAnswer, type Outcome, type LogLevel,
} from './messages.js';
export { EnclaveProcess, EnclaveUnavailable, EnclaveError, type EcallRequest, type OcallHandlers, type QueryChainAnswer, type Logger, type EnclaveProcessOptions } from './host.js';
export { EnclavePool, EnclaveBusy, type EnclavePoolOptions } from './pool.js';
export { enclaveLogger, type LoggerOptions } from './log.js';
