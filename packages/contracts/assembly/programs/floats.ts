// floats: a float-heavy kernel, the Mandelbrot set on a size × size grid (at most 256 iterations per
// point) in f64, with every fourth point also iterated in f32, plus a few per-row operations
// (sqrt, floor, ceil, trunc, nearest, min, max, abs, copysign, conversions both ways). Never produces
// a NaN. `run(size)` returns the f64 accumulator's bits xor the f32 accumulator's bits (shifted) xor
// the total iteration count, so that both engines must agree bit for bit.

// Imported so that the build's `--use abort=assembly/programs/common/trapAbort` finds it.
import { trapAbort } from './common';

const MAXIT = 256;

export function run(size: i32): i64 {
  let acc: f64 = 0;
  let acc32: f32 = 0;
  let iters: i64 = 0;
  const inv = 1.0 / <f64>size;
  for (let py = 0; py < size; py++) {
    const ci = <f64>py * 2.5 * inv - 1.25;
    let row: f64 = 0;
    for (let px = 0; px < size; px++) {
      const cr = <f64>px * 3.0 * inv - 2.25;
      let zr: f64 = 0, zi: f64 = 0, zr2: f64 = 0, zi2: f64 = 0;
      let k = 0;
      while (k < MAXIT && zr2 + zi2 <= 4.0) {
        zi = 2.0 * zr * zi + ci;
        zr = zr2 - zi2 + cr;
        zr2 = zr * zr;
        zi2 = zi * zi;
        k++;
      }
      iters += k;
      row += sqrt<f64>(zr2 + zi2) + <f64>k * 0.001;
      if (((px + py) & 3) == 0) {
        const cr32 = <f32>cr, ci32 = <f32>ci;
        let fr: f32 = 0, fi: f32 = 0;
        let j = 0;
        while (j < MAXIT && fr * fr + fi * fi <= <f32>4.0) {
          const t = fr * fr - fi * fi + cr32;
          fi = <f32>2.0 * fr * fi + ci32;
          fr = t;
          j++;
        }
        acc32 += abs<f32>(fr) * <f32>0.5 + <f32>j;
      }
    }
    acc = acc * 0.75 + row;
    acc += floor<f64>(row * 0.37) - ceil<f64>(row * 0.21) + trunc<f64>(-row * 0.13) + nearest<f64>(row * 0.5);
    acc = max<f64>(acc, min<f64>(row, -acc)) + copysign<f64>(0.125, <f64>py - 7.5);
    acc32 = acc32 * <f32>0.5 + <f32>sqrt<f32>(abs<f32>(<f32>row)) + <f32>(<i32>(row * 3.0) % 7);
  }
  return reinterpret<i64>(acc) ^ (<i64>reinterpret<i32>(acc32) << 20) ^ iters;
}
