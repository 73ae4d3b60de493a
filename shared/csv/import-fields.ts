/**
 * The fields a catalogue CSV can fill, as Stockfeed's own file names its columns. A file with
 * another header (a spreadsheet of the owner's, or another shop system's export) is read through
 * a mapping from these fields to its column names.
 */

/** The catalogue CSV's purchasing columns (issue 16): a file without them imports as before. */
export const PURCHASING_COLUMNS = ['cost', 'supplier', 'supplier_sku', 'reorder_point', 'reorder_quantity'] as const;
export type PurchasingColumn = (typeof PURCHASING_COLUMNS)[number];

/** The catalogue CSV's category columns (issue 19): optional, so a file without them imports as before. */
export const CATEGORY_COLUMNS = ['product_type', 'google_product_category'] as const;

/** Stockfeed's header, in the order the export writes it and the template shows it. */
export const CSV_COLUMNS = [
  'sku',
  'title',
  'description',
  'brand',
  'gtin',
  'mpn',
  'condition',
  'price',
  'currency',
  'sale_price',
  'slug',
  'image_url',
  'status',
  'item_group_id',
  'location',
  'on_hand',
  // Purchasing, all optional (electron/core/purchasing/catalog-columns.ts reads and writes them).
  ...PURCHASING_COLUMNS,
  // Categories, both optional: the shop's own path and Google's taxonomy.
  ...CATEGORY_COLUMNS,
] as const;

export type CsvColumn = (typeof CSV_COLUMNS)[number];

/**
 * What a column of another file can fill: Stockfeed's columns, and the price before a sale
 * (Shopify's "Compare at price"), which becomes the price, with the file's price as the sale price.
 */
export const IMPORT_FIELDS = [...CSV_COLUMNS, 'compare_at_price'] as const;

export type ImportField = (typeof IMPORT_FIELDS)[number];

export const REQUIRED_FIELDS: readonly ImportField[] = ['sku', 'title', 'price'];

/** Amount fields, read with the file's decimal mark. */
export const AMOUNT_FIELDS: readonly ImportField[] = ['price', 'sale_price', 'compare_at_price', 'cost'];

/** For each field, the file's column that fills it (by its header name); fields left out stay as they are. */
export type ImportMapping = Partial<Record<ImportField, string>>;

export const FIELD_LABELS: Readonly<Record<ImportField, string>> = {
  sku: 'SKU',
  title: 'Title',
  description: 'Description',
  brand: 'Brand',
  gtin: 'GTIN (barcode)',
  mpn: 'MPN',
  condition: 'Condition',
  price: 'Price',
  currency: 'Currency',
  sale_price: 'Sale price',
  compare_at_price: 'Price before sale (compare-at)',
  slug: 'Slug (web address)',
  image_url: 'Image URL',
  status: 'Status',
  item_group_id: 'Item group (variants)',
  location: 'Location code',
  on_hand: 'On hand (stock count)',
  cost: 'Cost (unit cost)',
  supplier: 'Supplier',
  supplier_sku: "Supplier's SKU",
  reorder_point: 'Reorder point',
  reorder_quantity: 'Reorder quantity',
  product_type: 'Product type (category path)',
  google_product_category: 'Google product category',
};

/**
 * Other names a column of each field often has, compared without case, spaces or punctuation:
 * English and German spreadsheet words, and the names other shop systems export.
 */
const SYNONYMS: Readonly<Record<ImportField, readonly string[]>> = {
  sku: ['sku', 'variantsku', 'articlenumber', 'itemnumber', 'productcode', 'artikelnummer', 'artnr', 'artikelnr'],
  title: ['title', 'name', 'productname', 'producttitle', 'itemname', 'bezeichnung', 'artikelname', 'produktname'],
  description: ['description', 'bodyhtml', 'body', 'longdescription', 'beschreibung', 'produktbeschreibung'],
  brand: ['brand', 'brands', 'vendor', 'manufacturer', 'marke', 'hersteller'],
  gtin: ['gtin', 'ean', 'ean13', 'upc', 'barcode', 'variantbarcode', 'isbn', 'gtinupceanorisbn'],
  mpn: ['mpn', 'manufacturerpartnumber', 'googleshoppingmpn'],
  condition: ['condition', 'zustand', 'googleshoppingcondition'],
  price: ['price', 'regularprice', 'variantprice', 'retailprice', 'preis', 'verkaufspreis'],
  currency: ['currency', 'waehrung', 'währung'],
  sale_price: ['saleprice', 'specialprice', 'angebotspreis', 'sonderpreis'],
  compare_at_price: ['compareatprice', 'variantcompareatprice', 'originalprice', 'streichpreis'],
  slug: ['slug', 'urlkey', 'urlslug'],
  image_url: ['imageurl', 'image', 'images', 'imagesrc', 'productimageurl', 'imagelink', 'bild', 'bildurl'],
  status: ['status'],
  item_group_id: ['itemgroupid', 'itemgroup', 'groupid', 'parentsku'],
  location: ['location', 'locationcode', 'warehouse', 'lager', 'lagerort'],
  on_hand: ['onhand', 'stock', 'quantity', 'qty', 'inventory', 'stockquantity', 'inventoryquantity', 'variantinventoryqty', 'bestand', 'menge', 'lagerbestand'],
  cost: ['cost', 'unitcost', 'costprice', 'costperitem', 'purchaseprice', 'einkaufspreis', 'ek', 'ekpreis'],
  supplier: ['supplier', 'suppliername', 'lieferant'],
  supplier_sku: ['suppliersku', 'supplierpartnumber', 'lieferantenartikelnummer'],
  reorder_point: ['reorderpoint', 'minstock', 'minimumstock', 'meldebestand', 'mindestbestand'],
  reorder_quantity: ['reorderquantity', 'reorderqty', 'bestellmenge'],
  product_type: ['producttype', 'type', 'category', 'categorypath', 'kategorie', 'warengruppe'],
  google_product_category: ['googleproductcategory', 'googlecategory', 'googleshoppinggoogleproductcategory', 'googletaxonomy'],
};

/** A header name as compared: lower case, letters and digits only ("Variant SKU" → "variantsku"). */
export function headerKey(name: string): string {
  return name.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

const FIELD_OF_KEY = new Map<string, ImportField>(
  IMPORT_FIELDS.flatMap((field) => [field, ...SYNONYMS[field]].map((name) => [headerKey(name), field] as const)),
);

/**
 * The field each column of a header most likely holds, by its name; a field goes to the first
 * column that names it, and a column nobody recognises is left out (ignored).
 */
export function guessMappingByName(header: readonly string[]): ImportMapping {
  const mapping: ImportMapping = {};
  for (const column of header) {
    const field = FIELD_OF_KEY.get(headerKey(column));
    if (field && mapping[field] === undefined) mapping[field] = column;
  }
  return mapping;
}
