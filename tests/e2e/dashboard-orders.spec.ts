import { apiCall } from './api';
import { expect, test } from './fixtures';

test('the orders screen shows reservations as they are made, fulfils one and releases another, each after asking', async ({ page, server }) => {
  await apiCall(server, 'products.create', { sku: 'BOWL-1', title: 'Stoneware bowl', price: '22.00' });
  await apiCall(server, 'stock.receive', { sku: 'BOWL-1', quantity: 10 });
  await apiCall(server, 'reservations.create', { sku: 'BOWL-1', quantity: 2, reference: 'ORDER-100' });

  await page.goto(server.signedInUrl);
  await page.getByRole('link', { name: 'Orders' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Reservations and orders' })).toBeVisible();
  const held = page.getByRole('region', { name: 'Held reservations' }).getByRole('row');
  await expect(held.filter({ hasText: 'ORDER-100' })).toBeVisible();
  await expect(page.getByText('No order problems. Every channel order was applied.')).toBeVisible();

  // An order placed elsewhere appears without a reload.
  await apiCall(server, 'reservations.create', { sku: 'BOWL-1', quantity: 3, reference: 'ORDER-101' });
  await expect(held.filter({ hasText: 'ORDER-101' })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('orders.png'), fullPage: true });

  await page.getByRole('button', { name: 'Fulfil ORDER-100 (Stoneware bowl, BOWL-1)' }).click();
  await page.getByRole('dialog', { name: 'Fulfil ORDER-100?' }).getByRole('button', { name: 'Fulfil' }).click();
  await expect(page.getByText('Shipped 2 × Stoneware bowl (BOWL-1) from Main warehouse for ORDER-100.')).toBeVisible();
  await expect(held.filter({ hasText: 'ORDER-100' })).toBeHidden();

  // Release asks first; Cancel (the focused choice) keeps the reservation.
  await page.getByRole('button', { name: 'Release ORDER-101 (Stoneware bowl, BOWL-1)' }).click();
  const dialog = page.getByRole('dialog', { name: 'Release this reservation?' });
  await expect(dialog).toContainText('The 3 × Stoneware bowl (BOWL-1) held at Main warehouse for ORDER-101 become available to sell again.');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(held.filter({ hasText: 'ORDER-101' })).toBeVisible();
  await page.getByRole('button', { name: 'Release ORDER-101 (Stoneware bowl, BOWL-1)' }).click();
  await dialog.getByRole('button', { name: 'Release' }).click();
  await expect(page.getByText('No reservations are held right now.')).toBeVisible();

  const stock = await apiCall(server, 'stock.get', { sku: 'BOWL-1' });
  expect([stock.onHand, stock.committed, stock.available]).toEqual([8, 0, 8]);
});
