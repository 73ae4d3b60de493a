/**
 * The labels store as a purchase order will use it: lines of SKUs and received quantities, the
 * products fetched (in the order given, whatever answers first), unknown SKUs listed rather than
 * dropped; and adding by a scanned code, which never guesses between two products.
 */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp, nextTick } from 'vue';
import type { Product } from '../../shared/schemas/product';
import { APP_API } from '../../renderer/src/api/app-api';
import { ClientError, createClient } from '../../renderer/src/api/client';
import { useLabelsStore } from '../../renderer/src/stores/labels';

function product(sku: string, gtin: string | null, delayMs = 0): Product & { delayMs: number } {
  return {
    id: `01900000-0000-7000-8000-${sku.replace(/[^A-Z0-9]/g, '').padEnd(12, '0').slice(0, 12)}`,
    sku,
    title: `Title of ${sku}`,
    gtin,
    price: '2.50',
    salePrice: null,
    currency: 'EUR',
    delayMs,
  } as Product & { delayMs: number };
}

let catalogue: Array<Product & { delayMs: number }>;
let gets: string[];

beforeEach(() => {
  // The first product answers last: the lines must still come in the order asked for.
  catalogue = [product('MUG-1', '4006381333931', 30), product('PLATE-2', null), product('CUP-3', '00000096385074'), product('CUP-4', '96385074')];
  gets = [];
  const client = createClient(async (name, input) => {
    const body = input as Record<string, unknown>;
    if (name === 'products.get') {
      gets.push(String(body.idOrSku));
      const found = catalogue.find((p) => p.sku === String(body.idOrSku));
      if (!found) throw new ClientError('not_found', `product ${String(body.idOrSku)} not found`, null, 404);
      await new Promise((resolve) => setTimeout(resolve, found.delayMs));
      return found;
    }
    if (name === 'products.lookup') {
      const code = String(body.code);
      return { products: catalogue.filter((p) => p.sku === code.toUpperCase() || (p.gtin !== null && p.gtin.replace(/^0+/, '') === code.replace(/^0+/, ''))) };
    }
    throw new Error(`unexpected ${name}`);
  });
  const app = createApp({});
  app.provide(APP_API, { client, mode: 'ipc', auth: null });
  const pinia = createPinia();
  app.use(pinia);
  setActivePinia(pinia);
});

describe('the labels store', () => {
  it('takes purchase order lines: fetches each product once, keeps their order and received quantities, lists unknown SKUs', async () => {
    const labels = useLabelsStore();
    const preparing = labels.prepare([
      { sku: 'MUG-1', quantity: 12 },
      { sku: 'GONE-9', quantity: 3 },
      { sku: 'PLATE-2', quantity: 4 },
      { sku: 'MUG-1', quantity: 2 },
    ]);
    expect(labels.loading).toBe(true);
    await preparing;
    expect(labels.loading).toBe(false);
    expect(labels.lines.map((l) => [l.product.sku, l.quantity, l.barcode.kind])).toEqual([
      ['MUG-1', 14, 'ean13'],
      ['PLATE-2', 4, 'code128'],
    ]);
    expect(labels.total).toBe(18);
    expect(labels.problems).toEqual(['GONE-9: Product GONE-9 not found.']);
    expect(gets.sort()).toEqual(['GONE-9', 'MUG-1', 'PLATE-2']);
  });

  it('does not fetch products the caller brings (the Products screen has its rows)', async () => {
    const labels = useLabelsStore();
    const plate = catalogue[1] as Product;
    await labels.prepare([{ sku: 'PLATE-2', product: plate }]);
    expect(gets).toEqual([]);
    expect(labels.lines.map((l) => [l.product.sku, l.quantity])).toEqual([['PLATE-2', 1]]);
  });

  it('adds by scanned SKU or barcode, one more label each time, and never picks between two products', async () => {
    const labels = useLabelsStore();
    expect(await labels.addCode('4006381333931')).toMatchObject({ kind: 'added', product: { sku: 'MUG-1' } });
    expect(await labels.addCode('mug-1')).toMatchObject({ kind: 'added' });
    expect(labels.lines.map((l) => [l.product.sku, l.quantity])).toEqual([['MUG-1', 2]]);
    expect(await labels.addCode('NOPE')).toEqual({ kind: 'none' });
    // CUP-3 and CUP-4 share a barcode (a database from before GTINs were unique).
    const several = await labels.addCode('96385074');
    expect(several.kind).toBe('several');
    expect(labels.lines).toHaveLength(1);
  });

  it('moves the start position back to 1 when the new label size has fewer labels', async () => {
    const labels = useLabelsStore();
    labels.sheetId = 'a4-l7651';
    labels.start = 40;
    await nextTick();
    expect(labels.start).toBe(40);
    labels.sheetId = 'a4-l7160';
    await nextTick();
    expect(labels.start).toBe(1);
  });
});
