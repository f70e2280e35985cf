/**
 * The blocks the crash test's child commits, as pure functions of the height, so that the parent can
 * say exactly what the state, the blocks, the txs and the app hash chain must be at any height.
 * Each block sets KEYS short keys and one long key (over LMDB's key limit) to values that encode its
 * height, sets a marker key for itself and deletes the previous block's marker.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { compareBytes } from '../../src/store/bytes.js';

export const KEYS = 8;
const enc = new TextEncoder();

function be64(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n));
  return b;
}

function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const GENESIS_DOC = enc.encode('{"chain_id":"crash-test"}');

export function genesisChanges(): [Uint8Array, Uint8Array][] {
  return [[enc.encode('genesis'), enc.encode('hello')]];
}

function shortKey(i: number): Uint8Array {
  return enc.encode(`k/${i}`);
}

function marker(h: number): Uint8Array {
  return cat(enc.encode('m/'), be64(h));
}

const LONG_KEY = cat(enc.encode('L/'), new Uint8Array(2100).fill(0x4c));

/** A value that says which block wrote it: BE64(height) ‖ the key index ‖ 100 filler bytes. */
function value(h: number, i: number): Uint8Array {
  return cat(be64(h), Uint8Array.of(i), new Uint8Array(100).fill(h & 0xff));
}

/** Block h's state changes, sorted by key (null = deleted). */
export function blockChanges(h: number): [Uint8Array, Uint8Array | null][] {
  const out: [Uint8Array, Uint8Array | null][] = [];
  for (let i = 0; i < KEYS; i++) out.push([shortKey(i), value(h, i)]);
  out.push([LONG_KEY, value(h, 255)]);
  out.push([marker(h), be64(h)]);
  if (h > 1) out.push([marker(h - 1), null]);
  return out.sort((a, b) => compareBytes(a[0], b[0]));
}

/** The whole state after block h (h >= 0), sorted by key. */
export function stateAt(h: number): [Uint8Array, Uint8Array][] {
  const out: [Uint8Array, Uint8Array][] = genesisChanges();
  if (h > 0) for (const [k, v] of blockChanges(h)) if (v !== null) out.push([k, v]);
  return out.sort((a, b) => compareBytes(a[0], b[0]));
}

export function blockBytes(h: number): Uint8Array {
  return cat(enc.encode(`block ${h} `), new Uint8Array(1000).fill(h & 0xff));
}

export function txsOf(h: number): { hash: Uint8Array; record: Uint8Array }[] {
  return [0, 1].map((j) => {
    const record = enc.encode(`tx ${j} of block ${h}`);
    return { hash: sha256(record), record };
  });
}
