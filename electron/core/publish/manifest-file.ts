/**
 * Reading manifest.json back: whether a folder's manifest is Stockfeed's (the folder rule) and which
 * files it lists (what /feeds/ may serve). A manifest is Stockfeed's when it has the shape Stockfeed
 * writes: `generator: "stockfeed"` since this version, and before that `files` with `seq`,
 * `writtenAt` and `counts`, which is how manifests of earlier versions still count as its own.
 */
import fs from 'node:fs';
import { MANIFEST_GENERATOR, MANIFEST_HEAD } from './artifacts';

/** What a first publish into a new folder writes before anything else: the folder is marked as Stockfeed's from the start. */
export const SEED_MANIFEST = `${JSON.stringify({ generator: MANIFEST_GENERATOR, files: [] }, null, 2)}\n`;

/** Up to this size a manifest is parsed whole; larger ones (tens of thousands of JSON-LD lines) by head and tail. */
const WHOLE_LIMIT = 64 * 1024;
const TAIL_BYTES = 4096;
const FILES_END = '\n  ],';

type Summary = Record<string, unknown>;

function isSummary(value: unknown): value is Summary {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The fields after `files`: Stockfeed's generator, or the summary every earlier version wrote. */
function summaryIsStockfeeds(s: Summary): boolean {
  if ('generator' in s) return s.generator === MANIFEST_GENERATOR;
  return typeof s.seq === 'number' && typeof s.writtenAt === 'string' && isSummary(s.counts);
}

function isFileLine(value: unknown): boolean {
  if (!isSummary(value)) return false;
  return typeof value.name === 'string' && typeof value.bytes === 'number' && typeof value.sha256 === 'string';
}

function readRange(fd: number, position: number, length: number): string {
  const buffer = Buffer.alloc(length);
  const n = fs.readSync(fd, buffer, 0, length, position);
  return buffer.subarray(0, n).toString('utf8');
}

/**
 * Whether `file` is a manifest Stockfeed wrote. Cheap enough to run before every publish: a large
 * manifest is judged by its head (the start of the file list) and its tail (the summary).
 */
export function isStockfeedManifest(file: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return false;
    if (stat.size <= WHOLE_LIMIT) return parsedIsStockfeeds(readRange(fd, 0, stat.size));
    const head = readRange(fd, 0, Buffer.byteLength(MANIFEST_HEAD) + 8);
    if (head !== `${MANIFEST_HEAD}{"name":`) return false;
    const tail = readRange(fd, stat.size - TAIL_BYTES, TAIL_BYTES);
    const at = tail.lastIndexOf(FILES_END);
    if (at < 0) return false;
    let summary: unknown;
    try {
      summary = JSON.parse(`{${tail.slice(at + FILES_END.length)}`);
    } catch {
      return false;
    }
    return isSummary(summary) && summaryIsStockfeeds(summary);
  } finally {
    fs.closeSync(fd);
  }
}

function parsedIsStockfeeds(text: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  return isSummary(parsed) && Array.isArray(parsed.files) && parsed.files.every(isFileLine) && summaryIsStockfeeds(parsed);
}

/** The names a Stockfeed manifest lists (`sitemap.xml`, `jsonld/mug.json`), or null when `text` is not one. */
export function manifestNames(text: string): Set<string> | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isSummary(parsed) || !Array.isArray(parsed.files) || !summaryIsStockfeeds(parsed)) return null;
  const names = new Set<string>();
  for (const f of parsed.files) if (isFileLine(f)) names.add((f as { name: string }).name);
  return names;
}
