/**
 * A named lease in the database: of the servers sharing it, one at a time does the lease's work
 * (publishing the files; a channel push can take a lease of its own the same way). The holder
 * renews it every third of its length; a server that crashed stops renewing, and another takes it
 * over once it has run out. A server that stops cleanly hands it over at once.
 *
 * Times are the servers' own clocks (as the webhook leases): they must agree to well within the
 * lease's length, which NTP gives. A holder counts itself leader only until a margin before the
 * expiry it wrote, so a holder that could not renew in time steps down before another can step up.
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from '../logger';

export type LeaseOptions = {
  /** How long a lease lasts without renewal (default 30 s). */
  ttlMs?: number;
  /** How often the holder renews and the others try (default a third of ttlMs). */
  renewMs?: number;
};

type LeaseRow = { holder: string; expires_at: string };

/** What a user of a lease needs: whether it holds it, and to hear when that changes. */
export type Leadership = {
  held(): boolean;
  onChange(listener: (held: boolean) => void): () => void;
  /** The holder and its expiry as the database has them (for messages). */
  holder(): Promise<{ holder: string; expiresAt: string } | null>;
};

export function newHolderId(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

export class LeaderLease implements Leadership {
  private until = 0;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private announced = false;
  private readonly listeners = new Set<(held: boolean) => void>();
  private readonly ttlMs: number;
  private readonly renewMs: number;

  constructor(
    private readonly db: Knex,
    private readonly name: string,
    readonly holderId: string,
    private readonly log: Logger,
    options: LeaseOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.renewMs = options.renewMs ?? Math.max(50, Math.floor(this.ttlMs / 3));
  }

  held(): boolean {
    // Step down a renewal interval before the written expiry: another server may take it then.
    return Date.now() < this.until - this.renewMs / 2;
  }

  onChange(listener: (held: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async holder(): Promise<{ holder: string; expiresAt: string } | null> {
    const row = (await this.db('leases').select('holder', 'expires_at').where({ name: this.name }).first()) as LeaseRow | undefined;
    return row ? { holder: row.holder, expiresAt: row.expires_at } : null;
  }

  /** Tries at once, then keeps trying (or renewing) on a timer. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.tick();
  }

  /** Stops renewing; with `release` (a clean stop) another server may take over at once. */
  async stop(release = true): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.until = 0;
    this.announce(false);
    if (release) await this.db('leases').where({ name: this.name, holder: this.holderId }).delete().catch(() => undefined);
  }

  private async tick(): Promise<void> {
    try {
      this.until = (await this.claim()) ?? 0;
    } catch (error) {
      // Unreachable database: keep what we had until it runs out (held() says when).
      this.log.warn(`renewing the ${this.name} lease failed: ${(error as Error).message}`);
    }
    this.announce(this.held());
    if (this.running) {
      this.timer = setTimeout(() => void this.tick(), this.renewMs);
      this.timer.unref();
    }
  }

  /**
   * Takes the lease when it is free or ran out, renews it when it is ours: one statement, so two
   * servers racing for it cannot both win. Returns the new expiry (ms) when we hold it.
   */
  private async claim(): Promise<number | null> {
    const now = Date.now();
    const nowIso = new Date(now).toISOString();
    const until = now + this.ttlMs;
    const untilIso = new Date(until).toISOString();
    await this.db.raw(
      `INSERT INTO leases (name, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET
         acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at ELSE excluded.acquired_at END,
         holder = excluded.holder,
         expires_at = excluded.expires_at
       WHERE leases.holder = excluded.holder OR leases.expires_at < ?`,
      [this.name, this.holderId, nowIso, untilIso, nowIso],
    );
    const row = (await this.db('leases').select('holder', 'expires_at').where({ name: this.name }).first()) as LeaseRow | undefined;
    return row && row.holder === this.holderId && row.expires_at === untilIso ? until : null;
  }

  private announce(held: boolean): void {
    if (held === this.announced) return;
    this.announced = held;
    if (held) this.log.info(`this server now holds the ${this.name} lease (${this.holderId})`);
    for (const listener of this.listeners) {
      try {
        listener(held);
      } catch (error) {
        this.log.error(`a ${this.name} lease listener failed: ${(error as Error).message}`);
      }
    }
  }
}
