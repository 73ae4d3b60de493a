/**
 * The seam between the publisher (which writes the artifacts into the publish folder) and the
 * delivery targets (SFTP upload, IndexNow) that act after each publish.
 */
import type { ParsedInput } from '../../../shared/contract';

/** The settings as stored (secrets included); only the core sees these. */
export type StoredSettings = ParsedInput<'settings.update'>;

export type PublishedFile = {
  /** Path relative to the publish folder, with forward slashes: `sitemap.xml`, `jsonld/mug.json`. */
  name: string;
  /** Absolute path on disk. */
  path: string;
  bytes: number;
  sha256: string;
};

/** What one publish did; handed to every delivery target after the files are in place. */
export type PublishOutcome = {
  /** The change-log sequence the files now reflect. */
  seq: number;
  publishDir: string;
  /** True for a full regeneration (start-up catch-up after a settings change, `publish --full`). */
  full: boolean;
  /** Every artifact file now in the folder (manifest.json included). */
  files: PublishedFile[];
  /** Names of the files replaced or added by this publish. */
  changedFiles: string[];
  /** Names of files removed by this publish (e.g. a discontinued product's JSON-LD). */
  removedFiles: string[];
  /** Product page URLs whose published content changed or that were removed (for IndexNow). */
  changedUrls: string[];
};

export type TargetState = 'off' | 'idle' | 'delivering' | 'retrying' | 'failed';

export type TargetStatus = {
  target: 'sftp' | 'indexnow';
  state: TargetState;
  /** The publish sequence last delivered successfully. */
  lastSeq: number | null;
  lastDeliveredAt: string | null;
  lastDurationMs: number | null;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  /** SFTP's pinned server key and a refused different one; null for targets without one. */
  hostKey: HostKeyStatus | null;
};

export type HostKeyStatus = {
  pinned: string | null;
  /** When it was pinned on first connection; null when the owner set it. */
  pinnedAt: string | null;
  /** The different key a server showed; the owner may accept it. */
  offered: string | null;
};

/** Trust on first use: the key a server showed, to pin for that server. */
export type HostKeyPin = { host: string; port: number; fingerprint: string };
