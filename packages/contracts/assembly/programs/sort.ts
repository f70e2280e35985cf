// sort: fills n signed i32 from the LCG of common.ts (seed 0x50f7, one step per element, value
// x ^ (x >>> 15)), sorts them ascending with a hand-written quicksort (median of three, insertion
// sort below 16 elements, recursion on the smaller side), traps if the result is not sorted, and
// returns the checksum h = h * 31 + a[i] (i32, wrapping) over the sorted array.

import { ensure, lcg, lcgOut, workBase } from './common';

// @ts-ignore: decorator
@inline
function at(base: usize, i: i32): i32 {
  return load<i32>(base + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline
function put(base: usize, i: i32, v: i32): void {
  store<i32>(base + (<usize>i << 2), v);
}

function insertionSort(a: usize, lo: i32, hi: i32): void {
  for (let i = lo + 1; i <= hi; i++) {
    const v = at(a, i);
    let j = i - 1;
    while (j >= lo && at(a, j) > v) {
      put(a, j + 1, at(a, j));
      j--;
    }
    put(a, j + 1, v);
  }
}

function quicksort(a: usize, lo: i32, hi: i32): void {
  while (hi - lo >= 16) {
    // Median of three as the pivot.
    const mid = lo + ((hi - lo) >> 1);
    let x = at(a, lo), y = at(a, mid), z = at(a, hi);
    if (x > y) { const t = x; x = y; y = t; }
    if (y > z) { y = z; }
    if (x > y) { y = x; }
    const pivot = y;
    // Hoare partition.
    let i = lo - 1, j = hi + 1;
    for (;;) {
      do i++; while (at(a, i) < pivot);
      do j--; while (at(a, j) > pivot);
      if (i >= j) break;
      const t = at(a, i);
      put(a, i, at(a, j));
      put(a, j, t);
    }
    // Recurse into the smaller part, loop on the larger one (depth stays O(log n)).
    if (j - lo < hi - j) {
      quicksort(a, lo, j);
      lo = j + 1;
    } else {
      quicksort(a, j + 1, hi);
      hi = j;
    }
  }
  insertionSort(a, lo, hi);
}

export function run(n: i32): i32 {
  const a = workBase();
  ensure(a + (<usize>n << 2));
  let x: u32 = 0x50f7;
  for (let i = 0; i < n; i++) {
    x = lcg(x);
    put(a, i, <i32>lcgOut(x));
  }
  if (n > 1) quicksort(a, 0, n - 1);
  let h: i32 = 0;
  for (let i = 0; i < n; i++) {
    const v = at(a, i);
    if (i > 0 && at(a, i - 1) > v) unreachable();
    h = h * 31 + v;
  }
  return h;
}
