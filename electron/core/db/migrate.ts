import type { Knex } from 'knex';
import type { Logger } from '../logger';
import { MIGRATIONS, migrationSource } from './migrations/index';
import { ensureGtinUniqueness } from './gtin-uniqueness';

const MIGRATION_TABLE = 'knex_migrations';

/**
 * Brings the schema up to date at start, then adds the GTIN uniqueness the migration had to leave
 * out over duplicates once they are gone. Refuses a database that has migrations this build does
 * not ship (written by a newer Stockfeed): opening it could corrupt data the newer version relies on.
 */
export async function migrateToLatest(db: Knex, log: Logger): Promise<string[]> {
  if (await db.schema.hasTable(MIGRATION_TABLE)) {
    const applied: Array<{ name: string }> = await db(MIGRATION_TABLE).select('name').orderBy('id');
    const known = new Set(MIGRATIONS.map(([name]) => name));
    const unknown = applied.map((r) => r.name).filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw new Error(
        `This database has migrations this version of Stockfeed does not know (${unknown.join(', ')}); ` +
          'it was probably written by a newer version. Refusing to open it: upgrade Stockfeed.',
      );
    }
  }
  const [, ran] = (await db.migrate.latest({ migrationSource, tableName: MIGRATION_TABLE })) as [number, string[]];
  for (const name of ran) log.info(`migration applied: ${name}`);
  // What a migration could not finish on the data it found: see gtin-uniqueness.ts.
  await ensureGtinUniqueness(db, log);
  return ran;
}
