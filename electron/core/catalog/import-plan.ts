/**
 * The second pass of an import: the parsed rows checked against the database (existing SKUs,
 * slugs, GTINs, locations, reserved stock) and turned into the rows and stock counts to write. It only
 * reads, so a dry run uses it as is and a real import runs it inside its write transaction.
 */
import { uuid7 } from '../util/uuid7';
import type { ParsedInput } from '../../../shared/contract';
import { slugify } from '../../../shared/domain/slug';
import type { NewChange } from '../changes/change-log';
import type { LocationDirectory } from '../locations/locations';
import type { ProductRow } from '../products/product-repository';
import { moneyIssues, newProductRow, patchProductRow, type ProductPatchFields } from '../products/product-service';
import { bool, chunkValues, num, type Db } from '../util/db-helpers';
import { CSV_COLUMNS, FIELD_OF_COLUMN, columnOfField, isProductColumn } from './csv-columns';
import type { ImportIssue, ParsedRow } from './import-rows';
import { checkImportGtins } from './import-gtins';
import { dialectOf } from '../db/connection';
import { allAsJson, tableColumns } from '../db/json-read';
import { giveTurn, mapInTurns, nextTurn, turnDue } from '../util/main-turns';

export type CountPlan = { row: number; input: ParsedInput<'stock.count'> };

export type ImportPlan = {
  creates: ProductRow[];
  updates: Array<{ row: ProductRow; before: ProductRow; change: NewChange }>;
  unchanged: number;
  counts: CountPlan[];
  /** Counts left out because the stock row already holds that figure. */
  countsUnchanged: number;
  issues: ImportIssue[];
};

export type PlanContext = {
  db: Db;
  now: string;
  locations: LocationDirectory;
  defaultLocation: string;
  defaultCurrency: string;
  /** Recorded on each count movement, so the ledger shows which file set the stock. */
  reference: string;
};

const COUNT_REASON = 'CSV import';
const LEVEL_COLUMNS = ['product_id', 'location_id', 'on_hand', 'committed'];
const SLUG_SUFFIX_ROOM = 190;

const PRODUCT_FIELDS = CSV_COLUMNS.filter(isProductColumn).map((c) => FIELD_OF_COLUMN[c]);

type Pending = { parsed: ParsedRow; currency: string; slug: string | null };
type CountRow = { parsed: ParsedRow; code: string; locationId: string };

export async function planImport(ctx: PlanContext, rows: ParsedRow[]): Promise<ImportPlan> {
  const issues: ImportIssue[] = [];
  const bad = new Set<number>();
  const fail = (row: number, column: string | null, message: string) => {
    issues.push({ row, column, message });
    bad.add(row);
  };

  const locationIds = await resolveLocations(ctx, rows);
  const products = new Map<string, ParsedRow>();
  const countRows: CountRow[] = [];
  const countedAt = new Map<string, number>();
  for (const r of rows) {
    if (turnDue()) await nextTurn();
    const code = r.count ? (r.count.location ?? ctx.defaultLocation) : null;
    const locationId = code === null ? undefined : locationIds.get(code);
    if (code !== null && !locationId) {
      fail(r.row, 'location', r.count?.location ? `no location with code "${code}"` : `the default location "${code}" (see settings) does not exist`);
    }
    const earlier = products.get(r.sku);
    if (!earlier) products.set(r.sku, r);
    else if (!r.count || !earlier.count) {
      fail(r.row, 'sku', `SKU ${r.sku} is already on row ${earlier.row}; a SKU may repeat only to give its stock at another location`);
      continue;
    } else {
      const differing = PRODUCT_FIELDS.find((f) => JSON.stringify(earlier.fields[f]) !== JSON.stringify(r.fields[f]));
      if (differing) {
        fail(r.row, columnOfField(differing), `differs from row ${earlier.row}, which has the same SKU; every row of a SKU must carry the same product details`);
      }
    }
    if (code !== null && locationId) {
      const key = `${r.sku}|${code}`;
      const first = countedAt.get(key);
      if (first !== undefined) fail(r.row, 'sku', `SKU ${r.sku} at location "${code}" is already on row ${first}`);
      else {
        countedAt.set(key, r.row);
        countRows.push({ parsed: r, code, locationId });
      }
    }
  }

  // A turn of the event loop between the steps, each a loop over the batch: a streamed import
  // plans a batch while the batch before has its counts written (util/main-turns.ts).
  await giveTurn();
  const existing = await loadProducts(ctx.db, [...products.keys()]);
  const creates: Pending[] = [];
  const updates: Array<{ parsed: ParsedRow; patch: ReturnType<typeof patchProductRow>; before: ProductRow }> = [];
  for (const [sku, parsed] of products) {
    if (turnDue()) await nextTurn();
    if (bad.has(parsed.row)) continue;
    const stored = existing.get(sku);
    if (!stored) {
      const currency = parsed.fields.currency ?? ctx.defaultCurrency;
      const money = moneyIssues(parsed.fields, currency);
      for (const issue of money) fail(parsed.row, columnOfField(issue.path), issue.message);
      if (money.length === 0) creates.push({ parsed, currency, slug: parsed.fields.slug ?? null });
    } else {
      const input: Record<string, unknown> = {};
      for (const f of parsed.given) input[f] = parsed.fields[f];
      const patch = patchProductRow(stored, input as ProductPatchFields, ctx.now);
      for (const issue of patch.issues) fail(parsed.row, columnOfField(issue.path), issue.message);
      if (patch.issues.length === 0) updates.push({ parsed, patch, before: stored });
    }
  }

  await giveTurn();
  await checkExplicitSlugs(ctx.db, creates, updates, fail);
  await checkImportGtins(
    ctx.db,
    {
      creates: creates.map((c) => ({ row: c.parsed.row, sku: c.parsed.sku, gtin: c.parsed.fields.gtin })),
      updates: updates.map((u) => ({ row: u.parsed.row, before: u.before, next: u.patch.next })),
    },
    fail,
  );
  await allocateSlugs(ctx.db, creates, updates);

  await giveTurn();
  const creatingRows = await mapInTurns(
    creates.filter((c) => !bad.has(c.parsed.row)),
    (c) => newProductRow(c.parsed.fields, { id: uuid7(), currency: c.currency, slug: c.slug as string, now: ctx.now }),
  );
  const plannedUpdates = updates.filter((u) => !bad.has(u.parsed.row));
  // Loops rather than flatMap's array per row, here and below: an import plans 100,000 rows.
  const changed: ImportPlan['updates'] = [];
  for (const u of plannedUpdates) if (u.patch.change) changed.push({ row: u.patch.next, before: u.before, change: u.patch.change });

  await giveTurn();
  const { counts, countsUnchanged } = await planCounts(ctx, countRows, existing, products, bad, fail);
  return {
    creates: creatingRows,
    updates: changed,
    unchanged: plannedUpdates.length - changed.length,
    counts,
    countsUnchanged,
    issues,
  };
}

async function resolveLocations(ctx: PlanContext, rows: ParsedRow[]): Promise<Map<string, string>> {
  const codes = new Set<string>();
  for (const r of rows) if (r.count) codes.add(r.count.location ?? ctx.defaultLocation);
  const ids = new Map<string, string>();
  for (const code of codes) {
    const found = await ctx.locations.byCodeOrLoad(ctx.db, code);
    if (found) ids.set(code, found.id);
  }
  return ids;
}

async function loadProducts(db: Db, skus: string[]): Promise<Map<string, ProductRow>> {
  const found = new Map<string, ProductRow>();
  if (dialectOf(db) === 'sqlite') {
    // As one JSON text per 2,000 (db/json-read.ts): the driver's row objects cost more than the
    // query. 2,000 keeps the text below ~100 MB even for rows at every field's limit (a 20,000-
    // character description, 11 image addresses); an ordinary row is ~0.5 KB.
    const columns = await tableColumns(db, 'products');
    for (const chunk of chunkValues(skus, 2000)) {
      const rows = await allAsJson<ProductRow>(db, columns, 'SELECT * FROM products WHERE sku IN (SELECT value FROM json_each(?))', [JSON.stringify(chunk)]);
      for (const row of rows) found.set(row.sku, row);
    }
    return found;
  }
  for (const chunk of chunkValues(skus, 5000)) {
    const rows = (await db('products').select('*').whereIn('sku', chunk)) as ProductRow[];
    for (const row of rows) found.set(row.sku, row);
  }
  return found;
}

type Fail = (row: number, column: string | null, message: string) => void;
type SlugClaim = { row: number; slug: string; productId: string | null };

/** Slugs the file sets must be unique in the file and not used by another product. */
async function checkExplicitSlugs(
  db: Db,
  creates: Pending[],
  updates: Array<{ parsed: ParsedRow; patch: { next: ProductRow }; before: ProductRow }>,
  fail: Fail,
): Promise<void> {
  const claims: SlugClaim[] = [];
  for (const c of creates) if (c.slug) claims.push({ row: c.parsed.row, slug: c.slug, productId: null });
  for (const u of updates) if (u.patch.next.slug !== u.before.slug) claims.push({ row: u.parsed.row, slug: u.patch.next.slug, productId: u.before.id });
  claims.sort((a, b) => a.row - b.row);
  const owners = new Map<string, { id: string; sku: string }>();
  for (const chunk of chunkValues([...new Set(claims.map((c) => c.slug))], 5000)) {
    const rows = (await db('products').select('id', 'sku', 'slug').whereIn('slug', chunk)) as Array<{ id: string; sku: string; slug: string }>;
    for (const row of rows) owners.set(row.slug, row);
  }
  const inFile = new Map<string, number>();
  for (const claim of claims) {
    const owner = owners.get(claim.slug);
    const earlier = inFile.get(claim.slug);
    if (owner && owner.id !== claim.productId) fail(claim.row, 'slug', `the slug "${claim.slug}" is already used by product ${owner.sku}`);
    else if (earlier !== undefined) fail(claim.row, 'slug', `the slug "${claim.slug}" is also on row ${earlier}`);
    else inFile.set(claim.slug, claim.row);
  }
}

/**
 * Gives each new product without a slug one from its title, as ProductService does one at a time
 * (`freeSlug`): the title's slug, or the first free `-2`, `-3`, … For a whole file that means a
 * few set-wise queries instead of one per product.
 */
async function allocateSlugs(
  db: Db,
  creates: Pending[],
  updates: Array<{ patch: { next: ProductRow } }>,
): Promise<void> {
  const auto = creates.filter((c) => c.slug === null);
  if (auto.length === 0) return;
  const claimed = new Set<string>();
  for (const c of creates) if (c.slug) claimed.add(c.slug);
  for (const u of updates) claimed.add(u.patch.next.slug);
  const baseOf = (c: Pending) => slugify(c.parsed.fields.title) || slugify(c.parsed.sku) || 'product';
  const bases = await mapInTurns(auto, baseOf);
  const uses = new Map<string, number>();
  for (const base of bases) uses.set(base, (uses.get(base) ?? 0) + 1);

  const taken = new Set<string>();
  for (const chunk of chunkValues([...uses.keys()], 5000)) {
    const rows = (await db('products').select('slug').whereIn('slug', chunk)) as Array<{ slug: string }>;
    for (const row of rows) taken.add(row.slug);
  }
  // Only bases that need a suffix are worth a query for their `-N` family. On SQLite, as a range
  // of the slug index (`base-` ≤ slug < `base.`, '.' being the character after '-'): a LIKE
  // cannot use that index (SQLite's LIKE ignores case, the index does not), so each query scanned
  // every product — 9,000 variant rows, three to a title, into 100,000 products spent 11 s there.
  // The range holds exactly the slugs that start with `base-`, byte for byte, as the unique index
  // compares them. PostgreSQL orders text by its collation, where a range is not a prefix: LIKE.
  const crowded = [...uses].filter(([base, n]) => n > 1 || taken.has(base) || claimed.has(base)).map(([base]) => base);
  const sqlite = dialectOf(db) === 'sqlite';
  for (const chunk of chunkValues(crowded, 50)) {
    const rows = (await db('products')
      .select('slug')
      .where((q) => {
        for (const base of chunk) {
          const prefix = `${base.slice(0, SLUG_SUFFIX_ROOM)}-`;
          if (sqlite) q.orWhere((r) => r.where('slug', '>=', prefix).andWhere('slug', '<', `${prefix.slice(0, -1)}.`));
          else q.orWhere('slug', 'like', `${prefix}%`);
        }
      })) as Array<{ slug: string }>;
    for (const row of rows) taken.add(row.slug);
  }

  auto.forEach((c, i) => {
    const base = bases[i] as string;
    let slug = base;
    for (let n = 2; taken.has(slug) || claimed.has(slug); n++) slug = `${base.slice(0, SLUG_SUFFIX_ROOM)}-${n}`;
    claimed.add(slug);
    c.slug = slug;
  });
}

/**
 * The count movements to record. A count below the units reserved for orders would oversell, so
 * it is refused here (as the stock engine would) and reported against its row. A count equal to
 * an existing stock row is left out: re-importing the same file (a nightly sync, say) would
 * otherwise add a movement and a stock.changed entry per product for nothing. A count of 0 for a
 * product without stock at that location is kept, so the location appears in its stock.
 */
async function planCounts(
  ctx: PlanContext,
  countRows: CountRow[],
  existing: Map<string, ProductRow>,
  products: Map<string, ParsedRow>,
  bad: Set<number>,
  fail: Fail,
): Promise<{ counts: CountPlan[]; countsUnchanged: number }> {
  const usable = countRows.filter((c) => !bad.has(c.parsed.row) && !bad.has((products.get(c.parsed.sku) as ParsedRow).row));
  const ids = new Set<string>();
  for (const c of usable) {
    const id = existing.get(c.parsed.sku)?.id;
    if (id !== undefined) ids.add(id);
  }
  const existingIds = [...ids];
  // By product, then location: no key text made per row to store and per row to look up.
  const levels = new Map<string, Map<string, { onHand: number; committed: number }>>();
  const sqlite = dialectOf(ctx.db) === 'sqlite';
  for (const chunk of chunkValues(existingIds, sqlite ? 10_000 : 5000)) {
    type Level = { product_id: string; location_id: string; on_hand: unknown; committed: unknown };
    const rows = sqlite
      ? await allAsJson<Level>(ctx.db, LEVEL_COLUMNS, `SELECT ${LEVEL_COLUMNS.join(', ')} FROM stock_levels WHERE product_id IN (SELECT value FROM json_each(?))`, [JSON.stringify(chunk)])
      : ((await ctx.db('stock_levels').select(...LEVEL_COLUMNS).whereIn('product_id', chunk)) as Level[]);
    for (const row of rows) {
      let atLocations = levels.get(row.product_id);
      if (!atLocations) levels.set(row.product_id, (atLocations = new Map()));
      atLocations.set(row.location_id, { onHand: num(row.on_hand), committed: num(row.committed) });
    }
  }

  await giveTurn();
  const counts: CountPlan[] = [];
  let countsUnchanged = 0;
  for (const { parsed, code, locationId } of usable) {
    if (turnDue()) await nextTurn();
    const quantity = (parsed.count as { quantity: number }).quantity;
    const stored = existing.get(parsed.sku);
    const existingLevel = stored && levels.get(stored.id)?.get(locationId);
    const level = existingLevel || { onHand: 0, committed: 0 };
    const shortBy = level.committed - quantity;
    if (stored && shortBy > 0 && quantity - level.committed < level.onHand - level.committed && !bool(stored.allow_backorder)) {
      fail(
        parsed.row,
        'on_hand',
        `cannot record a count of ${quantity}: ${level.committed} of ${parsed.sku} are reserved for orders at "${code}"; ` +
          'release or fulfil those reservations first',
      );
      continue;
    }
    if (existingLevel && quantity === existingLevel.onHand) {
      countsUnchanged++;
      continue;
    }
    counts.push({
      row: parsed.row,
      input: { sku: parsed.sku, location: code, quantity, reason: COUNT_REASON, reference: ctx.reference },
    });
  }
  return { counts, countsUnchanged };
}
