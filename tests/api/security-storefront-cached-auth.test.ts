/**
 * The availability read path over real keep-alive connections, where the server keeps what it
 * already checked (issue 20, cached reads at 10,000/s): a token verified on a connection is not
 * hashed again on its next request, a Host verdict is remembered, a cached answer is sent as
 * ready bytes with its ETag. None of that may weaken a check: a revoked storefront token, a
 * rotated API token, a storefront token on another route, a wrong token, a foreign Host and a
 * stale ETag are refused on the very next request of the same connection, as on a new one.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { silentLogger } from '../../electron/core/logger';
import { startApiServer, stopApiServers, type ApiTestServer } from '../helpers/api-servers';
import { createPgDatabase, productInput, startCore, type TestCore } from '../helpers/core';
import { skipWithout, titled } from '../helpers/system-services';

const OWNER = 'owner-token-0123456789abcdef';

type Answer = { status: number; body: string; headers: http.IncomingHttpHeaders; localPort: number };

/** One keep-alive connection: every request goes over the same socket (checked by its local port). */
function connection(port: number): { get(path: string, token: string, headers?: Record<string, string>): Promise<Answer>; send(method: string, path: string, token: string, body?: unknown): Promise<Answer>; close(): void } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const send = (method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) =>
    new Promise<Answer>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path: `/api/v1${path}`,
          agent,
          headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json' } : {}), ...headers },
        },
        (res) => {
          // Read now: a keep-alive socket leaves the answer once it has ended.
          const localPort = res.socket.localPort ?? 0;
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers, localPort }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return { get: (path, token, headers) => send('GET', path, token, undefined, headers), send, close: () => agent.destroy() };
}

describe('the cached availability read path, one server', () => {
  let core: TestCore;
  let app: FastifyInstance;
  let port = 0;
  let apiToken = OWNER;

  beforeAll(async () => {
    core = await startCore('sqlite');
    // The token is read on every request, as the core's rotatable one is.
    app = await createApiServer({ core, token: () => apiToken, version: 't', logger: silentLogger, rateLimit: { perMinute: 100_000, channelPerMinute: 100, failedAuthPerMinute: 3 } });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
    await core.call('products.create', productInput('CA-1'));
    await core.call('stock.receive', { sku: 'CA-1', quantity: 5 });
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  const makeStorefrontToken = async (name: string) => {
    const owner = connection(port);
    try {
      const created = await owner.send('POST', '/storefront-tokens', apiToken, { name });
      expect(created.status).toBe(201);
      return JSON.parse(created.body) as { id: string; token: string };
    } finally {
      owner.close();
    }
  };

  it('a revoked storefront token is refused on the very next request of a connection that used it', async () => {
    const { id, token } = await makeStorefrontToken('Revoked next');
    const shop = connection(port);
    try {
      const first = await shop.get('/availability/CA-1', token);
      expect(first.status).toBe(200);
      expect((await shop.get('/availability/CA-1', token)).status).toBe(200);
      const owner = connection(port);
      expect((await owner.send('DELETE', `/storefront-tokens/${id}`, apiToken)).status).toBe(200);
      owner.close();
      const next = await shop.get('/availability/CA-1', token);
      expect(next.localPort, 'the same connection').toBe(first.localPort);
      expect(next.status).toBe(401);
      expect(JSON.parse(next.body).error.code).toBe('unauthorized');
    } finally {
      shop.close();
    }
  });

  it('a rotated API token is refused on the very next request of a connection that used it', async () => {
    const script = connection(port);
    try {
      const first = await script.get('/availability/CA-1', apiToken);
      expect(first.status).toBe(200);
      expect((await script.get('/products', apiToken)).status).toBe(200);
      const old = apiToken;
      apiToken = 'owner-token-rotated-0123456789';
      const next = await script.get('/availability/CA-1', old);
      expect(next.localPort, 'the same connection').toBe(first.localPort);
      expect(next.status).toBe(401);
      expect((await script.get('/availability/CA-1', apiToken)).status).toBe(200);
    } finally {
      script.close();
    }
  });

  it('a storefront token accepted on a connection is still refused (403) by every other route on it', async () => {
    const { token } = await makeStorefrontToken('Other routes');
    const shop = connection(port);
    try {
      expect((await shop.get('/availability/CA-1', token)).status).toBe(200);
      const products = await shop.get('/products', token);
      expect(products.status).toBe(403);
      expect(JSON.parse(products.body).error.message).toMatch(/availability only/);
      expect((await shop.send('POST', '/stock/receive', token, { sku: 'CA-1', quantity: 1 })).status).toBe(403);
      expect((await shop.get('/storefront-tokens', token)).status).toBe(403);
      expect((await shop.get('/availability/CA-1', token)).status).toBe(200);
    } finally {
      shop.close();
    }
  });

  it('a foreign Host on a connection whose earlier requests named an allowed one is refused (421)', async () => {
    const { token } = await makeStorefrontToken('Hosts');
    const shop = connection(port);
    try {
      expect((await shop.get('/availability/CA-1', token, { host: `127.0.0.1:${port}` })).status).toBe(200);
      expect((await shop.get('/availability/CA-1', token, { host: 'evil.example' })).status).toBe(421);
      expect((await shop.get('/availability/CA-1', token, { host: `localhost:${port}` })).status).toBe(200);
      expect((await shop.get('/availability/CA-1', token, { host: 'evil.example' })).status).toBe(421);
    } finally {
      shop.close();
    }
  });

  it('an ETag changes with the stock: the old one gets the new answer, the new one 304, the headers stay', async () => {
    const { token } = await makeStorefrontToken('ETags');
    const shop = connection(port);
    try {
      const first = await shop.get('/availability/CA-1', token);
      expect(first.status).toBe(200);
      expect(first.headers['cache-control']).toBe('max-age=0, must-revalidate');
      expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(first.headers['x-content-type-options']).toBe('nosniff');
      expect(first.headers['content-security-policy']).toBeDefined();
      const etag = first.headers.etag as string;
      const same = await shop.get('/availability/CA-1', token, { 'if-none-match': etag });
      expect(same.status).toBe(304);
      expect(same.body).toBe('');
      expect(same.headers.etag).toBe(etag);
      const before = JSON.parse(first.body) as { available: number };
      await core.call('stock.receive', { sku: 'CA-1', quantity: 2 });
      const after = await shop.get('/availability/CA-1', token, { 'if-none-match': etag });
      expect(after.status).toBe(200);
      expect(JSON.parse(after.body)).toMatchObject({ sku: 'CA-1', available: before.available + 2 });
      expect(after.headers.etag).not.toBe(etag);
      expect((await shop.get('/availability/CA-1', token, { 'if-none-match': after.headers.etag as string })).status).toBe(304);
      // The list answer too, and a list ETag changes when one of its SKUs does.
      const list = await shop.get('/availability?skus=CA-1,NOPE', token);
      expect(list.status).toBe(200);
      expect(JSON.parse(list.body)).toEqual({ items: [expect.objectContaining({ sku: 'CA-1', available: before.available + 2 })], unknown: ['NOPE'] });
      await core.call('stock.receive', { sku: 'CA-1', quantity: 1 });
      const listAfter = await shop.get('/availability?skus=CA-1,NOPE', token, { 'if-none-match': list.headers.etag as string });
      expect(listAfter.status).toBe(200);
      expect(listAfter.headers.etag).not.toBe(list.headers.etag);
    } finally {
      shop.close();
    }
  });
  // Last: it leaves this address waiting for a minute.
  it('a wrong token on a connection that presented a good one is refused and counted; over the limit even the good one waits', async () => {
    const { token } = await makeStorefrontToken('Guessing');
    const shop = connection(port);
    try {
      expect((await shop.get('/availability/CA-1', token)).status).toBe(200);
      const guess = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
      // Three wrong tokens from this address (the rotation test above sent one already).
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await shop.get('/availability/CA-1', guess)).status);
      expect(statuses[0]).toBe(401);
      expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
      const refused = await shop.get('/availability/CA-1', token);
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBeDefined();
    } finally {
      shop.close();
    }
  });
});

const skip = skipWithout('postgresql', 'a storefront token revoked on another server');

describe.skipIf(skip)(titled('a storefront token revoked on another server (PostgreSQL)', skip), () => {
  type Server = ApiTestServer;
  let a: Server;
  let b: Server;
  let drop: () => Promise<void>;
  const start = (url: string): Promise<Server> => startApiServer(url, OWNER);

  beforeAll(async () => {
    const pg = await createPgDatabase();
    drop = pg.drop;
    a = await start(pg.url);
    b = await start(pg.url);
  });
  afterAll(async () => {
    await stopApiServers([a, b]);
    await drop?.();
  });

  it('is refused by a server whose connection had it verified, as soon as the revocation reaches that server', async () => {
    const owner = connection(a.port);
    const shop = connection(b.port);
    try {
      expect((await owner.send('POST', '/products', OWNER, { sku: 'CB-1', title: 'Across', price: '1.00' })).status).toBe(201);
      const { id, token } = JSON.parse((await owner.send('POST', '/storefront-tokens', OWNER, { name: 'B shop' })).body) as { id: string; token: string };
      // B learns of the token through the change log; then it is verified (and kept) on this connection.
      let first: Answer | null = null;
      for (const until = Date.now() + 2000; Date.now() < until; await new Promise((r) => setTimeout(r, 20))) {
        first = await shop.get('/availability/CB-1', token);
        if (first.status === 200) break;
      }
      expect(first?.status).toBe(200);
      expect((await shop.get('/availability/CB-1', token)).status).toBe(200);
      const revoked = JSON.parse((await owner.send('DELETE', `/storefront-tokens/${id}`, OWNER)).body) as { deleted: boolean };
      expect(revoked.deleted).toBe(true);
      // The revocation's change reaches B (LISTEN/NOTIFY); from then on B refuses the token on this connection.
      const statuses: number[] = [];
      let refusedAt = 0;
      const sent = Date.now();
      for (const until = Date.now() + 2000; Date.now() < until; await new Promise((r) => setTimeout(r, 10))) {
        const res = await shop.get('/availability/CB-1', token);
        statuses.push(res.status);
        expect(res.localPort).toBe(first?.localPort);
        if (res.status === 401) {
          refusedAt = Date.now();
          break;
        }
      }
      expect(statuses.at(-1)).toBe(401);
      expect(refusedAt - sent).toBeLessThan(1000);
      // And stays refused.
      for (let i = 0; i < 3; i++) expect((await shop.get('/availability/CB-1', token)).status).toBe(401);
    } finally {
      owner.close();
      shop.close();
    }
  });
});
