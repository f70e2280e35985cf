// MemoryChain and the `cloak run` Runner: codes and contracts, funds moving with calls and back on
// failure, the querier (bank, wasm smart/raw/contract_info, unknown contracts, nested depth), admin
// checks for migrate, and the runner's line format and errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { bech32 } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { ChainError, DEFAULT_SENDER, ENGINES, MemoryChain, Runner, Vm, decodeAnswer, parseJson } from '@cloak/vm';

const counterV1 = new Uint8Array(readFileSync(new URL('../../../contracts/build/counter-v1.wasm', import.meta.url)));
const counterV010 = new Uint8Array(readFileSync(new URL('../../../contracts/build/counter-v010.wasm', import.meta.url)));
const addr = (n: number) => bech32.encode('secret', bech32.toWords(new Uint8Array(20).fill(n)));

test('contract addresses follow Secret: RIPEMD160(SHA256(BE64(code_id << 32 | instance) ‖ creator))', () => {
  const chain = new MemoryChain(new Vm());
  const pre = new Uint8Array(28);
  new DataView(pre.buffer).setBigUint64(0, (3n << 32n) + 7n);
  pre.set(new Uint8Array(20).fill(1), 8);
  const expected = bech32.encode('secret', bech32.toWords(ripemd160(sha256(pre))));
  assert.equal(chain.contractAddress(3, 7, addr(1)), expected);
  assert.notEqual(chain.contractAddress(3, 8, addr(1)), expected);
});

for (const engine of ENGINES) {
  test(`${engine}: instantiate, execute, query; funds move with a call and back when it fails`, () => {
    const chain = new MemoryChain(new Vm({ engine }));
    const { codeId } = chain.storeCode(counterV1);
    chain.mint(addr(1), 'uscrt', 100n);
    const { address, result } = chain.instantiate({ codeId, sender: addr(1), msg: { count: 1 }, funds: [{ denom: 'uscrt', amount: '40' }], label: 'c' });
    assert.equal(result.kind, 'ok');
    assert.equal(chain.balance(address, 'uscrt'), 40n);
    assert.equal(chain.balance(addr(1), 'uscrt'), 60n);
    const bad = chain.execute({ contract: address, sender: addr(1), msg: { nope: {} }, funds: [{ denom: 'uscrt', amount: '10' }] });
    assert.equal(bad.kind, 'contract_error');
    assert.equal(chain.balance(addr(1), 'uscrt'), 60n, 'funds of a failed call go back');
    assert.throws(() => chain.execute({ contract: address, sender: addr(1), msg: {}, funds: [{ denom: 'uscrt', amount: '61' }] }), ChainError);
    assert.throws(() => chain.instantiate({ codeId, sender: addr(1), msg: { count: 1 }, label: 'c' }), /label "c" is already taken/);
    assert.throws(() => chain.execute({ contract: addr(9), sender: addr(1), msg: {} }), /no contract at/);
    assert.throws(() => chain.migrate({ contract: address, sender: addr(1), codeId, msg: {} }), /has no admin/);
  });

  test(`${engine}: the querier answers bank and wasm queries, and refuses what it does not know`, () => {
    const chain = new MemoryChain(new Vm({ engine }));
    const { codeId } = chain.storeCode(counterV1);
    const { address } = chain.instantiate({ codeId, sender: addr(1), msg: { count: 9 } });
    chain.mint(addr(3), 'uscrt', 5n);
    chain.mint(addr(3), 'aaa', 1n);
    const ask = (q: unknown, gas = 10_000_000n) => chain.querier.query(q as never, 2, gas);
    const ok = (q: unknown) => {
      const r = ask(q).result;
      assert.ok('ok' in r, JSON.stringify(r));
      return parseJson(new TextDecoder().decode(r.ok));
    };
    assert.deepEqual(ok({ bank: { balance: { address: addr(3), denom: 'uscrt' } } }), { amount: { denom: 'uscrt', amount: '5' } });
    assert.deepEqual(ok({ bank: { all_balances: { address: addr(3) } } }), { amount: [{ denom: 'aaa', amount: '1' }, { denom: 'uscrt', amount: '5' }] });
    const smart = ask({ wasm: { smart: { contract_addr: address, msg: Buffer.from('{"get_count":{}}').toString('base64') } } });
    assert.ok('ok' in smart.result);
    assert.deepEqual(decodeAnswer(smart.result.ok), { count: 9 });
    assert.ok(smart.gasUsed > 0n);
    assert.deepEqual(ok({ wasm: { contract_info: { contract_addr: address } } }), { code_id: 1, creator: addr(1), admin: null, pinned: false, ibc_port: null });
    assert.deepEqual(ask({ wasm: { smart: { contract_addr: addr(9), msg: '' } } }).result, { systemError: { no_such_contract: { addr: addr(9) } } });
    assert.deepEqual(ask({ staking: { bonded_denom: {} } }).result, { systemError: { unsupported_request: { kind: 'staking.bonded_denom' } } });
    assert.ok('systemError' in ask([1, 2]).result);
    const err = ask({ wasm: { smart: { contract_addr: address, msg: Buffer.from('{"nope":{}}').toString('base64') } } }).result;
    assert.ok('contractError' in err && /unknown variant `nope`/.test(String(err.contractError)));
    // A nested call that runs out of gas aborts the caller (the querier throws).
    assert.throws(() => ask({ wasm: { smart: { contract_addr: address, msg: Buffer.from('{"get_count":{}}').toString('base64') } } }, 100n), /out of gas/);
  });

  test(`${engine}: migrate needs the admin and runs the new code's migrate on the same storage`, () => {
    const chain = new MemoryChain(new Vm({ engine }));
    const { codeId } = chain.storeCode(counterV1);
    const { address } = chain.instantiate({ codeId, sender: addr(1), msg: { count: 2 }, admin: addr(1) });
    assert.throws(() => chain.migrate({ contract: address, sender: addr(2), codeId, msg: {} }), /is not the admin/);
    const r = chain.migrate({ contract: address, sender: addr(1), codeId, msg: {} });
    // counter-v1 has no migrate export: a VM error, and the contract keeps its code.
    assert.equal(r.kind, 'vm_error');
    assert.match((r as { error: Error }).error.message, /does not export migrate/);
  });
}

test('runner: ops reach the generation\'s entry points; answers and errors are one JSON line each; both engines agree', () => {
  const script = [
    '# a comment',
    '{"op":"instantiate","msg":{"count":5},"funds":[{"denom":"uscrt","amount":"3"}]}',
    '',
    '{"op":"execute","msg":{"increment":{}}}',
    '{"op":"query","msg":{"get_count":{}}}',
    '{"op":"execute","msg":{"reset":{"count":1}},"sender":"' + addr(7) + '"}',
    '{"op":"execute","msg":{"increment":{}},"gas_limit":1000}',
    '{"op":"sudo","msg":{}}',
    '{"op":"fly","msg":{}}',
    '{"op":"execute"}',
    '{"op":"execute","msg":{},"extra":1}',
    '{"op":"execute","msg":{},"funds":[{"denom":"uscrt","amount":"-1"}]}',
    'nope',
    '{"op":"execute","msg":{"a":1e999}}',
  ];
  const outputs: string[][] = [];
  for (const wasm of [counterV1, counterV010]) {
    for (const engine of ENGINES) {
      const r = new Runner(wasm, { engine });
      outputs.push(script.map((l) => r.run(l)).filter((l): l is string => l !== undefined));
    }
  }
  assert.deepEqual(outputs[1], outputs[0]);
  assert.deepEqual(outputs[3], outputs[2]);
  const v1 = outputs[0].map((l) => parseJson(l) as Record<string, unknown>);
  assert.equal(v1.length, 12);
  assert.match(String(v1[11].error), /not JSON: number 1e999 is out of range/);
  assert.equal(v1[0].ok, true);
  assert.deepEqual(v1[2].result, { count: 6 });
  assert.equal(v1[3].ok, false);
  assert.equal(v1[3].error, 'Unauthorized');
  assert.equal(v1[4].ok, false);
  assert.equal(v1[4].gas_used, 1000, 'out of gas uses the whole limit');
  assert.match(String(v1[4].error), /^gas_depletion: /);
  assert.match(String(v1[5].error), /^resolve: the contract does not export sudo/);
  assert.deepEqual(v1.slice(6).map((o) => [o.line, o.ok]), [[9, false], [10, false], [11, false], [12, false], [13, false], [14, false]]);
  assert.match(String(v1[6].error), /"op" must be one of/);
  assert.match(String(v1[7].error), /"msg" is missing/);
  assert.match(String(v1[8].error), /unknown field "extra"/);
  assert.match(String(v1[10].error), /not JSON/);
  const v010 = outputs[2].map((l) => parseJson(l) as Record<string, unknown>);
  assert.deepEqual(v010[2].result, { count: 6 });
  assert.match(String(v010[5].error), /0\.10 contracts have no sudo entry point/);
  const noInit = new Runner(counterV1).run('{"op":"query","msg":{"get_count":{}}}')!;
  assert.match(noInit, /query before a successful instantiate/);
  assert.equal(DEFAULT_SENDER, addr(1));
});
