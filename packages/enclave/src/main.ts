/**
 * The enclave process. Started by the host (see launch.ts) as
 *   node --jitless --disallow-code-generation-from-strings --experimental-permission
 *        --allow-fs-read=<its own code> … main.js [--engine interpreter|v8] [--contract-debug]
 *        [--log-level error|warn|info|debug]
 * with fd 3 and fd 4 as its pipes to the host. It answers ecalls one at a time until the host closes
 * fd 3. A frame it cannot decode fails that ecall (enclave_error); only a broken pipe ends it.
 */
import { ProtocolError, Type, decodeHost, type HostMessage } from '@cloak/protocol';
import { Enclave } from './dispatcher.js';
import { PipePort } from './port.js';

const args = process.argv.slice(2);
const engine = args.includes('--engine') ? args[args.indexOf('--engine') + 1] : 'interpreter';
if (engine !== 'interpreter' && engine !== 'v8') {
  process.stderr.write(`enclave: unknown engine ${engine}\n`);
  process.exit(2);
}
const level = args.includes('--log-level') ? args[args.indexOf('--log-level') + 1] : 'info';
if (level !== 'error' && level !== 'warn' && level !== 'info' && level !== 'debug') {
  process.stderr.write(`enclave: unknown log level ${level}\n`);
  process.exit(2);
}
const enclave = new Enclave({ engine, contractDebug: args.includes('--contract-debug'), logLevel: level });
const port = new PipePort(enclave);

for (;;) {
  let body: Uint8Array | undefined;
  try {
    body = port.readFrame();
  } catch (e) {
    // The framing itself is broken: nothing after it can be trusted to line up. Leave; the host restarts us.
    process.stderr.write(`enclave: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(3);
  }
  if (body === undefined) break;
  let m: HostMessage;
  try {
    m = decodeHost(body);
  } catch (e) {
    const id = body.length >= 5 ? new DataView(body.buffer, body.byteOffset).getUint32(1, true) : 0;
    const why = e instanceof ProtocolError ? e.message : String(e);
    port.send({ type: Type.EnclaveError, id, message: `host misbehaved: ${why}` });
    continue;
  }
  try {
    port.send(enclave.dispatch(m, port));
  } catch (e) {
    // An answer that cannot be encoded (outcome() keeps within the limits; this is the last guard).
    port.send({ type: Type.EnclaveError, id: m.id, message: `enclave failure: the answer could not be sent (${e instanceof Error ? e.message.slice(0, 200) : 'unknown'})` });
  }
}
