/**
 * The interpreter's internal instruction set: a register ("three-address") IR, the design
 * spec/interpreter-notes.md §0 and §3.2 recommend for a JS interpreter under `--jitless`, where the
 * number of dispatches dominates (measured there: 341 ns/iteration for a register switch against
 * 1181 ns for a faithful stack machine).
 *
 * Code is one `Int32Array` per compiled module: an opcode word followed by its operand words. The
 * operand kinds are
 *   - *register*: a word offset from the frame pointer. Every value has a 64-bit slot (two words,
 *     low word first), so a register operand is `2 × slot`: parameters, then declared locals, then
 *     one temporary slot per operand-stack height (the wasm operand stack at height h lives in slot
 *     `locals + h`). i32 and f32 values use the low word; i64 and f64 both.
 *   - *immediate*: a 32-bit constant (i64 constants take two words, low first).
 *   - *target*: an absolute index into the code array.
 * Floats are kept as raw bits in the slots; only arithmetic reads them as JS numbers.
 *
 * `local.get` and constants emit nothing (the translator tracks them and reads the local's register
 * or uses an immediate); an operator followed by `local.set` writes the local directly; a compare
 * followed by `br_if` / `if` becomes one compare-and-branch. See compile.ts.
 *
 * The numbers are dense from 0 because exec.ts dispatches with a `switch` whose case labels must be
 * dense integer *literals* to compile to a jump table in V8's interpreter (notes §0.3): exec.ts
 * writes them as literals with the name in a comment, and a test checks that the two agree.
 *
 * Operand layouts (d = destination register, a/b/c = source registers, i = immediate, t = target):
 *   br t · br_nez a t · br_eqz a t · br_<cmp> a b t · br_<cmp>_i a i t
 *   br_table a n t0 … t(n-1) tdefault · ret · ret1 a (copy a to slot 0, then ret)
 *   stack_enter g i limit t   (global g += i; jump to t unless g >u limit: the stack limiter's check)
 *   call f base · call_import f base
 *   call_indirect type table base a   (base = register of the first argument; results land there)
 *   gas lo hi · gas_r a                (the metering helper run as an intrinsic, see compile.ts)
 *   mov d a · const32 d i · const64 d lo hi · select d a b c
 *   global_get d g · global_set g a · global_get_ext d g · global_set_ext g a · global_add_i g i
 *   global_add_i_get d g i   (global g += i, then d = g: the stack limiter's preamble)
 *   memory_size d · memory_grow d a · memory_fill a b c · memory_copy a b c · memory_init seg a b c
 *   data_drop seg · table_init seg table a b c · elem_drop seg · table_copy dst src a b c
 *   load* d a offset · store* a b offset   (a = address, b = value)
 *   load*_ai d a k offset · store*_ai a b k offset   (address ((a + k) mod 2^32) + offset: an
 *   `i32.add` of a constant fused into the access) · load*_rr d a b offset · store*_rr a v b offset
 *   (the same with `i32.add` of two registers a + b) · mov2 d1 a1 d2 a2 (two moves, in order)
 *   canon_f32 d a · canon_f64 d a   (NaN → canonical NaN, other bits unchanged: packages/wasm's
 *   NaN helper run as an intrinsic)
 *   binary ops d a b · binary ops with _i suffix d a i (i64 add/and/or/xor/mul: d a lo hi; i64
 *   shifts and rotl: d a k with k already reduced mod 64) · unary ops and conversions d a
 * Every frame has a *zero register* right after its locals (zeroed on entry, never written): a
 * constant 0 operand and a constant address (folded into the offset) read it, costing no instruction.
 */
export const Ir = {
  // control
  unreachable: 0,
  br: 1,
  br_nez: 2,
  br_eqz: 3,
  br_eq: 4,
  br_ne: 5,
  br_lt_s: 6,
  br_lt_u: 7,
  br_gt_s: 8,
  br_gt_u: 9,
  br_le_s: 10,
  br_le_u: 11,
  br_ge_s: 12,
  br_ge_u: 13,
  br_eq_i: 14,
  br_ne_i: 15,
  br_lt_s_i: 16,
  br_lt_u_i: 17,
  br_gt_s_i: 18,
  br_gt_u_i: 19,
  br_le_s_i: 20,
  br_le_u_i: 21,
  br_ge_s_i: 22,
  br_ge_u_i: 23,
  br_table: 24,
  ret: 25,
  call: 26,
  call_import: 27,
  call_indirect: 28,
  gas: 29,
  gas_r: 30,
  // moves
  mov: 31,
  const32: 32,
  const64: 33,
  select: 34,
  global_get: 35,
  global_set: 36,
  global_get_ext: 37,
  global_set_ext: 38,
  global_add_i: 39,
  // memory
  memory_size: 40,
  memory_grow: 41,
  memory_fill: 42,
  memory_copy: 43,
  memory_init: 44,
  data_drop: 45,
  table_init: 46,
  elem_drop: 47,
  table_copy: 48,
  load32: 49,
  load64: 50,
  load8_s: 51,
  load8_u: 52,
  load16_s: 53,
  load16_u: 54,
  load64_8_s: 55,
  load64_8_u: 56,
  load64_16_s: 57,
  load64_16_u: 58,
  load64_32_s: 59,
  load64_32_u: 60,
  store32: 61,
  store64: 62,
  store8: 63,
  store16: 64,
  // i32
  i32_add: 65,
  i32_sub: 66,
  i32_mul: 67,
  i32_div_s: 68,
  i32_div_u: 69,
  i32_rem_s: 70,
  i32_rem_u: 71,
  i32_and: 72,
  i32_or: 73,
  i32_xor: 74,
  i32_shl: 75,
  i32_shr_s: 76,
  i32_shr_u: 77,
  i32_rotl: 78,
  i32_rotr: 79,
  i32_eq: 80,
  i32_ne: 81,
  i32_lt_s: 82,
  i32_lt_u: 83,
  i32_gt_s: 84,
  i32_gt_u: 85,
  i32_le_s: 86,
  i32_le_u: 87,
  i32_ge_s: 88,
  i32_ge_u: 89,
  i32_add_i: 90,
  i32_mul_i: 91,
  i32_and_i: 92,
  i32_or_i: 93,
  i32_xor_i: 94,
  i32_shl_i: 95,
  i32_shr_s_i: 96,
  i32_shr_u_i: 97,
  i32_eq_i: 98,
  i32_ne_i: 99,
  i32_lt_s_i: 100,
  i32_lt_u_i: 101,
  i32_gt_s_i: 102,
  i32_gt_u_i: 103,
  i32_le_s_i: 104,
  i32_le_u_i: 105,
  i32_ge_s_i: 106,
  i32_ge_u_i: 107,
  i32_eqz: 108,
  i32_clz: 109,
  i32_ctz: 110,
  i32_popcnt: 111,
  i32_extend8_s: 112,
  i32_extend16_s: 113,
  // i64
  i64_add: 114,
  i64_sub: 115,
  i64_mul: 116,
  i64_div_s: 117,
  i64_div_u: 118,
  i64_rem_s: 119,
  i64_rem_u: 120,
  i64_and: 121,
  i64_or: 122,
  i64_xor: 123,
  i64_shl: 124,
  i64_shr_s: 125,
  i64_shr_u: 126,
  i64_rotl: 127,
  i64_rotr: 128,
  i64_eq: 129,
  i64_ne: 130,
  i64_lt_s: 131,
  i64_lt_u: 132,
  i64_gt_s: 133,
  i64_gt_u: 134,
  i64_le_s: 135,
  i64_le_u: 136,
  i64_ge_s: 137,
  i64_ge_u: 138,
  i64_eqz: 139,
  i64_clz: 140,
  i64_ctz: 141,
  i64_popcnt: 142,
  i64_extend8_s: 143,
  i64_extend16_s: 144,
  i64_extend32_s: 145,
  i64_extend_i32_s: 146,
  i64_extend_i32_u: 147,
  // f32
  f32_add: 148,
  f32_sub: 149,
  f32_mul: 150,
  f32_div: 151,
  f32_min: 152,
  f32_max: 153,
  f32_copysign: 154,
  f32_eq: 155,
  f32_ne: 156,
  f32_lt: 157,
  f32_gt: 158,
  f32_le: 159,
  f32_ge: 160,
  f32_abs: 161,
  f32_neg: 162,
  f32_ceil: 163,
  f32_floor: 164,
  f32_trunc: 165,
  f32_nearest: 166,
  f32_sqrt: 167,
  // f64
  f64_add: 168,
  f64_sub: 169,
  f64_mul: 170,
  f64_div: 171,
  f64_min: 172,
  f64_max: 173,
  f64_copysign: 174,
  f64_eq: 175,
  f64_ne: 176,
  f64_lt: 177,
  f64_gt: 178,
  f64_le: 179,
  f64_ge: 180,
  f64_abs: 181,
  f64_neg: 182,
  f64_ceil: 183,
  f64_floor: 184,
  f64_trunc: 185,
  f64_nearest: 186,
  f64_sqrt: 187,
  // convert
  i32_trunc_f32_s: 188,
  i32_trunc_f32_u: 189,
  i32_trunc_f64_s: 190,
  i32_trunc_f64_u: 191,
  i64_trunc_f32_s: 192,
  i64_trunc_f32_u: 193,
  i64_trunc_f64_s: 194,
  i64_trunc_f64_u: 195,
  i32_trunc_sat_f32_s: 196,
  i32_trunc_sat_f32_u: 197,
  i32_trunc_sat_f64_s: 198,
  i32_trunc_sat_f64_u: 199,
  i64_trunc_sat_f32_s: 200,
  i64_trunc_sat_f32_u: 201,
  i64_trunc_sat_f64_s: 202,
  i64_trunc_sat_f64_u: 203,
  f32_convert_i32_s: 204,
  f32_convert_i32_u: 205,
  f32_convert_i64_s: 206,
  f32_convert_i64_u: 207,
  f32_demote_f64: 208,
  f64_convert_i32_s: 209,
  f64_convert_i32_u: 210,
  f64_convert_i64_s: 211,
  f64_convert_i64_u: 212,
  f64_promote_f32: 213,
  // immediate forms added later (numbers stay dense)
  i32_rotl_i: 214,
  i32_rotr_i: 215,
  i64_add_i: 216,
  i64_and_i: 217,
  i64_or_i: 218,
  i64_xor_i: 219,
  i64_mul_i: 220,
  i64_shl_i: 221,
  i64_shr_s_i: 222,
  i64_shr_u_i: 223,
  i64_rotl_i: 224,
  // superinstructions
  load32_ai: 225,
  load64_ai: 226,
  load8_u_ai: 227,
  store32_ai: 228,
  store64_ai: 229,
  store8_ai: 230,
  mov2: 231,
  canon_f32: 232,
  canon_f64: 233,
  load32_rr: 234,
  load64_rr: 235,
  load8_u_rr: 236,
  store32_rr: 237,
  store64_rr: 238,
  store8_rr: 239,
  global_add_i_get: 240,
  ret1: 241,
  stack_enter: 242,
} as const;

export type IrOp = (typeof Ir)[keyof typeof Ir];

/** Names by number, for disassembly and error messages. */
export const IR_NAMES: readonly string[] = (() => {
  const names: string[] = [];
  for (const [name, n] of Object.entries(Ir)) names[n] = name;
  return names;
})();

export const IR_COUNT = IR_NAMES.length;

/** Number of operand words after the opcode, for every op but br_table (variable). */
export const IR_OPERANDS: readonly number[] = (() => {
  const n: number[] = [];
  const set = (count: number, ...ops: number[]) => { for (const op of ops) n[op] = count; };
  for (const [name, op] of Object.entries(Ir)) {
    if (name.startsWith('br_') && name !== 'br_table') n[op] = name === 'br_nez' || name === 'br_eqz' ? 2 : 3;
    else if (/^(i32|i64|f32|f64)_/.test(name)) n[op] = /^(i32|i64|f32|f64)_(add|sub|mul|div(_[su])?|rem_[su]|and|or|xor|shl|shr_[su]|rot[lr]|eq|ne|[lg][te](_[su])?|min|max|copysign)(_i)?$/.test(name) ? 3 : 2;
    else if (name.startsWith('load') || name.startsWith('store')) n[op] = 3;
  }
  set(0, Ir.unreachable, Ir.ret);
  set(1, Ir.ret1);
  set(4, Ir.stack_enter);
  set(1, Ir.br, Ir.gas_r, Ir.memory_size, Ir.data_drop, Ir.elem_drop);
  set(2, Ir.canon_f32, Ir.canon_f64);
  set(2, Ir.call, Ir.call_import, Ir.gas, Ir.mov, Ir.const32, Ir.global_get, Ir.global_set, Ir.global_get_ext, Ir.global_set_ext, Ir.global_add_i, Ir.memory_grow);
  set(3, Ir.const64, Ir.memory_fill, Ir.memory_copy, Ir.global_add_i_get);
  set(4, Ir.call_indirect, Ir.select, Ir.memory_init);
  set(5, Ir.table_init);
  set(5, Ir.table_copy);
  set(4, Ir.i64_add_i, Ir.i64_and_i, Ir.i64_or_i, Ir.i64_xor_i, Ir.i64_mul_i);
  set(4, Ir.load32_ai, Ir.load64_ai, Ir.load8_u_ai, Ir.store32_ai, Ir.store64_ai, Ir.store8_ai, Ir.mov2);
  set(4, Ir.load32_rr, Ir.load64_rr, Ir.load8_u_rr, Ir.store32_rr, Ir.store64_rr, Ir.store8_rr);
  return n;
})();
