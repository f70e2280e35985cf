#!/usr/bin/env node
/**
 * The `cloak` command line. Thin: it parses the command name and hands the rest to a command module
 * (commands/*.ts), which returns an exit status. Usage errors exit with 2 and a one-line message on
 * stderr; a failed command (CliError, a keyring or home problem) exits with 1 and one line; a stack
 * trace only with `--verbose`.
 */
import { runCheck } from './commands/check.js';
import { runRun } from './commands/run.js';
import { runInit, runStart } from './commands/start.js';
import { runStatus } from './commands/status.js';
import { runKeys } from './commands/keys.js';
import { runTx } from './commands/tx.js';
import { runQuery } from './commands/query.js';
import { runDemo } from './commands/demo.js';
import { UsageError, type Io } from './io.js';

const USAGE = `Usage: cloak <command> [options]

A local Secret Network chain in one command, and the CLI to use it (like secretcli).

Chain:
  init                 create a home directory (./.cloak) with the dev accounts a, b, c, d funded
  start                run the node (initialising the home if needed) until Ctrl-C
  status               the running node's chain id, height and enclave mode
  demo                 upload, instantiate and use the token contract, step by step

Keys and transactions (against --node, default http://127.0.0.1:1317):
  keys add|list|show|delete
  tx bank send | tx compute store|instantiate|execute|migrate|set-contract-admin|clear-contract-admin
  query bank balances | query compute list-code|code|contract|list-contract-by-code|code-hash|query|contract-state
  query tx HASH | query block [HEIGHT] | query account ADDRESS

Contract tools (no chain needed):
  check <file.wasm>    the store-time contract checks, with every reason
  run <file.wasm>      run a contract on a fresh in-memory chain, one call per JSON line

Run \`cloak <command> --help\` for a command's options.`;

type Command = (args: string[], io: Io) => number | Promise<number>;

const COMMANDS: Record<string, Command> = {
  check: runCheck,
  run: runRun,
  init: runInit,
  start: runStart,
  status: runStatus,
  keys: runKeys,
  tx: runTx,
  query: runQuery,
  q: runQuery,
  demo: runDemo,
};

async function main(argv: string[], io: Io): Promise<number> {
  const [cmd, ...rest] = argv;
  const verbose = argv.includes('--verbose');
  try {
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      io.out(USAGE);
      return 0;
    }
    const run = COMMANDS[cmd];
    if (run === undefined) {
      throw new UsageError(cmd.startsWith('-') ? `unknown option ${cmd}` : `unknown command "${cmd}"`, '');
    }
    return await run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      const help = e.helpFor !== undefined ? ` (see "cloak ${e.helpFor ? `${e.helpFor} ` : ''}--help")` : '';
      io.err(`cloak: ${oneLine(e.message)}${help}`);
      return 2;
    }
    const err = e as Error;
    const known = ['CliError', 'KeyringError', 'HomeError'].includes(err?.name);
    io.err(`cloak: ${known ? '' : 'internal error: '}${oneLine(err instanceof Error ? err.message : String(e))}`);
    if (verbose && err instanceof Error && err.stack) io.err(err.stack);
    return 1;
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}

const io: Io = {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
};
process.exitCode = await main(process.argv.slice(2), io);
