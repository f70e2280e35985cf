// Base64 with the standard alphabet (RFC 4648 §4), as CosmWasm's `Binary` uses it
// (spec/cosmwasm-abi.md §4.4): encoded with padding, decoded with or without padding.

import { Bytes, Buf } from "./bytes";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Appends the base64 text of `data` (padded) to `out`. */
export function base64Encode(out: Buf, data: Bytes): Buf {
  const n = data.len;
  let i: usize = 0;
  while (i + 3 <= n) {
    const v = (<u32>data.at(i) << 16) | (<u32>data.at(i + 1) << 8) | <u32>data.at(i + 2);
    out.byte(ALPHABET.charCodeAt(<i32>(v >> 18)));
    out.byte(ALPHABET.charCodeAt(<i32>((v >> 12) & 63)));
    out.byte(ALPHABET.charCodeAt(<i32>((v >> 6) & 63)));
    out.byte(ALPHABET.charCodeAt(<i32>(v & 63)));
    i += 3;
  }
  const rest = n - i;
  if (rest == 1) {
    const v = <u32>data.at(i) << 16;
    out.byte(ALPHABET.charCodeAt(<i32>(v >> 18)));
    out.byte(ALPHABET.charCodeAt(<i32>((v >> 12) & 63)));
    out.byte(61); out.byte(61);
  } else if (rest == 2) {
    const v = (<u32>data.at(i) << 16) | (<u32>data.at(i + 1) << 8);
    out.byte(ALPHABET.charCodeAt(<i32>(v >> 18)));
    out.byte(ALPHABET.charCodeAt(<i32>((v >> 12) & 63)));
    out.byte(ALPHABET.charCodeAt(<i32>((v >> 6) & 63)));
    out.byte(61);
  }
  return out;
}

function sextet(c: i32): i32 {
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 71;
  if (c >= 48 && c <= 57) return c + 4;
  if (c == 43) return 62;
  if (c == 47) return 63;
  return -1;
}

/** Decodes base64 text (padding optional); null if it is not valid base64. */
export function base64Decode(text: Bytes): Bytes | null {
  let n = text.len;
  // Strip up to two '=' of padding; when present the length must be a multiple of 4.
  if (n > 0 && text.at(n - 1) == 61) {
    if ((n & 3) != 0) return null;
    n--;
    if (n > 0 && text.at(n - 1) == 61) n--;
  }
  if ((n & 3) == 1) return null;
  const out = new Buf((n * 3) / 4 + 1);
  let acc: u32 = 0;
  let bits: u32 = 0;
  for (let i: usize = 0; i < n; i++) {
    const s = sextet(<i32>text.at(i));
    if (s < 0) return null;
    acc = (acc << 6) | <u32>s;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.byte(<i32>((acc >> bits) & 0xff));
    }
  }
  // Leftover bits must be zero (canonical encoding).
  if ((acc & ((<u32>1 << bits) - 1)) != 0) return null;
  return out.bytes();
}
