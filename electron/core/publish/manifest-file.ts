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
/** How every line of the file list starts, as the publisher writes it (manifestLine). */
const FIRST_LINE = '{"name":';

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
    const head = readRange(fd, 0, Buffer.byteLength(MANIFEST_HEAD) + FIRST_LINE.length);
    return headAndTailAreStockfeeds(head, readRange(fd, stat.size - TAIL_BYTES, TAIL_BYTES));
  } finally {
    fs.closeSync(fd);
  }
}

/** A large manifest as Stockfeed writes it: the file list's first line at the head, the summary in the tail. */
function headAndTailAreStockfeeds(head: string, tail: string): boolean {
  if (!head.startsWith(`${MANIFEST_HEAD}${FIRST_LINE}`)) return false;
  const at = tail.lastIndexOf(FILES_END);
  if (at < 0) return false;
  let summary: unknown;
  try {
    summary = JSON.parse(`{${tail.slice(at + FILES_END.length)}`);
  } catch {
    return false;
  }
  return isSummary(summary) && summaryIsStockfeeds(summary);
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

/** Names collected between two turns of the event loop. */
const SCAN_SLICE = 10_000;

/**
 * The names a Stockfeed manifest lists (`sitemap.xml`, `jsonld/mug.json`), or null when `text` is
 * not one. A large manifest (100,000 products: ~15 MB) is not parsed as a whole, which would hold
 * up every other request for a few hundred milliseconds: its lines, in the one-line form the
 * publisher writes them, are picked out a slice at a time.
 */
export async function listManifestNames(text: string): Promise<Set<string> | null> {
  if (text.length <= WHOLE_LIMIT) return manifestNames(text);
  if (!headAndTailAreStockfeeds(text.slice(0, 64), text.slice(-TAIL_BYTES))) return null;
  const end = text.lastIndexOf(FILES_END);
  const names = new Set<string>();
  const mark = `${FIRST_LINE}"`;
  let at = text.indexOf(mark);
  let count = 0;
  while (at >= 0 && at < end) {
    const start = at + mark.length;
    let close = text.indexOf('"', start);
    while (close > 0 && text[close - 1] === '\\' && !evenBackslashesBefore(text, close)) close = text.indexOf('"', close + 1);
    if (close < 0) return null;
    const raw = text.slice(start, close);
    try {
      names.add(raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw);
    } catch {
      return null;
    }
    at = text.indexOf(mark, close);
    if (++count % SCAN_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return names;
}

/** Whether the quote at `i` is a real one: preceded by an even number of backslashes. */
function evenBackslashesBefore(text: string, i: number): boolean {
  let n = 0;
  while (text[i - 1 - n] === '\\') n++;
  return n % 2 === 0;
}

/** The names a small Stockfeed manifest lists, parsed whole, or null when `text` is not one. */
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
