/**
 * The record stage: once the files are in place, the artifact states, the records of the products
 * that changed and a `published` change go into the database in one transaction, and the publish
 * is described for the delivery targets.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ArtifactName } from '../../../shared/schemas/publish';
import { FILE_NAMES } from './artifacts';
import type { OutputResult } from './outputs';
import { saveCollectionRecords, type CollectionsOutput } from './collection-stage';
import type { SavedRecord } from './product-record';
import type { RunDeps, RunReport, RunState } from './run-state';
import { saveArtifactStates, savePublished, type ArtifactCounts, type FileInfo } from './publish-store';
import { saveRedirects, type RedirectRow } from './redirects';
import type { PublishedFile, PublishOutcome } from './types';

function counts(items: number, excluded: number, files: number, bytes: number): ArtifactCounts {
  return { items, excluded, files, bytes };
}

export type RecordInput = {
  started: number;
  seq: number;
  full: boolean;
  result: OutputResult | null;
  /** The JSON-LD files written (`jsonld/<slug>.json`). */
  ldWritten: Iterable<string> & { readonly size: number };
  removed: string[];
  changedUrls: Set<string>;
  /** Records that changed (to save). */
  records: SavedRecord[];
  goneIds: string[];
  /** Old product pages learnt and forgotten (redirects.ts). */
  redirects: { upserts: RedirectRow[]; deletes: string[] };
  /** The collections of this publish (issue 19): their files are already in place. */
  collections: CollectionsOutput;
};

/** Updates the artifact states and records the publish (states, per-product records, a `published` change) in one transaction. */
export async function recordPublish(deps: RunDeps, state: RunState, r: RecordInput): Promise<RunReport> {
  const settings = deps.settings();
  const dir = deps.publishDir();
  const on = settings.artifacts;
  const seq = r.seq;
  const coll = r.collections;
  // Listed when asked for (outcomeOf): a full publish's 100,000 JSON-LD names are not made at its peak.
  const changedFiles = (): string[] => [...coll.changedFiles, ...(r.result?.changedFiles ?? []), ...r.ldWritten];
  const changedCount = coll.changedFiles.length + (r.result?.changedFiles.length ?? 0) + r.ldWritten.size;
  const removed = [...r.removed, ...coll.removedFiles];
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
    for (const artifact of ['merchantXml', 'merchantTsv', 'openAiFeed'] as const) {
      if (!on[artifact]) next.delete(artifact);
      else setState(artifact, withGz(result.files[artifact]), counts(c.inFeed, c.listed - c.inFeed, result.files[artifact].length, bytes(result.files[artifact])), result.wrote[artifact]);
    }
    if (!on.sitemap) next.delete('sitemap');
    else {
      const files = result.files.sitemap;
      setState('sitemap', withGz(files), counts(c.inSitemap, c.listed - c.inSitemap, files.length, bytes(files)), result.wrote.sitemap);
    }
    if (!on.redirects) next.delete('redirects');
    else setState('redirects', result.files.redirects, counts(result.redirects, 0, result.files.redirects.length, bytes(result.files.redirects)), result.wrote.redirects);
    if (!on.jsonLd) next.delete('jsonLd');
    else setState('jsonLd', [], counts(c.withLd, c.products - c.withLd, c.withLd, c.ldBytes), r.ldWritten.size > 0 || r.removed.some((n) => n.startsWith('jsonld/')));
    if (!on.collections) next.delete('collections');
    else {
      const sitemapFiles = coll.sitemap ? coll.files.slice(-1) : [];
      setState(
        'collections',
        sitemapFiles,
        counts(coll.counts.collections, coll.counts.collections - coll.counts.inSitemap, coll.files.length, coll.counts.bytes + sitemapFiles.reduce((n, f) => n + f.bytes, 0)),
        coll.changedFiles.length > 0 || coll.removedFiles.length > 0,
      );
    }
    const listed = c.withLd + result.files.merchantXml.length + result.files.merchantTsv.length + result.files.openAiFeed.length + result.files.sitemap.length + result.files.redirects.length;
    setState('manifest', [result.files.manifest], counts(listed, 0, 1, result.files.manifest.bytes), true);
  }
  for (const [artifact, s] of next) if (s.seq !== seq) next.set(artifact, { ...s, seq });

  const wrote = result !== null || removed.length > 0 || coll.changedFiles.length > 0;
  const redirectsChanged = r.redirects.upserts.length > 0 || r.redirects.deletes.length > 0;
  if (wrote || r.records.length > 0 || r.goneIds.length > 0 || coll.records.length > 0 || coll.goneSlugs.length > 0 || redirectsChanged) {
    await deps.queue.exclusive(async (ctx) => {
      await saveArtifactStates(ctx, [...next.values()]);
      const dropped = [...state.artifacts.keys()].filter((a) => !next.has(a));
      if (dropped.length > 0) await ctx.trx('publish_state').whereIn('artifact', dropped).delete();
      await savePublished(ctx, r.records, r.goneIds);
      await saveCollectionRecords(ctx, coll.records, coll.goneSlugs);
      if (redirectsChanged) await saveRedirects(ctx.trx, r.redirects);
      if (wrote) {
        await ctx.append([
          {
            type: 'published',
            productId: null,
            sku: null,
            payload: { seq, full: r.full, changedFiles: changedCount, removedFiles: removed.length, changedUrls: r.changedUrls.size, durationMs: Math.round(durationMs) },
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
    outcome: outcomeOf(dir, seq, r.full, changedFiles, removed, [...r.changedUrls]),
  };
}

function gzInfo(dir: string, name: string): FileInfo | null {
  const stat = fs.statSync(path.join(dir, `${name}.gz`), { throwIfNoEntry: false });
  return stat ? { name: `${name}.gz`, bytes: stat.size, sha256: '' } : null;
}

/**
 * What a publish did, for the delivery targets. `files` (every file now in the folder, with its
 * size and hash) is read from manifest.json when a target asks for it: listing 100,000 JSON-LD
 * files on every publish would cost more than the publish itself. `changedFiles` is listed on
 * first use too (a full publish names every JSON-LD file; see WrittenFiles).
 */
function outcomeOf(dir: string, seq: number, full: boolean, listChanged: () => string[], removedFiles: string[], changedUrls: string[]): PublishOutcome {
  let files: PublishedFile[] | null = null;
  let changed: string[] | null = null;
  const outcome = { seq, publishDir: dir, full, removedFiles, changedUrls } as PublishOutcome;
  Object.defineProperty(outcome, 'changedFiles', {
    enumerable: true,
    get: () => (changed ??= listChanged()),
  });
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
