import type { Product, ProductCondition, ProductStatus } from '../../../shared/schemas/product';
import type { StockSummary } from '../../../shared/schemas/stock';
import { fromMinorUnits } from '../../../shared/domain/money';
import { gtinSpellings } from '../../../shared/domain/gtin';
import { productLabel } from '../../../shared/domain/product-label';
import { AppError } from '../../../shared/errors';
import type { CatalogRow } from '../db/publish-rows';
import { bool, num, type Db } from '../util/db-helpers';

/** A `products` row: the columns the publisher reads (db/publish-rows.ts), and the timestamps. */
export type ProductRow = CatalogRow & {
  created_at: string;
  updated_at: string;
};

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The product's own fields, without stock (change-log payloads, comparisons). */
export function toProductFields(row: ProductRow): Omit<Product, 'stock'> {
  return {
    id: row.id,
    sku: row.sku,
    title: row.title,
    description: row.description,
    brand: row.brand,
    gtin: row.gtin,
    mpn: row.mpn,
    condition: row.condition as ProductCondition,
    price: fromMinorUnits(num(row.price_minor), row.currency),
    salePrice: row.sale_price_minor === null ? null : fromMinorUnits(num(row.sale_price_minor), row.currency),
    currency: row.currency,
    slug: row.slug,
    imageUrl: row.image_url,
    additionalImageUrls: JSON.parse(row.additional_image_urls) as string[],
    status: row.status as ProductStatus,
    itemGroupId: row.item_group_id,
    allowBackorder: bool(row.allow_backorder),
    preorderDate: row.preorder_date,
    bufferStock: row.buffer_stock === null ? null : num(row.buffer_stock),
    productType: row.product_type ?? null,
    googleProductCategory: row.google_product_category ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toProduct(row: ProductRow, stock: StockSummary): Product {
  return { ...toProductFields(row), stock };
}

export async function findProductRow(db: Db, idOrSku: string): Promise<ProductRow | undefined> {
  const trimmed = idOrSku.trim();
  if (UUID_PATTERN.test(trimmed)) {
    const byId = (await db('products').where({ id: trimmed.toLowerCase() }).first()) as ProductRow | undefined;
    if (byId) return byId;
  }
  return (await db('products').where({ sku: trimmed.toUpperCase() }).first()) as ProductRow | undefined;
}

/** A slug not yet taken: the wanted one, or the wanted one with -2, -3, … appended. */
export async function freeSlug(db: Db, wanted: string, exceptId?: string): Promise<string> {
  const taken = new Set(
    ((await db('products')
      .select('slug')
      .where((q) => q.where('slug', wanted).orWhere('slug', 'like', `${wanted}-%`))
      .modify((q) => {
        if (exceptId) q.whereNot('id', exceptId);
      })) as Array<{ slug: string }>).map((r) => r.slug),
  );
  if (!taken.has(wanted)) return wanted;
  for (let i = 2; ; i++) {
    const candidate = `${wanted.slice(0, 190)}-${i}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/**
 * The products whose GTIN is this barcode in any spelling (the same GTIN-14), by SKU, other than
 * `exceptId`. Reads the indexed `gtin` column, so it is quick on a database whose unique index
 * could not be built yet (see db/gtin-uniqueness.ts) as well.
 */
export async function productsWithGtin(db: Db, gtin: string, exceptId?: string): Promise<ProductRow[]> {
  const spellings = gtinSpellings(gtin);
  if (spellings.length === 0) return [];
  return (await db('products')
    .whereIn('gtin', spellings)
    .modify((q) => {
      if (exceptId) q.whereNot('id', exceptId);
    })
    .orderBy('sku')) as ProductRow[];
}

/**
 * The 409 for a GTIN another product has: the message names that product (and the spelling it is
 * stored in, when it differs), and the details say which one, for a link to it.
 */
export function gtinTakenError(gtin: string, holder: Pick<ProductRow, 'id' | 'sku' | 'title' | 'gtin'>): AppError {
  const spelled = holder.gtin !== null && holder.gtin !== gtin ? `, as ${holder.gtin}` : '';
  return new AppError('conflict', `GTIN ${gtin} is already used by ${productLabel(holder)}${spelled}`, {
    field: 'gtin',
    productId: holder.id,
    sku: holder.sku,
    title: holder.title,
    gtin: holder.gtin,
  });
}
