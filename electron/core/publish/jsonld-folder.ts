/**
 * Where the JSON-LD files live, and how a whole new set of them replaces the old one at once.
 *
 * `jsonld` in the publish folder is, on Linux and macOS, a relative symbolic link to a versioned
 * folder beside it (`.jsonld-<pid>-<8 hex>`). A rewrite of every file (a forced full publish, or
 * the first one) fills a new folder, makes its data durable with one flush of the file system
 * (syncfs) instead of one fsync a file, and swaps the link with one rename: a reader, the /feeds/
 * route and a crash see the old set or the new one, whole, never a mix. The old folder is removed
 * afterwards, off the publish's path. Replacing 100,000 files one by one in place (temporary file,
 * rename) cost twice as much as writing them into an empty folder (measured).
 *
 * Windows has no directory symbolic link a normal user may create, and cannot rename a folder over
 * another: there, `jsonld` stays a plain folder and a forced rewrite replaces its files one by one
 * (each atomically), as before. A folder published by an earlier version (a plain `jsonld` folder)
 * becomes a link at its next full rewrite; that once, the folder is renamed aside just before the
 * link takes its name (a reader may find no `jsonld` for that instant, and a crash in between is
 * repaired by `recoverJsonLd` at the next publish, with either whole set).
 */
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { alive, fsyncDir, tempName } from './atomic-file';

export const LD_NAME = 'jsonld';

const VERSION_PATTERN = /^\.jsonld-(\d+)-[0-9a-f]{8}$/;

/** Whether the whole set can be swapped at once here (see the header). */
export function canSwapSets(): boolean {
  return process.platform !== 'win32';
}

/** Whether a name in the publish folder is one of the versioned JSON-LD folders. */
export function isVersionName(name: string): boolean {
  return VERSION_PATTERN.test(name);
}

/**
 * The target of the `jsonld` link when it is one of Stockfeed's (a versioned folder beside it),
 * null when `jsonld` is a plain folder or absent; throws on any other link, which could lead a
 * publish to write outside the folder.
 */
export function linkTarget(dir: string): string | null {
  const link = path.join(dir, LD_NAME);
  const stat = fs.lstatSync(link, { throwIfNoEntry: false });
  if (!stat?.isSymbolicLink()) return null;
  const target = fs.readlinkSync(link);
  if (!isVersionName(target)) throw new Error(`${link} is a link to ${target}, not to a JSON-LD folder of Stockfeed's`);
  return target;
}

/** Whether `jsonld` in `dir` is a link Stockfeed made (for the check of whose the folder is). */
export function isOwnLink(dir: string): boolean {
  try {
    return linkTarget(dir) !== null;
  } catch {
    return false;
  }
}

/**
 * Before a full publish: a `jsonld` lost by a crash in the middle of the one-time change from a
 * plain folder to a link gets its link back (to the newest whole set, both being whole), and
 * versioned folders nothing links to (a crash before the old set was removed) are removed in the
 * background, unless their writer is still running. Returns how many it removes.
 */
export function recoverJsonLd(dir: string): number {
  if (!canSwapSets()) return 0;
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter(isVersionName);
  } catch {
    return 0;
  }
  if (names.length === 0) return 0;
  let current = linkTarget(dir);
  if (current === null && !fs.existsSync(path.join(dir, LD_NAME))) {
    const newest = names.map((n) => ({ n, t: fs.statSync(path.join(dir, n)).mtimeMs })).sort((a, b) => b.t - a.t)[0];
    if (newest) {
      pointLink(dir, newest.n);
      current = newest.n;
    }
  }
  let removed = 0;
  for (const name of names) {
    // This process's own old sets are being removed already (removeSet).
    if (name === current || alive(Number(VERSION_PATTERN.exec(name)?.[1]))) continue;
    void removeSet(path.join(dir, name));
    removed++;
  }
  return removed;
}

/** Makes `jsonld` a link to `target` with one rename (over an older link), and syncs the folder. */
function pointLink(dir: string, target: string): void {
  const temp = tempName(path.join(dir, LD_NAME));
  fs.symlinkSync(target, temp, 'dir');
  try {
    fs.renameSync(temp, path.join(dir, LD_NAME));
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  fsyncDir(dir);
}

/**
 * Starts writing back what is in `staging` so far, without waiting for it (Linux: `sync -f`):
 * the kernel would otherwise keep the new files in memory until the final flush, and the disk
 * would sit idle while the publish renders. Resolves when done (never rejects).
 */
export function startWriteback(staging: string): Promise<void> {
  if (process.platform !== 'linux') return Promise.resolve();
  return new Promise((resolve) => execFile('sync', ['-f', staging], { windowsHide: true }, () => resolve()));
}

/**
 * Makes what was written into `staging` durable: one flush of the file system that holds it
 * (`sync -f`, syncfs(2), on Linux; `sync` elsewhere), then the folder's own entries. Writing the
 * files with an fsync each took minutes for 100,000 of them.
 */
export async function flushSet(staging: string): Promise<void> {
  const args = process.platform === 'linux' ? ['-f', staging] : [];
  // Not spawnSync: the flush takes about a second for 100,000 files, and the server's event loop goes on meanwhile.
  const synced = await new Promise<boolean>((resolve) => execFile('sync', args, { windowsHide: true }, (error) => resolve(error === null)));
  if (!synced) {
    // No sync command: each file's data is flushed on its own, slowly but surely.
    for (const name of fs.readdirSync(staging)) {
      const fd = fs.openSync(path.join(staging, name), 'r');
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }
  }
  fsyncDir(staging);
}

/**
 * Puts a complete, durable set (the folder `staging`, beside `jsonld`) in place of the current
 * one at once. Returns the folder that held the old set, for the caller to remove when it suits
 * (null when there was none).
 */
export function installSet(dir: string, staging: string): string | null {
  // First: a link that is not Stockfeed's stops the swap before anything moved.
  let old = linkTarget(dir);
  const version = `.jsonld-${process.pid}-${randomBytes(4).toString('hex')}`;
  fs.renameSync(staging, path.join(dir, version));
  const ldPath = path.join(dir, LD_NAME);
  if (old === null && fs.existsSync(ldPath)) {
    // A plain folder (published by an earlier version): renamed aside once, then the link takes its place.
    old = `.jsonld-${process.pid}-${randomBytes(4).toString('hex')}`;
    fs.renameSync(ldPath, path.join(dir, old));
  }
  pointLink(dir, version);
  return old === null ? null : path.join(dir, old);
}

/** Sets being removed by this process, so that one is not removed twice at once. */
const removing = new Map<string, Promise<void>>();

/**
 * Removes a replaced set in the background (100,000 files take seconds to delete; the event loop
 * goes on meanwhile); resolves when it is gone (never rejects).
 */
export function removeSet(folder: string): Promise<void> {
  let done = removing.get(folder);
  if (!done) {
    done = removeFolder(folder)
      .catch(() => fs.promises.rm(folder, { recursive: true, force: true }))
      .catch(() => undefined)
      .finally(() => removing.delete(folder));
    removing.set(folder, done);
  }
  return done;
}

/**
 * Removes a folder of files with one `rm -rf` process where there is one (never on Windows: sets
 * are not swapped there), else from here a few at a time. 100,000 unlinks from the event loop,
 * each a promise and a trip through libuv's pool, took 2.6 s of this process's CPU and 2.5 s of
 * wall time for a set whose files the new one links (jsonld-worker.ts); `rm -rf` 0.6 s and 0.9 s
 * (measured here, load 6-7). `publish --full` from the CLI waits for it before exiting.
 */
async function removeFolder(folder: string): Promise<void> {
  if (process.platform !== 'win32') {
    const removed = await new Promise<boolean>((resolve) => execFile('rm', ['-rf', '--', folder], { windowsHide: true }, (error) => resolve(error === null)));
    if (removed && !fs.existsSync(folder)) return;
  }
  await removeFolderHere(folder);
}

/**
 * Removes a folder of files a few at a time: fs.promises.rm started all 100,000 unlinks at once,
 * which took the process's peak from ~280 to ~490 MB (measured).
 */
async function removeFolderHere(folder: string): Promise<void> {
  const entries = await fs.promises.opendir(folder, { bufferSize: 256 });
  const batch: Array<Promise<void>> = [];
  for await (const entry of entries) {
    batch.push(fs.promises.unlink(path.join(folder, entry.name)));
    if (batch.length >= 16) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
  await fs.promises.rmdir(folder);
}

/** Names read from the set at a time (SET_READ_BUFFER) while it is scanned. */
export const SET_READ_BUFFER = 1024;

/**
 * The file names of the set now in place that `keep` turns down (none when there is no set), read
 * off the event loop a batch at a time. A full rewrite keeps nearly every name, and readdir held
 * all 100,000 at once (plus its native listing) at the end of the publish, its peak: ~14 MB of RSS
 * to find the few files the new set drops (measured).
 */
export async function setNamesExcept(dir: string, keep: (name: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  try {
    const entries = await fs.promises.opendir(path.join(dir, LD_NAME), { bufferSize: SET_READ_BUFFER });
    for await (const entry of entries) if (!keep(entry.name)) out.push(entry.name);
  } catch {
    // No set there (or it went while read): as readdir's failure was, nothing is reported dropped.
    return [];
  }
  return out;
}

/**
 * Removes the JSON-LD files altogether (JSON-LD turned off): the link and the folder it leads to,
 * or the plain folder. Returns the names of the files it held (`jsonld/<name>`).
 */
export function removeAll(dir: string): string[] {
  const ldPath = path.join(dir, LD_NAME);
  if (!fs.existsSync(ldPath)) return [];
  const names = fs.readdirSync(ldPath).map((n) => `${LD_NAME}/${n}`);
  const target = canSwapSets() ? linkTarget(dir) : null;
  fs.rmSync(ldPath, { recursive: true, force: true });
  if (target) fs.rmSync(path.join(dir, target), { recursive: true, force: true });
  return names;
}
