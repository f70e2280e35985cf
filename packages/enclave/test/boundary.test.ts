// One boundary suite, two transports: the real enclave process (EnclaveProcess) and the in-process
// one (InProcessEnclave) must both give, for the same ecalls, exactly what the VM gives in this
// process: answers, write sets, gas; refusals as EnclaveError; logs as records. Code reaches the
// enclave either staged (ecall_allocate) or loaded when an ecall names it (ocall_load_code, from the
// host's code store below), with the same answers and gas; a host that loads the wrong code, none, or
// fails, gets a clear refusal and the enclave goes on; more codes than the enclave's cache holds all
// keep working, each evicted one loaded again.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { bech32 } from '@scure/base';
import { EnclaveError, EnclaveProcess, LIMITS, Type, type EcallRequest, type EnclaveMessage, type Env, type OcallHandlers } from '@cloak/protocol';
import { MemoryStorage, Vm, stringifyJson, type CallResult, type Querier } from '@cloak/vm';
import { CODE_CACHE, InProcessEnclave } from '@cloak/enclave';
import { enclaveCommand } from '@cloak/enclave/launch';
import { numberedAnswer, numberedContract } from './support/numbered.js';

const TOKEN = new Uint8Array(readFileSync(new URL('../../../contracts/build/token-v1.wasm', import.meta.url)));
const TOKEN_V010 = new Uint8Array(readFileSync(new URL('../../../contracts/build/token-v010.wasm', import.meta.url)));
const SINK = new Uint8Array(readFileSync(new URL('../../../contracts/build/kitchen-sink-v1.wasm', import.meta.url)));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
/** The code hash of an uncompressed upload (the VM's checksum). */
const hashOf = (wasm: Uint8Array) => createHash('sha256').update(wasm).digest('hex');
const addr = (n: number) => bech32.encode('secret', bech32.toWords(new Uint8Array(20).fill(n)));
const enc = new TextEncoder();
const dec = new TextDecoder();
const json = (v: unknown) => enc.encode(JSON.stringify(v));
const ENV: Env = { height: 3n, timeNanos: 1_700_000_000_000_000_000n, chainId: 'secretdev-1', contract: addr(9) };
const BANK = enc.encode('{"amount":{"denom":"uscrt","amount":"5"}}');

interface Transport { name: string; ecall(e: EcallRequest, h: OcallHandlers): Promise<EnclaveMessage>; close(): void; logs: string[] }

function transports(): Transport[] {
  const plogs: string[] = [];
  const ilogs: string[] = [];
  const proc = new EnclaveProcess({ ...enclaveCommand({ logLevel: 'debug' }), timeoutMs: 60_000, log: (l, e, m) => plogs.push(`${l} ${e} ${m}`) });
  const inproc = new InProcessEnclave({ logLevel: 'debug', log: (l, e, m) => ilogs.push(`${l} ${e} ${m}`) });
  return [
    { name: 'process', ecall: (e, h) => proc.ecall(e, h), close: () => proc.close(), logs: plogs },
    { name: 'in-process', ecall: (e, h) => inproc.ecall(e, h), close: () => inproc.close(), logs: ilogs },
  ];
}

const all = transports();
after(() => all.forEach((t) => t.close()));

/** The host's code store: uploads (as uploaded, gzip or not) by code hash, and the hashes the enclave asked it for. */
class HostCodes {
  readonly uploads = new Map<string, Uint8Array>();
  readonly loads: string[] = [];

  /** Keeps `upload` (whose uncompressed form is `wasm`); returns its code hash. */
  add(upload: Uint8Array, wasm = upload): Uint8Array {
    this.uploads.set(hashOf(wasm), upload);
    return Buffer.from(hashOf(wasm), 'hex');
  }

  readonly load = (codeHash: Uint8Array): Uint8Array | undefined => {
    this.loads.push(hex(codeHash));
    return this.uploads.get(hex(codeHash));
  };
}

function handlers(storage: MemoryStorage, codes = new HostCodes()): OcallHandlers {
  return {
    readDb: (k) => storage.get(k),
    range: (s, e, d, limit) => storage.range(s, e, d ? 'descending' : 'ascending', limit),
    // Answers at once (the in-process transport needs that): every bank query sees 5uscrt.
    queryChain: () => ({ result: { kind: 'ok', data: BANK }, gasUsed: 1_000n }),
    loadCode: codes.load,
  };
}

const reference: Querier = { query: () => ({ result: { ok: BANK }, gasUsed: 1_000n }) };

function fromVm(r: CallResult, storage: MemoryStorage): string {
  if (r.kind === 'ok') return stringifyJson({ ok: stringifyJson(r.value), answer: r.answer ? dec.decode(r.answer) : null, gas: r.gasUsed, writes: r.changes.map(([k, v]) => [Buffer.from(k).toString('hex'), v && Buffer.from(v).toString('hex')]) });
  void storage;
  if (r.kind === 'contract_error') return stringifyJson({ contract_error: stringifyJson(r.error), gas: r.gasUsed });
  return stringifyJson({ vm_error: `${r.error.kind}: ${r.error.message}`, gas: r.gasUsed });
}

function fromBoundary(m: EnclaveMessage, storage: MemoryStorage): string {
  assert.equal(m.type, Type.EcallResult, JSON.stringify(m, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
  if (m.type !== Type.EcallResult) return '';
  const o = m.outcome;
  if (o.kind === 'ok') {
    for (const [k, v] of o.writes) (v === null ? storage.remove(k) : storage.set(k, v));
    return stringifyJson({ ok: dec.decode(o.value), answer: o.answer ? dec.decode(o.answer) : null, gas: m.gasUsed, writes: o.writes.map(([k, v]) => [Buffer.from(k).toString('hex'), v && Buffer.from(v).toString('hex')]) });
  }
  if (o.kind === 'contract_error') return stringifyJson({ contract_error: dec.decode(o.error), gas: m.gasUsed });
  return stringifyJson({ vm_error: `${o.errorKind}: ${o.message}`, gas: m.gasUsed });
}

type Calls = [string, unknown][];
const TOKEN_CALLS: Calls = [
  ['init', { name: 'Cloak Token', symbol: 'CLK', decimals: 6, initial_balances: [{ address: addr(1), amount: '1000' }] }],
  ['execute', { transfer: { recipient: addr(2), amount: '250' } }],
  ['execute', { transfer: { recipient: addr(2), amount: '5000' } }],
  ['execute', { approve: { spender: addr(3), amount: '10' } }],
  ['query', { balance: { address: addr(2) } }],
  ['query', { allowance: { owner: addr(1), spender: addr(3) } }],
  ['execute-low-gas', { transfer: { recipient: addr(2), amount: '1' } }],
];

/** Runs `calls` on `wasm` (staged first when `upload` is given) through `t` and through the VM here: the same answers, writes and gas. */
async function scenario(t: Transport, wasm: Uint8Array, calls: Calls, codes: HostCodes, upload?: Uint8Array): Promise<void> {
  const vm = new Vm();
  const code = vm.storeCode(wasm);
  if (upload !== undefined) {
    const staged = await t.ecall({ type: Type.EcallAllocate, code: upload }, handlers(new MemoryStorage(), codes));
    assert.equal(staged.type, Type.AllocateResult);
    assert.equal(hex((staged as { codeHash: Uint8Array }).codeHash), code.checksum);
  }
  const codeHash = Buffer.from(code.checksum, 'hex');
  const mine = new MemoryStorage();
  const theirs = new MemoryStorage();
  const env = { block: { height: ENV.height, timeNanos: ENV.timeNanos, chainId: ENV.chainId }, contract: { address: ENV.contract, codeHash: code.checksum }, transaction: null };
  for (const [kind, msg] of calls) {
    const gasLimit = kind === 'execute-low-gas' ? 20_000n : 100_000_000n;
    const base = { env, storage: mine, gasLimit, querier: reference, msg: json(msg) };
    const want = kind === 'init' ? vm.instantiate(code, { ...base, sender: addr(1) })
      : kind === 'query' ? vm.query(code, base)
      : vm.execute(code, { ...base, sender: addr(1) });
    const e: EcallRequest = kind === 'init' ? { type: Type.EcallInit, codeHash, env: ENV, sender: addr(1), funds: [], msg: json(msg), gasLimit }
      : kind === 'query' ? { type: Type.EcallQuery, codeHash, env: ENV, msg: json(msg), gasLimit, depth: 1 }
      : { type: Type.EcallHandle, handle: 'execute', codeHash, env: ENV, sender: addr(1), funds: [], msg: json(msg), gasLimit };
    assert.equal(fromBoundary(await t.ecall(e, handlers(theirs, codes)), theirs), fromVm(want, mine), `${t.name}: ${kind} ${JSON.stringify(msg)}`);
  }
  assert.deepEqual(theirs.range(undefined, undefined, 'ascending'), mine.range(undefined, undefined, 'ascending'));
}

for (const t of all) {
  test(`${t.name}: token and kitchen-sink calls answer exactly as the in-process VM`, async () => {
    const codes = new HostCodes();
    for (const [wasm, calls] of [
      [TOKEN, TOKEN_CALLS],
      [SINK, [
        ['init', {}],
        ['execute', { write_many: { entries: [['a', '1'], ['b', '2'], ['c', '3']] } }],
        ['query', { scan: { start: 'a', end: 'c' } }],
        ['query', { scan: { order: 'descending', mode: 'keys' } }],
        ['query', { bank_balance: { address: addr(1), denom: 'uscrt' } }],
        ['execute', { remove: { key: 'b' } }],
        ['query', { write: { key: 'x', value: 'y' } }],
        ['execute', { fail: { message: 'nope' } }],
      ]],
    ] as [Uint8Array, Calls][]) {
      codes.add(wasm);
      await scenario(t, wasm, calls, codes, wasm);
    }
    assert.deepEqual(codes.loads, [], 'staged code is never loaded');
    await assert.rejects(t.ecall({ type: Type.EcallQuery, codeHash: new Uint8Array(32).fill(7), env: ENV, msg: json({}), gasLimit: 1n, depth: 1 }, handlers(new MemoryStorage(), codes)),
      (e: unknown) => e instanceof EnclaveError && /^host misbehaved: no code with hash (07){32} on the host /.test(e.message));
    assert.ok(t.logs.some((l) => l.startsWith('debug ecall_entered EcallQuery')), t.logs.slice(0, 5).join('\n'));
    assert.ok(t.logs.some((l) => l.startsWith('error ecall_failed')));
    assert.ok(t.logs.some((l) => /^debug gas_used EcallHandle \d+: \d+ of 100000000, \d+ read ocalls$/.test(l)), 'gas and ocalls per ecall');
    assert.ok(t.logs.some((l) => /^info vm_error EcallHandle \d+: gas_depletion/.test(l)), 'VM errors at info');
    assert.ok(!t.logs.some((l) => /Cloak Token|secret1/.test(l)), 'no message content in the log');
  });
}

for (const t of all) {
  test(`${t.name}: code never staged is loaded through ocall_load_code (the host keeps it gzipped), with the VM's answers and gas`, async () => {
    const codes = new HostCodes();
    const hash = hex(codes.add(gzipSync(TOKEN_V010), TOKEN_V010));
    await scenario(t, TOKEN_V010, TOKEN_CALLS, codes);
    assert.deepEqual(codes.loads, [hash], 'loaded once, by the first ecall; cached for the others');
    assert.ok(t.logs.some((l) => l === `info code_loaded ${hash}: ${codes.uploads.get(hash)!.length} bytes from the host`), 'the load is logged');
  });

  test(`${t.name}: a host that loads the wrong code, none, or fails is refused clearly, and the enclave goes on`, async () => {
    const codes = new HostCodes();
    const [a, b] = [numberedContract(1001), numberedContract(1002)];
    const [ha, hb] = [hex(codes.add(a)), hex(codes.add(b))];
    const query = (codeHash: string): EcallRequest => ({ type: Type.EcallQuery, codeHash: Buffer.from(codeHash, 'hex'), env: ENV, msg: json({}), gasLimit: 10_000_000n, depth: 1 });
    const refused = (h: OcallHandlers, re: RegExp) => assert.rejects(t.ecall(query(ha), h), (e: unknown) => e instanceof EnclaveError && re.test(e.message));
    const storage = new MemoryStorage();
    // b's code for a's hash.
    await refused({ ...handlers(storage, codes), loadCode: () => b }, new RegExp(`^host misbehaved: the code the host loaded for hash ${ha} has hash ${hb}$`));
    // b's code, gzipped, for a's hash: the hash is of the uncompressed code.
    await refused({ ...handlers(storage, codes), loadCode: () => gzipSync(b) }, new RegExp(`^host misbehaved: the code the host loaded for hash ${ha} has hash ${hb}$`));
    await refused({ ...handlers(storage, codes), loadCode: () => Uint8Array.of(0x1f, 0x8b, 1, 2, 3) }, new RegExp(`^host misbehaved: the code the host loaded for hash ${ha} is refused \\(code is not valid gzip: `));
    await refused({ ...handlers(storage, codes), loadCode: () => undefined }, new RegExp(`^host misbehaved: no code with hash ${ha} on the host `));
    await refused({ ...handlers(storage, codes), loadCode: () => { throw new Error('the code store is offline'); } }, /^host misbehaved: the host could not answer \((the host's answer could not be sent: )?the code store is offline\)$/);
    await refused({ ...handlers(storage, codes), loadCode: () => new Uint8Array(LIMITS.code + 1) }, new RegExp(`^host misbehaved: the host could not answer \\((the host's answer could not be sent: )?code: ${LIMITS.code + 1} bytes exceed the limit of ${LIMITS.code}\\)$`));
    assert.deepEqual(codes.loads, [], 'the handlers above stood in for the store');
    // Nothing wrong was kept: an honest host's answer is loaded and runs.
    const ok = await t.ecall(query(ha), handlers(storage, codes));
    assert.ok(ok.type === Type.EcallResult && ok.outcome.kind === 'ok' && ok.outcome.answer !== undefined, JSON.stringify(ok, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
    assert.equal(dec.decode(ok.outcome.answer), numberedAnswer(1001));
    assert.deepEqual(codes.loads, [ha]);
    assert.ok(t.logs.some((l) => l.startsWith('error ecall_failed EcallQuery') && l.includes(`the code the host loaded for hash ${ha} has hash ${hb}`)));
  });

  test(`${t.name}: more codes than the enclave's cache (${CODE_CACHE}) all work; evicted ones are loaded again`, async () => {
    const codes = new HostCodes();
    const n = CODE_CACHE + 4;
    const hashes = Array.from({ length: n }, (_, i) => codes.add(numberedContract(i)));
    const vm = new Vm();
    const storage = new MemoryStorage();
    const query = async (i: number, load: boolean) => {
      const before = codes.loads.length;
      const r = await t.ecall({ type: Type.EcallQuery, codeHash: hashes[i], env: ENV, msg: json({}), gasLimit: 10_000_000n, depth: 1 }, handlers(storage, codes));
      const code = vm.storeCode(numberedContract(i));
      const want = vm.query(code, { env: { block: { height: ENV.height, timeNanos: ENV.timeNanos, chainId: ENV.chainId }, contract: { address: ENV.contract, codeHash: code.checksum }, transaction: null }, storage: new MemoryStorage(), gasLimit: 10_000_000n, querier: reference, msg: json({}) });
      assert.equal(fromBoundary(r, storage), fromVm(want, new MemoryStorage()), `code ${i}`);
      assert.equal(dec.decode((r as { outcome: { answer: Uint8Array } }).outcome.answer), numberedAnswer(i));
      assert.deepEqual(codes.loads.slice(before), load ? [hex(hashes[i])] : [], `code ${i}: ${load ? 'loaded' : 'cached'}`);
    };
    for (let i = 0; i < n; i++) await query(i, true);
    // The last CODE_CACHE are cached (touched newest first, so no load evicts another) …
    for (let i = n - 1; i >= n - CODE_CACHE; i--) await query(i, false);
    // … and the first ones, least recently used, were evicted: loaded again.
    for (let i = 0; i < n - CODE_CACHE; i++) await query(i, true);
    assert.equal(codes.loads.length, n + (n - CODE_CACHE));
  });
}
