/**
 * Security regression (issue 12): at delivery time, webhooks and IndexNow go only where the owner
 * meant. A name that resolves to this computer is refused at connect time (the core's resolver
 * seam, which production fills with the system resolver); switching `webhooks.allowPrivateNetwork`
 * off stops deliveries to local receivers; the delivery log keeps the status and a short error,
 * never the receiver's answer; credentials in a URL are sent as Basic auth and never logged.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HostResolver } from '../../electron/core/net/outbound';
import { engines, productInput, startCore, type Engine, type TestCore } from '../helpers/core';
import { startIndexNowEndpoint, type IndexNowEndpoint } from '../helpers/indexnow-endpoint';
import { allowPrivateNetwork, startReceiver, type Receiver } from '../helpers/webhook-receiver';

const FAST = { retryBaseMs: 40, retryMaxMs: 200, lingerMs: 0 };

/** Every name under .rebind.test resolves to 127.0.0.1, as a hostile DNS answer would. */
const rebinding: HostResolver = async (hostname) => {
  if (hostname.endsWith('.rebind.test')) return [{ address: '127.0.0.1', family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};

describe.each(engines())('outgoing requests at delivery time (%s)', (engine: Engine) => {
  let core: TestCore | undefined;
  let receiver: Receiver | undefined;
  let indexNow: IndexNowEndpoint | undefined;
  const logs: string[] = [];
  const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };

  afterEach(async () => {
    await receiver?.close();
    await indexNow?.close();
    await core?.cleanup();
    receiver = undefined;
    indexNow = undefined;
    core = undefined;
    logs.length = 0;
  });

  it('refuses a webhook whose name resolves to 127.0.0.1 at connect time: the receiver never hears of it', async () => {
    core = await startCore(engine, { webhooks: FAST, resolveHost: rebinding, logger });
    receiver = await startReceiver('ok');
    const port = new URL(receiver.url).port;
    await core.call('products.create', productInput('SSRF-1'));
    // A name passes the text check when saved: only the connection knows where it leads.
    const sub = await core.call('webhooks.create', { url: `http://receiver.rebind.test:${port}/hooks/stockfeed`, eventTypes: ['stock.changed'], maxAttempts: 1 });
    await core.call('stock.receive', { sku: 'SSRF-1', quantity: 1 });
    await expect.poll(async () => (await core!.call('webhooks.deliveries', { status: 'parked' })).deliveries.length).toBe(1);
    const [parked] = (await core.call('webhooks.deliveries', { subscriptionId: sub.id })).deliveries;
    expect(parked).toMatchObject({
      attempts: 1,
      responseCode: null,
      error: 'refused: receiver.rebind.test resolves to 127.0.0.1, which is loopback (127/8, this computer); requests to this computer and the local network are refused unless the setting webhooks.allowPrivateNetwork is on',
    });
    expect(receiver.requests).toHaveLength(0);
  });

  it('delivers to a local receiver while webhooks.allowPrivateNetwork is on, and stops when it is switched off', async () => {
    core = await startCore(engine, { webhooks: FAST, resolveHost: rebinding });
    receiver = await startReceiver('ok');
    await core.call('products.create', productInput('SSRF-2'));
    await allowPrivateNetwork(core, true);
    const sub = await core.call('webhooks.create', { url: receiver.url, eventTypes: ['stock.changed'], maxAttempts: 2 });
    const first = await core.call('stock.receive', { sku: 'SSRF-2', quantity: 1 });
    await receiver.waitFor((r) => r.delivered().length === 1);
    expect(receiver.requests[0]?.eventId).toBe(first.seq);

    await allowPrivateNetwork(core, false);
    await core.call('stock.receive', { sku: 'SSRF-2', quantity: 1 });
    await expect.poll(async () => (await core!.call('webhooks.deliveries', { status: 'parked' })).deliveries.length).toBe(1);
    const [parked] = (await core.call('webhooks.deliveries', { subscriptionId: sub.id, status: 'parked' })).deliveries;
    expect(parked).toMatchObject({ attempts: 2, responseCode: null, error: expect.stringMatching(/^refused: 127\.0\.0\.1 is loopback .* webhooks\.allowPrivateNetwork is on$/) });
    // The kept-alive connection from before was not reused either.
    expect(receiver.requests).toHaveLength(1);
  });

  it('logs the status and its standard name, never the receiver answer', async () => {
    core = await startCore(engine, { webhooks: FAST });
    await allowPrivateNetwork(core, true);
    receiver = await startReceiver('fail');
    await core.call('products.create', productInput('SSRF-3'));
    await core.call('webhooks.create', { url: receiver.url, eventTypes: ['stock.changed'], maxAttempts: 1 });
    await core.call('stock.receive', { sku: 'SSRF-3', quantity: 1 });
    await expect.poll(async () => (await core!.call('webhooks.deliveries', { status: 'parked' })).deliveries.length).toBe(1);
    const [parked] = (await core.call('webhooks.deliveries', { status: 'parked' })).deliveries;
    expect(parked).toMatchObject({ responseCode: 503, error: 'HTTP 503 Service Unavailable' });
    expect(JSON.stringify(await core.call('webhooks.deliveries', {}))).not.toContain('maintenance');
  });

  it('logs a receiver that does not answer as a timeout, in a few words', async () => {
    core = await startCore(engine, { webhooks: FAST });
    await allowPrivateNetwork(core, true);
    receiver = await startReceiver('hang');
    await core.call('products.create', productInput('SSRF-5'));
    await core.call('webhooks.create', { url: receiver.url, eventTypes: ['stock.changed'], maxAttempts: 1, timeoutMs: 300 });
    await core.call('stock.receive', { sku: 'SSRF-5', quantity: 1 });
    await expect.poll(async () => (await core!.call('webhooks.deliveries', { status: 'parked' })).deliveries.length).toBe(1);
    const [parked] = (await core.call('webhooks.deliveries', { status: 'parked' })).deliveries;
    expect(parked).toMatchObject({ responseCode: null, error: 'timed out after 300 ms' });
  });

  it('sends URL credentials as Basic authorization and keeps them out of logs and the change log', async () => {
    core = await startCore(engine, { webhooks: FAST, logger });
    await allowPrivateNetwork(core, true);
    receiver = await startReceiver('fail');
    await core.call('products.create', productInput('SSRF-4'));
    const url = receiver.url.replace('http://', 'http://n8n-user:Sup3r-secret@');
    const sub = await core.call('webhooks.create', { url, eventTypes: ['stock.changed'], maxAttempts: 1 });
    expect(sub.url).toBe(receiver.url.replace('http://', 'http://***@'));
    await core.call('stock.receive', { sku: 'SSRF-4', quantity: 1 });
    await receiver.waitFor((r) => r.requests.length === 1);
    expect(receiver.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('n8n-user:Sup3r-secret').toString('base64')}`);
    await expect.poll(async () => (await core!.call('webhooks.deliveries', { status: 'parked' })).deliveries.length).toBe(1);
    const everything = JSON.stringify([
      await core.call('webhooks.list', {}),
      await core.call('webhooks.deliveries', {}),
      await core.call('changes.list', { since: 0, limit: 1000 }),
      logs,
    ]);
    expect(logs.some((l) => l.includes('parked'))).toBe(true);
    expect(everything).not.toContain('Sup3r-secret');
    expect(everything).not.toContain('n8n-user');
  });

  it('refuses an IndexNow engine whose name resolves to 127.0.0.1 at connect time, and reaches a local one once allowed', async () => {
    core = await startCore(engine, { resolveHost: rebinding, delivery: { retry: { baseMs: 20, maxMs: 100, maxAttempts: 2 } } });
    indexNow = await startIndexNowEndpoint({ keyFolder: () => path.join(core!.dataDir, 'publish') });
    const port = new URL(indexNow.url).port;
    const current = await core.call('settings.get', {});
    await core.call('settings.update', { ...current, shopUrl: 'https://shop.example.com', indexNow: { enabled: true, key: 'rebind-key-123', engine: `http://engine.rebind.test:${port}` } });
    const outcome = { seq: 5, publishDir: path.join(core.dataDir, 'publish'), full: false, files: [], changedFiles: [], removedFiles: [], changedUrls: ['https://shop.example.com/products/mug'] };
    core.delivery.onPublished(outcome);
    await core.delivery.idle();
    const status = core.delivery.status().find((s) => s.target === 'indexnow');
    expect(status).toMatchObject({
      state: 'failed',
      lastError: `IndexNow engine engine.rebind.test:${port}: refused: engine.rebind.test resolves to 127.0.0.1, which is loopback (127/8, this computer); requests to this computer and the local network are refused unless the setting webhooks.allowPrivateNetwork is on`,
    });
    expect(indexNow.count()).toBe(0);

    // Turning the setting on re-arms the target: the engine is reached at once.
    await allowPrivateNetwork(core, true);
    await expect.poll(() => indexNow!.accepted.length).toBe(1);
    await core.delivery.idle();
    expect(core.delivery.status().find((s) => s.target === 'indexnow')).toMatchObject({ state: 'idle', lastError: null });
  });
});
