/**
 * A purchase order as words and as the CSV a supplier gets: pure, so the screen, print and the
 * unit tests agree.
 */
import type { PurchaseOrder, PurchaseOrderStatus } from '../../shared/schemas/purchase-orders';

export const STATUS_LABEL: Record<PurchaseOrderStatus, string> = {
  draft: 'Draft',
  ordered: 'Ordered',
  partly_received: 'Partly received',
  received: 'Received',
  closed: 'Closed',
  cancelled: 'Cancelled',
};

/** A cell a spreadsheet would run as a formula gets a `'` in front (as the catalogue export does). */
function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The PO as CSV for the supplier: one row per line, with the PO's number, currency and the supplier's SKU. */
export function purchaseOrderCsv(po: PurchaseOrder): string {
  const rows = [['po_number', 'line', 'sku', 'supplier_sku', 'title', 'quantity', 'unit_cost', 'currency', 'expected_date']];
  po.lines.forEach((l, i) => rows.push([po.number, String(i + 1), l.sku, l.supplierSku ?? '', l.title, String(l.quantity), l.unitCost, po.currency, l.expectedDate ?? '']));
  return `${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

/** Units still to come on a line (an over-delivery leaves none). */
export function stillExpected(line: { quantity: number; received: number }): number {
  return Math.max(0, line.quantity - line.received);
}
