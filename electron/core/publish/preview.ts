/**
 * One product as the publisher would write it now: its feed item, its JSON-LD, its sitemap entry
 * and its problems, built by the publisher's own builders (buildItem, jsonLdTexts, toEntry), never
 * by a second implementation of the formats. Compared with what the last publish recorded, it also
 * says whether the published files already show it.
 */
import type { Output } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { SummaryContext } from '../stock/stock-summary';
import type { Db } from '../util/db-helpers';
import { digestOf, jsonLdTexts, lastmodNow, toEntry } from './catalog-cache';
import { buildItem } from './item';
import { loadPublishedFor } from './publish-store';
import { loadAffected } from './source';
import type { StoredSettings } from './types';
import { shopProblems } from './validate';

export type PreviewDeps = { db: Db; summary: SummaryContext; settings(): StoredSettings };

export async function previewProduct(deps: PreviewDeps, sku: string): Promise<Output<'publish.preview'>> {
  const found = (await deps.db('products').select('id').where({ sku }).first()) as { id: string } | undefined;
  if (!found) throw new AppError('not_found', `No product with SKU ${sku}`, { field: 'sku', sku });
  // The whole variant group: a variant's JSON-LD is its group's ProductGroup.
  const affected = await loadAffected(deps.db, deps.summary, [found.id], []);
  const settings = deps.settings();
  const items = affected.map((p) => buildItem(p.row, p.summary, settings, true));
  const item = items.find((i) => i.id === found.id);
  if (!item) throw new AppError('not_found', `No product with SKU ${sku}`, { field: 'sku', sku });
  const texts = jsonLdTexts(items);
  const published = (await loadPublishedFor(deps.db, [found.id])).get(found.id);
  // The content hash covers the JSON-LD only when it is published, as the publisher computes it.
  const ldText = settings.artifacts.jsonLd ? (texts.get(item.id) ?? null) : null;
  const { entry, fresh } = toEntry(item, ldText === null ? null : digestOf(ldText), published ? { ...published, url: null } : undefined, lastmodNow(), published?.seq ?? 0);
  return {
    sku: item.sku,
    url: item.url,
    availability: item.availability,
    feedItem: item.xml,
    jsonLd: texts.get(item.id) ?? null,
    sitemapEntry: fresh.sitemap,
    problems: item.problems,
    shopProblems: shopProblems(settings),
    published: published
      ? {
          seq: published.seq,
          lastmod: published.lastmod,
          inFeed: published.inFeed,
          inSitemap: published.inSitemap,
          hasJsonLd: published.hasJsonLd,
          upToDate: published.contentHash === entry.contentHash,
        }
      : null,
  };
}
