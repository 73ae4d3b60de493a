/**
 * `availability.changed`: appended to the change log, in the same transaction, whenever a product's
 * availability verdict changes (in stock → out of stock at its buffer, back in stock, into
 * backorder, discontinued …), so an automation can pause ad spend or start a purchase.
 */
import { utcToday, type Availability } from '../../../shared/domain/availability';
import type { NewChange } from '../changes/change-log';
import { availabilityVerdict, loadLevels, type LevelFigures, type ProductFacts, type SummaryContext, type Verdict } from './stock-summary';
import type { Db } from '../util/db-helpers';
import type { StorefrontAvailability } from '../../../shared/schemas/availability';
import { storefrontAnswer } from './storefront-answer';

export type AvailabilityState = { availability: Availability; onlineAvailable: number; buffer: number };

/** The verdict of the one availability rule, with the figures it was decided on. */
export function availabilityState(product: ProductFacts, levels: LevelFigures[], ctx: SummaryContext, today = utcToday()): AvailabilityState {
  const verdict = availabilityVerdict(product, levels, ctx, today);
  return { availability: verdict.availability, onlineAvailable: verdict.onlineAvailable, buffer: verdict.buffer };
}

/** The change-log entry for a crossing, or null when the verdict stayed the same. */
export function availabilityChange(product: { id: string; sku: string }, from: AvailabilityState, to: AvailabilityState): NewChange | null {
  if (from.availability === to.availability) return null;
  return {
    type: 'availability.changed',
    productId: product.id,
    sku: product.sku,
    payload: { sku: product.sku, from: from.availability, to: to.availability, onlineAvailable: to.onlineAvailable, buffer: to.buffer },
  };
}

/**
 * Follows the products of one stock batch: the state before the batch's first operation, then
 * after each operation, so every crossing is reported once and in order, however many operations
 * the batch holds. Pure memory: the engine's statement count per batch does not change.
 */
export class AvailabilityTracker {
  private last = new Map<string, AvailabilityState>();
  /** By SKU: what a storefront is answered for each product an operation changed, as of its last one. */
  readonly answers = new Map<string, StorefrontAvailability>();

  /**
   * `keepAnswers`: fill `answers` (for the read cache, AvailabilityReader.beginBatch); `today`: the
   * date the batch decides on (the stock engine's one date for the batch).
   */
  constructor(
    private readonly ctx: SummaryContext,
    private readonly keepAnswers = false,
    readonly today = utcToday(),
  ) {}

  /** Records a product's state as loaded, before any operation of the batch touched it. */
  start(product: ProductFacts, levels: LevelFigures[]): void {
    if (!this.last.has(product.id)) this.last.set(product.id, availabilityState(product, levels, this.ctx, this.today));
  }

  /**
   * The product's state after an operation, from the rule's verdict on its stock rows as they now
   * stand (availabilityVerdict, on this tracker's date); an entry when it crossed since the
   * previous one.
   */
  after(product: { id: string; sku: string }, verdict: Verdict): NewChange | null {
    if (this.keepAnswers) this.answers.set(product.sku, storefrontAnswer(product.sku, verdict));
    const next: AvailabilityState = { availability: verdict.availability, onlineAvailable: verdict.onlineAvailable, buffer: verdict.buffer };
    const previous = this.last.get(product.id);
    this.last.set(product.id, next);
    return previous ? availabilityChange(product, previous, next) : null;
  }
}

type ProductState = ProductFacts & { sku: string };

const VERDICT_FIELDS = ['status', 'allow_backorder', 'preorder_date', 'buffer_stock'] as const;

/**
 * Crossings caused by product edits (status, buffer, backorder, preorder date), for the caller to
 * append with its product.updated entries. Reads the edited products' stock rows in one statement,
 * and nothing at all when no edit touched a field the availability rule reads.
 */
export async function productCrossings(db: Db, edits: Array<{ before: ProductState; after: ProductState }>, ctx: SummaryContext): Promise<NewChange[]> {
  const relevant = edits.filter(({ before, after }) => VERDICT_FIELDS.some((f) => String(before[f]) !== String(after[f])));
  if (relevant.length === 0) return [];
  const levelsOf = await loadLevels(db, relevant.map((e) => e.after.id));
  const today = utcToday();
  return relevant.flatMap(({ before, after }) => {
    const levels = levelsOf.get(after.id) ?? [];
    const change = availabilityChange(after, availabilityState(before, levels, ctx, today), availabilityState(after, levels, ctx, today));
    return change ? [change] : [];
  });
}

/**
 * Crossings caused by a change of the shop-wide buffer stock: every active product that uses the
 * shop buffer (no buffer of its own) is re-decided with the old and the new buffer. Pages through
 * the catalogue inside the settings transaction; a buffer change is rare, so the cost is paid there.
 */
export async function shopBufferCrossings(db: Db, fromBuffer: number, toBuffer: number, locations: SummaryContext['locations']): Promise<NewChange[]> {
  if (fromBuffer === toBuffer) return [];
  const before: SummaryContext = { locations, shopBufferStock: () => fromBuffer };
  const after: SummaryContext = { locations, shopBufferStock: () => toBuffer };
  const today = utcToday();
  const out: NewChange[] = [];
  let lastId = '';
  for (;;) {
    const products = (await db('products')
      .select('id', 'sku', 'status', 'allow_backorder', 'preorder_date', 'buffer_stock')
      .where('status', 'active')
      .whereNull('buffer_stock')
      .andWhere('id', '>', lastId)
      .orderBy('id')
      .limit(1000)) as ProductState[];
    if (products.length === 0) break;
    lastId = (products[products.length - 1] as ProductState).id;
    const levelsOf = await loadLevels(db, products.map((p) => p.id));
    for (const product of products) {
      const levels = levelsOf.get(product.id) ?? [];
      const change = availabilityChange(product, availabilityState(product, levels, before, today), availabilityState(product, levels, after, today));
      if (change) out.push(change);
    }
  }
  return out;
}
