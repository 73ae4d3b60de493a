/**
 * Upgrading a database whose reservations predate `reservations.channel`: the backfill migration
 * finds each channel order's reservations through the ids its lines keep, so the order history
 * names the channel of old orders too; reservations made by hand stay without one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { shopifyEvent, wooEvent } from '../../electron/core/channels/channel-events';
import { openCore, type Core } from '../../electron/core/core';
import { contract } from '../../shared/contract';
import { parseInput } from '../../shared/validation';
import { engines, productInput, startCore, type Engine, type TestCore } from '../helpers/core';
import { shopifyOrder, wooOrder } from '../fixtures/channels/channel-requests';

const BACKFILL = '20261204165100_reservation_channel_backfill';

describe.each(engines())('the reservation channel backfill on %s', (engine: Engine) => {
  let core: TestCore | undefined;
  const opened: Core[] = [];
  afterEach(async () => {
    for (const c of opened.splice(0)) await c.close();
    await core?.cleanup();
    core = undefined;
  });

  async function reopen(): Promise<Core> {
    const { config, dataDir } = core as TestCore;
    const again = await openCore({ dataDir, databaseUrl: config.kind === 'pg' ? config.url : undefined, expirySweepMs: 0 });
    opened.push(again);
    return again;
  }

  async function channels(app: Core): Promise<Record<string, string | null>> {
    const { reservations } = await app.handlers['reservations.list'](parseInput(contract['reservations.list'].input, {}));
    return Object.fromEntries(reservations.map((r) => [`${r.reference} ${r.sku}`, r.channel]));
  }

  it('gives old reservations of channel orders their channel, once, and leaves the others alone', async () => {
    core = await startCore(engine);
    await core.call('products.create', productInput('MUG-1'));
    await core.call('stock.receive', { sku: 'MUG-1', quantity: 50 });
    await core.orders.receive(shopifyEvent('orders/create', shopifyOrder(4100, [['MUG-1', 1]])), null);
    await core.orders.receive(shopifyEvent('orders/paid', shopifyOrder(4100, [['MUG-1', 1]])), null);
    await core.orders.receive(wooEvent('order.created', wooOrder(812, 'processing', [['MUG-1', 2]])), null);
    await core.call('reservations.create', { sku: 'MUG-1', quantity: 3, reference: 'PHONE-ORDER-7' });
    const expected = {
      'Shopify order #4100 MUG-1': 'shopify',
      'WooCommerce order #812 MUG-1': 'woocommerce',
      'PHONE-ORDER-7 MUG-1': null,
    };
    expect(await channels(core)).toEqual(expected);

    // As an earlier Stockfeed left it: no channel recorded, the backfill not run.
    await core.db('reservations').update({ channel: null });
    await core.db('knex_migrations').where({ name: BACKFILL }).delete();
    await core.close();
    expect(await channels(await reopen())).toEqual(expected);

    // Safe to run twice.
    await (opened[0] as Core).db('knex_migrations').where({ name: BACKFILL }).delete();
    await (opened.pop() as Core).close();
    expect(await channels(await reopen())).toEqual(expected);
  });
});
