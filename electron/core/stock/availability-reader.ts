/**
 * What a storefront may show for a SKU, read through the read cache. The figures come from the
 * one availability rule (stock-summary.ts), as the Merchant feed's do; the cache keeps answers
 * until the change log says they changed (availabilityKeys below).
 */
import { utcToday } from '../../../shared/domain/availability';
import { AppError } from '../../../shared/errors';
import type { StorefrontAvailability } from '../../../shared/schemas/availability';
import type { Change } from '../../../shared/schemas/changes';
import type { CacheMark, ReadCache } from '../cache/read-cache';
import { unreadPayloadText } from '../changes/change-log';
import { chunkValues, type Db } from '../util/db-helpers';
import { availabilityVerdict, levelsByProduct, type ProductFacts, type SummaryContext } from './stock-summary';
import { storefrontAnswer } from './storefront-answer';

type Cached = StorefrontAvailability | null;

/** Change types after which nothing cached may be trusted: they change the rule's inputs for every product. */
const EVERYTHING = new Set(['settings.updated', 'location.created']);

/**
 * The cache keys a batch of changes makes stale: the SKUs they name (and a renamed product's old
 * SKU), or everything.
 */
export function availabilityKeys(changes: Change[]): string[] | 'all' {
  const skus = new Set<string>();
  for (const change of changes) {
    if (EVERYTHING.has(change.type)) return 'all';
    if (change.sku) skus.add(change.sku);
    if (change.type !== 'product.updated') continue;
    // Only here: a change's payload is parsed when first read (change-log.ts), and most never are.
    // A text that never writes "sku" has no SKU in `before`: an import's commit parsed every one
    // of its 100,000 updated products' payloads here while the writer waited for its answer.
    const text = unreadPayloadText(change);
    if (text !== undefined && !text.includes('"sku"')) continue;
    const before = (change.payload as { before?: { sku?: unknown } }).before;
    if (typeof before?.sku === 'string') skus.add(before.sku);
  }
  return [...skus];
}

const DAY_MS = 86_400_000;

/**
 * A stock batch's answers, handed over by the stock engine once it has written them (before
 * COMMIT): by SKU, what each product it changed will be answered; the change-log entries the batch
 * appended (the commit they come with is recognised by them); the day they were worked out for.
 */
export type BatchAnswers = { settle(answers: Map<string, StorefrontAvailability>, appended: Change[], today: string): void };

type Held = { mark: CacheMark; answers: Map<string, StorefrontAvailability> | null; appended: Change[] };

export class AvailabilityReader {
  private day = utcToday();
  /** Whole UTC days since 1970 when `day` was taken: a number to compare per read, not a date to format (2% of a cached read). */
  private dayNumber = Math.floor(Date.now() / DAY_MS);
  /** The running stock batch's answers (the write queue runs one transaction at a time). */
  private held: Held | null = null;

  constructor(
    private readonly db: Db,
    private readonly ctx: SummaryContext,
    private readonly cache: ReadCache,
  ) {}

  async list(skus: string[]): Promise<{ items: StorefrontAvailability[]; unknown: string[] }> {
    const found = await this.read(skus);
    const items: StorefrontAvailability[] = [];
    const unknown: string[] = [];
    for (const sku of skus) {
      const value = found.get(sku);
      if (value) items.push(value);
      else unknown.push(sku);
    }
    return { items, unknown };
  }

  async get(sku: string): Promise<StorefrontAvailability> {
    const value = (await this.read([sku])).get(sku);
    if (!value) throw new AppError('not_found', `No product with SKU ${sku}`, { field: 'sku', sku });
    return value;
  }

  /**
   * What the cache does when `changes` committed (a commit hook, so before the writer is answered;
   * or before another server's entries are delivered): drops the answers they made stale, and
   * resolves once no later read can see those. Then reads again, in the background, the answers
   * among them that were at hand, so the next storefront read finds the new answer at hand too
   * rather than reading it from the database itself. In the serve bench (500 writes/s over 1,000
   * products, 10,000 reads/s over 200 of them) one read in a hundred was such a miss, waiting for
   * two statements on a busy machine: the reads that set the p99. An answer nobody had asked for
   * is not read again (a write to a product no storefront shows costs nothing more), nor is
   * everything after a change that makes every answer stale.
   */
  async changed(changes: Change[]): Promise<void> {
    const keys = availabilityKeys(changes);
    const shown = keys === 'all' ? [] : keys.filter((sku) => this.cache.peek<Cached>(sku) !== undefined);
    await this.cache.invalidate(keys);
    // Read after the commit, so it reads the change; the cache stores nothing a later
    // invalidation overtook (read-cache.ts). A failure leaves the answer to the next read.
    if (shown.length > 0) void this.read(shown).catch(() => undefined);
  }

  /**
   * Called by the stock engine as a batch starts (before it reads anything): the cache marks the
   * point after which an invalidation makes the batch's answers unusable, since such a change (on
   * another server, or a purchase order's dates reloaded) may not be in them. Null: the cache takes
   * no marks (Redis, none), and the commit is handled by changed() alone.
   */
  beginBatch(): BatchAnswers | null {
    this.dropHeld();
    const mark = this.cache.mark?.();
    if (!mark) return null;
    const held: Held = { mark, answers: null, appended: [] };
    this.held = held;
    return {
      settle: (answers, appended, today) => {
        if (this.held !== held || today !== this.day || appended.length === 0) return;
        held.answers = answers;
        held.appended = appended;
      },
    };
  }

  /** Forgets the running batch's answers (its transaction rolled back, or a new one began). */
  dropHeld(): void {
    const held = this.held;
    this.held = null;
    if (held) this.cache.release?.(held.mark);
  }

  /**
   * The write queue's commit hook (a commit of this server): as changed(), except that when the
   * commit is exactly a stock batch that settled its answers, those answers replace the cached
   * ones at once, with no read of the database and no moment without an answer at hand; a SKU
   * invalidated since the batch began is dropped and read again instead, as changed() does.
   * Measured in the serve bench: the background read was a statement per commit touching a
   * storefront's SKU (knex, a pooled connection, a round trip), and the reads arriving before it
   * came back missed the cache and waited for the database.
   */
  async committedHere(changes: Change[]): Promise<void> {
    const held = this.held;
    this.held = null;
    try {
      const answers = held?.answers;
      if (!held || !answers || !sameEntries(changes, held.appended)) return await this.changed(changes);
      const keys = availabilityKeys(changes);
      if (keys === 'all') return await this.changed(changes);
      const fresh = new Map<string, Cached>();
      const rest: string[] = [];
      for (const sku of keys) {
        const answer = answers.get(sku);
        // As changed(): only answers someone asked for are kept at hand.
        if (answer && this.cache.peek<Cached>(sku) !== undefined) fresh.set(sku, answer);
        else rest.push(sku);
      }
      const refused = fresh.size > 0 ? (this.cache.replace?.(held.mark, fresh) ?? [...fresh.keys()]) : [];
      const shown = [...rest.filter((sku) => this.cache.peek<Cached>(sku) !== undefined), ...refused];
      await this.cache.invalidate(rest);
      if (shown.length > 0) void this.read(shown).catch(() => undefined);
    } finally {
      if (held) this.cache.release?.(held.mark);
    }
  }

  /**
   * The answer for one SKU when the cache has it at hand (the in-process cache), without waiting
   * for anything; undefined when it must be read (not cached, an unknown SKU, a new day, a cache
   * in Redis): then get() answers. As current as get(), which reads the same entries.
   */
  peek(sku: string): StorefrontAvailability | undefined {
    if (!this.sameDay()) return undefined;
    return this.cache.peek<Cached>(sku) ?? undefined;
  }

  /** list() when every SKU's answer is at hand, as peek(); undefined otherwise. */
  peekList(skus: string[]): { items: StorefrontAvailability[]; unknown: string[] } | undefined {
    if (!this.sameDay()) return undefined;
    const items: StorefrontAvailability[] = [];
    const unknown: string[] = [];
    for (const sku of skus) {
      const value = this.cache.peek<Cached>(sku);
      if (value === undefined) return undefined;
      if (value) items.push(value);
      else unknown.push(sku);
    }
    return { items, unknown };
  }

  /** Still the UTC day the cached answers were worked out for (read() starts a new one afresh). */
  private sameDay(): boolean {
    return Math.floor(Date.now() / DAY_MS) === this.dayNumber;
  }

  /** Keyed by SKU, as the change log names them (an unknown SKU is cached as null too). */
  private async read(skus: string[]): Promise<Map<string, Cached>> {
    // A preorder date passes at midnight without any change in the log: a new day starts afresh.
    const dayNumber = Math.floor(Date.now() / DAY_MS);
    if (dayNumber !== this.dayNumber) {
      const day = utcToday();
      this.dayNumber = dayNumber;
      if (day !== this.day) {
        this.day = day;
        await this.cache.invalidate('all');
      }
    }
    const today = this.day;
    return this.cache.getMany<Cached>(skus, async (missing) => {
      const loaded = await this.load(missing, today);
      return new Map(missing.map((sku) => [sku, loaded.get(sku) ?? null]));
    });
  }

  /**
   * The products and their stock rows in one statement (a LEFT JOIN, a row per stock row): a read
   * that missed the cache, and the background re-read of changed() above, wait for one round trip
   * to the database, not two (products, then their stock), and the cache's window without the
   * answer is that much shorter.
   */
  private async load(skus: string[], today: string): Promise<Map<string, StorefrontAvailability>> {
    const rows: JoinedRow[] = [];
    for (const chunk of chunkValues(skus)) {
      rows.push(
        ...((await this.db('products as p')
          .leftJoin('stock_levels as s', 's.product_id', 'p.id')
          .select('p.id', 'p.sku', 'p.status', 'p.allow_backorder', 'p.preorder_date', 'p.buffer_stock', 's.location_id', 's.on_hand', 's.committed', 's.incoming')
          .whereIn('p.sku', chunk)) as JoinedRow[]),
      );
    }
    const products = new Map<string, JoinedRow>();
    for (const row of rows) if (!products.has(row.id)) products.set(row.id, row);
    const levels = levelsByProduct(rows.filter((row) => row.location_id !== null).map((row) => ({ ...row, product_id: row.id, location_id: row.location_id as string })));
    const out = new Map<string, StorefrontAvailability>();
    for (const product of products.values()) {
      out.set(product.sku, storefrontAnswer(product.sku, availabilityVerdict(product, levels.get(product.id) ?? [], this.ctx, today)));
    }
    return out;
  }
}

/** A product with one of its stock rows (no stock row: the stock columns are null). */
type JoinedRow = ProductFacts & { sku: string; location_id: string | null; on_hand: number; committed: number; incoming: number };

/** The same change-log entries (the batch's own, and nothing else committed with them). */
function sameEntries(changes: Change[], appended: Change[]): boolean {
  if (changes.length !== appended.length) return false;
  for (let i = 0; i < changes.length; i++) if (changes[i]?.seq !== appended[i]?.seq) return false;
  return true;
}
