/**
 * The products to print and how many labels each: chosen on the Products screen (one each), or the
 * lines of a received purchase order (as many as were received). Pure, so the screen, a purchase
 * order and the tests share one meaning of "quantity" and "price on the label".
 */
import type { Product } from '../../../shared/schemas/product';
import { chooseBarcode, type LabelBarcode } from './label-barcode';

/** What a label shows of a product. */
export type LabelProduct = Pick<Product, 'id' | 'sku' | 'title' | 'gtin' | 'price' | 'salePrice' | 'currency'>;

/**
 * A request for labels: a SKU and how many (1 unless said, e.g. the quantity received on a
 * purchase order line), with the product when the caller has it already.
 */
export type LabelRequest = { sku: string; quantity?: number; product?: LabelProduct };

export type LabelLine = { product: LabelProduct; quantity: number; barcode: LabelBarcode };

/** Enough for a week's deliveries; a preview of more would take the browser seconds per change. */
export const MAX_LABELS = 2000;
/** Labels of one product in one go: a mistyped 10000 should not fill the printer. */
export const MAX_QUANTITY = 1000;

/** `regular`: the price; `sale`: the sale price where one is set; `none`: no price. */
export const PRICE_MODES = ['regular', 'sale', 'none'] as const;
export type PriceMode = (typeof PRICE_MODES)[number];
export const PRICE_MODE_NAMES: Record<PriceMode, string> = { regular: 'Price', sale: 'Sale price where set', none: 'No price' };

export function lineFor(product: LabelProduct, quantity: number): LabelLine {
  return { product, quantity, barcode: chooseBarcode(product) };
}

/** Why a quantity cannot be used, or null: a whole number from 0 (skip) to MAX_QUANTITY. */
export function quantityProblem(quantity: number): string | null {
  if (!Number.isInteger(quantity) || quantity < 0) return 'The number of labels is a whole number, 0 or more.';
  if (quantity > MAX_QUANTITY) return `At most ${MAX_QUANTITY} labels of one product at a time.`;
  return null;
}

/**
 * Adds requests to the lines: a product already listed gets the extra labels on its line (one
 * line per product, however often it was asked for), a new one a line at the end.
 */
export function mergeLines(lines: readonly LabelLine[], additions: ReadonlyArray<{ product: LabelProduct; quantity: number }>): LabelLine[] {
  const next = lines.slice();
  for (const { product, quantity } of additions) {
    const at = next.findIndex((line) => line.product.id === product.id);
    const existing = next[at];
    if (existing) next[at] = { ...existing, quantity: Math.min(MAX_QUANTITY, existing.quantity + quantity) };
    else next.push(lineFor(product, Math.min(MAX_QUANTITY, quantity)));
  }
  return next;
}

export function labelCount(lines: readonly LabelLine[]): number {
  return lines.reduce((sum, line) => sum + line.quantity, 0);
}

/** One entry per label, in the order of the lines: what the sheet layout places. */
export function expandLines(lines: readonly LabelLine[]): LabelLine[] {
  if (labelCount(lines) > MAX_LABELS) throw new RangeError(`At most ${MAX_LABELS} labels at a time; print the rest in a second run.`);
  return lines.flatMap((line) => Array.from({ length: line.quantity }, () => line));
}

/** The amount printed on the label (a decimal string, formatted by the screen), or null for none. */
export function labelPrice(product: Pick<LabelProduct, 'price' | 'salePrice'>, mode: PriceMode): string | null {
  if (mode === 'none') return null;
  if (mode === 'sale' && product.salePrice !== null && product.salePrice !== '') return product.salePrice;
  return product.price;
}
