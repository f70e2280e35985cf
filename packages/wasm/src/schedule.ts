/**
 * Gas schedules: versioned price tables defined on wasm instructions (design.md "Gas is part of the
 * protocol"; spec/secret-compute.md §5, spec/cosmwasm-abi.md §6, spec/interpreter-notes.md §4).
 *
 * A schedule is plain data: a precomputed cost per accepted opcode (`costs`, indexed by `opSlot`), the
 * prices of the run-time-sized operations (memory.grow per page, bulk memory per byte, table bulk ops
 * per element) and a per-declared-local entry charge. `meter.ts` sums `cost(op)` over each metered
 * block of the *original* instructions and inserts the dynamic charges; nothing else reads it. Every
 * price is an integer in [0, MAX_OP_COST]; the `id` names the version and belongs in every cache key
 * of instrumented code, so changing any number here means a new id.
 */
import { MAX_OP_COST } from './limits.js';
import { ALL_OPS, Op, opName } from './opcodes.js';

export { MAX_OP_COST };
/** Number of slots of a cost table: 256 one-byte opcodes, then the 0xfc sub-opcodes 0..31. */
export const COST_TABLE_SIZE = 0x100 + 0x20;

/** Index of an opcode (numbered as in opcodes.ts, `0xfc00 | sub` for prefixed ones) in a cost table. */
export function opSlot(op: number): number {
  return op < 0x100 ? op : 0x100 + (op & 0x1f);
}

export interface GasSchedule {
  /** Version name; part of the cache key of instrumented code (e.g. 'secret-v1'). */
  readonly id: string;
  /** Cost of each accepted instruction by `opSlot(op)`; 0 in slots of opcodes we do not accept. */
  readonly costs: Uint32Array;
  /** Gas per page of a `memory.grow` (charged on the requested delta, before growing). */
  readonly memoryGrowPerPage: number;
  /** Gas per byte of `memory.copy` / `memory.fill` / `memory.init` (on the length operand). */
  readonly bulkPerByte: number;
  /** Gas per element of `table.copy` / `table.init` (on the length operand). */
  readonly tablePerElement: number;
  /** Declared locals (parameters not counted) that are free at function entry. */
  readonly freeLocals: number;
  /** Gas per declared local above `freeLocals`, charged in the function's entry block. */
  readonly perLocal: number;
  /** Cost of one instruction. */
  cost(op: number): number;
  /** Entry charge of a function with `declaredLocals` declared locals. */
  localCost(declaredLocals: number): number;
}

export interface ScheduleSpec {
  id: string;
  /** Price of every instruction not listed in `overrides`. */
  base: number;
  /** Per-opcode prices that differ from `base`. */
  overrides?: ReadonlyArray<readonly [op: number, cost: number]>;
  memoryGrowPerPage: number;
  bulkPerByte: number;
  tablePerElement: number;
  freeLocals?: number;
  perLocal?: number;
}

function checkPrice(what: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > MAX_OP_COST) {
    throw new RangeError(`gas schedule: ${what} = ${v} must be an integer from 0 to ${MAX_OP_COST}`);
  }
}

/** Builds a frozen schedule from its data; wrong numbers are a programmer's error and throw. */
export function defineSchedule(spec: ScheduleSpec): GasSchedule {
  checkPrice('base', spec.base);
  const costs = new Uint32Array(COST_TABLE_SIZE);
  for (const [op] of ALL_OPS) costs[opSlot(op)] = spec.base;
  for (const [op, c] of spec.overrides ?? []) {
    checkPrice(`cost(${opName(op)})`, c);
    if (!ALL_OPS.some(([o]) => o === op)) throw new RangeError(`gas schedule: 0x${op.toString(16)} is not an accepted opcode`);
    costs[opSlot(op)] = c;
  }
  checkPrice('memoryGrowPerPage', spec.memoryGrowPerPage);
  checkPrice('bulkPerByte', spec.bulkPerByte);
  checkPrice('tablePerElement', spec.tablePerElement);
  const freeLocals = spec.freeLocals ?? 0;
  const perLocal = spec.perLocal ?? 0;
  if (!Number.isInteger(freeLocals) || freeLocals < 0) throw new RangeError(`gas schedule: freeLocals = ${freeLocals}`);
  checkPrice('perLocal', perLocal);
  const s: GasSchedule = {
    id: spec.id,
    costs,
    memoryGrowPerPage: spec.memoryGrowPerPage,
    bulkPerByte: spec.bulkPerByte,
    tablePerElement: spec.tablePerElement,
    freeLocals,
    perLocal,
    cost(op: number): number {
      return costs[opSlot(op)];
    },
    localCost(declaredLocals: number): number {
      return declaredLocals > freeLocals ? (declaredLocals - freeLocals) * perLocal : 0;
    },
  };
  return Object.freeze(s);
}

/**
 * Secret Network's wasm3-era schedule (spec/secret-compute.md §5): a flat 2 per instruction and 8,192
 * per page of `memory.grow`. `end` and `else` cost 0: they are not instructions in the walrus IR that
 * Secret meters (a sequence's cost counts the instructions in it), and wasm-instrument does not price
 * them either. Secret has no price for bulk operations (its toolchain predates them); ours:
 * - `bulkPerByte` 1: the smallest integer price, half an instruction per byte. A copy loop in wasm
 *   costs at least ~2 gas per byte (≈ 8 instructions per 8-byte word), so bulk ops stay cheaper than
 *   the loop they replace (Rust ≥ 1.87 emits them for memcpy/memset) while a copy of n bytes is never
 *   free; the engines do it with one native copy, far below its price in instructions.
 * - `tablePerElement` 2: one instruction per table entry written.
 * No locals charge (wasm3 has none).
 */
export const SECRET_SCHEDULE: GasSchedule = defineSchedule({
  id: 'secret-v1',
  base: 2,
  overrides: [
    [Op.end, 0],
    [Op.else, 0],
  ],
  memoryGrowPerPage: 8192,
  bulkPerByte: 1,
  tablePerElement: 2,
});

/** CosmWasm 2.x "accounting operators" (spec/cosmwasm-abi.md §6.2), priced ×14. */
export const COSMWASM_ACCOUNTING_OPS: readonly number[] = [
  Op.loop, Op.end, Op.if, Op.else, Op.br, Op.br_if, Op.br_table, Op.call, Op.call_indirect, Op.return,
];

/**
 * CosmWasm 2.0.5+/2.1.2+/2.2/3.x (spec/cosmwasm-abi.md §6.1–6.2): 115 per operator, 1,610 (= 14 × 115)
 * for the accounting operators, and (L − 29) × 115 at entry for L ≥ 30 declared locals. Because every
 * instruction that runs is paid exactly once in both schemes, a run that completes uses the same gas
 * as CosmWasm's charge-after metering (only where a trap or out-of-gas happens mid-block differs).
 * - `memoryGrowPerPage` 0: CosmWasm prices memory.grow as one ordinary operator and bounds memory by
 *   a page cap instead (512 pages), so a per-page price would break equality with CosmWasm.
 * - `bulkPerByte` 2: CosmWasm forbids bulk memory, so the price is ours: one operator (115) per 64
 *   bytes, wasmi's ratio (spec/interpreter-notes.md §4.1), rounded up to an integer per byte.
 * - `tablePerElement` 115: one operator per table entry written.
 */
export const COSMWASM_2_SCHEDULE: GasSchedule = defineSchedule({
  id: 'cosmwasm-2',
  base: 115,
  overrides: COSMWASM_ACCOUNTING_OPS.map((op) => [op, 1610] as const),
  memoryGrowPerPage: 0,
  bulkPerByte: 2,
  tablePerElement: 115,
  freeLocals: 29,
  perLocal: 115,
});

/** The default schedule of cloak. */
export const DEFAULT_SCHEDULE: GasSchedule = SECRET_SCHEDULE;
