/**
 * Reads one instruction at a time from a function body's bytes (spec §5.4), without allocating.
 *
 * `InstrReader.next()` decodes the opcode and its immediates into the reader's own fields (`op`,
 * `a`, `b`, `targets`), which stay valid until the next call. The validator, the instrumentation
 * passes and the interpreter's compiler all walk code with it, so the binary encoding of
 * instructions is known in exactly one place. Opcodes of proposals outside our feature set are
 * reported as `unsupported` with the proposal named; unknown bytes are `malformed`.
 */
import { ByteReader } from './bytes.js';
import { malformed, unsupported, overLimit } from './errors.js';
import { FC_IMM, Imm, OP_IMM } from './opcodes.js';
import { MAX_BR_TABLE_SIZE } from './limits.js';

/** Block type encodings in `InstrReader.a` for block/loop/if: see `blockType`. */
export const BLOCK_EMPTY = -0x40;

export class InstrReader {
  readonly r: ByteReader;
  /** Opcode of the last instruction read (`0xfc00 | sub` for 0xfc-prefixed ones). */
  op = 0;
  /** Position (index into the code bytes) of the last instruction's first byte. */
  start = 0;
  /**
   * First immediate: label depth, function/type/local/global/data/elem index, memarg alignment,
   * i32 constant, f32 bits, br_table default label, or the block type (negative: `-valtype`, or
   * BLOCK_EMPTY; non-negative: a type index).
   */
  a = 0;
  /** Second immediate: memarg offset, table index, second memory/table index. */
  b = 0;
  /** br_table labels (the first `targetCount` entries; the array is reused). */
  targets: number[] = [];
  targetCount = 0;
  /** Position of the immediate of i64.const / f64.const, read lazily with `i64Value` / `f64Bits`. */
  private immPos = 0;

  /**
   * @param code the body's instruction bytes
   * @param base absolute file offset of `code[0]` (-1 if unknown), used in error messages
   */
  constructor(code: Uint8Array, base = 0, start = 0, end = code.length) {
    this.r = new ByteReader(code, base < 0 ? 0 : base, start, end);
  }

  get pos(): number {
    return this.r.pos;
  }

  atEnd(): boolean {
    return this.r.pos >= this.r.end;
  }

  /** Absolute file offset of the last instruction read. */
  get offset(): number {
    return this.r.base + this.start;
  }

  /** Reads the next instruction; returns its opcode. */
  next(): number {
    const r = this.r;
    const bytes = r.bytes;
    const start = r.pos;
    this.start = start;
    if (start >= r.end) throw malformed('unexpected end of input while reading opcode', r.base + start);
    const byte = bytes[start];
    let op = byte;
    let imm = OP_IMM[byte];
    // Fast paths for the common shapes: no immediate, or one index / small constant that fits in a
    // single LEB128 byte. Everything else goes through the general decoding below.
    if (imm === Imm.none) {
      r.pos = start + 1;
      this.op = op;
      return op;
    }
    if (start + 1 < r.end) {
      const b1 = bytes[start + 1];
      if (b1 < 0x80) {
        if (imm === Imm.local || imm === Imm.global || imm === Imm.label || imm === Imm.func) {
          this.a = b1;
          r.pos = start + 2;
          this.op = op;
          return op;
        }
        if (imm === Imm.i32) {
          this.a = b1 & 0x40 ? b1 - 0x80 : b1;
          r.pos = start + 2;
          this.op = op;
          return op;
        }
      }
    }
    r.pos = start + 1;
    if (byte === 0xfc) {
      const sub = r.u32('0xfc sub-opcode');
      imm = sub < FC_IMM.length ? (FC_IMM[sub] ?? 255) : 255;
      if (imm === 255) {
        if (sub >= 15 && sub <= 17) throw unsupported('reference-types', `instruction 0xfc ${sub} (table.grow/size/fill)`, this.offset);
        throw malformed(`unknown instruction 0xfc ${sub}`, this.offset);
      }
      op = 0xfc00 | sub;
    } else if (imm === 255) {
      throw this.unknown(byte);
    }
    switch (imm) {
      case Imm.none:
        break;
      case Imm.block:
        this.a = this.blockType();
        break;
      case Imm.label:
      case Imm.func:
      case Imm.local:
      case Imm.global:
      case Imm.data:
      case Imm.elem:
        this.a = r.u32('index');
        break;
      case Imm.brTable: {
        const at = r.offset;
        const n = r.u32('br_table label count');
        if (n > MAX_BR_TABLE_SIZE) throw overLimit('br_table label count', n, MAX_BR_TABLE_SIZE, 'MAX_BR_TABLE_SIZE', at);
        if (n > r.remaining) throw malformed(`br_table label count ${n} is larger than the bytes left`, at);
        const t = this.targets;
        for (let i = 0; i < n; i++) t[i] = r.u32('br_table label');
        this.targetCount = n;
        this.a = r.u32('br_table default label');
        break;
      }
      case Imm.callIndirect:
        this.a = r.u32('type index');
        this.b = r.u32('table index');
        break;
      case Imm.memarg: {
        const at = r.offset;
        const align = r.u32('alignment');
        if (align & 0x40) throw unsupported('multi-memory', 'memory index in a memarg', at);
        this.a = align;
        this.b = r.u32('memory offset');
        break;
      }
      case Imm.memory:
        this.a = this.zeroIndex('memory index');
        break;
      case Imm.i32:
        this.a = r.s32('i32 constant');
        break;
      case Imm.i64:
        this.immPos = r.pos;
        r.skipS64('i64 constant');
        break;
      case Imm.f32:
        this.a = r.u32le('f32 constant');
        break;
      case Imm.f64:
        this.immPos = r.pos;
        r.skip(8, 'f64 constant');
        break;
      case Imm.memoryInit:
        this.a = r.u32('data index');
        this.b = this.zeroIndex('memory index');
        break;
      case Imm.memoryCopy:
        this.a = this.zeroIndex('memory index');
        this.b = this.zeroIndex('memory index');
        break;
      case Imm.tableInit:
        this.a = r.u32('element index');
        this.b = r.u32('table index');
        break;
      case Imm.tableCopy:
        this.a = r.u32('table index');
        this.b = r.u32('table index');
        break;
    }
    this.op = op;
    return op;
  }

  /** Value of the last i64.const. */
  i64Value(): bigint {
    const save = this.r.pos;
    this.r.pos = this.immPos;
    const v = this.r.s64('i64 constant');
    this.r.pos = save;
    return v;
  }

  /**
   * The last i64.const as two 32-bit words, low first, into out[0] and out[1]: what `i64Value` gives,
   * without making a bigint (the interpreter's translator reads every constant).
   */
  i64Parts(out: Int32Array): void {
    const b = this.r.bytes;
    let p = this.immPos;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    let byte = 0;
    do {
      byte = b[p++];
      const v = byte & 0x7f;
      if (shift < 32) {
        lo |= v << shift;
        if (shift > 25) hi |= v >>> (32 - shift);
      } else if (shift < 64) hi |= v << (shift - 32);
      shift += 7;
    } while (byte & 0x80);
    if (shift < 64 && (byte & 0x40) !== 0) {
      if (shift < 32) {
        lo |= -1 << shift;
        hi = -1;
      } else hi |= -1 << (shift - 32);
    }
    out[0] = lo;
    out[1] = hi;
  }

  /** The last f64.const's bits as two 32-bit words, low first, into out[0] and out[1]. */
  f64Parts(out: Int32Array): void {
    const b = this.r.bytes;
    const p = this.immPos;
    out[0] = b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
    out[1] = b[p + 4] | (b[p + 5] << 8) | (b[p + 6] << 16) | (b[p + 7] << 24);
  }

  /** Raw bits of the last f64.const. */
  f64Bits(): bigint {
    const save = this.r.pos;
    this.r.pos = this.immPos;
    const v = this.r.u64le('f64 constant');
    this.r.pos = save;
    return v;
  }

  /**
   * A memory index byte. The binary format of 2.0 writes it as a single 0x00 byte; we read it as a
   * u32 (as multi-memory does) and require 0, so that the error says what was found.
   */
  private zeroIndex(what: string): number {
    const at = this.r.offset;
    const b = this.r.u8(what);
    if (b !== 0) {
      if (b & 0x80) throw malformed(`${what} must be the single byte 0x00`, at);
      throw unsupported('multi-memory', `${what} ${b}`, at);
    }
    return 0;
  }

  private blockType(): number {
    const r = this.r;
    const at = r.offset;
    if (r.pos >= r.end) throw malformed('unexpected end of input while reading a block type', at);
    const b = r.bytes[r.pos];
    if (b === 0x40) {
      r.pos++;
      return BLOCK_EMPTY;
    }
    if (b === 0x7f || b === 0x7e || b === 0x7d || b === 0x7c) {
      r.pos++;
      return -b;
    }
    if (b === 0x7b) throw unsupported('simd', 'block type v128', at);
    if (b === 0x70 || b === 0x6f) throw unsupported('reference-types', 'reference-typed block result', at);
    const v = r.s33('block type');
    if (v < 0) throw malformed(`invalid block type 0x${b.toString(16)}`, at);
    return v;
  }

  private unknown(byte: number): Error {
    const at = this.offset;
    switch (byte) {
      case 0x06: case 0x07: case 0x08: case 0x09: case 0x18: case 0x19: case 0x1f: case 0x0a:
        return unsupported('exception-handling', `instruction 0x${byte.toString(16)}`, at);
      case 0x12: case 0x13:
        return unsupported('tail-call', `instruction 0x${byte.toString(16)} (return_call)`, at);
      case 0x14: case 0x15: case 0xd3: case 0xd4: case 0xd5: case 0xd6:
        return unsupported('function-references', `instruction 0x${byte.toString(16)}`, at);
      case 0x1c: case 0x25: case 0x26: case 0xd0: case 0xd1: case 0xd2:
        return unsupported('reference-types', `instruction 0x${byte.toString(16)}`, at);
      case 0xfb:
        return unsupported('gc', 'instruction prefix 0xfb', at);
      case 0xfd:
        return unsupported('simd', 'instruction prefix 0xfd', at);
      case 0xfe:
        return unsupported('threads', 'instruction prefix 0xfe (atomics)', at);
      default:
        return malformed(`unknown instruction 0x${byte.toString(16).padStart(2, '0')}`, at);
    }
  }
}
