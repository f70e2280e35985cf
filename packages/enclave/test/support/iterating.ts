// A hand-written contract that writes and then iterates in the same call, so that the enclave's
// range ocall asks for more than one record (the VM's overlay asks its base for `limit` plus the
// number of buffered keys in the range, and an iterator step has limit 1):
//   execute  writes "b" and "d" (value "x"), opens an ascending iterator over everything and stores
//            the first record db_next returns under "out"        → range ocall with limit 3
//   sudo     the same, descending                                  → range ocall with limit 3, descending
//   migrate  removes the 300 keys u16be(0) … u16be(299), then stores the first ascending record
//            under "out"                                          → range ocall with limit 301
// Every entry point answers an empty Response. (WAT through wabt: tests only, never under --jitless.)
import { wat } from '@cloak/wasm/test/support/wat.js';
import { bumpAllocator } from '@cloak/vm/test/support/allocator.js';

const enc = new TextEncoder();
const le = (n: number) => [n, n >>> 8, n >>> 16, n >>> 24].map((x) => `\\${(x & 255).toString(16).padStart(2, '0')}`).join('');
const esc = (s: string) => [...enc.encode(s)].map((x) => `\\${x.toString(16).padStart(2, '0')}`).join('');
/** A Region at `at` for `len` bytes at `at + 16`, and those bytes. */
const region = (at: number, text: string) => `(data (i32.const ${at}) "${le(at + 16)}${le(text.length)}${le(text.length)}") (data (i32.const ${at + 16}) "${esc(text)}")`;

const RESULT = '{"ok":{"messages":[],"attributes":[],"events":[],"data":null}}';
const B = 256;
const D = 288;
const OUT = 320;
const X = 352;
const COUNTER = 384; // a 2-byte key, rewritten in place by migrate
const ANSWER = 4096;

const firstRecord = (order: 1 | 2) => `(local.set $id (call $scan (i32.const 0) (i32.const 0) (i32.const ${order})))
    (call $write (i32.const ${OUT}) (call $next (local.get $id)))
    (i32.const ${ANSWER})`;

export const ITERATING_SOURCE = `(module
  (import "env" "db_write" (func $write (param i32 i32)))
  (import "env" "db_remove" (func $remove (param i32)))
  (import "env" "db_scan" (func $scan (param i32 i32 i32) (result i32)))
  (import "env" "db_next" (func $next (param i32) (result i32)))
  (memory (export "memory") 2)
  (func (export "interface_version_8"))
  (func (export "requires_iterator"))
  ${bumpAllocator(16384)}
  ${region(B, 'b')}
  ${region(D, 'd')}
  ${region(OUT, 'out')}
  ${region(X, 'x')}
  ${region(COUNTER, '\0\0')}
  ${region(ANSWER, RESULT)}
  (func (export "instantiate") (param i32 i32 i32) (result i32) (i32.const ${ANSWER}))
  (func $writeTwo (call $write (i32.const ${B}) (i32.const ${X})) (call $write (i32.const ${D}) (i32.const ${X})))
  (func (export "execute") (param i32 i32 i32) (result i32) (local $id i32) (call $writeTwo) ${firstRecord(1)})
  (func (export "sudo") (param i32 i32) (result i32) (local $id i32) (call $writeTwo) ${firstRecord(2)})
  (func (export "migrate") (param i32 i32) (result i32) (local $i i32) (local $id i32)
    (block $done (loop $next_key
      (br_if $done (i32.ge_u (local.get $i) (i32.const 300)))
      (i32.store8 (i32.const ${COUNTER + 16}) (i32.shr_u (local.get $i) (i32.const 8)))
      (i32.store8 (i32.const ${COUNTER + 17}) (local.get $i))
      (call $remove (i32.const ${COUNTER}))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next_key)))
    ${firstRecord(1)}))`;

export const ITERATING_CONTRACT: Uint8Array = wat(ITERATING_SOURCE);
