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
  await expect(page.getByTestId('at-or-below-buffer')).toHaveText('0');
  await expect(page.getByTestId('low-stock')).toHaveText('0');
  await expect(page.getByTestId('latest-movement')).toHaveCount(1);
  await page.evaluate(() => {
    (globalThis as unknown as PageGlobals).notReloaded = true;
  });

  // Stock changes made elsewhere arrive through the change stream.
  await apiCall(server, 'stock.receive', { sku: 'VASE-1', quantity: 2, reference: 'PO-7' });
  await expect(value).toHaveText(/431\.00/);
  await expect(page.getByTestId('out-of-stock')).toHaveText('0');
  await expect(page.getByTestId('at-or-below-buffer')).toHaveText('1');
  await expect(page.getByTestId('low-stock')).toHaveText('1');
  await expect(page.getByTestId('latest-movement')).toHaveCount(2);
  await expect(page.getByTestId('latest-movement').first()).toContainText('Glass vase');
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

test('latest movements name each product on one line, with the location, kind and change; low stock counts even with a buffer of 0', async ({ page, server }) => {
  await apiCall(server, 'locations.create', { code: 'shop', name: 'Shop floor', sellsOnline: false });
  await apiCall(server, 'products.create', { sku: 'LAMP-1', title: 'Desk lamp', price: '40.00' });
  await apiCall(server, 'products.create', {
    sku: 'THROW-WOOL-GREY',
    title: 'Wool throw blanket, grey herringbone, extra large, hand-woven in Wales',
    price: '120.00',
  });
  await apiCall(server, 'products.create', { sku: 'VASE-1', title: 'Glass vase', price: '15.50', bufferStock: 4 });
  await apiCall(server, 'stock.receive', { sku: 'LAMP-1', quantity: 3 });
  await apiCall(server, 'stock.receive', { sku: 'THROW-WOOL-GREY', quantity: 12, location: 'shop', reference: 'PO-2231, delivered by the carrier in two parcels' });
  await apiCall(server, 'stock.receive', { sku: 'VASE-1', quantity: 4 });
  await apiCall(server, 'stock.adjust', { sku: 'THROW-WOOL-GREY', quantity: -2, location: 'shop', reason: 'moth damage' });

  await page.setViewportSize({ width: 1024, height: 900 });
  await page.goto(server.signedInUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
  const rows = page.getByTestId('latest-movement');
  await expect(rows).toHaveCount(4);
  const newest = rows.first();
  await expect(newest).toContainText('Wool throw blanket');
  await expect(newest).toContainText('Adjusted');
  await expect(newest).toContainText('Shop floor');
  await expect(newest).toContainText('−2');
  // The full name (and SKU) is the link's tooltip; the row stays one line however long the name.
  const name = newest.getByRole('link', { name: /Wool throw blanket/ });
  await expect(name).toHaveAttribute('title', 'Wool throw blanket, grey herringbone, extra large, hand-woven in Wales (THROW-WOOL-GREY)');
  await expect(rows.nth(1)).toContainText('Glass vase');
  await expect(rows.nth(3)).toContainText('Desk lamp');
  await expect(rows.nth(3)).toContainText('Main warehouse');
  for (const row of await rows.all()) expect((await row.boundingBox())?.height).toBeLessThan(44);

  // The shop's buffer is 0: nothing is held back, yet the lamp (3 available) is low on stock, and
  // so is the vase, at its own buffer of 4; the throw (10 available) is not.
  await expect(page.getByTestId('low-stock')).toHaveText('2');
  await expect(page.getByTestId('at-or-below-buffer')).toHaveText('1');
  await expect(page.getByText('Listed as out of stock in your feed')).toBeVisible();
  await apiCall(server, 'stock.adjust', { sku: 'THROW-WOOL-GREY', quantity: -6, location: 'shop', reason: 'sold at a market' });
  await expect(page.getByTestId('low-stock')).toHaveText('3');
  // A reorder point replaces the fixed line: the throw (4 at the shop) is above its point of 3, and
  // the lamp (3 available) is at or below its point of 20.
  await apiCall(server, 'products.reorder.set', { idOrSku: 'THROW-WOOL-GREY', location: 'shop', reorderPoint: 3, reorderQuantity: 10 });
  await expect(page.getByTestId('low-stock')).toHaveText('2');
  await apiCall(server, 'stock.receive', { sku: 'LAMP-1', quantity: 9 });
  await expect(page.getByTestId('low-stock')).toHaveText('1');
  await apiCall(server, 'products.reorder.set', { idOrSku: 'LAMP-1', location: 'main', reorderPoint: 20, reorderQuantity: 10 });
  await expect(page.getByTestId('low-stock')).toHaveText('2');
  await page.screenshot({ path: test.info().outputPath('dashboard-1024.png'), fullPage: true });
  // Above its buffer again: none at or below, and the card does not claim that nothing is kept back
  // (the vase still keeps its 4).
  await apiCall(server, 'stock.receive', { sku: 'VASE-1', quantity: 6 });
  await expect(page.getByTestId('at-or-below-buffer')).toHaveText('0');
  await expect(page.getByText('None. The shop’s buffer is 0; only products with a buffer of their own keep units back.')).toBeVisible();
  await expect(page.getByText('nothing is kept back')).toHaveCount(0);
});

test('the publishing card is not green while a shop setting leaves every product out, and turns when it is set', async ({ page, server }) => {
  await apiCall(server, 'products.create', { sku: 'LAMP-1', title: 'Desk lamp', price: '40.00', brand: 'Acme', imageUrl: 'https://shop.example.com/lamp.jpg', description: 'A desk lamp.' });
  await page.goto(server.signedInUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
  const state = page.getByTestId('publishing-state');
  // No product page URL template and no shop URL: no product has a problem of its own (withIssues 0).
  await expect(state).toHaveText('Up to date, but a shop setting is missing or wrong, and it affects every product. See Publishing.', { timeout: 20_000 });
  await expect(state).toHaveClass(/is-warn/);
  const settings = await apiCall(server, 'settings.get', {});
  await apiCall(server, 'settings.update', { ...settings, shopUrl: 'https://shop.example.com', productUrlTemplate: 'https://shop.example.com/p/{slug}' });
  await expect(state).toHaveText('Up to date: the published files follow every stock change.', { timeout: 20_000 });
});
