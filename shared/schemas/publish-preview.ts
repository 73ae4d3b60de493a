import { z } from 'zod';
import { AVAILABILITIES } from '../domain/availability';
import { skuSchema } from './common';
import { publishProblemSchema } from './publish';

export const publishPreviewInput = z.strictObject({ sku: skuSchema });

/** One product as search engines get it, built by the publisher's own code from the current data. */
export const publishPreviewSchema = z.object({
  sku: z.string(),
  /** The product page address from the product URL template, or null when it cannot be built. */
  url: z.string().nullable(),
  availability: z.enum(AVAILABILITIES),
  /** The `<item>` of google-merchant.xml, or null when the product is left out of the feed. */
  feedItem: z.string().nullable(),
  /** The JSON-LD document (the variant group's ProductGroup for a variant), or null. */
  jsonLd: z.string().nullable(),
  /** The `<url>` entry of the sitemap, or null when the product is not in the sitemap. */
  sitemapEntry: z.string().nullable(),
  /** Why the product is left out of something, and how to fix each problem. */
  problems: z.array(publishProblemSchema),
  /** Problems with the shop settings (no shop address, no product URL template): they affect every product. */
  shopProblems: z.array(publishProblemSchema),
  /** What the last publish wrote for it; null when it has not been published yet. */
  published: z
    .object({
      seq: z.number(),
      lastmod: z.string(),
      inFeed: z.boolean(),
      inSitemap: z.boolean(),
      hasJsonLd: z.boolean(),
      /** False when the product changed after the last publish (the next one brings it in). */
      upToDate: z.boolean(),
    })
    .nullable(),
});

export type PublishPreview = z.output<typeof publishPreviewSchema>;
