/**
 * Purchasing in a German shop: figures are typed as the shop writes them. "1.000" arriving is a
 * thousand units (the screen once booked one), "2,5" is refused with its line named and nothing
 * booked, a supplier's minimum "1.500,50" is 1500.50, and a purchase order can be started for any
 * supplier, not only from a suggestion. Place order waits while edited lines are not saved, and a
 * receipt of more than is still expected is asked about first.
 */
import { apiCall } from './api';
import { expect, test } from './fixtures';

test('purchase orders and suppliers read quantities and money in the shop’s number format', async ({ page, server }) => {
  const settings = await apiCall(server, 'settings.get', {});
  await apiCall(server, 'settings.update', { ...settings, currency: 'EUR', locale: 'de-DE' });
  await apiCall(server, 'products.create', { sku: 'BEAN-1', title: 'Espresso beans', price: '12.50', currency: 'EUR' });
  await apiCall(server, 'products.create', { sku: 'BEAN-2', title: 'Filter beans', price: '9.90', currency: 'EUR' });

  await page.goto(server.signedInUrl);
  await page.getByRole('link', { name: 'Purchasing' }).click();
  const form = page.locator('form.supplier-form');
  await form.getByLabel('Name').fill('Kaffeeimport Hamburg');
  await form.getByLabel(/Lead time/).fill('1');
  await form.getByLabel(/Minimum order value/).fill('1.500,50');
  await page.getByRole('button', { name: 'Add supplier' }).click();
  const row = page.getByRole('row', { name: /Kaffeeimport Hamburg/ });
  await expect(row).toContainText('1 day');
  await expect(row).not.toContainText('1 days');
  await expect(row).toContainText('1.500,50');
  const [supplier] = (await apiCall(server, 'suppliers.list', {})).suppliers;
  expect(supplier?.minimumOrderValue).toBe('1500.50');

  // No suggestion calls for an order: one is started by hand.
  await page.getByLabel('New purchase order from').selectOption({ label: 'Kaffeeimport Hamburg' });
  await page.getByRole('button', { name: 'Start a draft' }).click();
  await expect(page.getByTestId('po-status')).toHaveText('Draft');
  await expect(page.getByTestId('po-place-blocked')).toHaveText('Add lines and save them first.');
  // The location by the name the shop gave it, not its code.
  await expect(page.getByTestId('po-location')).toHaveText('Main warehouse');
  await expect(page.getByRole('table', { name: /^Lines of PO-/ }).last()).toContainText('No lines yet.');
  // By keyboard: Add line puts the focus in the new line's SKU.
  await page.getByRole('button', { name: 'Add line' }).click();
  await expect(page.getByLabel('SKU of line 1')).toBeFocused();
  await page.keyboard.type('BEAN-1');
  await page.getByLabel('Quantity of line 1').fill('1.200');
  await page.getByLabel('Unit cost of line 1').fill('4,5');
  await page.getByRole('button', { name: 'Add line' }).click();
  await page.getByLabel('SKU of line 2').fill('BEAN-2');
  await page.getByLabel('Quantity of line 2').fill('2,5');
  await page.getByRole('button', { name: 'Save lines' }).click();
  await expect(page.getByRole('alert')).toContainText('Line 2, quantity: "2,5" is not a whole number');
  await expect(page.getByLabel('Quantity of line 2')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Quantity of line 2').fill('40');
  await page.getByLabel('Unit cost of line 2').fill('3');
  await page.getByRole('button', { name: 'Save lines' }).click();
  await expect(page.getByLabel('Unit cost of line 1')).toHaveValue('4,50');
  await expect(page.getByRole('button', { name: 'Place order' })).toBeEnabled();
  // An edit not saved yet would be lost by placing the order: Place order waits for Save lines.
  await page.getByLabel('Quantity of line 2').fill('48');
  await expect(page.getByRole('button', { name: 'Place order' })).toBeDisabled();
  await expect(page.getByTestId('po-place-blocked')).toHaveText('Save the lines first.');
  // Enter in a field saves the lines (and never places the order).
  await page.getByLabel('Quantity of line 2').press('Enter');
  await expect(page.getByTestId('po-status')).toHaveText('Draft');
  await expect(page.getByTestId('po-place-blocked')).toHaveCount(0);
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page.getByTestId('po-status')).toHaveText('Ordered');

  await page.getByLabel('Arriving now of BEAN-1').fill('1.000');
  await page.getByLabel('Arriving now of BEAN-2').fill('2,5');
  await page.getByRole('button', { name: 'Book receipt' }).click();
  await expect(page.getByRole('alert')).toContainText('Nothing was booked. Correct the count of BEAN-2');
  await expect(page.getByTestId('po-status')).toHaveText('Ordered');

  await page.getByLabel('Arriving now of BEAN-2').fill('');
  await page.getByRole('button', { name: 'Book receipt' }).click();
  await expect(page.getByText('Booked 1.000 units into Main warehouse.')).toBeVisible();
  const stock = await apiCall(server, 'stock.get', { sku: 'BEAN-1' });
  expect(stock.onHand).toBe(1000);

  // More than still expected (200) is asked about first; Escape books nothing.
  await page.getByLabel('Arriving now of BEAN-1').fill('2.000');
  await page.getByRole('button', { name: 'Book receipt' }).click();
  const ask = page.getByRole('dialog', { name: 'Book more than was ordered?' });
  await expect(ask).toContainText('BEAN-1: 2.000 arriving, 200 still expected.');
  await expect(ask.getByRole('button', { name: 'Correct the counts' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(ask).toBeHidden();
  expect((await apiCall(server, 'stock.get', { sku: 'BEAN-1' })).onHand).toBe(1000);
  await page.getByLabel('Arriving now of BEAN-1').fill('250');
  await page.getByRole('button', { name: 'Book receipt' }).click();
  await ask.getByRole('button', { name: 'Book them all' }).click();
  await expect(page.getByText('Booked 250 units into Main warehouse.')).toBeVisible();
  expect((await apiCall(server, 'stock.get', { sku: 'BEAN-1' })).onHand).toBe(1250);
});
