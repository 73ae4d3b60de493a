/**
 * HTTP requests whose path goes on the wire exactly as written. `app.inject` and `fetch` parse the
 * URL first (dot segments removed, some escapes changed), so a test of path spellings would not be
 * testing what an attacker sends.
 */
import http from 'node:http';
import net from 'node:net';
import type { FastifyInstance } from 'fastify';

export type RawResponse = { status: number; headers: http.IncomingHttpHeaders; body: string };

export type RawRequest = { method: string; path: string; headers?: Record<string, string>; body?: string };

/** Listens on a free loopback port; returns the port. */
export async function listenOnLoopback(app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (typeof address !== 'object' || !address) throw new Error('the server has no address');
  return address.port;
}

/**
 * One request on its own connection. An answer that is still streaming after `waitMs` (the events
 * stream) is cut off and returned as far as it came.
 */
export function rawRequest(port: number, request: RawRequest, waitMs = 2_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...request.headers };
    // Node sends a DELETE's body without a length unless told, and the server would read it as a second request.
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
    const req = http.request({ host: '127.0.0.1', port, method: request.method, path: request.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      const done = () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      };
      const timer = setTimeout(() => {
        done();
        req.destroy();
      }, waitMs);
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', done);
      res.on('error', () => undefined);
    });
    req.on('error', reject);
    req.end(request.body);
  });
}

/** Writes a request by hand (e.g. HTTP/1.0 with no Host header) and returns the status line's code. */
export function rawSocketRequest(port: number, text: string): Promise<{ status: number; response: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(text));
    let response = '';
    socket.on('data', (chunk: Buffer) => (response += chunk.toString('utf8')));
    socket.on('end', () => resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1] ?? 0), response }));
    socket.on('error', reject);
  });
}

/** An event stream held open: its status, the text seen so far, and when it ends. */
export type OpenStream = { status: number; seen: () => string; ended: Promise<void>; close(): void };

/** Opens a streaming GET (the events stream) and resolves once its headers arrive; the body keeps coming into seen(). */
export function openStream(port: number, path: string, headers: Record<string, string>): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers }, (res) => {
      let text = '';
      let endResolve: () => void = () => {};
      const ended = new Promise<void>((r) => (endResolve = r));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('close', () => endResolve());
      resolve({ status: res.statusCode ?? 0, seen: () => text, ended, close: () => req.destroy() });
    });
    req.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error)));
  });
}
