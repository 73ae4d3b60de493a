/**
 * Old product pages, and where they now lead. When a product's slug changes, or it is archived,
 * discontinued or deleted, the page search engines know stops existing; the redirects files tell
 * the web server what to answer there instead, so the old page leaves the index quickly: a 301 to
 * the renamed page, or for a product that is gone a 301 to its collection page or `410 Gone`
 * (`discontinuedRedirect`).
 *
 * The book keeps one row per old URL (`redirect_urls`): the product it belonged to and since when.
 * Where it leads is decided when the files are written, from the product as it is then, so a
 * product renamed twice sends both old URLs to the newest page, and one renamed back or
 * unarchived loses the redirect of its live page. Rows past `redirectRetentionDays` stay in the
 * table (so the same departure is not recorded again as new) but leave the files.
 */
import type { Knex } from 'knex';
import type { Db } from '../util/db-helpers';

export type RedirectRow = { url: string; productId: string; since: string };

/** An old URL and what it answers: a 301 to `to`, or 410 when `to` is null. */
export type RedirectEntry = { from: string; to: string | null };

/** What the files need to know of a product now. */
export type RedirectProduct = { url: string | null; listed: boolean; collectionUrl: string | null };

export class RedirectBook {
  /** Changes since the last `saved()`: rows to write, URLs to delete. */
  private readonly upserts = new Map<string, RedirectRow>();
  private readonly deletes = new Set<string>();

  private constructor(private readonly rows: Map<string, RedirectRow>) {}

  static async load(db: Db): Promise<RedirectBook> {
    const rows = (await db('redirect_urls').select('url', 'product_id', 'since')) as Array<{ url: string; product_id: string; since: string }>;
    return new RedirectBook(new Map(rows.map((r) => [r.url, { url: r.url, productId: r.product_id, since: r.since }])));
  }

  static empty(): RedirectBook {
    return new RedirectBook(new Map());
  }

  /** Whether a product has an old URL in the book. */
  has(url: string): boolean {
    return this.rows.has(url);
  }

  /**
   * `url` stopped being `productId`'s page at `now`. A URL already in the book for that product
   * keeps its first time. The caller makes sure no product's live page is there.
   */
  left(url: string, productId: string, now: string): void {
    const known = this.rows.get(url);
    if (known && known.productId === productId) return;
    const row = { url, productId, since: now };
    this.rows.set(url, row);
    this.upserts.set(url, row);
    this.deletes.delete(url);
  }

  /** `url` is a product's live page: any redirect of it goes. */
  live(url: string): void {
    if (!this.rows.has(url)) return;
    this.rows.delete(url);
    this.upserts.delete(url);
    this.deletes.add(url);
  }

  /**
   * The redirects in force at `now`, by old URL: each row younger than `retentionDays`, led to the
   * product's page when it is listed elsewhere, else to its collection page (`collection`) or gone.
   */
  entries(now: Date, retentionDays: number, productOf: (id: string) => RedirectProduct | undefined, discontinued: 'gone' | 'collection'): RedirectEntry[] {
    const cutoff = new Date(now.getTime() - retentionDays * 86_400_000).toISOString();
    const out: RedirectEntry[] = [];
    for (const row of this.rows.values()) {
      if (row.since < cutoff) continue;
      const p = productOf(row.productId);
      if (p?.listed && p.url) {
        if (p.url !== row.url) out.push({ from: row.url, to: p.url });
        continue;
      }
      out.push({ from: row.url, to: discontinued === 'collection' && p?.collectionUrl ? p.collectionUrl : null });
    }
    return out.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  }

  /** Ends the publish: what it learnt is handed over to be saved. */
  drain(): { upserts: RedirectRow[]; deletes: string[] } {
    const out = { upserts: [...this.upserts.values()], deletes: [...this.deletes] };
    this.upserts.clear();
    this.deletes.clear();
    return out;
  }
}

/** Saves a publish's changes to the book, inside its record transaction. */
export async function saveRedirects(trx: Knex.Transaction, changes: { upserts: RedirectRow[]; deletes: string[] }): Promise<void> {
  for (let i = 0; i < changes.deletes.length; i += 500) await trx('redirect_urls').whereIn('url', changes.deletes.slice(i, i + 500)).delete();
  for (let i = 0; i < changes.upserts.length; i += 500) {
    const rows = changes.upserts.slice(i, i + 500).map((r) => ({ url: r.url, product_id: r.productId, since: r.since }));
    await trx('redirect_urls').insert(rows).onConflict('url').merge(['product_id', 'since']);
  }
}

/** The page a redirect answers for 410 on Netlify (a status with a page is served, not redirected). */
export const GONE_PAGE = '/404.html';

/** The path of a URL as written (percent-encoded), or null when it is not an absolute URL. */
function pathOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return null;
  }
}

/**
 * `_redirects` as Netlify and Cloudflare Pages read it: `from to status` per line, paths as URLs
 * write them (no spaces: every URL here is percent-encoded). Cloudflare Pages takes 301 lines
 * only and skips the 410 ones (it has no such status); Netlify serves GONE_PAGE with 410.
 */
export function netlifyRedirects(entries: RedirectEntry[]): string {
  let text = '# Old product pages, written by Stockfeed (replaced on every publish; edit the products, not this file).\n';
  for (const e of entries) {
    const from = pathOf(e.from);
    if (!from) continue;
    text += e.to === null ? `${from} ${GONE_PAGE} 410\n` : `${from} ${e.to} 301\n`;
  }
  return text;
}

/** A string nginx reads back as itself inside double quotes. */
function nginxQuoted(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * `redirects.nginx.conf`: a `map` from `$uri` (nginx's decoded, normalised path) to the new URL or
 * `410`, for `include` in the `http` block, and the two lines the `server` block needs to act on
 * it. A target's `$` is percent-encoded: nginx would read it as a variable.
 */
export function nginxRedirects(entries: RedirectEntry[]): string {
  let text =
    '# Old product pages, written by Stockfeed (replaced on every publish; edit the products, not this file).\n' +
    '# In the http block:    include /path/to/redirects.nginx.conf;\n' +
    '# In the server block:  if ($stockfeed_redirect = 410) { return 410; }\n' +
    '#                       if ($stockfeed_redirect) { return 301 $stockfeed_redirect; }\n' +
    'map $uri $stockfeed_redirect {\n    default "";\n';
  for (const e of entries) {
    const raw = pathOf(e.from);
    if (!raw) continue;
    const path = raw.split('?')[0] as string;
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      decoded = path;
    }
    // A decoded control character could end the line: such a path is kept encoded (it matches nothing, harmlessly).
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
    const key = /[\u0000-\u001f\u007f]/.test(decoded) ? path : decoded;
    text += `    ${nginxQuoted(key)} ${nginxQuoted(e.to === null ? '410' : e.to.replace(/\$/g, '%24'))};\n`;
  }
  return `${text}}\n`;
}
