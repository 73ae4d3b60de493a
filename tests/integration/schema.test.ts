import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../electron/core/db/migrations/index';
import * as int64MoneyQuantities from '../../electron/core/db/migrations/20261204130000_int64_money_quantities';
import { SCHEMA, introspectSchema } from '../../electron/core/db/schema';
import { openCore } from '../../electron/core/core';
import { engines, startCore, type TestCore } from '../helpers/core';

async function applicationTables(core: TestCore): Promise<string[]> {
  // Introspection is engine-specific by nature; application queries never are.
  const rows =
    core.config.kind === 'pg'
      ? ((await core.db('information_schema.tables').select('table_name as name').where({ table_schema: 'public' })) as Array<{ name: string }>)
      : ((await core.db('sqlite_master').select('name').where({ type: 'table' })) as Array<{ name: string }>);
  return rows
    .map((r) => r.name)
    .filter((n) => !n.startsWith('knex_') && !n.startsWith('sqlite_'))
    .sort();
}

describe.each(engines())('schema on %s', (engine) => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startCore(engine);
  });
  afterAll(async () => core?.cleanup());

  it('matches the schema description exactly: a change without a migration fails here', async () => {
    expect(await applicationTables(core)).toEqual(Object.keys(SCHEMA).sort());
    expect(await introspectSchema(core.db)).toEqual(SCHEMA);
  });

  it('holds money and quantities in 64-bit columns, and the migration that made them so is safe to run twice', async () => {
    const int64 = Object.entries(SCHEMA).flatMap(([table, columns]) => Object.entries(columns).filter(([, c]) => c.int64).map(([name]) => `${table}.${name}`));
    expect(int64.sort()).toEqual(
      Object.entries(int64MoneyQuantities.INT64_COLUMNS).flatMap(([table, names]) => names.map((n) => `${table}.${n}`)).sort(),
    );
    await int64MoneyQuantities.up(core.db);
    await int64MoneyQuantities.up(core.db);
    expect(await introspectSchema(core.db)).toEqual(SCHEMA);
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
