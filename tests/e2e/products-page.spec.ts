import { apiCall } from './api';
import { expect, test } from './fixtures';

test('the product page lists its variants, pages through its movement history and shows how search engines see it, live', async ({ page, server }) => {
  const common = { price: '19.00', itemGroupId: 'TEE', imageUrl: 'https://cdn.example.com/tee.jpg', description: 'Organic cotton tee.', brand: 'Fjord' };
  await apiCall(server, 'products.create', { sku: 'TEE-S', title: 'Organic tee S', ...common });
  await apiCall(server, 'products.create', { sku: 'TEE-M', title: 'Organic tee M', ...common });
  for (let i = 1; i <= 25; i++) await apiCall(server, 'stock.receive', { sku: 'TEE-S', quantity: i, reference: `PO-${i}` });

  await page.goto(server.signedInUrl);
  await page.getByRole('link', { name: 'Products', exact: true }).click();
  await page.getByRole('link', { name: 'Organic tee S' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Organic tee S' })).toBeVisible();

  // Variants: the group's products, this one marked, the other a link.
  const variants = page.getByRole('region', { name: 'Variants in group TEE' });
  await expect(variants.getByText('Organic tee S (this product)')).toBeVisible();
  await expect(variants.getByRole('link', { name: 'Organic tee M' })).toBeVisible();

  // Movement history: 20 first, then the older ones on request.
  const movements = page.getByRole('list', { name: 'Latest movements' }).getByRole('listitem');
  await expect(movements).toHaveCount(20);
  await page.getByRole('button', { name: 'Show older movements' }).click();
  await expect(movements).toHaveCount(25);
  await expect(movements.last()).toContainText('PO-1');
  await expect(page.getByRole('button', { name: 'Show older movements' })).toBeHidden();

  // How search engines see it: without a shop address the product is left out, with the fix.
  const seo = page.getByRole('region', { name: 'How search engines see it' });
  await expect(seo.getByText('Problems to fix')).toBeVisible();
  await expect(seo.getByText(/Left out of the Merchant feed/).first()).toBeVisible();
  await expect(seo.getByText(/How to fix:/).first()).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('product-page-problems.png'), fullPage: true });

  // The settings are fixed elsewhere (the API): the panel follows without a reload.
  const settings = await apiCall(server, 'settings.get', {});
  await apiCall(server, 'settings.update', {
    ...settings,
    shopUrl: 'https://shop.example.com',
    productUrlTemplate: 'https://shop.example.com/p/{slug}',
  } as Parameters<typeof apiCall<'settings.update'>>[2]);
  await expect(seo.getByText('No problems: this product is in the feed, the sitemap and the JSON-LD.')).toBeVisible();
  await seo.getByText('Merchant feed item').click();
  await expect(seo.getByLabel('Merchant feed item')).toContainText('<g:id>TEE-S</g:id>');
  await seo.getByText('JSON-LD (structured data on the product page)').click();
  await expect(seo.getByLabel('JSON-LD')).toContainText('"@type": "ProductGroup"');
  await seo.getByText('Sitemap entry').click();
  await expect(seo.getByLabel('Sitemap entry')).toContainText('https://shop.example.com/p/organic-tee-s');

  // A sale elsewhere changes the stock panel and the feed item's availability at once.
  const onHand = page.getByTestId('stock-on-hand');
  await expect(onHand).toHaveText('325');
  await apiCall(server, 'stock.adjust', { sku: 'TEE-S', quantity: -325, reason: 'sold out at the market' });
  await expect(onHand).toHaveText('0');
  await expect(seo.getByLabel('Merchant feed item')).toContainText('<g:availability>out_of_stock</g:availability>');
  await expect(movements.first()).toContainText('sold out at the market');
  await page.screenshot({ path: test.info().outputPath('product-page.png'), fullPage: true });
});

test('a button that was busy keeps the focus: Save changes and Receive stock, pressed from the keyboard', async ({ page, server }) => {
  await apiCall(server, 'products.create', { sku: 'SPOON-1', title: 'Wooden spoon', price: '3.50' });
  await page.goto(server.signedInUrl);
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  await page.goto(`${server.origin}/#/products/SPOON-1`);
  await expect(page.getByRole('heading', { level: 1, name: 'Wooden spoon' })).toBeVisible();
  // Lookups and saves answer a moment later, as on a busy machine: the button is busy meanwhile.
  await page.route('**/api/v1/products/SPOON-1', async (route) => {
    if (route.request().method() === 'PATCH') await new Promise((resolve) => setTimeout(resolve, 300));
    await route.continue();
  });
  await page.getByLabel('Title').fill('Wooden spoon, beech');
  const save = page.getByRole('button', { name: 'Save changes' });
  await save.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Changes saved.' })).toBeVisible();
  await expect(save).toBeFocused();

  await page.getByLabel('Quantity received').fill('12');
  const receive = page.getByRole('button', { name: 'Receive stock' });
  await receive.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Received 12 at Main warehouse.' })).toBeVisible();
  await expect(receive).toBeFocused();
});

test('the reorder settings name each location as the shop named it, as “By location” beside them does', async ({ page, server }) => {
  await apiCall(server, 'locations.create', { code: 'backroom', name: 'Back room', sellsOnline: false });
  await apiCall(server, 'products.create', { sku: 'LAMP-1', title: 'Desk lamp', price: '40.00' });
  await apiCall(server, 'stock.receive', { sku: 'LAMP-1', quantity: 3 });
  await apiCall(server, 'stock.receive', { sku: 'LAMP-1', quantity: 2, location: 'backroom' });
  await page.goto(server.signedInUrl);
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  await page.goto(`${server.origin}/#/products/LAMP-1`);

  const reorder = page.getByRole('table', { name: 'Reorder settings per location' });
  await expect(reorder.getByRole('cell', { name: 'Back room', exact: true })).toBeVisible();
  await expect(reorder.getByRole('cell', { name: 'Main warehouse', exact: true })).toBeVisible();
  await expect(reorder.getByRole('cell', { name: 'backroom', exact: true })).toHaveCount(0);
  await page.getByLabel('Reorder point at Back room', { exact: true }).fill('4');
  await reorder.getByRole('row', { name: /Back room/ }).getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Reorder settings saved for Back room.')).toBeVisible();
  expect((await apiCall(server, 'products.reorder.get', { idOrSku: 'LAMP-1' })).locations).toContainEqual(expect.objectContaining({ location: 'backroom', reorderPoint: 4 }));
});
