/**
 * Which folders Stockfeed publishes into. The publish folder may be anywhere (a local web root is a
 * real use), and publishing replaces and deletes files, so Stockfeed writes only into a folder
 * that does not exist yet, is empty, or is its own; never into one that holds someone else's
 * files, which it would overwrite (`sitemap.xml`) or serve at /feeds/.
 *
 * What Stockfeed owns in a publish folder, exactly:
 * - at any time: its temporary files and staging folders (`.<name>.tmp-<pid>-<8 hex digits>`) and
 *   IndexNow key files (`<key>.txt` whose whole content is `<key>`);
 * - beside a manifest.json of its own (see manifest-file.ts; a new folder gets one before anything
 *   else is written): that manifest, `google-merchant.xml`, `google-merchant.tsv`, `sitemap.xml`,
 *   `sitemap-<n>.xml`, `openai-products.jsonl`, `openai-products-<n>.jsonl`, `_redirects`, `redirects.nginx.conf`, the `.gz` copy
 *   of each, the `jsonld/` folder with everything in it (or `jsonld` as a link to a versioned folder
 *   `.jsonld-<pid>-<8 hex digits>`, and those folders), and the collections' `collections/` folder
 *   and `sitemap-collections.xml` (issue 19).
 * Anything else makes the folder foreign. The default folder, `<data folder>/publish`, inside the
 * owner-only data folder, is always Stockfeed's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../../shared/errors';
import { FILE_NAMES } from './artifacts';
import { COLLECTIONS_DIR, COLLECTIONS_SITEMAP } from './collection-render';
import { isTempName, writeFileAtomic } from './atomic-file';
import { keyOfKeyFileName } from './delivery/key-file';
import { isOwnLink, isVersionName, LD_NAME } from './jsonld-folder';
import { isStockfeedManifest, SEED_MANIFEST } from './manifest-file';

/** The folder publishing goes to when the settings name none. */
export function defaultPublishDir(dataDir: string): string {
  return path.join(dataDir, 'publish');
}

const OUTPUT_NAMES = new Set<string>([
  FILE_NAMES.merchantXml, FILE_NAMES.merchantTsv, FILE_NAMES.sitemap, FILE_NAMES.openAiFeed, FILE_NAMES.redirects, FILE_NAMES.redirectsNginx, FILE_NAMES.manifest, COLLECTIONS_SITEMAP,
]);
const SITEMAP_PART = /^sitemap-\d+\.xml$/;
const OPENAI_PART = /^openai-products-\d+\.jsonl$/;
/** Names shown in a message; the rest are counted. */
const SHOWN = 5;

function isKeyFile(dir: string, entry: fs.Dirent): boolean {
  const key = keyOfKeyFileName(entry.name);
  if (key === null || !entry.isFile()) return false;
  try {
    return fs.readFileSync(path.join(dir, entry.name), 'utf8') === key;
  } catch {
    return false;
  }
}

function isOutput(dir: string, entry: fs.Dirent): boolean {
  // `jsonld`: a folder, or a link to one of the versioned folders beside it (jsonld-folder.ts).
  if (entry.name === LD_NAME) return entry.isDirectory() || (entry.isSymbolicLink() && isOwnLink(dir));
  if (isVersionName(entry.name) || entry.name === COLLECTIONS_DIR) return entry.isDirectory();
  if (!entry.isFile()) return false;
  const name = entry.name.endsWith('.gz') ? entry.name.slice(0, -3) : entry.name;
  return OUTPUT_NAMES.has(name) || SITEMAP_PART.test(name) || OPENAI_PART.test(name);
}

/** The entries of `dir` that are not Stockfeed's (folders with a trailing `/`), sorted; none for a folder that is not there. */
export function foreignEntries(dir: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const own = entries.some((e) => e.name === FILE_NAMES.manifest) && isStockfeedManifest(path.join(dir, FILE_NAMES.manifest));
  return entries
    .filter((e) => !isTempName(e.name) && !isKeyFile(dir, e) && !(own && isOutput(dir, e)))
    .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
    .sort();
}

function listed(names: string[]): string {
  const shown = names.slice(0, SHOWN).join(', ');
  return names.length > SHOWN ? `${shown} … (${names.length} in all)` : shown;
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Why `dir` (absolute) cannot be the publish folder, as a phrase for the settings field, or null.
 * A folder that does not exist yet is fine: the first publish creates it.
 */
export function publishFolderProblem(dataDir: string, dir: string): string | null {
  const resolved = path.resolve(dir);
  if (resolved === path.resolve(defaultPublishDir(dataDir))) return null;
  if (isInside(path.resolve(dataDir), resolved)) {
    return `the folder holds Stockfeed's data folder (its database and API token); choose a folder of its own, such as ${path.join(resolved, 'stockfeed-publish')}`;
  }
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(resolved, { throwIfNoEntry: false });
  } catch (error) {
    return `the folder cannot be checked (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  if (!stat) return null;
  if (!stat.isDirectory()) return 'there is a file at this path, not a folder';
  let foreign: string[];
  try {
    foreign = foreignEntries(resolved);
  } catch (error) {
    return `the folder cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  if (foreign.length === 0) return null;
  return `the folder holds files Stockfeed did not write: ${listed(foreign)}; choose an empty folder or a sub-folder such as ${path.join(resolved, 'stockfeed')}`;
}

/** The check of the settings' `publishDir`: an absolute path to a folder Stockfeed may write into. */
export function publishDirSettingProblem(dataDir: string, value: string): string | null {
  if (!path.isAbsolute(value)) {
    return `relative path: give the folder's whole path, such as ${path.join(os.homedir(), value.replace(/^~[/\\]?/, ''))}`;
  }
  return publishFolderProblem(dataDir, value);
}

/**
 * Called before a publish writes anything: refuses (409, with the reason) a folder that holds files
 * that are not Stockfeed's, which someone may have put there after it was chosen, and marks a new
 * or empty folder as Stockfeed's with a first manifest, so a publish cut short by a crash after
 * its first files leaves a folder that is still recognisably Stockfeed's.
 */
export function claimPublishFolder(dataDir: string, dir: string): void {
  if (path.resolve(dir) === path.resolve(defaultPublishDir(dataDir))) return;
  const problem = publishFolderProblem(dataDir, dir);
  if (problem) {
    throw new AppError('conflict', `Stockfeed did not publish into ${dir}: ${problem} (it writes only into an empty folder or one it published into before)`, {
      field: 'publishDir',
    });
  }
  const manifest = path.join(dir, FILE_NAMES.manifest);
  if (isStockfeedManifest(manifest)) return;
  fs.mkdirSync(dir, { recursive: true });
  writeFileAtomic(manifest, [Buffer.from(SEED_MANIFEST)]);
}
