/**
 * Availability pushed to Google Merchant Center (the stand-in speaks the Merchant API products v1
 * and the OAuth token exchange): only what Google shows is sent, into the supplemental API data
 * source, signed in with the service account through google-auth-library, within the per-product
 * daily budget — except a change that makes a product unsellable, which always goes at once.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGoogleChannel, GOOGLE_CATALOGUE_TTL_MS } from '../../electron/core/channel-push/google-channel';
import { Outbound } from '../../electron/core/net/outbound';
import { startGoogleStandIn, type GoogleStandIn } from '../helpers/channel-standins';
import { eventually, FAST_PUSH, openPushes, settled, useStandIns } from '../helpers/channel-push';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

const usd = (amount: string) => ({ amountMicros: String(Math.round(Number(amount) * 1_000_000)), currencyCode: 'USD' });

describe.each(engines())('channel push to Google (%s)', (engine) => {
  let core: TestCore | undefined;
  let google: GoogleStandIn | undefined;

  afterEach(async () => {
    await core?.cleanup();
    await google?.close();
    core = undefined;
    google = undefined;
  });

  async function setUp(skus: string[], options: { maxUpdatesPerDay?: number } = {}) {
    google = await startGoogleStandIn();
    for (const sku of skus) google.seedProduct(sku, { title: `Product ${sku}`, availability: 'OUT_OF_STOCK', price: usd('9.99') });
    core = await startCore(engine, { channelPush: FAST_PUSH });
    for (const sku of skus) await core.call('products.create', productInput(sku));
    await useStandIns(core, { google, ...options });
    const report = await core.call('channels.connect', { channel: 'google' });
    await settled(core, 'google');
    return { core, google, report };
  }

  it('signs in with the service account and sends availability and price within a second', async () => {
    const { core, google, report } = await setUp(['MUG-1', 'MUG-2']);
    expect(report).toMatchObject({ channelItems: 2, matched: { count: 2 } });
    // Google already shows what Stockfeed holds (out of stock at 9.99): Connect sends nothing.
    expect(google.inputCalls).toEqual([]);
    const t0 = Date.now();
    await core.call('stock.receive', { sku: 'MUG-1', quantity: 3 });
    await eventually(() => google.product('MUG-1')?.productAttributes !== undefined && (google.product('MUG-1')!.productAttributes as { availability: string }).availability === 'IN_STOCK', 1_000, 'MUG-1 in stock at Google');
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(google.inputCalls).toEqual([
      {
        method: 'insert',
        dataSource: google.supplementalDataSource,
        key: expect.objectContaining({ offerId: 'MUG-1', contentLanguage: 'en', feedLabel: 'US', legacyLocal: false }),
        attributes: { availability: 'IN_STOCK', price: usd('9.99') },
        at: expect.any(Number),
      },
    ]);
    // The token came from the token endpoint through google-auth-library, and every call carried it.
    expect(google.tokens.issued.length).toBeGreaterThanOrEqual(1);
    const insert = google.requests.find((r) => r.path.endsWith('productInputs:insert'));
    expect(insert?.headers.authorization).toBe(`Bearer ${google.tokens.issued[0]?.token}`);
  });

  it('sends nothing for a quantity change that keeps availability the same', async () => {
    const { core, google } = await setUp(['Q-1']);
    await core.call('stock.receive', { sku: 'Q-1', quantity: 3 });
    await eventually(() => google.inputCalls.length === 1, 2_000, 'the first update');
    await settled(core, 'google');
    await core.call('stock.receive', { sku: 'Q-1', quantity: 10 });
    await core.call('stock.adjust', { sku: 'Q-1', quantity: -2, reason: 'damaged' });
    await settled(core, 'google');
    expect(google.inputCalls).toHaveLength(1);
  });

  it('keeps to two updates a product a day, except that a product running out is always sent at once', async () => {
    const { core, google } = await setUp(['B-1']);
    await core.call('stock.receive', { sku: 'B-1', quantity: 5 }); // 1st: in stock
    await eventually(() => google.inputCalls.length === 1, 2_000, 'update 1');
    await settled(core, 'google');
    await core.call('products.update', { idOrSku: 'B-1', salePrice: '7.00' }); // 2nd: a sale price
    await eventually(() => google.inputCalls.length === 2, 2_000, 'update 2');
    await settled(core, 'google');
    await core.call('products.update', { idOrSku: 'B-1', salePrice: '6.00' }); // over budget: waits
    await eventually(async () => (await core.call('channels.pushes', { channel: 'google', status: 'pending' })).pushes[0]?.nextAttemptAt !== null, 2_000, 'the push waiting');
    const waiting = (await core.call('channels.pushes', { channel: 'google', status: 'pending' })).pushes[0];
    expect(waiting?.nextAttemptAt).toBe(new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 1)).toISOString());
    expect(google.inputCalls).toHaveLength(2);
    // Sold out: ads must stop, so it goes now, whatever the budget, with the latest price.
    await core.call('stock.adjust', { sku: 'B-1', quantity: -5, reason: 'damaged' });
    await eventually(() => google.inputCalls.length === 3, 2_000, 'the stock-out');
    expect(google.inputCalls[2]?.attributes).toEqual({ availability: 'OUT_OF_STOCK', price: usd('9.99'), salePrice: usd('6.00') });
    // Back in stock waits for tomorrow's budget.
    await core.call('stock.receive', { sku: 'B-1', quantity: 1 });
    await eventually(async () => (await core.call('channels.pushes', { channel: 'google', status: 'pending' })).pushes[0]?.nextAttemptAt !== null, 2_000, 'the push waiting again');
    expect(google.inputCalls).toHaveLength(3);
    expect(await openPushes(core, 'google')).toEqual({ pending: 1, parked: 0 });
  });

  it('waits out Google\'s per-minute quota (429 RESOURCE_EXHAUSTED) and loses nothing', async () => {
    const { core, google } = await setUp(['QUOTA-1']);
    google.quotaExceeded(1);
    await core.call('stock.receive', { sku: 'QUOTA-1', quantity: 2 });
    await eventually(async () => (await core.call('channels.status', {})).channels.some((c) => c.channel === 'google' && c.lastError?.includes('429') === true), 3_000, 'the quota error in the status');
    const status = (await core.call('channels.status', {})).channels.find((c) => c.channel === 'google');
    // A quota error names no wait: a minute at least.
    expect(Date.parse(status?.retryAt ?? '')).toBeGreaterThan(Date.now() + 50_000);
    expect(status?.pending).toBe(1);
  });

  it('refuses a data source that is not a supplemental API source, naming the setting', async () => {
    google = await startGoogleStandIn();
    core = await startCore(engine, { channelPush: FAST_PUSH });
    await useStandIns(core, { google });
    const current = await core.call('settings.get', {});
    await core.call('settings.update', { ...current, channels: { ...current.channels, google: { ...current.channels.google, dataSourceId: '10001' } } } as never);
    await expect(core.call('channels.connect', { channel: 'google' })).rejects.toMatchObject({ code: 'validation_failed', message: expect.stringContaining('channels.google.dataSourceId') });
  });
});

describe('the Google adapter reading the account', () => {
  let google: GoogleStandIn | undefined;
  const outbound = new Outbound();

  afterEach(async () => {
    vi.restoreAllMocks();
    await google?.close();
    google = undefined;
  });

  it('looks a product up again in a fresh catalogue once the kept one is old (it reaches Google with the next feed fetch)', async () => {
    google = await startGoogleStandIn();
    google.seedProduct('OLD-1', { title: 'Old', availability: 'IN_STOCK', price: usd('1.00') });
    const adapter = createGoogleChannel(
      {
        channel: 'google',
        apiBase: google.url,
        tokenUrl: google.tokenUrl,
        merchantId: google.accountId,
        dataSourceId: google.supplementalDataSource.split('/').pop() as string,
        clientEmail: google.serviceAccountKey.client_email,
        privateKey: google.serviceAccountKey.private_key,
        maxUpdatesPerDay: 2,
      },
      { outbound, allowPrivateNetwork: true, timeoutMs: 5_000, concurrency: 2 },
    );
    const signal = new AbortController().signal;
    const first = await adapter.lookup(['OLD-1', 'NEW-1'], signal);
    expect([...first.found.keys()]).toEqual(['OLD-1']);
    // Google fetches the feed and gets the new product; a lookup a moment later reuses the read.
    google.seedProduct('NEW-1', { title: 'New', availability: 'OUT_OF_STOCK', price: usd('2.00') });
    const again = await adapter.lookup(['NEW-1'], signal);
    expect(again).toMatchObject({ calls: 0 });
    expect(again.found.size).toBe(0);
    // Once the kept catalogue is older than its limit, the account is read again and the product found.
    const now = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(now + GOOGLE_CATALOGUE_TTL_MS + 1);
    const later = await adapter.lookup(['NEW-1'], signal);
    expect(later.calls).toBeGreaterThan(0);
    expect(later.found.get('NEW-1')).toMatchObject({ externalId: 'NEW-1', known: { availability: 'OUT_OF_STOCK' } });
  });
});
