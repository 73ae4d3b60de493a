import type { ParsedInput } from '../../../shared/contract';

/** A stock write as the engine sees it: parsed input plus the operation it came from. */
export type StockOp =
  | { type: 'receive'; input: ParsedInput<'stock.receive'> }
  | { type: 'return'; input: ParsedInput<'stock.return'> }
  | { type: 'adjust'; input: ParsedInput<'stock.adjust'> }
  | { type: 'count'; input: ParsedInput<'stock.count'> }
  | { type: 'transfer'; input: ParsedInput<'stock.transfer'> }
  | { type: 'reserve'; input: ParsedInput<'reservations.create'> }
  | { type: 'fulfil'; input: ParsedInput<'reservations.fulfil'> }
  | { type: 'release'; input: ParsedInput<'reservations.release'> }
  /** Issued by the expiry sweep, never by a caller. */
  | { type: 'expire'; input: { id: string; idempotencyKey?: undefined } };

export const OPERATION_OF: Record<StockOp['type'], string> = {
  receive: 'stock.receive',
  return: 'stock.return',
  adjust: 'stock.adjust',
  count: 'stock.count',
  transfer: 'stock.transfer',
  reserve: 'reservations.create',
  fulfil: 'reservations.fulfil',
  release: 'reservations.release',
  expire: 'reservations.expire',
};

export type LevelRow = {
  product_id: string;
  location_id: string;
  on_hand: number;
  committed: number;
  incoming: number;
  updated_at: string;
};

export type ReservationRow = {
  id: string;
  product_id: string;
  location_id: string;
  quantity: number;
  reference: string;
  status: string;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
};

export type MovementRow = {
  id: string;
  seq: number;
  product_id: string;
  location_id: string;
  quantity: number;
  kind: string;
  reason: string | null;
  reference: string | null;
  idempotency_key: string | null;
  reservation_id: string | null;
  transfer_id: string | null;
  created_at: string;
};
