/**
 * The publisher: reacts to committed changes and keeps the publish folder equal to the database.
 * It reads the change log (the bus only wakes it up), so changes made by another process sharing
 * the database are published too and nothing is skipped; bursts are coalesced into one publish.
 */
import path from 'node:path';
import type { Availability } from '../../../shared/domain/availability';
import { AppError } from '../../../shared/errors';
import { AVAILABILITIES } from '../../../shared/domain/availability';
import type { ArtifactName, PublishIssues, PublishStatus } from '../../../shared/schemas/publish';
import { ARTIFACTS } from '../../../shared/schemas/publish';
import type { ChangeBus } from '../changes/change-log';
import type { LeaderLease } from '../leases/leader-lease';
import { latestSeq } from '../changes/change-log';
import { diskFullSentence, isDiskFull } from '../db/storage-errors';
import { num } from '../util/db-helpers';
import { FILE_NAMES } from './artifacts';
import { COLLECTIONS_DIR } from './collection-render';
import { newCollectionsState } from './collection-stage';
import { avoidPretenuring } from './pretenuring';
import { defaultPublishDir } from './publish-folder';
import { listProblems, loadArtifactStates } from './publish-store';
import { runPublish } from './publish-run';
import { newRunState, type RunDeps, type RunReport, type RunRequest, type RunState } from './run-state';
import type { PublishOutcome, TargetStatus } from './types';
import { shopProblems } from './validate';

/** Settings whose change alters the published files (the rest concern delivery or stock entry). */
const OUTPUT_SETTINGS = new Set([
  'shopName', 'shopUrl', 'productUrlTemplate', 'defaultBrand', 'publishDir', 'artifacts', 'bufferStock', 'keepOutOfStockInSitemap', 'gzip',
  'openAiFeed', 'discontinuedRedirect', 'redirectRetentionDays', 'collectionUrlTemplate', 'brandUrlTemplate', 'emptyCollections',
]);

/** Change types that touch one product's published content. */
// A deleted product is looked up, not found, and taken out of every file (like an archived one).
const PRODUCT_CHANGES = new Set(['stock.changed', 'reservation.changed', 'product.created', 'product.updated', 'product.deleted', 'availability.changed']);

/** More products than this in one batch of changes: a full pass is cheaper than many lookups. */
const FULL_THRESHOLD = 5_000;
const CHANGE_PAGE = 5_000;

export type PublisherOptions = {
  /** How often to look for changes committed by other processes (ms); 0 turns polling off. */
  pollMs?: number;
  /** Status of the delivery targets (SFTP, IndexNow). */
  targets?: () => TargetStatus[];
  /**
   * Several servers on one database: only the holder of this lease publishes once started; the
   * others follow the log without publishing, and the one that takes the lease over catches up.
   */
  lease?: Pick<LeaderLease, 'start' | 'stop' | 'held' | 'onChange' | 'holder'>;
};

type Listener = (outcome: PublishOutcome) => void;

export class Publisher {
  private readonly state: RunState = newRunState();
  private cursor = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private scheduled = false;
  private running = false;
  private started = false;
  private stopped = false;
  private unsubscribe: (() => void) | null = null;
  private timers: NodeJS.Timeout[] = [];
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private lastError: string | null = null;
  private lastPublishedAt: string | null = null;
  private lastReport: RunReport | null = null;
  private readonly listeners = new Set<Listener>();
  private loaded = false;
  private stopLeaseWatch: (() => void) | null = null;

  constructor(
    private readonly deps: RunDeps & { bus: ChangeBus },
    private readonly options: PublisherOptions = {},
  ) {
    // A full publish's page-at-a-time bursts mislead V8's pretenuring (see pretenuring.ts).
    avoidPretenuring();
  }

  /** Starts publishing: catches up with the database now, then follows every committed change. */
  start(): Promise<void> {
    if (this.started) return this.chain.then(() => undefined);
    this.started = true;
    this.unsubscribe = this.deps.bus.subscribe((changes) => {
      if (changes.some((c) => c.type !== 'published')) this.schedule();
    });
    const pollMs = this.options.pollMs ?? 5_000;
    if (pollMs > 0) {
      const poll = setInterval(() => {
        if (this.running || this.scheduled) return;
        latestSeq(this.deps.db)
          .then((seq) => {
            if (seq > this.cursor) this.schedule();
          })
          .catch(() => undefined);
      }, pollMs);
      poll.unref();
      this.timers.push(poll);
    }
    this.scheduleMidnight();
    const lease = this.options.lease;
    if (lease) {
      // Taking the lease over (at start or after the holder crashed): catch up with a full pass.
      this.stopLeaseWatch = lease.onChange((held) => {
        if (held && !this.stopped) this.enqueue({ mode: 'full', force: false }).catch(() => undefined);
      });
      return lease.start().then(() => this.idle());
    }
    return this.enqueue({ mode: 'full', force: false }).then(() => undefined);
  }

  /** Whether this process publishes what it follows: always, unless another server holds the lease. */
  private publishesHere(): boolean {
    return !this.started || !this.options.lease || this.options.lease.held();
  }

  /** Publishes now and returns the status; `full` rewrites every file from the database. */
  async runNow(full: boolean): Promise<PublishStatus> {
    if (!this.publishesHere()) {
      const holder = await this.options.lease?.holder();
      throw new AppError(
        'conflict',
        `This server does not publish: ${holder ? `the server ${holder.holder} does (its lease runs until ${holder.expiresAt})` : 'another server does'}; publish from that server, or wait until it stops and this one takes over`,
      );
    }
    await this.enqueue({ mode: 'full', force: full });
    return this.status();
  }

  /**
   * After the database was replaced (a restore): forgets what it knew of the old one and rewrites
   * every file from the new one.
   */
  rebuild(): Promise<void> {
    const run = this.chain.catch(() => undefined).then(() => {
      this.state.cache = null;
      this.state.artifacts = new Map();
      this.state.redirects = null;
      this.state.collections = newCollectionsState();
      this.state.pending.clear();
      this.loaded = false;
      return this.cycle({ mode: 'full', force: true });
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Announces every finished publish that changed the folder (for delivery targets). */
  onPublished(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when no publish is running or queued. */
  async idle(): Promise<void> {
    for (;;) {
      const current = this.chain;
      await current.catch(() => undefined);
      if (current === this.chain) return;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.stopLeaseWatch?.();
    for (const t of this.timers) clearInterval(t);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.idle();
    await this.state.background;
    // After the last publish: the next server takes over at once, with nothing half-written.
    await this.options.lease?.stop();
  }

  /** The publish folder the settings name now. */
  publishDir(): string {
    return this.deps.publishDir();
  }

  get lastRun(): RunReport | null {
    return this.lastReport;
  }

  private scheduleMidnight(): void {
    // Preorder dates pass at midnight (UTC, like the availability rule) without any change in the log.
    const now = new Date();
    const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, 0, 0, 5);
    const timer = setTimeout(() => {
      if (this.stopped) return;
      this.enqueue({ mode: 'full', force: false }).catch(() => undefined);
      this.scheduleMidnight();
    }, next - now.getTime());
    timer.unref();
    this.timers.push(timer);
  }

  /** Coalesces: while a publish runs, any number of wake-ups add exactly one more. */
  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    this.chain = this.chain
      .catch(() => undefined)
      .then(async () => {
        this.scheduled = false;
        await this.cycle(null);
      })
      .catch(() => undefined);
  }

  private enqueue(request: RunRequest): Promise<void> {
    const run = this.chain.catch(() => undefined).then(() => this.cycle(request));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Reads the change log after the cursor and publishes what it affects. */
  private async cycle(explicit: RunRequest | null): Promise<void> {
    if (this.stopped && explicit === null) return;
    // Not the leader: the cursor stays, so whoever holds the lease (or this server, once it takes
    // it over) publishes from the log.
    if (!this.publishesHere()) return;
    this.running = true;
    try {
      let request = explicit;
      if (!request) {
        if (!this.state.cache) request = { mode: 'full', force: false };
        else request = await this.affected();
      }
      if (request === null) return;
      const report = await runPublish(this.deps, this.state, request);
      // A full publish read the database after `report.seq`; an incremental one covers the changes it read.
      this.cursor = Math.max(this.cursor, report.seq);
      this.lastReport = report;
      this.failures = 0;
      this.lastError = null;
      // Products a full publish saw out of place (they changed while it read) go out right after.
      if (this.state.pending.size > 0) this.schedule();
      if (report.wrote) {
        this.lastPublishedAt = new Date().toISOString();
        for (const l of this.listeners) {
          try {
            l(report.outcome);
          } catch (error) {
            this.deps.log.error(`a publish listener failed: ${(error as Error).message}`);
          }
        }
      }
    } catch (error) {
      // The cache may be ahead of the folder now: rebuild from the database next time.
      this.state.cache = null;
      this.state.redirects = null;
      this.failures++;
      this.lastError = this.describeFailure(error);
      this.deps.log.error(`publishing failed: ${(error as Error).message}`);
      if (!this.stopped && this.started) {
        const delay = Math.min(60_000, 1_000 * 2 ** Math.min(this.failures, 6));
        if (this.retryTimer) clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.schedule(), delay);
        this.retryTimer.unref();
      }
      if (explicit) throw error;
    } finally {
      this.running = false;
    }
  }

  /**
   * A full publish folder's disk says so, naming the folder: the owner frees space and the retry
   * below catches up. (The database's full disk arrives as insufficient_storage, already worded.)
   */
  private describeFailure(error: unknown): string {
    if (isDiskFull(error) && !(error instanceof AppError)) {
      return `${diskFullSentence(this.deps.publishDir())}; publishing tries again by itself (${(error as Error).message}).`;
    }
    return (error as Error).message;
  }

  /** What the changes after the cursor affect: a set of products, everything, or nothing. */
  private async affected(): Promise<RunRequest | null> {
    const ids = new Set<string>(this.state.pending);
    let full = false;
    let cursor = this.cursor;
    for (;;) {
      const rows = (await this.deps.db('changes')
        .select('seq', 'type', 'product_id', 'payload')
        .where('seq', '>', cursor)
        .orderBy('seq')
        .limit(CHANGE_PAGE)) as Array<{ seq: number | string; type: string; product_id: string | null; payload: string }>;
      for (const r of rows) {
        if (r.type === 'settings.updated') {
          const changed = (JSON.parse(r.payload) as { changed?: string[] }).changed ?? [];
          if (changed.some((k) => OUTPUT_SETTINGS.has(k))) full = true;
        } else if (PRODUCT_CHANGES.has(r.type) && r.product_id) {
          ids.add(r.product_id);
        } else if (r.type.startsWith('purchase_order.')) {
          // A PO's expected dates date its products' backorders, also when no stock moved (an edited date).
          const productIds = (JSON.parse(r.payload) as { productIds?: unknown }).productIds;
          if (Array.isArray(productIds)) for (const id of productIds) if (typeof id === 'string') ids.add(id);
        }
      }
      if (rows.length > 0) cursor = num((rows[rows.length - 1] as { seq: number | string }).seq);
      if (rows.length < CHANGE_PAGE || full || ids.size > FULL_THRESHOLD) break;
    }
    if (full || ids.size > FULL_THRESHOLD) return { mode: 'full', force: false };
    if (ids.size === 0) {
      this.cursor = cursor;
      return null;
    }
    return { mode: 'incremental', ids, upTo: cursor };
  }

  /** Per-artifact and per-target status; reads the database when this process has not published yet. */
  async status(): Promise<PublishStatus> {
    if (!this.loaded || this.state.artifacts.size === 0) {
      const stored = await loadArtifactStates(this.deps.db);
      if (this.state.artifacts.size === 0) this.state.artifacts = stored;
      this.loaded = true;
    }
    const settings = this.deps.settings();
    const artifacts = ARTIFACTS.map((artifact) => {
      const s = this.state.artifacts.get(artifact);
      const enabled = artifact === 'manifest' ? true : settings.artifacts[artifact as Exclude<ArtifactName, 'manifest'>];
      return {
        artifact,
        enabled,
        files:
          artifact === 'jsonLd'
            ? s ? ['jsonld/'] : []
            : artifact === 'collections'
              ? s && s.details.counts.items > 0 ? [`${COLLECTIONS_DIR}/`, ...s.details.files.map((f) => f.name)] : []
              : (s?.details.files.map((f) => f.name) ?? (artifact === 'manifest' ? [FILE_NAMES.manifest] : [])),
        seq: s?.seq ?? null,
        writtenAt: s?.writtenAt ?? null,
        durationMs: s?.durationMs === null || s?.durationMs === undefined ? null : Math.round(s.durationMs),
        counts: s?.details.counts ?? { items: 0, excluded: 0, files: 0, bytes: 0 },
        error: s?.error ?? (enabled ? this.lastError : null),
      };
    });
    const cache = this.state.cache;
    // Without a cache yet (its start-up pass still building), the counts of the recorded products.
    const { availability, ...products } = cache
      ? cache.tally()
      : { availability: Object.fromEntries(AVAILABILITIES.map((a) => [a, 0])) as Record<Availability, number>, ...(await this.recordedCounts()) };
    const manifest = this.state.artifacts.get('manifest');
    return {
      publishDir: this.deps.publishDir(),
      seq: manifest?.seq ?? null,
      latestSeq: await latestSeq(this.deps.db),
      running: this.running,
      lastPublishedAt: this.lastPublishedAt ?? manifest?.writtenAt ?? null,
      lastError: this.lastError,
      products,
      availability,
      artifacts,
      targets: this.options.targets?.() ?? [],
    };
  }

  /** How many products the last publish recorded, in the feed, in the sitemap and with problems. */
  private async recordedCounts(): Promise<{ total: number; inFeed: number; inSitemap: number; withIssues: number }> {
    const db = this.deps.db;
    const row = (await db('published_products')
      .select(
        db.raw('count(*) as total'),
        db.raw('sum(case when in_feed then 1 else 0 end) as in_feed'),
        db.raw('sum(case when in_sitemap then 1 else 0 end) as in_sitemap'),
        db.raw('sum(case when issue_count > 0 then 1 else 0 end) as with_issues'),
      )
      .first()) as { total: unknown; in_feed: unknown; in_sitemap: unknown; with_issues: unknown } | undefined;
    return { total: num(row?.total), inFeed: num(row?.in_feed), inSitemap: num(row?.in_sitemap), withIssues: num(row?.with_issues) };
  }

  /** Products left out of outputs, with the reason and the fix, from the last publish. */
  async issues(input: { limit: number; cursor?: string | undefined }): Promise<PublishIssues> {
    const { page, total, next } = await listProblems(this.deps.db, input.limit, input.cursor);
    const states = this.state.artifacts.size > 0 ? this.state.artifacts : await loadArtifactStates(this.deps.db);
    return {
      seq: states.get('manifest')?.seq ?? null,
      shop: shopProblems(this.deps.settings()),
      products: page.map((r) => ({ productId: r.id, sku: r.sku, problems: r.problems })),
      total,
      next,
    };
  }
}

/**
 * `<data folder>/publish` unless the settings name another folder. Settings refuse a relative path
 * now; one saved by an earlier version is still taken as below the data folder, as it was then.
 */
export function resolvePublishDir(dataDir: string, publishDir: string | null): string {
  return publishDir === null ? defaultPublishDir(dataDir) : path.resolve(dataDir, publishDir);
}
