import { uuid7 } from '../util/uuid7';
import type { ParsedInput, Output } from '../../../shared/contract';
import { AppError, type FieldIssue } from '../../../shared/errors';
import { amountProblem, toMinorUnits } from '../../../shared/domain/money';
import { slugify } from '../../../shared/domain/slug';
import type { Product } from '../../../shared/schemas/product';
import type { StockSummary } from '../../../shared/schemas/stock';
import { withIdempotency } from '../idempotency';
import type { StockService } from '../stock/stock-service';
import type { Db } from '../util/db-helpers';
import { countByStatus, listProductRows } from './product-list';
import { productCrossings } from '../stock/availability-events';
import type { WriteContext } from '../write-queue';
import type { StockWriteQueue } from '../stock/stock-ops';
import { findProductRow, freeSlug, gtinTakenError, productsWithGtin, toProduct, toProductFields, type ProductRow } from './product-repository';
import { gtin14 } from '../../../shared/domain/gtin';
import { normaliseSku } from '../../../shared/domain/sku';
import type { SummaryContext } from '../stock/stock-summary';
import type { NewChange } from '../changes/change-log';
import { assertVersion, laterThan } from '../util/later-than';

type MoneyFields = { price?: string | undefined; salePrice?: string | null | undefined };

/** Checks the amounts against the currency's minor unit (JPY has none, KWD has three). */
export function moneyIssues(fields: MoneyFields, currency: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (fields.price !== undefined) {
    const problem = amountProblem(fields.price, currency);
    if (problem) issues.push({ path: 'price', message: problem });
  }
  if (fields.salePrice) {
    const problem = amountProblem(fields.salePrice, currency);
    if (problem) issues.push({ path: 'salePrice', message: problem });
  }
  if (issues.length === 0 && fields.price !== undefined && fields.salePrice) {
    if (toMinorUnits(fields.salePrice, currency) >= toMinorUnits(fields.price, currency)) {
      issues.push({ path: 'salePrice', message: 'sale price must be lower than the price' });
    }
  }
  return issues;
}

/** The fields of a create input that end up in the products row. */
export type NewProductFields = Omit<ParsedInput<'products.create'>, 'slug' | 'currency' | 'idempotencyKey'>;

/**
 * The products row for a new product. The caller has chosen a free slug, resolved the currency
 * and checked the amounts with `moneyIssues` (the CSV import builds thousands of rows this way).
 */
export function newProductRow(
  input: NewProductFields,
  meta: { id: string; currency: string; slug: string; now: string },
): ProductRow {
  return {
    id: meta.id,
    sku: input.sku,
    title: input.title,
    description: input.description,
    brand: input.brand,
    gtin: input.gtin,
    mpn: input.mpn,
    condition: input.condition,
    price_minor: toMinorUnits(input.price, meta.currency),
    sale_price_minor: input.salePrice ? toMinorUnits(input.salePrice, meta.currency) : null,
    currency: meta.currency,
    slug: meta.slug,
    image_url: input.imageUrl,
    additional_image_urls: JSON.stringify(input.additionalImageUrls),
    status: input.status,
    item_group_id: input.itemGroupId,
    allow_backorder: input.allowBackorder,
    preorder_date: input.preorderDate,
    buffer_stock: input.bufferStock,
    product_type: input.productType,
    google_product_category: input.googleProductCategory,
    created_at: meta.now,
    updated_at: meta.now,
  };
}

export function productCreatedChange(row: ProductRow): NewChange {
  const payload = toProductFields(row);
  return { type: 'product.created', productId: row.id, sku: row.sku, payload };
}

export type ProductPatchFields = Omit<ParsedInput<'products.update'>, 'idOrSku' | 'id' | 'createdAt' | 'updatedAt' | 'expectedUpdatedAt' | 'stock' | 'idempotencyKey'>;

export type ProductPatch = {
  /** Money problems (amounts against the currency, sale price below price); nothing else is checked. */
  issues: FieldIssue[];
  next: ProductRow;
  /** The product.updated entry, or null when the update changes nothing. */
  change: NewChange | null;
};

/** The same value in every column (as stored: a number and its string are not the same here). */
function sameColumns(a: ProductRow, b: ProductRow): boolean {
  for (const key in b) if (a[key as keyof ProductRow] !== b[key as keyof ProductRow]) return false;
  return true;
}

/**
 * Whether two field values are the same, as their JSON would say: plain values compared as they
 * are, and only lists (the image addresses) as JSON. An import of 100,000 unchanged rows compared
 * every field as JSON, 4 million JSON.stringify calls (~1 s).
 */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Applies an update's fields to a stored row in memory. SKU and slug uniqueness need the database
 * and are the caller's to check; a changed currency re-checks the amounts it keeps.
 */
export function patchProductRow(row: ProductRow, input: ProductPatchFields, now: string): ProductPatch {
  // The stored row's fields, made only when needed: an import's unchanged rows need none. Not
  // behind a closure: an import patches 100,000 rows (and tsx names each closure it makes).
  let stored: ReturnType<typeof toProductFields> | undefined;
  const currency = input.currency ?? row.currency;
  const price = input.price ?? (input.currency ? (stored ??= toProductFields(row)).price : undefined);
  const salePrice = input.salePrice !== undefined ? input.salePrice : input.currency || input.price ? (stored ??= toProductFields(row)).salePrice : undefined;
  const issues = moneyIssues({ price, salePrice }, currency);
  if (issues.length > 0) return { issues, next: row, change: null };

  const next: ProductRow = { ...row };
  if (input.sku !== undefined) next.sku = input.sku;
  if (input.slug !== undefined) next.slug = input.slug;
  if (input.title !== undefined) next.title = input.title;
  if (input.description !== undefined) next.description = input.description;
  if (input.brand !== undefined) next.brand = input.brand;
  if (input.gtin !== undefined) next.gtin = input.gtin;
  if (input.mpn !== undefined) next.mpn = input.mpn;
  if (input.condition !== undefined) next.condition = input.condition;
  if (input.imageUrl !== undefined) next.image_url = input.imageUrl;
  if (input.additionalImageUrls !== undefined) next.additional_image_urls = JSON.stringify(input.additionalImageUrls);
  if (input.status !== undefined) next.status = input.status;
  if (input.itemGroupId !== undefined) next.item_group_id = input.itemGroupId;
  if (input.allowBackorder !== undefined) next.allow_backorder = input.allowBackorder;
  if (input.preorderDate !== undefined) next.preorder_date = input.preorderDate;
  if (input.bufferStock !== undefined) next.buffer_stock = input.bufferStock;
  if (input.productType !== undefined) next.product_type = input.productType;
  if (input.googleProductCategory !== undefined) next.google_product_category = input.googleProductCategory;
  next.currency = currency;
  if (price !== undefined) next.price_minor = toMinorUnits(price, currency);
  if (salePrice !== undefined) next.sale_price_minor = salePrice ? toMinorUnits(salePrice, currency) : null;

  // Every column as stored: the fields, made from the columns, are the same too. A re-imported
  // file's 100,000 unchanged rows spent ~0.8 s making and comparing them field by field.
  if (sameColumns(row, next)) return { issues: [], next: row, change: null };
  const before = (stored ?? toProductFields(row)) as Record<string, unknown>;
  const after = toProductFields(next) as Record<string, unknown>;
  const changed = Object.keys(after).filter((k) => k !== 'stock' && k !== 'updatedAt' && !sameValue(before[k], after[k]));
  if (changed.length === 0) return { issues: [], next: row, change: null };
  next.updated_at = laterThan(row.updated_at, now);
  return {
    issues: [],
    next,
    change: {
      type: 'product.updated',
      productId: row.id,
      sku: next.sku,
      payload: {
        changed,
        before: Object.fromEntries(changed.map((k) => [k, before[k]])),
        after: Object.fromEntries(changed.map((k) => [k, after[k]])),
      },
    },
  };
}

function failIf(issues: FieldIssue[]): void {
  if (issues.length === 0) return;
  const first = issues[0] as FieldIssue;
  throw new AppError('validation_failed', `${first.path}: ${first.message}`, { issues });
}

export class ProductService {
  constructor(
    private readonly db: Db,
    private readonly queue: Pick<StockWriteQueue, 'exclusive' | 'applyIn'>,
    private readonly stock: StockService,
    private readonly defaultCurrency: () => string,
    private readonly listContext: SummaryContext,
  ) {}

  private async withStock(row: ProductRow, db: Db = this.db): Promise<Product> {
    const summaries = await this.stock.summaries([row], db);
    return toProduct(row, summaries.get(row.id) as StockSummary);
  }

  async get(idOrSku: string): Promise<Product> {
    const row = await findProductRow(this.db, idOrSku);
    if (!row) throw new AppError('not_found', `No product with id or SKU "${idOrSku}"`);
    return this.withStock(row);
  }

  /**
   * Every product a scanned or typed code names: its SKU, then its GTIN in any spelling. Never a
   * single guess: two matches (a SKU that is another product's barcode, or products that shared a
   * barcode before GTINs were unique) are both returned for the person to choose from.
   */
  async lookup(code: string): Promise<Output<'products.lookup'>> {
    const bySku = (await this.db('products').where({ sku: normaliseSku(code) }).first()) as ProductRow | undefined;
    const byGtin = await productsWithGtin(this.db, code, bySku?.id);
    const rows = bySku ? [bySku, ...byGtin] : byGtin;
    const summaries = await this.stock.summaries(rows);
    return { products: rows.map((r) => toProduct(r, summaries.get(r.id) as StockSummary)) };
  }

  async list(input: ParsedInput<'products.list'>): Promise<Output<'products.list'>> {
    const deps = { db: this.db, locations: this.listContext.locations, shopBufferStock: this.listContext.shopBufferStock() };
    const { rows, next, total } = await listProductRows(deps, input);
    const summaries = await this.stock.summaries(rows);
    const products = rows.map((r) => toProduct(r, summaries.get(r.id) as StockSummary));
    return total === undefined ? { products, next } : { products, next, total };
  }

  /** How many products match the filter, per status (the tabs of the Products screen). */
  counts(input: ParsedInput<'products.counts'>): Promise<Output<'products.counts'>> {
    return countByStatus({ db: this.db, locations: this.listContext.locations, shopBufferStock: this.listContext.shopBufferStock() }, input);
  }

  create(input: ParsedInput<'products.create'>): Promise<Product> {
    return this.queue.exclusive((ctx) => withIdempotency(ctx, 'products.create', input, () => this.insert(ctx, input)));
  }

  /** Inserts inside the caller's transaction (the CSV import uses this for its all-or-nothing batch). */
  async insert(ctx: WriteContext, input: ParsedInput<'products.create'>): Promise<Product> {
    const currency = input.currency ?? this.defaultCurrency();
    failIf(moneyIssues(input, currency));
    const { trx, now } = ctx;
    if (await trx('products').where({ sku: input.sku }).first()) {
      throw new AppError('conflict', `A product with SKU ${input.sku} already exists`, { field: 'sku', sku: input.sku });
    }
    if (input.gtin) {
      const [holder] = await productsWithGtin(trx, input.gtin);
      if (holder) throw gtinTakenError(input.gtin, holder);
    }
    let slug: string;
    if (input.slug) {
      if (await trx('products').where({ slug: input.slug }).first()) {
        throw new AppError('conflict', `The slug "${input.slug}" is already used by another product`, { field: 'slug' });
      }
      slug = input.slug;
    } else {
      slug = await freeSlug(trx, slugify(input.title) || slugify(input.sku) || 'product');
    }
    const row = newProductRow(input, { id: uuid7(), currency, slug, now });
    await trx('products').insert(row);
    await ctx.append([productCreatedChange(row)]);
    if (input.openingStock?.length) await this.countOpeningStock(ctx, row.sku, input.openingStock);
    return this.withStock(row, trx);
  }

  /**
   * Opening stock as stocktakes (count movements), like a CSV import's on_hand, in the product's
   * own transaction: a refused count (an unknown location) undoes the product too.
   */
  private async countOpeningStock(ctx: WriteContext, sku: string, lines: NonNullable<ParsedInput<'products.create'>['openingStock']>): Promise<void> {
    const counts = lines.filter((line) => line.quantity > 0);
    const outcomes = await this.queue.applyIn(
      ctx,
      counts.map((line) => ({ op: 'stock.count' as const, input: { sku, location: line.location, quantity: line.quantity, reason: 'opening stock' } })),
    );
    const issues: FieldIssue[] = [];
    outcomes.forEach((outcome, i) => {
      if (!outcome.ok) issues.push({ path: `openingStock.${lines.indexOf(counts[i] as (typeof lines)[number])}`, message: outcome.error.message });
    });
    if (issues.length > 0) {
      throw new AppError('validation_failed', `openingStock: ${(issues[0] as FieldIssue).message}; the product was not created`, { issues });
    }
  }

  update(input: ParsedInput<'products.update'>): Promise<Product> {
    return this.queue.exclusive((ctx) => withIdempotency(ctx, 'products.update', input, () => this.patch(ctx, input)));
  }

  async patch(ctx: WriteContext, input: ParsedInput<'products.update'>): Promise<Product> {
    const { trx, now } = ctx;
    const row = await findProductRow(trx, input.idOrSku);
    if (!row) throw new AppError('not_found', `No product with id or SKU "${input.idOrSku}"`);
    assertVersion(input.expectedUpdatedAt, row.updated_at, { name: `Product ${row.sku}` });
    const patch = patchProductRow(row, input, now);
    failIf(patch.issues);
    if (input.sku !== undefined && input.sku !== row.sku) {
      if (await trx('products').where({ sku: input.sku }).first()) {
        throw new AppError('conflict', `A product with SKU ${input.sku} already exists`, { field: 'sku', sku: input.sku });
      }
    }
    if (input.slug !== undefined && input.slug !== row.slug) {
      if (await trx('products').where({ slug: input.slug }).whereNot({ id: row.id }).first()) {
        throw new AppError('conflict', `The slug "${input.slug}" is already used by another product`, { field: 'slug' });
      }
    }
    // Only a barcode the product does not have yet is checked: one it shares from before GTINs
    // were unique must not block every other edit of it.
    if (input.gtin && (row.gtin === null || gtin14(input.gtin) !== gtin14(row.gtin))) {
      const [holder] = await productsWithGtin(trx, input.gtin, row.id);
      if (holder) throw gtinTakenError(input.gtin, holder);
    }
    if (!patch.change) return this.withStock(row, trx);

    const { id: _id, ...updates } = patch.next;
    await trx('products').where({ id: row.id }).update(updates);
    const crossings = await productCrossings(trx, [{ before: row, after: patch.next }], this.listContext);
    await ctx.append([patch.change, ...crossings]);
    return this.withStock(patch.next, trx);
  }

}
