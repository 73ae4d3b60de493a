/**
 * One product as the publisher would write it now: its feed item, its JSON-LD, its sitemap entry
 * and its problems, built by the publisher's own builders (renderProduct, jsonLdTexts, seal), never
 * by a second implementation of the formats. Compared with what the last publish recorded, it also
 * says whether the published files already show it.
 */
import type { Output } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { SummaryContext } from '../stock/stock-summary';
import type { Db } from '../util/db-helpers';
import { digestOf } from './jsonld-writer';
import { loadPublishedFor } from './publish-store';
import { jsonLdTexts, lastmodNow, renderProduct, seal } from './render';
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
  const products = affected.map((p) => renderProduct(p.row, p.summary, settings, true));
  const product = products.find((p) => p.record.id === found.id);
  if (!product) throw new AppError('not_found', `No product with SKU ${sku}`, { field: 'sku', sku });
  const texts = jsonLdTexts(products);
  const published = (await loadPublishedFor(deps.db, [found.id])).get(found.id);
  // The content hash covers the JSON-LD only when it is published, as the publisher computes it.
  const ldText = settings.artifacts.jsonLd ? (texts.get(found.id) ?? null) : null;
  const fragments = seal(product, ldText === null ? null : digestOf(ldText), published, lastmodNow(), published?.seq ?? 0);
  const record = product.record;
  return {
    sku: record.sku,
    url: record.url,
    availability: record.availability,
    feedItem: product.xml,
    jsonLd: texts.get(found.id) ?? null,
    sitemapEntry: fragments.sitemap,
    problems: record.problems,
    shopProblems: shopProblems(settings),
    published: published
      ? {
          seq: published.seq,
          lastmod: published.lastmod,
          inFeed: published.inFeed,
          inSitemap: published.inSitemap,
          hasJsonLd: published.hasJsonLd,
          upToDate: published.contentHash === record.contentHash,
        }
      : null,
  };
}
