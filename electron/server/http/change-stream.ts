/**
 * One Server-Sent Events client following the change log: first everything after its starting
 * sequence number, read from the `changes` table in pages, then live from the bus, with no gap and
 * no duplicate. The bus subscription is taken before the first read; live changes wait in a buffer
 * until the backlog is sent, and anything at or below the last sequence sent is skipped.
 */
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Change, ChangeType } from '../../../shared/schemas/changes';
import { toChange, type ChangeBus, type ChangeRow } from '../../core/changes/change-log';
import type { Db } from '../../core/util/db-helpers';

export type ChangeFilter = { types: ChangeType[] | null; sku: string | null };

export type ChangeStreamOptions = {
  db: Db;
  bus: ChangeBus;
  /** Start after this sequence number; null streams only what is committed from now on. */
  since: number | null;
  filter: ChangeFilter;
  heartbeatMs: number;
  /** A client this far behind is cut off; it reconnects with Last-Event-ID and reads the backlog. */
  maxBuffered: number;
  /**
   * Whether the credential the stream was opened with still holds; checked before every change
   * and heartbeat, and the stream ends when it does not. Absent: always.
   */
  authorised?: () => boolean;
};

const PAGE = 500;


export function matches(filter: ChangeFilter, change: Change): boolean {
  return (!filter.types || filter.types.includes(change.type)) && (!filter.sku || change.sku === filter.sku);
}

/** One SSE message: `id` is the sequence number, `event` the change type, `data` the change. */
export function formatEvent(change: Change): string {
  return `id: ${change.seq}\nevent: ${change.type}\ndata: ${JSON.stringify(change)}\n\n`;
}

export class ChangeStream {
  private lastSent: number;
  private buffer: Change[] = [];
  private closed = false;
  private wake: (() => void) | null = null;
  private unsubscribe: (() => void) | null = null;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly res: ServerResponse,
    private readonly options: ChangeStreamOptions,
  ) {
    this.lastSent = options.since ?? 0;
  }

  /** Streams until the client goes away or `close` is called. */
  async run(): Promise<void> {
    this.res.on('close', () => this.close());
    this.unsubscribe = this.options.bus.subscribe((changes) => this.onLive(changes));
    this.heartbeat = setInterval(() => {
      if (this.closed) return;
      if (this.options.authorised?.() === false) this.close();
      else this.res.write(': heartbeat\n\n');
    }, this.options.heartbeatMs);
    this.heartbeat.unref();
    try {
      // A reconnecting EventSource waits `retry` ms; the comment makes proxies flush the headers.
      await this.write(`retry: 3000\n: stockfeed change log${this.options.since === null ? '' : ` after ${this.options.since}`}\n\n`);
      if (this.options.since !== null) await this.backfill();
      while (!this.closed) {
        if (this.buffer.length === 0) {
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = null;
          continue;
        }
        const batch = this.buffer;
        this.buffer = [];
        for (const change of batch) {
          if (this.closed) break;
          await this.send(change);
        }
      }
    } finally {
      this.close();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.buffer = [];
    this.wake?.();
    if (!this.res.writableEnded) this.res.end();
  }

  private onLive(changes: Change[]): void {
    if (this.closed) return;
    for (const change of changes) if (matches(this.options.filter, change)) this.buffer.push(change);
    if (this.buffer.length > this.options.maxBuffered) {
      this.close();
      return;
    }
    this.wake?.();
  }

  private async backfill(): Promise<void> {
    const { db, filter } = this.options;
    while (!this.closed) {
      let q = db<ChangeRow>('changes').where('seq', '>', this.lastSent).orderBy('seq', 'asc').limit(PAGE);
      if (filter.types) q = q.whereIn('type', filter.types);
      if (filter.sku) q = q.andWhere('sku', filter.sku);
      const rows = (await q) as ChangeRow[];
      for (const row of rows) {
        if (this.closed) return;
        await this.send(toChange(row));
      }
      if (rows.length < PAGE) return;
    }
  }

  private async send(change: Change): Promise<void> {
    // Backlog and buffer overlap by design; sequence numbers are unique and increasing.
    if (change.seq <= this.lastSent) return;
    // A stream outlives the request that opened it: a rotated token or an ended session ends it
    // here, before another change goes out, whichever way the credential was withdrawn.
    if (this.options.authorised?.() === false) {
      this.close();
      return;
    }
    this.lastSent = change.seq;
    await this.write(formatEvent(change));
  }

  /**
   * Waits for the socket to drain when the client reads slower than the log grows. The wait that
   * loses the race is taken off the response: a burst of thousands of changes (a bulk job) would
   * otherwise leave a 'close' and an 'error' listener behind for every wait.
   */
  private async write(text: string): Promise<void> {
    if (this.closed || this.res.writableEnded) return;
    if (!this.res.write(text)) {
      const done = new AbortController();
      const settled = (event: string) => once(this.res, event, { signal: done.signal }).then(() => undefined, () => undefined);
      try {
        await Promise.race([settled('drain'), settled('close')]);
      } finally {
        done.abort();
      }
    }
  }
}
