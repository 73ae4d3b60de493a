/**
 * How a message names a product: `"Blue mug" (MUG-BLUE)`. The title is what a person recognises on
 * the shelf, the SKU tells two variants with similar titles apart; a code alone makes them look it up.
 */
export function productLabel(product: { title: string; sku: string }): string {
  return `"${product.title}" (${product.sku})`;
}
