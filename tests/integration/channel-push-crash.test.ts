/**
 * kill -9 mid-push loses nothing: a process is killed after Shopify applied its call but before
 * the answer came back (so Stockfeed never recorded it). The push is still in the outbox; the next
 * process sends the same call again — the same idempotency key and input — and Shopify answers
 * with the first outcome instead of applying it twice.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCore } from '../../electron/core/core';
import { startShopifyStandIn, type ShopifyStandIn } from '../helpers/channel-standins';
import { eventually, useStandIns } from '../helpers/channel-push';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

const CHILD = path.resolve(__dirname, '../fixtures/channel-push/push-child.ts');

describe.each(engines())('a pusher killed mid-push (%s)', (engine) => {
  let core: TestCore | undefined;
  let shop: ShopifyStandIn | undefined;

  afterEach(async () => {
    await core?.cleanup();
    await shop?.close();
  });

  it('loses nothing: the next process sends the same call again, and Shopify applies it once', async () => {
    shop = await startShopifyStandIn();
    const location = shop.shop.addLocation('Shop');
    shop.shop.addProduct('Mug', [{ sku: 'KILL-1', available: { [location.id]: 0 } }, { sku: 'KILL-2', available: { [location.id]: 0 } }]);
    // This process only queues (as the CLI does); the child sends.
    core = await startCore(engine, { channelPush: { worker: false } });
    for (const sku of ['KILL-1', 'KILL-2']) await core.call('products.create', productInput(sku));
    await useStandIns(core, { shopify: shop });
    await core.call('channels.connect', { channel: 'shopify' });
    await core.call('stock.receive', { sku: 'KILL-1', quantity: 4 });
    await core.call('stock.receive', { sku: 'KILL-2', quantity: 9 });
    // Shopify applies each call at once but answers two seconds later: the child is killed in between.
    shop.faults.slow(2_000);

    const env = { ...process.env, DATABASE_URL: core.config.kind === 'pg' ? core.config.url : '' };
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, core.dataDir], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    await eventually(() => shop!.available('KILL-1') === 4 && shop!.available('KILL-2') === 9, 20_000, 'the call applied in Shopify');
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const mutations = () => shop!.calls.filter((c) => c.query.includes('inventorySetQuantities'));
    expect(mutations()).toHaveLength(1);
    // Nothing was recorded: both pushes are still in the outbox.
    expect((await core.call('channels.status', {})).channels.find((c) => c.channel === 'shopify')).toMatchObject({ pending: 2, lastPushAt: null });
    await shop.faults.clear();

    // The next process takes over once the killed one's lease has run out.
    const restarted = await openCore({ dataDir: core.dataDir, databaseUrl: env.DATABASE_URL || undefined, expirySweepMs: 0, channelPush: { lingerMs: 5, pollMs: 100, retryBaseMs: 50 } });
    try {
      await eventually(async () => (await restarted.handlers['channels.status']({})).channels.find((c) => c.channel === 'shopify')?.pending === 0, 20_000, 'the outbox sent');
      const [first, again] = mutations();
      expect(again?.variables).toEqual(first?.variables);
      // The repeat got the first call's outcome (the same adjustment group): applied once.
      expect(JSON.stringify(again?.response)).toBe(JSON.stringify(first?.response));
      expect(shop.available('KILL-1')).toBe(4);
      expect(shop.available('KILL-2')).toBe(9);
      const sent = await restarted.handlers['channels.pushes']({ channel: 'shopify', status: 'sent', limit: 10 });
      expect(sent.pushes.map((p) => [p.sku, p.value]).sort()).toEqual([
        ['KILL-1', '4'],
        ['KILL-2', '9'],
      ]);
    } finally {
      await restarted.close();
    }
  }, 60_000);
});
