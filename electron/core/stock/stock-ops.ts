import type { OperationName, Output, ParsedInput } from '../../../shared/contract';
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
  'reservations.create': Contracted<'reservations.create'>;
  'reservations.fulfil': Contracted<'reservations.fulfil'>;
  'reservations.release': Contracted<'reservations.release'>;
  /** Issued by the expiry sweep, never by a caller; answered like a release. */
  'reservations.expire': { input: { id: string; idempotencyKey?: undefined }; output: Output<'reservations.release'> };
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
