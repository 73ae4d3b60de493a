/**
 * The publisher's memory of the catalogue: the record of every product in the files now in the
 * folder (what it published, its content hash and lastmod, and where its fragments sit in each
 * file), in the order the files list them (SKU order). The fragments themselves are not kept: a
 * full publish writes them as it renders them, and an incremental one copies unchanged ones from
 * the old files.
 */
import { bySku, type ProductRecord } from './product-record';

/** Records by id, in the order the files list them. */
export class CatalogCache {
  readonly byId: Map<string, ProductRecord>;
  /** SKU order (JavaScript code-unit order, the same on every database), as written. */
  order: ProductRecord[] = [];
  /** Members of each item group, for republishing a variant's siblings. */
  readonly groups = new Map<string, Set<string>>();

  constructor(byId = new Map<string, ProductRecord>()) {
    this.byId = byId;
  }

  /** The cache of records in `order`; `byId`, when given, already indexes exactly those records. */
  static fromOrder(order: ProductRecord[], byId?: Map<string, ProductRecord>): CatalogCache {
    const cache = new CatalogCache(byId);
    cache.order = order;
    for (const e of order) {
      if (!byId) cache.byId.set(e.id, e);
      if (e.groupId) cache.addToGroup(e);
    }
    return cache;
  }

  /** Where `sku` is, or would go, in the order (the order is by SKU). */
  private indexOf(sku: string): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.order[mid] as ProductRecord).sku < sku) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private addToGroup(e: ProductRecord): void {
    const set = this.groups.get(e.groupId as string) ?? new Set<string>();
    set.add(e.id);
    this.groups.set(e.groupId as string, set);
  }

  private removeFromGroup(e: ProductRecord): void {
    const set = this.groups.get(e.groupId as string);
    set?.delete(e.id);
    if (set && set.size === 0) this.groups.delete(e.groupId as string);
  }

  /**
   * The order after replacing some records (by id), adding new ones and removing `gone` ids:
   * one merge pass, however many change. Updates the indexes; returns the new order and the
   * index of its first difference from the old one (everything before it is as it was).
   */
  apply(changed: ProductRecord[], gone: Set<string>): { order: ProductRecord[]; first: number } {
    // The usual change keeps every SKU: each record takes its predecessor's place (found by binary search).
    if (gone.size === 0 && changed.every((e) => this.byId.get(e.id)?.sku === e.sku)) {
      const places = changed.map((e) => this.indexOf(e.sku));
      if (changed.every((e, i) => this.order[places[i] as number] === this.byId.get(e.id))) {
        changed.forEach((e, i) => {
          const old = this.byId.get(e.id) as ProductRecord;
          if (old.groupId) this.removeFromGroup(old);
          this.order[places[i] as number] = e;
          this.byId.set(e.id, e);
          if (e.groupId) this.addToGroup(e);
        });
        return { order: this.order, first: Math.min(this.order.length, ...places) };
      }
    }
    const replaced = new Set<string>(gone);
    for (const e of changed) if (this.byId.has(e.id)) replaced.add(e.id);
    const incoming = [...changed].sort(bySku);
    const next: ProductRecord[] = [];
    let k = 0;
    let first = -1;
    for (const e of this.order) {
      if (replaced.has(e.id)) {
        if (first < 0) first = next.length;
        continue;
      }
      while (k < incoming.length && bySku(incoming[k] as ProductRecord, e) < 0) {
        if (first < 0) first = next.length;
        next.push(incoming[k++] as ProductRecord);
      }
      next.push(e);
    }
    if (first < 0) first = next.length;
    while (k < incoming.length) next.push(incoming[k++] as ProductRecord);
    for (const id of replaced) {
      const old = this.byId.get(id);
      if (old?.groupId) this.removeFromGroup(old);
      this.byId.delete(id);
    }
    for (const e of changed) {
      this.byId.set(e.id, e);
      if (e.groupId) this.addToGroup(e);
    }
    this.order = next;
    return { order: next, first };
  }
}
