/**
 * The big files, written from the product records in order: the Merchant feed (RSS 2.0 + g:
 * namespace, and TSV), the sitemap (a sitemap index with numbered parts past 50,000 URLs or 50 MB)
 * and the manifest. Each takes the records one at a time, writing a changed product's new text and
 * copying an unchanged one's bytes from the file it replaces, and notes in the record where each
 * fragment now is.
 */
import fs from 'node:fs';
import path from 'node:path';
import { xmlText } from './escape';
import { FileWriter, openOld, type FileLayout, type OldFile, type WrittenLayout } from './file-writer';
import type { ProductRecord } from './product-record';
import { manifestLine, TSV_COLUMNS } from './render';
import type { StoredSettings } from './types';
import { shopBase } from './validate';

export { shopBase };

export const FILE_NAMES = {
  merchantXml: 'google-merchant.xml',
  merchantTsv: 'google-merchant.tsv',
  sitemap: 'sitemap.xml',
  openAiFeed: 'openai-products.jsonl',
  redirects: '_redirects',
  redirectsNginx: 'redirects.nginx.conf',
  manifest: 'manifest.json',
} as const;

export const SITEMAP_MAX_URLS = 50_000;
export const SITEMAP_MAX_BYTES = 50 * 1024 * 1024;

/** Limits of one sitemap file (smaller in tests, to exercise the split without 50,000 products). */
export type SitemapLimits = { urls: number; bytes: number };
export const SITEMAP_LIMITS: SitemapLimits = { urls: SITEMAP_MAX_URLS, bytes: SITEMAP_MAX_BYTES };

/**
 * Items per part of the OpenAI feed. OpenAI takes a feed as several shard files ("keep that shard
 * set stable and replace the same shard files on each update"; up to 500k items per shard): with
 * parts of 10,000 items a stock change rewrites ~8 MB instead of the whole feed (~80 MB at 100,000
 * products), which was most of the time one change took.
 */
export const OPENAI_PART_ITEMS = 10_000;

/** The OpenAI feed's part files: `openai-products.jsonl` while one holds it, else `openai-products-N.jsonl`. */
export function openAiPartNames(count: number): string[] {
  return count === 1 ? [FILE_NAMES.openAiFeed] : Array.from({ length: count }, (_, i) => `openai-products-${i + 1}.jsonl`);
}

/** Whether `name` is one of the OpenAI feed's files (one name or numbered parts). */
export const OPENAI_PART_NAME = /^openai-products(-\d+)?\.jsonl$/;

/** A file now in the folder with the text around its list of fragments. */
export type ListLayout = FileLayout & { head: string; tail: string };


export function merchantXmlHead(settings: StoredSettings): string {
  const name = xmlText(settings.shopName || 'Products');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">\n<channel>\n' +
    `<title>${name}</title>\n<link>${xmlText(shopBase(settings))}</link>\n<description>${name}: product feed</description>\n`
  );
}
export const MERCHANT_XML_TAIL = '</channel>\n</rss>\n';
export const MERCHANT_TSV_HEAD = `${TSV_COLUMNS.join('\t')}\n`;
/** The image extension's namespace is declared in every part: product entries name their images. */
export const IMAGE_NS = 'http://www.google.com/schemas/sitemap-image/1.1';
const URLSET_HEAD = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="${IMAGE_NS}">\n`;
const URLSET_TAIL = '</urlset>\n';

/** What a finished list file is: its layout, and the temporary file to rename into place (null when unchanged). */
export type Finished = { layout: ListLayout; temp: string | null };

/**
 * One file made of a head, a fragment per product, and a tail. Built against the file it replaces
 * (`old`), it copies every byte it can from it, so an unchanged file is not written at all.
 */
export class ListFile {
  readonly writer: FileWriter;

  /** Length in bytes of the fragment `add` last added. */
  lastLen = 0;

  constructor(
    dir: string,
    readonly name: string,
    private readonly head: string,
    private readonly tail: string,
    private readonly old: (OldFile & { layout: ListLayout }) | null,
  ) {
    this.writer = new FileWriter(path.join(dir, name), old);
    if (old && old.layout.head === head) this.writer.copy(old, 0, Buffer.byteLength(head));
    else this.writer.write(head);
  }

  /** Adds a fragment: `text` when new, else the bytes at [off, off + len) of `src`. Returns where it went. */
  add(text: string | null, src: OldFile | null, off: number, len: number): number {
    const at = this.writer.offset;
    if (text !== null) this.lastLen = this.writer.write(text);
    else {
      this.writer.copy(src as OldFile, off, len);
      this.lastLen = len;
    }
    return at;
  }

  get size(): number {
    return this.writer.offset;
  }

  /**
   * Copies the old file's fragments from byte `off` to the end of its list (an incremental
   * publish's unchanged tail) in one range; returns how far they moved.
   */
  addRest(src: OldFile & { layout: ListLayout }, off: number): number {
    const at = this.writer.offset;
    this.writer.copy(src, off, src.layout.bytes - Buffer.byteLength(src.layout.tail) - off);
    return at - off;
  }

  /** Copies the old file's fragments up to byte `end` (right after the head, before anything is added). */
  addPrefix(src: OldFile, end: number): void {
    this.writer.copy(src, this.writer.offset, end - this.writer.offset);
  }

  /** Writes the tail and what is pending (see FileWriter#complete); `sync` then makes it durable. */
  complete(options: { finalName?: string } = {}): Finished {
    const old = this.old;
    const tailBytes = Buffer.byteLength(this.tail);
    if (old && old.layout.tail === this.tail) this.writer.copy(old, old.layout.bytes - tailBytes, tailBytes);
    else this.writer.write(this.tail);
    const name = options.finalName ?? this.name;
    const written: WrittenLayout = this.writer.complete({ keepUnchanged: old?.layout.name === name });
    return { layout: { ...layoutOf(written), name, head: this.head, tail: this.tail }, temp: written.temp };
  }

  sync(): Promise<void> {
    return this.writer.sync(true);
  }

  abort(): void {
    this.writer.abort();
  }
}

function layoutOf(w: WrittenLayout): FileLayout {
  return { name: w.name, bytes: w.bytes, sha256: w.sha256, checkpoints: w.checkpoints, ino: w.ino, mtimeMs: w.mtimeMs };
}

/** Opens the old version of a list file for copying (null when unknown, missing or changed by someone else). */
export function openList(dir: string, layout: ListLayout | undefined): (OldFile & { layout: ListLayout }) | null {
  return openOld(dir, layout) as (OldFile & { layout: ListLayout }) | null;
}

/** Closes old files in the background (closing a replaced file frees its blocks, which takes a while). */
export function closeOld(files: Array<OldFile | null>): void {
  for (const f of files) if (f) fs.close(f.fd, () => {});
}

export function sitemapPartName(i: number): string {
  return `sitemap-${i + 1}.xml`;
}

/** One part of the sitemap being written: its file and the newest lastmod in it. */
type Part = { file: ListFile; urls: number; newest: string };

/**
 * The sitemap: parts of at most 50,000 URLs and 50 MB, filled in order. Whether it ends up as one
 * `sitemap.xml` or as an index with `sitemap-N.xml` parts is known only at the end.
 */
export class SitemapWriter {
  readonly parts: Part[] = [];
  private readonly budget: number;

  /** `old`: the parts now in the folder, in order, open for copying. */
  constructor(
    private readonly dir: string,
    private readonly old: Array<(OldFile & { layout: ListLayout }) | null>,
    private readonly limits: SitemapLimits = SITEMAP_LIMITS,
  ) {
    this.budget = limits.bytes - Buffer.byteLength(URLSET_HEAD) - Buffer.byteLength(URLSET_TAIL);
  }

  /** Adds `e`'s `<url>` entry: `text` when new, else copied from its old part. */
  add(e: ProductRecord, text: string | null): void {
    const len = text !== null ? Buffer.byteLength(text) : e.smLen;
    let part = this.parts[this.parts.length - 1];
    if (!part || part.urls >= this.limits.urls || part.file.size - Buffer.byteLength(URLSET_HEAD) + len > this.budget) {
      const i = this.parts.length;
      part = { file: new ListFile(this.dir, sitemapPartName(i), URLSET_HEAD, URLSET_TAIL, this.old[i] ?? null), urls: 0, newest: '' };
      this.parts.push(part);
    }
    const src = text === null ? (this.old[e.smPart] ?? null) : null;
    if (text === null && !src) throw new Error(`sitemap part ${e.smPart + 1} is gone; cannot copy ${e.sku}`);
    e.smOff = part.file.add(text, src, e.smOff, len);
    e.smLen = len;
    e.smPart = this.parts.length - 1;
    part.urls++;
    if (e.lastmod > part.newest) part.newest = e.lastmod;
  }

  /**
   * The part files' final names: `sitemap.xml` for a single part, else `sitemap-N.xml` (also a
   * single part when `asIndex`: the index then lists other sitemaps beside it).
   */
  names(asIndex = this.parts.length > 1): string[] {
    return this.parts.length === 1 && !asIndex ? [FILE_NAMES.sitemap] : this.parts.map((_, i) => sitemapPartName(i));
  }

  abort(): void {
    for (const p of this.parts) p.file.abort();
  }
}

/**
 * The OpenAI feed: parts of at most `perPart` lines, filled in SKU order like the sitemap's. A
 * stock change rewrites the one part that holds the product (the others are copied whole, which
 * FileWriter turns into no write at all); a product added or removed moves the boundaries of the
 * parts after it, which are then rewritten too.
 */
export class OpenAiWriter {
  readonly parts: ListFile[] = [];
  private lines = 0;

  /** `old`: the parts now in the folder, in order, open for copying. */
  constructor(
    private readonly dir: string,
    private readonly old: Array<(OldFile & { layout: ListLayout }) | null>,
    private readonly perPart: number = OPENAI_PART_ITEMS,
  ) {}

  /** Adds `e`'s line: `text` when new, else copied from its old part. */
  add(e: ProductRecord, text: string | null): void {
    let part = this.parts[this.parts.length - 1];
    if (!part || this.lines >= this.perPart) {
      const i = this.parts.length;
      part = this.part(i);
      this.parts.push(part);
      this.lines = 0;
    }
    const src = text === null ? (this.old[e.aiPart] ?? null) : null;
    if (text === null && !src) throw new Error(`OpenAI feed part ${e.aiPart + 1} is gone; cannot copy ${e.sku}`);
    e.aiOff = part.add(text, src, e.aiOff, e.aiLen);
    e.aiLen = part.lastLen;
    e.aiPart = this.parts.length - 1;
    this.lines++;
  }

  /**
   * Copies the old parts' lines up to and including `last`'s, the `count`th line (the unchanged
   * beginning of an incremental publish: its parts fill exactly as before), a part at a time
   * instead of a line at a time. False, with nothing added, when the old parts do not line up.
   */
  addPrefix(last: ProductRecord, count: number): boolean {
    const lastPart = last.aiPart;
    if (this.parts.length > 0 || lastPart < 0 || lastPart !== Math.floor((count - 1) / this.perPart)) return false;
    for (let i = 0; i <= lastPart; i++) if (!this.old[i]) return false;
    for (let i = 0; i <= lastPart; i++) {
      const old = this.old[i] as OldFile & { layout: ListLayout };
      const part = this.part(i);
      part.addPrefix(old, i < lastPart ? old.layout.bytes : last.aiOff + last.aiLen);
      this.parts.push(part);
    }
    this.lines = count - lastPart * this.perPart;
    return true;
  }

  /** Part `i`, written under its old name (its final name is known only at the end, see finalParts). */
  private part(i: number): ListFile {
    const old = this.old[i] ?? null;
    return new ListFile(this.dir, old?.layout.name ?? `openai-products-${i + 1}.jsonl`, '', '', old);
  }

  /** The parts, at least one (an empty feed is one empty `openai-products.jsonl`), and their final names. */
  finalParts(): Array<{ file: ListFile; name: string }> {
    if (this.parts.length === 0) this.parts.push(this.part(0));
    const names = openAiPartNames(this.parts.length);
    return this.parts.map((file, i) => ({ file, name: names[i] as string }));
  }

  abort(): void {
    for (const p of this.parts) p.abort();
  }
}

/** The sitemap index: the product parts, then `extras` (the collections sitemap) by name. */
export function sitemapIndexText(parts: Array<{ newest: string }>, settings: StoredSettings, extras: Array<{ name: string; newest: string }> = []): string {
  const base = shopBase(settings);
  const entry = (name: string, newest: string) => `<sitemap><loc>${xmlText(`${base}/${name}`)}</loc>${newest ? `<lastmod>${newest}</lastmod>` : ''}</sitemap>\n`;
  const body = parts.map((p, i) => entry(sitemapPartName(i), p.newest)).join('') + extras.map((e) => entry(e.name, e.newest)).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${body}</sitemapindex>\n`;
}

/** Between two lines of the manifest's file list. */
export const MANIFEST_SEP = ',\n    ';
export const MANIFEST_HEAD = '{\n  "files": [\n    ';

/** The manifest's `generator`: how a folder is recognised as Stockfeed's (see manifest-file.ts). */
export const MANIFEST_GENERATOR = 'stockfeed';

/**
 * The JSON-LD files' lines of manifest.json, in record order, first in its `files` list (the big
 * files and the summary follow in the tail, written last): the list can be copied from the old
 * manifest a run at a time, and a full publish can write it as it goes.
 */
export class ManifestLines {
  private first = true;
  private lastCopyEnd = -1;
  /** Set when the whole list was copied from the old manifest (no JSON-LD file changed). */
  copiedAll = false;
  readonly file: ListFile;

  constructor(
    dir: string,
    private readonly old: (OldFile & { layout: ListLayout }) | null,
  ) {
    this.file = new ListFile(dir, FILE_NAMES.manifest, MANIFEST_HEAD, '', old);
  }

  private get regionStart(): number {
    return Buffer.byteLength(MANIFEST_HEAD);
  }

  /** Adds `e`'s line: `line` when new, else copied from the old manifest. */
  add(e: ProductRecord, line: string | null): void {
    if (line !== null) {
      if (!this.first) this.file.writer.write(MANIFEST_SEP);
      const start = this.file.size;
      const len = this.file.writer.write(line);
      e.mfOff = start - this.regionStart;
      e.mfLen = len;
      this.lastCopyEnd = -1;
    } else {
      const old = this.old as OldFile;
      const start = this.regionStart + e.mfOff;
      this.separatorBefore(e, start);
      const lineAt = this.file.size;
      this.file.writer.copy(old, start, e.mfLen);
      e.mfOff = lineAt - this.regionStart;
      this.lastCopyEnd = start + e.mfLen;
    }
    this.first = false;
  }

  /**
   * The separator before `e`'s old line at `start`, unless it is the list's first: copied with
   * the line when the old file had one there right after the last copy, else written.
   */
  private separatorBefore(e: ProductRecord, start: number): void {
    if (this.first) return;
    const sep = Buffer.byteLength(MANIFEST_SEP);
    if (e.mfOff >= sep && this.lastCopyEnd === start - sep) this.file.writer.copy(this.old as OldFile, start - sep, sep);
    else this.file.writer.write(MANIFEST_SEP);
  }

  /** Copies the old lines up to and including `last`'s (the unchanged beginning of the list). */
  addPrefix(last: ProductRecord): void {
    const end = this.regionStart + last.mfOff + last.mfLen;
    this.file.writer.copy(this.old as OldFile, this.regionStart, end - this.regionStart);
    this.lastCopyEnd = end;
    this.first = false;
  }

  /**
   * Copies the old lines from `e`'s to the end of the list (`regionLen` bytes in the old manifest)
   * in one range, as `add` copies one; returns how far they moved.
   */
  addRest(e: ProductRecord, regionLen: number): number {
    const old = this.old as OldFile;
    const start = this.regionStart + e.mfOff;
    this.separatorBefore(e, start);
    const lineAt = this.file.size;
    const end = this.regionStart + regionLen;
    this.file.writer.copy(old, start, end - start);
    this.lastCopyEnd = end;
    this.first = false;
    return lineAt - start;
  }

  /** Copies the old manifest's whole list of JSON-LD lines (`regionLen` bytes), unchanged. */
  copyAll(regionLen: number): void {
    this.file.writer.copy(this.old as OldFile, this.regionStart, regionLen);
    this.copiedAll = true;
    this.first = false;
  }

  /** Whether no line was added (the tail then starts without a separator). */
  get empty(): boolean {
    return this.first;
  }
}

/** The manifest's tail: the big files' lines, then the generator, sequence, time and counts. */
export function manifestTail(
  linesBefore: boolean,
  files: Array<{ name: string; bytes: number; sha256: string }>,
  summary: { seq: number; writtenAt: string; full: boolean; counts: Record<string, number> },
): string {
  const lines = files.map((f) => manifestLine(f.name, f.bytes, f.sha256));
  const list = lines.length > 0 ? `${linesBefore ? MANIFEST_SEP : ''}${lines.join(MANIFEST_SEP)}` : '';
  const rest = JSON.stringify({ generator: MANIFEST_GENERATOR, ...summary }, null, 2).slice(1);
  return `${list}\n  ],${rest}\n`;
}
