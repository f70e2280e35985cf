/**
 * Test support for the node: a chain in a temporary directory with LocalSecret's dev accounts
 * funded, its enclave in JIT/v8 mode (fast), and helpers to sign and broadcast txs and wait for
 * their inclusion.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enclaveCommand } from '@cloak/enclave/launch';
import { Key, buildTx, type Msg } from '@cloak/client';
import { ChainNode, type NodeOptions } from '../../src/chain/node.js';
import { DEV_ACCOUNTS } from '../../src/devnet.js';

export const MNEMONICS = Object.fromEntries(DEV_ACCOUNTS.map((d) => [d.name, d.mnemonic])) as Record<'a' | 'b' | 'c' | 'd', string>;

export const keys = Object.fromEntries(Object.entries(MNEMONICS).map(([k, m]) => [k, Key.fromMnemonic(m)])) as Record<keyof typeof MNEMONICS, Key>;

export function contract(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../../../../contracts/build/${name}.wasm`, import.meta.url)));
}

export interface TestChain {
  node: ChainNode;
  dir: string;
  close(): Promise<void>;
}

export function openChain(over: Partial<NodeOptions> = {}, dir = mkdtempSync(join(tmpdir(), 'cloak-node-'))): TestChain {
  const node = ChainNode.open({
    dataDir: join(dir, 'data'),
    genesis: {
      chain_id: 'secretdev-1',
      genesis_time: '2026-01-01T00:00:00Z',
      accounts: Object.values(keys).map((k) => ({ address: k.address, coins: [{ denom: 'uscrt', amount: '1000000000000000000' }] })),
    },
    enclave: { ...enclaveCommand({ jit: true }), timeoutMs: 60_000 },
    queryEnclaves: 1,
    blockTimeMs: 60_000,
    heartbeatMs: 3_600_000,
    ...over,
  });
  return {
    node,
    dir,
    async close() {
      await node.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signs `msgs` with `key` at the account's current number and sequence (or the given ones). */
export function sign(node: ChainNode, key: Key, msgs: Msg[], o: { gas?: bigint; fee?: bigint; sequence?: bigint; chainId?: string; memo?: string; timeoutHeight?: bigint; granter?: string } = {}): Uint8Array {
  const account = node.account(key.addressBytes);
  const gas = o.gas ?? 5_000_000n;
  return buildTx({
    msgs,
    memo: o.memo ?? '',
    fee: { amount: [{ denom: 'uscrt', amount: String(o.fee ?? (gas + 9n) / 10n) }], gasLimit: gas, ...(o.granter ? { granter: o.granter } : {}) },
    ...(o.timeoutHeight !== undefined ? { timeoutHeight: o.timeoutHeight } : {}),
    key,
    sequence: o.sequence ?? account?.sequence ?? 0n,
    accountNumber: account?.number ?? 0n,
    chainId: o.chainId ?? 'secretdev-1',
  });
}
