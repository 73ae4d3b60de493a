import { decideAvailability, utcToday, type AvailabilityVerdict } from '../../../shared/domain/availability';
import type { StockSummary } from '../../../shared/schemas/stock';
import type { LocationDirectory } from '../locations/locations';
import { bool, chunkValues, num, type Db } from '../util/db-helpers';

/** The product fields the availability rule reads. */
export type ProductFacts = {
  id: string;
  status: string;
  allow_backorder: unknown;
  preorder_date: string | null;
  buffer_stock: number | null;
};

export type LevelFigures = { location_id: string; on_hand: number; committed: number; incoming: number };

export type SummaryContext = {
  locations: LocationDirectory;
  /** The shop-wide buffer stock (a setting). */
  shopBufferStock(): number;
  /** Days a backorder takes when no incoming stock is dated (a setting; 14 when absent). */
  backorderLeadDays?(): number;
  /** The earliest expected date (YYYY-MM-DD, today or later) of the product's open purchase-order lines. */
  earliestIncoming?(productId: string, today: string): string | null;
};

/** Available stock (on hand − committed) summed over the locations that sell online. */
export function onlineAvailableOf(levels: LevelFigures[], ctx: SummaryContext): number {
  let total = 0;
  // An unknown location (added by another process a moment ago) counts as selling online, the default.
  for (const level of levels) if (ctx.locations.cachedById(level.location_id)?.sellsOnline ?? true) total += level.on_hand - level.committed;
  return total;
}

/**
 * Totals over all locations, and availability from the locations that sell online: the figures
 * every host shows for a product, computed in one place.
 */
/** The availability rule applied to a product's facts and stock rows (the one call site of the rule in the core). */
export function availabilityVerdict(product: ProductFacts, levels: LevelFigures[], ctx: SummaryContext, today = utcToday()): Verdict {
  const onlineAvailable = onlineAvailableOf(levels, ctx);
  const verdict = decideAvailability({
    status: product.status as 'active' | 'archived' | 'discontinued',
    allowBackorder: bool(product.allow_backorder),
    preorderDate: product.preorder_date,
    bufferStock: product.buffer_stock === null ? null : num(product.buffer_stock),
    onlineAvailable,
    shopBufferStock: ctx.shopBufferStock(),
    backorderLeadDays: ctx.backorderLeadDays?.(),
    earliestIncoming: ctx.earliestIncoming?.(product.id, today) ?? null,
    today,
  }) as Verdict;
  // decideAvailability's object is new: the figure is added to it rather than copied with it.
  verdict.onlineAvailable = onlineAvailable;
  return verdict;
}

/** The availability rule's verdict with the online available stock it was decided on. */
export type Verdict = AvailabilityVerdict & { onlineAvailable: number };

/**
 * A summary as the publisher needs it: with the available stock at the locations that sell online
 * (what a feed may offer as a quantity), which the API's summary does not carry.
 */
export type PublishSummary = StockSummary & { onlineAvailable: number };

export function summarise(product: ProductFacts, levels: LevelFigures[], ctx: SummaryContext, today = utcToday()): StockSummary {
  return summaryOf(levels, availabilityVerdict(product, levels, ctx, today));
}

/** A product's stock rows added up. */
function totalsOf(levels: LevelFigures[]): { onHand: number; committed: number; incoming: number } {
  let onHand = 0;
  let committed = 0;
  let incoming = 0;
  for (const level of levels) {
    onHand += level.on_hand;
    committed += level.committed;
    incoming += level.incoming;
  }
  return { onHand, committed, incoming };
}

/**
 * The summary of a product's stock rows given the rule's verdict on them (availabilityVerdict of
 * the same rows): the stock engine decides once per operation and uses the verdict for the answer,
 * the change-log entry and the availability events alike.
 */
export function summaryOf(levels: LevelFigures[], verdict: Verdict): StockSummary {
  const { onHand, committed, incoming } = totalsOf(levels);
  return { onHand, committed, incoming, available: onHand - committed, availability: verdict.availability, availabilityDate: verdict.availabilityDate };
}

export function summariseForPublish(product: ProductFacts, levels: LevelFigures[], ctx: SummaryContext, today = utcToday()): PublishSummary {
  const { onHand, committed, incoming } = totalsOf(levels);
  const verdict = availabilityVerdict(product, levels, ctx, today);
  return {
    onHand,
    committed,
    incoming,
    available: onHand - committed,
    availability: verdict.availability,
    availabilityDate: verdict.availabilityDate,
    onlineAvailable: verdict.onlineAvailable,
  };
}

type StockRow = LevelFigures & { product_id: string };

/** Stock rows grouped by product, figures as numbers (PostgreSQL returns some as strings). */
export function levelsByProduct(rows: StockRow[]): Map<string, LevelFigures[]> {
  const levelsOf = new Map<string, LevelFigures[]>();
  for (const r of rows) {
    const list = levelsOf.get(r.product_id) ?? [];
    list.push({ location_id: r.location_id, on_hand: num(r.on_hand), committed: num(r.committed), incoming: num(r.incoming) });
    levelsOf.set(r.product_id, list);
  }
  return levelsOf;
}

/** The stock rows of some products: one query per 10,000 products. */
export async function loadLevels(db: Db, productIds: string[]): Promise<Map<string, LevelFigures[]>> {
  const rows: StockRow[] = [];
  for (const chunk of chunkValues(productIds)) {
    rows.push(...((await db('stock_levels').select('product_id', 'location_id', 'on_hand', 'committed', 'incoming').whereIn('product_id', chunk)) as StockRow[]));
  }
  return levelsByProduct(rows);
}

/** Summaries from stock rows already read (each row names its product). */
export function summariesFrom(products: ProductFacts[], rows: StockRow[], ctx: SummaryContext): Map<string, PublishSummary> {
  return publishSummariesOf(products, levelsByProduct(rows), ctx);
}

/** The publisher's summaries of some products, their stock read here. */
export async function loadPublishSummaries(db: Db, products: ProductFacts[], ctx: SummaryContext): Promise<Map<string, PublishSummary>> {
  return publishSummariesOf(products, await loadLevels(db, products.map((p) => p.id)), ctx);
}

function publishSummariesOf(products: ProductFacts[], levelsOf: Map<string, LevelFigures[]>, ctx: SummaryContext): Map<string, PublishSummary> {
  const today = utcToday();
  return new Map(products.map((p) => [p.id, summariseForPublish(p, levelsOf.get(p.id) ?? [], ctx, today)]));
}

function summariesOf(products: ProductFacts[], levelsOf: Map<string, LevelFigures[]>, ctx: SummaryContext): Map<string, StockSummary> {
  // One date for the whole page (not a new Date per product).
  const today = utcToday();
  return new Map(products.map((p) => [p.id, summarise(p, levelsOf.get(p.id) ?? [], ctx, today)]));
}

/** Summaries for a page of products: one query for all their stock rows. */
export async function loadSummaries(db: Db, products: ProductFacts[], ctx: SummaryContext): Promise<Map<string, StockSummary>> {
  return summariesOf(products, await loadLevels(db, products.map((p) => p.id)), ctx);
}
