/**
 * Importing files not written in Stockfeed's own format, through the import screen in Chromium:
 * a Windows-1252 CSV with semicolons and decimal commas (Excel on a German Windows), and a
 * Shopify product export read through the column choices. Screenshots at 1024 and 1366 px.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test, type StockfeedServer } from './fixtures';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/csv');

async function product(server: StockfeedServer, sku: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.origin}/api/v1/products/${sku}`, { headers: { Authorization: `Bearer ${server.token}` } });
  expect(response.status, `GET ${sku}`).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

async function openImport(page: Page, server: StockfeedServer): Promise<void> {
  await page.goto(server.signedInUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Import & export' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Import and export' })).toBeVisible();
}

/** No serious or critical WCAG 2.1 A/AA violation (as tests/e2e/a11y.spec.ts checks), light and dark. */
async function expectAccessible(page: Page): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`), colorScheme).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

async function screenshots(page: Page, name: string): Promise<void> {
  for (const width of [1024, 1366]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: test.info().outputPath(`${name}-${width}.png`), fullPage: true });
  }
}

test('import: a Windows-1252 file with semicolons and decimal commas is detected, previewed with its accents, and imported', async ({ page, server }) => {
  await openImport(page, server);

  // The template: Stockfeed's exact header and one example row.
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download the template' }).click();
  const template = fs.readFileSync(await (await download).path(), 'utf8');
  expect(template.split('\r\n')[0]).toBe(
    'sku,title,description,brand,gtin,mpn,condition,price,currency,sale_price,slug,image_url,status,item_group_id,location,on_hand,cost,supplier,supplier_sku,reorder_point,reorder_quantity,product_type,google_product_category',
  );
  expect((await download).suggestedFilename()).toBe('stockfeed-import-template.csv');

  await page.getByLabel('CSV file').setInputFiles(path.join(fixtures, 'semicolon-windows-1252.csv'));
  await expect(page.getByLabel('Encoding')).toHaveValue('windows-1252');
  await expect(page.getByLabel('Separator')).toHaveValue('semicolon');
  await expect(page.getByLabel('Decimal mark in prices')).toHaveValue('comma');
  await expect(page.getByText('Detected from the file. Excel on Windows; also ISO-8859-1')).toBeVisible();
  const preview = page.getByRole('region', { name: 'First rows of the file' });
  await expect(preview).toContainText('Café crème 250 g');
  await expect(preview).toContainText('Müller Rösterei');
  await expect(preview).toContainText('Preis inkl. MwSt. in €; 100 g');
  await expect(page.getByText("Stockfeed's own header: each column is read as its name says")).toBeVisible();

  // Another separator is the user's to choose: the file is read again with it, and the detection stays in view.
  await page.getByLabel('Separator').selectOption('comma');
  await expect(page.getByText('Detected: Semicolon ( ; )')).toBeVisible();
  await expect(preview.getByRole('columnheader')).toHaveCount(2);
  await expect(page.getByText('Every product needs a column for SKU, Title, Price')).toBeVisible();
  await page.getByLabel('Separator').selectOption('semicolon');
  await expect(preview.getByRole('columnheader', { name: 'sale_price' })).toBeVisible();
  await expect(page.getByLabel('Decimal mark in prices')).toHaveValue('comma');

  await page.getByRole('button', { name: 'Check the file' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'All 3 rows are fine' })).toBeVisible();
  await screenshots(page, 'import-windows-1252');
  await page.getByRole('button', { name: 'Import 3 rows' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Imported 3 rows/ })).toBeVisible();

  expect(await product(server, 'CAFE-001')).toMatchObject({ title: 'Café crème 250 g', brand: 'Müller Rösterei', price: '12.50', salePrice: '9.90' });
  expect(await product(server, 'TEE-GRUEN')).toMatchObject({ description: 'Preis inkl. MwSt. in €; 100 g', price: '1234.00' });
});

test('import: a Shopify product export is mapped by its preset, a column changed by hand, the skipped rows listed, and imported', async ({ page, server }) => {
  await openImport(page, server);
  await page.getByLabel('CSV file').setInputFiles(path.join(fixtures, 'shopify-products-export.csv'));
  await expect(page.getByLabel('Kind of file')).toHaveValue('shopify');
  await expect(page.getByLabel('Kind of file').locator('option:checked')).toHaveText('Shopify export');

  // Rows are numbered by the line they start on (the first product's description spans two lines),
  // as the skipped rows and the problems are.
  const preview = page.getByRole('region', { name: 'First rows of the file' });
  await expect(preview.getByRole('row').nth(4).getByRole('cell').first()).toHaveText('6');
  const columns = page.getByRole('region', { name: 'Columns of the file' });
  await expect(columns).toBeVisible();
  await expect(page.getByLabel('Stockfeed field for Variant SKU')).toHaveValue('sku');
  await expect(page.getByLabel('Stockfeed field for Handle')).toHaveValue('item_group_id');
  await expect(page.getByLabel('Stockfeed field for Variant Compare At Price')).toHaveValue('compare_at_price');
  await expect(page.getByLabel('Stockfeed field for Tags')).toHaveValue('');
  // The owner does not want Shopify's Google MPN in Stockfeed.
  await page.getByLabel('Stockfeed field for Google Shopping / MPN').selectOption('');
  await screenshots(page, 'import-shopify-columns');

  await page.getByRole('button', { name: 'Check the file' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'All 8 rows are fine' })).toBeVisible();
  await page.getByText('2 rows will be skipped').click();
  const skipped = page.getByRole('region', { name: 'Skipped rows' });
  await expect(skipped.getByRole('row').filter({ hasText: /^6/ })).toContainText('an image of organic-cotton-tee');
  await expect(skipped.getByRole('row').filter({ hasText: /^9/ })).toContainText('enamel-pin has no SKU');
  await screenshots(page, 'import-shopify-checked');
  await expectAccessible(page);

  await page.getByRole('button', { name: 'Import 8 rows' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Imported 8 rows/ })).toBeVisible();
  expect(await product(server, 'TEE-ORG-M')).toMatchObject({ title: 'Organic Cotton Tee - M', itemGroupId: 'organic-cotton-tee', price: '29.00', salePrice: '24.00' });
  expect(await product(server, 'TEE-ORG-S')).toMatchObject({ mpn: null, gtin: '5901234123457' });
  expect(await product(server, 'MUG-STONE-350')).toMatchObject({ itemGroupId: null });
});

test('import: Shopify rows sold below zero import their products without the count, listed apart from the skipped rows', async ({ page, server }) => {
  await openImport(page, server);
  const csv = [
    'Handle,Title,Variant SKU,Variant Inventory Qty,Variant Price',
    'oversold-lamp,Oversold lamp,E2E-OVER-LAMP,-4,30.00',
    'oversold-vase,Oversold vase,E2E-OVER-VASE,-1,12.00',
    'fine-cup,Fine cup,E2E-FINE-CUP,3,5.00',
  ].join('\n');
  await page.getByLabel('CSV file').setInputFiles({ name: 'products_export.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page.getByLabel('Kind of file')).toHaveValue('shopify');

  await page.getByRole('button', { name: 'Check the file' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'All 3 rows are fine' })).toBeVisible();
  // The products are imported: nothing reads as skipped.
  await expect(page.getByText(/skipped/)).toHaveCount(0);
  await page.getByText('2 products will be imported without their count — count them and record the stock').click();
  const leftOut = page.getByRole('region', { name: 'Products imported without their count' });
  await expect(leftOut.getByRole('row').filter({ hasText: /^2/ })).toContainText('E2E-OVER-LAMP: Shopify says -4: it oversold');
  await expect(leftOut.getByRole('row').filter({ hasText: /^3/ })).toContainText('E2E-OVER-VASE: Shopify says -1: it oversold');
  await expectAccessible(page);

  await page.getByRole('button', { name: 'Import 3 rows' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Imported 3 rows/ })).toBeVisible();
  await expect(page.getByText('2 products were imported without their count — count them and record the stock')).toBeVisible();
  expect(await product(server, 'E2E-OVER-LAMP')).toMatchObject({ price: '30.00', stock: { onHand: 0 } });
  expect(await product(server, 'E2E-FINE-CUP')).toMatchObject({ stock: { onHand: 3 } });
});
