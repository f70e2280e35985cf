// Cross-check against secretjs itself (a devDependency of the repository): secretjs's Wallet must
// derive the same addresses and public keys as Key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Key } from '@cloak/client';

// A variable specifier: secretjs ships TypeScript sources that do not compile under this repo's settings.
const SPECIFIER = 'secretjs';
const secretjs = (await import(SPECIFIER)) as { Wallet: new (mnemonic: string) => { address: string; publicKey: Uint8Array } };

test('secretjs Wallet and Key agree on address and public key', () => {
  const mnemonic = 'grant rice replace explain federal release fix clever romance raise often wild taxi quarter soccer fiber love must tape steak together observe swap guitar';
  const wallet = new secretjs.Wallet(mnemonic);
  const key = Key.fromMnemonic(mnemonic);
  assert.equal(wallet.address, key.address);
  assert.deepEqual(new Uint8Array(wallet.publicKey), key.publicKey);
});
