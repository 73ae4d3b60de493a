/**
 * Streams one published file into a temporary file beside its target, then renames it into place
 * (see atomic-file.ts for why). What goes in is text (new fragments) and byte ranges of the file
 * it replaces (fragments that did not change): both are gathered into reused 1 MB blocks, each
 * block hashed and written once, so a publish allocates no Buffer per product.
 *
 * Copies are lazy: adjacent ranges of the old file merge into one run, and a file that turns out
 * to be a single copy of the whole old file is not written at all. A run that starts at byte 0
 * of the old file resumes the SHA-256 from a checkpoint of the old file's hash (node's
 * Hash#copy), so a change near the end of a 70 MB feed re-hashes only the bytes after it.
 *
 * The copying stays on the calling thread, and the early syncs and the closes of replaced files
 * use libuv's pool as they come. Tried at 100,000 products and measured slower under load (old
 * and new alternated at load 4.5–8): handing the copies and block writes to the pool (≈ 10 ms of
 * CPU less per change, p50 296/328 → 401/414 ms: the pool's threads compete for the same two
 * cores and the last write waited for them), and letting at most two early syncs or closes hold a
 * pool thread at once (p50 287 → 361/481 ms: early syncs were skipped while the last publish's
 * closes freed its files' blocks, so more was left for the final fsync).
 */
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { tempName } from './atomic-file';

const fsync = promisify(fs.fsync);
const fdatasync = promisify(fs.fdatasync);
const close = promisify(fs.close);

/** A saved hash state: the SHA-256 of the file's first `offset` bytes, ready to continue. */
export type Checkpoint = { offset: number; hash: Hash };

/** What is known of a file now in the folder, to splice the next version from it. */
export type FileLayout = {
  name: string;
  bytes: number;
  sha256: string;
  checkpoints: Checkpoint[];
  /** Identity of the file as written, to notice a file changed by someone else. */
  ino: number;
  mtimeMs: number;
};

const BLOCK = 1 << 20;
/**
 * A hash state is kept every 1 MB (~80 for a 77 MB feed, each a few hundred bytes): a change
 * re-hashes on average half the distance between two of them in each file it splices (5 files at
 * 100,000 products: ~2.5 MB, against ~10 MB with one every 4 MB, ≈ 5 ms of SHA-256).
 */
const CHECKPOINT_EVERY = 1 << 20;
/**
 * Every 16 MB written, the disk is asked (in the background) to start writing what it has: the
 * fsync at the end then waits for the last stretch only, not for the whole file (one stock change
 * at 100,000 products rewrites ~110 MB, and the final fsyncs were most of its time).
 */
const EARLY_SYNC_EVERY = 16 << 20;

const freeBlocks: Buffer[] = [];

export type WrittenLayout = FileLayout & { unchanged: boolean; temp: string | null };

/** A file in the folder, open for reading, that ranges are copied from. */
export type OldFile = { fd: number; layout: FileLayout };

export class FileWriter {
  private fd: number | null = null;
  private temp: string | null = null;
  private block: Buffer | null = null;
  private fill = 0;
  /** Bytes handed to the file (written, or pending in `run`). */
  private size = 0;
  /** Bytes written to the temporary file. */
  private written = 0;
  private hash: Hash = createHash('sha256');
  private hashFrom = 0;
  private readonly checkpoints: Checkpoint[] = [];
  private lastCheckpoint = 0;
  private lastEarlySync = 0;
  private readonly earlySyncs: Array<Promise<void>> = [];
  /** A pending copy: bytes [start, end) of `src`. */
  private run: { src: OldFile; start: number; end: number } | null = null;

  /** `old`: the file this one replaces, when it is known (its hash checkpoints are reused). */
  constructor(
    readonly target: string,
    private readonly old: OldFile | null = null,
  ) {}

  /** Bytes in the file so far. */
  get offset(): number {
    return this.size;
  }

  /** Appends text (UTF-8); returns its length in bytes. */
  write(text: string): number {
    this.flushRun();
    const block = this.blockFor(text.length * 3);
    if (block) {
      const n = block.write(text, this.fill);
      this.fill += n;
      this.size += n;
      return n;
    }
    const bytes = Buffer.byteLength(text);
    if (bytes > BLOCK) {
      this.writeBuffer(Buffer.from(text));
      return bytes;
    }
    this.flushBlock();
    const n = (this.block as Buffer).write(text, 0);
    this.fill = n;
    this.size += n;
    return n;
  }

  /** Appends bytes [start, start + length) of `src` (merged with an adjacent pending copy). */
  copy(src: OldFile, start: number, length: number): void {
    if (length === 0) return;
    if (this.run && this.run.src === src && this.run.end === start) this.run.end += length;
    else {
      this.flushRun();
      this.run = { src, start, end: start + length };
    }
    this.size += length;
  }

  /** The block, with room for `need` more bytes, or null when it has not. */
  private blockFor(need: number): Buffer | null {
    if (!this.block) {
      this.block = freeBlocks.pop() ?? Buffer.allocUnsafeSlow(BLOCK);
      this.fill = 0;
    }
    return this.fill + need <= BLOCK ? this.block : null;
  }

  private writeBuffer(bytes: Buffer): void {
    this.flushBlock();
    this.emit(bytes);
    this.size += bytes.length;
  }

  private flushRun(): void {
    const run = this.run;
    if (!run) return;
    this.run = null;
    const old = run.src;
    let position = run.start;
    // A copy of the old file's beginning: its hash resumes from the last checkpoint inside it.
    if (position === 0 && old === this.old && this.written === 0 && this.fill === 0) {
      let best: Checkpoint | null = null;
      for (const c of old.layout.checkpoints) if (c.offset <= run.end && (!best || c.offset > best.offset)) best = c;
      if (best) {
        this.hash = best.hash.copy();
        this.hashFrom = best.offset;
        for (const c of old.layout.checkpoints) if (c.offset <= best.offset) this.checkpoints.push(c);
        this.lastCheckpoint = best.offset;
      }
    }
    while (position < run.end) {
      let block = this.blockFor(1);
      if (!block) {
        this.flushBlock();
        block = this.blockFor(1) as Buffer;
      }
      const want = Math.min(BLOCK - this.fill, run.end - position);
      const n = fs.readSync(old.fd, block, this.fill, want, position);
      if (n === 0) throw new Error(`${old.layout.name} is shorter than recorded (changed outside Stockfeed?)`);
      this.fill += n;
      position += n;
    }
  }

  private flushBlock(): void {
    if (!this.block || this.fill === 0) return;
    this.emit(this.block.subarray(0, this.fill));
    this.fill = 0;
  }

  /** Hashes and writes bytes that follow everything written so far. */
  private emit(bytes: Buffer): void {
    const start = this.written;
    const end = start + bytes.length;
    if (end > this.hashFrom) this.hash.update(start >= this.hashFrom ? bytes : bytes.subarray(this.hashFrom - start));
    if (this.fd === null) {
      this.temp = tempName(this.target);
      this.fd = fs.openSync(this.temp, 'w', 0o644);
    }
    let done = 0;
    while (done < bytes.length) done += fs.writeSync(this.fd, bytes, done, bytes.length - done);
    this.written = end;
    if (end - this.lastEarlySync >= EARLY_SYNC_EVERY) {
      this.lastEarlySync = end;
      this.earlySyncs.push(fdatasync(this.fd).catch(() => undefined));
    }
    if (end >= this.hashFrom && end - this.lastCheckpoint >= CHECKPOINT_EVERY) {
      this.checkpoints.push({ offset: end, hash: this.hash.copy() });
      this.lastCheckpoint = end;
    }
  }

  /**
   * Writes what is pending and computes the hash; nothing is durable or in place yet (`sync`, then
   * the caller renames). A result that is the old file unchanged is not written at all
   * (`unchanged`, no temporary file) when `keepUnchanged` (the default).
   */
  complete(options: { keepUnchanged?: boolean } = {}): WrittenLayout {
    const old = this.old;
    const run = this.run;
    if (old && run && run.src === old && run.start === 0 && run.end === old.layout.bytes && (options.keepUnchanged ?? true) && this.written === 0 && this.fill === 0 && this.size === old.layout.bytes) {
      this.run = null;
      this.release();
      return { ...old.layout, unchanged: true, temp: null };
    }
    try {
      this.flushRun();
      this.flushBlock();
      if (this.fd === null) {
        this.temp = tempName(this.target);
        this.fd = fs.openSync(this.temp, 'w', 0o644);
      }
      const stat = fs.fstatSync(this.fd);
      return { name: '', bytes: this.size, sha256: this.hash.digest('hex'), checkpoints: this.checkpoints, ino: stat.ino, mtimeMs: stat.mtimeMs, unchanged: false, temp: this.temp };
    } catch (error) {
      this.abort();
      throw error;
    } finally {
      this.release();
    }
  }

  /** Makes the completed temporary file durable (fsync, when `durable`) and closes it. */
  async sync(durable: boolean): Promise<void> {
    const fd = this.fd;
    if (fd === null) return;
    try {
      await Promise.all(this.earlySyncs.splice(0));
      if (durable) await fsync(fd);
    } catch (error) {
      this.abort();
      throw error;
    }
    this.fd = null;
    await close(fd);
  }

  /** `complete` and `sync` in one. */
  async finish(options: { durable: boolean; keepUnchanged?: boolean }): Promise<WrittenLayout> {
    const done = this.complete(options);
    await this.sync(options.durable);
    return done;
  }

  /** Removes the temporary file (after a failure, or when the result is not used). */
  abort(): void {
    if (this.fd !== null && this.earlySyncs.length > 0) {
      // A background sync may still use the descriptor: close it when they are done.
      const fd = this.fd;
      this.fd = null;
      void Promise.all(this.earlySyncs.splice(0)).then(() => fs.close(fd, () => {}));
    }
    if (this.fd !== null) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = null;
    }
    if (this.temp) fs.rmSync(this.temp, { force: true });
    this.temp = null;
    this.release();
  }

  private release(): void {
    if (this.block) freeBlocks.push(this.block);
    this.block = null;
    this.fill = 0;
  }
}

/** Opens `layout`'s file for copying, or returns null when it is missing or was changed by someone else. */
export function openOld(dir: string, layout: FileLayout | undefined): OldFile | null {
  if (!layout) return null;
  let fd: number;
  try {
    fd = fs.openSync(`${dir}/${layout.name}`, 'r');
  } catch {
    return null;
  }
  const stat = fs.fstatSync(fd);
  if (stat.size !== layout.bytes || stat.ino !== layout.ino || stat.mtimeMs !== layout.mtimeMs) {
    fs.closeSync(fd);
    return null;
  }
  return { fd, layout };
}
