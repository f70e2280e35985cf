// Traps as values: where they happen (the function executing and the byte offset of the trapping
// instruction, both compared with V8's stack frames by the harness), what survives them (memory and
// global writes made before the trap stay; the instance stays usable), host functions that throw
// (V8 passes the error through; the interpreter gives a `host` trap with the error as `.cause`,
// located at the `call`, its funcIndex the import's), host functions' argument and result values, and
// call stack exhaustion (V8: RangeError; the interpreter: call_stack_exhausted), after which the
// instance still works.
import { both, eq, trap, hostTrap, exhausts, memIs, globalIs, type Kit } from './support/both.js';

both(
  'trap sites: the callee, mid-body, inside blocks and loops',
  `(module
    (memory (export "mem") 1)
    (func $div (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
    (func $deep (param i32) (result i32)
      local.get 0 i32.eqz (if (result i32) (then unreachable) (else local.get 0 i32.const 1 i32.sub call $deep)))
    (func (export "via_callee") (param i32 i32) (result i32) i32.const 1 drop local.get 0 local.get 1 call $div)
    (func (export "deep") (param i32) (result i32) local.get 0 call $deep)
    (func (export "in_loop") (param i32) (result i32) (local i32)
      (loop $l
        local.get 1 i32.const 4096 i32.mul i32.load drop
        local.get 1 i32.const 1 i32.add local.tee 1
        local.get 0 i32.lt_u br_if $l)
      local.get 1)
    (func (export "in_block") (param i32) (result i64)
      (block (result i64) (block (result i64) i64.const 1 local.get 0 i64.extend_i32_s i64.div_u)))
    (func (export "second") (param f64) (result i32)
      local.get 0 i32.trunc_f64_s local.get 0 i32.trunc_f64_u i32.add)
  )`,
  [
    eq('via_callee', [6, 3], 2),
    trap('via_callee', [6, 0], 'integer_divide_by_zero'),
    trap('via_callee', [0x80000000, -1], 'integer_overflow'),
    trap('deep', [50], 'unreachable'),
    eq('in_loop', [16], 16),
    trap('in_loop', [17], 'out_of_bounds_memory'),
    trap('in_block', [0], 'integer_divide_by_zero'),
    eq('in_block', [-1], 0n),
    eq('second', [1.5], 2),
    trap('second', [-1.5], 'integer_overflow'), // the second trunc traps
    trap('second', [2 ** 31], 'integer_overflow'), // the first one does
    trap('second', [NaN], 'invalid_conversion_to_integer'),
  ],
  { via: 'exports' },
);

both(
  'memory and globals written before a trap stay written',
  `(module
    (memory (export "mem") 1)
    (global $g (export "g") (mut i32) (i32.const 0))
    (func (export "partial") (param i32)
      i32.const 0 i32.const 0x11 i32.store8
      i32.const 5 global.set $g
      i32.const 1 i32.const 0x22 i32.store8
      i32.const 1 local.get 0 i32.div_u drop
      i32.const 2 i32.const 0x33 i32.store8)
    (func (export "fill_then_oob") (param i32)
      i32.const 100 i32.const 0xaa i32.const 4 memory.fill
      local.get 0 i32.const 0xbb i32.const 4 memory.fill))`,
  [
    trap('partial', [0], 'integer_divide_by_zero'),
    memIs(0, [0x11, 0x22, 0]),
    globalIs('g', 5),
    eq('partial', [1]),
    memIs(0, [0x11, 0x22, 0x33]),
    trap('fill_then_oob', [65533], 'out_of_bounds_memory'),
    memIs(100, [0xaa, 0xaa, 0xaa, 0xaa]),
    memIs(65532, [0, 0, 0, 0]),
  ],
);

class Boom extends Error {
  constructor(readonly tag: string) {
    super(`boom ${tag}`);
  }
}
const isBoom = (tag: string) => (e: unknown) => e instanceof Boom && e.tag === tag;

const hostImports = (kit: Kit) => {
  void kit;
  return {
    env: {
      // index 0
      add64: (a: bigint, b: number, c: number) => a + BigInt(b) + BigInt(Math.trunc(c)),
      // index 1
      boom: (x: number) => {
        if (x !== 0) throw new Boom(String(x));
        return 7;
      },
      // index 2
      throwsString: () => {
        throw 'not an error';
      },
      // index 3
      pair: (x: number) => [x + 1, BigInt(x) * 2n],
      // index 4
      nothing: () => undefined,
    },
  };
};

both(
  'host functions: values in and out, and errors thrown',
  `(module
    (import "env" "add64" (func $add64 (param i64 i32 f64) (result i64)))
    (import "env" "boom" (func $boom (param i32) (result i32)))
    (import "env" "throwsString" (func $throwsString))
    (import "env" "pair" (func $pair (param i32) (result i32 i64)))
    (import "env" "nothing" (func $nothing))
    (memory (export "mem") 1)
    (func (export "add64") (param i64 i32) (result i64) local.get 0 local.get 1 f64.const 2.75 call $add64)
    (func (export "boom") (param i32) (result i32) i32.const 0 i32.const 1 i32.store8 local.get 0 call $boom)
    (func $inner (param i32) (result i32) nop local.get 0 call $boom i32.const 1 i32.add)
    (func (export "boom_nested") (param i32) (result i32) local.get 0 call $inner)
    (func (export "throws_string") call $throwsString)
    (func (export "pair") (param i32) (result i64) (local i64) local.get 0 call $pair local.set 1 i64.extend_i32_u local.get 1 i64.add)
    (func (export "nothing") (result i32) call $nothing i32.const 3))`,
  [
    eq('add64', [0x7fffffffffffffffn, 1], -0x7ffffffffffffffen), // 2^63 - 1 + 1 + 2: wraps
    eq('add64', [10n, -1], 11n),
    eq('boom', [0], 7),
    hostTrap('boom', [5], isBoom('5'), 1),
    memIs(0, [1]), // written before the call
    hostTrap('boom_nested', [6], isBoom('6'), 1),
    eq('boom_nested', [0], 8),
    hostTrap('throws_string', [], (e) => e === 'not an error', 2),
    eq('pair', [20], 61n),
    eq('nothing', [], 3),
  ],
  { imports: hostImports },
);

both(
  'call stack exhaustion, then the instance still works',
  `(module
    (type $t (func (param i32) (result i32)))
    (table 1 funcref)
    (elem (i32.const 0) $viaTable)
    (func $self (export "self") (param i32) (result i32) local.get 0 i32.const 1 i32.add call $self)
    (func $ping (export "ping") (param i64) (result i64) local.get 0 call $pong)
    (func $pong (param i64) (result i64) local.get 0 i64.const 1 i64.add call $ping)
    (func $big (export "big_frames") (param i32) (result i32)
      (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
      local.get 0 call $big local.get 1 i32.wrap_i64 i32.add)
    (func $viaTable (export "via_table") (param i32) (result i32) local.get 0 i32.const 0 call_indirect (type $t))
    (func $bounded (export "bounded") (param i32) (result i32)
      local.get 0 i32.eqz (if (result i32) (then i32.const 0) (else local.get 0 i32.const 1 i32.sub call $bounded i32.const 1 i32.add)))
  )`,
  [
    exhausts('self', [0]),
    eq('bounded', [1000], 1000),
    exhausts('ping', [0n]),
    exhausts('big_frames', [0], ['call_stack_exhausted', 'value_stack_exhausted']), // whichever limit comes first
    exhausts('via_table', [0]),
    eq('bounded', [200], 200),
  ],
);
