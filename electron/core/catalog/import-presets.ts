/**
 * How the rows of a shop system's product export become Stockfeed products. Both shops write a
 * product over several rows, while Stockfeed keeps one product per SKU (a variant is a product
 * with an item group):
 * - Shopify writes one row per variant and per extra image, all under the product's handle; only
 *   the first row carries the title, description, vendor and status, and image rows have no SKU.
 * - WooCommerce writes a variable product's own row (no price, no stock of its own) before its
 *   variations, which name it in Parent by SKU or as `id:123`; grouped products list others.
 * A row left out is never silent: it is listed in the report's `skipped` with the reason. A count
 * left out of a row that is imported (`countLeftOut`) is listed apart, in `countsLeftOut`: the
 * product is there, only its stock is to be counted (both shops let a product be sold below zero).
 */
import type { ImportField } from '../../../shared/csv/import-fields';
import type { ImportPreset } from '../../../shared/csv/import-presets';
import type { ParsedRow, RowValues } from './import-rows';

export type RowRule = {
  /**
   * The row as the preset reads it (and, in `countLeftOut`, why its stock figure is not), or why
   * it is left out. `cell` reads any column by its header name.
   */
  take(
    values: RowValues,
    cell: (name: string) => string,
    row: number,
  ): { values: RowValues; skip?: undefined; countLeftOut?: string | undefined } | { skip: string; countLeftOut?: undefined };
  /** Runs after the last row, on the rows that parsed: what needs the whole file. */
  finish(rows: ParsedRow[]): void;
  /** Whether `finish` changes rows, so none may be written before the file's last row is read. */
  wholeFile: boolean;
};

const blank = (value: string | undefined) => value === undefined || value.trim() === '';

/** Fills the fields this row leaves empty from another row (only fields whose column the file has). */
function inherit(values: RowValues, from: RowValues, fields: readonly ImportField[]): void {
  for (const field of fields) {
    if (values[field] !== undefined && blank(values[field]) && !blank(from[field])) values[field] = from[field];
  }
}

const NEGATIVE = /^\s*-\s*\d+\s*$/;

/**
 * A stock figure below zero, as Shopify ("Continue selling when out of stock") and WooCommerce
 * (backorders allowed) export a product sold beyond its stock. Stockfeed's on hand is a count of
 * what is on the shelf, never below 0, and the shop's figure says nothing of what is there: the
 * product is imported without a count (a new one has no stock, a stored one keeps its own), and
 * the row is listed so the owner counts it. Without a preset, a negative on_hand stays a problem.
 */
function leaveOutOversold(values: RowValues, shop: string): string | undefined {
  const cell = values.on_hand;
  if (cell === undefined || !NEGATIVE.test(cell)) return undefined;
  values.on_hand = '';
  return (
    `${values.sku?.trim()}: ${shop} says ${cell.replace(/\s/g, '')}: it oversold; the product is imported without this count ` +
    `(a new product has no stock, a stored one keeps its own); count the stock and record it`
  );
}

const plainRows: RowRule = { take: (values) => ({ values }), finish: () => undefined, wholeFile: false };

/** Shopify's product status, in Stockfeed's: a draft is kept out of the feed as archived. */
const SHOPIFY_STATUS: Readonly<Record<string, string>> = { active: 'active', draft: 'archived', archived: 'archived' };

/** Details Shopify writes only on a product's first row; an MPN or barcode belongs to each variant. */
const SHOPIFY_PRODUCT_FIELDS: readonly ImportField[] = ['description', 'brand', 'status', 'condition'];

function shopifyRows(): RowRule {
  const products = new Map<string, RowValues>();
  const variants = new Map<string, number>();
  return {
    take(values, cell) {
      const handle = values.item_group_id?.trim() ?? '';
      const first = handle ? products.get(handle) : undefined;
      if (handle && !first && !blank(values.title)) products.set(handle, { ...values });
      if (first) {
        if (blank(values.title)) values.title = first.title ?? '';
        inherit(values, first, SHOPIFY_PRODUCT_FIELDS);
        // On a later row, "Image Src" is the product's next image, not this variant's own.
        if (values.image_url !== undefined) values.image_url = first.image_url ?? '';
      }
      const options = ['Option1 Value', 'Option2 Value', 'Option3 Value'].map(cell).map((v) => v.trim()).filter((v) => v && v !== 'Default Title');
      if (options.length > 0 && !blank(values.title)) values.title = `${values.title?.trim()} - ${options.join(' / ')}`;
      if (values.status !== undefined) values.status = SHOPIFY_STATUS[values.status.trim().toLowerCase()] ?? values.status;
      if (values.condition !== undefined) values.condition = values.condition.trim().toLowerCase();
      const name = handle || values.title?.trim() || 'this row';
      if (blank(values.sku)) {
        if (!blank(values.price)) return { skip: `${name} has no SKU; Stockfeed needs one for every product (give it a SKU in Shopify and export again)` };
        return {
          skip: blank(cell('Image Src') || cell('Product image URL'))
            ? `a row of ${name} with no SKU and no price`
            : `an image of ${name} (no SKU, no price): Stockfeed keeps one image per product, from its first row`,
        };
      }
      if (handle) variants.set(handle, (variants.get(handle) ?? 0) + 1);
      return { values, countLeftOut: leaveOutOversold(values, 'Shopify') };
    },
    wholeFile: true,
    finish(rows) {
      // The handle groups variants; a product with a single variant is no group at all.
      for (const r of rows) {
        const group = r.fields.itemGroupId;
        if (group !== null && variants.get(group) === 1) r.fields.itemGroupId = null;
      }
    },
  };
}

/** WooCommerce's Published: 1 published, 0 private, -1 draft, 2 pending review. */
const WOOCOMMERCE_STATUS: Readonly<Record<string, string>> = { '1': 'active', '0': 'archived', '-1': 'archived', '2': 'archived' };

const WOOCOMMERCE_PARENT_FIELDS: readonly ImportField[] = ['description', 'brand', 'image_url'];

function woocommerceRows(): RowRule {
  const parents = new Map<string, RowValues>();
  return {
    take(values, cell) {
      const types = cell('Type').toLowerCase().split(',').map((t) => t.trim());
      const name = values.title?.trim() || cell('Name').trim() || 'this row';
      // The exporter writes a description's line breaks as the two characters \n.
      if (values.description !== undefined) values.description = values.description.replaceAll('\\n', '\n');
      // "Images" lists every image, comma-separated (a comma inside a URL is escaped as \,).
      if (values.image_url !== undefined) values.image_url = (values.image_url.split(/(?<!\\),/)[0] ?? '').replaceAll('\\,', ',').trim();
      // "parent": the variation's stock is kept by its parent product, so it has no count of its own.
      if (values.on_hand?.trim().toLowerCase() === 'parent') values.on_hand = '';
      if (values.status !== undefined) values.status = WOOCOMMERCE_STATUS[values.status.trim()] ?? values.status;
      if (types.includes('variable')) {
        const id = cell('ID').trim();
        if (id) parents.set(`id:${id}`, values);
        if (!blank(values.sku)) parents.set(values.sku?.trim() as string, values);
        return { skip: `${name} is a variable product: each of its variations is imported as a product instead` };
      }
      if (types.includes('grouped')) return { skip: `${name} is a grouped product, which only lists other products` };
      if (types.includes('variation') && !blank(values.item_group_id)) {
        const parent = parents.get(values.item_group_id?.trim() as string);
        if (parent) {
          inherit(values, parent, WOOCOMMERCE_PARENT_FIELDS);
          if (!blank(parent.sku)) values.item_group_id = parent.sku;
        }
      }
      if (blank(values.sku)) {
        return { skip: `${name} has no SKU; Stockfeed needs one for every product (give it a SKU in WooCommerce and export again)` };
      }
      return { values, countLeftOut: leaveOutOversold(values, 'WooCommerce') };
    },
    finish: () => undefined,
    wholeFile: false,
  };
}

/** The rule for a preset's rows; without a preset every row is a product as it stands. */
export function rowRule(preset: ImportPreset | null): RowRule {
  if (preset === 'shopify') return shopifyRows();
  if (preset === 'woocommerce') return woocommerceRows();
  return plainRows;
}
