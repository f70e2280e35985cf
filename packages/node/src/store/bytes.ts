/**
 * Byte-string helpers for the store: LMDB's key order (unsigned bytewise, a prefix before its
 * extensions), big-endian integers, and turning the Buffers lmdb-js returns into plain Uint8Arrays
 * without copying (lmdb-js already copied them out of the memory map).
 */

/** LMDB's default key order: bytewise unsigned, and a proper prefix sorts first. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** A Map key for a byte string: one UTF-16 unit per byte. */
export function keyString(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
}

/** A plain Uint8Array over the same bytes (lmdb-js hands out Buffers it allocated for this read). */
export function plain(b: Uint8Array): Uint8Array {
  return b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function be32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

export function be64(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n));
  return b;
}

export function readBe32(b: Uint8Array, at: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at);
}

export function readBe64(b: Uint8Array, at: number): number {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`BE64 at byte ${at} exceeds 2^53 - 1: ${v}`);
  return Number(v);
}

/** A short hex rendering for error messages (long strings are cut in the middle). */
export function hexPreview(b: Uint8Array, max = 32): string {
  const h = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
  return b.length <= max ? h : `${h.slice(0, max)}…${h.slice(-16)} (${b.length} bytes)`;
}
