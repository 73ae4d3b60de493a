import type { Handlers } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { BackupService } from './backup-service';

export type BackupOperation = 'backups.list' | 'backups.create' | 'backups.restore';

/** What the backup operations answer on PostgreSQL, where Stockfeed has no file to copy. */
export function usePgDump(): AppError {
  return new AppError(
    'use_pg_dump',
    'This Stockfeed keeps its data in PostgreSQL, so back it up with pg_dump (for example: pg_dump --format=custom --file=stockfeed.dump "$DATABASE_URL") and restore with pg_restore. Stockfeed\'s own backups copy its SQLite file, which this installation does not use.',
  );
}

/** The backup operations of the contract; `backups` is null on PostgreSQL. */
export function createBackupHandlers({ backups }: { backups: BackupService | null }): Pick<Handlers, BackupOperation> {
  const service = (): BackupService => {
    if (!backups) throw usePgDump();
    return backups;
  };
  return {
    'backups.list': async () => {
      const s = service();
      return { folder: s.folder(), backups: s.list() };
    },
    'backups.create': async () => service().create('manual'),
    'backups.restore': async ({ id }) => service().restore(id),
  };
}
