/**
 * Writes the per-product JSON-LD files. A full publish creates up to one file per product: that
 * is file-system bound (~35-100 µs a file on this disk, 100,000 of them), so those files are
 * written by a worker thread on the other core while the publisher goes on building, in batches
 * with a bounded number in flight. Each batch travels as one buffer of UTF-8 bodies, moved to the
 * worker and back (not copied), and each body is hashed from those bytes: posting the text and
 * encoding it again in the worker cost ~0.3 s of CPU a full publish (measured). An incremental
 * publish writes its few files here under temporary names, their fsyncs started at once, and
 * `place` renames each (once durable) while the big files are made durable, before any of them or
 * the manifest goes into place: a grouped product's four files were four fsyncs one after another
 * before the big files were even begun (~6 ms of a 10,000-product one-change publish's ~60 ms).
 *
 * A publish that writes every file (the first one, or a forced full one) fills a fresh folder and
 * puts it in place of the old set at once (jsonld-folder.ts), so a reader never sees a half-filled
 * folder or a mix of old and new files. Over an old set, the worker links each old file that holds
 * exactly the new bytes instead of creating it again (jsonld-worker.ts: a forced rewrite mostly
 * rewrites the same bytes, and a link costs a fraction of a new file, now and when the old set is
 * removed); the variants of a group, one document, get one file linked under each name. A full
 * publish skips the per-file fsync (100,000 fsyncs would take minutes): a fresh set is flushed
 * with one sync of the file system before it goes in place; files replaced in place are synced
 * with their folder at the end.
 */
import fs from 'node:fs';
import path from 'node:path';
import { hash } from 'node:crypto';
import { promisify } from 'node:util';
import { fsyncDir, fsyncDirAsync, isTempName, renameOver, tempName, writeAll, writeFileAtomic } from './atomic-file';
import { canSwapSets, flushSet, installSet, LD_NAME, linkTarget, setNamesExcept, startWriteback } from './jsonld-folder';
import type { Batch, BatchDone } from './jsonld-worker';
import { startWorker } from './worker-thread';

const LD_PREFIX = `${LD_NAME}/`;
const LD_SUFFIX = '.json';

/** Slugs per chunk of WrittenFiles (a power of two). */
const SLUG_CHUNK_BITS = 12;
const SLUG_CHUNK = 1 << SLUG_CHUNK_BITS;

/**
 * The JSON-LD files a publish wrote, as a set of their names (`jsonld/<slug>.json`) that holds
 * only the slugs: the records already hold those strings, and a full publish writes 100,000 files,
 * whose names as strings of their own (and the set's copy of them) were ~10 MB still alive at the
 * end of the run, its peak. The names are made when someone iterates, one at a time.
 *
 * The slugs are kept in arrays of 4,096 and found through an open-addressing table of their
 * places (typed, outside the heap), not in a Set: a Set of 100,000 grew by rebuilding its table
 * twice as large, each a large object, and the old tables (~5 MB in all, measured by a sampling
 * heap profile of `publish --full`) stayed as garbage in the large-object space until the next
 * full collection, at the run's peak.
 */
export class WrittenFiles implements Iterable<string> {
  private readonly chunks: string[][] = [];
  private count = 0;
  /** Place + 1 of each slug, 0 for none; at most half full. */
  private table = new Int32Array(1024);

  get size(): number {
    return this.count;
  }

  addSlug(slug: string): void {
    if (this.find(slug) >= 0) return;
    if ((this.count + 1) * 2 > this.table.length) this.grow();
    const place = this.count++;
    if (place >>> SLUG_CHUNK_BITS === this.chunks.length) this.chunks.push([]);
    (this.chunks[place >>> SLUG_CHUNK_BITS] as string[]).push(slug);
    this.insert(slug, place);
  }

  /** Whether `name` (`jsonld/<slug>.json`) was written. */
  has(name: string): boolean {
    return name.startsWith(LD_PREFIX) && name.endsWith(LD_SUFFIX) && this.find(name.slice(LD_PREFIX.length, -LD_SUFFIX.length)) >= 0;
  }

  /** Whether the file `name` (`<slug>.json`, inside the folder) was written. */
  hasFile(name: string): boolean {
    return name.endsWith(LD_SUFFIX) && this.find(name.slice(0, -LD_SUFFIX.length)) >= 0;
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let i = 0; i < this.count; i++) yield `${LD_PREFIX}${this.slugAt(i)}${LD_SUFFIX}`;
  }

  private slugAt(place: number): string {
    return (this.chunks[place >>> SLUG_CHUNK_BITS] as string[])[place & (SLUG_CHUNK - 1)] as string;
  }

  /** The place of `slug`, or -1. */
  private find(slug: string): number {
    const mask = this.table.length - 1;
    for (let i = hashText(slug) & mask; ; i = (i + 1) & mask) {
      const entry = this.table[i] as number;
      if (entry === 0) return -1;
      if (this.slugAt(entry - 1) === slug) return entry - 1;
    }
  }

  private insert(slug: string, place: number): void {
    const mask = this.table.length - 1;
    let i = hashText(slug) & mask;
    while (this.table[i] !== 0) i = (i + 1) & mask;
    this.table[i] = place + 1;
  }

  private grow(): void {
    this.table = new Int32Array(this.table.length * 2);
    for (let place = 0; place < this.count; place++) this.insert(this.slugAt(place), place);
  }
}

/** FNV-1a over a string's UTF-16 code units. */
function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A JSON-LD file's size in bytes (UTF-8) and SHA-256 (hex). */
export type LdDigest = { sha256: string; bytes: number };

export function digestOf(text: string): LdDigest {
  return { sha256: hash('sha256', text, 'hex'), bytes: Buffer.byteLength(text) };
}

/** `text` as UTF-8 outside Buffer's shared pool. */
function unpooled(text: string): Buffer {
  const buffer = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  buffer.write(text);
  return buffer;
}

const fsyncFd = promisify(fs.fsync);
const closeFd = promisify(fs.close);

/**
 * An incremental publish's files waiting to go into place at most (each holds a descriptor until
 * it is renamed); more are written and synced one by one, as before.
 */
const MAX_PENDING = 64;

const BATCH = 256;
const BATCH_BYTES = 512 * 1024;
const MAX_IN_FLIGHT = 8;
/** A fresh set is written back every this many files (see startWriteback). */
const WRITEBACK_FILES = 20_000;

/** A worker thread that writes batches of small files, in order, and reports each batch done. */
class FileWorker {
  private readonly worker = startWorker('jsonld-worker');
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure: Error | null = null;
  /** Buffers the worker has finished with. */
  readonly free: ArrayBuffer[] = [];

  constructor() {
    this.worker.on('message', (m: BatchDone) => {
      this.free.push(m.buffer);
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.error) this.failure ??= Object.assign(new Error(`writing JSON-LD files: ${m.error}`), m.code ? { code: m.code } : {});
      if (m.error) w?.reject(this.failure as Error);
      else w?.resolve();
    });
    this.worker.on('error', (e) => {
      this.failure ??= e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    });
  }

  get inFlight(): number {
    return this.waiting.size;
  }

  /** Hands `batch.buffer` over to the worker (it is unusable here until it comes back in `free`). */
  send(batch: Omit<Batch, 'id'>): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const done = new Promise<void>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.worker.postMessage({ ...batch, id } satisfies Batch, [batch.buffer]);
    return done;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * Writes JSON-LD files: `stage` a body (its digest comes back), then `commit` it as a product's
 * file, or stage the next one instead when the file need not be written.
 */
export class JsonLdWriter {
  readonly written = new WrittenFiles();
  /** The files of the old set that the new one does not have (when a fresh set replaced it). */
  readonly dropped: string[] = [];
  /** The folder of the set a fresh one replaced, for the caller to remove. */
  replaced: string | null = null;
  private staging: string | null = null;
  /** The old set's folder, whose files holding the same bytes a fresh set links instead of writing. */
  private linkFrom: string | null = null;
  private ready = false;
  private readonly ldDir: string;
  private worker: FileWorker | null = null;
  private readonly sent: Array<Promise<void>> = [];
  /** Bulk: the batch being filled, and where the staged body is in it. */
  private buffer: Buffer | null = null;
  private fill = 0;
  private stagedStart = -1;
  private stagedEnd = -1;
  private names: string[] = [];
  private starts: number[] = [];
  private ends: number[] = [];
  /**
   * The body staged last, where it is and its digest: the variants of a group have the same text
   * (their group's document, one string), usually one after another, and share its bytes.
   */
  private last: { text: string; buffer: Buffer; start: number; end: number; digest: LdDigest } | null = null;
  /** Not bulk: the staged body. */
  private stagedBody: string | null = null;
  /**
   * Not bulk: the files written to temporary names, their fsyncs started at once, put into place
   * by `place` (their fsyncs overlap the big files' work instead of running one after another).
   */
  private readonly pending: Array<{ temp: string; target: string; fd: number; durable: Promise<void> }> = [];
  /** Not bulk: whether `place` has files to rename, or the folder to sync. */
  private placeDue = false;
  /** A fresh set: files sent since the last writeback started, and the one in flight. */
  private sinceWriteback = 0;
  private writeback: Promise<void> | null = null;

  /**
   * `bulk`: a full publish (files written by the worker, without a per-file fsync); `fresh`: it
   * writes every file, into a new set that replaces the old one at once where that is possible.
   */
  constructor(
    private readonly dir: string,
    private readonly enabled: boolean,
    private readonly options: { bulk: boolean; fresh?: boolean },
  ) {
    this.ldDir = path.join(dir, LD_NAME);
  }

  /** Takes `body` as the next file's content, and returns its size and SHA-256. */
  stage(body: string): LdDigest {
    if (!this.options.bulk || !this.enabled) {
      this.stagedBody = body;
      return digestOf(body);
    }
    const last = this.last;
    // Still there: committed before the fill mark, or staged at it and not overwritten since.
    if (last && last.text === body && last.buffer === this.buffer && (last.end <= this.fill || last.start === this.fill)) {
      this.stagedStart = last.start;
      this.stagedEnd = last.end;
      return last.digest;
    }
    const need = body.length * 3;
    if (!this.buffer || this.fill + need > this.buffer.length) {
      this.send();
      this.buffer = this.takeBuffer(need);
      this.fill = 0;
    }
    const n = this.buffer.write(body, this.fill);
    this.stagedStart = this.fill;
    this.stagedEnd = this.fill + n;
    const digest = { sha256: hash('sha256', this.buffer.subarray(this.fill, this.stagedEnd), 'hex'), bytes: n };
    this.last = { text: body, buffer: this.buffer, start: this.stagedStart, end: this.stagedEnd, digest };
    return digest;
  }

  /** Writes the staged body as `slug`'s file. */
  commit(slug: string): void {
    if (!this.enabled) return;
    if (!this.ready) {
      if (this.options.bulk && (!fs.existsSync(this.ldDir) || (this.options.fresh === true && canSwapSets()))) {
        this.staging = tempName(this.ldDir);
        fs.mkdirSync(this.staging);
        // Only this writer changes the old set until the swap (one checked writer per folder).
        if (canSwapSets() && fs.existsSync(this.ldDir)) this.linkFrom = path.join(this.dir, linkTarget(this.dir) ?? LD_NAME);
      } else {
        fs.mkdirSync(this.ldDir, { recursive: true });
      }
      this.ready = true;
    }
    const name = `${slug}.json`;
    this.written.addSlug(slug);
    if (this.options.bulk) {
      if (this.stagedEnd < 0) throw new Error(`no JSON-LD staged for ${name}`);
      this.names.push(name);
      this.starts.push(this.stagedStart);
      this.ends.push(this.stagedEnd);
      this.fill = Math.max(this.fill, this.stagedEnd);
      this.stagedEnd = -1;
      if (this.names.length >= BATCH) this.send();
      return;
    }
    if (this.stagedBody === null) throw new Error(`no JSON-LD staged for ${name}`);
    // Outside Buffer's shared pool: a transient body sharing a pool slab with retained data would keep the slab alive.
    const body = unpooled(this.stagedBody);
    this.stagedBody = null;
    this.placeDue = true;
    const target = path.join(this.ldDir, name);
    if (this.pending.length >= MAX_PENDING) {
      writeFileAtomic(target, [body], { durable: true, syncDir: false });
      return;
    }
    const temp = tempName(target);
    const fd = fs.openSync(temp, 'w', 0o644);
    try {
      writeAll(fd, [body]);
    } catch (error) {
      fs.closeSync(fd);
      fs.rmSync(temp, { force: true });
      throw error;
    }
    const durable = fsyncFd(fd);
    // Settled here too, so a failure before `place` is not an unhandled rejection (place reports it).
    durable.catch(() => undefined);
    this.pending.push({ temp, target, fd, durable });
  }

  private takeBuffer(need: number): Buffer {
    const free = this.worker?.free.pop();
    if (free && free.byteLength >= need) return Buffer.from(free);
    return Buffer.from(new ArrayBuffer(Math.max(BATCH_BYTES, need)));
  }

  private send(): void {
    this.stagedEnd = -1;
    if (this.names.length === 0 || !this.buffer) return;
    this.worker ??= new FileWorker();
    const done = this.worker.send({
      dir: this.staging ?? this.ldDir,
      atomic: this.staging === null,
      linkFrom: this.staging === null ? null : this.linkFrom,
      names: this.names,
      starts: this.starts,
      ends: this.ends,
      buffer: this.buffer.buffer as ArrayBuffer,
    });
    // Observed here, awaited in settle() and finish().
    done.catch(() => undefined);
    this.sent.push(done);
    if (this.staging && canSwapSets()) {
      // Written back as the set fills, so that the flush before the swap has little left to do.
      this.sinceWriteback += this.names.length;
      if (this.sinceWriteback >= WRITEBACK_FILES && !this.writeback) {
        this.sinceWriteback = 0;
        this.writeback = startWriteback(this.staging).finally(() => (this.writeback = null));
      }
    }
    this.buffer = null;
    this.names = [];
    this.starts = [];
    this.ends = [];
  }

  /** Waits while too many batches are in flight (call between pages: it bounds the memory held). */
  async settle(): Promise<void> {
    while (this.worker && this.worker.inFlight >= MAX_IN_FLIGHT) await this.sent.shift();
  }

  /** Waits for every file, then puts the folder in place (first publish) or syncs it. */
  async finish(): Promise<void> {
    this.send();
    // The old set's names (which files the new one drops) are read while the last batches are
    // written and the new set is flushed, not after: 100,000 names took 0.1-0.3 s to read. Only
    // this writer changes the old set (one checked writer per folder), so they hold until the swap.
    // Every file is committed by now: only the names the new set lacks are kept.
    const swapping = this.ready && this.staging !== null && canSwapSets();
    const dropped = swapping ? setNamesExcept(this.dir, (name) => isTempName(name) || this.written.hasFile(name)) : null;
    try {
      await Promise.all(this.sent.splice(0));
    } finally {
      await this.worker?.close();
      this.worker = null;
    }
    if (!this.ready) return;
    if (this.staging && dropped) {
      await this.writeback;
      await flushSet(this.staging);
      for (const name of await dropped) this.dropped.push(`${LD_NAME}/${name}`);
      this.replaced = installSet(this.dir, this.staging);
      this.staging = null;
    } else if (this.staging) {
      // Windows, first publish: there is no old set to replace.
      fsyncDir(this.staging);
      fs.renameSync(this.staging, this.ldDir);
      this.staging = null;
      fsyncDir(this.dir);
    } else if (this.options.bulk) {
      fsyncDir(this.ldDir);
    }
  }

  /**
   * Not bulk: puts the files `commit` wrote into place, each once durable, and syncs the folder.
   * Called while the big files are made durable, before any of them (and the manifest listing
   * these files) is renamed; again after them, for when there was nothing to rename (then a no-op).
   */
  async place(): Promise<void> {
    if (!this.placeDue) return;
    this.placeDue = false;
    const pending = this.pending.splice(0);
    try {
      await Promise.all(pending.map((p) => p.durable));
    } catch (error) {
      await this.drop(pending);
      throw error;
    }
    for (const p of pending) await closeFd(p.fd);
    for (const p of pending) renameOver(p.temp, p.target);
    await fsyncDirAsync(this.ldDir);
  }

  /** Removes files written and not put in place (their descriptors closed once their fsyncs are done). */
  private async drop(pending: Array<{ temp: string; fd: number; durable: Promise<void> }>): Promise<void> {
    await Promise.allSettled(pending.map((p) => p.durable));
    for (const p of pending) {
      fs.close(p.fd, () => undefined);
      fs.rmSync(p.temp, { force: true });
    }
  }

  async abort(): Promise<void> {
    this.placeDue = false;
    await this.drop(this.pending.splice(0));
    await Promise.allSettled(this.sent.splice(0));
    await this.worker?.close();
    this.worker = null;
    if (this.staging) fs.rmSync(this.staging, { recursive: true, force: true });
    this.staging = null;
  }
}
