/**
 * Webhook subscriptions, and the outbox writer that queues their deliveries inside the transaction
 * of every change. The writer keeps the enabled subscriptions in memory so the stock hot path pays
 * nothing when there are none, and one multi-row insert per batch when there are.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { ParsedInput } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { Change, ChangeType } from '../../../shared/schemas/changes';
import type { Webhook } from '../../../shared/schemas/webhooks';
import type { ChangeBus } from '../changes/change-log';
import { withIdempotency } from '../idempotency';
import { assertUrlAllowed } from '../net/address-rules';
import { changeLogUrl, keepMaskedCredentials, maskCredentials } from '../net/url-credentials';
import { bool, insertRows, num, type Db } from '../util/db-helpers';
import { uuid7 } from '../util/uuid7';
import type { StockWriteQueue } from '../stock/stock-ops';
import type { WriteContext } from '../write-queue';

export type SubscriptionRow = {
  id: string;
  url: string;
  event_types: string;
  secret: string;
  enabled: unknown;
  description: string;
  max_attempts: number | string;
  timeout_ms: number | string;
  lease_owner?: string | null;
  lease_until?: string | null;
  created_at: string;
  updated_at: string;
};

/** What the outbox writer needs of an enabled subscription: which changes it wants. */
type ActiveSubscription = { id: string; types: Set<string> | null };

/**
 * Another process sharing the database may change subscriptions; this process notices within
 * this interval (one small read, whatever the write rate). Its own changes are seen at once.
 */
const REFRESH_MS = 10_000;

export function eventTypesOf(row: Pick<SubscriptionRow, 'event_types'>): ChangeType[] {
  return JSON.parse(row.event_types) as ChangeType[];
}

function toWebhook(row: SubscriptionRow, counts: { pending: number; parked: number }): Webhook {
  return {
    id: row.id,
    url: maskCredentials(row.url),
    eventTypes: eventTypesOf(row),
    enabled: bool(row.enabled),
    description: row.description,
    maxAttempts: num(row.max_attempts),
    timeoutMs: num(row.timeout_ms),
    pending: counts.pending,
    parked: counts.parked,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A fresh secret: 32 random bytes, prefixed so that it is recognisable in a receiver's config. */
export function generateSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export class WebhookSubscriptions {
  private active: ActiveSubscription[] = [];
  private stale = true;
  private loadedAt = 0;
  /** Subscriptions that got deliveries in transactions not yet announced on the bus. */
  private enqueued = new Set<string>();
  private wakeListeners: Array<(subscriptionIds: string[]) => void> = [];

  constructor(
    private readonly db: Db,
    private readonly queue: Pick<StockWriteQueue, 'exclusive' | 'addAppendHook' | 'addRollbackHook'>,
    bus: ChangeBus,
    /** The owner's `webhooks.allowPrivateNetwork`, read at every save. */
    private readonly allowPrivateNetwork: () => boolean,
  ) {
    queue.addAppendHook(
      Object.assign((trx: Knex.Transaction, now: string, changes: Change[]) => this.enqueue(trx, now, changes), {
        // No statement at all: the subscriptions need no reading and none is active.
        idleFor: (changes: Change[]) => changes.length === 0 || (!this.stale && Date.now() - this.loadedAt <= REFRESH_MS && this.active.length === 0),
      }),
    );
    // The list is read inside write transactions, so it may hold a subscription that was rolled back.
    queue.addRollbackHook(() => {
      this.stale = true;
    });
    // The bus fires after the commit and before the next transaction starts, so the next write
    // reloads the subscriptions this one changed, and the worker wakes for what was committed.
    bus.subscribe((changes) => {
      if (changes.some((c) => c.type === 'webhook.changed')) this.stale = true;
      if (this.enqueued.size === 0) return;
      const ids = [...this.enqueued];
      this.enqueued.clear();
      for (const listener of this.wakeListeners) listener(ids);
    });
  }

  /** Called with the subscriptions that have new deliveries, after their commit. */
  onEnqueued(listener: (subscriptionIds: string[]) => void): void {
    this.wakeListeners.push(listener);
  }

  private async activeSubscriptions(trx: Knex.Transaction): Promise<ActiveSubscription[]> {
    if (this.stale || Date.now() - this.loadedAt > REFRESH_MS) {
      const rows = (await trx('webhook_subscriptions').select('id', 'event_types', 'enabled')) as SubscriptionRow[];
      this.active = rows
        .filter((r) => bool(r.enabled))
        .map((r) => {
          const types = eventTypesOf(r);
          return { id: r.id, types: types.length === 0 ? null : new Set<string>(types) };
        });
      this.stale = false;
      this.loadedAt = Date.now();
    }
    return this.active;
  }

  /** The outbox writer (an append hook): one delivery row per change and interested subscription. */
  private async enqueue(trx: Knex.Transaction, now: string, changes: Change[]): Promise<void> {
    if (changes.length === 0) return;
    const subscriptions = await this.activeSubscriptions(trx);
    if (subscriptions.length === 0) return;
    const rows = [];
    for (const change of changes) {
      for (const sub of subscriptions) {
        if (sub.types && !sub.types.has(change.type)) continue;
        rows.push({
          subscription_id: sub.id,
          change_seq: change.seq,
          event_type: change.type,
          status: 'pending',
          attempts: 0,
          next_attempt_at: null,
          created_at: now,
        });
        this.enqueued.add(sub.id);
      }
    }
    await insertRows(trx, 'webhook_deliveries', rows);
  }

  async list(): Promise<Webhook[]> {
    const rows = (await this.db('webhook_subscriptions').orderBy('created_at', 'asc').orderBy('id', 'asc')) as SubscriptionRow[];
    const counts = (await this.db('webhook_deliveries')
      .select('subscription_id', 'status')
      .count({ n: '*' })
      .whereIn('status', ['pending', 'parked'])
      .groupBy('subscription_id', 'status')) as Array<{ subscription_id: string; status: string; n: number | string }>;
    const countsOf = new Map<string, { pending: number; parked: number }>();
    for (const c of counts) {
      const entry = countsOf.get(c.subscription_id) ?? { pending: 0, parked: 0 };
      if (c.status === 'pending') entry.pending = num(c.n);
      else entry.parked = num(c.n);
      countsOf.set(c.subscription_id, entry);
    }
    return rows.map((r) => toWebhook(r, countsOf.get(r.id) ?? { pending: 0, parked: 0 }));
  }

  async get(id: string, db: Db = this.db): Promise<Webhook> {
    const row = await findSubscription(db, id);
    const counts = (await db('webhook_deliveries')
      .select('status')
      .count({ n: '*' })
      .where('subscription_id', id)
      .whereIn('status', ['pending', 'parked'])
      .groupBy('status')) as Array<{ status: string; n: number | string }>;
    const of = (status: string) => num(counts.find((c) => c.status === status)?.n ?? 0);
    return toWebhook(row, { pending: of('pending'), parked: of('parked') });
  }

  create(input: ParsedInput<'webhooks.create'>): Promise<Webhook & { secret: string }> {
    assertUrlAllowed(input.url, this.allowPrivateNetwork(), 'url');
    return this.queue.exclusive((ctx) =>
      withIdempotency(ctx, 'webhooks.create', input, async () => {
        const secret = input.secret ?? generateSecret();
        const row: SubscriptionRow = {
          id: uuid7(),
          url: input.url,
          event_types: JSON.stringify(input.eventTypes),
          secret,
          enabled: input.enabled,
          description: input.description,
          max_attempts: input.maxAttempts,
          timeout_ms: input.timeoutMs,
          created_at: ctx.now,
          updated_at: ctx.now,
        };
        await ctx.trx('webhook_subscriptions').insert(row);
        await this.logChange(ctx, row, 'created');
        return { ...toWebhook(row, { pending: 0, parked: 0 }), secret };
      }),
    );
  }

  update(input: ParsedInput<'webhooks.update'>): Promise<Webhook> {
    if (input.url !== undefined) assertUrlAllowed(input.url, this.allowPrivateNetwork(), 'url');
    return this.queue.exclusive((ctx) =>
      withIdempotency(ctx, 'webhooks.update', input, async () => {
        const row = await findSubscription(ctx.trx, input.id);
        const next: SubscriptionRow = { ...row };
        if (input.url !== undefined) next.url = keepMaskedCredentials(input.url, row.url);
        if (input.eventTypes !== undefined) next.event_types = JSON.stringify(input.eventTypes);
        if (input.secret !== undefined) next.secret = input.secret;
        if (input.enabled !== undefined) next.enabled = input.enabled;
        if (input.description !== undefined) next.description = input.description;
        if (input.maxAttempts !== undefined) next.max_attempts = input.maxAttempts;
        if (input.timeoutMs !== undefined) next.timeout_ms = input.timeoutMs;
        next.updated_at = ctx.now;
        const { id: _id, ...updates } = next;
        await ctx.trx('webhook_subscriptions').where({ id: row.id }).update(updates);
        if (input.url !== undefined || input.secret !== undefined || input.enabled === true) {
          // A fixed URL or secret, or a subscription switched back on: waiting retries go now.
          await ctx.trx('webhook_deliveries').where({ subscription_id: row.id, status: 'pending' }).update({ next_attempt_at: null });
        }
        await this.logChange(ctx, next, 'updated');
        return this.get(row.id, ctx.trx);
      }),
    );
  }

  /** Removes the subscription and its deliveries (pending ones are never sent). */
  delete(id: string): Promise<{ id: string; deleted: true }> {
    return this.queue.exclusive(async (ctx) => {
      const row = await findSubscription(ctx.trx, id);
      // Logged first: the outbox writer may queue this very change for the subscription itself,
      // and that row must go with the others.
      await this.logChange(ctx, row, 'deleted');
      await ctx.trx('webhook_deliveries').where({ subscription_id: id }).delete();
      await ctx.trx('webhook_subscriptions').where({ id }).delete();
      return { id, deleted: true as const };
    });
  }

  private async logChange(ctx: WriteContext, row: SubscriptionRow, action: 'created' | 'updated' | 'deleted'): Promise<void> {
    // The secret, the URL's credentials and its path (where many receivers keep theirs) never go
    // into the change log: everyone signed in reads it, and receivers of every event are sent it.
    await ctx.append([
      {
        type: 'webhook.changed',
        productId: null,
        sku: null,
        payload: { id: row.id, action, url: changeLogUrl(row.url), eventTypes: eventTypesOf(row), enabled: bool(row.enabled) },
      },
    ]);
  }
}

export async function findSubscription(db: Db, id: string): Promise<SubscriptionRow> {
  const row = (await db('webhook_subscriptions').where({ id }).first()) as SubscriptionRow | undefined;
  if (!row) throw new AppError('not_found', `No webhook subscription with id ${id}`, { field: 'id' });
  return row;
}
