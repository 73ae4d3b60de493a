import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../electron/core/db/migrations/index';
import { INT64_COLUMNS } from '../../electron/core/db/migrations/20261204130000_int64_money_quantities';
import { INT64_COLUMNS as REPLENISHMENT_INT64_COLUMNS } from '../../electron/core/db/migrations/20261204180000_replenishment';
import { INT64_COLUMNS as STOCK_TOTALS_INT64_COLUMNS } from '../../electron/core/db/migrations/20261205010000_product_stock_totals';
import { SCHEMA, type ColumnShape, type IndexShape, type TableShape } from '../../electron/core/db/schema';
import { openCore } from '../../electron/core/core';
import { engines, startCore, type TestCore } from '../helpers/core';
import { schemaDrift } from '../helpers/schema-drift';
import { emptyDatabase, migratedTemplate, snapshot } from '../helpers/scratch-database';
import { seedEveryDataMigrationTouches } from '../helpers/schema-fixtures';

describe.each(engines())('schema on %s', (engine) => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startCore(engine);
  });
  afterAll(async () => core?.cleanup());

  it('matches the schema description exactly: a change without a migration fails here', async () => {
    expect(await schemaDrift(core.db)).toEqual([]);
  });

  it('describes as int64 exactly the money and quantity columns the migration made 64-bit', () => {
    const int64 = Object.entries(SCHEMA).flatMap(([table, { columns }]) =>
      Object.entries(columns).filter(([, c]) => c.type === 'int64').map(([name]) => `${table}.${name}`),
    );
    const made = [INT64_COLUMNS, REPLENISHMENT_INT64_COLUMNS, STOCK_TOTALS_INT64_COLUMNS].flatMap((columns) => Object.entries(columns));
    expect(int64.sort()).toEqual(made.flatMap(([table, names]) => names.map((n) => `${table}.${n}`)).sort());
  });

  it('records every bundled migration once, in order', async () => {
    const applied = (await core.db('knex_migrations').select('name').orderBy('id')) as Array<{ name: string }>;
    expect(applied.map((r) => r.name)).toEqual(MIGRATIONS.map(([name]) => name));
    const names = MIGRATIONS.map(([name]) => name);
    expect([...names].sort()).toEqual(names);
  });

  it('creates the default location with a data migration', async () => {
    const { locations } = await core.call('locations.list', {});
    expect(locations.map((l) => l.code)).toEqual(['main']);
  });

  it('re-opening an up-to-date database applies nothing and keeps data', async () => {
    await core.call('products.create', { sku: 'KEEP-1', title: 'Kept', price: '1.00' });
    const again = await openCore({
      dataDir: core.dataDir,
      databaseUrl: core.config.kind === 'pg' ? core.config.url : undefined,
      expirySweepMs: 0,
    });
    try {
      expect((await again.handlers['products.get']({ idOrSku: 'KEEP-1' })).title).toBe('Kept');
    } finally {
      await again.close();
    }
  });

  it('refuses a database that has migrations this version does not know', async () => {
    await core.db('knex_migrations').insert({ name: '29990101000000_from_the_future', batch: 99, migration_time: new Date() });
    await expect(
      openCore({ dataDir: core.dataDir, databaseUrl: core.config.kind === 'pg' ? core.config.url : undefined, expirySweepMs: 0 }),
    ).rejects.toThrow(/migrations this version of Stockfeed does not know \(29990101000000_from_the_future\)/);
    await core.db('knex_migrations').where({ name: '29990101000000_from_the_future' }).delete();
  });
});

// Each kind of drift, made on purpose in a throwaway copy of a migrated database, is reported by
// name with what schema.ts expects and what the database has.
describe.each(engines())('the drift check on %s', (engine) => {
  let template: Awaited<ReturnType<typeof migratedTemplate>>;
  beforeAll(async () => {
    template = await migratedTemplate(engine);
  });
  afterAll(async () => template?.drop());

  async function driftAfter(change: (db: Knex) => Promise<unknown>, description: Record<string, TableShape> = SCHEMA): Promise<string[]> {
    const copy = await template.copy();
    try {
      await change(copy.db);
      return await schemaDrift(copy.db, description);
    } finally {
      await copy.drop();
    }
  }

  /** schema.ts with one table's description changed. */
  function describedAs(table: string, change: (shape: TableShape) => void): Record<string, TableShape> {
    const copy = structuredClone(SCHEMA);
    change(copy[table] as TableShape);
    return copy;
  }

  it('reports nothing for an untouched copy', async () => {
    expect(await driftAfter(async () => undefined)).toEqual([]);
  });

  it('reports a missing table and a table schema.ts does not know', async () => {
    expect(
      await driftAfter(async (db) => {
        await db.schema.dropTable('stock_count_marks');
        await db.schema.createTable('gift_cards', (t) => {
          t.string('id', 36).primary();
          t.bigInteger('balance_minor').notNullable();
        });
      }),
    ).toEqual(['table stock_count_marks: missing', 'table gift_cards: not in schema.ts (found columns id, balance_minor)']);
  });

  it('reports a missing column and a column schema.ts does not know', async () => {
    expect(
      await driftAfter((db) =>
        db.schema.alterTable('products', (t) => {
          t.dropColumn('mpn');
          t.string('colour', 20).nullable();
        }),
      ),
    ).toEqual(['column products.mpn: missing (expected varchar(70))', 'column products.colour: not in schema.ts (found varchar(20))']);
  });

  it('reports a changed type', async () => {
    expect(await driftAfter((db) => db.schema.alterTable('products', (t) => t.string('brand', 200).notNullable().alter()))).toEqual([
      'column products.brand: type expected varchar(150), found varchar(200)',
    ]);
  });

  it('reports a money column that is no longer 64-bit (on SQLite every INTEGER column is)', async () => {
    expect(await driftAfter((db) => db.schema.alterTable('products', (t) => t.integer('price_minor').notNullable().alter()))).toEqual(
      engine === 'pg' ? ['column products.price_minor: type expected int64 (bigint), found integer'] : [],
    );
  });

  it('reports a changed nullability, both ways', async () => {
    expect(
      await driftAfter((db) =>
        db.schema.alterTable('products', (t) => {
          t.string('mpn', 70).notNullable().alter();
          t.string('brand', 150).nullable().alter();
        }),
      ),
    ).toEqual(['column products.brand: expected NOT NULL, found nullable', 'column products.mpn: expected nullable, found NOT NULL']);
  });

  it('reports a default added, changed or dropped, and not one that schema.ts states', async () => {
    const draft = (db: Knex) => db.schema.alterTable('products', (t) => t.string('status', 16).notNullable().defaultTo('draft').alter());
    expect(await driftAfter(draft)).toEqual(["column products.status: default expected none, found 'draft'"]);
    const active = describedAs('products', (p) => Object.assign(p.columns.status as ColumnShape, { default: 'active' }));
    expect(await driftAfter(draft, active)).toEqual(["column products.status: default expected 'active', found 'draft'"]);
    const sellsOnline = describedAs('locations', (l) => Object.assign(l.columns.sells_online as ColumnShape, { default: true }));
    expect(await driftAfter(async () => undefined, sellsOnline)).toEqual(['column locations.sells_online: default expected true, found none']);
    const setTrue = (db: Knex) => db.schema.alterTable('locations', (t) => t.boolean('sells_online').notNullable().defaultTo(true).alter());
    expect(await driftAfter(setTrue, sellsOnline)).toEqual([]);
  });

  it('reports a missing index, one schema.ts does not know, and one with other columns or uniqueness', async () => {
    expect(
      await driftAfter(async (db) => {
        await db.raw('DROP INDEX products_gtin_index');
        await db.raw('CREATE INDEX products_brand_index ON products (brand)');
        await db.raw('DROP INDEX products_status_index');
        await db.raw('CREATE INDEX products_status_index ON products (status, sku)');
        await db.schema.alterTable('locations', (t) => {
          t.dropUnique(['code'], 'locations_code_unique');
          t.index(['code'], 'locations_code_unique');
        });
      }),
    ).toEqual([
      'index products.products_gtin_index: missing (expected (gtin))',
      'index products.products_status_index: expected (status), found (status, sku)',
      'index products.products_brand_index: not in schema.ts (found (brand))',
      'index locations.locations_code_unique: expected unique (code), found (code)',
    ]);
  });

  it('reports an index that became partial, and not a partial index that schema.ts states', async () => {
    const partial = async (db: Knex) => {
      await db.raw('DROP INDEX products_gtin_index');
      await db.raw("CREATE INDEX products_gtin_index ON products (gtin) WHERE status = 'active'");
    };
    expect(await driftAfter(partial)).toEqual([
      engine === 'pg'
        ? "index products.products_gtin_index: expected (gtin), found (gtin) where ((status)::text = 'active'::text)"
        : "index products.products_gtin_index: expected (gtin), found (gtin) where status = 'active'",
    ]);
    const described = describedAs('products', (p) => Object.assign(p.indexes?.products_gtin_index as IndexShape, { where: "status = 'active'" }));
    expect(await driftAfter(partial, described)).toEqual([]);
  });

  it('reads an index on an expression as written, and reports one on the bare column instead', async () => {
    // SQLite rebuilds a table to drop a column and writes its indexes out again: still the same index.
    expect(await driftAfter((db) => db.schema.alterTable('products', (t) => t.dropColumn('mpn')))).toEqual([
      'column products.mpn: missing (expected varchar(70))',
    ]);
    const where = engine === 'pg' ? '(gtin IS NOT NULL)' : 'gtin IS NOT NULL';
    expect(
      await driftAfter(async (db) => {
        await db.raw('DROP INDEX products_gtin_unique');
        await db.raw('CREATE UNIQUE INDEX products_gtin_unique ON products (gtin) WHERE gtin IS NOT NULL');
      }),
    ).toEqual([`index products.products_gtin_unique: expected unique (ltrim(gtin, '0')) where gtin IS NOT NULL, found unique (gtin) where ${where}`]);
  });

  it('reports a changed primary key', async () => {
    expect(
      await driftAfter((db) =>
        db.schema.alterTable('channel_deliveries', (t) => {
          t.dropPrimary();
          t.primary(['delivery_id']);
        }),
      ),
    ).toEqual(['table channel_deliveries: primary key expected (channel, delivery_id), found (delivery_id)']);
  });

  it('reports a missing foreign key, one schema.ts does not know, and one with another action', async () => {
    expect(
      await driftAfter(async (db) => {
        await db.schema.alterTable('stock_count_marks', (t) => {
          t.dropForeign(['location_id']);
          t.dropForeign(['product_id']);
          t.foreign('product_id').references('products.id').onDelete('CASCADE');
        });
        await db.schema.alterTable('movements', (t) => t.foreign('transfer_id').references('movements.id'));
      }),
    ).toEqual([
      'foreign key movements(transfer_id): not in schema.ts (found references movements(id))',
      'foreign key stock_count_marks(product_id): expected references products(id), found references products(id) on delete cascade',
      'foreign key stock_count_marks(location_id): missing (expected references locations(id))',
    ]);
  });
});

// Ghost's rule: every migration is safe to run twice (by hand, or over a database whose record of
// applied migrations was lost).
describe.each(engines())('migrations on %s', (engine) => {
  it('are each safe to run twice: the second run changes nothing, and the result still matches schema.ts', async () => {
    const scratch = await emptyDatabase(engine);
    const again = async (name: string, up: () => Promise<void>) => {
      try {
        await up();
      } catch (error) {
        throw new Error(`${name} fails when run again: ${(error as Error).message}`, { cause: error });
      }
    };
    try {
      for (const [name, migration] of MIGRATIONS) {
        await migration.up(scratch.db);
        const once = await snapshot(scratch.db);
        await again(name, () => migration.up(scratch.db));
        expect(await snapshot(scratch.db), `${name} changed something when run again`).toEqual(once);
      }
      expect(await schemaDrift(scratch.db)).toEqual([]);

      // All of them again, over the finished schema and rows each data migration looks at.
      await seedEveryDataMigrationTouches(scratch.db);
      const finished = await snapshot(scratch.db);
      for (const [name, migration] of MIGRATIONS) await again(name, () => migration.up(scratch.db));
      expect(await snapshot(scratch.db)).toEqual(finished);
      expect(await schemaDrift(scratch.db)).toEqual([]);
    } finally {
      await scratch.drop();
    }
  });
});
