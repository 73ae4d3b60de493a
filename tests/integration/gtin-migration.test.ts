/**
 * Upgrading a database in which some products already share a barcode: the unique index cannot be
 * built over duplicates, and that must neither fail the migration nor keep the shop from opening.
 * The app opens, names each shared GTIN with its products' SKUs in the log, lists them on request
 * (`products.list` with `duplicateGtin`), refuses any new duplicate, and builds the index at the
 * first start after the owner has fixed them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { openCore, type Core } from '../../electron/core/core';
import type { Logger } from '../../electron/core/logger';
import { contract, type Input, type OperationName, type Output } from '../../shared/contract';
import { parseInput } from '../../shared/validation';
import { engines, productInput, startCore, type Engine, type TestCore } from '../helpers/core';
import { schemaDrift } from '../helpers/schema-drift';

const BLANK_TO_NULL = '20261204140000_gtin_blank_to_null';
const UNIQUE_INDEX = '20261204140100_gtin_unique_index';
const EAN = '4006381333931';
const UPC = '012345678905';
const MISSING_INDEX = "index products.products_gtin_unique: missing (expected unique (ltrim(gtin, '0')) where gtin IS NOT NULL)";

/** Calls an operation of a core opened here, its input parsed by the contract as every host does. */
function call<K extends OperationName>(app: Core, op: K, input: Input<K>): Promise<Output<K>> {
  return (app.handlers[op] as (i: unknown) => Promise<Output<K>>)(parseInput(contract[op].input, input));
}

type Lines = { info: string[]; warn: string[]; error: string[] };

function capturingLogger(): Logger & { lines: Lines } {
  const lines: Lines = { info: [], warn: [], error: [] };
  return { lines, info: (m) => lines.info.push(m), warn: (m) => lines.warn.push(m), error: (m) => lines.error.push(m) };
}

/** The log lines about barcodes (other parts of a start may log too). */
const about = (lines: string[]) => lines.filter((l) => /GTIN|barcode/.test(l));

/** What an earlier Stockfeed leaves: no unique index, migrations not run, products sharing barcodes. */
async function asBeforeTheUpgrade(db: Knex, rows: Array<{ sku: string; gtin: string | null }>): Promise<void> {
  await db.raw('DROP INDEX IF EXISTS products_gtin_unique');
  await db('knex_migrations').whereIn('name', [BLANK_TO_NULL, UNIQUE_INDEX]).delete();
  const template = (await db('products').first()) as Record<string, unknown>;
  for (const [i, row] of rows.entries()) {
    const id = `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
    await db('products').insert({ ...template, id, sku: row.sku, title: `Old ${row.sku}`, slug: row.sku.toLowerCase(), gtin: row.gtin });
  }
}

describe.each(engines())('the GTIN uniqueness migration on %s', (engine: Engine) => {
  let core: TestCore | undefined;
  const opened: Core[] = [];
  afterEach(async () => {
    for (const c of opened.splice(0)) await c.close();
    await core?.cleanup();
    core = undefined;
  });

  async function reopen(log: Logger): Promise<Core> {
    const { config, dataDir } = core as TestCore;
    const again = await openCore({ dataDir, databaseUrl: config.kind === 'pg' ? config.url : undefined, expirySweepMs: 0, logger: log });
    opened.push(again);
    return again;
  }

  it('opens a database with duplicates, reports them, refuses new ones, and adds the index once they are fixed', async () => {
    core = await startCore(engine);
    await core.call('products.create', productInput('TEMPLATE'));
    await asBeforeTheUpgrade(core.db, [
      { sku: 'MUG-A', gtin: EAN },
      { sku: 'MUG-B', gtin: `0${EAN}` },
      { sku: 'CUP-A', gtin: UPC },
      { sku: 'CUP-B', gtin: `0${UPC}` },
      { sku: 'CUP-C', gtin: `00${UPC}` },
      { sku: 'BLANK-A', gtin: '' },
      { sku: 'BLANK-B', gtin: '' },
      { sku: 'ONLY-1', gtin: '96385074' },
    ]);
    await core.close();

    // 1. The upgrade: the app opens and says what it found, each GTIN with the SKUs that share it.
    const log = capturingLogger();
    let app = await reopen(log);
    expect(log.lines.info).toEqual(expect.arrayContaining([`migration applied: ${BLANK_TO_NULL}`, `migration applied: ${UNIQUE_INDEX}`]));
    // By GTIN-14.
    expect(about(log.lines.warn)).toEqual([
      expect.stringMatching(/^2 barcodes \(GTINs\) are used by more than one product/),
      `GTIN ${UPC} (GTIN-14 00${UPC}) is used by 3 products: CUP-A (${UPC}), CUP-B (0${UPC}), CUP-C (00${UPC})`,
      `GTIN ${EAN} (GTIN-14 0${EAN}) is used by 2 products: MUG-A (${EAN}), MUG-B (0${EAN})`,
    ]);
    expect(await schemaDrift(app.db)).toEqual([MISSING_INDEX]);
    // Empty GTINs became NULL (many products may have none); they are not duplicates.
    const blanks = (await app.db('products').select('gtin').whereIn('sku', ['BLANK-A', 'BLANK-B'])) as Array<{ gtin: unknown }>;
    expect(blanks.map((r) => r.gtin)).toEqual([null, null]);

    // 2. The owner can list them, and nothing new can join them.
    const listed = await call(app, 'products.list', { duplicateGtin: true });
    expect(listed.products.map((p) => p.sku)).toEqual(['CUP-A', 'CUP-B', 'CUP-C', 'MUG-A', 'MUG-B']);
    await expect(call(app, 'products.create', productInput('MUG-C', { gtin: EAN }))).rejects.toMatchObject({
      code: 'conflict',
      details: { field: 'gtin', sku: 'MUG-A' },
    });
    await expect(call(app, 'products.update', { idOrSku: 'ONLY-1', gtin: UPC })).rejects.toMatchObject({ code: 'conflict' });
    // A product that shares a barcode from before can still be edited otherwise.
    expect((await call(app, 'products.update', { idOrSku: 'MUG-B', title: 'Mug B' })).title).toBe('Mug B');
    // A scan of a shared barcode finds every product that has it.
    expect((await call(app, 'products.lookup', { code: UPC })).products.map((p) => p.sku)).toEqual(['CUP-A', 'CUP-B', 'CUP-C']);

    // 3. Still duplicates at the next start: reported again, still no index, no failure.
    await app.close();
    opened.pop();
    const second = capturingLogger();
    app = await reopen(second);
    expect(about(second.lines.warn)).toHaveLength(3);
    expect(await schemaDrift(app.db)).toEqual([MISSING_INDEX]);

    // 4. Fixed: the next start builds the index and says so.
    await call(app, 'products.update', { idOrSku: 'MUG-B', gtin: null });
    await call(app, 'products.update', { idOrSku: 'CUP-B', gtin: null });
    await call(app, 'products.update', { idOrSku: 'CUP-C', gtin: '036000291452' });
    expect((await call(app, 'products.list', { duplicateGtin: true })).products).toEqual([]);
    await app.close();
    opened.pop();
    const third = capturingLogger();
    app = await reopen(third);
    expect(about(third.lines.warn)).toEqual([]);
    expect(about(third.lines.info)).toEqual(['No two products share a barcode (GTIN) any more: added the unique index products_gtin_unique']);
    expect(await schemaDrift(app.db)).toEqual([]);

    // 5. From then on, a start has nothing to say about it.
    await app.close();
    opened.pop();
    const fourth = capturingLogger();
    await reopen(fourth);
    expect(about([...fourth.lines.info, ...fourth.lines.warn])).toEqual([]);
  });

  it('adds the index at once to a database without duplicates', async () => {
    core = await startCore(engine);
    await core.call('products.create', productInput('TEMPLATE'));
    await asBeforeTheUpgrade(core.db, [
      { sku: 'MUG-A', gtin: EAN },
      { sku: 'BLANK-A', gtin: '' },
      { sku: 'BLANK-B', gtin: '' },
    ]);
    await core.close();
    const log = capturingLogger();
    const app = await reopen(log);
    // By GTIN-14.
    expect(about(log.lines.warn)).toEqual([]);
    expect(await schemaDrift(app.db)).toEqual([]);
    await expect(call(app, 'products.create', productInput('MUG-C', { gtin: `0${EAN}` }))).rejects.toMatchObject({ code: 'conflict' });
  });
});
