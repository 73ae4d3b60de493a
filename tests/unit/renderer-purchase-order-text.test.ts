import { describe, expect, it } from 'vitest';
import { purchaseOrderCsv, stillExpected } from '../../renderer/src/purchase-order-text';
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
