/**
 * The Products screen in daily use: status tabs with counts, shift-click ranges, "select all N
 * matching" changing a few thousand products with a progress bar, export of the filtered list,
 * delete (refused for a product with stock history, with Archive instead), duplicate, and opening
 * stock on the new-product form.
 */
import fs from 'node:fs';
import { apiCall } from './api';
import { expect, test, type StockfeedServer } from './fixtures';

async function importCsv(server: StockfeedServer, csv: string): Promise<void> {
  const response = await fetch(`${server.origin}/api/v1/catalog/import.csv?name=seed.csv`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'text/csv' },
    body: csv,
  });
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ ok: true });
}

test('tabs with counts, shift-click ranges, and every matching product changed with a progress bar', async ({ page, server }) => {
  const rows = ['sku,title,price,currency,status,location,on_hand'];
  for (let i = 1; i <= 3000; i++) rows.push(`BOWL-${String(i).padStart(4, '0')},Stoneware bowl ${i},20.00,USD,${i % 100 === 0 ? 'discontinued' : 'active'},main,${i % 5}`);
  rows.push('OLD-1,Old bowl,9.00,USD,archived,main,0');
  await importCsv(server, `${rows.join('\n')}\n`);

  await page.goto(server.signedInUrl);
  const table = page.getByRole('table', { name: 'Products' });
  const tab = (name: string) => page.getByRole('tab', { name: new RegExp(`^${name}`) });
  // The default tab is Active: archived products are not in it.
  await expect(tab('Active')).toHaveAttribute('aria-selected', 'true');
  await expect(tab('Active')).toHaveText(/Active\s*2,970/);
  await expect(tab('Discontinued')).toHaveText(/Discontinued\s*30/);
  await expect(tab('Archived')).toHaveText(/Archived\s*1/);
  await expect(tab('All')).toHaveText(/All\s*3,001/);
  await expect(page.getByText('2,970 products')).toBeVisible();
  await expect(page.getByTestId('list-position')).toHaveText(/^1–\d+ of 2,970$/);
  await expect(table.getByText('OLD-1')).toHaveCount(0);
  await tab('Archived').click();
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table.getByRole('row').nth(1)).toContainText('OLD-1');
  // The tabs follow the search.
  await page.getByLabel('Search products').fill('bowl 10');
  await expect(tab('Active')).toHaveText(/Active\s*109/);
  await expect(tab('Discontinued')).toHaveText(/Discontinued\s*2/);
  await page.getByLabel('Search products').fill('');
  await tab('Active').click();
  await expect(table.getByRole('row').nth(1)).toContainText('BOWL-0001');

  // Shift-click selects the range from the last box clicked; Ctrl-click on a row toggles it.
  await page.getByRole('checkbox', { name: 'Select BOWL-0002' }).click();
  await page.getByRole('checkbox', { name: 'Select BOWL-0006' }).click({ modifiers: ['Shift'] });
  await expect(page.getByText('5 selected')).toBeVisible();
  for (const n of [2, 3, 4, 5, 6]) await expect(page.getByRole('checkbox', { name: `Select BOWL-000${n}` })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'Select BOWL-0001' })).not.toBeChecked();
  await table.getByRole('row').filter({ hasText: 'BOWL-0004' }).getByRole('cell').nth(4).click({ modifiers: ['ControlOrMeta'] });
  await expect(page.getByText('4 selected')).toBeVisible();
  await expect(page.getByRole('checkbox', { name: 'Select BOWL-0004' })).not.toBeChecked();
  await page.getByRole('button', { name: 'Clear selection' }).click();

  // The header box ticks the rows on screen; the banner then offers the whole list.
  await page.getByRole('checkbox', { name: 'Select the products on screen' }).check();
  await page.getByRole('button', { name: 'Select all 2,970 products in this list' }).click();
  await expect(page.getByText('All 2,970 products in this list are selected.')).toBeVisible();
  await expect(page.getByText('2,970 selected')).toBeVisible();
  await page.getByRole('button', { name: 'Price or status…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Change 2,970 products' });
  await dialog.getByLabel('Change every price by a percentage').check();
  await dialog.getByLabel('Change by (%)').fill('-10');
  await dialog.getByRole('button', { name: 'Apply to 2,970 products' }).click();
  // A progress bar while the core works through the batches; it carries on when the screen is left.
  await expect(page.getByRole('progressbar', { name: /Changing the price of 2,970 products/ })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('bulk-progress.png') });
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await page.getByRole('link', { name: 'Products', exact: true }).click();
  await expect(page.getByText('2,970 of 2,970 products given the new price.')).toBeVisible({ timeout: 30_000 });
  await expect(table.getByRole('row').nth(1)).toContainText('$18.00');
  expect((await apiCall(server, 'products.get', { idOrSku: 'BOWL-2999' })).price).toBe('18.00');
  // Discontinued and archived products were not in the list, so not changed.
  expect((await apiCall(server, 'products.get', { idOrSku: 'BOWL-0100' })).price).toBe('20.00');
  expect((await apiCall(server, 'products.get', { idOrSku: 'OLD-1' })).price).toBe('9.00');
  await page.screenshot({ path: test.info().outputPath('bulk-done.png') });
});

test('export of the filtered list, delete with its rule, duplicate, and opening stock', async ({ page, server }) => {
  await apiCall(server, 'locations.create', { code: 'shop', name: 'Shop floor' });
  await apiCall(server, 'products.create', { sku: 'CUP-BLUE', title: 'Blue cup', price: '8.00', gtin: '4006381333931', imageUrl: 'https://cdn.example.com/cup.jpg' });
  await apiCall(server, 'products.create', { sku: 'CUP-RED', title: 'Red cup', price: '8.00' });
  await apiCall(server, 'products.create', { sku: 'PLATE-1', title: 'Plate', price: '12.00' });
  await apiCall(server, 'stock.receive', { sku: 'CUP-BLUE', quantity: 4 });

  await page.goto(server.signedInUrl);
  const table = page.getByRole('table', { name: 'Products' });
  await expect(page.getByText('3 products')).toBeVisible();
  // An empty tab says where the products are.
  await page.getByRole('tab', { name: /^Discontinued/ }).click();
  await expect(page.getByText('No discontinued products. The other tabs hold 3.')).toBeVisible();
  await page.getByRole('tab', { name: /^Active/ }).click();

  // Export downloads exactly what is listed.
  await page.getByLabel('Search products').fill('cup');
  await expect(page.getByText('2 matching products')).toBeVisible();
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const download = await downloading;
  const csv = fs.readFileSync((await download.path()) as string, 'utf8');
  expect(csv.trim().split('\n').slice(1).map((line) => line.split(',')[0])).toEqual(['CUP-BLUE', 'CUP-RED']);
  expect(download.suggestedFilename()).toMatch(/^stockfeed-catalogue-\d{4}-\d\d-\d\d\.csv$/);

  // Delete: CUP-BLUE has stock history, so it is refused with Archive instead.
  await page.getByRole('checkbox', { name: 'Select CUP-BLUE' }).check();
  await page.getByRole('button', { name: 'More', exact: true }).click();
  await page.getByRole('button', { name: 'Delete…' }).click();
  await page.getByRole('dialog', { name: 'Delete CUP-BLUE?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'CUP-BLUE has stock history (1 movement); archive it instead.' })).toBeVisible();
  // The dialog's button is gone: the focus is on the way out it offers, not lost on the page.
  await expect(page.getByRole('button', { name: 'Archive instead' })).toBeFocused();
  await page.getByRole('button', { name: 'Archive instead' }).click();
  await expect(table.getByText('CUP-BLUE')).toHaveCount(0);
  expect((await apiCall(server, 'products.get', { idOrSku: 'CUP-BLUE' })).status).toBe('archived');
  // CUP-RED never had stock: it goes.
  await page.getByRole('checkbox', { name: 'Select CUP-RED' }).check();
  await page.getByRole('button', { name: 'More', exact: true }).click();
  await page.getByRole('button', { name: 'Delete…' }).click();
  await page.getByRole('dialog', { name: 'Delete CUP-RED?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByText('CUP-RED was deleted.')).toBeVisible();
  await expect(table.getByText('CUP-RED')).toHaveCount(0);
  // The search for "cup" now finds the archived CUP-BLUE only.
  await expect(page.getByRole('tab', { name: /^All/ })).toHaveText(/All\s*1/);
  await page.getByLabel('Search products').fill('');

  // Duplicate from the product page: a prefilled form that saves nothing until Create.
  await page.goto(`${server.origin}/#/products/CUP-BLUE`);
  await expect(page.getByRole('heading', { level: 1, name: 'Blue cup' })).toBeVisible();
  await page.getByRole('link', { name: 'Duplicate' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'New product' })).toBeVisible();
  await expect(page.getByLabel('Title', { exact: true })).toHaveValue('Copy of Blue cup');
  await expect(page.getByLabel('SKU', { exact: true })).toHaveValue('');
  await expect(page.getByLabel('GTIN (barcode) (optional)')).toHaveValue('');
  await expect(page.getByLabel('Price', { exact: true })).toHaveValue('8.00');
  await expect(page.getByLabel('Image URL (optional)')).toHaveValue('https://cdn.example.com/cup.jpg');
  expect((await apiCall(server, 'products.list', {})).products.map((p) => p.sku)).toEqual(['CUP-BLUE', 'PLATE-1']);

  // Opening stock goes in with the product.
  await page.getByLabel('SKU', { exact: true }).fill('cup-green');
  await page.getByLabel('Title', { exact: true }).fill('Green cup');
  await page.getByLabel('Quantity on hand (optional)').fill('7');
  await page.getByLabel('Location', { exact: true }).selectOption('shop');
  await page.getByRole('button', { name: 'Create product' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Green cup' })).toBeVisible();
  await expect(page.getByTestId('stock-on-hand')).toHaveText('7');
  const created = await apiCall(server, 'stock.get', { sku: 'CUP-GREEN' });
  expect(created.byLocation.map((l) => [l.location, l.onHand])).toEqual([['shop', 7]]);
  expect((await apiCall(server, 'movements.list', { sku: 'CUP-GREEN' })).movements.map((m) => [m.kind, m.reason])).toEqual([['count', 'opening stock']]);
  expect((await apiCall(server, 'products.get', { idOrSku: 'CUP-GREEN' })).gtin).toBeNull();

  // A bad opening quantity is refused next to its field, and nothing is created.
  await page.goto(`${server.origin}/#/products/new`);
  await page.getByLabel('SKU', { exact: true }).fill('cup-grey');
  await page.getByLabel('Title', { exact: true }).fill('Grey cup');
  await page.getByLabel('Price', { exact: true }).fill('8.00');
  await page.getByLabel('Quantity on hand (optional)').fill('-3');
  await page.getByRole('button', { name: 'Create product' }).click();
  await expect(page.getByLabel('Quantity on hand (optional)')).toHaveAccessibleDescription(/Opening stock is 0 or more/);
  await expect(apiCall(server, 'products.get', { idOrSku: 'CUP-GREY' })).rejects.toThrow(/404/);
});
