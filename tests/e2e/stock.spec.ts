import { expect, test } from './fixtures';

test('create a product (after fixing a bad GTIN), receive stock and see available change', async ({ page, server }) => {
  await page.goto(server.signedInUrl);

  // The token is taken from the link and removed from the address bar.
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  expect(page.url()).not.toContain('token=');
  await expect(page.getByText('No products yet.')).toBeVisible();

  await page.getByRole('link', { name: 'New product' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'New product' })).toBeVisible();
  await page.getByLabel('SKU', { exact: true }).fill('mug-blue-1');
  await page.getByLabel('Title', { exact: true }).fill('Blue enamel mug');
  await page.getByLabel('Brand (optional)').fill('Fjord & Field');
  await page.getByLabel('Price', { exact: true }).fill('12.50');
  await page.getByLabel('Currency', { exact: true }).fill('EUR');
  const gtin = page.getByLabel('GTIN (barcode) (optional)');
  // The right check digit is 1.
  await gtin.fill('4006381333932');
  await page.getByRole('button', { name: 'Create product' }).click();

  // The server's message is shown next to the GTIN field, and what was typed is kept.
  await expect(page.getByRole('alert').filter({ hasText: 'The product was not created' })).toBeVisible();
  await expect(gtin).toHaveAttribute('aria-invalid', 'true');
  await expect(gtin).toHaveAccessibleDescription(/GTIN check digit is 2 but should be 1/);
  await expect(gtin).toBeFocused();
  await expect(page.getByLabel('Title', { exact: true })).toHaveValue('Blue enamel mug');
  await expect(page.getByLabel('Price', { exact: true })).toHaveValue('12.50');
  await gtin.scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath('product-form-error.png') });

  await gtin.fill('4006381333931');
  await expect(gtin).not.toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('button', { name: 'Create product' }).click();

  // The product page, with its stock panel at zero.
  await expect(page.getByRole('heading', { level: 1, name: 'Blue enamel mug' })).toBeVisible();
  await expect(page.getByText('MUG-BLUE-1', { exact: true })).toBeVisible();
  const available = page.getByTestId('stock-available');
  await expect(available).toHaveText('0');
  await expect(page.getByText('No movements yet.')).toBeVisible();

  await page.getByLabel('Quantity received').fill('12');
  await page.getByLabel('Reference (optional)').fill('PO-1001');
  await page.getByRole('button', { name: 'Receive stock' }).click();
  await expect(available).toHaveText('12');
  await expect(page.getByTestId('stock-on-hand')).toHaveText('12');
  await expect(page.getByRole('status').filter({ hasText: 'Received 12 at' })).toBeVisible();
  const movements = page.getByRole('list', { name: 'Latest movements' }).getByRole('listitem');
  await expect(movements).toHaveCount(1);
  await expect(movements.first()).toContainText('+12');
  await expect(movements.first()).toContainText('PO-1001');

  // An adjustment needs a reason: the server says so next to the field; then it goes through.
  await page.getByText('Adjust', { exact: true }).click();
  // Nothing typed: both missing fields are marked at once, and the focus goes to the first.
  await page.getByRole('button', { name: 'Record adjustment' }).click();
  await expect(page.getByLabel('Change', { exact: true })).toHaveAccessibleDescription(/Enter a quantity\./);
  await expect(page.getByLabel('Change', { exact: true })).toBeFocused();
  await expect(page.getByLabel('Reason', { exact: true })).toHaveAccessibleDescription(/needs a reason/);
  await page.getByLabel('Change', { exact: true }).fill('-2');
  await page.getByRole('button', { name: 'Record adjustment' }).click();
  await expect(page.getByLabel('Reason', { exact: true })).toHaveAccessibleDescription(/needs a reason/);
  await expect(page.getByLabel('Reason', { exact: true })).toBeFocused();
  await expect(available).toHaveText('12');
  await page.getByLabel('Reason', { exact: true }).fill('Two chipped in the stockroom');
  await page.getByRole('button', { name: 'Record adjustment' }).click();
  await expect(available).toHaveText('10');
  await expect(movements).toHaveCount(2);
  await expect(movements.first()).toContainText('−2');
  await expect(page.getByRole('status').filter({ hasText: 'Adjusted Main warehouse by −2. Available is now 10.' })).toBeVisible();

  // The per-location table shows the same figure.
  const locationRow = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Main warehouse' }) });
  await expect(locationRow).toContainText('10');

  await page.screenshot({ path: test.info().outputPath('product-page-light.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: test.info().outputPath('product-page-dark.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });

  // Back on the list, the row carries the new figures; the search narrows it as you type.
  await page.getByRole('link', { name: '← All products' }).click();
  const row = page.getByRole('row').filter({ hasText: 'MUG-BLUE-1' });
  await expect(row).toContainText('Blue enamel mug');
  await expect(row).toContainText('€12.50');
  // Cells: select, SKU, title, price, on hand, committed, incoming, available, status.
  await expect(row.getByRole('cell').nth(7)).toHaveText('10');
  await page.getByLabel('Search products').fill('teapot');
  await expect(page.getByText('No product matches “teapot”')).toBeVisible();
  await page.getByLabel('Search products').fill('enamel');
  await expect(row).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('product-list.png'), fullPage: true });
});

test('without the link, the UI asks for the token and refuses a wrong one', async ({ page, server }) => {
  await page.goto(server.origin);
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Stockfeed' })).toBeVisible();
  const token = page.getByLabel('API token');
  await token.fill('not-the-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The help that says where the file is sits below the field, and the message sends you there.
  await expect(token).toHaveAccessibleDescription(/did not accept this token. Copy it again from the api-token file \(see “Where to find the token” below\)/);
  await page.screenshot({ path: test.info().outputPath('sign-in-refused.png') });

  await token.fill(server.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('after-sign-in.png') });
});
