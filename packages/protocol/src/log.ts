/**
 * The host's side of the enclave's logging: the enclave sends structured records (level, event,
 * message); the host writes them with a level filter. In production, contract `debug` output
 * (`contract_debug`, which may hold plaintext) and every debug-level record are dropped whatever the
 * level, so plaintext a contract prints never reaches an operator's log. The node writes its own
 * records (source "node", "api") with the same format.
 */
import { LOG_LEVELS, type LogLevel } from './messages.js';
import type { Logger } from './host.js';

export interface LoggerOptions {
  /** The most verbose level written (default 'info'). */
  level?: LogLevel;
  /** Drop contract debug output and debug-level records regardless of `level`. */
  production?: boolean;
  /** Where a formatted line goes (default: stderr). */
  write?: (line: string) => void;
  /** Timestamps (default: now, ISO). */
  now?: () => string;
  /** Who the records are from, the second word of each line (default "enclave"). */
  source?: string;
}

export function enclaveLogger(options: LoggerOptions = {}): Logger {
  const max = LOG_LEVELS.indexOf(options.level ?? 'info');
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = options.now ?? (() => new Date().toISOString());
  const source = options.source ?? 'enclave';
  return (level, event, message) => {
    if (options.production && (level === 'debug' || event === 'contract_debug')) return;
    if (LOG_LEVELS.indexOf(level) > max) return;
    // One line per record; the message is quoted so that nothing it holds can forge another line.
    write(`${now()} ${source} ${level} ${event} ${JSON.stringify(message)}`);
  };
}
