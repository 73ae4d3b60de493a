import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { Input } from '../../../shared/contract';
import { STOCK_ACTION_SPECS, stockActionCall, type StockAction, type StockActionCall, type StockActionRequest } from '../../../shared/domain/stock-actions';
import { compensationFor } from '../../../shared/domain/stock-undo';
import type { StockResult } from '../../../shared/schemas/stock';
import { useClient } from '../api/app-api';
import { describeError, fieldErrors } from '../api/errors';
import { createIdempotencyKeys } from '../api/idempotency-key';
import { useProductsStore } from './products';
import { useStockStore } from './stock';

/**
 * How many entries of this session stay listed, each with its undo. Continuous scanning records one
 * entry per product, so a morning's delivery of a few dozen products must all stay reachable.
 */
const RECENT_LIMIT = 200;
/** Kept for the tab's life, so a reload does not lose the entry that may need undoing. */
const STORAGE_KEY = 'stockfeed.stockEntries';

/** A stock action that was recorded as an entry of this session, so it can be undone. */
export type StockEntry = {
  /** The action's idempotency key; the ledger ids are in `result.movements`. */
  key: string;
  action: StockAction;
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

/** Why an action was not recorded: a sentence, and the fields the core named (quantity, reason, …). */
export type StockActionFailure = { message: string; fields: Record<string, string> };

export type StockActionOutcome = { ok: true; result: StockResult; entry: StockEntry | null } | { ok: false; failure: StockActionFailure };

export type StockUndoOutcome = { ok: true; entry: StockEntry } | { ok: false; failure: StockActionFailure };

function storage(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}

function restore(): StockEntry[] {
  try {
    const parsed = JSON.parse(storage()?.getItem(STORAGE_KEY) ?? '[]') as unknown;
    // Only entries with the fields undo needs; anything else (an older format) is dropped.
    return Array.isArray(parsed)
      ? (parsed as StockEntry[]).filter((e) => typeof e?.key === 'string' && Array.isArray(e.result?.movements)).slice(0, RECENT_LIMIT)
      : [];
  } catch {
    return [];
  }
}

function failureOf(error: unknown): StockActionFailure {
  return { message: describeError(error), fields: fieldErrors(error) };
}

/**
 * Every stock action a person records, from the product's stock panel or the stock entry screen:
 * one place that sends it (one idempotency key per intended write, kept for a retry), shows its
 * figures at once, lists it for undo when asked, and turns a refusal into field messages.
 */
export const useStockActionsStore = defineStore('stock-actions', () => {
  const client = useClient();
  const products = useProductsStore();
  const stock = useStockStore();
  const keys = createIdempotencyKeys();
  /** This tab's entries, newest first. */
  const entries = ref<StockEntry[]>(restore());
  watch(entries, (list) => {
    try {
      storage()?.setItem(STORAGE_KEY, JSON.stringify(list));
    } catch {
      // Storage full or blocked: the list still works for this page.
    }
  });

  async function send<K extends StockActionCall['operation']>(call: { operation: K; input: Input<K> }): Promise<StockResult> {
    const result = await client[call.operation](call.input);
    // The figures on screen come from the result, not from a reload.
    products.applyStock(result.stock.sku, result.stock);
    stock.applyResult(result);
    return result;
  }

  /**
   * Records one stock action. With `record`, it is listed as an entry of this session (the stock
   * entry screen's "Last entries"), which can be undone. With `idempotencyKey`, the caller keeps
   * the key of each of its writes (several lines of continuous scanning are sent one after another,
   * and each retry must reuse its own line's key).
   */
  async function submit(
    request: StockActionRequest,
    options: { record?: { title: string }; idempotencyKey?: string } = {},
  ): Promise<StockActionOutcome> {
    const key = options.idempotencyKey ?? keys.keyFor(request);
    let result: StockResult;
    try {
      result = await send(stockActionCall(request, key));
    } catch (error) {
      // The core's sentence names the product and the location ("Cannot sell 4 of "Blue mug" (MUG-BLUE): only 3 available at Shop floor …").
      return { ok: false, failure: failureOf(error) };
    }
    if (options.idempotencyKey === undefined) keys.reset();
    if (!options.record) return { ok: true, result, entry: null };
    const entry: StockEntry = {
      key,
      action: request.action,
      sku: result.stock.sku,
      title: options.record.title,
      quantity: request.quantity,
      location: request.location ?? result.movements[0]?.location ?? '',
      toLocation: STOCK_ACTION_SPECS[request.action].needsDestination ? (request.toLocation ?? null) : null,
      reason: request.reason?.trim() || null,
      result,
      at: new Date().toISOString(),
      undone: null,
    };
    // A repeated key (Enter pressed twice) got the first answer back: list the entry once.
    entries.value = [entry, ...entries.value.filter((e) => e.key !== key)].slice(0, RECENT_LIMIT);
    return { ok: true, result, entry };
  }

  /** Records the movement that cancels an entry (see stock-undo.ts); an entry is undone once. */
  async function undo(key: string): Promise<StockUndoOutcome> {
    const entry = entries.value.find((e) => e.key === key);
    if (!entry) return { ok: false, failure: { message: 'That entry is no longer listed.', fields: {} } };
    if (entry.undone) return { ok: true, entry };
    const compensation = compensationFor(entry.action, entry.result);
    let result: StockResult | null = null;
    try {
      if (compensation?.action === 'adjust') result = await send({ operation: 'stock.adjust', input: compensation.input });
      if (compensation?.action === 'transfer') result = await send({ operation: 'stock.transfer', input: compensation.input });
      if (compensation?.action === 'return') result = await send({ operation: 'stock.return', input: compensation.input });
    } catch (error) {
      return { ok: false, failure: failureOf(error) };
    }
    const done: StockEntry = { ...entry, undone: { result } };
    entries.value = entries.value.map((e) => (e.key === key ? done : e));
    return { ok: true, entry: done };
  }

  return { entries, submit, undo };
});
