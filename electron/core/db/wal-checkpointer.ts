/**
 * Copies the SQLite write-ahead log back into the database file on a connection of its own, so a
 * write's COMMIT never does it.
 *
 * By default SQLite checkpoints inside the COMMIT that takes the log past 1,000 pages: that
 * commit copies every page into the database file and fsyncs it before its callers hear back.
 * With the stock engine's group commit (≈ 60 log pages a batch of 16 movements) that was one
 * commit in sixteen taking 5–25 ms instead of ~1 ms. Measured on the stock bench (16 callers,
 * 2 cores, load ≈ 1): 2,822–3,128 movements/s with checkpoints in the commit, 3,380–3,640/s with
 * them moved out, and the slow commits gone from the p99.
 *
 * Here a PASSIVE checkpoint runs on a second connection (node-sqlite3 runs it on another thread)
 * a moment after commits, while writes carry on: PASSIVE never waits for or blocks a writer or a
 * reader, and copies what it can. Once the whole log is copied, the next write starts the log
 * again from its beginning. The write connection keeps an automatic checkpoint as a safety net
 * at a larger size (SAFETY_NET_PAGES), should this one fall behind or stop.
 */
import sqlite3 from 'sqlite3';
import type { Logger } from '../logger';

/** The write connection's own checkpoint, only reached when this one does not keep up (≈ 40 MB). */
export const SAFETY_NET_PAGES = 10_000;

/** A log file left larger than this by a burst (an import) is cut back to it when it restarts. */
export const JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024;

export type CheckpointResult = { busy: boolean; logFrames: number; checkpointedFrames: number };

export type WalCheckpointerOptions = {
  /** How long after a commit the checkpoint runs: commits in between share it. */
  delayMs?: number;
};

/** The PRAGMAs the write connection runs when a checkpointer looks after its log. */
export const WRITER_PRAGMAS = `PRAGMA wal_autocheckpoint = ${SAFETY_NET_PAGES}; PRAGMA journal_size_limit = ${JOURNAL_SIZE_LIMIT};`;

export class WalCheckpointer {
  private connection: sqlite3.Database | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  /** A commit came after the last checkpoint began. */
  private dirty = false;
  private lastFailure = '';
  private readonly delayMs: number;
  private runs = 0;
  private last: CheckpointResult | null = null;

  constructor(
    private readonly file: string,
    private readonly log: Logger,
    options: WalCheckpointerOptions = {},
  ) {
    this.delayMs = options.delayMs ?? 100;
  }

  /** Starts looking after the log (again, after a restore swapped the file). */
  start(): void {
    this.stopped = false;
  }

  /** A write committed: a checkpoint follows shortly (one for all the commits in between). */
  committed(): void {
    this.dirty = true;
    if (this.stopped || this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.run().finally(() => {
        this.running = null;
        // Commits that landed while it ran are copied by the next one.
        if (this.dirty) this.committed();
      });
    }, this.delayMs);
    this.timer.unref();
  }

  /** Runs one PASSIVE checkpoint now; exported for tests and for close. */
  async checkpoint(): Promise<CheckpointResult> {
    const connection = await this.open();
    const row = await new Promise<{ busy: number; log: number; checkpointed: number }>((resolve, reject) =>
      connection.get('PRAGMA wal_checkpoint(PASSIVE)', (err: Error | null, r: { busy: number; log: number; checkpointed: number }) => (err ? reject(err) : resolve(r))),
    );
    return { busy: row.busy !== 0, logFrames: row.log, checkpointedFrames: row.checkpointed };
  }

  /** How many background checkpoints ran, and what the last one found (diagnostics, tests). */
  stats(): { runs: number; last: CheckpointResult | null } {
    return { runs: this.runs, last: this.last };
  }

  /** Stops, waits for a checkpoint under way, and closes the connection (before a restore swaps the file, and at close). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    const connection = this.connection;
    this.connection = null;
    if (connection) await new Promise<void>((resolve) => connection.close(() => resolve()));
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    this.dirty = false;
    try {
      this.last = await this.checkpoint();
      this.runs += 1;
      this.lastFailure = '';
    } catch (error) {
      // The write connection's own checkpoint (SAFETY_NET_PAGES) still bounds the log; said once
      // per kind of failure, not at every commit.
      const message = (error as Error).message;
      if (message !== this.lastFailure) this.log.warn(`the background checkpoint of ${this.file} failed: ${message}`);
      this.lastFailure = message;
    }
  }

  private open(): Promise<sqlite3.Database> {
    if (this.connection) return Promise.resolve(this.connection);
    return new Promise((resolve, reject) => {
      // Never creates the file: it is the write connection's to make.
      const connection = new sqlite3.Database(this.file, sqlite3.OPEN_READWRITE, (err) => {
        if (err) return reject(err);
        if (this.stopped) {
          connection.close(() => undefined);
          return reject(new Error('the checkpointer was stopped'));
        }
        this.connection = connection;
        resolve(connection);
      });
    });
  }
}
