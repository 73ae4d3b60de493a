/**
 * Rows that only grow, deleted once they are older than the retention (Settings, default 90 days),
 * so a database of several years stays small: finished webhook deliveries (delivered, or parked
 * and never retried), idempotency keys (a retry comes within minutes, not months) and the ids of
 * channel webhook deliveries (Shopify and WooCommerce stop retrying within days). Stock, the
 * ledger, orders and the change log are never pruned.
 */
import type { Knex } from 'knex';
import type { ExclusiveWriter } from '../write-queue';

export type PruneReport = { webhookDeliveries: number; idempotencyKeys: number; channelDeliveries: number; cutoff: string };

/** Rows per transaction: a first prune of years of rows must not hold the write path for long. */
const BATCH = 2000;

type Target = { table: string; time: string; key: string[]; where?: (q: Knex.QueryBuilder) => Knex.QueryBuilder };

const TARGETS: Record<Exclude<keyof PruneReport, 'cutoff'>, Target> = {
  webhookDeliveries: { table: 'webhook_deliveries', time: 'created_at', key: ['id'], where: (q) => q.whereIn('status', ['delivered', 'parked']) },
  idempotencyKeys: { table: 'idempotency_keys', time: 'created_at', key: ['key'] },
  channelDeliveries: { table: 'channel_deliveries', time: 'received_at', key: ['channel', 'delivery_id'] },
};

/** Deletes rows older than `retentionDays`, in batches through the write path. */
export async function pruneHistory(queue: ExclusiveWriter, retentionDays: number, now = new Date()): Promise<PruneReport> {
  const cutoff = new Date(now.getTime() - retentionDays * 24 * 60 * 60 * 1000).toISOString();
  const report: PruneReport = { webhookDeliveries: 0, idempotencyKeys: 0, channelDeliveries: 0, cutoff };
  for (const [name, target] of Object.entries(TARGETS) as Array<[keyof typeof TARGETS, Target]>) {
    for (;;) {
      const deleted = await queue.exclusive(async ({ trx }) => {
        let q = trx(target.table).select(target.key).where(target.time, '<', cutoff).limit(BATCH);
        if (target.where) q = target.where(q);
        const rows = (await q) as Array<Record<string, unknown>>;
        const [only] = target.key;
        if (target.key.length === 1 && only) await trx(target.table).whereIn(only, rows.map((r) => r[only] as string | number)).del();
        else for (const row of rows) await trx(target.table).where(row).del();
        return rows.length;
      });
      report[name] += deleted;
      if (deleted < BATCH) break;
    }
  }
  return report;
}
