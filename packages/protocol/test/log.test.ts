// The host's logger for enclave records: level filter, the production setting, one line per record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enclaveLogger } from '@cloak/protocol';

test('levels filter; production drops debug and contract output; messages cannot forge lines', () => {
  const lines: string[] = [];
  const opts = { write: (l: string) => lines.push(l), now: () => 'T' };
  const dev = enclaveLogger({ ...opts, level: 'debug' });
  dev('debug', 'contract_debug', 'balance of alice: 100');
  dev('info', 'ecall_left', 'EcallHandle 4 ok gas 115810');
  dev('error', 'ecall_failed', 'line one\nT enclave error forged "x"');
  assert.deepEqual(lines, [
    'T enclave debug contract_debug "balance of alice: 100"',
    'T enclave info ecall_left "EcallHandle 4 ok gas 115810"',
    'T enclave error ecall_failed "line one\\nT enclave error forged \\"x\\""',
  ]);
  lines.length = 0;
  const prod = enclaveLogger({ ...opts, level: 'debug', production: true });
  prod('debug', 'ecall_entered', 'EcallHandle 5');
  prod('info', 'contract_debug', 'balance of alice: 100');
  prod('warn', 'ocall', 'slow ocall');
  assert.deepEqual(lines, ['T enclave warn ocall "slow ocall"']);
  lines.length = 0;
  const quiet = enclaveLogger({ ...opts, level: 'warn' });
  quiet('info', 'x', 'y');
  quiet('error', 'x', 'y');
  assert.deepEqual(lines, ['T enclave error x "y"']);
});
