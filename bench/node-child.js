// The node under load for bench/node.js: a ChainNode with its HTTP API in this process, started
// with `--engine v8|interpreter --dir D --block-ms N`. Prints `ready <url>` once the API listens,
// then `block <height> <unix ms with fraction>` after each committed block; exits on SIGTERM.
import { parseArgs } from 'node:util';
import { enclaveCommand } from '@cloak/enclave/launch';
import { ChainNode } from '../packages/node/dist/src/chain/node.js';
import { startApi } from '../packages/node/dist/src/api/server.js';
import { DEV_ACCOUNTS, DEV_COINS } from '../packages/node/dist/src/devnet.js';

const { values } = parseArgs({ options: { engine: { type: 'string' }, dir: { type: 'string' }, 'block-ms': { type: 'string', default: '500' } } });
const node = ChainNode.open({
  dataDir: values.dir,
  genesis: {
    chain_id: 'secretdev-1',
    genesis_time: '2026-01-01T00:00:00Z',
    accounts: DEV_ACCOUNTS.map((a) => ({ address: a.address, coins: DEV_COINS })),
  },
  enclave: { ...enclaveCommand({ jit: values.engine === 'v8' }), timeoutMs: 120_000 },
  blockTimeMs: Number(values['block-ms']),
  ...(process.env.CLOAK_BENCH_VERBOSE ? { log: (level, event, message) => process.stderr.write(`${level} ${event} ${message}\n`) } : {}),
});
const now = () => performance.timeOrigin + performance.now();
node.onBlock = (h) => process.stdout.write(`block ${h} ${now()}\n`);
const api = await startApi(node, { port: 0 });
process.stdout.write(`ready ${api.url}\n`);
process.on('SIGTERM', async () => {
  await api.close();
  await node.close();
  process.exit(0);
});
