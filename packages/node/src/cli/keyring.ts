/**
 * The CLI's keyring, `<home>/keyring/`, like the Cosmos SDK's (what `secretcli keys` uses): one JSON
 * file per key, `<name>.json` (mode 0600, written to a temporary file and renamed into place, in a
 * directory of mode 0700), holding the key's name, address, public key, HD index, backend and its
 * mnemonic. Two backends: `test` keeps the mnemonic in plain text (development, the default, as
 * LocalSecret's keys are); `file` keeps it encrypted with a password: scrypt (parameters and a random
 * salt stored in the file) derives an AES-256-GCM key, the nonce is random and the address, public
 * key and index are authenticated with the mnemonic. A wrong password is refused by the GCM tag and
 * named as such (a check value derived with the key tells it from a file that was altered); no error
 * ever shows a mnemonic or a word of one. Loading a key derives it again and checks that it still
 * has the address the file names.
 */
import {
  closeSync, fchmodSync, fstatSync, fsyncSync, linkSync, mkdirSync, chmodSync, openSync, readdirSync, readSync, renameSync, statSync, unlinkSync, writeSync,
} from 'node:fs';
import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { scrypt } from '@noble/hashes/scrypt.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { Key, MnemonicError, generateMnemonic, hdPath, isAddress } from '@cloak/client';
import { paths } from '../home.js';

export type Backend = 'test' | 'file';

export interface KeyInfo {
  name: string;
  address: string;
  /** The 33-byte compressed secp256k1 public key, base64. */
  pubkey: string;
  backend: Backend;
  type: 'local';
}

/** A key that is missing, misnamed, unreadable, altered, or a wrong or missing password. */
export class KeyringError extends Error {
  override readonly name = 'KeyringError';
}

/** The file format's version; a file with another one is refused, not guessed at. */
const VERSION = 1;
const NAME = /^[a-zA-Z0-9._-]{1,64}$/;
const BACKENDS: readonly Backend[] = ['test', 'file'];
/** scrypt for new files: 32 MiB and ~0.15 s here. */
const SCRYPT = { n: 2 ** 15, r: 8, p: 1 };
/** What a file may ask of scrypt (a hostile file must not make `keys show` allocate gigabytes). */
const SCRYPT_MAX_LOG_N = 20;
const SCRYPT_MAX_MEM = 256 * 1024 * 1024;
const MIN_PASSWORD = 8;
/** Larger key files are refused before they are read. */
const MAX_FILE = 64 * 1024;
const MAX_PASSWORD_LINE = 4096;
const PASSWORD_ENV = 'CLOAK_KEYRING_PASSWORD';

interface Encrypted {
  kdf: 'scrypt';
  n: number;
  r: number;
  p: number;
  salt: string;
  cipher: 'aes-256-gcm';
  nonce: string;
  ciphertext: string;
  tag: string;
  /** SHA-256 of the second half of scrypt's output: tells a wrong password from an altered file. */
  check: string;
}

interface KeyFile {
  version: number;
  name: string;
  type: 'local';
  backend: Backend;
  address: string;
  pubkey: string;
  hd_index: number;
  mnemonic?: string;
  encrypted?: Encrypted;
}

export function keyringDir(home: string): string {
  return paths(home).keyring;
}

/** Every key, sorted by name. A file that is not a valid key file is an error naming it. */
export function listKeys(home: string): KeyInfo[] {
  return names(keyringDir(home)).map((n) => info(readKeyFile(home, n)));
}

export function showKey(home: string, name: string): KeyInfo {
  return info(readKeyFile(home, checkName(name)));
}

/**
 * Adds key `name` from `o.mnemonic`, or from a new 24-word mnemonic when none is given, and returns
 * it with the mnemonic (normalised: single spaces). Refuses a name that exists unless `overwrite`,
 * and an address that another key already has.
 */
export function addKey(
  home: string,
  name: string,
  o: { mnemonic?: string; backend?: Backend; password?: string; index?: number; overwrite?: boolean },
): { info: KeyInfo; mnemonic: string } {
  checkName(name);
  const backend = o.backend ?? 'test';
  if (!BACKENDS.includes(backend)) throw new KeyringError(`keyring backend must be test or file, not ${JSON.stringify(backend)}`);
  const index = o.index ?? 0;
  try {
    hdPath(index);
  } catch {
    throw new KeyringError(`HD index must be an integer in 0..${2 ** 31 - 1}, not ${index}`);
  }
  if (backend === 'file') {
    if (o.password === undefined || o.password === '') throw new KeyringError(`key ${name} uses the file backend and needs a password: give --password-file or set ${PASSWORD_ENV}`);
    if ([...o.password].length < MIN_PASSWORD) throw new KeyringError(`the password for key ${name} is too short: at least ${MIN_PASSWORD} characters`);
  }
  const mnemonic = o.mnemonic === undefined ? generateMnemonic() : o.mnemonic.trim().split(/\s+/).join(' ');
  let key: Key;
  try {
    key = Key.fromMnemonic(mnemonic, index);
  } catch (e) {
    // Without the words: an error message may end up in a terminal's scrollback or a CI log.
    if (e instanceof MnemonicError) throw new KeyringError(e.message.replace(/ \("[^"]*"\)/g, ''));
    throw e;
  }
  const dir = keyringDir(home);
  const existing = names(dir);
  if (existing.includes(name) && o.overwrite !== true) throw new KeyringError(`key ${name} already exists: delete it first or choose another name`);
  for (const other of existing) {
    if (other === name) continue;
    let address: string;
    try {
      address = readKeyFile(home, other).address;
    } catch {
      continue; // a damaged file of another key must not stop this one
    }
    if (address === key.address) throw new KeyringError(`key ${other} already has address ${key.address}: delete it first to add this mnemonic as ${name}`);
  }
  const file: KeyFile = {
    version: VERSION,
    name,
    type: 'local',
    backend,
    address: key.address,
    pubkey: Buffer.from(key.publicKey).toString('base64'),
    hd_index: index,
  };
  if (backend === 'test') file.mnemonic = mnemonic;
  else file.encrypted = encrypt(mnemonic, o.password as string, file);
  writeAtomically(dir, name, `${JSON.stringify(file, null, 2)}\n`, o.overwrite === true);
  return { info: info(file), mnemonic };
}

export function deleteKey(home: string, name: string): void {
  checkName(name);
  try {
    unlinkSync(keyFilePath(home, name));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(home, name);
    throw new KeyringError(`cannot delete key ${name}: ${(e as Error).message}`);
  }
}

/** The signer of key `name`; a `file` key needs its password. */
export function loadKey(home: string, name: string, password?: string): Key {
  const f = readKeyFile(home, checkName(name));
  let mnemonic: string;
  if (f.backend === 'test') {
    mnemonic = f.mnemonic as string;
  } else {
    if (password === undefined || password === '') throw new KeyringError(`key ${name} is password-protected: give --password-file or set ${PASSWORD_ENV}`);
    mnemonic = decrypt(f, password, keyFilePath(home, name));
  }
  let key: Key;
  try {
    key = Key.fromMnemonic(mnemonic, f.hd_index);
  } catch {
    // The client's message would quote a word of the mnemonic.
    throw new KeyringError(`key file ${keyFilePath(home, name)} is corrupt: its mnemonic is not a valid BIP-39 phrase`);
  }
  const pubkey = Buffer.from(key.publicKey).toString('base64');
  if (key.address !== f.address || pubkey !== f.pubkey) {
    throw new KeyringError(`key file ${keyFilePath(home, name)} is corrupt: its mnemonic gives ${key.address} (public key ${pubkey}), the file says ${f.address} (public key ${f.pubkey})`);
  }
  return key;
}

/** The keyring password from `--password-file` (its first line) or else CLOAK_KEYRING_PASSWORD. */
export function resolvePassword(o: { passwordFile?: string }, env: NodeJS.ProcessEnv): string | undefined {
  if (o.passwordFile !== undefined) {
    const line = readFirstLine(o.passwordFile);
    if (line === '') throw new KeyringError(`password file ${o.passwordFile} is empty: the password is its first line`);
    return line;
  }
  const v = env[PASSWORD_ENV];
  return v === undefined || v === '' ? undefined : v;
}

function info(f: KeyFile): KeyInfo {
  return { name: f.name, address: f.address, pubkey: f.pubkey, backend: f.backend, type: 'local' };
}

function checkName(name: string): string {
  if (typeof name !== 'string' || !NAME.test(name)) throw new KeyringError(`invalid key name ${typeof name === 'string' ? shown(name) : typeof name}: use 1–64 characters of a-z, A-Z, 0-9, ".", "_" and "-"`);
  return name;
}

/** A value from a file or the command line for an error message: JSON, at most 80 characters. */
function shown(v: unknown): string {
  const s = v === undefined ? 'undefined' : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}

function keyFilePath(home: string, name: string): string {
  return join(keyringDir(home), `${name}.json`);
}

/** The names of the key files in `dir`, sorted; none when the directory does not exist. */
function names(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new KeyringError(`cannot read the keyring ${dir}: ${(e as Error).message}`);
  }
  return entries
    .filter((f) => f.endsWith('.json') && NAME.test(f.slice(0, -5)))
    .map((f) => f.slice(0, -5))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function notFound(home: string, name: string): KeyringError {
  const dir = keyringDir(home);
  const known = names(dir);
  const list = known.length === 0 ? `the keyring ${dir} is empty` : `the keyring ${dir} has ${known.slice(0, 20).join(', ')}${known.length > 20 ? `, … (${known.length} keys)` : ''}`;
  return new KeyringError(`key ${name} not found: ${list}`);
}

/** Reads and checks `<name>.json`; every problem names the file and the field. */
function readKeyFile(home: string, name: string): KeyFile {
  const file = keyFilePath(home, name);
  let text: string;
  try {
    text = readLimited(file, MAX_FILE);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(home, name);
    throw new KeyringError(`cannot read key file ${file}: ${(e as Error).message}`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new KeyringError(`key file ${file} is corrupt: not valid JSON`);
  }
  const o = v as Record<string, unknown>;
  const bad = (what: string): never => {
    throw new KeyringError(`key file ${file} is corrupt: ${what}`);
  };
  if (o === null || typeof o !== 'object' || Array.isArray(o)) bad('expected a JSON object');
  if (o.version !== VERSION) bad(`version must be ${VERSION}, not ${shown(o.version)}`);
  if (o.name !== name) bad(`it is named ${shown(o.name)}, not ${JSON.stringify(name)} as its file name says`);
  if (o.type !== 'local') bad(`type must be "local", not ${shown(o.type)}`);
  if (!BACKENDS.includes(o.backend as Backend)) bad(`backend must be "test" or "file", not ${shown(o.backend)}`);
  if (typeof o.address !== 'string' || !o.address.startsWith('secret1') || !isAddress(o.address)) bad(`address must be a secret1… address, not ${shown(o.address)}`);
  if (base64Bytes(o.pubkey)?.length !== 33) bad('pubkey must be 33 bytes in base64');
  if (typeof o.hd_index !== 'number' || !Number.isInteger(o.hd_index) || o.hd_index < 0 || o.hd_index >= 2 ** 31) bad(`hd_index must be an integer in 0..${2 ** 31 - 1}`);
  if (o.backend === 'test') {
    if (typeof o.mnemonic !== 'string' || o.mnemonic === '') bad('a test-backend key needs its mnemonic');
    if (o.encrypted !== undefined) bad('a test-backend key has no encrypted mnemonic');
  } else {
    if (o.mnemonic !== undefined) bad('a file-backend key must not hold a plain-text mnemonic');
    checkEncrypted(o.encrypted, bad);
  }
  return o as unknown as KeyFile;
}

function checkEncrypted(v: unknown, bad: (what: string) => never): void {
  const e = v as Record<string, unknown>;
  if (e === null || typeof e !== 'object' || Array.isArray(e)) bad('a file-backend key needs "encrypted": {kdf, n, r, p, salt, cipher, nonce, ciphertext, tag, check}');
  if (e.kdf !== 'scrypt') bad(`encrypted.kdf must be "scrypt", not ${shown(e.kdf)}`);
  if (e.cipher !== 'aes-256-gcm') bad(`encrypted.cipher must be "aes-256-gcm", not ${shown(e.cipher)}`);
  const n = e.n as number;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 2 || n > 2 ** SCRYPT_MAX_LOG_N || (n & (n - 1)) !== 0) bad(`encrypted.n must be a power of two up to 2^${SCRYPT_MAX_LOG_N}`);
  if (typeof e.r !== 'number' || !Number.isInteger(e.r) || e.r < 1 || e.r > 32) bad('encrypted.r must be an integer in 1..32');
  if (typeof e.p !== 'number' || !Number.isInteger(e.p) || e.p < 1 || e.p > 16) bad('encrypted.p must be an integer in 1..16');
  if (128 * n * (e.r as number) > SCRYPT_MAX_MEM) bad(`encrypted: scrypt with n=${n}, r=${e.r} needs more than ${SCRYPT_MAX_MEM / 2 ** 20} MiB`);
  const len = (field: string, min: number, max: number) => {
    const b = base64Bytes(e[field]);
    if (b === undefined || b.length < min || b.length > max) bad(`encrypted.${field} must be ${min === max ? `${min}` : `${min}–${max}`} bytes in base64`);
  };
  len('salt', 16, 64);
  len('nonce', 12, 12);
  len('ciphertext', 1, 4096);
  len('tag', 16, 16);
  len('check', 32, 32);
}

/** Strict base64 (Buffer.from would skip anything it does not like). */
function base64Bytes(v: unknown): Buffer | undefined {
  if (typeof v !== 'string' || v.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) return undefined;
  return Buffer.from(v, 'base64');
}

/** What the cipher authenticates besides the mnemonic: the fields a signer relies on. */
function associatedData(f: KeyFile): Buffer {
  return Buffer.from(`cloak-keyring-v${VERSION}\0${f.address}\0${f.pubkey}\0${f.hd_index}`, 'utf8');
}

function deriveKeys(password: string, salt: Uint8Array, n: number, r: number, p: number): { key: Uint8Array; check: Uint8Array } {
  const dk = scrypt(Buffer.from(password.normalize('NFKD'), 'utf8'), salt, { N: n, r, p, dkLen: 64, maxmem: SCRYPT_MAX_MEM + 1024 * 1024 });
  const key = dk.slice(0, 32);
  const check = sha256(dk.subarray(32));
  dk.fill(0);
  return { key, check };
}

function encrypt(mnemonic: string, password: string, f: KeyFile): Encrypted {
  const salt = randomBytes(32);
  const nonce = randomBytes(12);
  const { key, check } = deriveKeys(password, salt, SCRYPT.n, SCRYPT.r, SCRYPT.p);
  try {
    const c = createCipheriv('aes-256-gcm', key, nonce);
    c.setAAD(associatedData(f));
    const ciphertext = Buffer.concat([c.update(mnemonic, 'utf8'), c.final()]);
    return {
      kdf: 'scrypt', n: SCRYPT.n, r: SCRYPT.r, p: SCRYPT.p, salt: salt.toString('base64'),
      cipher: 'aes-256-gcm', nonce: nonce.toString('base64'), ciphertext: ciphertext.toString('base64'), tag: c.getAuthTag().toString('base64'),
      check: Buffer.from(check).toString('base64'),
    };
  } finally {
    key.fill(0);
  }
}

function decrypt(f: KeyFile, password: string, file: string): string {
  const e = f.encrypted as Encrypted;
  const { key, check } = deriveKeys(password, Buffer.from(e.salt, 'base64'), e.n, e.r, e.p);
  try {
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(e.nonce, 'base64'));
    d.setAAD(associatedData(f));
    d.setAuthTag(Buffer.from(e.tag, 'base64'));
    const plain = d.update(Buffer.from(e.ciphertext, 'base64'));
    try {
      d.final();
    } catch {
      plain.fill(0); // unauthenticated bytes are never used
      // The tag refused: the password is wrong, unless its check value matches (then the file was altered).
      if (timingSafeEqual(check, Buffer.from(e.check, 'base64'))) throw new KeyringError(`key file ${file} has been altered: its encrypted mnemonic fails authentication`);
      throw new KeyringError(`wrong password for key ${f.name}`);
    }
    return plain.toString('utf8');
  } finally {
    key.fill(0);
  }
}

/** Writes `<name>.json` with mode 0600 through a temporary file; without `overwrite`, never replaces one. */
function writeAtomically(dir: string, name: string, text: string, overwrite: boolean): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
  } catch (e) {
    throw new KeyringError(`cannot create the keyring ${dir}: ${(e as Error).message}`);
  }
  const target = join(dir, `${name}.json`);
  const tmp = join(dir, `.${name}.json.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      fchmodSync(fd, 0o600);
      const bytes = Buffer.from(text, 'utf8');
      let done = 0;
      while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (overwrite) {
      renameSync(tmp, target);
    } else {
      linkSync(tmp, target); // fails if the name was taken meanwhile, where rename would replace it
      unlinkSync(tmp);
    }
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    if ((e as NodeJS.ErrnoException).code === 'EEXIST' && !overwrite) throw new KeyringError(`key ${name} already exists: delete it first or choose another name`);
    throw new KeyringError(`cannot write key file ${target}: ${(e as Error).message}`);
  }
  syncDir(dir);
}

/** Makes the rename durable where the platform allows syncing a directory. */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // not supported here (Windows); the rename itself is still atomic
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Reads a whole file of at most `max` bytes. */
function readLimited(file: string, max: number): string {
  const fd = openSync(file, 'r');
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error('not a regular file');
    if (st.size > max) throw new Error(`${st.size} bytes, more than a key file's ${max}`);
    const buf = Buffer.alloc(max + 1);
    let got = 0;
    for (;;) {
      const n = readSync(fd, buf, got, buf.length - got, null);
      if (n === 0) break;
      got += n;
      if (got > max) throw new Error(`more than a key file's ${max} bytes`);
    }
    return buf.subarray(0, got).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * The first line of a password file, without its line ending. Reads only up to the first newline,
 * so a pipe (`--password-file <(pass show cloak)`) works and /dev/zero does not read forever.
 */
function readFirstLine(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new KeyringError(`cannot read password file ${file}: ${why}`);
  }
  try {
    const buf = Buffer.alloc(MAX_PASSWORD_LINE + 1);
    let got = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, got, buf.length - got, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new KeyringError(`cannot read password file ${file}: ${code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
      }
      if (n === 0) break;
      const nl = buf.subarray(got, got + n).indexOf(0x0a);
      got += n;
      if (nl >= 0) {
        got = got - n + nl;
        break;
      }
      if (got > MAX_PASSWORD_LINE) throw new KeyringError(`password file ${file}: the first line is longer than ${MAX_PASSWORD_LINE} bytes`);
    }
    return buf.subarray(0, got).toString('utf8').replace(/\r$/, '');
  } finally {
    closeSync(fd);
  }
}
