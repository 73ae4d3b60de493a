/**
 * Rows that only grow are deleted after the retention (Settings → retentionDays, default 90):
 * finished webhook deliveries, idempotency keys and channel webhook deliveries. Pending
 * deliveries, and everything younger than the retention, stay.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pruneHistory } from '../../electron/core/maintenance/prune-history';
import { engines, productInput, startCore, type Engine, type TestCore } from '../helpers/core';

const DAY = 86_400_000;
const NOW = new Date('2026-12-04T12:00:00.000Z');
const ago = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();

describe.each(engines())('pruning old rows on %s', (engine: Engine) => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.cleanup();
    core = undefined;
  });

  async function seed(c: TestCore): Promise<void> {
    await c.call('products.create', productInput('PRUNE-1'));
    const { seq } = await c.call('changes.latest', {});
    const hook = await c.call('webhooks.create', { url: 'https://hooks.example.com/stockfeed', enabled: false });
    const delivery = (status: string, days: number) => ({
      subscription_id: hook.id,
      change_seq: seq,
      event_type: 'product.created',
      status,
      attempts: 1,
      created_at: ago(days),
    });
    await c.db('webhook_deliveries').insert([delivery('delivered', 200), delivery('parked', 120), delivery('pending', 300), delivery('delivered', 10)]);
    const key = (name: string, days: number) => ({ key: name, operation: 'stock.receive', request_hash: 'h', response: '{}', created_at: ago(days) });
    await c.db('idempotency_keys').insert([key('old-1', 91), key('old-2', 400), key('new-1', 89)]);
    const channel = (id: string, days: number) => ({ channel: 'shopify', delivery_id: id, topic: 'orders/create', order_id: null, result: '{}', received_at: ago(days) });
    await c.db('channel_deliveries').insert([channel('old', 95), channel('new', 5)]);
  }

  it('deletes what is older than the retention, and nothing else', async () => {
    core = await startCore(engine);
    await seed(core);
    const report = await pruneHistory(core.queue, 90, NOW);
    expect(report).toEqual({ webhookDeliveries: 2, idempotencyKeys: 2, channelDeliveries: 1, cutoff: ago(90) });
    const statuses = ((await core.db('webhook_deliveries').select('status').orderBy('id')) as Array<{ status: string }>).map((r) => r.status);
    expect(statuses).toEqual(['pending', 'delivered']);
    expect(((await core.db('idempotency_keys').select('key')) as Array<{ key: string }>).map((r) => r.key)).toEqual(['new-1']);
    expect(((await core.db('channel_deliveries').select('delivery_id')) as Array<{ delivery_id: string }>).map((r) => r.delivery_id)).toEqual(['new']);
    // The ledger and the change log are never pruned.
    expect(await core.checkLedger()).toMatchObject({ ok: true });
    expect((await core.call('changes.list', { since: 0 })).changes.length).toBeGreaterThan(0);
  });

  it('runs with the daily tasks, with the retention from the settings', async () => {
    core = await startCore(engine, { backups: { checkEveryMs: 0 } });
    await seed(core);
    const settings = await core.call('settings.get', {});
    expect(settings.retentionDays).toBe(90);
    await core.call('settings.update', { ...settings, retentionDays: 7 });
    await core.runDailyTasks(NOW);
    expect(((await core.db('idempotency_keys').select('key')) as unknown[]).length).toBe(0);
    expect(((await core.db('channel_deliveries').select('delivery_id')) as Array<{ delivery_id: string }>).map((r) => r.delivery_id)).toEqual(['new']);
    const bad = await core.call('settings.update', { ...settings, retentionDays: 3 }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 'validation_failed' });
  });
});
