/**
 * Many products at once. `apply` is products.bulk: a short list of SKUs in one transaction, all
 * or nothing. A bulk job names any number of products (a whole filtered list of 100,000) and
 * runs here in the core, one transaction per batch on the single write path, so stock writes
 * queued meanwhile go in between batches instead of waiting for the whole job; the change log and
 * webhooks see every product.updated as for a single edit. Its progress is polled, it can be
 * cancelled after any batch, and it carries on when the screen that started it goes away. Jobs live
 * in this process's memory: a restart ends a running job after its last committed batch.
 */
import type { Output, ParsedInput } from '../../../shared/contract';
import { AppError, type FieldIssue } from '../../../shared/errors';
import { BULK_JOB_REFUSALS_LISTED, type BulkJob } from '../../../shared/schemas/product-bulk';
import { withIdempotency } from '../idempotency';
import type { Logger } from '../logger';
import type { SummaryContext } from '../stock/stock-summary';
import { chunkValues, nowIso, type Db } from '../util/db-helpers';
import { uuid7 } from '../util/uuid7';
import type { ExclusiveWriter, WriteContext } from '../write-queue';
import { editProduct, writeEdits, type BulkEdit, type EditOutcome } from './bulk-edit';
import { matchingProducts } from './product-list';
import type { ProductRow } from './product-repository';

export type ProductBulkDeps = {
  db: Db;
  queue: ExclusiveWriter;
  summary: SummaryContext;
  log: Logger;
  /** Products per transaction; tests make it small to watch a job's progress. */
  batchSize?: number;
};

/** Products per transaction: ~50 ms of work, so a stock write waits at most about that long. */
const DEFAULT_BATCH = 500;
/** Finished jobs kept for GET after they end (running ones are always kept). */
const KEPT_JOBS = 50;

/** A product a job works on: its id when it existed at the start, null for a SKU nobody has. */
type Target = { id: string | null; sku: string };

type Job = { view: BulkJob; targets: Target[]; edit: BulkEdit; cancel: boolean; done: Promise<void> };

type BatchResult = { updated: number; unchanged: number; refusals: Array<{ sku: string; message: string }> };

function editOf(input: BulkEdit): BulkEdit {
  const { action, bufferStock, status, price, percent, salePrice, percentOff } = input;
  return { action, bufferStock, status, price, percent, salePrice, percentOff };
}

function changedOnly(outcomes: EditOutcome[]): Array<Extract<EditOutcome, { kind: 'changed' }>> {
  return outcomes.filter((o): o is Extract<EditOutcome, { kind: 'changed' }> => o.kind === 'changed');
}

export class ProductBulk {
  private readonly jobs = new Map<string, Job>();
  private readonly batchSize: number;

  constructor(private readonly deps: ProductBulkDeps) {
    this.batchSize = deps.batchSize ?? DEFAULT_BATCH;
  }

  /** products.bulk: every SKU must exist and take the change, or nothing is written. */
  apply(input: ParsedInput<'products.bulk'>): Promise<Output<'products.bulk'>> {
    const edit = editOf(input);
    return this.deps.queue.exclusive((ctx) =>
      withIdempotency(ctx, 'products.bulk', input, async () => {
        const skus = [...new Set(input.skus)];
        const bySku = new Map((await ctx.trx('products').whereIn('sku', skus) as ProductRow[]).map((r) => [r.sku, r]));
        const missing = skus.find((sku) => !bySku.has(sku));
        if (missing) throw new AppError('not_found', `No product with SKU "${missing}"`, { field: 'skus', sku: missing });
        const outcomes = skus.map((sku) => editProduct(bySku.get(sku) as ProductRow, edit, ctx.now));
        const issues: FieldIssue[] = [];
        outcomes.forEach((o, i) => {
          if (o.kind === 'refused') issues.push({ path: 'skus', message: `${skus[i]}: ${o.message}` });
        });
        if (issues.length > 0) {
          throw new AppError('validation_failed', `${issues.length} of ${skus.length} products cannot take this change, so none was changed: ${(issues[0] as FieldIssue).message}`, { issues });
        }
        const changed = changedOnly(outcomes);
        await writeEdits(ctx, changed, this.deps.summary);
        return { updated: changed.length, unchanged: skus.length - changed.length };
      }),
    );
  }

  /** Starts a job and answers at once (202); the products it covers are fixed now. */
  async start(input: ParsedInput<'products.bulkJobs.start'>): Promise<BulkJob> {
    const targets = input.filter ? await matchingProducts(this.listDeps(), input.filter) : await this.targetsBySku(input.skus ?? []);
    const started: { job: Job | null } = { job: null };
    const answer = await this.deps.queue.exclusive((ctx) =>
      // A retried start (same Idempotency-Key) answers the first job instead of starting another.
      withIdempotency(ctx, 'products.bulkJobs.start', input, async () => {
        const job: Job = {
          view: {
            id: uuid7(),
            state: 'running',
            action: input.action,
            total: targets.length,
            processed: 0,
            updated: 0,
            unchanged: 0,
            refused: 0,
            refusals: [],
            error: null,
            startedAt: ctx.now,
            finishedAt: null,
          },
          targets,
          edit: editOf(input),
          cancel: false,
          done: Promise.resolve(),
        };
        ctx.afterCommit(() => {
          started.job = job;
        });
        return { ...job.view };
      }),
    );
    const job = started.job as Job | null;
    if (job) {
      this.keep(job);
      job.done = this.run(job);
    }
    return this.view(answer.id) ?? answer;
  }

  get(id: string): BulkJob {
    const view = this.view(id);
    if (!view) throw this.unknown(id);
    return view;
  }

  list(): { jobs: BulkJob[] } {
    const jobs = [...this.jobs.values()].map((j) => ({ ...j.view, refusals: [...j.view.refusals] }));
    return { jobs: jobs.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0)) };
  }

  /** Stops a job after the batch in progress and answers it as it stopped; a finished job as it is. */
  async cancel(id: string): Promise<BulkJob> {
    const job = this.jobs.get(id);
    if (!job) throw this.unknown(id);
    job.cancel = true;
    await job.done;
    return this.get(id);
  }

  /** Stops every running job (the core is closing); what they committed stays. */
  async stop(): Promise<void> {
    const jobs = [...this.jobs.values()];
    for (const job of jobs) job.cancel = true;
    await Promise.all(jobs.map((j) => j.done));
  }

  private listDeps() {
    return { db: this.deps.db, locations: this.deps.summary.locations, shopBufferStock: this.deps.summary.shopBufferStock() };
  }

  private unknown(id: string): AppError {
    return new AppError('not_found', `No bulk job ${id} on this server (jobs are kept until it restarts)`);
  }

  private view(id: string): BulkJob | null {
    const job = this.jobs.get(id);
    return job ? { ...job.view, refusals: [...job.view.refusals] } : null;
  }

  private keep(job: Job): void {
    this.jobs.set(job.view.id, job);
    const finished = [...this.jobs.values()].filter((j) => j.view.state !== 'running');
    for (const old of finished.slice(0, Math.max(0, finished.length - KEPT_JOBS))) this.jobs.delete(old.view.id);
  }

  private async targetsBySku(skus: string[]): Promise<Target[]> {
    const unique = [...new Set(skus)];
    const ids = new Map<string, string>();
    for (const chunk of chunkValues(unique, 5000)) {
      const rows = (await this.deps.db('products').select('id', 'sku').whereIn('sku', chunk)) as Array<{ id: string; sku: string }>;
      for (const r of rows) ids.set(r.sku, r.id);
    }
    return unique.map((sku) => ({ id: ids.get(sku) ?? null, sku }));
  }

  private async run(job: Job): Promise<void> {
    const { view } = job;
    try {
      for (let i = 0; i < job.targets.length; i += this.batchSize) {
        if (job.cancel) break;
        const slice = job.targets.slice(i, i + this.batchSize);
        const result = await this.deps.queue.exclusive((ctx) => (job.cancel ? Promise.resolve(null) : this.applyBatch(ctx, slice, job.edit)));
        if (!result) break;
        view.processed += slice.length;
        view.updated += result.updated;
        view.unchanged += result.unchanged;
        view.refused += result.refusals.length;
        for (const r of result.refusals) if (view.refusals.length < BULK_JOB_REFUSALS_LISTED) view.refusals.push(r);
      }
      view.state = view.processed < view.total && job.cancel ? 'cancelled' : 'finished';
    } catch (error) {
      view.state = 'failed';
      view.error = (error as Error).message;
      this.deps.log.error(`bulk job ${view.id} (${view.action}) stopped after ${view.processed} of ${view.total} products: ${view.error}`);
    } finally {
      view.finishedAt = nowIso();
      // Trim the kept jobs now this one is finished too.
      this.keep(job);
    }
  }

  /** One batch in one transaction: each product changed, unchanged or refused on its own. */
  private async applyBatch(ctx: WriteContext, slice: Target[], edit: BulkEdit): Promise<BatchResult> {
    const ids = slice.flatMap((t) => (t.id ? [t.id] : []));
    const rows = new Map(((await ctx.trx('products').whereIn('id', ids)) as ProductRow[]).map((r) => [r.id, r]));
    const refusals: BatchResult['refusals'] = [];
    const outcomes: EditOutcome[] = [];
    for (const target of slice) {
      const row = target.id ? rows.get(target.id) : undefined;
      if (!row) {
        refusals.push({ sku: target.sku, message: target.id ? 'it was deleted before the job reached it' : 'no product has this SKU' });
        continue;
      }
      const outcome = editProduct(row, edit, ctx.now);
      if (outcome.kind === 'refused') refusals.push({ sku: row.sku, message: outcome.message });
      else outcomes.push(outcome);
    }
    const changed = changedOnly(outcomes);
    await writeEdits(ctx, changed, this.deps.summary);
    return { updated: changed.length, unchanged: outcomes.length - changed.length, refusals };
  }
}
