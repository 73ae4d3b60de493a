import { apiCall } from './api';
import { expect, test } from './fixtures';
import type { PageGlobals } from './page-globals';

test('the products list searches as you type, filters, sorts, follows stock changes live and archives in bulk', async ({ page, server }) => {
  const colours = ['Red', 'Blue', 'Green'];
  for (let i = 1; i <= 30; i++) {
    const colour = colours[i % 3] as string;
    await apiCall(server, 'products.create', { sku: `TEE-${String(i).padStart(2, '0')}`, title: `${colour} tee ${i}`, price: `${10 + i}.00` });
  }
  await apiCall(server, 'stock.receive', { sku: 'TEE-05', quantity: 40 });
  await apiCall(server, 'stock.receive', { sku: 'TEE-07', quantity: 2 });
  await apiCall(server, 'settings.update', { ...(await apiCall(server, 'settings.get', {})), bufferStock: 3 });

  await page.goto(server.signedInUrl);
  await page.getByRole('link', { name: 'Products', exact: true }).click();
  const table = page.getByRole('table', { name: 'Products' });
  const rows = table.getByRole('row');
  await expect(page.getByText('30 products')).toBeVisible();
  await expect(rows.nth(1)).toContainText('TEE-01');

  // `/` focuses the search; results narrow with each keystroke, without pressing Enter.
  await page.locator('body').press('/');
  const search = page.getByLabel('Search products');
  await expect(search).toBeFocused();
  await page.keyboard.type('blue tee', { delay: 20 });
  await expect(page.getByText('10 matching products')).toBeVisible();
  await page.keyboard.type(' 2');
  // Blue tee 22, 25 and 28.
  await expect(page.getByText('3 matching products')).toBeVisible();
  await expect(rows).toHaveCount(4);
  // Esc clears the search.
  await page.keyboard.press('Escape');
  await expect(page.getByText('30 products')).toBeVisible();

  // Filters: at or below the buffer of 3 is TEE-07 only; out of stock is the other 28.
  await page.getByLabel('Availability').selectOption('low');
  await expect(page.getByText('1 matching product ·')).toBeVisible();
  await expect(rows.nth(1)).toContainText('TEE-07');
  await page.getByLabel('Availability').selectOption('out_of_stock');
  await expect(page.getByText('28 matching products')).toBeVisible();
  await page.getByLabel('Availability').selectOption('');

  // Sort by on hand (most first), then the other way.
  await page.getByRole('button', { name: 'On hand' }).click();
  await expect(table.getByRole('columnheader', { name: 'On hand' })).toHaveAttribute('aria-sort', 'descending');
  await expect(rows.nth(1)).toContainText('TEE-05');
  await expect(rows.nth(2)).toContainText('TEE-07');

  // A sale made elsewhere (through the API) shows in the row at once, without a reload.
  await page.evaluate(() => {
    (globalThis as unknown as PageGlobals).notReloaded = true;
  });
  const order = await apiCall(server, 'reservations.create', { sku: 'TEE-05', quantity: 4, reference: 'ORDER-1' });
  const tee5 = rows.filter({ hasText: 'TEE-05' });
  await expect(tee5.getByRole('cell').nth(5)).toHaveText('4');
  await expect(tee5.getByRole('cell').nth(7)).toHaveText('36');
  await apiCall(server, 'reservations.fulfil', { id: order.id });
  await expect(tee5.getByRole('cell').nth(4)).toHaveText('36');
  expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).notReloaded)).toBe(true);
  await page.screenshot({ path: test.info().outputPath('products.png') });

  // Bulk archive asks first; Cancel changes nothing, Archive archives. Archived products leave the
  // default (Active) tab for the Archived one.
  await page.getByRole('checkbox', { name: 'Select TEE-05' }).check();
  await page.getByRole('checkbox', { name: 'Select TEE-07' }).check();
  await expect(page.getByText('2 selected')).toBeVisible();
  await page.getByRole('button', { name: 'Archive…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Archive 2 products?' });
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  expect((await apiCall(server, 'products.get', { idOrSku: 'TEE-05' })).status).toBe('active');
  await page.getByRole('button', { name: 'Archive…' }).click();
  await dialog.getByRole('button', { name: 'Archive' }).click();
  await expect(page.getByText('2 of 2 products archived.')).toBeVisible();
  // The bulk bar left with the button: the focus is on the result, not lost to the page.
  await expect(page.getByRole('status').filter({ hasText: '2 of 2 products archived.' })).toBeFocused();
  await expect(tee5).toHaveCount(0);
  await expect(page.getByRole('tab', { name: /^Archived/ })).toHaveText(/Archived\s*2/);
  expect((await apiCall(server, 'products.get', { idOrSku: 'TEE-07' })).status).toBe('archived');

  // Set the buffer of one product from the list.
  await page.getByRole('checkbox', { name: 'Select TEE-01' }).check();
  await page.getByRole('button', { name: 'More', exact: true }).click();
  await page.getByLabel('Buffer stock').fill('5');
  await page.getByRole('button', { name: 'Set buffer' }).click();
  await expect(page.getByText('1 of 1 products given the new buffer.')).toBeVisible();
  expect((await apiCall(server, 'products.get', { idOrSku: 'TEE-01' })).bufferStock).toBe(5);

  // The Archived tab lists them, and makes them active again.
  await page.getByRole('tab', { name: /^Archived/ }).click();
  await expect(page.locator('.page-head__sub')).toContainText('2 products');
  await expect(tee5.getByRole('cell').nth(8)).toHaveText('Archived');
  await page.getByRole('checkbox', { name: 'Select TEE-05' }).check();
  await page.getByRole('button', { name: 'Unarchive…' }).click();
  await page.getByRole('dialog', { name: 'Unarchive 1 product?' }).getByRole('button', { name: 'Unarchive' }).click();
  await expect(page.getByText('1 of 1 products made active again.')).toBeVisible();
  await expect(tee5).toHaveCount(0);
  expect((await apiCall(server, 'products.get', { idOrSku: 'TEE-05' })).status).toBe('active');
});

test('while the event stream is unavailable the list follows changes by polling, and stops polling when the stream is back', async ({ page, server }) => {
  await apiCall(server, 'products.create', { sku: 'JUG-1', title: 'Milk jug', price: '18.00' });
  let streamBlocked = true;
  await page.route('**/api/v1/events**', (route) => (streamBlocked ? route.abort() : route.fallback()));
  const polls: number[] = [];
  page.on('request', (request) => {
    if (/\/api\/v1\/changes\?since=/.test(request.url())) polls.push(Date.now());
  });

  await page.goto(server.signedInUrl);
  await page.getByRole('link', { name: 'Products', exact: true }).click();
  const row = page.getByRole('table', { name: 'Products' }).getByRole('row').filter({ hasText: 'JUG-1' });
  await expect(row.getByRole('cell').nth(4)).toHaveText('0');
  await apiCall(server, 'stock.receive', { sku: 'JUG-1', quantity: 6 });
  await expect(row.getByRole('cell').nth(4)).toHaveText('6');
  expect(polls.length).toBeGreaterThan(0);

  // The stream is back: EventSource reconnects, and polling stops.
  streamBlocked = false;
  const streamed = page.waitForResponse((response) => response.url().includes('/api/v1/events') && response.status() === 200, { timeout: 40_000 });
  await streamed;
  await page.waitForTimeout(500);
  const pollsWhenLive = polls.length;
  await apiCall(server, 'stock.receive', { sku: 'JUG-1', quantity: 1 });
  await expect(row.getByRole('cell').nth(4)).toHaveText('7');
  await page.waitForTimeout(7_000);
  // At most the one read that closes the gap on reconnecting; no polling every few seconds.
  expect(polls.length - pollsWhenLive).toBeLessThanOrEqual(1);
});

test('at 1024 px the list shows whole product titles of everyday length, on two lines where needed', async ({ page, server }) => {
  const titles = ['Stoneware dinner plates, set of 4', 'Insulated steel bottle 750 ml', 'Merino wool socks, size 38–40', 'Oak chopping board, large'];
  for (const [i, title] of titles.entries()) await apiCall(server, 'products.create', { sku: `HOME-${i + 1}`, title, price: '20.00' });
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto(server.signedInUrl);
  await page.getByRole('link', { name: 'Products', exact: true }).click();
  for (const title of titles) {
    const link = page.getByRole('link', { name: title, exact: true });
    await expect(link).toBeVisible();
    const cut = await link.evaluate((el) => el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1);
    expect(cut, `“${title}” cut short`).toBe(false);
  }
  await page.screenshot({ path: test.info().outputPath('products-titles-1024.png') });
});

test("at 1024 px a product's Price, Sale price and Currency fields sit on one line", async ({ page, server }) => {
  await apiCall(server, 'products.create', { sku: 'MUG-1', title: 'Enamel mug', price: '12.50' });
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto(server.signedInUrl);
  await page.getByRole('link', { name: 'Enamel mug', exact: true }).click();
  await expect(page.getByLabel('Price', { exact: true })).toHaveValue('12.50');
  const tops: number[] = [];
  for (const name of [/^Price$/, /^Sale price/, /^Currency$/]) {
    const box = await page.getByRole('textbox', { name }).boundingBox();
    tops.push(Math.round(box?.y ?? NaN));
  }
  expect(new Set(tops).size, `field tops ${tops.join(', ')}`).toBe(1);
});
