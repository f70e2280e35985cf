// Cross-check against secretjs itself when it is installed (it is not a dependency: the suite is
// skipped otherwise). secretjs's Wallet must derive the same addresses and public keys as Key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Key } from '@cloak/client';

const SPECIFIER = 'secretjs'; // a variable, so TypeScript does not need the package to compile
let secretjs: { Wallet: new (mnemonic: string) => { address: string; publicKey: Uint8Array } } | undefined;
try {
  secretjs = await import(SPECIFIER);
} catch {
  secretjs = undefined;
}

test('secretjs Wallet and Key agree on address and public key', { skip: secretjs === undefined && 'secretjs is not installed' }, () => {
  const mnemonic = 'grant rice replace explain federal release fix clever romance raise often wild taxi quarter soccer fiber love must tape steak together observe swap guitar';
  const wallet = new secretjs!.Wallet(mnemonic);
  const key = Key.fromMnemonic(mnemonic);
  assert.equal(wallet.address, key.address);
  assert.deepEqual(new Uint8Array(wallet.publicKey), key.publicKey);
});
