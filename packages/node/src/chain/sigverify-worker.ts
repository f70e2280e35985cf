/**
 * The signature-check worker (a worker_threads thread of the node): it answers batches of
 * secp256k1 checks so that CheckTx's most expensive step runs beside the main thread, which keeps
 * serving HTTP and executing blocks. Messages: `{ id, items: [pub, bytes, sig][] }` in,
 * `{ id, ok: boolean[] }` out. The check itself is sigverify.ts's.
 */
import { parentPort } from 'node:worker_threads';
import { verifySecp256k1 } from './sigverify.js';

parentPort?.on('message', (m: { id: number; items: [Uint8Array, Uint8Array, Uint8Array][] }) => {
  parentPort!.postMessage({ id: m.id, ok: m.items.map(([pub, bytes, sig]) => verifySecp256k1(pub, bytes, sig)) });
});
