/**
 * The big files, assembled from cached fragments: the Merchant feed (RSS 2.0 + g: namespace and
 * TSV), the sitemap (a sitemap index with numbered parts past 50,000 URLs or 50 MB), the manifest.
 */
import { xmlText } from './escape';
import { TSV_COLUMNS } from './item';
import type { Entry } from './catalog-cache';
import type { StoredSettings } from './types';

export const FILE_NAMES = {
  merchantXml: 'google-merchant.xml',
  merchantTsv: 'google-merchant.tsv',
  sitemap: 'sitemap.xml',
  manifest: 'manifest.json',
} as const;

export const SITEMAP_MAX_URLS = 50_000;
export const SITEMAP_MAX_BYTES = 50 * 1024 * 1024;

/** The shop's base URL: the shop URL, or the origin of the product URL template. */
export function shopBase(settings: StoredSettings): string {
  if (settings.shopUrl) return settings.shopUrl.replace(/\/+$/, '');
  try {
    return new URL(settings.productUrlTemplate.replace(/\{(slug|sku)\}/g, 'x')).origin;
  } catch {
    return '';
  }
}

export function merchantXmlBuffers(order: Entry[], settings: StoredSettings): Buffer[] {
  const name = xmlText(settings.shopName || 'Products');
  const header = Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">\n<channel>\n' +
      `<title>${name}</title>\n<link>${xmlText(shopBase(settings))}</link>\n<description>${name}: product feed</description>\n`,
  );
  const out: Buffer[] = [header];
  for (const e of order) if (e.xml) out.push(e.xml);
  out.push(Buffer.from('</channel>\n</rss>\n'));
  return out;
}

export function merchantTsvBuffers(order: Entry[]): Buffer[] {
  const out: Buffer[] = [Buffer.from(`${TSV_COLUMNS.join('\t')}\n`)];
  for (const e of order) if (e.tsv) out.push(e.tsv);
  return out;
}

const URLSET_HEAD = Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n');
const URLSET_TAIL = Buffer.from('</urlset>\n');

export type SitemapPart = { entries: Entry[]; bytes: number };

/** Splits the sitemap entries into parts of at most 50,000 URLs and 50 MB each. */
export function partitionSitemap(order: Entry[]): SitemapPart[] {
  const budget = SITEMAP_MAX_BYTES - URLSET_HEAD.length - URLSET_TAIL.length;
  const parts: SitemapPart[] = [];
  let current: SitemapPart = { entries: [], bytes: 0 };
  for (const e of order) {
    if (!e.sitemap) continue;
    if (current.entries.length >= SITEMAP_MAX_URLS || current.bytes + e.sitemap.length > budget) {
      parts.push(current);
      current = { entries: [], bytes: 0 };
    }
    current.entries.push(e);
    current.bytes += e.sitemap.length;
  }
  parts.push(current);
  return parts;
}

export function urlsetBuffers(part: SitemapPart): Buffer[] {
  return [URLSET_HEAD, ...part.entries.map((e) => e.sitemap as Buffer), URLSET_TAIL];
}

/** The newest lastmod in a part (what the index shows for that file). */
function newest(part: SitemapPart): string {
  let max = '';
  for (const e of part.entries) if (e.lastmod > max) max = e.lastmod;
  return max;
}

export function sitemapPartName(i: number): string {
  return `sitemap-${i + 1}.xml`;
}

export function sitemapIndexBuffers(parts: SitemapPart[], settings: StoredSettings): Buffer[] {
  const base = shopBase(settings);
  const body = parts
    .map((p, i) => {
      const lastmod = newest(p);
      return `<sitemap><loc>${xmlText(`${base}/${sitemapPartName(i)}`)}</loc>${lastmod ? `<lastmod>${lastmod}</lastmod>` : ''}</sitemap>\n`;
    })
    .join('');
  return [
    Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${body}</sitemapindex>\n`),
  ];
}

/** Whether two parts hold the same fragments (identity first: unchanged entries keep their Buffers). */
export function samePart(a: SitemapPart | undefined, b: SitemapPart): boolean {
  if (!a || a.entries.length !== b.entries.length || a.bytes !== b.bytes) return false;
  for (let i = 0; i < a.entries.length; i++) {
    const x = (a.entries[i] as Entry).sitemap as Buffer;
    const y = (b.entries[i] as Entry).sitemap as Buffer;
    if (x !== y && !x.equals(y)) return false;
  }
  return true;
}
