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

export type PurchaseOrderStep = 'order' | 'receive' | 'cancel' | 'close';

const STEP_DONE: Record<PurchaseOrderStep, string> = { order: 'placed', receive: 'booked', cancel: 'cancelled', close: 'closed' };
const STEP_VERB: Record<PurchaseOrderStep, string> = { order: 'place', receive: 'book', cancel: 'cancel', close: 'close' };
const STEP_FROM: Record<PurchaseOrderStep, readonly PurchaseOrderStatus[]> = {
  order: ['draft'],
  receive: ['ordered', 'partly_received'],
  cancel: ['draft', 'ordered', 'partly_received'],
  close: ['ordered', 'partly_received'],
};

/**
 * Said when a step was refused because the order changed elsewhere since it was loaded (409):
 * nothing happened, the order on screen is now the current one, and what is left to do. A receipt's
 * counts are kept either way.
 */
export function changedBeforeStepNotice(number: string, step: PurchaseOrderStep, status: PurchaseOrderStatus): string {
  const head = `Nothing was ${STEP_DONE[step]}: ${number} was changed elsewhere since you loaded it, and is shown again as it is now (${STATUS_LABEL[status]}).`;
  const allowed = STEP_FROM[step].includes(status);
  if (step === 'receive') {
    return allowed
      ? `${head} Your counts are kept: check them against what is still expected and book again.`
      : `${head} Nothing more can be booked on it; your counts stay below, read-only, for you to copy.`;
  }
  return allowed ? `${head} Check it and ${STEP_VERB[step]} it again if you still want to.` : `${head} It can no longer be ${STEP_DONE[step]}.`;
}
