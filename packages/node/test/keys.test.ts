/**
 * The keyring of cli/keyring.ts: both backends round-trip a key (LocalSecret's account a recovers
 * its published address), files are 0600 in a 0700 directory with no temporary file left behind,
 * names are checked, a wrong password, a missing password and an altered or corrupt file are each
 * refused with their own message and never show the mnemonic, and passwords come from a file's first
 * line or the environment.
 */
import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Key, verifySignature } from '@cloak/client';
import {
  KeyringError, addKey, deleteKey, keyringDir, listKeys, loadKey, resolvePassword, showKey,
} from '../src/cli/keyring.js';
import { DEV_ACCOUNTS } from '../src/devnet.js';

const A = DEV_ACCOUNTS[0];
const B = DEV_ACCOUNTS[1];
const PASSWORD = 'correct horse battery';

let home = '';
const keyFile = (name: string) => join(keyringDir(home), `${name}.json`);
const readJson = (name: string) => JSON.parse(readFileSync(keyFile(name), 'utf8')) as Record<string, unknown>;
const writeJson = (name: string, v: unknown) => writeFileSync(keyFile(name), JSON.stringify(v));

/** Asserts a one-line KeyringError whose message matches `pattern` and shows no part of the mnemonic `secret`. */
function refused(f: () => unknown, pattern: RegExp, secret?: string): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof KeyringError, `expected a KeyringError, got ${String(e)}`);
    assert.equal(e.name, 'KeyringError');
    assert.match(e.message, pattern);
    assert.doesNotMatch(e.message, /\n/);
    if (secret !== undefined) {
      // Single words like "must" occur in English messages; a quoted word or two in a row do not.
      const words = secret.split(' ');
      for (const [i, w] of words.entries()) {
        assert.ok(!e.message.includes(`"${w}"`), `the message quotes the word "${w}": ${e.message}`);
        if (i > 0) assert.ok(!e.message.includes(`${words[i - 1]} ${w}`), `the message shows "${words[i - 1]} ${w}": ${e.message}`);
      }
    }
    return true;
  });
}

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'cloak-keys-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe('test backend', () => {
  test("LocalSecret's mnemonic of account a recovers its published address", () => {
    const { info, mnemonic } = addKey(home, 'a', { mnemonic: A.mnemonic });
    assert.equal(info.address, 'secret1ap26qrlp8mcq2pg6r47w43l0y8zkqm8a450s03');
    assert.deepEqual(info, { name: 'a', address: A.address, pubkey: Buffer.from(Key.fromMnemonic(A.mnemonic).publicKey).toString('base64'), backend: 'test', type: 'local' });
    assert.equal(mnemonic, A.mnemonic);
    const key = loadKey(home, 'a');
    assert.equal(key.address, A.address);
    const msg = new TextEncoder().encode('sign me');
    assert.ok(verifySignature(key.publicKey, msg, key.sign(msg)));
  });

  test('a key without a mnemonic gets a new 24-word one that loads back to the same address', () => {
    const { info, mnemonic } = addKey(home, 'new', {});
    assert.equal(mnemonic.split(' ').length, 24);
    assert.equal(Key.fromMnemonic(mnemonic).address, info.address);
    assert.equal(loadKey(home, 'new').address, info.address);
    assert.notEqual(addKey(home, 'other', {}).mnemonic, mnemonic);
  });

  test('the file holds name, address, public key, backend, index and the mnemonic', () => {
    addKey(home, 'a', { mnemonic: `  ${A.mnemonic.replaceAll(' ', '\n  ')}\n` });
    const f = readJson('a');
    assert.deepEqual(Object.keys(f).sort(), ['address', 'backend', 'hd_index', 'mnemonic', 'name', 'pubkey', 'type', 'version']);
    assert.equal(f.mnemonic, A.mnemonic, 'whitespace normalised');
    assert.equal(f.hd_index, 0);
    assert.equal(f.backend, 'test');
  });

  test('files are 0600 in a 0700 directory, and no temporary file is left', () => {
    addKey(home, 'a', { mnemonic: A.mnemonic });
    addKey(home, 'a', { mnemonic: A.mnemonic, overwrite: true });
    addKey(home, 'b', { mnemonic: B.mnemonic, backend: 'file', password: PASSWORD });
    assert.equal(statSync(keyringDir(home)).mode & 0o777, 0o700);
    assert.equal(statSync(keyFile('a')).mode & 0o777, 0o600);
    assert.equal(statSync(keyFile('b')).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(keyringDir(home)).sort(), ['a.json', 'b.json']);
  });

  test('a keyring directory left open to others is closed to 0700 on the next write', () => {
    addKey(home, 'a', { mnemonic: A.mnemonic });
    chmodSync(keyringDir(home), 0o755);
    addKey(home, 'b', { mnemonic: B.mnemonic });
    assert.equal(statSync(keyringDir(home)).mode & 0o777, 0o700);
  });

  test('the HD index chooses the address and is kept', () => {
    const { info } = addKey(home, 'a1', { mnemonic: A.mnemonic, index: 1 });
    assert.equal(info.address, Key.fromMnemonic(A.mnemonic, 1).address);
    assert.notEqual(info.address, A.address);
    assert.equal(readJson('a1').hd_index, 1);
    assert.equal(loadKey(home, 'a1').address, info.address);
    for (const index of [-1, 1.5, 2 ** 31, Number.NaN]) refused(() => addKey(home, 'x', { mnemonic: A.mnemonic, index }), /^HD index must be an integer in 0\.\.2147483647/);
  });
});

describe('file backend', () => {
  test('the mnemonic is encrypted; the right password loads the key', () => {
    const { info } = addKey(home, 'b', { mnemonic: B.mnemonic, backend: 'file', password: PASSWORD });
    assert.equal(info.backend, 'file');
    assert.equal(info.address, B.address);
    const text = readFileSync(keyFile('b'), 'utf8');
    assert.ok(!text.includes(B.mnemonic.split(' ').slice(0, 2).join(' ')), 'no plain-text mnemonic');
    const f = readJson('b');
    assert.equal(f.mnemonic, undefined);
    const e = f.encrypted as Record<string, unknown>;
    assert.deepEqual({ kdf: e.kdf, cipher: e.cipher, n: e.n, r: e.r, p: e.p }, { kdf: 'scrypt', cipher: 'aes-256-gcm', n: 32768, r: 8, p: 1 });
    assert.equal(Buffer.from(e.nonce as string, 'base64').length, 12);
    assert.equal(Buffer.from(e.salt as string, 'base64').length, 32);
    assert.equal(loadKey(home, 'b', PASSWORD).address, B.address);
    // metadata needs no password
    assert.deepEqual(showKey(home, 'b'), info);
  });

  test('salt and nonce are fresh for every key', () => {
    addKey(home, 'b1', { mnemonic: B.mnemonic, backend: 'file', password: PASSWORD });
    addKey(home, 'b1', { mnemonic: B.mnemonic, backend: 'file', password: PASSWORD, overwrite: true });
    const e1 = readJson('b1').encrypted as Record<string, string>;
    addKey(home, 'b1', { mnemonic: B.mnemonic, backend: 'file', password: PASSWORD, overwrite: true });
    const e2 = readJson('b1').encrypted as Record<string, string>;
    assert.notEqual(e1.salt, e2.salt);
    assert.notEqual(e1.nonce, e2.nonce);
    assert.notEqual(e1.ciphertext, e2.ciphertext);
  });

  test('a wrong password is "wrong password for key <name>", never garbage', () => {
    addKey(home, 'b', { mnemonic: B.mnemonic, backend: 'file', password: PASSWORD });
    refused(() => loadKey(home, 'b', 'correct horse battery!'), /^wrong password for key b$/, B.mnemonic);
    refused(() => loadKey(home, 'b', 'Correct horse battery'), /^wrong password for key b$/, B.mnemonic);
  });

  test('no password: the key is password-protected, say how to give one', () => {
    addKey(home, 'b', { mnemonic: B.mnemonic, backend: 'file', password: PASSWORD });
    refused(() => loadKey(home, 'b'), /^key b is password-protected: give --password-file or set CLOAK_KEYRING_PASSWORD$/);
    refused(() => loadKey(home, 'b', ''), /^key b is password-protected/);
  });

  test('adding needs a password of at least 8 characters', () => {
    refused(() => addKey(home, 'b', { mnemonic: B.mnemonic, backend: 'file' }), /^key b uses the file backend and needs a password: give --password-file or set CLOAK_KEYRING_PASSWORD$/);
    refused(() => addKey(home, 'b', { mnemonic: B.mnemonic, backend: 'file', password: 'short' }), /^the password for key b is too short: at least 8 characters$/);
    assert.deepEqual(listKeys(home), []);
  });

  test('an altered ciphertext, tag or authenticated field is "altered", not a wrong password', () => {
    addKey(home, 'b', { mnemonic: B.mnemonic, backend: 'file', password: PASSWORD });
    const good = readJson('b');
    const flip = (b64: string) => {
      const b = Buffer.from(b64, 'base64');
      b[0] ^= 1;
      return b.toString('base64');
    };
    const enc = good.encrypted as Record<string, string>;
    const other = Key.fromMnemonic(A.mnemonic);
    const cases: Record<string, unknown>[] = [
      { ...good, encrypted: { ...enc, ciphertext: flip(enc.ciphertext) } },
      { ...good, encrypted: { ...enc, tag: flip(enc.tag) } },
      { ...good, encrypted: { ...enc, nonce: flip(enc.nonce) } },
      { ...good, hd_index: 1 },
      { ...good, address: other.address, pubkey: Buffer.from(other.publicKey).toString('base64') },
    ];
    for (const c of cases) {
      writeJson('b', c);
      refused(() => loadKey(home, 'b', PASSWORD), /^key file .*b\.json has been altered: its encrypted mnemonic fails authentication$/, B.mnemonic);
    }
    // the salt or the check value changed: the password no longer derives the file's key
    writeJson('b', { ...good, encrypted: { ...enc, salt: flip(enc.salt) } });
    refused(() => loadKey(home, 'b', PASSWORD), /^wrong password for key b$/);
    writeJson('b', good);
    assert.equal(loadKey(home, 'b', PASSWORD).address, B.address);
  });

  test('KDF parameters from the file are bounded', () => {
    addKey(home, 'b', { mnemonic: B.mnemonic, backend: 'file', password: PASSWORD });
    const good = readJson('b');
    const enc = good.encrypted as Record<string, unknown>;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ n: 2 ** 24 }, /encrypted\.n must be a power of two up to 2\^20/],
      [{ n: 3000 }, /encrypted\.n must be a power of two/],
      [{ r: 0 }, /encrypted\.r must be an integer in 1\.\.32/],
      [{ p: 1000 }, /encrypted\.p must be an integer in 1\.\.16/],
      [{ n: 2 ** 20, r: 8 }, /needs more than 256 MiB/],
      [{ kdf: 'pbkdf2' }, /encrypted\.kdf must be "scrypt"/],
      [{ cipher: 'aes-128-cbc' }, /encrypted\.cipher must be "aes-256-gcm"/],
      [{ nonce: 'AAAA' }, /encrypted\.nonce must be 12 bytes in base64/],
      [{ salt: 'not base64!' }, /encrypted\.salt must be 16–64 bytes in base64/],
    ];
    for (const [change, pattern] of cases) {
      writeJson('b', { ...good, encrypted: { ...enc, ...change } });
      refused(() => loadKey(home, 'b', PASSWORD), pattern);
      refused(() => showKey(home, 'b'), /^key file .*b\.json is corrupt: /);
    }
  });
});

describe('corrupt files', () => {
  test('each problem names the file and the field, never the mnemonic', () => {
    addKey(home, 'a', { mnemonic: A.mnemonic });
    const good = readJson('a');
    const b = Key.fromMnemonic(B.mnemonic);
    const cases: [unknown, RegExp][] = [
      [[], /expected a JSON object/],
      [{ ...good, version: 2 }, /version must be 1, not 2/],
      [{ ...good, name: 'b' }, /it is named "b", not "a" as its file name says/],
      [{ ...good, type: 'ledger' }, /type must be "local"/],
      [{ ...good, backend: 'os' }, /backend must be "test" or "file"/],
      [{ ...good, address: 'cosmos1xyz' }, /address must be a secret1… address/],
      [{ ...good, pubkey: 'AAAA' }, /pubkey must be 33 bytes in base64/],
      [{ ...good, hd_index: -1 }, /hd_index must be an integer/],
      [{ ...good, mnemonic: undefined }, /a test-backend key needs its mnemonic/],
    ];
    for (const [v, pattern] of cases) {
      writeJson('a', v);
      refused(() => showKey(home, 'a'), new RegExp(`^key file .*a\\.json is corrupt: .*${pattern.source}`), A.mnemonic);
      refused(() => loadKey(home, 'a'), pattern, A.mnemonic);
      refused(() => listKeys(home), pattern, A.mnemonic);
    }
    writeFileSync(keyFile('a'), '{"name": "a", ');
    refused(() => showKey(home, 'a'), /^key file .*a\.json is corrupt: not valid JSON$/);
    // an address that is not the mnemonic's
    writeJson('a', { ...good, address: b.address, pubkey: Buffer.from(b.publicKey).toString('base64') });
    assert.equal(showKey(home, 'a').address, b.address, 'show trusts the metadata');
    refused(() => loadKey(home, 'a'), new RegExp(`^key file .*a\\.json is corrupt: its mnemonic gives ${A.address} .*, the file says ${b.address}`), A.mnemonic);
    // a mnemonic that is not BIP-39: the client's message would quote a word
    writeJson('a', { ...good, mnemonic: A.mnemonic.replace('grant', 'grunt') });
    refused(() => loadKey(home, 'a'), /^key file .*a\.json is corrupt: its mnemonic is not a valid BIP-39 phrase$/, A.mnemonic.replace('grant', 'grunt'));
  });

  test('a huge file is refused before it is read', () => {
    addKey(home, 'a', { mnemonic: A.mnemonic });
    writeFileSync(keyFile('a'), ' '.repeat(100_000));
    refused(() => showKey(home, 'a'), /^cannot read key file .*a\.json: 100000 bytes, more than a key file's 65536/);
  });
});

describe('names, add, list, show, delete', () => {
  test('names are 1–64 characters of [a-zA-Z0-9._-]', () => {
    for (const name of ['', 'a/b', '../x', 'a b', 'ключ', 'x'.repeat(65), 'a\nb', 'a.json/..']) {
      refused(() => addKey(home, name, { mnemonic: A.mnemonic }), /^invalid key name .*: use 1–64 characters of a-z, A-Z, 0-9, "\.", "_" and "-"$/);
      refused(() => showKey(home, name), /^invalid key name /);
      refused(() => loadKey(home, name), /^invalid key name /);
      refused(() => deleteKey(home, name), /^invalid key name /);
    }
    for (const name of ['x'.repeat(64), 'my-key_1.old', '.', '..', 'A']) {
      addKey(home, name, {});
      assert.equal(showKey(home, name).name, name);
    }
    assert.equal(listKeys(home).length, 5);
  });

  test('an existing name is refused unless overwrite; an address already held by another key is refused', () => {
    addKey(home, 'a', { mnemonic: A.mnemonic });
    refused(() => addKey(home, 'a', { mnemonic: B.mnemonic }), /^key a already exists: delete it first or choose another name$/);
    assert.equal(showKey(home, 'a').address, A.address);
    refused(() => addKey(home, 'a2', { mnemonic: A.mnemonic }), new RegExp(`^key a already has address ${A.address}: delete it first to add this mnemonic as a2$`));
    addKey(home, 'a', { mnemonic: B.mnemonic, overwrite: true });
    assert.equal(showKey(home, 'a').address, B.address);
    // overwrite repairs a damaged file
    writeFileSync(keyFile('a'), 'garbage');
    addKey(home, 'a', { mnemonic: A.mnemonic, overwrite: true });
    assert.equal(loadKey(home, 'a').address, A.address);
  });

  test('an invalid mnemonic is refused with the client\'s message', () => {
    refused(() => addKey(home, 'x', { mnemonic: 'grant rice replace' }), /^mnemonic: 3 words, expected 12, 15, 18, 21 or 24$/);
    refused(() => addKey(home, 'x', { mnemonic: A.mnemonic.replace('guitar', 'rice') }), /^mnemonic: bad checksum/);
    assert.deepEqual(listKeys(home), []);
  });

  test('list is sorted by name and empty without a keyring', () => {
    assert.deepEqual(listKeys(home), []);
    assert.deepEqual(listKeys(join(home, 'nowhere')), []);
    for (const a of [...DEV_ACCOUNTS].reverse()) addKey(home, a.name, { mnemonic: a.mnemonic });
    addKey(home, 'B', { backend: 'file', password: PASSWORD });
    assert.deepEqual(listKeys(home).map((k) => k.name), ['B', 'a', 'b', 'c', 'd']);
    assert.deepEqual(listKeys(home).slice(1).map((k) => k.address), DEV_ACCOUNTS.map((a) => a.address));
    // files that are not keys are not listed
    writeFileSync(join(keyringDir(home), 'notes.txt'), 'x');
    writeFileSync(join(keyringDir(home), '.a.json.123.abc.tmp'), 'x');
    assert.equal(listKeys(home).length, 5);
  });

  test('show and delete of an unknown key name the keys there are', () => {
    refused(() => showKey(home, 'zed'), /^key zed not found: the keyring .*keyring is empty$/);
    addKey(home, 'b', { mnemonic: B.mnemonic });
    addKey(home, 'a', { mnemonic: A.mnemonic });
    refused(() => showKey(home, 'zed'), /^key zed not found: the keyring .*keyring has a, b$/);
    refused(() => loadKey(home, 'zed'), /^key zed not found/);
    refused(() => deleteKey(home, 'zed'), /^key zed not found: the keyring .* has a, b$/);
  });

  test('delete removes the key', () => {
    addKey(home, 'a', { mnemonic: A.mnemonic });
    deleteKey(home, 'a');
    assert.deepEqual(listKeys(home), []);
    refused(() => loadKey(home, 'a'), /^key a not found/);
    addKey(home, 'a2', { mnemonic: A.mnemonic });
  });
});

describe('resolvePassword', () => {
  test('the first line of --password-file, before CLOAK_KEYRING_PASSWORD', () => {
    const f = join(home, 'pw');
    writeFileSync(f, 'first line pw\nsecond\n');
    assert.equal(resolvePassword({ passwordFile: f }, { CLOAK_KEYRING_PASSWORD: 'env pw' }), 'first line pw');
    writeFileSync(f, 'crlf pw\r\nx');
    assert.equal(resolvePassword({ passwordFile: f }, {}), 'crlf pw');
    writeFileSync(f, 'no newline');
    assert.equal(resolvePassword({ passwordFile: f }, {}), 'no newline');
    assert.equal(resolvePassword({}, { CLOAK_KEYRING_PASSWORD: 'env pw' }), 'env pw');
    assert.equal(resolvePassword({}, {}), undefined);
    assert.equal(resolvePassword({}, { CLOAK_KEYRING_PASSWORD: '' }), undefined);
  });

  test('a missing, unreadable or empty password file is an error naming it', () => {
    const missing = join(home, 'missing-pw');
    refused(() => resolvePassword({ passwordFile: missing }, { CLOAK_KEYRING_PASSWORD: 'x' }), new RegExp(`^cannot read password file ${missing}: no such file$`));
    refused(() => resolvePassword({ passwordFile: home }, {}), /^cannot read password file .*: is a directory$/);
    const empty = join(home, 'empty-pw');
    writeFileSync(empty, '\nsecond line');
    refused(() => resolvePassword({ passwordFile: empty }, {}), /^password file .*empty-pw is empty: the password is its first line$/);
    const long = join(home, 'long-pw');
    writeFileSync(long, 'x'.repeat(10_000));
    refused(() => resolvePassword({ passwordFile: long }, {}), /the first line is longer than 4096 bytes/);
  });

  test('a password from a file opens a file-backend key', () => {
    const f = join(home, 'pw');
    writeFileSync(f, `${PASSWORD}\n`);
    addKey(home, 'b', { mnemonic: B.mnemonic, backend: 'file', password: resolvePassword({ passwordFile: f }, {}) });
    assert.equal(loadKey(home, 'b', resolvePassword({}, { CLOAK_KEYRING_PASSWORD: PASSWORD })).address, B.address);
  });
});
