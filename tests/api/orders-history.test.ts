import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { silentLogger } from '../../electron/core/logger';
import { productInput, startCore, type TestCore } from '../helpers/core';

const TOKEN = 'orders-token-0123456789abcdef';

describe('REST: undoing a fulfilment and the order history', () => {
  let core: TestCore;
  let app: FastifyInstance;
  const api = (method: 'GET' | 'POST', url: string, body?: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${TOKEN}`, ...headers },
      ...(body === undefined ? {} : { payload: body as object }),
    });

  beforeAll(async () => {
    core = await startCore('sqlite', { webhooks: { worker: false } });
    app = await createApiServer({ core, token: TOKEN, version: '9.9.9', logger: silentLogger, rateLimit: false });
    await core.call('products.create', productInput('JUG-1', { title: 'Milk jug' }));
    await core.call('stock.receive', { sku: 'JUG-1', quantity: 5 });
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  it('POST /reservations/{id}/undo-fulfil holds the units again, once', async () => {
    const held = (await api('POST', '/reservations', { sku: 'JUG-1', quantity: 2, reference: 'ORDER-9' })).json();
    expect(held).toMatchObject({ title: 'Milk jug', locationName: 'Main warehouse', channel: null, settledBy: null });
    expect((await api('POST', `/reservations/${held.id}/fulfil`)).json()).toMatchObject({ status: 'fulfilled', settledBy: 'stockfeed' });
    const undone = await api('POST', `/reservations/${held.id}/undo-fulfil`, undefined, { 'idempotency-key': 'undo-order-9' });
    expect(undone.statusCode).toBe(200);
    expect(undone.json()).toMatchObject({ id: held.id, status: 'held', stock: { onHand: 5, committed: 2, available: 3 } });
    const replayed = await api('POST', `/reservations/${held.id}/undo-fulfil`, undefined, { 'idempotency-key': 'undo-order-9' });
    expect(replayed.json()).toEqual(undone.json());
    const twice = await api('POST', `/reservations/${held.id}/undo-fulfil`);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error).toMatchObject({ code: 'conflict', message: expect.stringContaining('"Milk jug" (JUG-1)') });
    const badId = await api('POST', '/reservations/not-a-uuid/undo-fulfil');
    expect(badId.statusCode).toBe(422);
    expect(badId.json().error.details.issues).toEqual([expect.objectContaining({ path: 'id' })]);
    const unknown = await api('POST', '/reservations/01900000-0000-7000-8000-000000000000/undo-fulfil');
    expect(unknown.statusCode).toBe(404);
    await api('POST', `/reservations/${held.id}/release`);
  });

  it('GET /orders/history pages settled orders and names a bad parameter', async () => {
    const page = await api('GET', '/orders/history?limit=1');
    expect(page.statusCode).toBe(200);
    expect(page.json()).toEqual({
      orders: [
        expect.objectContaining({
          reference: 'ORDER-9',
          status: 'released',
          settledBy: 'stockfeed',
          channel: null,
          lines: [expect.objectContaining({ sku: 'JUG-1', title: 'Milk jug', locationName: 'Main warehouse', quantity: 2 })],
        }),
      ],
      next: null,
    });
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['before=yesterday', 'before'],
      ['status=held', ''],
    ] as const) {
      const bad = await api('GET', `/orders/history?${query}`);
      expect(bad.statusCode, query).toBe(422);
      expect(bad.json().error.code).toBe('validation_failed');
      if (field) expect(bad.json().error.details.issues, query).toEqual([expect.objectContaining({ path: field })]);
    }
  });

  it('documents both routes in the OpenAPI description', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    expect(doc.paths['/api/v1/reservations/{id}/undo-fulfil']?.post).toBeDefined();
    expect(doc.paths['/api/v1/orders/history']?.get?.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['before', 'limit']);
  });
});
