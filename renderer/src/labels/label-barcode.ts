/**
 * Which barcode a product's label carries. The GTIN when it is valid, in the symbology retail
 * scanners expect for its length; otherwise the SKU as Code 128, which every scanner reads. A GTIN
 * that fails its check digit is never printed as a barcode: a wrong number on a thousand stickers
 * scans as somebody else's product at every till, while the SKU still finds this one.
 */
import { gtinProblem, normaliseGtin } from '../../../shared/domain/gtin';
import type { Product } from '../../../shared/schemas/product';

export type BarcodeKind = 'ean13' | 'upca' | 'ean8' | 'code128';

/** The names printed and read out for each symbology. */
export const BARCODE_KIND_NAMES: Record<BarcodeKind, string> = {
  ean13: 'EAN-13',
  upca: 'UPC-A',
  ean8: 'EAN-8',
  code128: 'Code 128',
};

export type LabelBarcode = {
  kind: BarcodeKind;
  /** What the bars encode: the GTIN's digits, or the SKU. */
  value: string;
  /** Why the label carries the SKU although the product has a GTIN; null otherwise. */
  note: string | null;
};

/**
 * A GTIN-14 whose indicator digit is 0 is the same trade item as the shorter GTIN inside it, so it
 * is printed as that GTIN's own symbol, the one a till scans: 000000 in front holds a GTIN-8 (GS1
 * keeps the prefix 00000 for them), 00 a UPC-A, a single 0 an EAN-13.
 */
function fromGtin14(gtin: string): LabelBarcode | null {
  if (!gtin.startsWith('0')) return null;
  if (gtin.startsWith('000000')) return { kind: 'ean8', value: gtin.slice(6), note: null };
  if (gtin.startsWith('00')) return { kind: 'upca', value: gtin.slice(2), note: null };
  return { kind: 'ean13', value: gtin.slice(1), note: null };
}

/**
 * The barcode for a product: EAN-13 from 13 digits, UPC-A from 12, EAN-8 from 8, a GTIN-14 with
 * indicator 0 as the shorter symbol inside it. Anything else (no GTIN, an invalid one, a GTIN-14
 * of a case or carton, whose ITF-14 symbol is some 80 mm wide and fits no shelf label): Code 128
 * of the SKU.
 */
export function chooseBarcode(product: Pick<Product, 'sku' | 'gtin'>): LabelBarcode {
  const sku: LabelBarcode = { kind: 'code128', value: product.sku, note: null };
  if (product.gtin === null || product.gtin.trim() === '') return sku;
  const gtin = normaliseGtin(product.gtin.trim());
  const problem = gtinProblem(gtin);
  if (problem) return { ...sku, note: `GTIN ${product.gtin} is not valid (${problem}), so the label carries the SKU instead.` };
  switch (gtin.length) {
    case 13:
      return { kind: 'ean13', value: gtin, note: null };
    case 12:
      return { kind: 'upca', value: gtin, note: null };
    case 8:
      return { kind: 'ean8', value: gtin, note: null };
    default:
      return (
        fromGtin14(gtin) ?? {
          ...sku,
          note: `GTIN ${gtin} names a case or carton (its first digit is not 0); its ITF-14 barcode does not fit a label, so the label carries the SKU.`,
        }
      );
  }
}

/** How the barcode is named to a screen reader and in the preview: "EAN-13 4006381333931". */
export function describeBarcode(barcode: Pick<LabelBarcode, 'kind' | 'value'>): string {
  return `${BARCODE_KIND_NAMES[barcode.kind]} ${barcode.value}`;
}
