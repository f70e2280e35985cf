// Env and MessageInfo byte for byte as Secret Network gives them to contracts (secret-compute §4.5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { envJsonV010, envJsonV1, infoJsonV1, type CallEnv } from '@cloak/vm';

const dec = new TextDecoder();
const env: CallEnv = {
  block: { height: 18446744073709551615n, timeNanos: 1_571_797_419_879_305_533n, chainId: 'secretdev-1' },
  contract: { address: 'secret1contract', codeHash: 'ab'.repeat(32) },
  transaction: { index: 3, hash: 'DEADBEEF' },
};

test('1.x env: field order, time in nanoseconds as a string, u64 height exact, random only when given', () => {
  assert.equal(dec.decode(envJsonV1(env)),
    `{"block":{"height":18446744073709551615,"time":"1571797419879305533","chain_id":"secretdev-1"},"contract":{"address":"secret1contract","code_hash":"${'ab'.repeat(32)}"},"transaction":{"index":3,"hash":"DEADBEEF"}}`);
  const withRandom = dec.decode(envJsonV1({ ...env, block: { ...env.block, random: new Uint8Array([0]) }, transaction: null }));
  assert.match(withRandom, /"chain_id":"secretdev-1","random":"AA=="\},/);
  assert.match(withRandom, /"transaction":null\}$/);
});

test('1.x info and 0.10 env: funds as decimal strings, 0.10 time in whole seconds', () => {
  assert.equal(dec.decode(infoJsonV1('secret1a', [{ denom: 'uscrt', amount: '1000' }])), '{"sender":"secret1a","funds":[{"denom":"uscrt","amount":"1000"}]}');
  assert.equal(dec.decode(envJsonV010({ ...env, block: { ...env.block, height: 12345n } }, 'secret1a', [])),
    `{"block":{"height":12345,"time":1571797419,"chain_id":"secretdev-1"},"message":{"sender":"secret1a","sent_funds":[]},"contract":{"address":"secret1contract"},"contract_key":null,"contract_code_hash":"${'ab'.repeat(32)}","transaction":null}`);
  assert.throws(() => infoJsonV1('x', [{ denom: 'uscrt', amount: '1.5' }]), /coin amount "1.5" is not a decimal integer/);
  assert.throws(() => envJsonV1({ ...env, block: { ...env.block, height: -1n } }), /block height must be a u64/);
});
