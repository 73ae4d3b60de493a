/**
 * Issue 17 (import speed): new products without a slug take their title's, or the first free
 * `-2`, `-3`, … For titles shared by several rows (variants), the import reads each title's `-N`
 * family at once. On SQLite that read must be a range of the slug index, not a LIKE (which the
 * index cannot serve: 9,000 variant rows into 100,000 products scanned the table for 11 s), and it
 * must still find exactly the slugs of the family.
 */
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCatalogCsv } from '../../electron/core/catalog/csv-import';
import { startCore, type TestCore } from '../helpers/core';

describe('slug families of new products (sqlite)', () => {
  let core: TestCore;
  beforeEach(async () => {
    core = await startCore('sqlite', { webhooks: { worker: false } });
  });
  afterEach(async () => {
    await core.cleanup();
  });

  it('reads a title’s -N family through the slug index and gives the next free suffixes', async () => {
    const seed = ['sku,title,slug,price', 'S-1,Seed,linen-shirt,10.00', 'S-2,Seed,linen-shirt-2,10.00', 'S-3,Seed,linen-shirt-20,10.00', 'S-4,Seed,linen-shirts,10.00'];
    expect(await importCatalogCsv(core, Readable.from([`${seed.join('\n')}\n`]), { name: 'seed.csv' })).toMatchObject({ ok: true, created: 4 });

    const family: Array<{ sql: string; bindings: unknown[] }> = [];
    const onQuery = (q: { sql: string; bindings?: unknown[] }) => /^select `slug` from `products` where \(/i.test(q.sql) && family.push({ sql: q.sql, bindings: q.bindings ?? [] });
    core.db.on('query', onQuery);
    const variants = ['sku,title,price', 'V-1,Linen shirt,19.90', 'V-2,Linen shirt,19.90', 'V-3,Linen shirt,19.90'];
    expect(await importCatalogCsv(core, Readable.from([`${variants.join('\n')}\n`]), { name: 'v.csv' })).toMatchObject({ ok: true, created: 3 });
    core.db.off('query', onQuery);

    const slugs = (await core.db('products').whereIn('sku', ['V-1', 'V-2', 'V-3']).orderBy('sku').select('slug')) as Array<{ slug: string }>;
    // linen-shirt and linen-shirt-2 are taken; linen-shirt-20 and linen-shirts are not of the family.
    expect(slugs.map((r) => r.slug)).toEqual(['linen-shirt-3', 'linen-shirt-4', 'linen-shirt-5']);

    expect(family).toHaveLength(1);
    const query = family[0] as { sql: string; bindings: unknown[] };
    const plan = (await core.db.raw(`EXPLAIN QUERY PLAN ${query.sql}`, query.bindings as never)) as Array<{ detail: string }>;
    const details = plan.map((p) => p.detail).join(' | ');
    // A search of the index (its ranges), never a scan of the table or of the whole index.
    expect(details).toMatch(/SEARCH products USING (COVERING )?INDEX products_slug_unique/);
    expect(details).not.toMatch(/\bSCAN\b/);
  });
});
