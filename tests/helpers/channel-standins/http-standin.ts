/**
 * What every channel stand-in shares: a plain HTTP server on 127.0.0.1 (port 0), a record of every
 * request, and faults a test switches on — the channel down (connection refused, reset, or 503),
 * scripted failures for the next N calls (429 with Retry-After, 5xx), slow answers and held answers.
 *
 * The stand-ins differ from the real services only in their base URL, so a fault here must look on
 * the wire like the real thing: "down" closes the listening socket (the client sees ECONNREFUSED on
 * the same port), "reset" accepts and destroys the connection (ECONNRESET), and a scripted answer is
 * a complete HTTP response.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';

export type RecordedRequest = {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** The raw body as received. */
  body: string;
  /** The status the stand-in answered, or 0 when the connection was reset or held forever. */
  status: number;
  /** True when a fault answered instead of the API. */
  faulted: boolean;
  at: number;
};

export type ScriptedFailure = { status: number; headers?: Record<string, string>; body?: string };

export type Faults = {
  /**
   * Takes the channel down: `refuse` stops listening (connection refused on the same port),
   * `reset` accepts and drops every connection, `unavailable` answers 503.
   */
  down(mode?: 'refuse' | 'reset' | 'unavailable'): Promise<void>;
  /** Brings the channel back (on the same port). */
  up(): Promise<void>;
  /** The next `count` requests get this answer instead of the API's (e.g. 429 with Retry-After). */
  failNext(count: number, failure: ScriptedFailure): void;
  /** Every answer waits this long first (0 turns it off). */
  slow(ms: number): void;
  /** Answers are held (the request is processed, the answer is not sent) until `release()`. */
  hold(): void;
  release(): void;
  /** Clears every fault. */
  clear(): Promise<void>;
};

export type ApiAnswer = { status: number; headers?: Record<string, string>; body: string };

/** The stand-in's own handler: gets the recorded request (body included) and returns the answer. */
export type ApiHandler = (request: RecordedRequest) => ApiAnswer | Promise<ApiAnswer>;

export type HttpStandIn = {
  url: string;
  port: number;
  requests: RecordedRequest[];
  faults: Faults;
  /** Requests that reached the API (not answered by a fault), optionally filtered by path. */
  apiRequests(pathPrefix?: string): RecordedRequest[];
  waitFor(predicate: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
};

/** A JSON answer with the content type the real APIs send. */
export function json(status: number, value: unknown, headers: Record<string, string> = {}): ApiAnswer {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(value) };
}

/** Polls until `predicate` holds (stand-in state changes arrive asynchronously). */
export async function waitUntil(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`stand-in: ${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function startHttpStandIn(handler: ApiHandler): Promise<HttpStandIn> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const failures: ScriptedFailure[] = [];
  let downMode: 'refuse' | 'reset' | 'unavailable' | null = null;
  let delayMs = 0;
  let held: Array<() => void> | null = null;
  let port = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = new URL(req.url ?? '/', 'http://127.0.0.1');
      const record: RecordedRequest = {
        method: req.method ?? 'GET',
        path: target.pathname,
        query: target.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        status: 0,
        faulted: false,
        at: Date.now(),
      };
      requests.push(record);
      if (downMode === 'reset') {
        req.socket.destroy();
        return;
      }
      const send = (answer: ApiAnswer) => {
        const write = () => {
          record.status = answer.status;
          if (res.destroyed) return;
          res.writeHead(answer.status, { 'content-length': String(Buffer.byteLength(answer.body)), ...answer.headers });
          res.end(answer.body);
        };
        const deliver = () => (held ? held.push(write) : write());
        if (delayMs > 0) setTimeout(deliver, delayMs);
        else deliver();
      };
      const scripted = downMode === 'unavailable' ? { status: 503, body: 'Service Unavailable' } : failures.shift();
      if (scripted) {
        record.faulted = true;
        send({ status: scripted.status, headers: { 'content-type': 'text/plain', ...scripted.headers }, body: scripted.body ?? http.STATUS_CODES[scripted.status] ?? '' });
        return;
      }
      Promise.resolve()
        .then(() => handler(record))
        .then(send, (error: unknown) => send({ status: 500, headers: { 'content-type': 'text/plain' }, body: `stand-in error: ${String(error)}` }));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    if (downMode === 'reset') socket.destroy();
  });
  // Keep-alive connections are cut when a test takes the channel down, as a real outage would.
  server.keepAliveTimeout = 5_000;

  const listen = () => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      port = (server.address() as AddressInfo).port;
      resolve();
    });
  });
  const stopListening = () => new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy();
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
  await listen();

  const faults: Faults = {
    async down(mode = 'refuse') {
      downMode = mode;
      if (mode === 'refuse') await stopListening();
      // A 503 comes from a proxy that stays up: its connections stay open.
      else if (mode === 'reset') for (const socket of sockets) socket.destroy();
    },
    async up() {
      const wasRefusing = downMode === 'refuse';
      downMode = null;
      if (wasRefusing && !server.listening) await listen();
    },
    failNext(count, failure) {
      for (let i = 0; i < count; i += 1) failures.push(failure);
    },
    slow(ms) {
      delayMs = ms;
    },
    hold() {
      held = held ?? [];
    },
    release() {
      const pending = held ?? [];
      held = null;
      for (const write of pending) write();
    },
    async clear() {
      failures.length = 0;
      delayMs = 0;
      faults.release();
      await faults.up();
    },
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    faults,
    apiRequests: (pathPrefix) => requests.filter((r) => !r.faulted && (pathPrefix === undefined || r.path.startsWith(pathPrefix))),
    waitFor: (predicate, timeoutMs, what) => waitUntil(predicate, timeoutMs, what),
    async close() {
      held = null;
      await stopListening();
    },
  };
}
