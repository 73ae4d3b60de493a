/**
 * The IndexNow key file (`<key>.txt`, containing only the key) lives in the publish folder, so it
 * is served from the shop's root wherever the folder is deployed. Key files of earlier keys are
 * removed so an old key cannot be used to submit for the shop.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../atomic-file';
import type { PublishedFile } from '../types';
import { INDEXNOW_KEY } from './indexnow-config';

const KEY_FILE = /^([a-zA-Z0-9-]{8,128})\.txt$/;

/** The key a key file's name holds (`<key>.txt`), or null. Only a file whose content is exactly its key is one. */
export function keyOfKeyFileName(name: string): string | null {
  return KEY_FILE.exec(name)?.[1] ?? null;
}

export type KeyFileSync = {
  file: PublishedFile;
  /** Names of key files of earlier keys, now deleted from the folder. */
  removed: string[];
};

/** Writes `<key>.txt` when missing or different (atomically) and removes other keys' files. */
export async function syncKeyFile(publishDir: string, key: string): Promise<KeyFileSync> {
  if (!INDEXNOW_KEY.test(key)) throw new Error('IndexNow key must be 8–128 letters, digits or "-"');
  await fs.mkdir(publishDir, { recursive: true });
  const name = `${key}.txt`;
  const target = path.join(publishDir, name);
  const current = await fs.readFile(target, 'utf8').catch(() => null);
  // The publisher's atomic writer: its temporary names are the ones it cleans up after a crash.
  if (current !== key) writeFileAtomic(target, [Buffer.from(key, 'utf8')]);

  const removed: string[] = [];
  for (const entry of await fs.readdir(publishDir, { withFileTypes: true })) {
    const match = KEY_FILE.exec(entry.name);
    if (!entry.isFile() || !match || entry.name === name) continue;
    // Only a file whose content is exactly its own name is a key file; anything else is the user's.
    const content = await fs.readFile(path.join(publishDir, entry.name), 'utf8').catch(() => null);
    if (content !== match[1]) continue;
    await fs.rm(path.join(publishDir, entry.name), { force: true });
    removed.push(entry.name);
  }
  return {
    file: { name, path: target, bytes: Buffer.byteLength(key), sha256: crypto.createHash('sha256').update(key).digest('hex') },
    removed,
  };
}
