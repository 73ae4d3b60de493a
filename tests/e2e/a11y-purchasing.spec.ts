/**
 * Accessibility of the purchasing screens (Purchasing, a PO as a draft and while receiving, the
 * product page's purchasing card, the dashboard's), checked by axe-core in light and dark as
 * a11y.spec.ts checks the other screens: no serious or critical violation of WCAG 2.1 A/AA.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { apiCall } from './api';
import { expect, test, type StockfeedServer } from './fixtures';

async function expectAccessible(page: Page, screen: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(results.passes.map((p) => p.id)).toEqual(expect.arrayContaining(['color-contrast', 'document-title']));
    const serious = results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(' | ')}`);
    expect(serious, `${screen} (${colorScheme})`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

async function open(page: Page, server: StockfeedServer, hash: string, heading: string | RegExp): Promise<void> {
  await page.goto(`${server.origin}/#${hash}`);
  await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
  await page.waitForLoadState('networkidle');
}

test('the purchasing screens', async ({ page, server }) => {
  test.setTimeout(180_000);
  await apiCall(server, 'products.create', { sku: 'MUG-1', title: 'Enamel mug', price: '12.50', currency: 'EUR' });
  const supplier = await apiCall(server, 'suppliers.create', { name: 'Potter & Co', currency: 'EUR', minimumOrderValue: '500.00' });
  await apiCall(server, 'products.suppliers.set', { idOrSku: 'MUG-1', suppliers: [{ supplierId: supplier.id, unitCost: '4.00', packSize: 6, preferred: true }] });
  await apiCall(server, 'products.reorder.set', { idOrSku: 'MUG-1', reorderPoint: 3, reorderQuantity: null });
  const late = await apiCall(server, 'purchaseOrders.create', { supplierId: supplier.id, lines: [{ sku: 'MUG-1', quantity: 2, expectedDate: '2020-01-01' }] });
  await apiCall(server, 'purchaseOrders.order', { id: late.id });
  const draft = await apiCall(server, 'purchaseOrders.create', { supplierId: supplier.id, lines: [{ sku: 'MUG-1', quantity: 6 }] });

  await page.goto(server.signedInUrl);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  await open(page, server, '/purchasing', 'Purchasing');
  await expect(page.getByRole('table', { name: 'To order from Potter & Co' })).toBeVisible();
  await expectAccessible(page, 'purchasing');
  await open(page, server, `/purchasing/orders/${draft.id}`, /Purchase order/);
  await expectAccessible(page, 'a draft purchase order');
  await open(page, server, `/purchasing/orders/${late.id}`, /Purchase order/);
  await page.getByLabel('Scan or type a barcode or SKU').fill('MUG-1');
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Arriving now of MUG-1')).toHaveValue('1');
  await expectAccessible(page, 'receiving a purchase order');
  // Not booked: leaving would ask first (unsaved-changes.spec.ts); this test only looks.
  await page.getByLabel('Arriving now of MUG-1').fill('');
  await open(page, server, '/products/MUG-1', 'Enamel mug');
  await expect(page.getByRole('heading', { name: 'Reorder settings' })).toBeVisible();
  await expectAccessible(page, 'product page with purchasing');
  await open(page, server, '/dashboard', 'Dashboard');
  await expect(page.getByRole('region', { name: 'Purchasing' })).toContainText('is late');
  await expectAccessible(page, 'dashboard with purchasing');
});
