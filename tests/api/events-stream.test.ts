import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerEventsRoute } from '../../electron/server/http/events-route';
import { createApiServer } from '../../electron/server/http/server';
import { latestSeq } from '../../electron/core/changes/change-log';
import { silentLogger } from '../../electron/core/logger';
import { productInput, startCore, type TestCore } from '../helpers/core';

const TOKEN = 'events-token-0123456789abcdef';

type SseEvent = { id: number; event: string; data: { seq: number; type: string; sku: string | null } };

type SseClient = {
  status: number;
  events: SseEvent[];
  comments: string[];
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  ended: Promise<void>;
  drop(): void;
};

/** A minimal EventSource: parses `id:`, `event:`, `data:` and comment lines as they stream in. */
function connect(base: string, path: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${path}`, { headers }, (res) => {
      let buffer = '';
      let endResolve: () => void = () => {};
      const client: SseClient = {
        status: res.statusCode ?? 0,
        events: [],
        comments: [],
        ended: new Promise<void>((r) => (endResolve = r)),
        async waitFor(count, timeoutMs = 10_000) {
          const until = Date.now() + timeoutMs;
          while (client.events.length < count) {
            if (Date.now() > until) throw new Error(`only ${client.events.length} of ${count} events arrived`);
            await new Promise((r) => setTimeout(r, 5));
          }
        },
        drop: () => req.destroy(),
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) client.comments.push(line.slice(1).trim());
            const m = /^(id|event|data): (.*)$/.exec(line);
            if (m) fields[m[1] as string] = m[2] as string;
          }
          if (fields.data) client.events.push({ id: Number(fields.id), event: fields.event as string, data: JSON.parse(fields.data) });
        }
      });
      res.on('close', () => endResolve());
      res.on('error', () => endResolve());
      resolve(client);
    });
    req.on('error', (error) => {
      if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(error);
    });
  });
}

describe('GET /api/v1/events (Server-Sent Events)', () => {
  let core: TestCore;
  let app: FastifyInstance;
  let base: string;
  let initialListeners = 0;
  const auth = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    core = await startCore('sqlite', { webhooks: { worker: false } });
    app = await createApiServer({ core, token: TOKEN, version: '9.9.9', logger: silentLogger, rateLimit: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    initialListeners = (core.bus as unknown as { listeners: Set<unknown> }).listeners.size;
    await core.call('products.create', productInput('SSE-1'));
    await core.call('products.create', productInput('SSE-2'));
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  const receive = (sku: string, quantity = 1) => core.call('stock.receive', { sku, quantity });

  it('resumes after a dropped connection with everything missed, in order, then live', async () => {
    const before = await latestSeq(core.db);
    const seqsAfter = async (from: number) => (await core.db('changes').where('seq', '>', from).orderBy('seq').pluck('seq')).map(Number);
    await receive('SSE-1', 2); // also moves SSE-1 into stock: an availability.changed follows
    await receive('SSE-1');

    const a = await connect(base, `/api/v1/events?since=${before}`, auth);
    expect(a.status).toBe(200);
    await a.waitFor(3);
    const live = await receive('SSE-1');
    await a.waitFor(4);
    expect(a.events.map((e) => e.id)).toEqual(await seqsAfter(before));
    expect(a.events.map((e) => e.event)).toEqual(['stock.changed', 'availability.changed', 'stock.changed', 'stock.changed']);
    expect(a.events.every((e) => e.data.seq === e.id && e.data.type === e.event)).toBe(true);
    expect(a.events[3]?.id).toBe(live.seq);

    a.drop();
    await a.ended;
    await receive('SSE-1');
    await receive('SSE-2'); // SSE-2 comes into stock too
    await receive('SSE-1');
    const missed = await seqsAfter(live.seq);
    expect(missed).toHaveLength(4);

    // EventSource reconnects to the same URL (still ?since=before) and sends Last-Event-ID, which wins.
    const b = await connect(base, `/api/v1/events?since=${before}`, { ...auth, 'last-event-id': String(live.seq) });
    try {
      await b.waitFor(4);
      const after = await receive('SSE-2');
      await b.waitFor(5);
      expect(b.events.map((e) => e.id)).toEqual([...missed, after.seq]);
    } finally {
      b.drop();
    }
  });

  it('has no gap and no duplicate when writes race a long backlog', async () => {
    const before = await latestSeq(core.db);
    await Promise.all(Array.from({ length: 1200 }, () => receive('SSE-1')));
    const client = await connect(base, `/api/v1/events?since=${before}&type=stock.changed`, auth);
    const racing = Promise.all(Array.from({ length: 300 }, (_, i) => receive(i % 2 ? 'SSE-1' : 'SSE-2')));
    await racing;
    await client.waitFor(1500);
    const expected = (await core.db('changes').where('seq', '>', before).andWhere('type', 'stock.changed').orderBy('seq').pluck('seq')).map(Number);
    expect(expected).toHaveLength(1500);
    expect(client.events.map((e) => e.id)).toEqual(expected);
    client.drop();
  });

  it('filters by type (repeatable or comma list) and SKU', async () => {
    const before = await latestSeq(core.db);
    await core.call('products.update', { idOrSku: 'SSE-2', title: 'Second' });
    await receive('SSE-1');
    await receive('SSE-2');
    const bySku = await connect(base, `/api/v1/events?since=${before}&sku=sse-2`, auth);
    await bySku.waitFor(2);
    expect(bySku.events.map((e) => [e.event, e.data.sku])).toEqual([
      ['product.updated', 'SSE-2'],
      ['stock.changed', 'SSE-2'],
    ]);
    const byTypes = await connect(base, `/api/v1/events?since=${before}&type=product.updated,product.created&type=availability.changed`, auth);
    await byTypes.waitFor(1);
    await receive('SSE-2');
    await core.call('products.create', productInput('SSE-3'));
    await byTypes.waitFor(2);
    expect(byTypes.events.map((e) => e.event)).toEqual(['product.updated', 'product.created']);
    bySku.drop();
    byTypes.drop();
  });

  it('without since or Last-Event-ID streams only what is committed after connecting', async () => {
    await receive('SSE-1');
    const client = await connect(base, '/api/v1/events', auth);
    await new Promise((r) => setTimeout(r, 50));
    const fresh = await receive('SSE-1');
    await client.waitFor(1);
    expect(client.events.map((e) => e.id)).toEqual([fresh.seq]);
    expect(client.comments.some((c) => c.startsWith('stockfeed change log'))).toBe(true);
    client.drop();
  });

  it('takes the token as ?token= here only (EventSource cannot send headers), and refuses bad input', async () => {
    const noToken = await app.inject({ method: 'GET', url: '/api/v1/events' });
    expect(noToken.statusCode).toBe(401);
    const wrong = await app.inject({ method: 'GET', url: '/api/v1/events?token=nope' });
    expect(wrong.statusCode).toBe(401);
    const elsewhere = await app.inject({ method: 'GET', url: `/api/v1/products?token=${TOKEN}` });
    expect(elsewhere.statusCode).toBe(401);

    const viaQuery = await connect(base, `/api/v1/events?token=${TOKEN}&since=0&type=product.created`);
    expect(viaQuery.status).toBe(200);
    await viaQuery.waitFor(2);
    viaQuery.drop();

    const badType = await app.inject({ method: 'GET', url: '/api/v1/events?type=stock.exploded', headers: auth });
    expect(badType.statusCode).toBe(422);
    expect(badType.json().error.details.issues[0]).toMatchObject({ path: 'type.0', message: expect.stringContaining('stock.changed') });
    const badId = await app.inject({ method: 'GET', url: '/api/v1/events', headers: { ...auth, 'last-event-id': 'abc' } });
    expect(badId.statusCode).toBe(422);
    expect(badId.json().error.message).toContain('Last-Event-ID');
    const unknown = await app.inject({ method: 'GET', url: '/api/v1/events?colour=red', headers: auth });
    expect(unknown.statusCode).toBe(422);
  });

  it('sends a heartbeat comment on a quiet stream', async () => {
    const bare = Fastify();
    registerEventsRoute(bare, core, { heartbeatMs: 30 });
    await bare.listen({ port: 0, host: '127.0.0.1' });
    try {
      const client = await connect(`http://127.0.0.1:${(bare.server.address() as AddressInfo).port}`, '/api/v1/events');
      await expect.poll(() => client.comments.filter((c) => c === 'heartbeat').length).toBeGreaterThanOrEqual(2);
      expect(client.events).toEqual([]);
      client.drop();
    } finally {
      await bare.close();
    }
  });

  it('stops following the bus when the client goes away, and closing the server ends open streams', async () => {
    const listeners = () => (core.bus as unknown as { listeners: Set<unknown> }).listeners.size;
    // Every stream of the earlier tests was dropped; their subscriptions end with them.
    await expect.poll(listeners).toBe(initialListeners);
    const baseline = initialListeners;
    const client = await connect(base, '/api/v1/events', auth);
    await expect.poll(listeners).toBe(baseline + 1);
    client.drop();
    await expect.poll(listeners).toBe(baseline);

    const other = await createApiServer({ core, token: TOKEN, version: '9.9.9', logger: silentLogger, rateLimit: false });
    await other.listen({ port: 0, host: '127.0.0.1' });
    const open = await connect(`http://127.0.0.1:${(other.server.address() as AddressInfo).port}`, '/api/v1/events', auth);
    await expect.poll(listeners).toBe(baseline + 1);
    await other.close();
    await open.ended;
    expect(listeners()).toBe(baseline);
  });
});
