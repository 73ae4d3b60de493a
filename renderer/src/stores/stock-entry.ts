import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { normaliseGtin } from '../../../shared/domain/gtin';
import type { Product } from '../../../shared/schemas/product';
import type { StockResult } from '../../../shared/schemas/stock';
import { useClient } from '../api/app-api';
import { newIdempotencyKey } from '../api/idempotency-key';
import { compensationFor, type EntryAction } from '../../../shared/domain/stock-undo';
import { useProductsStore } from './products';

/** How many entries of this session stay listed. */
const RECENT_LIMIT = 15;
/** Kept for the tab's life, so a reload does not lose the entry that may need undoing. */
const STORAGE_KEY = 'stockfeed.stockEntries';

function storage(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}

function restore(): Entry[] {
  try {
    const parsed = JSON.parse(storage()?.getItem(STORAGE_KEY) ?? '[]') as unknown;
    // Only entries with the fields undo needs; anything else (an older format) is dropped.
    return Array.isArray(parsed)
      ? (parsed as Entry[]).filter((e) => typeof e?.key === 'string' && Array.isArray(e.result?.movements)).slice(0, RECENT_LIMIT)
      : [];
  } catch {
    return [];
  }
}

export type EntryInput = {
  action: EntryAction;
  product: Product;
  quantity: number;
  location: string;
  toLocation?: string;
  reason?: string;
};

export type Entry = {
  /** Local id for the list; the ledger ids are in `result.movements`. */
  key: string;
  action: EntryAction;
  sku: string;
  title: string;
  quantity: number;
  location: string;
  toLocation: string | null;
  reason: string | null;
  result: StockResult;
  at: string;
  /** Set once undone: the compensating movement's result, or null when there was nothing to undo. */
  undone: { result: StockResult | null } | null;
};

/** The product a scanned or typed code names exactly (SKU, or GTIN), or null. */
export function matchCode(code: string, candidates: Product[]): Product | null {
  const sku = code.trim().toUpperCase();
  const gtin = normaliseGtin(code.trim()).replace(/^0+/, '');
  return candidates.find((p) => p.sku === sku) ?? candidates.find((p) => p.gtin !== null && p.gtin.replace(/^0+/, '') === gtin && gtin !== '') ?? null;
}

/** The stock entry screen's session: lookups, the entries made, and undoing them. */
export const useStockEntryStore = defineStore('stock-entry', () => {
  const client = useClient();
  const products = useProductsStore();
  const entries = ref<Entry[]>(restore());
  watch(entries, (list) => {
    try {
      storage()?.setItem(STORAGE_KEY, JSON.stringify(list));
    } catch {
      // Storage full or blocked: the list still works for this page.
    }
  });

  async function lookup(code: string): Promise<Product | null> {
    const text = code.trim();
    if (!text) return null;
    const page = await client['products.list']({ query: text, limit: 20 });
    return matchCode(text, page.products);
  }

  async function record(input: EntryInput): Promise<Entry> {
    const base = { sku: input.product.sku, location: input.location, idempotencyKey: newIdempotencyKey() };
    const reason = input.reason?.trim() || undefined;
    let result: StockResult;
    switch (input.action) {
      case 'receive':
        result = await client['stock.receive']({ ...base, quantity: input.quantity, reason });
        break;
      case 'adjust':
        result = await client['stock.adjust']({ ...base, quantity: input.quantity, reason: reason ?? '' });
        break;
      case 'count':
        result = await client['stock.count']({ ...base, quantity: input.quantity, reason });
        break;
      case 'transfer':
        result = await client['stock.transfer']({ ...base, quantity: input.quantity, toLocation: input.toLocation ?? '', reason });
        break;
    }
    products.applyStock(result.stock.sku, result.stock);
    const entry: Entry = {
      key: base.idempotencyKey,
      action: input.action,
      sku: input.product.sku,
      title: input.product.title,
      quantity: input.quantity,
      location: input.location,
      toLocation: input.toLocation ?? null,
      reason: reason ?? null,
      result,
      at: new Date().toISOString(),
      undone: null,
    };
    entries.value = [entry, ...entries.value].slice(0, RECENT_LIMIT);
    return entry;
  }

  /** Records the compensating movement for an entry (see stock-undo.ts). */
  async function undo(key: string): Promise<Entry> {
    const entry = entries.value.find((e) => e.key === key);
    if (!entry) throw new Error('That entry is no longer listed.');
    if (entry.undone) return entry;
    const compensation = compensationFor(entry.action, entry.result);
    let result: StockResult | null = null;
    if (compensation?.action === 'adjust') result = await client['stock.adjust'](compensation.input);
    if (compensation?.action === 'transfer') result = await client['stock.transfer'](compensation.input);
    if (result) products.applyStock(result.stock.sku, result.stock);
    const done: Entry = { ...entry, undone: { result } };
    entries.value = entries.value.map((e) => (e.key === key ? done : e));
    return done;
  }

  return { entries, lookup, record, undo };
});
