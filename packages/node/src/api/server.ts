/**
 * The HTTP API (the LCD / gRPC-gateway REST endpoint secretjs talks to, spec/secretjs-surface.md §1
 * and §5): a node:http server that routes requests to routes.ts and answers JSON only. It owns the
 * transport rules of §1: repeated slashes in a path collapse and a trailing slash or bare `?` is
 * ignored (§1.2–1.3); POST bodies are JSON whatever their Content-Type (secretjs sends text/plain),
 * at most `maxBodyBytes` (413 beyond); a `Connection: close` request is answered with
 * `Connection: close` (§1.1); CORS is open (`Access-Control-Allow-Origin: *`, OPTIONS preflights
 * answered), as LocalSecret's proxy does for browsers; `x-cosmos-block-height` is honoured for the
 * latest height and refused for others (cloak keeps only the latest state). Every answer, errors
 * included, is JSON; errors have the Cosmos shape `{"code","message","details":[]}` (§1.5).
 * Nothing a client sends may take the node down: malformed requests get a 4xx, and a failure in a
 * handler becomes a 500 that is logged.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '@cloak/protocol';
import type { Json } from '@cloak/client';
import type { ChainNode } from '../chain/node.js';
import { ApiError, Grpc, invalid } from './render.js';
import { ROUTES, uint64, type Route, type RouteRequest } from './routes.js';

export interface ApiOptions {
  host?: string;
  port?: number;
  /** Largest request body (default 8 MiB: a 3 MiB tx is 4 MiB of base64). */
  maxBodyBytes?: number;
  /** How long a BROADCAST_MODE_BLOCK request waits for its tx to be included (default 60 s). */
  blockWaitMs?: number;
  log?: Logger;
}

export interface Api {
  url: string;
  close(): Promise<void>;
}

/** Bodies beyond the limit are read and dropped up to this multiple of it (so the client sees the 413), then the connection is cut. */
const DRAIN_FACTOR = 8;
/** The request line and headers (a smart query travels in the URL; Go's net/http allows 1 MiB). */
const MAX_HEADER_BYTES = 1024 * 1024;

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Max-Age': '600',
};

interface CompiledRoute {
  route: Route;
  segments: string[];
}

const COMPILED: CompiledRoute[] = ROUTES.map((route) => ({ route, segments: route.path.split('/').slice(1) }));

function match(segments: string[], pattern: string[]): Record<string, string> | undefined {
  if (segments.length !== pattern.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i].startsWith(':')) params[pattern[i].slice(1)] = segments[i];
    else if (pattern[i] !== segments[i]) return undefined;
  }
  return params;
}

/** The decoded path segments and the query of a request target. */
function target(url: string): { segments: string[]; query: URLSearchParams; path: string } {
  let raw = url;
  if (/^https?:\/\//i.test(raw)) {
    // absolute-form (a proxy's request): keep the path and query.
    const at = raw.indexOf('/', raw.indexOf('//') + 2);
    raw = at < 0 ? '/' : raw.slice(at);
  }
  if (!raw.startsWith('/')) throw invalid(`request target ${JSON.stringify(raw.slice(0, 100))}: expected a path starting with "/"`);
  const q = raw.indexOf('?');
  const pathPart = q < 0 ? raw : raw.slice(0, q);
  const queryPart = q < 0 ? '' : raw.slice(q + 1);
  const path = pathPart.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
  const segments = path.split('/').slice(1).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw invalid(`path: segment ${JSON.stringify(s.slice(0, 100))} is not valid percent-encoded UTF-8`);
    }
  });
  return { segments, query: new URLSearchParams(queryPart), path };
}

/** The body, at most `limit` bytes; a 413 ApiError beyond it (after draining a bounded amount). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 'NaN');
    const tooLarge = () => new ApiError(Grpc.resourceExhausted, `request body exceeds the limit of ${limit} bytes (${limit / (1024 * 1024)} MiB)`, 413, { Connection: 'close' });
    if (declared > limit * DRAIN_FACTOR) {
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit * DRAIN_FACTOR) {
        req.destroy();
        reject(tooLarge());
        return;
      }
      if (size > limit) over = true;
      if (!over) chunks.push(c);
    });
    req.on('end', () => (over ? reject(tooLarge()) : resolve(Buffer.concat(chunks))));
    req.on('error', (e) => reject(e));
    req.on('aborted', () => reject(new Error('the client aborted the request')));
  });
}

function parseJson(buf: Buffer): unknown {
  if (buf.length === 0) throw invalid('body: empty; expected a JSON object');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw invalid('body: not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw invalid(`body: not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function send(res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function errorJson(code: number, message: string): Json {
  return { code, message, details: [] };
}

/** Starts the API on `host:port` (port 0: any free port); resolves once it listens. */
export async function startApi(node: ChainNode, options: ApiOptions = {}): Promise<Api> {
  const { host = '127.0.0.1', port = 1317, maxBodyBytes = 8 * 1024 * 1024, blockWaitMs = 60_000, log } = options;
  let closing = false;
  // While the API closes, no connection is kept for another request.
  const reply = (res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}) => send(res, status, body, closing ? { ...headers, Connection: 'close' } : headers);
  const waiters = new Set<() => void>();
  const wakeAll = () => {
    for (const w of [...waiters]) w();
  };
  const previous = node.onBlock;
  const onBlock = (height: number) => {
    previous?.(height);
    wakeAll();
  };
  node.onBlock = onBlock;

  const nextBlock = (ms: number) => new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      waiters.delete(done);
      resolve();
    };
    const t = setTimeout(done, ms);
    waiters.add(done);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [k, v] of Object.entries(CORS)) res.setHeader(k, v);
    if (/\bclose\b/i.test(req.headers.connection ?? '')) res.setHeader('Connection', 'close');
    const method = req.method ?? 'GET';
    let t: ReturnType<typeof target>;
    try {
      t = target(req.url ?? '/');
    } catch (e) {
      const err = e as ApiError;
      return reply(res, err.status, err.body);
    }
    if (method === 'OPTIONS') {
      const asked = req.headers['access-control-request-headers'];
      return reply(res, 200, {}, { 'Access-Control-Allow-Headers': typeof asked === 'string' && asked !== '' ? asked : '*' });
    }
    const shownPath = t.path.length > 200 ? `${t.path.slice(0, 200)}…` : t.path;
    const candidates = COMPILED.map((c) => ({ c, params: match(t.segments, c.segments) })).filter((x) => x.params !== undefined);
    if (candidates.length === 0) return reply(res, 404, errorJson(Grpc.notFound, `no route for ${shownPath}`));
    const wanted = method === 'HEAD' ? 'GET' : method;
    const found = candidates.find((x) => x.c.route.method === wanted);
    if (found === undefined) {
      const allow = [...new Set(candidates.map((x) => x.c.route.method))].join(', ');
      return reply(res, 405, errorJson(Grpc.unimplemented, `method ${method} is not allowed on ${shownPath}; allowed: ${allow}`), { Allow: `${allow}, OPTIONS` });
    }
    const route = found.c.route;
    try {
      let body: unknown;
      if (route.method === 'POST') body = parseJson(await readBody(req, maxBodyBytes));
      else req.resume();
      if (route.state) checkHeight(req, node);
      const r: RouteRequest = {
        node,
        params: found.params as Record<string, string>,
        query: t.query,
        body,
        nextBlock,
        get closing() {
          return closing;
        },
        blockWaitMs,
      };
      reply(res, 200, await route.handle(r));
    } catch (e) {
      if (e instanceof ApiError) return reply(res, e.status, e.body, e.headers);
      if (res.destroyed || req.destroyed) return;
      log?.('error', 'api_error', `${method} ${shownPath}: ${e instanceof Error ? e.message : String(e)}`);
      if (e instanceof Error && e.stack) log?.('debug', 'api_error_stack', e.stack);
      reply(res, 500, errorJson(Grpc.unknown, `internal error: ${e instanceof Error ? e.message : String(e)}`));
    }
  }

  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: 120_000 }, (req, res) => {
    res.on('error', () => undefined);
    req.on('error', () => undefined);
    handle(req, res).catch((e: unknown) => {
      log?.('error', 'api_error', e instanceof Error ? e.message : String(e));
      if (e instanceof Error && e.stack) log?.('debug', 'api_error_stack', e.stack);
      try {
        reply(res, 500, errorJson(Grpc.unknown, 'internal error'));
      } catch {
        res.destroy();
      }
    });
  });

  // What node:http refuses before a request exists (a malformed request line or header, headers too
  // large, a timeout) still gets a JSON answer.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const body = JSON.stringify(errorJson(Grpc.invalidArgument, `bad request: ${err.code ?? ''} ${err.message}`.trim()));
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`
      + `Access-Control-Allow-Origin: *\r\nConnection: close\r\n\r\n${body}`,
    );
  });

  await new Promise<void>((resolve, reject) => {
    const fail = (e: NodeJS.ErrnoException) => {
      if (node.onBlock === onBlock) node.onBlock = previous;
      reject(new Error(`the API cannot listen on ${host}:${port}: ${e.code ?? ''} ${e.message}`.trim()));
    };
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  server.on('error', (e) => log?.('error', 'api_error', e.message));

  const addr = server.address();
  const bound = typeof addr === 'object' && addr !== null ? addr.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${bound}`,
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        if (node.onBlock === onBlock) node.onBlock = previous;
        wakeAll();
        const force = setTimeout(() => server.closeAllConnections(), 2000);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closed;
    },
  };
}

/** `x-cosmos-block-height` on a state read: only the latest height (or 0, "latest") can be served. */
function checkHeight(req: IncomingMessage, node: ChainNode): void {
  const h = req.headers['x-cosmos-block-height'];
  if (h === undefined || h === '') return;
  const height = uint64(Array.isArray(h) ? h[0] : h, 'x-cosmos-block-height');
  if (height === 0n || height === BigInt(node.height)) return;
  if (height > BigInt(node.height)) throw invalid(`x-cosmos-block-height: cannot query with height ${height} in the future; the latest height is ${node.height}`);
  throw invalid(`x-cosmos-block-height: failed to load state at height ${height}: cloak keeps only the latest state (latest height: ${node.height})`);
}
