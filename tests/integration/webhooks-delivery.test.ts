import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCore } from '../../electron/core/core';
import { contract } from '../../shared/contract';
import { parseInput } from '../../shared/validation';
import { retryDelayMs } from '../../electron/core/webhooks/webhook-worker';
import { verifyStockfeedWebhook } from '../../docs/verify-webhook.mjs';
import { engines, productInput, startCore, type Engine, type TestCore } from '../helpers/core';
import { allowPrivateNetwork, startReceiver, type Receiver } from '../helpers/webhook-receiver';

const FAST = { retryBaseMs: 40, retryMaxMs: 200 };

/**
 * A core whose owner allowed local receivers (webhooks.allowPrivateNetwork, saved through the
 * settings like the owner would): the test receivers listen on 127.0.0.1.
 */
async function startLocalCore(engine: Engine, options: Parameters<typeof startCore>[1]): Promise<TestCore> {
  const core = await startCore(engine, options);
  await allowPrivateNetwork(core);
  return core;
}

describe('the README verification snippet', () => {
  it('is docs/verify-webhook.mjs, word for word', () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    const snippet = fs.readFileSync(path.resolve(__dirname, '../../docs/verify-webhook.mjs'), 'utf8');
    expect(readme).toContain(`\`\`\`js\n${snippet}\`\`\``);
  });
});

describe('retry delays', () => {
  it('double per failure up to the maximum, with half of each delay random', () => {
    expect(retryDelayMs(1, 1000, 60_000, 0)).toBe(500);
    expect(retryDelayMs(1, 1000, 60_000, 1)).toBe(1000);
    expect(retryDelayMs(3, 1000, 60_000, 0)).toBe(2000);
    expect(retryDelayMs(3, 1000, 60_000, 1)).toBe(4000);
    expect(retryDelayMs(30, 1000, 60_000, 1)).toBe(60_000);
    const spread = new Set(Array.from({ length: 50 }, () => retryDelayMs(4, 1000, 60_000)));
    expect(spread.size).toBeGreaterThan(10);
    for (const d of spread) expect(d >= 4000 && d <= 8000).toBe(true);
  });
});

describe.each(engines())('outgoing webhooks (%s)', (engine) => {
  let core: TestCore | undefined;
  let receiver: Receiver | undefined;

  afterEach(async () => {
    await receiver?.close();
    await core?.cleanup();
    receiver = undefined;
    core = undefined;
  });

  it('retries a failure and a timeout, keeps order per subscription, and signs what the README snippet verifies', async () => {
    core = await startLocalCore(engine, { webhooks: FAST });
    receiver = await startReceiver('ok');
    receiver.script = ['fail', 'hang'];
    await core.call('products.create', productInput('HOOK-1'));
    const sub = await core.call('webhooks.create', { url: receiver.url, eventTypes: ['stock.changed'], maxAttempts: 5, timeoutMs: 300 });
    expect(sub.secret).toMatch(/^whsec_/);

    const seqs: number[] = [];
    for (const quantity of [1, 2, 3]) seqs.push((await core.call('stock.receive', { sku: 'HOOK-1', quantity })).seq);
    await receiver.waitFor((r) => r.delivered().length === 3);

    // The first event failed (503), timed out, then went through; the others waited for it.
    expect(receiver.requests.map((r) => [r.eventId, r.answeredWith])).toEqual([
      [seqs[0], 'fail'],
      [seqs[0], 'hang'],
      [seqs[0], 'ok'],
      [seqs[1], 'ok'],
      [seqs[2], 'ok'],
    ]);
    for (const request of receiver.requests) {
      expect(request.headers['stockfeed-event-type']).toBe('stock.changed');
      expect(request.headers['content-type']).toBe('application/json');
      expect(verifyStockfeedWebhook(sub.secret, request.rawBody, request.headers)).toBe(true);
      expect(verifyStockfeedWebhook(sub.secret, request.rawBody.replace('HOOK-1', 'HOOK-2'), request.headers)).toBe(false);
      expect(verifyStockfeedWebhook(`${sub.secret}x`, request.rawBody, request.headers)).toBe(false);
      const body = JSON.parse(request.rawBody);
      expect(body).toMatchObject({ seq: request.eventId, type: 'stock.changed', sku: 'HOOK-1' });
    }
    const stale = receiver.requests[0] as Receiver['requests'][number];
    const oldHeaders = { ...stale.headers, 'stockfeed-timestamp': String(Math.floor(Date.now() / 1000) - 3600) };
    expect(verifyStockfeedWebhook(sub.secret, stale.rawBody, oldHeaders)).toBe(false);

    // Results are recorded after each page of sends, a moment after the receiver answered.
    await expect.poll(async () => (await core!.call('webhooks.deliveries', { status: 'delivered' })).deliveries.length).toBe(3);
    const log = await core.call('webhooks.deliveries', { subscriptionId: sub.id });
    const first = log.deliveries.find((d) => d.eventId === seqs[0]);
    expect(first).toMatchObject({ status: 'delivered', attempts: 3, responseCode: 200, error: null });
    expect(first?.durationMs).toBeGreaterThanOrEqual(0);
    expect(log.deliveries.every((d) => d.status === 'delivered')).toBe(true);
    // The secret is shown once, at creation, and never again.
    const listed = await core.call('webhooks.list', {});
    expect(JSON.stringify(listed)).not.toContain(sub.secret);
    const changes = await core.call('changes.list', { since: 0, limit: 1000 });
    expect(JSON.stringify(changes)).not.toContain(sub.secret);
  });

  it('parks a delivery after maxAttempts, shows it, goes on with the next, and delivers it again by hand', async () => {
    core = await startLocalCore(engine, { webhooks: FAST });
    receiver = await startReceiver('fail');
    await core.call('products.create', productInput('HOOK-2'));
    const sub = await core.call('webhooks.create', { url: receiver.url, eventTypes: ['stock.changed'], maxAttempts: 2, secret: 'a-secret-of-sixteen-chars' });
    const { seq } = await core.call('stock.receive', { sku: 'HOOK-2', quantity: 1 });
    await receiver.waitFor((r) => r.requests.length === 2);
    await expect.poll(async () => (await core!.call('webhooks.deliveries', { status: 'parked' })).deliveries.length).toBe(1);

    const parked = (await core.call('webhooks.deliveries', { status: 'parked' })).deliveries[0];
    // The status and its standard name; the receiver's answer ("down for maintenance") is not kept.
    expect(parked).toMatchObject({ eventId: seq, attempts: 2, responseCode: 503, error: 'HTTP 503 Service Unavailable' });
    expect((await core.call('webhooks.list', {})).webhooks[0]).toMatchObject({ id: sub.id, parked: 1, pending: 0 });

    receiver.fallback = 'ok';
    const next = await core.call('stock.receive', { sku: 'HOOK-2', quantity: 1 });
    await receiver.waitFor((r) => r.delivered().some((d) => d.eventId === next.seq));
    await expect(core.call('webhooks.retry', { id: (parked as { id: number }).id + 1 })).rejects.toMatchObject({ code: expect.stringMatching(/conflict|not_found/) });

    const retried = await core.call('webhooks.retry', { id: (parked as { id: number }).id });
    expect(retried).toMatchObject({ status: 'pending', attempts: 0 });
    await receiver.waitFor((r) => r.delivered().some((d) => d.eventId === seq));
    await expect.poll(async () => (await core!.call('webhooks.deliveries', { status: 'delivered' })).deliveries.length).toBe(2);
    await expect(core.call('webhooks.retry', { id: (parked as { id: number }).id })).rejects.toMatchObject({ code: 'conflict' });
    const last = receiver.delivered().find((d) => d.eventId === seq);
    expect(last && verifyStockfeedWebhook('a-secret-of-sixteen-chars', last.rawBody, last.headers)).toBe(true);
  });

  it('logs an unreachable receiver as a network error and parks it', async () => {
    core = await startLocalCore(engine, { webhooks: FAST });
    const closed = await startReceiver();
    const url = closed.url;
    await closed.close();
    await core.call('products.create', productInput('HOOK-5'));
    await core.call('webhooks.create', { url, eventTypes: ['stock.changed'], maxAttempts: 1 });
    await core.call('stock.receive', { sku: 'HOOK-5', quantity: 1 });
    await expect.poll(async () => (await core!.call('webhooks.deliveries', { status: 'parked' })).deliveries.length).toBe(1);
    const [parked] = (await core.call('webhooks.deliveries', {})).deliveries;
    expect(parked).toMatchObject({ attempts: 1, responseCode: null, error: 'connection refused (ECONNREFUSED)' });
  });

  it('disabling pauses a subscription; fixing its URL sends the waiting retry at once', async () => {
    core = await startLocalCore(engine, { webhooks: { retryBaseMs: 60_000, retryMaxMs: 60_000, lingerMs: 0 } });
    receiver = await startReceiver('ok');
    await core.call('products.create', productInput('HOOK-6'));
    const sub = await core.call('webhooks.create', { url: `${receiver.url}/wrong`, eventTypes: ['stock.changed'] });
    receiver.script = ['fail'];
    const { seq } = await core.call('stock.receive', { sku: 'HOOK-6', quantity: 1 });
    await receiver.waitFor((r) => r.requests.length === 1);
    // The next try is a minute away. While switched off, nothing is sent and nothing new is queued.
    await core.call('webhooks.update', { id: sub.id, enabled: false });
    await core.call('stock.receive', { sku: 'HOOK-6', quantity: 1 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.requests).toHaveLength(1);
    await core.call('webhooks.update', { id: sub.id, enabled: true, url: receiver.url });
    await receiver.waitFor((r) => r.delivered().length === 1);
    const after = await core.call('stock.receive', { sku: 'HOOK-6', quantity: 1 });
    await receiver.waitFor((r) => r.delivered().length === 2);
    expect(receiver.delivered().map((r) => r.eventId)).toEqual([seq, after.seq]);
  });

  it('sends each delivery once and in order when two processes share the database (one holds the lease)', async () => {
    receiver = await startReceiver('ok');
    core = await startLocalCore(engine, { webhooks: { ...FAST, pollMs: 50 } });
    const { config, dataDir } = core;
    const other = await openCore({ dataDir, databaseUrl: config.kind === 'pg' ? config.url : undefined, expirySweepMs: 0, webhooks: { ...FAST, pollMs: 50 } });
    try {
      await core.call('products.create', productInput('HOOK-7'));
      await core.call('webhooks.create', { url: receiver.url, eventTypes: ['stock.changed'] });
      const receive = (from: typeof other, quantity: number) =>
        from.handlers['stock.receive'](parseInput(contract['stock.receive'].input, { sku: 'HOOK-7', quantity }));
      const seqs: number[] = [];
      for (let i = 0; i < 20; i++) seqs.push((await receive(i % 2 === 0 ? core : other, 1)).seq);
      await receiver.waitFor((r) => r.delivered().length >= 20);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(receiver.requests.map((r) => r.eventId)).toEqual(seqs);
      const owners = await core.db('webhook_subscriptions').pluck('lease_owner');
      expect(owners.filter(Boolean)).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('delivers what was committed before a crash: the worker resumes pending rows at start', async () => {
    receiver = await startReceiver('ok');
    core = await startLocalCore(engine, { webhooks: { worker: false } });
    await core.call('products.create', productInput('HOOK-3'));
    const sub = await core.call('webhooks.create', { url: receiver.url, eventTypes: ['stock.changed', 'availability.changed'] });
    const { seq } = await core.call('stock.receive', { sku: 'HOOK-3', quantity: 4 });
    const { config, dataDir } = core;
    await core.close();
    expect(receiver.requests).toHaveLength(0);

    const reopened = await openCore({ dataDir, databaseUrl: config.kind === 'pg' ? config.url : undefined, expirySweepMs: 0, webhooks: FAST });
    try {
      await receiver.waitFor((r) => r.delivered().length === 2);
      // The receive and the availability crossing it caused, in change order.
      expect(receiver.requests.map((r) => [r.eventId, r.headers['stockfeed-event-type']])).toEqual([
        [seq, 'stock.changed'],
        [seq + 1, 'availability.changed'],
      ]);
      for (const r of receiver.requests) expect(verifyStockfeedWebhook(sub.secret, r.rawBody, r.headers)).toBe(true);
    } finally {
      await reopened.close();
    }
  });

  it('queues deliveries in the same transaction as the change, and none without subscriptions', async () => {
    core = await startLocalCore(engine, { webhooks: { worker: false } });
    await core.call('products.create', productInput('HOOK-4'));
    const statements: string[] = [];
    const onQuery = (q: { sql: string }) => statements.push(q.sql);
    core.db.on('query', onQuery);
    await core.call('stock.receive', { sku: 'HOOK-4', quantity: 1 });
    core.db.off('query', onQuery);
    expect(statements.filter((s) => /webhook/i.test(s))).toEqual([]);
    const withoutSubscriptions = statements.length;

    const all = await core.call('webhooks.create', { url: 'https://hooks.example.com/all' });
    await core.call('webhooks.create', { url: 'https://hooks.example.com/products', eventTypes: ['product.updated'] });
    await core.call('webhooks.create', { url: 'https://hooks.example.com/off', enabled: false });
    await core.call('stock.receive', { sku: 'HOOK-4', quantity: 1 }); // loads the subscriptions once
    statements.length = 0;
    core.db.on('query', onQuery);
    await Promise.all([1, 2, 3].map((quantity) => core!.call('stock.receive', { sku: 'HOOK-4', quantity })));
    core.db.off('query', onQuery);
    // One multi-row insert for the whole batch; nothing else.
    expect(statements.filter((s) => /webhook/i.test(s))).toHaveLength(1);
    expect(statements.length).toBe(withoutSubscriptions + 1);

    const rows = (await core.db('webhook_deliveries').select('subscription_id', 'event_type', 'status')) as Array<{ subscription_id: string; event_type: string }>;
    // Four receives, and the two later subscriptions' creation (webhook.changed) for the "all" one.
    expect(rows.map((r) => r.event_type).sort()).toEqual(['stock.changed', 'stock.changed', 'stock.changed', 'stock.changed', 'webhook.changed', 'webhook.changed']);
    expect(new Set(rows.map((r) => r.subscription_id))).toEqual(new Set([all.id]));

    // A write that rolls back leaves no delivery behind.
    await expect(core.call('stock.adjust', { sku: 'HOOK-4', quantity: -1000, reason: 'damaged' })).rejects.toMatchObject({ code: 'insufficient_stock' });
    expect(Number(((await core.db('webhook_deliveries').count({ n: '*' }).first()) as { n: unknown }).n)).toBe(6);

    await core.call('webhooks.delete', { id: all.id });
    await core.call('stock.receive', { sku: 'HOOK-4', quantity: 1 });
    expect(Number(((await core.db('webhook_deliveries').count({ n: '*' }).first()) as { n: unknown }).n)).toBe(0);
  });

  it('validates subscriptions with a specific message for each field', async () => {
    core = await startLocalCore(engine, { webhooks: { worker: false } });
    await expect(core.call('webhooks.create', { url: 'ftp://example.com/x' })).rejects.toMatchObject({
      code: 'validation_failed',
      details: { issues: [{ path: 'url', message: expect.stringContaining('http') }] },
    });
    await expect(core.call('webhooks.create', { url: 'https://x.example.com', eventTypes: ['stock.exploded' as 'stock.changed'] })).rejects.toMatchObject({
      details: { issues: [{ path: 'eventTypes.0', message: expect.stringContaining('stock.changed') }] },
    });
    await expect(core.call('webhooks.create', { url: 'https://x.example.com', secret: 'short' })).rejects.toMatchObject({
      details: { issues: [{ path: 'secret', message: 'secret must be at least 16 characters' }] },
    });
    await expect(core.call('webhooks.update', { id: '0190c5a0-0000-7000-8000-000000000000', enabled: false })).rejects.toMatchObject({ code: 'not_found' });
    const created = await core.call('webhooks.create', { url: 'https://x.example.com', eventTypes: ['stock.changed', 'stock.changed'] });
    expect(created.eventTypes).toEqual(['stock.changed']);
    const updated = await core.call('webhooks.update', { id: created.id, enabled: false, maxAttempts: 3, secret: 'another-long-secret-123' });
    expect(updated).toMatchObject({ enabled: false, maxAttempts: 3 });
    expect(updated).not.toHaveProperty('secret');
    const changes = await core.call('changes.list', { since: 0, type: 'webhook.changed' });
    expect(changes.changes.map((c) => c.payload.action)).toEqual(['created', 'updated']);
  });
});
