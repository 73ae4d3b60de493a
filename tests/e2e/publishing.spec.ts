import { expect, test, type StockfeedServer } from './fixtures';

async function api(server: StockfeedServer, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${server.origin}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

test('publishing: a stock change made through the API reaches the feed, and the screen shows it without reloading', async ({ page, server }) => {
  const settings = (await api(server, 'GET', '/settings')) as Record<string, unknown>;
  await api(server, 'PUT', '/settings', { ...settings, shopUrl: 'https://shop.example.com', productUrlTemplate: 'https://shop.example.com/p/{slug}' });
  await api(server, 'POST', '/products', {
    sku: 'MUG-BLUE',
    title: 'Blue enamel mug',
    price: '12.50',
    currency: 'EUR',
    gtin: '4006381333931',
    brand: 'Fjord & Field',
    imageUrl: 'https://images.example.com/mug-blue.jpg',
  });
  // No picture: the feed cannot list it, and the screen says how to fix that.
  await api(server, 'POST', '/products', { sku: 'MUG-GREEN', title: 'Green enamel mug', price: '12.50', currency: 'EUR' });

  await page.goto(server.signedInUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Publishing' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Publishing' })).toBeVisible();
  await expect(page.getByTestId('publishing-state')).toHaveText(/Everything is published/, { timeout: 20_000 });
  await expect(page.getByTestId('availability-out_of_stock')).toContainText('2');
  await expect(page.getByTestId('availability-in_stock')).toContainText('0');
  await expect(page.getByTestId('artifact-merchantXml')).toContainText('Written');
  const before = await page.getByTestId('published-seq').innerText();

  // Goods arrive, recorded by another program through the API.
  await api(server, 'POST', '/stock/receive', { sku: 'MUG-BLUE', quantity: 12, reference: 'PO-1001' });

  const change = page.getByTestId('feed-change').filter({ hasText: 'MUG-BLUE' });
  await expect(change).toContainText('Out of stock → In stock');
  await expect(change).toContainText(/In the feed \(#\d+\)/, { timeout: 20_000 });
  await expect(page.getByTestId('availability-in_stock')).toContainText('1');
  await expect(page.getByTestId('availability-out_of_stock')).toContainText('1');
  await expect(page.getByTestId('published-seq')).not.toHaveText(before);
  await expect(page.getByTestId('publishing-state')).toHaveText(/Everything is published/);

  // The feed file really carries it.
  const status = (await api(server, 'GET', '/publish/status')) as { publishDir: string };
  expect(status.publishDir).toContain(server.dataDir);

  await page.getByRole('button', { name: 'Publish now' }).click();
  await expect(page.getByTestId('publishing-state')).toHaveText(/Everything is published/);
  // The desktop-only action is not offered in a browser.
  await expect(page.getByRole('button', { name: 'Open the publish folder' })).toHaveCount(0);

  await page.screenshot({ path: test.info().outputPath('publishing-light.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: test.info().outputPath('publishing-dark.png'), fullPage: true });
});

test('publishing: products left out of the feed are listed with the reason and how to fix it', async ({ page, server }) => {
  await api(server, 'POST', '/products', { sku: 'MUG-GREEN', title: 'Green enamel mug', price: '12.50', currency: 'EUR' });
  await page.goto(server.signedInUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Publishing' }).click();
  await expect(page.getByTestId('publishing-state')).toHaveText(/Everything is published/, { timeout: 20_000 });
  // The shop has no web address yet: that keeps every product out, and says where to fix it.
  await expect(page.getByText('Neither the product page URL template nor the shop URL is set')).toBeVisible();
  const green = page.getByTestId('publish-issues').getByRole('listitem').filter({ hasText: 'MUG-GREEN' });
  await expect(green).toContainText('The product has no image');
  await expect(green).toContainText('How to fix: Add an image URL');
  await expect(green.getByRole('link', { name: 'MUG-GREEN' })).toHaveAttribute('href', /#\/products\//);
});
