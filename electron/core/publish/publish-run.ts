/**
 * One publish, full or incremental, as four stages: plan (which products: the whole catalogue in
 * SKU order, or those a change touched; plan.ts), render (each product's record and fragments,
 * sealed against what it published before; render.ts), write (the files, replaced atomically;
 * write.ts, jsonld-writer.ts) and record (the state, the per-product records and a `published`
 * change, in one transaction; record.ts).
 *
 * A full publish streams each product's fragments straight into new files as it renders them,
 * keeping only the small record per product. An incremental one renders the products a change
 * touches and splices them into the files now in the folder, copying everything else from them.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fsyncDir } from './atomic-file';
import { collectionsOn } from './collection-render';
import { CollectionsStage, type CollectionsOutput } from './collection-stage';
import { removeSet } from './jsonld-folder';
import { JsonLdWriter } from './jsonld-writer';
import { StaleFilesError, type OutputResult, type RedirectTexts } from './outputs';
import { planCatalogue, planChanges, type Plan } from './plan';
import { sameSaved, type PreviousRecord, type ProductRecord } from './product-record';
import { recordPublish } from './record';
import { RedirectBook, nginxRedirects, netlifyRedirects } from './redirects';
import { lastmodNow, seal, type Fragments, type Rendered } from './render';
import type { RunDeps, RunReport, RunRequest, RunState } from './run-state';
import type { StoredSettings } from './types';
import { productUrl } from './validate';
import { removeJsonLd, removeJsonLdFolder, splicedWrite, streamedWrite } from './write';

/** Runs one publish against `state` (which it updates). Throws when a file cannot be written. */
export async function runPublish(deps: RunDeps, state: RunState, request: RunRequest): Promise<RunReport> {
  const dir = deps.publishDir();
  // Before anything is written: someone may have put files of their own into the folder since.
  deps.claimFolder?.(dir);
  // Collections turned on need their index, which only a full publish builds.
  const collectionsReady = !collectionsOn(deps.settings()) || state.collections.index !== null;
  if (request.mode === 'incremental' && state.cache && state.dir === dir && collectionsReady) {
    try {
      return await publish(deps, state, { ids: request.ids, upTo: request.upTo });
    } catch (error) {
      if (!(error instanceof StaleFilesError)) throw error;
      deps.log.warn(`publishing: ${error.message}; rewriting every file`);
    }
  }
  return publish(deps, state, { force: request.mode === 'full' && request.force });
}

/** Plan, render, write and record: everything from the database (`force`), or the products `ids` name. */
async function publish(deps: RunDeps, state: RunState, job: { force: boolean } | { ids: Set<string>; upTo: number }): Promise<RunReport> {
  const started = performance.now();
  const settings = deps.settings();
  const dir = deps.publishDir();
  const now = lastmodNow();
  const withLd = settings.artifacts.jsonLd;
  const force = 'force' in job && job.force;
  const book = (state.redirects ??= await RedirectBook.load(deps.db));
  const plan = 'ids' in job ? await planChanges(deps, state, settings, job) : await planCatalogue(deps, state, settings, force);
  // Forced: every JSON-LD file is written, into a new set that replaces the old one at once.
  const ld = new JsonLdWriter(dir, withLd, { bulk: plan.full, fresh: force });
  const write = plan.full ? streamedWrite(deps, state, settings, force) : splicedWrite(deps, state, settings);
  // With JSON-LD off, a full publish removes the whole folder at the end instead of file by file.
  const changes = new Changes(plan, ld, { now, force, removeLdFiles: withLd || !plan.full, settings, book });
  const collections = new CollectionsStage(deps.db, dir, state, settings, plan.full);

  try {
    await plan.forEach(
      (product, ldText) => {
        const previous = plan.previous(product.record.id);
        write.add(product.record, changes.product(product, ldText, previous), previous);
        collections.put(product);
      },
      () => ld.settle(),
    );
    await ld.finish();
  } catch (error) {
    write.abort();
    await ld.abort();
    throw error;
  }
  let result: OutputResult | null;
  let collected: CollectionsOutput;
  try {
    for (const { id, previous } of await plan.gone()) {
      changes.gone(id, previous);
      write.gone(id, previous);
      collections.gone(id);
    }
    changes.settleRedirects();
    // The collection files and their sitemap go into place first; the manifest listing them last.
    collected = await collections.finish({ now, seq: plan.seq, force });
    for (const url of collected.changedUrls) changes.urls.add(url);
    // The collection files go into place while the big files are made durable, before their renames.
    // The JSON-LD files an incremental publish changed go into place beside the collection files.
    const placeSmall = async () => void (await Promise.all([collections.place(), ld.place()]));
    result = await write.finish(plan.seq, collected, () => redirectTexts(book, plan, settings), placeSmall);
    await placeSmall();
  } catch (error) {
    write.abort();
    collections.abort();
    await ld.abort();
    throw error;
  }
  if (result) state.layouts = result.layouts;

  const removed = result ? [...result.removedFiles, ...ld.dropped] : [...ld.dropped];
  for (const name of changes.ldRemovals) if (!ld.written.has(name) && removeJsonLd(dir, name)) removed.push(name);
  if (plan.full && !withLd) removed.push(...removeJsonLdFolder(dir));
  else if (removed.length > 0 && !result) fsyncDir(path.join(dir, 'jsonld'));
  plan.done();
  // The set a fresh one replaced goes in the background: nothing links to it any more.
  if (ld.replaced) {
    const folder = ld.replaced;
    state.background = state.background.then(() => removeSet(folder));
  }
  const report = await recordPublish(deps, state, {
    started,
    seq: plan.seq,
    full: plan.full,
    result,
    ldWritten: ld.written,
    removed,
    changedUrls: changes.urls,
    records: changes.records,
    goneIds: changes.goneIds,
    collections: collected,
    redirects: book.drain(),
  });
  collections.done();
  return report;
}

/** The redirects files from the book and the products as this publish leaves them. */
function redirectTexts(book: RedirectBook, plan: Plan, settings: StoredSettings): RedirectTexts {
  const entries = book.entries(
    new Date(),
    settings.redirectRetentionDays,
    (id) => {
      const r = plan.recordOf(id);
      return r ? { url: r.url, listed: r.availability !== 'discontinued', collectionUrl: r.collectionUrl } : undefined;
    },
    settings.discontinuedRedirect,
  );
  return { netlify: netlifyRedirects(entries), nginx: nginxRedirects(entries), count: entries.length };
}

/**
 * What one publish changes, product by product, whether full or incremental: the records to save,
 * the product page URLs whose content changed, the JSON-LD files to write and to remove.
 */
class Changes {
  /** Records that differ from what `published_products` holds. */
  readonly records: ProductRecord[] = [];
  readonly urls = new Set<string>();
  readonly ldRemovals = new Set<string>();
  readonly goneIds: string[] = [];
  private readonly lastmods = new Interner();
  /** Pages that stopped being a product's, whose slug another product may have taken in this publish. */
  private readonly freed: Array<{ url: string; productId: string }> = [];
  private readonly since = new Date().toISOString();

  constructor(
    private readonly plan: Plan,
    private readonly ld: JsonLdWriter,
    private readonly options: { now: string; force: boolean; removeLdFiles: boolean; settings: StoredSettings; book: RedirectBook },
  ) {}

  /** The page a product had before: as the cache knows it, or as its saved slug gives it. */
  private oldUrl(previous: PreviousRecord): string | null {
    return previous.url ?? productUrl(this.options.settings, previous.slug, previous.sku);
  }

  /**
   * Seals a rendered product against what it published before (`previous`), stages its JSON-LD
   * (written unless the file there is already it), and returns its fragments for the big files.
   */
  product(product: Rendered, ldText: string | null, previous: PreviousRecord | undefined): Fragments {
    const digest = ldText === null ? null : this.ld.stage(ldText);
    const fragments = seal(product, digest, previous, this.options.now, this.plan.seq);
    const r = product.record;
    r.lastmod = this.lastmods.intern(r.lastmod);
    if (!previous || previous.contentHash !== r.contentHash) {
      if (r.url) this.urls.add(r.url);
      if (previous?.url && previous.url !== r.url) this.urls.add(previous.url);
    }
    if (this.options.removeLdFiles && previous?.hasJsonLd && (!r.hasJsonLd || previous.slug !== r.slug)) this.ldRemovals.add(`jsonld/${previous.slug}.json`);
    if (digest !== null) {
      const unchanged = previous && previous.contentHash === r.contentHash && previous.slug === r.slug && previous.hasJsonLd;
      if (this.options.force || !unchanged || !this.plan.hasLdFile(r)) this.ld.commit(r.slug);
    }
    if (!sameSaved(previous, r)) this.records.push(r);
    // Old pages: a renamed product's previous page (its slug may be taken already: settled below),
    // a discontinued one's own page (its slug is its own), and a live page is never redirected.
    if (previous && previous.slug !== r.slug) {
      const old = this.oldUrl(previous);
      if (old && old !== r.url) this.freed.push({ url: old, productId: r.id });
    }
    if (r.url) {
      if (r.availability === 'discontinued') this.options.book.left(r.url, r.id, this.since);
      else this.options.book.live(r.url);
    }
    return fragments;
  }

  /**
   * Records the pages renamed and deleted products left, unless another product in this publish
   * took the slug (slugs are unique, so only one touched by the same publish can have).
   */
  settleRedirects(): void {
    if (this.freed.length === 0) return;
    const urls = new Set(this.freed.map((f) => f.url));
    const taken = new Set<string>();
    for (const r of this.plan.rendered()) if (r.url && r.availability !== 'discontinued' && urls.has(r.url)) taken.add(r.url);
    for (const f of this.freed) if (!taken.has(f.url)) this.options.book.left(f.url, f.productId, this.since);
  }

  /** A product that is gone: its record, its JSON-LD file and its page go. */
  gone(id: string, previous: PreviousRecord): void {
    this.goneIds.push(id);
    if (this.options.removeLdFiles && previous.hasJsonLd) this.ldRemovals.add(`jsonld/${previous.slug}.json`);
    if (previous.url) this.urls.add(previous.url);
    const old = this.oldUrl(previous);
    if (old) this.freed.push({ url: old, productId: id });
  }
}

/**
 * One copy of each value: the lastmods a previous process recorded come back from the database
 * as one string per product, though most products share a handful of them. Holds at most `limit`
 * values, so a catalogue whose every lastmod differs costs no more than without it.
 */
class Interner {
  private readonly values = new Map<string, string>();
  constructor(private readonly limit = 4096) {}

  intern(value: string): string {
    const known = this.values.get(value);
    if (known !== undefined) return known;
    if (this.values.size < this.limit) this.values.set(value, value);
    return value;
  }
}
