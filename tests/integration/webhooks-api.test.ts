import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { silentLogger } from '../../electron/core/logger';
import { startCore, type TestCore } from '../helpers/core';

const TOKEN = 'webhooks-token-0123456789abcdef';

describe('webhook subscriptions over HTTP', () => {
  let core: TestCore;
  let app: FastifyInstance;

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
    app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${TOKEN}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });

  beforeAll(async () => {
    core = await startCore('sqlite', { webhooks: { worker: false } });
    app = await createApiServer({ core, token: TOKEN, version: '9.9.9', logger: silentLogger, rateLimit: false });
    // Some subscriptions below point at 127.0.0.1: the owner allows this computer, as for a local n8n.
    const settings = (await api('GET', '/settings')).json();
    expect((await api('PUT', '/settings', { ...settings, webhooks: { allowPrivateNetwork: true } })).statusCode).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  it('shows the generated secret once, at creation, and never again', async () => {
    const created = await api('POST', '/webhooks', { url: 'https://hooks.example.com/a', eventTypes: ['availability.changed'] });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({ url: 'https://hooks.example.com/a', eventTypes: ['availability.changed'], enabled: true, maxAttempts: 10, timeoutMs: 10000 });
    expect(body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);

    for (const res of [await api('GET', '/webhooks'), await api('PATCH', `/webhooks/${body.id}`, { description: 'ads' }), await api('GET', '/changes?since=0')]) {
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain(body.secret);
      expect(res.body).not.toContain('"secret"');
    }
    expect((await api('GET', '/webhooks')).json().webhooks).toEqual([expect.objectContaining({ id: body.id, description: 'ads', pending: 0, parked: 0 })]);
  });

  it('deletes with DELETE, with or without a JSON body (the renderer client sends {})', async () => {
    const { id } = (await api('POST', '/webhooks', { url: 'http://127.0.0.1:1/b' })).json();
    const res = await app.inject({
      method: 'DELETE',
      url: `/api/v1/webhooks/${id}`,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id, deleted: true });
    expect((await api('DELETE', `/webhooks/${id}`)).statusCode).toBe(404);
    expect((await api('PATCH', `/webhooks/${id}`, { enabled: false })).json().error.code).toBe('not_found');
  });

  it('refuses bad input naming the field, and an unknown or not parked delivery', async () => {
    const bad = await api('POST', '/webhooks', { url: 'javascript:alert(1)', maxAttempts: 0, timeoutMs: 5, colour: 'red' });
    expect(bad.statusCode).toBe(422);
    const paths = bad.json().error.details.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['url', 'maxAttempts', 'timeoutMs', '(body)']));
    expect((await api('PATCH', '/webhooks/not-a-uuid', { enabled: true })).json().error.details.issues[0].path).toBe('id');
    expect((await api('POST', '/webhooks/deliveries/999/retry')).statusCode).toBe(404);
    expect((await api('POST', '/webhooks/deliveries/abc/retry')).statusCode).toBe(422);
    const log = await api('GET', '/webhooks/deliveries?status=parked&limit=5');
    expect(log.json()).toEqual({ deliveries: [], next: null });
    expect((await api('GET', '/webhooks/deliveries?status=lost')).statusCode).toBe(422);
  });

  it('pages the delivery log newest first', async () => {
    await core.call('products.create', { sku: 'LOG-1', title: 'Log', price: '1.00' });
    const { id } = (await api('POST', '/webhooks', { url: 'http://127.0.0.1:1/c', eventTypes: ['stock.changed'] })).json();
    for (let i = 0; i < 5; i++) await core.call('stock.receive', { sku: 'LOG-1', quantity: 1 });
    const first = (await api('GET', `/webhooks/deliveries?subscriptionId=${id}&limit=3`)).json();
    expect(first.deliveries).toHaveLength(3);
    expect(first.deliveries[0]).toMatchObject({ subscriptionId: id, eventType: 'stock.changed', status: 'pending', attempts: 0, responseCode: null });
    const second = (await api('GET', `/webhooks/deliveries?subscriptionId=${id}&limit=3&before=${first.next}`)).json();
    expect(second.deliveries).toHaveLength(2);
    expect(second.next).toBeNull();
    const ids = [...first.deliveries, ...second.deliveries].map((d: { id: number }) => d.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const events = [...first.deliveries, ...second.deliveries].map((d: { eventId: number }) => d.eventId);
    expect(new Set(events).size).toBe(5);
  });
});
