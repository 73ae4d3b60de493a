/**
 * Stock entries, pending lines and refusals in words, with product and location NAMES: a person
 * at the shelf knows "Shop floor", not `shop`, and a mug by what it is called. The SKU follows the
 * name in brackets, since two products can share a name.
 */
import { STOCK_ACTION_SPECS, type StockAction } from '../../shared/domain/stock-actions';
import { formatDelta, formatQuantity } from './format';

/** A location's name from its code (the code itself for a location this screen does not know). */
export type PlaceName = (code: string | null) => string;

export function placeNamer(locations: ReadonlyArray<{ code: string; name: string }>): PlaceName {
  return (code) => (code ? (locations.find((l) => l.code === code)?.name ?? code) : '');
}

export function productLabel(product: { title: string; sku: string }): string {
  return product.title ? `${product.title} (${product.sku})` : product.sku;
}

/** What a recorded entry did: "Received 3 × Blue mug (MUG-BLUE) at Shop floor". */
export function describeEntry(
  entry: { action: StockAction; title: string; sku: string; quantity: number; location: string; toLocation: string | null; countDelta?: number },
  place: PlaceName,
): string {
  const past = STOCK_ACTION_SPECS[entry.action].past;
  const what = productLabel(entry);
  switch (entry.action) {
    case 'receive':
    case 'return':
      return `${past} ${formatQuantity(entry.quantity)} × ${what} at ${place(entry.location)}`;
    case 'sell':
      return `${past} ${formatQuantity(entry.quantity)} × ${what} at ${place(entry.location)}`;
    case 'adjust':
      return `${past} ${what} by ${formatDelta(entry.quantity)} at ${place(entry.location)}`;
    case 'count': {
      const delta = entry.countDelta ?? 0;
      return `${past} ${formatQuantity(entry.quantity)} × ${what} at ${place(entry.location)} (${delta === 0 ? 'no difference' : formatDelta(delta)})`;
    }
    case 'transfer':
      return `${past} ${formatQuantity(entry.quantity)} × ${what} from ${place(entry.location)} to ${place(entry.toLocation)}`;
  }
}

const PENDING_VERB: Record<StockAction, string> = { receive: 'Receive', sell: 'Sell', adjust: 'Adjust', count: 'Count', transfer: 'Move', return: 'Return' };

/** Where a pending line's scans will go: "Receive at Shop floor", "Move from Main warehouse to Shop floor". */
export function describePlace(line: { action: StockAction; location: string; toLocation: string | null }, place: PlaceName): string {
  const verb = PENDING_VERB[line.action];
  return line.action === 'transfer' ? `${verb} from ${place(line.location)} to ${place(line.toLocation)}` : `${verb} at ${place(line.location)}`;
}

