/**
 * The few parts of V8's `WebAssembly` global the tests use, typed here because the project's
 * TypeScript lib (ES2022, no DOM) does not declare it.
 */
export interface WasmModuleObject {
  readonly __wasmModule?: never;
}
export interface WasmInstanceObject {
  readonly exports: Record<string, unknown>;
}
export interface V8Wasm {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModuleObject;
  Instance: new (module: WasmModuleObject, imports?: object) => WasmInstanceObject;
  instantiate(bytes: Uint8Array, imports?: object): Promise<{ module: WasmModuleObject; instance: WasmInstanceObject }>;
  RuntimeError: new (...args: unknown[]) => Error;
  Memory: new (descriptor: { initial: number; maximum?: number }) => { buffer: ArrayBuffer };
}

export const v8wasm: V8Wasm = (globalThis as unknown as { WebAssembly: V8Wasm }).WebAssembly;
