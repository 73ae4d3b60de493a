import { describe, expect, it } from 'vitest';
import { countLowStock, LOW_STOCK_UNITS } from '../../renderer/src/low-stock';

const product = (available: number, bufferStock: number | null = null) => ({ bufferStock, stock: { available } });

describe('low stock', () => {
  it('counts products with 1 to 5 available when the buffer is 0', () => {
    const fewest = [product(1), product(3), product(LOW_STOCK_UNITS), product(LOW_STOCK_UNITS + 1), product(40)];
    expect(countLowStock({ atOrBelowBuffer: 0, fewestAvailable: fewest, shopBufferStock: 0, pageSize: 500 })).toEqual({ count: 3, atLeast: false });
  });

  it('adds the products at or below a buffer above the line, counting each product once', () => {
    // The shop keeps 8 back: the core counts 4 products at or below it (2, 4, 7 and 8 available);
    // two of them are within the line of 5 and already on the page.
    const fewest = [product(2), product(4), product(7), product(8), product(9)];
    expect(countLowStock({ atOrBelowBuffer: 4, fewestAvailable: fewest, shopBufferStock: 8, pageSize: 500 })).toEqual({ count: 4, atLeast: false });
  });

  it("uses a product's own buffer over the shop's", () => {
    // Only the product with its own buffer of 3 is at or below a buffer (the shop's is 0).
    const fewest = [product(2, 3), product(4), product(6)];
    expect(countLowStock({ atOrBelowBuffer: 1, fewestAvailable: fewest, shopBufferStock: 0, pageSize: 500 })).toEqual({ count: 2, atLeast: false });
  });

  it('skips products with nothing available that a change between the two answers left on the page', () => {
    expect(countLowStock({ atOrBelowBuffer: 0, fewestAvailable: [product(0), product(-2), product(2)], shopBufferStock: 0, pageSize: 500 })).toEqual({
      count: 1,
      atLeast: false,
    });
  });

  it('says "at least" when every product read was low and there may be more', () => {
    const fewest = Array.from({ length: 4 }, () => product(1));
    expect(countLowStock({ atOrBelowBuffer: 0, fewestAvailable: fewest, shopBufferStock: 0, pageSize: 4 })).toEqual({ count: 4, atLeast: true });
    expect(countLowStock({ atOrBelowBuffer: 0, fewestAvailable: [...fewest.slice(1), product(6)], shopBufferStock: 0, pageSize: 4 })).toEqual({
      count: 3,
      atLeast: false,
    });
  });
});
