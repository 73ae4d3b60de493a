import type { OperationName, Output, ParsedInput } from '../../../shared/contract';
import type { Channel } from '../../../shared/schemas/channels';
import type { AnyOutput, KeyedWriteQueue, Submission } from '../write-queue';

/** A contract operation as the engine takes it: parsed input in, the contract's output out. */
type Contracted<K extends OperationName> = { input: ParsedInput<K>; output: Output<K> };

/**
 * The stock writes, by operation name: the write queue is keyed by these, so a submit resolves to
 * its operation's output. The name is also what an idempotency key is recorded against.
 */
export type StockOperations = {
  'stock.receive': Contracted<'stock.receive'>;
  'stock.return': Contracted<'stock.return'>;
  'stock.adjust': Contracted<'stock.adjust'>;
  'stock.count': Contracted<'stock.count'>;
  'stock.transfer': Contracted<'stock.transfer'>;
  'stock.sell': Contracted<'stock.sell'>;
  /** `channel`: set by channel orders only (never by a caller of the contract, whose schema refuses it). */
  'reservations.create': { input: ParsedInput<'reservations.create'> & { channel?: Channel }; output: Output<'reservations.create'> };
  /** `by`: the channel whose webhook settles it; left out, a person or script did (`stockfeed`). */
  'reservations.fulfil': { input: ParsedInput<'reservations.fulfil'> & { by?: Channel }; output: Output<'reservations.fulfil'> };
  'reservations.release': { input: ParsedInput<'reservations.release'> & { by?: Channel }; output: Output<'reservations.release'> };
  'reservations.undoFulfil': Contracted<'reservations.undoFulfil'>;
  /** Issued by the expiry sweep, never by a caller; answered like a release. */
  'reservations.expire': { input: { id: string; idempotencyKey?: undefined }; output: Output<'reservations.release'> };
  /** Issued by purchase orders, never by a caller: ordering raises incoming, cancelling or closing lowers it. */
  'purchase.incoming': { input: IncomingInput; output: Output<'stock.receive'> };
  /** A purchase-order receipt: on hand rises, incoming falls by what was still open on the line. */
  'purchase.receive': { input: PurchaseReceiptInput; output: Output<'stock.receive'> };
};

export type IncomingInput = {
  sku: string;
  location: string;
  /** Units added to (or, negative, taken from) incoming. */
  quantity: number;
  cause: 'purchase_order.ordered' | 'purchase_order.cancelled' | 'purchase_order.closed';
  purchaseOrderId: string;
  /** The PO number. */
  reference: string;
  idempotencyKey?: undefined;
};

export type PurchaseReceiptInput = {
  sku: string;
  location: string;
  /** Units that arrived (on hand rises by this). */
  quantity: number;
  /** Units of it that were on their way (incoming falls by this): less than quantity on an over-delivery. */
  incoming: number;
  purchaseOrderId: string;
  purchaseOrderLineId: string;
  /** The PO number. */
  reference: string;
  idempotencyKey?: undefined;
};

/** A stock write as the engine sees it: the operation's name and its parsed input. */
export type StockOp = Submission<StockOperations>;

/** What any stock write answers with (a stock result or a reservation result). */
export type StockOutput = AnyOutput<StockOperations>;

/** The single write path of this core: group commit for stock writes, exclusive jobs for the rest. */
export type StockWriteQueue = KeyedWriteQueue<StockOperations>;

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
  channel: string | null;
  settled_by: string | null;
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
  purchase_order_line_id: string | null;
  created_at: string;
  actor_kind: string | null;
  actor_id: string | null;
  actor_name: string | null;
};
