/**
 * `npm run cli -- suggestions [--supplier X]`: what to order now, by supplier, from the same
 * suggestions the API and the Purchasing screen show.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/run';
import { productInput, startCore, tempDir } from '../helpers/core';

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t) }, {});
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('CLI suggestions', () => {
  const data = tempDir('stockfeed-cli-');
  beforeAll(async () => {
    const core = await startCore('sqlite', { dataDir: data });
    await core.call('products.create', productInput('MUG', { currency: 'EUR' }));
    await core.call('products.create', productInput('VASE', { currency: 'EUR' }));
    const potter = await core.call('suppliers.create', { name: 'Potter & Co', currency: 'EUR' });
    const glass = await core.call('suppliers.create', { name: 'Glassworks', currency: 'EUR' });
    await core.call('products.suppliers.set', { idOrSku: 'MUG', suppliers: [{ supplierId: potter.id, unitCost: '4.00', packSize: 12, preferred: true }] });
    await core.call('products.suppliers.set', { idOrSku: 'VASE', suppliers: [{ supplierId: glass.id, unitCost: '9.50' }] });
    await core.call('products.reorder.set', { idOrSku: 'MUG', reorderPoint: 5, reorderQuantity: 20 });
    await core.call('products.reorder.set', { idOrSku: 'VASE', reorderPoint: 1, reorderQuantity: 2 });
    await core.close();
  });
  afterAll(() => fs.rmSync(data, { recursive: true, force: true }));

  it('lists what to order per supplier, rounded to packs', async () => {
    const all = await cli('suggestions', '--data', data);
    expect(all.code).toBe(0);
    expect(all.out).toMatch(/^Glassworks: 1 product, 19\.00 EUR\n {2}VASE\tat main\torder 2\t/m);
    expect(all.out).toMatch(/^Potter & Co: 1 product, 96\.00 EUR\n {2}MUG\tat main\torder 24\t\(available 0, incoming 0, reorder point 5; 4\.00 each, packs of 12;/m);
    const one = await cli('suggestions', '--supplier', 'Potter & Co', '--data', data);
    expect(one.out).not.toContain('VASE');
    expect(one.out).toContain('MUG');
  });

  it('says when nothing is to order, and refuses an unknown supplier or a stray option', async () => {
    const unknown = await cli('suggestions', '--supplier', 'Nobody', '--data', data);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('No supplier with id or name "Nobody"');
    const stray = await cli('check', '--supplier', 'X', '--data', data);
    expect(stray.code).toBe(2);
    expect(stray.err).toContain('--supplier applies only to suggestions');
    const empty = tempDir('stockfeed-cli-');
    await (await startCore('sqlite', { dataDir: empty })).close();
    const none = await cli('suggestions', '--data', empty);
    expect(none).toMatchObject({ code: 0, out: 'Nothing to order: no product is at or below its reorder point.' });
    fs.rmSync(empty, { recursive: true, force: true });
  });
});
