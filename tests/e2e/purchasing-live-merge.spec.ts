/**
 * A draft purchase order changed by someone else while lines have unsaved edits: the edits stay,
 * the other side's changes to what was not touched arrive, a notice says who changed what, and a
 * save goes on top of the other change rather than undoing it. With the live stream cut off, the
 * save itself finds the other change (409) and merges the same way.
 */
import { apiCall } from './api';
import { expect, test, type StockfeedServer } from './fixtures';
import type { Page } from '@playwright/test';

/** Signs in with the server's link, then opens the purchase order once the app is up. */
async function openOrder(page: Page, server: StockfeedServer, id: string): Promise<void> {
  await page.goto(server.signedInUrl);
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  await page.goto(`${server.origin}/#/purchasing/orders/${id}`);
  await expect(page.getByTestId('po-status')).toHaveText('Draft');
}

async function draftWithTwoLines(server: StockfeedServer) {
  await apiCall(server, 'products.create', { sku: 'MUG-1', title: 'Enamel mug', price: '12.00' });
  await apiCall(server, 'products.create', { sku: 'CUP-1', title: 'Tea cup', price: '8.00' });
  const supplier = await apiCall(server, 'suppliers.create', { name: 'Potter & Co', currency: 'EUR' });
  return apiCall(server, 'purchaseOrders.create', {
    supplierId: supplier.id,
    lines: [
      { sku: 'MUG-1', quantity: 12, unitCost: '4.00' },
      { sku: 'CUP-1', quantity: 6, unitCost: '2.00' },
    ],
  });
}

test('unsaved line edits survive a change made by another person, merged with it', async ({ page, server, browser }) => {
  const po = await draftWithTwoLines(server);
  await apiCall(server, 'users.create', { username: 'anna', role: 'staff', password: 'anna-staff-password' });

  await page.setViewportSize({ width: 1366, height: 900 });
  await openOrder(page, server, po.id);
  // My edit, not saved: MUG-1's quantity 12 → 20.
  await page.getByLabel('Quantity of line 1').fill('20');

  // Anna, in a browser of her own, changes MUG-1's cost and removes CUP-1, and saves.
  const annaContext = await browser.newContext({ viewport: { width: 1024, height: 800 } });
  const anna = await annaContext.newPage();
  await anna.goto(server.origin);
  await anna.getByLabel('Username').fill('anna');
  await anna.getByLabel('Password').fill('anna-staff-password');
  await anna.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(anna.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  await anna.goto(`${server.origin}/#/purchasing/orders/${po.id}`);
  await anna.getByLabel('Unit cost of line 1').fill('4.50');
  await anna.getByRole('button', { name: 'Remove line 2' }).click();
  await anna.getByRole('button', { name: 'Save lines' }).click();
  await expect(anna.getByRole('cell', { name: 'CUP-1' })).toHaveCount(0);
  await annaContext.close();

  const notice = page.getByTestId('po-merge-notice');
  await expect(notice).toContainText('anna changed this order while you were editing: 2 lines updated from the server, your changes to 1 line kept.');
  // Mine kept; hers arrived.
  await expect(page.getByLabel('Quantity of line 1')).toHaveValue('20');
  await expect(page.getByLabel('Unit cost of line 1')).toHaveValue('4.50');
  await expect(page.getByLabel('Quantity of line 2')).toHaveCount(0);
  await expect(page.getByTestId('po-place-blocked')).toHaveText('Save the lines first.');
  await page.screenshot({ path: test.info().outputPath('merged-1366.png') });
  await page.setViewportSize({ width: 1024, height: 800 });
  await page.screenshot({ path: test.info().outputPath('merged-1024.png') });

  // Saving goes on top of her change: my quantity, her cost, no CUP-1.
  await page.getByRole('button', { name: 'Save lines' }).click();
  await expect(notice).toBeHidden();
  const saved = await apiCall(server, 'purchaseOrders.get', { id: po.id });
  expect(saved.lines.map((l) => [l.sku, l.quantity, l.unitCost])).toEqual([['MUG-1', 20, '4.50']]);
});

test('a save made on top of a version changed elsewhere is refused and merged, not written over it', async ({ page, server }) => {
  const po = await draftWithTwoLines(server);
  // No live stream: the page learns of the other change only from its save's 409.
  await page.route('**/api/v1/events**', (route) => route.abort());
  await page.route('**/api/v1/changes**', (route) => route.abort());
  await openOrder(page, server, po.id);
  await page.getByLabel('Quantity of line 1').fill('20');

  // A script changes CUP-1's quantity (keeping the lines' ids, as the app does).
  const [mug, cup] = po.lines as [(typeof po.lines)[number], (typeof po.lines)[number]];
  await apiCall(server, 'purchaseOrders.update', {
    id: po.id,
    lines: [
      { id: mug.id, sku: 'MUG-1', quantity: 12, unitCost: '4.00' },
      { id: cup.id, sku: 'CUP-1', quantity: 9, unitCost: '2.00' },
    ],
  });
  await expect(page.getByLabel('Quantity of line 2')).toHaveValue('6');

  await page.getByRole('button', { name: 'Save lines' }).click();
  const notice = page.getByTestId('po-merge-notice');
  await expect(notice).toContainText('This order was changed elsewhere while you were editing: 1 line updated from the server, your changes to 1 line kept.');
  await expect(notice).toContainText('Nothing was saved yet');
  await expect(page.getByLabel('Quantity of line 1')).toHaveValue('20');
  await expect(page.getByLabel('Quantity of line 2')).toHaveValue('9');
  expect((await apiCall(server, 'purchaseOrders.get', { id: po.id })).lines.map((l) => l.quantity)).toEqual([12, 9]);

  await page.getByRole('button', { name: 'Save lines' }).click();
  await expect(notice).toBeHidden();
  expect((await apiCall(server, 'purchaseOrders.get', { id: po.id })).lines.map((l) => l.quantity)).toEqual([20, 9]);
});

test('a draft placed elsewhere during unsaved edits says so and keeps the edits readable, not editable', async ({ page, server }) => {
  const po = await draftWithTwoLines(server);
  await openOrder(page, server, po.id);
  await page.getByLabel('Quantity of line 1').fill('20');

  await apiCall(server, 'purchaseOrders.order', { id: po.id });
  await expect(page.getByTestId('po-status')).toHaveText('Ordered');
  const notice = page.getByTestId('po-merge-notice');
  await expect(notice).toContainText('placed this order while you were editing, so its lines can no longer be changed');
  await expect(page.getByLabel('Quantity of line 1')).toHaveValue('20');
  await expect(page.getByLabel('Quantity of line 1')).not.toBeEditable();
  await expect(page.getByRole('button', { name: 'Save lines' })).toHaveCount(0);

  await notice.getByRole('button', { name: 'Put my unsaved lines away' }).click();
  await expect(page.getByLabel('Quantity of line 1')).toHaveCount(0);
  // The receipt form of an ordered PO is there as usual.
  await expect(page.getByLabel('Scan or type a barcode or SKU')).toBeVisible();
});

test('a save refused only because the order changed elsewhere in no line is made again on top of that change', async ({ page, server }) => {
  const po = await draftWithTwoLines(server);
  // No live stream: the page learns of the other change only from its save's 409.
  await page.route('**/api/v1/events**', (route) => route.abort());
  await page.route('**/api/v1/changes**', (route) => route.abort());
  const saves: number[] = [];
  page.on('response', (response) => {
    if (response.request().method() === 'PATCH' && response.url().includes(`/purchase-orders/${po.id}`)) saves.push(response.status());
  });
  await openOrder(page, server, po.id);
  await page.getByLabel('Quantity of line 1').fill('20');

  // A script changes the notes only: nothing on the lines to merge or to tell.
  await apiCall(server, 'purchaseOrders.update', { id: po.id, notes: 'Deliver to the back door' });

  await page.getByRole('button', { name: 'Save lines' }).click();
  // The 409 is answered by one more save, made on the version it loaded, with the same lines.
  await expect(page.getByTestId('po-place-blocked')).toHaveCount(0);
  expect(saves).toEqual([409, 200]);
  await expect(page.getByTestId('po-merge-notice')).toHaveCount(0);
  await expect(page.getByRole('alert')).toHaveCount(0);
  const saved = await apiCall(server, 'purchaseOrders.get', { id: po.id });
  expect(saved.lines.map((l) => [l.sku, l.quantity])).toEqual([
    ['MUG-1', 20],
    ['CUP-1', 6],
  ]);
  expect(saved.notes).toBe('Deliver to the back door');
});
