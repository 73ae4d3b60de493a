import { apiCall } from './api';
import { expect, test } from './fixtures';
import type { PageGlobals } from './page-globals';

test('the dashboard figures, charts and latest movements follow a stock change made through the API, without a reload', async ({ page, server }) => {
  await apiCall(server, 'settings.update', { ...(await apiCall(server, 'settings.get', {})), currency: 'EUR', bufferStock: 2 });
  await apiCall(server, 'products.create', { sku: 'LAMP-1', title: 'Desk lamp', price: '40.00', currency: 'EUR' });
  await apiCall(server, 'products.create', { sku: 'VASE-1', title: 'Glass vase', price: '15.50', currency: 'EUR' });
  await apiCall(server, 'stock.receive', { sku: 'LAMP-1', quantity: 10 });

  await page.goto(server.signedInUrl);
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  const value = page.getByTestId('stock-value');
  await expect(value).toHaveText(/400\.00/);
  await expect(page.getByTestId('out-of-stock')).toHaveText('1');
  await expect(page.getByTestId('low-stock')).toHaveText('0');
  await expect(page.getByTestId('latest-movement')).toHaveCount(1);
  await page.evaluate(() => {
    (globalThis as unknown as PageGlobals).notReloaded = true;
  });

  // Stock changes made elsewhere arrive through the change stream.
  await apiCall(server, 'stock.receive', { sku: 'VASE-1', quantity: 2, reference: 'PO-7' });
  await expect(value).toHaveText(/431\.00/);
  await expect(page.getByTestId('out-of-stock')).toHaveText('0');
  await expect(page.getByTestId('low-stock')).toHaveText('1');
  await expect(page.getByTestId('latest-movement')).toHaveCount(2);
  await expect(page.getByTestId('latest-movement').first()).toContainText('VASE-1');
  await apiCall(server, 'stock.adjust', { sku: 'LAMP-1', quantity: -10, reason: 'water damage' });
  await expect(page.getByTestId('out-of-stock')).toHaveText('1');
  await expect(value).toHaveText(/31\.00/);
  await expect(page.getByRole('img', { name: /Stock on hand for the whole shop: .* 2 today/ })).toBeAttached();
  await expect(page.getByText(/3 movements in the last 30 days: 12 units in, 10 units out/)).toBeVisible();
  expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).notReloaded)).toBe(true);

  // One product's history.
  await page.getByLabel('Product SKU').fill('lamp-1');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('img', { name: /Stock on hand for LAMP-1: .* 0 today/ })).toBeAttached();
  await page.getByLabel('Product SKU').fill('NOPE-1');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'No product with SKU NOPE-1' })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('dashboard.png'), fullPage: true });

  // The same screen in the dark theme.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: test.info().outputPath('dashboard-dark.png'), fullPage: true });
});
