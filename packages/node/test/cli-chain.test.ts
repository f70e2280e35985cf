/**
 * The local chain driven as a user drives it, through child processes of the built CLI with a
 * temporary home: `cloak init` (home, genesis, the dev keys in the keyring), `cloak start` (the
 * lines it prints, `ready`), `cloak status`, `cloak demo` against it, Ctrl-C (SIGINT: a clean stop,
 * exit 0), a restart that resumes at the same height with the same state, and the one-line errors
 * of a second init, a busy port and an unreachable node. Also README's walkthrough script.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEV_ACCOUNTS } from '../src/devnet.js';

const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const homes: string[] = [];
after(() => homes.forEach((h) => rmSync(h, { recursive: true, force: true })));

function home(): string {
  const h = mkdtempSync(join(tmpdir(), 'cloak-cli-'));
  homes.push(h);
  return h;
}

function cloak(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts `cloak start` and resolves once it printed `ready`, with everything it printed. */
function start(h: string, port: number, extra: string[] = []): Promise<{ child: ChildProcess; out: () => string; err: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [CLI, 'start', '--home', h, '--api', `127.0.0.1:${port}`, '--block-time', '100', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (/^ready: /m.test(out)) resolve({ child, out: () => out, err: () => err, exited });
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    void exited.then((code) => reject(new Error(`cloak start exited (${code}) before ready: ${err}`)));
  });
}

test('init, start, status, demo, Ctrl-C, restart: the chain as a user runs it', async () => {
  const h = home();
  const port = await freePort();
  const node = `http://127.0.0.1:${port}`;

  const init = cloak('init', '--home', h, '-o', 'json');
  assert.equal(init.status, 0, init.stderr);
  const created = JSON.parse(init.stdout) as { chain_id: string; accounts: { name: string; address: string }[] };
  assert.equal(created.chain_id, 'secretdev-1');
  assert.deepEqual(created.accounts.map((a) => a.address), DEV_ACCOUNTS.map((a) => a.address));
  const keys = cloak('keys', 'list', '--home', h, '-o', 'json');
  assert.deepEqual((JSON.parse(keys.stdout) as { name: string; address: string }[]).map((k) => [k.name, k.address]), DEV_ACCOUNTS.map((a) => [a.name, a.address]));
  const again = cloak('init', '--home', h);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /^cloak: .* is already a cloak home/);
  assert.equal(again.stderr.trim().split('\n').length, 1);

  let run = await start(h, port);
  assert.match(run.out(), /^cloak: chain secretdev-1, home .*, height 0$/m);
  assert.match(run.out(), /^enclave: interpreter, --jitless$/m);
  assert.match(run.out(), new RegExp(`^API: ${node}$`, 'm'));
  for (const a of DEV_ACCOUNTS) assert.ok(run.out().includes(`${a.name}  ${a.address}  ${a.mnemonic}`), a.name);

  // A second node on the same port: one line, exit 1.
  const busy = cloak('start', '--home', home(), '--api', `127.0.0.1:${port}`);
  assert.equal(busy.status, 1);
  assert.match(busy.stderr, /cannot listen on 127\.0\.0\.1:\d+: the address is in use/);

  const status = cloak('status', '--node', node, '-o', 'json');
  assert.equal(status.status, 0, status.stderr);
  assert.deepEqual(Object.keys(JSON.parse(status.stdout)).sort(), ['catching_up', 'chain_id', 'enclave_mode', 'latest_block_height', 'latest_block_time', 'node']);
  assert.equal(JSON.parse(status.stdout).enclave_mode, 'interpreter, --jitless');

  const demo = cloak('demo', '--node', node, '-o', 'json');
  assert.equal(demo.status, 0, demo.stderr);
  const d = JSON.parse(demo.stdout) as { contract_address: string; balances: Record<string, string>; steps: { gas_used?: string }[] };
  assert.deepEqual(d.balances, { a: '997458', b: '2000', c: '1042' });
  assert.ok(d.steps.slice(0, 5).every((s) => Number(s.gas_used) > 0));

  // Ctrl-C: a clean stop.
  run.child.kill('SIGINT');
  assert.equal(await run.exited, 0);
  assert.match(run.err(), /cloak: stopped/);
  const height = Number(JSON.parse(status.stdout).latest_block_height);

  // Restart: the same chain, at least as high, the same contract state.
  run = await start(h, port);
  const st2 = JSON.parse(cloak('status', '--node', node, '-o', 'json').stdout) as { latest_block_height: string };
  assert.ok(Number(st2.latest_block_height) >= Math.max(height, 5), st2.latest_block_height);
  const q = cloak('query', 'compute', 'query', d.contract_address, JSON.stringify({ balance: { address: DEV_ACCOUNTS[2].address } }), '--node', node, '-o', 'json');
  assert.equal(q.status, 0, q.stderr);
  assert.deepEqual(JSON.parse(q.stdout), { balance: '1042' });
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0);

  // Nothing listens now: one line, exit 1.
  const down = cloak('status', '--node', node);
  assert.equal(down.status, 1);
  assert.match(down.stderr, /^cloak: cannot reach the node at http:\/\/127\.0\.0\.1:\d+: .*\(is it running\? start it with "cloak start"\)\n$/);
});

test('cloak demo --temp runs on a node of its own and removes it', () => {
  const r = cloak('demo', '--temp', '--engine', 'v8');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /done: the balances are what the transfers say\./);
  const m = /home (\S+)\)/.exec(r.stderr);
  assert.ok(m, r.stderr);
  assert.throws(() => readFileSync(join(m[1], 'config.json')), /ENOENT/);
});

test("README's walkthrough script runs", async () => {
  const h = home();
  const port = await freePort();
  const r = spawnSync('bash', ['scripts/walkthrough.sh', h, `127.0.0.1:${port}`], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /"balance": "250"/);
});

test('a tx signed with a password-protected key and the wrong password: one line, exit 1, nothing sent', () => {
  const h = home();
  const right = join(h, 'right');
  const wrong = join(h, 'wrong');
  writeFileSync(right, 'correct horse battery\n');
  writeFileSync(wrong, 'not the password\n');
  assert.equal(cloak('keys', 'add', 'k', '--keyring-backend', 'file', '--password-file', right, '--home', h).status, 0);
  // An unreachable node: the key is opened first, so the password is what fails.
  const r = cloak('tx', 'bank', 'send', 'k', DEV_ACCOUNTS[1].address, '1uscrt', '--password-file', wrong, '--home', h, '--node', 'http://127.0.0.1:9');
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'cloak: wrong password for key k\n');
});

test("one node per home; --home finds its node's API; a home that cannot be, a changed genesis", async () => {
  const h = home();
  const port = await freePort();
  const run = await start(h, port);
  try {
    // A second node on the same home (another port): refused, the first goes on.
    const second = cloak('start', '--home', h, '--api', `127.0.0.1:${await freePort()}`);
    assert.equal(second.status, 1);
    assert.match(second.stderr, /^cloak: cannot open the node's store in .*: the store in .* is in use by process \d+ \(another cloak node on this home\?\)\n$/);
  } finally {
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0);
  }
  // A home whose config has its own API: commands with --home and no --node go there.
  const h2 = home();
  const port2 = await freePort();
  assert.equal(cloak('init', '--home', h2, '--api', `127.0.0.1:${port2}`).status, 0);
  const run2 = await start(h2, port2);
  try {
    const st = cloak('status', '--home', h2, '-o', 'json');
    assert.equal(st.status, 0, st.stderr);
    assert.equal(JSON.parse(st.stdout).node, `http://127.0.0.1:${port2}`);
  } finally {
    run2.child.kill('SIGTERM');
    assert.equal(await run2.exited, 0);
  }
  // The chain began with this genesis: an edited one is refused, not silently ignored.
  const g = JSON.parse(readFileSync(join(h2, 'genesis.json'), 'utf8'));
  g.accounts[0].coins[0].amount = '5';
  writeFileSync(join(h2, 'genesis.json'), JSON.stringify(g));
  const edited = cloak('start', '--home', h2);
  assert.equal(edited.status, 1);
  assert.match(edited.stderr, /the genesis given differs from the one chain secretdev-1 began with/);

  const empty = cloak('init', '--home', '');
  assert.equal(empty.status, 2);
  assert.match(empty.stderr, /^cloak: --home must not be empty/);
  const file = join(home(), 'a-file');
  writeFileSync(file, 'x');
  const notDir = cloak('init', '--home', file);
  assert.equal(notDir.status, 1);
  assert.match(notDir.stderr, /^cloak: cannot create the home .*: a path in it is a file, not a directory\n$/);
});

test('a mnemonic typed where it does not belong is never echoed', () => {
  const h = home();
  const words = DEV_ACCOUNTS[3].mnemonic;
  const r = cloak('keys', 'add', 'mine', '--recover', ...words.split(' '), '--home', h);
  assert.equal(r.status, 2);
  assert.ok(!words.split(' ').some((w) => w.length > 4 && r.stderr.includes(w)), r.stderr);
  const typo = spawnSync(process.execPath, [CLI, 'keys', 'add', 'mine', '--recover', '--home', h], { input: `${words}z\n`, encoding: 'utf8' });
  assert.equal(typo.status, 1);
  assert.match(typo.stderr, /is not in the English BIP-39 wordlist/);
  assert.ok(!typo.stderr.includes('brickz'), typo.stderr);
});
