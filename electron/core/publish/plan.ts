/**
 * The plan stage: which products one publish covers, each rendered with its JSON-LD text, and what
 * each published before. A full publish reads the whole catalogue in SKU order, the order the
 * files list it; an incremental one the products the changes touched, with their groups.
 */
import fs from 'node:fs';
import path from 'node:path';
import { latestSeq } from '../changes/change-log';
import { removeStaleTemps, removeStaleTempsOf } from './atomic-file';
import { CatalogCache } from './catalog-cache';
import { canSwapSets, LD_NAME, recoverJsonLd } from './jsonld-folder';
import type { RunDeps, RunState } from './run-state';
import type { PreviousRecord, ProductRecord, SavedRecord } from './product-record';
import { loadArtifactStates, loadOrphanRecords } from './publish-store';
import { jsonLdTexts, renderProduct, type Rendered } from './render';
import { existingIds, forEachPageBySku, groupMembersAfter, groupSizes, loadAffected, type SourceProduct } from './source';
import type { StoredSettings } from './types';

export type Plan = {
  /** Every product, streamed into new files (a full publish); else the changed ones, spliced into the files in place. */
  full: boolean;
  /** The change-log sequence the files will reflect. */
  seq: number;
  /**
   * Hands every product to publish to `each`, rendered, with its JSON-LD text (in SKU order when
   * full); `afterPage` runs between pages of the catalogue.
   */
  forEach(each: (product: Rendered, ldText: string | null) => void, afterPage: () => Promise<void>): Promise<void>;
  /**
   * What a product published before: its record in the cache, the one a full publish could not
   * place (an orphan), or the one a previous process saved.
   */
  previous(id: string): PreviousRecord | undefined;
  /** Whether the JSON-LD file a product published before is in the folder (an unchanged one then stays). */
  hasLdFile(record: ProductRecord): boolean;
  /** After `forEach`: the products published before that are gone, with what they published. */
  gone(): Promise<Array<{ id: string; previous: PreviousRecord }>>;
  /** Once the files are in place: what the run state keeps of this plan for the next publish. */
  done(): void;
  /** After `forEach`: a product's record as the files now list it (undefined: it is gone). */
  recordOf(id: string): ProductRecord | undefined;
  /** After `forEach`: the records this publish rendered (every product, when full). */
  rendered(): Iterable<ProductRecord>;
};

/**
 * Every product in SKU order. A variant's JSON-LD is its whole group's: the members of a group
 * that continue past a page are read ahead with it, and kept until the scan reaches them.
 * Products seen out of place (their SKU or group changed while the scan ran) are published again
 * right after (`state.pending`); so are products gone from the scan but still in the database.
 */
export async function planCatalogue(deps: RunDeps, state: RunState, settings: StoredSettings, force: boolean): Promise<Plan> {
  const dir = deps.publishDir();
  const withLd = settings.artifacts.jsonLd;
  // Read before the products: the files reflect at least this sequence.
  const seq = await latestSeq(deps.db);
  fs.mkdirSync(dir, { recursive: true });
  removeStaleTemps(dir);
  recoverJsonLd(dir);
  // A forced rewrite where sets are swapped whole (jsonld-folder.ts) writes a new set and removes
  // the old one with whatever stale temporary files it holds: its 100,000 names are not read here
  // (the writer lists them once, at the swap, for the files the new set drops).
  const swapsWholeSet = force && canSwapSets();
  // Read once, off the event loop: 100,000 names took ~0.1-0.3 s each time, at the server's start
  // while the UI's first requests came in.
  const ldNames = swapsWholeSet ? [] : await fs.promises.readdir(path.join(dir, LD_NAME)).catch(() => [] as string[]);
  removeStaleTempsOf(path.join(dir, LD_NAME), ldNames);
  if (state.artifacts.size === 0) state.artifacts = await loadArtifactStates(deps.db);
  const oldCache = state.dir === dir ? state.cache : null;
  // What was published before: the running cache, or what a previous process recorded (read a
  // page at a time with the products, not all at once).
  let records: Map<string, SavedRecord> | null = null;
  const previous = (id: string): PreviousRecord | undefined => oldCache?.get(id) ?? state.orphans.get(id) ?? records?.get(id);
  const existing = withLd && !force ? new Set(ldNames) : null;
  /**
   * Every product placed, in order: what the scan has seen, and the new cache at the end. Each
   * record goes in once written, so the rendered objects die young (see catalog-cache.ts).
   */
  const placed = new CatalogCache();
  const stragglers = new Set<string>();
  const orphans = new Map<string, ProductRecord>();

  return {
    full: true,
    seq,
    previous,
    hasLdFile: (record) => existing?.has(`${record.slug}.json`) ?? false,

    async forEach(each, afterPage) {
      const place = (product: Rendered, text: string | null) => {
        const record = product.record;
        if (placed.has(record.id)) {
          stragglers.add(record.id);
          return;
        }
        each(product, text);
        placed.push(record);
      };
      const sizes = withLd ? await groupSizes(deps.db) : new Map<string, number>();
      const ahead = new Map<string, { product: Rendered; text: string | null }>();
      const done = new Set<string>();
      await forEachPageBySku(
        deps.db,
        deps.summary,
        async (page, pageRecords) => {
          records = pageRecords;
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
          const products = build.map((p) => renderProduct(p.row, p.summary, settings));
          const extraProducts = extra.filter((p) => !ahead.has(p.row.id)).map((p) => renderProduct(p.row, p.summary, settings));
          const texts = withLd ? jsonLdTexts(products.concat(extraProducts)) : null;
          const rendered = new Map(products.map((p) => [p.record.id, p]));
          for (const p of extraProducts) if (!rendered.has(p.record.id)) ahead.set(p.record.id, { product: p, text: texts?.get(p.record.id) ?? null });
          for (const p of page) {
            const product = rendered.get(p.row.id);
            if (product) {
              place(product, texts?.get(p.row.id) ?? null);
              continue;
            }
            const early = ahead.get(p.row.id);
            if (early) {
              ahead.delete(p.row.id);
              place(early.product, early.text);
            }
          }
          await afterPage();
        },
        { records: oldCache === null },
      );
      // Read ahead but never reached: their SKU changed during the scan.
      for (const id of ahead.keys()) stragglers.add(id);
    },

    // Without a cache, the records of products no longer in the database are the gone ones.
    async gone() {
      records = null;
      // The old cache's ids compared as bytes: its 100,000 ids as strings were garbage made at the run's end.
      const unseen = oldCache ? oldCache.idsNotIn(placed) : [];
      if (!oldCache) {
        records = new Map((await loadOrphanRecords(deps.db)).map((r) => [r.id, r]));
        for (const id of records.keys()) if (!placed.has(id)) unseen.push(id);
      }
      for (const id of state.orphans.keys()) if (!placed.has(id)) unseen.push(id);
      const stillThere = new Set(unseen.length > 0 ? await existingIds(deps.db, unseen) : []);
      const gone: Array<{ id: string; previous: PreviousRecord }> = [];
      for (const id of unseen) {
        if (stillThere.has(id)) {
          // Moved while the catalogue was read: published right after, as last published until then.
          stragglers.add(id);
          const old = oldCache?.get(id) ?? state.orphans.get(id);
          if (old) orphans.set(id, old);
          continue;
        }
        gone.push({ id, previous: previous(id) as PreviousRecord });
      }
      return gone;
    },

    recordOf: (id) => placed.get(id),
    rendered: () => placed.records(),

    done() {
      state.cache = placed;
      state.dir = dir;
      state.orphans = orphans;
      for (const id of stragglers) state.pending.add(id);
    },
  };
}

/** The products `ids` name (and those a full publish could not place), with every member of their groups, old and new. */
export async function planChanges(deps: RunDeps, state: RunState, settings: StoredSettings, request: { ids: Set<string>; upTo: number }): Promise<Plan> {
  const cache = state.cache as CatalogCache;
  for (const id of state.pending) request.ids.add(id);
  const ids = [...request.ids];
  const oldGroups = ids.flatMap((id) => cache.get(id)?.groupId ?? state.orphans.get(id)?.groupId ?? []);
  const sources = await loadAffected(deps.db, deps.summary, ids, oldGroups);
  const products = sources.map((p) => renderProduct(p.row, p.summary, settings));
  const texts = settings.artifacts.jsonLd ? jsonLdTexts(products) : null;
  const seen = new Set<string>();
  const previous = (id: string): ProductRecord | undefined => cache.get(id) ?? state.orphans.get(id);

  return {
    full: false,
    seq: request.upTo,
    previous,
    // The cache lists what this process wrote: the files of its records with JSON-LD are there.
    hasLdFile: (record) => cache.has(record.id),

    async forEach(each, afterPage) {
      for (const product of products) {
        seen.add(product.record.id);
        each(product, texts?.get(product.record.id) ?? null);
      }
      await afterPage();
    },

    async gone() {
      const gone: Array<{ id: string; previous: PreviousRecord }> = [];
      for (const id of ids) {
        if (seen.has(id)) continue;
        const old = previous(id);
        if (old) gone.push({ id, previous: old });
      }
      // Taken from here on: this publish covers them (if it fails, the full publish after it does).
      state.pending.clear();
      for (const id of ids) state.orphans.delete(id);
      return gone;
    },

    // The cache was updated as the changes were spliced in.
    done: () => undefined,
    recordOf: (id) => state.cache?.get(id),
    rendered: () => products.map((p) => p.record),
  };
}
