/**
 * A path segment that URL resolution removes: "." means the current folder and ".." the one
 * above, also when percent-encoded ("%2e", ".%2E", …), as the WHATWG URL standard and RFC 3986
 * treat them. A SKU or slug that is one would, once put into a URL template such as
 * `https://shop.example.com/products/{sku}` or `/api/v1/stock/{sku}`, point somewhere else.
 */
export function isDotSegment(text: string): boolean {
  return /^(?:\.|%2e){1,2}$/i.test(text);
}

/** The message shown for such a SKU or slug. */
export function dotSegmentProblem(what: 'SKU' | 'slug', text: string): string {
  return `${what} cannot be "${text}": in a web address it means "this folder" or "the folder above", so the product's page and API links would point elsewhere`;
}
