// The key manager's derivations (spec/secret-compute.md §2.1–§2.3) against every key vector of
// spec/secret-vectors.json (copied below): seed-exchange and IO key pairs, the state IKM of genesis
// and current seeds, callback, random-encryption, initial-randomness, admin-proof and
// contract-key-proof secrets. Also: seeds of a wrong length, type or count are refused with a
// message that does not show them; the object shows no secret through JSON.stringify or
// util.inspect; returned keys are copies and the seeds passed in are not kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { KeyManager, KeyManagerError, SEED_BYTES } from '@cloak/enclave';

/** The key vectors of spec/secret-vectors.json, copied here (the spec directory is not part of the repository). */
const V: Record<string, string> = {
  'genesis_seed': '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
  'current_seed': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  'current:seed_exchange_sk': '0ac923ec22949358e152310ef22ce13970cf848ee03eb0188fd8bc39af744754',
  'current:io_sk': '87240bf2a4749a4f671706862cf0b8831012d6255797037c3d710e259e313ce1',
  'current:state_ikm': '16380b4204d7d2f6c5bc5181a43361e53432aca04971cc4405b4fc5dee92673e',
  'current:callback_secret': '27f0486aab6b851e48f160598375ec116b15754e0d712659ac2a4ba067deab49',
  'current:random_encryption_key': '8b3dd2488f67437f772857948a11c3e205828a72305a588bf891e7dd96305447',
  'current:initial_randomness_seed': 'd369c4c96d7bcf7568d3ad03c7fa8985fb1e5e262225fe5dee5a747d5ddbaeba',
  'current:admin_proof_secret': '6dabb1ffedb395b09ca59062320bbdb6ff3336aaf0908ae1cb1bcd28f0318e19',
  'current:contract_key_proof_secret': 'cf6beb1482cd5d0b9e2c514c63ca0ec10133509929620cd08ced627080679723',
  'genesis:state_ikm': 'a554961c38d8e8e0b88490ddd9a6177dfa1d7efb517be2a29681e38af622510b',
  'current:io_pk': 'e06234cc903cb09e6758c27d4db39d041ad19c2cf3f73d2e4ecc5ad81106cd59',
  'current:io_pk_b64': '4GI0zJA8sJ5nWMJ9TbOdBBrRnCzz9z0uTsxa2BEGzVk=',
  'current:seed_exchange_pk': '9293aba0a415629ed9a38a495c08dcd57bcd2440e499f18105456f824abedc52',
};
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
const GENESIS = bytes(V['genesis_seed']);
const CURRENT = bytes(V['current_seed']);
const keys = new KeyManager([GENESIS, CURRENT]);

test('vectors: keys of the current seed', () => {
  assert.equal(hex(keys.seedExchangeSk()), V['current:seed_exchange_sk']);
  assert.equal(hex(keys.seedExchangePk()), V['current:seed_exchange_pk']);
  assert.equal(hex(keys.ioSk()), V['current:io_sk']);
  assert.equal(hex(keys.ioPk()), V['current:io_pk']);
  assert.equal(keys.ioPkBase64(), V['current:io_pk_b64']);
  assert.equal(hex(keys.stateIkm()), V['current:state_ikm']);
  assert.equal(hex(keys.stateIkm(1)), V['current:state_ikm']);
  assert.equal(hex(keys.callbackSecret()), V['current:callback_secret']);
  assert.equal(hex(keys.randomEncryptionKey()), V['current:random_encryption_key']);
  assert.equal(hex(keys.initialRandomnessSeed()), V['current:initial_randomness_seed']);
  assert.equal(hex(keys.adminProofSecret()), V['current:admin_proof_secret']);
  assert.equal(hex(keys.adminProofSecret(1)), V['current:admin_proof_secret']);
  assert.equal(hex(keys.contractKeyProofSecret()), V['current:contract_key_proof_secret']);
  assert.equal(hex(keys.contractKeyProofSecret(1)), V['current:contract_key_proof_secret']);
  assert.equal(keys.seedCount, 2);
});

test('vectors: state IKM of the genesis seed', () => {
  assert.equal(hex(keys.stateIkm(0)), V['genesis:state_ikm']);
});

test('a rotated seed becomes current; per-seed keys keep their index', () => {
  const next = new Uint8Array(SEED_BYTES).fill(0xbb);
  const rotated = new KeyManager([GENESIS, CURRENT, next]);
  assert.equal(rotated.seedCount, 3);
  assert.equal(hex(rotated.stateIkm(0)), V['genesis:state_ikm']);
  assert.equal(hex(rotated.stateIkm(1)), V['current:state_ikm']);
  assert.equal(hex(rotated.adminProofSecret(1)), V['current:admin_proof_secret']);
  assert.equal(hex(rotated.contractKeyProofSecret(1)), V['current:contract_key_proof_secret']);
  assert.notEqual(hex(rotated.stateIkm()), V['current:state_ikm']);
  assert.notEqual(hex(rotated.ioSk()), V['current:io_sk']);
  assert.notEqual(hex(rotated.adminProofSecret()), V['current:admin_proof_secret']);
  assert.deepEqual(rotated.stateIkm(), rotated.stateIkm(2));
});

test('seed indexes out of range are refused; proof secrets never come from genesis', () => {
  assert.throws(() => keys.stateIkm(2), /state IKM: seed index 2 out of range 0\.\.1/);
  assert.throws(() => keys.stateIkm(-1), KeyManagerError);
  assert.throws(() => keys.stateIkm(0.5), KeyManagerError);
  assert.throws(() => keys.adminProofSecret(0), /admin-proof secret: seed index 0 out of range 1\.\.1/);
  assert.throws(() => keys.contractKeyProofSecret(0), /contract-key-proof secret: seed index 0/);
});

test('seeds of a wrong length, type or count are refused without showing them', () => {
  const cases: [unknown[], RegExp][] = [
    [[GENESIS, CURRENT.subarray(0, 31)], /consensus seed 1 must be 32 bytes, got 31/],
    [[new Uint8Array(33).fill(0xaa), CURRENT], /consensus seed 0 must be 32 bytes, got 33/],
    [[new Uint8Array(0), CURRENT], /consensus seed 0 must be 32 bytes, got 0/],
    [[GENESIS, V['current_seed']], /consensus seed 1 is not a byte array/],
    [[CURRENT], /need at least 2 consensus seeds \(genesis and current\), got 1/],
    [[], /got 0/],
  ];
  for (const [seeds, message] of cases) {
    assert.throws(() => new KeyManager(seeds as Uint8Array[]), (err: unknown) => {
      assert.ok(err instanceof KeyManagerError);
      assert.match(err.message, message);
      assert.doesNotMatch(err.message, /aaaa|0001020304|AAAA|170,170/i);
      return true;
    });
  }
  assert.throws(() => new KeyManager('seeds' as unknown as Uint8Array[]), /must be a list/);
});

test('no secret shows through JSON.stringify, util.inspect or String', () => {
  const secrets = [
    'current:seed_exchange_sk', 'current:io_sk', 'current:state_ikm', 'current:callback_secret',
    'current:random_encryption_key', 'current:initial_randomness_seed', 'current:admin_proof_secret',
    'current:contract_key_proof_secret', 'genesis:state_ikm',
  ].map((k) => V[k]);
  const renderings = [
    JSON.stringify(keys), JSON.stringify({ keys }), inspect(keys, { showHidden: true, depth: Infinity }),
    inspect({ keys }), String(keys), `${Object.keys(keys)}`,
  ];
  for (const text of renderings) {
    for (const secret of [...secrets, V['genesis_seed'], V['current_seed']]) {
      assert.ok(!text.includes(secret), 'a secret shows in hex');
      assert.ok(!text.includes(Buffer.from(secret, 'hex').toString('base64').slice(0, 20)), 'a secret shows in base64');
      const firstBytes = [...Buffer.from(secret, 'hex').subarray(0, 4)].join(', ');
      assert.ok(!text.includes(firstBytes), 'a secret shows as bytes');
    }
  }
  assert.equal(JSON.stringify(keys), '{"seedCount":2}');
  assert.equal(inspect(keys), 'KeyManager { seedCount: 2 }');
});

test('returned keys are copies: mutating one does not change the manager', () => {
  const sk = keys.ioSk();
  sk.fill(0);
  assert.equal(hex(keys.ioSk()), V['current:io_sk']);
  const ikm = keys.stateIkm(0);
  ikm.fill(0);
  assert.equal(hex(keys.stateIkm(0)), V['genesis:state_ikm']);
  const pk = keys.ioPk();
  pk.fill(0);
  assert.equal(hex(keys.ioPk()), V['current:io_pk']);
});

test('the seeds passed in are not kept: changing them later changes nothing', () => {
  const g = GENESIS.slice();
  const c = CURRENT.slice();
  const km = new KeyManager([g, c]);
  g.fill(0);
  c.fill(0);
  assert.equal(hex(km.ioSk()), V['current:io_sk']);
  assert.equal(hex(km.stateIkm(0)), V['genesis:state_ikm']);
});
