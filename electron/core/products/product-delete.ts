/**
 * Deleting a product, for the ones made by mistake: only a product that never had stock (no
 * movement, no reservation, on no channel order) goes, since the ledger must keep explaining every
 * stock figure it ever had. Anything else is archived instead, which keeps its history. The
 * deletion is on the change log (product.deleted, with the product's fields), so the publisher
 * takes it out of the feed, the sitemap and the JSON-LD, and webhooks hear of it.
 */
import type { Output, ParsedInput } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { withIdempotency } from '../idempotency';
import { likeEscape, num, type Db } from '../util/db-helpers';
import type { ExclusiveWriter, WriteContext } from '../write-queue';
import { findProductRow, toProductFields, type ProductRow } from './product-repository';

/** What ties the product to stock, as a few words for the refusal, or null when nothing does. */
async function stockHistory(db: Db, row: ProductRow): Promise<string | null> {
  const movements = (await db('movements').where({ product_id: row.id }).count({ n: '*' }).first()) as { n: unknown } | undefined;
  const moved = num(movements?.n);
  if (moved > 0) return moved === 1 ? '1 movement' : `${moved} movements`;
  if (await db('reservations').where({ product_id: row.id }).first('id')) return 'reservations';
  if (await db('stock_levels').where({ product_id: row.id }).where((q) => q.whereNot('on_hand', 0).orWhereNot('committed', 0).orWhereNot('incoming', 0)).first('product_id')) {
    return 'stock';
  }
  // Channel orders keep their lines as JSON text; a line naming the SKU is `"sku":"…"` in it.
  const line = `%"sku":${likeEscape(JSON.stringify(row.sku))}%`;
  if (await db('channel_orders').whereRaw("lines like ? escape '\\'", [line]).first('id')) return 'channel orders';
  return null;
}

async function deleteIn(ctx: WriteContext, idOrSku: string): Promise<Output<'products.delete'>> {
  const { trx } = ctx;
  const row = await findProductRow(trx, idOrSku);
  if (!row) throw new AppError('not_found', `No product with id or SKU "${idOrSku}"`);
  const history = await stockHistory(trx, row);
  if (history) {
    throw new AppError('conflict', `${row.sku} has stock history (${history}); archive it instead`, { field: 'idOrSku', sku: row.sku, reason: history });
  }
  // Rows of zeros a refused write may have left (no movement made them); nothing else points here.
  await trx('stock_levels').where({ product_id: row.id }).delete();
  await trx('stock_count_marks').where({ product_id: row.id }).delete();
  await trx('products').where({ id: row.id }).delete();
  await ctx.append([{ type: 'product.deleted', productId: row.id, sku: row.sku, payload: toProductFields(row) }]);
  return { id: row.id, sku: row.sku, deleted: true };
}

/** products.delete: once per Idempotency-Key, in a transaction of its own. */
export function deleteProduct(queue: ExclusiveWriter, input: ParsedInput<'products.delete'>): Promise<Output<'products.delete'>> {
  return queue.exclusive((ctx) => withIdempotency(ctx, 'products.delete', input, () => deleteIn(ctx, input.idOrSku)));
}
