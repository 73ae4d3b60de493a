/**
 * Availability follows the goods: an out-of-stock product that takes backorders is published as
 * `backorder` dated by the earliest open purchase-order line expected at a location that sells
 * online (feed `availability_date`, JSON-LD `availabilityStarts`, the stock API alike), not by the
 * shop's default lead time; once that date has passed without the goods, the default applies again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, utcToday } from '../../shared/domain/availability';
import { engines, startCore, type TestCore } from '../helpers/core';
import { configureShop, goodProduct, parseFeed } from '../fixtures/publish/helpers';

describe.each(engines())('backorder dates from purchase orders on %s', (engine) => {
  let core: TestCore;
  let dir: string;
  let supplierId: string;
  const today = utcToday();

  async function published(sku: string): Promise<{ feed: string | undefined; feedDate: string | undefined; ld: Record<string, unknown>; api: string | null }> {
    await core.publisher.idle();
    const item = parseFeed(path.join(dir, 'google-merchant.xml')).items.find((i) => i['g:id'] === sku);
    const slug = (await core.call('products.get', { idOrSku: sku })).slug;
    const doc = JSON.parse(fs.readFileSync(path.join(dir, 'jsonld', `${slug}.json`), 'utf8')) as { offers: Record<string, unknown> };
    return {
      feed: item?.['g:availability'] as string | undefined,
      feedDate: item?.['g:availability_date'] as string | undefined,
      ld: doc.offers,
      api: (await core.call('stock.get', { sku })).availabilityDate,
    };
  }

  beforeAll(async () => {
    core = await startCore(engine, { webhooks: { worker: false } });
    await configureShop(core);
    dir = core.publisher.publishDir();
    await core.call('locations.create', { code: 'back', name: 'Back office', sellsOnline: false });
    await core.call('products.create', goodProduct('BACK-1', { allowBackorder: true }));
    await core.call('products.create', goodProduct('BACK-2', { allowBackorder: true }));
    supplierId = (await core.call('suppliers.create', { name: 'Far away', currency: 'EUR', leadTimeDays: 30 })).id;
    await core.publisher.start();
  });
  afterAll(async () => core?.cleanup());

  it('dates a backorder by the shop lead time while nothing is on order', async () => {
    const p = await published('BACK-1');
    expect(p).toMatchObject({ feed: 'backorder', feedDate: `${addDays(today, 14)}T00:00:00Z`, api: addDays(today, 14) });
    expect(p.ld).toMatchObject({ availability: 'https://schema.org/BackOrder', availabilityStarts: addDays(today, 14) });
  });

  it('dates it by the earliest open PO line once goods are ordered, and follows a moved date', async () => {
    const early = addDays(today, 5);
    const later = addDays(today, 9);
    const a = await core.call('purchaseOrders.create', { supplierId, lines: [{ sku: 'BACK-1', quantity: 4, unitCost: '3.00', expectedDate: later }] });
    const b = await core.call('purchaseOrders.create', { supplierId, lines: [{ sku: 'BACK-1', quantity: 2, unitCost: '3.00', expectedDate: early }] });
    // Goods for a location that does not sell online do not date the online offer.
    const c = await core.call('purchaseOrders.create', { supplierId, location: 'back', lines: [{ sku: 'BACK-1', quantity: 2, unitCost: '3.00', expectedDate: addDays(today, 1) }] });
    // A draft is not on order yet.
    expect((await published('BACK-1')).feedDate).toBe(`${addDays(today, 14)}T00:00:00Z`);
    for (const po of [a, b, c]) await core.call('purchaseOrders.order', { id: po.id });

    let p = await published('BACK-1');
    expect(p).toMatchObject({ feed: 'backorder', feedDate: `${early}T00:00:00Z`, api: early });
    expect(p.ld).toMatchObject({ availability: 'https://schema.org/BackOrder', availabilityStarts: early });
    // The other product is untouched.
    expect((await published('BACK-2')).feedDate).toBe(`${addDays(today, 14)}T00:00:00Z`);

    // The supplier says the early delivery comes on day 7: the files follow without any stock change.
    const moved = addDays(today, 7);
    await core.call('purchaseOrders.update', { id: b.id, expectedDates: [{ id: b.lines[0]?.id as string, expectedDate: moved }] });
    p = await published('BACK-1');
    expect(p).toMatchObject({ feedDate: `${moved}T00:00:00Z`, api: moved });
    expect(p.ld.availabilityStarts).toBe(moved);

    // Cancelled, its date no longer counts: the next open line dates the backorder.
    await core.call('purchaseOrders.cancel', { id: b.id });
    expect((await published('BACK-1')).feedDate).toBe(`${later}T00:00:00Z`);
  });

  it('falls back to the default lead time once the expected date has passed without the goods, and the PO is late', async () => {
    const po = (await core.call('purchaseOrders.list', { status: 'open', sku: 'BACK-1' })).purchaseOrders.find((o) => o.location === 'main');
    if (!po) throw new Error('expected an open PO at main');
    await core.call('purchaseOrders.update', { id: po.id, expectedDates: [{ id: po.lines[0]?.id as string, expectedDate: addDays(today, -1) }] });
    const p = await published('BACK-1');
    expect(p).toMatchObject({ feed: 'backorder', feedDate: `${addDays(today, 14)}T00:00:00Z`, api: addDays(today, 14) });
    expect(p.ld.availabilityStarts).toBe(addDays(today, 14));
    const late = (await core.call('purchaseOrders.list', { status: 'late' })).purchaseOrders;
    expect(late.map((o) => [o.number, o.late])).toEqual([[po.number, true]]);
  });

  it('publishes the product in stock once the goods arrive', async () => {
    const po = (await core.call('purchaseOrders.list', { status: 'open', sku: 'BACK-1' })).purchaseOrders.find((o) => o.location === 'main');
    if (!po) throw new Error('expected an open PO at main');
    await core.call('purchaseOrders.receive', { id: po.id, lines: [{ lineId: po.lines[0]?.id as string, quantity: 4 }] });
    const p = await published('BACK-1');
    expect(p).toMatchObject({ feed: 'in_stock', feedDate: undefined, api: null });
    expect(p.ld.availability).toBe('https://schema.org/InStock');
    expect(p.ld.availabilityStarts).toBeUndefined();
  });
});
