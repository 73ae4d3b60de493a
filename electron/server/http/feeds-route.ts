/**
 * `GET /feeds/<file>`: the publish folder, read-only, for Merchant Center's scheduled fetch and
 * for crawlers. Only what the current manifest.json lists is served (with the manifest itself, the
 * .gz copies of the big files and, while IndexNow is on, its key file): never a listing, a
 * temporary file, anything outside the folder, or a file someone else put into it. No token,
 * because the feed and the sitemap are public by nature.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC_ROUTE } from './route-auth';
import type { Core } from '../../core/core';
import { FILE_NAMES } from '../../core/publish/artifacts';
import { listManifestNames } from '../../core/publish/manifest-file';

export const FEEDS_PREFIX = '/feeds/';

const CONTENT_TYPES: Record<string, string> = {
  '.xml': 'application/xml; charset=utf-8',
  '.tsv': 'text/tab-separated-values; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.jsonl': 'application/jsonl; charset=utf-8',
  // redirects.nginx.conf, and `_redirects` below (a name without an extension).
  '.conf': 'text/plain; charset=utf-8',
  '.gz': 'application/gzip',
};

/** `jsonld/mug.json`, `sitemap-2.xml`: plain names, at most one folder deep, no dot-files. */
const SAFE_PATH = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)?[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

function notFound(reply: FastifyReply, url: string) {
  return reply.code(404).send({ error: { code: 'not_found', message: `No published file at ${url}` } });
}

function contentType(name: string): string | undefined {
  if (name === FILE_NAMES.redirects) return 'text/plain; charset=utf-8';
  return CONTENT_TYPES[path.extname(name).toLowerCase()];
}

type Listing = { key: string; names: Promise<ReadonlySet<string> | null> };

/**
 * The names the folder's manifest.json lists (null: no manifest of Stockfeed's, nothing is
 * published), read again only when the file changes (another inode, size or time): a manifest of
 * 100,000 products is ~15 MB, far too much to read per request.
 */
class ManifestListing {
  private last: Listing | null = null;

  names(dir: string): Promise<ReadonlySet<string> | null> {
    const file = path.join(dir, FILE_NAMES.manifest);
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile()) return Promise.resolve(null);
    const key = `${file}\0${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    if (this.last?.key !== key) {
      const names = fs.promises
        .readFile(file, 'utf8')
        .then(listManifestNames)
        .catch(() => null);
      this.last = { key, names };
    }
    return this.last.names;
  }
}

/**
 * Whether `name` is published: listed, the manifest, a .gz copy of either (not of JSON-LD), or the
 * IndexNow key file; nothing at all in a folder without a manifest of Stockfeed's.
 */
function isPublished(name: string, listed: ReadonlySet<string> | null, indexNowKey: string | null): boolean {
  if (listed === null) return false;
  if (indexNowKey !== null && name === `${indexNowKey}.txt`) return true;
  const base = name.endsWith('.gz') ? name.slice(0, -3) : name;
  if (base !== name && base.startsWith('jsonld/')) return false;
  return base === FILE_NAMES.manifest || listed.has(base);
}

export function registerFeedsRoute(app: FastifyInstance, core: Pick<Core, 'publisher' | 'settings'>): void {
  const listing = new ManifestListing();
  const indexNowKey = (): string | null => {
    const { enabled, key } = core.settings.current().indexNow;
    return enabled && key ? key : null;
  };
  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    const url = request.url.split('?')[0] as string;
    const rest = (request.params as { '*': string })['*'] ?? '';
    const type = contentType(rest);
    if (!SAFE_PATH.test(rest) || rest.includes('..') || !type) return notFound(reply, url);
    const dir = core.publisher.publishDir();
    if (!isPublished(rest, await listing.names(dir), indexNowKey())) return notFound(reply, url);
    let root: string;
    let file: string;
    try {
      root = fs.realpathSync.native(dir);
      file = fs.realpathSync.native(path.join(root, rest));
    } catch {
      return notFound(reply, url);
    }
    // A symbolic link must not lead out of the folder.
    if (!file.startsWith(root + path.sep)) return notFound(reply, url);
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile()) return notFound(reply, url);
    const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
    reply
      .header('Content-Type', type)
      .header('Last-Modified', stat.mtime.toUTCString())
      .header('ETag', etag)
      .header('Cache-Control', 'no-cache');
    const since = request.headers['if-modified-since'];
    if (request.headers['if-none-match'] === etag || (since && Date.parse(since) >= Math.floor(stat.mtimeMs / 1000) * 1000)) {
      return reply.code(304).send();
    }
    reply.header('Content-Length', stat.size);
    if (request.method === 'HEAD') return reply.send();
    // The file is replaced by rename, never rewritten: an open stream keeps reading the old one whole.
    return reply.send(fs.createReadStream(file));
  };
  app.get(`${FEEDS_PREFIX}*`, { config: PUBLIC_ROUTE }, serve);
}
