// Globals (core spec §4.4.5) and the start function (§4.5.4): mutable globals of every type keep
// their exact bits (signalling NaNs included), exported globals are visible to and settable by the
// host, imported immutable globals (plain values) and imported mutable ones (Global objects, shared
// with the host) are read and written by the code, a global may be initialised from an imported one,
// and the start function runs once, during instantiation, before any export is called.
import { both, eq, globalIs, setGlobal, memIs, trap, type Kit } from './support/both.js';

both(
  'mutable globals of every type',
  `(module
    (global $i32 (export "g32") (mut i32) (i32.const -7))
    (global $i64 (export "g64") (mut i64) (i64.const 0x8000000000000001))
    (global $f32 (mut f32) (f32.const -0))
    (global $f64 (mut f64) (f64.const 0x1p-1074))
    (global $c (export "const") i32 (i32.const 42))
    (func (export "get_i32") (result i32) global.get $i32)
    (func (export "set_i32") (param i32) local.get 0 global.set $i32)
    (func (export "get_i64") (result i64) global.get $i64)
    (func (export "set_i64") (param i64) local.get 0 global.set $i64)
    (func (export "get_f32") (result i32) global.get $f32 i32.reinterpret_f32)
    (func (export "set_f32") (param i32) local.get 0 f32.reinterpret_i32 global.set $f32)
    (func (export "get_f64") (result i64) global.get $f64 i64.reinterpret_f64)
    (func (export "set_f64") (param i64) local.get 0 f64.reinterpret_i64 global.set $f64)
    (func (export "bump") (result i32) global.get $i32 i32.const 1 i32.add global.set $i32 global.get $i32)
    (func (export "get_const") (result i32) global.get $c))`,
  [
    eq('get_i32', [], -7),
    eq('get_i64', [], 0x8000000000000001n),
    eq('get_f32', [], 0x80000000),
    eq('get_f64', [], 1n),
    eq('get_const', [], 42),
    globalIs('g32', -7),
    globalIs('g64', -0x7fffffffffffffffn),
    globalIs('const', 42),
    eq('set_i32', [0x80000000]),
    eq('get_i32', [], 0x80000000),
    globalIs('g32', -0x80000000),
    eq('bump', [], -0x7fffffff),
    eq('set_i64', [0xffffffff00000000n]),
    eq('get_i64', [], 0xffffffff00000000n),
    globalIs('g64', -0x100000000n),
    eq('set_f32', [0x7fa00000]),
    eq('get_f32', [], 0x7fa00000),
    eq('set_f32', [0xff800001]),
    eq('get_f32', [], 0xff800001),
    eq('set_f64', [0x7ff4000000000000n]),
    eq('get_f64', [], 0x7ff4000000000000n),
    eq('set_f64', [0xfff0000000000001n]),
    eq('get_f64', [], 0xfff0000000000001n),
    setGlobal('g32', 12345),
    eq('get_i32', [], 12345),
    setGlobal('g64', -2n),
    eq('get_i64', [], -2n),
    globalIs('g64', -2n),
  ],
);

both(
  'imported globals, and a global initialised from one',
  `(module
    (import "env" "i32" (global $gi32 i32))
    (import "env" "i64" (global $gi64 i64))
    (import "env" "f32" (global $gf32 f32))
    (import "env" "f64" (global $gf64 f64))
    (global $copy i64 (global.get $gi64))
    (global $copyf (mut f32) (global.get $gf32))
    (func (export "i32") (result i32) global.get $gi32)
    (func (export "i64") (result i64) global.get $gi64)
    (func (export "f32") (result i32) global.get $gf32 i32.reinterpret_f32)
    (func (export "f64") (result i64) global.get $gf64 i64.reinterpret_f64)
    (func (export "copy") (result i64) global.get $copy)
    (func (export "copyf") (result i32) global.get $copyf i32.reinterpret_f32))`,
  [
    eq('i32', [], -5),
    eq('i64', [], -0x7fffffffffffffffn),
    eq('f32', [], 0x3fc00000),
    eq('f64', [], 0xbff8000000000000n),
    eq('copy', [], -0x7fffffffffffffffn),
    eq('copyf', [], 0x3fc00000),
  ],
  { imports: (kit: Kit) => ({ env: { i32: kit.global('i32', -5), i64: kit.global('i64', -0x7fffffffffffffffn), f32: kit.global('f32', 1.5), f64: kit.global('f64', -1.5) } }) },
);

both(
  'an imported mutable global is shared',
  `(module
    (import "env" "counter" (global $c (mut i64)))
    (func (export "add") (param i64) (result i64) global.get $c local.get 0 i64.add global.set $c global.get $c))`,
  [eq('add', [5n], 105n), eq('add', [0xffffffffn], 0x100000068n)],
  { imports: (kit: Kit) => ({ env: { counter: kit.global('i64', 100n, true) } }) },
);

both(
  'the start function runs at instantiation',
  `(module
    (memory (export "mem") 1)
    (global $g (export "g") (mut i32) (i32.const 1))
    (func $start global.get $g i32.const 10 i32.mul global.set $g i32.const 0 i32.const 0xdeadbeef i32.store)
    (start $start)
    (func (export "get") (result i32) global.get $g))`,
  [eq('get', [], 10), globalIs('g', 10), memIs(0, [0xef, 0xbe, 0xad, 0xde])],
);

both(
  'the start function runs after the data segments',
  `(module
    (memory (export "mem") 1)
    (data (i32.const 0) "\\05")
    (func $start i32.const 1 i32.const 0 i32.load8_u i32.const 1 i32.add i32.store8)
    (start $start))`,
  [memIs(0, [5, 6])],
);

both(
  'a start function that traps fails instantiation',
  `(module
    (func $helper (param i32) (result i32) local.get 0 i32.const 0 i32.div_u)
    (func $start i32.const 1 call $helper drop)
    (start $start)
    (func (export "never") (result i32) i32.const 1))`,
  [],
  { instantiateTraps: 'integer_divide_by_zero' },
);

both(
  'a start function writes an imported memory before it traps',
  `(module
    (import "env" "mem" (memory 1))
    (func $start i32.const 8 i32.const 0x0201 i32.store16 unreachable)
    (start $start))`,
  [memIs(8, [1, 2])],
  { instantiateTraps: 'unreachable', imports: (kit: Kit) => ({ env: { mem: kit.memory(1) } }) },
);

both(
  'globals keep values written before a trap',
  `(module
    (global $g (export "g") (mut i32) (i32.const 0))
    (func (export "set_then_trap") (param i32) local.get 0 global.set $g unreachable))`,
  [trap('set_then_trap', [77], 'unreachable'), globalIs('g', 77)],
);
