/**
 * The CLI's client of a node's REST API (spec/secretjs-surface.md §1–2, the routes of
 * api/routes.ts): `get(path)` and `post(path, body)` over fetch, each answer parsed as JSON, with a
 * time limit per request (30 s unless the caller asks for longer). What can go wrong becomes a
 * one-line `NodeError` (a `CliError`, so the command exits with 1): a node that cannot be reached
 * (with the reason and a hint to start one), a request that timed out, an answer that is not JSON
 * (naming its HTTP status), and a refusal, which carries the node's own `message` together with its
 * HTTP status and gRPC code so that callers can tell "not found" from other failures. A GET that
 * finds its kept-alive connection closed under it is sent once more; a POST never is (a broadcast
 * must not be sent twice).
 */
import { CliError } from './common.js';

/** The time limit of one request unless the caller gives another. */
const REQUEST_TIMEOUT_MS = 30_000;

/** A request that failed: `status` is the HTTP status of the answer (0 when none came), `code` the gRPC code the node gave. */
export class NodeError extends CliError {
  constructor(message: string, readonly status: number, readonly code: number | undefined, options?: { cause?: unknown }) {
    super(message, options);
  }

  /** A refusal with gRPC code NotFound (HTTP 404). */
  get notFound(): boolean {
    return this.status === 404 || this.code === 5;
  }
}

export interface RequestOptions {
  /** The time limit of this request in milliseconds (default REQUEST_TIMEOUT_MS). */
  timeoutMs?: number;
}

export class Rest {
  /** @param base the node's URL without a trailing slash, e.g. http://127.0.0.1:1317 */
  constructor(readonly base: string) {}

  get<T = unknown>(path: string, o: RequestOptions = {}): Promise<T> {
    return this.request<T>('GET', path, undefined, o);
  }

  post<T = unknown>(path: string, body: unknown, o: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, JSON.stringify(body), o);
  }

  private async request<T>(method: 'GET' | 'POST', path: string, body: string | undefined, o: RequestOptions): Promise<T> {
    const timeoutMs = o.timeoutMs ?? REQUEST_TIMEOUT_MS;
    const url = this.base + path;
    let res: Response;
    let text: string;
    for (let attempt = 0; ; attempt++) {
      try {
        res = await fetch(url, {
          method,
          headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
          ...(body === undefined ? {} : { body }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        text = await res.text();
        break;
      } catch (e) {
        if (isTimeout(e)) {
          throw new NodeError(`the node at ${this.base} did not answer ${method} ${shortPath(path)} within ${seconds(timeoutMs)}`, 0, undefined, { cause: e });
        }
        if (method === 'GET' && attempt === 0 && isClosedConnection(e)) continue;
        let why = reason(e);
        // fetch refuses some ports outright (the Fetch standard's "bad ports", e.g. 1, 6000).
        if (why === 'bad port') why = `port ${new URL(url).port} is one that fetch never connects to`;
        throw new NodeError(`cannot reach the node at ${this.base}: ${why} (is it running? start it with "cloak start")`, 0, undefined, { cause: e });
      }
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      const shown = text.trim().slice(0, 120).replace(/\s+/g, ' ');
      throw new NodeError(
        `the node at ${this.base} answered ${method} ${shortPath(path)} with HTTP ${res.status} and a body that is not JSON${shown === '' ? ' (empty)' : `: ${shown}`} (is ${this.base} a cloak node's API?)`,
        res.status, undefined,
      );
    }
    if (!res.ok) {
      const o = json as { message?: unknown; code?: unknown } | null;
      const message = typeof o?.message === 'string' && o.message !== '' ? o.message : `HTTP ${res.status} ${res.statusText} for ${method} ${shortPath(path)}`;
      throw new NodeError(message.replace(/\s*\n\s*/g, ' '), res.status, typeof o?.code === 'number' ? o.code : undefined);
    }
    return json as T;
  }
}

function isTimeout(e: unknown): boolean {
  return e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
}

/** The socket of a kept-alive connection was closed by the server between two requests. */
function isClosedConnection(e: unknown): boolean {
  const code = (e as { cause?: { code?: unknown } })?.cause?.code;
  return code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE';
}

/** The reason a request failed, as the system said it: "connect ECONNREFUSED 127.0.0.1:1". */
function reason(e: unknown): string {
  let c: unknown = e;
  // fetch's own message ("fetch failed") says nothing; its cause (or the cause's cause) does.
  for (let i = 0; i < 4 && c instanceof Error && c.cause !== undefined; i++) c = c.cause;
  if (c instanceof AggregateError && c.errors.length > 0) c = c.errors[0];
  const text = c instanceof Error ? c.message || (c as NodeJS.ErrnoException).code || c.name : String(c);
  return text.replace(/\s*\n\s*/g, ' ');
}

/** The path without its query string, which can be long (a contract query's base64). */
function shortPath(path: string): string {
  const q = path.indexOf('?');
  return q < 0 ? path : path.slice(0, q);
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
