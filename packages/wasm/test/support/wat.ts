/**
 * WAT → wasm for tests, through the npm `wabt` devDependency (its compiler is itself wasm, so this runs
 * only where V8's WebAssembly exists, never under --jitless). Features: ours (bulk memory, multi-value;
 * sign-extension, saturating conversions and mutable globals are on by default in wabt). Debug names
 * are written, so the name section can be tested.
 */
import type wabtInit from 'wabt';

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabt: Promise<Wabt> | undefined;

export async function wat(src: string): Promise<Uint8Array> {
  wabt ??= import('wabt').then((m) => m.default());
  const m = (await wabt).parseWat('x.wat', src, { bulk_memory: true, multi_value: true });
  try {
    return new Uint8Array(m.toBinary({ write_debug_names: true }).buffer);
  } finally {
    m.destroy();
  }
}
