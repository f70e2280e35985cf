// One boundary suite, two transports: the real enclave process (EnclaveProcess) and the in-process
// one (InProcessEnclave) must both give, for the same ecalls, exactly what the VM gives in this
// process: answers, write sets, gas; refusals as EnclaveError; logs as records.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { bech32 } from '@scure/base';
import { EnclaveError, EnclaveProcess, Type, type EcallRequest, type EnclaveMessage, type Env, type OcallHandlers } from '@cloak/protocol';
import { MemoryStorage, Vm, stringifyJson, type CallResult, type Querier } from '@cloak/vm';
import { InProcessEnclave } from '@cloak/enclave';
import { enclaveCommand } from '@cloak/enclave/launch';

const TOKEN = new Uint8Array(readFileSync(new URL('../../../contracts/build/token-v1.wasm', import.meta.url)));
const SINK = new Uint8Array(readFileSync(new URL('../../../contracts/build/kitchen-sink-v1.wasm', import.meta.url)));
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

function handlers(storage: MemoryStorage): OcallHandlers {
  return {
    readDb: (k) => storage.get(k),
    range: (s, e, d, limit) => storage.range(s, e, d ? 'descending' : 'ascending', limit),
    // Answers at once (the in-process transport needs that): every bank query sees 5uscrt.
    queryChain: () => ({ result: { kind: 'ok', data: BANK }, gasUsed: 1_000n }),
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

for (const t of all) {
  test(`${t.name}: token and kitchen-sink calls answer exactly as the in-process VM`, async () => {
    const vm = new Vm();
    for (const [wasm, calls] of [
      [TOKEN, [
        ['init', { name: 'Cloak Token', symbol: 'CLK', decimals: 6, initial_balances: [{ address: addr(1), amount: '1000' }] }],
        ['execute', { transfer: { recipient: addr(2), amount: '250' } }],
        ['execute', { transfer: { recipient: addr(2), amount: '5000' } }],
        ['execute', { approve: { spender: addr(3), amount: '10' } }],
        ['query', { balance: { address: addr(2) } }],
        ['query', { allowance: { owner: addr(1), spender: addr(3) } }],
        ['execute-low-gas', { transfer: { recipient: addr(2), amount: '1' } }],
      ]],
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
    ] as [Uint8Array, [string, unknown][]][]) {
      const code = vm.storeCode(wasm);
      const staged = await t.ecall({ type: Type.EcallAllocate, code: wasm }, handlers(new MemoryStorage()));
      assert.equal(staged.type, Type.AllocateResult);
      assert.equal(Buffer.from((staged as { codeHash: Uint8Array }).codeHash).toString('hex'), code.checksum);
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
        assert.equal(fromBoundary(await t.ecall(e, handlers(theirs)), theirs), fromVm(want, mine), `${t.name}: ${kind} ${JSON.stringify(msg)}`);
      }
      assert.deepEqual(theirs.range(undefined, undefined, 'ascending'), mine.range(undefined, undefined, 'ascending'));
    }
    await assert.rejects(t.ecall({ type: Type.EcallQuery, codeHash: new Uint8Array(32).fill(7), env: ENV, msg: json({}), gasLimit: 1n, depth: 1 }, handlers(new MemoryStorage())),
      (e: unknown) => e instanceof EnclaveError && /host misbehaved: no code with hash (07){32} was staged/.test(e.message));
    assert.ok(t.logs.some((l) => l.startsWith('debug ecall_entered EcallQuery')), t.logs.slice(0, 5).join('\n'));
    assert.ok(t.logs.some((l) => l.startsWith('error ecall_failed')));
    assert.ok(t.logs.some((l) => /^debug gas_used EcallHandle \d+: \d+ of 100000000, \d+ read ocalls$/.test(l)), 'gas and ocalls per ecall');
    assert.ok(t.logs.some((l) => /^info vm_error EcallHandle \d+: gas_depletion/.test(l)), 'VM errors at info');
    assert.ok(!t.logs.some((l) => /Cloak Token|secret1/.test(l)), 'no message content in the log');
  });
}
