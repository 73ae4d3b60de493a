import { z } from 'zod';

/** Why a backup was made; only `manual` copies are left alone by the rotation. */
export const BACKUP_KINDS = ['daily', 'manual', 'pre-migration', 'pre-restore', 'pre-update'] as const;
export type BackupKind = (typeof BACKUP_KINDS)[number];

/**
 * A backup's id is its file name without `stockfeed-` and `.sqlite`: the time (UTC, to the
 * millisecond) and the kind, e.g. `20261204T223739123Z-daily`. Only ids of this shape reach the
 * core, so an id can never name a path.
 */
export const BACKUP_ID_PATTERN = /^\d{8}T\d{9}Z-(?:daily|manual|pre-migration|pre-restore|pre-update)$/;

export const backupIdSchema = z
  .string()
  .regex(BACKUP_ID_PATTERN, { message: 'a backup id looks like 20261204T223739123Z-daily, as GET /backups lists it' });

export const backupSchema = z.object({
  id: z.string(),
  kind: z.enum(BACKUP_KINDS),
  /** When the copy was taken (ISO 8601, UTC). */
  createdAt: z.string(),
  /** File name in the backups folder. */
  file: z.string(),
  sizeBytes: z.number(),
  /** The newest change-log sequence number the copy holds. */
  seq: z.number(),
  /** The newest migration applied to the copy: its schema version. */
  schemaVersion: z.string(),
  /** The Stockfeed version that took the copy. */
  stockfeedVersion: z.string(),
  /** `PRAGMA integrity_check` on the copy, right after it was written. */
  integrity: z.literal('ok'),
});
export type Backup = z.output<typeof backupSchema>;

export const backupListInput = z.strictObject({});
export const backupListSchema = z.object({
  /** Absolute path of the folder the backups are in (Settings → Backups, default DATA/backups). */
  folder: z.string(),
  backups: z.array(backupSchema),
});

export const backupCreateInput = z.strictObject({});

export const backupRestoreInput = z.strictObject({ id: backupIdSchema });
export const backupRestoreSchema = z.object({
  /** The backup now in use. */
  restored: backupSchema,
  /** The copy of the database as it was just before the restore (to undo it, restore this one). */
  previous: backupSchema,
  /** Sequence number of the change-log entry that records the restore (type backup.restored). */
  seq: z.number(),
});
