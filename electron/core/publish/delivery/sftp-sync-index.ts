/**
 * What the SFTP target last put on the server, kept on the server itself (`.stockfeed-sync.json`
 * in the remote folder): after a restart the app reads it and sends only files whose content
 * differs, instead of the whole folder (100,000 JSON-LD files would take minutes).
 */
import type SftpClient from 'ssh2-sftp-client';

export const SYNC_INDEX = '.stockfeed-sync.json';
const FORMAT = 'stockfeed-sftp-sync/1';
const SHA256 = /^[0-9a-f]{64}$/;

/** Reads the index; an absent, unreadable or foreign file means "nothing known" (send everything). */
export async function readSyncIndex(client: SftpClient, path: string): Promise<Map<string, string>> {
  const known = new Map<string, string>();
  if ((await client.exists(path)) !== '-') return known;
  const raw = await client.get(path);
  if (!Buffer.isBuffer(raw)) return known;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    return known;
  }
  if (typeof parsed !== 'object' || parsed === null) return known;
  const { format, files } = parsed as { format?: unknown; files?: unknown };
  if (format !== FORMAT || typeof files !== 'object' || files === null) return known;
  for (const [name, sha] of Object.entries(files)) {
    if (typeof sha === 'string' && SHA256.test(sha) && isPlainName(name)) known.set(name, sha);
  }
  return known;
}

export function syncIndexContent(files: Map<string, string>): Buffer {
  return Buffer.from(JSON.stringify({ format: FORMAT, files: Object.fromEntries([...files].sort(([a], [b]) => (a < b ? -1 : 1))) }));
}

/** A relative path that stays inside the remote folder. */
export function isPlainName(name: string): boolean {
  return !name.startsWith('/') && !name.split('/').some((part) => part === '..' || part === '.' || part === '');
}
