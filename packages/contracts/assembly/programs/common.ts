// Shared helpers for the benchmark programs (not contracts: plain exported functions on numbers).
// Work areas live in linear memory from WORK upwards, past the static data; `ensure` grows the memory
// when a run needs more, so a run's result never depends on what earlier runs left in memory.

/** Start of the work area: the first 64 KiB page boundary past the static data. */
// @ts-ignore: decorator
@inline
export function workBase(): usize {
  return (__heap_base + 0xffff) & ~(<usize>0xffff);
}

/** Grows the memory so that bytes [0, end) exist; traps if it cannot. */
export function ensure(end: usize): void {
  const have = (<usize>memory.size()) << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >>> 16);
    if (memory.grow(pages) < 0) unreachable();
  }
}

/** One step of the 32-bit LCG x' = x * 1664525 + 1013904223 (Numerical Recipes constants). */
// @ts-ignore: decorator
@inline
export function lcg(x: u32): u32 {
  return x * 1664525 + 1013904223;
}

/** The LCG output whitened so that low bits are not periodic: x ^ (x >>> 15). */
// @ts-ignore: decorator
@inline
export function lcgOut(x: u32): u32 {
  return x ^ (x >>> 15);
}

/**
 * Fills [p, p + n) with LCG output: little-endian 32-bit words (x ^ x >>> 15 after each step),
 * the last partial word truncated. Returns the final state.
 */
export function fillBytes(p: usize, n: usize, seed: u32): u32 {
  let x = seed;
  const words = n >>> 2;
  for (let i: usize = 0; i < words; i++) {
    x = lcg(x);
    store<u32>(p + (i << 2), lcgOut(x));
  }
  const rest = n & 3;
  if (rest) {
    x = lcg(x);
    let w = lcgOut(x);
    for (let i: usize = 0; i < rest; i++) {
      store<u8>(p + (words << 2) + i, <u8>w);
      w >>>= 8;
    }
  }
  return x;
}

/**
 * AssemblyScript's `abort(message, file, line, column)`, routed here by the build
 * (`--use abort=assembly/programs/common/trapAbort`) so that no `env.abort` import is emitted:
 * a failed check is a plain `unreachable` trap.
 */
export function trapAbort(message: usize, fileName: usize, line: u32, column: u32): void {
  unreachable();
}
