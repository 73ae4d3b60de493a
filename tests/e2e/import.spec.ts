import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type StockfeedServer } from './fixtures';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/csv');

async function productCount(server: StockfeedServer): Promise<number> {
  const response = await fetch(`${server.origin}/api/v1/products?limit=500`, { headers: { Authorization: `Bearer ${server.token}` } });
  return ((await response.json()) as { products: unknown[] }).products.length;
}

test('import: a file with bad rows is previewed, every problem is listed by row and column, and nothing is written', async ({ page, server }) => {
  await page.goto(server.signedInUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Import & export' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Import and export' })).toBeVisible();
  // Every optional column is named, the purchasing and category ones too (the list stopped at on_hand).
  await expect(page.getByTestId('import-optional-columns')).toContainText('on_hand, cost, supplier, supplier_sku, reorder_point, reorder_quantity, product_type');

  await page.getByLabel('CSV file').setInputFiles(path.join(fixtures, 'bad-rows.csv'));
  const preview = page.getByRole('region', { name: 'First rows of the file' });
  await expect(preview.getByRole('columnheader', { name: 'gtin' })).toBeVisible();
  await expect(preview).toContainText('Wrong check digit');

  await page.getByRole('button', { name: 'Check the file' }).press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'Nothing was imported' })).toBeVisible();
  // The button gave way to the progress bar: the focus goes to the outcome, not back to the page's top.
  await expect(page.getByRole('alert').filter({ hasText: 'Nothing was imported' })).toBeFocused();
  const problems = page.getByRole('region', { name: /problems in/ });
  const gtinRow = problems.getByRole('row').filter({ hasText: 'gtin' });
  await expect(gtinRow).toContainText('6');
  await expect(gtinRow).toContainText('GTIN check digit is 2 but should be 1');
  const skuRow = problems.getByRole('row').filter({ has: page.getByRole('cell', { name: 'sku', exact: true }) });
  await expect(skuRow).toHaveCount(1);
  await expect(skuRow.getByRole('cell').first()).toHaveText('3');
  // The bad rows are marked in the preview too.
  await expect(preview.getByRole('row').filter({ hasText: 'Wrong check digit' })).toContainText('(has problems)');
  expect(await productCount(server)).toBe(0);
  await page.screenshot({ path: test.info().outputPath('import-errors.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: test.info().outputPath('import-errors-dark.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });

  // A good file: checked, then imported, then summed up; the export carries it.
  await page.getByRole('button', { name: 'Start over' }).click();
  await page.getByLabel('CSV file').setInputFiles(path.join(fixtures, 'good.csv'));
  await page.getByRole('button', { name: 'Check the file' }).click();
  await expect(page.getByRole('status').filter({ hasText: /rows are fine/ })).toBeFocused();
  // New products only: nothing "0 changed" in the summary.
  await expect(page.getByRole('status').filter({ hasText: /rows are fine/ })).not.toContainText('0 changed');
  expect(await productCount(server)).toBe(0);
  await page.getByRole('button', { name: /^Import \d+ rows?$/ }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Imported/ })).toBeFocused();
  expect(await productCount(server)).toBeGreaterThan(0);

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download CSV' }).click();
  const file = await (await download).path();
  const csv = fs.readFileSync(file, 'utf8');
  expect(csv.split('\n')[0]).toBe(
    'sku,title,description,brand,gtin,mpn,condition,price,currency,sale_price,slug,image_url,status,item_group_id,location,on_hand,cost,supplier,supplier_sku,reorder_point,reorder_quantity,product_type,google_product_category',
  );
  expect(csv).toContain('TEE-RED-M');
  await expect(page.getByRole('status').filter({ hasText: /Downloaded stockfeed-catalogue-/ })).toBeVisible();
});

test('import: a large file shows its upload progress and can be cancelled before anything is written', async ({ page, server }) => {
  const rows = Array.from({ length: 60_000 }, (_, i) => `BULK-${String(i).padStart(6, '0')},Bulk product ${i} with a title long enough to be realistic,${(i % 90) + 1}.99,main,${i % 40}`);
  const body = Buffer.from(`sku,title,price,location,on_hand\n${rows.join('\n')}\n`);
  expect(body.length).toBeGreaterThan(4 * 1024 * 1024);

  await page.goto(server.signedInUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Import & export' }).click();
  await page.getByLabel('CSV file').setInputFiles({ name: 'bulk.csv', mimeType: 'text/csv', buffer: body });
  await expect(page.getByRole('region', { name: 'First rows of the file' })).toContainText('BULK-000000');

  // A slow line (1 MB/s up), as from a shop's connection to a remote server.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 1024 * 1024 });
  await page.getByRole('button', { name: 'Check the file' }).click();
  const bar = page.getByRole('progressbar');
  await expect(bar).toBeVisible();
  await expect(page.getByText(/Sending bulk\.csv: [\d.]+ (kB|MB) of [\d.]+ MB/)).toBeVisible();
  await expect.poll(async () => Number(await bar.getAttribute('value')), { timeout: 10_000 }).toBeGreaterThan(0);
  await page.screenshot({ path: test.info().outputPath('import-progress.png') });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'The import was cancelled; nothing was written.' })).toBeVisible();
  await expect(bar).toHaveCount(0);

  // At full speed the whole file is checked: 60,000 rows, all fine, still nothing written.
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await page.getByRole('button', { name: 'Check the file' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'All 60,000 rows are fine' })).toBeVisible({ timeout: 60_000 });
  expect(await productCount(server)).toBe(0);
});
