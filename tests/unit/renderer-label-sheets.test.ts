/**
 * Label stock geometry: every template fits its page, labels land where the makers' templates put
 * them (in mm from the page's top-left corner), a partly used sheet starts at the chosen label, and
 * the content inside a label leaves the barcode room to scan.
 */
import { describe, expect, it } from 'vitest';
import { renderBarcodeSvg } from '../../renderer/src/labels/barcode-svg';
import { labelContentLayout, MIN_MODULE_MM, printedModuleMm } from '../../renderer/src/labels/label-content';
import {
  DEFAULT_SHEET_ID,
  findSheet,
  LABEL_SHEETS,
  labelsPerPage,
  layoutLabels,
  pageRule,
  slotPosition,
  startPositionProblem,
  type LabelSheet,
} from '../../renderer/src/labels/label-sheets';

function sheet(id: string): LabelSheet {
  const found = findSheet(id);
  if (!found) throw new Error(`no sheet ${id}`);
  return found;
}

describe('the label stock', () => {
  it('offers the common sheets and label printer rolls, A4 21-up by default', () => {
    const ids = LABEL_SHEETS.map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining(['a4-l7160', 'a4-l7651', 'letter-5160', 'dymo-57x32', 'brother-62x29']));
    expect(new Set(ids).size).toBe(ids.length);
    expect(DEFAULT_SHEET_ID).toBe('a4-l7160');
    expect(labelsPerPage(sheet('a4-l7160'))).toBe(21);
    expect(labelsPerPage(sheet('a4-l7651'))).toBe(65);
    expect(labelsPerPage(sheet('letter-5160'))).toBe(30);
    expect(labelsPerPage(sheet('dymo-57x32'))).toBe(1);
  });

  for (const s of LABEL_SHEETS) {
    it(`${s.name}: every label lies on the page, none overlaps the next`, () => {
      const last = slotPosition(s, labelsPerPage(s) - 1);
      expect(last.xMm + s.labelWidthMm).toBeLessThanOrEqual(s.pageWidthMm + 0.01);
      expect(last.yMm + s.labelHeightMm).toBeLessThanOrEqual(s.pageHeightMm + 0.01);
      expect(s.pitchXMm).toBeGreaterThanOrEqual(s.labelWidthMm);
      expect(s.pitchYMm).toBeGreaterThanOrEqual(s.labelHeightMm);
      // The makers centre the grid: the margin left over on the far side equals the near one.
      expect(s.pageWidthMm - last.xMm - s.labelWidthMm).toBeCloseTo(s.marginLeftMm, 1);
      expect(s.pageHeightMm - last.yMm - s.labelHeightMm).toBeCloseTo(s.marginTopMm, 1);
    });
  }

  it('places L7160 labels as Avery publishes: 7.25 mm in, 15.15 mm down, 66 × 38.1 mm apart', () => {
    const l7160 = sheet('a4-l7160');
    expect(slotPosition(l7160, 0)).toEqual({ column: 0, row: 0, xMm: 7.25, yMm: 15.15 });
    expect(slotPosition(l7160, 2)).toEqual({ column: 2, row: 0, xMm: 139.25, yMm: 15.15 });
    expect(slotPosition(l7160, 3)).toEqual({ column: 0, row: 1, xMm: 7.25, yMm: 53.25 });
    expect(slotPosition(l7160, 20)).toEqual({ column: 2, row: 6, xMm: 139.25, yMm: 243.75 });
  });

  it('places L7651 (65-up) and Avery 5160 (inches, converted exactly) the same way', () => {
    expect(slotPosition(sheet('a4-l7651'), 64)).toEqual({ column: 4, row: 12, xMm: 167.15, yMm: 265.1 });
    const letter = sheet('letter-5160');
    expect([letter.pageWidthMm, letter.pageHeightMm]).toEqual([215.9, 279.4]);
    const fifth = slotPosition(letter, 4);
    expect(fifth).toMatchObject({ column: 1, row: 1, yMm: 38.1 });
    // 3/16 in + 2.75 in = 74.6125 mm, to a thousandth.
    expect(fifth.xMm).toBeCloseTo(74.6125, 2);
  });

  it('sets the print page to the stock: A4 or Letter for sheets, the label itself for a label printer', () => {
    expect(pageRule(sheet('a4-l7160'))).toBe('@page { size: 210mm 297mm; margin: 0; }');
    expect(pageRule(sheet('letter-5160'))).toBe('@page { size: 215.9mm 279.4mm; margin: 0; }');
    expect(pageRule(sheet('brother-62x29'))).toBe('@page { size: 62mm 29mm; margin: 0; }');
  });
});

describe('layoutLabels', () => {
  it('fills the page left to right, then top to bottom, and starts a new page when it is full', () => {
    const items = Array.from({ length: 23 }, (_, i) => i);
    const pages = layoutLabels(sheet('a4-l7160'), items);
    expect(pages.map((p) => p.labels.length)).toEqual([21, 2]);
    expect(pages[1]?.labels[0]).toMatchObject({ item: 21, slot: 0, xMm: 7.25, yMm: 15.15 });
    expect(pages[0]?.skipped).toEqual([]);
  });

  it('starts a partly used sheet at the chosen label, leaving the used ones alone; later pages start at 1', () => {
    const pages = layoutLabels(sheet('a4-l7160'), Array.from({ length: 5 }, (_, i) => i), 20);
    expect(pages.map((p) => p.labels.map((l) => l.slot))).toEqual([[19, 20], [0, 1, 2]]);
    expect(pages[0]?.skipped).toHaveLength(19);
    expect(pages[0]?.labels[0]).toMatchObject({ item: 0, column: 1, row: 6, xMm: 73.25, yMm: 243.75 });
  });

  it('prints one label a page on a label printer', () => {
    const pages = layoutLabels(sheet('dymo-57x32'), ['a', 'b', 'c']);
    expect(pages).toHaveLength(3);
    expect(pages.every((p) => p.labels.length === 1 && p.labels[0]?.xMm === 0 && p.labels[0]?.yMm === 0)).toBe(true);
  });

  it('refuses a start position that is not on the sheet, saying which are', () => {
    expect(startPositionProblem(sheet('a4-l7160'), 22)).toBe('The start position is a label from 1 to 21 on this sheet.');
    expect(startPositionProblem(sheet('a4-l7160'), 0)).not.toBeNull();
    expect(startPositionProblem(sheet('a4-l7160'), 2.5)).not.toBeNull();
    expect(startPositionProblem(sheet('dymo-57x32'), 2)).toContain('label printer');
    expect(() => layoutLabels(sheet('a4-l7160'), [1], 22)).toThrow(RangeError);
  });
});

describe('inside a label', () => {
  it('keeps padding, text and the barcode box inside the label on every stock', () => {
    for (const s of LABEL_SHEETS) {
      const layout = labelContentLayout(s);
      expect(layout.barcodeWidthMm, s.id).toBeCloseTo(s.labelWidthMm - 2 * layout.paddingMm, 1);
      expect(layout.barcodeHeightMm, s.id).toBeGreaterThan(8);
      expect(layout.fontMm, s.id).toBeGreaterThanOrEqual(1.9);
    }
    expect(labelContentLayout(sheet('a4-l7160')).titleLines).toBe(2);
    expect(labelContentLayout(sheet('a4-l7651')).titleLines).toBe(1);
  });

  it('prints an EAN-13 at a scannable size even on the 65-up sheet, and flags a long SKU there', () => {
    const small = labelContentLayout(sheet('a4-l7651'));
    const aspect = small.barcodeWidthMm / small.barcodeHeightMm;
    expect(printedModuleMm(small, renderBarcodeSvg('ean13', '4006381333931', aspect))).toBeGreaterThanOrEqual(MIN_MODULE_MM.ean13);
    const longSku = renderBarcodeSvg('code128', 'GARDEN-HOSE-REEL-25M-GREEN', aspect);
    expect(printedModuleMm(small, longSku)).toBeLessThan(MIN_MODULE_MM.code128);
    const large = labelContentLayout(sheet('a4-l7160'));
    expect(printedModuleMm(large, renderBarcodeSvg('code128', 'MUG-BLUE', large.barcodeWidthMm / large.barcodeHeightMm))).toBeGreaterThan(0.3);
  });
});
