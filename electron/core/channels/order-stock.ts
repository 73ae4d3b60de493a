/**
 * Stock operations for one channel order, all or nothing. The order's operations run through the
 * stock engine (the same batch handler as every other stock write) inside the caller's
 * transaction. Alone in its transaction, a failing line throws `OrderRejected` and the rollback
 * undoes the other lines. Sharing a transaction with other orders (group commit), an order is
 * first checked against the stock it would reserve, so a rejected order writes nothing; should the
 * engine still refuse a line after something was written, `GroupAborted` rolls the whole group back
 * and every order of it is applied again alone.
 */
import { AppError } from '../../../shared/errors';
import { normaliseSku, skuProblem } from '../../../shared/domain/sku';
import type { OrderExceptionProblem } from '../../../shared/schemas/channels';
import { bool } from '../util/db-helpers';
import type { LocationDirectory } from '../locations/locations';
import type { WriteContext } from '../write-queue';
import type { StockOperations, StockWriteQueue } from '../stock/stock-ops';
import type { OrderLine } from './channel-events';
import type { StoredLine } from './order-repository';

export class OrderRejected extends Error {
  constructor(
    message: string,
    readonly problems: OrderExceptionProblem[],
  ) {
    super(message);
    this.name = 'OrderRejected';
  }
}

const PROBLEM_CODES: Record<string, string> = {
  not_found: 'unknown_sku',
  insufficient_stock: 'insufficient_stock',
  conflict: 'conflict',
};

function problemOf(line: OrderLine, error: Error): OrderExceptionProblem {
  const code = error instanceof AppError ? (PROBLEM_CODES[error.code] ?? error.code) : 'error';
  return { lineId: line.lineId, sku: line.sku, quantity: line.quantity, code, message: error.message };
}

function summary(problems: OrderExceptionProblem[]): string {
  const first = problems[0] as OrderExceptionProblem;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more line${problems.length > 2 ? 's' : ''})` : '';
  return `${first.message}${more}; nothing of the order was applied`;
}

/** Only a rollback of the whole shared transaction can undo what this order wrote. */
export class GroupAborted extends Error {
  constructor(readonly rejection: OrderRejected) {
    super(`an order failed after part of it was written: ${rejection.message}`);
    this.name = 'GroupAborted';
  }
}

/** The transaction an order runs in, and whether it shares it with other orders. */
export type OrderContext = WriteContext & { group: boolean; wrote: boolean };

export type OrderStockDeps = { locations: LocationDirectory; defaultLocation(): string };

/** One line's stock operation, of the kind K. */
type LineOp<K extends keyof StockOperations> = { line: OrderLine; input: StockOperations[K]['input'] };

export class OrderStock {
  constructor(
    private readonly queue: Pick<StockWriteQueue, 'applyIn'>,
    private readonly deps: OrderStockDeps,
  ) {}

  private refuse(ctx: OrderContext, problems: OrderExceptionProblem[]): never {
    const rejected = new OrderRejected(summary(problems), problems);
    throw ctx.group && ctx.wrote ? new GroupAborted(rejected) : rejected;
  }

  /**
   * Runs the lines' operations through the stock engine, in this transaction; every failure becomes
   * a problem on its line, and any failure rejects all.
   */
  private async run<K extends keyof StockOperations>(
    ctx: OrderContext,
    op: K,
    ops: Array<LineOp<K>>,
    known: OrderExceptionProblem[] = [],
  ): Promise<Array<StockOperations[K]['output']>> {
    if (ctx.group && known.length > 0) this.refuse(ctx, known);
    if (ops.length > 0) ctx.wrote = true;
    const outcomes = await this.queue.applyIn(ctx, ops.map((o) => ({ op, input: o.input })));
    const problems = [...known];
    const values: Array<StockOperations[K]['output']> = [];
    outcomes.forEach((outcome, i) => {
      if (outcome.ok) values.push(outcome.value);
      else problems.push(problemOf((ops[i] as LineOp<K>).line, outcome.error));
    });
    if (problems.length > 0) this.refuse(ctx, problems);
    return values;
  }

  /**
   * The engine's reservation rules (product exists and is active; available covers the quantity
   * unless backorders are allowed), read inside the transaction, so an order that would fail is
   * refused before any of it is written. A prediction only: the engine still decides.
   */
  private async predictReserve(ctx: OrderContext, ops: Array<LineOp<'reservations.create'>>): Promise<OrderExceptionProblem[]> {
    const location = await this.deps.locations.byCodeOrLoad(ctx.trx, this.deps.defaultLocation());
    if (!location || ops.length === 0) return [];
    const rows = (await ctx
      .trx('products as p')
      .leftJoin('stock_levels as s', (join) => join.on('s.product_id', 'p.id').andOnVal('s.location_id', location.id))
      .select('p.sku', 'p.status', 'p.allow_backorder', 's.on_hand', 's.committed')
      .whereIn('p.sku', [...new Set(ops.map((o) => o.input.sku))])) as Array<{
      sku: string;
      status: string;
      allow_backorder: unknown;
      on_hand: unknown;
      committed: unknown;
    }>;
    const bySku = new Map(rows.map((r) => [r.sku, { ...r, onHand: Number(r.on_hand ?? 0), committed: Number(r.committed ?? 0) }]));
    const problems: OrderExceptionProblem[] = [];
    for (const { line, input } of ops) {
      const { sku, quantity } = input;
      const product = bySku.get(sku);
      const problem = (code: string, message: string) => problems.push({ lineId: line.lineId, sku: line.sku, quantity: line.quantity, code, message });
      if (!product) problem('unknown_sku', `No product with SKU ${sku}`);
      else if (product.status !== 'active') problem('conflict', `${sku} is ${product.status}; it cannot be reserved`);
      else if (!bool(product.allow_backorder) && product.onHand - product.committed < quantity) {
        const available = Math.max(0, product.onHand - product.committed);
        problem(
          'insufficient_stock',
          `Cannot reserve ${quantity}: only ${available} of ${sku} available at ${location.code} (${product.onHand} on hand, ${product.committed} reserved for orders)`,
        );
      } else product.committed += quantity;
    }
    return problems;
  }

  /** Reserves every line (lines of quantity 0 hold nothing) and returns them with their reservation ids. */
  async reserve(ctx: OrderContext, keyBase: string, reference: string, lines: OrderLine[]): Promise<StoredLine[]> {
    const known: OrderExceptionProblem[] = [];
    const ops: Array<LineOp<'reservations.create'>> = [];
    for (const line of lines) {
      if (line.quantity === 0) continue;
      const sku = normaliseSku(line.sku);
      const problem = skuProblem(sku);
      if (problem) {
        const message = line.sku.trim() === '' ? `Line ${line.lineId} has no SKU` : `Line ${line.lineId}: ${problem}`;
        known.push({ lineId: line.lineId, sku: line.sku, quantity: line.quantity, code: 'unknown_sku', message });
        continue;
      }
      ops.push({ line, input: { sku, quantity: line.quantity, reference, idempotencyKey: `${keyBase}:${line.lineId}:reserve` } });
    }
    if (ctx.group) known.push(...(await this.predictReserve(ctx, ops)));
    const reservations = await this.run(ctx, 'reservations.create', ops, known);
    const ids = new Map(ops.map((o, i) => [o.line, reservations[i]?.id]));
    return lines.map((line) => ({ ...line, sku: normaliseSku(line.sku), reservationId: ids.get(line) ?? null, returned: 0 }));
  }

  /** Fulfils or releases the held reservations of the lines. */
  async settle(ctx: OrderContext, action: 'fulfil' | 'release', keyBase: string, lines: StoredLine[]): Promise<void> {
    const ops = lines.flatMap((line) =>
      line.reservationId ? [{ line, input: { id: line.reservationId, idempotencyKey: `${keyBase}:${line.reservationId}:${action}` } }] : [],
    );
    await this.run(ctx, action === 'fulfil' ? 'reservations.fulfil' : 'reservations.release', ops);
  }

  /** Puts units back on hand (a refund with restock after the order shipped). */
  async returnStock(ctx: OrderContext, keyBase: string, reference: string, lines: Array<StoredLine & { restock: number }>): Promise<void> {
    const ops = lines
      .filter((l) => l.restock > 0)
      .map((line) => ({
        line,
        input: { sku: line.sku, quantity: line.restock, reference, reason: 'refund with restock', idempotencyKey: `${keyBase}:${line.lineId}:return` },
      }));
    await this.run(ctx, 'stock.return', ops);
  }
}
