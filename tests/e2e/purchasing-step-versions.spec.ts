/**
 * Placing, receiving and cancelling a purchase order are taken on the version on screen: when the
 * order changed elsewhere first (a script through the API here, with the live stream cut off so
 * the page has not seen it), nothing happens, the order reloads, the page says so, and the counts
 * typed in the receipt form stay. A receipt form whose order stops being open keeps its counts,
 * read-only. The notice of a refused step lasts while the version it reloaded is on screen; a
 * scan's note lasts until the next step of the page goes through.
 */
import type { Page } from '@playwright/test';
import { apiCall } from './api';
import { expect, test, type StockfeedServer } from './fixtures';

async function cutLiveStream(page: Page): Promise<void> {
  await page.route('**/api/v1/events**', (route) => route.abort());
  await page.route('**/api/v1/changes**', (route) => route.abort());
}

async function openOrder(page: Page, server: StockfeedServer, id: string, status: string): Promise<void> {
  await page.goto(server.signedInUrl);
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  await page.goto(`${server.origin}/#/purchasing/orders/${id}`);
  await expect(page.getByTestId('po-status')).toHaveText(status);
}

async function draft(server: StockfeedServer) {
  await apiCall(server, 'products.create', { sku: 'MUG-1', title: 'Enamel mug', price: '12.00' });
  const supplier = await apiCall(server, 'suppliers.create', { name: 'Potter & Co', currency: 'EUR' });
  return apiCall(server, 'purchaseOrders.create', { supplierId: supplier.id, lines: [{ sku: 'MUG-1', quantity: 12, unitCost: '4.00' }] });
}

async function ordered(server: StockfeedServer) {
  const po = await draft(server);
  return apiCall(server, 'purchaseOrders.order', { id: po.id });
}

test('placing a draft changed elsewhere since it was loaded places nothing, reloads it and says so', async ({ page, server }) => {
  const po = await draft(server);
  await cutLiveStream(page);
  await openOrder(page, server, po.id, 'Draft');
  const line = po.lines[0]?.id as string;
  await apiCall(server, 'purchaseOrders.update', { id: po.id, lines: [{ id: line, sku: 'MUG-1', quantity: 40, unitCost: '4.00' }] });

  await page.getByRole('button', { name: 'Place order' }).click();
  const notice = page.getByTestId('po-changed-notice');
  await expect(notice).toHaveText(
    `Nothing was placed: ${po.number} was changed elsewhere since you loaded it, and is shown again as it is now (Draft). Check it and place it again if you still want to.`,
  );
  await expect(page.getByLabel('Quantity of line 1')).toHaveValue('40');
  await expect(page.getByTestId('po-status')).toHaveText('Draft');
  expect((await apiCall(server, 'purchaseOrders.get', { id: po.id })).status).toBe('draft');
  await page.screenshot({ path: test.info().outputPath('place-refused-1366.png') });

  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page.getByTestId('po-status')).toHaveText('Ordered');
  await expect(notice).toBeHidden();
  expect(await apiCall(server, 'purchaseOrders.get', { id: po.id })).toMatchObject({ status: 'ordered', lines: [expect.objectContaining({ quantity: 40 })] });
});

test('a receipt counted on a version changed since books nothing and keeps the counts typed', async ({ page, server }) => {
  const po = await ordered(server);
  const line = po.lines[0]?.id as string;
  await cutLiveStream(page);
  await openOrder(page, server, po.id, 'Ordered');
  const count = page.getByLabel('Arriving now of MUG-1');
  await count.fill('5');
  // Someone books 3 of the same delivery first.
  await apiCall(server, 'purchaseOrders.receive', { id: po.id, lines: [{ lineId: line, quantity: 3 }] });

  await page.getByRole('button', { name: 'Book receipt' }).click();
  await expect(page.getByTestId('receive-changed')).toHaveText(
    `Nothing was booked: ${po.number} was changed elsewhere since you loaded it, and is shown again as it is now (Partly received). Your counts are kept: check them against what is still expected and book again.`,
  );
  await expect(count).toHaveValue('5');
  await expect(page.getByTestId('po-status')).toHaveText('Partly received');
  expect((await apiCall(server, 'purchaseOrders.get', { id: po.id })).lines[0]?.received).toBe(3);
  await page.setViewportSize({ width: 1024, height: 800 });
  await page.screenshot({ path: test.info().outputPath('receipt-refused-1024.png'), fullPage: true });

  // Checked, corrected and booked on the current version.
  await count.fill('2');
  await page.getByRole('button', { name: 'Book receipt' }).click();
  await expect(page.getByText('Booked 2 units into')).toBeVisible();
  await expect(page.getByTestId('receive-changed')).toHaveCount(0);
  expect((await apiCall(server, 'purchaseOrders.get', { id: po.id })).lines[0]?.received).toBe(5);
});

test('a receipt form whose order is closed elsewhere keeps its counts, read-only', async ({ page, server }) => {
  const po = await ordered(server);
  await openOrder(page, server, po.id, 'Ordered');
  const count = page.getByLabel('Arriving now of MUG-1');
  await count.fill('5');
  await apiCall(server, 'purchaseOrders.close', { id: po.id });

  await expect(page.getByTestId('po-status')).toHaveText('Closed');
  const closed = page.getByTestId('receive-closed');
  await expect(closed).toContainText(`${po.number} is now closed, so nothing more can be booked on it. Your counts stay below, read-only, for you to copy.`);
  await expect(count).toHaveValue('5');
  await expect(count).not.toBeEditable();
  await expect(page.getByRole('button', { name: 'Book receipt' })).toHaveCount(0);

  await closed.getByRole('button', { name: 'Put my counts away' }).click();
  await expect(page.getByRole('heading', { name: 'Receive goods' })).toHaveCount(0);
});

test('cancelling an order changed since it was loaded cancels nothing, reloads it and says so', async ({ page, server }) => {
  const po = await ordered(server);
  const line = po.lines[0]?.id as string;
  await cutLiveStream(page);
  await openOrder(page, server, po.id, 'Ordered');
  await apiCall(server, 'purchaseOrders.receive', { id: po.id, lines: [{ lineId: line, quantity: 12 }] });

  await page.getByRole('button', { name: 'Cancel order…' }).click();
  await page.getByRole('dialog', { name: 'Cancel this purchase order?' }).getByRole('button', { name: 'Cancel order' }).click();
  await expect(page.getByTestId('po-changed-notice')).toHaveText(
    `Nothing was cancelled: ${po.number} was changed elsewhere since you loaded it, and is shown again as it is now (Received). It can no longer be cancelled.`,
  );
  await expect(page.getByTestId('po-status')).toHaveText('Received');
  await expect(page.getByRole('button', { name: 'Cancel order…' })).toHaveCount(0);
  expect((await apiCall(server, 'purchaseOrders.get', { id: po.id })).status).toBe('received');
});

test('cancelling goes through on the version on screen', async ({ page, server }) => {
  const po = await ordered(server);
  const line = po.lines[0]?.id as string;
  await cutLiveStream(page);
  await openOrder(page, server, po.id, 'Ordered');
  // Changed elsewhere (some goods booked): refused once, then cancelled on the reloaded version.
  await apiCall(server, 'purchaseOrders.receive', { id: po.id, lines: [{ lineId: line, quantity: 2 }] });
  const dialog = page.getByRole('dialog', { name: 'Cancel this purchase order?' });
  await page.getByRole('button', { name: 'Cancel order…' }).click();
  await dialog.getByRole('button', { name: 'Cancel order' }).click();
  await expect(page.getByTestId('po-changed-notice')).toContainText('Nothing was cancelled');
  await expect(page.getByTestId('po-changed-notice')).toContainText('(Partly received). Check it and cancel it again if you still want to.');
  expect((await apiCall(server, 'purchaseOrders.get', { id: po.id })).status).toBe('partly_received');

  await page.getByRole('button', { name: 'Cancel order…' }).click();
  await dialog.getByRole('button', { name: 'Cancel order' }).click();
  await expect(page.getByTestId('po-status')).toHaveText('Cancelled');
  await expect(page.getByTestId('po-changed-notice')).toHaveCount(0);
  expect((await apiCall(server, 'purchaseOrders.get', { id: po.id })).status).toBe('cancelled');
});

test('the notice of a refused step goes away when the order on screen changes again, by a live update', async ({ page, server }) => {
  const po = await ordered(server);
  const line = po.lines[0]?.id as string;
  await openOrder(page, server, po.id, 'Ordered');
  // Someone books 2 just before the close reaches the server: it is refused, with the stream live.
  await page.route('**/api/v1/purchase-orders/*/close', async (route) => {
    await apiCall(server, 'purchaseOrders.receive', { id: po.id, lines: [{ lineId: line, quantity: 2 }] });
    await route.fallback();
  });

  await page.getByRole('button', { name: 'Close…' }).click();
  await page.getByRole('dialog', { name: 'Close this purchase order?' }).getByRole('button', { name: 'Close' }).click();
  const notice = page.getByTestId('po-changed-notice');
  await expect(notice).toContainText('Nothing was closed');
  await expect(page.getByTestId('po-status')).toHaveText('Partly received');
  expect((await apiCall(server, 'purchaseOrders.get', { id: po.id })).status).toBe('partly_received');

  // The rest is booked elsewhere: the page follows it, and the refusal no longer describes it.
  await apiCall(server, 'purchaseOrders.receive', { id: po.id, lines: [{ lineId: line, quantity: 10 }] });
  await expect(page.getByTestId('po-status')).toHaveText('Received');
  await expect(notice).toHaveCount(0);
});

test('the notice of a refused receipt goes away when the order on screen changes again, by a live update', async ({ page, server }) => {
  const po = await ordered(server);
  const line = po.lines[0]?.id as string;
  await openOrder(page, server, po.id, 'Ordered');
  // Someone books 3 just before this receipt reaches the server: it is refused, with the stream live.
  await page.route('**/api/v1/purchase-orders/*/receive', async (route) => {
    await apiCall(server, 'purchaseOrders.receive', { id: po.id, lines: [{ lineId: line, quantity: 3 }] });
    await route.fallback();
  });
  const count = page.getByLabel('Arriving now of MUG-1');
  await count.fill('5');
  await page.getByRole('button', { name: 'Book receipt' }).click();
  const notice = page.getByTestId('receive-changed');
  await expect(notice).toContainText('Nothing was booked');
  await expect(count).toHaveValue('5');

  // One more is booked elsewhere: the page follows it, and the refusal no longer describes it.
  await apiCall(server, 'purchaseOrders.receive', { id: po.id, lines: [{ lineId: line, quantity: 1 }] });
  const received = page.getByRole('region', { name: 'Receive goods' }).getByRole('row', { name: /MUG-1/ }).getByRole('cell').nth(3);
  await expect(received).toHaveText('4');
  await expect(notice).toHaveCount(0);
  await expect(count).toHaveValue('5');
});

test('a scan that found no product stops being said once the next step goes through', async ({ page, server }) => {
  const po = await ordered(server);
  await openOrder(page, server, po.id, 'Ordered');
  const scan = page.getByLabel('Scan or type a barcode or SKU');
  await scan.fill('NOPE-1');
  await scan.press('Enter');
  const note = page.getByText('No product has the code NOPE-1.');
  await expect(note).toBeVisible();

  await page.getByLabel('Arriving now of MUG-1').fill('2');
  await page.getByRole('button', { name: 'Book receipt' }).click();
  await expect(page.getByText('Booked 2 units into')).toBeVisible();
  await expect(note).toHaveCount(0);
});
