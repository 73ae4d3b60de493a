/**
 * Atomic replacement of published files: write a temporary file in the same folder, fsync it,
 * rename it over the old one, fsync the folder. A reader sees the old file or the new one, never
 * a half-written one, even when the process is killed mid-write.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type WrittenFile = { bytes: number; sha256: string };

/** Temporary names start with a dot (never served by /feeds/) and carry the writer's pid. */
export function tempName(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

const TEMP_PATTERN = /^\..+\.tmp-(\d+)-[0-9a-f]{8}$/;

/** writev takes at most IOV_MAX (1024 on Linux) buffers per call. */
const IOV_MAX = 1024;

function writeAll(fd: number, buffers: Buffer[]): void {
  let i = 0;
  // The first buffer may be a remainder after a short write (disk full, a signal).
  let head: Buffer | undefined = buffers[0];
  while (i < buffers.length) {
    const chunk = [head as Buffer, ...buffers.slice(i + 1, i + IOV_MAX)];
    let written = fs.writevSync(fd, chunk);
    let k = 0;
    while (k < chunk.length && written >= (chunk[k] as Buffer).length) {
      written -= (chunk[k] as Buffer).length;
      k++;
    }
    i += k;
    if (i >= buffers.length) return;
    head = k === 0 ? (head as Buffer).subarray(written) : (buffers[i] as Buffer).subarray(written);
  }
}

export function fsyncDir(dir: string): void {
  // Windows cannot open a directory for fsync; its rename is already durable in NTFS's journal.
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Replaces `target` with the concatenation of `buffers`. Returns its size and SHA-256.
 * `durable: false` skips the fsyncs (used when thousands of small files are written at once and
 * the folder is synced once at the end).
 */
export function writeFileAtomic(target: string, buffers: Buffer[], options: { durable?: boolean; syncDir?: boolean } = {}): WrittenFile {
  const durable = options.durable ?? true;
  const temp = tempName(target);
  const { sha256: digest, bytes } = hashFragments(buffers);
  const fd = fs.openSync(temp, 'w', 0o644);
  try {
    writeAll(fd, buffers);
    if (durable) fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(temp, target);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  if (durable && (options.syncDir ?? true)) fsyncDir(path.dirname(target));
  return { bytes, sha256: digest };
}

/** Blocks of about 1 MB: one hash update and one write per block, not per fragment. */
const BLOCK = 1 << 20;
/** Fragments at least this big are hashed and written as they are, not copied. */
const BIG = BLOCK >> 2;

/** Blocks reused from one publish to the next (as many as writes ever ran at once, times two). */
const freeBlocks: Buffer[] = [];
const takeBlock = (): Buffer => freeBlocks.pop() ?? Buffer.allocUnsafeSlow(BLOCK);

/**
 * Passes `buffers`, in order, as blocks of about 1 MB to `each` (synchronous, e.g. hashing) and
 * then to `write`, copying small fragments into two reused blocks (no new memory per publish,
 * unlike Buffer.concat). One block is being written while the next one is filled and hashed.
 */
async function forEachBlock(buffers: readonly Buffer[], each: (block: Buffer) => void, write: (block: Buffer) => Promise<void>): Promise<void> {
  const filling = takeBlock();
  const other = takeBlock();
  try {
    await fillBlocks(buffers, each, write, filling, other);
  } finally {
    freeBlocks.push(filling, other);
  }
}

async function fillBlocks(buffers: readonly Buffer[], each: (block: Buffer) => void, write: (block: Buffer) => Promise<void>, first: Buffer, second: Buffer): Promise<void> {
  let filling = first;
  let other = second;
  let fill = 0;
  let pending: Promise<void> | null = null;
  const flush = async (block: Buffer) => {
    each(block);
    if (pending) await pending;
    pending = write(block);
  };
  for (const b of buffers) {
    if (b.length >= BIG || fill + b.length > BLOCK) {
      if (fill > 0) {
        // The other block's write was awaited by this flush: it can be filled next.
        await flush(filling.subarray(0, fill));
        [filling, other] = [other, filling];
        fill = 0;
      }
      if (b.length >= BIG) {
        await flush(b);
        continue;
      }
    }
    // TypedArray#set: no per-call JavaScript wrapper, unlike Buffer#copy (200,000 fragments a publish).
    filling.set(b, fill);
    fill += b.length;
  }
  if (fill > 0) await flush(filling.subarray(0, fill));
  if (pending) await pending;
}

/** Size and SHA-256 of the concatenation of `buffers` (synchronous; one reused block). */
export function hashFragments(buffers: readonly Buffer[]): WrittenFile {
  const hash = createHash('sha256');
  let bytes = 0;
  let block: Buffer | null = null;
  let fill = 0;
  try {
    for (const b of buffers) {
      bytes += b.length;
      if (b.length >= BIG || (block && fill + b.length > BLOCK)) {
        if (block && fill > 0) hash.update(block.subarray(0, fill));
        fill = 0;
        if (b.length >= BIG) {
          hash.update(b);
          continue;
        }
      }
      block ??= takeBlock();
      block.set(b, fill);
      fill += b.length;
    }
    if (block && fill > 0) hash.update(block.subarray(0, fill));
  } finally {
    if (block) freeBlocks.push(block);
  }
  return { bytes, sha256: hash.digest('hex') };
}

export function sha256(buffers: Buffer[]): string {
  return hashFragments(buffers).sha256;
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temporary files left by a writer that was killed (its pid is gone). */
export function removeStaleTemps(dir: string): number {
  let removed = 0;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const match = TEMP_PATTERN.exec(name);
    if (match && !alive(Number(match[1]))) {
      fs.rmSync(path.join(dir, name), { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}

/**
 * The same replacement, asynchronous: several big files are written (and fsynced) in parallel on
 * libuv's thread pool, which overlaps their disk waits. The folder is synced by the caller.
 */
export async function writeFileAtomicAsync(target: string, buffers: Buffer[]): Promise<WrittenFile> {
  const temp = tempName(target);
  const hash = createHash('sha256');
  let bytes = 0;
  const handle = await fs.promises.open(temp, 'w', 0o644);
  try {
    // One hash update and one write per ~1 MB block (per-fragment calls cost more than the hashing
    // itself); the block is hashed while the previous one is being written.
    await forEachBlock(
      buffers,
      (block) => {
        hash.update(block);
        bytes += block.length;
      },
      async (block) => {
        let done = 0;
        while (done < block.length) done += (await handle.write(block, done)).bytesWritten;
      },
    );
    await handle.sync();
  } catch (error) {
    await handle.close();
    fs.rmSync(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await fs.promises.rename(temp, target);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** Fragments joined into blocks of up to IOV_MAX fragments (a small file stays one block). */
export function* blocks(buffers: Buffer[]): Generator<Buffer> {
  if (buffers.length === 1) {
    yield buffers[0] as Buffer;
    return;
  }
  for (let i = 0; i < buffers.length; i += IOV_MAX) yield Buffer.concat(buffers.slice(i, i + IOV_MAX));
}
