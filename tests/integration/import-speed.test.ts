/**
 * Issue 17, the catalogue import at 100,000 rows: the import reports its progress (the core to
 * its caller, the CLI on stderr), writes its products through a few prepared multi-row statements
 * rather than a statement per 500 rows, and still writes the same change log for everything
 * downstream. The speed itself is measured by `npm run bench -- import`.
 */
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/run';
import { importCatalogCsv, type ImportProgress } from '../../electron/core/catalog/csv-import';
import { bulkInsert } from '../../electron/core/db/bulk-insert';
import { num } from '../../electron/core/util/db-helpers';
import type { Change } from '../../shared/schemas/changes';
import fs from 'node:fs';
import path from 'node:path';
import { engines, startCore, type TestCore } from '../helpers/core';

const HEADER = 'sku,title,gtin,price,currency,location,on_hand';

/** `count` new products, each with stock at the default location (every seventh with none). */
function catalogue(count: number, price = '12.50'): string {
  const lines = [HEADER];
  for (let i = 1; i <= count; i++) lines.push(`IMP-${String(i).padStart(5, '0')},Speed mug ${i},,${price},,,${i % 7}`);
  return `${lines.join('\n')}\n`;
}

const inserts = (statements: string[], table: string) => statements.filter((s) => new RegExp(`^insert into [\`"]?${table}[\`"]? `, 'i').test(s)).length;

for (const engine of engines()) {
  describe(`catalogue import at scale (${engine})`, () => {
    let core: TestCore;
    beforeEach(async () => {
      core = await startCore(engine, { webhooks: { worker: false } });
    });
    afterEach(async () => {
      await core.cleanup();
    });

    it('reports progress: rows checked, then products and counts written, up to 100 % when done', async () => {
      const reports: ImportProgress[] = [];
      const report = await importCatalogCsv(core, Readable.from([catalogue(3000)]), { name: 'big.csv', onProgress: (p) => reports.push(p) });
      expect(report).toMatchObject({ ok: true, created: 3000, counts: 3000 });

      const phases = reports.map((p) => p.phase).filter((phase, i, all) => phase !== all[i - 1]);
      expect(phases.slice(-3)).toEqual(['checking', 'writing', 'done']);
      const last = reports[reports.length - 1] as ImportProgress;
      expect(last).toEqual({ phase: 'done', rowsChecked: 3000, written: 6000, toWrite: 6000, percent: 100 });
      const writing = reports.find((p) => p.phase === 'writing');
      expect(writing).toMatchObject({ rowsChecked: 3000, toWrite: 6000 });
      // Never backwards.
      const percents = reports.map((p) => p.percent ?? 0);
      expect(percents).toEqual([...percents].sort((a, b) => a - b));
    });

    it('writes 3,000 products in a few multi-row statements, and the same change log as before', async () => {
      const statements: string[] = [];
      const onQuery = (q: { sql: string }) => statements.push(q.sql);
      const emitted: Change[] = [];
      core.bus.subscribe((changes) => emitted.push(...changes));
      core.db.on('query', onQuery);
      const report = await importCatalogCsv(core, Readable.from([catalogue(3000)]), { name: 'big.csv' });
      core.db.off('query', onQuery);
      expect(report).toMatchObject({ ok: true, created: 3000, counts: 3000 });

      // Through knex, 500 rows a statement: 6 product inserts (the ledger's rows are the stock engine's to write).
      expect(inserts(statements, 'products')).toBeLessThanOrEqual(3);

      // One product.created and one stock.changed per product; availability.changed for each that now has stock.
      const inStock = 3000 - Math.floor(3000 / 7);
      const log = (await core.db('changes').select('type').count({ n: '*' }).groupBy('type')) as Array<{ type: string; n: unknown }>;
      expect(Object.fromEntries(log.map((r) => [r.type, num(r.n)]))).toEqual({ 'product.created': 3000, 'stock.changed': 3000, 'availability.changed': inStock });
      // The bus delivered every entry, in order, after the commit.
      const seqs = ((await core.db('changes').select('seq').orderBy('seq')) as Array<{ seq: unknown }>).map((r) => num(r.seq));
      expect(emitted.map((c) => c.seq)).toEqual(seqs);
      expect(emitted[0]).toMatchObject({ type: 'product.created', sku: 'IMP-00001', payload: { sku: 'IMP-00001', price: '12.50' } });
      expect((await core.checkLedger()).ok).toBe(true);

      // Again with other prices: updates through the upsert, counts unchanged.
      const again = await importCatalogCsv(core, Readable.from([catalogue(3000, '13.00')]), { name: 'big.csv' });
      expect(again).toMatchObject({ ok: true, created: 0, updated: 3000, counts: 0, countsUnchanged: 3000 });
      expect(await core.call('products.get', { idOrSku: 'IMP-02999' })).toMatchObject({ price: '13.00', title: 'Speed mug 2999' });
    });

    it('bulkInsert writes any number of rows with their values as knex would, and returns a column in row order', async () => {
      await core.db.schema.createTable('bulk_probe', (t) => {
        t.increments('seq').primary();
        t.string('name').notNullable().unique();
        t.integer('n');
        t.boolean('flag');
        t.text('note').nullable();
      });
      const rows = Array.from({ length: 4500 }, (_, i) => ({ name: `row-${i}`, n: i, flag: i % 2 === 0, note: i % 3 === 0 ? null : `note "${i}" ✓` }));
      const seqs = await core.queue.exclusive((ctx) => bulkInsert(ctx.trx, 'bulk_probe', ['name', 'n', 'flag', 'note'], rows, { returning: 'seq' }));
      expect(seqs.map(num)).toEqual(rows.map((_, i) => i + 1));
      const stored = (await core.db('bulk_probe').orderBy('seq')) as Array<{ name: string; n: unknown; flag: unknown; note: string | null }>;
      expect(stored).toHaveLength(4500);
      expect(stored[3]).toMatchObject({ name: 'row-3', note: null });
      expect(num(stored[3]?.n)).toBe(3);
      expect(stored[4]?.note).toBe('note "4" ✓');
      expect([true, 1]).toContain(stored[4]?.flag);
      expect([false, 0]).toContain(stored[5]?.flag);

      // An upsert changes only the merged columns.
      await core.queue.exclusive((ctx) =>
        bulkInsert(ctx.trx, 'bulk_probe', ['name', 'n', 'note'], [{ name: 'row-7', n: 70, note: 'kept?' }], { conflict: ['name'], merge: ['n'] }),
      );
      const seven = (await core.db('bulk_probe').where({ name: 'row-7' }).first()) as { n: unknown; note: string };
      expect([num(seven.n), seven.note]).toEqual([70, 'note "7" ✓']);
    });
  });
}

describe('CLI import progress', () => {
  let dir: string;
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('hands the CLI progress lines with rows checked, written and the percentage, the last one final', async () => {
    dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'stockfeed-import-progress-'));
    const file = path.join(dir, 'big.csv');
    fs.writeFileSync(file, catalogue(1500));
    const lines: Array<{ text: string; final: boolean }> = [];
    const out: string[] = [];
    const code = await runCli(['import', file, '--data', dir], { out: (t) => out.push(t), err: () => {}, progress: (text, final) => lines.push({ text, final }) }, {});
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/^Imported big\.csv: 1,500 created/);
    expect(lines.some((l) => /^\d+% writing: 1,500 rows checked, [\d,]+ of 3,000 products and stock counts written$/.test(l.text))).toBe(true);
    expect(lines[lines.length - 1]).toEqual({ text: '100% done: 1,500 rows checked, 3,000 of 3,000 products and stock counts written', final: true });
    expect(lines.filter((l) => l.final)).toHaveLength(1);
  });
});
