/**
 * The product list query: search, filters, sorting and paging, in SQL that runs the same on
 * SQLite and PostgreSQL. Stock figures for sorting and filtering are the product's totals (columns
 * of products, kept with its stock levels), or its stock level at the filter's location; the
 * figures shown come from the same summaries every other answer uses.
 */
import type { Knex } from 'knex';
import type { Output, ParsedInput } from '../../../shared/contract';
import { PRODUCT_STATUSES, type ProductFilter } from '../../../shared/schemas/product';
import { AppError } from '../../../shared/errors';
import { likeEscape, num, type Db } from '../util/db-helpers';
import { gtinSpellings } from '../../../shared/domain/gtin';
import { GTIN_KEY_SQL } from '../db/gtin-uniqueness';
import type { LocationDirectory } from '../locations/locations';
import type { ProductRow } from './product-repository';

export type ListInput = ParsedInput<'products.list'>;

type Cursor = { sku: string };

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(raw: string): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
    if (typeof parsed.sku !== 'string') throw new Error('bad');
    return parsed;
  } catch {
    throw new AppError('validation_failed', 'cursor is not one this API returned', {
      issues: [{ path: 'cursor', message: 'pass the `next` value of the previous page unchanged' }],
    });
  }
}

/** The stock figures a filter or sort reads: the product's totals, or its level at one location. */
type StockColumns = { onHand: string; committed: string; incoming: string; available: string };

const TOTALS: StockColumns = {
  onHand: 'p.total_on_hand',
  committed: 'p.total_committed',
  incoming: 'p.total_incoming',
  // As written in the index products_total_available_index, so the filters read a range of it.
  available: '(p.total_on_hand - p.total_committed)',
};
const AT_LOCATION: StockColumns = { onHand: 's.on_hand', committed: 's.committed', incoming: 's.incoming', available: '(s.on_hand - s.committed)' };

const SORT_COLUMNS = {
  sku: 'p.sku',
  title: 'p.title',
  price: 'p.price_minor',
  onHand: 'onHand',
  available: 'available',
} as const;

/** A filter, and the sort when there is one (sorting by stock needs the stock figures too). */
type FilterInput = ProductFilter & { sort?: ListInput['sort'] };

/** Whether a location filter needs the level's figures (to filter or sort on), not only its existence. */
function needsLevel(input: FilterInput): boolean {
  return input.sort === 'onHand' || input.sort === 'available' || input.stock !== undefined;
}

export type ListDeps = { db: Db; locations: LocationDirectory; shopBufferStock: number };

/**
 * A level that holds anything at all: what "stocked at the location" means to the filter. Written
 * with literals, as the partial index stock_levels_location_id_holding_index is, so SQLite can
 * count a location's products from that index (a bound 0 would not match its predicate).
 */
function holdsStock(w: Knex.QueryBuilder): Knex.QueryBuilder {
  return w.whereRaw('(s.on_hand <> 0 or s.committed <> 0 or s.incoming <> 0)');
}

/** The id of the filter's location (null for none); an unknown code is a 422 naming `location`. */
export async function locationIdOf(deps: ListDeps, code: string | undefined): Promise<string | null> {
  if (!code) return null;
  const location = await deps.locations.byCodeOrLoad(deps.db, code);
  if (!location) {
    throw new AppError('validation_failed', `There is no location with the code "${code}"`, {
      issues: [{ path: 'location', message: `no location with the code "${code}"` }],
    });
  }
  return location.id;
}

/** Letters past ASCII whose case the title search tries both ways (2^n spellings). */
const MAX_CASED_LETTERS = 3;

/**
 * The search term as `lower(p.title)` may hold it. SQLite's lower() folds only A–Z (and so does
 * PostgreSQL's under the C locale), so a title's "Über", "Ø" or "École" keeps its capital there,
 * and "über" (or "Über", lowered here) found nothing. The term is lowered, then each of its first
 * few letters past ASCII that has a capital is tried both ways; where lower() folds them all, the
 * extra spellings match nothing more.
 */
function titleSpellings(term: string): string[] {
  const lower = [...term.toLowerCase()];
  const cased = lower.flatMap((char, i) => {
    const capital = char.toUpperCase();
    return char > '\u007f' && capital !== char && capital.length === 1 && capital.toLowerCase() === char ? [i] : [];
  });
  let spellings = [lower];
  for (const i of cased.slice(0, MAX_CASED_LETTERS)) {
    spellings = spellings.flatMap((chars) => [chars, chars.map((c, j) => (j === i ? c.toUpperCase() : c))]);
  }
  return spellings.map((chars) => chars.join(''));
}

/**
 * The filtered product query (without ordering or paging), as `p` joined to stock `s` when needed.
 * Synchronous on purpose: a query builder is thenable, so returning one from an async function
 * would run it.
 */
function filtered(deps: ListDeps, input: FilterInput, locationId: string | null): Knex.QueryBuilder {
  const { db } = deps;
  let q = db('products as p');
  const stock = locationId ? AT_LOCATION : TOTALS;
  // A location filter keeps only products stocked there. When only that is asked, an EXISTS per
  // product lets a page in SKU order stop after its rows; a join (one level per product and
  // location) when the level's figures are filtered or sorted on.
  if (locationId && needsLevel(input)) {
    q = q.join('stock_levels as s', (j) => j.on('s.product_id', 'p.id').andOnVal('s.location_id', locationId)).where(holdsStock);
  } else if (locationId) {
    q = q.whereExists(db('stock_levels as s').select(db.raw('1')).whereRaw('s.product_id = p.id').andWhere('s.location_id', locationId).andWhere(holdsStock));
  }
  if (input.status) q = q.where('p.status', input.status);
  if (input.itemGroupId) q = q.where('p.item_group_id', input.itemGroupId);
  const term = input.query?.trim();
  if (term) {
    const upper = likeEscape(term.toUpperCase());
    q = q.where((w) => {
      w.whereRaw("p.sku like ? escape '\\'", [`${upper}%`]);
      for (const spelling of titleSpellings(term)) w.orWhereRaw("lower(p.title) like ? escape '\\'", [`%${likeEscape(spelling)}%`]);
      w.orWhereIn('p.gtin', gtinSpellings(term));
    });
  }
  if (input.duplicateGtin) {
    // The key is the GTIN without its leading zeros: equal exactly when the GTIN-14s are equal.
    const shared = db('products').select(db.raw(GTIN_KEY_SQL)).whereNotNull('gtin').groupByRaw(GTIN_KEY_SQL).havingRaw('count(*) > 1');
    q = q.whereNotNull('p.gtin').whereRaw("ltrim(p.gtin, '0') in ?", [shared]);
  }
  if (input.stock) {
    const available = db.raw(stock.available);
    const buffer = db.raw('coalesce(p.buffer_stock, ?)', [deps.shopBufferStock]);
    switch (input.stock) {
      case 'in_stock':
        q = q.where(available, '>', buffer);
        break;
      case 'low':
        q = q.where(available, '>', 0).andWhere(available, '<=', buffer);
        break;
      case 'out_of_stock':
        q = q.where(available, '<=', 0);
        break;
      case 'incoming':
        q = q.where(db.raw(stock.incoming), '>', 0);
        break;
    }
  }
  return q;
}

/**
 * How many products a location filter alone matches, counted on its stock levels (each names an
 * existing product): counting it through products costs a lookup per product (~130 ms at 100,000).
 */
function locationOnlyCount(deps: ListDeps, input: FilterInput, locationId: string | null): Knex.QueryBuilder | null {
  const other = input.status || input.itemGroupId || input.query?.trim() || input.duplicateGtin || input.stock;
  if (!locationId || other) return null;
  return deps.db('stock_levels as s').where('s.location_id', locationId).andWhere(holdsStock);
}

export type ListedRows = { rows: ProductRow[]; next: string | null; total?: number };

/** One page of product rows for the list input, and the cursor or total that goes with it. */
export async function listProductRows(deps: ListDeps, input: ListInput): Promise<ListedRows> {
  const keyset = input.offset === undefined;
  if (keyset && (input.sort !== 'sku' || input.direction !== 'asc')) {
    throw new AppError('validation_failed', 'sorting by anything but SKU needs offset paging: pass offset (0 for the first page)', {
      issues: [{ path: 'offset', message: 'pass offset (0 for the first page) when sorting' }],
    });
  }
  if (!keyset && input.cursor) {
    throw new AppError('validation_failed', 'pass either cursor or offset, not both', {
      issues: [{ path: 'cursor', message: 'cursor and offset cannot be combined' }],
    });
  }
  const locationId = await locationIdOf(deps, input.location);
  const base = filtered(deps, input, locationId);
  const column = SORT_COLUMNS[input.sort];
  // SKU is unique, so it makes every order total and a page boundary stable.
  let q = base.clone().select('p.*');
  if (column === 'onHand' || column === 'available') q = q.orderByRaw(`${(locationId ? AT_LOCATION : TOTALS)[column]} ${input.direction}`);
  else if (column !== 'p.sku') q = q.orderBy(column, input.direction);
  q = q.orderBy('p.sku', input.sort === 'sku' ? input.direction : 'asc');

  if (keyset) {
    if (input.cursor) q = q.where('p.sku', '>', decodeCursor(input.cursor).sku);
    const rows = (await q.limit(input.limit + 1)) as ProductRow[];
    const page = rows.slice(0, input.limit);
    const last = page[page.length - 1];
    return { rows: page, next: rows.length > input.limit && last ? encodeCursor({ sku: last.sku }) : null };
  }
  const offset = input.offset ?? 0;
  const rows = (await q.limit(input.limit).offset(offset)) as ProductRow[];
  // A short first page is the whole answer: no second pass over the table to count it (most
  // narrow searches as you type end here, which halves their time on a large catalogue).
  if (offset === 0 && rows.length < input.limit) return { rows, next: null, total: rows.length };
  const countBase = locationOnlyCount(deps, input, locationId) ?? base;
  const counted = (await countBase.clone().count({ n: '*' }).first()) as { n: number | string } | undefined;
  return { rows, next: null, total: num(counted?.n) };
}

/** How many products match the filter (its status aside), per status: one grouped count. */
export async function countByStatus(deps: ListDeps, filter: Omit<ProductFilter, 'status'>): Promise<Output<'products.counts'>> {
  const locationId = await locationIdOf(deps, filter.location);
  const rows = (await filtered(deps, filter, locationId).select('p.status').count({ n: '*' }).groupBy('p.status')) as Array<{ status: string; n: number | string }>;
  const byStatus = Object.fromEntries(PRODUCT_STATUSES.map((status) => [status, 0])) as Output<'products.counts'>['byStatus'];
  let total = 0;
  for (const row of rows) {
    const n = num(row.n);
    total += n;
    if (row.status in byStatus) byStatus[row.status as keyof typeof byStatus] = n;
  }
  return { byStatus, total };
}

/**
 * Every product the filter matches, in SKU order, as id and SKU: what a bulk job or a filtered
 * export works through. One query, so the stock subquery of a stock filter runs once, not per page;
 * 100,000 pairs are a few megabytes.
 */
export async function matchingProducts(deps: ListDeps, filter: ProductFilter): Promise<Array<{ id: string; sku: string }>> {
  const locationId = await locationIdOf(deps, filter.location);
  return (await filtered(deps, filter, locationId).select('p.id', 'p.sku').orderBy('p.sku')) as Array<{ id: string; sku: string }>;
}
