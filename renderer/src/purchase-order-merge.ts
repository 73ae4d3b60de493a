/**
 * A draft's lines reload live when the PO changes elsewhere. With unsaved edits on screen, a plain
 * reload threw the typing away without a word; instead the edits are merged three ways: `base` is
 * the version the person started editing from, `mine` the rows on screen, `theirs` the new version.
 * What only the other side changed follows the server; whatever was edited here stays as typed.
 */
import type { PurchaseOrder, PurchaseOrderStatus } from '../../shared/schemas/purchase-orders';
import { changedBy } from './live-edit';
import { amountForInput, quantityForInput } from './number-input';

/** A draft's line as the form holds it: typed text in the shop's number format. */
export type DraftLineRow = {
  id?: string;
  sku: string;
  title: string;
  quantity: string;
  unitCost: string;
  expectedDate: string;
  /** Edited here but removed elsewhere: kept (without its id, so saving adds it back) and marked. */
  removedElsewhere?: boolean;
  /** Fields changed here and, differently, elsewhere: the other side's values, shown beside ours. */
  changedThere?: Partial<Record<LineField, string>>;
};

const FIELDS = ['sku', 'quantity', 'unitCost', 'expectedDate'] as const;
export type LineField = (typeof FIELDS)[number];

export type MergeSummary = {
  /** Lines the other side added, removed or changed that were not edited here: the server's taken. */
  fromServer: number;
  /** Lines with edits made here (changed, added or removed), kept. */
  keptMine: number;
  /** Of those, lines the other side changed too (the same field differently, or removed): ours kept. */
  conflicts: number;
  /** Of those, lines edited here that the other side removed. */
  removedElsewhere: number;
};

/** A saved PO's lines as the form's rows. */
export function draftRowsOf(order: Pick<PurchaseOrder, 'lines' | 'currency'>, locale: string | undefined): DraftLineRow[] {
  return order.lines.map((l) => ({
    id: l.id,
    sku: l.sku,
    title: l.title,
    quantity: quantityForInput(l.quantity, locale),
    unitCost: amountForInput(l.unitCost, order.currency, locale),
    expectedDate: l.expectedDate ?? '',
  }));
}

const differs = (a: DraftLineRow, b: DraftLineRow): boolean => FIELDS.some((f) => a[f] !== b[f]);

/**
 * Which line of `theirs` each line of `base` became: the same id, else (a client that sent the lines
 * without their ids gets new ones) the next unclaimed line with the same SKU.
 */
function matchTheirs(base: readonly DraftLineRow[], theirs: readonly DraftLineRow[]): Map<number, number> {
  const matched = new Map<number, number>();
  const claimed = new Set<number>();
  base.forEach((b, i) => {
    const j = theirs.findIndex((t) => b.id !== undefined && t.id === b.id);
    if (j >= 0) {
      matched.set(i, j);
      claimed.add(j);
    }
  });
  base.forEach((b, i) => {
    if (matched.has(i)) return;
    const j = theirs.findIndex((t, k) => !claimed.has(k) && t.sku === b.sku);
    if (j >= 0) {
      matched.set(i, j);
      claimed.add(j);
    }
  });
  return matched;
}

/**
 * Merges the rows on screen with a newer server version. Rows come out in the order on screen, the
 * lines the other side added after them, and rows added here last.
 */
export function mergeDraftLines(
  base: readonly DraftLineRow[],
  mine: readonly DraftLineRow[],
  theirs: readonly DraftLineRow[],
): { rows: DraftLineRow[]; summary: MergeSummary } {
  const summary: MergeSummary = { fromServer: 0, keptMine: 0, conflicts: 0, removedElsewhere: 0 };
  const theirsOf = matchTheirs(base, theirs);
  const baseIndex = new Map(base.flatMap((b, i) => (b.id === undefined ? [] : [[b.id, i] as const])));
  const seen = new Set<number>();
  const kept: DraftLineRow[] = [];
  const added: DraftLineRow[] = [];

  for (const m of mine) {
    const i = m.id === undefined ? undefined : baseIndex.get(m.id);
    if (i === undefined || seen.has(i)) {
      added.push({ ...m });
      summary.keptMine++;
      continue;
    }
    seen.add(i);
    const b = base[i] as DraftLineRow;
    const j = theirsOf.get(i);
    const t = j === undefined ? undefined : theirs[j];
    const edited = differs(m, b);
    if (!t) {
      if (edited) {
        const { id: _gone, ...row } = m;
        kept.push({ ...row, removedElsewhere: true });
        summary.keptMine++;
        summary.conflicts++;
        summary.removedElsewhere++;
      } else {
        summary.fromServer++;
      }
      continue;
    }
    const row: DraftLineRow = { ...(t.id === undefined ? {} : { id: t.id }), sku: t.sku, title: m.sku !== b.sku ? m.title : t.title, quantity: t.quantity, unitCost: t.unitCost, expectedDate: t.expectedDate };
    const changedThere: Partial<Record<LineField, string>> = {};
    let taken = false;
    for (const f of FIELDS) {
      if (m[f] !== b[f]) {
        row[f] = m[f];
        if (t[f] !== b[f] && t[f] !== m[f]) changedThere[f] = t[f];
      } else if (t[f] !== b[f]) {
        taken = true;
      }
    }
    if (edited) summary.keptMine++;
    if (Object.keys(changedThere).length > 0) {
      row.changedThere = changedThere;
      summary.conflicts++;
    }
    if (taken) summary.fromServer++;
    kept.push(row);
  }

  // Lines removed here: the removal stands, and counts as a conflict when the other side changed the line.
  base.forEach((b, i) => {
    if (seen.has(i)) return;
    const j = theirsOf.get(i);
    if (j === undefined) return;
    summary.keptMine++;
    if (differs(theirs[j] as DraftLineRow, b)) summary.conflicts++;
  });

  const matchedTheirs = new Set(theirsOf.values());
  const fromElsewhere = theirs.filter((_, j) => !matchedTheirs.has(j)).map((t) => ({ ...t }));
  summary.fromServer += fromElsewhere.length;
  return { rows: [...kept, ...fromElsewhere, ...added], summary };
}

export { changedBy };

const FIELD_WORDS: Record<LineField, string> = { sku: 'SKU', quantity: 'quantity', unitCost: 'unit cost', expectedDate: 'expected date' };

/** "Changed elsewhere too: unit cost 4.20": the other side's values of the fields both changed. */
export function changedThereText(changedThere: Partial<Record<LineField, string>>): string {
  const parts = FIELDS.filter((f) => changedThere[f] !== undefined).map((f) => `${FIELD_WORDS[f]} ${changedThere[f] || '(empty)'}`);
  return `Changed elsewhere too: ${parts.join(', ')}; yours is kept`;
}

const lines = (n: number): string => (n === 1 ? '1 line' : `${n} lines`);

/** "Anna changed this order while you were editing: 2 lines updated from the server, your changes to 1 line kept." */
export function mergeNotice(who: string | null, summary: MergeSummary): string {
  const parts: string[] = [];
  if (summary.fromServer > 0) parts.push(`${lines(summary.fromServer)} updated from the server`);
  if (summary.keptMine > 0) parts.push(`your changes to ${lines(summary.keptMine)} kept`);
  const head = who ? `${who} changed this order while you were editing` : 'This order was changed elsewhere while you were editing';
  let text = parts.length > 0 ? `${head}: ${parts.join(', ')}.` : `${head}.`;
  if (summary.removedElsewhere > 0) {
    text += ` ${summary.removedElsewhere === 1 ? '1 line you edited was' : `${summary.removedElsewhere} lines you edited were`} removed there; marked below, saving adds ${summary.removedElsewhere === 1 ? 'it' : 'them'} back.`;
  }
  const sameField = summary.conflicts - summary.removedElsewhere;
  if (sameField > 0) text += ' Where you both changed the same field, your value is kept and theirs is named on the line.';
  return text;
}

const CLOSED_VERB: Record<Exclude<PurchaseOrderStatus, 'draft'>, string> = {
  ordered: 'placed',
  partly_received: 'received goods for',
  received: 'received',
  closed: 'closed',
  cancelled: 'cancelled',
};

/** Said when the draft being edited was placed, received or cancelled elsewhere: editing stops. */
export function closedNotice(who: string | null, status: Exclude<PurchaseOrderStatus, 'draft'>): string {
  const head = who ? `${who} ${CLOSED_VERB[status]} this order while you were editing` : `This order was ${status === 'partly_received' ? 'partly received' : CLOSED_VERB[status]} elsewhere while you were editing`;
  return `${head}, so its lines can no longer be changed. Your unsaved lines stay below, read-only, for you to copy.`;
}
