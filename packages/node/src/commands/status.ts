/**
 * `cloak status`: the running node's chain id, latest height and time, and which enclave mode it
 * runs (interpreter under --jitless, or v8 with JIT), from GET /cloak/v1/status. JSON output keeps
 * the API's field names (`chain_id`, `latest_block_height`, …).
 */
import { GLOBAL_HELP, parse, print } from '../cli/common.js';
import { Rest } from '../cli/rest.js';
import type { Io } from '../io.js';

export const STATUS_USAGE = `Usage: cloak status [options]

Prints the node's chain id, latest block height and time, and the enclave's mode.

${GLOBAL_HELP}`;

interface Status {
  chain_id: string;
  latest_block_height: string;
  latest_block_time: string | null;
  enclave_mode: string;
  catching_up: boolean;
}

export async function runStatus(args: string[], io: Io): Promise<number> {
  const p = parse(args, {}, STATUS_USAGE, 'status', io, { min: 0, max: 0, names: '' });
  if (p === undefined) return 0;
  const s = await new Rest(p.global.node).get<Status>('/cloak/v1/status');
  print(io, p.global, { ...s, node: p.global.node }, () => [
    `node:     ${p.global.node}`,
    `chain_id: ${s.chain_id}`,
    `height:   ${s.latest_block_height}${s.latest_block_time ? ` (${s.latest_block_time})` : ''}`,
    `enclave:  ${s.enclave_mode}`,
  ].join('\n'));
  return 0;
}
