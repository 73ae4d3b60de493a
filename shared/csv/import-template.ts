/**
 * The file a shop owner can start from: Stockfeed's exact header and one example product, in the
 * shop's currency and at its default location, so that it imports as it is. The REST API serves
 * it and the import screen builds the same file in the page (no request needed, in either host).
 */
import { CSV_COLUMNS, type CsvColumn } from './import-fields';

export const IMPORT_TEMPLATE_NAME = 'stockfeed-import-template.csv';

/** A cell as RFC 4180 writes it: quoted when it holds a comma, a quote or a line break. */
function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The template's text: header and example row, CRLF line ends as spreadsheets write them. */
export function importTemplateCsv(shop: { currency: string; defaultLocation: string }): string {
  const example: Record<CsvColumn, string> = {
    sku: 'EXAMPLE-MUG-350',
    title: 'Stoneware mug, 350 ml',
    description: 'Hand-glazed stoneware; dishwasher safe.',
    brand: 'Example Pottery',
    gtin: '',
    mpn: 'EP-MUG-350',
    condition: 'new',
    price: '14.50',
    currency: shop.currency,
    sale_price: '',
    slug: '',
    image_url: 'https://example.com/images/mug-350.jpg',
    status: 'active',
    item_group_id: '',
    location: shop.defaultLocation,
    on_hand: '24',
    // Purchasing columns are optional; a supplier must exist already, so the example names none.
    cost: '6.20',
    supplier: '',
    supplier_sku: '',
    reorder_point: '6',
    reorder_quantity: '24',
    // Optional: the shop's own category path, and Google's taxonomy id (2169: Home & Garden > … > Drinkware > Mugs).
    product_type: 'Home > Kitchen > Mugs',
    google_product_category: '2169',
  };
  return `${CSV_COLUMNS.join(',')}\r\n${CSV_COLUMNS.map((c) => csvCell(example[c])).join(',')}\r\n`;
}
