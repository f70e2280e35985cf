/**
 * The two engines behind one interface: cloak's interpreter (packages/interpreter; the only one where
 * V8 has no WebAssembly, as in the enclave) and V8's `WebAssembly`. Both run the same instrumented
 * module, so gas and the stack limit agree to the unit; this file turns their different failures
 * into the same `VmError`:
 *   - the gas-exhausted global is 1 → `gas_depletion`;
 *   - the stack-height global is above the limit → `runtime` ("call stack exhausted");
 *   - a host import threw a `VmError` → that error;
 *   - any other trap → `runtime`, naming the trap (and, on the interpreter, where it happened).
 */
import { compile, instantiate, Trap, type CompiledModule, type Instance } from '@cloak/interpreter';
import type { StoredCode } from './code.js';
import { VmError } from './errors.js';

export type EngineName = 'interpreter' | 'v8';
export const ENGINES: readonly EngineName[] = ['interpreter', 'v8'];

/** Host functions of the `env` module: i32 as numbers, i64 as bigint. */
export type HostFunctions = Record<string, (...args: any[]) => any>;

/** One instance of a stored contract (new, or restored to its fresh state by the Vm). */
export interface ContractInstance {
  readonly engine: EngineName;
  /**
   * Calls an export taking i32 values (pointers, lengths) and returning one i32 (as a u32) or
   * nothing (undefined); failures are VmErrors.
   */
  call(name: string, args: number[]): number | undefined;
  /** Whether the module exports a function of that name. */
  hasExport(name: string): boolean;
  /** A view of linear memory as it is now (re-read after every call into the contract). */
  memory(): Uint8Array;
  /** Gas left in the instrumented module's budget. */
  gasLeft: bigint;
  /**
   * The stack-height limiter's counter. A nested call (query_chain into another contract) starts
   * from its caller's height, so the limit bounds the whole chain of nested calls on both engines.
   */
  stackHeight: number;
  /** The instance's state: memory bytes and the values of `code.mutableGlobals` (take it fresh). */
  snapshot(): InstanceState;
  /**
   * Puts the instance back in `state`; false (and nothing done) when it cannot be: its memory grew.
   * Only for codes that are `resettable`.
   */
  restore(state: InstanceState): boolean;
}

/** Everything a call can change in an instance of a resettable code. */
export interface InstanceState {
  readonly memory: Uint8Array;
  readonly globals: readonly (number | bigint)[];
}

interface V8Like {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, any> };
  RuntimeError: new (...a: unknown[]) => Error;
}

function v8(): V8Like {
  const w = (globalThis as { WebAssembly?: V8Like }).WebAssembly;
  if (w === undefined) throw new TypeError('the v8 engine needs WebAssembly, which this process does not have (is it running with --jitless?)');
  return w;
}

/** Instantiates `code` on `engine` with the given `env` imports and gas budget. */
export function instantiateContract(code: StoredCode, engine: EngineName, env: HostFunctions, gas: bigint): ContractInstance {
  return engine === 'interpreter' ? new InterpreterInstance(code, env, gas) : new V8Instance(code, env, gas);
}

/** The VmError for a failure that came out of the contract. */
function classify(code: StoredCode, err: unknown, exhausted: number, stackHeight: number): VmError {
  if (err instanceof VmError) return err;
  if (exhausted === 1) return new VmError('gas_depletion', 'out of gas');
  if (stackHeight >>> 0 > code.stackLimit) return new VmError('runtime', `call stack exhausted (limit ${code.stackLimit})`);
  // A host function failed: the interpreter wraps the thrown value in a `host` trap, V8 passes it on.
  const host = err instanceof Trap ? (err.code === 'host' ? { cause: err.cause } : undefined) : isWasmTrap(err) ? undefined : { cause: err };
  if (host !== undefined) return hostFailure(host.cause);
  const message = err instanceof Error ? err.message.replace(/^wasm trap: /, '') : String(err);
  return new VmError('runtime', `wasm trap: ${message}`, { cause: err });
}

/** The VmError for something a host function (or the host around a call) threw. */
export function hostFailure(err: unknown): VmError {
  if (err instanceof VmError) return err;
  if (err instanceof RangeError && /call stack/i.test(err.message)) return new VmError('runtime', 'call stack exhausted (host)', { cause: err });
  return new VmError('runtime', `host failure: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

/** V8's own traps are `WebAssembly.RuntimeError`s; anything else out of a V8 call came from the host. */
function isWasmTrap(err: unknown): boolean {
  const W = (globalThis as { WebAssembly?: { RuntimeError: new (...a: unknown[]) => Error } }).WebAssembly;
  return W !== undefined && err instanceof W.RuntimeError;
}

class InterpreterInstance implements ContractInstance {
  readonly engine = 'interpreter' as const;
  private readonly inst: Instance;

  constructor(private readonly code: StoredCode, env: HostFunctions, gas: bigint) {
    let compiled = code.compiled.get('interpreter') as CompiledModule | undefined;
    if (compiled === undefined) {
      compiled = compile(code.bytes);
      code.compiled.set('interpreter', compiled);
    }
    try {
      this.inst = instantiate(compiled, { env });
    } catch (err) {
      throw new VmError('instantiation', `cannot instantiate: ${(err as Error).message}`, { cause: err });
    }
    this.gasLeft = gas;
  }

  get gasLeft(): bigint {
    return this.inst.getGlobal(this.code.gasLeftExport) as bigint;
  }

  set gasLeft(v: bigint) {
    this.inst.setGlobal(this.code.gasLeftExport, BigInt.asIntN(64, v));
  }

  get stackHeight(): number {
    return (this.inst.getGlobal(this.code.stackHeightExport) as number) >>> 0;
  }

  set stackHeight(v: number) {
    this.inst.setGlobal(this.code.stackHeightExport, v | 0);
  }

  hasExport(name: string): boolean {
    return typeof this.inst.exports[name] === 'function';
  }

  call(name: string, args: number[]): number | undefined {
    if (!this.hasExport(name)) throw new VmError('resolve', `missing export ${name}`);
    const r = this.inst.invoke(name, args);
    if (!r.ok) {
      const exhausted = this.inst.getGlobal(this.code.gasExhaustedExport) as number;
      const height = this.inst.getGlobal(this.code.stackHeightExport) as number;
      throw classify(this.code, r.trap, exhausted, height);
    }
    if (r.results.length === 0) return undefined;
    if (r.results.length !== 1 || typeof r.results[0] !== 'number') throw new VmError('resolve', `export ${name} must return one i32 or nothing`);
    return r.results[0] >>> 0;
  }

  memory(): Uint8Array {
    const m = this.inst.memory;
    if (m === null) throw new VmError('resolve', 'the contract has no memory');
    return new Uint8Array(m.buffer);
  }

  snapshot(): InstanceState {
    return { memory: this.memory().slice(), globals: this.code.mutableGlobals.map((g) => this.inst.getGlobal(g)) };
  }

  restore(state: InstanceState): boolean {
    const m = this.memory();
    if (m.length !== state.memory.length) return false;
    m.set(state.memory);
    this.code.mutableGlobals.forEach((g, i) => this.inst.setGlobal(g, state.globals[i]));
    return true;
  }
}

class V8Instance implements ContractInstance {
  readonly engine = 'v8' as const;
  private readonly ex: Record<string, any>;

  constructor(private readonly code: StoredCode, env: HostFunctions, gas: bigint) {
    const W = v8();
    let module = code.compiled.get('v8') as object | undefined;
    if (module === undefined) {
      module = new W.Module(code.bytes);
      code.compiled.set('v8', module);
    }
    try {
      this.ex = new W.Instance(module, { env }).exports;
    } catch (err) {
      throw new VmError('instantiation', `cannot instantiate: ${(err as Error).message}`, { cause: err });
    }
    this.gasLeft = gas;
  }

  get gasLeft(): bigint {
    return this.ex[this.code.gasLeftExport].value as bigint;
  }

  set gasLeft(v: bigint) {
    this.ex[this.code.gasLeftExport].value = BigInt.asIntN(64, v);
  }

  get stackHeight(): number {
    return (this.ex[this.code.stackHeightExport].value as number) >>> 0;
  }

  set stackHeight(v: number) {
    this.ex[this.code.stackHeightExport].value = v | 0;
  }

  hasExport(name: string): boolean {
    return typeof this.ex[name] === 'function';
  }

  call(name: string, args: number[]): number | undefined {
    if (!this.hasExport(name)) throw new VmError('resolve', `missing export ${name}`);
    let v: unknown;
    try {
      v = this.ex[name](...args);
    } catch (err) {
      const exhausted = this.ex[this.code.gasExhaustedExport].value as number;
      const height = this.ex[this.code.stackHeightExport].value as number;
      throw classify(this.code, err, exhausted, height);
    }
    if (v === undefined) return undefined;
    if (typeof v !== 'number') throw new VmError('resolve', `export ${name} must return one i32 or nothing`);
    return v >>> 0;
  }

  memory(): Uint8Array {
    const m = this.ex.memory as { buffer: ArrayBuffer } | undefined;
    if (m === undefined) throw new VmError('resolve', 'the contract has no memory');
    return new Uint8Array(m.buffer);
  }

  snapshot(): InstanceState {
    return { memory: this.memory().slice(), globals: this.code.mutableGlobals.map((g) => this.ex[g].value as number | bigint) };
  }

  restore(state: InstanceState): boolean {
    const m = this.memory();
    if (m.length !== state.memory.length) return false;
    m.set(state.memory);
    this.code.mutableGlobals.forEach((g, i) => {
      this.ex[g].value = state.globals[i];
    });
    return true;
  }
}
