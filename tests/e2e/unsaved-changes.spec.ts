/**
 * Unsaved edits are never thrown away: leaving a changed product form by a menu link, Ctrl+K, a
 * reload or closing the tab asks first; the save bar saves or discards. The settings form too.
 */
import type { Page } from '@playwright/test';
import { apiCall } from './api';
import { expect, test, type StockfeedServer } from './fixtures';

async function openMug(page: Page, server: StockfeedServer): Promise<void> {
  await apiCall(server, 'products.create', { sku: 'MUG-1', title: 'Blue mug', price: '12.50', currency: 'EUR' });
  await page.goto(server.signedInUrl);
  await page.getByRole('link', { name: 'Blue mug' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Blue mug' })).toBeVisible();
}

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

test('leaving a changed product form by a menu link or Ctrl+K asks; Stay keeps the edits, Leave drops them', async ({ page, server }) => {
  await openMug(page, server);
  const title = page.getByLabel('Title', { exact: true });
  const saveBar = page.getByRole('region', { name: 'Unsaved changes' });
  await expect(saveBar).toHaveCount(0);

  // Nothing changed: leaving does not ask.
  await nav(page).getByRole('link', { name: 'Dashboard' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await page.goBack();
  await expect(title).toHaveValue('Blue mug');

  await title.fill('Blue enamel mug');
  await expect(saveBar).toBeVisible();
  await expect(saveBar).toContainText('Unsaved changes');

  // A menu link asks; Stay keeps the page and what was typed.
  await nav(page).getByRole('link', { name: 'Dashboard' }).click();
  const leave = page.getByRole('dialog', { name: 'Leave without saving?' });
  await expect(leave).toBeVisible();
  await expect(leave.getByRole('button', { name: 'Stay' })).toBeFocused();
  await page.screenshot({ path: test.info().outputPath('leave-dialog.png') });
  await leave.getByRole('button', { name: 'Stay' }).click();
  await expect(leave).toBeHidden();
  await expect(page.getByRole('heading', { level: 1, name: 'Blue mug' })).toBeVisible();
  await expect(title).toHaveValue('Blue enamel mug');

  // Ctrl+K (search) asks too; Esc is Stay.
  await page.keyboard.press('Control+k');
  await expect(leave).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(leave).toBeHidden();
  await expect(title).toHaveValue('Blue enamel mug');
  await page.keyboard.press('Control+k');
  await leave.getByRole('button', { name: 'Leave' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  await expect(page.getByLabel('Search products')).toBeFocused();

  // Leave dropped the edit: nothing was saved.
  expect((await apiCall(server, 'products.get', { idOrSku: 'MUG-1' })).title).toBe('Blue mug');
  await page.getByRole('link', { name: 'Blue mug' }).click();
  await expect(page.getByLabel('Title', { exact: true })).toHaveValue('Blue mug');
  await expect(saveBar).toHaveCount(0);
});

test('the save bar saves, and discards after asking', async ({ page, server }) => {
  await openMug(page, server);
  const title = page.getByLabel('Title', { exact: true });
  const saveBar = page.getByRole('region', { name: 'Unsaved changes' });

  // Changing a field back to what was saved is no change.
  await title.fill('Blue mugs');
  await expect(saveBar).toBeVisible();
  await title.fill('Blue mug');
  await expect(saveBar).toHaveCount(0);

  await title.fill('Blue enamel mug');
  await page.getByLabel('Brand (optional)').fill('Fjord & Field');
  await page.screenshot({ path: test.info().outputPath('save-bar.png') });
  await saveBar.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Changes saved.' })).toBeVisible();
  await expect(saveBar).toHaveCount(0);
  expect(await apiCall(server, 'products.get', { idOrSku: 'MUG-1' })).toMatchObject({ title: 'Blue enamel mug', brand: 'Fjord & Field' });
  // Saved: leaving does not ask.
  await nav(page).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await page.goBack();

  // Discard asks; Keep editing keeps the edit, Discard changes puts the saved values back.
  await title.fill('Green mug');
  await saveBar.getByRole('button', { name: 'Discard' }).click();
  const discard = page.getByRole('dialog', { name: 'Discard all unsaved changes?' });
  await discard.getByRole('button', { name: 'Keep editing' }).click();
  await expect(title).toHaveValue('Green mug');
  await saveBar.getByRole('button', { name: 'Discard' }).click();
  await discard.getByRole('button', { name: 'Discard changes' }).click();
  await expect(title).toHaveValue('Blue enamel mug');
  await expect(saveBar).toHaveCount(0);

  // Ctrl+S saves from the keyboard.
  await title.fill('Teal mug');
  await page.keyboard.press('Control+s');
  await expect(page.getByRole('status').filter({ hasText: 'Changes saved.' })).toBeVisible();
  expect((await apiCall(server, 'products.get', { idOrSku: 'MUG-1' })).title).toBe('Teal mug');
});

test('closing or reloading the tab with a changed form asks (beforeunload)', async ({ page, server }) => {
  await openMug(page, server);
  const title = page.getByLabel('Title', { exact: true });
  const dialogs: string[] = [];

  // Unchanged: a reload does not ask.
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.type());
    // The first question is answered Stay; the later ones Leave.
    void (dialogs.length === 1 ? dialog.dismiss() : dialog.accept());
  });
  await page.reload();
  await expect(title).toHaveValue('Blue mug');
  expect(dialogs).toEqual([]);

  await title.fill('Blue enamel mug');
  // Stay: the reload is cancelled, and the edit is still there.
  await page.reload({ timeout: 3_000 }).catch(() => undefined);
  await expect.poll(() => dialogs).toEqual(['beforeunload']);
  await expect(title).toHaveValue('Blue enamel mug');

  // Closing the tab asks too; Leave closes it.
  await page.close({ runBeforeUnload: true });
  await expect.poll(() => dialogs).toEqual(['beforeunload', 'beforeunload']);
  await expect.poll(() => page.isClosed()).toBe(true);
  expect((await apiCall(server, 'products.get', { idOrSku: 'MUG-1' })).title).toBe('Blue mug');
});

test('a new product form asks before its typing is lost, and not once the product is created', async ({ page, server }) => {
  await page.goto(server.signedInUrl);
  await page.getByRole('link', { name: 'New product' }).click();
  await page.getByLabel('SKU', { exact: true }).fill('jug-1');
  await page.getByRole('link', { name: 'Cancel' }).click();
  const leave = page.getByRole('dialog', { name: 'Leave without saving?' });
  await leave.getByRole('button', { name: 'Stay' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Milk jug');
  await page.getByLabel('Price', { exact: true }).fill('18');
  await page.getByRole('button', { name: 'Create product' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Milk jug' })).toBeVisible();
  await expect(leave).toBeHidden();
  await nav(page).getByRole('link', { name: 'Dashboard' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
});

test('leaving changed settings asks as well', async ({ page, server }) => {
  await page.goto(server.signedInUrl);
  await nav(page).getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Shop name').fill('Harbour Goods');
  await nav(page).getByRole('link', { name: 'Products' }).click();
  const leave = page.getByRole('dialog', { name: 'Leave without saving?' });
  await leave.getByRole('button', { name: 'Stay' }).click();
  await expect(page.getByLabel('Shop name')).toHaveValue('Harbour Goods');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
  await nav(page).getByRole('link', { name: 'Products' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
});

test('a purchase order with unsaved lines or typed receipt counts asks before a link leaves it', async ({ page, server }) => {
  await apiCall(server, 'products.create', { sku: 'MUG-1', title: 'Enamel mug', price: '12.00' });
  const supplier = await apiCall(server, 'suppliers.create', { name: 'Potter & Co', currency: 'EUR' });
  const po = await apiCall(server, 'purchaseOrders.create', { supplierId: supplier.id, lines: [{ sku: 'MUG-1', quantity: 12, unitCost: '4.00' }] });
  await page.goto(server.signedInUrl);
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  await page.goto(`${server.origin}/#/purchasing/orders/${po.id}`);
  await expect(page.getByTestId('po-status')).toHaveText('Draft');
  const leave = page.getByRole('dialog', { name: 'Leave without saving?' });

  // A line quantity changed and not saved: ← Purchasing asks, Stay keeps it.
  await page.getByLabel('Quantity of line 1').fill('24');
  await page.getByRole('link', { name: '← Purchasing' }).click();
  await expect(leave).toBeVisible();
  await leave.getByRole('button', { name: 'Stay' }).click();
  await expect(page.getByLabel('Quantity of line 1')).toHaveValue('24');
  await page.getByRole('button', { name: 'Save lines' }).click();
  await expect(page.getByRole('button', { name: 'Place order' })).toBeEnabled();
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page.getByTestId('po-status')).toHaveText('Ordered');

  // Counts typed in the receipt form and not booked: the menu asks too.
  await page.getByLabel('Arriving now of MUG-1').fill('5');
  await nav(page).getByRole('link', { name: 'Products' }).click();
  await expect(leave).toBeVisible();
  await leave.getByRole('button', { name: 'Stay' }).click();
  await expect(page.getByLabel('Arriving now of MUG-1')).toHaveValue('5');
  await page.getByRole('button', { name: 'Book receipt' }).click();
  await expect(page.getByText('Booked 5 units into')).toBeVisible();
  // Booked: nothing is left to lose, so leaving does not ask.
  await nav(page).getByRole('link', { name: 'Products' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
});

test('a supplier typed on the Purchasing screen and not added asks before a link leaves it', async ({ page, server }) => {
  await page.goto(server.signedInUrl);
  await nav(page).getByRole('link', { name: 'Purchasing' }).click();
  const form = page.locator('form').filter({ has: page.getByRole('button', { name: 'Add supplier' }) });
  // Nothing typed: leaving does not ask.
  await nav(page).getByRole('link', { name: 'Products' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  await nav(page).getByRole('link', { name: 'Purchasing' }).click();
  await form.getByLabel('Name').fill('Potter & Co');
  await nav(page).getByRole('link', { name: 'Products' }).click();
  const leave = page.getByRole('dialog', { name: 'Leave without saving?' });
  await expect(leave).toBeVisible();
  await leave.getByRole('button', { name: 'Stay' }).click();
  await expect(form.getByLabel('Name')).toHaveValue('Potter & Co');
  await page.getByRole('button', { name: 'Add supplier' }).click();
  await expect(page.getByRole('row', { name: /Potter & Co/ })).toBeVisible();
  await nav(page).getByRole('link', { name: 'Products' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
});

test('a channel connection typed and not saved survives switching channel, and leaving the page asks', async ({ page, server }) => {
  await page.goto(server.signedInUrl);
  await nav(page).getByRole('link', { name: 'Channels' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Channels' })).toBeVisible();
  for (const tab of [/WooCommerce/, /Google/, /Shopify/]) await page.getByRole('tab', { name: tab }).click();
  // Nothing typed: leaving does not ask.
  await nav(page).getByRole('link', { name: 'Products' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  await nav(page).getByRole('link', { name: 'Channels' }).click();

  await page.getByRole('tab', { name: /WooCommerce/ }).click();
  await page.getByLabel('Site address').fill('https://shop.example.com');
  await page.getByRole('tab', { name: /Google/ }).click();
  await page.getByLabel('Merchant Center account id').fill('1234567');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Saved.', { exact: true })).toBeVisible();
  // Saving Google's connection keeps the WooCommerce address typed before.
  await page.getByRole('tab', { name: /WooCommerce/ }).click();
  await expect(page.getByLabel('Site address')).toHaveValue('https://shop.example.com');
  await page.getByRole('tab', { name: /Google/ }).click();
  await expect(page.getByLabel('Merchant Center account id')).toHaveValue('1234567');

  await nav(page).getByRole('link', { name: 'Products' }).click();
  const leave = page.getByRole('dialog', { name: 'Leave without saving?' });
  await expect(leave).toBeVisible();
  await leave.getByRole('button', { name: 'Stay' }).click();
  await page.getByRole('tab', { name: /WooCommerce/ }).click();
  await expect(page.getByLabel('Site address')).toHaveValue('https://shop.example.com');
  await nav(page).getByRole('link', { name: 'Products' }).click();
  await leave.getByRole('button', { name: 'Leave' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  expect((await apiCall(server, 'settings.get', {})).channels.woocommerce.siteUrl).toBe('');
});
