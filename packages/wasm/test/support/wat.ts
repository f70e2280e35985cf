/**
 * WAT → wasm for tests, through the npm `wabt` devDependency (its compiler is itself wasm, so this runs
 * only where V8's WebAssembly exists, never under --jitless). Our features are enabled: bulk memory,
 * multi-value, sign-extension, saturating conversions, mutable globals. Debug names are written, so
 * the name section can be tested; it is a custom section at the end and moves no other byte.
 */
import wabtInit from 'wabt';

const wabt = await wabtInit();

/** `extra` turns on more wabt features, for tests of what we refuse (e.g. `{ reference_types: true }`). */
export function wat(src: string, extra: Record<string, boolean> = {}): Uint8Array {
  const m = wabt.parseWat('x.wat', src, {
    bulk_memory: true, multi_value: true, sign_extension: true, sat_float_to_int: true, mutable_globals: true, ...extra,
  });
  try {
    return new Uint8Array(m.toBinary({ write_debug_names: true }).buffer);
  } finally {
    m.destroy();
  }
}
