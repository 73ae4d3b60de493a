/**
 * The stock actions a person records by hand: one list, so the product's stock panel, the stock
 * entry screen, undo and (later) the core agree on what each action is, which contract operation
 * records it, and what it asks for. The screens keep their own field labels; the words here are
 * the trade's.
 */
import type { Input } from '../contract';
import type { MovementKind } from '../schemas/stock';

export const STOCK_ACTIONS = ['receive', 'sell', 'adjust', 'count', 'transfer', 'return'] as const;

export type StockAction = (typeof STOCK_ACTIONS)[number];

/** The contract operation that records each action: `stock.receive` for `receive`, and so on. */
export type StockActionOperation = `stock.${StockAction}`;

export type StockActionSpec = {
  operation: StockActionOperation;
  /** The kind of movement the ledger records for it (a sale for `sell`). */
  movementKind: MovementKind;
  /** The action, as a choice on screen. */
  label: string;
  /** What one recorded action is called ("undo of receipt …"). */
  noun: string;
  /** The verb a recorded action is described with ("Received 5 into Main warehouse"). */
  past: string;
  /**
   * What the quantity means: `amount` a positive number of units, `change` a signed difference
   * (never 0), `counted` the figure found on the shelf (never negative).
   */
  quantity: 'amount' | 'change' | 'counted';
  /** An adjustment must say why stock changed; the others may. */
  reasonRequired: boolean;
  /** A transfer moves stock to a second location. */
  needsDestination: boolean;
};

export const STOCK_ACTION_SPECS = {
  receive: {
    operation: 'stock.receive',
    movementKind: 'receive',
    label: 'Receive',
    noun: 'receipt',
    past: 'Received',
    quantity: 'amount',
    reasonRequired: false,
    needsDestination: false,
  },
  sell: {
    operation: 'stock.sell',
    movementKind: 'sale',
    label: 'Sell',
    noun: 'sale',
    past: 'Sold',
    quantity: 'amount',
    reasonRequired: false,
    needsDestination: false,
  },
  adjust: {
    operation: 'stock.adjust',
    movementKind: 'adjust',
    label: 'Adjust',
    noun: 'adjustment',
    past: 'Adjusted',
    quantity: 'change',
    reasonRequired: true,
    needsDestination: false,
  },
  count: {
    operation: 'stock.count',
    movementKind: 'count',
    label: 'Count',
    noun: 'count',
    past: 'Counted',
    quantity: 'counted',
    reasonRequired: false,
    needsDestination: false,
  },
  transfer: {
    operation: 'stock.transfer',
    movementKind: 'transfer',
    label: 'Transfer',
    noun: 'transfer',
    past: 'Moved',
    quantity: 'amount',
    reasonRequired: false,
    needsDestination: true,
  },
  return: {
    operation: 'stock.return',
    movementKind: 'return',
    label: 'Return',
    noun: 'return',
    past: 'Returned',
    quantity: 'amount',
    reasonRequired: false,
    needsDestination: false,
  },
} as const satisfies { [A in StockAction]: StockActionSpec & { operation: `stock.${A}` } };

/** What a person entered for one stock action, whichever screen it came from. */
export type StockActionRequest = {
  action: StockAction;
  sku: string;
  quantity: number;
  /** Left out, the core uses the shop's default location. */
  location?: string;
  /** Transfers only. */
  toLocation?: string;
  reason?: string;
  reference?: string;
};

/** One operation call, its input typed by the operation. */
export type StockActionCall = { [K in StockActionOperation]: { operation: K; input: Input<K> } }[StockActionOperation];

/**
 * The contract call that records a request. Blank texts are left out; an adjustment always sends
 * its reason (empty too), so the core's answer says that one is needed, next to the field; a
 * transfer always names its destination for the same reason.
 */
export function stockActionCall(request: StockActionRequest, idempotencyKey?: string): StockActionCall {
  const reason = request.reason?.trim() || undefined;
  const reference = request.reference?.trim() || undefined;
  const base = {
    sku: request.sku,
    quantity: request.quantity,
    ...(request.location === undefined ? {} : { location: request.location }),
    ...(reason === undefined ? {} : { reason }),
    ...(reference === undefined ? {} : { reference }),
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
  };
  switch (request.action) {
    case 'receive':
      return { operation: 'stock.receive', input: base };
    case 'sell':
      return { operation: 'stock.sell', input: base };
    case 'adjust':
      return { operation: 'stock.adjust', input: { ...base, reason: reason ?? '' } };
    case 'count':
      return { operation: 'stock.count', input: base };
    case 'transfer':
      return { operation: 'stock.transfer', input: { ...base, toLocation: request.toLocation ?? '' } };
    case 'return':
      return { operation: 'stock.return', input: base };
  }
}
