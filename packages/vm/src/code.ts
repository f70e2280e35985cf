/**
 * Storing code (spec/cosmwasm-abi.md §5 and §7.5): an upload is decompressed when gzip, size-checked,
 * statically checked (`checkContract` of packages/wasm), given a memory maximum (the VM's cap: JS
 * cannot cap a memory a module defines itself, so the memory section is rewritten, §7.1), then
 * instrumented (gas metering, stack-height limiter, NaN canonicalisation) once. The result is cached
 * by checksum (SHA-256 of the uncompressed wasm, lowercase hex: the code hash); each engine compiles
 * it once, lazily, and instantiates it fresh for every call.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import {
  checkContract,
  decodeAndValidate,
  instrument,
  scanCode,
  type CheckOptions,
  type CheckReport,
  type GasSchedule,
  type Generation,
} from '@cloak/wasm';
import { VmError } from './errors.js';
import { DEFAULT_MEMORY_PAGES, MAX_CODE_SIZE, MAX_COMPRESSED_CODE_SIZE, PAGE } from './limits.js';

export interface CodeOptions {
  /** Memory cap in pages written as every contract's memory maximum (default 192 = 12 MiB). */
  memoryPages?: number;
  /** Largest uncompressed code accepted (default 2 MiB). */
  maxSize?: number;
  /** Options of the static check (float policy, capabilities, limits). */
  check?: CheckOptions;
  /** Gas schedule (default packages/wasm's Secret schedule). */
  schedule?: GasSchedule;
  /** Stack-height limit of the instrumentation (default packages/wasm's). */
  stackLimit?: number;
}

/** A stored, checked and instrumented contract, ready for either engine. */
export interface StoredCode {
  /** SHA-256 of the uncompressed wasm, lowercase hex. */
  readonly checksum: string;
  readonly generation: Generation;
  readonly report: CheckReport;
  /** The instrumented module with its memory maximum set. */
  readonly bytes: Uint8Array;
  /** Export names of the gas-left and gas-exhausted globals and of the stack-height global. */
  readonly gasLeftExport: string;
  readonly gasExhaustedExport: string;
  readonly stackHeightExport: string;
  readonly stackLimit: number;
  /** Memory maximum written into the module, in pages. */
  readonly memoryPages: number;
  /**
   * Export names of every mutable global of the instrumented module (the contract's own, exported by
   * prepareCode, and the instrumentation's): with the memory image, the whole state an instance can
   * change when the module has no bulk-memory instructions (so no dropped segments, no table writes).
   */
  readonly mutableGlobals: readonly string[];
  /**
   * An instance can be restored to its fresh state after a call: the module has no passive data or
   * element segments (whose dropped state a call could change) and no `table.init` / `table.copy`
   * (the only instructions that write a table without reference types). Then a call can change only
   * memory (contents and size) and mutable globals. Active segments are dropped at instantiation, so
   * `memory.copy` / `memory.fill` / `data.drop` / `elem.drop` on them change nothing else.
   */
  readonly resettable: boolean;
  /** Initial memory pages of the contract. */
  readonly initialPages: number;
  /** The `cw_migrate_version` custom section (a decimal number; CosmWasm 2.2+), if present and valid. */
  readonly migrateVersion?: bigint;
  /** Per-engine compiled forms, filled on first use (engine.ts). */
  readonly compiled: Map<string, unknown>;
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/** Decompresses a gzip upload, refusing more than `maxSize` bytes out; other uploads pass as they are. */
export function uncompress(upload: Uint8Array, maxSize = MAX_CODE_SIZE): Uint8Array {
  if (!(upload instanceof Uint8Array)) throw new TypeError('code must be a Uint8Array');
  if (upload.length >= 2 && upload[0] === GZIP_MAGIC_0 && upload[1] === GZIP_MAGIC_1) {
    if (upload.length > MAX_COMPRESSED_CODE_SIZE) {
      throw new VmError('invalid_upload', `compressed code of ${upload.length} bytes exceeds the limit of ${MAX_COMPRESSED_CODE_SIZE}`);
    }
    let out: Buffer;
    try {
      out = gunzipSync(upload, { maxOutputLength: maxSize });
    } catch (err) {
      const tooBig = err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
      throw new VmError('invalid_upload', tooBig ? `decompressed code exceeds the limit of ${maxSize} bytes` : `code is not valid gzip: ${(err as Error).message}`);
    }
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  }
  if (upload.length > maxSize) throw new VmError('invalid_upload', `code of ${upload.length} bytes exceeds the limit of ${maxSize}`);
  return upload;
}

/** Checks, caps and instruments one upload. Throws VmError for anything wrong with it. */
export function prepareCode(upload: Uint8Array, options: CodeOptions = {}): StoredCode {
  const pages = options.memoryPages ?? DEFAULT_MEMORY_PAGES;
  if (!Number.isInteger(pages) || pages < 1 || pages > 65_536) throw new RangeError(`memoryPages ${pages} is not a page count in 1…65536`);
  const wasm = uncompress(upload, options.maxSize ?? MAX_CODE_SIZE);
  const report = checkContract(wasm, options.check ?? {});
  if (!report.accepted || report.generation === undefined) {
    const list = report.violations.map((v) => `${v.rule}: ${v.message}${v.offset === undefined ? '' : ` (at byte ${v.offset})`}`);
    throw new VmError('static_validation', `code rejected: ${list.join('; ') || 'no known contract generation'}`);
  }
  const decoded = decodeAndValidate(wasm);
  if (!decoded.ok) throw new VmError('static_validation', `code rejected: ${decoded.error.message}`);
  const { module, info } = decoded.value;
  const mem = module.memories[0];
  if (mem === undefined) throw new VmError('static_validation', 'code rejected: the contract defines no memory');
  if (mem.min > pages) {
    throw new VmError('instantiation', `the contract asks for ${mem.min} pages of initial memory (${(mem.min * PAGE) / 1048576} MiB); the limit is ${pages} pages (${(pages * PAGE) / 1048576} MiB)`);
  }
  // Export every mutable global the contract defines (under a name that cannot clash), so that the
  // engines can read and restore it: what lets an instance be reset to its fresh state.
  const exports = [...module.exports];
  const names = new Set(exports.map((e) => e.name));
  const importedGlobals = module.imports.filter((i) => i.desc.kind === 'global').length;
  const ownGlobals: string[] = [];
  module.globals.forEach((g, i) => {
    if (!g.type.mutable) return;
    const index = importedGlobals + i;
    const known = exports.find((e) => e.kind === 'global' && e.index === index);
    if (known !== undefined) {
      ownGlobals.push(known.name);
      return;
    }
    let name = `cloak_global_${index}`;
    while (names.has(name)) name = `_${name}`;
    names.add(name);
    exports.push({ name, kind: 'global', index });
    ownGlobals.push(name);
  });
  const capped = { ...module, exports, memories: [{ min: mem.min, max: mem.max === undefined ? pages : Math.min(mem.max, pages) }] };
  const inst = instrument({ module: capped, info }, {
    ...(options.schedule ? { schedule: options.schedule } : {}),
    ...(options.stackLimit !== undefined ? { stackLimit: options.stackLimit } : {}),
    ...(options.check?.rejectFloats ? { rejectFloats: true } : {}),
  });
  if (!inst.ok) throw new VmError('static_validation', `code rejected by instrumentation: ${inst.error.message}`);
  const stack = inst.value.stack;
  if (stack === undefined) throw new Error('instrument applied no stack limit');
  const mv = module.customs.find((c) => c.name === 'cw_migrate_version');
  const mvText = mv === undefined ? '' : new TextDecoder().decode(mv.data);
  const migrateVersion = /^[0-9]{1,19}$/.test(mvText) && BigInt(mvText) <= 0xffffffffffffffffn ? BigInt(mvText) : undefined;
  return {
    ...(migrateVersion !== undefined ? { migrateVersion } : {}),
    checksum: report.checksum,
    generation: report.generation,
    report,
    bytes: inst.value.bytes,
    gasLeftExport: inst.value.gas.leftExport,
    gasExhaustedExport: inst.value.gas.exhaustedExport,
    stackHeightExport: stack.heightExport,
    stackLimit: stack.limit,
    memoryPages: pages,
    mutableGlobals: [...ownGlobals, inst.value.gas.leftExport, inst.value.gas.exhaustedExport, stack.heightExport],
    resettable: !scanCode(module).tableWrites && module.datas.every((d) => d.mode === 'active') && module.elements.every((e) => e.mode !== 'passive'),
    initialPages: mem.min,
    compiled: new Map(),
  };
}

/** Stored code by checksum: each upload is checked and instrumented once. */
export class CodeStore {
  private readonly codes = new Map<string, StoredCode>();

  constructor(private readonly options: CodeOptions = {}) {}

  /** Stores an upload (or returns the code already stored with the same checksum). */
  store(upload: Uint8Array): StoredCode {
    const wasm = uncompress(upload, this.options.maxSize ?? MAX_CODE_SIZE);
    const known = this.codes.get(createHash('sha256').update(wasm).digest('hex'));
    if (known) return known;
    const code = prepareCode(wasm, this.options);
    this.codes.set(code.checksum, code);
    return code;
  }

  get(checksum: string): StoredCode | undefined {
    return this.codes.get(checksum);
  }

  get size(): number {
    return this.codes.size;
  }
}
