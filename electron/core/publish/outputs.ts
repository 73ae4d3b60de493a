/**
 * The big files of one publish, written together from the product records in order: the Merchant
 * feed (XML and TSV), the sitemap and the manifest's list of JSON-LD files. A full publish adds
 * every record as it is rendered; an incremental one adds them all again, and every unchanged
 * fragment is copied from the file being replaced (a run at a time), so only what changed is new
 * text.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import {
  FILE_NAMES,
  ListFile,
  OPENAI_PART_NAME,
  OpenAiWriter,
  MANIFEST_HEAD,
  MERCHANT_TSV_HEAD,
  MERCHANT_XML_TAIL,
  ManifestLines,
  SitemapWriter,
  closeOld,
  manifestTail,
  merchantXmlHead,
  openList,
  sitemapIndexText,
  type Finished,
  type ListLayout,
  type SitemapLimits,
  SITEMAP_LIMITS,
} from './artifacts';
import { fsyncDir, renameOver, tempName } from './atomic-file';
import type { OldFile } from './file-writer';
import type { CatalogCache } from './catalog-cache';
import type { CollectionsOutput } from './collection-stage';
import type { ProductRecord } from './product-record';
import type { FileInfo } from './publish-store';
import type { Fragments } from './render';
import type { StoredSettings } from './types';

const fsyncFd = promisify(fs.fsync);

/** What the publisher knows of the big files now in the folder. */
export type Layouts = {
  xml?: ListLayout;
  tsv?: ListLayout;
  /** The OpenAI feed's part files in order (one: `openai-products.jsonl` itself). */
  aiParts?: ListLayout[];
  /** `_redirects` and `redirects.nginx.conf`, written whole (they are small). */
  redirects?: FileInfo[];
  /** The sitemap part files in order (one: `sitemap.xml` itself). */
  parts: ListLayout[];
  /** The sitemap index, when there are several parts. */
  index?: FileInfo;
  manifest?: ListLayout & { regionLen: number };
};

export type OutputCounts = { products: number; listed: number; inFeed: number; inSitemap: number; withLd: number; ldBytes: number };

/** Thrown when a file to copy from is missing or was changed outside Stockfeed: the publisher then rewrites everything. */
export class StaleFilesError extends Error {}

type Touched = { xml: boolean; tsv: boolean; ai: boolean; sitemap: boolean; jsonLd: boolean };

/** The redirects files' text (see redirects.ts), asked for once the records are in place. */
export type RedirectTexts = { netlify: string; nginx: string; count: number };
const NO_REDIRECTS = (): RedirectTexts => ({ netlify: '', nginx: '', count: 0 });

export type OutputResult = {
  layouts: Layouts;
  files: { merchantXml: FileInfo[]; merchantTsv: FileInfo[]; openAiFeed: FileInfo[]; sitemap: FileInfo[]; redirects: FileInfo[]; manifest: FileInfo };
  changedFiles: string[];
  removedFiles: string[];
  counts: OutputCounts;
  /** Per artifact: whether one of its files was written or removed. */
  wrote: { merchantXml: boolean; merchantTsv: boolean; openAiFeed: boolean; sitemap: boolean; redirects: boolean };
  /** How many redirects the files hold. */
  redirects: number;
};

const ALL: Touched = { xml: true, tsv: true, ai: true, sitemap: true, jsonLd: true };

export class OutputSet {
  readonly counts: OutputCounts = { products: 0, listed: 0, inFeed: 0, inSitemap: 0, withLd: 0, ldBytes: 0 };
  private readonly xml: ListFile | null = null;
  private readonly tsv: ListFile | null = null;
  private readonly ai: OpenAiWriter | null = null;
  private readonly sitemap: SitemapWriter | null = null;
  private readonly manifest: ManifestLines;
  private readonly oldXml: OldFile | null = null;
  private readonly oldTsv: OldFile | null = null;
  private readonly oldAiParts: Array<(OldFile & { layout: ListLayout }) | null> = [];
  private readonly oldParts: Array<(OldFile & { layout: ListLayout }) | null> = [];
  private readonly oldManifest: (OldFile & { layout: ListLayout }) | null = null;
  private readonly opened: Array<OldFile | null> = [];
  private readonly on: StoredSettings['artifacts'];

  /**
   * `copy`: unchanged records' fragments are copied from the files now in the folder (an incremental
   * publish); `touched`: which files the changes reach (the others stay as they are).
   */
  constructor(
    private readonly dir: string,
    private readonly settings: StoredSettings,
    private readonly old: Layouts,
    private readonly mode: { copy: boolean; touched?: Touched; limits?: SitemapLimits; openAiPartItems?: number },
  ) {
    this.on = settings.artifacts;
    const touched = mode.touched ?? ALL;
    const open = (layout: ListLayout | undefined, needed: boolean) => {
      if (!mode.copy || !layout) return null;
      const file = openList(dir, layout);
      this.opened.push(file);
      if (!file && needed) {
        this.close();
        throw new StaleFilesError(`${layout.name} is missing or was changed outside Stockfeed`);
      }
      return file;
    };
    try {
      if (this.on.merchantXml && touched.xml) {
        this.oldXml = open(old.xml, true);
        this.xml = new ListFile(dir, FILE_NAMES.merchantXml, merchantXmlHead(settings), MERCHANT_XML_TAIL, this.oldXml as (OldFile & { layout: ListLayout }) | null);
      }
      if (this.on.merchantTsv && touched.tsv) {
        this.oldTsv = open(old.tsv, true);
        this.tsv = new ListFile(dir, FILE_NAMES.merchantTsv, MERCHANT_TSV_HEAD, '', this.oldTsv as (OldFile & { layout: ListLayout }) | null);
      }
      if (this.on.openAiFeed && touched.ai) {
        this.oldAiParts = (old.aiParts ?? []).map((p) => open(p, true));
        // 0: one file however long (users' uploads point at openai-products.jsonl); parts only when asked for.
        this.ai = new OpenAiWriter(dir, this.oldAiParts, mode.openAiPartItems ?? (settings.openAiFeed.partItems || Number.MAX_SAFE_INTEGER));
      }
      if (this.on.sitemap && touched.sitemap) {
        this.oldParts = old.parts.map((p) => open(p, true));
        this.sitemap = new SitemapWriter(dir, this.oldParts, mode.limits ?? SITEMAP_LIMITS);
      }
      this.oldManifest = open(old.manifest, mode.copy && this.on.jsonLd);
      this.manifest = new ManifestLines(dir, this.oldManifest);
      if (!touched.jsonLd && this.on.jsonLd && old.manifest && old.manifest.regionLen > 0) {
        // No JSON-LD file changed: the whole list is copied as it is.
        this.manifest.copyAll(old.manifest.regionLen);
      }
    } catch (error) {
      this.close();
      throw error;
    }
  }

  /** Adds the next record in order: its `fresh` fragments when new (null: copied from the old files). */
  add(e: ProductRecord, fresh: Fragments | null): void {
    const c = this.counts;
    c.products++;
    if (e.availability !== 'discontinued') c.listed++;
    if (e.inFeed) {
      c.inFeed++;
      if (this.xml) {
        if (!fresh && e.xmlOff < 0) throw new StaleFilesError(`${e.sku} has no place in ${FILE_NAMES.merchantXml}`);
        e.xmlOff = this.xml.add(fresh ? fresh.xml : null, this.oldXml, e.xmlOff, e.xmlLen);
        e.xmlLen = this.xml.lastLen;
      }
      if (this.tsv) {
        if (!fresh && e.tsvOff < 0) throw new StaleFilesError(`${e.sku} has no place in ${FILE_NAMES.merchantTsv}`);
        e.tsvOff = this.tsv.add(fresh ? fresh.tsv : null, this.oldTsv, e.tsvOff, e.tsvLen);
        e.tsvLen = this.tsv.lastLen;
      }
      if (this.ai) {
        if (!fresh && (e.aiOff < 0 || e.aiPart < 0)) throw new StaleFilesError(`${e.sku} has no place in the OpenAI feed`);
        this.ai.add(e, fresh ? fresh.ai : null);
      }
    }
    if (e.inSitemap) {
      c.inSitemap++;
      if (this.sitemap) {
        if (!fresh && e.smPart < 0) throw new StaleFilesError(`${e.sku} has no place in the sitemap`);
        this.sitemap.add(e, fresh ? fresh.sitemap : null);
      }
    }
    if (e.hasJsonLd) {
      c.withLd++;
      c.ldBytes += e.ldBytes;
      if (this.on.jsonLd && !this.manifest.copiedAll) {
        if (!fresh && e.mfOff < 0) throw new StaleFilesError(`${e.sku} has no line in ${FILE_NAMES.manifest}`);
        this.manifest.add(e, fresh ? fresh.manifest : null);
      }
    }
  }

  /**
   * Adds `order[0..count)`, records whose fragments are exactly where they were in the old files (an
   * incremental publish's unchanged beginning): each file copies them in one range.
   */
  addUnchanged(order: { at(i: number): ProductRecord }, count: number): void {
    const c = this.counts;
    let lastFeed: ProductRecord | null = null;
    let lastLd: ProductRecord | null = null;
    let feedCount = 0;
    for (let i = 0; i < count; i++) {
      const e = order.at(i);
      c.products++;
      if (e.availability !== 'discontinued') c.listed++;
      if (e.inFeed) {
        c.inFeed++;
        feedCount++;
        lastFeed = e;
      }
      if (e.inSitemap) {
        c.inSitemap++;
        this.sitemap?.add(e, null);
      }
      if (e.hasJsonLd) {
        c.withLd++;
        c.ldBytes += e.ldBytes;
        lastLd = e;
      }
    }
    if (lastFeed) {
      if (this.xml) this.xml.addPrefix(this.oldXml as OldFile, lastFeed.xmlOff + lastFeed.xmlLen);
      if (this.tsv) this.tsv.addPrefix(this.oldTsv as OldFile, lastFeed.tsvOff + lastFeed.tsvLen);
      // The OpenAI parts a part at a time; line by line when they do not line up (never expected).
      if (this.ai && !this.ai.addPrefix(lastFeed, feedCount)) {
        for (let i = 0; i < count; i++) {
          const e = order.at(i);
          if (e.inFeed) this.ai.add(e, null);
        }
      }
    }
    if (lastLd && this.on.jsonLd && !this.manifest.copiedAll) this.manifest.addPrefix(lastLd);
  }

  /**
   * Adds `cache`'s records at [from, size): unchanged, in the order the old files list them, and
   * the last ones there (an incremental publish's tail after its last change). The Merchant feed
   * and the manifest copy them in one range each and their places move by one distance in the
   * cache's columns; the sitemap and the OpenAI parts, split by count, still take them one by one.
   * At 100,000 products a record-by-record pass over the tail cost ≈ 30 ms of a change's ≈ 230 ms
   * of CPU (perf).
   */
  addTail(cache: CatalogCache, from: number): void {
    if (from >= cache.size) return;
    const t = cache.tailSummary(from);
    const c = this.counts;
    c.products += cache.size - from;
    c.listed += t.listed;
    c.inFeed += t.inFeed;
    c.inSitemap += t.inSitemap;
    c.withLd += t.withLd;
    c.ldBytes += t.ldBytes;
    const delta = { xml: 0, tsv: 0, mf: 0 };
    if (t.firstFeed >= 0 && (this.xml || this.tsv)) {
      const e = cache.at(t.firstFeed);
      if (this.xml) {
        if (e.xmlOff < 0 || !this.oldXml) throw new StaleFilesError(`${e.sku} has no place in ${FILE_NAMES.merchantXml}`);
        delta.xml = this.xml.addRest(this.oldXml as OldFile & { layout: ListLayout }, e.xmlOff);
      }
      if (this.tsv) {
        if (e.tsvOff < 0 || !this.oldTsv) throw new StaleFilesError(`${e.sku} has no place in ${FILE_NAMES.merchantTsv}`);
        delta.tsv = this.tsv.addRest(this.oldTsv as OldFile & { layout: ListLayout }, e.tsvOff);
      }
    }
    if (t.firstLd >= 0 && this.on.jsonLd && !this.manifest.copiedAll) {
      const e = cache.at(t.firstLd);
      if (e.mfOff < 0 || !this.oldManifest || !this.old.manifest) throw new StaleFilesError(`${e.sku} has no line in ${FILE_NAMES.manifest}`);
      delta.mf = this.manifest.addRest(e, this.old.manifest.regionLen);
    }
    cache.shiftPlaces(from, delta);
    if (!this.sitemap && !this.ai) return;
    for (let i = from; i < cache.size; i++) {
      const e = cache.at(i);
      if (this.ai && e.inFeed) {
        if (e.aiOff < 0 || e.aiPart < 0) throw new StaleFilesError(`${e.sku} has no place in the OpenAI feed`);
        this.ai.add(e, null);
      }
      if (this.sitemap && e.inSitemap) {
        if (e.smPart < 0) throw new StaleFilesError(`${e.sku} has no place in the sitemap`);
        this.sitemap.add(e, null);
      }
    }
  }

  /**
   * Finishes every file, renames the changed ones into place (the sitemap parts before their
   * index, the manifest last) and syncs the folder. `recorded`: the files as the last publish
   * recorded them, so an identical rewrite (a full publish) leaves the file alone. `collections`:
   * the collection files that the manifest and the sitemap index list too, put into place by
   * `placeCollections` before any of these files is renamed.
   * `redirects`: the redirects files' text, when they are on.
   */
  async finish(
    summary: { seq: number; full: boolean; force: boolean },
    recorded: Map<string, FileInfo>,
    collections: CollectionsOutput | null = null,
    redirects: () => RedirectTexts = NO_REDIRECTS,
    placeCollections: () => Promise<void> = async () => {},
  ): Promise<OutputResult> {
    const changedFiles: string[] = [];
    const removedFiles: string[] = [];
    const layouts: Layouts = { parts: [] };
    /** Temporary files to make durable (all at once: their fsyncs overlap), then rename in this order. */
    const renames: Array<{ temp: string; name: string; sync: () => Promise<void> }> = [];
    const stale: string[] = [];
    const wrote = { merchantXml: false, merchantTsv: false, openAiFeed: false, sitemap: false, redirects: false };
    const files = {
      merchantXml: [] as FileInfo[],
      merchantTsv: [] as FileInfo[],
      openAiFeed: [] as FileInfo[],
      sitemap: [] as FileInfo[],
      redirects: [] as FileInfo[],
      manifest: { name: FILE_NAMES.manifest, bytes: 0, sha256: '' } as FileInfo,
    };
    let redirectCount = 0;
    const temps: string[] = [];
    const remove = (name: string): boolean => {
      const file = path.join(this.dir, name);
      if (!fs.existsSync(file)) return false;
      fs.rmSync(file, { force: true });
      removedFiles.push(name);
      return true;
    };
    /** Keeps a completed list file: renamed into place unless identical to what is there. */
    const settle = (f: Finished, file: ListFile): ListLayout => {
      if (f.temp) temps.push(f.temp);
      const before = recorded.get(f.layout.name);
      if (f.temp && !summary.force && before && before.sha256 === f.layout.sha256 && before.bytes === f.layout.bytes) {
        const stat = fs.statSync(path.join(this.dir, f.layout.name), { throwIfNoEntry: false });
        if (stat && stat.size === f.layout.bytes) {
          file.abort();
          return { ...f.layout, ino: stat.ino, mtimeMs: stat.mtimeMs };
        }
      }
      if (f.temp) {
        renames.push({ temp: f.temp, name: f.layout.name, sync: () => file.sync() });
        changedFiles.push(f.layout.name);
      }
      return f.layout;
    };
    const info = (l: { name: string; bytes: number; sha256: string }): FileInfo => ({ name: l.name, bytes: l.bytes, sha256: l.sha256 });

    try {
      // Merchant feed, XML and TSV: the same items.
      for (const [key, artifact, name, file, old] of [
        ['xml', 'merchantXml', FILE_NAMES.merchantXml, this.xml, this.old.xml],
        ['tsv', 'merchantTsv', FILE_NAMES.merchantTsv, this.tsv, this.old.tsv],
      ] as const) {
        if (!this.on[artifact]) {
          if (remove(name)) wrote[artifact] = true;
          continue;
        }
        const layout = file ? settle(file.complete(), file) : old;
        if (!layout) continue;
        if (changedFiles.includes(name)) wrote[artifact] = true;
        layouts[key] = layout;
        files[artifact].push(info(layout));
      }

      // The OpenAI feed, the same items again, in parts. Parts this process wrote, and those a
      // previous one recorded (a fresh process knows only those): any no longer wanted go.
      const oldAiNames = [...new Set([...(this.old.aiParts ?? []).map((p) => p.name), ...[...recorded.keys()].filter((n) => OPENAI_PART_NAME.test(n))])];
      if (!this.on.openAiFeed) {
        for (const name of new Set([...oldAiNames, FILE_NAMES.openAiFeed])) {
          if (remove(name)) wrote.openAiFeed = true;
          remove(`${name}.gz`);
        }
      } else if (this.ai) {
        layouts.aiParts = this.ai.finalParts().map(({ file, name }) => settle(file.complete({ finalName: name }), file));
        files.openAiFeed.push(...layouts.aiParts.map(info));
        const keep = new Set(files.openAiFeed.map((f) => f.name));
        for (const name of oldAiNames) if (!keep.has(name)) stale.push(name);
        wrote.openAiFeed = changedFiles.some((n) => keep.has(n)) || oldAiNames.some((n) => !keep.has(n));
      } else if (this.old.aiParts) {
        layouts.aiParts = this.old.aiParts;
        files.openAiFeed.push(...this.old.aiParts.map(info));
      }

      // Sitemap: parts, then the index that points at them.
      // Parts this process wrote, and those a previous one recorded (a fresh process knows only those).
      const oldNames = [...new Set([...this.old.parts.map((p) => p.name), ...[...recorded.keys()].filter((n) => /^sitemap(-\d+)?\.xml$/.test(n))])];
      // The collections sitemap (issue 19) is listed in the index beside the product parts.
      const extras = this.on.sitemap && collections?.sitemap ? [collections.sitemap] : [];
      if (!this.on.sitemap || (this.counts.inSitemap === 0 && extras.length === 0)) {
        // The sitemap schema needs at least one <url>: with none, there is no sitemap file at all.
        for (const name of new Set([...oldNames, FILE_NAMES.sitemap])) if (remove(name)) wrote.sitemap = true;
      } else if (this.sitemap) {
        const asIndex = this.sitemap.parts.length > 1 || extras.length > 0;
        const names = this.sitemap.names(asIndex);
        this.sitemap.parts.forEach((p, i) => {
          const layout = settle(p.file.complete({ finalName: names[i] as string }), p.file);
          layouts.parts.push(layout);
          files.sitemap.push(info(layout));
        });
        if (asIndex) {
          const text = sitemapIndexText(this.sitemap.parts, this.settings, extras);
          const before = this.old.index;
          const bytes = Buffer.byteLength(text);
          const same = before && !summary.force && before.bytes === bytes && fs.existsSync(path.join(this.dir, FILE_NAMES.sitemap)) && hashText(text) === before.sha256;
          const written = same ? before : { name: FILE_NAMES.sitemap, ...writeTemp(path.join(this.dir, FILE_NAMES.sitemap), text, renames, temps) };
          if (!same) changedFiles.push(FILE_NAMES.sitemap);
          layouts.index = info(written);
          files.sitemap.push(layouts.index);
        }
        const keep = new Set(files.sitemap.map((f) => f.name));
        for (const name of oldNames) if (!keep.has(name)) stale.push(name);
        wrote.sitemap = changedFiles.some((n) => keep.has(n)) || oldNames.some((n) => !keep.has(n));
      } else {
        layouts.parts = this.old.parts;
        if (this.old.index) layouts.index = this.old.index;
        files.sitemap.push(...this.old.parts.map(info), ...(this.old.index ? [this.old.index] : []));
      }

      // Redirects: two small files, written whole when their text changes.
      const redirectNames: string[] = [FILE_NAMES.redirects, FILE_NAMES.redirectsNginx];
      if (!this.on.redirects) {
        for (const name of redirectNames) if (remove(name)) wrote.redirects = true;
      } else {
        const texts = redirects();
        redirectCount = texts.count;
        const before = new Map((this.old.redirects ?? []).map((f) => [f.name, f]));
        for (const [name, text] of [
          [FILE_NAMES.redirects, texts.netlify],
          [FILE_NAMES.redirectsNginx, texts.nginx],
        ] as const) {
          const known = before.get(name) ?? recorded.get(name);
          const bytes = Buffer.byteLength(text);
          const same = known && !summary.force && known.bytes === bytes && fs.existsSync(path.join(this.dir, name)) && hashText(text) === known.sha256;
          const written = same ? info(known) : { name, ...writeTemp(path.join(this.dir, name), text, renames, temps) };
          if (!same) {
            changedFiles.push(name);
            wrote.redirects = true;
          }
          files.redirects.push(written);
        }
        layouts.redirects = files.redirects;
      }

      // The manifest: the JSON-LD lines (written as records were added), then the rest.
      const big = [...files.merchantXml, ...files.merchantTsv, ...files.openAiFeed, ...files.sitemap, ...(collections?.files ?? []), ...files.redirects];
      const counts = {
        products: this.counts.products,
        listed: this.counts.listed,
        feedItems: this.counts.inFeed,
        sitemapUrls: this.on.sitemap ? this.counts.inSitemap : 0,
        jsonLdFiles: this.on.jsonLd ? this.counts.withLd : 0,
        collections: collections?.counts.collections ?? 0,
        files: big.length + (this.on.jsonLd ? this.counts.withLd : 0),
      };
      const regionLen = this.manifest.file.size - Buffer.byteLength(MANIFEST_HEAD);
      this.manifest.file.writer.write(manifestTail(!this.manifest.empty, big, { seq: summary.seq, writtenAt: new Date().toISOString(), full: summary.full, counts }));
      const m = this.manifest.file.complete();
      if (m.temp) temps.push(m.temp);

      // Every file durable, then each into place: the sitemap parts before their index, the
      // manifest last of all (it describes the files already there), then the folder itself.
      // The collection files go into place meanwhile (their own fsyncs, started before): before
      // the sitemap index that names their sitemap and the manifest that lists them.
      await Promise.all([...renames.map((r) => r.sync()), this.manifest.file.sync(), placeCollections()]);
      for (const r of renames) renameOver(r.temp, path.join(this.dir, r.name));
      for (const name of stale) {
        remove(name);
        remove(`${name}.gz`);
      }
      if (m.temp) renameOver(m.temp, path.join(this.dir, FILE_NAMES.manifest));
      changedFiles.push(FILE_NAMES.manifest);
      layouts.manifest = { ...m.layout, regionLen };
      files.manifest = info(m.layout);
      fsyncDir(this.dir);
      // The collection files are small and many, and web servers read the redirects files as they
      // are: no .gz copies of them.
      await this.gzipCopies(changedFiles, [...files.merchantXml, ...files.merchantTsv, ...files.openAiFeed, ...files.sitemap, files.manifest], removedFiles);
      return { layouts, files, changedFiles, removedFiles, counts: this.counts, wrote, redirects: redirectCount };
    } catch (error) {
      for (const t of temps) fs.rmSync(t, { force: true });
      this.abort();
      throw error;
    } finally {
      this.close();
    }
  }

  /** `.gz` copies of the big files when the setting is on (made from the files in place), removed when off. */
  private async gzipCopies(changed: string[], files: FileInfo[], removed: string[]): Promise<void> {
    const gz = (name: string) => `${name}.gz`;
    if (!this.settings.gzip) {
      for (const f of files) {
        const file = path.join(this.dir, gz(f.name));
        if (fs.existsSync(file)) {
          fs.rmSync(file, { force: true });
          removed.push(gz(f.name));
        }
      }
      return;
    }
    const due = files.filter((f) => changed.includes(f.name) || !fs.existsSync(path.join(this.dir, gz(f.name))));
    await Promise.all(
      due.map(async (f) => {
        const target = path.join(this.dir, gz(f.name));
        const temp = tempName(target);
        try {
          await pipeline(fs.createReadStream(path.join(this.dir, f.name)), zlib.createGzip({ level: 6 }), fs.createWriteStream(temp, { mode: 0o644 }));
          const fd = fs.openSync(temp, 'r');
          try {
            await fsyncFd(fd);
          } finally {
            fs.closeSync(fd);
          }
          renameOver(temp, target);
        } catch (error) {
          fs.rmSync(temp, { force: true });
          throw error;
        }
      }),
    );
    for (const f of due) changed.push(gz(f.name));
    if (due.length > 0) fsyncDir(this.dir);
  }

  abort(): void {
    this.xml?.abort();
    this.tsv?.abort();
    this.ai?.abort();
    this.sitemap?.abort();
    this.manifest.file.abort();
  }

  /**
   * Closes the old files. Asynchronously: the last close of a file that was replaced frees its
   * blocks (tens of milliseconds for a 70 MB feed), which need not hold up the publish.
   */
  private close(): void {
    closeOld(this.opened.splice(0));
  }
}

function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Writes a small file's temporary copy (made durable and renamed with the others) and returns its
 * size and hash. Its fsync waits with the big files' (it ran on the main thread here, before the
 * manifest was written, and took up to 60 ms while the disk wrote a change's 150 MB).
 */
function writeTemp(target: string, text: string, renames: Array<{ temp: string; name: string; sync: () => Promise<void> }>, temps: string[]): { bytes: number; sha256: string } {
  const temp = tempName(target);
  temps.push(temp);
  const fd = fs.openSync(temp, 'w', 0o644);
  try {
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
  renames.push({ temp, name: path.basename(target), sync: () => syncFile(temp) });
  return { bytes: Buffer.byteLength(text), sha256: hashText(text) };
}

/** fsync of a closed file, off the main thread ('r+': Windows flushes only a handle open for writing). */
async function syncFile(file: string): Promise<void> {
  const handle = await fs.promises.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
