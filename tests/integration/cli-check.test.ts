import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCatalogCsv } from '../../electron/core/catalog/csv-import';
import { runCli } from '../../electron/cli/run';
import { engines, startCore, type TestCore } from '../helpers/core';

const FIXTURES = path.resolve('tests/fixtures/csv');

/** Runs the CLI in this process against the test core's database, capturing what it prints. */
async function cli(core: TestCore, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const env = { DATABASE_URL: core.config.kind === 'pg' ? core.config.url : undefined };
  const code = await runCli([...args, '--data', core.dataDir], { out: (t) => out.push(t), err: (t) => err.push(t) }, env);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

for (const engine of engines()) {
  describe(`check command (${engine})`, () => {
    let core: TestCore;
    beforeEach(async () => {
      core = await startCore(engine);
      await importCatalogCsv(core, fs.createReadStream(path.join(FIXTURES, 'good.csv')));
    });
    afterEach(async () => {
      await core.cleanup();
    });

    it('prints OK with the number of levels checked when stock equals the ledger', async () => {
      const result = await cli(core, 'check');
      expect(result).toMatchObject({ code: 0, err: '' });
      expect(result.out).toContain('OK: 3 stock levels checked');
    });

    it('finds a stock level written behind the ledger, and exits 1', async () => {
      const red = await core.call('products.get', { idOrSku: 'TEE-RED-M' });
      // Corrupt the stored figure directly, as a buggy writer or a hand edit would.
      await core.db('stock_levels').where({ product_id: red.id }).update({ on_hand: 99 });

      expect(await core.checkLedger()).toEqual({
        ok: false,
        levelsChecked: 3,
        mismatches: [{ sku: 'TEE-RED-M', location: 'main', field: 'onHand', stored: 99, expected: 12 }],
      });
      const result = await cli(core, 'check');
      expect(result.code).toBe(1);
      expect(result.out).toContain('1 mismatch between stock levels and the ledger');
      expect(result.out).toContain('TEE-RED-M at main: onHand is 99, the ledger says 12');
    });

    it("finds a PO line whose received figure disagrees with the receive movements naming it, and names the PO", async () => {
      const supplier = await core.call('suppliers.create', { name: 'Acme Textiles', currency: 'EUR' });
      const draft = await core.call('purchaseOrders.create', { supplierId: supplier.id, lines: [{ sku: 'TEE-RED-M', quantity: 10, unitCost: '4.00' }, { sku: 'TEE-BLUE-M', quantity: 4, unitCost: '4.00' }] });
      const po = await core.call('purchaseOrders.order', { id: draft.id });
      const red = po.lines.find((l) => l.sku === 'TEE-RED-M');
      const blue = po.lines.find((l) => l.sku === 'TEE-BLUE-M');
      if (!red || !blue) throw new Error('the PO lost a line');
      await core.call('purchaseOrders.receive', { id: po.id, lines: [{ lineId: red.id, quantity: 3 }, { lineId: blue.id, quantity: 4 }] });
      expect(await core.checkLedger()).toMatchObject({ ok: true, mismatches: [] });

      // Received bumped by hand and incoming lowered to match it (the level and the product's total): stock levels agree with the open
      // POs, so only the line's own ledger, its receive movements, can show it.
      await core.db('purchase_order_lines').where({ id: red.id }).update({ received: 5 });
      const redId = (await core.call('products.get', { idOrSku: 'TEE-RED-M' })).id;
      await core.db('stock_levels').where({ product_id: redId }).update({ incoming: 5 });
      await core.db('products').where({ id: redId }).update({ total_incoming: 5 });
      // And a receive movement that names the blue line is taken away from it.
      await core.db('movements').where({ purchase_order_line_id: blue.id }).update({ purchase_order_line_id: null });

      const report = await core.checkLedger();
      expect(report.ok).toBe(false);
      expect(report.mismatches).toEqual([
        { sku: 'TEE-RED-M', location: 'main', field: 'received', stored: 5, expected: 3, purchaseOrder: po.number, lineId: red.id },
        { sku: 'TEE-BLUE-M', location: 'main', field: 'received', stored: 4, expected: 0, purchaseOrder: po.number, lineId: blue.id },
      ]);
      const result = await cli(core, 'check');
      expect(result.code).toBe(1);
      expect(result.out).toContain(`TEE-RED-M at main: received on ${po.number} is 5, its receive movements say 3`);
      expect(result.out).toContain(`TEE-BLUE-M at main: received on ${po.number} is 4, its receive movements say 0`);
    });

    it('import and export through the CLI use the same database', async () => {
      const file = path.join(core.dataDir, 'out.csv');
      const exported = await cli(core, 'export', file);
      expect(exported).toMatchObject({ code: 0, err: '' });
      expect(exported.out).toMatch(/^Exported 4 products \(4 rows\) to .*out\.csv\. Time taken: /);

      const dry = await cli(core, 'import', file, '--dry-run');
      expect(dry.code).toBe(0);
      expect(dry.out).toContain('Would create 0, update 0 (4 unchanged) and record 0 stock counts (3 skipped as unchanged). Nothing was written.');

      const bad = await cli(core, 'import', path.join(FIXTURES, 'bad-rows.csv'));
      expect(bad.code).toBe(1);
      expect(bad.err).toContain('bad-rows.csv: 9 problems found; nothing was imported.');
      expect(bad.err).toContain('  row 8, location: no location with code "nowhere"');
    });
  });
}
