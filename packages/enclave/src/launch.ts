/**
 * How the host starts the enclave process, with least privilege (issue 5):
 *   - `--jitless --disallow-code-generation-from-strings`: no JIT, no eval / new Function, and no
 *     WebAssembly at all, so contracts run on cloak's interpreter (the default engine). With
 *     `jit: true` the enclave keeps V8's JIT and WebAssembly and runs the v8 engine instead
 *     (faster, and no longer the software twin of SGX's no-code-generation rule);
 *   - `--experimental-permission` with reads allowed only for the enclave's own code (its package and
 *     the packages it imports, each by its real path) and its sealed-state file, writes only to that
 *     file; no child processes, no workers (the permission model refuses both unless allowed).
 * This module only computes the command; it is what the host imports from @cloak/enclave.
 */
import { lstatSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The packages whose code the enclave loads. */
const CODE = ['@cloak/enclave', '@cloak/protocol', '@cloak/vm', '@cloak/interpreter', '@cloak/wasm', '@noble/curves', '@noble/hashes', '@scure/base'];

export interface LaunchOptions {
  /** Keep JIT and WebAssembly and use the v8 engine (default false: interpreter, --jitless). */
  jit?: boolean;
  /** The one file the enclave may read and write (its sealed state), if any. */
  sealedFile?: string;
  /** Forward contract debug output as log records. */
  contractDebug?: boolean;
  /** Most verbose log level the enclave sends (default info). */
  logLevel?: 'error' | 'warn' | 'info' | 'debug';
}

/** The package root of `name` as the enclave's code sees it. */
function packageRoot(name: string): string {
  const require = createRequire(import.meta.url);
  let dir = dirname(realpathSync(require.resolve(name === '@cloak/enclave' ? fileURLToPath(new URL('./index.js', import.meta.url)) : name)));
  // Walk up to the directory holding the package's package.json.
  for (let i = 0; i < 6; i++) {
    try {
      realpathSync(join(dir, 'package.json'));
      const pkg = require(join(dir, 'package.json')) as { name?: string };
      if (pkg.name === name) return dir;
    } catch {
      // not here
    }
    dir = dirname(dir);
  }
  throw new Error(`cannot find the package directory of ${name}`);
}

/** Where module resolution finds `name` (a node_modules entry, often a workspace symlink it must read). */
function resolutionPath(name: string): string | undefined {
  const require = createRequire(import.meta.url);
  for (const dir of require.resolve.paths(name) ?? []) {
    const candidate = join(dir, name);
    try {
      lstatSync(candidate);
      return candidate;
    } catch {
      // not in this node_modules
    }
  }
  return undefined;
}

/**
 * The command to spawn the enclave with, and the mode it runs in, for the host's status
 * ("interpreter, --jitless" by default; "v8, JIT" with `jit`).
 */
export function enclaveCommand(options: LaunchOptions = {}): { command: string; args: string[]; mode: string } {
  const main = realpathSync(fileURLToPath(new URL('./main.js', import.meta.url)));
  const reads = CODE.map(packageRoot);
  const links = CODE.map(resolutionPath).filter((p): p is string => p !== undefined && !reads.includes(p));
  const args = [
    ...(options.jit ? [] : ['--jitless']),
    '--disallow-code-generation-from-strings',
    '--experimental-permission',
    '--no-warnings',
    ...reads.map((d) => `--allow-fs-read=${d}/`),
    ...links.map((l) => `--allow-fs-read=${l}`),
    ...(options.sealedFile ? [`--allow-fs-read=${options.sealedFile}`, `--allow-fs-write=${options.sealedFile}`] : []),
    main,
    '--engine', options.jit ? 'v8' : 'interpreter',
    ...(options.contractDebug ? ['--contract-debug'] : []),
    '--log-level', options.logLevel ?? 'info',
  ];
  return { command: process.execPath, args, mode: options.jit ? 'v8 engine, JIT' : 'interpreter, --jitless' };
}
