/**
 * Two servers (core + HTTP API each) on one PostgreSQL database: a client on one server's event
 * stream gets a write made through the other server's API within a second, in order, once.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopApiServers, type ApiTestServer } from '../helpers/api-servers';
import { createPgDatabase } from '../helpers/core';
import { skipWithout, titled } from '../helpers/system-services';

const TOKEN = 'cluster-token-0123456789abcdef';
const skip = skipWithout('postgresql', 'the event stream across two servers');

type Server = ApiTestServer;

const startServer = (url: string): Promise<Server> => startApiServer(url, TOKEN);

describe.skipIf(skip)(titled('the event stream across two servers on one PostgreSQL database', skip), () => {
  let a: Server;
  let b: Server;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const pg = await createPgDatabase();
    drop = pg.drop;
    a = await startServer(pg.url);
    b = await startServer(pg.url);
  });
  afterAll(async () => {
    await stopApiServers([a, b]);
    await drop?.();
  });

  const post = (server: Server, path: string, body: unknown) =>
    fetch(`${server.base}/api/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('a write through server A reaches a client of server B within a second', async () => {
    const seen: Array<{ seq: number; type: string; sku: string | null; at: number }> = [];
    const req = http.get(`${b.base}/api/v1/events`, { headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const data = /^data: (.*)$/m.exec(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
          if (data) seen.push({ ...(JSON.parse(data[1] as string) as { seq: number; type: string; sku: string | null }), at: Date.now() });
        }
      });
    });
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect((await post(a, '/products', { sku: 'X-1', title: 'Across', price: '1.00' })).status).toBe(201);
      const sent = Date.now();
      const res = await post(a, '/stock/receive', { sku: 'X-1', quantity: 4 });
      expect(res.status).toBe(200);
      const { seq } = (await res.json()) as { seq: number };
      const deadline = Date.now() + 1000;
      while (!seen.some((e) => e.seq === seq) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      const event = seen.find((e) => e.seq === seq);
      expect(event, 'the stock change on B\'s stream').toBeDefined();
      expect((event as { at: number }).at - sent).toBeLessThan(1000);
      expect(event?.sku).toBe('X-1');
      const seqs = seen.map((e) => e.seq);
      expect(seqs).toEqual([...new Set(seqs)].sort((x, y) => x - y));
    } finally {
      req.destroy();
    }
  });
});
