/**
 * The child of node-crash.test.ts: a real node (store, mempool, block producer every 15 ms) on the
 * directory given, with txs streaming in: bank sends from dev account a to b, c and d, as fast as
 * CheckTx takes them. After each committed block it prints one line, `<height> <txhash>…`, so the
 * parent knows what the node reported as committed. It runs until it is killed.
 */
import { MsgSend, txHash } from '@cloak/client';
import { keys, openChain, sign } from './chain.js';

const { node } = openChain({ blockTimeMs: 15, heartbeatMs: 15 }, process.argv[2]);
const recipients = [keys.b.address, keys.c.address, keys.d.address];
let seq = node.account(keys.a.addressBytes)!.sequence;
node.onBlock = (height) => {
  const txs = node.block(height)!.block.data.txs.map((t) => txHash(Buffer.from(t, 'base64')));
  process.stdout.write(`${[height, ...txs].join(' ')}\n`);
};
let n = 0;
// Five at a time, each awaited in turn (a sender's txs must arrive in sequence order).
setInterval(async () => {
  for (let i = 0; i < 5; i++) {
    const to = recipients[n++ % recipients.length];
    const tx = sign(node, keys.a, [{ typeUrl: MsgSend.typeUrl, value: { fromAddress: keys.a.address, toAddress: to, amount: [{ denom: 'uscrt', amount: String(1 + (n % 7)) }] } }], { gas: 100_000n, sequence: seq++ });
    const r = await node.broadcast(tx);
    if (r.code === 32) seq = node.account(keys.a.addressBytes)!.sequence;
  }
}, 5);
