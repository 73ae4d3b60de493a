import type { Change } from '../../shared/schemas/changes';
import type { Product } from '../../shared/schemas/product';
import type { StockSummary } from '../../shared/schemas/stock';

/** The stock totals a product carries, from any stock answer (a snapshot has more fields). */
export function stockTotals(figures: StockSummary): Product['stock'] {
  const { onHand, committed, incoming, available, availability, availabilityDate } = figures;
  return { onHand, committed, incoming, available, availability, availabilityDate };
}

/** A product with a change applied: new stock figures, or the fields a `product.updated` changed. */
export function applyChange(product: Product, change: Change): Product {
  if (change.type === 'stock.changed') {
    const stock = change.payload.stock as StockSummary | undefined;
    return stock ? { ...product, stock: stockTotals(stock) } : product;
  }
  if (change.type === 'product.updated') {
    const after = change.payload.after as Partial<Product> | undefined;
    // The stock figures are never part of `after`; they keep their own changes.
    return after ? { ...product, ...after, stock: product.stock } : product;
  }
  return product;
}
