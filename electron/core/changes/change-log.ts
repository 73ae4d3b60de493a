import type { Knex } from 'knex';
import { actorColumns, actorFromColumns, type Actor, type ActorColumns } from '../actor';
import type { Change, ChangeType } from '../../../shared/schemas/changes';
import type { ParsedInput } from '../../../shared/contract';
import type { Db } from '../util/db-helpers';
import { MAX_ROWS_PER_INSERT, num } from '../util/db-helpers';
import { dialectOf } from '../db/connection';
import { nextTurn, turnDue } from '../util/main-turns';
import { doubledQuotes, pgJson, selectJsonRows, sqliteLiteral, sqliteText, VALUES_MAX_ROWS } from '../db/json-rows';
import { runInTransaction } from '../db/sqlite-client';
import { bulkInsert } from '../db/bulk-insert';

export type NewChange = {
  type: ChangeType;
  productId: string | null;
  sku: string | null;
  payload: Record<string, unknown>;
  /** Who made it; the transaction's actor when absent (see write-queue.ts). */
  actor?: Actor;
};

export type ChangeRow = {
  seq: number | string;
  type: string;
  product_id: string | null;
  sku: string | null;
  payload: string;
  created_at: string;
  actor_kind?: string | null;
  actor_id?: string | null;
  actor_name?: string | null;
};

export function toChange(row: ChangeRow): Change {
  return {
    seq: num(row.seq),
    type: row.type as ChangeType,
    sku: row.sku,
    productId: row.product_id,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    actor: actorFromColumns(row),
    createdAt: row.created_at,
  };
}

const CHANGE_COLUMNS = ['type', 'product_id', 'sku', 'payload', 'created_at', 'actor_kind', 'actor_id', 'actor_name'] as const;

/** Entries from which a PostgreSQL append goes through bulkInsert (db/bulk-insert.ts). */
const BULK_APPEND_PG = 1000;

/**
 * SQLite: every append is this one prepared statement (see db/json-rows.ts). The payload travels
 * inside the row's JSON as the object itself, not as a string holding it: `->>` gives an object's
 * JSON text back exactly as it was written (tests/unit/change-log-append.test.ts), so the payload
 * is serialised once instead of twice and the parameter has no escaped quotes to copy.
 */
const APPEND_SQLITE = `INSERT INTO changes (${CHANGE_COLUMNS.join(', ')}) ${selectJsonRows(CHANGE_COLUMNS.length)}`;

/**
 * Entries per SQLite statement: one JSON parameter, so no parameter limit. Each statement is built
 * (payloads serialised included) while the one before it runs, so smaller statements overlap more
 * of the JavaScript with SQLite; 2,000 keeps the statement count small all the same.
 */
const SQLITE_APPEND_ROWS = 2000;

/**
 * A change as just appended. Its payload is parsed from the stored text when first read, so it is
 * what a reader of the log gets (never the writer's own object), yet a large write (an import's
 * 300,000 entries) does not parse payloads that no listener reads (measured: 1.1 s of 100,000
 * products' import went to parsing them back).
 *
 * `payload` is an own, enumerable accessor (one pair of functions for every change), so JSON,
 * Object.keys, spreads and structured clones see it as a plain change's; the text and the parsed
 * payload sit in private fields, which none of them sees. An object literal with its own
 * `get payload()` made a closure pair per change and left each object in V8's dictionary mode
 * (≈ 715 bytes an object); a literal given the accessor and two symbol-keyed slots by
 * Object.defineProperty, ≈ 130–190 bytes and ≈ 1.0–1.3 µs an object; this class ≈ 65 bytes and
 * ≈ 0.4 µs (200,000 objects, 2 alternated rounds). An import of 100,000 new products makes 300,000.
 */
class AppendedChange {
  #text: string;
  #payload: Record<string, unknown> | undefined = undefined;
  declare payload: Record<string, unknown>;
  declare actor: Actor | null;
  declare createdAt: string;

  constructor(
    readonly seq: number,
    readonly type: ChangeType,
    readonly sku: string | null,
    readonly productId: string | null,
    text: string,
    createdAt: string,
    actor: Actor | null,
  ) {
    // In a plain change's order: seq, type, sku, productId, payload, actor, createdAt.
    Object.defineProperty(this, 'payload', AppendedChange.payloadAccessor);
    this.actor = actor;
    this.createdAt = createdAt;
    this.#text = text;
  }

  static readonly payloadAccessor: PropertyDescriptor = {
    get(this: AppendedChange): Record<string, unknown> {
      return (this.#payload ??= JSON.parse(this.#text) as Record<string, unknown>);
    },
    set(this: AppendedChange, value: Record<string, unknown>): void {
      this.#payload = value;
    },
    enumerable: true,
    configurable: true,
  };

  /** See unreadPayloadText. */
  static unreadText(change: Change): string | undefined {
    return #text in change && change.#payload === undefined ? change.#text : undefined;
  }
}

function appendedChange(seq: number, entry: NewChange, text: string, createdAt: string, actor: Actor | null): Change {
  return new AppendedChange(seq, entry.type, entry.sku, entry.productId, text, createdAt, actor);
}

/**
 * The JSON text a just-appended change's payload would be parsed from when read, or undefined
 * once it was read or replaced (or for a change read from the log): then read `payload`. For a
 * reader that wants one detail of many payloads and can see in the text that it is absent.
 */
export function unreadPayloadText(change: Change): string | undefined {
  return AppendedChange.unreadText(change);
}

/**
 * Appends entries to the change log inside the caller's transaction and returns them with their
 * sequence numbers, in order. Writers are serialised (one queue per process, plus an advisory lock
 * on PostgreSQL), so sequence order is commit order and a reader never skips a later-committed row.
 */
export async function appendChanges(trx: Knex.Transaction, entries: NewChange[] | PreparedAppend, now: string, actor: Actor): Promise<Change[]> {
  if (entries instanceof PreparedAppend) {
    if (entries.trx !== trx || entries.now !== now || entries.actor !== actor) throw new Error('an append prepared for another transaction');
    if (entries.entries.length === 0) return [];
    const { texts, actorOf } = entries;
    const seqs = await appendSqlite(trx, entries.entries, texts, now, actorOf, entries.built);
    return entries.entries.map((e, i) => appendedChange(seqs[i] as number, e, texts[i] as string, now, actorOf(e).stored));
  }
  if (entries.length === 0) return [];
  // Each payload's JSON text; on SQLite filled chunk by chunk while the previous chunk is written.
  const texts: string[] = dialectOf(trx) === 'sqlite' ? new Array<string>(entries.length) : entries.map((e) => JSON.stringify(e.payload));
  const actorOf = actorCache(actor);
  const seqs = dialectOf(trx) === 'sqlite' ? await appendSqlite(trx, entries, texts, now, actorOf) : await appendPg(trx, entries, texts, now, actorOf);
  return entries.map((e, i) => appendedChange(seqs[i] as number, e, texts[i] as string, now, actorOf(e).stored));
}

/**
 * An SQLite append whose statements' text was built before its write (pure JavaScript; the
 * payloads serialised included): a streamed import builds a batch's product.created entries while
 * the batch before has its counts written, where building them at the write kept SQLite waiting
 * ≈ 8 ms a batch of 2,000 (docs/benchmarks.md `import`, 2026-12-06 evening). Numbered when written,
 * as any append (AUTOINCREMENT, in order); valid only in the transaction it was made for.
 */
export class PreparedAppend {
  readonly texts: string[];
  readonly actorOf: ActorOf;
  readonly built: string[] = [];
  private constructor(
    readonly trx: Knex.Transaction,
    readonly entries: NewChange[],
    readonly now: string,
    readonly actor: Actor,
  ) {
    this.texts = new Array<string>(entries.length);
    this.actorOf = actorCache(actor);
  }

  /** Builds the statements' text, with a turn of the event loop between pieces when one is due. */
  static async build(trx: Knex.Transaction, entries: NewChange[], now: string, actor: Actor): Promise<PreparedAppend> {
    const prepared = new PreparedAppend(trx, entries, now, actor);
    const build = sqliteRowsBuilder(entries, prepared.texts, now, prepared.actorOf);
    for (let i = 0; i < entries.length; i += SQLITE_APPEND_ROWS) {
      const end = Math.min(entries.length, i + SQLITE_APPEND_ROWS);
      prepared.built.push(await build.inTurns(i, end));
    }
    return prepared;
  }
}

type ActorOf = (e: NewChange) => { columns: ActorColumns; stored: Actor | null };

/** Each entry's actor (the transaction's when it names none): one object and one set of columns per distinct actor, not per entry. */
function actorCache(actor: Actor): ActorOf {
  const actors = new Map<Actor, { columns: ActorColumns; stored: Actor | null }>();
  return (e) => {
    const who = e.actor ?? actor;
    let found = actors.get(who);
    if (!found) {
      const columns = actorColumns(who);
      actors.set(who, (found = { columns, stored: actorFromColumns(columns) }));
    }
    return found;
  };
}

async function appendPg(trx: Knex.Transaction, entries: NewChange[], texts: string[], now: string, actorOf: ActorOf): Promise<number[]> {
  const rows = entries.map((e, i) => ({ type: e.type, product_id: e.productId, sku: e.sku, payload: texts[i], created_at: now, ...actorOf(e).columns }));
  let seqs: number[] = [];
  if (rows.length >= BULK_APPEND_PG) {
    // An import's thousands: bulkInsert's prepared statement, parsed and planned once per
    // connection, where each of knex's 500-row statements was parsed and planned anew.
    seqs = (await bulkInsert(trx, 'changes', CHANGE_COLUMNS, rows, { returning: 'seq' })).map((seq) => num(seq as number | string));
  } else {
    // Chunked to stay under the parameter limit; RETURNING gives the sequence numbers in insert order.
    for (let i = 0; i < rows.length; i += MAX_ROWS_PER_INSERT) {
      const returned: Array<{ seq: number | string }> = await trx('changes').insert(rows.slice(i, i + MAX_ROWS_PER_INSERT)).returning(['seq']);
      for (const r of returned) seqs.push(num(r.seq));
    }
  }
  for (let j = 1; j < seqs.length; j++) {
    if ((seqs[j] as number) <= (seqs[j - 1] as number)) throw new Error('change log sequence is not increasing');
  }
  return seqs;
}

const asIs = (text: string) => text;

/** A string or null as JSON; a value of a fixed few (the types) is written once, not per entry. */
function jsonOf(value: string | null, known?: Map<string, string>): string {
  if (value === null) return 'null';
  let json = known?.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    known?.set(value, json);
  }
  return json;
}

/**
 * Builds the JSON rows of an SQLite append, `[type, product_id, sku, payload, created_at, actor…]`
 * (see APPEND_SQLITE), or with the sequence number first when `firstSeq` is given, and fills each
 * entry's payload text into `texts` as it goes. The text comes out of one `join`, already flat,
 * between `before` and `after`; with `quoted`, every `'` is doubled as in an SQL literal
 * (sqliteText, made piece by piece: a `'` is one character, so doubling each piece's is doubling
 * the whole's, and a row is not flattened to look for one). Wrapping and escaping the joined text
 * afterwards copied the whole statement two or three times more (V8's sampling heap profiler:
 * ≈ 1 KB a product of an import).
 */
function sqliteRowsBuilder(
  entries: NewChange[],
  texts: string[],
  now: string,
  actorOf: ActorOf,
  options: { firstSeq?: number; before?: string; after?: string; quoted?: boolean } = {},
): RowsBuilder {
  const { firstSeq, before = '', after = '', quoted = false } = options;
  const quote = quoted ? doubledQuotes : asIs;
  const at = JSON.stringify(now);
  const tails = new Map<ActorColumns, string>();
  const types = new Map<string, string>();
  const row = (j: number): string => {
    const e = entries[j] as NewChange;
    const text = (texts[j] = JSON.stringify(e.payload));
    const columns = actorOf(e).columns;
    let tail = tails.get(columns);
    if (tail === undefined) tails.set(columns, (tail = quote(`,${at},${JSON.stringify([columns.actor_kind, columns.actor_id, columns.actor_name]).slice(1)}`)));
    // An object or array goes in as itself (see APPEND_SQLITE); anything else as the string it is stored as.
    const payload = text.startsWith('{') || text.startsWith('[') ? text : JSON.stringify(text);
    const head = firstSeq === undefined ? '[' : `[${firstSeq + j},`;
    return `${head}${quote(jsonOf(e.type, types))},${quote(jsonOf(e.productId))},${quote(jsonOf(e.sku))},${quote(payload)}${tail}`;
  };
  const joined = (parts: string[]): string => {
    if (parts.length > 0) {
      parts[0] = `${before}[${parts[0]}`;
      parts[parts.length - 1] = `${parts[parts.length - 1]}]${after}`;
    } else parts.push(`${before}[]${after}`);
    return parts.join(',');
  };
  const range = (start: number, end: number): string => {
    const parts = new Array<string>(end - start);
    for (let j = start; j < end; j++) parts[j - start] = row(j);
    return joined(parts);
  };
  return Object.assign(range, {
    inTurns: async (start: number, end: number): Promise<string> => {
      const parts = new Array<string>(end - start);
      for (let j = start; j < end; j++) {
        if (turnDue()) await nextTurn();
        parts[j - start] = row(j);
      }
      return joined(parts);
    },
  });
}

/** The text of entries `start` to `end` (see sqliteRowsBuilder); `inTurns` gives the event loop a turn when one is due (util/main-turns.ts). */
type RowsBuilder = ((start: number, end: number) => string) & { inTurns(start: number, end: number): Promise<string> };

/**
 * The rows go in in the order given (the statement's ORDER BY), each taking the next sequence
 * number: `seq` is AUTOINCREMENT and nothing else writes between the rows of one statement, so a
 * chunk of n rows holds the n numbers ending at the last rowid SQLite reports, in order. That
 * spares RETURNING's row object per entry.
 */
async function appendSqlite(trx: Knex.Transaction, entries: NewChange[], texts: string[], now: string, actorOf: ActorOf, built?: readonly string[]): Promise<number[]> {
  const seqs: number[] = [];
  // Built ahead (PreparedAppend): one text per statement, in order.
  const build = built ? (i: number) => built[i / SQLITE_APPEND_ROWS] as string : sqliteRowsBuilder(entries, texts, now, actorOf);
  const numbers = ({ lastID, changes }: { lastID: number; changes: number }, expected: number) => {
    if (changes !== expected) throw new Error(`the change log took ${changes} of ${expected} entries`);
    for (let seq = lastID - changes + 1; seq <= lastID; seq++) seqs.push(seq);
  };
  // One statement in flight while the next one's text is built: SQLite and JavaScript overlap.
  // Never two at once, so the entries take their numbers in order.
  let pending: { run: Promise<{ lastID: number; changes: number }>; size: number } | null = null;
  for (let i = 0; i < entries.length; i += SQLITE_APPEND_ROWS) {
    const end = Math.min(entries.length, i + SQLITE_APPEND_ROWS);
    const json = build(i, end);
    if (pending) numbers(await pending.run, pending.size);
    pending = { run: runInTransaction(trx, APPEND_SQLITE, [json]), size: end - i };
  }
  if (pending) numbers(await pending.run, pending.size);
  return seqs;
}

/**
 * SQLite: the number the change log's next entry takes, as AUTOINCREMENT would give it (one above
 * both the highest number ever handed out and the highest row). A scalar subquery, for a read the
 * writer makes anyway inside its transaction (the stock engine's first read): it holds the write
 * lock from BEGIN IMMEDIATE on, so no other process can append before its commit.
 */
export const NEXT_SEQ_SQLITE =
  "(max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0), coalesce((SELECT max(seq) FROM changes), 0)) + 1)";

/**
 * The most entries inlineAppendSqlite takes: one statement's worth of append's own (it would make
 * one statement of them anyway). Larger appends (an import's) keep append's statements, built
 * while the one before runs.
 */
export const INLINE_APPEND_MAX = SQLITE_APPEND_ROWS;

/**
 * An append to run inside the writer's own statements, its entries numbered already. SQLite: one
 * statement to run with others in one call (db/sqlite-client.ts execInTransaction), no bindings.
 * PostgreSQL: an INSERT for a data-modifying WITH clause of the writer's one statement, with its
 * bindings, and `finish`: expressions (and their bindings) that statement's final SELECT must
 * evaluate after every WITH clause has run (inlineAppendPg).
 */
export type InlineAppend = { sql: string; bindings: unknown[]; finish: { sql: string; bindings: unknown[] } | null; changes: Change[] };

/**
 * The append of `entries` as one SQLite statement with their sequence numbers written out, from
 * `firstSeq` on (read with NEXT_SEQ_SQLITE in the same transaction), for a writer that runs it in
 * the same call as its own statements: one trip to SQLite's thread fewer per batch. The numbers
 * stay gapless and in commit order: they are the ones AUTOINCREMENT would have given, inserting
 * them moves sqlite_sequence as AUTOINCREMENT does, and should anything have appended since the
 * read, the primary key refuses the statement and the transaction rolls back; nothing is skipped.
 */
export function inlineAppendSqlite(entries: NewChange[], firstSeq: number, now: string, actor: Actor): InlineAppend {
  if (entries.length === 0) return { sql: '', bindings: [], finish: null, changes: [] };
  if (entries.length > INLINE_APPEND_MAX) throw new Error(`an inline append takes ${INLINE_APPEND_MAX} entries at most, not ${entries.length}`);
  if (!Number.isSafeInteger(firstSeq) || firstSeq < 1) throw new Error(`the change log's next sequence number is ${firstSeq}`);
  const texts = new Array<string>(entries.length);
  const actorOf = actorCache(actor);
  const columns = `seq, ${CHANGE_COLUMNS.join(', ')}`;
  let sql: string;
  if (entries.length <= VALUES_MAX_ROWS) {
    // VALUES literals (db/json-rows.ts): the payload is JSON.stringify's text, stored as it is; it
    // never holds a NUL or a lone surrogate (JSON escapes both), so it needs no look for them.
    const at = sqliteLiteral(now);
    const tails = new Map<ActorColumns, string>();
    const rows = entries.map((e, i) => {
      const text = (texts[i] = JSON.stringify(e.payload));
      const who = actorOf(e).columns;
      let tail = tails.get(who);
      if (tail === undefined) tails.set(who, (tail = [at, sqliteLiteral(who.actor_kind), sqliteLiteral(who.actor_id), sqliteLiteral(who.actor_name)].join(', ')));
      return `(${firstSeq + i}, ${sqliteLiteral(e.type)}, ${sqliteLiteral(e.productId)}, ${sqliteLiteral(e.sku)}, ${sqliteText(text)}, ${tail})`;
    });
    sql = `INSERT INTO changes (${columns}) VALUES ${rows.join(', ')}`;
  } else {
    // The rows' JSON as an SQL literal (sqliteText) in place of the parameter, made in one piece.
    const [before, after] = selectJsonRows(CHANGE_COLUMNS.length + 1).split('?') as [string, string];
    sql = sqliteRowsBuilder(entries, texts, now, actorOf, { firstSeq, before: `INSERT INTO changes (${columns}) ${before}'`, after: `'${after}`, quoted: true })(0, entries.length);
  }
  return { sql, bindings: [], finish: null, changes: entries.map((e, i) => appendedChange(firstSeq + i, e, texts[i] as string, now, actorOf(e).stored)) };
}

const INSERT_CHANGES = 'INSERT INTO changes ';

/**
 * An inline append's statement (inlineAppendSqlite) as `INSERT OR ROLLBACK`: a conflict (its
 * numbers taken meanwhile) rolls the whole transaction back rather than the statement alone, so
 * SQLite keeps no statement journal for it. For the call that commits a group-commit batch
 * (stock-writes.ts writeSqlite), which fails as a whole anyway; nowhere a savepoint or a later
 * statement of the transaction must survive it.
 */
export function appendRollingBack(sql: string): string {
  if (!sql.startsWith(INSERT_CHANGES)) throw new Error('not an inline append of the change log');
  return `INSERT OR ROLLBACK INTO changes ${sql.slice(INSERT_CHANGES.length)}`;
}

/**
 * PostgreSQL: the number the change log's next entry takes, read by a writer inside its
 * transaction after it took the writer lock (write-queue.ts): every writer of the database takes
 * that lock before it appends, so no other server can append before this transaction commits, and
 * the numbers stay gapless and in commit order. A scalar subquery (an index search) for a read the
 * writer makes anyway (the stock engine's first read).
 */
export const NEXT_SEQ_PG = '(SELECT coalesce(max(seq), 0) + 1 FROM changes)';

/**
 * The append of `entries` on PostgreSQL for the writer's one statement (InlineAppend), numbered
 * from `firstSeq` on (read with NEXT_SEQ_PG in the same transaction): the rows as one JSON
 * parameter (json_populate_recordset types each field as its column, with the same errors an
 * insert of the value would give), so the append costs no round trip of its own. `finish` moves the
 * seq column's own sequence to the last number, for appends that leave the number to the column
 * (appendChanges, and older servers on the same database): they go on after it, never onto a
 * number taken here, and announces the newest number on `channel` (pg_notify, delivered when the
 * transaction commits). Should anything have appended since the read, the primary key refuses the
 * statement and the transaction rolls back; nothing is skipped.
 */
export function inlineAppendPg(entries: NewChange[], firstSeq: number, now: string, actor: Actor, channel: string): InlineAppend {
  if (entries.length === 0) return { sql: '', bindings: [], finish: null, changes: [] };
  if (entries.length > INLINE_APPEND_MAX) throw new Error(`an inline append takes ${INLINE_APPEND_MAX} entries at most, not ${entries.length}`);
  if (!Number.isSafeInteger(firstSeq) || firstSeq < 1) throw new Error(`the change log's next sequence number is ${firstSeq}`);
  const actorOf = actorCache(actor);
  const texts = entries.map((e) => JSON.stringify(e.payload));
  // The payload as the string it is stored as: JSON's \u0000 inside an object would not convert to text.
  const rows = entries.map((e, i) => ({ seq: firstSeq + i, type: e.type, product_id: e.productId, sku: e.sku, payload: texts[i], created_at: now, ...actorOf(e).columns }));
  const columns = `seq, ${CHANGE_COLUMNS.join(', ')}`;
  return {
    sql: `INSERT INTO changes (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::changes, ?::json) RETURNING 1`,
    bindings: [pgJson(rows)],
    finish: {
      sql: "setval(pg_get_serial_sequence('changes', 'seq'), ?), pg_notify(?, ?)",
      bindings: [firstSeq + entries.length - 1, channel, String(firstSeq + entries.length - 1)],
    },
    changes: entries.map((e, i) => appendedChange(firstSeq + i, e, texts[i] as string, now, actorOf(e).stored)),
  };
}

export async function listChanges(db: Db, input: ParsedInput<'changes.list'>): Promise<{ changes: Change[]; next: number }> {
  let q = db<ChangeRow>('changes').where('seq', '>', input.since).orderBy('seq', 'asc').limit(input.limit);
  if (input.type) q = q.andWhere('type', input.type);
  if (input.sku) q = q.andWhere('sku', input.sku);
  const rows = (await q) as ChangeRow[];
  const changes = rows.map(toChange);
  const last = changes[changes.length - 1];
  return { changes, next: last ? last.seq : input.since };
}

export async function latestSeq(db: Db): Promise<number> {
  const row = (await db('changes').max({ seq: 'seq' }).first()) as { seq: number | string | null } | undefined;
  return num(row?.seq ?? 0);
}

type Listener = (changes: Change[]) => void;

/** Reads committed entries after a sequence number, oldest first (the change log). */
export type LogReader = (after: number, limit: number) => Promise<Change[]>;

const CATCH_UP_PAGE = 1000;

/**
 * In-process fan-out of committed changes to whatever reacts to them (SSE, publishers, webhooks,
 * caches, the UI), in sequence order, each entry once.
 *
 * With one writer process (SQLite) the write queue's own commits are the whole log. With several
 * servers on one PostgreSQL database, other servers commit too: the bus then follows the log
 * (`followLog`), and a commit that is not the next in line after what the bus has delivered (another
 * server committed in between) is delivered by reading the log from the last delivered entry, so
 * every server's bus carries every server's entries, in order, with no gap and no duplicate.
 */
export class ChangeBus {
  private listeners = new Set<Listener>();
  private last = 0;
  private reader: LogReader | null = null;
  private chain: Promise<void> = Promise.resolve();
  private queued: Promise<void> | null = null;
  private readonly refreshers: Array<(changes: Change[]) => Promise<void>> = [];
  private localStarted = 0;
  private localFinished = 0;
  private afterLocal: Array<{ target: number; run: () => void }> = [];

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The newest sequence number delivered (0 before the first). */
  get lastSeq(): number {
    return this.last;
  }

  /**
   * Follows the shared log from `seq` on: entries at or below it are never delivered, and gaps are
   * filled by `read`. Only for a database other processes write to (PostgreSQL).
   */
  followLog(read: LogReader, seq: number): void {
    this.reader = read;
    this.last = Math.max(this.last, seq);
  }

  /**
   * Runs before entries read from the log (another server's, mostly) are delivered, and is awaited:
   * an in-memory copy another server changed (the settings) is reloaded before anyone reacts.
   */
  beforeLogDelivery(refresh: (changes: Change[]) => Promise<void>): void {
    this.refreshers.push(refresh);
  }

  /** The write queue is about to commit (see afterLocalCommits). */
  localCommitStarted(): void {
    this.localStarted++;
  }

  /** The write queue's commit is over and its entries were handed to `committed` (or it failed). */
  localCommitFinished(): void {
    this.localFinished++;
    const due = this.afterLocal.filter((w) => w.target <= this.localFinished);
    if (due.length === 0) return;
    this.afterLocal = this.afterLocal.filter((w) => w.target > this.localFinished);
    for (const w of due) w.run();
  }

  /**
   * Runs `run` once the local commits in flight now are over. A notification of this process's own
   * commit can arrive before the commit's answer does; waiting for it (one transaction at most: the
   * queue commits one at a time) spares a read of the log for entries about to be delivered anyway.
   */
  afterLocalCommits(run: () => void): void {
    const target = this.localStarted;
    if (this.localFinished >= target) run();
    else this.afterLocal.push({ target, run });
  }

  /** Delivers entries newer than the last delivered; older ones (already delivered) are dropped. */
  emit(changes: Change[]): void {
    const fresh = changes.filter((c) => c.seq > this.last);
    if (fresh.length === 0) return;
    this.last = (fresh[fresh.length - 1] as Change).seq;
    for (const listener of this.listeners) {
      try {
        listener(fresh);
      } catch {
        // A failing listener must not break the writer or other listeners; each logs its own errors.
      }
    }
  }

  /**
   * A commit of this process: `before` is the newest sequence number that was committed before the
   * transaction appended its entries (null: unknown, only this process writes). When the bus has
   * delivered up to `before`, the entries follow directly; otherwise the log is read up to them.
   */
  committed(changes: Change[], before: number | null): Promise<void> {
    if (changes.length === 0) return Promise.resolve();
    if (before === null || this.reader === null || this.last >= before) {
      this.emit(changes);
      return Promise.resolve();
    }
    return this.catchUp();
  }

  /**
   * Reads the log after the last delivered entry and delivers what it finds. Calls made while a
   * read is waiting to start share it; a call made while one runs gets a new one after it, so
   * whatever was committed before the call is delivered when the promise resolves.
   */
  catchUp(): Promise<void> {
    const read = this.reader;
    if (!read) return Promise.resolve();
    if (this.queued) return this.queued;
    const run = this.chain.then(async () => {
      this.queued = null;
      for (;;) {
        const page = await read(this.last, CATCH_UP_PAGE);
        const fresh = page.filter((c) => c.seq > this.last);
        for (const refresh of this.refreshers) await refresh(fresh);
        this.emit(fresh);
        if (page.length < CATCH_UP_PAGE) return;
      }
    });
    this.queued = run;
    this.chain = run.catch(() => undefined);
    return run;
  }
}

/** The log reader over one database. */
export function logReader(db: Db): LogReader {
  return async (after, limit) => ((await db<ChangeRow>('changes').where('seq', '>', after).orderBy('seq', 'asc').limit(limit)) as ChangeRow[]).map(toChange);
}
