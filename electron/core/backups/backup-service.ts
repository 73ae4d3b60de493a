/**
 * Backups and restore of the SQLite database. Every copy is an online one (see backup-writer.ts);
 * a restore is checked, prepared and migrated beside the database before anything in use is
 * touched, then swapped in with one rename while the write path is held.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { AppError } from '../../../shared/errors';
import type { Backup, BackupKind } from '../../../shared/schemas/backups';
import { latestSeq } from '../changes/change-log';
import { createKnex } from '../db/connection';
import { migrateToLatest } from '../db/migrate';
import { makePrivate } from '../data-files';
import type { Logger } from '../logger';
import type { ExclusiveWriter } from '../write-queue';
import { backupFile, deleteBackup, listBackupFiles } from './backup-files';
import { takeBackup, writeCheckedCopy } from './backup-writer';
import { backupsToDelete } from './rotation';
import { fsyncDir, fsyncFile, inspectRestoreCandidate, openSqlite, vacuumInto, type DatabaseFacts } from './sqlite-copy';
import { replaceDatabaseFile } from './swap';

export type BackupDeps = {
  /** The app's own pool on the live database: closed and reopened around the swap. */
  db: Knex;
  /** The live database file. */
  file: string;
  /** The backups folder the settings name now. */
  folder: () => string;
  queue: ExclusiveWriter & { pause<T>(run: () => Promise<T>): Promise<T> };
  log: Logger;
  version: string;
  /**
   * Around the swap: `stop` halts what works on the database in the background (webhook
   * deliveries); `resume(swapped)` starts it again and, when the database was replaced, reloads
   * what the core caches from it and rebuilds publishing.
   */
  services: { stop(): Promise<void>; resume(swapped: boolean): Promise<void> };
  /** Tests only: damages a copy between writing and checking it. */
  beforeVerify?: ((copy: string) => void) | undefined;
  /** Tests only: runs (and may throw, as a crash would stop) between the swap and the change-log entry. */
  afterSwap?: (() => void) | undefined;
};

export type RestoreResult = { restored: Backup; previous: Backup; seq: number };

/** A day, for the automatic copy and the pruning that runs with it. */
export const DAY_MS = 24 * 60 * 60 * 1000;

function removeWithJournals(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(`${file}${suffix}`, { force: true });
}

/**
 * Checks a file offered for a restore, copies it beside the database in use (same disk, so the
 * swap is a rename) and migrates the copy there: whatever fails here leaves the database in use
 * untouched. Returns the prepared file, owner-only and flushed.
 */
async function prepareRestore(source: string, dbFile: string, log: Logger): Promise<{ prepared: string; facts: DatabaseFacts }> {
  const facts = await inspectRestoreCandidate(source);
  const prepared = path.join(path.dirname(dbFile), `.stockfeed-restore-${randomUUID()}.sqlite`);
  try {
    const from = openSqlite(source, { readOnly: true });
    try {
      await vacuumInto(from, prepared);
    } finally {
      await from.destroy();
    }
    const scratch = createKnex({ kind: 'sqlite', file: prepared });
    try {
      await migrateToLatest(scratch, log);
    } finally {
      await scratch.destroy();
    }
    makePrivate(prepared);
    fsyncFile(prepared);
    return { prepared, facts };
  } catch (error) {
    removeWithJournals(prepared);
    throw error;
  }
}

/**
 * The way back when the database in use cannot even be opened (damaged, or not a database): the
 * backup is checked and prepared as always, the unusable file is kept beside under a new name
 * (never deleted), and the backup takes its place. Nothing may have the database open.
 */
export async function restoreOverUnopenable(dbFile: string, source: string, log: Logger): Promise<{ facts: DatabaseFacts; keptAs: string | null }> {
  const { prepared, facts } = await prepareRestore(source, dbFile, log);
  try {
    let keptAs: string | null = null;
    if (fs.existsSync(dbFile)) {
      keptAs = `${dbFile}.unusable-${new Date().toISOString().replace(/[-:.]/g, '')}`;
      // A stale WAL belongs to the old file: it moves with it, or SQLite would replay it into the new one.
      for (const suffix of ['-wal', '-shm', '-journal']) if (fs.existsSync(`${dbFile}${suffix}`)) fs.renameSync(`${dbFile}${suffix}`, `${keptAs}${suffix}`);
      fs.renameSync(dbFile, keptAs);
    }
    fs.renameSync(prepared, dbFile);
    fsyncDir(path.dirname(dbFile));
    log.warn('the database could not be opened and was replaced by a backup', { backup: path.basename(source), keptAs });
    return { facts, keptAs };
  } finally {
    removeWithJournals(prepared);
  }
}

/**
 * Who may come in is not the shop's data: a restore keeps the accounts (names, password hashes,
 * roles), sessions and storefront tokens as they are now. Restored with the rest, an employee
 * removed since (or a password changed because it leaked) would sign in again with the old
 * password, a browser that had signed out and a storefront token the owner had revoked would work
 * again, and those made since would not. Both files are at this build's schema when the rows move
 * (the live one is opened only at it, the backup was migrated in prepareRestore), so the rows fit.
 * Nothing else points at an account but sessions.user_id, kept with it: movements and change-log
 * entries name their actor by id and name as text, with no foreign key, and still read "by sam"
 * for an account the backup had and today's database does not. A database with no accounts keeps
 * none: the backup's accounts are not brought back (the shop may have removed them).
 */
const KEPT_TABLES = ['users', 'sessions', 'storefront_tokens'] as const;

type KeptRows = Record<(typeof KEPT_TABLES)[number], Array<Record<string, unknown>>>;

async function readKeptRows(db: Knex): Promise<KeptRows> {
  const rows = await Promise.all(KEPT_TABLES.map((table) => db(table).select('*') as Promise<Array<Record<string, unknown>>>));
  return Object.fromEntries(KEPT_TABLES.map((table, i) => [table, rows[i] ?? []])) as KeptRows;
}

/**
 * Writes the kept rows into the prepared file, in one transaction, before it is swapped in: the file
 * that takes the database's place already holds today's accounts, sessions and tokens, so no crash
 * or failed write after the swap can leave the backup's in use. Rollback journal, not WAL, so the
 * rows are in the file itself when it closes; flushed before the rename.
 */
async function writeKeptRows(prepared: string, kept: KeptRows): Promise<void> {
  const target = openSqlite(prepared, { readOnly: false });
  try {
    await target.raw('PRAGMA journal_mode = DELETE');
    await target.raw('PRAGMA synchronous = FULL');
    await target.transaction(async (trx) => {
      for (const table of KEPT_TABLES) {
        await trx(table).delete();
        // Few rows (one per person, browser signed in, storefront); batches stay under SQLite's variable limit.
        for (let i = 0; i < kept[table].length; i += 100) await trx(table).insert(kept[table].slice(i, i + 100));
      }
    });
  } finally {
    await target.destroy();
  }
  fsyncFile(prepared);
}

export class BackupService {
  /** One backup or restore at a time: a restore must not swap the file under a copy being taken. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: BackupDeps) {}

  folder(): string {
    return this.deps.folder();
  }

  list(): Backup[] {
    return listBackupFiles(this.folder());
  }

  /** Backs up into the backups folder; automatic kinds then rotate (manual copies are kept). */
  create(kind: BackupKind): Promise<Backup> {
    return this.serial(async () => {
      const backup = await takeBackup({ ...this.deps, folder: this.folder(), kind });
      if (kind !== 'manual') this.rotate();
      return backup;
    });
  }

  /** Backs up into a file of the owner's choosing (`backup --to FILE`); it must not exist yet. */
  createTo(target: string): Promise<Backup & { path: string }> {
    return this.serial(async () => {
      const dir = path.dirname(path.resolve(target));
      if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new AppError('validation_failed', `Cannot back up to ${target}: the folder ${dir} does not exist.`);
      if (fs.existsSync(target)) throw new AppError('validation_failed', `Cannot back up to ${target}: the file exists already; give a new file name.`);
      const temp = path.join(dir, `.${path.basename(target)}.${randomUUID()}.tmp`);
      try {
        const at = new Date();
        const facts = await writeCheckedCopy(this.deps.file, temp, this.deps.beforeVerify);
        fs.renameSync(temp, target);
        return {
          id: '',
          kind: 'manual',
          createdAt: at.toISOString(),
          file: path.basename(target),
          path: path.resolve(target),
          sizeBytes: fs.statSync(target).size,
          seq: facts.seq,
          schemaVersion: facts.schemaVersion,
          stockfeedVersion: this.deps.version,
          integrity: 'ok',
        };
      } finally {
        fs.rmSync(temp, { force: true });
      }
    });
  }

  /** Deletes automatic copies the rotation no longer keeps (7 daily, 4 weekly, 12 monthly). */
  rotate(now = new Date()): string[] {
    const folder = this.folder();
    const doomed = backupsToDelete(this.list(), now);
    for (const id of doomed) deleteBackup(folder, id);
    if (doomed.length > 0) this.deps.log.info('old backups deleted by the rotation', { deleted: doomed });
    return doomed;
  }

  /** Restores a listed backup by id. */
  restore(id: string): Promise<RestoreResult> {
    const backup = this.list().find((b) => b.id === id);
    if (!backup) return Promise.reject(new AppError('not_found', `There is no backup ${id} in ${this.folder()} (GET /backups lists them).`));
    return this.restoreFile(backupFile(this.folder(), id), backup.id);
  }

  /**
   * Replaces the database with the copy in `source`: checked (a Stockfeed database, intact, of a
   * schema this build knows or can migrate), copied and migrated beside the database, the current
   * database backed up, then swapped in whole; the change log records it and publishing rebuilds.
   */
  restoreFile(source: string, label = path.basename(source)): Promise<RestoreResult> {
    return this.serial(() => this.restoreNow(source, label));
  }

  private async restoreNow(source: string, label: string): Promise<RestoreResult> {
    const { db, file, log, queue } = this.deps;
    const { prepared, facts: candidate } = await prepareRestore(source, file, log);
    try {
      const previous = await takeBackup({ ...this.deps, folder: this.folder(), kind: 'pre-restore' });
      await this.deps.services.stop();
      let swapped = false;
      let previousSeq = 0;
      let seq = 0;
      try {
        previousSeq = await queue.pause(async () => {
          const before = await latestSeq(db);
          // Read and written while nothing else writes: the swap installs them as they are now.
          await writeKeptRows(prepared, await readKeptRows(db));
          await db.destroy();
          try {
            await replaceDatabaseFile(prepared, file);
          } finally {
            db.initialize();
          }
          return before;
        });
        swapped = true;
        this.deps.afterSwap?.();
        seq = await this.recordRestore(label, candidate, previous, previousSeq);
      } finally {
        await this.deps.services.resume(swapped);
      }
      log.info('database restored from a backup', { backup: label, restoredSeq: candidate.seq, previousSeq, previousBackup: previous.id, seq });
      const restored = this.list().find((b) => b.id === label) ?? {
        id: '',
        kind: 'manual' as const,
        createdAt: fs.statSync(source).mtime.toISOString(),
        file: path.basename(source),
        sizeBytes: fs.statSync(source).size,
        seq: candidate.seq,
        schemaVersion: candidate.schemaVersion,
        stockfeedVersion: '',
        integrity: 'ok' as const,
      };
      return { restored, previous, seq };
    } finally {
      removeWithJournals(prepared);
    }
  }

  /** The change-log entry that says a restore happened, numbered after everything followers saw. */
  recordRestore(label: string, candidate: DatabaseFacts, previous: Pick<Backup, 'id'> | null, previousSeq: number): Promise<number> {
    return this.deps.queue.exclusive(async (ctx) => {
        // Followers of the change log have seen numbers up to previousSeq: the restore's entry must
        // come after all of them, or they would skip it (and what follows) as already read.
        await ctx.trx.raw("UPDATE sqlite_sequence SET seq = ? WHERE name = 'changes' AND seq < ?", [previousSeq, previousSeq]);
        await ctx.trx.raw("INSERT INTO sqlite_sequence (name, seq) SELECT 'changes', ? WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'changes')", [previousSeq]);
        const [entry] = await ctx.append([
          {
            type: 'backup.restored',
            productId: null,
            sku: null,
            payload: { backup: label, restoredSeq: candidate.seq, previousSeq, previousBackup: previous?.id ?? null, schemaVersion: candidate.schemaVersion },
          },
        ]);
        return entry?.seq ?? 0;
    });
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.chain.catch(() => undefined).then(run);
    this.chain = next.catch(() => undefined);
    return next;
  }
}
