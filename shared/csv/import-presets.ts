/**
 * The product exports of Shopify and WooCommerce, as Stockfeed reads them: which of their
 * columns fill which field, and how to tell the file apart. Both shops have renamed columns over
 * the years, so each field lists every name it has had (the first one found wins). How their
 * rows are read (Shopify's one row per variant and image, WooCommerce's parent products) is the
 * core's part: see electron/core/catalog/import-presets.ts.
 */
import { guessMappingByName, headerKey, IMPORT_FIELDS, type ImportField, type ImportMapping } from './import-fields';

export const IMPORT_PRESETS = ['shopify', 'woocommerce'] as const;
export type ImportPreset = (typeof IMPORT_PRESETS)[number];

export const PRESET_LABELS: Readonly<Record<ImportPreset, string>> = {
  shopify: 'Shopify product export',
  woocommerce: 'WooCommerce product export',
};

/**
 * Shopify: the classic header ("Variant SKU", "Body (HTML)", …) and the one of the 2025 product
 * CSV ("SKU", "Description", "URL handle", …). The handle fills the item group, so a product's
 * variants stay together; the core clears it again for a product with one variant.
 */
const SHOPIFY: Partial<Record<ImportField, readonly string[]>> = {
  sku: ['Variant SKU', 'SKU'],
  title: ['Title'],
  description: ['Body (HTML)', 'Description'],
  brand: ['Vendor'],
  gtin: ['Variant Barcode', 'Barcode'],
  mpn: ['Google Shopping / MPN'],
  condition: ['Google Shopping / Condition'],
  price: ['Variant Price', 'Price'],
  compare_at_price: ['Variant Compare At Price', 'Compare-at price', 'Compare At Price'],
  image_url: ['Image Src', 'Product image URL'],
  status: ['Status'],
  item_group_id: ['Handle', 'URL handle'],
  on_hand: ['Variant Inventory Qty', 'Inventory quantity'],
  product_type: ['Type'],
  google_product_category: ['Google Shopping / Google Product Category'],
};

/** WooCommerce's exporter (Products → Export), with its default column names in English. */
const WOOCOMMERCE: Partial<Record<ImportField, readonly string[]>> = {
  sku: ['SKU'],
  title: ['Name'],
  description: ['Description'],
  brand: ['Brands', 'Brand'],
  gtin: ['GTIN, UPC, EAN, or ISBN'],
  price: ['Regular price'],
  sale_price: ['Sale price'],
  image_url: ['Images'],
  status: ['Published'],
  item_group_id: ['Parent'],
  on_hand: ['Stock'],
};

export const PRESET_COLUMNS: Readonly<Record<ImportPreset, Partial<Record<ImportField, readonly string[]>>>> = {
  shopify: SHOPIFY,
  woocommerce: WOOCOMMERCE,
};

/** The preset a header belongs to, from the columns only that shop writes; null for any other file. */
export function detectPreset(header: readonly string[]): ImportPreset | null {
  const keys = new Set(header.map(headerKey));
  const has = (name: string) => keys.has(headerKey(name));
  if ((has('Handle') || has('URL handle')) && has('Title')) return 'shopify';
  if (has('Type') && has('Name') && (has('Regular price') || has('Published'))) return 'woocommerce';
  return null;
}

/** The preset's mapping for this header: each field from the first of its names the header has. */
export function presetMapping(preset: ImportPreset, header: readonly string[]): ImportMapping {
  const byKey = new Map(header.map((name) => [headerKey(name), name]));
  const mapping: ImportMapping = {};
  for (const field of IMPORT_FIELDS) {
    for (const name of PRESET_COLUMNS[preset][field] ?? []) {
      const column = byKey.get(headerKey(name));
      if (column !== undefined) {
        mapping[field] = column;
        break;
      }
    }
  }
  return mapping;
}

/** The mapping to start from: the preset's when there is one, otherwise a guess from the names. */
export function guessMapping(header: readonly string[], preset: ImportPreset | null): ImportMapping {
  return preset ? presetMapping(preset, header) : guessMappingByName(header);
}
