// Many distinct contracts, cheaply, for the tests of the enclave's bounded code cache: contract n is
// one small module whose data segment holds its answer, so that every n has its own code hash (the
// SHA-256 of the whole module) and the answer says which code ran:
//   instantiate  an empty Response (writes nothing)
//   query        {"n":<n>}
// (WAT through wabt: tests only, never under --jitless.)
import { wat } from '@cloak/wasm/test/support/wat.js';
import { bumpAllocator } from '@cloak/vm/test/support/allocator.js';

const enc = new TextEncoder();
const le = (n: number) => [n, n >>> 8, n >>> 16, n >>> 24].map((x) => `\\${(x & 255).toString(16).padStart(2, '0')}`).join('');
const esc = (s: string) => [...enc.encode(s)].map((x) => `\\${x.toString(16).padStart(2, '0')}`).join('');
/** A Region at `at` for `text` (ASCII), whose bytes follow it at `at + 16`. */
const region = (at: number, text: string) => `(data (i32.const ${at}) "${le(at + 16)}${le(text.length)}${le(text.length)}") (data (i32.const ${at + 16}) "${esc(text)}")`;

const RESPONSE = '{"ok":{"messages":[],"attributes":[],"events":[],"data":null}}';
const INIT = 1024;
const ANSWER = 2048;

/** What contract `n`'s query answers. */
export const numberedAnswer = (n: number): string => `{"n":${n}}`;

export function numberedContract(n: number): Uint8Array {
  return wat(`(module
  (memory (export "memory") 1)
  (func (export "interface_version_8"))
  ${bumpAllocator(8192)}
  ${region(INIT, RESPONSE)}
  ${region(ANSWER, `{"ok":"${Buffer.from(numberedAnswer(n)).toString('base64')}"}`)}
  (func (export "instantiate") (param i32 i32 i32) (result i32) (i32.const ${INIT}))
  (func (export "query") (param i32 i32) (result i32) (i32.const ${ANSWER})))`);
}
