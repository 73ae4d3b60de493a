import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp } from 'vue';
import type { OperationName } from '../../shared/contract';
import type { Product } from '../../shared/schemas/product';
import type { StockResult } from '../../shared/schemas/stock';
import { APP_API } from '../../renderer/src/api/app-api';
import { ClientError, createClient } from '../../renderer/src/api/client';
import { matchesForCode } from '../../renderer/src/stores/products';
import { useSettingsStore } from '../../renderer/src/stores/settings';
import { useStockActionsStore } from '../../renderer/src/stores/stock-actions';
import { useStockEntryStore } from '../../renderer/src/stores/stock-entry';
import { productFixture } from '../helpers/fixtures';

function product(sku: string, title: string, gtin: string | null = null): Product {
  return productFixture({
    id: `01900000-0000-7000-8000-${sku.replace(/[^A-Z0-9]/g, '').padEnd(12, '0').slice(0, 12)}`,
    sku,
    title,
    gtin,
    price: '1.00',
    slug: sku.toLowerCase(),
    stock: { onHand: 0, committed: 0, incoming: 0, available: 0, availability: 'out_of_stock', availabilityDate: null },
  });
}

type Sent = { name: OperationName; input: Record<string, unknown> };

let catalogue: Product[];
let sent: Sent[];
/** Failures for the next stock writes, in order. */
let failures: Error[];

function stockResult(input: Record<string, unknown>): StockResult {
  const quantity = input.quantity as number;
  const figures = { onHand: quantity, committed: 0, incoming: 0, available: quantity };
  const movement = {
    id: `01900000-0000-7000-8000-${String(sent.length).padStart(12, '0')}`,
    seq: sent.length,
    sku: input.sku as string,
    location: (input.location as string) ?? 'main',
    quantity,
    kind: 'receive' as const,
    reason: null,
    reference: null,
    reservationId: null,
    transferId: null,
    actor: null,
    createdAt: '2026-12-01T10:00:00.000Z',
  };
  return {
    seq: sent.length,
    movements: [movement],
    stock: { sku: input.sku as string, ...figures, availability: 'in_stock', availabilityDate: null, byLocation: [{ location: 'main', ...figures }] },
  };
}

beforeEach(() => {
  catalogue = [product('MUG-1', 'Blue mug', '4006381333931'), product('PLATE-2', 'Stoneware plate', '4006381000017')];
  sent = [];
  failures = [];
  const client = createClient(async (name, input) => {
    const body = input as Record<string, unknown>;
    if (name === 'products.list') {
      const query = String(body.query ?? '');
      const found = catalogue.filter((p) => p.sku.startsWith(query.toUpperCase()) || p.title.toLowerCase().includes(query.toLowerCase()) || p.gtin === query);
      return { products: found, next: null };
    }
    if (name === 'products.lookup') {
      // As the core answers: the exact SKU first, then the barcode in any spelling (matchesForCode's rule).
      return { products: matchesForCode(String(body.code), catalogue) };
    }
    if (name === 'products.get') {
      const found = catalogue.find((p) => p.sku === String(body.idOrSku).toUpperCase());
      if (!found) throw new ClientError('not_found', 'No such product', null, 404);
      return found;
    }
    sent.push({ name, input: body });
    const failure = failures.shift();
    if (failure) throw failure;
    return stockResult(body);
  });
  const app = createApp({});
  app.provide(APP_API, { client, mode: 'ipc', auth: null });
  const pinia = createPinia();
  app.use(pinia);
  setActivePinia(pinia);
  useSettingsStore().locations = [
    { code: 'main', name: 'Main warehouse', sellsOnline: true, createdAt: '2026-12-01T10:00:00.000Z' },
    { code: 'shop', name: 'Shop floor', sellsOnline: true, createdAt: '2026-12-01T10:00:00.000Z' },
  ];
});

afterEach(() => {
  vi.useRealTimers();
});

function continuousStore() {
  const entry = useStockEntryStore();
  entry.setContinuous(true);
  entry.recordPause = null;
  entry.location = 'main';
  entry.toLocation = 'shop';
  return entry;
}

describe('continuous scanning', () => {
  it('counts every scan, lists an unknown code without stopping, and records one movement per product with its own key', async () => {
    const entry = continuousStore();
    for (const code of ['4006381333931', 'mug-1', 'NOPE-9', '4006381000017', '4006381333931', 'NOPE-9']) entry.push(code);
    await entry.idle();
    expect(entry.lines.map((l) => [l.title, l.count])).toEqual([
      ['Blue mug', 3],
      ['Stoneware plate', 1],
    ]);
    expect(entry.attention.map((a) => [a.code, a.kind, a.scans])).toEqual([['NOPE-9', 'unknown', 2]]);
    expect(sent).toEqual([]);

    const keys = entry.lines.map((l) => l.key);
    await entry.record('finish');
    expect(sent.map((s) => [s.name, s.input.sku, s.input.quantity, s.input.location, s.input.idempotencyKey])).toEqual([
      ['stock.receive', 'MUG-1', 3, 'main', keys[0]],
      ['stock.receive', 'PLATE-2', 1, 'main', keys[1]],
    ]);
    expect(entry.lines).toEqual([]);
    expect(useStockActionsStore().entries.map((e) => [e.sku, e.quantity])).toEqual([
      ['PLATE-2', 1],
      ['MUG-1', 3],
    ]);
    expect(entry.announcement).toBe('Received 3 × Blue mug (MUG-1) at Main warehouse Received 1 × Stoneware plate (PLATE-2) at Main warehouse');
  });

  it('retries a line that got no answer with the same key and count; scans meanwhile start a new line', async () => {
    const entry = continuousStore();
    failures.push(new ClientError('network', 'Stockfeed could not reach its server.', undefined, 0));
    entry.push('MUG-1');
    entry.push('MUG-1');
    await entry.idle();
    await entry.record('finish');
    expect(entry.lines).toMatchObject([{ sku: 'MUG-1', count: 2, state: 'failed', error: 'Stockfeed could not reach its server.' }]);

    entry.push('MUG-1');
    await entry.idle();
    expect(entry.lines.map((l) => [l.count, l.state])).toEqual([
      [2, 'failed'],
      [1, 'counting'],
    ]);
    await entry.record('finish');
    expect(sent.map((s) => [s.input.quantity, s.input.idempotencyKey])).toEqual([
      [2, sent[0]?.input.idempotencyKey],
      [2, sent[0]?.input.idempotencyKey],
      [1, expect.not.stringMatching(String(sent[0]?.input.idempotencyKey))],
    ]);
    expect(entry.lines).toEqual([]);
  });

  it('says a refusal with the product’s and the location’s names, and keeps the line', async () => {
    const entry = continuousStore();
    entry.action = 'transfer';
    failures.push(
      new ClientError('insufficient_stock', 'Cannot transfer 2: only 1 of "Blue mug" (MUG-1) available at Main warehouse', { sku: 'MUG-1', location: 'main', onHand: 3, committed: 2 }, 409),
    );
    entry.push('MUG-1');
    entry.push('MUG-1');
    await entry.idle();
    await entry.record('finish');
    expect(sent[0]).toMatchObject({ name: 'stock.transfer', input: { location: 'main', toLocation: 'shop', quantity: 2 } });
    // The core's own sentence, which names the product and the location.
    expect(entry.lines[0]?.error).toBe('Cannot transfer 2: only 1 of "Blue mug" (MUG-1) available at Main warehouse.');
    entry.removeLine(entry.lines[0]?.key ?? '');
    expect(entry.lines).toEqual([]);
    expect(entry.announcement).toBe('Removed 2 × Blue mug (MUG-1); not recorded.');
  });

  it('records by itself after the pause, but a count only on Finish', async () => {
    vi.useFakeTimers();
    const entry = continuousStore();
    entry.recordPause = 3;
    entry.push('MUG-1');
    await entry.idle();
    entry.action = 'count';
    entry.push('PLATE-2');
    await entry.idle();
    expect(entry.recordAt).not.toBeNull();
    await vi.advanceTimersByTimeAsync(2900);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    expect(sent.map((s) => [s.name, s.input.sku])).toEqual([['stock.receive', 'MUG-1']]);
    expect(entry.lines.map((l) => [l.action, l.sku, l.state])).toEqual([['count', 'PLATE-2', 'counting']]);
    expect(entry.recordAt).toBeNull();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent).toHaveLength(1);
    entry.endCode('enter');
    await vi.waitFor(() => expect(sent.map((s) => [s.name, s.input.sku, s.input.quantity])).toContainEqual(['stock.count', 'PLATE-2', 1]));
  });

  it('never picks one of the products that share a code: they are listed until a person chooses', async () => {
    catalogue.push(product('MUG-GREEN', 'Green mug', '4006381333931'));
    const entry = continuousStore();
    entry.push('4006381333931');
    entry.push('4006381333931');
    entry.push('PLATE-2');
    await entry.idle();
    const [item] = entry.attention;
    expect(item).toMatchObject({ kind: 'ambiguous', scans: 2 });
    expect(item?.candidates.map((c) => c.sku)).toEqual(['MUG-1', 'MUG-GREEN']);
    expect(entry.lines.map((l) => l.sku)).toEqual(['PLATE-2']);

    entry.resolveAmbiguous(item?.id ?? '', item?.candidates[1]?.id ?? '');
    expect(entry.attention).toEqual([]);
    expect(entry.lines.map((l) => [l.sku, l.count])).toEqual([
      ['PLATE-2', 1],
      ['MUG-GREEN', 2],
    ]);
  });

  it('looks an unknown code up again after its product was created, and counts its scans', async () => {
    const entry = continuousStore();
    entry.push('4006381999990');
    entry.push('4006381999990');
    await entry.idle();
    await entry.recheckAll();
    expect(entry.attention).toHaveLength(1);
    catalogue.push(product('JUG-1', 'Milk jug', '4006381999990'));
    await entry.recheckAll();
    expect(entry.attention).toEqual([]);
    expect(entry.lines.map((l) => [l.sku, l.count])).toEqual([['JUG-1', 2]]);
  });

  it('offers no adjustment: it needs a sign and a reason per product', () => {
    const entry = useStockEntryStore();
    entry.action = 'adjust';
    entry.setContinuous(true);
    expect(entry.action).toBe('receive');
    entry.action = 'adjust';
    expect(entry.scanningContinuously).toBe(false);
  });
});

describe('scan, then quantity', () => {
  it('keeps the codes scanned while a product waits for its quantity, in order', async () => {
    const entry = useStockEntryStore();
    entry.location = 'main';
    entry.push('MUG-1');
    entry.push('PLATE-2');
    entry.push('NOPE-9');
    await vi.waitFor(() => expect(entry.current?.product?.sku).toBe('MUG-1'));
    expect(entry.queue).toEqual(['MUG-1', 'PLATE-2', 'NOPE-9']);
    await entry.recordQuantity(5, '');
    await vi.waitFor(() => expect(entry.current?.product?.sku).toBe('PLATE-2'));
    entry.putAside();
    await entry.idle();
    expect(entry.current).toBeNull();
    expect(entry.attention.map((a) => a.code)).toEqual(['NOPE-9']);
    expect(entry.scanNote).toBe('No product has the SKU or GTIN “NOPE-9”. It is listed under Needs attention.');
    expect(sent.map((s) => [s.input.sku, s.input.quantity])).toEqual([['MUG-1', 5]]);
  });

  it('asks which product a shared code means before a quantity', async () => {
    catalogue.push(product('4006381000017', 'Plate gift box'));
    const entry = useStockEntryStore();
    entry.push('4006381000017');
    await vi.waitFor(() => expect(entry.current?.candidates.map((c) => c.sku)).toEqual(['PLATE-2', '4006381000017']));
    expect(entry.current?.product).toBeNull();
    entry.choose(catalogue[1] as Product);
    expect(entry.current?.product?.sku).toBe('PLATE-2');
  });
});

describe('matching a code', () => {
  it('finds a product by SKU (any case) or GTIN (leading zeros aside), and every product that has it', () => {
    const mug = product('MUG-1', 'Mug', '0012345678905');
    const box = product('012345678905', 'Box');
    const plate = product('PLATE-2', 'Plate', '4006381000017');
    expect(matchesForCode(' mug-1 ', [mug, box, plate]).map((p) => p.sku)).toEqual(['MUG-1']);
    expect(matchesForCode('4006381000017', [mug, box, plate]).map((p) => p.sku)).toEqual(['PLATE-2']);
    expect(matchesForCode('012345678905', [mug, box, plate]).map((p) => p.sku)).toEqual(['MUG-1', '012345678905']);
    expect(matchesForCode('MUG', [mug, box, plate])).toEqual([]);
    expect(matchesForCode('000', [mug, product('000', 'Zeros', '0000000000000')]).map((p) => p.sku)).toEqual(['000']);
  });
});
