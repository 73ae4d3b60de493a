/**
 * The JSON-LD file writer. In bulk (a full publish) bodies are staged as UTF-8 into batch buffers
 * that go to a worker thread and come back to be filled again; a staged body that is not
 * committed is overwritten by the next. Whatever the batching, each committed file must hold
 * exactly its body, the digest `stage` returns must be that file's size and SHA-256, and files
 * staged but not committed must not appear. Variants of a group share one document: staged once
 * per variant, their files share its bytes in the batch.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempName } from '../../electron/core/publish/atomic-file';
import { canSwapSets, SET_READ_BUFFER } from '../../electron/core/publish/jsonld-folder';
import { digestOf, JsonLdWriter, WrittenFiles } from '../../electron/core/publish/jsonld-writer';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockfeed-jsonld-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A body of about `size` characters, with multi-byte text so bytes and characters differ. */
function body(i: number, size: number): string {
  return JSON.stringify({ '@type': 'Product', sku: `S-${i}`, name: `Tasse ${i} — ünïcödé ✓ 漢字 🙂`, description: 'x'.repeat(Math.max(0, size - 80)) });
}

describe.each([
  ['bulk', true],
  ['one at a time', false],
])('JsonLdWriter (%s)', (_mode, bulk) => {
  it('writes each committed body to its file, with the size and SHA-256 that staging returned', async () => {
    const w = new JsonLdWriter(dir, true, { bulk });
    const expected = new Map<string, string>();
    // Enough files for several batches, bodies from tiny to larger than a batch buffer, and
    // every fifth body staged but not committed (it must not reach any file).
    // One at a time: more than the 64 files an incremental publish holds open until `place`.
    const count = bulk ? 700 : 100;
    for (let i = 0; i < count; i++) {
      const size = i === 17 ? 600_000 : i % 50 === 0 ? 20_000 : 200 + (i % 7) * 300;
      const text = body(i, size);
      const digest = w.stage(text);
      expect(digest).toEqual(digestOf(text));
      if (i % 5 === 4) continue;
      w.commit(`p-${i}`);
      expected.set(`p-${i}.json`, text);
      if (i % 10 === 3) {
        // The variants of a group: the same document (one string) for each of them, staged again
        // for every variant; one of them is left uncommitted, as a full publish does when a
        // variant's file is already up to date.
        for (const v of ['a', 'b', 'c']) {
          expect(w.stage(text)).toEqual(digestOf(text));
          if (v === 'b') continue;
          w.commit(`p-${i}-${v}`);
          expected.set(`p-${i}-${v}.json`, text);
        }
      }
    }
    await w.finish();
    await w.place();

    const files = fs.readdirSync(path.join(dir, 'jsonld')).sort();
    expect(files).toEqual([...expected.keys()].sort());
    for (const [name, text] of expected) {
      const bytes = fs.readFileSync(path.join(dir, 'jsonld', name));
      expect(bytes.toString('utf8'), name).toBe(text);
      expect({ sha256: sha(bytes), bytes: bytes.length }).toEqual(digestOf(text));
    }
    expect(w.written.size).toBe(expected.size);
  }, 60_000);
});

describe('JsonLdWriter (one at a time): files put into place together, after the big files are written', () => {
  const old = (slug: string) => `{"old":"${slug}"}`;
  const seed = (slugs: string[]) => {
    fs.mkdirSync(path.join(dir, 'jsonld'), { recursive: true });
    for (const slug of slugs) fs.writeFileSync(path.join(dir, 'jsonld', `${slug}.json`), old(slug));
  };
  const listing = () => fs.readdirSync(path.join(dir, 'jsonld')).sort();

  it('leaves every old file in place until place(), then puts every new one in (no temporary file left)', async () => {
    seed(['a', 'b']);
    const w = new JsonLdWriter(dir, true, { bulk: false });
    for (const slug of ['a', 'b', 'c']) {
      w.stage(body(slug.charCodeAt(0), 300));
      w.commit(slug);
    }
    await w.finish();
    // Written and being made durable, under temporary names: a reader still sees the old files.
    expect(fs.readFileSync(path.join(dir, 'jsonld', 'a.json'), 'utf8')).toBe(old('a'));
    expect(fs.existsSync(path.join(dir, 'jsonld', 'c.json'))).toBe(false);
    expect(listing().filter((n) => n.startsWith('.'))).toHaveLength(3);
    await w.place();
    expect(listing()).toEqual(['a.json', 'b.json', 'c.json']);
    for (const slug of ['a', 'b', 'c']) expect(fs.readFileSync(path.join(dir, 'jsonld', `${slug}.json`), 'utf8')).toBe(body(slug.charCodeAt(0), 300));
    // Called again after the big files (nothing left to do).
    await w.place();
    expect(listing()).toEqual(['a.json', 'b.json', 'c.json']);
  });

  it('leaves the old files and no temporary file when the publish fails before place()', async () => {
    seed(['a']);
    const w = new JsonLdWriter(dir, true, { bulk: false });
    for (const slug of ['a', 'b']) {
      w.stage(body(slug.charCodeAt(0), 300));
      w.commit(slug);
    }
    await w.finish();
    await w.abort();
    expect(listing()).toEqual(['a.json']);
    expect(fs.readFileSync(path.join(dir, 'jsonld', 'a.json'), 'utf8')).toBe(old('a'));
    await w.place();
    expect(listing()).toEqual(['a.json']);
  });
});

describe('JsonLdWriter (bulk): a file the worker thread cannot write', () => {
  it('fails the publish with the error and its code, and leaves no temporary file behind', async () => {
    // A folder where a file should go: the worker writes the temporary file, then cannot rename it.
    fs.mkdirSync(path.join(dir, 'jsonld', 'blocked.json'), { recursive: true });
    const w = new JsonLdWriter(dir, true, { bulk: true });
    for (const slug of ['before', 'blocked', 'after']) {
      w.stage(body(slug.length, 300));
      w.commit(slug);
    }
    const failure = await w.finish().then(
      () => null,
      (error: unknown) => error as NodeJS.ErrnoException,
    );
    expect(failure?.message).toMatch(/^writing JSON-LD files: /);
    expect(failure?.code).toMatch(/^E[A-Z]+$/);
    expect(fs.readdirSync(path.join(dir, 'jsonld')).sort()).toEqual(['before.json', 'blocked.json']);
    expect(fs.statSync(path.join(dir, 'jsonld', 'blocked.json')).isDirectory()).toBe(true);
  });
});

// A fresh set is written beside the old one and swapped in through a symlink; on Windows (no
// unprivileged symlinks) the writer replaces files one by one instead, and there is no old set to read.
describe.skipIf(!canSwapSets())('JsonLdWriter (bulk, fresh set over an old one)', () => {
  it('reports the old files the new set drops, reading the old set a batch at a time (never all its names at once)', async () => {
    // The old set: two products that stay, one the new set drops, and a stale temporary file.
    const first = new JsonLdWriter(dir, true, { bulk: true, fresh: true });
    for (const slug of ['keep-a', 'gone', 'keep-b']) {
      first.stage(body(slug.length, 300));
      first.commit(slug);
    }
    await first.finish();
    const oldFolder = fs.realpathSync(path.join(dir, 'jsonld'));
    fs.writeFileSync(tempName(path.join(oldFolder, 'keep-a.json')), 'half');
    // More old names than one batch of the scan, so that it reads several.
    for (let i = 0; i < SET_READ_BUFFER + 10; i++) fs.writeFileSync(path.join(oldFolder, `extra-${i}.json`), '{}');

    const readdir = vi.spyOn(fs.promises, 'readdir');
    try {
      const w = new JsonLdWriter(dir, true, { bulk: true, fresh: true });
      for (const slug of ['keep-a', 'keep-b', 'new-c']) {
        w.stage(body(slug.length, 300));
        w.commit(slug);
      }
      await w.finish();
      expect(readdir).not.toHaveBeenCalled();
      const extra = Array.from({ length: SET_READ_BUFFER + 10 }, (_, i) => `jsonld/extra-${i}.json`);
      expect([...w.dropped].sort()).toEqual(['jsonld/gone.json', ...extra].sort());
      // What it wrote, as names, though it keeps only the slugs.
      expect([...w.written].sort()).toEqual(['jsonld/keep-a.json', 'jsonld/keep-b.json', 'jsonld/new-c.json']);
      expect(w.written.size).toBe(3);
      expect(w.written.has('jsonld/new-c.json')).toBe(true);
      expect(w.written.has('jsonld/gone.json')).toBe(false);
      expect(w.written.has('new-c.json')).toBe(false);
      expect(w.written.hasFile('keep-b.json')).toBe(true);
      expect(w.written.hasFile('keep-b')).toBe(false);
      expect(fs.readdirSync(path.join(dir, 'jsonld')).sort()).toEqual(['keep-a.json', 'keep-b.json', 'new-c.json']);
    } finally {
      readdir.mockRestore();
    }
  });
});

describe.skipIf(!canSwapSets())('JsonLdWriter (bulk, fresh set over an old one): files that already hold their bytes', () => {
  it('links an old file holding exactly the new bytes, writes every other, and never changes the old set', async () => {
    const text = (slug: string, v = 1) => body(slug.length * 7 + v, 300);
    const first = new JsonLdWriter(dir, true, { bulk: true, fresh: true });
    for (const slug of ['same', 'changed', 'longer', 'planted', 'twice']) {
      first.stage(text(slug));
      first.commit(slug);
    }
    await first.finish();
    const oldFolder = fs.realpathSync(path.join(dir, 'jsonld'));
    const inode = (file: string) => fs.statSync(file).ino;
    const oldInode = (slug: string) => inode(path.join(oldFolder, `${slug}.json`));
    const before = { same: oldInode('same'), changed: oldInode('changed'), twice: oldInode('twice') };
    // The old file starts with the new bytes and goes on: not the same file.
    fs.appendFileSync(path.join(oldFolder, 'longer.json'), ' ');
    // A symbolic link planted in the old set, to a file that holds the new bytes: never carried over.
    const outside = path.join(dir, 'outside.json');
    fs.writeFileSync(outside, text('planted'));
    fs.rmSync(path.join(oldFolder, 'planted.json'));
    fs.symlinkSync(outside, path.join(oldFolder, 'planted.json'));

    const w = new JsonLdWriter(dir, true, { bulk: true, fresh: true });
    const expected = new Map<string, string>();
    for (const [slug, v] of [['same', 1], ['changed', 2], ['longer', 1], ['planted', 1], ['twice', 1], ['twice', 2], ['new', 1]] as const) {
      w.stage(text(slug, v));
      w.commit(slug);
      expected.set(slug, text(slug, v));
    }
    await w.finish();
    expect(w.replaced).toBe(oldFolder);
    const newFile = (slug: string) => path.join(dir, 'jsonld', `${slug}.json`);
    for (const [slug, t] of expected) {
      expect(fs.lstatSync(newFile(slug)).isFile(), slug).toBe(true);
      expect(fs.readFileSync(newFile(slug), 'utf8'), slug).toBe(t);
    }
    // The unchanged file is the old one, linked: nothing new to write back to the disk or to free.
    expect(inode(newFile('same'))).toBe(before.same);
    expect(inode(newFile('changed'))).not.toBe(before.changed);
    expect(inode(newFile('longer'))).not.toBe(oldInode('longer'));
    // Written twice in one scan: the second write replaced the link, not the old set's file.
    expect(inode(newFile('twice'))).not.toBe(before.twice);
    expect(fs.readFileSync(path.join(oldFolder, 'twice.json'), 'utf8')).toBe(text('twice'));
    expect(fs.readFileSync(path.join(oldFolder, 'changed.json'), 'utf8')).toBe(text('changed'));
    expect(fs.readFileSync(outside, 'utf8')).toBe(text('planted'));
  });
});

// A fresh set over an old one is swapped in through a symlink (not on Windows: see above).
describe.each(
  (
    [
      ['into an empty folder', { fresh: false }, false],
      ['a fresh set over an old one', { fresh: true }, true],
      ['in place, over a folder published before', { fresh: false }, true],
    ] as const
  ).filter(([, options]) => !options.fresh || canSwapSets()),
)('JsonLdWriter (bulk, %s): the variants of a group', (_case, options, published) => {
  it('gives the variants one file under each name (linked, not created again), and a name written again never changes the others', async () => {
    if (published) {
      const before = new JsonLdWriter(dir, true, { bulk: true, fresh: true });
      for (const slug of ['v-a', 'v-b', 'v-c', 'v-d', 'other', 'again', 'again-b']) {
        before.stage(body(slug.length, 300));
        before.commit(slug);
      }
      await before.finish();
    }
    const group = body(1, 900);
    const w = new JsonLdWriter(dir, true, { bulk: true, ...options });
    const expected = new Map<string, string>();
    const put = (slug: string, text: string) => {
      w.stage(text);
      w.commit(slug);
      expected.set(slug, text);
    };
    // A group of four variants (one document, staged for each), then a product of its own.
    for (const slug of ['v-a', 'v-b', 'v-c', 'v-d']) put(slug, group);
    put('other', body(2, 300));
    // A variant linked, then written again in the same scan (a straggler): its own file now.
    put('again', group);
    put('again-b', group);
    put('again-b', body(3, 300));
    await w.finish();
    await w.place();

    const file = (slug: string) => path.join(dir, 'jsonld', `${slug}.json`);
    for (const [slug, text] of expected) expect(fs.readFileSync(file(slug), 'utf8'), slug).toBe(text);
    const inode = (slug: string) => fs.statSync(file(slug)).ino;
    expect(new Set(['v-a', 'v-b', 'v-c', 'v-d'].map(inode)).size).toBe(1);
    expect(fs.statSync(file('v-a')).nlink).toBe(4);
    expect(inode('other')).not.toBe(inode('v-a'));
    expect(inode('again-b')).not.toBe(inode('again'));
    expect(fs.readdirSync(path.join(dir, 'jsonld')).filter((n) => n.startsWith('.'))).toEqual([]);

    // A later incremental publish replaces one variant: the others keep their bytes.
    const next = new JsonLdWriter(dir, true, { bulk: false });
    next.stage(body(4, 300));
    next.commit('v-b');
    await next.finish();
    await next.place();
    expect(fs.readFileSync(file('v-b'), 'utf8')).toBe(body(4, 300));
    for (const slug of ['v-a', 'v-c', 'v-d']) expect(fs.readFileSync(file(slug), 'utf8'), slug).toBe(group);
  });
});

describe('WrittenFiles', () => {
  it('holds each slug once, as many as a full publish writes, and finds exactly those', () => {
    // Slugs kept as places in arrays and found through a table of their own (not a Set): every
    // one added must be found, under both name forms, and nothing else; the table grows many times.
    const files = new WrittenFiles();
    const model = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const slug = i % 7 === 0 ? `tasse-${i}-ünïcödé-漢字` : `mug-${i}`;
      files.addSlug(slug);
      model.add(slug);
      // The same slug again (a product published twice in one run) is still one file.
      if (i % 11 === 0) files.addSlug(slug);
    }
    expect(files.size).toBe(model.size);
    expect([...files]).toEqual([...model].map((s) => `jsonld/${s}.json`));
    const missing: string[] = [];
    for (const slug of model) if (!files.has(`jsonld/${slug}.json`) || !files.hasFile(`${slug}.json`)) missing.push(slug);
    expect(missing).toEqual([]);
    const found: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      for (const other of [`mug-${i}x`, `mug-${i + 20_000}`, `tasse-${i}`]) if (files.hasFile(`${other}.json`) || files.has(`jsonld/${other}.json`)) found.push(other);
    }
    expect(found).toEqual([]);
    expect(files.has('mug-1.json')).toBe(false);
    expect(files.hasFile('mug-1')).toBe(false);
  });
});
