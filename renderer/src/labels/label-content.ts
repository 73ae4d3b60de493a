/**
 * What goes where inside one label, in millimetres: the product name, the SKU and price line, and
 * the box left for the barcode. Sizes follow the label's height, so the same design reads on a
 * 65-up sheet's 38 × 21 mm and on a 63.5 × 38 mm address label.
 */
import type { BarcodeKind } from './label-barcode';
import type { LabelSheet } from './label-sheets';

export type LabelContentLayout = {
  /** White space inside the label's edge (printers cannot print to a label's very edge anyway). */
  paddingMm: number;
  /** The text's size (its em), about 5.5 pt on the smallest labels and 9 pt on the largest. */
  fontMm: number;
  /** The name takes two lines where the label is tall enough, one otherwise. */
  titleLines: 1 | 2;
  /** The space left for the barcode, human-readable digits included. */
  barcodeWidthMm: number;
  barcodeHeightMm: number;
};

const LINE_HEIGHT = 1.15;
const TEXT_GAP_MM = 0.6;
const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));
const round = (mm: number): number => Math.round(mm * 100) / 100;

export function labelContentLayout(sheet: Pick<LabelSheet, 'labelWidthMm' | 'labelHeightMm'>): LabelContentLayout {
  const paddingMm = round(clamp(Math.min(sheet.labelWidthMm, sheet.labelHeightMm) * 0.06, 1.2, 2.5));
  const fontMm = round(clamp(sheet.labelHeightMm * 0.09, 1.9, 3.2));
  const titleLines = sheet.labelHeightMm >= 30 ? 2 : 1;
  // The name's lines, then one line for SKU and price.
  const textMm = (titleLines + 1) * fontMm * LINE_HEIGHT + TEXT_GAP_MM;
  return {
    paddingMm,
    fontMm,
    titleLines,
    barcodeWidthMm: round(sheet.labelWidthMm - 2 * paddingMm),
    barcodeHeightMm: round(sheet.labelHeightMm - 2 * paddingMm - textMm),
  };
}

/**
 * The narrowest bar that still scans reliably: GS1's smallest EAN/UPC (80 % of nominal size) for
 * retail symbols, and 7.5 mil (0.19 mm), what ordinary handheld scanners read, for Code 128.
 */
export const MIN_MODULE_MM: Record<BarcodeKind, number> = { ean13: 0.264, upca: 0.264, ean8: 0.264, code128: 0.19 };

/**
 * How wide one module (the narrowest bar) prints when a symbol of `modules` modules and shape
 * `aspect` (width ÷ height) is fitted into the layout's barcode box without distortion.
 */
export function printedModuleMm(layout: LabelContentLayout, barcode: { modules: number; aspect: number }): number {
  const widthMm = Math.min(layout.barcodeWidthMm, layout.barcodeHeightMm * barcode.aspect);
  return Math.round((widthMm / barcode.modules) * 1000) / 1000;
}
