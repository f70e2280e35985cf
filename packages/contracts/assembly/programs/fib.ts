// fib: doubly recursive Fibonacci, the call-heavy workload (fib(n) makes 2 * fib(n + 1) - 1 calls).
// `run(n)` uses direct calls; `run_indirect(n)` the same recursion through a function reference held
// in a mutable global, i.e. call_indirect through the table.

// Imported so that the build's `--use abort=assembly/programs/common/trapAbort` finds it.
import { trapAbort } from './common';

function fib(n: i32): i32 {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

// Set by run_indirect (an initializer naming fibIndirect would refer to this global from inside it).
let target: (n: i32) => i32 = fib;

function fibIndirect(n: i32): i32 {
  return n < 2 ? n : target(n - 1) + target(n - 2);
}

export function run(n: i32): i32 {
  return fib(n);
}

export function run_indirect(n: i32): i32 {
  target = fibIndirect;
  return target(n);
}
