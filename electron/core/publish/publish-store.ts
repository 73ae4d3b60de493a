/**
 * The publisher's durable memory: `publish_state` (what each artifact reflects) and
 * `published_products` (per product: content hash, lastmod, problems). Reads take any Db; writes
 * run inside the caller's write-queue transaction.
 */
import type { ArtifactName, PublishProblem } from '../../../shared/schemas/publish';
import { bool, chunkRows, num, type Db } from '../util/db-helpers';
import type { WriteContext } from '../write-queue';

export type ArtifactCounts = { items: number; excluded: number; files: number; bytes: number };

export type FileInfo = { name: string; bytes: number; sha256: string };

export type ArtifactDetails = {
  counts: ArtifactCounts;
  /** The artifact's files with their size and SHA-256 (to skip rewriting unchanged content). */
  files: FileInfo[];
};

export type ArtifactState = {
  artifact: ArtifactName;
  seq: number;
  writtenAt: string | null;
  durationMs: number | null;
  details: ArtifactDetails;
  error: string | null;
};

export type PublishedRecord = {
  productId: string;
  sku: string;
  slug: string;
  contentHash: string;
  lastmod: string;
  seq: number;
  inFeed: boolean;
  inSitemap: boolean;
  hasJsonLd: boolean;
  problems: PublishProblem[];
};

type StateRow = { artifact: string; seq: number | string; written_at: string | null; duration_ms: number | string | null; details: string; error: string | null };

export async function loadArtifactStates(db: Db): Promise<Map<ArtifactName, ArtifactState>> {
  const rows = (await db('publish_state').select('*')) as StateRow[];
  return new Map(
    rows.map((r) => [
      r.artifact as ArtifactName,
      {
        artifact: r.artifact as ArtifactName,
        seq: num(r.seq),
        writtenAt: r.written_at,
        durationMs: r.duration_ms === null ? null : num(r.duration_ms),
        details: JSON.parse(r.details) as ArtifactDetails,
        error: r.error,
      },
    ]),
  );
}

type PublishedRow = {
  product_id: string;
  sku: string;
  slug: string;
  content_hash: string;
  lastmod: string;
  seq: number | string;
  in_feed: unknown;
  in_sitemap: unknown;
  has_jsonld: unknown;
  issues: string | null;
};

function toRecord(r: PublishedRow): PublishedRecord {
  return {
    productId: r.product_id,
    sku: r.sku,
    slug: r.slug,
    contentHash: r.content_hash,
    lastmod: r.lastmod,
    seq: num(r.seq),
    inFeed: bool(r.in_feed),
    inSitemap: bool(r.in_sitemap),
    hasJsonLd: bool(r.has_jsonld),
    problems: r.issues ? (JSON.parse(r.issues) as PublishProblem[]) : [],
  };
}

/** Every published record, keyed by product id (read once when the publisher builds its cache). */
export async function loadPublished(db: Db): Promise<Map<string, PublishedRecord>> {
  const out = new Map<string, PublishedRecord>();
  let after = '';
  for (;;) {
    const rows = (await db('published_products').where('product_id', '>', after).orderBy('product_id').limit(5000)) as PublishedRow[];
    for (const r of rows) out.set(r.product_id, toRecord(r));
    if (rows.length < 5000) return out;
    after = (rows[rows.length - 1] as PublishedRow).product_id;
  }
}

export async function loadPublishedFor(db: Db, ids: string[]): Promise<Map<string, PublishedRecord>> {
  if (ids.length === 0) return new Map();
  const rows = (await db('published_products').whereIn('product_id', ids)) as PublishedRow[];
  return new Map(rows.map((r) => [r.product_id, toRecord(r)]));
}

/** Products with problems, in SKU order, after `cursor` (a SKU). */
export async function listProblems(db: Db, limit: number, cursor: string | undefined) {
  let q = db('published_products').where('issue_count', '>', 0).orderBy('sku').limit(limit + 1);
  if (cursor) q = q.andWhere('sku', '>', cursor);
  const rows = (await q) as PublishedRow[];
  const totalRow = (await db('published_products').where('issue_count', '>', 0).count({ n: '*' }).first()) as { n: number | string } | undefined;
  const page = rows.slice(0, limit).map(toRecord);
  return { page, total: num(totalRow?.n), next: rows.length > limit ? (page[page.length - 1]?.sku ?? null) : null };
}

export async function saveArtifactStates(ctx: WriteContext, states: ArtifactState[]): Promise<void> {
  const rows = states.map((s) => ({
    artifact: s.artifact,
    seq: s.seq,
    written_at: s.writtenAt,
    duration_ms: s.durationMs === null ? null : Math.round(s.durationMs),
    details: JSON.stringify(s.details),
    error: s.error,
    updated_at: ctx.now,
  }));
  for (const chunk of chunkRows(rows)) {
    await ctx.trx('publish_state').insert(chunk).onConflict('artifact').merge(['seq', 'written_at', 'duration_ms', 'details', 'error', 'updated_at']);
  }
}

export async function savePublished(ctx: WriteContext, records: PublishedRecord[], removedIds: string[]): Promise<void> {
  // Rows are built a chunk at a time: a first publish of 100,000 products would otherwise hold them all twice.
  const CHUNK = 500;
  for (let i = 0; i < records.length; i += CHUNK) {
    const rows = records.slice(i, i + CHUNK).map((r) => ({
      product_id: r.productId,
      sku: r.sku,
      slug: r.slug,
      content_hash: r.contentHash,
      lastmod: r.lastmod,
      seq: r.seq,
      in_feed: r.inFeed,
      in_sitemap: r.inSitemap,
      has_jsonld: r.hasJsonLd,
      issue_count: r.problems.length,
      issues: r.problems.length > 0 ? JSON.stringify(r.problems) : null,
      updated_at: ctx.now,
    }));
    for (const chunk of chunkRows(rows)) {
      await ctx.trx('published_products')
        .insert(chunk)
        .onConflict('product_id')
        .merge(['sku', 'slug', 'content_hash', 'lastmod', 'seq', 'in_feed', 'in_sitemap', 'has_jsonld', 'issue_count', 'issues', 'updated_at']);
    }
  }
  for (let i = 0; i < removedIds.length; i += 500) {
    await ctx.trx('published_products').whereIn('product_id', removedIds.slice(i, i + 500)).delete();
  }
}
