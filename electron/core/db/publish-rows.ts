/**
 * The rows the publisher reads and writes, as both engines return them: the catalogue scan's
 * products, stock rows and publish records, and the columns of `published_products` that the
 * record upsert writes. The engines' own queries are in publish-sqlite.ts and publish-pg.ts.
 */
/** Products a page of the catalogue scan holds (why 250: see forEachPageBySku in publish/source.ts). */
export const SCAN_PAGE = 250;

/** A product as the publisher reads it: the columns of SCAN_COLUMNS (a `products` row without its timestamps). */
export type CatalogRow = {
  id: string;
  sku: string;
  title: string;
  description: string;
  brand: string;
  gtin: string | null;
  mpn: string | null;
  condition: string;
  price_minor: number;
  sale_price_minor: number | null;
  currency: string;
  slug: string;
  image_url: string | null;
  additional_image_urls: string;
  status: string;
  item_group_id: string | null;
  allow_backorder: boolean | number;
  preorder_date: string | null;
  buffer_stock: number | null;
  product_type: string | null;
  google_product_category: string | null;
};

export type StockRow = { product_id: string; location_id: string; on_hand: number; committed: number; incoming: number };

/** A row of `published_products` (what a publish recorded for one product). */
export type PublishedRow = {
  product_id: string;
  sku: string;
  slug: string;
  content_hash: string;
  lastmod: string;
  seq: number | string;
  in_feed: unknown;
  in_sitemap: unknown;
  has_jsonld: unknown;
  issues: string | null;
};

/** One page of the catalogue scan: products in SKU order, their stock rows and (when asked) their records. */
export type ScanPage = { rows: CatalogRow[]; levels: StockRow[]; records: PublishedRow[] | null };

/** Reads the catalogue a page at a time, each page after the SKU `after` (null: from the first). */
export type CatalogScan = { fetch(after: string | null): Promise<ScanPage>; close(): Promise<void> };

/** Writes `rows` records (their `values`, PUBLISHED_COLUMNS.length each, in that order) per call. */
export type RecordUpsert = { run(rows: number, values: unknown[]): Promise<void>; close(): Promise<void> };

/** The product columns the publishers read (not the timestamps), in CatalogRow's order. */
export const SCAN_COLUMNS = [
  'id', 'sku', 'title', 'description', 'brand', 'gtin', 'mpn', 'condition', 'price_minor', 'sale_price_minor', 'currency', 'slug',
  'image_url', 'additional_image_urls', 'status', 'item_group_id', 'allow_backorder', 'preorder_date', 'buffer_stock',
  'product_type', 'google_product_category',
];

export const LEVEL_COLUMNS = ['l.product_id', 'l.location_id', 'l.on_hand', 'l.committed', 'l.incoming'];
export const RECORD_COLUMNS = ['r.product_id', 'r.sku', 'r.slug', 'r.content_hash', 'r.lastmod', 'r.seq', 'r.in_feed', 'r.in_sitemap', 'r.has_jsonld', 'r.issues'];

// Rows are built by hand, field by field in the columns' order above: a generic loop over the
// column names measured ~0.35 s slower over 100,000 products with their stock and records.
export function catalogRow(v: unknown[]): CatalogRow {
  return {
    id: v[0] as string,
    sku: v[1] as string,
    title: v[2] as string,
    description: v[3] as string,
    brand: v[4] as string,
    gtin: v[5] as string | null,
    mpn: v[6] as string | null,
    condition: v[7] as string,
    price_minor: v[8] as number,
    sale_price_minor: v[9] as number | null,
    currency: v[10] as string,
    slug: v[11] as string,
    image_url: v[12] as string | null,
    additional_image_urls: v[13] as string,
    status: v[14] as string,
    item_group_id: v[15] as string | null,
    allow_backorder: v[16] as boolean | number,
    preorder_date: v[17] as string | null,
    buffer_stock: v[18] as number | null,
    product_type: v[19] as string | null,
    google_product_category: v[20] as string | null,
  };
}

// A stock row and a publish record: their columns after product_id, from `v[at]` on (SQLite's
// nested arrays leave the product id out; PostgreSQL's rows have it first).
export function levelRow(productId: string, v: unknown[], at: number): StockRow {
  return { product_id: productId, location_id: v[at] as string, on_hand: v[at + 1] as number, committed: v[at + 2] as number, incoming: v[at + 3] as number };
}

export function recordRow(productId: string, v: unknown[], at: number): PublishedRow {
  return {
    product_id: productId,
    sku: v[at] as string,
    slug: v[at + 1] as string,
    content_hash: v[at + 2] as string,
    lastmod: v[at + 3] as string,
    seq: v[at + 4] as number | string,
    in_feed: v[at + 5],
    in_sitemap: v[at + 6],
    has_jsonld: v[at + 7],
    issues: v[at + 8] as string | null,
  };
}

/** The columns the record upsert writes, in the order of its values. */
export const PUBLISHED_COLUMNS = [
  'product_id', 'sku', 'slug', 'content_hash', 'lastmod', 'seq', 'in_feed', 'in_sitemap', 'has_jsonld', 'issue_count', 'issues', 'updated_at',
] as const;
/** 2,000 rows × 12 values: below SQLite's and PostgreSQL's parameter limits (a multi-row VALUES is not a compound SELECT). */
export const PUBLISHED_CHUNK = 2_000;
const UPSERT_TAIL = ` on conflict (product_id) do update set ${PUBLISHED_COLUMNS.slice(1)
  .map((c) => `${c} = excluded.${c}`)
  .join(', ')}`;

/**
 * One `INSERT … VALUES (…),(…) ON CONFLICT … DO UPDATE` of `rows` records; `placeholder(i)` is the
 * engine's parameter `i` (from 0): SQLite's `?`, PostgreSQL's `$n`.
 */
export function upsertStatement(rows: number, placeholder: (i: number) => string): string {
  const width = PUBLISHED_COLUMNS.length;
  const tuples = new Array<string>(rows);
  for (let r = 0; r < rows; r++) {
    tuples[r] = `(${PUBLISHED_COLUMNS.map((_, c) => placeholder(r * width + c)).join(',')})`;
  }
  return `insert into published_products (${PUBLISHED_COLUMNS.join(', ')}) values ${tuples.join(',')}${UPSERT_TAIL}`;
}
