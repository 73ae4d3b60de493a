/**
 * Purchase orders from draft to received. Every step is one transaction on the single write path:
 * the PO rows, the stock engine's operations (incoming up when ordered, receive movements naming
 * the line when goods arrive, incoming down when cancelled or closed) and the change-log entries
 * commit together or not at all, so incoming always equals what open POs still expect.
 */
import type { ParsedInput } from '../../../shared/contract';
import { AppError, type FieldIssue } from '../../../shared/errors';
import { addDays } from '../../../shared/domain/availability';
import { amountProblem, toMinorUnits } from '../../../shared/domain/money';
import type { PurchaseOrder, PurchaseOrderStatus } from '../../../shared/schemas/purchase-orders';
import type { NewChange } from '../changes/change-log';
import { withIdempotency } from '../idempotency';
import type { LocationDirectory, LocationRecord } from '../locations/locations';
import type { IncomingDates } from '../stock/incoming-dates';
import type { StockOperations, StockWriteQueue } from '../stock/stock-ops';
import { num, type Db } from '../util/db-helpers';
import { assertVersion, laterThan } from '../util/later-than';
import { uuid7 } from '../util/uuid7';
import type { WriteContext } from '../write-queue';
import { recordReceiptCost } from './costs';
import { isOpen, lineRows, listOrders, loadOrder, openQuantity, orderRow, type LineRow, type OrderRow } from './purchase-order-repository';

export type PurchaseOrderDeps = {
  db: Db;
  queue: Pick<StockWriteQueue, 'exclusive' | 'applyIn'>;
  locations: LocationDirectory;
  incomingDates: IncomingDates;
  settings(): { orderNumberPrefix: string; defaultLocation: string };
};

type LineInput = NonNullable<ParsedInput<'purchaseOrders.update'>['lines']>[number];

const COUNTER = 'purchase_order_number';

function failIf(issues: FieldIssue[]): void {
  const first = issues[0];
  if (first) throw new AppError('validation_failed', `${first.path}: ${first.message}`, { issues });
}

function refuse(order: OrderRow, action: string, allowed: PurchaseOrderStatus[]): never {
  throw new AppError('conflict', `Purchase order ${order.number} is ${order.status.replace('_', ' ')}; only ${allowed.join(' or ').replace(/_/g, ' ')} ones can be ${action}`, {
    field: 'status',
    status: order.status,
  });
}

/**
 * Refuses a change made from a version of the PO that has changed since (`expectedUpdatedAt`), so
 * nobody edits, places, receives or cancels an order they have not seen as it is now.
 */
function sameVersion(order: OrderRow, expectedUpdatedAt: string | undefined): void {
  assertVersion(expectedUpdatedAt, order.updated_at, { name: `Purchase order ${order.number}` }, { status: order.status });
}

/** Runs stock operations in the caller's transaction; the first refusal rolls all of it back. */
async function applyStock<K extends keyof StockOperations>(
  queue: PurchaseOrderDeps['queue'],
  ctx: WriteContext,
  op: K,
  inputs: Array<StockOperations[K]['input']>,
): Promise<Array<StockOperations[K]['output']>> {
  const outcomes = await queue.applyIn(ctx, inputs.map((input) => ({ op, input })));
  return outcomes.map((o) => {
    if (!o.ok) throw o.error;
    return o.value;
  });
}

export class PurchaseOrderService {
  constructor(private readonly deps: PurchaseOrderDeps) {}

  get(id: string): Promise<PurchaseOrder> {
    return loadOrder(this.deps.db, id);
  }

  async list(input: ParsedInput<'purchaseOrders.list'>): Promise<{ purchaseOrders: PurchaseOrder[] }> {
    return { purchaseOrders: await listOrders(this.deps.db, input) };
  }

  create(input: ParsedInput<'purchaseOrders.create'>): Promise<PurchaseOrder> {
    return this.deps.queue.exclusive((ctx) =>
      withIdempotency(ctx, 'purchaseOrders.create', input, async () => {
        const supplier = (await ctx.trx('suppliers').where({ id: input.supplierId }).first()) as { id: string; currency: string } | undefined;
        if (!supplier) {
          throw new AppError('validation_failed', `supplierId: there is no supplier with id ${input.supplierId}`, {
            issues: [{ path: 'supplierId', message: `there is no supplier with id ${input.supplierId}` }],
          });
        }
        const location = await this.location(ctx, input.location);
        const order: OrderRow = {
          id: uuid7(),
          number: await this.nextNumber(ctx),
          supplier_id: supplier.id,
          location_id: location.id,
          status: 'draft',
          currency: supplier.currency,
          notes: input.notes,
          ordered_at: null,
          created_at: ctx.now,
          updated_at: ctx.now,
        };
        const lines = await this.lineRowsFor(ctx, order, input.lines, []);
        await ctx.trx('purchase_orders').insert(order);
        if (lines.length > 0) await ctx.trx('purchase_order_lines').insert(lines);
        await ctx.append([this.statusChange(order, null, 'draft')]);
        return loadOrder(ctx.trx, order.id);
      }),
    );
  }

  update(input: ParsedInput<'purchaseOrders.update'>): Promise<PurchaseOrder> {
    return this.deps.queue.exclusive((ctx) =>
      withIdempotency(ctx, 'purchaseOrders.update', input, async () => {
        const order = await orderRow(ctx.trx, input.id);
        sameVersion(order, input.expectedUpdatedAt);
        const draft = order.status === 'draft';
        if (!draft && (input.lines !== undefined || input.location !== undefined)) {
          throw new AppError('conflict', `Purchase order ${order.number} is ${order.status.replace('_', ' ')}; its lines and location can change only while it is a draft`, {
            field: input.lines !== undefined ? 'lines' : 'location',
            status: order.status,
          });
        }
        if (input.expectedDates !== undefined && !isOpen(order.status) && !draft) refuse(order, 'given new dates', ['draft', 'ordered', 'partly_received']);
        const next: OrderRow = { ...order, notes: input.notes ?? order.notes, updated_at: laterThan(order.updated_at, ctx.now) };
        if (input.location !== undefined) next.location_id = (await this.location(ctx, input.location)).id;
        const current = await lineRows(ctx.trx, order.id);
        if (input.lines !== undefined) {
          const lines = await this.lineRowsFor(ctx, next, input.lines, current);
          await ctx.trx('purchase_order_lines').where({ purchase_order_id: order.id }).delete();
          if (lines.length > 0) await ctx.trx('purchase_order_lines').insert(lines);
        }
        if (input.expectedDates !== undefined) {
          const issues: FieldIssue[] = [];
          input.expectedDates.forEach((d, i) => {
            if (!current.some((l) => l.id === d.id)) issues.push({ path: `expectedDates.${i}.id`, message: `purchase order ${order.number} has no line ${d.id}` });
          });
          failIf(issues);
          for (const d of input.expectedDates) await ctx.trx('purchase_order_lines').where({ id: d.id }).update({ expected_date: d.expectedDate });
          await this.refreshDates(ctx, current.map((l) => l.product_id));
        }
        const { id: _id, ...fields } = next;
        await ctx.trx('purchase_orders').where({ id: order.id }).update(fields);
        await ctx.append([this.statusChange(next, order.status, order.status, { productIds: [...new Set(current.map((l) => l.product_id))] })]);
        return loadOrder(ctx.trx, order.id);
      }),
    );
  }

  /** Places a draft: each line's quantity becomes incoming at the PO's location; undated lines get the supplier's lead time. */
  order(input: ParsedInput<'purchaseOrders.order'>): Promise<PurchaseOrder> {
    return this.deps.queue.exclusive((ctx) =>
      withIdempotency(ctx, 'purchaseOrders.order', input, async () => {
        const order = await orderRow(ctx.trx, input.id);
        if (order.status !== 'draft') refuse(order, 'ordered', ['draft']);
        sameVersion(order, input.expectedUpdatedAt);
        const lines = await lineRows(ctx.trx, order.id);
        if (lines.length === 0) {
          throw new AppError('validation_failed', `lines: purchase order ${order.number} has no lines to order`, { issues: [{ path: 'lines', message: 'add at least one line' }] });
        }
        const supplier = (await ctx.trx('suppliers').where({ id: order.supplier_id }).first()) as { lead_time_days: unknown };
        const due = addDays(ctx.now.slice(0, 10), num(supplier.lead_time_days));
        await ctx.trx('purchase_order_lines').where({ purchase_order_id: order.id }).whereNull('expected_date').update({ expected_date: due });
        const location = await this.locationById(ctx, order.location_id);
        const skus = await this.skusOf(ctx, lines);
        await applyStock(
          this.deps.queue,
          ctx,
          'purchase.incoming',
          lines.map((l) => ({
            sku: skus.get(l.product_id) as string,
            location: location.code,
            quantity: l.quantity,
            cause: 'purchase_order.ordered' as const,
            purchaseOrderId: order.id,
            reference: order.number,
          })),
        );
        await ctx.trx('purchase_orders').where({ id: order.id }).update({ status: 'ordered', ordered_at: ctx.now, updated_at: laterThan(order.updated_at, ctx.now) });
        await this.refreshDates(ctx, lines.map((l) => l.product_id));
        const placed = await loadOrder(ctx.trx, order.id);
        await ctx.append([
          {
            type: 'purchase_order.ordered',
            productId: null,
            sku: null,
            payload: { ...this.head(order), from: 'draft', to: 'ordered', productIds: [...new Set(lines.map((l) => l.product_id))], purchaseOrder: placed },
          },
        ]);
        return placed;
      }),
    );
  }

  /**
   * Books goods that arrived. Each line's units go on hand through a receive movement naming the
   * line; incoming falls by what the line still expected (an over-delivery adds on hand beyond
   * it, an under-delivery leaves the rest on its way). The average cost follows each receipt.
   */
  receive(input: ParsedInput<'purchaseOrders.receive'>): Promise<PurchaseOrder> {
    return this.deps.queue.exclusive((ctx) =>
      withIdempotency(ctx, 'purchaseOrders.receive', input, async () => {
        const order = await orderRow(ctx.trx, input.id);
        if (!isOpen(order.status)) refuse(order, 'received', ['ordered', 'partly_received']);
        sameVersion(order, input.expectedUpdatedAt);
        const lines = await lineRows(ctx.trx, order.id);
        const byId = new Map(lines.map((l) => [l.id, l]));
        const issues: FieldIssue[] = [];
        input.lines.forEach((r, i) => {
          if (!byId.has(r.lineId)) issues.push({ path: `lines.${i}.lineId`, message: `purchase order ${order.number} has no line ${r.lineId}` });
        });
        failIf(issues);
        const location = await this.locationById(ctx, order.location_id);
        const skus = await this.skusOf(ctx, lines);
        const booked: Array<{ lineId: string; sku: string; quantity: number; expected: number; overDelivered: number }> = [];
        for (const receipt of input.lines) {
          const line = byId.get(receipt.lineId) as LineRow;
          const open = openQuantity(line);
          const fromIncoming = Math.min(receipt.quantity, open);
          const [result] = await applyStock(this.deps.queue, ctx, 'purchase.receive', [
            {
              sku: skus.get(line.product_id) as string,
              location: location.code,
              quantity: receipt.quantity,
              incoming: fromIncoming,
              purchaseOrderId: order.id,
              purchaseOrderLineId: line.id,
              reference: order.number,
            },
          ]);
          const onHandAfter = result?.stock.onHand ?? receipt.quantity;
          await recordReceiptCost(ctx, line.product_id, { onHandBefore: onHandAfter - receipt.quantity, quantity: receipt.quantity, unitCost: line.unit_cost_minor, currency: order.currency });
          line.received += receipt.quantity;
          await ctx.trx('purchase_order_lines').where({ id: line.id }).update({ received: line.received });
          booked.push({ lineId: line.id, sku: skus.get(line.product_id) as string, quantity: receipt.quantity, expected: open, overDelivered: Math.max(0, receipt.quantity - open) });
        }
        const status: PurchaseOrderStatus = lines.every((l) => l.received >= l.quantity) ? 'received' : 'partly_received';
        await ctx.trx('purchase_orders').where({ id: order.id }).update({ status, updated_at: laterThan(order.updated_at, ctx.now) });
        await this.refreshDates(ctx, lines.map((l) => l.product_id));
        await ctx.append([
          {
            type: 'purchase_order.received',
            productId: null,
            sku: null,
            payload: { ...this.head(order), from: order.status, to: status, lines: booked, productIds: [...new Set(lines.map((l) => l.product_id))] },
          },
        ]);
        return loadOrder(ctx.trx, order.id);
      }),
    );
  }

  cancel(input: ParsedInput<'purchaseOrders.cancel'>): Promise<PurchaseOrder> {
    return this.finish(input, 'cancelled', ['draft', 'ordered', 'partly_received']);
  }

  close(input: ParsedInput<'purchaseOrders.close'>): Promise<PurchaseOrder> {
    return this.finish(input, 'closed', ['ordered', 'partly_received']);
  }

  /** Cancels or closes: whatever the PO still had on its way leaves incoming; what arrived stays. */
  private finish(input: ParsedInput<'purchaseOrders.cancel'>, to: 'cancelled' | 'closed', allowed: PurchaseOrderStatus[]): Promise<PurchaseOrder> {
    const operation = to === 'cancelled' ? 'purchaseOrders.cancel' : 'purchaseOrders.close';
    return this.deps.queue.exclusive((ctx) =>
      withIdempotency(ctx, operation, input, async () => {
        const order = await orderRow(ctx.trx, input.id);
        if (!allowed.includes(order.status)) refuse(order, to, allowed);
        sameVersion(order, input.expectedUpdatedAt);
        const lines = await lineRows(ctx.trx, order.id);
        const open = isOpen(order.status) ? lines.filter((l) => openQuantity(l) > 0) : [];
        if (open.length > 0) {
          const location = await this.locationById(ctx, order.location_id);
          const skus = await this.skusOf(ctx, open);
          await applyStock(
            this.deps.queue,
            ctx,
            'purchase.incoming',
            open.map((l) => ({
              sku: skus.get(l.product_id) as string,
              location: location.code,
              quantity: -openQuantity(l),
              cause: `purchase_order.${to}` as const,
              purchaseOrderId: order.id,
              reference: order.number,
            })),
          );
        }
        await ctx.trx('purchase_orders').where({ id: order.id }).update({ status: to, updated_at: laterThan(order.updated_at, ctx.now) });
        await this.refreshDates(ctx, lines.map((l) => l.product_id));
        const written = open.map((l) => ({ lineId: l.id, quantity: openQuantity(l) }));
        await ctx.append([this.statusChange(order, order.status, to, { writtenOff: written, productIds: [...new Set(lines.map((l) => l.product_id))] })]);
        return loadOrder(ctx.trx, order.id);
      }),
    );
  }

  // ---- helpers ------------------------------------------------------------------------------

  private head(order: OrderRow) {
    return { id: order.id, number: order.number, supplierId: order.supplier_id };
  }

  private statusChange(order: OrderRow, from: PurchaseOrderStatus | null, to: PurchaseOrderStatus, extra: Record<string, unknown> = {}): NewChange {
    return { type: 'purchase_order.changed', productId: null, sku: null, payload: { ...this.head(order), from, to, ...extra } };
  }

  /** The next number of the sequence, with the prefix the settings name now: PO-00001, PO-00002, … */
  private async nextNumber(ctx: WriteContext): Promise<string> {
    const row = (await ctx.trx('counters').where({ name: COUNTER }).first()) as { value: unknown } | undefined;
    const prefix = this.deps.settings().orderNumberPrefix;
    let value = num(row?.value) + 1;
    // A prefix changed back and forth could meet a number already given: skip past it.
    while (await ctx.trx('purchase_orders').where({ number: `${prefix}${String(value).padStart(5, '0')}` }).first()) value++;
    if (row) await ctx.trx('counters').where({ name: COUNTER }).update({ value });
    else await ctx.trx('counters').insert({ name: COUNTER, value });
    return `${prefix}${String(value).padStart(5, '0')}`;
  }

  /** Line rows for a draft's lines; a line sent with the id of a current line keeps it. Every bad line is named. */
  private async lineRowsFor(ctx: WriteContext, order: OrderRow, lines: LineInput[], current: LineRow[]): Promise<LineRow[]> {
    const skus = [...new Set(lines.map((l) => l.sku))];
    const products = new Map(
      ((await ctx.trx('products').select('id', 'sku').whereIn('sku', skus)) as Array<{ id: string; sku: string }>).map((p) => [p.sku, p.id]),
    );
    const costs = new Map(
      ((await ctx
        .trx('product_suppliers')
        .select('product_id', 'unit_cost_minor')
        .where('supplier_id', order.supplier_id)
        .whereIn('product_id', [...products.values()])) as Array<{ product_id: string; unit_cost_minor: unknown }>).map((r) => [r.product_id, r.unit_cost_minor]),
    );
    const issues: FieldIssue[] = [];
    const rows: LineRow[] = [];
    lines.forEach((line, i) => {
      const productId = products.get(line.sku);
      if (!productId) {
        issues.push({ path: `lines.${i}.sku`, message: `there is no product with SKU ${line.sku}` });
        return;
      }
      let unitCost: number | null = null;
      if (line.unitCost !== undefined) {
        const problem = amountProblem(line.unitCost, order.currency);
        if (problem) issues.push({ path: `lines.${i}.unitCost`, message: problem });
        else unitCost = toMinorUnits(line.unitCost, order.currency);
      } else if (costs.get(productId) !== undefined && costs.get(productId) !== null) {
        unitCost = num(costs.get(productId));
      } else {
        issues.push({ path: `lines.${i}.unitCost`, message: `the supplier has no cost for ${line.sku}; give the unit cost` });
      }
      const kept = line.id ? current.find((c) => c.id === line.id) : undefined;
      if (line.id && !kept) issues.push({ path: `lines.${i}.id`, message: `purchase order ${order.number} has no line ${line.id}` });
      rows.push({
        id: kept?.id ?? uuid7(),
        purchase_order_id: order.id,
        position: i + 1,
        product_id: productId,
        quantity: line.quantity,
        unit_cost_minor: unitCost ?? 0,
        expected_date: line.expectedDate ?? null,
        received: 0,
      });
    });
    failIf(issues);
    return rows;
  }

  private async location(ctx: WriteContext, code: string | undefined): Promise<LocationRecord> {
    const wanted = code ?? this.deps.settings().defaultLocation;
    const found = await this.deps.locations.byCodeOrLoad(ctx.trx, wanted);
    if (!found) {
      throw new AppError('validation_failed', `location: there is no location "${wanted}"`, { issues: [{ path: 'location', message: `there is no location "${wanted}"` }] });
    }
    return found;
  }

  private async locationById(ctx: WriteContext, id: string): Promise<LocationRecord> {
    return (await this.deps.locations.byIdOrLoad(ctx.trx, id)) as LocationRecord;
  }

  private async skusOf(ctx: WriteContext, lines: LineRow[]): Promise<Map<string, string>> {
    const rows = (await ctx.trx('products').select('id', 'sku').whereIn('id', [...new Set(lines.map((l) => l.product_id))])) as Array<{ id: string; sku: string }>;
    return new Map(rows.map((r) => [r.id, r.sku]));
  }

  private async refreshDates(ctx: WriteContext, productIds: string[]): Promise<void> {
    ctx.afterCommit(await this.deps.incomingDates.refresh(ctx.trx, [...new Set(productIds)]));
  }
}
