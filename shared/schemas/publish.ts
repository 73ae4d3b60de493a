import { z } from 'zod';
import { AVAILABILITIES } from '../domain/availability';
import { limitSchema } from './common';

/** The artifacts the publisher writes into the publish folder. */
export const ARTIFACTS = ['merchantXml', 'merchantTsv', 'sitemap', 'jsonLd', 'collections', 'openAiFeed', 'redirects', 'manifest'] as const;
export type ArtifactName = (typeof ARTIFACTS)[number];

/** Where a validation problem keeps a product out. */
export const PUBLISH_OUTPUTS = ['feed', 'jsonLd', 'sitemap'] as const;
export type PublishOutput = (typeof PUBLISH_OUTPUTS)[number];

export const publishProblemSchema = z.object({
  /** The product field (or setting) at fault, as named in the API: `imageUrl`, `gtin`, `productUrlTemplate`. */
  field: z.string(),
  problem: z.string(),
  /** What to do about it, in a sentence. */
  fix: z.string(),
  /** What the product is left out of until the problem is fixed. */
  excludedFrom: z.array(z.enum(PUBLISH_OUTPUTS)),
});
export type PublishProblem = z.output<typeof publishProblemSchema>;

export const publishIssuesInput = z.strictObject({
  limit: limitSchema(1000, 100),
  /** The `next` value of the previous page. */
  cursor: z.string().max(60).optional(),
});

export const publishIssuesSchema = z.object({
  /** The sequence of the last publish these issues come from (null before the first publish). */
  seq: z.number().nullable(),
  /** Problems with the shop settings; they affect every product. */
  shop: z.array(publishProblemSchema),
  /** Products with at least one problem, in SKU order. */
  products: z.array(
    z.object({
      productId: z.string(),
      sku: z.string(),
      problems: z.array(publishProblemSchema),
    }),
  ),
  /** How many products have problems in all. */
  total: z.number(),
  next: z.string().nullable(),
});

export const artifactStatusSchema = z.object({
  artifact: z.enum(ARTIFACTS),
  enabled: z.boolean(),
  /** Files of this artifact, relative to the publish folder. */
  files: z.array(z.string()),
  /** The change-log sequence the artifact reflects. */
  seq: z.number().nullable(),
  /** When its file(s) were last replaced (unchanged content is not rewritten). */
  writtenAt: z.string().nullable(),
  /** How long the last publish that checked it took. */
  durationMs: z.number().nullable(),
  counts: z.object({ items: z.number(), excluded: z.number(), files: z.number(), bytes: z.number() }),
  error: z.string().nullable(),
});

export const targetStatusSchema = z.object({
  target: z.enum(['sftp', 'indexnow']),
  state: z.enum(['off', 'idle', 'delivering', 'retrying', 'failed']),
  lastSeq: z.number().nullable(),
  lastDeliveredAt: z.string().nullable(),
  lastDurationMs: z.number().nullable(),
  attempts: z.number(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  /**
   * SFTP's server key (null for IndexNow): the fingerprint pinned, when it was pinned on first
   * connection (null: set by the owner), and a different key a server showed and was refused for.
   */
  hostKey: z.object({ pinned: z.string().nullable(), pinnedAt: z.string().nullable(), offered: z.string().nullable() }).nullable(),
});

export const publishStatusSchema = z.object({
  publishDir: z.string(),
  /** The sequence the files reflect (null before the first publish). */
  seq: z.number().nullable(),
  /** The newest change-log sequence: when it is ahead of `seq`, a publish is due or running. */
  latestSeq: z.number(),
  running: z.boolean(),
  lastPublishedAt: z.string().nullable(),
  lastError: z.string().nullable(),
  products: z.object({ total: z.number(), inFeed: z.number(), inSitemap: z.number(), withIssues: z.number() }),
  availability: z.record(z.enum(AVAILABILITIES), z.number()),
  artifacts: z.array(artifactStatusSchema),
  targets: z.array(targetStatusSchema),
});

export const publishRunInput = z.strictObject({
  /** Regenerate and rewrite every file from the database, ignoring the in-memory cache. */
  full: z.boolean().default(false),
});

export type PublishStatus = z.output<typeof publishStatusSchema>;
export type PublishIssues = z.output<typeof publishIssuesSchema>;
export type ArtifactStatus = z.output<typeof artifactStatusSchema>;
