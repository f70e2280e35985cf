/**
 * What every chain command of the `cloak` CLI shares: option parsing with the global options
 * (`--home`, `--node`, `--output text|json`, `--verbose`), the error that ends a command with one
 * line and exit status 1 (`CliError`), and printing a result either as JSON (Secret's field names,
 * for scripts) or as text for people.
 *
 * Exit status: 0 success, 1 the command failed (node unreachable, tx refused, key not found, …),
 * 2 usage error. Errors are one line on stderr; a stack trace only with `--verbose`.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, type Io } from '../io.js';
import { DEFAULT_HOME, homeExists, loadHome } from '../home.js';
import { DEV_API } from '../devnet.js';

/** A command failed for a reason that is not a usage error: exit 1, one line. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

export const GLOBAL_OPTIONS = {
  home: { type: 'string' },
  node: { type: 'string' },
  output: { type: 'string', short: 'o' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export const GLOBAL_HELP = `Global options:
  --home DIR             the home directory (keyring and config; default ./${DEFAULT_HOME})
  --node URL             the node's API (default: the home's, from its config.json; else http://${DEV_API})
  -o, --output text|json print a result as text (default) or JSON
  --verbose              print a stack trace with an error
  -h, --help             show this help`;

export interface Global {
  home: string;
  node: string;
  json: boolean;
  verbose: boolean;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses `args` with the command's own options and the global ones. Returns undefined (after
 * printing `usage`) for --help. `command` names the command in errors ("tx bank send").
 */
export function parse<O extends Options>(args: string[], options: O, usage: string, command: string, io: Io, positionals: { min: number; max: number; names: string }) {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...GLOBAL_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    // Node's messages run over several lines with advice for its own API; the first says what is wrong.
    throw new UsageError((e as Error).message.split('\n')[0].replace(/\. To specify a positional argument.*$/, ''), command);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) {
    io.out(usage);
    return undefined;
  }
  const n = parsed.positionals.length;
  if (n < positionals.min || n > positionals.max) {
    // The extra arguments are not echoed: one may be a mnemonic typed where it does not belong.
    throw new UsageError(n < positionals.min ? `missing ${positionals.names}` : `too many arguments: expected ${positionals.names || 'none'}, got ${n} (quote an argument that holds spaces)`, command);
  }
  const output = (values.output as string | undefined) ?? 'text';
  if (output !== 'text' && output !== 'json') throw new UsageError(`--output must be text or json, not "${output}"`, command);
  const home = (values.home as string | undefined) ?? DEFAULT_HOME;
  if (home.trim() === '') throw new UsageError('--home must not be empty', command);
  const global: Global = {
    home,
    node: normaliseNode((values.node as string | undefined) ?? homeNode(home) ?? `http://${DEV_API}`, command),
    json: output === 'json',
    verbose: values.verbose === true,
  };
  return { values, positionals: parsed.positionals, global };
}

/**
 * The API of the node this home runs (its config.json's `api`), so that `--home h` alone reaches the
 * node started with `cloak start --home h`; undefined when there is no home or it listens on port 0.
 */
function homeNode(home: string): string | undefined {
  if (!homeExists(home)) return undefined;
  const api = loadHome(home).config.api;
  return /:0$/.test(api) ? undefined : `http://${api}`;
}

/** `host:port` or an http(s) URL, without a trailing slash. */
function normaliseNode(s: string, command: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(s) ? s : `http://${s}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw new UsageError(`--node must be a URL like http://127.0.0.1:1317, not "${s}"`, command);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`--node must be an http or https URL, not "${s}"`, command);
  return withScheme.replace(/\/+$/, '');
}

/** Prints `json` as one JSON document, or `text` lines for people. */
export function print(io: Io, g: Global, json: unknown, text: () => string): void {
  io.out(g.json ? JSON.stringify(json, null, 2) : text());
}
