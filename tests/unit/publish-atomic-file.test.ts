/**
 * renameOver: the atomic replacement of a published file, with the replaced copy's last close left
 * to libuv's pool. On a disk mounted with `discard` and no journal, dropping a file's last
 * reference frees and discards its blocks inside that call: a plain rename over a 1.3 MB
 * collection page held the main thread for milliseconds (see atomic-file.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renameOver } from '../../electron/core/publish/atomic-file';
import { heldOn } from '../helpers/held-fds';

const realRename = fs.renameSync.bind(fs);
const realClose = fs.close.bind(fs);

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockfeed-atomic-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('renameOver', () => {
  it('puts the new file in place of the old one, and in place of nothing', () => {
    const target = path.join(dir, 'feed.xml');
    fs.writeFileSync(path.join(dir, '.a'), 'first');
    renameOver(path.join(dir, '.a'), target);
    fs.writeFileSync(path.join(dir, '.b'), 'second');
    renameOver(path.join(dir, '.b'), target);
    expect(fs.readFileSync(target, 'utf8')).toBe('second');
    expect(fs.readdirSync(dir)).toEqual(['feed.xml']);
  });

  it('replaces a symbolic link itself, as rename does, without following it', () => {
    fs.writeFileSync(path.join(dir, 'elsewhere'), 'theirs');
    fs.symlinkSync(path.join(dir, 'elsewhere'), path.join(dir, 'feed.xml'));
    fs.writeFileSync(path.join(dir, '.a'), 'ours');
    renameOver(path.join(dir, '.a'), path.join(dir, 'feed.xml'));
    expect(fs.lstatSync(path.join(dir, 'feed.xml')).isSymbolicLink()).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'feed.xml'), 'utf8')).toBe('ours');
    expect(fs.readFileSync(path.join(dir, 'elsewhere'), 'utf8')).toBe('theirs');
  });

  it.skipIf(process.platform !== 'linux')('holds the replaced file open across the rename and drops its last reference with an asynchronous close (in the pool)', () => {
    const target = path.join(dir, 'collection.json');
    fs.writeFileSync(target, Buffer.alloc(1 << 20, 97));
    const oldIno = fs.statSync(target).ino;
    fs.writeFileSync(path.join(dir, '.new'), 'new');
    const held: number[] = [];
    const rename = vi.spyOn(fs, 'renameSync').mockImplementation((...args: Parameters<typeof fs.renameSync>) => {
      held.push(heldOn(oldIno));
      realRename(...args);
    });
    const closes: Array<{ ino: number; nlink: number }> = [];
    const close = vi.spyOn(fs, 'close').mockImplementation(((fd: number, cb?: (error: NodeJS.ErrnoException | null) => void) => {
      const stat = fs.fstatSync(fd);
      closes.push({ ino: stat.ino, nlink: stat.nlink });
      realClose(fd, cb ?? (() => undefined));
    }) as typeof fs.close);
    try {
      renameOver(path.join(dir, '.new'), target);
    } finally {
      rename.mockRestore();
      close.mockRestore();
    }
    expect(fs.readFileSync(target, 'utf8')).toBe('new');
    // While renamed over, the old copy was open here: the rename did not free its blocks.
    expect(held).toEqual([1]);
    // Its last reference went with the asynchronous close: out of the folder (no links left).
    expect(closes).toEqual([{ ino: oldIno, nlink: 0 }]);
  });
});
