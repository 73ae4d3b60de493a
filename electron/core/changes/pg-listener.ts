/**
 * Follows the commits of every server sharing one PostgreSQL database. Each commit sends
 * `NOTIFY stockfeed_changes, '<newest seq>'` (write-queue.ts); a notification only wakes the bus,
 * which reads the entries from the change log itself, so a lost notification costs latency, never
 * an entry: the next one, a reconnect, or the slow poll below reads everything after the last
 * entry delivered.
 */
import type { Knex } from 'knex';
import type { Logger } from '../logger';
import type { ChangeBus } from './change-log';

/** What this file uses of node-postgres' client (knex hands one over; pg ships no types here). */
type PgClient = {
  query(sql: string): Promise<{ rows: Array<Record<string, unknown>> }>;
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): void;
  on(event: 'error' | 'end', listener: (error?: Error) => void): void;
  removeAllListeners(): void;
};

export type PgListenerOptions = {
  channel: string;
  /** A read of the log this often, for a connection that died without saying so. */
  pollMs?: number;
  /** The first wait before reconnecting; it doubles up to 5 s. */
  reconnectMs?: number;
};

export class PgChangeListener {
  private client: PgClient | null = null;
  private stopped = false;
  private poll: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private delay: number;

  constructor(
    private readonly db: Knex,
    private readonly bus: ChangeBus,
    private readonly log: Logger,
    private readonly options: PgListenerOptions,
  ) {
    this.delay = options.reconnectMs ?? 250;
  }

  /** Whether the notification connection is up (health reports it). */
  get connected(): boolean {
    return this.client !== null;
  }

  /** Connects and listens; a failure is retried in the background (the poll covers the wait). */
  async start(): Promise<void> {
    this.poll = setInterval(() => void this.check(), this.options.pollMs ?? 2000);
    this.poll.unref();
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      await this.db.client.destroyRawConnection(client).catch(() => undefined);
    }
  }

  /**
   * The slow poll: on the listening connection while it is up (a glance at the newest sequence
   * number, off the pool the writers use), and a read of the log when it is down.
   */
  private async check(): Promise<void> {
    const client = this.client;
    if (!client) return this.wake();
    try {
      const result = await client.query('SELECT max(seq) AS seq FROM changes');
      if (Number(result.rows[0]?.seq ?? 0) > this.bus.lastSeq) this.wake();
    } catch {
      // The connection's error handler reconnects; the read after reconnecting catches up.
    }
  }

  private wake(): void {
    this.bus.catchUp().catch((error: Error) => this.log.warn(`reading the change log failed: ${error.message}`));
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let client: PgClient;
    try {
      client = (await this.db.client.acquireRawConnection()) as PgClient;
    } catch (error) {
      this.scheduleReconnect(error as Error);
      return;
    }
    const lost = (error?: Error) => {
      if (this.client !== client) return;
      this.client = null;
      client.removeAllListeners();
      client.on('error', () => undefined);
      void this.db.client.destroyRawConnection(client).catch(() => undefined);
      this.scheduleReconnect(error ?? new Error('connection closed'));
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (message) => {
      if (message.channel !== this.options.channel) return;
      const seq = Number(message.payload);
      this.bus.afterLocalCommits(() => {
        if (!(seq <= this.bus.lastSeq)) this.wake();
      });
    });
    try {
      await client.query(`LISTEN ${this.options.channel}`);
    } catch (error) {
      this.client = client;
      lost(error as Error);
      return;
    }
    if (this.stopped) {
      await this.db.client.destroyRawConnection(client).catch(() => undefined);
      return;
    }
    this.client = client;
    this.delay = this.options.reconnectMs ?? 250;
    // Whatever was committed while nobody listened.
    this.wake();
  }

  private scheduleReconnect(error: Error): void {
    if (this.stopped) return;
    this.log.warn(`listening for other servers' changes failed (${error.message}); retrying in ${this.delay} ms`);
    this.retry = setTimeout(() => void this.connect(), this.delay);
    this.retry.unref();
    this.delay = Math.min(this.delay * 2, 5000);
  }
}
