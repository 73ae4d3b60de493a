import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { silentLogger } from '../../electron/core/logger';
import { productInput, startCore, type TestCore } from '../helpers/core';

const TOKEN = 'test-token-0123456789abcdef';

describe('POST /api/v1/stock/counts (3PL counts)', () => {
  let core: TestCore;
  let app: FastifyInstance;
  const post = (counts: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/api/v1/stock/counts', headers: { authorization: `Bearer ${TOKEN}`, ...headers }, payload: { counts } });
  const onHand = async (sku: string, location = 'main') =>
    (await core.call('stock.get', { sku })).byLocation.find((l) => l.location === location)?.onHand ?? 0;

  beforeAll(async () => {
    core = await startCore('sqlite');
    app = await createApiServer({ core, token: TOKEN, version: 'test', logger: silentLogger, rateLimit: false });
    await core.call('locations.create', { code: '3pl-east', name: '3PL East' });
    for (const sku of ['CNT-A', 'CNT-B', 'CNT-C']) await core.call('products.create', productInput(sku));
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  it('needs the API token', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/stock/counts', payload: { counts: [] } });
    expect(res.statusCode).toBe(401);
  });

  it('rejects the whole batch listing every bad row with its index and field, applying nothing', async () => {
    const res = await post([
      { sku: 'CNT-A', location: 'main', onHand: 5, countedAt: '2026-11-26T08:00:00Z' },
      { sku: 'bad sku!', location: 'main', onHand: 5, countedAt: '2026-11-26T08:00:00Z' },
      { sku: 'CNT-B', location: 'main', onHand: -1, countedAt: 'yesterday' },
      { sku: 'CNT-C', location: 'main', onHand: '7', countedAt: '2026-11-26T08:00:00Z', bin: 'A-1' },
    ]);
    expect(res.statusCode).toBe(422);
    const paths = res.json().error.details.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['counts.1.sku', 'counts.2.onHand', 'counts.2.countedAt', 'counts.3.onHand', 'counts.3']));
    expect(await onHand('CNT-A')).toBe(0);

    const unknown = await post([
      { sku: 'CNT-A', location: 'main', onHand: 5, countedAt: '2026-11-26T08:00:00Z' },
      { sku: 'CNT-NOPE', location: 'main', onHand: 5, countedAt: '2026-11-26T08:00:00Z' },
      { sku: 'CNT-B', location: 'nowhere', onHand: 5, countedAt: '2026-11-26T08:00:00Z' },
    ]);
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.details.issues.map((i: { path: string }) => i.path)).toEqual(['counts.1.sku', 'counts.2.location']);
    expect(await onHand('CNT-A')).toBe(0);
    expect((await post([])).statusCode).toBe(422);
  });

  it('applies counts as count movements, per location', async () => {
    const res = await post([
      { sku: 'cnt-a', location: 'main', onHand: 12, countedAt: '2026-11-26T08:00:00Z' },
      { sku: 'CNT-A', location: '3PL-EAST', onHand: 30, countedAt: '2026-11-26T08:00:00+01:00' },
      { sku: 'CNT-B', location: 'main', onHand: 0, countedAt: '2026-11-26T08:00:00Z' },
    ]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ applied: 2, unchanged: 1, stale: 0, refused: 0 });
    expect(res.json().results[1]).toMatchObject({ index: 1, sku: 'CNT-A', location: '3pl-east', outcome: 'applied', delta: 30 });
    expect(await onHand('CNT-A')).toBe(12);
    expect(await onHand('CNT-A', '3pl-east')).toBe(30);
    const movements = await core.call('movements.list', { sku: 'CNT-A' });
    expect(movements.movements.map((m) => m.kind)).toEqual(['count', 'count']);
  });

  it('ignores and reports a count older than the last one applied (deliveries out of order)', async () => {
    const newer = await post([{ sku: 'CNT-A', location: 'main', onHand: 20, countedAt: '2026-11-26T12:00:00Z' }]);
    expect(newer.json().applied).toBe(1);
    const older = await post([{ sku: 'CNT-A', location: 'main', onHand: 3, countedAt: '2026-11-26T10:00:00Z' }]);
    expect(older.statusCode).toBe(200);
    expect(older.json()).toMatchObject({ applied: 0, stale: 1 });
    expect(older.json().results[0].message).toContain('2026-11-26T12:00:00.000Z');
    // The same instant written in another offset is the same count: stale too.
    const same = await post([{ sku: 'CNT-A', location: 'main', onHand: 3, countedAt: '2026-11-26T13:00:00+01:00' }]);
    expect(same.json().stale).toBe(1);
    expect(await onHand('CNT-A')).toBe(20);

    // Within one batch the newest row for a SKU and location wins, whatever the order of the rows.
    const batch = await post([
      { sku: 'CNT-C', location: 'main', onHand: 9, countedAt: '2026-11-26T15:00:00Z' },
      { sku: 'CNT-C', location: 'main', onHand: 4, countedAt: '2026-11-26T14:00:00Z' },
    ]);
    expect(batch.json().results.map((r: { outcome: string }) => r.outcome)).toEqual(['applied', 'stale']);
    expect(await onHand('CNT-C')).toBe(9);
  });

  it('never overwrites committed stock: a count below the reserved units is refused and reported', async () => {
    await core.call('reservations.create', { sku: 'CNT-C', quantity: 6, reference: 'ORDER-1' });
    const res = await post([
      { sku: 'CNT-C', location: 'main', onHand: 2, countedAt: '2026-11-26T16:00:00Z' },
      { sku: 'CNT-B', location: 'main', onHand: 5, countedAt: '2026-11-26T16:00:00Z' },
    ]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ applied: 1, refused: 1 });
    expect(res.json().results[0]).toMatchObject({ outcome: 'refused', message: expect.stringContaining('reserved') });
    expect(await onHand('CNT-C')).toBe(9);
    expect(await onHand('CNT-B')).toBe(5);
    // A refused count is not "the last applied": a later, higher count still applies.
    const later = await post([{ sku: 'CNT-C', location: 'main', onHand: 7, countedAt: '2026-11-26T15:30:00Z' }]);
    expect(later.json().applied).toBe(1);
  });

  it('replays a batch sent again with the same Idempotency-Key', async () => {
    const rows = [{ sku: 'CNT-B', location: 'main', onHand: 8, countedAt: '2026-11-26T18:00:00Z' }];
    const first = await post(rows, { 'idempotency-key': '3pl-batch-0001' });
    const again = await post(rows, { 'idempotency-key': '3pl-batch-0001' });
    expect(again.json()).toEqual(first.json());
    expect(await onHand('CNT-B')).toBe(8);
    expect((await core.checkLedger()).ok).toBe(true);
  });
});
