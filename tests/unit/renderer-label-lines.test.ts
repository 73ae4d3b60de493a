/**
 * The labels to print: one line per product with its number of labels (1 from the Products screen,
 * the received quantity from a purchase order), expanded label by label, and the price shown.
 */
import { describe, expect, it } from 'vitest';
import {
  expandLines,
  labelCount,
  labelPrice,
  lineFor,
  MAX_LABELS,
  MAX_QUANTITY,
  mergeLines,
  quantityProblem,
  type LabelProduct,
} from '../../renderer/src/labels/label-lines';

const mug: LabelProduct = { id: '0190a3d6-0000-7000-8000-000000000001', sku: 'MUG', title: 'Mug', gtin: '4006381333931', price: '12.50', salePrice: '9.90', currency: 'EUR' };
const tee: LabelProduct = { id: '0190a3d6-0000-7000-8000-000000000002', sku: 'TEE', title: 'Tee', gtin: null, price: '19.00', salePrice: null, currency: 'EUR' };

describe('label lines', () => {
  it('gives each line its barcode', () => {
    expect(lineFor(mug, 1).barcode.kind).toBe('ean13');
    expect(lineFor(tee, 1).barcode).toMatchObject({ kind: 'code128', value: 'TEE' });
  });

  it('keeps one line per product, adding the quantities of repeated requests', () => {
    const lines = mergeLines([lineFor(mug, 2)], [
      { product: tee, quantity: 1 },
      { product: mug, quantity: 3 },
    ]);
    expect(lines.map((l) => [l.product.sku, l.quantity])).toEqual([
      ['MUG', 5],
      ['TEE', 1],
    ]);
    expect(labelCount(lines)).toBe(6);
    expect(mergeLines([], [{ product: mug, quantity: MAX_QUANTITY + 5 }])[0]?.quantity).toBe(MAX_QUANTITY);
  });

  it('expands lines into one entry per label, in order, skipping lines set to 0', () => {
    const labels = expandLines([lineFor(mug, 2), lineFor(tee, 0), lineFor(tee, 1)]);
    expect(labels.map((l) => l.product.sku)).toEqual(['MUG', 'MUG', 'TEE']);
  });

  it('refuses more labels than a run can preview, and says what to do', () => {
    expect(() => expandLines([lineFor(mug, MAX_LABELS + 1)])).toThrow(/second run/);
  });

  it('checks a typed quantity', () => {
    expect(quantityProblem(0)).toBeNull();
    expect(quantityProblem(12)).toBeNull();
    expect(quantityProblem(-1)).toMatch(/0 or more/);
    expect(quantityProblem(1.5)).toMatch(/whole number/);
    expect(quantityProblem(MAX_QUANTITY + 1)).toMatch(/At most/);
  });

  it('prints the price, the sale price where one is set, or none', () => {
    expect(labelPrice(mug, 'regular')).toBe('12.50');
    expect(labelPrice(mug, 'sale')).toBe('9.90');
    expect(labelPrice(tee, 'sale')).toBe('19.00');
    expect(labelPrice(mug, 'none')).toBeNull();
  });
});
