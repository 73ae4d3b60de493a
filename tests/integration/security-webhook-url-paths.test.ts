/**
 * Security regression: a webhook URL's path and query went into `webhook.changed` events. Many
 * receivers put their secret there (Slack's and Discord's incoming webhooks, Zapier's and Make's
 * catch hooks, an n8n webhook path): whoever holds one may post to the channel or start the flow.
 * The change log is read by every person signed in, viewers included (the webhooks themselves are
 * the owner's alone), and it is delivered to every subscription that takes all events, so one
 * receiver learnt the others' URLs. The change log now shows a webhook URL's scheme and host only;
 * the owner still reads the whole URL in the list of webhooks. Past events are rewritten on upgrade.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../electron/core/core';
import { engines, productInput, startCore, type Engine, type TestCore } from '../helpers/core';

const MIGRATION = '20261206120000_webhook_url_paths';
const SECRETS = /T0SECRET|B0SECRET|XyZsecretPathToken|QuerySecret-7|pw-Secret-9/;

describe.each(engines())('webhook URLs in the change log (%s)', (engine: Engine) => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.cleanup();
    core = undefined;
  });

  it('shows a webhook URL by its scheme and host only; the owner’s list keeps the whole URL', async () => {
    core = await startCore(engine, { webhooks: { worker: false } });
    const all = await core.call('webhooks.create', { url: 'https://hooks.example.com/stockfeed' });
    const slack = await core.call('webhooks.create', { url: 'https://hooks.slack.example/services/T0SECRET/B0SECRET/XyZsecretPathToken', eventTypes: ['stock.changed'] });
    const zap = await core.call('webhooks.create', { url: 'https://user:pw-Secret-9@hooks.zapier.example:8443/catch/1?key=QuerySecret-7', eventTypes: ['stock.changed'] });
    await core.call('webhooks.update', { id: zap.id, description: 'renamed' });
    await core.call('webhooks.delete', { id: slack.id });

    const changes = await core.call('changes.list', { since: 0, limit: 1000, type: 'webhook.changed' });
    expect(JSON.stringify(changes)).not.toMatch(SECRETS);
    const urls = changes.changes.map((c) => [c.payload.id, c.payload.action, c.payload.url]);
    expect(urls).toEqual([
      [all.id, 'created', 'https://hooks.example.com/***'],
      [slack.id, 'created', 'https://hooks.slack.example/***'],
      [zap.id, 'created', 'https://***@hooks.zapier.example:8443/***'],
      [zap.id, 'updated', 'https://***@hooks.zapier.example:8443/***'],
      [slack.id, 'deleted', 'https://hooks.slack.example/***'],
    ]);
    // What the subscription that takes every event is sent: the same changes, nothing more.
    const sent = (await core.db('webhook_deliveries').where({ subscription_id: all.id }).pluck('change_seq')) as Array<number | string>;
    expect(sent.length).toBeGreaterThan(0);
    const delivered = (await core.db('changes').whereIn('seq', sent).pluck('payload')) as string[];
    expect(delivered.join('\n')).not.toMatch(SECRETS);

    // The owner's own list: the whole URL (credentials masked, as before).
    const { webhooks } = await core.call('webhooks.list', {});
    expect(webhooks.find((w) => w.id === zap.id)?.url).toBe('https://***@hooks.zapier.example:8443/catch/1?key=QuerySecret-7');
  });

  it('rewrites the URLs of past events on upgrade, and is safe to run twice', async () => {
    core = await startCore(engine, { webhooks: { worker: false } });
    await core.call('products.create', productInput('PAST-1'));
    const now = new Date().toISOString();
    const past = [
      'https://***@n8n.example.com/webhook/XyZsecretPathToken?key=QuerySecret-7',
      'https://discord.example/api/webhooks/1/T0SECRET',
      'https://hooks.example.com/',
      'not a url',
    ];
    for (const url of past) {
      await core.db('changes').insert({ type: 'webhook.changed', product_id: null, sku: null, payload: JSON.stringify({ id: 'x', action: 'created', url, eventTypes: [], enabled: true }), created_at: now });
    }
    const { config, dataDir } = core;
    let open: Core = core;
    for (let run = 0; run < 2; run++) {
      await open.db('knex_migrations').where({ name: MIGRATION }).delete();
      await open.close();
      open = await openCore({ dataDir, databaseUrl: config.kind === 'pg' ? config.url : undefined, expirySweepMs: 0, webhooks: { worker: false } });
      const { changes } = await open.handlers['changes.list']({ since: 0, limit: 1000, type: 'webhook.changed' });
      expect(JSON.stringify(changes)).not.toMatch(SECRETS);
      expect(changes.map((c) => c.payload.url)).toEqual(['https://***@n8n.example.com/***', 'https://discord.example/***', 'https://hooks.example.com/', 'not a url']);
    }
    await open.close();
  });
});
