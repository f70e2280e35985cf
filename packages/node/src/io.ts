/**
 * What a CLI command needs from the process: two output streams. Commands return an exit status and
 * throw `UsageError` for bad arguments; only cli.ts touches `process`.
 */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** Bad command-line arguments or an unreadable input file: exit status 2, message without a stack. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** @param helpFor the command whose `--help` to point at ('' for the top level), if any */
  constructor(message: string, readonly helpFor?: string) {
    super(message);
  }
}
