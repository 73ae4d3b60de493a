/**
 * Continuous scanning: each scan adds 1 to its product's line, and a line is recorded as ONE
 * movement of its count (not one per scan), so a stocktake of 40 mugs is one count of 40 and the
 * ledger stays readable. A line has its own idempotency key from the start: a retry after a lost
 * answer sends the same key and the same count, so it can never be recorded twice. Once sent, a
 * line is sealed; a scan after that starts a new line.
 */
import type { StockAction, StockActionRequest } from '../../shared/domain/stock-actions';

/** The actions a scan can stand for. An adjustment needs a sign and a reason per product: scan, then quantity. */
export const CONTINUOUS_ACTIONS: readonly StockAction[] = ['receive', 'sell', 'count', 'transfer', 'return'];

/** What the scans are for: the action and the places chosen when they were scanned. */
export type ScanPlace = { action: StockAction; location: string; toLocation: string | null };

export type TallyLine = ScanPlace & {
  /** The idempotency key the line is recorded with. */
  key: string;
  sku: string;
  title: string;
  count: number;
  /** `counting` takes more scans; `recording` is sent; `failed` was refused or got no answer. */
  state: 'counting' | 'recording' | 'failed';
  /** Why it was not recorded (failed lines). */
  error: string | null;
};

function samePlace(a: ScanPlace, b: ScanPlace): boolean {
  return a.action === b.action && a.location === b.location && (a.toLocation ?? null) === (b.toLocation ?? null);
}

/** The lines after `scans` more scans of a product: added to its open line, or a new line at the end. */
export function addScans(
  lines: readonly TallyLine[],
  product: { sku: string; title: string },
  place: ScanPlace,
  newKey: () => string,
  scans = 1,
): TallyLine[] {
  const open = lines.find((l) => l.state === 'counting' && l.sku === product.sku && samePlace(l, place));
  if (open) return lines.map((l) => (l === open ? { ...l, title: product.title, count: l.count + scans } : l));
  const toLocation = place.action === 'transfer' ? place.toLocation : null;
  const line: TallyLine = { ...place, toLocation, key: newKey(), sku: product.sku, title: product.title, count: scans, state: 'counting', error: null };
  return [...lines, line];
}

/** One scan fewer on a line still counting (an item scanned twice by mistake); a line at 0 goes. */
export function removeScan(lines: readonly TallyLine[], key: string): TallyLine[] {
  return lines.flatMap((l) => (l.key !== key || l.state !== 'counting' ? [l] : l.count > 1 ? [{ ...l, count: l.count - 1 }] : []));
}

/**
 * A count is recorded only when the person says the shelf is done (Finish): the number of scans
 * replaces what is on hand, so recording it after a pause, halfway along a shelf, would be wrong.
 */
export function recordsAfterPause(action: StockAction): boolean {
  return action !== 'count';
}

/**
 * The lines to record now. A pause records the counting lines (not counts); Finish records every
 * line not already on its way, and retries the failed ones with their own key.
 */
export function linesDue(lines: readonly TallyLine[], trigger: 'pause' | 'finish'): TallyLine[] {
  if (trigger === 'pause') return lines.filter((l) => l.state === 'counting' && recordsAfterPause(l.action));
  return lines.filter((l) => l.state !== 'recording');
}

/** The stock action a line records. */
export function lineRequest(line: TallyLine): StockActionRequest {
  return {
    action: line.action,
    sku: line.sku,
    quantity: line.count,
    location: line.location,
    ...(line.toLocation ? { toLocation: line.toLocation } : {}),
  };
}

/** Scans not yet recorded, in all lines. */
export function scannedTotal(lines: readonly TallyLine[]): number {
  return lines.reduce((sum, l) => sum + l.count, 0);
}

/**
 * Lines kept over a reload. One that was on its way may or may not have been recorded: it comes
 * back as failed, to be retried with its own key (which records it at most once).
 */
export function restoredLines(lines: readonly TallyLine[]): TallyLine[] {
  return lines.map((l) =>
    l.state === 'recording' ? { ...l, state: 'failed', error: 'The page was reloaded before the answer came. Finish records it (never twice).' } : l,
  );
}
