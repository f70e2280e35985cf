/**
 * `cloak check <file.wasm>`: runs the store-time contract checks of @cloak/wasm (`checkContract`,
 * spec/cosmwasm-abi.md §5, spec/secret-compute.md §4.3) on a file and prints the report, as text or
 * as JSON. Gzipped files (bytes 1F 8B 08) are unpacked first, as Secret's upload does; the checksum
 * is of the unpacked bytes (Secret's code hash).
 *
 * Exit status: 0 accepted, 1 rejected, 2 usage error (bad flags, missing or unreadable file).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { checkContract, DEFAULT_CAPABILITIES, limits, type CheckReport, type ExternInfo } from '@cloak/wasm';
import { UsageError, type Io } from '../io.js';

export const CHECK_USAGE = `Usage: cloak check <file.wasm> [options]

Runs the checks a chain makes when a contract is stored: ABI generation (marker export),
required exports, import whitelist and signatures, memory/table/function limits, floats,
start function, capabilities. Every violation is listed with its rule id and byte offset.

Options:
  --json, -o json          print the report as JSON
  --reject-floats          reject float instructions in 1.x contracts too (Secret Network's rule)
  --max-initial-pages N    initial memory pages allowed (default 512)
  -h, --help               show this help

Capabilities offered (requires_* exports): ${DEFAULT_CAPABILITIES.join(', ')}.

Exit status: 0 accepted, 1 rejected, 2 usage error.`;

/** Largest file read, and largest unpacked size of a gzipped one: the wasm decoder's own limit. */
const MAX_SIZE = limits.MAX_MODULE_SIZE;

/**
 * Reads a regular file of at most MAX_SIZE bytes. A device, pipe or huge file is refused before
 * anything is read (`cloak check /dev/zero` must not read forever).
 */
export function readContract(file: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new UsageError(`cannot read ${file}: ${why}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new UsageError(`cannot read ${file}: is a directory`);
    if (!st.isFile()) throw new UsageError(`cannot read ${file}: not a regular file`);
    if (st.size > MAX_SIZE) throw new UsageError(`cannot read ${file}: ${st.size} bytes is larger than the ${MAX_SIZE}-byte limit for a module`);
    const bytes = new Uint8Array(st.size);
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(fd, bytes, got, bytes.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return bytes.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** Names from the binary are shown quoted when they hold control characters (no forged report lines). */
const shown = (name: string): string => (/[\u0000-\u001f\u007f-\u009f]/.test(name) ? JSON.stringify(name) : name);

export function runCheck(args: string[], io: Io): number {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        output: { type: 'string', short: 'o' },
        'reject-floats': { type: 'boolean' },
        'max-initial-pages': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const unknown = /^Unknown option '([^']+)'/.exec(msg);
    throw new UsageError(unknown ? `unknown option ${unknown[1]}` : msg, 'check');
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(CHECK_USAGE);
    return 0;
  }
  // -o/--output json, as every cloak command takes it, is --json here.
  if (values.output !== undefined && values.output !== 'json' && values.output !== 'text') throw new UsageError(`--output must be text or json, not "${values.output}"`, 'check');
  if (values.output === 'json') values.json = true;
  if (positionals.length === 0) throw new UsageError('missing the contract file to check', 'check');
  if (positionals.length > 1) throw new UsageError(`expected one file, got ${positionals.length}: ${positionals.join(' ')}`, 'check');
  let maxInitialPages: number | undefined;
  if (values['max-initial-pages'] !== undefined) {
    const s = values['max-initial-pages'];
    if (!/^\d+$/.test(s) || Number(s) > 65536) {
      throw new UsageError(`--max-initial-pages must be a whole number of pages from 0 to 65536, got "${s}"`, 'check');
    }
    maxInitialPages = Number(s);
  }

  const file = positionals[0];
  let bytes = readContract(file);
  let gzipped = false;
  if (bytes.length >= 3 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: MAX_SIZE });
      gzipped = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new UsageError(`cannot read ${file}: it unpacks to more than the ${MAX_SIZE}-byte limit for a module`);
      }
      throw new UsageError(`cannot read ${file}: it looks gzipped but does not unpack (${(e as Error).message})`);
    }
  }

  const report = checkContract(bytes, {
    rejectFloats: values['reject-floats'] === true,
    ...(maxInitialPages !== undefined ? { limits: { maxInitialPages } } : {}),
  });
  if (values.json) io.out(JSON.stringify({ file, gzipped, ...report }, null, 2));
  else io.out(formatReport(file, gzipped, report));
  return report.accepted ? 0 : 1;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** `func (i32) -> i32`, `memory 17`, `global mut i32`: the kind, then the type (non-function types name their kind). */
const describe = (x: ExternInfo): string => (x.kind === 'func' ? `func ${x.type ?? ''}`.trimEnd() : x.type ?? x.kind);

/** The human-readable report. */
export function formatReport(file: string, gzipped: boolean, r: CheckReport): string {
  const lines: string[] = [];
  lines.push(`${file}: ${r.size} bytes${gzipped ? ' (after gunzip)' : ''}, sha256 ${r.checksum}`);
  const g = r.generation;
  lines.push(`generation:   ${g ? `${g.id} (${g.marker}, CosmWasm ${g.cosmwasm})` : 'unknown'}`);
  const wasValid = !r.violations.some((v) => v.rule === 'wasm-invalid');
  if (wasValid) {
    lines.push(`entry points: ${r.entryPoints.length ? r.entryPoints.join(', ') : '(none)'}`);
    lines.push(`capabilities: ${r.capabilities.length ? r.capabilities.join(', ') : '(none)'}`);
    lines.push(`floats:       ${r.floats ? 'yes' : 'no'}`);
    lines.push(`bulk memory:  ${r.bulkMemory ? 'yes' : 'no'}`);
    lines.push(`exports (${r.exports.length}):`);
    for (const e of r.exports) lines.push(`  ${shown(e.name).padEnd(28)} ${describe(e)}`);
    lines.push(`imports (${r.imports.length}):`);
    for (const i of r.imports) lines.push(`  ${`${shown(i.module)}.${shown(i.name)}`.padEnd(28)} ${describe(i)}`);
  }
  if (r.accepted) {
    lines.push('verdict:      ACCEPTED');
  } else {
    const n = r.violations.length;
    lines.push(`verdict:      REJECTED (${n} reason${n === 1 ? '' : 's'})`);
    for (const v of r.violations) lines.push(`  [${v.rule}] ${shown(v.message)}${v.offset !== undefined ? ` (at ${hex(v.offset)})` : ''}`);
  }
  return lines.join('\n');
}
