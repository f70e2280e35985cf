/**
 * `cloak keys` as a user runs it: child processes of the built cli.js with a temporary --home,
 * checked for exit status (0 done, 1 refused, 2 usage error), JSON and text output, the mnemonic
 * shown once on `add`, `--recover` from stdin and from a file, the file backend's password from a
 * file or the environment, and one-line errors with a stack trace only under --verbose. Then
 * runKeys in process: which error class each failure is (cli.ts maps them to exit 1 or 2).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Key } from '@cloak/client';
import { DEV_ACCOUNTS } from '../src/devnet.js';
import { runKeys } from '../src/commands/keys.js';
import { KeyringError, loadKey } from '../src/cli/keyring.js';
import { CliError } from '../src/cli/common.js';
import { UsageError, type Io } from '../src/io.js';

const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const A = DEV_ACCOUNTS[0];
const B = DEV_ACCOUNTS[1];
const PASSWORD = 'a long enough password';

let dir = '';
let n = 0;
/** A fresh home directory for one test. */
const newHome = () => join(dir, `home${n++}`);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs cli.js with `args`, `input` on stdin; asynchronous, so that the tests of a suite overlap. */
function cloak(args: string[], o: { input?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const env = { ...process.env, ...o.env };
  if (o.env?.CLOAK_KEYRING_PASSWORD === undefined) delete env.CLOAK_KEYRING_PASSWORD;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.on('error', () => {}); // a command that exits without reading stdin
    child.stdin.end(o.input ?? '');
  });
}

function ok(r: Run): Run {
  assert.equal(r.status, 0, `exit ${r.status}: ${r.stderr}`);
  return r;
}

/** Exit `status` with one line `cloak: <pattern>` on stderr and no stack trace. */
function fails(r: Run, status: 1 | 2, pattern: RegExp): void {
  assert.equal(r.status, status, `stdout: ${r.stdout} stderr: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.match(lines[0], /^cloak: /);
  // A usage error ends with where to look for help, on the same line.
  assert.match(lines[0].replace(/ \(see "cloak [^"]*--help"\)$/, ''), pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.doesNotMatch(r.stderr, /internal error/);
  assert.equal(lines.length, 1, `one line: ${r.stderr}`);
}

const json = (r: Run) => JSON.parse(ok(r).stdout) as unknown;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cloak-keys-cli-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('cloak keys add', { concurrency: true }, () => {
  test('a new key: the mnemonic is shown once, on stderr with a warning; show -a gives the address', async () => {
    const home = newHome();
    const r = ok(await cloak(['keys', 'add', 'alice', '--home', home]));
    const address = /address: (secret1[0-9a-z]{38})/.exec(r.stdout)?.[1];
    assert.ok(address, r.stdout);
    assert.match(r.stdout, /name: alice/);
    assert.match(r.stderr, /\*\*Important\*\* write this mnemonic phrase in a safe place/);
    const mnemonic = r.stderr.trim().split('\n').at(-1) as string;
    assert.equal(mnemonic.split(' ').length, 24);
    assert.ok(!r.stdout.includes(mnemonic));
    assert.equal(Key.fromMnemonic(mnemonic).address, address);
    assert.equal(ok(await cloak(['keys', 'show', 'alice', '-a', '--home', home])).stdout, `${address}\n`);
    assert.equal(statSync(join(home, 'keyring')).mode & 0o777, 0o700);
    assert.equal(statSync(join(home, 'keyring', 'alice.json')).mode & 0o777, 0o600);
  });

  test('--output json: {name, type, address, pubkey, mnemonic}, and the mnemonic recovers the key', async () => {
    const home = newHome();
    const k = json(await cloak(['keys', 'add', 'bob', '--home', home, '-o', 'json'])) as Record<string, string>;
    assert.deepEqual(Object.keys(k), ['name', 'type', 'address', 'pubkey', 'backend', 'mnemonic']);
    assert.equal(k.name, 'bob');
    assert.equal(k.type, 'local');
    assert.equal(k.backend, 'test');
    const key = Key.fromMnemonic(k.mnemonic);
    assert.equal(k.address, key.address);
    assert.equal(k.pubkey, Buffer.from(key.publicKey).toString('base64'));
    const other = newHome();
    const r = json(await cloak(['keys', 'add', 'bob2', '--recover', '--home', other, '--output', 'json'], { input: `${k.mnemonic}\n` })) as Record<string, string>;
    assert.equal(r.address, k.address);
    assert.equal(r.mnemonic, undefined, 'a recovered mnemonic is not printed again');
  });

  test('--recover from stdin: LocalSecret account a gets its published address', async () => {
    const home = newHome();
    const r = ok(await cloak(['keys', 'add', 'a', '--recover', '--home', home], { input: `  ${A.mnemonic}  \n` }));
    assert.match(r.stdout, /address: secret1ap26qrlp8mcq2pg6r47w43l0y8zkqm8a450s03/);
    assert.doesNotMatch(r.stderr, /Important/);
    assert.ok(!r.stdout.includes(A.mnemonic) && !r.stderr.includes(A.mnemonic));
  });

  test('--recover --mnemonic-file, and --index', async () => {
    const home = newHome();
    const f = join(dir, 'mnemonic-b');
    writeFileSync(f, `${B.mnemonic}\n`);
    const k0 = json(await cloak(['keys', 'add', 'b', '--recover', '--mnemonic-file', f, '--home', home, '-o', 'json'])) as Record<string, string>;
    assert.equal(k0.address, B.address);
    const k3 = json(await cloak(['keys', 'add', 'b3', '--recover', '--mnemonic-file', f, '--index', '3', '--home', home, '-o', 'json'])) as Record<string, string>;
    assert.equal(k3.address, Key.fromMnemonic(B.mnemonic, 3).address);
  });

  test('an invalid mnemonic is one line: the client\'s message', async () => {
    const home = newHome();
    fails(await cloak(['keys', 'add', 'x', '--recover', '--home', home], { input: 'grant rice replace\n' }), 1, /^cloak: mnemonic: 3 words, expected 12, 15, 18, 21 or 24$/);
    fails(await cloak(['keys', 'add', 'x', '--recover', '--home', home], { input: A.mnemonic.replace('guitar', 'rice') }), 1, /^cloak: mnemonic: bad checksum/);
    fails(await cloak(['keys', 'add', 'x', '--recover', '--home', home], { input: '\n' }), 1, /^cloak: no mnemonic given: stdin is empty$/);
    fails(await cloak(['keys', 'add', 'x', '--recover', '--mnemonic-file', join(dir, 'nope'), '--home', home]), 2, /^cloak: cannot read mnemonic file .*nope: no such file$/);
    assert.equal(existsSync(join(home, 'keyring', 'x.json')), false);
  });

  test('an existing name or address, a bad name: refused with exit 1', async () => {
    const home = newHome();
    ok(await cloak(['keys', 'add', 'a', '--recover', '--home', home], { input: A.mnemonic }));
    fails(await cloak(['keys', 'add', 'a', '--home', home]), 1, /^cloak: key a already exists: delete it first or choose another name$/);
    fails(await cloak(['keys', 'add', 'a2', '--recover', '--home', home], { input: A.mnemonic }), 1, /^cloak: key a already has address secret1ap26/);
    fails(await cloak(['keys', 'add', 'a/b', '--home', home]), 1, /^cloak: invalid key name "a\/b"/);
  });

  test('usage errors exit 2', async () => {
    const home = newHome();
    fails(await cloak(['keys', 'add', '--home', home]), 2, /^cloak: missing <name>$/);
    fails(await cloak(['keys', 'add', 'x', 'y', '--home', home]), 2, /too many arguments/);
    fails(await cloak(['keys', 'add', 'x', '--frob', '--home', home]), 2, /Unknown option '--frob'/);
    fails(await cloak(['keys', 'add', 'x', '--keyring-backend', 'os', '--home', home]), 2, /^cloak: --keyring-backend must be test or file, not "os"$/);
    fails(await cloak(['keys', 'add', 'x', '--index=-1', '--home', home]), 2, /^cloak: --index must be an integer in 0\.\.2147483647, not "-1"$/);
    fails(await cloak(['keys', 'add', 'x', '--index', '2147483648', '--home', home]), 2, /^cloak: --index must be an integer in 0\.\.2147483647, not "2147483648"$/);
    fails(await cloak(['keys', 'add', 'x', '--mnemonic-file', 'f', '--home', home]), 2, /^cloak: --mnemonic-file goes with --recover$/);
    fails(await cloak(['keys', 'add', 'x', '--password-file', 'f', '--home', home]), 2, /^cloak: --password-file is for --keyring-backend file/);
    fails(await cloak(['keys', 'add', 'x', '-o', 'yaml', '--home', home]), 2, /--output must be text or json/);
    assert.equal(existsSync(home), false, 'nothing written');
  });
});

describe('cloak keys with the file backend', { concurrency: true }, () => {
  test('the password from --password-file or CLOAK_KEYRING_PASSWORD; metadata needs none', async () => {
    const home = newHome();
    const pw = join(dir, 'pw');
    writeFileSync(pw, `${PASSWORD}\n`);
    const k = json(await cloak(['keys', 'add', 'b', '--recover', '--keyring-backend', 'file', '--password-file', pw, '--home', home, '-o', 'json'], { input: B.mnemonic })) as Record<string, string>;
    assert.equal(k.backend, 'file');
    assert.equal(k.address, B.address);
    const e = json(await cloak(['keys', 'add', 'e', '--keyring-backend', 'file', '--home', home, '-o', 'json'], { env: { CLOAK_KEYRING_PASSWORD: PASSWORD } })) as Record<string, string>;
    assert.equal(e.backend, 'file');
    assert.equal((json(await cloak(['keys', 'show', 'b', '--home', home, '-o', 'json'])) as Record<string, string>).address, B.address);
  });

  test('no password, a short one, an unreadable password file: exit 1, one line', async () => {
    const home = newHome();
    fails(await cloak(['keys', 'add', 'b', '--keyring-backend', 'file', '--home', home]), 1, /^cloak: key b uses the file backend and needs a password: give --password-file or set CLOAK_KEYRING_PASSWORD$/);
    fails(await cloak(['keys', 'add', 'b', '--keyring-backend', 'file', '--home', home], { env: { CLOAK_KEYRING_PASSWORD: 'short' } }), 1, /^cloak: the password for key b is too short: at least 8 characters$/);
    const missing = join(dir, 'no-such-pw');
    fails(await cloak(['keys', 'add', 'b', '--keyring-backend', 'file', '--password-file', missing, '--home', home]), 1, new RegExp(`^cloak: cannot read password file ${missing}: no such file$`));
  });

  test('--keyring-backend restricts list, show and delete to that backend', async () => {
    const home = newHome();
    ok(await cloak(['keys', 'add', 'a', '--recover', '--home', home], { input: A.mnemonic }));
    ok(await cloak(['keys', 'add', 'b', '--recover', '--keyring-backend', 'file', '--home', home], { input: B.mnemonic, env: { CLOAK_KEYRING_PASSWORD: PASSWORD } }));
    assert.deepEqual(json(await cloak(['keys', 'list', '-n', '--keyring-backend', 'file', '--home', home, '-o', 'json'])), ['b']);
    assert.deepEqual(json(await cloak(['keys', 'list', '-n', '--keyring-backend', 'test', '--home', home, '-o', 'json'])), ['a']);
    ok(await cloak(['keys', 'show', 'a', '--keyring-backend', 'test', '--home', home]));
    fails(await cloak(['keys', 'show', 'a', '--keyring-backend', 'file', '--home', home]), 1, /^cloak: key a is in the test backend, not file$/);
    fails(await cloak(['keys', 'delete', 'b', '--yes', '--keyring-backend', 'test', '--home', home]), 1, /^cloak: key b is in the file backend, not test$/);
  });
});

describe('cloak keys list, show, delete', { concurrency: true }, () => {
  let home = '';
  before(async () => {
    home = newHome();
    for (const a of DEV_ACCOUNTS) ok(await cloak(['keys', 'add', a.name, '--recover', '--home', home], { input: a.mnemonic }));
  });

  test('list --output json: secretcli\'s fields, sorted by name', async () => {
    const keys = json(await cloak(['keys', 'list', '--home', home, '-o', 'json'])) as Record<string, string>[];
    assert.deepEqual(keys.map((k) => [k.name, k.type, k.address]), DEV_ACCOUNTS.map((a) => [a.name, 'local', a.address]));
    assert.deepEqual(Object.keys(keys[0]), ['name', 'type', 'address', 'pubkey', 'backend']);
    assert.equal(keys[0].pubkey, Buffer.from(Key.fromMnemonic(A.mnemonic).publicKey).toString('base64'));
  });

  test('list as text: a table of names and addresses; -n: the names', async () => {
    const lines = ok(await cloak(['keys', 'list', '--home', home])).stdout.trimEnd().split('\n');
    assert.match(lines[0], /^NAME\s+ADDRESS\s+BACKEND$/);
    assert.deepEqual(lines.slice(1).map((l) => l.split(/\s+/)), DEV_ACCOUNTS.map((a) => [a.name, a.address, 'test']));
    assert.equal(ok(await cloak(['keys', 'list', '-n', '--home', home])).stdout, 'a\nb\nc\nd\n');
  });

  test('list of an empty keyring', async () => {
    const empty = newHome();
    assert.deepEqual(json(await cloak(['keys', 'list', '--home', empty, '-o', 'json'])), []);
    assert.match(ok(await cloak(['keys', 'list', '--home', empty])).stdout, /^no keys in .*keyring: add one with "cloak keys add <name>"\n$/);
  });

  test('show: text, JSON, --address and --pubkey', async () => {
    const text = ok(await cloak(['keys', 'show', 'b', '--home', home])).stdout;
    assert.match(text, /name: b\n/);
    assert.match(text, new RegExp(`address: ${B.address}\\n`));
    const k = json(await cloak(['keys', 'show', 'b', '--home', home, '-o', 'json'])) as Record<string, string>;
    assert.deepEqual(k, { name: 'b', type: 'local', address: B.address, pubkey: Buffer.from(Key.fromMnemonic(B.mnemonic).publicKey).toString('base64'), backend: 'test' });
    assert.equal(ok(await cloak(['keys', 'show', 'b', '--address', '--home', home])).stdout, `${B.address}\n`);
    assert.equal(ok(await cloak(['keys', 'show', 'b', '-a', '--home', home, '-o', 'json'])).stdout, `${B.address}\n`);
    assert.equal(ok(await cloak(['keys', 'show', 'b', '-p', '--home', home])).stdout, `${k.pubkey}\n`);
    fails(await cloak(['keys', 'show', 'b', '-a', '-p', '--home', home]), 2, /--address and --pubkey exclude each other/);
  });

  test('show of an unknown key: exit 1, one line naming the keys there are; --verbose adds the stack', async () => {
    fails(await cloak(['keys', 'show', 'zed', '--home', home]), 1, /^cloak: key zed not found: the keyring .*keyring has a, b, c, d$/);
    const v = await cloak(['keys', 'show', 'zed', '--home', home, '--verbose']);
    assert.equal(v.status, 1);
    assert.match(v.stderr, /^cloak: key zed not found/);
    assert.match(v.stderr, /\n\s+at .*keyring\.js/);
  });

  test('delete needs --yes; then the key is gone', async () => {
    const h = newHome();
    ok(await cloak(['keys', 'add', 'c', '--recover', '--home', h], { input: DEV_ACCOUNTS[2].mnemonic }));
    fails(await cloak(['keys', 'delete', 'c', '--home', h]), 1, new RegExp(`^cloak: add --yes to delete key c \\(${DEV_ACCOUNTS[2].address}\\)$`));
    assert.ok(existsSync(join(h, 'keyring', 'c.json')));
    const r = json(await cloak(['keys', 'delete', 'c', '--yes', '--home', h, '-o', 'json']));
    assert.deepEqual(r, { name: 'c', address: DEV_ACCOUNTS[2].address, deleted: true });
    assert.equal(existsSync(join(h, 'keyring', 'c.json')), false);
    fails(await cloak(['keys', 'delete', 'c', '-y', '--home', h]), 1, /^cloak: key c not found: the keyring .* is empty$/);
    fails(await cloak(['keys', 'show', 'c', '--home', h]), 1, /^cloak: key c not found/);
  });
});

describe('cloak keys usage', { concurrency: true }, () => {
  test('--help for keys and every subcommand', async () => {
    assert.match(ok(await cloak(['keys', '--help'])).stdout, /Usage: cloak keys <subcommand>/);
    for (const sub of ['add', 'list', 'show', 'delete']) {
      const r = ok(await cloak(['keys', sub, '--help']));
      assert.match(r.stdout, new RegExp(`^Usage: cloak keys ${sub}`));
      assert.match(r.stdout, /--home DIR/);
    }
  });

  test('a missing or unknown subcommand is a usage error', async () => {
    fails(await cloak(['keys']), 2, /^cloak: keys: missing subcommand: add, list, show or delete$/);
    fails(await cloak(['keys', 'export', 'a']), 2, /^cloak: keys: unknown subcommand "export": expected add, list, show or delete$/);
    fails(await cloak(['keys', 'toString']), 2, /unknown subcommand "toString"/);
    fails(await cloak(['keys', '--home', 'x', 'list']), 2, /^cloak: keys: the subcommand comes first/);
    fails(await cloak(['keys', 'list', 'extra']), 2, /too many arguments/);
  });
});

describe('runKeys in process', () => {
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t) };
    return { io, out, err };
  };

  test('the password comes from the env it is given', async () => {
    const home = newHome();
    const c = capture();
    assert.equal(await runKeys(['add', 'e', '--keyring-backend', 'file', '--home', home, '-o', 'json'], c.io, { CLOAK_KEYRING_PASSWORD: PASSWORD }), 0);
    const k = JSON.parse(c.out.join('\n')) as Record<string, string>;
    assert.equal(loadKey(home, 'e', PASSWORD).address, k.address);
    assert.equal(c.err.length, 0, 'JSON output: the mnemonic is in the JSON, nothing on stderr');
  });

  test('usage errors are UsageError for "keys <sub>", failures KeyringError or CliError', async () => {
    const home = newHome();
    const { io } = capture();
    const rejects = (args: string[], cls: new (...a: never[]) => Error, pattern: RegExp, helpFor?: string) =>
      assert.rejects(runKeys(args, io, {}), (e: unknown) => {
        assert.ok(e instanceof cls, `${String(e)} is not a ${cls.name}`);
        assert.match((e as Error).message, pattern);
        if (helpFor !== undefined) assert.equal((e as UsageError).helpFor, helpFor);
        return true;
      });
    await rejects([], UsageError, /missing subcommand/, 'keys');
    await rejects(['frob'], UsageError, /unknown subcommand "frob"/, 'keys');
    await rejects(['add', '--home', home], UsageError, /missing <name>/, 'keys add');
    await rejects(['show', 'x', '--home', home], KeyringError, /^key x not found/);
    await rejects(['add', 'x', '--keyring-backend', 'file', '--home', home], KeyringError, /needs a password/);
    await rejects(['list', '--home', home, '--bogus'], UsageError, /Unknown option '--bogus'/, 'keys list');
    assert.equal(await runKeys(['add', 'x', '--home', home], io, {}), 0);
    await rejects(['delete', 'x', '--home', home], CliError, /^add --yes to delete key x /);
  });
});
