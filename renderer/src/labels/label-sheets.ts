/**
 * The label stock a shop prints on, and where each label lands on it. Sizes are the makers'
 * published templates in millimetres (inches converted exactly), because the print layout places
 * every label absolutely from the page's top-left corner: a tenth of a millimetre off in the pitch
 * adds up to a label's width by the last column.
 */

/** `sheet`: many labels on an office printer's page; `roll`: one label a page on a label printer. */
export type LabelStockKind = 'sheet' | 'roll';

export type LabelSheet = {
  id: string;
  /** What the shop recognises on the box. */
  name: string;
  kind: LabelStockKind;
  pageWidthMm: number;
  pageHeightMm: number;
  labelWidthMm: number;
  labelHeightMm: number;
  columns: number;
  rows: number;
  /** From the page's top and left edge to the first label's. */
  marginTopMm: number;
  marginLeftMm: number;
  /** From one label's left (top) edge to the next one's: its width (height) plus the gap. */
  pitchXMm: number;
  pitchYMm: number;
};

const inches = (value: number): number => Math.round(value * 25.4 * 1000) / 1000;

const A4 = { pageWidthMm: 210, pageHeightMm: 297 };
const LETTER = { pageWidthMm: inches(8.5), pageHeightMm: inches(11) };

/** A label printer's roll: the page is the label, so the print dialog's paper is the label size. */
function roll(id: string, name: string, widthMm: number, heightMm: number): LabelSheet {
  return {
    id,
    name,
    kind: 'roll',
    pageWidthMm: widthMm,
    pageHeightMm: heightMm,
    labelWidthMm: widthMm,
    labelHeightMm: heightMm,
    columns: 1,
    rows: 1,
    marginTopMm: 0,
    marginLeftMm: 0,
    pitchXMm: widthMm,
    pitchYMm: heightMm,
  };
}

/** A sheet of `columns` × `rows` labels on an office printer's page. */
function sheet(fields: Omit<LabelSheet, 'kind'>): LabelSheet {
  return { kind: 'sheet', ...fields };
}

// Avery's and Label Planet's templates: margins and pitches as published, gaps from their difference.
const L7160 = sheet({
  id: 'a4-l7160',
  name: 'A4 21-up, 63.5 × 38.1 mm (Avery L7160)',
  ...A4,
  labelWidthMm: 63.5,
  labelHeightMm: 38.1,
  columns: 3,
  rows: 7,
  marginTopMm: 15.15,
  marginLeftMm: 7.25,
  pitchXMm: 66,
  pitchYMm: 38.1,
});

export const LABEL_SHEETS: readonly LabelSheet[] = [
  L7160,
  sheet({
    id: 'a4-l7159',
    name: 'A4 24-up, 63.5 × 33.9 mm (Avery L7159)',
    ...A4,
    labelWidthMm: 63.5,
    labelHeightMm: 33.9,
    columns: 3,
    rows: 8,
    marginTopMm: 12.9,
    marginLeftMm: 7.25,
    pitchXMm: 66,
    pitchYMm: 33.9,
  }),
  sheet({
    id: 'a4-3474',
    name: 'A4 24-up, 70 × 37 mm (Avery 3474)',
    ...A4,
    labelWidthMm: 70,
    labelHeightMm: 37,
    columns: 3,
    rows: 8,
    // 8 × 37 mm leaves 1 mm of the page's 297, half above and half below.
    marginTopMm: 0.5,
    marginLeftMm: 0,
    pitchXMm: 70,
    pitchYMm: 37,
  }),
  sheet({
    id: 'a4-3657',
    name: 'A4 40-up, 48.5 × 25.4 mm (Avery 3657)',
    ...A4,
    labelWidthMm: 48.5,
    labelHeightMm: 25.4,
    columns: 4,
    rows: 10,
    marginTopMm: 21.5,
    marginLeftMm: 8,
    pitchXMm: 48.5,
    pitchYMm: 25.4,
  }),
  sheet({
    id: 'a4-l7651',
    name: 'A4 65-up, 38.1 × 21.2 mm (Avery L7651)',
    ...A4,
    labelWidthMm: 38.1,
    labelHeightMm: 21.2,
    columns: 5,
    rows: 13,
    marginTopMm: 10.7,
    marginLeftMm: 4.75,
    pitchXMm: 40.6,
    pitchYMm: 21.2,
  }),
  sheet({
    id: 'letter-5160',
    name: 'Letter 30-up, 2⅝ × 1 in (Avery 5160)',
    ...LETTER,
    labelWidthMm: inches(2.625),
    labelHeightMm: inches(1),
    columns: 3,
    rows: 10,
    marginTopMm: inches(0.5),
    marginLeftMm: inches(0.1875),
    pitchXMm: inches(2.75),
    pitchYMm: inches(1),
  }),
  sheet({
    id: 'letter-5161',
    name: 'Letter 20-up, 4 × 1 in (Avery 5161)',
    ...LETTER,
    labelWidthMm: inches(4),
    labelHeightMm: inches(1),
    columns: 2,
    rows: 10,
    marginTopMm: inches(0.5),
    marginLeftMm: inches(0.15625),
    pitchXMm: inches(4.1875),
    pitchYMm: inches(1),
  }),
  roll('dymo-57x32', 'Dymo 57 × 32 mm (11354)', 57, 32),
  roll('brother-62x29', 'Brother 62 × 29 mm (DK-11209)', 62, 29),
  roll('thermal-50x25', 'Thermal 50 × 25 mm', 50, 25),
  roll('zebra-2.25x1.25', 'Zebra 2.25 × 1.25 in', inches(2.25), inches(1.25)),
];

export const DEFAULT_SHEET_ID = L7160.id;

export function findSheet(id: string): LabelSheet | undefined {
  return LABEL_SHEETS.find((sheet) => sheet.id === id);
}

/** The stock with this id, or the default one (a remembered choice from an older version). */
export function sheetOrDefault(id: string): LabelSheet {
  return findSheet(id) ?? L7160;
}

export function labelsPerPage(sheet: LabelSheet): number {
  return sheet.columns * sheet.rows;
}

/** Where the label in slot `slot` (0-based, left to right, then top to bottom) sits on its page. */
export function slotPosition(sheet: LabelSheet, slot: number): { column: number; row: number; xMm: number; yMm: number } {
  const column = slot % sheet.columns;
  const row = Math.floor(slot / sheet.columns);
  const round = (mm: number) => Math.round(mm * 1000) / 1000;
  return { column, row, xMm: round(sheet.marginLeftMm + column * sheet.pitchXMm), yMm: round(sheet.marginTopMm + row * sheet.pitchYMm) };
}

/** Why a start position (1-based, the first unused label of a partly used sheet) is not one of this sheet's, or null. */
export function startPositionProblem(sheet: LabelSheet, start: number): string | null {
  const last = labelsPerPage(sheet);
  if (!Number.isInteger(start) || start < 1 || start > last) {
    return last === 1 ? 'A label printer always starts at its next label (position 1).' : `The start position is a label from 1 to ${last} on this sheet.`;
  }
  return null;
}

export type PlacedLabel<T> = { item: T; slot: number; column: number; row: number; xMm: number; yMm: number };

/** One printed page: its labels, and the slots of a partly used sheet that are left alone. */
export type LabelPage<T> = { labels: Array<PlacedLabel<T>>; skipped: number[] };

/**
 * Lays the items out page by page: the first page begins at `start` (1-based; the labels before it
 * were used already and stay blank), every later page at its first label.
 */
export function layoutLabels<T>(sheet: LabelSheet, items: readonly T[], start = 1): Array<LabelPage<T>> {
  const problem = startPositionProblem(sheet, start);
  if (problem) throw new RangeError(problem);
  const perPage = labelsPerPage(sheet);
  const pages: Array<LabelPage<T>> = [];
  let page: LabelPage<T> = { labels: [], skipped: Array.from({ length: start - 1 }, (_, slot) => slot) };
  let slot = start - 1;
  for (const item of items) {
    if (slot === perPage) {
      pages.push(page);
      page = { labels: [], skipped: [] };
      slot = 0;
    }
    page.labels.push({ item, slot, ...slotPosition(sheet, slot) });
    slot += 1;
  }
  if (page.labels.length > 0) pages.push(page);
  return pages;
}

/** The `@page` rule for this stock: its paper size, no margins (the layout places every label itself). */
export function pageRule(sheet: LabelSheet): string {
  return `@page { size: ${sheet.pageWidthMm}mm ${sheet.pageHeightMm}mm; margin: 0; }`;
}
