/**
 * Security regression (issue 12): the connect-time guard of outgoing requests. A name that
 * resolves to this computer (DNS rebinding, a hosts entry, `localhost`) is refused after the lookup
 * and before any connection, on every address it resolves to; IP literals handed straight to the
 * agents are refused too; a kept-alive connection opened while the local network was allowed is
 * not reused once it is not.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRequestError, describeStatus, Outbound, OutboundRefusedError, type HostResolver } from '../../electron/core/net/outbound';

type Seen = { connections: number; requests: Array<{ url: string; authorization: string | undefined }> };

let server: http.Server;
let port: number;
const seen: Seen = { connections: 0, requests: [] };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.requests.push({ url: req.url ?? '', authorization: req.headers.authorization });
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('secret internal answer'));
  });
  server.on('connection', () => {
    seen.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A resolver with a fixed table, as the core's `resolveHost` option takes it. */
function resolverOf(table: Record<string, string[]>): HostResolver {
  return async (hostname) => {
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

const post = (outbound: Outbound, url: string, allowPrivateNetwork: boolean) =>
  outbound.request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(5000), allowPrivateNetwork });

/** A plain http.request through the given agent (what a library handed the agent would do). */
function rawGet(options: http.RequestOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request({ ...options, port, path: '/raw' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('outgoing requests: the connect-time guard', () => {
  it('refuses a name that resolves to 127.0.0.1 after the lookup, before connecting', async () => {
    const outbound = new Outbound({ resolve: resolverOf({ 'hooks.rebind.test': ['127.0.0.1'] }) });
    const before = seen.connections;
    const error = await post(outbound, `http://hooks.rebind.test:${port}/hook`, false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundRefusedError);
    expect((error as OutboundRefusedError).code).toBe('ERR_OUTBOUND_REFUSED');
    expect(describeRequestError(error)).toBe(
      'refused: hooks.rebind.test resolves to 127.0.0.1, which is loopback (127/8, this computer); requests to this computer and the local network are refused unless the setting webhooks.allowPrivateNetwork is on',
    );
    expect(seen.connections).toBe(before);
    outbound.close();
  });

  it('checks every address a name resolves to, not only the first', async () => {
    const outbound = new Outbound({ resolve: resolverOf({ 'mixed.test': ['93.184.216.34', '127.0.0.1'], 'meta.test': ['169.254.169.254'], 'v6.test': ['::ffff:127.0.0.1'] }) });
    const before = seen.connections;
    await expect(post(outbound, `http://mixed.test:${port}/`, false)).rejects.toThrow(/mixed\.test resolves to 127\.0\.0\.1, which is loopback/);
    await expect(post(outbound, `http://v6.test:${port}/`, false)).rejects.toThrow(/IPv4-mapped loopback/);
    // The owner's setting opens the local network, never the cloud metadata service.
    await expect(post(outbound, `http://meta.test:${port}/`, true)).rejects.toThrow(/meta\.test resolves to 169\.254\.169\.254, which is link-local \(cloud metadata/);
    expect(seen.connections).toBe(before);
    outbound.close();
  });

  it('lets the owner reach a local receiver with webhooks.allowPrivateNetwork (a local n8n or Node-RED)', async () => {
    const outbound = new Outbound({ resolve: resolverOf({ 'n8n.lan.test': ['127.0.0.1'] }) });
    const response = await post(outbound, `http://n8n.lan.test:${port}/webhook`, true);
    expect(response.status).toBe(200);
    // The answer is not kept unless asked for: a receiver's words never reach a log by accident.
    expect(response.body).toBe('');
    outbound.close();
  });

  it('refuses localhost through the system resolver, and IP literals handed straight to the agents', async () => {
    const outbound = new Outbound();
    const before = seen.connections;
    const { http: agent } = outbound.agents(false);
    await expect(rawGet({ host: 'localhost', agent })).rejects.toThrow(/localhost resolves to (127\.0\.0\.1|::1), which is loopback/);
    await expect(rawGet({ host: '127.0.0.1', agent })).rejects.toThrow(/^refused: 127\.0\.0\.1 is loopback/);
    await expect(rawGet({ host: '::ffff:127.0.0.1', agent })).rejects.toThrow(/IPv4-mapped loopback/);
    await expect(rawGet({ socketPath: '/var/run/docker.sock', agent })).rejects.toThrow(/local socket/);
    expect(seen.connections).toBe(before);
    expect(await rawGet({ host: '127.0.0.1', agent: outbound.agents(true).http })).toBe(200);
    outbound.close();
  });

  it('never reuses a kept-alive connection to the local network once the setting is off', async () => {
    const outbound = new Outbound({ resolve: resolverOf({ 'nodered.test': ['127.0.0.1'] }) });
    expect((await post(outbound, `http://nodered.test:${port}/a`, true)).status).toBe(200);
    const connections = seen.connections;
    expect((await post(outbound, `http://nodered.test:${port}/b`, true)).status).toBe(200);
    expect(seen.connections).toBe(connections);
    await expect(post(outbound, `http://nodered.test:${port}/c`, false)).rejects.toBeInstanceOf(OutboundRefusedError);
    expect(seen.requests.map((r) => r.url)).not.toContain('/c');
    outbound.close();
  });

  it('sends user name and password from the URL as Basic authorization', async () => {
    const outbound = new Outbound({ resolve: resolverOf({ 'auth.test': ['127.0.0.1'] }) });
    await post(outbound, `http://flow%40shop:p%3Ass@auth.test:${port}/basic`, true);
    const request = seen.requests.find((r) => r.url === '/basic');
    expect(request?.authorization).toBe(`Basic ${Buffer.from('flow@shop:p:ss').toString('base64')}`);
    outbound.close();
  });

  it('describes failures in a few words: the status name, never the answer; the error code', async () => {
    expect(describeStatus(500)).toBe('HTTP 500 Internal Server Error');
    expect(describeStatus(599)).toBe('HTTP 599');
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const outbound = new Outbound();
    const error = await post(outbound, `http://127.0.0.1:${closedPort}/`, true).catch((e: unknown) => e);
    expect(describeRequestError(error)).toBe('connection refused (ECONNREFUSED)');
    await expect(post(outbound, 'ftp://example.com/', true)).rejects.toThrow(/only http and https/);
    outbound.close();
  });
});
