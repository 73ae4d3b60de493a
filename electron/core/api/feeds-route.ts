/**
 * `GET /feeds/<file>`: the publish folder, read-only, for Merchant Center's scheduled fetch and
 * for crawlers. Only published artifacts are served (never a listing, a temporary file or
 * anything outside the folder); no token, because the feed and the sitemap are public by nature.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC_ROUTE } from './route-auth';

export const FEEDS_PREFIX = '/feeds/';

const CONTENT_TYPES: Record<string, string> = {
  '.xml': 'application/xml; charset=utf-8',
  '.tsv': 'text/tab-separated-values; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.gz': 'application/gzip',
};

/** `jsonld/mug.json`, `sitemap-2.xml`: plain names, at most one folder deep, no dot-files. */
const SAFE_PATH = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)?[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

function notFound(reply: FastifyReply, url: string) {
  return reply.code(404).send({ error: { code: 'not_found', message: `No published file at ${url}` } });
}

function contentType(name: string): string | undefined {
  return CONTENT_TYPES[path.extname(name).toLowerCase()];
}

export function registerFeedsRoute(app: FastifyInstance, publishDir: () => string): void {
  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    const url = request.url.split('?')[0] as string;
    const rest = (request.params as { '*': string })['*'] ?? '';
    const type = contentType(rest);
    if (!SAFE_PATH.test(rest) || rest.includes('..') || !type) return notFound(reply, url);
    let root: string;
    let file: string;
    try {
      root = fs.realpathSync.native(publishDir());
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
