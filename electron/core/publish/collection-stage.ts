/**
 * Collections in one publish (issue 19), beside the products: the plan hands each rendered
 * product over (`put`) and each product gone (`gone`); `finish` renders the collections those
 * products left or joined (every collection in a full publish), writes the data files that changed
 * and the collections sitemap into place (durably, before the manifest that lists them), and says
 * what the write and record stages need: the files for the manifest, the extra sitemap for the
 * index, the records to save, the page URLs whose lastmod moved.
 */
import { createHash, hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Db } from '../util/db-helpers';
import { bool, num } from '../util/db-helpers';
import type { WriteContext } from '../write-queue';
import { fsyncDirAsync, removeStaleTemps, renameOver, tempName } from './atomic-file';
import { CollectionIndex } from './collection-index';
import {
  COLLECTIONS_DIR,
  COLLECTIONS_SITEMAP,
  collectionsOn,
  collectionsSitemapText,
  renderCollection,
  type CollectionRecord,
} from './collection-render';
import { collectionFileName, collectionUrl } from './collections';
import type { FileInfo } from './publish-store';
import type { Rendered } from './render';
import type { StoredSettings } from './types';

const fsync = promisify(fs.fsync);

/** What the collections of one publish hand to the write and record stages. */
export type CollectionsOutput = {
  /** Every collection file now in the folder, the collections sitemap last (the manifest lists them). */
  files: FileInfo[];
  /** The collections sitemap for the sitemap index, with its newest lastmod; null when there is none. */
  sitemap: { name: string; newest: string } | null;
  /** Whether the sitemap index must change: the collections sitemap came, went or its newest lastmod moved. */
  indexChanged: boolean;
  changedFiles: string[];
  removedFiles: string[];
  changedUrls: string[];
  /** Records to save, and the slugs whose records go. */
  records: CollectionRecord[];
  goneSlugs: string[];
  counts: { collections: number; inSitemap: number; empty: number; bytes: number };
};

/** Memory kept between publishes: the index and the records of what is in the folder. */
export type CollectionsState = {
  index: CollectionIndex | null;
  records: Map<string, CollectionRecord> | null;
  sitemap: (FileInfo & { newest: string }) | null;
};

export function newCollectionsState(): CollectionsState {
  return { index: null, records: null, sitemap: null };
}

type RecordRow = {
  slug: string;
  kind: string;
  url: string;
  content_hash: string;
  lastmod: string;
  seq: number | string;
  empty: unknown;
  in_sitemap: unknown;
  bytes: number | string;
  sha256: string;
};

async function loadRecords(db: Db): Promise<Map<string, CollectionRecord>> {
  const rows = (await db('published_collections').select('*')) as RecordRow[];
  return new Map(
    rows.map((r) => [
      r.slug,
      {
        slug: r.slug,
        kind: r.kind === 'brand' ? 'brand' : 'category',
        url: r.url,
        contentHash: r.content_hash,
        lastmod: r.lastmod,
        seq: num(r.seq),
        empty: bool(r.empty),
        inSitemap: bool(r.in_sitemap),
        bytes: num(r.bytes),
        sha256: r.sha256,
      },
    ]),
  );
}

/** Saves the records of collections that changed and deletes those gone (inside the publish's transaction). */
export async function saveCollectionRecords(ctx: WriteContext, records: CollectionRecord[], goneSlugs: string[]): Promise<void> {
  for (let i = 0; i < records.length; i += 500) {
    const rows = records.slice(i, i + 500).map((r) => ({
      slug: r.slug,
      kind: r.kind,
      url: r.url,
      content_hash: r.contentHash,
      lastmod: r.lastmod,
      seq: r.seq,
      empty: r.empty,
      in_sitemap: r.inSitemap,
      bytes: r.bytes,
      sha256: r.sha256,
      updated_at: ctx.now,
    }));
    await ctx.trx('published_collections').insert(rows).onConflict('slug').merge();
  }
  for (let i = 0; i < goneSlugs.length; i += 500) await ctx.trx('published_collections').whereIn('slug', goneSlugs.slice(i, i + 500)).delete();
}

/** A file to put in place: written to a temporary file first, made durable, then renamed. */
type Pending = { name: string; temp: string; fd: number };

/** What `finish` wrote and `place` puts into place. */
type Staged = { pending: Pending[]; removals: string[]; durable: Promise<unknown>; folder: string; placed: boolean };

export class CollectionsStage {
  private readonly index: CollectionIndex;
  private readonly on: boolean;

  constructor(
    private readonly db: Db,
    private readonly dir: string,
    // The run's state (run-state.ts), of which this stage keeps only its own part.
    private readonly state: { collections: CollectionsState },
    private readonly settings: StoredSettings,
    private readonly full: boolean,
  ) {
    this.on = collectionsOn(settings);
    // A full publish builds the index again from the catalogue; an incremental one moves products in it.
    this.index = full || !state.collections.index ? new CollectionIndex() : state.collections.index;
  }

  /** Takes a rendered product (in SKU order in a full publish). */
  put(product: Rendered): void {
    if (this.on) this.index.put(product.record.id, product.membership);
  }

  /** Takes a product that is gone. */
  gone(id: string): void {
    if (this.on) this.index.put(id, null);
  }

  private staged: Staged | null = null;

  /**
   * Renders the collections whose members changed and writes their files and the collections
   * sitemap to temporary files, whose fsyncs start at once; `place` then puts them into place and
   * removes the files of collections that are gone. In between, the publisher writes the big files:
   * the collections' fsyncs overlap that work instead of holding it up (one stock change at 100,000
   * products waited ~30 ms for them). Nothing is recorded in the run state until `done`.
   */
  async finish(options: { now: string; seq: number; force: boolean }): Promise<CollectionsOutput> {
    const cs = this.state.collections;
    const before = cs.records ?? (await loadRecords(this.db));
    const records = new Map(before);
    const out: CollectionsOutput = {
      files: [],
      sitemap: null,
      indexChanged: false,
      changedFiles: [],
      removedFiles: [],
      changedUrls: [],
      records: [],
      goneSlugs: [],
      counts: { collections: 0, inSitemap: 0, empty: 0, bytes: 0 },
    };
    const folder = path.join(this.dir, COLLECTIONS_DIR);
    const pending: Pending[] = [];
    const removals: string[] = [];
    try {
      if (this.full) {
        this.index.markAll();
        removeStaleTemps(folder);
        // Collections published before that no longer exist (or every one, with collections off).
        for (const slug of before.keys()) if (!this.on || !this.index.collections.has(slug)) this.forget(slug, records, out, removals);
      }
      const existing = this.full && !options.force ? listFolder(folder) : null;
      const keepEmpty = this.settings.emptyCollections === 'keep';
      for (const slug of this.on ? this.index.takeDirty() : []) {
        const c = this.index.collections.get(slug);
        const url = c ? collectionUrl(c, this.settings) : null;
        if (!c || c.members.length === 0 || url === null) {
          this.forget(slug, records, out, removals);
          this.index.drop(slug);
          continue;
        }
        const previous = records.get(slug);
        const rendered = renderCollection(c, url, previous, { now: options.now, seq: options.seq, keepEmpty });
        const r = rendered.record;
        const name = collectionFileName(slug);
        const sameFile = previous !== undefined && previous.sha256 === r.sha256 && previous.bytes === r.bytes;
        const inFolder = existing === null ? true : existing.has(`${slug}.json`);
        if (options.force || !sameFile || !inFolder) {
          if (pending.length === 0) fs.mkdirSync(folder, { recursive: true });
          pending.push(openPending(this.dir, name, rendered.text));
        }
        if (!sameRecord(previous, r)) {
          out.records.push(r);
          records.set(slug, r);
        }
        if (!previous || previous.lastmod !== r.lastmod || previous.url !== r.url) {
          out.changedUrls.push(r.url);
          if (previous && previous.url !== r.url) out.changedUrls.push(previous.url);
        }
      }

      const sitemap = this.on ? collectionsSitemapText(records.values()) : null;
      const oldSitemap = cs.sitemap ?? readSitemapInfo(this.dir);
      let sitemapInfo: (FileInfo & { newest: string }) | null = null;
      if (sitemap) {
        const bytes = Buffer.byteLength(sitemap.text);
        const sha256 = hash('sha256', sitemap.text, 'hex');
        sitemapInfo = { name: COLLECTIONS_SITEMAP, bytes, sha256, newest: sitemap.newest };
        const same = oldSitemap !== null && oldSitemap.sha256 === sha256 && fs.existsSync(path.join(this.dir, COLLECTIONS_SITEMAP));
        if (options.force || !same) pending.push(openPending(this.dir, COLLECTIONS_SITEMAP, sitemap.text));
      } else if (oldSitemap || fs.existsSync(path.join(this.dir, COLLECTIONS_SITEMAP))) {
        removals.push(COLLECTIONS_SITEMAP);
      }
      out.indexChanged = (oldSitemap === null) !== (sitemapInfo === null) || (sitemapInfo !== null && oldSitemap?.newest !== sitemapInfo.newest);

      // Every file durable at once (their fsyncs overlap, and run while the big files are written).
      const durable = Promise.all(pending.map((p) => fsync(p.fd)));
      // Settled here too, so a failure before `place` is not an unhandled rejection (place reports it).
      durable.catch(() => undefined);
      for (const p of pending) out.changedFiles.push(p.name);
      for (const name of removals) if (fs.existsSync(path.join(this.dir, name))) out.removedFiles.push(name);
      this.staged = { pending, removals: out.removedFiles, durable, folder, placed: false };

      const listed = [...records.values()].sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
      for (const r of listed) {
        out.files.push({ name: collectionFileName(r.slug), bytes: r.bytes, sha256: r.sha256 });
        out.counts.collections++;
        out.counts.bytes += r.bytes;
        if (r.inSitemap) out.counts.inSitemap++;
        if (r.empty) out.counts.empty++;
      }
      if (sitemapInfo) {
        out.files.push({ name: sitemapInfo.name, bytes: sitemapInfo.bytes, sha256: sitemapInfo.sha256 });
        out.sitemap = { name: sitemapInfo.name, newest: sitemapInfo.newest };
      }
      this.next = { records, sitemap: sitemapInfo };
      return out;
    } catch (error) {
      this.fail(pending);
      throw error;
    }
  }

  /**
   * Puts what `finish` wrote into place (each file durable first), removes the files of the
   * collections that are gone, then makes the folders durable. Before the manifest that lists them
   * and the sitemap index that names the collections sitemap; a second call does nothing.
   */
  async place(): Promise<void> {
    const staged = this.staged;
    if (!staged || staged.placed) return;
    staged.placed = true;
    const { pending, removals, folder } = staged;
    try {
      await staged.durable;
      for (const p of pending) {
        fs.closeSync(p.fd);
        p.fd = -1;
        renameOver(p.temp, path.join(this.dir, p.name));
      }
      for (const name of removals) fs.rmSync(path.join(this.dir, name), { force: true });
      if (!this.on && fs.existsSync(folder) && fs.readdirSync(folder).length === 0) fs.rmdirSync(folder);
      // Both folders at once, off the main thread (synchronously, one after the other, they held
      // it 3.5 ms a change at 10,000 products while the big files waited to be renamed).
      const folders: string[] = [];
      if (pending.some((p) => p.name.startsWith(`${COLLECTIONS_DIR}/`)) || removals.some((n) => n.startsWith(`${COLLECTIONS_DIR}/`))) {
        if (fs.existsSync(folder)) folders.push(folder);
      }
      if (pending.length > 0 || removals.length > 0) folders.push(this.dir);
      await Promise.all(folders.map(fsyncDirAsync));
    } catch (error) {
      this.fail(pending);
      throw error;
    }
  }

  /** After a failure (here or in the big files): what was staged goes, nothing is placed. */
  abort(): void {
    const staged = this.staged;
    if (!staged || staged.placed) return;
    staged.placed = true;
    this.fail(staged.pending);
  }

  private fail(pending: Pending[]): void {
    for (const p of pending) {
      if (p.fd >= 0) {
        // An fsync may still run on it: closed once it is done.
        const fd = p.fd;
        void this.staged?.durable.finally(() => fs.close(fd, () => {}));
        if (!this.staged) fs.closeSync(fd);
        p.fd = -1;
      }
      fs.rmSync(p.temp, { force: true });
    }
    // What the folder holds is no longer known for sure: the next publish starts from the database.
    const cs = this.state.collections;
    cs.index = null;
    cs.records = null;
    cs.sitemap = null;
    this.next = null;
  }

  private next: Pick<CollectionsState, 'records' | 'sitemap'> | null = null;

  /** Once the publish is recorded: the run state keeps the index and the records for the next one. */
  done(): void {
    if (!this.next) return;
    this.state.collections = { index: this.on ? this.index : null, records: this.next.records, sitemap: this.next.sitemap };
  }

  private forget(slug: string, records: Map<string, CollectionRecord>, out: CollectionsOutput, removals: string[]): void {
    const previous = records.get(slug);
    if (!previous) return;
    records.delete(slug);
    out.goneSlugs.push(slug);
    out.changedUrls.push(previous.url);
    removals.push(collectionFileName(slug));
  }
}

function openPending(dir: string, name: string, text: string): Pending {
  const target = path.join(dir, name);
  const temp = tempName(target);
  const fd = fs.openSync(temp, 'w', 0o644);
  try {
    fs.writeSync(fd, text);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw error;
  }
  return { name, temp, fd };
}

function listFolder(folder: string): Set<string> {
  try {
    return new Set(fs.readdirSync(folder));
  } catch {
    return new Set();
  }
}

/** The collections sitemap a previous process wrote (to leave it alone when it is the same). */
function readSitemapInfo(dir: string): (FileInfo & { newest: string }) | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, COLLECTIONS_SITEMAP), 'utf8');
  } catch {
    return null;
  }
  let newest = '';
  for (const m of text.matchAll(/<lastmod>([^<]+)<\/lastmod>/g)) if ((m[1] as string) > newest) newest = m[1] as string;
  return { name: COLLECTIONS_SITEMAP, bytes: Buffer.byteLength(text), sha256: createHashHex(text), newest };
}

function createHashHex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function sameRecord(a: CollectionRecord | undefined, b: CollectionRecord): boolean {
  return (
    a !== undefined &&
    a.kind === b.kind &&
    a.url === b.url &&
    a.contentHash === b.contentHash &&
    a.lastmod === b.lastmod &&
    a.seq === b.seq &&
    a.empty === b.empty &&
    a.inSitemap === b.inSitemap &&
    a.bytes === b.bytes &&
    a.sha256 === b.sha256
  );
}
