/**
 * The publisher's memory of the catalogue: one small entry per product (what it published, its
 * content hash and lastmod, and where its fragments sit in each file now in the folder), in the
 * order the files list them (SKU order). The fragments themselves are not kept: a full publish
 * writes them as it builds them, and an incremental one copies unchanged ones from the old files.
 */
import { hash } from 'node:crypto';
import type { Availability } from '../../../shared/domain/availability';
import type { PublishProblem } from '../../../shared/schemas/publish';
import { jsonLdStringify, xmlText } from './escape';
import { groupDocument, type BuiltItem } from './item';
import type { PublishedRecord } from './publish-store';

/**
 * New text for an entry's fragments, held only until it is written. It travels beside the entry,
 * never in it: entries live as long as the publisher and V8 soon allocates them straight into the
 * old generation, and a young string referenced from an old object (even one dropped a moment
 * later) survives every scavenge until the next full GC. Holding the fragments in the entry
 * promoted ~110 MB of dead text per 100,000 products and made the peak ~60 MB higher (measured).
 */
export type Fresh = {
  xml: string | null;
  tsv: string | null;
  /** `<url>…</url>` with the lastmod, or null when not in the sitemap. */
  sitemap: string | null;
  /** The manifest's line for the JSON-LD file, or null. */
  manifest: string | null;
};

/** Where a fragment is in a file now on disk: byte offset and length (a sitemap part also names its file). */
export type Entry = {
  id: string;
  sku: string;
  slug: string;
  groupId: string | null;
  url: string | null;
  availability: Availability;
  problems: PublishProblem[];
  contentHash: string;
  lastmod: string;
  /** The sequence at which the published content last changed. */
  seq: number;
  inFeed: boolean;
  inSitemap: boolean;
  hasJsonLd: boolean;
  /** Size of its JSON-LD file (0 when none). */
  ldBytes: number;
  xmlOff: number;
  xmlLen: number;
  tsvOff: number;
  tsvLen: number;
  /** Index of the sitemap part file it is in. */
  smPart: number;
  smOff: number;
  smLen: number;
  /** Its JSON-LD file's line in manifest.json, relative to the start of the list of those lines. */
  mfOff: number;
  mfLen: number;
};

/** W3C Datetime with the time zone spelled out, so several changes a day stay visible. */
export function lastmodNow(now = new Date()): string {
  return now.toISOString().replace('Z', '+00:00');
}

export function bySku(a: { sku: string }, b: { sku: string }): number {
  return a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0;
}

/**
 * The JSON-LD text of each item: its own Product, or its group's ProductGroup for variants
 * (`items` must hold every member of each group it touches).
 */
export function jsonLdTexts(items: BuiltItem[]): Map<string, string> {
  const out = new Map<string, string>();
  const groups = new Map<string, BuiltItem[]>();
  for (const item of items) {
    if (!item.ldProduct) continue;
    if (item.groupId) {
      const members = groups.get(item.groupId) ?? [];
      members.push(item);
      groups.set(item.groupId, members);
    } else {
      out.set(item.id, jsonLdStringify(item.ldProduct));
    }
  }
  for (const [groupId, members] of groups) {
    members.sort(bySku);
    const text = jsonLdStringify(groupDocument(groupId, members.map((m) => m.ldProduct as Record<string, unknown>)));
    for (const m of members) out.set(m.id, text);
  }
  return out;
}

/** A JSON-LD file's size in bytes (UTF-8) and SHA-256 (hex). */
export type LdDigest = { sha256: string; bytes: number };

export function digestOf(text: string): LdDigest {
  return { sha256: hash('sha256', text, 'hex'), bytes: Buffer.byteLength(text) };
}

/** The manifest's line for a file. */
export function manifestLine(name: string, bytes: number, sha256: string): string {
  return `{"name":${JSON.stringify(name)},"bytes":${bytes},"sha256":"${sha256}"}`;
}

export function unpooled(text: string): Buffer {
  const buffer = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  buffer.write(text);
  return buffer;
}

/** The content hash is the first 22 characters (132 bits) of the base64url SHA-256. */
const HASH_CHARS = 22;
const copyBuffer = Buffer.allocUnsafeSlow(64);

/**
 * The first `n` (≤ 64) characters of ASCII `text` as a string of their own: `slice` would return
 * a view that keeps all of `text` alive (43 characters for a 22-character hash, in every entry).
 */
function ownCopy(text: string, n: number): string {
  copyBuffer.write(text, 0, n, 'latin1');
  return copyBuffer.toString('latin1', 0, n);
}

/** No problems: one shared empty list instead of 100,000 empty arrays. */
const NO_PROBLEMS: PublishProblem[] = [];

/** What an entry is compared with: the previous entry, or the record a previous process left. */
export type Previous = { contentHash: string; lastmod: string; seq: number; slug: string; hasJsonLd: boolean; url?: string | null };

/**
 * Builds the entry for an item, keeping the previous lastmod when its published content is
 * unchanged. The content hash covers what is published of the product: its feed item, whether
 * and where it is in the sitemap, and its JSON-LD file (`ld`, its digest) when it has one.
 * Returns the entry's new fragments (`fresh`) separately: they are written, not kept.
 */
export function toEntry(
  item: BuiltItem,
  ld: LdDigest | null | undefined,
  previous: Previous | undefined,
  now: string,
  seq: number,
): { entry: Entry; fresh: Fresh } {
  const jsonSha = ld ? ld.sha256 : '';
  const digest = hash('sha256', `${item.xml ?? ''}\n${jsonSha}\n${item.inSitemap ? 1 : 0}\n${item.url ?? ''}`, 'base64url');
  const same = previous !== undefined && previous.contentHash.length === HASH_CHARS && digest.startsWith(previous.contentHash);
  // Unchanged: the previous string is kept, so 100,000 entries share nothing new.
  const contentHash = same ? (previous as Previous).contentHash : ownCopy(digest, HASH_CHARS);
  const lastmod = same ? (previous as Previous).lastmod : now;
  const inSitemap = item.inSitemap && item.url !== null;
  const ldBytes = ld ? ld.bytes : 0;
  const entry: Entry = {
    id: item.id,
    sku: item.sku,
    slug: item.slug,
    groupId: item.groupId,
    url: item.url,
    availability: item.availability,
    problems: item.problems.length > 0 ? item.problems : NO_PROBLEMS,
    contentHash,
    lastmod,
    seq: same ? (previous as Previous).seq : seq,
    inFeed: item.xml !== null,
    inSitemap,
    hasJsonLd: Boolean(ld),
    ldBytes,
    xmlOff: -1,
    xmlLen: 0,
    tsvOff: -1,
    tsvLen: 0,
    smPart: -1,
    smOff: -1,
    smLen: 0,
    mfOff: -1,
    mfLen: 0,
  };
  const fresh: Fresh = {
    xml: item.xml,
    tsv: item.tsv,
    sitemap: inSitemap ? `<url><loc>${xmlText(item.url as string)}</loc><lastmod>${lastmod}</lastmod></url>\n` : null,
    manifest: ld ? manifestLine(`jsonld/${item.slug}.json`, ldBytes, jsonSha) : null,
  };
  return { entry, fresh };
}

/** Whether an entry publishes exactly what `prev` does (then `prev`, with its place in the files, stays). */
export function samePublished(prev: Entry, next: Entry): boolean {
  return (
    prev.contentHash === next.contentHash &&
    prev.sku === next.sku &&
    prev.slug === next.slug &&
    prev.url === next.url &&
    prev.groupId === next.groupId &&
    prev.availability === next.availability &&
    prev.inFeed === next.inFeed &&
    prev.inSitemap === next.inSitemap &&
    prev.hasJsonLd === next.hasJsonLd &&
    prev.ldBytes === next.ldBytes &&
    sameProblems(prev.problems, next.problems)
  );
}

function sameProblems(a: PublishProblem[], b: PublishProblem[]): boolean {
  return a === b || (a.length === b.length && JSON.stringify(a) === JSON.stringify(b));
}

export function toRecord(e: Entry): PublishedRecord {
  return {
    productId: e.id,
    sku: e.sku,
    slug: e.slug,
    contentHash: e.contentHash,
    lastmod: e.lastmod,
    seq: e.seq,
    inFeed: e.inFeed,
    inSitemap: e.inSitemap,
    hasJsonLd: e.hasJsonLd,
    problems: e.problems,
  };
}

export function sameRecord(a: PublishedRecord | Entry | undefined, b: Entry): boolean {
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

/** Entries by id, in the order the files list them. */
export class CatalogCache {
  readonly byId: Map<string, Entry>;
  /** SKU order (JavaScript code-unit order, the same on every database), as written. */
  order: Entry[] = [];
  /** Members of each item group, for republishing a variant's siblings. */
  readonly groups = new Map<string, Set<string>>();

  constructor(byId = new Map<string, Entry>()) {
    this.byId = byId;
  }

  /** The cache of entries in `order`; `byId`, when given, already indexes exactly those entries. */
  static fromOrder(order: Entry[], byId?: Map<string, Entry>): CatalogCache {
    const cache = new CatalogCache(byId);
    cache.order = order;
    for (const e of order) {
      if (!byId) cache.byId.set(e.id, e);
      if (e.groupId) cache.addToGroup(e);
    }
    return cache;
  }

  /** Where `sku` is, or would go, in the order (the order is by SKU). */
  private indexOf(sku: string): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.order[mid] as Entry).sku < sku) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private addToGroup(e: Entry): void {
    const set = this.groups.get(e.groupId as string) ?? new Set<string>();
    set.add(e.id);
    this.groups.set(e.groupId as string, set);
  }

  private removeFromGroup(e: Entry): void {
    const set = this.groups.get(e.groupId as string);
    set?.delete(e.id);
    if (set && set.size === 0) this.groups.delete(e.groupId as string);
  }

  /**
   * The order after replacing some entries (by id), adding new ones and removing `gone` ids:
   * one merge pass, however many change. Updates the indexes; returns the new order and the
   * index of its first difference from the old one (everything before it is as it was).
   */
  apply(changed: Entry[], gone: Set<string>): { order: Entry[]; first: number } {
    // The usual change keeps every SKU: each entry takes its predecessor's place (found by binary search).
    if (gone.size === 0 && changed.every((e) => this.byId.get(e.id)?.sku === e.sku)) {
      const places = changed.map((e) => this.indexOf(e.sku));
      if (changed.every((e, i) => this.order[places[i] as number] === this.byId.get(e.id))) {
        changed.forEach((e, i) => {
          const old = this.byId.get(e.id) as Entry;
          if (old.groupId) this.removeFromGroup(old);
          this.order[places[i] as number] = e;
          this.byId.set(e.id, e);
          if (e.groupId) this.addToGroup(e);
        });
        return { order: this.order, first: Math.min(this.order.length, ...places) };
      }
    }
    const replaced = new Set<string>(gone);
    for (const e of changed) if (this.byId.has(e.id)) replaced.add(e.id);
    const incoming = [...changed].sort(bySku);
    const next: Entry[] = [];
    let k = 0;
    let first = -1;
    for (const e of this.order) {
      if (replaced.has(e.id)) {
        if (first < 0) first = next.length;
        continue;
      }
      while (k < incoming.length && bySku(incoming[k] as Entry, e) < 0) {
        if (first < 0) first = next.length;
        next.push(incoming[k++] as Entry);
      }
      next.push(e);
    }
    if (first < 0) first = next.length;
    while (k < incoming.length) next.push(incoming[k++] as Entry);
    for (const id of replaced) {
      const old = this.byId.get(id);
      if (old?.groupId) this.removeFromGroup(old);
      this.byId.delete(id);
    }
    for (const e of changed) {
      this.byId.set(e.id, e);
      if (e.groupId) this.addToGroup(e);
    }
    this.order = next;
    return { order: next, first };
  }
}
