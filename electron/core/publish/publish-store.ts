/**
 * The publisher's durable memory: `publish_state` (what each artifact reflects) and
 * `published_products` (per product: content hash, lastmod, problems). Reads take any Db; writes
 * run inside the caller's write-queue transaction.
 */
import type { ArtifactName, PublishProblem } from '../../../shared/schemas/publish';
import { openRecordUpsert, PUBLISHED_CHUNK, type PublishedRow } from '../db/publish-queries';
import { bool, chunkRows, num, type Db } from '../util/db-helpers';
import type { WriteContext } from '../write-queue';
import type { SavedRecord } from './product-record';

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

export function savedRecordOf(r: PublishedRow): SavedRecord {
  return {
    id: r.product_id,
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

/** Records of products that no longer exist (their files go). */
export async function loadOrphanRecords(db: Db): Promise<SavedRecord[]> {
  const rows = (await db('published_products').whereNotIn('product_id', db('products').select('id'))) as PublishedRow[];
  return rows.map(savedRecordOf);
}

export async function loadPublishedFor(db: Db, ids: string[]): Promise<Map<string, SavedRecord>> {
  if (ids.length === 0) return new Map();
  const rows = (await db('published_products').whereIn('product_id', ids)) as PublishedRow[];
  return new Map(rows.map((r) => [r.product_id, savedRecordOf(r)]));
}

/** Products with problems, in SKU order, after `cursor` (a SKU). */
export async function listProblems(db: Db, limit: number, cursor: string | undefined) {
  let q = db('published_products').where('issue_count', '>', 0).orderBy('sku').limit(limit + 1);
  if (cursor) q = q.andWhere('sku', '>', cursor);
  const rows = (await q) as PublishedRow[];
  const totalRow = (await db('published_products').where('issue_count', '>', 0).count({ n: '*' }).first()) as { n: number | string } | undefined;
  const page = rows.slice(0, limit).map(savedRecordOf);
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

/**
 * Inserts or replaces `records` (and deletes those of `removedIds`) in big multi-row statements:
 * each statement through knex and node-sqlite3 costs far more than its rows.
 */
export async function savePublished(ctx: WriteContext, records: readonly SavedRecord[], removedIds: string[]): Promise<void> {
  const upsert = await openRecordUpsert(ctx.trx);
  try {
    // Values are built a chunk at a time: a first publish of 100,000 products would otherwise hold them all twice.
    for (let i = 0; i < records.length; i += PUBLISHED_CHUNK) {
      const end = Math.min(records.length, i + PUBLISHED_CHUNK);
      // In the order of PUBLISHED_COLUMNS.
      const values: Array<string | number | boolean | null> = [];
      for (let k = i; k < end; k++) {
        const r = records[k] as SavedRecord;
        values.push(
          r.id,
          r.sku,
          r.slug,
          r.contentHash,
          r.lastmod,
          r.seq,
          r.inFeed,
          r.inSitemap,
          r.hasJsonLd,
          r.problems.length,
          r.problems.length > 0 ? JSON.stringify(r.problems) : null,
          ctx.now,
        );
      }
      await upsert.run(end - i, values);
    }
  } finally {
    await upsert.close();
  }
  for (let i = 0; i < removedIds.length; i += 500) {
    await ctx.trx('published_products').whereIn('product_id', removedIds.slice(i, i + 500)).delete();
  }
}
