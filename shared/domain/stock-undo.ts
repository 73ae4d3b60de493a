/**
 * Undoing a stock entry never edits the ledger: it records the movement that cancels the entry's
 * effect, with a reason that names the movement it undoes.
 *
 * - receive / adjust / count / return of Δ at L → an adjustment of −Δ at L. For a count this
 *   restores the figure before the count when nothing else moved meanwhile, and keeps any sale or
 *   receipt that happened after it (counting "back to the previous figure" would silently erase
 *   those).
 * - transfer of q from A to B → a transfer of q from B back to A.
 * - sale of q at L → a return of q at L: the goods came back over the counter, and the ledger and
 *   the dashboard count it as a return, not as stock found.
 *
 * The idempotency key is derived from the undone movement, so a double click, a retry after a lost
 * answer, or a second window can never undo the same entry twice.
 */
import type { Movement, StockResult } from '../schemas/stock';
import { STOCK_ACTION_SPECS, type StockAction } from './stock-actions';

export type Compensation =
  | {
      action: 'adjust';
      input: { sku: string; location: string; quantity: number; reason: string; idempotencyKey: string };
    }
  | {
      action: 'return';
      input: { sku: string; location: string; quantity: number; reason: string; idempotencyKey: string };
    }
  | {
      action: 'transfer';
      input: { sku: string; location: string; toLocation: string; quantity: number; reason: string; idempotencyKey: string };
    };

/** The movement that cancels an entry, or null when the entry changed nothing (a count that matched). */
export function compensationFor(action: StockAction, result: Pick<StockResult, 'movements'>): Compensation | null {
  const movements: Movement[] = result.movements;
  if (action === 'transfer') {
    const out = movements.find((m) => m.quantity < 0);
    const into = movements.find((m) => m.quantity > 0);
    if (!out || !into) return null;
    const id = out.transferId ?? out.id;
    return {
      action: 'transfer',
      input: {
        sku: out.sku,
        location: into.location,
        toLocation: out.location,
        quantity: into.quantity,
        reason: `undo of transfer ${id}`,
        idempotencyKey: `undo-${id}`,
      },
    };
  }
  const [movement] = movements;
  if (!movement || movement.quantity === 0) return null;
  const reason = `undo of ${STOCK_ACTION_SPECS[action].noun} ${movement.id}`;
  if (action === 'sell') {
    return {
      action: 'return',
      input: { sku: movement.sku, location: movement.location, quantity: -movement.quantity, reason, idempotencyKey: `undo-${movement.id}` },
    };
  }
  return {
    action: 'adjust',
    input: {
      sku: movement.sku,
      location: movement.location,
      quantity: -movement.quantity,
      reason,
      idempotencyKey: `undo-${movement.id}`,
    },
  };
}
