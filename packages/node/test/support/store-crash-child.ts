/**
 * The crash test's child: opens the store in argv[2], commits genesis if it has none, then commits
 * blocks (store-crash-blocks.ts) in a loop forever, printing each height on stdout after commitBlock
 * (or commitGenesis) returned. Stdout is a pipe, which Node writes synchronously on Linux and macOS,
 * so a printed height has left the process before the next commit starts. The parent kills it.
 */
import { Cache, Store } from '../../src/store/index.js';
import { GENESIS_DOC, blockBytes, blockChanges, genesisChanges, txsOf } from './store-crash-blocks.js';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: store-crash-child <dir>');
const store = Store.open(dir);
if (store.height === -1) {
  const c = new Cache(store.state());
  for (const [k, v] of genesisChanges()) c.set(k, v);
  store.commitGenesis(c, GENESIS_DOC);
  process.stdout.write('0\n');
}
for (;;) {
  const h = store.height + 1;
  const c = new Cache(store.state());
  for (const [k, v] of blockChanges(h)) {
    if (v === null) c.delete(k);
    else c.set(k, v);
  }
  store.commitBlock(h, blockBytes(h), txsOf(h), c);
  process.stdout.write(`${h}\n`);
}
