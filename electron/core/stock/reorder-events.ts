/**
 * `reorder.needed`: appended in the same transaction as the stock change that brought a product's
 * stock position at a location (available plus incoming) down to its reorder point, once per
 * crossing: it fires again only after the position has been above the point in between. A
 * procurement workflow (a webhook, an automation) starts from it.
 */
import { needsReorder } from '../../../shared/domain/replenishment';
import type { NewChange } from '../changes/change-log';
import type { Dialect } from '../db/connection';
import { num } from '../util/db-helpers';
import type { LevelFigures } from './stock-summary';

type Key = string;
const keyOf = (productId: string, locationId: string): Key => `${productId}|${locationId}`;

/** Available plus incoming: what is on the shelf for sale and what is on its way. */
export function stockPosition(level: Pick<LevelFigures, 'on_hand' | 'committed' | 'incoming'> | undefined): number {
  return level ? level.on_hand - level.committed + level.incoming : 0;
}

/**
 * A column for a query over `products as p`: the product's reorder points as
 * `location_id:point,…` (null when none is set). The stock engine reads them in the statement
 * that reads the products, not in a statement of their own: each statement is a round trip on the
 * one write connection, and most batches touch no product with a reorder point.
 */
export function reorderPointsColumn(dialect: Dialect): string {
  const concat = dialect === 'pg' ? 'string_agg' : 'group_concat';
  return `(select ${concat}(r.location_id || ':' || r.reorder_point, ',') from reorder_settings r where r.product_id = p.id and r.reorder_point is not null) as reorder_points`;
}

/** Adds a product's points, as reorderPointsColumn gives them, to the map by product and location id. */
export function addReorderPoints(points: Map<Key, number>, productId: string, column: string | null): void {
  for (const item of column ? column.split(',') : []) {
    const at = item.lastIndexOf(':');
    points.set(keyOf(productId, item.slice(0, at)), num(item.slice(at + 1)));
  }
}

/** The entry for a position that reached the reorder point. */
export function reorderNeeded(
  product: { id: string; sku: string },
  location: string,
  reorderPoint: number,
  level: Pick<LevelFigures, 'on_hand' | 'committed' | 'incoming'> | undefined,
): NewChange {
  const available = level ? level.on_hand - level.committed : 0;
  const incoming = level?.incoming ?? 0;
  return {
    type: 'reorder.needed',
    productId: product.id,
    sku: product.sku,
    payload: { sku: product.sku, location, reorderPoint, available, incoming, position: available + incoming },
  };
}

/**
 * Follows the products of one stock batch like the availability tracker: the position before the
 * batch, then after each operation, so a crossing inside a batch is reported once, right after its
 * stock entry. Memory only, after one read of the batch's reorder points.
 */
export class ReorderTracker {
  private needed = new Map<Key, boolean>();
  /** The points by product: a batch of thousands of products looks each one up once. */
  private readonly byProduct = new Map<string, Array<[locationId: string, point: number]>>();

  constructor(
    private readonly points: Map<Key, number>,
    private readonly locationCode: (locationId: string) => string,
  ) {
    for (const [key, point] of points) {
      const [productId, locationId] = key.split('|') as [string, string];
      const list = this.byProduct.get(productId) ?? [];
      list.push([locationId, point]);
      this.byProduct.set(productId, list);
    }
  }

  /** Records whether each point of the product is reached before the batch touched it. */
  start(productId: string, levels: LevelFigures[]): void {
    for (const [locationId, point] of this.byProduct.get(productId) ?? []) {
      const key = keyOf(productId, locationId);
      if (this.needed.has(key)) continue;
      const level = levels.find((l) => l.location_id === locationId);
      this.needed.set(key, needsReorder({ position: stockPosition(level), reorderPoint: point }));
    }
  }

  /** The entries for the points the product's position reached since the previous operation. */
  after(product: { id: string; sku: string }, levels: LevelFigures[]): NewChange[] {
    const out: NewChange[] = [];
    // Most products have no reorder point: no key to build and look up for each of their levels.
    if (!this.byProduct.has(product.id)) return out;
    for (const level of levels) {
      const key = keyOf(product.id, level.location_id);
      const point = this.points.get(key);
      if (point === undefined) continue;
      const now = needsReorder({ position: stockPosition(level), reorderPoint: point });
      if (now && this.needed.get(key) === false) out.push(reorderNeeded(product, this.locationCode(level.location_id), point, level));
      this.needed.set(key, now);
    }
    return out;
  }
}
