/**
 * The purchasing screens read what is typed in the shop's number format: "1.000" arriving in a
 * German shop is a thousand units (Number() made it one), and a count or cost that cannot be read
 * is named with its line rather than dropped.
 */
import { describe, expect, it } from 'vitest';
import { addOne, lineProblemPlace, overDeliveries, readDraftLines, readReceipt } from '../../renderer/src/purchase-order-input';

const lines = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];

describe('readReceipt', () => {
  it('reads counts with the locale’s grouping', () => {
    expect(readReceipt(lines, { a: '1.000', b: '12' }, 'de-DE')).toEqual({
      arriving: [
        { lineId: 'a', quantity: 1000 },
        { lineId: 'b', quantity: 12 },
      ],
      problems: {},
    });
    expect(readReceipt(lines, { a: '1,000' }, 'en-US').arriving).toEqual([{ lineId: 'a', quantity: 1000 }]);
  });

  it('skips empty and zero fields', () => {
    expect(readReceipt(lines, { a: '', b: ' ', c: '0' }, 'de-DE')).toEqual({ arriving: [], problems: {} });
  });

  it('names a count that is not a whole number, or below zero, by its line', () => {
    const read = readReceipt(lines, { a: '2,5', b: 'zwei', c: '-3' }, 'de-DE');
    expect(read.arriving).toEqual([]);
    expect(read.problems.a).toMatch(/not a whole number/);
    expect(read.problems.b).toMatch(/not a number/);
    expect(read.problems.c).toMatch(/below zero/);
  });
});

describe('addOne', () => {
  it('adds a scanned unit to the count typed in the shop’s format', () => {
    expect(addOne(undefined, 'de-DE')).toBe('1');
    expect(addOne('1.000', 'de-DE')).toBe('1001');
    expect(addOne('9', 'en-US')).toBe('10');
  });

  it('leaves a count it cannot read to be corrected', () => {
    expect(addOne('2,5', 'de-DE')).toBeNull();
  });
});

describe('readDraftLines', () => {
  it('reads quantities and unit costs in the shop’s format', () => {
    const read = readDraftLines(
      [
        { id: 'x', sku: 'RM-001', quantity: '1.200', unitCost: '15,5', expectedDate: '2027-01-05' },
        { sku: 'RM-004', quantity: '40', unitCost: '', expectedDate: '' },
      ],
      'EUR',
      'de-DE',
    );
    expect(read.problems).toEqual({});
    expect(read.lines).toEqual([
      { id: 'x', sku: 'RM-001', quantity: 1200, unitCost: '15.50', expectedDate: '2027-01-05' },
      { sku: 'RM-004', quantity: 40, expectedDate: null },
    ]);
  });

  it('keys each problem by the contract’s issue path', () => {
    const read = readDraftLines([{ sku: 'A', quantity: '2,5', unitCost: 'abc', expectedDate: '' }, { sku: 'B', quantity: '0', unitCost: '', expectedDate: '' }], 'EUR', 'de-DE');
    expect(Object.keys(read.problems).sort()).toEqual(['lines.0.quantity', 'lines.0.unitCost', 'lines.1.quantity']);
    expect(read.problems['lines.0.unitCost']).toMatch(/1\.234,56/);
  });
});

describe('lineProblemPlace', () => {
  it('names the line and the field', () => {
    expect(lineProblemPlace('lines.2.unitCost')).toBe('Line 3, unit cost');
    expect(lineProblemPlace('lines.0')).toBe('Line 1');
  });
});

describe('overDeliveries', () => {
  const po = [
    { id: 'a', sku: 'RM-001', quantity: 1200, received: 1000 },
    { id: 'b', sku: 'RM-004', quantity: 40, received: 0 },
  ];

  it('names a line booked beyond what it still expects', () => {
    expect(overDeliveries(po, [{ lineId: 'a', quantity: 2000 }, { lineId: 'b', quantity: 40 }])).toEqual([{ sku: 'RM-001', arriving: 2000, expected: 200 }]);
  });

  it('lets the expected quantity or less through', () => {
    expect(overDeliveries(po, [{ lineId: 'a', quantity: 200 }, { lineId: 'b', quantity: 1 }])).toEqual([]);
  });
});
