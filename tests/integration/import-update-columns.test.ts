/**
 * Issue 17 (import speed): an import's updates set only the columns each product's row changes.
 * Setting a column rewrites its index entries whether the value changed or not, and products has
 * many indexes; a price list that changes prices must not rewrite titles, slugs and GTINs too.
 */
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCatalogCsv } from '../../electron/core/catalog/csv-import';
import { engines, startCore, type TestCore } from '../helpers/core';

const HEADER = 'sku,title,gtin,price,currency,location,on_hand';

for (const engine of engines()) {
  describe(`import updates (${engine})`, () => {
    let core: TestCore;
    beforeEach(async () => {
      core = await startCore(engine, { webhooks: { worker: false } });
    });
    afterEach(async () => {
      await core.cleanup();
    });

    const run = (lines: string[]) => importCatalogCsv(core, Readable.from([`${[HEADER, ...lines].join('\n')}\n`]), { name: 'u.csv' });

    it('sets only the changed columns, grouped by which, and every row gets its own values', async () => {
      expect(await run(['UPD-1,Mug one,4006381333931,10.00,EUR,,1', 'UPD-2,Mug two,,10.00,EUR,,1', 'UPD-3,Mug three,,10.00,EUR,,1', 'UPD-4,Mug four,,10.00,EUR,,1'])).toMatchObject({ ok: true, created: 4 });

      const statements: string[] = [];
      const onQuery = (q: { sql: string }) => statements.push(q.sql);
      core.db.on('query', onQuery);
      // New prices for 1 and 2, a new title for 3 (and a price), nothing for 4; the GTIN moves from 1 to 2.
      const report = await run(['UPD-1,Mug one,,11.00,EUR,,1', 'UPD-2,Mug two,4006381333931,12.00,EUR,,1', 'UPD-3,Mug 3,,13.00,EUR,,1', 'UPD-4,Mug four,,10.00,EUR,,1']);
      core.db.off('query', onQuery);
      expect(report).toMatchObject({ ok: true, updated: 3, unchanged: 1 });

      // An UPDATE from the rows' JSON on both engines (jsonb_each on SQLite,
      // json_populate_recordset on PostgreSQL, which was an upsert of every column), naming only
      // the columns set (the GTIN moving off product 1 first is a statement of its own).
      const updates = statements.filter((s) => /^update "products" (as t )?set .* from (jsonb_each|json_populate_recordset)/is.test(s));
      // 1 and 2 change the same columns: one statement for both.
      const sets = updates.map((s) => [...s.slice(0, s.toLowerCase().indexOf(' from ')).matchAll(/"(\w+)" = (?:j\."\w+"|j\.value->>[1-9])/g)].map((m) => m[1]).sort());
      expect(sets).toEqual([
        ['gtin', 'price_minor', 'updated_at'],
        ['price_minor', 'title', 'updated_at'],
      ]);

      const products = (await core.db('products').select('sku', 'title', 'gtin', 'price_minor', 'slug').orderBy('sku')) as Array<Record<string, unknown>>;
      expect(products.map((p) => [p.sku, p.title, p.gtin, Number(p.price_minor), p.slug])).toEqual([
        ['UPD-1', 'Mug one', null, 1100, 'mug-one'],
        ['UPD-2', 'Mug two', '4006381333931', 1200, 'mug-two'],
        ['UPD-3', 'Mug 3', null, 1300, 'mug-three'],
        ['UPD-4', 'Mug four', null, 1000, 'mug-four'],
      ]);
      expect((await core.checkLedger()).ok).toBe(true);
    });

    it('stores every kind of value an update sets as the file gives it: text with quotes and emoji, null, a status, a sale price', async () => {
      const header = 'sku,title,description,brand,mpn,price,sale_price,status,item_group_id,image_url';
      const file = (lines: string[]) => importCatalogCsv(core, Readable.from([`${[header, ...lines].join('\n')}\n`]), { name: 'v.csv' });
      expect(await file(['VAL-1,Mug,plain,Acme,M-1,10.00,,active,G-1,https://example.com/a.jpg', 'VAL-2,Cup,plain,Acme,M-2,10.00,8.00,active,G-1,'])).toMatchObject({ ok: true, created: 2 });
      const report = await file(['VAL-1,Mug,"a ""quoted"" word, ünïcode 😀",Acme,,10.00,7.50,archived,,https://example.com/b.jpg', 'VAL-2,Cup,plain,Other,M-2,10.00,,discontinued,G-2,']);
      expect(report).toMatchObject({ ok: true, updated: 2 });
      const one = await core.call('products.get', { idOrSku: 'VAL-1' });
      const two = await core.call('products.get', { idOrSku: 'VAL-2' });
      expect([one.description, one.mpn, one.salePrice, one.status, one.itemGroupId, one.imageUrl]).toEqual(['a "quoted" word, ünïcode 😀', null, '7.50', 'archived', null, 'https://example.com/b.jpg']);
      expect([two.brand, two.salePrice, two.status, two.itemGroupId, two.imageUrl]).toEqual(['Other', null, 'discontinued', 'G-2', null]);
      expect((await core.checkLedger()).ok).toBe(true);
    });
  });
}
