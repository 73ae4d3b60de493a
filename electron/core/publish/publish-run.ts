/**
 * One publish: rebuild the entries a change touches (or all of them), write every file whose
 * content changed (atomically), record what was published, and describe it for delivery.
 *
 * A full publish reads the catalogue in SKU order and streams each product's fragments straight
 * into the files as it builds them, keeping only a small entry per product. An incremental one
 * rebuilds the products a change touches and splices them into the files now in the folder,
 * copying everything else from them (see outputs.ts).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ArtifactName } from '../../../shared/schemas/publish';
import { latestSeq } from '../changes/change-log';
import type { Logger } from '../logger';
import type { SummaryContext } from '../stock/stock-summary';
import type { Db } from '../util/db-helpers';
import type { ExclusiveWriter } from '../write-queue';
import { fsyncDir, removeStaleTemps } from './atomic-file';
import { JsonLdWriter } from './jsonld-writer';
import { FILE_NAMES, type SitemapLimits } from './artifacts';
import { CatalogCache, jsonLdTexts, lastmodNow, samePublished, sameRecord, toEntry, toRecord, type Entry, type Fresh, type Previous } from './catalog-cache';
import { buildItem, type BuiltItem } from './item';
import { OutputSet, StaleFilesError, type Layouts, type OutputResult } from './outputs';
import { loadArtifactStates, loadOrphanRecords, saveArtifactStates, savePublished, type ArtifactCounts, type ArtifactState, type FileInfo, type PublishedRecord } from './publish-store';
import { forEachPageBySku, groupMembersAfter, groupSizes, loadAffected, type SourceProduct } from './source';
import type { PublishedFile, PublishOutcome, StoredSettings } from './types';

export type RunDeps = {
  db: Db;
  queue: ExclusiveWriter;
  summary: SummaryContext;
  settings(): StoredSettings;
  publishDir(): string;
  /** Refuses a folder that is not Stockfeed's (throws) and marks a new one as Stockfeed's; see publish-folder.ts. */
  claimFolder?(dir: string): void;
  log: Logger;
  /** Smaller sitemap files (tests of the split). */
  sitemapLimits?: SitemapLimits;
};

/** What survives between publishes in a running publisher. */
export type RunState = {
  cache: CatalogCache | null;
  /** The folder the cache was last written to. */
  dir: string | null;
  layouts: Layouts;
  artifacts: Map<ArtifactName, ArtifactState>;
  /** Products a full publish could not place (they changed SKU while it read): published next. */
  pending: Set<string>;
  /** Their entries as last published, until then. */
  orphans: Map<string, Entry>;
};

export function newRunState(): RunState {
  return { cache: null, dir: null, layouts: { parts: [] }, artifacts: new Map(), pending: new Set(), orphans: new Map() };
}

export type RunRequest =
  | { mode: 'full'; force: boolean }
  /** `upTo`: the last change-log sequence the ids were collected from (what the files then reflect). */
  | { mode: 'incremental'; ids: Set<string>; upTo: number };

export type RunReport = {
  seq: number;
  full: boolean;
  /** False when nothing in the folder had to change. */
  wrote: boolean;
  outcome: PublishOutcome;
  durationMs: number;
  /** When every file was in place (before the database records were committed). */
  filesDoneAt: number;
};

function counts(items: number, excluded: number, files: number, bytes: number): ArtifactCounts {
  return { items, excluded, files, bytes };
}

/** Runs one publish against `state` (which it updates). Throws when a file cannot be written. */
export async function runPublish(deps: RunDeps, state: RunState, request: RunRequest): Promise<RunReport> {
  const dir = deps.publishDir();
  // Before anything is written: someone may have put files of their own into the folder since.
  deps.claimFolder?.(dir);
  if (request.mode === 'incremental' && state.cache && state.dir === dir) {
    try {
      return await runIncremental(deps, state, request);
    } catch (error) {
      if (!(error instanceof StaleFilesError)) throw error;
      deps.log.warn(`publishing: ${error.message}; rewriting every file`);
    }
  }
  return runFull(deps, state, request.mode === 'full' && request.force);
}

/** Everything from the database, streamed into the files in SKU order. */
async function runFull(deps: RunDeps, state: RunState, force: boolean): Promise<RunReport> {
  const started = performance.now();
  const settings = deps.settings();
  const dir = deps.publishDir();
  const now = lastmodNow();
  const withLd = settings.artifacts.jsonLd;
  // Read before the products: the files reflect at least this sequence.
  const seq = await latestSeq(deps.db);
  fs.mkdirSync(dir, { recursive: true });
  removeStaleTemps(dir);
  removeStaleTemps(path.join(dir, 'jsonld'));
  if (state.artifacts.size === 0) state.artifacts = await loadArtifactStates(deps.db);
  const oldCache = state.dir === dir ? state.cache : null;
  // What was published before: the running cache, or what a previous process recorded (read a
  // page at a time with the products, not all at once).
  let records: Map<string, PublishedRecord> | null = null;
  const previous = (id: string): Previous | undefined => oldCache?.byId.get(id) ?? state.orphans.get(id) ?? records?.get(id);

  const ld = new JsonLdWriter(dir, withLd, { bulk: true });
  const existing = withLd && !force ? listJsonLdFiles(dir) : null;
  const out = new OutputSet(dir, settings, state.dir === dir ? state.layouts : { parts: [] }, { copy: false, limits: deps.sitemapLimits });
  const order: Entry[] = [];
  /** Every product placed, by id: what the scan has seen, and the new cache's index at the end. */
  const placed = new Map<string, Entry>();
  const changedRecords: Entry[] = [];
  const changedUrls = new Set<string>();
  const jsonRemovals = new Set<string>();
  const stragglers = new Set<string>();
  const lastmods = new Interner();

  const place = (item: BuiltItem, text: string | null) => {
    if (placed.has(item.id)) {
      stragglers.add(item.id);
      return;
    }
    const prev = previous(item.id);
    const digest = text === null ? null : ld.stage(text);
    const { entry: e, fresh } = toEntry(item, digest, prev, now, seq);
    e.lastmod = lastmods.intern(e.lastmod);
    placed.set(e.id, e);
    if (!prev || prev.contentHash !== e.contentHash) {
      if (e.url) changedUrls.add(e.url);
      if (prev?.url && prev.url !== e.url) changedUrls.add(prev.url);
    }
    // With JSON-LD off, the whole folder goes at the end instead.
    if (withLd && prev?.hasJsonLd && (!e.hasJsonLd || prev.slug !== e.slug)) jsonRemovals.add(`jsonld/${prev.slug}.json`);
    if (digest !== null) {
      const unchanged = prev && prev.contentHash === e.contentHash && prev.slug === e.slug && prev.hasJsonLd;
      if (force || !unchanged || !existing?.has(`${e.slug}.json`)) ld.commit(e.slug);
    }
    if (!sameRecord(oldCache?.byId.get(e.id) ?? state.orphans.get(e.id) ?? records?.get(e.id), e)) changedRecords.push(e);
    out.add(e, fresh);
    order.push(e);
  };

  let result: OutputResult;
  try {
    await scanCatalogue(deps, settings, withLd, place, stragglers, {
      records: oldCache === null,
      onRecords: (r) => (records = r),
      afterPage: () => ld.settle(),
    });
    await ld.finish();
    result = await out.finish({ seq, full: true, force }, recordedFiles(state));
  } catch (error) {
    out.abort();
    await ld.abort();
    throw error;
  }

  // Products that are gone (or that moved while the catalogue was read: published right after).
  // Without a cache, the records of products no longer in the database are the gone ones.
  records = null;
  const before = oldCache ? [...oldCache.byId.keys()] : [];
  if (!oldCache) {
    records = new Map((await loadOrphanRecords(deps.db)).map((r) => [r.productId, r]));
    before.push(...records.keys());
  }
  for (const id of state.orphans.keys()) before.push(id);
  const unseen = before.filter((id) => !placed.has(id));
  const stillThere = new Set(unseen.length > 0 ? await existingIds(deps.db, unseen) : []);
  const goneIds: string[] = [];
  const orphans = new Map<string, Entry>();
  for (const id of unseen) {
    const prev = previous(id);
    if (stillThere.has(id)) {
      stragglers.add(id);
      const old = oldCache?.byId.get(id) ?? state.orphans.get(id);
      if (old) orphans.set(id, old);
      continue;
    }
    goneIds.push(id);
    if (withLd && prev?.hasJsonLd) jsonRemovals.add(`jsonld/${prev.slug}.json`);
    if (prev?.url) changedUrls.add(prev.url);
  }
  const removed = [...result.removedFiles];
  for (const name of jsonRemovals) if (!ld.written.has(name) && removeJsonLd(dir, name)) removed.push(name);
  if (!withLd) removed.push(...removeJsonLdFolder(dir));

  state.cache = CatalogCache.fromOrder(order, placed);
  state.dir = dir;
  state.layouts = result.layouts;
  state.orphans = orphans;
  for (const id of stragglers) state.pending.add(id);
  return record(deps, state, {
    started,
    seq,
    full: true,
    result,
    ldWritten: ld,
    removed,
    changedUrls,
    records: changedRecords,
    goneIds,
  });
}

/**
 * Reads every product in SKU order and hands each to `place` with its JSON-LD text. A variant's
 * JSON-LD is its whole group's: the members of a group that continue past the page are read ahead
 * with it, and kept until the scan reaches them. Products seen out of place (their SKU or group
 * changed while the scan ran) are added to `stragglers`, published again right after.
 */
async function scanCatalogue(
  deps: RunDeps,
  settings: StoredSettings,
  withLd: boolean,
  place: (item: BuiltItem, text: string | null) => void,
  stragglers: Set<string>,
  hooks: { records: boolean; onRecords(records: Map<string, PublishedRecord> | null): void; afterPage(): Promise<void> },
): Promise<void> {
  const sizes = withLd ? await groupSizes(deps.db) : new Map<string, number>();
  const ahead = new Map<string, { item: BuiltItem; text: string | null }>();
  const done = new Set<string>();
  await forEachPageBySku(deps.db, deps.summary, async (page, records) => {
    hooks.onRecords(records);
    const build: SourceProduct[] = [];
    for (const p of page) if (!ahead.has(p.row.id)) build.push(p);
    let extra: SourceProduct[] = [];
    if (withLd) {
      const inPage = new Map<string, number>();
      for (const p of build) {
        const g = p.row.item_group_id;
        if (!g) continue;
        if (done.has(g)) stragglers.add(p.row.id);
        else inPage.set(g, (inPage.get(g) ?? 0) + 1);
      }
      const incomplete = [...inPage].filter(([g, n]) => n < (sizes.get(g) ?? 0)).map(([g]) => g);
      if (incomplete.length > 0) extra = await groupMembersAfter(deps.db, deps.summary, incomplete, (page[page.length - 1] as SourceProduct).row.sku);
      for (const g of inPage.keys()) done.add(g);
    }
    const items = build.map((p) => buildItem(p.row, p.summary, settings));
    const extraItems = extra.filter((p) => !ahead.has(p.row.id)).map((p) => buildItem(p.row, p.summary, settings));
    const texts = withLd ? jsonLdTexts(items.concat(extraItems)) : null;
    const built = new Map(items.map((item) => [item.id, item]));
    for (const item of extraItems) if (!built.has(item.id)) ahead.set(item.id, { item, text: texts?.get(item.id) ?? null });
    for (const p of page) {
      const item = built.get(p.row.id);
      if (item) {
        place(item, texts?.get(item.id) ?? null);
        continue;
      }
      const early = ahead.get(p.row.id);
      if (early) {
        ahead.delete(p.row.id);
        place(early.item, early.text);
      }
    }
    await hooks.afterPage();
  }, { records: hooks.records });
  // Read ahead but never reached: their SKU changed during the scan.
  for (const id of ahead.keys()) stragglers.add(id);
}

/** Rebuilds the products `request.ids` touch and splices them into the files. */
async function runIncremental(deps: RunDeps, state: RunState, request: { ids: Set<string>; upTo: number }): Promise<RunReport> {
  const started = performance.now();
  const settings = deps.settings();
  const dir = deps.publishDir();
  const now = lastmodNow();
  const seq = request.upTo;
  const cache = state.cache as CatalogCache;
  const withLd = settings.artifacts.jsonLd;
  for (const id of state.pending) request.ids.add(id);
  const ids = [...request.ids];
  const oldGroups = ids.flatMap((id) => cache.byId.get(id)?.groupId ?? state.orphans.get(id)?.groupId ?? []);
  const sources = await loadAffected(deps.db, deps.summary, ids, oldGroups);
  const items = sources.map((p) => buildItem(p.row, p.summary, settings));
  const texts = withLd ? jsonLdTexts(items) : null;

  const ld = new JsonLdWriter(dir, withLd, { bulk: false });
  const changed: Entry[] = [];
  /** The changed entries' new fragments, until they are written. */
  const freshOf = new Map<Entry, Fresh>();
  const changedRecords: Entry[] = [];
  const changedUrls = new Set<string>();
  const jsonRemovals = new Set<string>();
  const seen = new Set<string>();
  const touched = { xml: false, tsv: false, sitemap: false, jsonLd: false };
  const touch = (e: Entry) => {
    if (e.inFeed) touched.xml = touched.tsv = true;
    if (e.inSitemap) touched.sitemap = true;
    if (e.hasJsonLd) touched.jsonLd = true;
  };
  try {
    for (const item of items) {
      seen.add(item.id);
      const inCache = cache.byId.get(item.id);
      const prev = inCache ?? state.orphans.get(item.id);
      const text = texts?.get(item.id) ?? null;
      const digest = text === null ? null : ld.stage(text);
      const { entry: e, fresh } = toEntry(item, digest, prev, now, seq);
      if (inCache && samePublished(inCache, e)) continue;
      changed.push(e);
      freshOf.set(e, fresh);
      touch(e);
      if (prev) touch(prev);
      if (!prev || prev.contentHash !== e.contentHash) {
        if (e.url) changedUrls.add(e.url);
        if (prev?.url && prev.url !== e.url) changedUrls.add(prev.url);
      }
      if (prev?.hasJsonLd && (!e.hasJsonLd || prev.slug !== e.slug)) jsonRemovals.add(`jsonld/${prev.slug}.json`);
      if (digest !== null && (!prev || prev.contentHash !== e.contentHash || prev.slug !== e.slug || !prev.hasJsonLd || !inCache)) ld.commit(e.slug);
      if (!sameRecord(prev, e)) changedRecords.push(e);
    }
    await ld.finish();
  } catch (error) {
    await ld.abort();
    throw error;
  }
  const gone = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) continue;
    const old = cache.byId.get(id) ?? state.orphans.get(id);
    if (!old) continue;
    gone.add(id);
    touch(old);
    if (old.hasJsonLd) jsonRemovals.add(`jsonld/${old.slug}.json`);
    if (old.url) changedUrls.add(old.url);
  }
  state.pending.clear();
  for (const id of ids) state.orphans.delete(id);

  const anything = changed.length > 0 || gone.size > 0;
  let result: OutputResult | null = null;
  if (anything) {
    const { order, first } = cache.apply(changed, gone);
    let out: OutputSet;
    try {
      out = new OutputSet(dir, settings, state.layouts, { copy: true, touched, limits: deps.sitemapLimits });
    } catch (error) {
      state.cache = null;
      throw error;
    }
    try {
      out.addUnchanged(order, first);
      for (let i = first; i < order.length; i++) {
        const e = order[i] as Entry;
        out.add(e, freshOf.get(e) ?? null);
      }
      result = await out.finish({ seq, full: false, force: false }, recordedFiles(state));
    } catch (error) {
      out.abort();
      // The cache no longer matches the folder: the publisher starts again from the database.
      state.cache = null;
      throw error;
    }
    state.layouts = result.layouts;
  }
  const removed = result ? [...result.removedFiles] : [];
  for (const name of jsonRemovals) if (!ld.written.has(name) && removeJsonLd(dir, name)) removed.push(name);
  if (removed.length > 0 && !result) fsyncDir(path.join(dir, 'jsonld'));
  return record(deps, state, {
    started,
    seq,
    full: false,
    result,
    ldWritten: ld,
    removed,
    changedUrls,
    records: changedRecords,
    goneIds: [...gone],
  });
}

/** The files as the last publish recorded them, by name. */
function recordedFiles(state: RunState): Map<string, FileInfo> {
  const out = new Map<string, FileInfo>();
  for (const s of state.artifacts.values()) for (const f of s.details.files) out.set(f.name, f);
  return out;
}

async function existingIds(db: Db, ids: string[]): Promise<string[]> {
  const found: string[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = (await db('products').select('id').whereIn('id', ids.slice(i, i + 500))) as Array<{ id: string }>;
    for (const r of rows) found.push(r.id);
  }
  return found;
}

type RecordInput = {
  started: number;
  seq: number;
  full: boolean;
  result: OutputResult | null;
  ldWritten: JsonLdWriter;
  removed: string[];
  changedUrls: Set<string>;
  records: Entry[];
  goneIds: string[];
};

/** Updates the artifact states and records the publish (states, per-product records, a `published` change) in one transaction. */
async function record(deps: RunDeps, state: RunState, r: RecordInput): Promise<RunReport> {
  const settings = deps.settings();
  const dir = deps.publishDir();
  const on = settings.artifacts;
  const seq = r.seq;
  const changedFiles = [...(r.result?.changedFiles ?? []), ...r.ldWritten.written];
  const filesDoneAt = performance.now();
  const durationMs = filesDoneAt - r.started;
  const next = new Map(state.artifacts);
  const result = r.result;
  if (result) {
    const c = result.counts;
    const writtenAt = new Date().toISOString();
    const setState = (artifact: ArtifactName, files: FileInfo[], cnt: ArtifactCounts, wrote: boolean) => {
      const before = state.artifacts.get(artifact);
      next.set(artifact, {
        artifact,
        seq,
        writtenAt: wrote || !before ? writtenAt : before.writtenAt,
        durationMs: wrote || !before ? durationMs : before.durationMs,
        details: { counts: cnt, files },
        error: null,
      });
    };
    const bytes = (files: FileInfo[]) => files.reduce((n, f) => n + (f.name.endsWith('.gz') ? 0 : f.bytes), 0);
    const withGz = (files: FileInfo[]) => files.flatMap((f) => (settings.gzip ? [f, gzInfo(dir, f.name)].filter((x): x is FileInfo => x !== null) : [f]));
    for (const artifact of ['merchantXml', 'merchantTsv'] as const) {
      if (!on[artifact]) next.delete(artifact);
      else setState(artifact, withGz(result.files[artifact]), counts(c.inFeed, c.listed - c.inFeed, result.files[artifact].length, bytes(result.files[artifact])), result.wrote[artifact]);
    }
    if (!on.sitemap) next.delete('sitemap');
    else {
      const files = result.files.sitemap;
      setState('sitemap', withGz(files), counts(c.inSitemap, c.listed - c.inSitemap, files.length, bytes(files)), result.wrote.sitemap);
    }
    if (!on.jsonLd) next.delete('jsonLd');
    else setState('jsonLd', [], counts(c.withLd, c.products - c.withLd, c.withLd, c.ldBytes), r.ldWritten.written.size > 0 || r.removed.some((n) => n.startsWith('jsonld/')));
    setState('manifest', [result.files.manifest], counts(c.withLd + result.files.merchantXml.length + result.files.merchantTsv.length + result.files.sitemap.length, 0, 1, result.files.manifest.bytes), true);
  }
  for (const [artifact, s] of next) if (s.seq !== seq) next.set(artifact, { ...s, seq });

  const wrote = result !== null || r.removed.length > 0;
  if (wrote || r.records.length > 0 || r.goneIds.length > 0) {
    await deps.queue.exclusive(async (ctx) => {
      await saveArtifactStates(ctx, [...next.values()]);
      const dropped = [...state.artifacts.keys()].filter((a) => !next.has(a));
      if (dropped.length > 0) await ctx.trx('publish_state').whereIn('artifact', dropped).delete();
      await savePublished(ctx, r.records, toRecord, r.goneIds);
      if (wrote) {
        await ctx.append([
          {
            type: 'published',
            productId: null,
            sku: null,
            payload: { seq, full: r.full, changedFiles: changedFiles.length, removedFiles: r.removed.length, changedUrls: r.changedUrls.size, durationMs: Math.round(durationMs) },
          },
        ]);
      }
    });
  }
  state.artifacts = next;
  return {
    seq,
    full: r.full,
    wrote,
    durationMs,
    filesDoneAt,
    outcome: outcomeOf(dir, seq, r.full, changedFiles, r.removed, [...r.changedUrls]),
  };
}

function gzInfo(dir: string, name: string): FileInfo | null {
  const stat = fs.statSync(path.join(dir, `${name}.gz`), { throwIfNoEntry: false });
  return stat ? { name: `${name}.gz`, bytes: stat.size, sha256: '' } : null;
}

/**
 * What a publish did, for the delivery targets. `files` (every file now in the folder, with its
 * size and hash) is read from manifest.json when a target asks for it: listing 100,000 JSON-LD
 * files on every publish would cost more than the publish itself.
 */
function outcomeOf(dir: string, seq: number, full: boolean, changedFiles: string[], removedFiles: string[], changedUrls: string[]): PublishOutcome {
  let files: PublishedFile[] | null = null;
  const outcome = { seq, publishDir: dir, full, changedFiles, removedFiles, changedUrls } as PublishOutcome;
  Object.defineProperty(outcome, 'files', {
    enumerable: true,
    get: () => (files ??= filesInFolder(dir)),
  });
  return outcome;
}

/** The files manifest.json lists, plus the manifest itself (and .gz copies present beside them). */
export function filesInFolder(dir: string): PublishedFile[] {
  const manifestPath = path.join(dir, FILE_NAMES.manifest);
  let text: string;
  try {
    text = fs.readFileSync(manifestPath, 'utf8');
  } catch {
    return [];
  }
  const manifest = JSON.parse(text) as { files: Array<{ name: string; bytes: number; sha256: string }> };
  const prefix = `${dir}${path.sep}`;
  const out: PublishedFile[] = manifest.files.map((f) => ({ name: f.name, bytes: f.bytes, sha256: f.sha256, path: prefix + f.name }));
  const own = Buffer.from(text);
  out.push({ name: FILE_NAMES.manifest, bytes: own.length, sha256: sha256Hex(own), path: manifestPath });
  for (const f of [...out]) {
    if (f.name.startsWith('jsonld/')) continue;
    const gz = `${f.name}.gz`;
    const stat = fs.statSync(path.join(dir, gz), { throwIfNoEntry: false });
    if (stat) out.push({ name: gz, bytes: stat.size, sha256: sha256Hex(fs.readFileSync(path.join(dir, gz))), path: prefix + gz });
  }
  return out;
}

function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function listJsonLdFiles(dir: string): Set<string> {
  try {
    return new Set(fs.readdirSync(path.join(dir, 'jsonld')));
  } catch {
    return new Set();
  }
}

function removeJsonLd(dir: string, name: string): boolean {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) return false;
  fs.rmSync(file, { force: true });
  return true;
}

function removeJsonLdFolder(dir: string): string[] {
  const ldDir = path.join(dir, 'jsonld');
  if (!fs.existsSync(ldDir)) return [];
  const names = fs.readdirSync(ldDir).map((n) => `jsonld/${n}`);
  fs.rmSync(ldDir, { recursive: true, force: true });
  return names;
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
