import type { Knex } from 'knex';
import { AppError } from '../../shared/errors';
import type { Change } from '../../shared/schemas/changes';
import { currentActor, SYSTEM_ACTOR, withActor, withoutActor, type Actor } from './actor';
import { appendChanges, inlineAppendPg, inlineAppendSqlite, latestSeq, PreparedAppend, type ChangeBus, type InlineAppend, type NewChange } from './changes/change-log';
import { inPgTransaction } from './db/pg-transaction';
import { beginSqliteTransaction, FailedAfterCommit, inSqliteTransaction, type BegunAhead } from './db/sqlite-transaction';
import { dialectOf, type Dialect } from './db/connection';
import { isDiskFull } from './db/storage-errors';
import { nowIso } from './util/db-helpers';

/** What a write sees inside its transaction. */
export type WriteContext = {
  /**
   * knex inside the transaction. On PostgreSQL a knex bound to the transaction's connection
   * (db/pg-transaction.ts): the transaction itself is the write queue's.
   */
  trx: Knex.Transaction;
  /**
   * Runs one statement of the transaction (`?` placeholders, as knex.raw takes them) and returns
   * its rows; on PostgreSQL `name` makes it a prepared statement of the connection (one SQL text
   * per name). On PostgreSQL it goes straight to node-postgres, past knex's builder and runner:
   * for the statements every stock batch runs.
   */
  query<R>(sql: string, bindings: readonly unknown[], name?: string): Promise<R[]>;
  dialect: Dialect;
  /** One timestamp per transaction: every row a batch writes carries the same time. */
  now: string;
  /**
   * Who asked for this write (see actor.ts): the submitter of an exclusive job. A batch holds the
   * writes of several callers, so there it is the system, and each operation's own actor is passed
   * to the batch handler beside it.
   */
  actor: Actor;
  /** Appends to the change log (entries without an actor get the context's); emitted on the bus after the commit. */
  append(entries: NewChange[] | PreparedAppend): Promise<Change[]>;
  /**
   * The append of `entries`, built ahead of its write for `append` (pure JavaScript, sliced by
   * turns of the event loop): on SQLite its statements' text (changes/change-log.ts PreparedAppend);
   * on PostgreSQL the entries as they are, built at the write.
   */
  prepareAppend(entries: NewChange[]): Promise<NewChange[] | PreparedAppend>;
  /**
   * The same append, run by the caller with its own writes (changes/change-log.ts InlineAppend),
   * built by `inlineAppend` with the entries numbered from the next sequence number, which the
   * caller read earlier in this transaction with NEXT_SEQ_SQLITE or NEXT_SEQ_PG. SQLite: one statement for the caller's call (one trip to
   * SQLite's thread fewer). PostgreSQL: a WITH clause of the caller's one statement, whose final
   * SELECT evaluates `finish`, which here also announces the commit (pg_notify): no round trip of
   * its own for the append, the read of the log's newest number or the NOTIFY. `write` gets the
   * append, with the entries and their numbers, and must run it; once it has, the entries are the
   * transaction's as after `append`.
   */
  appendWith(inline: InlineAppend, write: (append: InlineAppend, commit: CommitWith | null) => Promise<void>): Promise<Change[]>;
  /** The inline append of `entries` numbered from `nextSeq` (pure JavaScript, so it can be built ahead), for appendWith. */
  inlineAppend(entries: NewChange[], nextSeq: number): InlineAppend;
  /** Whether no append hook would run a statement for these entries (see AppendHook's idleFor). */
  hooksIdleFor(changes: Change[]): boolean;
  /**
   * Runs `apply` once the transaction has committed, before its changes reach the bus: in-memory
   * state (caches) must never get ahead of the database, even when the commit itself fails.
   */
  afterCommit(apply: () => void): void;
};

/**
 * Runs inside the transaction right after change-log entries are appended, so an outbox writer
 * (webhook deliveries) commits its rows with the change or not at all. Hooks must not append.
 * `idleFor`: whether the hook would run no statement at all for these entries (nobody subscribed):
 * when every hook is, a group-commit batch on SQLite may commit in its last write call (CommitWith)
 * and the hooks are not called. A hook without it is always called, inside the transaction.
 */
export type AppendHook = ((trx: Knex.Transaction, now: string, changes: Change[]) => Promise<void>) & { idleFor?: (changes: Change[]) => boolean };

/**
 * Runs the caller's last statements of a group-commit batch on SQLite (no rows back, as
 * execInTransaction) and the transaction's COMMIT in the same call to SQLite's thread: one trip
 * fewer per batch. SQLite's exec stops at the first statement that fails, so COMMIT runs only
 * after all of them succeeded, and the transaction is rolled back otherwise. Once called, the
 * transaction takes no further statement: the caller's work must be done.
 */
export type CommitWith = (statements: string) => Promise<void>;

/**
 * Runs after a transaction committed and before its callers and the bus hear of it, and is awaited: what must
 * know of a change before the write is acknowledged (a shared read cache) hears it here, even when
 * the bus could not deliver it at once.
 */
export type CommitHook = (changes: Change[]) => Promise<void>;

/** The PostgreSQL channel every commit is announced on (payload: its newest sequence number). */
export const CHANGES_CHANNEL = 'stockfeed_changes';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: Error };

/**
 * Applies many operations in one transaction; a business failure is an outcome, not a throw.
 * `actors[i]` made `ops[i]`.
 */
export type BatchHandler<Op, R> = ((ctx: WriteContext, ops: Op[], actors: readonly Actor[]) => Promise<Outcome<R>[]>) & {
  /**
   * Runs `chunks` as consecutive calls would, each chunk's outcomes handed to `onChunk` as it is
   * written; a handler that can overlaps a chunk's planning with the statements of the one before
   * (the stock engine's runChunks). Without it, the queue makes the calls one after another.
   */
  inChunks?: (ctx: WriteContext, chunks: Op[][], onChunk: (outcomes: Outcome<R>[], index: number) => void) => Promise<void>;
};

/** `actor`: who submitted the job, read at submission (the loop runs outside every caller's scope). */
type Pending<T> = { resolve(value: T): void; reject(error: unknown): void; actor: Actor };
type Job<Op, R> =
  | ({ kind: 'batch'; op: Op } & Pending<R>)
  | ({ kind: 'exclusive'; run(ctx: WriteContext): Promise<unknown> } & Pending<unknown>)
  | ({ kind: 'paused'; run(): Promise<unknown> } & Pending<unknown>);

/** A transaction of its own on the single write path: all that most services need of the queue. */
export type ExclusiveWriter = { exclusive<T>(run: (ctx: WriteContext) => Promise<T>): Promise<T> };

/**
 * Key for pg_advisory_xact_lock: serialises writers across processes sharing one PostgreSQL, so a
 * writer's reads see every earlier write (no oversell between servers) and the change log's
 * numbers are handed out in commit order (changes/change-log.ts NEXT_SEQ_PG).
 */
const WRITER_LOCK_KEY = 0x5f0c_feed;
const LOCK_SQL = `SELECT pg_advisory_xact_lock(${WRITER_LOCK_KEY})`;

/**
 * Writes answered in one turn of the event loop. Each answer runs its caller's continuation at
 * once (an HTTP write's reply: its serialisation and socket write, ~0.1 ms of CPU each in the serve
 * bench), so a batch of 256 answered in one go held the loop for tens of milliseconds while reads
 * waited; in turns of this many, the reads that arrived meanwhile are answered in between.
 */
const ANSWERS_PER_TURN = 16;

/**
 * A group-commit batch on SQLite. Its statement journals (each multi-row statement's, kept so the
 * statement alone can be undone) are held in memory: past 64 KiB SQLite moves one into a temporary
 * file, which a batch of 16 movements passed every time (a file made, written, closed and deleted
 * per transaction: 16 % of SQLite's thread on the stock bench, by perf). SQLite reads temp_store
 * for a transaction's journals when it begins, so the setting goes back to the default right
 * after BEGIN, for the reads and the exclusive jobs (an import, whose statements' journals can be
 * large; their own BEGIN sets it too, db/sqlite-client.ts). Setting it inside a transaction is
 * refused only while a TEMP table exists on the connection, which Stockfeed never makes (and the
 * first PRAGMA, which changes the setting, drops TEMP objects).
 */
const SQLITE_BATCH = { begin: 'PRAGMA temp_store = MEMORY; BEGIN IMMEDIATE; PRAGMA temp_store = DEFAULT;', commit: 'COMMIT;' };

/** Resolves on a later turn of the event loop, after the I/O that is ready (setImmediate). */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export type WriteQueueOptions = {
  /** Operations that share one transaction at most (group commit). */
  maxBatch?: number;
  /** What a write that failed for lack of disk space is answered with (507, naming the disk). */
  diskFull?: (cause: unknown) => AppError;
};

/**
 * The single write path. Every write is queued here; consecutive batchable operations that arrive
 * while a transaction is in flight share the next one (group commit), so many concurrent callers
 * cost one commit, and a handful of multi-row statements, per batch instead of per call.
 */
export class WriteQueue<Op, R> {
  private queue: Array<Job<Op, R>> = [];
  private running = false;
  private idle: Array<() => void> = [];
  private readonly dialect: Dialect;
  private readonly appendHooks: AppendHook[] = [];
  private readonly rollbackHooks: Array<() => void> = [];
  private readonly commitHooks: CommitHook[] = [];
  private readonly maxBatch: number;
  /** SQLite: the next batch's transaction, begun while its operations arrive (beginAhead). */
  private ahead: BegunAhead | null = null;

  constructor(
    private readonly db: Knex,
    private readonly bus: ChangeBus,
    private readonly handleBatch: BatchHandler<Op, R>,
    private readonly options: WriteQueueOptions = {},
  ) {
    this.dialect = dialectOf(db);
    this.maxBatch = options.maxBatch ?? 256;
  }

  /**
   * `actor`: who the write is recorded under, when the caller knows it; otherwise the caller's
   * `withActor` scope is read (actor.ts: an AsyncLocalStorage, whose hooks every promise and
   * socket then pays for, so the frequent writes pass it instead).
   */
  submit(op: Op, actor: Actor = currentActor()): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ kind: 'batch', op, resolve, reject, actor });
      this.kick();
    });
  }

  /**
   * Runs operations through the batch handler inside a transaction the caller already holds (an
   * exclusive job's), for writes that must commit or fail with other rows: an order's lines, a
   * 3PL count batch, a catalogue import.
   */
  async applyIn(ctx: WriteContext, ops: Op[]): Promise<Outcome<R>[]> {
    return ops.length > 0 ? this.handleBatch(ctx, ops, ops.map(() => ctx.actor)) : [];
  }

  /**
   * applyIn for a long list of operations in chunks (an import's counts), in order and with the
   * same outcomes as one applyIn per chunk, each chunk's outcomes given to `onChunk` once written.
   */
  async applyInChunks(ctx: WriteContext, chunks: Op[][], onChunk: (outcomes: Outcome<R>[], index: number) => void = () => {}): Promise<void> {
    if (this.handleBatch.inChunks) return this.handleBatch.inChunks(ctx, chunks, onChunk);
    for (const [i, chunk] of chunks.entries()) onChunk(await this.applyIn(ctx, chunk), i);
  }

  exclusive<T>(run: (ctx: WriteContext) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ kind: 'exclusive', run, resolve: resolve as (v: unknown) => void, reject, actor: currentActor() });
      this.kick();
    });
  }

  /**
   * Runs `run` with the write path held but no transaction open: nothing else is written until it
   * returns. For the one job that must have the database to itself, a restore swapping the file.
   */
  pause<T>(run: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ kind: 'paused', run, resolve: resolve as (v: unknown) => void, reject, actor: currentActor() });
      this.kick();
    });
  }

  /** Whether a write is running or waiting (the updater does not restart the app meanwhile). */
  busy(): boolean {
    return this.running || this.queue.length > 0;
  }

  /** Adds an outbox writer; see AppendHook. */
  addAppendHook(hook: AppendHook): void {
    this.appendHooks.push(hook);
  }

  /** Called after any transaction rolled back: caches filled inside it may hold what never committed. */
  addRollbackHook(hook: () => void): void {
    this.rollbackHooks.push(hook);
  }

  /** Adds a hook every commit awaits before its callers are answered; see CommitHook. */
  addCommitHook(hook: CommitHook): void {
    this.commitHooks.push(hook);
  }

  /** Resolves once every queued write has committed or failed. */
  drain(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    // Let callers that are already on their way join the first batch. Outside the caller's scope:
    // the loop runs everyone's writes, and what it sets off (bus listeners) is nobody's call.
    withoutActor(() => {
      this.ahead = this.beginAhead();
      setImmediate(() => void this.loop());
    });
  }

  /**
   * SQLite: begins the next batch's transaction now, when the next job is a batch's and no read is
   * waiting for the connection, so BEGIN's trip to SQLite's thread runs during the turn in which
   * the rest of the batch's callers submit (their input parsed, their operations queued) instead
   * of after it. Reads that were already waiting still go first; one arriving during that turn
   * waits for the batch, as it would a moment later. The loop's next iteration always takes it.
   */
  private beginAhead(): BegunAhead | null {
    if (this.dialect === 'pg' || this.queue[0]?.kind !== 'batch') return null;
    const pool = (this.db.client as { pool?: { numPendingAcquires(): number } }).pool;
    if (!pool || pool.numPendingAcquires() > 0) return null;
    return beginSqliteTransaction(this.db, SQLITE_BATCH);
  }

  private async loop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const head = this.queue[0] as Job<Op, R>;
        if (head.kind === 'exclusive') {
          this.queue.shift();
          await this.runExclusive(head);
          continue;
        }
        if (head.kind === 'paused') {
          this.queue.shift();
          await withActor(head.actor, () => head.run()).then(head.resolve, head.reject);
          continue;
        }
        let n = 0;
        while (n < this.queue.length && n < this.maxBatch && (this.queue[n] as Job<Op, R>).kind === 'batch') n++;
        const jobs = this.queue.splice(0, n) as Array<Extract<Job<Op, R>, { kind: 'batch' }>>;
        const ahead = this.ahead;
        this.ahead = null;
        await this.runBatch(jobs, ahead);
        // The next batch on a later turn: the reads that arrived while this one's answers were
        // sent are answered first, rather than waiting for the next batch to be planned and sent.
        if (this.queue.length > 0) {
          this.ahead = this.beginAhead();
          await nextTurn();
        }
      }
    } finally {
      // Never left behind (the loop takes it on its next batch): should it be, its empty
      // transaction ends and the connection goes back to the pool.
      const ahead = this.ahead;
      this.ahead = null;
      if (ahead) void inSqliteTransaction(this.db, SQLITE_BATCH, async () => undefined, ahead).catch(() => undefined);
      this.running = false;
      const waiters = this.idle.splice(0);
      for (const w of waiters) w();
      if (this.queue.length > 0) this.kick();
    }
  }

  private async transaction<T>(
    actor: Actor,
    work: (ctx: WriteContext) => Promise<T>,
    kind: 'batch' | 'exclusive',
    ahead: BegunAhead | null = null,
  ): Promise<{ value: T; changes: Change[]; before: number | null }> {
    const changes: Change[] = [];
    const committed: Array<() => void> = [];
    const position = { before: null as number | null };
    let value: T;
    try {
      value = await this.inTransaction(actor, work, changes, committed, position, kind, ahead);
    } catch (error) {
      for (const hook of this.rollbackHooks) hook();
      if (this.options.diskFull && !(error instanceof AppError) && isDiskFull(error)) throw this.options.diskFull(error);
      throw error;
    }
    for (const apply of committed) apply();
    return { value, changes, before: position.before };
  }

  /**
   * Hands committed entries to the commit hooks, then to the bus. The write is committed whatever
   * they do: a failure here is theirs to recover from (the bus catches up from the log later). The
   * hooks first: whoever hears of a change on the bus (an event stream client) and reads at once
   * must not be answered from a cache entry the change has made stale.
   */
  private async announce(changes: Change[], before: number | null): Promise<void> {
    if (changes.length === 0) return;
    for (const hook of this.commitHooks) await hook(changes).catch(() => undefined);
    await this.bus.committed(changes, before).catch(() => undefined);
  }

  private inTransaction<T>(
    actor: Actor,
    work: (ctx: WriteContext) => Promise<T>,
    changes: Change[],
    committed: Array<() => void>,
    position: { before: number | null },
    kind: 'batch' | 'exclusive',
    ahead: BegunAhead | null,
  ): Promise<T> {
    // SQLite transactions begin IMMEDIATE (db/sqlite-client.ts); PostgreSQL's take the writer
    // lock in BEGIN's own round trip (inPgTransaction).
    const run = async (trx: Knex.Transaction, query: WriteContext['query'], commitWith: CommitWith | null): Promise<T> => {
      const now = nowIso();
      /** PostgreSQL: the newest number a statement of this transaction announced (appendWith). */
      let announced = 0;
      // One append's hooks at a time, in the appends' order: the stock engine's runChunks sends a
      // chunk's write before the one before it is answered, and a hook that reads, then writes
      // (an outbox keeping each product's newest number) must not see them out of order.
      let hooked: Promise<unknown> = Promise.resolve();
      const appended = (added: Change[]): Promise<Change[]> => {
        const done = hooked.then(async () => {
          changes.push(...added);
          for (const hook of this.appendHooks) await hook(trx, now, added);
          return added;
        });
        hooked = done.catch(() => undefined);
        return done;
      };
      const inlineAppend = (entries: NewChange[], nextSeq: number): InlineAppend =>
        this.dialect === 'sqlite' ? inlineAppendSqlite(entries, nextSeq, now, actor) : inlineAppendPg(entries, nextSeq, now, actor, CHANGES_CHANNEL);
      const ctx: WriteContext = {
        trx,
        query,
        dialect: this.dialect,
        now,
        actor,
        append: async (entries) => {
          // Under the writer lock, so nothing commits between this read and the entries below:
          // the bus uses it to tell whether another server's entries come first.
          if (this.dialect === 'pg' && position.before === null && !(entries instanceof PreparedAppend) && entries.length > 0) position.before = await latestSeq(trx);
          return appended(await appendChanges(trx, entries, now, actor));
        },
        prepareAppend: (entries) => (this.dialect === 'sqlite' ? PreparedAppend.build(trx, entries, now, actor) : Promise.resolve(entries)),
        inlineAppend,
        hooksIdleFor: (added) => this.appendHooks.every((hook) => hook.idleFor?.(added) === true),
        appendWith: async (inline, write) => {
          // An append of this transaction since the caller's read would take these numbers: refused
          // here, before the primary key would refuse the whole transaction.
          const last = changes[changes.length - 1];
          const nextSeq = inline.changes[0]?.seq;
          if (last && nextSeq !== undefined && last.seq >= nextSeq) throw new Error(`the change log's next sequence number ${nextSeq} was read before entry ${last.seq} was appended`);
          if (this.dialect === 'sqlite') {
            // The hooks run after the append (their rows name its entries), so the batch may commit
            // in its write call only when none of them has anything to do.
            const idle = commitWith && ctx.hooksIdleFor(inline.changes);
            let folded = false;
            const commit: CommitWith | null = idle
              ? async (statements) => {
                  folded = true;
                  await commitWith(statements);
                }
              : null;
            await write(inline, commit);
            if (!folded) return appended(inline.changes);
            changes.push(...inline.changes);
            return inline.changes;
          }
          const newest = inline.changes[inline.changes.length - 1];
          await write(inline, null);
          // Read under the writer lock, as append's latestSeq: the newest number committed before these.
          if (position.before === null && nextSeq !== undefined) position.before = nextSeq - 1;
          if (newest) announced = newest.seq;
          return appended(inline.changes);
        },
        afterCommit: (apply) => committed.push(apply),
      };
      const value = await work(ctx);
      // Delivered by PostgreSQL when (and only if) the transaction commits, to every server
      // listening; already sent when the newest entry's statement announced it (appendWith).
      const last = changes[changes.length - 1];
      if (this.dialect === 'pg' && last && last.seq > announced) await query('SELECT pg_notify(?, ?)', [CHANGES_CHANNEL, String(last.seq)]);
      return value;
    };
    const raw = (trx: Knex.Transaction) => async <R,>(sql: string, bindings: readonly unknown[]) => (await trx.raw(sql, bindings as Knex.RawBinding[])) as R[];
    // A group-commit batch on SQLite drives the connection itself (db/sqlite-transaction.ts), and
    // may commit in its last write call; an exclusive job keeps knex's transaction.
    if (this.dialect !== 'pg' && kind === 'batch') return inSqliteTransaction(this.db, SQLITE_BATCH, (trx, commitWith) => run(trx, raw(trx), commitWith), ahead);
    if (this.dialect !== 'pg') return this.db.transaction((trx) => run(trx, raw(trx), null));
    return inPgTransaction(this.db, LOCK_SQL, (tx) => run(tx.knex, (sql, bindings, name) => tx.query(sql, bindings, name), null));
  }

  private async runExclusive(job: Extract<Job<Op, R>, { kind: 'exclusive' }>): Promise<void> {
    this.bus.localCommitStarted();
    try {
      const { value, changes, before } = await this.transaction(job.actor, job.run, 'exclusive');
      await this.announce(changes, before);
      job.resolve(value);
    } catch (error) {
      job.reject(error);
    } finally {
      this.bus.localCommitFinished();
    }
  }

  /** `ahead`: the batch's transaction, begun already (beginAhead). */
  private async runBatch(jobs: Array<Extract<Job<Op, R>, { kind: 'batch' }>>, ahead: BegunAhead | null = null): Promise<void> {
    this.bus.localCommitStarted();
    try {
      await this.runBatchTransaction(jobs, ahead);
    } finally {
      this.bus.localCommitFinished();
    }
  }

  private async runBatchTransaction(jobs: Array<Extract<Job<Op, R>, { kind: 'batch' }>>, ahead: BegunAhead | null): Promise<void> {
    let outcomes: Outcome<R>[];
    let changes: Change[];
    let before: number | null;
    try {
      ({ value: outcomes, changes, before } = await this.transaction(SYSTEM_ACTOR, (ctx) =>
        this.handleBatch(
          ctx,
          jobs.map((j) => j.op),
          jobs.map((j) => j.actor),
        ),
      'batch', ahead));
    } catch (error) {
      // An unexpected database error rolled back the whole batch. Retry each operation alone so
      // one bad operation cannot fail the others that shared its transaction; a full disk fails
      // them all alike, and a batch that committed before failing is not written again.
      if (jobs.length === 1 || isDiskFull(error) || error instanceof FailedAfterCommit) {
        for (const job of jobs) job.reject(error);
        return;
      }
      for (const job of jobs) await this.runBatch([job]);
      return;
    }
    await this.announce(changes, before);
    // Every entry is on the bus and in the caches before the first answer, so whoever is answered
    // reads what it wrote; the answers go out ANSWERS_PER_TURN at a time (see there).
    for (let i = 0; i < jobs.length; i++) {
      if (i > 0 && i % ANSWERS_PER_TURN === 0) await nextTurn();
      const job = jobs[i] as (typeof jobs)[number];
      const outcome = outcomes[i] as Outcome<R>;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    }
  }
}

/** The operations of a keyed queue, by name: what each takes, and what its submit resolves to. */
export type OperationTable = Record<string, { input: unknown; output: unknown }>;

/** One operation of a table as submitted: its name and its input. */
export type Submission<Ops extends OperationTable> = { [K in keyof Ops]: { op: K; input: Ops[K]['input'] } }[keyof Ops];

/** The output of any of the table's operations. */
export type AnyOutput<Ops extends OperationTable> = Ops[keyof Ops]['output'];

/**
 * A WriteQueue whose operations are named in a table (`{ 'stock.receive': { input, output } }`):
 * a submit resolves to its own operation's output, so callers need no casts. Only the types are
 * keyed; underneath it is the same queue (group commit, exclusive jobs).
 */
export type KeyedWriteQueue<Ops extends OperationTable> = Omit<WriteQueue<Submission<Ops>, AnyOutput<Ops>>, 'submit' | 'applyIn' | 'applyInChunks'> & {
  submit<K extends keyof Ops>(submission: { op: K; input: Ops[K]['input'] }, actor?: Actor): Promise<Ops[K]['output']>;
  applyIn<K extends keyof Ops>(ctx: WriteContext, ops: Array<{ op: K; input: Ops[K]['input'] }>): Promise<Array<Outcome<Ops[K]['output']>>>;
  applyInChunks<K extends keyof Ops>(
    ctx: WriteContext,
    chunks: Array<Array<{ op: K; input: Ops[K]['input'] }>>,
    onChunk?: (outcomes: Array<Outcome<Ops[K]['output']>>, index: number) => void,
  ): Promise<void>;
};

/**
 * The queue for a table of operations. Its handler answers each submission with that operation's
 * output (BatchHandler's contract, in order): this is the one place that relies on it, so the
 * callers, typed by operation, need no casts.
 */
export function keyedWriteQueue<Ops extends OperationTable>(
  db: Knex,
  bus: ChangeBus,
  handleBatch: BatchHandler<Submission<Ops>, AnyOutput<Ops>>,
  options?: WriteQueueOptions,
): KeyedWriteQueue<Ops> {
  return new WriteQueue(db, bus, handleBatch, options) as KeyedWriteQueue<Ops>;
}
