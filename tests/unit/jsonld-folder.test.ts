/**
 * The JSON-LD set swapped at once (jsonld-folder.ts): a new set replaces the old one with one
 * rename of the `jsonld` link, a plain folder from an earlier version becomes a link, a crash in
 * that one-time step is repaired, leftovers are removed, and a `jsonld` link Stockfeed did not
 * make is never written through nor taken as Stockfeed's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installSet, linkTarget, recoverJsonLd, removeAll, removeSet } from '../../electron/core/publish/jsonld-folder';
import { foreignEntries } from '../../electron/core/publish/publish-folder';
import { SEED_MANIFEST } from '../../electron/core/publish/manifest-file';
import { tempDir } from '../helpers/core';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function publishDir(): string {
  const dir = tempDir('stockfeed-ldset-');
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'manifest.json'), SEED_MANIFEST);
  return dir;
}

function staged(dir: string, files: Record<string, string>): string {
  const staging = path.join(dir, `.jsonld.tmp-${process.pid}-0123abcd`);
  fs.mkdirSync(staging);
  for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(staging, name), body);
  return staging;
}

const read = (dir: string, name: string) => fs.readFileSync(path.join(dir, 'jsonld', name), 'utf8');

describe.skipIf(process.platform === 'win32')('the JSON-LD set, swapped at once', () => {
  it('puts a first set in place behind a link, then replaces it whole; the old folder is removed after', async () => {
    const dir = publishDir();
    expect(installSet(dir, staged(dir, { 'a.json': 'A1', 'b.json': 'B1' }))).toBeNull();
    const first = linkTarget(dir);
    expect(first).toMatch(/^\.jsonld-\d+-[0-9a-f]{8}$/);
    expect(read(dir, 'a.json')).toBe('A1');

    const old = installSet(dir, staged(dir, { 'a.json': 'A2' }));
    expect(old).toBe(path.join(dir, first as string));
    expect(linkTarget(dir)).not.toBe(first);
    expect(read(dir, 'a.json')).toBe('A2');
    expect(fs.existsSync(path.join(dir, 'jsonld', 'b.json'))).toBe(false);
    await removeSet(old as string);
    expect(fs.existsSync(old as string)).toBe(false);
    // The folder is still Stockfeed's: the link and the versioned folder are its own.
    expect(foreignEntries(dir)).toEqual([]);
  });

  it('removes a replaced set in one rm process, not file by file from the event loop', async () => {
    const dir = publishDir();
    const files = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`p-${i}.json`, `{"i":${i}}`]));
    installSet(dir, staged(dir, files));
    const old = installSet(dir, staged(dir, { 'a.json': 'A2' })) as string;
    const unlink = vi.spyOn(fs.promises, 'unlink');
    try {
      await removeSet(old);
      expect(fs.existsSync(old)).toBe(false);
      expect(unlink).not.toHaveBeenCalled();
    } finally {
      unlink.mockRestore();
    }
    expect(read(dir, 'a.json')).toBe('A2');
  });

  it('turns a plain jsonld folder (an earlier version) into a link, keeping the old set until it is removed', () => {
    const dir = publishDir();
    fs.mkdirSync(path.join(dir, 'jsonld'));
    fs.writeFileSync(path.join(dir, 'jsonld', 'a.json'), 'OLD');
    const old = installSet(dir, staged(dir, { 'a.json': 'NEW' }));
    expect(fs.lstatSync(path.join(dir, 'jsonld')).isSymbolicLink()).toBe(true);
    expect(read(dir, 'a.json')).toBe('NEW');
    expect(fs.readFileSync(path.join(old as string, 'a.json'), 'utf8')).toBe('OLD');
  });

  it('after a crash between the two renames of that change, links the newest whole set again and removes the rest', async () => {
    const dir = publishDir();
    const older = path.join(dir, '.jsonld-999999-00000001');
    const newer = path.join(dir, '.jsonld-999999-00000002');
    for (const [folder, body] of [[older, 'OLD'], [newer, 'NEW']] as const) {
      fs.mkdirSync(folder);
      fs.writeFileSync(path.join(folder, 'a.json'), body);
    }
    fs.utimesSync(older, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    expect(fs.existsSync(path.join(dir, 'jsonld'))).toBe(false);
    expect(recoverJsonLd(dir)).toBe(1);
    expect(linkTarget(dir)).toBe('.jsonld-999999-00000002');
    expect(read(dir, 'a.json')).toBe('NEW');
    await removeSet(older);
    expect(fs.existsSync(older)).toBe(false);
  });

  it('never follows a jsonld link it did not make, and counts it as foreign', () => {
    const dir = publishDir();
    const elsewhere = tempDir('stockfeed-elsewhere-');
    dirs.push(elsewhere);
    fs.symlinkSync(elsewhere, path.join(dir, 'jsonld'), 'dir');
    expect(() => linkTarget(dir)).toThrow(/not to a JSON-LD folder of Stockfeed's/);
    const staging = staged(dir, { 'a.json': 'A' });
    expect(() => installSet(dir, staging)).toThrow(/not to a JSON-LD folder/);
    expect(fs.existsSync(staging)).toBe(true); // left for the writer's abort to remove
    expect(foreignEntries(dir)).toContain('jsonld');
  });

  it('removes the link and the folder it leads to when JSON-LD is turned off', () => {
    const dir = publishDir();
    installSet(dir, staged(dir, { 'a.json': 'A', 'b.json': 'B' }));
    const target = linkTarget(dir) as string;
    expect(removeAll(dir).sort()).toEqual(['jsonld/a.json', 'jsonld/b.json']);
    expect(fs.existsSync(path.join(dir, target))).toBe(false);
    expect(fs.lstatSync(path.join(dir, 'jsonld'), { throwIfNoEntry: false })).toBeUndefined();
  });
});
