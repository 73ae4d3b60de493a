/**
 * The Products screen's daily operations in the core: deleting a product made by mistake (only
 * one that never had stock; on the change log, and out of every published file), opening stock
 * recorded with the product in one transaction, and the counts per status behind the tabs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configureShop, goodProduct, parseFeed, SHOP, sitemapEntries } from '../fixtures/publish/helpers';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

describe.each(engines())('deleting products, opening stock and counts per status on %s', (engine) => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.cleanup();
    core = undefined;
  });

  it('deletes only a product that never had stock; otherwise 409: archive it instead', async () => {
    const c = (core = await startCore(engine));
    for (const sku of ['NEW-1', 'MOVED-1', 'HELD-1', 'ORDER-1', 'COUNTED-1']) await c.call('products.create', productInput(sku));
    await c.call('stock.receive', { sku: 'MOVED-1', quantity: 3 });
    await c.call('stock.adjust', { sku: 'MOVED-1', quantity: -3, reason: 'damaged' });
    await c.call('stock.receive', { sku: 'HELD-1', quantity: 1 });
    // A stocktake that found nothing is still a movement in the ledger.
    await c.call('stock.count', { sku: 'COUNTED-1', quantity: 0 });
    // A channel order that names ORDER-1 (its line was refused for want of stock).
    await c.db('channel_orders').insert({
      id: '0190d0a0-0000-7000-8000-00000000a001',
      channel: 'shopify',
      order_id: '1001',
      reference: '#1001',
      state: 'exception',
      lines: JSON.stringify([{ lineId: '1', sku: 'ORDER-1', quantity: 1, reservationId: null, returned: 0 }]),
      created_at: '2026-12-01T00:00:00.000Z',
      updated_at: '2026-12-01T00:00:00.000Z',
    });

    // Back to zero on hand, but the ledger still explains it: refused.
    await expect(c.call('products.delete', { idOrSku: 'MOVED-1' })).rejects.toMatchObject({
      code: 'conflict',
      message: 'MOVED-1 has stock history (2 movements); archive it instead',
    });
    await expect(c.call('products.delete', { idOrSku: 'HELD-1' })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('has stock history') });
    await expect(c.call('products.delete', { idOrSku: 'ORDER-1' })).rejects.toMatchObject({
      code: 'conflict',
      message: 'ORDER-1 has stock history (channel orders); archive it instead',
    });
    await expect(c.call('products.delete', { idOrSku: 'COUNTED-1' })).rejects.toMatchObject({
      message: 'COUNTED-1 has stock history (1 movement); archive it instead',
    });
    await expect(c.call('products.delete', { idOrSku: 'NOPE-1' })).rejects.toMatchObject({ code: 'not_found' });

    const before = (await c.call('changes.latest', {})).seq;
    const fresh = await c.call('products.get', { idOrSku: 'NEW-1' });
    expect(await c.call('products.delete', { idOrSku: fresh.id, idempotencyKey: 'delete-new-1' })).toEqual({ id: fresh.id, sku: 'NEW-1', deleted: true });
    // A retry with the same key answers the same, and deletes nothing more.
    expect(await c.call('products.delete', { idOrSku: fresh.id, idempotencyKey: 'delete-new-1' })).toEqual({ id: fresh.id, sku: 'NEW-1', deleted: true });
    await expect(c.call('products.get', { idOrSku: 'NEW-1' })).rejects.toMatchObject({ code: 'not_found' });
    const { changes } = await c.call('changes.list', { since: before });
    expect(changes.map((ch) => `${ch.type} ${ch.sku}`)).toEqual(['product.deleted NEW-1']);
    expect(changes[0]?.payload).toMatchObject({ id: fresh.id, sku: 'NEW-1', title: 'Product NEW-1' });
    // The SKU is free again.
    await c.call('products.create', productInput('NEW-1'));
    expect((await c.checkLedger()).ok).toBe(true);
  });

  it('takes a deleted product out of the feed, the sitemap and the JSON-LD', async () => {
    const c = (core = await startCore(engine));
    await configureShop(c);
    await c.call('products.create', goodProduct('KEEP-1'));
    const gone = await c.call('products.create', goodProduct('GONE-1', { itemGroupId: 'G' }));
    await c.call('products.create', goodProduct('MATE-1', { itemGroupId: 'G' }));
    await c.publisher.start();
    const dir = c.publisher.publishDir();
    const url = `${SHOP}/products/${gone.slug}`;
    const ids = () => parseFeed(path.join(dir, 'google-merchant.xml')).items.map((i) => i['g:id']);
    expect(ids()).toEqual(['GONE-1', 'KEEP-1', 'MATE-1']);
    expect(sitemapEntries(path.join(dir, 'sitemap.xml')).has(url)).toBe(true);
    expect(fs.existsSync(path.join(dir, 'jsonld', `${gone.slug}.json`))).toBe(true);
    const mate = (await c.call('products.get', { idOrSku: 'MATE-1' })).slug;
    expect(fs.readFileSync(path.join(dir, 'jsonld', `${mate}.json`), 'utf8')).toContain('GONE-1');

    await c.call('products.delete', { idOrSku: 'GONE-1' });
    await c.publisher.idle();
    expect(ids()).toEqual(['KEEP-1', 'MATE-1']);
    expect(sitemapEntries(path.join(dir, 'sitemap.xml')).has(url)).toBe(false);
    expect(fs.existsSync(path.join(dir, 'jsonld', `${gone.slug}.json`))).toBe(false);
    // The rest of its variant group no longer lists it.
    expect(fs.readFileSync(path.join(dir, 'jsonld', `${mate}.json`), 'utf8')).not.toContain('GONE-1');
    // And a full rewrite from the database agrees.
    await c.call('publish.run', { full: true });
    expect(ids()).toEqual(['KEEP-1', 'MATE-1']);
  });

  it('records opening stock as counts in the product’s own transaction, or creates nothing', async () => {
    const c = (core = await startCore(engine));
    await c.call('locations.create', { code: 'shop', name: 'Shop' });
    const created = await c.call('products.create', productInput('OPEN-1', { openingStock: [{ quantity: 12 }, { location: 'shop', quantity: 3 }] }));
    expect(created.stock).toMatchObject({ onHand: 15, available: 15 });
    const snapshot = await c.call('stock.get', { sku: 'OPEN-1' });
    expect(snapshot.byLocation.map((l) => [l.location, l.onHand])).toEqual([
      ['main', 12],
      ['shop', 3],
    ]);
    const { movements } = await c.call('movements.list', { sku: 'OPEN-1' });
    expect(movements.map((m) => [m.kind, m.quantity, m.reason])).toEqual([
      ['count', 3, 'opening stock'],
      ['count', 12, 'opening stock'],
    ]);

    // An unknown location refuses the whole thing: no product, no change-log entry.
    const before = (await c.call('changes.latest', {})).seq;
    await expect(c.call('products.create', productInput('OPEN-2', { openingStock: [{ quantity: 5 }, { location: 'attic', quantity: 1 }] }))).rejects.toMatchObject({
      code: 'validation_failed',
      details: { issues: [{ path: 'openingStock.1', message: expect.stringContaining('attic') }] },
    });
    await expect(c.call('products.get', { idOrSku: 'OPEN-2' })).rejects.toMatchObject({ code: 'not_found' });
    expect((await c.call('changes.latest', {})).seq).toBe(before);
    await expect(c.call('products.create', productInput('OPEN-3', { openingStock: [{ location: 'shop', quantity: 1 }, { location: 'SHOP', quantity: 2 }] }))).rejects.toMatchObject({
      details: { issues: [{ path: 'openingStock.1.location', message: 'the location shop is given twice' }] },
    });
    await expect(c.call('products.create', productInput('OPEN-3', { openingStock: [{ quantity: -1 }] }))).rejects.toMatchObject({
      details: { issues: [{ path: 'openingStock.0.quantity', message: 'opening stock cannot be negative' }] },
    });
    // Zero is no stock: the product is created without a movement.
    expect((await c.call('products.create', productInput('OPEN-4', { openingStock: [{ quantity: 0 }] }))).stock.onHand).toBe(0);
    expect((await c.call('movements.list', { sku: 'OPEN-4' })).movements).toEqual([]);
    expect((await c.checkLedger()).ok).toBe(true);
  });

  it('counts the products matching the filter per status', async () => {
    const c = (core = await startCore(engine));
    await c.call('products.create', productInput('A-1', { title: 'Blue cup' }));
    await c.call('products.create', productInput('A-2', { title: 'Blue jug', status: 'archived' }));
    await c.call('products.create', productInput('A-3', { title: 'Red cup', status: 'discontinued' }));
    await c.call('products.create', productInput('A-4', { title: 'Blue bowl', status: 'archived' }));
    await c.call('stock.receive', { sku: 'A-4', quantity: 2 });
    expect(await c.call('products.counts', {})).toEqual({ byStatus: { active: 1, archived: 2, discontinued: 1 }, total: 4 });
    expect(await c.call('products.counts', { query: 'blue' })).toEqual({ byStatus: { active: 1, archived: 2, discontinued: 0 }, total: 3 });
    expect(await c.call('products.counts', { stock: 'in_stock' })).toEqual({ byStatus: { active: 0, archived: 1, discontinued: 0 }, total: 1 });
    expect(await c.call('products.counts', { location: 'main', query: 'cup' })).toEqual({ byStatus: { active: 0, archived: 0, discontinued: 0 }, total: 0 });
    await expect(c.call('products.counts', { location: 'attic' })).rejects.toMatchObject({ code: 'validation_failed' });
  });
});
