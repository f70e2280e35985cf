// Lowercase hex of bytes (digests in attributes and answers).

import { Bytes, Buf } from "./bytes";

const DIGITS = "0123456789abcdef";

/** Appends the lowercase hex of `data` to `out`. */
export function hexEncode(out: Buf, data: Bytes): Buf {
  for (let i: usize = 0; i < data.len; i++) {
    const b = <i32>data.at(i);
    out.byte(DIGITS.charCodeAt(b >> 4));
    out.byte(DIGITS.charCodeAt(b & 15));
  }
  return out;
}
