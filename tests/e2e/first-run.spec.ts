import { expect, test } from './fixtures';

test.use({ shopSetUp: false });

test('first run: the shop is set up with a live product URL example, a server error is fixed, and the sample catalogue loads', async ({ page, server }) => {
  await page.goto(server.signedInUrl);
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Stockfeed' })).toBeVisible();
  expect(page.url()).toContain('#/welcome');

  await page.getByLabel('Shop name').fill('Fjord & Field');
  await page.getByLabel('Website address (optional)').fill('https://shop.example.com/');
  // With a site address and no template yet, the usual shape is offered.
  await expect(page.getByText('https://shop.example.com/products/{slug}')).toBeVisible();
  await page.getByLabel('Currency').fill('GBP');

  const template = page.getByLabel('Product page address (optional)');
  await template.fill('https://shop.example.com/p/');
  // The live check says what is wrong while typing, with the server's rule.
  await expect(template).toHaveAccessibleDescription(/must contain \{slug\} or \{sku\}/);
  await page.screenshot({ path: test.info().outputPath('first-run-typing.png'), fullPage: true });

  // Sent anyway, the server refuses it next to the field, and nothing typed is lost.
  await page.getByRole('button', { name: 'Start using Stockfeed' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Nothing was saved' })).toBeVisible();
  await expect(template).toHaveAttribute('aria-invalid', 'true');
  await expect(template).toBeFocused();
  await expect(page.getByLabel('Shop name')).toHaveValue('Fjord & Field');
  await page.screenshot({ path: test.info().outputPath('first-run-error.png'), fullPage: true });

  await template.fill('https://shop.example.com/p/{slug}');
  await expect(template).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('product-url-example')).toHaveText('https://shop.example.com/p/enamel-mug-blue');
  await page.getByLabel('Load a sample catalogue to try things out').check();
  await page.screenshot({ path: test.info().outputPath('first-run-light.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: test.info().outputPath('first-run-dark.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });

  await page.getByRole('button', { name: 'Start using Stockfeed' }).click();
  await expect(page).not.toHaveURL(/#\/welcome/, { timeout: 30_000 });
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();

  // Saved through the API like any other settings; the sample went through the normal operations.
  const headers = { Authorization: `Bearer ${server.token}` };
  const settings = (await (await fetch(`${server.origin}/api/v1/settings`, { headers })).json()) as Record<string, unknown>;
  expect(settings).toMatchObject({ setupDone: true, shopName: 'Fjord & Field', currency: 'GBP', productUrlTemplate: 'https://shop.example.com/p/{slug}' });
  const products = (await (await fetch(`${server.origin}/api/v1/products?limit=100`, { headers })).json()) as { products: Array<{ sku: string; currency: string }> };
  expect(products.products.length).toBeGreaterThanOrEqual(30);
  expect(products.products.every((p) => p.currency === 'GBP')).toBe(true);
  const movements = (await (await fetch(`${server.origin}/api/v1/movements?limit=5`, { headers })).json()) as { movements: unknown[] };
  expect(movements.movements.length).toBeGreaterThan(0);

  // Done once: opening the app again goes straight in.
  await page.goto(`${server.origin}/#/welcome`);
  await expect(page).not.toHaveURL(/#\/welcome/);
  await page.goto(`${server.origin}/#/products`);
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  await expect(page.getByText('MUG-ENAMEL-BLUE')).toBeVisible();
});
