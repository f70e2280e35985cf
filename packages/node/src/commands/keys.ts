/**
 * `cloak keys add|list|show|delete`: the keyring of cli/keyring.ts from the command line, as
 * `secretcli keys` has it. `add` makes a new 24-word mnemonic and shows it once (on stderr, with a
 * warning to write it down, as the Cosmos SDK does; in the JSON output with --output json), or with
 * `--recover` reads one from --mnemonic-file or stdin. `--keyring-backend` chooses where `add` puts a
 * key (test: plain text, the default; file: encrypted with the password of --password-file or
 * CLOAK_KEYRING_PASSWORD) and, as secretcli scripts pass it to every subcommand, restricts the others
 * to keys of that backend. Nothing prompts: `delete` wants `--yes`.
 */
import { readFileSync } from 'node:fs';
import { isatty } from 'node:tty';
import { addKey, deleteKey, keyringDir, listKeys, resolvePassword, showKey, type Backend, type KeyInfo } from '../cli/keyring.js';
import { CliError, GLOBAL_HELP, parse, print } from '../cli/common.js';
import { UsageError, type Io } from '../io.js';

export const KEYS_USAGE = `Usage: cloak keys <subcommand> [options]

Manages the keys in <home>/keyring (like secretcli keys).

Subcommands:
  add <name>       create a key (new mnemonic, or --recover an existing one)
  list             the keys, with their addresses
  show <name>      one key's address and public key
  delete <name>    remove a key (with --yes)

Run \`cloak keys <subcommand> --help\` for its options.`;

const BACKEND_HELP = `  --keyring-backend B    test (unencrypted, for development: the default) or file
                         (the mnemonic encrypted with a password)`;

const ADD_USAGE = `Usage: cloak keys add <name> [options]

Creates key <name> from a new 24-word mnemonic, which is printed once: write it down, it is the
only way to recover the key. With --recover, the mnemonic is read from --mnemonic-file or from
stdin instead. Names are 1–64 characters of a-z, A-Z, 0-9, ".", "_" and "-".

Options:
  --recover              recover the key from an existing mnemonic
  --mnemonic-file F      read the mnemonic from file F (with --recover; default stdin)
${BACKEND_HELP}
  --password-file F      the password for the file backend: the first line of F
                         (default: the CLOAK_KEYRING_PASSWORD environment variable)
  --index N              the HD address index: m/44'/529'/0'/0/N (default 0)
${GLOBAL_HELP}`;

const LIST_USAGE = `Usage: cloak keys list [options]

Lists the keys in the keyring, sorted by name.

Options:
  -n, --list-names       print the names only
  --keyring-backend B    only the keys of backend B (test or file)
${GLOBAL_HELP}`;

const SHOW_USAGE = `Usage: cloak keys show <name> [options]

Shows a key's name, type, address, public key and backend.

Options:
  -a, --address          print only the address
  -p, --pubkey           print only the public key (base64)
  --keyring-backend B    refuse unless the key is of backend B (test or file)
${GLOBAL_HELP}`;

const DELETE_USAGE = `Usage: cloak keys delete <name> --yes [options]

Deletes a key from the keyring. Without its mnemonic it cannot be recovered.

Options:
  -y, --yes              really delete (required: this command never prompts)
  --keyring-backend B    refuse unless the key is of backend B (test or file)
${GLOBAL_HELP}`;

const BACKEND_OPTION = { 'keyring-backend': { type: 'string' } } as const;

const SUBCOMMANDS: Record<string, (args: string[], io: Io, env: NodeJS.ProcessEnv) => number> = {
  add: runAdd,
  list: runList,
  show: runShow,
  delete: runDelete,
};

/** `env` is where CLOAK_KEYRING_PASSWORD is read (the process's environment unless a test gives one). */
export async function runKeys(args: string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    io.out(KEYS_USAGE);
    return 0;
  }
  if (sub === undefined) throw new UsageError('keys: missing subcommand: add, list, show or delete', 'keys');
  if (sub.startsWith('-')) throw new UsageError(`keys: the subcommand comes first (cloak keys add|list|show|delete …), not ${sub}`, 'keys');
  const run = Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
  if (run === undefined) throw new UsageError(`keys: unknown subcommand "${sub}": expected add, list, show or delete`, 'keys');
  return run(rest, io, env);
}

function backendOf(values: Record<string, string | boolean | undefined>, command: string): Backend | undefined {
  const b = values['keyring-backend'];
  if (b === undefined) return undefined;
  if (b !== 'test' && b !== 'file') throw new UsageError(`--keyring-backend must be test or file, not "${b}"`, command);
  return b;
}

/** A key's fields in secretcli's order, then the backend. */
function keyJson(k: KeyInfo): Record<string, string> {
  return { name: k.name, type: k.type, address: k.address, pubkey: k.pubkey, backend: k.backend };
}

function keyText(k: KeyInfo): string {
  return [`- name: ${k.name}`, `  type: ${k.type}`, `  address: ${k.address}`, `  pubkey: ${k.pubkey}`, `  backend: ${k.backend}`].join('\n');
}

/** `showKey`, refused when `--keyring-backend` names another backend than the key's. */
function showIn(home: string, name: string, backend: Backend | undefined): KeyInfo {
  const k = showKey(home, name);
  if (backend !== undefined && k.backend !== backend) throw new CliError(`key ${name} is in the ${k.backend} backend, not ${backend}`);
  return k;
}

function runAdd(args: string[], io: Io, env: NodeJS.ProcessEnv): number {
  const command = 'keys add';
  const p = parse(
    args,
    { recover: { type: 'boolean' }, 'mnemonic-file': { type: 'string' }, 'password-file': { type: 'string' }, index: { type: 'string' }, ...BACKEND_OPTION },
    ADD_USAGE, command, io, { min: 1, max: 1, names: '<name>' },
  );
  if (p === undefined) return 0;
  const [name] = p.positionals;
  const backend = backendOf(p.values, command) ?? 'test';
  const mnemonicFile = p.values['mnemonic-file'] as string | undefined;
  const passwordFile = p.values['password-file'] as string | undefined;
  const recover = p.values.recover === true;
  if (mnemonicFile !== undefined && !recover) throw new UsageError('--mnemonic-file goes with --recover', command);
  if (passwordFile !== undefined && backend !== 'file') throw new UsageError('--password-file is for --keyring-backend file (the test backend stores keys unencrypted)', command);
  let index = 0;
  const indexArg = p.values.index as string | undefined;
  if (indexArg !== undefined) {
    if (!/^[0-9]{1,10}$/.test(indexArg) || Number(indexArg) >= 2 ** 31) throw new UsageError(`--index must be an integer in 0..${2 ** 31 - 1}, not "${indexArg}"`, command);
    index = Number(indexArg);
  }
  const password = backend === 'file' ? resolvePassword({ passwordFile }, env) : undefined;
  const mnemonic = recover ? readMnemonic(mnemonicFile, io, command) : undefined;
  const { info, mnemonic: made } = addKey(p.global.home, name, { mnemonic, backend, password, index });
  if (p.global.json) {
    io.out(JSON.stringify(recover ? keyJson(info) : { ...keyJson(info), mnemonic: made }, null, 2));
  } else {
    io.out(keyText(info));
    if (!recover) {
      io.err(`\n**Important** write this mnemonic phrase in a safe place.\nIt is the only way to recover your account if you ever forget your password.\n\n${made}\n`);
    }
  }
  return 0;
}

/** The mnemonic from `file` or stdin, whitespace normalised. */
function readMnemonic(file: string | undefined, io: Io, command: string): string {
  let text: string;
  if (file !== undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
      throw new UsageError(`cannot read mnemonic file ${file}: ${why}`, command);
    }
  } else {
    if (isatty(0)) io.err('Enter your BIP-39 mnemonic, then press Enter and Ctrl-D:');
    try {
      text = readFileSync(0, 'utf8');
    } catch (e) {
      throw new CliError(`cannot read the mnemonic from stdin: ${(e as Error).message}`);
    }
  }
  const words = text.trim().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) throw new CliError(`no mnemonic given: ${file === undefined ? 'stdin' : `mnemonic file ${file}`} is empty`);
  return words.join(' ');
}

function runList(args: string[], io: Io): number {
  const p = parse(args, { 'list-names': { type: 'boolean', short: 'n' }, ...BACKEND_OPTION }, LIST_USAGE, 'keys list', io, { min: 0, max: 0, names: '' });
  if (p === undefined) return 0;
  const backend = backendOf(p.values, 'keys list');
  const keys = listKeys(p.global.home).filter((k) => backend === undefined || k.backend === backend);
  if (p.values['list-names'] === true) {
    print(io, p.global, keys.map((k) => k.name), () => keys.map((k) => k.name).join('\n'));
    return 0;
  }
  print(io, p.global, keys.map(keyJson), () => {
    if (keys.length === 0) return `no keys in ${keyringDir(p.global.home)}: add one with "cloak keys add <name>"`;
    const width = Math.max(4, ...keys.map((k) => k.name.length));
    return [`${'NAME'.padEnd(width)}  ${'ADDRESS'.padEnd(45)}  BACKEND`, ...keys.map((k) => `${k.name.padEnd(width)}  ${k.address.padEnd(45)}  ${k.backend}`)].join('\n');
  });
  return 0;
}

function runShow(args: string[], io: Io): number {
  const p = parse(args, { address: { type: 'boolean', short: 'a' }, pubkey: { type: 'boolean', short: 'p' }, ...BACKEND_OPTION }, SHOW_USAGE, 'keys show', io, { min: 1, max: 1, names: '<name>' });
  if (p === undefined) return 0;
  if (p.values.address === true && p.values.pubkey === true) throw new UsageError('--address and --pubkey exclude each other', 'keys show');
  const k = showIn(p.global.home, p.positionals[0], backendOf(p.values, 'keys show'));
  // Like secretcli's `keys show -a`: the bare value whatever the output format, for $(…).
  if (p.values.address === true) io.out(k.address);
  else if (p.values.pubkey === true) io.out(k.pubkey);
  else print(io, p.global, keyJson(k), () => keyText(k));
  return 0;
}

function runDelete(args: string[], io: Io): number {
  const p = parse(args, { yes: { type: 'boolean', short: 'y' }, ...BACKEND_OPTION }, DELETE_USAGE, 'keys delete', io, { min: 1, max: 1, names: '<name>' });
  if (p === undefined) return 0;
  const name = p.positionals[0];
  const k = showIn(p.global.home, name, backendOf(p.values, 'keys delete'));
  if (p.values.yes !== true) throw new CliError(`add --yes to delete key ${name} (${k.address})`);
  deleteKey(p.global.home, name);
  print(io, p.global, { name, address: k.address, deleted: true }, () => `deleted key ${name} (${k.address})`);
  return 0;
}
