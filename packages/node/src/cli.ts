#!/usr/bin/env node
/**
 * The `cloak` command line. Thin: it parses the command name and hands the rest to a command module
 * (commands/*.ts), which returns an exit status. Usage errors exit with 2 and a one-line message on
 * stderr, never a stack trace.
 */
import { runCheck } from './commands/check.js';
import { runRun } from './commands/run.js';
import { UsageError, type Io } from './io.js';

const USAGE = `Usage: cloak <command> [options]

Commands:
  check <file.wasm>   run the store-time contract checks (generation, exports, imports,
                      limits, floats, capabilities) and print the verdict with every reason
  run <file.wasm>     run a contract on a fresh in-memory chain, one call per JSON line
                      (instantiate / execute / query / migrate / sudo), printing each result

Run \`cloak <command> --help\` for a command's options.
Coming: \`npm start\` will run the local chain (a LocalSecret drop-in) once the node exists.`;

const COMMANDS: Record<string, (args: string[], io: Io) => number> = {
  check: runCheck,
  run: runRun,
};

function main(argv: string[], io: Io): number {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      io.out(USAGE);
      return 0;
    }
    const run = COMMANDS[cmd];
    if (run === undefined) {
      throw new UsageError(cmd.startsWith('-') ? `unknown option ${cmd}` : `unknown command "${cmd}"`, '');
    }
    return run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`cloak: ${e.message}`);
      if (e.helpFor !== undefined) io.err(`Run "cloak ${e.helpFor ? `${e.helpFor} ` : ''}--help" for usage.`);
      return 2;
    }
    io.err(`cloak: internal error: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
}

const io: Io = {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
};
process.exitCode = main(process.argv.slice(2), io);
