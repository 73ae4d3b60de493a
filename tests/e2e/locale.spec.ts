/**
 * Local number formats: in a German shop a price is typed "12,50" and saved as 12.50, thousands
 * separators are accepted in quantities, and every figure is shown as Germans write it.
 */
import type { Page } from '@playwright/test';
import { apiCall } from './api';
import { expect, test, type StockfeedServer } from './fixtures';

const NBSP = '\u00A0';

async function germanShop(server: StockfeedServer): Promise<void> {
  const current = await apiCall(server, 'settings.get', {});
  await apiCall(server, 'settings.update', { ...current, currency: 'EUR', locale: 'de-DE' });
}

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

test('in a de-DE EUR shop, 12,50 saves as 12.50 and shows as 12,50 €; 1.200 received is 1200', async ({ page, server }) => {
  await germanShop(server);
  await page.goto(server.signedInUrl);
  await page.getByRole('link', { name: 'New product' }).click();
  await page.getByLabel('SKU', { exact: true }).fill('mug-1');
  await page.getByLabel('Title', { exact: true }).fill('Blue mug');
  const price = page.getByLabel('Price', { exact: true });
  await expect(price).toHaveAccessibleDescription(/Like 12,50, without the currency sign/);

  // What cannot be read is refused next to the field, before anything is sent.
  await price.fill('12,500.0,1');
  await expect(price).toHaveAccessibleDescription(/"12,500\.0,1" is not a number \(write it like 1\.234,56\)/);
  await page.getByRole('button', { name: 'Create product' }).click();
  await expect(price).toHaveAttribute('aria-invalid', 'true');
  await expect(price).toBeFocused();
  expect((await apiCall(server, 'products.list', {})).products).toEqual([]);

  await price.fill('12,50');
  await page.getByLabel('Sale price', { exact: true }).fill('9,9');
  await page.getByLabel('Buffer stock (optional)').fill('1.000');
  await page.getByRole('button', { name: 'Create product' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Blue mug' })).toBeVisible();
  expect(await apiCall(server, 'products.get', { idOrSku: 'MUG-1' })).toMatchObject({ price: '12.50', salePrice: '9.90', currency: 'EUR', bufferStock: 1000 });
  await expect(page.getByText(`9,90${NBSP}€`)).toBeVisible();
  // Back in the form, the saved figures read as typed in the locale.
  await expect(price).toHaveValue('12,50');
  await expect(page.getByLabel('Sale price', { exact: true })).toHaveValue('9,90');

  // A quantity with a thousands separator.
  await page.getByLabel('Quantity received').fill('1.200');
  await page.getByRole('button', { name: 'Receive stock' }).click();
  await expect(page.getByTestId('stock-on-hand')).toHaveText('1.200');
  expect((await apiCall(server, 'products.get', { idOrSku: 'MUG-1' })).stock.onHand).toBe(1200);
  await expect(page.getByRole('status').filter({ hasText: 'Received 1.200 at' })).toBeVisible();

  // The canonical 12.50 is taken too; the list shows the locale's figures.
  await price.fill('13.5');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Changes saved.' })).toBeVisible();
  expect((await apiCall(server, 'products.get', { idOrSku: 'MUG-1' })).price).toBe('13.50');
  await expect(price).toHaveValue('13,50');
  await nav(page).getByRole('link', { name: 'Products' }).click();
  const row = page.getByRole('row').filter({ hasText: 'MUG-1' });
  await expect(row).toContainText(`9,90${NBSP}€`);
  await expect(row).toContainText(`13,50${NBSP}€`);
  await expect(row.getByRole('cell').nth(4)).toHaveText('1.200');
  // Each figure sits whole on one line, and the cell is wide enough for both (nothing cut short).
  const priceCell = row.getByRole('cell').nth(3);
  await page.setViewportSize({ width: 1024, height: 768 });
  expect(await priceCell.evaluate((cell) => cell.scrollWidth <= cell.clientWidth)).toBe(true);
  for (const figure of await priceCell.locator('span, s').all()) {
    expect(await figure.evaluate((element) => element.getClientRects().length)).toBe(1);
  }

  // Bulk buffer takes thousands separators too.
  await page.getByRole('checkbox', { name: 'Select MUG-1' }).check();
  await page.getByRole('button', { name: 'More', exact: true }).click();
  await page.getByLabel('Buffer stock').fill('2.500');
  await page.getByRole('button', { name: 'Set buffer' }).click();
  await expect(page.getByText('1 of 1 products given the new buffer.')).toBeVisible();
  expect((await apiCall(server, 'products.get', { idOrSku: 'MUG-1' })).bufferStock).toBe(2500);
});

test('the number format is chosen in Settings, with an example, and every figure follows it', async ({ page, server }) => {
  await apiCall(server, 'products.create', { sku: 'JUG-1', title: 'Milk jug', price: '1234.5', currency: 'EUR' });
  await page.goto(server.signedInUrl);
  const row = page.getByRole('row').filter({ hasText: 'JUG-1' });
  await expect(row).toContainText('€1,234.50');

  await nav(page).getByRole('link', { name: 'Settings' }).click();
  const format = page.getByLabel('Number format');
  await expect(format).toHaveValue('');
  await page.getByLabel('Currency').fill('EUR');
  await format.selectOption('de-DE');
  await expect(page.getByTestId('locale-example')).toHaveText(`1.234,5 · 12,50${NBSP}€`);
  await format.selectOption('fr-CH');
  await expect(page.getByTestId('locale-example')).toHaveText(/^1\u202F234,5 · /);
  await format.selectOption('de-DE');
  // Once saved, the shop-wide buffer is typed in the new locale too.
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
  expect((await apiCall(server, 'settings.get', {})).locale).toBe('de-DE');
  await page.getByLabel('Buffer stock').fill('1.500');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
  expect((await apiCall(server, 'settings.get', {})).bufferStock).toBe(1500);
  await expect(page.getByLabel('Buffer stock')).toHaveValue('1500');

  await nav(page).getByRole('link', { name: 'Products' }).click();
  await expect(row).toContainText(`1.234,50${NBSP}€`);
});
