/**
 * The Channels screen in a real browser against the real server: connect to a Shopify stand-in
 * started by the test (credentials as secrets, the match report), watch a push arrive in the push
 * log, and retry a push that gave up. Screenshots at 1024 and 1366 px wide.
 */
import { expect } from '@playwright/test';
import { startShopifyStandIn, type ShopifyStandIn } from '../helpers/channel-standins';
import { apiCall } from './api';
import { test } from './fixtures';

let shop: ShopifyStandIn | null = null;
test.afterEach(async () => {
  await shop?.close();
  shop = null;
});

test('connects to a Dev Dashboard app by client ID and secret, and says clearly when Shopify refuses them', async ({ page, server }) => {
  shop = await startShopifyStandIn();
  const location = shop.shop.addLocation('Warehouse');
  shop.shop.addProduct('Enamel mug', [{ sku: 'E2E-MUG', available: { [location.id]: 0 } }]);
  await apiCall(server, 'products.create', { sku: 'E2E-MUG', title: 'Enamel mug', price: '12.50' });
  const current = await apiCall(server, 'settings.get', {});
  await apiCall(server, 'settings.update', { ...current, webhooks: { allowPrivateNetwork: true } } as never);

  await page.goto(server.signedInUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Channels' }).click();
  await expect(page.getByRole('heading', { name: 'Channels', level: 1 })).toBeVisible();
  await page.getByLabel('Shop domain').fill(shop.shopDomain);
  // An access token is the default; the Dev Dashboard's credentials replace its field.
  await expect(page.getByRole('radio', { name: /Access token/ })).toBeChecked();
  await page.getByRole('radio', { name: /Client ID and secret/ }).check();
  await expect(page.getByLabel('Admin API access token')).toHaveCount(0);
  await page.getByLabel('Client ID', { exact: true }).fill(shop.clientId);
  await page.getByLabel('Client secret', { exact: true }).fill('shpss_not_the_right_one_0123');
  await page.getByText('Advanced').click();
  await page.getByLabel('API address').fill(shop.url);
  await page.getByLabel('Push available stock to Shopify').check();
  await page.getByRole('button', { name: 'Save and connect' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Shopify refused the client ID and secret (invalid_client)');
  await expect(alert).toContainText('Dev Dashboard');
  await expect(page.locator('body')).not.toContainText('shpss_not_the_right_one_0123');

  // The right secret: Stockfeed exchanges it for a token and connects.
  await page.getByRole('group', { name: 'Client secret', exact: true }).getByRole('button', { name: 'Replace…' }).click();
  await page.getByLabel('Client secret', { exact: true }).fill(shop.clientSecret);
  await page.getByRole('button', { name: 'Save and connect' }).click();
  await expect(page.getByText('Connected: 1 of 1 products matched in Shopify.')).toBeVisible();
  await expect(page.getByRole('radio', { name: /Client ID and secret/ })).toBeChecked();
  await expect(page.getByRole('group', { name: 'Client ID', exact: true })).toContainText('Saved');
  for (const secret of [shop.clientId, shop.clientSecret, ...shop.tokens.issued.map((t) => t.token)]) await expect(page.locator('body')).not.toContainText(secret);
  expect(shop.tokens.issued.length).toBeGreaterThan(0);

  await apiCall(server, 'stock.receive', { sku: 'E2E-MUG', quantity: 5 });
  await expect.poll(() => shop!.available('E2E-MUG'), { timeout: 5_000 }).toBe(5);
});

test('connects to Shopify, shows a push arrive, and retries one that gave up', async ({ page, server }) => {
  test.setTimeout(90_000);
  shop = await startShopifyStandIn();
  const location = shop.shop.addLocation('Warehouse');
  shop.shop.addProduct('Enamel mug', [{ sku: 'E2E-MUG', available: { [location.id]: 0 } }, { sku: 'E2E-CUP', available: { [location.id]: 0 } }]);
  shop.shop.addProduct('Shopify only', [{ sku: 'ONLY-THERE', available: { [location.id]: 0 } }]);
  await apiCall(server, 'products.create', { sku: 'E2E-MUG', title: 'Enamel mug', price: '12.50' });
  await apiCall(server, 'products.create', { sku: 'E2E-CUP', title: 'Enamel cup', price: '9.50' });
  await apiCall(server, 'products.create', { sku: 'E2E-PLATE', title: 'Enamel plate', price: '14.00' });
  // The stand-in listens on 127.0.0.1: the owner allows this computer, as for a local webhook receiver.
  const current = await apiCall(server, 'settings.get', {});
  await apiCall(server, 'settings.update', { ...current, webhooks: { allowPrivateNetwork: true } } as never);

  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto(server.signedInUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Channels' }).click();
  await expect(page.getByRole('heading', { name: 'Channels', level: 1 })).toBeVisible();
  await expect(page).toHaveTitle('Channels · Stockfeed');
  await expect(page.getByRole('tab', { name: /Shopify/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('channel-card-shopify')).toContainText('Not set up');

  await page.getByLabel('Shop domain').fill(shop.shopDomain);
  await page.getByLabel('Admin API access token').fill(shop.accessToken);
  await page.getByText('Advanced').click();
  await page.getByLabel('API address').fill(shop.url);
  await page.getByLabel('Push available stock to Shopify').check();
  await page.getByRole('button', { name: 'Save and connect' }).click();
  await expect(page.getByText('Connected: 2 of 3 products matched in Shopify.')).toBeVisible();
  const report = page.getByTestId('match-report');
  await expect(report).toContainText('2 of 3 products matched to 3 items in Shopify');
  await report.getByText('In Stockfeed only').click();
  await expect(report.getByTestId('report-stockfeedOnly')).toContainText('E2E-PLATE');
  await expect(report.getByTestId('report-channelOnly')).toContainText('1');
  // The token is never shown again once saved.
  await expect(page.getByRole('group', { name: 'Admin API access token' })).toContainText('Saved');
  await expect(page.locator('body')).not.toContainText(shop.accessToken);

  // A receipt made elsewhere goes out, and the push log shows it.
  await apiCall(server, 'stock.receive', { sku: 'E2E-MUG', quantity: 6 });
  await expect.poll(() => shop!.available('E2E-MUG'), { timeout: 5_000 }).toBe(6);
  const log = page.getByTestId('push-log');
  await expect(log.getByTestId('push-E2E-MUG').first()).toContainText('Sent');
  await expect(log.getByTestId('push-E2E-MUG').first()).toContainText('6');
  await expect(page.getByTestId('channel-card-shopify')).toContainText('Up to date');
  await page.screenshot({ path: test.info().outputPath('channels-1366.png'), fullPage: true });

  // Shopify stops stocking the cup at the location: every push is refused until it is fixed.
  const cup = shop.shop.variantBySku('E2E-CUP')!;
  const key = `${cup.inventoryItemId}:${location.id}`;
  const level = shop.shop.levels.get(key)!;
  shop.shop.levels.delete(key);
  await apiCall(server, 'stock.receive', { sku: 'E2E-CUP', quantity: 2 });
  await page.getByTestId('push-status-filter').selectOption({ label: 'Gave up' });
  await expect(log.getByTestId('push-E2E-CUP')).toContainText('Gave up', { timeout: 40_000 });
  await expect(log.getByTestId('push-E2E-CUP')).toContainText('ITEM_NOT_STOCKED_AT_LOCATION');
  await expect(page.getByTestId('channel-card-shopify')).toContainText('1 gave up');

  await page.setViewportSize({ width: 1024, height: 800 });
  // The header keeps every link on one line at 1024 px, Channels included.
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Channels' })).toBeVisible();
  const links = await nav.getByRole('link').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
  expect(new Set(links).size).toBe(1);
  await page.screenshot({ path: test.info().outputPath('channels-1024.png'), fullPage: true });

  // Fixed in Shopify; Retry sends the value as it is now.
  shop.shop.levels.set(key, level);
  await log.getByTestId('push-E2E-CUP').getByRole('button', { name: 'Retry' }).click();
  await expect.poll(() => shop!.shop.level(cup.inventoryItemId, location.id)?.available, { timeout: 10_000 }).toBe(2);
  await page.getByTestId('push-status-filter').selectOption({ label: 'Sent' });
  await expect(log.getByTestId('push-E2E-CUP').first()).toContainText('Retry');
  await expect(page.getByTestId('channel-card-shopify')).toContainText('Up to date');

  // The other channels are a tab away (arrow keys move between them), each with its own form.
  await page.getByRole('tab', { name: /Shopify/ }).focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: /Google/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByLabel('Service account key (JSON)')).toBeVisible();
  // A channel's credentials are what it needs to work: never marked optional (its API address is).
  await expect(page.locator('label', { hasText: 'Service account key (JSON)' })).not.toContainText('(optional)');
  await expect(page.locator('label', { hasText: 'Token address' })).toContainText('(optional)');
  await expect(page.getByTestId('channel-problem')).toContainText('Not set up yet: fill in Merchant Center account id');
  await page.screenshot({ path: test.info().outputPath('channels-google-1024.png'), fullPage: true });
});

test('Connect and the drift check with nothing filled in name the fields to fill in, not setting keys', async ({ page, server }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto(server.signedInUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Channels' }).click();
  await expect(page.getByRole('heading', { name: 'Channels', level: 1 })).toBeVisible();
  // Never checked: no all-clear yet.
  await expect(page.getByText('Not checked yet: Check now compares every matched item with Stockfeed.')).toBeVisible();
  await expect(page.getByText('No drift found.')).toHaveCount(0);

  await page.getByRole('button', { name: 'Save and connect' }).click();
  const form = page.locator('.setup__form');
  await expect(form.getByRole('alert').filter({ hasText: 'To connect' })).toHaveText('To connect, fill in Shop domain and Admin API access token.');
  await expect(page.getByLabel('Shop domain')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('channels.shopify', { exact: false })).toHaveCount(0);

  await page.getByRole('button', { name: 'Check now' }).click();
  await expect(page.locator('.drift').getByRole('alert')).toHaveText('To connect, fill in Shop domain and Admin API access token.');

  // At 1,024 px a whole shop domain shows in its field (two columns in the card cut it off).
  const domain = page.getByLabel('Shop domain');
  await domain.fill('hartmann-haushaltswaren-berlin.myshopify.com');
  const [shown, needed] = await domain.evaluate((input) => [input.clientWidth, input.scrollWidth]);
  expect(needed).toBeLessThanOrEqual(shown ?? 0);
});
