/**
 * `checkContract`: the static checks a chain runs when a CosmWasm contract is stored
 * (spec/cosmwasm-abi.md §5.1 for 1.x–3.x, §5.2 for 0.9/0.10; spec/secret-compute.md §4.3 for Secret
 * Network's upload checks and import whitelists).
 *
 * The ABI generation is read from the single marker export (§1). Then every rule is checked and
 * *every* violation is reported, each with a stable rule id, a message that names the value and the
 * limit, and the byte offset in the file where there is one. The only rule that stops the others is
 * `wasm-invalid`: a module that does not decode and validate is not looked at further.
 *
 * Where CosmWasm and Secret differ, cloak takes the union of what either accepts for the generation
 * (CosmWasm's import list plus Secret's extra host functions) and Secret's stricter rules elsewhere
 * (no start function; floats rejectable for 1.x with `rejectFloats`). The table, import and function
 * limits (CosmWasm 1.3+ / 2.x) are applied to every generation: they bound the resources a module
 * can make the VM spend, whatever std built it.
 *
 * Never throws for bad input. The checksum is SHA-256 computed with node:crypto (the only non-wasm
 * dependency of this package; swap for @noble/hashes once that is a dependency).
 */
import { createHash } from 'node:crypto';
import { capture, type WasmError } from './errors.js';
import { cosmwasmLimits, type CosmwasmLimits } from './limits.js';
import {
  funcTypeIndices,
  globalTypes,
  importCounts,
  valTypeName,
  type FuncType,
  type ImportDesc,
  type Limits,
  type Module,
} from './types.js';
import { decode, positionsOf } from './decode.js';
import { validate } from './validate.js';
import { scanCode } from './scan.js';

// ---------------------------------------------------------------------------------------------
// Generations

/** The ABI generation of a contract, named by its marker export (spec/cosmwasm-abi.md §1). */
export interface Generation {
  /** 'v1' (interface_version_8), '0.16', '0.15', '0.14', '0.11' (0.11–0.13), '0.10', '0.9', '0.8'. */
  id: GenerationId;
  /** The marker export that names it. */
  marker: string;
  /** The cosmwasm-std versions that emit this marker. */
  cosmwasm: string;
}
export type GenerationId = 'v1' | '0.16' | '0.15' | '0.14' | '0.11' | '0.10' | '0.9' | '0.8';

/** Families that share entry points, required exports and import lists. */
type Era = 'v1' | '0.14' | '0.11' | '0.9' | '0.8';

interface GenerationRow {
  gen: Generation;
  era: Era;
}

const GENERATIONS: Record<string, GenerationRow> = {
  interface_version_8: { gen: { id: 'v1', marker: 'interface_version_8', cosmwasm: '1.x–3.x' }, era: 'v1' },
  interface_version_7: { gen: { id: '0.16', marker: 'interface_version_7', cosmwasm: '0.16' }, era: '0.14' },
  interface_version_6: { gen: { id: '0.15', marker: 'interface_version_6', cosmwasm: '0.15' }, era: '0.14' },
  interface_version_5: { gen: { id: '0.14', marker: 'interface_version_5', cosmwasm: '0.14' }, era: '0.14' },
  cosmwasm_vm_version_4: { gen: { id: '0.11', marker: 'cosmwasm_vm_version_4', cosmwasm: '0.11–0.13' }, era: '0.11' },
  cosmwasm_vm_version_3: { gen: { id: '0.10', marker: 'cosmwasm_vm_version_3', cosmwasm: '0.10' }, era: '0.9' },
  cosmwasm_vm_version_2: { gen: { id: '0.9', marker: 'cosmwasm_vm_version_2', cosmwasm: '0.9' }, era: '0.9' },
  cosmwasm_vm_version_1: { gen: { id: '0.8', marker: 'cosmwasm_vm_version_1', cosmwasm: '0.8' }, era: '0.8' },
};

/** Export names that mark an ABI version, supported or not. */
const MARKER_PREFIXES = ['interface_version_', 'cosmwasm_vm_version_', 'cosmwasm_api_'];

function isMarker(name: string): boolean {
  return MARKER_PREFIXES.some((p) => name.startsWith(p));
}

/** Exports each era requires (name and function kind). §3.1, §4.1, §5.1 step 5, §5.2 step 3. */
const REQUIRED_EXPORTS: Record<Era, readonly string[]> = {
  v1: ['allocate', 'deallocate'],
  '0.14': ['allocate', 'deallocate'],
  '0.11': ['init', 'handle', 'query', 'allocate', 'deallocate'],
  '0.9': ['init', 'handle', 'query', 'allocate', 'deallocate'],
  '0.8': ['init', 'handle', 'query', 'allocate', 'deallocate'],
};

const IBC_ENTRY_POINTS = [
  'ibc_channel_open', 'ibc_channel_connect', 'ibc_channel_close',
  'ibc_packet_receive', 'ibc_packet_ack', 'ibc_packet_timeout',
];

/** Exports the host may call, per era (§1, §4.1). */
const ENTRY_POINTS: Record<Era, readonly string[]> = {
  v1: [
    'instantiate', 'execute', 'migrate', 'sudo', 'reply', 'query', ...IBC_ENTRY_POINTS,
    'ibc_source_callback', 'ibc_destination_callback',
    'ibc2_packet_receive', 'ibc2_packet_ack', 'ibc2_packet_timeout', 'ibc2_packet_send',
  ],
  '0.14': ['instantiate', 'execute', 'migrate', 'sudo', 'reply', 'query', ...IBC_ENTRY_POINTS],
  '0.11': ['init', 'handle', 'migrate', 'query'],
  '0.9': ['init', 'handle', 'migrate', 'query'],
  '0.8': ['init', 'handle', 'query'],
};

/** Secret Network's extra host functions for 1.x contracts (secret-compute.md §4.3). */
const SECRET_V1_EXTRAS = ['secp256k1_sign', 'ed25519_sign', 'dcap_quote_verify', 'check_gas', 'gas_evaporate', 'debug_print'];
/** Secret Network's extra host functions for 0.10 contracts (secret-compute.md §4.3). */
const SECRET_V010_EXTRAS = [
  'secp256k1_verify', 'secp256k1_recover_pubkey', 'secp256k1_sign',
  'ed25519_verify', 'ed25519_batch_verify', 'ed25519_sign', 'debug_print',
];
const V09_IMPORTS = [
  'db_read', 'db_write', 'db_remove', 'canonicalize_address', 'humanize_address', 'query_chain', 'db_scan', 'db_next',
];

/** The `env` functions each era may import (§3.2, §4.2, §1; Secret's extras added). */
const IMPORT_WHITELIST: Record<Era, ReadonlySet<string>> = {
  v1: new Set([
    'abort', 'db_read', 'db_write', 'db_remove', 'db_scan', 'db_next', 'db_next_key', 'db_next_value',
    'addr_validate', 'addr_canonicalize', 'addr_humanize',
    'secp256k1_verify', 'secp256k1_recover_pubkey', 'secp256r1_verify', 'secp256r1_recover_pubkey',
    'ed25519_verify', 'ed25519_batch_verify',
    'bls12_381_aggregate_g1', 'bls12_381_aggregate_g2', 'bls12_381_pairing_equality',
    'bls12_381_hash_to_g1', 'bls12_381_hash_to_g2',
    'debug', 'query_chain',
    ...SECRET_V1_EXTRAS,
  ]),
  '0.14': new Set([
    'db_read', 'db_write', 'db_remove', 'db_scan', 'db_next',
    'addr_validate', 'addr_canonicalize', 'addr_humanize',
    'secp256k1_verify', 'secp256k1_recover_pubkey', 'ed25519_verify', 'ed25519_batch_verify',
    'debug', 'query_chain',
  ]),
  '0.11': new Set([...V09_IMPORTS, 'debug']),
  '0.9': new Set([...V09_IMPORTS, ...SECRET_V010_EXTRAS]),
  '0.8': new Set(['db_read', 'db_write', 'canonicalize_address', 'humanize_address', 'query_chain']),
};

const I32 = 'i32';
const I64 = 'i64';
/**
 * Wasm signatures of host functions where the spec gives them (§3.2, §4.2). They are the same in
 * every generation that has the import. Secret's extra functions have no published signature in the
 * spec and are not checked here (instantiation catches a mismatch).
 */
const IMPORT_SIGNATURES: Record<string, { params: string[]; results: string[] }> = {
  abort: { params: [I32], results: [] },
  db_read: { params: [I32], results: [I32] },
  db_write: { params: [I32, I32], results: [] },
  db_remove: { params: [I32], results: [] },
  db_scan: { params: [I32, I32, I32], results: [I32] },
  db_next: { params: [I32], results: [I32] },
  db_next_key: { params: [I32], results: [I32] },
  db_next_value: { params: [I32], results: [I32] },
  canonicalize_address: { params: [I32, I32], results: [I32] },
  humanize_address: { params: [I32, I32], results: [I32] },
  addr_validate: { params: [I32], results: [I32] },
  addr_canonicalize: { params: [I32, I32], results: [I32] },
  addr_humanize: { params: [I32, I32], results: [I32] },
  secp256k1_verify: { params: [I32, I32, I32], results: [I32] },
  secp256k1_recover_pubkey: { params: [I32, I32, I32], results: [I64] },
  secp256r1_verify: { params: [I32, I32, I32], results: [I32] },
  secp256r1_recover_pubkey: { params: [I32, I32, I32], results: [I64] },
  ed25519_verify: { params: [I32, I32, I32], results: [I32] },
  ed25519_batch_verify: { params: [I32, I32, I32], results: [I32] },
  bls12_381_aggregate_g1: { params: [I32, I32], results: [I32] },
  bls12_381_aggregate_g2: { params: [I32, I32], results: [I32] },
  bls12_381_pairing_equality: { params: [I32, I32, I32, I32], results: [I32] },
  bls12_381_hash_to_g1: { params: [I32, I32, I32, I32], results: [I32] },
  bls12_381_hash_to_g2: { params: [I32, I32, I32, I32], results: [I32] },
  debug: { params: [I32], results: [] },
  query_chain: { params: [I32], results: [I32] },
};

/**
 * Capabilities cloak's chain offers by default: Secret Network's set (staking, stargate, ibc3,
 * random; app/keepers/keepers.go) plus `iterator` (cloak implements db_scan/db_next, Secret does
 * not) and the std version markers cosmwasm_1_1 … cosmwasm_2_2 (the imports and message shapes up
 * to 2.2 are implemented). Not offered: ibc2 and cosmwasm_3_0 (3.0's ibc2 entry points and queries).
 */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'staking', 'stargate', 'ibc3', 'random', 'iterator',
  'cosmwasm_1_1', 'cosmwasm_1_2', 'cosmwasm_1_3', 'cosmwasm_1_4',
  'cosmwasm_2_0', 'cosmwasm_2_1', 'cosmwasm_2_2',
];

/** Every rule id `checkContract` reports. */
export const CHECK_RULES = [
  'wasm-invalid',
  'memory-count', 'memory-initial', 'memory-maximum',
  'table-count', 'table-maximum',
  'marker-missing', 'marker-multiple', 'marker-unknown',
  'export-missing',
  'import-forbidden', 'import-not-function', 'import-signature', 'import-count',
  'floats',
  'function-count', 'function-params', 'function-results', 'total-params', 'function-locals', 'total-locals',
  'start-function',
  'capability',
] as const;
export type CheckRule = (typeof CHECK_RULES)[number];

// ---------------------------------------------------------------------------------------------
// Report

export interface CheckOptions {
  /** Overrides of CosmWasm's static limits (limits.ts `cosmwasmLimits`). */
  limits?: Partial<CosmwasmLimits>;
  /** Reject float instructions and float types in 1.x contracts too, as Secret Network does (default false). */
  rejectFloats?: boolean;
  /** Capabilities the chain offers, checked against `requires_*` exports (default DEFAULT_CAPABILITIES). */
  capabilities?: Iterable<string>;
}

export interface Violation {
  rule: CheckRule;
  message: string;
  /** Absolute byte offset in the file, when the problem has one position. */
  offset?: number;
}

export interface ExternInfo {
  name: string;
  kind: 'func' | 'table' | 'memory' | 'global';
  /** The type in text form: `(i32, i32) -> i32`, `memory 17`, `table funcref 1..1`, `global mut i32`. */
  type?: string;
}

export interface ImportInfo extends ExternInfo {
  module: string;
}

export interface CheckReport {
  accepted: boolean;
  /** Undefined when there is no single known marker export (or the module is invalid). */
  generation: Generation | undefined;
  exports: ExternInfo[];
  imports: ImportInfo[];
  /** Exported functions that the host calls as entry points for this generation. */
  entryPoints: string[];
  /** The X of every `requires_X` export. */
  capabilities: string[];
  /** The module uses float instructions or float-typed params, results, locals or globals. */
  floats: boolean;
  /** The module uses bulk-memory instructions (allowed). */
  bulkMemory: boolean;
  violations: Violation[];
  /** Bytes of the module as checked. */
  size: number;
  /** SHA-256 of the bytes, lowercase hex: Secret's code hash. */
  checksum: string;
}

/** At most this many violations of one rule are listed individually; the rest are summarised. */
const MAX_PER_RULE = 20;

/**
 * Runs every store-time check on a contract binary and returns the report. Never throws for bad
 * input (throws only for a non-Uint8Array argument).
 */
export function checkContract(bytes: Uint8Array, options: CheckOptions = {}): CheckReport {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('checkContract: expected a Uint8Array');
  const report: CheckReport = {
    accepted: false,
    generation: undefined,
    exports: [],
    imports: [],
    entryPoints: [],
    capabilities: [],
    floats: false,
    bulkMemory: false,
    violations: [],
    size: bytes.length,
    checksum: createHash('sha256').update(bytes).digest('hex'),
  };

  const invalid = (e: WasmError): void => {
    report.violations.push({
      rule: 'wasm-invalid',
      message: `not a valid WebAssembly module (${e.kind}): ${e.reason}`,
      ...(e.offset >= 0 ? { offset: e.offset } : {}),
    });
  };
  const decoded = decode(bytes);
  if (!decoded.ok) {
    invalid(decoded.error);
    return report;
  }
  const m = decoded.value;
  // cloak's validator refuses a second table or memory (no reference-types / multi-memory), which
  // would hide the CosmWasm rule that names the problem. So a module with too many is validated
  // with only its first table and memory, and reports table-count / memory-count (the CosmWasm 3.x
  // validator accepts two tables and then fails this rule).
  const imported = importCounts(m);
  const tooMany = imported.tables + m.tables.length > 1 || imported.memories + m.memories.length > 1;
  const validated = validate(tooMany
    ? { ...m, tables: m.tables.slice(0, Math.max(0, 1 - imported.tables)), memories: m.memories.slice(0, Math.max(0, 1 - imported.memories)) }
    : m);
  if (!validated.ok) {
    if (tooMany) countRules(m, offsetsOf(m), new Collector(report.violations));
    invalid(validated.error);
    return report;
  }
  // The checks below only read a validated module; a throw here is a bug, still reported as a value.
  const r = capture(() => runChecks(bytes, m, options, report));
  if (!r.ok) {
    report.violations.push({ rule: 'wasm-invalid', message: `internal error while checking: ${r.error.reason}` });
  }
  report.accepted = report.violations.length === 0;
  return report;
}

class Collector {
  private readonly counts = new Map<CheckRule, number>();
  constructor(private readonly out: Violation[]) {}

  add(rule: CheckRule, message: string, offset?: number): void {
    const n = (this.counts.get(rule) ?? 0) + 1;
    this.counts.set(rule, n);
    if (n <= MAX_PER_RULE) this.out.push(offset !== undefined && offset >= 0 ? { rule, message, offset } : { rule, message });
  }

  /** Appends "… and N more" for rules that went over MAX_PER_RULE. */
  finish(): void {
    for (const [rule, n] of this.counts) {
      if (n > MAX_PER_RULE) this.out.push({ rule, message: `… and ${n - MAX_PER_RULE} more ${rule} violations` });
    }
  }
}

function runChecks(bytes: Uint8Array, m: Module, options: CheckOptions, report: CheckReport): void {
  const limits: CosmwasmLimits = { ...cosmwasmLimits };
  for (const [k, val] of Object.entries(options.limits ?? {})) if (typeof val === 'number') limits[k as keyof CosmwasmLimits] = val;
  const capabilities = new Set(options.capabilities ?? DEFAULT_CAPABILITIES);
  const at = offsetsOf(m);
  const v = new Collector(report.violations);

  // Exports and imports, for the report.
  const funcTypes: FuncType[] = funcTypeIndices(m).map((t) => m.types[t]);
  const tableTypes = [...m.imports.flatMap((i) => (i.desc.kind === 'table' ? [i.desc.table] : [])), ...m.tables];
  const memTypes = [...m.imports.flatMap((i) => (i.desc.kind === 'memory' ? [i.desc.memory] : [])), ...m.memories];
  const globals = globalTypes(m);
  for (const e of m.exports) {
    let type: string | undefined;
    switch (e.kind) {
      case 'func': type = funcTypes[e.index] && formatFuncType(funcTypes[e.index]); break;
      case 'table': type = tableTypes[e.index] && `table ${valTypeName(tableTypes[e.index].elemType)} ${formatLimits(tableTypes[e.index].limits)}`; break;
      case 'memory': type = memTypes[e.index] && `memory ${formatLimits(memTypes[e.index])}`; break;
      case 'global': type = globals[e.index] && `global ${globals[e.index].mutable ? 'mut ' : ''}${valTypeName(globals[e.index].valType)}`; break;
    }
    report.exports.push(type === undefined ? { name: e.name, kind: e.kind } : { name: e.name, kind: e.kind, type });
  }
  for (const imp of m.imports) {
    report.imports.push({ module: imp.module, name: imp.name, kind: imp.desc.kind, type: formatImportDesc(m, imp.desc) });
  }
  const funcExports = new Set(m.exports.filter((e) => e.kind === 'func').map((e) => e.name));
  const exportAt = (name: string): number | undefined => {
    const i = m.exports.findIndex((e) => e.name === name);
    return i >= 0 ? at.exports[i] : undefined;
  };

  // Memories and tables: counts (§5.1 steps 2–3, §5.2 step 2).
  countRules(m, at, v);
  {
    let i = 0;
    for (const imp of m.imports) {
      if (imp.desc.kind === 'memory') checkMemory(v, imp.desc.memory, `imported memory ${imp.module}.${imp.name}`, at.imports[m.imports.indexOf(imp)], limits);
    }
    for (const mem of m.memories) {
      checkMemory(v, mem, `memory ${i}`, at.memories[i], limits);
      i++;
    }
  }

  // Tables (§5.1 step 2).
  {
    const importedTables = m.imports.filter((i) => i.desc.kind === 'table').length;
    tableTypes.forEach((t, i) => {
      const where = i < importedTables ? undefined : at.tables[i - importedTables];
      if (t.limits.max === undefined) {
        v.add('table-maximum', `table ${i} has no maximum size; a table must declare a maximum of at most ${limits.maxTableSize} entries`, where);
      } else if (t.limits.max > limits.maxTableSize) {
        v.add('table-maximum', `table ${i} maximum ${t.limits.max} exceeds the limit ${limits.maxTableSize} entries (maxTableSize)`, where);
      }
    });
  }

  // Marker and generation (§5.1 step 4, §1).
  const markers = m.exports.map((e, i) => ({ e, i })).filter(({ e }) => isMarker(e.name));
  let row: GenerationRow | undefined;
  if (markers.length === 0) {
    v.add('marker-missing', 'no ABI marker export (interface_version_8 for CosmWasm 1.x–3.x, cosmwasm_vm_version_3 for 0.10, …); the generation is unknown, so export and import checks were skipped');
  } else if (markers.length > 1) {
    v.add('marker-multiple', `more than one ABI marker export: ${markers.map(({ e }) => e.name).join(', ')}; the generation is ambiguous, so export and import checks were skipped`, at.exports[markers[1].i]);
  } else {
    const { e, i } = markers[0];
    row = GENERATIONS[e.name];
    if (row === undefined) {
      const msg = e.name.startsWith('cosmwasm_api_')
        ? `marker export ${e.name} is CosmWasm 0.6/0.7; 0.6/0.7 is not supported (the oldest supported ABI is 0.8, cosmwasm_vm_version_1)`
        : `unknown ABI marker export ${e.name}; supported: ${Object.keys(GENERATIONS).join(', ')}`;
      v.add('marker-unknown', msg, at.exports[i]);
    } else {
      report.generation = { ...row.gen };
    }
  }
  const era = row?.era;

  // Entry points and capabilities (for the report).
  const entryNames = era ? ENTRY_POINTS[era] : [...new Set(Object.values(ENTRY_POINTS).flat())];
  report.entryPoints = m.exports.filter((e) => e.kind === 'func' && entryNames.includes(e.name)).map((e) => e.name);
  report.capabilities = m.exports.filter((e) => e.name.startsWith('requires_')).map((e) => e.name.slice('requires_'.length));

  // Required exports (§5.1 step 5, §5.2 step 3).
  if (era && row) {
    for (const name of REQUIRED_EXPORTS[era]) {
      if (!funcExports.has(name)) {
        const other = m.exports.find((e) => e.name === name);
        v.add('export-missing', other
          ? `required export ${name} is a ${other.kind}, not a function (CosmWasm ${row.gen.cosmwasm})`
          : `required export ${name} is missing (CosmWasm ${row.gen.cosmwasm}, ${row.gen.marker})`, other ? exportAt(name) : undefined);
      }
    }
  }

  // Imports (§5.1 step 6, §5.2 step 4).
  if (m.imports.length > limits.maxImports) {
    v.add('import-count', `the module has ${m.imports.length} imports; the limit is ${limits.maxImports} (maxImports)`, at.sections.get(2));
  }
  m.imports.forEach((imp, i) => {
    const where = at.imports[i];
    const full = `${imp.module}.${imp.name}`;
    if (imp.desc.kind !== 'func') {
      v.add('import-not-function', `import ${full} is a ${imp.desc.kind}; a contract may import only functions (it must define and export its own memory)`, where);
      return;
    }
    if (!era || !row) return;
    if (imp.module !== 'env') {
      v.add('import-forbidden', `import ${full}: host functions come from module "env", not "${imp.module}"`, where);
      return;
    }
    if (!IMPORT_WHITELIST[era].has(imp.name)) {
      v.add('import-forbidden', `import env.${imp.name} is not a host function of the CosmWasm ${row.gen.cosmwasm} ABI (${row.gen.marker})`, where);
      return;
    }
    const want = IMPORT_SIGNATURES[imp.name];
    const got = m.types[imp.desc.type];
    if (want && got) {
      const gotP = got.params.map(valTypeName);
      const gotR = got.results.map(valTypeName);
      if (gotP.join() !== want.params.join() || gotR.join() !== want.results.join()) {
        v.add('import-signature', `import env.${imp.name} has type ${formatFuncType(got)}; the host provides ${formatSig(want.params, want.results)}`, where);
      }
    }
  });

  // Function limits (§5.1 step 8).
  if (m.functions.length > limits.maxFunctions) {
    v.add('function-count', `the module defines ${m.functions.length} functions; the limit is ${limits.maxFunctions} (maxFunctions)`, at.sections.get(3));
  }
  m.types.forEach((t, i) => {
    if (t.params.length > limits.maxFunctionParams) {
      v.add('function-params', `type ${i} has ${t.params.length} parameters; the limit is ${limits.maxFunctionParams} (maxFunctionParams)`, at.types[i]);
    }
    if (t.results.length > limits.maxFunctionResults) {
      v.add('function-results', `type ${i} has ${t.results.length} results; the limit is ${limits.maxFunctionResults} (maxFunctionResults)`, at.types[i]);
    }
  });
  let totalParams = 0;
  for (const t of m.functions) totalParams += m.types[t]?.params.length ?? 0;
  if (totalParams > limits.maxTotalFunctionParams) {
    v.add('total-params', `the defined functions have ${totalParams} parameters in total; the limit is ${limits.maxTotalFunctionParams} (maxTotalFunctionParams)`, at.sections.get(3));
  }
  const importedFuncs = funcTypes.length - m.functions.length;
  let totalLocals = 0;
  m.codes.forEach((body, i) => {
    let n = 0;
    for (const g of body.locals) n += g.count;
    totalLocals += n;
    if (n > limits.maxFunctionLocals) {
      v.add('function-locals', `function ${importedFuncs + i} declares ${n} locals; the limit is ${limits.maxFunctionLocals} (maxFunctionLocals)`, body.codeOffset);
    }
  });
  if (totalLocals > limits.maxTotalLocals) {
    v.add('total-locals', `the functions declare ${totalLocals} locals in total; the limit is ${limits.maxTotalLocals} (maxTotalLocals)`, at.sections.get(10));
  }

  // Start function (Secret's enclave rejects it, secret-compute.md §4.3).
  if (m.start !== undefined) {
    v.add('start-function', `the module has a start function (function ${m.start}); contracts may not run code at instantiation`, at.sections.get(8));
  }

  // Capabilities (§5.1 step 7, §5.2 step 5).
  for (const cap of report.capabilities) {
    if (!capabilities.has(cap)) {
      v.add('capability', `the contract requires capability "${cap}", which this chain does not offer (offered: ${[...capabilities].join(', ') || 'none'})`, exportAt(`requires_${cap}`));
    }
  }

  // Floats and bulk memory: one walk over every body.
  const scan = scanCode(m);
  report.bulkMemory = scan.bulkMemory;
  const floatTypes = scan.floatTyped;
  report.floats = scan.floatInstructions > 0 || floatTypes.length > 0;
  const floatsRejected = era !== undefined && era !== 'v1' ? true : options.rejectFloats === true;
  if (report.floats && floatsRejected) {
    const why = era !== undefined && era !== 'v1'
      ? `CosmWasm ${row?.gen.cosmwasm} contracts may not use floats`
      : 'floats are rejected (rejectFloats, as Secret Network does)';
    const parts: string[] = [];
    if (scan.firstFloat) parts.push(`${scan.floatInstructions} float instruction${scan.floatInstructions === 1 ? '' : 's'}, the first is ${scan.firstFloat.name}`);
    if (floatTypes.length > 0) parts.push(`${floatTypes.length} float-typed item${floatTypes.length === 1 ? '' : 's'} (${floatTypes.slice(0, 3).join('; ')}${floatTypes.length > 3 ? '; …' : ''})`);
    v.add('floats', `${why}: ${parts.join(' and ')}`, scan.firstFloat?.offset);
  }

  v.finish();
}

function countRules(m: Module, at: Offsets, v: Collector): void {
  const c = importCounts(m);
  const memCount = c.memories + m.memories.length;
  if (memCount !== 1) {
    v.add('memory-count', memCount === 0
      ? 'the module has no memory; a contract must define exactly one (and export it)'
      : `the module has ${memCount} memories; a contract must have exactly one`, at.sections.get(5));
  }
  const tableCount = c.tables + m.tables.length;
  if (tableCount > 1) v.add('table-count', `the module has ${tableCount} tables; at most 1 is allowed`, at.sections.get(4));
}

function checkMemory(v: Collector, mem: Limits, what: string, where: number | undefined, limits: CosmwasmLimits): void {
  if (mem.min > limits.maxInitialPages) {
    v.add('memory-initial', `${what} declares ${mem.min} initial pages; the limit is ${limits.maxInitialPages} pages (maxInitialPages, ${limits.maxInitialPages * 64} KiB)`, where);
  }
  if (mem.max !== undefined) {
    v.add('memory-maximum', `${what} declares a maximum of ${mem.max} pages; a contract must not declare one, the host sets it`, where);
  }
}

// ---------------------------------------------------------------------------------------------
// Byte offsets of entries (decode.ts records them beside the module)

interface Offsets {
  /** Offset of each known section's id byte. */
  sections: Map<number, number>;
  types: number[];
  imports: number[];
  tables: number[];
  memories: number[];
  exports: number[];
}

/** Where the entries of interest stood in the binary, from what the decoder recorded. */
function offsetsOf(m: Module): Offsets {
  const p = positionsOf(m);
  const o: Offsets = { sections: new Map(), types: [], imports: [], tables: [], memories: [], exports: [] };
  if (p === undefined) return o;
  p.sections.forEach((at, id) => { if (at >= 0) o.sections.set(id, at); });
  return { ...o, types: p.types, imports: p.imports, tables: p.tables, memories: p.memories, exports: p.exports };
}

// ---------------------------------------------------------------------------------------------
// Formatting

function formatSig(params: readonly string[], results: readonly string[]): string {
  return `(${params.join(', ')}) -> ${results.length === 1 ? results[0] : `(${results.join(', ')})`}`;
}

function formatFuncType(t: FuncType): string {
  return formatSig(t.params.map(valTypeName), t.results.map(valTypeName));
}

function formatLimits(l: Limits): string {
  return l.max === undefined ? `${l.min}` : `${l.min}..${l.max}`;
}

function formatImportDesc(m: Module, d: ImportDesc): string {
  switch (d.kind) {
    case 'func': return m.types[d.type] ? formatFuncType(m.types[d.type]) : `type ${d.type}`;
    case 'table': return `table ${valTypeName(d.table.elemType)} ${formatLimits(d.table.limits)}`;
    case 'memory': return `memory ${formatLimits(d.memory)}`;
    case 'global': return `global ${d.global.mutable ? 'mut ' : ''}${valTypeName(d.global.valType)}`;
  }
}
