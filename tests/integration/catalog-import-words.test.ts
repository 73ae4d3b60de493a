/**
 * A CSV cell that must be one of a few words (status, condition) and is not: the problem names the
 * row, the column, the words it takes and what the cell held, so the shop finds it in the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, startCore, type TestCore } from '../helpers/core';

describe.each(engines())('word columns in a CSV import on %s', (engine) => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startCore(engine);
  });
  afterAll(async () => core?.cleanup());

  it('quotes the refused status and condition back, by row and column, and writes nothing', async () => {
    const csv = ['sku,title,price,status,condition', 'MUG-1,Mug,5.00,sold,new', 'MUG-2,Mug,5.00,active,Neuware'].join('\n');
    const report = await core.call('catalog.import', { dryRun: false, csv });
    expect(report.ok).toBe(false);
    expect(report.issues).toEqual([
      { row: 2, column: 'status', message: 'status is active, archived or discontinued (found "sold")' },
      { row: 3, column: 'condition', message: 'condition is new, refurbished or used (found "Neuware")' },
    ]);
    expect((await core.call('products.list', { limit: 10 })).products).toEqual([]);
  });
});
