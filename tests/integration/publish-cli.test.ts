import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/run';
import { startCore, tempDir } from '../helpers/core';
import { configureShop, goodProduct, parseFeed } from '../fixtures/publish/helpers';

function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  return runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t) }, {}).then((code) => ({ code, out: out.join('\n'), err: err.join('\n') }));
}

describe('npm run cli -- publish', () => {
  let data: string;
  beforeAll(async () => {
    const core = await startCore('sqlite');
    data = core.dataDir;
    await configureShop(core);
    await core.call('products.create', goodProduct('CLI-1'));
    await core.call('products.create', goodProduct('CLI-2', { imageUrl: null }));
    await core.call('stock.receive', { sku: 'CLI-1', quantity: 2 });
    await core.close();
  });
  afterAll(() => fs.rmSync(data, { recursive: true, force: true }));

  it('publishes once, prints what it wrote, and exits 0; a second run leaves unchanged files alone; --full rewrites them', async () => {
    const first = await cli('publish', '--data', data);
    expect(first.code).toBe(0);
    const dir = path.join(data, 'publish');
    expect(first.out).toContain(`Published to ${dir}`);
    expect(first.out).toMatch(/wrote {3}google-merchant\.xml/);
    expect(first.out).toContain('Merchant feed: 1 item (1 listed products left out for a problem).');
    expect(first.out).toContain('1 product has problems');
    expect(parseFeed(path.join(dir, 'google-merchant.xml')).items.map((i) => i['g:id'])).toEqual(['CLI-1']);

    const again = await cli('publish', '--data', data);
    expect(again.code).toBe(0);
    expect(again.out).not.toContain('wrote   google-merchant.xml');
    const full = await cli('publish', '--full', '--data', data);
    expect(full.code).toBe(0);
    expect(full.out).toContain('full rewrite');
    expect(full.out).toMatch(/wrote {3}google-merchant\.xml/);
  });

  it('refuses wrong usage with exit code 2 and a data folder without a database with 1', async () => {
    expect((await cli('publish', 'extra', '--data', data)).code).toBe(2);
    expect((await cli('check', '--full', '--data', data)).code).toBe(2);
    const empty = tempDir();
    const missing = await cli('publish', '--data', empty);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no Stockfeed database');
    fs.rmSync(empty, { recursive: true, force: true });
  });
});
