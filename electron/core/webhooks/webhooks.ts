/**
 * Outgoing webhooks as one piece of the core: subscriptions (and their outbox writer), the
 * delivery worker, the delivery log and manual retries of parked deliveries.
 */
import type { ParsedInput } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { ChangeType } from '../../../shared/schemas/changes';
import type { Webhook, WebhookDelivery, WebhookDeliveryStatus } from '../../../shared/schemas/webhooks';
import type { ChangeBus } from '../changes/change-log';
import type { Logger } from '../logger';
import type { StockWriteQueue } from '../stock/stock-ops';
import { num, type Db } from '../util/db-helpers';
import { WebhookSubscriptions } from './webhook-subscriptions';
import { DEFAULT_RETRY_BASE_MS, DEFAULT_RETRY_MAX_MS, WebhookWorker, type WebhookNetwork } from './webhook-worker';

export type WebhookOptions = {
  /** Run the delivery worker in this process (default true; the CLI turns it off). */
  worker?: boolean;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Wait this long after a commit before sending, to send and record in pages (default 25 ms). */
  lingerMs?: number;
  /** A claim on a subscription's deliveries lasts this long unless renewed (default 2 min). */
  leaseMs?: number;
  /** Looks for deliveries queued by other processes this often (default 5 s). */
  pollMs?: number;
};

type DeliveryRow = {
  id: number | string;
  subscription_id: string;
  change_seq: number | string;
  event_type: string;
  status: string;
  attempts: number | string;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  response_code: number | string | null;
  duration_ms: number | string | null;
  error: string | null;
  created_at: string;
  delivered_at: string | null;
};

function toDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: num(row.id),
    subscriptionId: row.subscription_id,
    eventId: num(row.change_seq),
    eventType: row.event_type as ChangeType,
    status: row.status as WebhookDeliveryStatus,
    attempts: num(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    lastAttemptAt: row.last_attempt_at,
    responseCode: row.response_code === null ? null : num(row.response_code),
    durationMs: row.duration_ms === null ? null : num(row.duration_ms),
    error: row.error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
  };
}

export class Webhooks {
  readonly subscriptions: WebhookSubscriptions;
  /** Null when this process does not deliver (deliveries wait in the database for one that does). */
  readonly worker: WebhookWorker | null;

  constructor(
    private readonly db: Db,
    private readonly queue: Pick<StockWriteQueue, 'exclusive' | 'addAppendHook' | 'addRollbackHook'>,
    bus: ChangeBus,
    log: Logger,
    version: string,
    network: WebhookNetwork,
    options: WebhookOptions = {},
  ) {
    this.subscriptions = new WebhookSubscriptions(db, queue, bus, network.allowPrivateNetwork);
    this.worker =
      options.worker === false
        ? null
        : new WebhookWorker(db, queue, log, network, {
            retryBaseMs: options.retryBaseMs ?? DEFAULT_RETRY_BASE_MS,
            retryMaxMs: options.retryMaxMs ?? DEFAULT_RETRY_MAX_MS,
            lingerMs: options.lingerMs ?? 25,
            leaseMs: options.leaseMs ?? 120_000,
            pollMs: options.pollMs ?? 5_000,
            version,
          });
    const worker = this.worker;
    if (worker) this.subscriptions.onEnqueued((ids) => ids.forEach((id) => worker.wake(id)));
  }

  async start(): Promise<void> {
    await this.worker?.start();
  }

  async stop(): Promise<void> {
    await this.worker?.stop();
  }

  async deliveries(input: ParsedInput<'webhooks.deliveries'>): Promise<{ deliveries: WebhookDelivery[]; next: number | null }> {
    let q = this.db('webhook_deliveries').orderBy('id', 'desc').limit(input.limit + 1);
    if (input.subscriptionId) q = q.where('subscription_id', input.subscriptionId);
    if (input.status) q = q.where('status', input.status);
    if (input.before) q = q.where('id', '<', input.before);
    const rows = ((await q) as DeliveryRow[]).map(toDelivery);
    const page = rows.slice(0, input.limit);
    const last = page[page.length - 1];
    return { deliveries: page, next: rows.length > input.limit && last ? last.id : null };
  }

  /** Puts a parked delivery back in its subscription's queue with a fresh set of attempts. */
  async retry(id: number): Promise<WebhookDelivery> {
    const row = await this.queue.exclusive(async ({ trx }) => {
      const found = (await trx('webhook_deliveries').where({ id }).first()) as DeliveryRow | undefined;
      if (!found) throw new AppError('not_found', `No webhook delivery with id ${id}`, { field: 'id' });
      if (found.status !== 'parked') {
        throw new AppError('conflict', `Delivery ${id} is ${found.status}; only a parked delivery can be retried`, { id, status: found.status });
      }
      const fields = { status: 'pending', attempts: 0, next_attempt_at: null };
      await trx('webhook_deliveries').where({ id }).update(fields);
      return { ...found, ...fields };
    });
    this.worker?.kick(row.subscription_id);
    return toDelivery(row);
  }

  /** Saves a subscription's changes; re-enabling it (or a new URL) may unblock a lane that was waiting. */
  async update(input: ParsedInput<'webhooks.update'>): Promise<Webhook> {
    const updated = await this.subscriptions.update(input);
    this.worker?.kick(updated.id);
    return updated;
  }
}
