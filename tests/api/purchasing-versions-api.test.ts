/**
 * Suppliers and a purchase order's steps (place, receive, cancel, close) can name the version they
 * were decided on (`expectedUpdatedAt`), as a product, the settings and a PO's PATCH do: a stale
 * version is refused with 409 `conflict` (`details.field` `updatedAt`) and changes nothing, the
 * current one goes through, and a request without it works as before. A wrong type is a 422 from
 * the strict schema, and the OpenAPI document names the field on each route.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../electron/core/logger';
import { createApiServer } from '../../electron/server/http/server';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

const TOKEN = 'test-token-0123456789abcdef';

describe.each(engines())('version checks on suppliers and purchase order steps over REST on %s', (engine) => {
  let core: TestCore;
  let app: FastifyInstance;
  let supplierId: string;
  const api = (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) =>
    app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${TOKEN}` }, ...(body === undefined ? {} : { payload: body as object }) });
  const incoming = async () => (await core.call('stock.get', { sku: 'MUG' })).incoming;
  /** A draft of 10 MUG, and the same draft after a change elsewhere: the first one's version is stale. */
  async function changedDraft() {
    const draft = await core.call('purchaseOrders.create', { supplierId, lines: [{ sku: 'MUG', quantity: 10, unitCost: '4.00' }] });
    const now = await core.call('purchaseOrders.update', { id: draft.id, notes: 'changed elsewhere' });
    return { stale: draft.updatedAt, now };
  }

  beforeAll(async () => {
    core = await startCore(engine, { webhooks: { worker: false } });
    app = await createApiServer({ core, token: TOKEN, version: '9.9.9', logger: silentLogger });
    await core.call('products.create', productInput('MUG', { price: '12.00', currency: 'EUR' }));
    supplierId = (await core.call('suppliers.create', { name: 'Potter & Co', currency: 'EUR', leadTimeDays: 10 })).id;
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  it('refuses a supplier PATCH made from a stale version (409), takes the current one and one without', async () => {
    const loaded = (await api('GET', `/suppliers/${supplierId}`)).json();
    const anna = await api('PATCH', `/suppliers/${supplierId}`, { email: 'orders@potter.example', expectedUpdatedAt: loaded.updatedAt });
    expect(anna.statusCode).toBe(200);
    expect(anna.json().updatedAt > loaded.updatedAt).toBe(true);

    // Ben still has the first version on screen.
    const ben = await api('PATCH', `/suppliers/${supplierId}`, { leadTimeDays: 21, email: 'ben@potter.example', expectedUpdatedAt: loaded.updatedAt });
    expect(ben.statusCode).toBe(409);
    expect(ben.json().error).toMatchObject({ code: 'conflict', details: { field: 'updatedAt', updatedAt: anna.json().updatedAt } });
    expect((await api('GET', `/suppliers/${supplierId}`)).json()).toMatchObject({ email: 'orders@potter.example', leadTimeDays: 10, updatedAt: anna.json().updatedAt });

    const again = await api('PATCH', `/suppliers/${supplierId}`, { leadTimeDays: 21, expectedUpdatedAt: anna.json().updatedAt });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ email: 'orders@potter.example', leadTimeDays: 21 });
    const script = await api('PATCH', `/suppliers/${supplierId}`, { notes: 'from a script' });
    expect(script.statusCode).toBe(200);
    expect(script.json().notes).toBe('from a script');

    const wrong = await api('PATCH', `/suppliers/${supplierId}`, { notes: 'x', expectedUpdatedAt: 1733400000000 });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error.details.issues).toEqual([expect.objectContaining({ path: 'expectedUpdatedAt' })]);
  });

  it('stamps every supplier update later, even two in the same millisecond', async () => {
    const stamps: string[] = [];
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 60_000 });
    try {
      for (let i = 0; i < 4; i++) stamps.push((await core.call('suppliers.update', { id: supplierId, notes: `note ${i}` })).updatedAt);
    } finally {
      vi.useRealTimers();
    }
    for (let i = 1; i < stamps.length; i++) expect(stamps[i] as string > (stamps[i - 1] as string)).toBe(true);
    // So one of two saves made from the same version gets through.
    const loaded = await core.call('suppliers.get', { id: supplierId });
    const outcomes = await Promise.allSettled([3, 4].map((leadTimeDays) => core.call('suppliers.update', { id: supplierId, leadTimeDays, expectedUpdatedAt: loaded.updatedAt })));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
  });

  it('places a draft only on the version it was decided on', async () => {
    const { stale, now } = await changedDraft();
    const before = await incoming();
    const refused = await api('POST', `/purchase-orders/${now.id}/order`, { expectedUpdatedAt: stale });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'conflict', details: { field: 'updatedAt', updatedAt: now.updatedAt, status: 'draft' } });
    expect((await core.call('purchaseOrders.get', { id: now.id })).status).toBe('draft');
    expect(await incoming()).toBe(before);

    const placed = await api('POST', `/purchase-orders/${now.id}/order`, { expectedUpdatedAt: now.updatedAt });
    expect(placed.statusCode).toBe(200);
    expect(placed.json().status).toBe('ordered');
    expect(await incoming()).toBe(before + 10);

    const { now: other } = await changedDraft();
    const without = await api('POST', `/purchase-orders/${other.id}/order`);
    expect(without.statusCode).toBe(200);
    expect(without.json().status).toBe('ordered');
    expect((await api('POST', `/purchase-orders/${other.id}/order`, { expectedUpdatedAt: 5 })).statusCode).toBe(422);
  });

  it('books a receipt only on the version it was counted on', async () => {
    const draft = await core.call('purchaseOrders.create', { supplierId, lines: [{ sku: 'MUG', quantity: 10, unitCost: '4.00' }] });
    const ordered = await core.call('purchaseOrders.order', { id: draft.id });
    const line = ordered.lines[0]?.id as string;
    // Anna books 4 on the version she loaded.
    const anna = await api('POST', `/purchase-orders/${ordered.id}/receive`, { lines: [{ lineId: line, quantity: 4 }], expectedUpdatedAt: ordered.updatedAt });
    expect(anna.statusCode).toBe(200);
    expect(anna.json()).toMatchObject({ status: 'partly_received', lines: [expect.objectContaining({ received: 4 })] });
    expect(anna.json().updatedAt > ordered.updatedAt).toBe(true);

    // Ben counted the same delivery on the version before Anna's receipt: booking it again is refused.
    const onHand = (await core.call('stock.get', { sku: 'MUG' })).onHand;
    const ben = await api('POST', `/purchase-orders/${ordered.id}/receive`, { lines: [{ lineId: line, quantity: 4 }], expectedUpdatedAt: ordered.updatedAt });
    expect(ben.statusCode).toBe(409);
    expect(ben.json().error).toMatchObject({ code: 'conflict', details: { field: 'updatedAt', updatedAt: anna.json().updatedAt, status: 'partly_received' } });
    expect((await core.call('purchaseOrders.get', { id: ordered.id })).lines[0]?.received).toBe(4);
    expect((await core.call('stock.get', { sku: 'MUG' })).onHand).toBe(onHand);

    const current = await api('POST', `/purchase-orders/${ordered.id}/receive`, { lines: [{ lineId: line, quantity: 2 }], expectedUpdatedAt: anna.json().updatedAt });
    expect(current.statusCode).toBe(200);
    expect(current.json().lines[0].received).toBe(6);
    const without = await api('POST', `/purchase-orders/${ordered.id}/receive`, { lines: [{ lineId: line, quantity: 1 }] });
    expect(without.statusCode).toBe(200);
    expect(without.json().lines[0].received).toBe(7);
    expect((await api('POST', `/purchase-orders/${ordered.id}/receive`, { lines: [{ lineId: line, quantity: 1 }], expectedUpdatedAt: null })).statusCode).toBe(422);
  });

  it('cancels and closes only on the version they were decided on; a status that does not allow it is said first', async () => {
    const { stale, now } = await changedDraft();
    const refused = await api('POST', `/purchase-orders/${now.id}/cancel`, { expectedUpdatedAt: stale });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.details).toMatchObject({ field: 'updatedAt', updatedAt: now.updatedAt });
    expect((await core.call('purchaseOrders.get', { id: now.id })).status).toBe('draft');
    const cancelled = await api('POST', `/purchase-orders/${now.id}/cancel`, { expectedUpdatedAt: now.updatedAt });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().status).toBe('cancelled');
    // Cancelled now: asked with the old version, the answer is about the status.
    const late = await api('POST', `/purchase-orders/${now.id}/cancel`, { expectedUpdatedAt: now.updatedAt });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.details).toMatchObject({ field: 'status', status: 'cancelled' });

    const { now: other } = await changedDraft();
    const without = await api('POST', `/purchase-orders/${other.id}/cancel`);
    expect(without.statusCode).toBe(200);
    expect(without.json().status).toBe('cancelled');

    const placed = await core.call('purchaseOrders.order', { id: (await changedDraft()).now.id });
    const dated = await core.call('purchaseOrders.update', { id: placed.id, notes: 'call before delivery' });
    const before = await incoming();
    const closeStale = await api('POST', `/purchase-orders/${placed.id}/close`, { expectedUpdatedAt: placed.updatedAt });
    expect(closeStale.statusCode).toBe(409);
    expect(closeStale.json().error.details).toMatchObject({ field: 'updatedAt', status: 'ordered' });
    expect(await incoming()).toBe(before);
    const closed = await api('POST', `/purchase-orders/${placed.id}/close`, { expectedUpdatedAt: dated.updatedAt });
    expect(closed.statusCode).toBe(200);
    expect(closed.json().status).toBe('closed');
    expect(await incoming()).toBe(before - 10);
  });

  it('names expectedUpdatedAt in the OpenAPI document of each route that takes it', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    for (const [path, method] of [
      ['/api/v1/suppliers/{id}', 'patch'],
      ['/api/v1/purchase-orders/{id}', 'patch'],
      ['/api/v1/purchase-orders/{id}/order', 'post'],
      ['/api/v1/purchase-orders/{id}/receive', 'post'],
      ['/api/v1/purchase-orders/{id}/cancel', 'post'],
      ['/api/v1/purchase-orders/{id}/close', 'post'],
    ] as const) {
      const body = doc.paths[path]?.[method]?.requestBody?.content['application/json'].schema;
      expect(body?.properties?.expectedUpdatedAt, `${method} ${path}`).toMatchObject({ type: 'string', description: expect.stringContaining('409') });
      expect(body?.required ?? []).not.toContain('expectedUpdatedAt');
    }
  });
});
