/**
 * The stock engine: applies a batch of stock operations inside one transaction with a fixed number
 * of statements (a few reads, then one multi-row write per table), however many operations the
 * batch holds. Each operation is checked against the state left by the ones before it, so the
 * batch behaves exactly as if the operations had run one after another.
 */
import { uuid7 } from '../util/uuid7';
import { AppError } from '../../../shared/errors';
import { QUANTITY_MAX } from '../../../shared/domain/limits';
import { CHANNEL_LABEL, shippedByChannel } from '../../../shared/domain/order-reference';
import { productLabel } from '../../../shared/domain/product-label';
import type { Channel } from '../../../shared/schemas/channels';
import type { Movement, MovementKind, Reservation, SettledBy, StockSnapshot } from '../../../shared/schemas/stock';
import { actorColumns, actorFromColumns, type Actor, type ActorColumns } from '../actor';
import { INLINE_APPEND_MAX, NEXT_SEQ_PG, NEXT_SEQ_SQLITE, type InlineAppend, type NewChange } from '../changes/change-log';
import type { Change } from '../../../shared/schemas/changes';
import type { BatchAnswers } from './availability-reader';
import { AvailabilityTracker } from './availability-events';
import { utcToday } from '../../../shared/domain/availability';
import { addReorderPoints, ReorderTracker, reorderPointsColumn } from './reorder-events';
import { findKeys, replay, requestHash } from '../idempotency';
import type { LocationDirectory, LocationRecord } from '../locations/locations';
import { bool, chunkValues, num } from '../util/db-helpers';
import type { BatchHandler, Outcome, WriteContext } from '../write-queue';
import { availabilityVerdict, summaryOf, type ProductFacts, type SummaryContext, type Verdict } from './stock-summary';
import { writeStockRows, type AroundWrites, type IdempotencyKeyRow, type ProductTotals, type StockRows } from './stock-writes';
import { allInTransaction, execInTransaction } from '../db/sqlite-client';
import { jsonArraysSql } from '../db/json-read';
import { giveTurn } from '../util/main-turns';
import type { IncomingInput, LevelRow, MovementRow, PurchaseReceiptInput, ReservationRow, StockOp, StockOutput } from './stock-ops';

type ProductLite = { id: string; sku: string; title: string; allowBackorder: boolean; status: string; facts: ProductFacts & { sku: string } };

type JoinedRow = {
  id: string;
  sku: string;
  title: string;
  allow_backorder: unknown;
  status: string;
  preorder_date: string | null;
  buffer_stock: number | null;
  location_id: string | null;
  on_hand: unknown;
  committed: unknown;
  incoming: unknown;
  updated_at: string | null;
  /** See reorderPointsColumn. */
  reorder_points: string | null;
  /** The change log's next sequence number (NEXT_SEQ_SQLITE, NEXT_SEQ_PG). */
  next_seq?: number | null;
};

type Plan = {
  change: NewChange;
  /** availability.changed when this operation moved the product across a verdict. */
  followUps: NewChange[];
  /** Numbered (`seq`) by written(), once the change log's numbers are known. */
  movements: MovementRow[];
  /** The answer's parts: its stock, and the reservation of a reservation's operation (see answerOf). */
  sku: string;
  stock: StockSnapshot;
  reservation: Reservation | null;
  idempotency?: { key: string; operation: string; hash: string };
};

/**
 * write()'s JavaScript done beforehand (Batch.prepare); `inline` when the log's next number was
 * known: then the answers are ready, and the batch's plans and state are no longer needed.
 */
type PreparedWrite = {
  steps: Step[];
  plans: Plan[];
  entries: NewChange[];
  inline: { nextSeq: number; count: number; append: InlineAppend; rows: StockRows | null; outcomes: Array<Outcome<StockOutput>> } | null;
};

/** What a receive, return, adjustment or count names. */
type DeltaInput = { sku: string; location?: string | undefined; reason?: string | undefined; reference?: string | undefined; idempotencyKey?: string | undefined; quantity: number };

type Step = { kind: 'error'; error: Error } | { kind: 'value'; value: StockOutput } | { kind: 'plan'; plan: Plan } | { kind: 'same-as'; index: number };

const JOINED_COLUMNS = ['p.id', 'p.sku', 'p.title', 'p.allow_backorder', 'p.status', 'p.preorder_date', 'p.buffer_stock', 's.location_id', 's.on_hand', 's.committed', 's.incoming', 's.updated_at'];

/**
 * SQLite: a batch's products with their stock rows and reorder points, by SKU or by id (the keys
 * as one JSON array), and the change log's next sequence number, which rides along with the
 * batch's first read so the append can go in the same call as the stock writes (write() below).
 */
const selectJoinedSqlite = (key: 'sku' | 'id') =>
  `SELECT ${JOINED_COLUMNS.join(', ')}, ${reorderPointsColumn('sqlite')}, ${NEXT_SEQ_SQLITE} AS next_seq ` +
  `FROM products AS p LEFT JOIN stock_levels AS s ON s.product_id = p.id WHERE p.${key} IN (SELECT value FROM json_each(?))`;
/** The joined read's columns, as named in its result. */
const JOINED_NAMES = [...JOINED_COLUMNS.map((c) => c.slice(2)), 'reorder_points', 'next_seq'];
/** A row of the joined read as json_array gives it: the cells in the order of JOINED_NAMES. */
type JoinedCells = [string, string, string, unknown, string, string | null, number | null, string | null, unknown, unknown, unknown, string | null, string | null, number | null];
/**
 * On SQLite the rows come back as one JSON text of arrays (db/json-read.ts jsonArraysSql), for a
 * group-commit batch's 16 products as for an import's thousands: node-sqlite3 builds each row's
 * object a property at a time in C++, which cost the main thread more than the query did.
 */
const joinedSqlite = (key: 'sku' | 'id') => jsonArraysSql(JOINED_NAMES, selectJoinedSqlite(key));
const SELECT_BY_SKU_SQLITE = joinedSqlite('sku');
const SELECT_BY_ID_SQLITE = joinedSqlite('id');

/** The rows of the joined read's JSON text (joinedSqlite). */
function joinedRowsOf(json: string | null): JoinedRow[] {
  return (JSON.parse(json ?? '[]') as JoinedCells[]).map(
    ([id, sku, title, allow_backorder, status, preorder_date, buffer_stock, location_id, on_hand, committed, incoming, updated_at, reorder_points, next_seq]) => ({
      id,
      sku,
      title,
      allow_backorder,
      status,
      preorder_date,
      buffer_stock,
      location_id,
      on_hand,
      committed,
      incoming,
      updated_at,
      reorder_points,
      next_seq,
    }),
  );
}

/**
 * PostgreSQL: the same read, the keys as one array parameter, and the change log's next number
 * (NEXT_SEQ_PG: the read runs under the writer lock, write-queue.ts). One SQL text whatever the
 * number of keys, so it runs as a prepared statement of its connection (parsed and planned once).
 */
const selectJoinedPg = (key: 'sku' | 'id') => ({
  name: `stockfeed_stock_read_${key}`,
  sql:
    `SELECT ${JOINED_COLUMNS.join(', ')}, ${reorderPointsColumn('pg')}, ${NEXT_SEQ_PG} AS next_seq ` +
    `FROM products AS p LEFT JOIN stock_levels AS s ON s.product_id = p.id WHERE p.${key} = ANY(?::text[])`,
});
const SELECT_BY_SKU_PG = selectJoinedPg('sku');
const SELECT_BY_ID_PG = selectJoinedPg('id');

export type StockEngineDeps = SummaryContext & {
  locations: LocationDirectory;
  /** The location used when an operation names none (a setting). */
  defaultLocation(): string;
  /**
   * Where a batch hands the storefront's answers it worked out (AvailabilityReader.beginBatch), so
   * the read cache takes them at the commit instead of reading them back; null: nowhere.
   */
  storefrontAnswers?(): BatchAnswers | null;
};

/**
 * The stock engine: the write queue's batch handler, and the one way stock is written. Built once
 * per core; orders, 3PL counts and imports run it inside their own transactions through the queue.
 */
export function createStockEngine(deps: StockEngineDeps): BatchHandler<StockOp, StockOutput> {
  const handler = async (ctx: WriteContext, ops: StockOp[], actors: readonly Actor[]) => new Batch(ctx, deps, ops, actors).run();
  return Object.assign(handler, { inChunks: (ctx: WriteContext, chunks: StockOp[][], onChunk: ChunkListener) => runChunks(ctx, deps, chunks, onChunk) });
}

type ChunkListener = (outcomes: Array<Outcome<StockOutput>>, index: number) => void;

/** Operations whose batch reads and writes only the stock of the products they name by SKU. */
const OWN_PRODUCT_OPS = new Set<StockOp['op']>(['stock.count', 'stock.receive', 'stock.adjust', 'stock.return']);

/**
 * Whether `next` may read its rows before `previous` writes: nothing `previous` writes is read by
 * `next` (no product in both, no idempotency key, no reservation), so the rows are the same
 * whichever goes first. The change log's next number is the one thing that differs: the caller
 * numbers `next`'s entries after `previous`'s.
 */
function readsAhead(previous: StockOp[], next: StockOp[]): boolean {
  const own = (ops: StockOp[]) => ops.every((op) => OWN_PRODUCT_OPS.has(op.op) && !op.input.idempotencyKey);
  if (!own(previous) || !own(next)) return false;
  const skus = new Set(previous.map((op) => ('sku' in op.input ? op.input.sku : '')));
  return next.every((op) => 'sku' in op.input && !skus.has(op.input.sku));
}

/**
 * Writes of chunks sent without waiting for the answer to the ones before (runChunks). On SQLite
 * each chunk's write is one `exec`, and node-sqlite3 runs a connection's `exec` calls one at a
 * time in the order they were made, so the change log's numbers stay in the chunks' order; the
 * next write is then waiting on the connection when SQLite finishes one, instead of being sent
 * only once the main thread has handled the answer (issue 17: the stock writes' statements spent
 * ≈ 3× their SQLite time between being sent and answered, SQLite idle meanwhile). On PostgreSQL
 * the queue holds one write at a time, as before. Never more than `depth` writes unanswered.
 */
class WritesInOrder {
  private sent: Array<Promise<unknown>> = [];
  /** The chunks' listeners, called in the chunks' order once each write (and all before it) is answered. */
  private answered: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | null = null;

  constructor(private readonly depth: number) {}

  /** Waits until another write may be sent; throws the first write's failure once every write sent has settled. */
  async room(): Promise<void> {
    while (this.sent.length >= this.depth) await this.sent.shift();
    if (this.failure) throw this.failure.error;
  }

  /** Every write sent has settled; throws the first one's failure. */
  async settled(): Promise<void> {
    while (this.sent.length > 0) await this.sent.shift();
    await this.answered;
    if (this.failure) throw this.failure.error;
  }

  add<T>(written: Promise<T>, then: (value: T) => void): void {
    const settled = written.then(
      (value) => value,
      (error: unknown) => {
        this.failure ??= { error };
      },
    );
    this.sent.push(settled);
    this.answered = this.answered.then(async () => {
      const value = await settled;
      if (!this.failure) then(value as T);
    });
  }

  /** After a failure anywhere: every write sent has settled, and the first write's failure wins over `error`. */
  async fail(error: unknown): Promise<never> {
    await Promise.all(this.sent.splice(0));
    await this.answered;
    throw this.failure ? this.failure.error : error;
  }
}

/**
 * Unanswered writes on SQLite's connection: one running and the next waiting behind it, so SQLite
 * finds a write ready whenever the main thread had one; more would only keep more chunks' rows
 * alive (the peak memory) while the main thread is the slower side.
 */
const SQLITE_WRITES_AHEAD = 2;

/**
 * Opens every write runChunks sends ahead on SQLite. Some failures (SQLITE_FULL, SQLITE_IOERR, a
 * trigger's RAISE(ROLLBACK)) make SQLite roll the whole transaction back by itself; a write already
 * waiting on the connection would then run outside any transaction and commit on its own. So a
 * write that another may follow ends by opening this savepoint, and the write after it begins by
 * releasing it: gone with the transaction, it fails that write at its first statement. Inside the
 * transaction, opening and releasing it changes nothing. In the writes' own call, not calls of
 * their own: each call is a turn of the main thread that SQLite waits for.
 */
const CHUNKS_SAVEPOINT = 'stockfeed_chunks';

/**
 * Chunks of operations (an import's 100,000 counts, 1,000 a chunk) with the same outcomes as one
 * batch after another, but a chunk's read and planning do not wait for the chunk before to be
 * written: its rows are read before that chunk's writes go out (readsAhead: nothing the writes
 * still unanswered write), planned and made into statements while they run, and numbered after
 * them; on SQLite its write is then sent at once, behind theirs (WritesInOrder), which keeps
 * SQLite busy while the main thread plans. The order of the writes, and of the change log's
 * numbers, is that of the chunks; a failure anywhere fails the call once every write sent has
 * been answered, with the first write's failure. Before, the engine's JavaScript and the database
 * took turns (issue 17).
 */
async function runChunks(ctx: WriteContext, deps: StockEngineDeps, chunks: StockOp[][], onChunk: ChunkListener): Promise<void> {
  const batchOf = (ops: StockOp[]) => new Batch(ctx, deps, ops, ops.map(() => ctx.actor));
  const sqlite = ctx.dialect === 'sqlite';
  const writes = new WritesInOrder(sqlite ? SQLITE_WRITES_AHEAD : 1);
  /** Whether the last write sent opens the savepoint (the next one releases it). */
  let opened = false;
  /** Whether the next write may be sent before the last one is answered (see below). */
  let behind = false;
  try {
    let current: { batch: Batch; prepared: PreparedWrite } | null = null;
    /** The operations of the chunk before, whose write may still be unanswered when the next chunk is read. */
    let previous: StockOp[] = [];
    for (const [i, ops] of chunks.entries()) {
      if (ops.length === 0) {
        writes.add(Promise.resolve([]), () => onChunk([], i));
        continue;
      }
      if (!current) {
        // Reads what the writes before it wrote.
        await writes.settled();
        previous = [];
        const batch = batchOf(ops);
        await batch.load();
        current = { batch, prepared: batch.prepare(await batch.plan()) };
      }
      const nextOps = chunks.slice(i + 1).find((c) => c.length > 0);
      const ahead = nextOps && readsAhead([...previous, ...ops], nextOps) ? batchOf(nextOps) : null;
      // Sent before this chunk's write, so its answer comes while the write runs.
      const loaded = ahead?.load();
      loaded?.catch(() => undefined);
      const { batch, prepared } = current;
      // A write is sent behind the one before only when both are one call each (an inline append,
      // numbered beforehand) and the one before has no append hooks to run: hooks that write
      // (webhook deliveries, the channels' outbox) run once it is answered, through knex, unguarded
      // by the savepoint, and a write waiting behind them could see SQLite roll the transaction
      // back under them. Anything else waits for every write before it to be answered.
      if (prepared.inline && behind) await writes.room();
      else await writes.settled();
      behind = sqlite && prepared.inline !== null && ctx.hooksIdleFor(prepared.inline.append.changes);
      const sendsAhead = behind && ahead !== null;
      const around: AroundWrites | null = sqlite ? { before: opened ? `RELEASE ${CHUNKS_SAVEPOINT}` : null, after: sendsAhead ? `SAVEPOINT ${CHUNKS_SAVEPOINT}` : null } : null;
      opened = sendsAhead;
      writes.add(batch.write(prepared.steps, prepared, around), (outcomes) => onChunk(outcomes, i));
      current = null;
      previous = ops;
      if (ahead) {
        await loaded;
        const steps = await ahead.plan();
        // The writes sent run meanwhile; the one queued behind the running one goes to SQLite only
        // once the main thread has handled that one's completion (util/main-turns.ts).
        await giveTurn();
        // Its own read of the log's next number ran before this chunk's entries: numbered after them.
        ahead.nextSeq = batch.nextSeqAfter(prepared);
        current = { batch: ahead, prepared: ahead.prepare(steps) };
      }
    }
    await writes.settled();
  } catch (error) {
    await writes.fail(error).catch(async (failure: unknown) => {
      // Left open when the write after it was never sent; fails harmlessly when already gone.
      if (opened) await execInTransaction(ctx.trx, `RELEASE ${CHUNKS_SAVEPOINT}`).catch(() => undefined);
      throw failure;
    });
  }
}

class Batch {
  private products = new Map<string, ProductLite>();
  private productsById = new Map<string, ProductLite>();
  private reservations = new Map<string, ReservationRow>();
  /** The sale movement of each fulfilled reservation an undo names (the latest, when shipped twice). */
  private sales = new Map<string, string>();
  /**
   * Stock rows by product, then by location (in the order first seen): a batch of 10,000 counts
   * (an import's) looked each row up several times by a product|location string built anew each
   * time, ~6 concatenations and hashes of a 73-character key per operation.
   */
  private levels = new Map<string, Map<string, LevelRow>>();
  private dirtyLevels = new Set<LevelRow>();
  private dirtyReservations = new Set<string>();
  private availability: AvailabilityTracker | null = null;
  private storefront: BatchAnswers | null = null;
  /** The change-log entries write() appended. */
  private appended: Change[] = [];
  private reorder: ReorderTracker | null = null;
  /** Who asked for the operation being planned: its movements and change-log entries carry it. */
  private actor: Actor;
  /** The columns of the last actor whose movements were made (see actorColumns()). */
  private columnsOf: { actor: Actor; columns: ActorColumns } | null = null;
  /** One date for the whole batch, as the availability tracker has (not a new Date per operation). */
  private readonly today = utcToday();
  /** The change log's next sequence number, read with the products (null: append as usual). */
  nextSeq: number | null = null; // set by runChunks for a batch read ahead of the one before

  constructor(
    private readonly ctx: WriteContext,
    private readonly deps: StockEngineDeps,
    private readonly ops: StockOp[],
    private readonly actors: readonly Actor[],
  ) {
    this.actor = ctx.actor;
  }

  async run(): Promise<Array<Outcome<StockOutput>>> {
    // Before the first read: a change the reads may not see makes the answers unusable. Not for
    // an import's chunks (runChunks), whose answers would only be objects made for nothing.
    this.storefront = this.deps.storefrontAnswers?.() ?? null;
    await this.load();
    const steps = await this.plan();
    // Kept past prepare(), which lets go of the tracker.
    const tracker = this.availability;
    const outcomes = await this.write(steps);
    if (tracker) this.storefront?.settle(tracker.answers, this.appended, tracker.today);
    return outcomes;
  }

  // ---- reads: a fixed number of statements per batch ------------------------------------------

  async load(): Promise<void> {
    const { trx } = this.ctx;
    // One loop over the operations, not a flatMap (an array per operation) for each kind of key.
    const reservationIds = new Set<string>();
    const undoneIds = new Set<string>();
    const skus = new Set<string>();
    for (const op of this.ops) {
      if (op.op === 'reservations.fulfil' || op.op === 'reservations.release' || op.op === 'reservations.expire' || op.op === 'reservations.undoFulfil') {
        reservationIds.add(op.input.id);
      }
      if (op.op === 'reservations.undoFulfil') undoneIds.add(op.input.id);
      if ('sku' in op.input) skus.add(op.input.sku);
    }
    for (const chunk of chunkValues([...reservationIds])) {
      const rows = (await trx('reservations').whereIn('id', chunk)) as ReservationRow[];
      for (const row of rows) this.reservations.set(row.id, { ...row, quantity: num(row.quantity) });
    }
    for (const chunk of chunkValues([...undoneIds])) {
      const sales = (await trx('movements')
        .select('id', 'reservation_id')
        .whereIn('reservation_id', chunk)
        .andWhere('kind', 'sale')
        .orderBy('seq', 'asc')) as Array<{ id: string; reservation_id: string }>;
      for (const sale of sales) this.sales.set(sale.reservation_id, sale.id);
    }

    const productIds = new Set([...this.reservations.values()].map((r) => r.product_id));
    // Products and their stock rows in one statement: statements, not rows, bound the write rate.
    const rows: JoinedRow[] = [];
    if (this.ctx.dialect === 'sqlite') {
      // One prepared statement per key, the keys in one JSON parameter, past knex (allInTransaction).
      const select = async (sql: string, keys: Set<string>): Promise<JoinedRow[]> => {
        const [answer] = await allInTransaction<{ rows: string | null }>(trx, sql, [JSON.stringify([...keys])]);
        return joinedRowsOf(answer?.rows ?? null);
      };
      if (skus.size > 0) rows.push(...(await select(SELECT_BY_SKU_SQLITE, skus)));
      if (productIds.size > 0) rows.push(...(await select(SELECT_BY_ID_SQLITE, productIds)));
    } else {
      const select = (query: { name: string; sql: string }, keys: string[]) => this.ctx.query<JoinedRow>(query.sql, [keys], query.name);
      for (const chunk of chunkValues([...skus])) rows.push(...(await select(SELECT_BY_SKU_PG, chunk)));
      for (const chunk of chunkValues([...productIds])) rows.push(...(await select(SELECT_BY_ID_PG, chunk)));
    }
    const points = new Map<string, number>();
    // The first chunk's: nothing appends between the reads and write(), and appendWith checks it.
    if (rows[0]?.next_seq != null) this.nextSeq = num(rows[0].next_seq);
    for (const row of rows) {
      if (!this.productsById.has(row.id)) {
        addReorderPoints(points, row.id, row.reorder_points);
        const p: ProductLite = {
          id: row.id,
          sku: row.sku,
          title: row.title,
          allowBackorder: bool(row.allow_backorder),
          status: row.status,
          facts: { id: row.id, sku: row.sku, status: row.status, allow_backorder: row.allow_backorder, preorder_date: row.preorder_date, buffer_stock: row.buffer_stock },
        };
        this.products.set(p.sku, p);
        this.productsById.set(p.id, p);
      }
      if (row.location_id !== null && !this.levels.get(row.id)?.has(row.location_id)) {
        this.putLevel({
          product_id: row.id,
          location_id: row.location_id,
          on_hand: num(row.on_hand),
          committed: num(row.committed),
          incoming: num(row.incoming),
          updated_at: row.updated_at ?? this.ctx.now,
        });
      }
    }
    this.availability = new AvailabilityTracker(this.deps, this.storefront !== null, this.today);
    for (const product of this.productsById.values()) this.availability.start(product.facts, this.levelsOf(product.id));
    this.reorder = new ReorderTracker(points, (id) => this.deps.locations.cachedById(id)?.code ?? id);
    for (const product of this.productsById.values()) this.reorder.start(product.id, this.levelsOf(product.id));
  }

  private levelsOf(productId: string): LevelRow[] {
    const levels = this.levels.get(productId);
    return levels ? [...levels.values()] : [];
  }

  /**
   * The availability.changed entry when the operation just planned moved the product's verdict,
   * and reorder.needed for each reorder point its stock position just reached.
   */
  private crossings(product: ProductLite, levels: LevelRow[], verdict: Verdict): NewChange[] {
    const change = this.availability?.after(product.facts, verdict);
    const entries = this.reorder?.after(product, levels) ?? [];
    if (change) entries.unshift(change);
    // Entries made just now for this batch: each gets the operation's actor as it is.
    for (const entry of entries) entry.actor = this.actor;
    return entries;
  }

  private putLevel(level: LevelRow): LevelRow {
    let levels = this.levels.get(level.product_id);
    if (!levels) this.levels.set(level.product_id, (levels = new Map()));
    levels.set(level.location_id, level);
    return level;
  }

  private level(productId: string, locationId: string): LevelRow {
    return (
      this.levels.get(productId)?.get(locationId) ??
      this.putLevel({ product_id: productId, location_id: locationId, on_hand: 0, committed: 0, incoming: 0, updated_at: this.ctx.now })
    );
  }

  // ---- planning: pure, in memory ------------------------------------------------------------

  async plan(): Promise<Step[]> {
    const keys: string[] = [];
    for (const op of this.ops) if (op.input.idempotencyKey) keys.push(op.input.idempotencyKey);
    const stored = keys.length > 0 ? await findKeys(this.ctx.trx, keys) : new Map();
    const seenInBatch = new Map<string, { index: number; operation: string; hash: string }>();
    const steps: Step[] = [];

    for (const [index, op] of this.ops.entries()) {
      this.actor = this.actors[index] ?? this.ctx.actor;
      const operation = op.op;
      const key = op.input.idempotencyKey;
      try {
        if (key) {
          const hash = requestHash(operation, op.input);
          const row = stored.get(key);
          if (row) {
            steps.push({ kind: 'value', value: replay<StockOutput>(row, operation, hash) });
            continue;
          }
          const earlier = seenInBatch.get(key);
          if (earlier) {
            replay({ key, operation: earlier.operation, request_hash: earlier.hash, response: 'null' }, operation, hash);
            steps.push({ kind: 'same-as', index: earlier.index });
            continue;
          }
          const planned = this.planOne(op);
          const plan = planned instanceof Promise ? await planned : planned;
          plan.idempotency = { key, operation, hash };
          seenInBatch.set(key, { index, operation, hash });
          steps.push({ kind: 'plan', plan });
        } else {
          const planned = this.planOne(op);
          steps.push({ kind: 'plan', plan: planned instanceof Promise ? await planned : planned });
        }
      } catch (error) {
        steps.push({ kind: 'error', error: error as Error });
      }
    }
    return steps;
  }

  private product(sku: string): ProductLite {
    const product = this.products.get(sku);
    if (!product) throw new AppError('not_found', `No product with SKU ${sku}`, { field: 'sku', sku });
    return product;
  }

  /**
   * The location by code (the default one when none is named) when the directory has it, as it
   * has every location but one added a moment ago: location() would find the same record, but as
   * an async call, with two promises and a turn of the microtask queue per operation.
   */
  private knownLocation(code: string | undefined): LocationRecord | undefined {
    return this.deps.locations.cachedByCode(code ?? this.deps.defaultLocation());
  }

  private async location(code: string | undefined, field = 'location'): Promise<LocationRecord> {
    const wanted = code ?? this.deps.defaultLocation();
    const found = await this.deps.locations.byCodeOrLoad(this.ctx.trx, wanted);
    if (!found) {
      const known = this.deps.locations.list().map((l) => `${l.name} (${l.code})`);
      const listed = known.length > 10 ? `${known.slice(0, 10).join(', ')} and ${known.length - 10} more` : known.join(', ');
      throw new AppError('not_found', `There is no location "${wanted}"; the locations are ${listed}`, { field, location: wanted });
    }
    return found;
  }

  private reservation(id: string): ReservationRow {
    const found = this.reservations.get(id);
    if (!found) throw new AppError('not_found', `No reservation with id ${id}`, { field: 'id' });
    return found;
  }

  /**
   * The operation's plan; a promise of it only when planning had to wait (a location or
   * reservation to load, ...). Receives, returns, adjustments and counts at a known location, a
   * group-commit batch's usual operations, are planned without an async call: an async planOne
   * and planDelta, awaited per operation, made two promises, two async frames and a microtask turn
   * each time.
   */
  private planOne(op: StockOp): Plan | Promise<Plan> {
    switch (op.op) {
      case 'stock.receive':
        return this.planDelta('receive', op.input, op.input.quantity);
      case 'stock.return':
        return this.planDelta('return', op.input, op.input.quantity);
      case 'stock.adjust':
        return this.planDelta('adjust', op.input, op.input.quantity);
      case 'stock.count': {
        // No closure of its own per count: an import plans 100,000 (and tsx names each closure it makes).
        const { input } = op;
        const product = this.product(input.sku);
        const location = this.knownLocation(input.location);
        return location ? this.countAt(input, product, location) : this.location(input.location).then((found) => this.countAt(input, product, found));
      }
      case 'stock.transfer':
        return this.planTransfer(op.input);
      case 'stock.sell':
        return this.planSell(op.input);
      case 'reservations.create':
        return this.planReserve(op.input);
      case 'reservations.fulfil':
        return this.planSettle('fulfil', op.input.id, op.input.by ?? 'stockfeed');
      case 'reservations.release':
        return this.planSettle('release', op.input.id, op.input.by ?? 'stockfeed');
      case 'reservations.expire':
        return this.planSettle('expire', op.input.id, 'expiry');
      case 'reservations.undoFulfil':
        return this.planUndoFulfil(op.input.id, op.input.idempotencyKey);
      case 'purchase.incoming':
        return this.planIncoming(op.input);
      case 'purchase.receive':
        return this.planPurchaseReceipt(op.input);
    }
  }

  /**
   * Refuses a stock figure past QUANTITY_MAX: each movement is within it, but a level is their
   * sum, and the limit is what keeps every stored figure and its sums exact (shared/domain/limits.ts).
   */
  private withinLimit(product: ProductLite, location: LocationRecord, figure: 'on hand' | 'committed' | 'incoming', value: number, action: string): void {
    if (value <= QUANTITY_MAX) return;
    const message = `Cannot ${action}: ${figure} of ${productLabel(product)} at ${location.name} would be ${value}, above the most Stockfeed can store (${QUANTITY_MAX})`;
    throw new AppError('validation_failed', message, { issues: [{ path: 'quantity', message }] });
  }

  /** Refuses a change that would leave on-hand stock negative or oversell. */
  private guard(product: ProductLite, location: LocationRecord, level: LevelRow, onHand: number, committed: number, action: string): void {
    this.withinLimit(product, location, 'on hand', onHand, action);
    this.withinLimit(product, location, 'committed', committed, action);
    const before = level.on_hand - level.committed;
    const after = onHand - committed;
    if (onHand < 0 && onHand < level.on_hand) {
      throw new AppError(
        'insufficient_stock',
        `Cannot ${action}: only ${level.on_hand} of ${productLabel(product)} on hand at ${location.name}`,
        shortage(product, location, level),
      );
    }
    if (after < 0 && after < before && !product.allowBackorder) {
      throw new AppError(
        'insufficient_stock',
        `Cannot ${action}: only ${Math.max(0, before)} of ${productLabel(product)} available at ${location.name} ` +
          `(${level.on_hand} on hand, ${level.committed} reserved for orders)`,
        shortage(product, location, level),
      );
    }
  }

  private planDelta(kind: 'receive' | 'return' | 'adjust', input: DeltaInput, delta: number): Plan | Promise<Plan> {
    const product = this.product(input.sku);
    const location = this.knownLocation(input.location);
    return location ? this.deltaAt(kind, input, delta, product, location) : this.location(input.location).then((found) => this.deltaAt(kind, input, delta, product, found));
  }

  private countAt(input: DeltaInput, product: ProductLite, location: LocationRecord): Plan {
    return this.deltaAt('count', input, input.quantity - this.level(product.id, location.id).on_hand, product, location);
  }

  private deltaAt(kind: 'receive' | 'return' | 'adjust' | 'count', input: DeltaInput, delta: number, product: ProductLite, location: LocationRecord): Plan {
    const level = this.level(product.id, location.id);
    const verb = kind === 'count' ? `record a count of ${input.quantity}` : `${kind} ${delta}`;
    this.guard(product, location, level, level.on_hand + delta, level.committed, verb);
    level.on_hand += delta;
    this.touch(level);
    const movement = this.movement(product, location, delta, kind, input, null, null);
    return this.stockPlan(product, [movement], { cause: kind, counted: kind === 'count' ? input.quantity : undefined });
  }

  private async planTransfer(input: {
    sku: string;
    location?: string | undefined;
    toLocation: string;
    quantity: number;
    reason?: string | undefined;
    reference?: string | undefined;
    idempotencyKey?: string | undefined;
  }): Promise<Plan> {
    const product = this.product(input.sku);
    const from = this.knownLocation(input.location) ?? (await this.location(input.location));
    const to = this.knownLocation(input.toLocation) ?? (await this.location(input.toLocation, 'toLocation'));
    if (from.id === to.id) {
      throw new AppError('validation_failed', 'A transfer needs two different locations', {
        issues: [{ path: 'toLocation', message: 'is the same as the source location' }],
      });
    }
    const source = this.level(product.id, from.id);
    const target = this.level(product.id, to.id);
    // A transfer moves physical units, so backorders never allow it to dip into reserved stock.
    if (source.on_hand - source.committed < input.quantity) {
      throw new AppError(
        'insufficient_stock',
        `Cannot transfer ${input.quantity}: only ${Math.max(0, source.on_hand - source.committed)} of ${productLabel(product)} available at ${from.name}`,
        { sku: product.sku, location: from.code, onHand: source.on_hand, committed: source.committed },
      );
    }
    this.withinLimit(product, to, 'on hand', target.on_hand + input.quantity, `transfer ${input.quantity}`);
    source.on_hand -= input.quantity;
    target.on_hand += input.quantity;
    this.touch(source);
    this.touch(target);
    const transferId = uuid7();
    return this.stockPlan(
      product,
      [
        this.movement(product, from, -input.quantity, 'transfer', input, null, transferId),
        this.movement(product, to, input.quantity, 'transfer', input, null, transferId),
      ],
      { cause: 'transfer', from: from.code, to: to.code },
    );
  }

  /** Incoming stock rises when a purchase order is placed and falls when it is cancelled or closed; never below zero. */
  private async planIncoming(input: IncomingInput): Promise<Plan> {
    const product = this.product(input.sku);
    const location = this.knownLocation(input.location) ?? (await this.location(input.location));
    const level = this.level(product.id, location.id);
    const incoming = level.incoming + input.quantity;
    if (incoming < 0) {
      throw new AppError(
        'conflict',
        `Cannot take ${-input.quantity} of ${productLabel(product)} off incoming at ${location.name}: only ${level.incoming} are on their way`,
        { sku: product.sku, location: location.code, incoming: level.incoming },
      );
    }
    this.withinLimit(product, location, 'incoming', incoming, `order ${input.quantity}`);
    level.incoming = incoming;
    this.touch(level);
    return this.stockPlan(product, [], { cause: input.cause, purchaseOrderId: input.purchaseOrderId, reference: input.reference, incoming: input.quantity });
  }

  /** Goods of a purchase-order line arrived: a receive movement that names the line, and incoming falls by what was open. */
  private async planPurchaseReceipt(input: PurchaseReceiptInput): Promise<Plan> {
    const product = this.product(input.sku);
    const location = this.knownLocation(input.location) ?? (await this.location(input.location));
    const level = this.level(product.id, location.id);
    this.guard(product, location, level, level.on_hand + input.quantity, level.committed, `receive ${input.quantity}`);
    if (input.incoming > level.incoming) {
      throw new AppError(
        'conflict',
        `Cannot book ${input.incoming} of ${productLabel(product)} as arrived from incoming at ${location.name}: only ${level.incoming} are on their way`,
        { sku: product.sku, location: location.code, incoming: level.incoming },
      );
    }
    level.on_hand += input.quantity;
    level.incoming -= input.incoming;
    this.touch(level);
    const movement = this.movement(product, location, input.quantity, 'receive', input, null, null, input.purchaseOrderLineId);
    return this.stockPlan(product, [movement], {
      cause: 'purchase_order.received',
      purchaseOrderId: input.purchaseOrderId,
      purchaseOrderLineId: input.purchaseOrderLineId,
      incoming: -input.incoming,
    });
  }

  /**
   * An in-store sale: the units are in the customer's hands, so only what is on the shelf and not
   * held for an order can be sold. Backorders never allow it (they are for orders shipped later).
   */
  private async planSell(input: {
    sku: string;
    location?: string | undefined;
    quantity: number;
    reason?: string | undefined;
    reference?: string | undefined;
    idempotencyKey?: string | undefined;
  }): Promise<Plan> {
    const product = this.product(input.sku);
    const location = this.knownLocation(input.location) ?? (await this.location(input.location));
    const level = this.level(product.id, location.id);
    const available = level.on_hand - level.committed;
    if (input.quantity > available) {
      throw new AppError(
        'insufficient_stock',
        `Cannot sell ${input.quantity} of ${productLabel(product)}: only ${Math.max(0, available)} available at ${location.name} ` +
          `(${level.on_hand} on hand, ${level.committed} reserved for orders)`,
        { sku: product.sku, location: location.code, onHand: level.on_hand, committed: level.committed, available },
      );
    }
    level.on_hand -= input.quantity;
    this.touch(level);
    const movement = this.movement(product, location, -input.quantity, 'sale', input, null, null);
    return this.stockPlan(product, [movement], { cause: 'sale' });
  }

  private async planReserve(input: {
    sku: string;
    location?: string | undefined;
    quantity: number;
    reference: string;
    expiresAt?: string | undefined;
    channel?: Channel | undefined;
  }): Promise<Plan> {
    const product = this.product(input.sku);
    if (product.status !== 'active') {
      throw new AppError('conflict', `${productLabel(product)} is ${product.status}; it cannot be reserved`, { sku: product.sku });
    }
    const location = this.knownLocation(input.location) ?? (await this.location(input.location));
    const level = this.level(product.id, location.id);
    this.guard(product, location, level, level.on_hand, level.committed + input.quantity, `reserve ${input.quantity}`);
    let expiresAt: string | null = null;
    if (input.expiresAt) {
      expiresAt = new Date(input.expiresAt).toISOString();
      if (expiresAt <= this.ctx.now) {
        throw new AppError('validation_failed', 'expiresAt is in the past', {
          issues: [{ path: 'expiresAt', message: 'must be in the future' }],
        });
      }
    }
    level.committed += input.quantity;
    this.touch(level);
    const row: ReservationRow = {
      id: uuid7(),
      product_id: product.id,
      location_id: location.id,
      quantity: input.quantity,
      reference: input.reference,
      status: 'held',
      expires_at: expiresAt,
      created_at: this.ctx.now,
      updated_at: this.ctx.now,
      channel: input.channel ?? null,
      settled_by: null,
    };
    this.reservations.set(row.id, row);
    this.dirtyReservations.add(row.id);
    return this.reservationPlan(product, location, row, [], 'reserve');
  }

  private async planSettle(action: 'fulfil' | 'release' | 'expire', id: string, by: SettledBy): Promise<Plan> {
    const reservation = this.reservation(id);
    const product = this.productsById.get(reservation.product_id) as ProductLite;
    const location = (await this.deps.locations.byIdOrLoad(this.ctx.trx, reservation.location_id)) as LocationRecord;
    if (reservation.status !== 'held') {
      throw new AppError('conflict', `Reservation ${id} is already ${reservation.status}`, {
        id,
        status: reservation.status,
      });
    }
    const level = this.level(product.id, location.id);
    const movements: MovementRow[] = [];
    if (action === 'fulfil') {
      if (level.on_hand < reservation.quantity) {
        throw new AppError(
          'insufficient_stock',
          `Cannot ship ${reservation.quantity} of ${productLabel(product)}: only ${level.on_hand} on hand at ${location.name}`,
          { sku: product.sku, location: location.code, onHand: level.on_hand },
        );
      }
      level.on_hand -= reservation.quantity;
      const sale = this.movement(product, location, -reservation.quantity, 'sale', { reference: reservation.reference }, reservation.id, null);
      movements.push(sale);
      this.sales.set(reservation.id, sale.id);
    }
    level.committed -= reservation.quantity;
    this.touch(level);
    reservation.status = action === 'fulfil' ? 'fulfilled' : action === 'release' ? 'released' : 'expired';
    reservation.settled_by = by;
    reservation.updated_at = this.ctx.now;
    this.dirtyReservations.add(reservation.id);
    return this.reservationPlan(product, location, reservation, movements, action);
  }

  /**
   * Takes back a fulfilment made in Stockfeed without touching the ledger's past: a return of the
   * shipped units, naming the sale it corrects, puts them back on hand, and the reservation holds
   * them for the order again. A shipment a sales channel reported is the channel's to take back
   * (a refund with restock), or the two would disagree about the order.
   */
  private async planUndoFulfil(id: string, idempotencyKey: string | undefined): Promise<Plan> {
    const reservation = this.reservation(id);
    const product = this.productsById.get(reservation.product_id) as ProductLite;
    const location = (await this.deps.locations.byIdOrLoad(this.ctx.trx, reservation.location_id)) as LocationRecord;
    const what = `${reservation.quantity} × ${productLabel(product)} for ${reservation.reference}`;
    if (reservation.status !== 'fulfilled') {
      throw new AppError('conflict', `Cannot undo the shipment of ${what}: ${reservation.reference} is ${reservation.status}, not fulfilled`, {
        id,
        status: reservation.status,
      });
    }
    const channel = shippedByChannel({ channel: reservation.channel as Channel | null, settledBy: reservation.settled_by });
    if (channel) {
      throw new AppError(
        'conflict',
        `${CHANNEL_LABEL[channel]} reported ${reservation.reference} shipped, so only ${CHANNEL_LABEL[channel]} can take it back: a refund with restock there returns the units`,
        { id, settledBy: channel },
      );
    }
    const level = this.level(product.id, location.id);
    this.withinLimit(product, location, 'on hand', level.on_hand + reservation.quantity, `undo the shipment of ${what}`);
    this.withinLimit(product, location, 'committed', level.committed + reservation.quantity, `undo the shipment of ${what}`);
    level.on_hand += reservation.quantity;
    level.committed += reservation.quantity;
    this.touch(level);
    const sale = this.sales.get(reservation.id);
    const reason = sale ? `undo of fulfilment ${sale}` : `undo of fulfilment of reservation ${reservation.id}`;
    const movement = this.movement(product, location, reservation.quantity, 'return', { reason, reference: reservation.reference, idempotencyKey }, reservation.id, null);
    reservation.status = 'held';
    reservation.settled_by = null;
    reservation.updated_at = this.ctx.now;
    this.dirtyReservations.add(reservation.id);
    return this.reservationPlan(product, location, reservation, [movement], 'undo-fulfil');
  }

  // ---- building rows and results --------------------------------------------------------------

  private touch(level: LevelRow): void {
    level.updated_at = this.ctx.now;
    this.dirtyLevels.add(level);
  }

  private movement(
    product: ProductLite,
    location: LocationRecord,
    quantity: number,
    kind: MovementKind,
    input: { reason?: string | undefined; reference?: string | undefined; idempotencyKey?: string | undefined },
    reservationId: string | null,
    transferId: string | null,
    purchaseOrderLineId: string | null = null,
  ): MovementRow {
    const who = this.actorColumns();
    return {
      id: uuid7(),
      seq: 0, // numbered in written()
      product_id: product.id,
      location_id: location.id,
      quantity,
      kind,
      reason: input.reason || null,
      reference: input.reference || null,
      idempotency_key: input.idempotencyKey ?? null,
      reservation_id: reservationId,
      transfer_id: transferId,
      purchase_order_line_id: purchaseOrderLineId,
      created_at: this.ctx.now,
      actor_kind: who.actor_kind,
      actor_id: who.actor_id,
      actor_name: who.actor_name,
    };
  }

  /** The current actor's columns, made once per actor rather than once per movement. */
  private actorColumns(): ActorColumns {
    if (this.columnsOf?.actor !== this.actor) this.columnsOf = { actor: this.actor, columns: actorColumns(this.actor) };
    return this.columnsOf.columns;
  }

  /**
   * The product's stock as it stands after the operations planned so far (`levels`, its rows), with
   * the availability rule's verdict on them; the verdict serves crossings() too, decided once.
   */
  private snapshot(product: ProductLite): { stock: StockSnapshot; levels: LevelRow[]; verdict: Verdict } {
    const levels = this.levelsOf(product.id);
    const verdict = availabilityVerdict(product.facts, levels, this.deps, this.today);
    // A loop and a shared comparator, not two closures per operation (an import plans 100,000).
    const byLocation: StockSnapshot['byLocation'] = new Array(levels.length);
    for (let i = 0; i < levels.length; i++) {
      const level = levels[i] as LevelRow;
      byLocation[i] = {
        location: this.deps.locations.cachedById(level.location_id)?.code ?? level.location_id,
        onHand: level.on_hand,
        committed: level.committed,
        incoming: level.incoming,
        available: level.on_hand - level.committed,
      };
    }
    if (byLocation.length > 1) byLocation.sort(byLocationCode);
    const { onHand, committed, incoming, available, availability, availabilityDate } = summaryOf(levels, verdict);
    return { stock: { sku: product.sku, onHand, committed, incoming, available, availability, availabilityDate, byLocation }, levels, verdict };
  }

  private toMovement(row: MovementRow, sku: string): Movement {
    return {
      id: row.id,
      seq: row.seq,
      sku,
      location: this.deps.locations.cachedById(row.location_id)?.code ?? row.location_id,
      quantity: row.quantity,
      kind: row.kind as MovementKind,
      reason: row.reason,
      reference: row.reference,
      reservationId: row.reservation_id,
      transferId: row.transfer_id,
      actor: actorFromColumns(row),
      createdAt: row.created_at,
    };
  }

  private stockPlan(product: ProductLite, movements: MovementRow[], cause: Record<string, unknown>): Plan {
    const { stock, levels, verdict } = this.snapshot(product);
    return {
      change: {
        type: 'stock.changed',
        productId: product.id,
        sku: product.sku,
        // Object.assign, not a spread followed by more keys, which V8 (Node 20) made ≈ 10× slower:
        // ≈ 2 µs an operation, 0.2 s of an import's 100,000 counts (100,000 payloads, 3 rounds).
        // The same keys in the same order.
        payload: Object.assign({}, cause, { movementIds: movements.map((m) => m.id), stock }),
        actor: this.actor,
      },
      followUps: this.crossings(product, levels, verdict),
      movements,
      sku: product.sku,
      stock,
      reservation: null,
    };
  }

  private reservationPlan(
    product: ProductLite,
    location: LocationRecord,
    row: ReservationRow,
    movements: MovementRow[],
    cause: string,
  ): Plan {
    const { stock, levels, verdict } = this.snapshot(product);
    const reservation: Reservation = {
      id: row.id,
      sku: product.sku,
      title: product.title,
      location: location.code,
      locationName: location.name,
      quantity: row.quantity,
      reference: row.reference,
      status: row.status as Reservation['status'],
      channel: row.channel as Reservation['channel'],
      settledBy: row.settled_by as Reservation['settledBy'],
      expiresAt: row.expires_at,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
    return {
      change: {
        type: 'stock.changed',
        productId: product.id,
        sku: product.sku,
        payload: { cause, reservation, movementIds: movements.map((m) => m.id), stock },
        actor: this.actor,
      },
      followUps: this.crossings(product, levels, verdict),
      movements,
      sku: product.sku,
      stock,
      reservation,
    };
  }

  // ---- writes: one multi-row statement per table ----------------------------------------------

  /** The products' totals over every location: load() read all of a product's levels. */
  private totalsOf(productIds: Set<string>): ProductTotals[] {
    return [...productIds].map((id) => {
      const totals: ProductTotals = { product_id: id, total_on_hand: 0, total_committed: 0, total_incoming: 0 };
      for (const level of this.levelsOf(id)) {
        totals.total_on_hand += level.on_hand;
        totals.total_committed += level.committed;
        totals.total_incoming += level.incoming;
      }
      return totals;
    });
  }

  /**
   * The JavaScript of write() that needs no answer from the database: the entries, and with the
   * change log's next number known, the append numbered from it and the rows that carry those
   * numbers (runChunks does it while the chunk before is written).
   */
  prepare(steps: Step[]): PreparedWrite {
    // One append (one multi-row insert) for the operations' entries and their crossings. Loops,
    // not flatMap's array per step: ≈ 0.7 → 0.03 µs an operation (250-operation chunks, 3 rounds).
    const plans: Plan[] = [];
    const entries: NewChange[] = [];
    for (const step of steps) {
      if (step.kind !== 'plan') continue;
      plans.push(step.plan);
      entries.push(step.plan.change);
      for (const followUp of step.plan.followUps) entries.push(followUp);
    }
    // SQLite: the append goes in the stock writes' call, one trip to SQLite's thread fewer per
    // batch (it was 0.40 ms of SQLite's time and a hand-off each way). Measured on the stock bench
    // (16 callers, 1,000 products, 2 cores shared with other work, load ≈ 5, back to back): CPU
    // per movement 253–260 µs before, 231–247 µs after. An import's large appends keep append.
    // PostgreSQL: the append, the stock writes and the NOTIFY in one statement (stock-writes.ts).
    if (this.nextSeq === null || entries.length === 0 || entries.length > INLINE_APPEND_MAX) return { steps, plans, entries, inline: null };
    const nextSeq = this.nextSeq;
    const append = this.ctx.inlineAppend(entries, nextSeq);
    const { values, rows } = this.written(steps, plans, append.changes);
    const outcomes = outcomesOf(steps, values);
    this.release();
    // Only what the write needs is kept: a chunk prepared ahead (runChunks) lives on while the
    // chunk before is written, and its plans, payload objects and read rows, kept that long,
    // outlived young-generation collections and filled the old generation (310 MB more promoted
    // over 100,000 counts, the peak 0.9 → 1.2 GB).
    return { steps: [], plans: [], entries: [], inline: { nextSeq, count: entries.length, append, rows, outcomes } };
  }

  /** Lets go of what the batch read and planned, once its answers and rows are made (prepare). */
  private release(): void {
    this.products.clear();
    this.productsById.clear();
    this.reservations.clear();
    this.sales.clear();
    this.levels.clear();
    this.dirtyLevels.clear();
    this.dirtyReservations.clear();
    this.availability = null;
    this.reorder = null;
  }

  /** The change log's next number after this batch's entries, once prepared (null: not known before they are written). */
  nextSeqAfter(prepared: PreparedWrite): number | null {
    if (prepared.inline) return prepared.inline.nextSeq + prepared.inline.count;
    return prepared.entries.length === 0 ? this.nextSeq : null;
  }

  /** The answers and the rows to write, given the entries' numbers. */
  private written(steps: Step[], plans: Plan[], changes: Change[]): { values: Map<number, StockOutput>; rows: StockRows } {
    const { now } = this.ctx;
    const seqOf = new Map<Plan, number>();
    const values = new Map<number, StockOutput>();
    const keyRows: IdempotencyKeyRow[] = [];
    let at = 0;
    for (const plan of plans) {
      seqOf.set(plan, (changes[at] as { seq: number }).seq);
      at += 1 + plan.followUps.length;
    }
    // The movements carry their operation's number (set here, not copied: an import numbers 100,000).
    const movementRows: MovementRow[] = [];
    for (const plan of plans) {
      const seq = seqOf.get(plan) as number;
      for (const m of plan.movements) {
        m.seq = seq;
        movementRows.push(m);
      }
    }
    // The answers, with their numbers: the idempotency keys keep them, in the same write.
    steps.forEach((step, i) => {
      if (step.kind !== 'plan') return;
      const value = this.answerOf(step.plan, seqOf.get(step.plan) as number);
      values.set(i, value);
      const idem = step.plan.idempotency;
      if (idem) keyRows.push({ key: idem.key, operation: idem.operation, request_hash: idem.hash, response: JSON.stringify(value), created_at: now });
    });
    // Reservations first: a movement may name one this batch created (reserved and shipped at once).
    const reservationRows = [...this.dirtyReservations].map((id) => this.reservations.get(id) as ReservationRow);
    const levelRows = [...this.dirtyLevels];
    const totals = this.totalsOf(new Set(levelRows.map((l) => l.product_id)));
    return { values, rows: { reservations: reservationRows, levels: levelRows, totals, movements: movementRows, keys: keyRows } };
  }

  /** An operation's answer, its movements numbered. */
  private answerOf(plan: Plan, seq: number): StockOutput {
    // Object.assign rather than a spread followed by more keys (see stockPlan).
    if (plan.reservation) return Object.assign({}, plan.reservation, { seq, stock: plan.stock });
    return { seq, movements: plan.movements.map((m) => this.toMovement(m, plan.sku)), stock: plan.stock };
  }

  /**
   * `around` (SQLite): statements run in the same call before and after the writes (runChunks'
   * savepoint).
   */
  async write(steps: Step[], prepared: PreparedWrite = this.prepare(steps), around: AroundWrites | null = null): Promise<Array<Outcome<StockOutput>>> {
    const { inline } = prepared;
    if (inline) {
      const rows = inline.rows as StockRows;
      inline.rows = null;
      this.appended = await this.ctx.appendWith(inline.append, (append, commit) => writeStockRows(this.ctx, rows, append, commit, around));
      return inline.outcomes;
    }
    this.appended = await this.ctx.append(prepared.entries);
    const written = this.written(steps, prepared.plans, this.appended);
    await writeStockRows(this.ctx, written.rows, null, null, around);
    return outcomesOf(steps, written.values);
  }
}

/** A snapshot's locations in the order of their codes. */
function byLocationCode(a: { location: string }, b: { location: string }): number {
  return a.location < b.location ? -1 : 1;
}

/** A refusal's details for too little stock (guard): made only for a refusal, not for every operation checked. */
function shortage(product: ProductLite, location: LocationRecord, level: LevelRow) {
  return { sku: product.sku, location: location.code, onHand: level.on_hand, committed: level.committed, available: level.on_hand - level.committed };
}

/** Each operation's outcome, the answers of the planned ones given by number. */
function outcomesOf(steps: Step[], values: Map<number, StockOutput>): Array<Outcome<StockOutput>> {
  return steps.map((step, i): Outcome<StockOutput> => {
    switch (step.kind) {
      case 'error':
        return { ok: false, error: step.error };
      case 'value':
        return { ok: true, value: step.value };
      case 'plan':
        return { ok: true, value: values.get(i) as StockOutput };
      case 'same-as':
        return { ok: true, value: values.get(step.index) as StockOutput };
    }
  });
}
