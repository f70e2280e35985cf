/**
 * `cloak run <contract.wasm>`: a one-shot local runner for contract authors (what cw-simulate and
 * cw-multi-test are to CosmWasm developers). The contract is stored on a fresh in-memory chain; each
 * JSON line read (from --script or stdin) is one call on it; one JSON line is printed per call. The
 * line format and the answers are those of `Runner` in @cloak/vm (packages/vm/src/runner.ts).
 *
 * Exit status: 0 when every line ran (calls may still have failed: see "ok"), 1 when a line could not
 * be run or the contract cannot be stored, 2 usage error.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_SENDER, Runner, VmError } from '@cloak/vm';
import { UsageError, type Io } from '../io.js';
import { readContract } from './check.js';

export const RUN_USAGE = `Usage: cloak run <contract.wasm> [options]

Stores the contract on a fresh in-memory chain and runs one call per JSON line read from
--script (or stdin), printing one JSON line per call:
  in:  {"op":"instantiate"|"execute"|"query"|"migrate"|"sudo","msg":{...},
        "sender":"secret1...","funds":[{"denom":"uscrt","amount":"1"}],"gas_limit":N}
  out: {"op":...,"ok":true|false,"gas_used":N,"result":<response or query answer>,"error":"..."}
sender defaults to ${DEFAULT_SENDER}; funds are minted to the sender.
Ops map to each generation's entry points (instantiate -> init, execute -> handle before 0.14).

Options:
  --engine interpreter|v8  the wasm engine (default interpreter)
  --gas-limit N            wasm gas per call (default 100000000)
  --script FILE            read the lines from FILE instead of stdin
  --debug                  print the contract's debug messages to stderr
  -o, --output json        accepted for symmetry with the other commands (the output is JSON lines)
  -h, --help               show this help

Exit status: 0 every line ran, 1 a line could not be run or the contract was refused, 2 usage error.`;

export function runRun(args: string[], io: Io): number {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        engine: { type: 'string' },
        'gas-limit': { type: 'string' },
        output: { type: 'string', short: 'o' },
        script: { type: 'string' },
        debug: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message, 'run');
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(RUN_USAGE);
    return 0;
  }
  // Every answer is a JSON line already: -o json (as every cloak command takes it) changes nothing.
  if (values.output !== undefined && values.output !== 'json') throw new UsageError(`cloak run prints JSON lines only: --output must be json, not "${values.output}"`, 'run');
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing <contract.wasm>' : `expected one contract file, got ${positionals.length}`, 'run');
  const engine = values.engine ?? 'interpreter';
  if (engine !== 'interpreter' && engine !== 'v8') throw new UsageError(`--engine must be interpreter or v8, not "${engine}"`, 'run');
  if (engine === 'v8' && typeof (globalThis as { WebAssembly?: unknown }).WebAssembly === 'undefined') {
    throw new UsageError('--engine v8 needs WebAssembly, which this process does not have (started with --jitless?)', 'run');
  }
  let gasLimit: bigint | undefined;
  if (values['gas-limit'] !== undefined) {
    if (!/^[0-9]{1,19}$/.test(values['gas-limit']) || BigInt(values['gas-limit']) > 0x7fffffffffffffffn) {
      throw new UsageError(`--gas-limit must be an integer in 0…2^63-1, not "${values['gas-limit']}"`, 'run');
    }
    gasLimit = BigInt(values['gas-limit']);
  }
  const wasm = readContract(positionals[0]);
  let input: string;
  try {
    input = readFileSync(values.script ?? 0, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${values.script ?? 'stdin'}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  let runner: Runner;
  try {
    runner = new Runner(wasm, { engine, ...(gasLimit !== undefined ? { gasLimit } : {}), ...(values.debug ? { debug: (m: string) => io.err(`debug: ${m}`) } : {}) });
  } catch (e) {
    if (!(e instanceof VmError)) throw e;
    io.err(`cloak run: cannot store ${positionals[0]}: ${e.message}`);
    return 1;
  }
  let status = 0;
  for (const line of input.split('\n')) {
    const out = runner.run(line.replace(/\r$/, ''));
    if (out === undefined) continue;
    if (out.startsWith('{"line":')) status = 1;
    io.out(out);
  }
  return status;
}
