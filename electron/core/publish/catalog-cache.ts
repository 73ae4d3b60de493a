/**
 * The publisher's in-memory catalogue: one entry per product with its fragments (Buffers ready to
 * write), kept in SKU order. A change rebuilds only the entries of the products it touches; the
 * big files are then written from the cached fragments.
 */
import { hash } from 'node:crypto';
import type { Availability } from '../../../shared/domain/availability';
import type { PublishProblem } from '../../../shared/schemas/publish';
import { jsonLdStringify, xmlText } from './escape';
import { groupDocument, type BuiltItem } from './item';
import type { PublishedRecord } from './publish-store';

export type Entry = {
  id: string;
  sku: string;
  slug: string;
  groupId: string | null;
  url: string | null;
  availability: Availability;
  problems: PublishProblem[];
  xml: Buffer | null;
  tsv: Buffer | null;
  /** `<url>…</url>` with the lastmod, or null when not in the sitemap. */
  sitemap: Buffer | null;
  /** The JSON-LD file (`jsonld/<slug>.json`) and its manifest line (built once per change, not on every publish), or null. Its body is written, not kept. */
  jsonLd: { name: string; bytes: number; sha256: string; line: string } | null;
  contentHash: string;
  lastmod: string;
  /** The sequence at which the published content last changed. */
  seq: number;
};

/** W3C Datetime with the time zone spelled out, so several changes a day stay visible. */
export function lastmodNow(now = new Date()): string {
  return now.toISOString().replace('Z', '+00:00');
}

function bySku(a: { sku: string }, b: { sku: string }): number {
  return a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0;
}

/** The JSON-LD text of each item: its own Product, or its group's ProductGroup for variants. */
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
      out.set(item.id, jsonLdStringify({ '@context': 'https://schema.org', ...item.ldProduct }));
    }
  }
  for (const [groupId, members] of groups) {
    members.sort(bySku);
    const text = jsonLdStringify(groupDocument(groupId, members.map((m) => m.ldProduct as Record<string, unknown>)));
    for (const m of members) out.set(m.id, text);
  }
  return out;
}

/** The manifest's line for a file, built once per change of the file rather than on every publish. */
export function manifestLine(name: string, bytes: number, sha256: string): string {
  return `{"name":${JSON.stringify(name)},"bytes":${bytes},"sha256":"${sha256}"}`;
}

function jsonLdFile(name: string, bytes: number, sha256: string) {
  return { name, bytes, sha256, line: manifestLine(name, bytes, sha256) };
}

export function unpooled(text: string): Buffer {
  const buffer = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  buffer.write(text);
  return buffer;
}

/** No problems: one shared empty list instead of 100,000 empty arrays. */
const NO_PROBLEMS: PublishProblem[] = [];

/**
 * Builds the entry for an item, keeping the previous lastmod when its published content is
 * unchanged. Returns the JSON-LD body separately, as text: it is written (when it has to be), and
 * not kept in memory. Hashing the text directly hashes the same UTF-8 bytes the file holds.
 */
export function toEntry(
  item: BuiltItem,
  jsonText: string | undefined,
  previous: { contentHash: string; lastmod: string; seq: number } | undefined,
  now: string,
  seq: number,
): { entry: Entry; body: string | null } {
  const body = jsonText ?? null;
  const jsonSha = body === null ? '' : hash('sha256', body, 'hex');
  const feedText = item.xmlString ?? (item.xml ? item.xml.toString('utf8') : '');
  const contentHash = hash('sha256', `${feedText}\n${jsonSha}\n${item.inSitemap ? 1 : 0}\n${item.url ?? ''}`, 'hex');
  const same = previous?.contentHash === contentHash;
  const lastmod = same ? (previous as { lastmod: string }).lastmod : now;
  const entry: Entry = {
    id: item.id,
    sku: item.sku,
    slug: item.slug,
    groupId: item.groupId,
    url: item.url,
    availability: item.availability,
    problems: item.problems.length > 0 ? item.problems : NO_PROBLEMS,
    xml: item.xml,
    tsv: item.tsv,
    sitemap: item.inSitemap && item.url ? Buffer.from(`<url><loc>${xmlText(item.url)}</loc><lastmod>${lastmod}</lastmod></url>\n`) : null,
    jsonLd: body === null ? null : jsonLdFile(`jsonld/${item.slug}.json`, Buffer.byteLength(body), jsonSha),
    contentHash,
    lastmod,
    seq: same ? (previous as { seq: number }).seq : seq,
  };
  return { entry, body };
}

export function toRecord(e: Entry): PublishedRecord {
  return {
    productId: e.id,
    sku: e.sku,
    slug: e.slug,
    contentHash: e.contentHash,
    lastmod: e.lastmod,
    seq: e.seq,
    inFeed: e.xml !== null,
    inSitemap: e.sitemap !== null,
    hasJsonLd: e.jsonLd !== null,
    problems: e.problems,
  };
}

export function sameRecord(a: PublishedRecord | undefined, b: PublishedRecord): boolean {
  if (!a) return false;
  return (
    a.sku === b.sku &&
    a.slug === b.slug &&
    a.contentHash === b.contentHash &&
    a.lastmod === b.lastmod &&
    a.inFeed === b.inFeed &&
    a.inSitemap === b.inSitemap &&
    a.hasJsonLd === b.hasJsonLd &&
    JSON.stringify(a.problems) === JSON.stringify(b.problems)
  );
}

/** Entries by id and in SKU order. */
export class CatalogCache {
  readonly byId = new Map<string, Entry>();
  /** SKU order (JavaScript code-unit order, the same on every database). */
  order: Entry[] = [];
  /** Members of each item group, for republishing a variant's siblings. */
  readonly groups = new Map<string, Set<string>>();

  static fromEntries(entries: Entry[]): CatalogCache {
    const cache = new CatalogCache();
    entries.sort(bySku);
    cache.order = entries;
    for (const e of entries) {
      cache.byId.set(e.id, e);
      if (e.groupId) cache.addToGroup(e);
    }
    return cache;
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

  /** Puts an entry in place of the product's previous one (or adds it). */
  put(e: Entry): void {
    const old = this.byId.get(e.id);
    if (old) {
      if (old.groupId) this.removeFromGroup(old);
      if (old.sku === e.sku) {
        this.order[this.indexOf(old.sku)] = e;
      } else {
        this.order.splice(this.indexOf(old.sku), 1);
        this.order.splice(this.indexOf(e.sku), 0, e);
      }
    } else {
      this.order.splice(this.indexOf(e.sku), 0, e);
    }
    this.byId.set(e.id, e);
    if (e.groupId) this.addToGroup(e);
  }

  remove(id: string): Entry | undefined {
    const old = this.byId.get(id);
    if (!old) return undefined;
    if (old.groupId) this.removeFromGroup(old);
    this.order.splice(this.indexOf(old.sku), 1);
    this.byId.delete(id);
    return old;
  }
}
