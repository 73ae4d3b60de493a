import { describe, expect, it } from 'vitest';
import { changedBeforeStepNotice, purchaseOrderCsv, stillExpected } from '../../renderer/src/purchase-order-text';
import type { PurchaseOrder } from '../../shared/schemas/purchase-orders';

const po: PurchaseOrder = {
  id: 'x',
  number: 'PO-00007',
  supplierId: 's',
  supplierName: 'Potter & Co',
  location: 'main',
  status: 'ordered',
  currency: 'EUR',
  notes: '',
  lines: [
    { id: 'a', sku: 'MUG', supplierSku: 'P-MUG-12', title: 'Mug, "blue"', quantity: 12, unitCost: '4.00', expectedDate: '2027-01-31', received: 0 },
    { id: 'b', sku: 'CUP', supplierSku: null, title: '=HYPERLINK("x")', quantity: 6, unitCost: '2.50', expectedDate: null, received: 8 },
  ],
  total: '63.00',
  late: false,
  orderedAt: null,
  createdAt: '',
  updatedAt: '',
};

describe('a purchase order for the supplier', () => {
  it("is one CSV row per line with the supplier's own SKU, quoted where needed, formulas neutralised", () => {
    expect(purchaseOrderCsv(po).split('\r\n')).toEqual([
      'po_number,line,sku,supplier_sku,title,quantity,unit_cost,currency,expected_date',
      'PO-00007,1,MUG,P-MUG-12,"Mug, ""blue""",12,4.00,EUR,2027-01-31',
      `PO-00007,2,CUP,,"'=HYPERLINK(""x"")",6,2.50,EUR,`,
      '',
    ]);
  });

  it('expects no more of an over-delivered line', () => {
    expect(stillExpected(po.lines[0] as PurchaseOrder['lines'][number])).toBe(12);
    expect(stillExpected(po.lines[1] as PurchaseOrder['lines'][number])).toBe(0);
  });
});

describe('changedBeforeStepNotice', () => {
  it('says nothing happened, and what is left to do on the order as it is now', () => {
    expect(changedBeforeStepNotice('PO-00007', 'order', 'draft')).toBe(
      'Nothing was placed: PO-00007 was changed elsewhere since you loaded it, and is shown again as it is now (Draft). Check it and place it again if you still want to.',
    );
    expect(changedBeforeStepNotice('PO-00007', 'close', 'cancelled')).toBe(
      'Nothing was closed: PO-00007 was changed elsewhere since you loaded it, and is shown again as it is now (Cancelled). It can no longer be closed.',
    );
    expect(changedBeforeStepNotice('PO-00007', 'receive', 'partly_received')).toContain('Your counts are kept: check them against what is still expected and book again.');
    expect(changedBeforeStepNotice('PO-00007', 'receive', 'received')).toContain('Nothing more can be booked on it; your counts stay below, read-only, for you to copy.');
    expect(changedBeforeStepNotice('PO-00007', 'cancel', 'partly_received')).toContain('(Partly received). Check it and cancel it again if you still want to.');
  });
});
