/**
 * The thread that writes a full publish's JSON-LD files (see jsonld-writer.ts for why): it takes
 * batches of small files, each file's body a byte range of the batch's buffer, writes them in
 * order, and hands the buffer back to be filled again. The build bundles it as an entry of its own
 * (electron.vite.config.ts, bench/publish.ts); worker-thread.ts starts it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { tempName } from './atomic-file';

/**
 * Files `names[i]` (in `dir`) hold bytes [starts[i], ends[i]) of `buffer`; variants of a group
 * share theirs, and a file whose range is the one before's is a link to that file (linkSibling).
 * `atomic`: each file replaced through a temporary file (into a folder readers see).
 * `linkFrom`: the set a fresh one replaces; a file there that already holds exactly the new bytes
 * is hard-linked into `dir` instead of written again (see `sameBytes`).
 */
export type Batch = { id: number; dir: string; atomic: boolean; linkFrom: string | null; names: string[]; starts: number[]; ends: number[]; buffer: ArrayBuffer };

/** A batch written (`error` null) or not, with the buffer coming back. */
export type BatchDone = { id: number; error: string | null; code: string | null; buffer: ArrayBuffer };

/** Read back into this (grown as needed) to compare an old file with its new bytes. */
let scratch = Buffer.allocUnsafeSlow(16 * 1024);

const READ_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);

/**
 * Whether `file` is a regular file holding exactly `body`. A forced rewrite of 100,000 files over
 * a set that mostly holds the same bytes: reading a file back and linking it costs a fraction of
 * creating one, whose blocks the disk must then write, and whose old copy it must free when the
 * old set is removed (measured on this disk, 100,000 files: creating 1.6–7.8 s of system CPU,
 * linking 1.1 s; removing the replaced set 9.4 s of wall time with its files' blocks freed, 0.5 s
 * when the new set links them). Only bytes read back are trusted, never a record of them: --full
 * exists to repair a folder someone changed. O_NOFOLLOW: a link planted in the old set is never
 * carried over (link(2) would link the symbolic link itself); O_NONBLOCK: a FIFO does not block.
 */
function sameBytes(file: string, body: Uint8Array): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, READ_FLAGS);
  } catch {
    return false;
  }
  try {
    if (scratch.length < body.length + 1) scratch = Buffer.allocUnsafeSlow(body.length + 1);
    // One byte more than the body: a longer file reads more and differs.
    const n = fs.readSync(fd, scratch, 0, body.length + 1, 0);
    return n === body.length && scratch.compare(body, 0, body.length, 0, n) === 0;
  } catch {
    return false;
  } finally {
    fs.closeSync(fd);
  }
}

/** Links `from` as `target` when it holds `body` already; false (nothing done) otherwise. */
function linkSame(from: string, target: string, body: Uint8Array): boolean {
  if (!sameBytes(from, body)) return false;
  try {
    fs.linkSync(from, target);
    return true;
  } catch {
    // Another file system, a file system without hard links, a name taken: written instead.
    return false;
  }
}

/**
 * Writes a new file where a file of the same name may be a link to the old set's or to a sibling's
 * (a slug written twice in one scan): never through it, which would change the old set's file
 * while readers see it, or the sibling's.
 */
function writeNew(target: string, body: Uint8Array): void {
  try {
    fs.writeFileSync(target, body, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    fs.unlinkSync(target);
    fs.writeFileSync(target, body, { flag: 'wx' });
  }
}

/**
 * Makes `target` another name of `sibling` (written just before from the same bytes), through a
 * temporary name when `atomic`; false (nothing left behind) when the file system will not.
 * The variants of a group publish one document: the main thread stages it once and their files
 * share its byte range in the batch. A link needs no inode and no data block: 100,000 files
 * written as the bench's catalogue has them (40 % in groups of 4), the syscalls' CPU 1.60 → 1.43 s
 * and the flush after them 1.51 → 1.00 s; in a publish into an empty folder the worker's CPU
 * 2.43 → 2.17 s, in `publish --full` 4.55 → 3.63 s (alternated runs, medians, load 4-9;
 * docs/benchmarks.md, `publish`). Nothing ever writes through a published file (every
 * replacement is a new file renamed or linked over the name: `writeNew`), so a file shared by two
 * names stays right for both.
 */
function linkSibling(sibling: string, target: string, atomic: boolean): boolean {
  const name = atomic ? tempName(target) : target;
  try {
    try {
      fs.linkSync(sibling, name);
    } catch (error) {
      // A slug written twice in one scan: the name goes, never the file it may share.
      if (atomic || (error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      fs.unlinkSync(target);
      fs.linkSync(sibling, target);
    }
  } catch {
    // No hard links here (FAT, some network shares), or another failure: written instead.
    return false;
  }
  if (atomic) {
    try {
      fs.renameSync(name, target);
    } catch (error) {
      fs.rmSync(name, { force: true });
      throw error;
    }
  }
  return true;
}

function writeBatch(m: Batch): BatchDone {
  let error: string | null = null;
  let code: string | null = null;
  let temp: string | null = null;
  try {
    const bytes = new Uint8Array(m.buffer);
    /** The file placed last, and its bytes' range: the next one with the same range links to it. */
    let previous: string | null = null;
    let previousStart = -1;
    let previousEnd = -1;
    for (let i = 0; i < m.names.length; i++) {
      const name = m.names[i] as string;
      const target = path.join(m.dir, name);
      const start = m.starts[i] as number;
      const end = m.ends[i] as number;
      const sibling = start === previousStart && end === previousEnd ? previous : null;
      previous = target;
      previousStart = start;
      previousEnd = end;
      if (sibling !== null && sibling !== target && linkSibling(sibling, target, m.atomic)) continue;
      const body = bytes.subarray(start, end);
      if (m.linkFrom !== null && linkSame(path.join(m.linkFrom, name), target, body)) continue;
      if (m.atomic) {
        temp = tempName(target);
        fs.writeFileSync(temp, body);
        fs.renameSync(temp, target);
        temp = null;
      } else {
        writeNew(target, body);
      }
    }
  } catch (e) {
    const failure = e as NodeJS.ErrnoException | null | undefined;
    error = String(failure?.message || e);
    // ENOSPC, EACCES…: the code travels too, so a full disk is reported as one.
    code = typeof failure?.code === 'string' ? failure.code : null;
    // A half-written temporary file would stay (its writer is alive) and take yet more space.
    if (temp) {
      try {
        fs.rmSync(temp, { force: true });
      } catch {
        // the write's own error is the one reported
      }
    }
  }
  return { id: m.id, error, code, buffer: m.buffer };
}

const port = parentPort;
if (!port) throw new Error('jsonld-worker runs as a worker thread, started by the JSON-LD writer');
port.on('message', (m: Batch) => {
  // The buffer goes back, to be filled again.
  const done = writeBatch(m);
  port.postMessage(done, [done.buffer]);
});
