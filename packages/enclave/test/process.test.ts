// The real enclave process (launch.ts flags: --jitless, no code generation, the permission model)
// against the in-process VM: the token contract instantiated, executed and queried through the
// boundary gives the same answers, write sets and gas; the process cannot do what it must not; a
// killed or hung enclave fails the call, applies nothing, and the next call gets a new process, which
// loads the code it names from the host (ocall_load_code): the caller stages nothing again.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { bech32 } from '@scure/base';
import { EnclaveError, EnclaveProcess, EnclaveUnavailable, Type, type EcallRequest, type EnclaveMessage, type Env, type OcallHandlers } from '@cloak/protocol';
import { MemoryStorage, Vm, stringifyJson, type CallResult, type StoredCode } from '@cloak/vm';
import { enclaveCommand } from '@cloak/enclave/launch';

const token = new Uint8Array(readFileSync(new URL('../../../contracts/build/token-v1.wasm', import.meta.url)));
const sink = new Uint8Array(readFileSync(new URL('../../../contracts/build/kitchen-sink-v1.wasm', import.meta.url)));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
/** The host's code store, by code hash; and the hashes the enclaves asked it for. */
const UPLOADS = new Map([token, sink].map((w) => [createHash('sha256').update(w).digest('hex'), w]));
const loads: string[] = [];
const addr = (n: number) => bech32.encode('secret', bech32.toWords(new Uint8Array(20).fill(n)));
const enc = new TextEncoder();
const dec = new TextDecoder();
const ENV: Env = { height: 7n, timeNanos: 1_700_000_000_000_000_000n, chainId: 'secretdev-1', contract: addr(9), transaction: { index: 0, hash: 'AB'.repeat(32) } };

const procs: EnclaveProcess[] = [];
after(() => procs.forEach((p) => p.close()));

function enclave(opts: { timeoutMs?: number; jit?: boolean; logLevel?: 'info' | 'debug' } = {}) {
  const logs: string[] = [];
  const p = new EnclaveProcess({ ...enclaveCommand({ jit: opts.jit ?? false, logLevel: opts.logLevel ?? 'debug' }), timeoutMs: opts.timeoutMs ?? 60_000, log: (l, e, m) => logs.push(`${l} ${e} ${m}`) });
  procs.push(p);
  return { p, logs };
}

function handlers(storage: MemoryStorage): OcallHandlers {
  return {
    readDb: (k) => storage.get(k),
    range: (s, e, d, limit) => storage.range(s, e, d ? 'descending' : 'ascending', limit),
    queryChain: async () => ({ result: { kind: 'system_error', error: enc.encode('{"unsupported_request":{"kind":"test"}}') }, gasUsed: 0n }),
    loadCode: (h) => {
      loads.push(hex(h));
      return UPLOADS.get(hex(h));
    },
  };
}

/** The in-process VM's answer in the boundary's terms, to compare with the enclave's. */
function expected(r: CallResult): string {
  if (r.kind === 'ok') return stringifyJson({ kind: 'ok', value: stringifyJson(r.value), answer: r.answer ? dec.decode(r.answer) : null, gas: r.gasUsed, writes: r.changes.map(([k, v]) => [Buffer.from(k).toString('hex'), v ? Buffer.from(v).toString('hex') : null]) });
  if (r.kind === 'contract_error') return stringifyJson({ kind: 'contract_error', error: stringifyJson(r.error), gas: r.gasUsed });
  return stringifyJson({ kind: 'vm_error', error: `${r.error.kind}: ${r.error.message}`, gas: r.gasUsed });
}

function got(m: EnclaveMessage, storage: MemoryStorage): string {
  assert.equal(m.type, Type.EcallResult);
  if (m.type !== Type.EcallResult) throw new Error('unreachable');
  const o = m.outcome;
  if (o.kind === 'ok') {
    for (const [k, v] of o.writes) v === null ? storage.remove(k) : storage.set(k, v);
    return stringifyJson({ kind: 'ok', value: dec.decode(o.value), answer: o.answer ? dec.decode(o.answer) : null, gas: m.gasUsed, writes: o.writes.map(([k, v]) => [Buffer.from(k).toString('hex'), v ? Buffer.from(v).toString('hex') : null]) });
  }
  if (o.kind === 'contract_error') return stringifyJson({ kind: 'contract_error', error: dec.decode(o.error), gas: m.gasUsed });
  return stringifyJson({ kind: 'vm_error', error: `${o.errorKind}: ${o.message}`, gas: m.gasUsed });
}

test('the token through the real enclave process: same answers, write sets and gas as the in-process VM', async () => {
  const { p, logs } = enclave();
  const vm = new Vm();
  const code: StoredCode = vm.storeCode(token);
  const staged = await p.ecall({ type: Type.EcallAllocate, code: token }, handlers(new MemoryStorage()));
  assert.equal(staged.type, Type.AllocateResult);
  const codeHash = Buffer.from(code.checksum, 'hex');
  const mine = new MemoryStorage();
  const theirs = new MemoryStorage();
  const env = { block: { height: ENV.height, timeNanos: ENV.timeNanos, chainId: ENV.chainId }, contract: { address: ENV.contract, codeHash: code.checksum }, transaction: ENV.transaction! };
  const init = { name: 'Cloak Token', symbol: 'CLK', decimals: 6, initial_balances: [{ address: addr(1), amount: '1000' }] };
  const steps: [string, () => CallResult, () => Promise<EnclaveMessage>][] = [
    ['instantiate', () => vm.instantiate(code, { env, storage: mine, gasLimit: 10_000_000n, sender: addr(1), msg: enc.encode(JSON.stringify(init)) }),
      () => p.ecall({ type: Type.EcallInit, codeHash, env: ENV, sender: addr(1), funds: [], msg: enc.encode(JSON.stringify(init)), gasLimit: 10_000_000n }, handlers(theirs))],
    ...[['transfer', '100'], ['transfer', '5000']].map(([, amount]) => [`transfer ${amount}`,
      () => vm.execute(code, { env, storage: mine, gasLimit: 10_000_000n, sender: addr(1), msg: enc.encode(JSON.stringify({ transfer: { recipient: addr(2), amount } })) }),
      () => p.ecall({ type: Type.EcallHandle, handle: 'execute', codeHash, env: ENV, sender: addr(1), funds: [], msg: enc.encode(JSON.stringify({ transfer: { recipient: addr(2), amount } })), gasLimit: 10_000_000n }, handlers(theirs))] as [string, () => CallResult, () => Promise<EnclaveMessage>]),
    ['query', () => vm.query(code, { env, storage: mine, gasLimit: 10_000_000n, msg: enc.encode(JSON.stringify({ balance: { address: addr(2) } })) }),
      () => p.ecall({ type: Type.EcallQuery, codeHash, env: ENV, msg: enc.encode(JSON.stringify({ balance: { address: addr(2) } })), gasLimit: 10_000_000n, depth: 1 }, handlers(theirs))],
    ['out of gas', () => vm.execute(code, { env, storage: mine, gasLimit: 30_000n, sender: addr(1), msg: enc.encode(JSON.stringify({ transfer: { recipient: addr(2), amount: '1' } })) }),
      () => p.ecall({ type: Type.EcallHandle, handle: 'execute', codeHash, env: ENV, sender: addr(1), funds: [], msg: enc.encode(JSON.stringify({ transfer: { recipient: addr(2), amount: '1' } })), gasLimit: 30_000n }, handlers(theirs))],
  ];
  for (const [what, inProcess, boundary] of steps) {
    const a = expected(inProcess());
    const b = got(await boundary(), theirs);
    assert.equal(b, a, what);
  }
  assert.deepEqual(theirs.range(undefined, undefined, 'ascending'), mine.range(undefined, undefined, 'ascending'));
  assert.ok(logs.some((l) => l.startsWith('debug ecall_entered')), logs.join('\n'));
});

test('at the default log level the enclave sends no debug records', async () => {
  const { p, logs } = enclave({ logLevel: 'info' });
  const staged = await p.ecall({ type: Type.EcallAllocate, code: token }, handlers(new MemoryStorage()));
  assert.equal(staged.type, Type.AllocateResult);
  await assert.rejects(p.ecall({ type: Type.EcallQuery, codeHash: new Uint8Array(32), env: ENV, msg: enc.encode('{}'), gasLimit: 1n, depth: 1 }, handlers(new MemoryStorage())), EnclaveError);
  assert.ok(logs.length > 0 && logs.every((l) => !l.startsWith('debug')), logs.join('\n'));
});

test('inside the enclave process there is no WebAssembly, no eval, no child process, no file outside its code', async () => {
  // A probe contract is not needed: the launch flags are what restricts the process; check them by
  // starting the same command with a probe script in place of main.js.
  const { command, args } = enclaveCommand();
  const { spawnSync } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const probe = fileURLToPath(new URL('./support/probe.js', import.meta.url));
  const main = args.findIndex((a) => a.endsWith('main.js'));
  const probeArgs = [...args.slice(0, main), `--allow-fs-read=${probe}`, probe];
  const r = spawnSync(command, probeArgs, { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { webAssembly: 'undefined', eval: 'EvalError', newFunction: 'EvalError', childProcess: 'ERR_ACCESS_DENIED', readPasswd: 'ERR_ACCESS_DENIED', readPackageJsonOfRoot: 'ERR_ACCESS_DENIED', writeTmp: 'ERR_ACCESS_DENIED', worker: 'ERR_ACCESS_DENIED' });
});

test('a killed enclave fails the ecall (nothing applied); the next ecall runs on a new process, which loads the code itself', async () => {
  const { p } = enclave();
  const storage = new MemoryStorage();
  const staged = await p.ecall({ type: Type.EcallAllocate, code: token }, handlers(storage));
  assert.equal(staged.type, Type.AllocateResult);
  const first = p.incarnation;
  const codeHash = (staged as { codeHash: Uint8Array }).codeHash;
  got(await p.ecall({ type: Type.EcallInit, codeHash, env: ENV, sender: addr(1), funds: [], msg: enc.encode(`{"name":"Cloak Token","symbol":"CLK","decimals":6,"initial_balances":[{"address":"${addr(1)}","amount":"9"}]}`), gasLimit: 10_000_000n }, handlers(storage)), storage);
  const before = storage.range(undefined, undefined, 'ascending');
  // Kill it while it waits for the answer to a read.
  const hung = p.ecall({ type: Type.EcallHandle, handle: 'execute', codeHash, env: ENV, sender: addr(1), funds: [], msg: enc.encode(`{"transfer":{"recipient":"${addr(2)}","amount":"1"}}`), gasLimit: 10_000_000n }, {
    ...handlers(storage),
    readDb: () => {
      (p as unknown as { child: { kill(s: string): void } }).child.kill('SIGKILL');
      return undefined;
    },
  });
  await assert.rejects(hung, EnclaveUnavailable);
  assert.deepEqual(storage.range(undefined, undefined, 'ascending'), before, 'nothing of the failed call applied');
  assert.equal(p.running, false);
  // The same transfer again, nothing staged again: the new process loads the token from the host,
  // once, and answers as the in-process VM does.
  const loaded = loads.length;
  const vm = new Vm();
  const code = vm.storeCode(token);
  const mine = new MemoryStorage();
  for (const [k, v] of storage.range(undefined, undefined, 'ascending')) mine.set(k, v);
  const env = { block: { height: ENV.height, timeNanos: ENV.timeNanos, chainId: ENV.chainId }, contract: { address: ENV.contract, codeHash: code.checksum }, transaction: ENV.transaction! };
  const transfer = (amount: string) => enc.encode(`{"transfer":{"recipient":"${addr(2)}","amount":"${amount}"}}`);
  for (const amount of ['1', '2']) {
    const want = expected(vm.execute(code, { env, storage: mine, gasLimit: 10_000_000n, sender: addr(1), msg: transfer(amount) }));
    assert.equal(got(await p.ecall({ type: Type.EcallHandle, handle: 'execute', codeHash, env: ENV, sender: addr(1), funds: [], msg: transfer(amount), gasLimit: 10_000_000n }, handlers(storage)), storage), want, `transfer ${amount}`);
  }
  assert.equal(p.incarnation, first + 1);
  assert.deepEqual(loads.slice(loaded), [hex(codeHash)], 'loaded once by the new process');
  // Code the host does not have either: refused clearly.
  const { p: fresh } = enclave();
  await assert.rejects(fresh.ecall({ type: Type.EcallQuery, codeHash: new Uint8Array(32), env: ENV, msg: enc.encode('{}'), gasLimit: 1n, depth: 1 }, handlers(storage)), (e: unknown) => e instanceof EnclaveError && /^host misbehaved: no code with hash 0{64} on the host /.test(e.message));
});

test('an enclave that does not answer in time is stopped and the ecall fails', async () => {
  const { p } = enclave({ timeoutMs: 1500 });
  const storage = new MemoryStorage();
  const staged = await p.ecall({ type: Type.EcallAllocate, code: token }, handlers(storage));
  const codeHash = (staged as { codeHash: Uint8Array }).codeHash;
  got(await p.ecall({ type: Type.EcallInit, codeHash, env: ENV, sender: addr(1), funds: [], msg: enc.encode(`{"name":"Cloak Token","symbol":"CLK","decimals":6,"initial_balances":[{"address":"${addr(1)}","amount":"9"}]}`), gasLimit: 10_000_000n }, handlers(storage)), storage);
  const slow = p.ecall({ type: Type.EcallHandle, handle: 'execute', codeHash, env: ENV, sender: addr(1), funds: [], msg: enc.encode(`{"transfer":{"recipient":"${addr(2)}","amount":"1"}}`), gasLimit: 10_000_000n }, {
    ...handlers(storage),
    // A host that never answers an ocall stands for an enclave stuck in a loop: the timeout fires either way.
    readDb: () => {
      const until = Date.now() + 2500;
      while (Date.now() < until);
      return undefined;
    },
  });
  await assert.rejects(slow, (e: unknown) => e instanceof EnclaveUnavailable);
});

test('queries run on a pool of their own processes (which load their code): a slow query delays no other process; beyond the queue, "busy"', async () => {
  const { EnclavePool, EnclaveBusy } = await import('@cloak/protocol');
  const pool = new EnclavePool({ ...enclaveCommand(), size: 1, maxQueue: 1, timeoutMs: 60_000 });
  const execution = enclave().p;
  try {
    const storage = new MemoryStorage();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: OcallHandlers = { ...handlers(storage), queryChain: async () => { await gate; return { result: { kind: 'ok', data: enc.encode('{"amount":{"denom":"uscrt","amount":"1"}}') }, gasUsed: 0n }; } };
    // Staged in the execution process only; the pool's process loads it from the host.
    const codeHash = (await execution.ecall({ type: Type.EcallAllocate, code: sink }, handlers(storage)) as { codeHash: Uint8Array }).codeHash;
    const q = () => pool.ecall({ type: Type.EcallQuery, codeHash, env: ENV, msg: enc.encode(`{"bank_balance":{"address":"${addr(1)}","denom":"uscrt"}}`), gasLimit: 10_000_000n, depth: 1 }, slow);
    const a = q();
    await new Promise((r) => setTimeout(r, 300));
    const b = q();
    await assert.rejects(q(), (e: unknown) => e instanceof EnclaveBusy && /all 1 query enclaves are busy/.test(e.message));
    // Meanwhile the execution process answers at once.
    const other = await execution.ecall({ type: Type.EcallQuery, codeHash, env: ENV, msg: enc.encode('{"read":{"key":"k"}}'), gasLimit: 10_000_000n, depth: 1 }, handlers(storage));
    assert.equal(other.type, Type.EcallResult);
    release();
    for (const r of [await a, await b]) {
      assert.equal(r.type, Type.EcallResult);
      assert.equal((r as { outcome: { kind: string } }).outcome.kind, 'ok');
    }
  } finally {
    pool.close();
  }
});

test('the JIT mode (v8 engine in the enclave) gives the same answers and gas as the default mode', async () => {
  assert.equal(enclaveCommand().mode, 'interpreter, --jitless');
  assert.equal(enclaveCommand({ jit: true }).mode, 'v8 engine, JIT');
  const outs: string[][] = [];
  for (const jit of [false, true]) {
    const { p } = enclave({ jit });
    const storage = new MemoryStorage();
    const staged = await p.ecall({ type: Type.EcallAllocate, code: token }, handlers(storage));
    const codeHash = (staged as { codeHash: Uint8Array }).codeHash;
    const out: string[] = [];
    out.push(got(await p.ecall({ type: Type.EcallInit, codeHash, env: ENV, sender: addr(1), funds: [], msg: enc.encode(`{"name":"Cloak Token","symbol":"CLK","decimals":6,"initial_balances":[{"address":"${addr(1)}","amount":"50"}]}`), gasLimit: 10_000_000n }, handlers(storage)), storage));
    for (const amount of ['20', '40']) {
      out.push(got(await p.ecall({ type: Type.EcallHandle, handle: 'execute', codeHash, env: ENV, sender: addr(1), funds: [], msg: enc.encode(`{"transfer":{"recipient":"${addr(2)}","amount":"${amount}"}}`), gasLimit: 10_000_000n }, handlers(storage)), storage));
    }
    outs.push(out);
  }
  assert.deepEqual(outs[1], outs[0]);
  assert.match(outs[0][2], /contract_error/, 'the overdraft fails the same way');
});

test('the host side survives its own handlers: a 100 KiB error, an oversized range; close() is final', async () => {
  const { p } = enclave();
  const storage = new MemoryStorage();
  const staged = await p.ecall({ type: Type.EcallAllocate, code: token }, handlers(storage));
  const codeHash = (staged as { codeHash: Uint8Array }).codeHash;
  got(await p.ecall({ type: Type.EcallInit, codeHash, env: ENV, sender: addr(1), funds: [], msg: enc.encode(`{"name":"Cloak Token","symbol":"CLK","decimals":6,"initial_balances":[{"address":"${addr(1)}","amount":"9"}]}`), gasLimit: 10_000_000n }, handlers(storage)), storage);
  const transfer: EcallRequest = { type: Type.EcallHandle, handle: 'execute', codeHash, env: ENV, sender: addr(1), funds: [], msg: enc.encode(`{"transfer":{"recipient":"${addr(2)}","amount":"1"}}`), gasLimit: 10_000_000n };
  await assert.rejects(p.ecall(transfer, { ...handlers(storage), readDb: () => { throw new Error(`no: ${'x'.repeat(100_000)}\ud83d`); } }),
    (e: unknown) => e instanceof EnclaveError && /^host misbehaved: the host could not answer \(no: x+…\)$/.test(e.message));
  await assert.rejects(p.ecall(transfer, { ...handlers(storage), readDb: () => new Uint8Array(200_000) }),
    (e: unknown) => e instanceof EnclaveError && /the host's answer could not be sent: value: 200000 bytes exceed the limit of 131072/.test(e.message));
  const ok = await p.ecall(transfer, handlers(storage));
  assert.equal((ok as { outcome: { kind: string } }).outcome.kind, 'ok', 'the same process carries on');
  p.close();
  await assert.rejects(p.ecall(transfer, handlers(storage)), (e: unknown) => e instanceof EnclaveUnavailable && /closed/.test(e.message));
  assert.equal(p.running, false);
});

test('a large answer (3 MB) crosses the pipes in many chunks and arrives whole', async () => {
  const { p } = enclave({ jit: true });
  const storage = new MemoryStorage();
  const codeHash = (await p.ecall({ type: Type.EcallAllocate, code: sink }, handlers(storage)) as { codeHash: Uint8Array }).codeHash;
  const r = await p.ecall({ type: Type.EcallQuery, codeHash, env: ENV, msg: enc.encode('{"huge_result":{"bytes":3000000}}'), gasLimit: 10_000_000_000n, depth: 1 }, handlers(storage));
  assert.equal(r.type, Type.EcallResult);
  const answer = (r as { outcome: { kind: string; answer?: Uint8Array } }).outcome;
  assert.equal(answer.kind, 'ok');
  assert.equal(answer.answer!.length, 3_000_000 + '{"filler":""}'.length);
});
