// IO encryption (spec/secret-compute.md §2.4–2.5, §2.11; spec/secretjs-surface.md §3.7): every IO
// vector of spec/secret-vectors.json (copied here, the spec directory is not part of the repository),
// tampering, the chain's side, and a cross-check both ways against secretjs 1.22.1's EncryptionUtilsImpl.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { base64, hex } from '@scure/base';
import { EncryptionError, IoEncryption, decryptAsChain, parseSecretMessage } from '@cloak/client';

const V = {
  io_sk: '87240bf2a4749a4f671706862cf0b8831012d6255797037c3d710e259e313ce1',
  io_pk: 'e06234cc903cb09e6758c27d4db39d041ad19c2cf3f73d2e4ecc5ad81106cd59',
  io_pk_b64: '4GI0zJA8sJ5nWMJ9TbOdBBrRnCzz9z0uTsxa2BEGzVk=',
  user_secret: '1111111111111111111111111111111111111111111111111111111111111111',
  user_pk: '7b4e909bbe7ffe44c465a220037d608ee35897d31ef972f07f74892cb0f73f13',
  nonce: '2222222222222222222222222222222222222222222222222222222222222222',
  tx_ecdh_shared: 'de9ec53525ed7da6339eb7e0307f486325abbc836f0d281c6edf9948f7aa160a',
  tx_key: '91a98f054497ba5520b8e625101e84350a98cd773908952875dee6796e78e47e',
  code_hash: '9c8a0a1bd5a8d1a9a0b1f2e3d4c5b6a79c8a0a1bd5a8d1a9a0b1f2e3d4c5b6a7',
  msg: '{"increment":{}}',
  tx_ciphertext:
    '4cc665225c5f58fe5803add97f84432cf21b9f38b5dd4181591df11a83c5316981eb9e652129c4a34e4e64e481f74ba6eb80aa9849eefa45e633b30b0602cb9798623302af1b417ec15d3f923128a17b520dd6e9bed00655296b6e1880933e67',
  tx_msg_b64:
    'IiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiJ7TpCbvn/+RMRloiADfWCO41iX0x75cvB/dIkssPc/E0zGZSJcX1j+WAOt2X+EQyzyG584td1BgVkd8RqDxTFpgeueZSEpxKNOTmTkgfdLpuuAqphJ7vpF5jOzCwYCy5eYYjMCrxtBfsFdP5IxKKF7Ug3W6b7QBlUpa24YgJM+Zw==',
  data_plain_b64text: 'eyJjb3VudCI6N30=',
  data_ciphertext: '39746a93dddf06a5fd78573539d9a3e9492aec07162377da68487a48b860d722',
  attr_key_ct_b64: 'wlytU36DP0QaNYSuvdSMstIE340bCA==',
  attr_value_ct_b64: 'DZMnHqbO+PMU83UFkMtwfYd8V4q67fohjA==',
  err_generic_msg_b64: 'zttRHFFOJRRfVNLEv04swKUX46BeHGe1KA==',
};
const IO_SK = hex.decode(V.io_sk);
const IO_PK = hex.decode(V.io_pk);
const NONCE = hex.decode(V.nonce);
const user = () => new IoEncryption(hex.decode(V.user_secret));
const text = (b: Uint8Array) => new TextDecoder().decode(b);

test('vectors: user public key, ECDH shared secret, tx key', () => {
  const u = user();
  assert.equal(hex.encode(u.publicKey), V.user_pk);
  assert.equal(hex.encode(u.sharedSecret(IO_PK)), V.tx_ecdh_shared);
  assert.equal(hex.encode(u.txKey(IO_PK, NONCE)), V.tx_key);
  assert.equal(base64.encode(IO_PK), V.io_pk_b64);
});

test('vectors: tx ciphertext and the whole input blob', () => {
  const blob = user().encrypt(IO_PK, V.code_hash, V.msg, NONCE);
  assert.equal(hex.encode(blob.subarray(64)), V.tx_ciphertext);
  assert.equal(base64.encode(blob), V.tx_msg_b64);
  // An upper-case code hash is sent lower-cased, as secret-compute.md §2.4 step 5 prescribes.
  assert.equal(base64.encode(user().encrypt(IO_PK, V.code_hash.toUpperCase(), V.msg, NONCE)), V.tx_msg_b64);
  const parts = parseSecretMessage(blob);
  assert.equal(hex.encode(parts.nonce), V.nonce);
  assert.equal(hex.encode(parts.userPubkey), V.user_pk);
  assert.equal(text(user().decrypt(IO_PK, NONCE, parts.ciphertext)), V.code_hash + V.msg);
});

test('vectors: outputs decrypt to data, attributes and error text', () => {
  const u = user();
  assert.equal(text(u.decrypt(IO_PK, NONCE, hex.decode(V.data_ciphertext))), V.data_plain_b64text);
  assert.equal(text(u.decryptData(IO_PK, NONCE, hex.decode(V.data_ciphertext))), '{"count":7}');
  assert.deepEqual(u.decryptData(IO_PK, NONCE, new Uint8Array(0)), new Uint8Array(0));
  assert.equal(u.decryptAttribute(IO_PK, NONCE, V.attr_key_ct_b64), 'action');
  assert.equal(u.decryptAttribute(IO_PK, NONCE, V.attr_value_ct_b64), 'increment');
  assert.equal(u.decryptError(IO_PK, NONCE, V.err_generic_msg_b64), 'bad input');
  const raw = `failed to execute message; message index: 0: encrypted: ${V.err_generic_msg_b64}: execute contract failed`;
  assert.equal(u.decryptError(IO_PK, NONCE, raw), 'bad input');
});

test('chain side: decryptAsChain opens the vector blob with the IO private key', () => {
  const opened = decryptAsChain(IO_SK, base64.decode(V.tx_msg_b64));
  assert.equal(hex.encode(opened.nonce), V.nonce);
  assert.equal(hex.encode(opened.userPubkey), V.user_pk);
  assert.equal(opened.codeHash, V.code_hash);
  assert.equal(text(opened.msg), V.msg);
  // X25519(io_sk, user_pk) = X25519(user_sk, io_pk): a user whose "seed" is io_sk sees the same secret.
  assert.equal(hex.encode(new IoEncryption(IO_SK).sharedSecret(hex.decode(V.user_pk))), V.tx_ecdh_shared);
});

test('tampered, truncated or misdirected blobs fail with a clear error that leaks nothing', () => {
  const blob = base64.decode(V.tx_msg_b64);
  for (const at of [0, 40, 64, 70, blob.length - 1]) {
    const bad = Uint8Array.from(blob);
    bad[at] ^= 0x01;
    assert.throws(() => decryptAsChain(IO_SK, bad), (e: unknown) => {
      assert.ok(e instanceof EncryptionError);
      assert.match(e.message, /does not authenticate/);
      assert.ok(!e.message.includes('increment') && !e.message.includes(V.io_sk) && !e.message.includes(V.tx_key));
      return true;
    });
  }
  const ct = Uint8Array.from(blob.subarray(64));
  ct[20] ^= 0x80;
  assert.throws(() => user().decrypt(IO_PK, NONCE, ct), /ciphertext: does not authenticate/);
  assert.throws(() => user().decrypt(IO_PK, new Uint8Array(32), blob.subarray(64)), /does not authenticate/);
  assert.throws(() => decryptAsChain(IO_SK, blob.subarray(0, 79)), /expected at least 80 bytes/);
  assert.throws(() => user().decryptAttribute(IO_PK, NONCE, 'not base64!'), /attribute: not padded standard base64/);
});

test('inputs of the wrong shape are refused by name', () => {
  assert.throws(() => new IoEncryption(new Uint8Array(31)), /encryption seed: expected 32 bytes, got 31 bytes/);
  assert.throws(() => user().encrypt(IO_PK, 'abc', V.msg), /code hash: expected 64 hex characters/);
  assert.throws(() => user().encrypt(new Uint8Array(33), V.code_hash, V.msg), /chain IO public key: expected 32 bytes/);
  assert.throws(() => user().encrypt(IO_PK, V.code_hash, V.msg, new Uint8Array(8)), /nonce: expected 32 bytes/);
  assert.throws(() => user().encrypt(new Uint8Array(32), V.code_hash, V.msg), /chain IO public key: not a usable/);
  assert.throws(() => decryptAsChain(new Uint8Array(16), base64.decode(V.tx_msg_b64)), /IO private key: expected 32 bytes/);
});

test('random nonces and random seeds: fresh each time, still decryptable', () => {
  const u = new IoEncryption();
  const a = u.encrypt(IO_PK, V.code_hash, V.msg);
  const b = u.encrypt(IO_PK, V.code_hash, V.msg);
  assert.notDeepEqual(a.subarray(0, 32), b.subarray(0, 32));
  assert.notDeepEqual(new IoEncryption().publicKey, u.publicKey);
  assert.equal(text(decryptAsChain(IO_SK, a).msg), V.msg);
  assert.deepEqual(decryptAsChain(IO_SK, b).userPubkey, u.publicKey);
});

// secretjs 1.22.1, loaded through a variable specifier (its TypeScript sources do not compile here).
interface SecretjsEncryption {
  encrypt(codeHash: string, msg: object): Promise<Uint8Array>;
  decrypt(ciphertext: Uint8Array, nonce: Uint8Array): Promise<Uint8Array>;
  getPubkey(): Promise<Uint8Array>;
}
const SPECIFIER = 'secretjs';
const secretjs = (await import(SPECIFIER)) as { EncryptionUtilsImpl: new (url: string, seed?: Uint8Array) => SecretjsEncryption };

test('secretjs cross-check: both ways, chain key fetched from a local /registration/v1beta1/tx-key', async () => {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    if ((req.url ?? '').split('?')[0].endsWith('/registration/v1beta1/tx-key')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ key: V.io_pk_b64 }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const seed = hex.decode(V.user_secret);
    const sjs = new secretjs.EncryptionUtilsImpl(url, seed);
    assert.equal(hex.encode(new Uint8Array(await sjs.getPubkey())), V.user_pk);

    // secretjs encrypts → the chain (our decryptAsChain with io_sk) and our user side decrypt it.
    const msg = { transfer: { recipient: 'secret1xyz', amount: '5' } };
    const blob = new Uint8Array(await sjs.encrypt(V.code_hash, msg));
    const opened = decryptAsChain(IO_SK, blob);
    assert.equal(opened.codeHash, V.code_hash);
    assert.equal(text(opened.msg), JSON.stringify(msg));
    assert.equal(hex.encode(opened.userPubkey), V.user_pk);
    const parts = parseSecretMessage(blob);
    assert.equal(text(user().decrypt(IO_PK, parts.nonce, parts.ciphertext)), V.code_hash + JSON.stringify(msg));

    // We encrypt → secretjs decrypts, both the input blob and the vector outputs.
    const ours = user().encrypt(IO_PK, V.code_hash, JSON.stringify(msg));
    const back = await sjs.decrypt(ours.subarray(64), ours.subarray(0, 32));
    assert.equal(text(new Uint8Array(back)), V.code_hash + JSON.stringify(msg));
    assert.equal(text(new Uint8Array(await sjs.decrypt(hex.decode(V.data_ciphertext), NONCE))), V.data_plain_b64text);
    assert.equal(text(new Uint8Array(await sjs.decrypt(base64.decode(V.err_generic_msg_b64), NONCE))), 'bad input');
    // And with the vector nonce, secretjs's key reproduces the vector ciphertext's plaintext.
    assert.equal(text(new Uint8Array(await sjs.decrypt(hex.decode(V.tx_ciphertext), NONCE))), V.code_hash + V.msg);
    assert.ok(paths.some((p) => p.startsWith('/registration/v1beta1/tx-key')), `secretjs asked for ${paths.join(', ')}`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
