// The Vm per generation on both engines: which entry point each call reaches and with which
// arguments (env / info / msg JSON), result unwrapping, storage commit only on success, gas used
// (limit on out of gas, pseudo-gas refund for execute), migrate arity, query read-only, query_chain
// (depth, bad requests, no querier) and Secret's check_gas / gas_evaporate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bech32 } from '@scure/base';
import { wat } from '@cloak/wasm/test/support/wat.js';
import { bumpAllocator } from './support/allocator.js';
import {
  ENGINES, MAX_ARGUMENT_LENGTH, MAX_QUERY_DEPTH, MemoryStorage, SECRET_EXTRA_GAS, SECRET_HOST_GAS, Vm, VmError, parseJson,
  type CallEnv, type CallResult, type Querier, type StoredCode,
} from '@cloak/vm';

const enc = new TextEncoder();
const dec = new TextDecoder();
const addr = (n: number) => bech32.encode('secret', bech32.toWords(new Uint8Array(20).fill(n)));
const SENDER = addr(1);
const CONTRACT = addr(2);
const ENV: CallEnv = {
  block: { height: 12_345n, timeNanos: 1_571_797_419_879_305_533n, chainId: 'secret-4' },
  contract: { address: CONTRACT, codeHash: 'ab'.repeat(32) },
  transaction: { index: 3, hash: 'AB'.repeat(32) },
};

/** A Region at `at` describing `len` bytes at `at + 16`, and those bytes. */
function blob(at: number, text: string): string {
  const b = enc.encode(text);
  const le = (n: number) => [n, n >>> 8, n >>> 16, n >>> 24].map((x) => `\\${(x & 255).toString(16).padStart(2, '0')}`).join('');
  const esc = [...b].map((x) => `\\${x.toString(16).padStart(2, '0')}`).join('');
  return `(data (i32.const ${at}) "${le(at + 16)}${le(b.length)}${le(b.length)}")\n(data (i32.const ${at + 16}) "${esc}")`;
}

/**
 * A contract of the given marker whose entry points (name → parameter count) store each argument
 * under the key "a0", "a1", … and then return `result`.
 */
function echo(marker: string, entries: Record<string, number>, result: string, extra = ''): StoredCode {
  const keys = [0, 1, 2].map((i) => blob(64 + i * 32, `a${i}`)).join('\n');
  const fns = Object.entries(entries).map(([name, n]) => {
    const params = Array.from({ length: n }, (_, i) => `(param $p${i} i32)`).join(' ');
    const body = Array.from({ length: n }, (_, i) => `(call $db_write (i32.const ${64 + i * 32}) (local.get $p${i}))`).join(' ');
    return `(func (export "${name}") ${params} (result i32) ${body} (i32.const 4096))`;
  }).join('\n');
  return new Vm().storeCode(wat(`(module
    (import "env" "db_write" (func $db_write (param i32 i32)))
    (memory (export "memory") 2)
    (func (export "${marker}"))
    ${bumpAllocator(16_384)}
    ${keys}
    ${blob(4096, result)}
    ${fns}
    ${extra})`));
}

const show = (r: CallResult) => (r.kind === 'vm_error' ? `vm_error ${r.error.kind}: ${r.error.message}` : JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));

function stored(r: CallResult, storage: MemoryStorage, k: number): string | undefined {
  const v = storage.get(enc.encode(`a${k}`));
  return v === undefined ? undefined : dec.decode(v);
}

function call(vm: Vm, code: StoredCode, entry: 'instantiate' | 'execute' | 'query' | 'migrate' | 'sudo' | 'reply', storage = new MemoryStorage(), extra: Record<string, unknown> = {}) {
  const base = { env: ENV, storage, gasLimit: 10_000_000n, msg: enc.encode('{"m":1}'), sender: SENDER, funds: [{ denom: 'uscrt', amount: '7' }], ...extra };
  const r = (vm[entry] as (c: StoredCode, a: typeof base) => CallResult).call(vm, code, base);
  return { r, storage };
}

for (const engine of ENGINES) {
  const vm = new Vm({ engine });

  test(`${engine}: 1.x entry points get env, info and msg in Secret's shapes`, () => {
    const code = echo('interface_version_8', { instantiate: 3, execute: 3, query: 2, sudo: 2, reply: 2, migrate: 2 }, '{"ok":{"messages":[],"attributes":[],"events":[],"data":null}}');
    assert.deepEqual(vm.entryPoints(code).sort(), ['execute', 'instantiate', 'migrate', 'query', 'reply', 'sudo']);
    const { r, storage } = call(vm, code, 'instantiate');
    assert.equal(r.kind, 'ok', show(r));
    assert.equal(stored(r, storage, 0), `{"block":{"height":12345,"time":"1571797419879305533","chain_id":"secret-4"},"contract":{"address":"${CONTRACT}","code_hash":"${'ab'.repeat(32)}"},"transaction":{"index":3,"hash":"${'AB'.repeat(32)}"}}`);
    assert.equal(stored(r, storage, 1), `{"sender":"${SENDER}","funds":[{"denom":"uscrt","amount":"7"}]}`);
    assert.equal(stored(r, storage, 2), '{"m":1}');
    for (const e of ['sudo', 'reply', 'migrate'] as const) {
      const s = call(vm, code, e);
      assert.equal(s.r.kind, 'ok', e);
      assert.equal(stored(s.r, s.storage, 1), '{"m":1}', `${e}: (env, msg)`);
    }
  });

  test(`${engine}: migrate with three parameters gets MigrateInfo (2.2+)`, () => {
    const code = echo('interface_version_8', { migrate: 3 }, '{"ok":{"messages":[],"attributes":[],"events":[],"data":null}}');
    const { r, storage } = call(vm, code, 'migrate', undefined, { oldMigrateVersion: 420n });
    assert.equal(r.kind, 'ok');
    assert.equal(stored(r, storage, 1), '{"m":1}');
    assert.equal(stored(r, storage, 2), `{"sender":"${SENDER}","old_migrate_version":420}`);
    const none = call(vm, code, 'migrate');
    assert.equal(stored(none.r, none.storage, 2), `{"sender":"${SENDER}","old_migrate_version":null}`);
  });

  test(`${engine}: 0.10 init/handle get Secret's 0.10 env, query gets only the message, results are Ok/Err`, () => {
    const code = echo('cosmwasm_vm_version_3', { init: 2, handle: 2, query: 1, migrate: 2 }, '{"Ok":{"messages":[],"log":[]}}');
    const { r, storage } = call(vm, code, 'instantiate');
    assert.equal(r.kind, 'ok', show(r));
    assert.equal(stored(r, storage, 0), `{"block":{"height":12345,"time":1571797419,"chain_id":"secret-4"},"message":{"sender":"${SENDER}","sent_funds":[{"denom":"uscrt","amount":"7"}]},"contract":{"address":"${CONTRACT}"},"contract_key":null,"contract_code_hash":"${'ab'.repeat(32)}","transaction":null}`);
    assert.equal(stored(r, storage, 1), '{"m":1}');
    assert.equal(call(vm, code, 'execute').r.kind, 'ok');
    assert.equal(vm.sudo(code, { env: ENV, storage: new MemoryStorage(), gasLimit: 1_000_000n, msg: enc.encode('{}') }).kind, 'vm_error');
    const err = echo('cosmwasm_vm_version_3', { init: 2, handle: 2, query: 1 }, '{"Err":{"unauthorized":{}}}');
    const e = call(vm, err, 'execute');
    assert.equal(e.r.kind, 'contract_error');
    assert.deepEqual((e.r as { error: unknown }).error, { unauthorized: {} });
    assert.equal(e.storage.size, 0, 'a contract error writes nothing');
  });

  test(`${engine}: 0.9 gets canonical (base64) addresses in env; 0.11 gets seconds + time_nanos and sent_funds`, () => {
    const v09 = echo('cosmwasm_vm_version_2', { init: 2, handle: 2, query: 1 }, '{"Ok":{"messages":[],"log":[]}}');
    const a = call(vm, v09, 'instantiate');
    const env = parseJson(stored(a.r, a.storage, 0)!) as { message: { sender: string }; contract: { address: string } };
    assert.equal(env.message.sender, Buffer.alloc(20, 1).toString('base64'));
    assert.equal(env.contract.address, Buffer.alloc(20, 2).toString('base64'));
    const v011 = echo('cosmwasm_vm_version_4', { init: 3, handle: 3, query: 2, migrate: 3 }, '{"ok":{"messages":[],"attributes":[]}}');
    const b = call(vm, v011, 'execute');
    assert.equal(b.r.kind, 'ok', show(b.r));
    assert.equal(stored(b.r, b.storage, 0), `{"block":{"height":12345,"time":1571797419,"time_nanos":879305533,"chain_id":"secret-4"},"contract":{"address":"${CONTRACT}"}}`);
    assert.equal(stored(b.r, b.storage, 1), `{"sender":"${SENDER}","sent_funds":[{"denom":"uscrt","amount":"7"}]}`);
  });

  test(`${engine}: query is read-only and returns the decoded answer`, () => {
    const answer = Buffer.from('{"count":6}').toString('base64');
    const q = echo('interface_version_8', { query: 2 }, `{"ok":"${answer}"}`);
    const r = call(vm, q, 'query');
    assert.equal(r.r.kind, 'vm_error', 'the echo contract writes, which a query may not');
    assert.match((r.r as { error: VmError }).error.message, /write access denied/);
    const ro = new Vm({ engine }).storeCode(wat(`(module (memory (export "memory") 1) (func (export "interface_version_8")) ${bumpAllocator(8192)}
      ${blob(4096, `{"ok":"${answer}"}`)} (func (export "query") (param i32 i32) (result i32) (i32.const 4096)))`));
    const ok = vm.query(ro, { env: ENV, storage: new MemoryStorage(), gasLimit: 1_000_000n, msg: enc.encode('{}') });
    assert.equal(ok.kind, 'ok');
    assert.equal(dec.decode((ok as { answer: Uint8Array }).answer), '{"count":6}');
  });

  test(`${engine}: a wrong entry-point arity, a missing entry point and an oversized argument are VM errors`, () => {
    const code = echo('interface_version_8', { instantiate: 2 }, '{"ok":{}}');
    const r = call(vm, code, 'instantiate');
    assert.equal(r.r.kind, 'vm_error');
    assert.match((r.r as { error: VmError }).error.message, /instantiate takes 2 parameters/);
    const m = call(vm, code, 'execute');
    assert.match((m.r as { error: VmError }).error.message, /does not export execute/);
    const big = call(vm, echo('interface_version_8', { execute: 3 }, '{"ok":{}}'), 'execute', undefined, { msg: new Uint8Array(MAX_ARGUMENT_LENGTH + 1) });
    assert.equal((big.r as { error: VmError }).error.kind, 'limit_exceeded');
  });
}

test('a call may write at most 16 MiB (keys and values)', () => {
  // execute: writes 64 KiB keys (the first 4 bytes a counter) with 128 KiB values until stopped.
  const src = `(module (import "env" "db_write" (func $db_write (param i32 i32)))
    (memory (export "memory") 8) (func (export "interface_version_8")) ${bumpAllocator(400_000)}
    (data (i32.const 16) "\\00\\01\\00\\00\\00\\00\\01\\00\\00\\00\\01\\00")
    (data (i32.const 32) "\\00\\00\\02\\00\\00\\00\\02\\00\\00\\00\\02\\00")
    ${blob(4096, '{"ok":{"messages":[],"attributes":[],"events":[],"data":null}}')}
    (func (export "execute") (param i32 i32 i32) (result i32) (local $i i32)
      (loop $l (i32.store (i32.const 256) (local.get $i)) (call $db_write (i32.const 16) (i32.const 32))
        (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 200))))
      (i32.const 4096)))`;
  for (const engine of ENGINES) {
    const vm = new Vm({ engine });
    const storage = new MemoryStorage();
    const r = vm.execute(vm.storeCode(wat(src)), { env: ENV, storage, gasLimit: 1n << 62n, sender: SENDER, msg: enc.encode('{}') });
    assert.equal(r.kind, 'vm_error');
    assert.match((r as { error: VmError }).error.message, /db_write: the call wrote more than 16777216 bytes/);
    assert.equal(storage.size, 0, 'nothing written');
  }
});

test('gas: identical on both engines; out of gas reports the limit and writes nothing; execute refunds per-byte write gas', () => {
  const loop = (limit: string) => `(func (export "execute") (param i32 i32 i32) (result i32)
      (call $db_write (i32.const 64) (local.get 2)) (loop $l (br_if $l (i32.const ${limit}))) (i32.const 4096))
    (func (export "instantiate") (param i32 i32 i32) (result i32)
      (call $db_write (i32.const 64) (local.get 2)) (loop $l (br_if $l (i32.const 0))) (i32.const 4096))`;
  const results: string[] = [];
  for (const engine of ENGINES) {
    const vm = new Vm({ engine });
    const mk = (l: string) => vm.storeCode(wat(`(module (import "env" "db_write" (func $db_write (param i32 i32)))
      (memory (export "memory") 1) (func (export "interface_version_8")) ${bumpAllocator(8192)}
      ${blob(64, 'k')} ${blob(4096, '{"ok":{"messages":[],"attributes":[],"events":[],"data":null}}')} ${loop(l)})`));
    const finite = mk('0');
    const storage = new MemoryStorage();
    const args = { env: ENV, storage, gasLimit: 10_000_000n, sender: SENDER, msg: enc.encode('{"m":1}') };
    const i = vm.instantiate(finite, args);
    const e = vm.execute(finite, args);
    assert.equal(i.kind, 'ok');
    assert.equal(e.kind, 'ok');
    // Same work; instantiate keeps the 7 bytes × 5,000 pseudo gas, execute has it refunded.
    assert.equal(i.gasUsed - e.gasUsed, 7n * SECRET_HOST_GAS.dbWritePerValueByte);
    const forever = vm.execute(mk('1'), { ...args, storage: new MemoryStorage(), gasLimit: 5_000_000n });
    assert.equal(forever.kind, 'vm_error');
    assert.equal((forever as { error: VmError }).error.kind, 'gas_depletion');
    assert.equal(forever.gasUsed, 5_000_000n);
    results.push(`${i.gasUsed} ${e.gasUsed} ${forever.gasUsed}`);
  }
  assert.equal(results[0], results[1]);
});

test('check_gas and gas_evaporate: Secret prices, the same on both engines', () => {
  const out: string[] = [];
  for (const engine of ENGINES) {
    const vm = new Vm({ engine });
    const code = vm.storeCode(wat(`(module
      (import "env" "check_gas" (func $check_gas (result i64)))
      (import "env" "gas_evaporate" (func $evaporate (param i32) (result i32)))
      (import "env" "db_write" (func $db_write (param i32 i32)))
      (memory (export "memory") 1) (func (export "interface_version_8")) ${bumpAllocator(8192)}
      ${blob(64, 'k')} ${blob(128, '12345678')} ${blob(4096, '{"ok":{"messages":[],"attributes":[],"events":[],"data":null}}')}
      (func (export "execute") (param i32 i32 i32) (result i32)
        (drop (call $evaporate (local.get 0)))
        (i64.store (i32.const 144) (call $check_gas))
        (call $db_write (i32.const 64) (i32.const 128))
        (i32.const 4096))
      (func (export "instantiate") (param i32 i32 i32) (result i32) (i32.const 4096)))`));
    const storage = new MemoryStorage();
    // evaporate(env pointer) burns max(ptr × 1000, 8000): the env pointer is the same on both engines.
    const r = vm.execute(code, { env: ENV, storage, gasLimit: 1_000_000_000n, sender: SENDER, msg: enc.encode('{}') });
    assert.equal(r.kind, 'ok', show(r));
    const seen = new DataView(storage.get(enc.encode('k'))!.buffer).getBigUint64(0, true);
    assert.ok(seen * 1000n >= SECRET_EXTRA_GAS.evaporateMinimum, `check_gas saw ${seen}`);
    assert.ok(seen * 1000n <= r.gasUsed);
    out.push(`${seen} ${r.gasUsed}`);
  }
  assert.equal(out[0], out[1]);
});

test('query_chain: querier answers in the caller era, depth limit, bad JSON, no querier', () => {
  const QUERY = (request: string, marker: string, entry: string, args: string, result: string, more = '') => wat(`(module
    (import "env" "query_chain" (func $q (param i32) (result i32)))
    (import "env" "db_write" (func $db_write (param i32 i32)))
    (memory (export "memory") 1) (func (export "${marker}")) ${bumpAllocator(8192)}
    ${blob(64, 'r')} ${blob(256, request)} ${blob(4096, result)} ${more}
    (func (export "${entry}") ${args} (result i32) (call $db_write (i32.const 64) (call $q (i32.const 256))) (i32.const 4096)))`);
  const v1 = (req: string) => QUERY(req, 'interface_version_8', 'execute', '(param i32 i32 i32)', '{"ok":{"messages":[],"attributes":[],"events":[],"data":null}}');
  const v010 = (req: string) => QUERY(req, 'cosmwasm_vm_version_3', 'handle', '(param i32 i32)', '{"Ok":{"messages":[],"log":[]}}',
    '(func (export "init") (param i32 i32) (result i32) (i32.const 0)) (func (export "query") (param i32) (result i32) (i32.const 0))');
  const seen: [unknown, number, bigint][] = [];
  const querier: Querier = {
    query(request, depth, gasLimit) {
      seen.push([request, depth, gasLimit]);
      const kind = Object.keys((request as { x: unknown }))[0];
      if (kind === 'ok') return { result: { ok: enc.encode('{"a":1}') }, gasUsed: 1234n };
      if (kind === 'err') return { result: { contractError: 'boom' }, gasUsed: 0n };
      return { result: { systemError: { no_such_contract: { addr: 'x' } } }, gasUsed: 0n };
    },
  };
  const outs: string[] = [];
  for (const engine of ENGINES) {
    const vm = new Vm({ engine });
    const run = (bytes: Uint8Array, extra: Record<string, unknown> = {}) => {
      const storage = new MemoryStorage();
      const r = vm.execute(vm.storeCode(bytes), { env: ENV, storage, gasLimit: 10_000_000n, sender: SENDER, msg: enc.encode('{}'), querier, ...extra });
      assert.equal(r.kind, 'ok', show(r));
      return [dec.decode(storage.get(enc.encode('r'))!), r.gasUsed] as const;
    };
    assert.equal(run(v1('{"ok":{}}'))[0], `{"ok":{"ok":"${Buffer.from('{"a":1}').toString('base64')}"}}`);
    assert.equal(seen.at(-1)![1], 2, 'the nested call is one level deeper');
    assert.equal(run(v1('{"err":{}}'))[0], '{"ok":{"error":"boom"}}');
    assert.equal(run(v1('{"sys":{}}'))[0], '{"error":{"no_such_contract":{"addr":"x"}}}');
    assert.equal(run(v010('{"ok":{}}'))[0], `{"Ok":{"Ok":"${Buffer.from('{"a":1}').toString('base64')}"}}`);
    assert.equal(run(v010('{"err":{}}'))[0], '{"Ok":{"Err":{"generic_err":{"msg":"boom"}}}}');
    assert.equal(run(v010('{"sys":{}}'))[0], '{"Err":{"no_such_contract":{"addr":"x"}}}');
    const bad = run(v1('{"ok":'));
    assert.match(bad[0], /^\{"error":\{"invalid_request":\{"error":"Parsing query request: .*","request":"eyJvayI6"\}\}\}$/);
    const n = seen.length;
    assert.equal(run(v1('{"ok":{}}'), { queryDepth: MAX_QUERY_DEPTH - 1 })[0], '{"error":{"exceeded_recursion_limit":{}}}');
    assert.equal(seen.length, n, 'the querier is not asked past the depth limit');
    assert.equal(run(v1('{"ok":{}}'), { querier: undefined })[0], '{"error":{"unsupported_request":{"kind":"no querier"}}}');
    // Querier gas is charged to the caller.
    const a = run(v1('{"ok":{}}'))[1];
    const b = run(v1('{"xx":{}}'))[1];
    outs.push(`${a} ${b}`);
    // (execute refunds the per-byte write gas, and the bump allocator's cost does not depend on size)
    assert.equal(a - b, 1234n);
  }
  assert.equal(outs[0], outs[1]);
});

test('VM errors of both engines match: trap, abort, bad result JSON, wild pointer', () => {
  const src = `(module (import "env" "abort" (func $abort (param i32)))
    (memory (export "memory") 1) (func (export "interface_version_8")) ${bumpAllocator(8192)}
    ${blob(256, 'panicked at src/contract.rs:1:1')} ${blob(512, '{"ok":')} ${blob(1024, '\u00ff')}
    (func (export "instantiate") (param i32 i32 i32) (result i32) unreachable)
    (func (export "execute") (param i32 i32 i32) (result i32) (call $abort (i32.const 256)) (i32.const 0))
    (func (export "sudo") (param i32 i32) (result i32) (i32.const 512))
    (func (export "reply") (param i32 i32) (result i32) (i32.const 0x7ffffff0)))`;
  const seen: string[] = [];
  for (const engine of ENGINES) {
    const vm = new Vm({ engine });
    const code = vm.storeCode(wat(src));
    const base = { env: ENV, storage: new MemoryStorage(), gasLimit: 1_000_000n, sender: SENDER, msg: enc.encode('{}') };
    const errs = [vm.instantiate(code, base), vm.execute(code, base), vm.sudo(code, base), vm.reply(code, base)].map((r) => {
      assert.equal(r.kind, 'vm_error');
      const e = (r as { error: VmError }).error;
      return `${e.kind}: ${e.message.split('\n')[0].replace(/ \(function.*$/, '')} gas ${r.gasUsed}`;
    });
    assert.match(errs[0], /^runtime: wasm trap: unreachable/);
    assert.match(errs[1], /^aborted: Aborted: panicked at src\/contract.rs:1:1/);
    assert.match(errs[2], /^parse: sudo: the contract returned invalid JSON/);
    assert.match(errs[3], /^communication: /);
    seen.push(errs.map((e) => e.replace(/wasm trap: .*/, 'trap')).join('\n'));
  }
  assert.equal(seen[0], seen[1]);
});

test('0.6/0.7 contracts are refused with "not supported"', () => {
  assert.throws(() => new Vm().storeCode(wat(`(module (memory (export "memory") 1) (func (export "cosmwasm_api_0_6"))
    (func (export "allocate") (param i32) (result i32) i32.const 0) (func (export "deallocate") (param i32)))`)),
  (e: unknown) => e instanceof VmError && e.kind === 'static_validation' && /0\.6\/0\.7 is not supported/.test(e.message));
});


test('reused instances are indistinguishable from fresh ones: memory, globals, size; grown or trapped ones are dropped', () => {
  // execute: bumps a mutable global and a memory cell, stores both (key "a0"), optionally grows memory
  // (msg byte 0 = 'g') or traps (msg byte 0 = 't').
  const src = `(module (import "env" "db_write" (func $db_write (param i32 i32)))
    (memory (export "memory") 1) (func (export "interface_version_8")) ${bumpAllocator(16384)}
    (global $n (mut i32) (i32.const 40))
    ${blob(64, 'a0')} ${blob(4096, '{"ok":{"messages":[],"attributes":[],"events":[],"data":null}}')}
    (data (i32.const 200) "\\00\\01\\00\\00\\08\\00\\00\\00\\08\\00\\00\\00")
    (func (export "instantiate") (param i32 i32 i32) (result i32) (i32.const 4096))
    (func (export "execute") (param i32) (param i32) (param $msg i32) (result i32) (local $first i32)
      (global.set $n (i32.add (global.get $n) (i32.const 1)))
      (i32.store (i32.const 260) (i32.add (i32.load (i32.const 260)) (i32.const 1)))
      (i32.store (i32.const 256) (global.get $n))
      (call $db_write (i32.const 64) (i32.const 200))
      (local.set $first (i32.load8_u (i32.load (local.get $msg))))
      (if (i32.eq (local.get $first) (i32.const 103)) (then (drop (memory.grow (i32.const 1)))))
      (if (i32.eq (local.get $first) (i32.const 116)) (then unreachable))
      (i32.const 4096)))`;
  const seen: string[] = [];
  for (const engine of ENGINES) {
    const vm = new Vm({ engine });
    const code = vm.storeCode(wat(src));
    assert.equal(code.resettable, true);
    const storage = new MemoryStorage();
    const log: string[] = [];
    for (const msg of ['x', 'x', 'g', 'x', 't', 'x', 'x']) {
      const r = vm.execute(code, { env: ENV, storage, gasLimit: 1_000_000n, sender: SENDER, msg: enc.encode(msg) });
      const v = storage.get(enc.encode('a0'));
      log.push(`${msg} ${r.kind} ${r.gasUsed} ${v === undefined ? '-' : Buffer.from(v).toString('hex')}`);
      if (msg !== 't') assert.equal(Buffer.from(storage.get(enc.encode('a0'))!).toString('hex'), '2900000001000000', `${engine} ${msg}: state of a fresh instance`);
    }
    // Every successful call saw global 40 → 41 and the memory cell 0 → 1, and used the same gas.
    assert.equal(new Set(log.filter((l) => l.startsWith('x')).map((l) => l)).size, 1, log.join('\n'));
    seen.push(log.join('\n'));
  }
  assert.equal(seen[0], seen[1]);
});

test('the host is not re-entered: an allocate that calls an import ends the call the same way on both engines', () => {
  // allocate calls db_read on a key that exists, whose value needs an allocate, … (spec §2.4: depth 2 at most).
  const src = `(module (import "env" "db_read" (func $db_read (param i32) (result i32)))
    (import "env" "db_write" (func $db_write (param i32 i32)))
    (memory (export "memory") 2) (func (export "interface_version_8"))
    (global $top (mut i32) (i32.const 16384))
    ${blob(64, 'k')} ${blob(4096, '{"ok":{"messages":[],"attributes":[],"events":[],"data":null}}')}
    (func (export "allocate") (param $n i32) (result i32) (local $r i32)
      (if (global.get $armed) (then (drop (call $db_read (i32.const 64)))))
      (local.set $r (global.get $top))
      (global.set $top (i32.add (local.get $r) (i32.add (local.get $n) (i32.const 16))))
      (i32.store (local.get $r) (i32.add (local.get $r) (i32.const 12)))
      (i32.store offset=4 (local.get $r) (local.get $n))
      (i32.store offset=8 (local.get $r) (i32.const 0))
      (local.get $r))
    (global $armed (mut i32) (i32.const 0))
    (func (export "deallocate") (param i32))
    (func (export "instantiate") (param i32 i32 i32) (result i32) (call $db_write (i32.const 64) (i32.const 64)) (i32.const 4096))
    (func (export "execute") (param i32 i32 i32) (result i32) (global.set $armed (i32.const 1)) (drop (call $db_read (i32.const 64))) (i32.const 4096)))`;
  const seen: string[] = [];
  for (const engine of ENGINES) {
    const vm = new Vm({ engine });
    const code = vm.storeCode(wat(src));
    const storage = new MemoryStorage();
    const base = { env: ENV, storage, gasLimit: 100_000_000n, sender: SENDER, msg: enc.encode('{}') };
    assert.equal(vm.instantiate(code, base).kind, 'ok');
    const r = vm.execute(code, base);
    assert.equal(r.kind, 'vm_error');
    assert.match((r as { error: VmError }).error.message, /db_read was called from inside a host call .*call depth exceeded/);
    seen.push(`${(r as { error: VmError }).error.kind} ${r.gasUsed}`);
  }
  assert.equal(seen[0], seen[1]);
});

test('entry points must be (i32, …) -> i32; 0.10 migrate gets the sender in env', () => {
  const seen: string[] = [];
  for (const engine of ENGINES) {
    const vm = new Vm({ engine });
    const code = vm.storeCode(wat(`(module (memory (export "memory") 1) (func (export "interface_version_8")) ${bumpAllocator(8192)}
      (func (export "execute") (param i64 i32 i32) (result i32) (i32.const 0))
      (func (export "query") (param i32 i32) (result i64) (i64.const 0)))`));
    const e = vm.execute(code, { env: ENV, storage: new MemoryStorage(), gasLimit: 1_000_000n, sender: SENDER, msg: enc.encode('{}') });
    const q = vm.query(code, { env: ENV, storage: new MemoryStorage(), gasLimit: 1_000_000n, msg: enc.encode('{}') });
    for (const r of [e, q]) {
      assert.equal(r.kind, 'vm_error');
      assert.equal((r as { error: VmError }).error.kind, 'resolve');
    }
    assert.match((e as { error: VmError }).error.message, /execute must take i32 parameters and return one i32; it has type \(i64, i32, i32\) -> i32/);
    seen.push(`${(e as { error: VmError }).error.message} ${(q as { error: VmError }).error.message}`);
  }
  assert.equal(seen[0], seen[1]);
  const v010 = echo('cosmwasm_vm_version_3', { init: 2, handle: 2, query: 1, migrate: 2 }, '{"Ok":{"messages":[],"log":[],"data":null}}');
  const m = call(new Vm(), v010, 'migrate');
  assert.equal(m.r.kind, 'ok', show(m.r));
  assert.match(stored(m.r, m.storage, 0)!, new RegExp(`"message":\\{"sender":"${SENDER}","sent_funds":\\[\\]\\}`));
});

test('the stack limit covers a chain of nested queries: both engines stop at the same depth', () => {
  // query(env, msg): recurses 1,500 frames, then asks the querier (which runs this same query one
  // level deeper) and stores nothing; the answer says how deep the chain went before it failed.
  const src = `(module (import "env" "query_chain" (func $q (param i32) (result i32)))
    (memory (export "memory") 2) (func (export "interface_version_8")) ${bumpAllocator(16384)}
    ${blob(256, '{}')} ${blob(4096, `{"ok":"${Buffer.from('{}').toString('base64')}"}`)}
    (func $down (param $n i32) (result i32)
      (if (result i32) (i32.eqz (local.get $n)) (then (call $q (i32.const 256))) (else (call $down (i32.sub (local.get $n) (i32.const 1))))))
    (func (export "query") (param i32 i32) (result i32) (drop (call $down (i32.const 1500))) (i32.const 4096)))`;
  const seen: string[] = [];
  for (const engine of ENGINES) {
    const vm = new Vm({ engine });
    const code = vm.storeCode(wat(src));
    const outcomes: string[] = [];
    const querier: Querier = {
      query(_request, depth, gasLimit) {
        const r = vm.query(code, { env: ENV, storage: new MemoryStorage(), gasLimit, msg: enc.encode('{}'), querier, queryDepth: depth });
        outcomes.push(`depth ${depth}: ${r.kind === 'vm_error' ? r.error.message : r.kind}`);
        return { result: r.kind === 'ok' ? { ok: r.answer! } : { contractError: r.kind === 'vm_error' ? r.error.message : String(r.error) }, gasUsed: r.gasUsed };
      },
    };
    const top = vm.query(code, { env: ENV, storage: new MemoryStorage(), gasLimit: 1_000_000_000n, msg: enc.encode('{}'), querier });
    assert.equal(top.kind, 'ok', show(top));
    const failed = outcomes.find((o) => /call stack exhausted/.test(o));
    assert.ok(failed !== undefined, `the chain must hit the stack limit before the depth limit: ${outcomes.join('; ')}`);
    seen.push(`${outcomes.join('; ')} gas ${top.gasUsed}`);
  }
  assert.equal(seen[0], seen[1]);
});

test('a failing host function (here a querier that throws) is the same VM error on both engines', () => {
  const src = `(module (import "env" "query_chain" (func $q (param i32) (result i32)))
    (memory (export "memory") 1) (func (export "interface_version_8")) ${bumpAllocator(8192)}
    ${blob(256, '{"x":{}}')} ${blob(4096, '{"ok":"e30="}')}
    (func (export "query") (param i32 i32) (result i32) (drop (call $q (i32.const 256))) (i32.const 4096)))`;
  const seen = ENGINES.map((engine) => {
    const vm = new Vm({ engine });
    const querier: Querier = { query: () => { throw new Error('the node lost its database'); } };
    const r = vm.query(vm.storeCode(wat(src)), { env: ENV, storage: new MemoryStorage(), gasLimit: 1_000_000n, msg: enc.encode('{}'), querier });
    assert.equal(r.kind, 'vm_error');
    return `${(r as { error: VmError }).error.kind}: ${(r as { error: VmError }).error.message} ${r.gasUsed}`;
  });
  assert.match(seen[0], /^runtime: host failure: the node lost its database/);
  assert.equal(seen[1], seen[0]);
});
