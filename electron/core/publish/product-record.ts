/**
 * The publisher's one record per product: what it published of the product (its facts, its
 * content hash and lastmod) and where its fragments sit in each file now in the folder. A publish
 * renders a new record for each product it covers (render.ts), the catalogue cache keeps the
 * records of the files in the folder (catalog-cache.ts), and `published_products` saves part of
 * each (SavedRecord) so that lastmods and problems outlive the process (publish-store.ts).
 */
import type { Availability } from '../../../shared/domain/availability';
import type { PublishProblem } from '../../../shared/schemas/publish';

export type ProductRecord = {
  id: string;
  sku: string;
  slug: string;
  groupId: string | null;
  url: string | null;
  availability: Availability;
  problems: PublishProblem[];
  /** The first 22 characters of the base64url SHA-256 of what is published of the product. */
  contentHash: string;
  lastmod: string;
  /** The sequence at which the published content last changed. */
  seq: number;
  inFeed: boolean;
  inSitemap: boolean;
  hasJsonLd: boolean;
  /** A discontinued product's collection page, where its old page may redirect; null otherwise. */
  collectionUrl: string | null;
  /** Size of its JSON-LD file (0 when none). */
  ldBytes: number;
  // Where its fragments are in the files now on disk: byte offset (-1: nowhere yet) and length.
  xmlOff: number;
  xmlLen: number;
  tsvOff: number;
  tsvLen: number;
  /** Content hash of its openai-products.jsonl line ('' when it has none). */
  aiHash: string;
  /** Index of the OpenAI feed part file its line is in. */
  aiPart: number;
  aiOff: number;
  aiLen: number;
  /** Index of the sitemap part file it is in. */
  smPart: number;
  smOff: number;
  smLen: number;
  /** Its JSON-LD file's line in manifest.json, relative to the start of the list of those lines. */
  mfOff: number;
  mfLen: number;
};

/** What `published_products` keeps of a record. */
export type SavedRecord = Pick<ProductRecord, 'id' | 'sku' | 'slug' | 'contentHash' | 'lastmod' | 'seq' | 'inFeed' | 'inSitemap' | 'hasJsonLd' | 'problems'>;

/** What a new record is compared with: the record in the cache, or the one a previous process saved. */
export type PreviousRecord = SavedRecord & { url?: string | null };

/** SKU order (JavaScript code-unit order, the same on every database), the order the files list products in. */
export function bySku(a: { sku: string }, b: { sku: string }): number {
  return a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0;
}

/** Whether a record publishes exactly what `prev` does (then `prev`, with its place in the files, stays). */
export function samePublished(prev: ProductRecord, next: ProductRecord): boolean {
  return prev.aiHash === next.aiHash && sameBesideAiLine(prev, next);
}

/**
 * Whether a record publishes what `prev` does in every file but the OpenAI feed (whose line also
 * holds the stock count): then only that file needs its new line, and the others keep its
 * fragments where they are.
 */
export function sameBesideAiLine(prev: ProductRecord, next: ProductRecord): boolean {
  return (
    prev.contentHash === next.contentHash &&
    prev.sku === next.sku &&
    prev.slug === next.slug &&
    prev.url === next.url &&
    prev.groupId === next.groupId &&
    prev.collectionUrl === next.collectionUrl &&
    prev.availability === next.availability &&
    prev.inFeed === next.inFeed &&
    prev.inSitemap === next.inSitemap &&
    prev.hasJsonLd === next.hasJsonLd &&
    prev.ldBytes === next.ldBytes &&
    sameProblems(prev.problems, next.problems)
  );
}

/** Whether `published_products` already holds `b` as saved (nothing to write for it). */
export function sameSaved(a: SavedRecord | undefined, b: SavedRecord): boolean {
  if (!a) return false;
  return (
    a.sku === b.sku &&
    a.slug === b.slug &&
    a.contentHash === b.contentHash &&
    a.lastmod === b.lastmod &&
    a.seq === b.seq &&
    a.inFeed === b.inFeed &&
    a.inSitemap === b.inSitemap &&
    a.hasJsonLd === b.hasJsonLd &&
    sameProblems(a.problems, b.problems)
  );
}

/** Takes `from`'s places in every file but the OpenAI feed (see sameBesideAiLine). */
export function keepPlacesBesideAiLine(record: ProductRecord, from: ProductRecord): void {
  record.xmlOff = from.xmlOff;
  record.xmlLen = from.xmlLen;
  record.tsvOff = from.tsvOff;
  record.tsvLen = from.tsvLen;
  record.smPart = from.smPart;
  record.smOff = from.smOff;
  record.smLen = from.smLen;
  record.mfOff = from.mfOff;
  record.mfLen = from.mfLen;
}

function sameProblems(a: PublishProblem[], b: PublishProblem[]): boolean {
  return a === b || (a.length === b.length && JSON.stringify(a) === JSON.stringify(b));
}
