/**
 * The host's end of the process transport: starts the enclave (a command computed by
 * @cloak/enclave/launch), sends ecalls as frames on the child's fd 3, reads frames from its fd 4 and
 * serves the enclave's ocalls with the handlers the caller gives for each ecall.
 *
 *   - One top-level ecall at a time per process (they queue); nested ecalls, issued by a
 *     `queryChain` handler while the enclave waits for that answer, go straight through.
 *   - Every frame from the enclave is decoded with its limits; a frame that does not decode, or an
 *     answer to an ecall nobody waits for, kills the process (it can no longer be trusted to line up)
 *     and fails what was pending.
 *   - A per-ecall timeout, and the process dying, fail the pending ecalls with EnclaveUnavailable; the
 *     next ecall starts a new process. Its code cache is empty, and callers need not do anything about
 *     it: the enclave reloads each code it lacks through ocall_load_code (the `loadCode` handler), and
 *     checks its hash.
 *   - Log records go to the caller's logger.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { ProtocolError } from './codec.js';
import {
  LIMITS, Type, decodeEnclave, encodeHost, frame, type EnclaveMessage, type HostMessage, type LogLevel, type QueryAnswer,
} from './messages.js';

/** The enclave process is gone or did not answer in time: the ecall failed and applied nothing. */
export class EnclaveUnavailable extends Error {
  override readonly name = 'EnclaveUnavailable';
}

/** The enclave refused an ecall (enclave_error), e.g. because the host sent something wrong. */
export class EnclaveError extends Error {
  override readonly name = 'EnclaveError';
}

type Ecall = Exclude<HostMessage, { type: Type.ReadDbResult | Type.RangeResult | Type.QueryChainResult | Type.LoadCodeResult | Type.OcallFailed }>;
/** An ecall without its id (the transport assigns ids). */
export type EcallRequest = Ecall extends infer E ? (E extends { id: number } ? Omit<E, 'id'> : never) : never;

export interface QueryChainAnswer {
  result: QueryAnswer;
  gasUsed: bigint;
}

/** How the host answers the ocalls of one ecall. */
export interface OcallHandlers {
  readDb(key: Uint8Array): Uint8Array | undefined;
  range(start: Uint8Array | undefined, end: Uint8Array | undefined, descending: boolean, limit: number): [Uint8Array, Uint8Array][];
  /**
   * Routes a contract's query; may call `nested` to query a contract in this same enclave. It may
   * answer at once or with a promise (an in-process transport accepts only an answer at once).
   */
  queryChain(request: Uint8Array, depth: number, gasLimit: bigint, nested: (e: EcallRequest, h: OcallHandlers) => Promise<EnclaveMessage>): QueryChainAnswer | Promise<QueryChainAnswer>;
  /**
   * The code (as uploaded: wasm or gzip) whose hash is `codeHash` (SHA-256 of the uncompressed wasm,
   * what ecall_allocate answered), or undefined when the host has none. Asked when an ecall names code
   * the enclave does not hold: after a restart, or once it was evicted from the enclave's bounded cache.
   */
  loadCode(codeHash: Uint8Array): Uint8Array | undefined;
}

export type Logger = (level: LogLevel, event: string, message: string) => void;

export interface EnclaveProcessOptions {
  command: string;
  args: string[];
  /** How the enclave runs, for status displays (e.g. "interpreter, --jitless"). */
  mode?: string;
  /** Milliseconds an ecall may take, nested calls included (default 30 s). */
  timeoutMs?: number;
  log?: Logger;
}

interface Pending {
  handlers: OcallHandlers;
  resolve: (m: EnclaveMessage) => void;
  reject: (e: Error) => void;
}

export class EnclaveProcess {
  private child: ChildProcess | null = null;
  private toEnclave: Writable | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  /** Bytes received and not yet framed, as the chunks they came in (each byte is copied once). */
  private chunks: Buffer[] = [];
  private have = 0;
  /**
   * Incremented per process started (for status displays and tests). Callers need not track it: a
   * new process loads the code an ecall names through ocall_load_code.
   */
  incarnation = 0;
  /** Why the last process ended, for the error of whatever comes next. */
  private lastExit = '';
  private closed = false;

  constructor(private readonly options: EnclaveProcessOptions) {}

  get running(): boolean {
    return this.child !== null;
  }

  /** How the enclave runs ("interpreter, --jitless" / "v8 engine, JIT"), as its launcher said. */
  get mode(): string {
    return this.options.mode ?? 'unknown';
  }

  private start(): void {
    // A minimal environment: nothing of the host's (NODE_OPTIONS could widen the permissions, and
    // variables may hold secrets).
    // Its own process group: a Ctrl-C in the node's terminal reaches the node, which finishes the
    // block in progress before it stops the enclave; the enclave itself must not die first. It
    // still ends with the node: its pipes close and it exits.
    const child = spawn(this.options.command, this.options.args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], env: {}, detached: true });
    this.child = child;
    this.incarnation++;
    this.toEnclave = child.stdio[3] as Writable;
    const from = child.stdio[4] as Readable;
    this.chunks = [];
    this.have = 0;
    let stderr = '';
    (child.stdio[2] as Readable).on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-4096);
    });
    // Bytes of a process that was replaced must never reach its successor.
    from.on('data', (d: Buffer) => {
      if (this.child === child) this.onData(d);
    });
    this.toEnclave.on('error', () => {});
    from.on('error', () => {});
    child.on('error', (e) => {
      if (this.child !== child) return;
      this.fail(new EnclaveUnavailable(`the enclave process could not run: ${e.message}`));
    });
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^Node\.js v/.test(l) && !/^Warning: disabling flag/.test(l));
      const why = lines.find((l) => /Error/.test(l)) ?? lines.at(-1);
      this.lastExit = `the enclave process exited (${signal ?? `code ${code}`})${why ? `: ${why.slice(0, 300)}` : ''}`;
      this.fail(new EnclaveUnavailable(this.lastExit));
    });
  }

  /** Kills the process and fails everything pending with `err`. */
  private fail(err: Error): void {
    const child = this.child;
    this.child = null;
    this.toEnclave = null;
    this.chunks = [];
    this.have = 0;
    if (child !== null) {
      if (child.exitCode === null) child.kill('SIGKILL');
      for (const s of child.stdio) s?.destroy();
    }
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(err);
  }

  /** Removes the first `n` buffered bytes and returns them in one buffer. */
  private take(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let at = 0;
    while (at < n) {
      const c = this.chunks[0];
      const k = Math.min(c.length, n - at);
      c.copy(out, at, 0, k);
      at += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.have -= n;
    return out;
  }

  private onData(d: Buffer): void {
    this.chunks.push(d);
    this.have += d.length;
    while (this.have >= 4) {
      while (this.chunks[0].length < 4) this.chunks.splice(0, 2, Buffer.concat(this.chunks.slice(0, 2)));
      const n = this.chunks[0].readUInt32LE(0);
      if (n > LIMITS.frame) return this.fail(new EnclaveUnavailable(`the enclave sent a frame of ${n} bytes (limit ${LIMITS.frame})`));
      if (this.have < 4 + n) return;
      const body = new Uint8Array(this.take(4 + n).subarray(4));
      let m: EnclaveMessage;
      try {
        m = decodeEnclave(body);
      } catch (e) {
        return this.fail(new EnclaveUnavailable(`the enclave sent a frame that does not decode: ${e instanceof ProtocolError ? e.message : String(e)}`));
      }
      this.onMessage(m);
    }
  }

  private onMessage(m: EnclaveMessage): void {
    if (m.type === Type.Log) {
      this.options.log?.(m.level, m.event, m.message);
      return;
    }
    const p = this.pending.get(m.id);
    if (p === undefined) return this.fail(new EnclaveUnavailable(`the enclave answered ecall ${m.id}, which nobody waits for`));
    switch (m.type) {
      case Type.OcallReadDb:
        this.answer(() => {
          const value = p.handlers.readDb(m.key);
          return value === undefined ? { type: Type.ReadDbResult, id: m.id } : { type: Type.ReadDbResult, id: m.id, value };
        }, m.id);
        return;
      case Type.OcallRange:
        this.answer(() => ({ type: Type.RangeResult, id: m.id, records: p.handlers.range(m.start, m.end, m.descending, Math.min(m.limit, LIMITS.records)) }), m.id);
        return;
      case Type.OcallLoadCode:
        this.answer(() => {
          const code = p.handlers.loadCode(m.codeHash);
          return code === undefined ? { type: Type.LoadCodeResult, id: m.id } : { type: Type.LoadCodeResult, id: m.id, code };
        }, m.id);
        return;
      case Type.OcallQueryChain:
        Promise.resolve()
          .then(() => p.handlers.queryChain(m.request, m.depth, m.gasLimit, (e, h) => {
            // Only queries nest, and only while this ecall is still waiting.
            if (e.type !== Type.EcallQuery) return Promise.reject(new Error('only queries can be nested'));
            if (!this.pending.has(m.id)) return Promise.reject(new EnclaveUnavailable('the ecall this query belongs to has ended'));
            return this.send(e, h);
          }))
          .then((a) => this.reply(m.id, { type: Type.QueryChainResult, id: m.id, result: a.result, gasUsed: a.gasUsed }))
          .catch((e: unknown) => this.reply(m.id, { type: Type.OcallFailed, id: m.id, message: safeText(e instanceof Error ? e.message : String(e)) }));
        return;
      default:
        this.pending.delete(m.id);
        p.resolve(m);
    }
  }

  private answer(f: () => HostMessage, id: number): void {
    let a: HostMessage;
    try {
      a = f();
    } catch (e) {
      a = { type: Type.OcallFailed, id, message: safeText(e instanceof Error ? e.message : String(e)) };
    }
    this.reply(id, a);
  }

  /**
   * Answers an ocall of ecall `id` if that ecall still waits (a late answer after a timeout must not
   * reach the next process). An answer that cannot be encoded (a handler's oversized range, say)
   * becomes an OcallFailed; nothing a handler returns can throw out of here.
   */
  private reply(id: number, a: HostMessage): void {
    if (!this.pending.has(id)) return;
    try {
      this.write(a);
    } catch (e) {
      this.write({ type: Type.OcallFailed, id, message: safeText(`the host's answer could not be sent: ${e instanceof Error ? e.message : String(e)}`) });
    }
  }

  private write(m: HostMessage): void {
    this.toEnclave?.write(frame(encodeHost(m)));
  }

  /** Sends an ecall now (no queueing: for nested ecalls, and for the queue itself). */
  private send(e: EcallRequest, handlers: OcallHandlers): Promise<EnclaveMessage> {
    if (this.child === null) this.start();
    const id = this.nextId++;
    if (this.nextId > 0xffffffff) this.nextId = 1;
    return new Promise<EnclaveMessage>((resolve, reject) => {
      this.pending.set(id, { handlers, resolve, reject });
      try {
        this.write({ ...e, id } as HostMessage);
      } catch (err) {
        this.pending.delete(id);
        reject(err as Error);
      }
    });
  }

  /**
   * Runs one ecall (queued behind the others), serving its ocalls with `handlers`. Resolves with the
   * enclave's answer; rejects with EnclaveUnavailable (process died, timed out, broke the protocol)
   * or EnclaveError (the enclave refused the call).
   */
  ecall(e: EcallRequest, handlers: OcallHandlers): Promise<EnclaveMessage> {
    if (this.closed) return Promise.reject(new EnclaveUnavailable('the enclave was closed'));
    const run = async (): Promise<EnclaveMessage> => {
      if (this.closed) throw new EnclaveUnavailable('the enclave was closed');
      const timeoutMs = this.options.timeoutMs ?? 30_000;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const err = new EnclaveUnavailable(`the enclave did not answer within ${timeoutMs} ms: it was stopped`);
          this.fail(err);
          reject(err);
        }, timeoutMs);
      });
      try {
        const m = await Promise.race([this.send(e, handlers), timeout]);
        if (m.type === Type.EnclaveError) throw new EnclaveError(m.message);
        return m;
      } finally {
        clearTimeout(timer);
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Stops the process for good: pending and later ecalls fail. */
  close(): void {
    this.closed = true;
    this.fail(new EnclaveUnavailable('the enclave was closed'));
  }
}

/** At most 4 KiB of well-formed text (a message that always encodes). */
function safeText(s: string): string {
  const cut = s.length > 4096 ? `${s.slice(0, 4096)}…` : s;
  return (cut as string & { toWellFormed(): string }).toWellFormed();
}
