// Run by process.test.ts with the enclave's exact launch flags in place of main.js: reports what
// each forbidden thing does in that process.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const code = (f: () => unknown): string => {
  try {
    f();
    return 'ALLOWED';
  } catch (e) {
    return (e as { code?: string }).code ?? (e as Error).constructor.name;
  }
};
const root = fileURLToPath(new URL('../../../../../package.json', import.meta.url));
const { Worker } = await import('node:worker_threads');
const { spawnSync } = await import('node:child_process');
process.stdout.write(JSON.stringify({
  webAssembly: typeof (globalThis as { WebAssembly?: unknown }).WebAssembly,
  eval: code(() => eval('1')),
  newFunction: code(() => new Function('return 1')),
  childProcess: code(() => spawnSync('true')),
  readPasswd: code(() => readFileSync('/etc/passwd')),
  readPackageJsonOfRoot: code(() => readFileSync(root)),
  writeTmp: code(() => writeFileSync('/tmp/cloak-enclave-probe', 'x')),
  worker: code(() => new Worker('process.exit(0)', { eval: true })),
}));
