/**
 * The file writer behind every published big file: text and copied ranges come out in order, the
 * SHA-256 it reports is the file's (also when it resumes from a checkpoint of the old file's hash
 * instead of re-reading the unchanged beginning), an unchanged file is not rewritten, and nothing
 * is in place until the caller renames it.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ListFile, closeOld, openList } from '../../electron/core/publish/artifacts';
import { FileWriter, openOld, type FileLayout, type OldFile } from '../../electron/core/publish/file-writer';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockfeed-writer-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes `lines` as a new file and puts it in place; returns its layout. */
async function writeNew(name: string, lines: string[]): Promise<FileLayout> {
  const w = new FileWriter(path.join(dir, name));
  for (const l of lines) w.write(l);
  const done = await w.finish({ durable: true });
  fs.renameSync(done.temp as string, path.join(dir, name));
  return { ...done, name };
}

/** ~12 MB of numbered lines with some multi-byte text, so blocks and checkpoints are crossed. */
const LINES = Array.from({ length: 120_000 }, (_, i) => `<item>${i} — ünïcödé ✓ ${'x'.repeat(i % 90)}</item>\n`);

describe('FileWriter', () => {
  it('reports the size and SHA-256 of what it wrote, and keeps hash checkpoints along the way', async () => {
    const layout = await writeNew('feed.xml', LINES);
    const bytes = fs.readFileSync(path.join(dir, 'feed.xml'));
    expect(bytes.toString('utf8')).toBe(LINES.join(''));
    expect(layout.bytes).toBe(bytes.length);
    expect(layout.sha256).toBe(sha(bytes));
    expect(layout.checkpoints.length).toBeGreaterThanOrEqual(2);
    for (const c of layout.checkpoints) expect(c.hash.copy().digest('hex')).toBe(sha(bytes.subarray(0, c.offset)));
  });

  it('splices new text between copied ranges, resuming the hash from a checkpoint, and the result hashes like the file', async () => {
    const layout = await writeNew('feed.xml', LINES);
    const old = openOld(dir, layout) as OldFile;
    const offsets: number[] = [];
    let at = 0;
    for (const l of LINES) {
      offsets.push(at);
      at += Buffer.byteLength(l);
    }
    // Replace line 100,000 (past two checkpoints) and drop line 110,000.
    const w = new FileWriter(path.join(dir, 'feed.xml'), old);
    const start = (i: number) => offsets[i] as number;
    w.copy(old, 0, start(100_000));
    w.write('<item>changed</item>\n');
    w.copy(old, start(100_001), start(110_000) - start(100_001));
    w.copy(old, start(110_001), layout.bytes - start(110_001));
    const done = await w.finish({ durable: true });
    fs.closeSync(old.fd);
    fs.renameSync(done.temp as string, path.join(dir, 'feed.xml'));
    const expected = LINES.map((l, i) => (i === 100_000 ? '<item>changed</item>\n' : i === 110_000 ? '' : l)).join('');
    const bytes = fs.readFileSync(path.join(dir, 'feed.xml'));
    expect(bytes.toString('utf8')).toBe(expected);
    expect(done.sha256).toBe(sha(bytes));
    expect(done.bytes).toBe(bytes.length);
    // The checkpoints before the change are the old file's; the later ones are new, and all are right.
    for (const c of done.checkpoints) expect(c.hash.copy().digest('hex')).toBe(sha(bytes.subarray(0, c.offset)));
    // The beginning was copied and blocks were written by the thread pool: the layout still names
    // the file as it is in place (size, inode, modification time), so the next change splices it.
    const next = openOld(dir, { ...done, name: 'feed.xml' });
    expect(next).not.toBeNull();
    fs.closeSync((next as OldFile).fd);
  });

  it('gives a spliced list file the layout of the file in place, so the next change copies from it', async () => {
    const first = new ListFile(dir, 'list.xml', '<list>\n', '</list>\n', null);
    for (const l of LINES) first.add(l, null, 0, 0);
    const a = first.complete();
    await first.sync();
    fs.renameSync(a.temp as string, path.join(dir, 'list.xml'));
    let layout = a.layout;
    let lines = LINES;
    for (const [round, at] of [50_000, 2_000, 119_000].entries()) {
      const old = openList(dir, layout);
      expect(old, `round ${round}`).not.toBeNull();
      const file = new ListFile(dir, 'list.xml', '<list>\n', '</list>\n', old);
      const head = Buffer.byteLength('<list>\n');
      let off = head;
      lines = lines.map((l, i) => (i === at ? `<item>round ${round}</item>\n` : l));
      for (const [i, l] of lines.entries()) {
        const len = Buffer.byteLength(l);
        file.add(i === at ? l : null, old, off, len);
        off += i === at ? Buffer.byteLength(LINES[i] as string) : len;
      }
      const done = file.complete();
      await file.sync();
      closeOld([old]);
      fs.renameSync(done.temp as string, path.join(dir, 'list.xml'));
      const bytes = fs.readFileSync(path.join(dir, 'list.xml'));
      expect(bytes.toString('utf8')).toBe(`<list>\n${lines.join('')}</list>\n`);
      expect(done.layout.sha256).toBe(sha(bytes));
      layout = done.layout;
    }
  });

  it('does not write a file that is the old one unchanged, and leaves nothing behind when aborted', async () => {
    const layout = await writeNew('tsv.tsv', LINES.slice(0, 1000));
    const mtime = fs.statSync(path.join(dir, 'tsv.tsv')).mtimeMs;
    const old = openOld(dir, layout) as OldFile;
    const same = new FileWriter(path.join(dir, 'tsv.tsv'), old);
    same.copy(old, 0, 500);
    same.copy(old, 500, layout.bytes - 500);
    const done = await same.finish({ durable: true });
    expect(done.unchanged).toBe(true);
    expect(done.temp).toBeNull();
    expect(fs.statSync(path.join(dir, 'tsv.tsv')).mtimeMs).toBe(mtime);

    const aborted = new FileWriter(path.join(dir, 'tsv.tsv'), old);
    aborted.write('x'.repeat(3 << 20));
    aborted.abort();
    fs.closeSync(old.fd);
    expect(fs.readdirSync(dir)).toEqual(['tsv.tsv']);
  });

  it('refuses to copy from a file that changed since it was written', async () => {
    const layout = await writeNew('feed.xml', LINES.slice(0, 10));
    fs.appendFileSync(path.join(dir, 'feed.xml'), 'hand edit');
    expect(openOld(dir, layout)).toBeNull();
    fs.rmSync(path.join(dir, 'feed.xml'));
    expect(openOld(dir, layout)).toBeNull();
  });
});
