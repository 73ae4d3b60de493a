/**
 * One publish: rebuild the entries a change touches (or all of them), write every file whose
 * content changed (atomically), record what was published, and describe it for delivery.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import zlib from 'node:zlib';
import type { ArtifactName } from '../../../shared/schemas/publish';
import { latestSeq } from '../changes/change-log';
import type { Logger } from '../db/migrate';
import type { SummaryContext } from '../stock/stock-summary';
import type { Db } from '../util/db-helpers';
import type { WriteQueue } from '../write-queue';
import type { StockOp } from '../stock/stock-ops';
import { fsyncDir, removeStaleTemps, sha256, tempName, writeFileAtomic, writeFileAtomicAsync, type WrittenFile } from './atomic-file';
import {
  FILE_NAMES,
  merchantTsvBuffers,
  merchantXmlBuffers,
  partitionSitemap,
  samePart,
  sitemapIndexBuffers,
  sitemapPartName,
  urlsetBuffers,
  type SitemapPart,
} from './artifacts';
import { CatalogCache, jsonLdTexts, lastmodNow, manifestLine, sameRecord, toEntry, toRecord, unpooled, type Entry } from './catalog-cache';
import { buildItem, type BuiltItem } from './item';
import { loadArtifactStates, loadPublished, saveArtifactStates, savePublished, type ArtifactCounts, type ArtifactState, type FileInfo, type PublishedRecord } from './publish-store';
import { forEachGroupChunk, forEachUngroupedPage, loadAffected } from './source';
import type { PublishedFile, PublishOutcome, StoredSettings } from './types';

export type RunDeps = {
  db: Db;
  queue: WriteQueue<StockOp, unknown>;
  summary: SummaryContext;
  settings(): StoredSettings;
  publishDir(): string;
  log: Logger;
};

/** What survives between publishes in a running publisher. */
export type RunState = {
  cache: CatalogCache | null;
  /** The folder the cache was last written to. */
  dir: string | null;
  parts: SitemapPart[];
  artifacts: Map<ArtifactName, ArtifactState>;
};

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


function bufEq(a: Buffer | null | undefined, b: Buffer | null | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return a.equals(b);
}

type Prev = { contentHash: string; lastmod: string; seq: number; slug: string; hasJsonLd: boolean; url: string | null; xml?: Buffer | null; tsv?: Buffer | null; jsonSha?: string };

function prevFromEntry(e: Entry): Prev {
  return { contentHash: e.contentHash, lastmod: e.lastmod, seq: e.seq, slug: e.slug, hasJsonLd: e.jsonLd !== null, url: e.url, xml: e.xml, tsv: e.tsv, jsonSha: e.jsonLd?.sha256 ?? '' };
}

function prevFromRecord(r: PublishedRecord): Prev {
  return { contentHash: r.contentHash, lastmod: r.lastmod, seq: r.seq, slug: r.slug, hasJsonLd: r.hasJsonLd, url: null };
}

async function gzipTo(target: string, buffers: Buffer[]): Promise<WrittenFile> {
  const chunks: Buffer[] = [];
  const gz = zlib.createGzip({ level: 6 });
  gz.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    gz.on('end', resolve);
    gz.on('error', reject);
  });
  for (const b of buffers) if (!gz.write(b)) await new Promise((r) => gz.once('drain', r));
  gz.end();
  await done;
  return writeFileAtomic(target, chunks);
}

function counts(items: number, excluded: number, files: number, bytes: number): ArtifactCounts {
  return { items, excluded, files, bytes };
}

/** Runs one publish against `state` (which it updates). Throws when a file cannot be written. */
export async function runPublish(deps: RunDeps, state: RunState, request: RunRequest): Promise<RunReport> {
  const started = performance.now();
  const settings = deps.settings();
  const dir = deps.publishDir();
  const now = lastmodNow();
  const force = request.mode === 'full' && request.force;
  const full = request.mode === 'full' || state.cache === null || state.dir !== dir;
  // Read before the products: the files reflect at least this sequence.
  const seq = request.mode === 'incremental' && !full ? request.upTo : await latestSeq(deps.db);
  fs.mkdirSync(path.join(dir), { recursive: true });

  // 1. Build the entries, a chunk at a time; JSON-LD bodies are written as they are built, not kept.
  const oldCache = state.cache;
  let publishedRecords: Map<string, PublishedRecord> | undefined;
  const ld = new JsonLdWriter(dir, settings.artifacts.jsonLd, { bulk: full });
  const existing = full && !force ? listJsonLdFiles(dir) : null;
  const changedUrls = new Set<string>();
  const jsonRemovals = new Set<string>();
  // Entries whose record changed (records are built when they are saved, not kept twice).
  const records: Entry[] = [];
  let feedXmlChanged = full;
  let feedTsvChanged = full;
  const entries: Entry[] = [];
  const seen = new Set<string>();
  let cache: CatalogCache = oldCache ?? new CatalogCache();

  const previous = (id: string): Prev | undefined => {
    const cached = oldCache?.byId.get(id);
    if (cached) return prevFromEntry(cached);
    const record = publishedRecords?.get(id);
    return record ? prevFromRecord(record) : undefined;
  };

  const handle = (sources: Array<{ row: Parameters<typeof buildItem>[0]; summary: Parameters<typeof buildItem>[1] }>) => {
    const items: BuiltItem[] = sources.map((p) => buildItem(p.row, p.summary, settings));
    const texts = jsonLdTexts(items);
    for (const item of items) {
      const prev = previous(item.id);
      const { entry: e, body } = toEntry(item, texts.get(item.id), prev, now, seq);
      seen.add(e.id);
      // Read what was recorded before this run replaces the cache entry (in an incremental run the
      // cache is the previous one, so after put() it would compare the entry with itself).
      const before = oldCache?.byId.get(e.id);
      const prevRecord = before ? toRecord(before) : publishedRecords?.get(e.id);
      if (full) entries.push(e);
      else {
        if (!bufEq(prev?.xml, e.xml)) feedXmlChanged = true;
        if (!bufEq(prev?.tsv, e.tsv)) feedTsvChanged = true;
        cache.put(e);
      }
      if (!prev || prev.contentHash !== e.contentHash) {
        if (e.url) changedUrls.add(e.url);
        if (prev?.url && prev.url !== e.url) changedUrls.add(prev.url);
      }
      if (prev?.hasJsonLd && (!e.jsonLd || prev.slug !== e.slug)) jsonRemovals.add(`jsonld/${prev.slug}.json`);
      if (e.jsonLd && body !== null) {
        const unchanged = prev && prev.contentHash === e.contentHash && prev.slug === e.slug && prev.hasJsonLd;
        const onDisk = existing ? existing.has(`${e.slug}.json`) : !full;
        if (force || !unchanged || !onDisk) ld.write(e.slug, body);
      }
      if (!sameRecord(prevRecord, toRecord(e))) records.push(e);
    }
  };

  let goneIds: string[];
  if (full) {
    removeStaleTemps(dir);
    removeStaleTemps(path.join(dir, 'jsonld'));
    publishedRecords = await loadPublished(deps.db);
    // What the files on disk should hold (a fresh process knows only what the database recorded).
    if (state.artifacts.size === 0) state.artifacts = await loadArtifactStates(deps.db);
    await forEachGroupChunk(deps.db, deps.summary, handle);
    await forEachUngroupedPage(deps.db, deps.summary, handle);
    goneIds = [...new Set([...publishedRecords.keys(), ...(oldCache?.byId.keys() ?? [])])].filter((id) => !seen.has(id));
  } else {
    const ids = [...request.ids];
    const oldGroups = ids.flatMap((id) => cache.byId.get(id)?.groupId ?? []);
    handle(await loadAffected(deps.db, deps.summary, ids, oldGroups));
    goneIds = ids.filter((id) => !seen.has(id) && cache.byId.has(id));
  }

  // 2. Products that are gone: their files and URLs go too.
  for (const id of goneIds) {
    const old = oldCache?.byId.get(id);
    const slug = old?.slug ?? publishedRecords?.get(id)?.slug;
    const hadJsonLd = old ? old.jsonLd !== null : (publishedRecords?.get(id)?.hasJsonLd ?? false);
    if (slug && hadJsonLd) jsonRemovals.add(`jsonld/${slug}.json`);
    if (old?.url) changedUrls.add(old.url);
    if (old?.xml) feedXmlChanged = true;
    if (old?.tsv) feedTsvChanged = true;
    if (!full) cache.remove(id);
  }
  if (full) cache = CatalogCache.fromEntries(entries);
  ld.finish();
  publishedRecords = undefined;
  state.cache = cache;
  state.dir = dir;

  // 3. Write the files.
  const on = settings.artifacts;
  const changedFiles: string[] = [];
  const removedFiles: string[] = [];
  const nextStates = new Map(state.artifacts);
  const order = cache.order;
  let inFeed = 0;
  let listed = 0;
  let inSitemap = 0;
  let withLd = 0;
  for (const e of order) {
    if (e.xml) inFeed++;
    if (e.availability !== 'discontinued') listed++;
    if (e.sitemap) inSitemap++;
    if (e.jsonLd) withLd++;
  }
  const knownFiles = (artifact: ArtifactName) => new Map((state.artifacts.get(artifact)?.details.files ?? []).map((f) => [f.name, f]));
  const sizeOf = (name: string) => fs.statSync(path.join(dir, name), { throwIfNoEntry: false })?.size;

  const removeFile = (name: string) => {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) {
      fs.rmSync(file, { force: true });
      removedFiles.push(name);
    }
  };

  /**
   * Writes a whole-file artifact (and its .gz copy when on). `check`: compare with the recorded
   * hash first and leave an identical file alone (full publishes, which rebuild everything).
   */
  const writeWhole = async (name: string, buffers: Buffer[], known: Map<string, FileInfo>, check: boolean, track: { wrote: boolean }): Promise<FileInfo[]> => {
    const target = path.join(dir, name);
    let main: FileInfo | null = null;
    const recorded = known.get(name);
    if (check && !force && recorded) {
      const bytes = buffers.reduce((n, b) => n + b.length, 0);
      if (sizeOf(name) === bytes && sha256(buffers) === recorded.sha256) main = { name, bytes, sha256: recorded.sha256 };
    }
    const wroteMain = main === null;
    if (!main) {
      main = { name, ...(await writeFileAtomicAsync(target, buffers)) };
      changedFiles.push(name);
      track.wrote = true;
    }
    const out = [main];
    const gzName = `${name}.gz`;
    if (settings.gzip) {
      const gzKnown = known.get(gzName);
      const gzSize = sizeOf(gzName);
      if (wroteMain || !gzKnown || gzSize !== gzKnown.bytes) {
        out.push({ name: gzName, ...(await gzipTo(`${target}.gz`, buffers)) });
        changedFiles.push(gzName);
        track.wrote = true;
      } else {
        out.push(gzKnown);
      }
    } else {
      removeFile(gzName);
    }
    return out;
  };

  /** The recorded files of an artifact whose content did not change (null when one is missing on disk). */
  const unchangedFiles = (name: string, known: Map<string, FileInfo>): FileInfo[] | null => {
    const main = known.get(name);
    if (!main || sizeOf(name) !== main.bytes) return null;
    if (!settings.gzip) {
      removeFile(`${name}.gz`);
      return [main];
    }
    const gz = known.get(`${name}.gz`);
    if (!gz || sizeOf(gz.name) !== gz.bytes) return null;
    return [main, gz];
  };

  const finishArtifact = (artifact: ArtifactName, t0: number, files: FileInfo[], c: ArtifactCounts, wroteSomething: boolean) => {
    const before = state.artifacts.get(artifact);
    nextStates.set(artifact, {
      artifact,
      seq,
      writtenAt: wroteSomething || !before ? new Date().toISOString() : before.writtenAt,
      durationMs: performance.now() - t0,
      details: { counts: c, files },
      error: null,
    });
  };

  const allFiles: FileInfo[] = [];

  // Merchant feed, XML and TSV.
  const feedArtifact = async (artifact: 'merchantXml' | 'merchantTsv', name: string, changed: boolean, build: () => Buffer[]): Promise<FileInfo[]> => {
    const t0 = performance.now();
    const known = knownFiles(artifact);
    if (!on[artifact]) {
      removeFile(name);
      removeFile(`${name}.gz`);
      nextStates.delete(artifact);
      return [];
    }
    const track = { wrote: false };
    let files = changed || force ? null : unchangedFiles(name, known);
    if (!files) files = await writeWhole(name, build(), known, full, track);
    finishArtifact(artifact, t0, files, counts(inFeed, listed - inFeed, 1, (files[0] as FileInfo).bytes), track.wrote);
    return files;
  };

  // Sitemap: one urlset, or an index with numbered parts (the index written after its parts).
  const sitemapArtifact = async (): Promise<FileInfo[]> => {
    const t0 = performance.now();
    const known = knownFiles('sitemap');
    if (!on.sitemap || inSitemap === 0) {
      // The sitemap schema needs at least one <url>: with none, there is no sitemap file at all.
      const before = removedFiles.length;
      for (const f of known.values()) removeFile(f.name);
      removeFile(FILE_NAMES.sitemap);
      removeFile(`${FILE_NAMES.sitemap}.gz`);
      if (on.sitemap) finishArtifact('sitemap', t0, [], counts(0, listed, 0, 0), removedFiles.length > before);
      else nextStates.delete('sitemap');
      state.parts = [];
      return [];
    }
    const parts = partitionSitemap(order);
    const track = { wrote: false };
    const writePart = async (name: string, part: SitemapPart, prevPart: SitemapPart | undefined): Promise<FileInfo[]> => {
      const same = !full && !force && samePart(prevPart, part) ? unchangedFiles(name, known) : null;
      return same ?? writeWhole(name, urlsetBuffers(part), known, full, track);
    };
    let files: FileInfo[];
    if (parts.length === 1) {
      files = await writePart(FILE_NAMES.sitemap, parts[0] as SitemapPart, state.parts.length === 1 ? state.parts[0] : undefined);
    } else {
      const written = await Promise.all(parts.map((part, i) => writePart(sitemapPartName(i), part, state.parts.length > 1 ? state.parts[i] : undefined)));
      files = written.flat();
      files.push(...(await writeWhole(FILE_NAMES.sitemap, sitemapIndexBuffers(parts, settings), known, true, track)));
    }
    const keep = new Set(files.map((f) => f.name));
    for (const f of known.values()) if (!keep.has(f.name)) removeFile(f.name);
    state.parts = parts;
    const bytes = files.reduce((n, f) => n + (f.name.endsWith('.gz') ? 0 : f.bytes), 0);
    finishArtifact('sitemap', t0, files, counts(inSitemap, listed - inSitemap, files.filter((f) => !f.name.endsWith('.gz')).length, bytes), track.wrote || removedFiles.length > 0);
    return files;
  };

  // The three are written in parallel: their fsyncs overlap.
  const [xmlFiles, tsvFiles, sitemapFiles] = await Promise.all([
    feedArtifact('merchantXml', FILE_NAMES.merchantXml, feedXmlChanged, () => merchantXmlBuffers(order, settings)),
    feedArtifact('merchantTsv', FILE_NAMES.merchantTsv, feedTsvChanged, () => merchantTsvBuffers(order)),
    sitemapArtifact(),
  ]);
  allFiles.push(...xmlFiles, ...tsvFiles, ...sitemapFiles);
  if (changedFiles.length > 0) fsyncDir(dir);

  // JSON-LD snippets, one file per product (written above as they were built).
  {
    const t0 = performance.now();
    const ldDir = path.join(dir, 'jsonld');
    if (!on.jsonLd) {
      if (fs.existsSync(ldDir)) {
        for (const name of fs.readdirSync(ldDir)) removedFiles.push(`jsonld/${name}`);
        fs.rmSync(ldDir, { recursive: true, force: true });
      }
      nextStates.delete('jsonLd');
    } else {
      changedFiles.push(...ld.written);
      const written = new Set(ld.written);
      for (const name of jsonRemovals) if (!written.has(name)) removeFile(name);
      let bytes = 0;
      for (const e of order) {
        if (!e.jsonLd) continue;
        bytes += e.jsonLd.bytes;
        allFiles.push(e.jsonLd);
      }
      // The per-file list lives in the manifest; the state keeps only the counts.
      finishArtifact('jsonLd', t0 + ld.elapsedMs, [], counts(withLd, order.length - withLd, withLd, bytes), ld.written.length > 0 || jsonRemovals.size > 0);
    }
  }

  // The manifest, last: it describes the files now in place.
  const wrote = changedFiles.length > 0 || removedFiles.length > 0 || full;
  if (wrote) {
    const t0 = performance.now();
    const manifest = manifestBuffers(seq, full, order.length, { inFeed, inSitemap, withLd, listed }, allFiles);
    const written = writeFileAtomic(path.join(dir, FILE_NAMES.manifest), manifest);
    changedFiles.push(FILE_NAMES.manifest);
    const info = { name: FILE_NAMES.manifest, ...written };
    allFiles.push(info);
    finishArtifact('manifest', t0, [info], counts(allFiles.length - 1, 0, 1, written.bytes), true);
  } else {
    const prev = state.artifacts.get('manifest');
    if (prev) allFiles.push(...prev.details.files);
  }
  const filesDoneAt = performance.now();
  for (const [artifact, s] of nextStates) if (s.seq !== seq) nextStates.set(artifact, { ...s, seq });
  const prefix = `${dir}${path.sep}`;
  const files: PublishedFile[] = allFiles.map((f) => ({ name: f.name, bytes: f.bytes, sha256: f.sha256, path: prefix + f.name }));

  // 4. Record it: artifact states, per-product records and a `published` change in one transaction.
  const durationMs = performance.now() - started;
  if (wrote || records.length > 0 || goneIds.length > 0) {
    await deps.queue.exclusive(async (ctx) => {
      await saveArtifactStates(ctx, [...nextStates.values()]);
      const removed = [...state.artifacts.keys()].filter((a) => !nextStates.has(a));
      if (removed.length > 0) await ctx.trx('publish_state').whereIn('artifact', removed).delete();
      await savePublished(ctx, records, toRecord, goneIds);
      if (wrote) {
        await ctx.append([
          {
            type: 'published',
            productId: null,
            sku: null,
            payload: { seq, full, changedFiles: changedFiles.length, removedFiles: removedFiles.length, changedUrls: changedUrls.size, durationMs: Math.round(durationMs) },
          },
        ]);
      }
    });
  }
  state.artifacts = nextStates;
  return {
    seq,
    full,
    wrote,
    durationMs,
    filesDoneAt,
    outcome: { seq, publishDir: dir, full, files, changedFiles, removedFiles, changedUrls: [...changedUrls] },
  };
}

function listJsonLdFiles(dir: string): Set<string> {
  try {
    return new Set(fs.readdirSync(path.join(dir, 'jsonld')));
  } catch {
    return new Set();
  }
}

/**
 * Writes JSON-LD files as they are built. Into a folder that does not exist yet (the first
 * publish), they go into a fresh folder renamed into place at the end, so a reader never sees a
 * half-filled folder; otherwise each file is replaced atomically. A full publish skips the
 * per-file fsync (100,000 fsyncs would take minutes) and syncs the folder once at the end.
 */
class JsonLdWriter {
  readonly written: string[] = [];
  elapsedMs = 0;
  private staging: string | null = null;
  private ready = false;
  private readonly ldDir: string;

  constructor(
    private readonly dir: string,
    private readonly enabled: boolean,
    private readonly options: { bulk: boolean },
  ) {
    this.ldDir = path.join(dir, 'jsonld');
  }

  write(slug: string, body: string): void {
    if (!this.enabled) return;
    const t0 = performance.now();
    if (!this.ready) {
      if (this.options.bulk && !fs.existsSync(this.ldDir)) {
        this.staging = tempName(this.ldDir);
        fs.mkdirSync(this.staging);
      } else {
        fs.mkdirSync(this.ldDir, { recursive: true });
      }
      this.ready = true;
    }
    if (this.staging) fs.writeFileSync(path.join(this.staging, `${slug}.json`), body);
    // Outside Buffer's shared pool: a transient body sharing a pool slab with retained fragments would keep the slab alive.
    else writeFileAtomic(path.join(this.ldDir, `${slug}.json`), [unpooled(body)], { durable: !this.options.bulk, syncDir: false });
    this.written.push(`jsonld/${slug}.json`);
    this.elapsedMs += performance.now() - t0;
  }

  finish(): void {
    if (!this.ready) return;
    const t0 = performance.now();
    if (this.staging) {
      fsyncDir(this.staging);
      fs.renameSync(this.staging, this.ldDir);
      fsyncDir(this.dir);
    } else {
      fsyncDir(this.ldDir);
    }
    this.elapsedMs += performance.now() - t0;
  }
}

function manifestBuffers(
  seq: number,
  full: boolean,
  products: number,
  c: { inFeed: number; inSitemap: number; withLd: number; listed: number },
  files: FileInfo[],
): Buffer[] {
  const head = JSON.stringify(
    {
      seq,
      writtenAt: new Date().toISOString(),
      full,
      counts: { products, listed: c.listed, feedItems: c.inFeed, sitemapUrls: c.inSitemap, jsonLdFiles: c.withLd, files: files.length },
    },
    null,
    2,
  );
  // Built in chunks of lines: with 100,000 JSON-LD files the list is ~10 MB, written on every publish.
  const out: Buffer[] = [Buffer.from(`${head.slice(0, -2)},\n  "files": [`)];
  for (let i = 0; i < files.length; i += 2_000) {
    const lines = files.slice(i, i + 2_000).map((f, k) => `${i + k === 0 ? '' : ','}\n    ${(f as { line?: string }).line ?? manifestLine(f.name, f.bytes, f.sha256)}`);
    out.push(Buffer.from(lines.join('')));
  }
  out.push(Buffer.from('\n  ]\n}\n'));
  return out;
}
