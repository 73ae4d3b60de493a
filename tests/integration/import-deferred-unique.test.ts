/**
 * Issue 17 (import speed): when a large import builds the products indexes again at the end, a
 * unique index that the new rows break is the last word. The plan's own GTIN check is switched
 * off here, as if a duplicate had slipped past it: the import must still name the rows and the
 * column, and leave nothing written (no product, no change, the old indexes).
 */
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { importCatalogCsv } from '../../electron/core/catalog/csv-import';

/** The import's DEFER_INDEXES_ROWS: from this many new products it builds the indexes once. */
const DEFER_INDEXES_ROWS = 10_000;
import { num } from '../../electron/core/util/db-helpers';
import { startCore, type TestCore } from '../helpers/core';

vi.mock('../../electron/core/catalog/import-gtins', () => ({ checkImportGtins: async () => undefined }));

/** A GTIN-13 for a number, with its check digit. */
function gtin13(n: number): string {
  const body = `400${String(n).padStart(9, '0')}`;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

const count = async (db: TestCore['db'], table: string) => num(((await db(table).count({ n: '*' })) as Array<{ n: unknown }>)[0]?.n);

describe('a unique index broken by a large import (sqlite)', () => {
  let core: TestCore;
  beforeEach(async () => {
    core = await startCore('sqlite', { webhooks: { worker: false } });
  });
  afterEach(async () => {
    await core.cleanup();
  });

  it('names the rows and the column, and writes nothing', async () => {
    const before = await core.db.raw("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name");
    const lines = ['sku,title,gtin,price,currency,location,on_hand'];
    // Data row i is line i + 1 (the header is row 1); rows 3 and 9,000 carry the same barcode.
    for (let i = 1; i <= DEFER_INDEXES_ROWS; i++) lines.push(`UNQ-${String(i).padStart(6, '0')},Unique vase ${i},${gtin13(i === 9000 ? 3 : i)},9.50,,,2`);
    const report = await importCatalogCsv(core, Readable.from([`${lines.join('\n')}\n`]), { name: 'dup.csv' });
    expect(report.ok).toBe(false);
    expect(report.issues).toEqual([
      { row: 4, column: 'gtin', message: 'the gtin of UNQ-000003 is also the gtin of UNQ-009000; it must be unique' },
      { row: 9001, column: 'gtin', message: 'the gtin of UNQ-009000 is also the gtin of UNQ-000003; it must be unique' },
    ]);
    expect(await count(core.db, 'products')).toBe(0);
    expect(await count(core.db, 'changes')).toBe(0);
    expect(await count(core.db, 'movements')).toBe(0);
    expect(await core.db.raw("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")).toEqual(before);
  });
});
