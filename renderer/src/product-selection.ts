/**
 * The Products list's selection and the rows on screen, as plain functions (unit-tested under
 * Node): shift-click ranges over a list whose rows load a page at a time, and the "1–50 of
 * 100,000" indicator of a scrolled virtual list.
 */

/** Rows a shift-click may select by name; past that, "select all N matching" goes by the filter. */
export const RANGE_MAX = 10_000;

/** The SKUs of rows `a` to `b` (either order, both included) that are loaded, and the pages still missing. */
export function skusInRange(rows: ReadonlyArray<{ sku: string } | undefined>, a: number, b: number, pageSize: number): { skus: string[]; missingPages: number[] } {
  const lo = Math.max(0, Math.min(a, b));
  const hi = Math.min(rows.length - 1, Math.max(a, b));
  const skus: string[] = [];
  const missing = new Set<number>();
  for (let i = lo; i <= hi; i++) {
    const row = rows[i];
    if (row) skus.push(row.sku);
    else missing.add(Math.floor(i / pageSize));
  }
  return { skus, missingPages: [...missing] };
}

/** The selection with `skus` added (on) or taken out (off); a new set, for a shallow ref. */
export function withSkus(selected: ReadonlySet<string>, skus: Iterable<string>, on: boolean): Set<string> {
  const next = new Set(selected);
  for (const sku of skus) {
    if (on) next.add(sku);
    else next.delete(sku);
  }
  return next;
}

/**
 * The rows wholly in view, as [first, end) indices: below the sticky header, above the bottom
 * edge. A list scrolled part way into a row counts from the next whole one, as a reader would.
 */
export function rowsInView(scrollTop: number, viewportHeight: number, headerHeight: number, rowHeight: number, total: number): [number, number] {
  if (total <= 0 || rowHeight <= 0) return [0, 0];
  const first = Math.min(total - 1, Math.max(0, Math.ceil(scrollTop / rowHeight - 0.25)));
  const end = Math.min(total, Math.max(first + 1, Math.floor((scrollTop + viewportHeight - headerHeight) / rowHeight + 0.25)));
  return [first, end];
}
