/**
 * What a person types on the purchasing screens, read in the shop's number format. `Number()` read
 * "1.000" typed in a German shop as one unit and booked 1 instead of 1,000 into stock; "2,5" became
 * NaN and was dropped without a word. Each field is now read by the same rules as the product form
 * (number-input.ts), and a field that cannot be read is named with the reason.
 */
import { parseAmount, parseQuantity, quantityForInput } from './number-input';

export type Arriving = { lineId: string; quantity: number };

/**
 * The "arriving now" counts of a receipt: empty and zero fields are skipped; anything else must be
 * a whole number above zero in the shop's format. `problems` is keyed by line id.
 */
export function readReceipt(
  lines: ReadonlyArray<{ id: string }>,
  counts: Readonly<Record<string, string>>,
  locale: string | undefined,
): { arriving: Arriving[]; problems: Record<string, string> } {
  const arriving: Arriving[] = [];
  const problems: Record<string, string> = {};
  for (const line of lines) {
    const text = counts[line.id] ?? '';
    if (!text.trim()) continue;
    const parsed = parseQuantity(text, locale);
    if (!parsed.ok) problems[line.id] = parsed.problem;
    else if (parsed.value < 0) problems[line.id] = `${text.trim()} is below zero; count what arrived`;
    else if (parsed.value > 0) arriving.push({ lineId: line.id, quantity: parsed.value });
  }
  return { arriving, problems };
}

/** One more scanned unit on top of what the field holds (typed in the shop's format); null when the field cannot be read. */
export function addOne(text: string | undefined, locale: string | undefined): string | null {
  if (!text?.trim()) return quantityForInput(1, locale);
  const parsed = parseQuantity(text, locale);
  return parsed.ok ? quantityForInput(parsed.value + 1, locale) : null;
}

export type DraftRow = { id?: string; sku: string; quantity: string; unitCost: string; expectedDate: string };
export type DraftLine = { id?: string; sku: string; quantity: number; unitCost?: string; expectedDate: string | null };

const FIELD_NAMES: Record<string, string> = { sku: 'SKU', quantity: 'quantity', unitCost: 'unit cost', expectedDate: 'expected date' };

/** "lines.2.unitCost" → "Line 3, unit cost": where a problem of a draft's lines is. */
export function lineProblemPlace(path: string): string {
  const [, index, field] = path.split('.');
  const line = `Line ${Number(index) + 1}`;
  return field ? `${line}, ${FIELD_NAMES[field] ?? field}` : line;
}

/**
 * A draft's rows as the contract's lines. `problems` uses the contract's issue paths
 * (`lines.2.quantity`), so the screen shows the page's own problems and the server's the same way.
 */
export function readDraftLines(
  rows: readonly DraftRow[],
  currency: string,
  locale: string | undefined,
): { lines: DraftLine[]; problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  const lines = rows.map((row, i): DraftLine => {
    const quantity = parseQuantity(row.quantity, locale);
    if (!quantity.ok) problems[`lines.${i}.quantity`] = quantity.problem;
    else if (quantity.value <= 0) problems[`lines.${i}.quantity`] = 'order 1 or more';
    let unitCost: string | undefined;
    if (row.unitCost.trim()) {
      const cost = parseAmount(row.unitCost, currency, locale);
      if (cost.ok) unitCost = cost.value;
      else problems[`lines.${i}.unitCost`] = cost.problem;
    }
    return {
      ...(row.id ? { id: row.id } : {}),
      sku: row.sku,
      quantity: quantity.ok ? quantity.value : 0,
      ...(unitCost === undefined ? {} : { unitCost }),
      expectedDate: row.expectedDate || null,
    };
  });
  return { lines, problems };
}

export type OverDelivery = { sku: string; arriving: number; expected: number };

/**
 * The lines a receipt books more of than they still expect. Allowed (a supplier sends extra), but
 * asked about first: "2000" typed for 200 went into stock without a word.
 */
export function overDeliveries(
  lines: ReadonlyArray<{ id: string; sku: string; quantity: number; received: number }>,
  arriving: readonly Arriving[],
): OverDelivery[] {
  const byId = new Map(lines.map((l) => [l.id, l]));
  return arriving.flatMap((a) => {
    const line = byId.get(a.lineId);
    if (!line) return [];
    const expected = Math.max(0, line.quantity - line.received);
    return a.quantity > expected ? [{ sku: line.sku, arriving: a.quantity, expected }] : [];
  });
}
