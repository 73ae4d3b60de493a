/** Reading purchase orders: rows to the contract's JSON, one PO or a filtered list. */
import type { ParsedInput } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { utcToday } from '../../../shared/domain/availability';
import { fromMinorUnits } from '../../../shared/domain/money';
import { OPEN_PURCHASE_ORDER_STATUSES, type PurchaseOrder, type PurchaseOrderStatus } from '../../../shared/schemas/purchase-orders';
import { num, type Db } from '../util/db-helpers';

export type OrderRow = {
  id: string;
  number: string;
  supplier_id: string;
  location_id: string;
  status: PurchaseOrderStatus;
  currency: string;
  notes: string;
  ordered_at: string | null;
  created_at: string;
  updated_at: string;
};

export type LineRow = {
  id: string;
  purchase_order_id: string;
  position: number;
  product_id: string;
  quantity: number;
  unit_cost_minor: number;
  expected_date: string | null;
  received: number;
};

type JoinedLine = LineRow & { sku: string; title: string; supplier_sku: string | null };
type JoinedOrder = OrderRow & { supplier_name: string; location_code: string };

export const isOpen = (status: string): boolean => (OPEN_PURCHASE_ORDER_STATUSES as readonly string[]).includes(status);

/** Units of a line still on their way (an over-delivery leaves none, never fewer than none). */
export const openQuantity = (line: Pick<LineRow, 'quantity' | 'received'>): number => Math.max(0, num(line.quantity) - num(line.received));

export async function orderRow(db: Db, id: string): Promise<OrderRow> {
  const row = (await db('purchase_orders').where({ id }).first()) as OrderRow | undefined;
  if (!row) throw new AppError('not_found', `No purchase order with id ${id}`, { field: 'id' });
  return row;
}

export async function lineRows(db: Db, orderId: string): Promise<LineRow[]> {
  const rows = (await db('purchase_order_lines').where({ purchase_order_id: orderId }).orderBy('position')) as LineRow[];
  return rows.map((r) => ({ ...r, quantity: num(r.quantity), unit_cost_minor: num(r.unit_cost_minor), received: num(r.received), position: num(r.position) }));
}

function toOrder(row: JoinedOrder, lines: JoinedLine[], today: string): PurchaseOrder {
  let total = 0n;
  for (const l of lines) total += BigInt(num(l.quantity)) * BigInt(num(l.unit_cost_minor));
  const open = isOpen(row.status);
  return {
    id: row.id,
    number: row.number,
    supplierId: row.supplier_id,
    supplierName: row.supplier_name,
    location: row.location_code,
    status: row.status,
    currency: row.currency,
    notes: row.notes,
    lines: lines.map((l) => ({
      id: l.id,
      sku: l.sku,
      supplierSku: l.supplier_sku ?? null,
      title: l.title,
      quantity: num(l.quantity),
      unitCost: fromMinorUnits(num(l.unit_cost_minor), row.currency),
      expectedDate: l.expected_date,
      received: num(l.received),
    })),
    total: fromMinorUnits(total, row.currency),
    late: open && lines.some((l) => l.expected_date !== null && l.expected_date < today && openQuantity(l) > 0),
    orderedAt: row.ordered_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const orderQuery = (db: Db) =>
  db('purchase_orders as o')
    .join('suppliers as s', 's.id', 'o.supplier_id')
    .join('locations as l', 'l.id', 'o.location_id')
    .select('o.*', 's.name as supplier_name', 'l.code as location_code');

async function withLines(db: Db, orders: JoinedOrder[]): Promise<PurchaseOrder[]> {
  if (orders.length === 0) return [];
  const lines = (await db('purchase_order_lines as pl')
    .join('products as p', 'p.id', 'pl.product_id')
    .join('purchase_orders as po', 'po.id', 'pl.purchase_order_id')
    .leftJoin('product_suppliers as ps', (j) => j.on('ps.product_id', 'pl.product_id').andOn('ps.supplier_id', 'po.supplier_id'))
    .select('pl.*', 'p.sku', 'p.title', 'ps.supplier_sku')
    .whereIn(
      'pl.purchase_order_id',
      orders.map((o) => o.id),
    )
    .orderBy('pl.position')) as JoinedLine[];
  const today = utcToday();
  return orders.map((o) =>
    toOrder(
      o,
      lines.filter((l) => l.purchase_order_id === o.id),
      today,
    ),
  );
}

export async function loadOrder(db: Db, id: string): Promise<PurchaseOrder> {
  const row = (await orderQuery(db).where('o.id', id).first()) as JoinedOrder | undefined;
  if (!row) throw new AppError('not_found', `No purchase order with id ${id}`, { field: 'id' });
  return (await withLines(db, [row]))[0] as PurchaseOrder;
}

export async function listOrders(db: Db, input: ParsedInput<'purchaseOrders.list'>): Promise<PurchaseOrder[]> {
  let q = orderQuery(db).orderBy('o.created_at', 'desc').orderBy('o.number', 'desc');
  if (input.status === 'open' || input.status === 'late') q = q.whereIn('o.status', [...OPEN_PURCHASE_ORDER_STATUSES]);
  else if (input.status) q = q.where('o.status', input.status);
  if (input.supplier) {
    const supplier = input.supplier;
    q = q.where((w) => w.where('o.supplier_id', supplier).orWhere('s.name', supplier));
  }
  if (input.sku) {
    const sku = input.sku;
    q = q.whereExists((sub) => sub.from('purchase_order_lines as x').join('products as xp', 'xp.id', 'x.product_id').whereRaw('x.purchase_order_id = o.id').andWhere('xp.sku', sku));
  }
  if (input.status === 'late') {
    const today = utcToday();
    q = q.whereExists((sub) =>
      sub.from('purchase_order_lines as y').whereRaw('y.purchase_order_id = o.id').andWhere('y.expected_date', '<', today).andWhereRaw('y.received < y.quantity'),
    );
  }
  const rows = (await q.limit(input.limit)) as JoinedOrder[];
  return withLines(db, rows);
}
