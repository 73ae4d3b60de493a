/**
 * A real small file system for fault tests: a tmpfs mounted on a fresh folder. Only root may
 * mount; elsewhere (or in a container without the permission) the caller gets the reason to skip.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './core';

export type Tmpfs = {
  dir: string;
  remountReadOnly(): void;
  /** Fills the free space with one ballast file; `free()` removes it again. */
  fill(): void;
  free(): void;
  unmount(): void;
};

export function mountTmpfs(size: string): Tmpfs | string {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const dir = tempDir('stockfeed-tmpfs-');
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    return `mount -t tmpfs is not permitted here: ${mounted.stderr.trim()}`;
  }
  const ballast = path.join(dir, 'ballast');
  return {
    dir,
    remountReadOnly() {
      const ro = spawnSync('mount', ['-o', 'remount,ro', dir], { encoding: 'utf8' });
      if (ro.status !== 0) throw new Error(`remount,ro failed: ${ro.stderr}`);
    },
    fill() {
      const fd = fs.openSync(ballast, 'a');
      const block = Buffer.alloc(64 * 1024, 1);
      try {
        for (;;) fs.writeSync(fd, block);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
      // The last partial block: down to the final byte.
      try {
        for (;;) fs.writeSync(fd, block, 0, 1);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        fs.closeSync(fd);
      }
    },
    free() {
      fs.rmSync(ballast, { force: true });
    },
    unmount() {
      // Lazily if something still holds it, so the folder can be removed afterwards.
      if (spawnSync('umount', [dir]).status !== 0) spawnSync('umount', ['-l', dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
