/**
 * The write stage: the big files from the records, in order (outputs.ts). A full publish streams
 * every record's fragments into new files as the plan hands them over; an incremental one
 * collects the records that changed and splices them into the files now in the folder, copying
 * everything else from them. (The JSON-LD files go through jsonld-writer.ts as records are sealed.)
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CatalogCache } from './catalog-cache';
import type { CollectionsOutput } from './collection-stage';
import { removeAll } from './jsonld-folder';
import { OutputSet, type OutputResult, type RedirectTexts } from './outputs';
import { keepPlacesBesideAiLine, sameBesideAiLine, samePublished, type PreviousRecord, type ProductRecord } from './product-record';
import type { FileInfo } from './publish-store';
import type { RunDeps, RunState } from './run-state';
import type { Fragments } from './render';
import type { StoredSettings } from './types';

export type Write = {
  /** Takes the next product's record and its new fragments (`previous`: what it published before). */
  add(record: ProductRecord, fragments: Fragments, previous: PreviousRecord | undefined): void;
  /** Takes a product that is gone. */
  gone(id: string, previous: PreviousRecord): void;
  /**
   * Writes the files and puts them in place; null when nothing had to change. `collections`: the
   * collection files (staged), for the manifest and the sitemap index. `redirects` gives
   * the redirects files' text once every record is placed. `placeCollections` puts the collection
   * files into place (called before the big files' renames, so the manifest never lists one not there).
   */
  finish(seq: number, collections: CollectionsOutput, redirects: () => RedirectTexts, placeCollections: () => Promise<void>): Promise<OutputResult | null>;
  /** Removes what was written and not put in place. */
  abort(): void;
};

/** A full publish: every record's fragments streamed into new files, in SKU order. */
export function streamedWrite(deps: RunDeps, state: RunState, settings: StoredSettings, force: boolean): Write {
  const dir = deps.publishDir();
  const out = new OutputSet(dir, settings, state.dir === dir ? state.layouts : { parts: [] }, { copy: false, limits: deps.sitemapLimits, openAiPartItems: deps.openAiPartItems });
  return {
    add: (record, fragments) => out.add(record, fragments),
    // Its files are written from what the scan found: a product gone is simply not in them.
    gone: () => undefined,
    finish: (seq, collections, redirects, placeCollections) => out.finish({ seq, full: true, force }, recordedFiles(state), collections, redirects, placeCollections),
    abort: () => out.abort(),
  };
}

/** An incremental publish: the records that changed spliced into the files now in the folder (the cache's order). */
export function splicedWrite(deps: RunDeps, state: RunState, settings: StoredSettings): Write {
  const dir = deps.publishDir();
  const cache = state.cache as CatalogCache;
  const changed: ProductRecord[] = [];
  /** The changed records' new fragments by id, until they are written. */
  const fragmentsOf = new Map<string, Fragments>();
  const gone = new Set<string>();
  const touched = { xml: false, tsv: false, ai: false, sitemap: false, jsonLd: false };
  const touch = (r: PreviousRecord) => {
    if (r.inFeed) touched.xml = touched.tsv = touched.ai = true;
    if (r.inSitemap) touched.sitemap = true;
    if (r.hasJsonLd) touched.jsonLd = true;
  };
  return {
    add(record, fragments, previous) {
      const inCache = cache.get(record.id);
      if (inCache && samePublished(inCache, record)) return;
      changed.push(record);
      fragmentsOf.set(record.id, fragments);
      if (inCache && sameBesideAiLine(inCache, record)) {
        // Only its OpenAI line changed (a stock count): the other files are not rewritten for it.
        keepPlacesBesideAiLine(record, inCache);
        touched.ai = true;
        return;
      }
      touch(record);
      if (previous) touch(previous);
    },
    gone(id, previous) {
      gone.add(id);
      touch(previous);
    },
    async finish(seq, collections, redirects, placeCollections) {
      const collectionsChanged = collections.changedFiles.length > 0 || collections.removedFiles.length > 0;
      if (changed.length === 0 && gone.size === 0 && !collectionsChanged) return null;
      // The sitemap index names the collections sitemap with its newest lastmod.
      if (collections.indexChanged) touched.sitemap = true;
      const { first, tail } = cache.apply(changed, gone);
      let out: OutputSet;
      try {
        out = new OutputSet(dir, settings, state.layouts, { copy: true, touched, limits: deps.sitemapLimits, openAiPartItems: deps.openAiPartItems });
      } catch (error) {
        state.cache = null;
        throw error;
      }
      try {
        // By slot: the ids of the places after `first` (most of the catalogue) are not made again.
        const fresh = new Map<number, Fragments>();
        for (const [id, fragments] of fragmentsOf) fresh.set(cache.slotOfId(id) as number, fragments);
        // Live views of the cache's places: the writers set each record's new places in it.
        out.addUnchanged(cache, first);
        for (let i = first; i < tail; i++) out.add(cache.at(i), fresh.get(cache.slotAt(i)) ?? null);
        // After the last change, everything is as it was: copied a range per file.
        out.addTail(cache, tail);
        return await out.finish({ seq, full: false, force: false }, recordedFiles(state), collections, redirects, placeCollections);
      } catch (error) {
        out.abort();
        // The cache no longer matches the folder: the publisher starts again from the database.
        state.cache = null;
        throw error;
      }
    },
    abort: () => undefined,
  };
}

/** The files as the last publish recorded them, by name. */
function recordedFiles(state: RunState): Map<string, FileInfo> {
  const out = new Map<string, FileInfo>();
  for (const s of state.artifacts.values()) for (const f of s.details.files) out.set(f.name, f);
  return out;
}

/** Removes a JSON-LD file (`jsonld/<slug>.json`); false when it was not there. */
export function removeJsonLd(dir: string, name: string): boolean {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) return false;
  fs.rmSync(file, { force: true });
  return true;
}

/** Removes the JSON-LD files (JSON-LD turned off); returns the names of the files it held. */
export function removeJsonLdFolder(dir: string): string[] {
  return removeAll(dir);
}
