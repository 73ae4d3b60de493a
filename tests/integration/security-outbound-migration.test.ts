/**
 * Security regression (issue 12): what earlier versions already wrote is rewritten on upgrade. A
 * webhook URL's credentials in past `webhook.changed` events are masked, and receiver answers are
 * cut from the delivery log, so API clients cannot read them there either.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openCore } from '../../electron/core/core';
import { engines, productInput, startCore, type Engine, type TestCore } from '../helpers/core';

const MIGRATION = '20261204120000_outbound_redaction';

describe.each(engines())('the outbound redaction migration (%s)', (engine: Engine) => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.cleanup();
    core = undefined;
  });

  it('masks credentials in past webhook.changed events and keeps only the status of past failures', async () => {
    core = await startCore(engine, { webhooks: { worker: false } });
    await core.call('products.create', productInput('OLD-1'));
    const sub = await core.call('webhooks.create', { url: 'https://hooks.example.com/old', eventTypes: ['stock.changed'] });
    await core.call('stock.receive', { sku: 'OLD-1', quantity: 1 });
    // What an earlier version left behind.
    const now = new Date().toISOString();
    await core.db('changes').insert({
      type: 'webhook.changed',
      product_id: null,
      sku: null,
      payload: JSON.stringify({ id: sub.id, action: 'updated', url: 'https://n8n-user:Old-secret-1@n8n.example.com/hook', eventTypes: [], enabled: true }),
      created_at: now,
    });
    await core.db('webhook_deliveries').where({ subscription_id: sub.id }).update({ status: 'parked', attempts: 1, response_code: 500, error: 'HTTP 500: {"db_password":"internal answer"}', last_attempt_at: now });
    const other = await core.call('webhooks.create', { url: 'https://hooks.example.com/other', eventTypes: ['stock.changed'] });
    await core.call('stock.receive', { sku: 'OLD-1', quantity: 1 });
    await core.db('webhook_deliveries').where({ subscription_id: other.id }).update({ status: 'parked', attempts: 1, response_code: null, error: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9' });

    // Run the migration again on this data, as an upgrade would (it is safe to run twice).
    await core.db('knex_migrations').where({ name: MIGRATION }).delete();
    const { config, dataDir } = core;
    await core.close();
    const reopened = await openCore({ dataDir, databaseUrl: config.kind === 'pg' ? config.url : undefined, expirySweepMs: 0, webhooks: { worker: false } });
    try {
      const changes = JSON.stringify(await reopened.handlers['changes.list']({ since: 0, limit: 1000, type: 'webhook.changed' }));
      expect(changes).not.toContain('Old-secret-1');
      expect(changes).toContain('https://***@n8n.example.com/hook');
      const { deliveries } = await reopened.handlers['webhooks.deliveries']({ status: 'parked', limit: 50 });
      expect(deliveries.find((d) => d.subscriptionId === sub.id)).toMatchObject({ responseCode: 500, error: 'HTTP 500' });
      // Network errors had no answer in them and stay as they were.
      expect(deliveries.find((d) => d.subscriptionId === other.id)?.error).toBe('ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9');
    } finally {
      await reopened.close();
    }
  });
});
