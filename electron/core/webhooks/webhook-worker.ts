/**
 * Sends queued webhook deliveries. Each subscription has one lane that sends its pending deliveries
 * one after another by id (change order); a failure holds the lane until its retry is due, so a
 * receiver never sees a later event before an earlier one. At least once: a delivery is marked
 * sent only after the receiver answered 2xx, so a crash in between sends it again (same event id).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Change, ChangeType } from '../../../shared/schemas/changes';
import type { Logger } from '../logger';
import { describeRequestError, describeStatus, type Outbound } from '../net/outbound';
import { bool, num, type Db } from '../util/db-helpers';
import type { ExclusiveWriter } from '../write-queue';
import { recordDeliveries, type DeliveryUpdate } from './delivery-record';
import { WEBHOOK_HEADERS, signWebhook } from './webhook-signature';
import type { SubscriptionRow } from './webhook-subscriptions';

/** What the webhooks need from the rest of the core to send. */
export type WebhookNetwork = {
  /** The checked way out (every URL the core calls goes through it). */
  outbound: Outbound;
  /** The owner's `webhooks.allowPrivateNetwork`, read at every save and every attempt. */
  allowPrivateNetwork: () => boolean;
};

export type WebhookWorkerOptions = {
  /** First retry delay; each further failure doubles it, up to retryMaxMs, with jitter. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Sent in the User-Agent header. */
  version: string;
  /**
   * How long a lane woken by new deliveries waits before reading them, so that under a stream of
   * writes it sends (and records) them in pages rather than one transaction per delivery.
   */
  lingerMs: number;
  /** How long a claim on a subscription lasts without being renewed (another process may then send). */
  leaseMs: number;
  /** How often the worker looks for deliveries queued by other processes sharing the database. */
  pollMs: number;
};

export const DEFAULT_RETRY_BASE_MS = 30_000;
export const DEFAULT_RETRY_MAX_MS = 6 * 60 * 60 * 1000;

type PendingRow = {
  id: number | string;
  attempts: number | string;
  next_attempt_at: string | null;
  seq: number | string;
  type: string;
  sku: string | null;
  product_id: string | null;
  payload: string;
  change_created_at: string;
};

type Attempt = { ok: boolean; responseCode: number | null; durationMs: number; error: string | null };

type Lane = { running: Promise<void> | null; again: boolean; timer: NodeJS.Timeout | null };

/** Deliveries read per query; results are recorded once per page (one transaction). */
const PAGE = 100;

/** Full-range exponential backoff with "equal jitter": half fixed, half random. */
export function retryDelayMs(attempts: number, baseMs: number, maxMs: number, random = Math.random()): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp / 2 + (random * exp) / 2);
}

export class WebhookWorker {
  private lanes = new Map<string, Lane>();
  private inFlight = new Set<AbortController>();
  private stopped = false;
  private poller: NodeJS.Timeout | null = null;
  /** This process, in the subscriptions' lease_owner column. */
  private readonly workerId = randomUUID();
  /** Subscriptions this process holds the lease of, and until when (ms). */
  private leases = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly queue: ExclusiveWriter,
    private readonly log: Logger,
    private readonly network: WebhookNetwork,
    private readonly options: WebhookWorkerOptions,
  ) {}

  /** Resumes every subscription with pending deliveries: those committed before a crash or stop. */
  async start(): Promise<void> {
    await this.sweep();
    this.poller = setInterval(() => {
      this.sweep().catch((error: Error) => this.log.error(`webhook sweep failed: ${error.message}`));
    }, this.options.pollMs);
    this.poller.unref();
  }

  /** Runs the lane of every subscription with pending deliveries that is not already busy. */
  private async sweep(): Promise<void> {
    const rows = (await this.db('webhook_deliveries').distinct('subscription_id').where('status', 'pending')) as Array<{ subscription_id: string }>;
    for (const row of rows) {
      const lane = this.lanes.get(row.subscription_id);
      if (!lane?.running && !lane?.timer) this.kick(row.subscription_id);
    }
  }

  /**
   * New deliveries were committed for a subscription: its lane runs after a short linger, unless
   * it is running (it will read them) or waiting for a retry (they queue behind that delivery).
   */
  wake(subscriptionId: string): void {
    if (this.stopped) return;
    const lane = this.lanes.get(subscriptionId);
    if (lane?.running) {
      lane.again = true;
      return;
    }
    if (lane?.timer) return;
    const current = lane ?? { running: null, again: false, timer: null };
    this.lanes.set(subscriptionId, current);
    this.schedule(subscriptionId, current, Date.now() + this.options.lingerMs);
  }

  /** Runs a subscription's lane now (or once more after its current run). */
  kick(subscriptionId: string): void {
    if (this.stopped) return;
    let lane = this.lanes.get(subscriptionId);
    if (!lane) this.lanes.set(subscriptionId, (lane = { running: null, again: false, timer: null }));
    if (lane.timer) {
      clearTimeout(lane.timer);
      lane.timer = null;
    }
    if (lane.running) {
      lane.again = true;
      return;
    }
    const current = lane;
    current.again = false;
    current.running = this.runLane(subscriptionId, current)
      .catch((error: Error) => {
        this.log.error(`webhook delivery for subscription ${subscriptionId} failed: ${error.message}`);
        this.schedule(subscriptionId, current, Date.now() + this.options.retryBaseMs);
      })
      .finally(() => {
        current.running = null;
        if (current.again) this.kick(subscriptionId);
      });
  }

  /** Stops sending: requests in flight are abandoned (sent again at the next start). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poller) clearInterval(this.poller);
    for (const controller of this.inFlight) controller.abort();
    for (const lane of this.lanes.values()) if (lane.timer) clearTimeout(lane.timer);
    await Promise.all([...this.lanes.values()].map((lane) => lane.running));
    if (this.leases.size === 0) return;
    // Hand the subscriptions over at once rather than when the leases run out.
    this.leases.clear();
    await this.queue.exclusive(({ trx }) =>
      trx('webhook_subscriptions').where({ lease_owner: this.workerId }).update({ lease_owner: null, lease_until: null }),
    );
  }

  /**
   * Makes sure this process holds the subscription's lease (claiming or renewing it when it is
   * unknown or half spent). False when another process holds it: the lane then looks again when
   * that lease runs out.
   */
  private async holdLease(subscriptionId: string, lane: Lane): Promise<boolean> {
    const held = this.leases.get(subscriptionId) ?? 0;
    if (held - Date.now() > this.options.leaseMs / 2) return true;
    const now = new Date();
    const until = now.getTime() + this.options.leaseMs;
    const claimed = await this.queue.exclusive(async ({ trx }) => {
      const count = await trx('webhook_subscriptions')
        .where({ id: subscriptionId })
        .andWhere((w) => w.whereNull('lease_owner').orWhere('lease_owner', this.workerId).orWhere('lease_until', '<', now.toISOString()))
        .update({ lease_owner: this.workerId, lease_until: new Date(until).toISOString() });
      if (count > 0) return null;
      const row = (await trx('webhook_subscriptions').select('lease_until').where({ id: subscriptionId }).first()) as { lease_until: string | null } | undefined;
      return row?.lease_until ?? '';
    });
    if (claimed === null) {
      this.leases.set(subscriptionId, until);
      return true;
    }
    this.leases.delete(subscriptionId);
    if (claimed !== '') this.schedule(subscriptionId, lane, Date.parse(claimed) + 1000);
    return false;
  }

  private schedule(subscriptionId: string, lane: Lane, at: number): void {
    if (this.stopped) return;
    if (lane.timer) clearTimeout(lane.timer);
    const timer = setTimeout(() => {
      lane.timer = null;
      this.kick(subscriptionId);
    }, Math.max(0, at - Date.now()));
    timer.unref();
    lane.timer = timer;
  }

  private async runLane(subscriptionId: string, lane: Lane): Promise<void> {
    for (;;) {
      // Read each page's subscription afresh: it may have been disabled, changed or deleted.
      const sub = (await this.db('webhook_subscriptions').where({ id: subscriptionId }).first()) as SubscriptionRow | undefined;
      if (!sub || !bool(sub.enabled) || this.stopped) return;
      if (!(await this.holdLease(subscriptionId, lane))) return;
      const rows = (await this.db('webhook_deliveries as d')
        .join('changes as c', 'c.seq', 'd.change_seq')
        .select('d.id', 'd.attempts', 'd.next_attempt_at', 'c.seq', 'c.type', 'c.sku', 'c.product_id', 'c.payload', 'c.created_at as change_created_at')
        .where('d.subscription_id', subscriptionId)
        .andWhere('d.status', 'pending')
        .orderBy('d.id', 'asc')
        .limit(PAGE)) as PendingRow[];
      if (rows.length === 0) return;

      const updates: DeliveryUpdate[] = [];
      let waitUntil: string | null = null;
      for (const row of rows) {
        if (row.next_attempt_at && row.next_attempt_at > new Date().toISOString()) {
          waitUntil = row.next_attempt_at;
          break;
        }
        // Never send on a lease that could run out mid-request: renew it first (next page).
        if ((this.leases.get(subscriptionId) ?? 0) - Date.now() < num(sub.timeout_ms) + 1000) break;
        const attempt = await this.send(sub, row);
        if (this.stopped && !attempt.ok) break;
        const update = this.outcome(sub, row, attempt);
        updates.push(update);
        if (update.status === 'parked') {
          this.log.warn(`webhook delivery ${update.id} parked after ${update.attempts} failed attempts: ${update.error ?? ''}`);
        }
        if (update.status === 'pending') {
          waitUntil = update.next_attempt_at;
          break;
        }
        if (this.stopped) break;
      }
      await this.record(subscriptionId, updates);
      if (this.stopped) return;
      if (waitUntil) {
        this.schedule(subscriptionId, lane, Date.parse(waitUntil));
        return;
      }
    }
  }

  private outcome(sub: SubscriptionRow, row: PendingRow, attempt: Attempt): DeliveryUpdate {
    const now = new Date();
    const attempts = num(row.attempts) + 1;
    const base = {
      id: num(row.id),
      attempts,
      last_attempt_at: now.toISOString(),
      response_code: attempt.responseCode,
      duration_ms: Math.round(attempt.durationMs),
      error: attempt.error,
    };
    if (attempt.ok) return { ...base, status: 'delivered', next_attempt_at: null, delivered_at: now.toISOString() };
    if (attempts >= num(sub.max_attempts)) return { ...base, status: 'parked', next_attempt_at: null, delivered_at: null };
    const delay = retryDelayMs(attempts, this.options.retryBaseMs, this.options.retryMaxMs);
    return { ...base, status: 'pending', next_attempt_at: new Date(now.getTime() + delay).toISOString(), delivered_at: null };
  }

  private async record(subscriptionId: string, updates: DeliveryUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    const until = Date.now() + this.options.leaseMs;
    await this.queue.exclusive(async ({ trx }) => {
      await recordDeliveries(trx, updates);
      // Renewed with the results, in the same transaction: no extra commit while busy.
      const renewed = await trx('webhook_subscriptions')
        .where({ id: subscriptionId, lease_owner: this.workerId })
        .update({ lease_until: new Date(until).toISOString() });
      if (renewed > 0) this.leases.set(subscriptionId, until);
      else this.leases.delete(subscriptionId);
    });
  }

  private async send(sub: SubscriptionRow, row: PendingRow): Promise<Attempt> {
    const change: Change = {
      seq: num(row.seq),
      type: row.type as ChangeType,
      sku: row.sku,
      productId: row.product_id,
      payload: JSON.parse(row.payload) as Record<string, unknown>,
      createdAt: row.change_created_at,
    };
    const body = JSON.stringify(change);
    const timestamp = Math.floor(Date.now() / 1000);
    const timeoutMs = num(sub.timeout_ms);
    const controller = new AbortController();
    this.inFlight.add(controller);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const t0 = performance.now();
    try {
      // The setting is read at every attempt: switched off, local receivers stop getting deliveries.
      const response = await this.network.outbound.request(sub.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': `Stockfeed/${this.options.version} (webhooks)`,
          [WEBHOOK_HEADERS.eventId]: String(change.seq),
          [WEBHOOK_HEADERS.eventType]: change.type,
          [WEBHOOK_HEADERS.timestamp]: String(timestamp),
          [WEBHOOK_HEADERS.signature]: signWebhook(sub.secret, timestamp, body),
        },
        body,
        signal: controller.signal,
        allowPrivateNetwork: this.network.allowPrivateNetwork(),
      });
      // Any 2xx; a redirect is not followed (and is a failure), so a delivery goes where it was set up to.
      const ok = response.status >= 200 && response.status < 300;
      // The status and its standard name only: the receiver's answer (or whatever a URL pointed
      // at a private service would return) never reaches the log, which every API client reads.
      const redirect = response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : '';
      return { ok, responseCode: response.status, durationMs: performance.now() - t0, error: ok ? null : `${describeStatus(response.status)}${redirect}` };
    } catch (error) {
      const reason = timedOut ? `timed out after ${formatDuration(timeoutMs)}` : this.stopped ? 'abandoned at shutdown' : describeRequestError(error);
      return { ok: false, responseCode: null, durationMs: performance.now() - t0, error: reason.slice(0, 500) };
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }
}

/** "10 s", "2.5 s" or "300 ms". */
function formatDuration(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}
