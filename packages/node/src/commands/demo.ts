/**
 * `cloak demo`: the tour a contract developer takes first. Against a running node (--node), or a
 * temporary one of its own (--temp: a fresh home in the system's temp directory and a free port,
 * removed afterwards), with the dev accounts a, b, c: uploads our token contract, instantiates it
 * with balances for a and b, makes a few transfers between the dev accounts, queries the balances,
 * and prints each step with the gas it used. Every step is a real signed tx through the HTTP API,
 * as `cloak tx` sends them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Key, MsgExecuteContract, MsgInstantiateContract, MsgStoreCode, fromBech32, type Msg } from '@cloak/client';
import { CliError, GLOBAL_HELP, parse } from '../cli/common.js';
import { Rest } from '../cli/rest.js';
import { DEV_ACCOUNTS } from '../devnet.js';
import type { Io } from '../io.js';
import { sendTx, type TxResponse } from './tx.js';
import { startNode } from './start.js';

export const DEMO_USAGE = `Usage: cloak demo [options]

Uploads the token contract, instantiates it, makes transfers between the dev accounts a, b and c,
and queries their balances, printing each step with its gas. Runs against --node, or with --temp
against a temporary node of its own.

Options:
  --temp                   start a temporary node (fresh home, free port) for the demo
  --engine interpreter|v8  the temporary node's enclave engine (default interpreter)
${GLOBAL_HELP}`;

const TOKEN = new URL('../../../../contracts/build/token-v1.wasm', import.meta.url);
const enc = new TextEncoder();

export async function runDemo(args: string[], io: Io): Promise<number> {
  const p = parse(args, { temp: { type: 'boolean' }, engine: { type: 'string' } }, DEMO_USAGE, 'demo', io, { min: 0, max: 0, names: '' });
  if (p === undefined) return 0;
  let wasm: Uint8Array;
  try {
    wasm = new Uint8Array(readFileSync(TOKEN));
  } catch {
    throw new CliError(`the demo's token contract is not built (${TOKEN.pathname}): run "npm run build"`);
  }
  if (!p.values.temp) return demo(p.global.node, wasm, io, p.global.json);
  // A node of our own, stopped and removed when the demo ends.
  const home = mkdtempSync(join(tmpdir(), 'cloak-demo-'));
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  let ready!: (url: string) => void;
  const readyUrl = new Promise<string>((r) => (ready = r));
  const quiet: Io = {
    out: (t) => {
      const m = /^ready: (\S+)/.exec(t);
      if (m) ready(m[1]);
    },
    err: () => {},
  };
  const engine = p.values.engine === 'v8' ? 'v8' : 'interpreter';
  // Ctrl-C during the demo stops the temporary node and removes its home, like the end of it does.
  const interrupted = new Promise<never>((_, reject) => {
    const on = () => reject(new CliError('interrupted'));
    process.once('SIGINT', on);
    process.once('SIGTERM', on);
  });
  const running = startNode(home, { api: '127.0.0.1:0', block_time_ms: 100, engine }, quiet, false, stopped);
  try {
    // The node's own failure to start (its reason), or ready.
    const url = await Promise.race([readyUrl, running.then(() => { throw new CliError('the temporary node stopped before it was ready'); }), interrupted]);
    if (!p.global.json) io.err(`(a temporary node at ${url}, home ${home})`);
    return await Promise.race([demo(url, wasm, io, p.global.json), interrupted]);
  } finally {
    stop();
    await running.catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
  }
}

async function demo(node: string, wasm: Uint8Array, io: Io, json: boolean): Promise<number> {
  const rest = new Rest(node);
  const [a, b, c] = DEV_ACCOUNTS.slice(0, 3).map((d) => Key.fromMnemonic(d.mnemonic));
  const steps: Record<string, unknown>[] = [];
  const step = (name: string, r: TxResponse | undefined, detail: string, extra: Record<string, unknown> = {}) => {
    steps.push({ step: name, ...(r ? { txhash: r.txhash, height: r.height, gas_used: r.gas_used, gas_wanted: r.gas_wanted } : {}), ...extra });
    if (!json) io.out(`${String(steps.length).padStart(2)}. ${name.padEnd(22)} ${r ? `gas ${r.gas_used.padStart(9)} / ${r.gas_wanted.padEnd(9)} height ${r.height.padEnd(5)}` : ''.padEnd(44)} ${detail}`);
  };
  const tx = async (key: Key, msg: Msg, gas: bigint): Promise<TxResponse> => {
    const r = await sendTx(rest, key, [msg], { gas });
    if (r.code !== 0) throw new CliError(`the demo's tx ${r.txhash} failed (code ${r.code}): ${r.raw_log}`);
    return r;
  };
  /** The first `key` attribute in any event of `type` (compute's own message event carries code_id). */
  const attr = (r: TxResponse, type: string, key: string) => r.events?.filter((e) => e.type === type).flatMap((e) => e.attributes).find((x) => x.key === key)?.value;

  if (!json) io.out(`cloak demo against ${node}: the token contract, dev accounts a, b, c`);
  let r = await tx(a, { typeUrl: MsgStoreCode.typeUrl, value: { sender: a.addressBytes, wasmByteCode: wasm } }, 5_000_000n);
  const codeId = attr(r, 'message', 'code_id') ?? '';
  step('store token-v1.wasm', r, `code_id ${codeId} (${(wasm.length / 1024).toFixed(1)} KiB)`, { code_id: codeId });

  const init = { name: 'Cloak Token', symbol: 'CLK', decimals: 6, initial_balances: [{ address: a.address, amount: '1000000' }, { address: b.address, amount: '500' }] };
  r = await tx(a, { typeUrl: MsgInstantiateContract.typeUrl, value: { sender: a.addressBytes, codeId: BigInt(codeId), label: `demo-token-${Date.now()}`, initMsg: enc.encode(JSON.stringify(init)), initFunds: [] } }, 5_000_000n);
  const token = attr(r, 'instantiate', 'contract_address') ?? '';
  step('instantiate', r, `contract ${token}`, { contract_address: token });

  const transfer = async (from: Key, to: Key, amount: string, name: string) => {
    const t = await tx(from, { typeUrl: MsgExecuteContract.typeUrl, value: { sender: from.addressBytes, contract: fromBech32(token), msg: enc.encode(JSON.stringify({ transfer: { recipient: to.address, amount } })), sentFunds: [] } }, 500_000n);
    step(`transfer ${name}`, t, `${amount} CLK`);
  };
  await transfer(a, b, '2500', 'a → b');
  await transfer(b, c, '1000', 'b → c');
  await transfer(a, c, '42', 'a → c');

  const balances: Record<string, string> = {};
  for (const [name, k] of [['a', a], ['b', b], ['c', c]] as const) {
    const q = Buffer.from(JSON.stringify({ balance: { address: k.address } })).toString('base64');
    const answer = await rest.get<{ data: string }>(`/compute/v1beta1/query/${token}?query=${encodeURIComponent(q)}`);
    const value = (JSON.parse(Buffer.from(answer.data, 'base64').toString('utf8')) as { balance?: string }).balance ?? '?';
    balances[name] = value;
    step(`query balance of ${name}`, undefined, `${value} CLK`, { address: k.address, balance: value });
  }
  const ok = balances.a === '997458' && balances.b === '2000' && balances.c === '1042';
  if (json) io.out(JSON.stringify({ node, code_id: codeId, contract_address: token, steps, balances }, null, 2));
  else io.out(ok ? 'done: the balances are what the transfers say.' : `unexpected balances: ${JSON.stringify(balances)}`);
  if (!ok) throw new CliError(`the demo's balances are not what the transfers make: ${JSON.stringify(balances)}`);
  return 0;
}
