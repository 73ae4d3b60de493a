/**
 * Throwaway databases for the schema tests, on the db layer alone (no core, no workers): an empty
 * one to run migrations on by hand, and copies of one migrated database to change on purpose
 * (copying is quicker than migrating again, and each change starts from the real migrated shape).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { createKnex, type Dialect } from '../../electron/core/db/connection';
import { migrateToLatest } from '../../electron/core/db/migrate';
import { silentLogger } from '../../electron/core/logger';
import { createPgDatabase, tempDir, type Engine } from './core';
import { introspectSchema, type LiveSchema } from './schema-introspect';

export type ScratchDatabase = { db: Knex; dialect: Dialect; drop(): Promise<void> };

/** Where a database lives, before anything is connected to it. */
type Place = { kind: 'sqlite'; file: string; drop(): Promise<void> } | { kind: 'pg'; name: string; url: string; drop(): Promise<void> };

async function newPlace(engine: Engine, template?: Place): Promise<Place> {
  if (engine === 'pg') {
    const pg = await createPgDatabase(template?.kind === 'pg' ? template.name : undefined);
    return { kind: 'pg', ...pg };
  }
  const dir = tempDir('stockfeed-schema-');
  const file = path.join(dir, 'stockfeed.sqlite');
  // Copied only while closed: closing the last connection folds the WAL back into the file.
  if (template?.kind === 'sqlite') fs.copyFileSync(template.file, file);
  return { kind: 'sqlite', file, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function open(place: Place): ScratchDatabase {
  const db = createKnex(place.kind === 'pg' ? { kind: 'pg', url: place.url } : { kind: 'sqlite', file: place.file });
  return {
    db,
    dialect: place.kind,
    async drop() {
      await db.destroy();
      await place.drop();
    },
  };
}

/** An empty database: no tables, not even knex's. */
export async function emptyDatabase(engine: Engine): Promise<ScratchDatabase> {
  return open(await newPlace(engine));
}

/**
 * One database migrated to the latest schema and closed; `copy()` gives a throwaway database
 * with the same schema and rows.
 */
export async function migratedTemplate(engine: Engine): Promise<{ copy(): Promise<ScratchDatabase>; drop(): Promise<void> }> {
  const place = await newPlace(engine);
  const db = createKnex(place.kind === 'pg' ? { kind: 'pg', url: place.url } : { kind: 'sqlite', file: place.file });
  try {
    await migrateToLatest(db, silentLogger);
  } finally {
    await db.destroy();
  }
  return { copy: async () => open(await newPlace(engine, place)), drop: () => place.drop() };
}

/** Everything a migration could change: the live schema and every row of every application table. */
export async function snapshot(db: Knex): Promise<{ schema: LiveSchema; rows: Record<string, unknown[]> }> {
  const schema = await introspectSchema(db);
  const rows: Record<string, unknown[]> = {};
  for (const [table, shape] of Object.entries(schema)) {
    rows[table] = (await db(table).select().orderBy(shape.primaryKey.length > 0 ? shape.primaryKey : Object.keys(shape.columns))) as unknown[];
  }
  return { schema, rows };
}
