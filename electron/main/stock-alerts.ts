/**
 * Which committed changes deserve a desktop notification: a product that has just gone out of
 * stock (its available stock fell to its buffer). Pure so it is unit-tested under plain Node.
 */
import type { Change } from '../../shared/schemas/changes';

export type StockAlert = { title: string; body: string };

/** The availability a change moved to, read from `to` (or `availability`) in its payload. */
function movedTo(change: Change): string | null {
  const value = change.payload.to ?? change.payload.availability;
  return typeof value === 'string' ? value : null;
}

function movedFrom(change: Change): string | null {
  const value = change.payload.from ?? change.payload.previous;
  return typeof value === 'string' ? value : null;
}

/** The changes of a batch that took a product out of stock. */
export function soldOutChanges(changes: readonly Change[]): Change[] {
  return changes.filter((c) => c.type === 'availability.changed' && movedTo(c) === 'out_of_stock' && movedFrom(c) !== 'out_of_stock');
}

/**
 * One notification for a batch of changes: a single product by name, several as a count (an
 * import or a big order must not fire dozens of notifications). `titles` maps SKUs to product
 * titles, so a person reads "Blue mug (MUG-1)" rather than a code alone.
 */
export function stockAlertFor(changes: readonly Change[], titles: ReadonlyMap<string, string> = new Map()): StockAlert | null {
  const label = (change: Change): string => {
    const title = (change.sku ? titles.get(change.sku) : undefined) ?? change.payload.title;
    if (typeof title === 'string' && title.trim() !== '') return change.sku ? `${title} (${change.sku})` : title;
    return change.sku ?? 'A product';
  };
  const soldOut = soldOutChanges(changes);
  const first = soldOut[0];
  if (!first) return null;
  if (soldOut.length === 1) {
    return { title: 'Out of stock', body: `${label(first)} is now out of stock online.` };
  }
  const names = soldOut.slice(0, 3).map(label).join(', ');
  const more = soldOut.length > 3 ? ` and ${soldOut.length - 3} more` : '';
  return { title: `${soldOut.length} products out of stock`, body: `${names}${more} are now out of stock online.` };
}
