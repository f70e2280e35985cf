// Byte slices and a growable byte buffer over raw linear memory. Contracts work on UTF-8 bytes
// throughout (JSON in, JSON out, storage keys and values); AssemblyScript's UTF-16 strings are used only
// for literals in the source, converted with `Buf.str` / `Bytes.eq`.
// Integer-only: nothing here produces a float instruction.

/** A view of `len` bytes at `ptr` (not owned). */
export class Bytes {
  constructor(public ptr: usize, public len: usize) {}

  static empty(): Bytes {
    return new Bytes(heap.alloc(0), 0);
  }

  /** UTF-8 bytes of a string literal (copied to the heap). */
  static of(s: string): Bytes {
    const b = new Buf(<usize>s.length);
    b.str(s);
    return b.bytes();
  }

  at(i: usize): u8 {
    return load<u8>(this.ptr + i);
  }

  /** Byte equality with another slice. */
  equals(other: Bytes): bool {
    if (this.len != other.len) return false;
    for (let i: usize = 0; i < this.len; i++) {
      if (load<u8>(this.ptr + i) != load<u8>(other.ptr + i)) return false;
    }
    return true;
  }

  /** Equality with an ASCII string literal. */
  eq(s: string): bool {
    const n = <usize>s.length;
    if (n != this.len) return false;
    for (let i: usize = 0; i < n; i++) {
      if (<i32>load<u8>(this.ptr + i) != s.charCodeAt(<i32>i)) return false;
    }
    return true;
  }

  /** A copy of these bytes in a new heap block. */
  copy(): Bytes {
    const p = heap.alloc(this.len);
    copyBytes(p, this.ptr, this.len);
    return new Bytes(p, this.len);
  }
}

/** memmove-free forward copy (no bulk-memory instructions are allowed in contracts). */
export function copyBytes(dst: usize, src: usize, n: usize): void {
  let i: usize = 0;
  // Word-wise while both are aligned the same way, then byte-wise.
  if (((dst ^ src) & 3) == 0) {
    while (i < n && ((dst + i) & 3) != 0) { store<u8>(dst + i, load<u8>(src + i)); i++; }
    while (i + 4 <= n) { store<u32>(dst + i, load<u32>(src + i)); i += 4; }
  }
  while (i < n) { store<u8>(dst + i, load<u8>(src + i)); i++; }
}

/** A growable byte buffer used to build JSON, storage values and results. */
export class Buf {
  ptr: usize;
  len: usize = 0;
  cap: usize;

  constructor(capacity: usize = 64) {
    this.cap = capacity < 16 ? 16 : capacity;
    this.ptr = heap.alloc(this.cap);
  }

  private reserve(extra: usize): void {
    const need = this.len + extra;
    if (need <= this.cap) return;
    let cap = this.cap << 1;
    if (cap < need) cap = need;
    const p = heap.alloc(cap);
    copyBytes(p, this.ptr, this.len);
    heap.free(this.ptr);
    this.ptr = p;
    this.cap = cap;
  }

  byte(b: i32): Buf {
    this.reserve(1);
    store<u8>(this.ptr + this.len, <u8>b);
    this.len++;
    return this;
  }

  append(b: Bytes): Buf {
    this.reserve(b.len);
    copyBytes(this.ptr + this.len, b.ptr, b.len);
    this.len += b.len;
    return this;
  }

  /** Appends a string as UTF-8 (surrogate pairs combined, lone surrogates as U+FFFD). */
  str(s: string): Buf {
    const n = s.length;
    for (let i = 0; i < n; i++) {
      let c = s.charCodeAt(i);
      if (c < 0x80) { this.byte(c); continue; }
      if (c < 0x800) { this.byte(0xc0 | (c >> 6)); this.byte(0x80 | (c & 63)); continue; }
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d < 0xe000) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          this.byte(0xf0 | (cp >> 18)); this.byte(0x80 | ((cp >> 12) & 63));
          this.byte(0x80 | ((cp >> 6) & 63)); this.byte(0x80 | (cp & 63));
          i++;
          continue;
        }
      }
      if (c >= 0xd800 && c < 0xe000) c = 0xfffd;
      this.byte(0xe0 | (c >> 12)); this.byte(0x80 | ((c >> 6) & 63)); this.byte(0x80 | (c & 63));
    }
    return this;
  }

  /** Decimal digits of an unsigned 64-bit integer. */
  u64(v: u64): Buf {
    const tmp = heap.alloc(20);
    let n: usize = 0;
    do { store<u8>(tmp + n, <u8>(48 + <i32>(v % 10))); n++; v /= 10; } while (v != 0);
    this.reserve(n);
    while (n > 0) { n--; store<u8>(this.ptr + this.len, load<u8>(tmp + n)); this.len++; }
    heap.free(tmp);
    return this;
  }

  /** Decimal digits of a signed 64-bit integer. */
  i64(v: i64): Buf {
    if (v < 0) { this.byte(45); return this.u64(<u64>(0 - v)); }
    return this.u64(<u64>v);
  }

  /** The bytes written so far (a view, not a copy). */
  bytes(): Bytes {
    return new Bytes(this.ptr, this.len);
  }
}
