/**
 * One product per barcode, through every way a GTIN gets in: the product form (the refusal next to
 * the field, naming and linking the other product), the REST API (409 conflict), and the import
 * screen (each row listed by row and column, nothing written). And selling in the shop from the
 * product's stock panel, with messages that name the product and the location.
 */
import path from 'node:path';
import { createKnex } from '../../electron/core/db/connection';
import { apiCall } from './api';
import { expect, test, type StockfeedServer } from './fixtures';

const EAN = '4006381333931';

async function productCount(server: StockfeedServer): Promise<number> {
  return (await apiCall(server, 'products.list', { limit: 500 })).products.length;
}

test('the product form refuses a GTIN another product has, next to the field, naming and linking that product', async ({ page, server }) => {
  await apiCall(server, 'products.create', { sku: 'MUG-BLUE', title: 'Blue mug', price: '12.50', gtin: EAN });
  await page.goto(server.signedInUrl);
  await page.getByRole('link', { name: 'New product' }).click();
  await page.getByLabel('SKU', { exact: true }).fill('MUG-COPY');
  await page.getByLabel('Title', { exact: true }).fill('Copied mug');
  await page.getByLabel('Price', { exact: true }).fill('9.90');
  const gtin = page.getByLabel('GTIN (barcode) (optional)');
  // The same barcode written as a GTIN-14: still the Blue mug's.
  await gtin.fill(`0${EAN}`);
  await page.getByRole('button', { name: 'Create product' }).click();

  await expect(page.getByRole('alert').filter({ hasText: 'The product was not created' })).toBeVisible();
  await expect(gtin).toHaveAttribute('aria-invalid', 'true');
  await expect(gtin).toHaveAccessibleDescription(new RegExp(`GTIN 0${EAN} is already used by "Blue mug" \\(MUG-BLUE\\), as ${EAN}`));
  await expect(gtin).toBeFocused();
  expect(await productCount(server)).toBe(1);
  await page.screenshot({ path: test.info().outputPath('product-form-gtin-taken.png'), fullPage: true });

  // The link opens the other product (after asking, since the new one is not saved).
  await page.getByRole('link', { name: 'Open "Blue mug" (MUG-BLUE)' }).click();
  await page.getByRole('dialog', { name: 'Leave without saving?' }).getByRole('button', { name: 'Leave' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Blue mug' })).toBeVisible();
  await expect(page.getByLabel('GTIN (barcode) (optional)')).toHaveValue(EAN);
});

test('the product form refuses a change to a GTIN another product has, and keeps the product as it was', async ({ page, server }) => {
  await apiCall(server, 'products.create', { sku: 'MUG-BLUE', title: 'Blue mug', price: '12.50', gtin: EAN });
  const red = await apiCall(server, 'products.create', { sku: 'MUG-RED', title: 'Red mug', price: '12.50' });
  await page.goto(server.signedInUrl);
  await page.getByRole('row').filter({ hasText: 'MUG-RED' }).getByRole('link').first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'Red mug' })).toBeVisible();
  const gtin = page.getByLabel('GTIN (barcode) (optional)');
  await gtin.fill(EAN);
  await page.getByRole('button', { name: 'Save changes' }).first().click();
  await expect(gtin).toHaveAccessibleDescription(new RegExp(`GTIN ${EAN} is already used by "Blue mug" \\(MUG-BLUE\\)`));
  await expect(page.getByRole('link', { name: 'Open "Blue mug" (MUG-BLUE)' })).toBeVisible();
  expect((await apiCall(server, 'products.get', { idOrSku: red.id })).gtin).toBeNull();
  // Once the field changes, the message and the link go.
  await gtin.fill('');
  await expect(gtin).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('link', { name: 'Open "Blue mug" (MUG-BLUE)' })).toHaveCount(0);
});

test('the REST API answers 409 conflict naming the product that has the GTIN', async ({ server }) => {
  const blue = await apiCall(server, 'products.create', { sku: 'MUG-BLUE', title: 'Blue mug', price: '12.50', gtin: EAN });
  const headers = { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' };
  const created = await fetch(`${server.origin}/api/v1/products`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ sku: 'MUG-COPY', title: 'Copied mug', price: '9.90', gtin: EAN }),
  });
  expect(created.status).toBe(409);
  expect(await created.json()).toEqual({
    error: {
      code: 'conflict',
      message: `GTIN ${EAN} is already used by "Blue mug" (MUG-BLUE)`,
      details: { field: 'gtin', productId: blue.id, sku: 'MUG-BLUE', title: 'Blue mug', gtin: EAN },
    },
  });
  await apiCall(server, 'products.create', { sku: 'MUG-RED', title: 'Red mug', price: '12.50' });
  const patched = await fetch(`${server.origin}/api/v1/products/MUG-RED`, { method: 'PATCH', headers, body: JSON.stringify({ gtin: `0${EAN}` }) });
  expect(patched.status).toBe(409);
  expect(((await patched.json()) as { error: { details: { sku: string } } }).error.details.sku).toBe('MUG-BLUE');
  expect(await productCount(server)).toBe(2);
});

test('the import screen lists every row whose GTIN another product has, in the file or in the shop, and imports nothing', async ({ page, server }) => {
  await apiCall(server, 'products.create', { sku: 'MUG-BLUE', title: 'Blue mug', price: '12.50', gtin: EAN });
  await page.goto(server.signedInUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Import & export' }).click();
  const csv = ['sku,title,price,gtin', `NEW-1,New mug,5.00,${EAN}`, 'NEW-2,Plate,5.00,036000291452', 'NEW-3,Bowl,5.00,0036000291452', 'NEW-4,Spoon,5.00,'].join('\n');
  await page.getByLabel('CSV file').setInputFiles({ name: 'barcodes.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Check the file' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Nothing was imported' })).toBeVisible();
  const problems = page.getByRole('region', { name: /problems in/ });
  const rows = problems.getByRole('row').filter({ hasText: 'gtin' });
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('2');
  await expect(rows.nth(0)).toContainText(`GTIN ${EAN} is already used by "Blue mug" (MUG-BLUE)`);
  await expect(rows.nth(1)).toContainText('4');
  await expect(rows.nth(1)).toContainText('GTIN 0036000291452 is also on row 3 (NEW-2), as 036000291452');
  await expect(page.getByRole('button', { name: /^Import \d+ rows?$/ })).toHaveCount(0);
  expect(await productCount(server)).toBe(1);
  await page.screenshot({ path: test.info().outputPath('import-gtin-taken.png'), fullPage: true });
});

test('selling in the shop from the product page: a sale movement, and a refusal that names the product and the location', async ({ page, server }) => {
  await apiCall(server, 'locations.create', { code: 'shop', name: 'Shop floor' });
  await apiCall(server, 'products.create', { sku: 'MUG-BLUE', title: 'Blue mug', price: '12.50', gtin: EAN });
  await apiCall(server, 'stock.receive', { sku: 'MUG-BLUE', location: 'shop', quantity: 5 });
  await page.goto(server.signedInUrl);
  await page.getByRole('row').filter({ hasText: 'MUG-BLUE' }).getByRole('link').first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'Blue mug' })).toBeVisible();

  await page.getByText('Sell', { exact: true }).click();
  await page.getByLabel('Quantity sold').fill('2');
  await page.getByLabel('Location', { exact: true }).selectOption({ label: 'Shop floor' });
  await page.getByLabel('Reference (optional)').fill('TILL-0042');
  await page.getByRole('button', { name: 'Record sale' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Sold 2 at Shop floor. Available is now 3.' })).toBeVisible();
  await expect(page.getByTestId('stock-on-hand')).toHaveText('3');
  const ledger = await apiCall(server, 'movements.list', { sku: 'MUG-BLUE' });
  expect(ledger.movements[0]).toMatchObject({ kind: 'sale', quantity: -2, location: 'shop', reference: 'TILL-0042' });

  await page.getByLabel('Quantity sold').fill('4');
  await page.getByRole('button', { name: 'Record sale' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Cannot sell 4 of "Blue mug" (MUG-BLUE): only 3 available at Shop floor' })).toBeVisible();
  await expect(page.getByTestId('stock-on-hand')).toHaveText('3');
});

test('products that shared a barcode before GTINs were unique are shown until fixed: on their page and by the Products filter', async ({ page, server }) => {
  await apiCall(server, 'products.create', { sku: 'MUG-BLUE', title: 'Blue mug', price: '12.50', gtin: EAN });
  await apiCall(server, 'products.create', { sku: 'MUG-RED', title: 'Red mug', price: '12.50' });
  await apiCall(server, 'products.create', { sku: 'PLATE-1', title: 'Plate', price: '5.00' });
  // What an older version could leave: the same barcode on two products (written behind the
  // server's back, as only a database from before could have it).
  const db = createKnex({ kind: 'sqlite', file: path.join(server.dataDir, 'stockfeed.sqlite') });
  try {
    await db.raw('DROP INDEX products_gtin_unique');
    await db('products').where({ sku: 'MUG-RED' }).update({ gtin: `0${EAN}` });
  } finally {
    await db.destroy();
  }

  await page.goto(server.signedInUrl);
  await page.getByRole('row').filter({ hasText: 'MUG-RED' }).getByRole('link').first().click();
  const warning = page.getByRole('status').filter({ hasText: 'This barcode is also on' });
  await expect(warning).toContainText('"Blue mug" (MUG-BLUE)');
  await warning.getByRole('link', { name: 'All products that share a barcode' }).click();
  await expect(page.getByLabel('Barcode')).toHaveValue('shared');
  const rows = page.getByRole('row').filter({ hasText: /MUG-|PLATE-/ });
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('MUG-BLUE');
  await expect(rows.nth(1)).toContainText('MUG-RED');
  // A scan of that barcode finds both: the stock entry screen must ask, never pick one.
  expect((await apiCall(server, 'products.lookup', { code: EAN })).products.map((p) => p.sku)).toEqual(['MUG-BLUE', 'MUG-RED']);

  // Fixed on the Red mug's page: the warning goes, and so does the product from the filter.
  await rows.nth(1).getByRole('link').first().click();
  await page.getByLabel('GTIN (barcode) (optional)').fill('');
  await page.getByRole('button', { name: 'Save changes' }).first().click();
  await expect(page.getByRole('status').filter({ hasText: 'Changes saved.' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'This barcode is also on' })).toHaveCount(0);
  expect((await apiCall(server, 'products.list', { duplicateGtin: true })).products).toEqual([]);
});
