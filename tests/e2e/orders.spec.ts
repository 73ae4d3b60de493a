import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { shopifyOrder, shopifyRequest } from '../fixtures/channels/channel-requests';
import { apiCall } from './api';
import { expect, test, type StockfeedServer } from './fixtures';

const SECRET = 'shpss_orders_e2e_secret';

/** Sends a Shopify webhook to the server, signed as Shopify signs it. */
async function shopify(server: StockfeedServer, topic: string, body: Record<string, unknown>): Promise<void> {
  const request = shopifyRequest(topic, body, SECRET);
  const response = await fetch(`${server.origin}${request.url}`, { method: 'POST', headers: request.headers, body: request.payload });
  expect(response.status, await response.text()).toBe(200);
}

async function seed(server: StockfeedServer): Promise<string> {
  const settings = await apiCall(server, 'settings.get', {});
  await apiCall(server, 'settings.update', { ...settings, channels: { shopify: { secret: SECRET }, woocommerce: { secret: null } } });
  await apiCall(server, 'locations.create', { code: 'shop', name: 'Shop floor' });
  await apiCall(server, 'products.create', { sku: 'BOWL-1', title: 'Stoneware bowl', price: '22.00' });
  await apiCall(server, 'products.create', { sku: 'JUG-2', title: 'Milk jug with a rather long name for a small jug', price: '18.00' });
  await apiCall(server, 'stock.receive', { sku: 'BOWL-1', location: 'shop', quantity: 10 });
  await apiCall(server, 'stock.receive', { sku: 'JUG-2', quantity: 6 });
  const order = await apiCall(server, 'reservations.create', { sku: 'BOWL-1', location: 'shop', quantity: 2, reference: 'ORDER-100' });
  // A Shopify order that holds stock, one Shopify ships, and one that cannot be applied (unknown SKU).
  await shopify(server, 'orders/create', shopifyOrder(1042, [['JUG-2', 1]]));
  await shopify(server, 'orders/create', shopifyOrder(1041, [['JUG-2', 2]]));
  await shopify(server, 'orders/paid', shopifyOrder(1041, [['JUG-2', 2]]));
  await shopify(server, 'orders/create', shopifyOrder(1043, [['NO-SUCH-SKU', 1]]));
  return order.id;
}

async function shoot(page: Page, name: string): Promise<void> {
  for (const width of [1024, 1366]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: test.info().outputPath(`${name}-${width}.png`), fullPage: true });
  }
}

/** Serious or critical WCAG 2.1 A/AA problems axe finds, in the light and the dark theme (as a11y.spec.ts checks). */
async function accessibilityProblems(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    found.push(...results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${colorScheme} ${v.id}: ${v.help}`));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}

async function bowlAtShop(server: StockfeedServer): Promise<[number, number]> {
  const stock = await apiCall(server, 'stock.get', { sku: 'BOWL-1' });
  const shop = stock.byLocation.find((l) => l.location === 'shop');
  return [shop?.onHand ?? NaN, shop?.committed ?? NaN];
}

test('orders show names, Fulfil asks and can be undone, and the history lists settled orders', async ({ page, server }) => {
  test.setTimeout(120_000);
  const orderId = await seed(server);
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto(server.signedInUrl);
  await page.getByRole('link', { name: 'Orders' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Reservations and orders' })).toBeVisible();

  // 1. Every line shows the product's title and SKU and the location's name, not only codes.
  const held = page.getByRole('region', { name: 'Held reservations' }).getByRole('row');
  const manual = held.filter({ hasText: 'ORDER-100' });
  await expect(manual.getByRole('cell').nth(1)).toHaveText(/Stoneware bowl\s*BOWL-1/);
  await expect(manual.getByRole('cell').nth(2)).toHaveText('Shop floor');
  const fromShopify = held.filter({ hasText: 'Shopify order #1042' });
  await expect(fromShopify.getByRole('cell').nth(1)).toHaveText(/Milk jug with a rather long name for a small jug\s*JUG-2/);
  await expect(fromShopify.getByRole('cell').nth(2)).toHaveText('Main warehouse');

  // 2. The channel's order name is said once.
  const problems = page.getByRole('region', { name: 'Channel order problems' });
  await expect(problems.getByText('Shopify order #1043', { exact: true })).toBeVisible();
  await expect(page.getByText('Shopify order Shopify order')).toHaveCount(0);
  await shoot(page, 'orders-open');
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.setViewportSize({ width: 1366, height: 900 });

  // 3. Fulfil asks first, naming the order and what it does to stock; Cancel changes nothing.
  await page.getByRole('button', { name: 'Fulfil ORDER-100 (Stoneware bowl, BOWL-1)' }).click();
  const ask = page.getByRole('dialog', { name: 'Fulfil ORDER-100?' });
  await expect(ask).toContainText(
    '2 × Stoneware bowl (BOWL-1) leave Shop floor as a sale: on hand there goes down by 2, and they are no longer held for ORDER-100.',
  );
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.screenshot({ path: test.info().outputPath('orders-fulfil-dialog-1024.png') });
  await page.setViewportSize({ width: 1366, height: 900 });
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(manual).toBeVisible();
  expect(await bowlAtShop(server)).toEqual([10, 2]);
  await page.getByRole('button', { name: 'Fulfil ORDER-100 (Stoneware bowl, BOWL-1)' }).click();
  await ask.getByRole('button', { name: 'Fulfil' }).click();
  const shipped = 'Shipped 2 × Stoneware bowl (BOWL-1) from Shop floor for ORDER-100.';
  await expect(page.getByRole('status').filter({ hasText: shipped })).toBeVisible();
  await expect(manual).toBeHidden();
  // The Fulfil button left with its line: the focus is on the notice, one Tab from its Undo.
  await expect(page.getByRole('status').filter({ hasText: shipped })).toBeFocused();
  expect(await bowlAtShop(server)).toEqual([8, 0]);
  await shoot(page, 'orders-fulfilled-undo');
  await page.setViewportSize({ width: 1366, height: 900 });

  // 4. Undo puts the units back on hand and holds them for the order again, through a return.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: `Undo: ${shipped}` })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByText('Undone: 2 × Stoneware bowl (BOWL-1) are back on hand at Shop floor, held for ORDER-100 again.')).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Undone: 2 × Stoneware bowl' })).toBeFocused();
  await expect(manual).toBeVisible();
  expect(await bowlAtShop(server)).toEqual([10, 2]);
  const ledger = await apiCall(server, 'movements.list', { sku: 'BOWL-1', limit: 2 });
  expect(ledger.movements.map((m) => [m.kind, m.quantity, m.reservationId])).toEqual([
    ['return', 2, orderId],
    ['sale', -2, orderId],
  ]);
  expect(ledger.movements[0]?.reason).toBe(`undo of fulfilment ${ledger.movements[1]?.id}`);

  // 5. Shipped again, and a Shopify order released: the history lists them, newest first.
  await page.getByRole('button', { name: 'Fulfil ORDER-100 (Stoneware bowl, BOWL-1)' }).click();
  await ask.getByRole('button', { name: 'Fulfil' }).click();
  await expect(manual).toBeHidden();
  await page.getByRole('button', { name: 'Release Shopify order #1042 (Milk jug with a rather long name for a small jug, JUG-2)' }).click();
  await page.getByRole('dialog', { name: 'Release this reservation?' }).getByRole('button', { name: 'Release' }).click();
  await expect(page.getByText('No reservations are held right now.')).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: /^Released/ })).toBeFocused();

  await page.getByRole('tab', { name: 'History' }).click();
  await expect(page).toHaveURL(/tab=history/);
  const entries = page.getByTestId('order-history-entry');
  await expect(entries).toHaveCount(3);
  await expect(entries.nth(0)).toContainText('Shopify order #1042');
  await expect(entries.nth(0)).toContainText('Released');
  await expect(entries.nth(0)).toContainText('1 × Milk jug with a rather long name for a small jug (JUG-2) at Main warehouse');
  await expect(entries.nth(1)).toContainText('ORDER-100');
  await expect(entries.nth(1)).toContainText('Order from Stockfeed (app or API) · Fulfilled by Stockfeed (app or API)');
  await expect(entries.nth(1)).toContainText('2 × Stoneware bowl (BOWL-1) at Shop floor');
  await expect(entries.nth(2)).toContainText('Shopify order #1041');
  await expect(entries.nth(2)).toContainText('Order from Shopify · Fulfilled by Shopify');
  // Only Shopify can take back what Shopify shipped: no Undo there.
  await expect(entries.nth(2).getByRole('button')).toHaveCount(0);
  await expect(entries.nth(0).getByRole('button')).toHaveCount(0);
  await shoot(page, 'orders-history');
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.setViewportSize({ width: 1366, height: 900 });

  // 6. Undo from the history asks first, then holds the units for the order again.
  await entries.nth(1).getByRole('button', { name: 'Undo the shipment of 2 × Stoneware bowl (BOWL-1) at Shop floor for ORDER-100' }).click();
  const undoAsk = page.getByRole('dialog', { name: 'Undo the shipment of ORDER-100?' });
  await expect(undoAsk).toContainText('go back on hand, and are held for ORDER-100 again');
  await undoAsk.getByRole('button', { name: 'Undo shipment' }).click();
  await expect(page.getByText('Undone: 2 × Stoneware bowl (BOWL-1) are back on hand at Shop floor, held for ORDER-100 again.')).toBeVisible();
  await expect(entries).toHaveCount(2);
  expect(await bowlAtShop(server)).toEqual([10, 2]);
  await page.getByRole('tab', { name: /Open orders/ }).click();
  await expect(manual).toBeVisible();
  expect((await apiCall(server, 'reservations.list', { status: 'held' })).reservations.map((r) => r.reference)).toEqual(['ORDER-100']);
});

test('a long order reference wraps at 1024 px: Fulfil and Release stay inside the card and the page never scrolls sideways', async ({ page, server }) => {
  await apiCall(server, 'products.create', { sku: 'PLATE-4', title: 'Stoneware dinner plates, set of 4', price: '56.00' });
  await apiCall(server, 'stock.receive', { sku: 'PLATE-4', quantity: 3 });
  const reference = 'ORDER-1003 gift for Frau Schneider-Wiesenthal, deliver after Christmas';
  await apiCall(server, 'reservations.create', { sku: 'PLATE-4', quantity: 1, reference });
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto(server.signedInUrl);
  await page.getByRole('link', { name: 'Orders' }).click();
  const card = page.getByRole('region', { name: 'Held reservations' });
  const release = card.getByRole('button', { name: `Release ${reference} (Stoneware dinner plates, set of 4, PLATE-4)` });
  await expect(release).toBeVisible();
  const cardBox = await card.boundingBox();
  const releaseBox = await release.boundingBox();
  if (!cardBox || !releaseBox) throw new Error('the card or its Release button has no box');
  expect(releaseBox.x + releaseBox.width).toBeLessThanOrEqual(cardBox.x + cardBox.width);
  expect(await page.locator('html').evaluate((html) => html.scrollWidth <= html.clientWidth)).toBe(true);
  await page.screenshot({ path: test.info().outputPath('orders-long-reference-1024.png') });
});
