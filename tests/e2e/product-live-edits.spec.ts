/**
 * A product saved elsewhere (a script through the API here) while its form has unsaved edits: the
 * edits stay as typed, the other change arrives in the fields not touched, a notice names who
 * changed it and where both changed a field, and saving goes on top of the other change.
 */
import { apiCall } from './api';
import { expect, test } from './fixtures';

test('unsaved product edits survive a change made elsewhere, merged with it', async ({ page, server }) => {
  const mug = await apiCall(server, 'products.create', { sku: 'MUG-1', title: 'Blue mug', price: '12.50', currency: 'EUR' });
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto(server.signedInUrl);
  await page.getByRole('link', { name: 'Blue mug' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Blue mug' })).toBeVisible();
  const title = page.getByLabel('Title', { exact: true });
  const price = page.getByLabel('Price', { exact: true });
  const brand = page.getByLabel('Brand (optional)');

  // Mine, not saved: the title and the price.
  await title.fill('Blue enamel mug');
  await price.fill('14.00');
  // A script changes the brand and the price.
  await apiCall(server, 'products.update', { idOrSku: mug.id, brand: 'Fjord & Field', price: '13.00' });

  const notice = page.getByTestId('changed-elsewhere');
  await expect(notice).toContainText(
    'changed this product while you were editing: 1 field updated from the server, your changes to 2 fields kept. Changed there too, yours kept: price.',
  );
  await expect(title).toHaveValue('Blue enamel mug');
  await expect(price).toHaveValue('14.00');
  await expect(brand).toHaveValue('Fjord & Field');
  await page.screenshot({ path: test.info().outputPath('product-merged-1366.png') });
  await page.setViewportSize({ width: 1024, height: 800 });
  await page.screenshot({ path: test.info().outputPath('product-merged-1024.png') });

  // Saving goes on top: my title and price, its brand.
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Changes saved.' })).toBeVisible();
  await expect(notice).toBeHidden();
  expect(await apiCall(server, 'products.get', { idOrSku: 'MUG-1' })).toMatchObject({ title: 'Blue enamel mug', price: '14.00', brand: 'Fjord & Field' });

  // An untouched form follows at once; "Load the saved version" drops the unsaved edits.
  await apiCall(server, 'products.update', { idOrSku: mug.id, brand: 'Bay Goods' });
  await expect(brand).toHaveValue('Bay Goods');
  await expect(notice).toBeHidden();
  await title.fill('Green mug');
  await apiCall(server, 'products.update', { idOrSku: mug.id, brand: 'Cove Goods' });
  await expect(brand).toHaveValue('Cove Goods');
  await notice.getByRole('button', { name: 'Load the saved version' }).click();
  await expect(title).toHaveValue('Blue enamel mug');
  await expect(page.getByRole('region', { name: 'Unsaved changes' })).toHaveCount(0);
});

test('a product save made on top of a version changed since is refused and merged, not written over it', async ({ page, server }) => {
  const mug = await apiCall(server, 'products.create', { sku: 'MUG-1', title: 'Blue mug', price: '12.50', currency: 'EUR' });
  // No live stream: the page learns of the other change only from its save's 409.
  await page.route('**/api/v1/events**', (route) => route.abort());
  await page.route('**/api/v1/changes**', (route) => route.abort());
  await page.goto(`${server.signedInUrl}`);
  await page.getByRole('link', { name: 'Blue mug' }).click();
  const title = page.getByLabel('Title', { exact: true });
  await expect(title).toHaveValue('Blue mug');
  await title.fill('Blue enamel mug');

  // A script changes the same field and another one.
  await apiCall(server, 'products.update', { idOrSku: mug.id, title: 'Cobalt mug', brand: 'Fjord & Field' });
  await expect(page.getByLabel('Brand (optional)')).toHaveValue('');

  await page.getByRole('button', { name: 'Save changes' }).click();
  const notice = page.getByTestId('changed-elsewhere');
  await expect(notice).toContainText('This product changed elsewhere while you were editing: 1 field updated from the server, your changes to 1 field kept. Changed there too, yours kept: title.');
  await expect(notice).toContainText('Nothing was saved yet');
  await expect(title).toHaveValue('Blue enamel mug');
  await expect(page.getByLabel('Brand (optional)')).toHaveValue('Fjord & Field');
  expect((await apiCall(server, 'products.get', { idOrSku: 'MUG-1' })).title).toBe('Cobalt mug');

  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Changes saved.' })).toBeVisible();
  expect(await apiCall(server, 'products.get', { idOrSku: 'MUG-1' })).toMatchObject({ title: 'Blue enamel mug', brand: 'Fjord & Field' });
});
