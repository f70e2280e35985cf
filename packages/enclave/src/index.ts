/** @cloak/enclave: the ecall dispatcher over the VM and its process transport (see main.ts, launch.ts). */
export { CODE_CACHE, Enclave, HostMisbehaved, OcallStorage, clip, type EnclaveOptions, type OcallPort } from './dispatcher.js';
export { PipePort } from './port.js';
export { InProcessEnclave } from './inprocess.js';
export { KeyManager, KeyManagerError, SEED_BYTES } from './keys.js';
