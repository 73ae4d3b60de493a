/**
 * The product list query: search, filters, sorting and paging, in SQL that runs the same on
 * SQLite and PostgreSQL. Stock figures for sorting and filtering come from one grouped subquery
 * over stock_levels; the figures shown come from the same summaries every other answer uses.
 */
import type { Knex } from 'knex';
import type { ParsedInput } from '../../../shared/contract';
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

const SORT_COLUMNS = {
  sku: 'p.sku',
  title: 'p.title',
  price: 'p.price_minor',
  onHand: 's.on_hand',
  available: 's.available',
} as const;

/** Whether the query needs the stock subquery at all (it costs a pass over stock_levels). */
function needsStock(input: ListInput): boolean {
  return input.sort === 'onHand' || input.sort === 'available' || input.stock !== undefined || input.location !== undefined;
}

export type ListDeps = { db: Db; locations: LocationDirectory; shopBufferStock: number };

function stockSubquery(db: Db, locationId: string | null): Knex.QueryBuilder {
  let q = db('stock_levels')
    .select('product_id')
    .sum({ on_hand: 'on_hand', committed: 'committed', incoming: 'incoming' })
    .select(db.raw('sum(on_hand) - sum(committed) as available'))
    .groupBy('product_id');
  if (locationId) q = q.where('location_id', locationId);
  return q;
}

async function locationIdOf(deps: ListDeps, code: string | undefined): Promise<string | null> {
  if (!code) return null;
  const location = await deps.locations.byCodeOrLoad(deps.db, code);
  if (!location) {
    throw new AppError('validation_failed', `There is no location with the code "${code}"`, {
      issues: [{ path: 'location', message: `no location with the code "${code}"` }],
    });
  }
  return location.id;
}

/**
 * The filtered product query (without ordering or paging), as `p` joined to stock `s` when needed.
 * Synchronous on purpose: a query builder is thenable, so returning one from an async function
 * would run it.
 */
function filtered(deps: ListDeps, input: ListInput, locationId: string | null): Knex.QueryBuilder {
  const { db } = deps;
  let q = db('products as p');
  if (needsStock(input)) {
    const stock = stockSubquery(db, locationId).as('s');
    // A location filter keeps only products stocked there; otherwise products without any stock
    // row still list (with zero figures).
    q = locationId ? q.join(stock, 's.product_id', 'p.id') : q.leftJoin(stock, 's.product_id', 'p.id');
    if (locationId) q = q.where((w) => w.where('s.on_hand', '<>', 0).orWhere('s.committed', '<>', 0).orWhere('s.incoming', '<>', 0));
  }
  if (input.status) q = q.where('p.status', input.status);
  if (input.itemGroupId) q = q.where('p.item_group_id', input.itemGroupId);
  const term = input.query?.trim();
  if (term) {
    const upper = likeEscape(term.toUpperCase());
    const lower = likeEscape(term.toLowerCase());
    q = q.where((w) =>
      w
        .whereRaw("p.sku like ? escape '\\'", [`${upper}%`])
        .orWhereRaw("lower(p.title) like ? escape '\\'", [`%${lower}%`])
        .orWhereIn('p.gtin', gtinSpellings(term)),
    );
  }
  if (input.duplicateGtin) {
    // The key is the GTIN without its leading zeros: equal exactly when the GTIN-14s are equal.
    const shared = db('products').select(db.raw(GTIN_KEY_SQL)).whereNotNull('gtin').groupByRaw(GTIN_KEY_SQL).havingRaw('count(*) > 1');
    q = q.whereNotNull('p.gtin').whereRaw("ltrim(p.gtin, '0') in ?", [shared]);
  }
  if (input.stock) {
    const available = db.raw('coalesce(s.available, 0)');
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
        q = q.where(db.raw('coalesce(s.incoming, 0)'), '>', 0);
        break;
    }
  }
  return q;
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
  if (column.startsWith('s.')) q = q.orderByRaw(`coalesce(${column}, 0) ${input.direction}`);
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
  // Sorting by stock alone does not change which products match: count without the stock pass.
  const countBase = input.stock === undefined && input.location === undefined && needsStock(input) ? filtered(deps, { ...input, sort: 'sku' }, null) : base;
  const counted = (await countBase.clone().count({ n: '*' }).first()) as { n: number | string } | undefined;
  return { rows, next: null, total: num(counted?.n) };
}
