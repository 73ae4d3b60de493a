/**
 * The app's frame: the header on one line from 1024 px (a menu below that), page titles per
 * screen, and the help panel with its glossary.
 */
import type { Locator, Page } from '@playwright/test';
import { apiCall } from './api';
import { expect, test, type StockfeedServer } from './fixtures';

const LONG_SHOP_NAME = 'Hartmann & Söhne Haushaltswaren und Geschenke, Kreuzberg';

async function openSignedIn(page: Page, server: StockfeedServer): Promise<void> {
  await page.goto(server.signedInUrl);
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
}

/** The vertical middle of an element, to compare which items share a line. */
async function middle(locator: Locator): Promise<number> {
  // Asked until it has a box: right after a navigation the header can still be mounting, and an
  // element seen visible can be replaced before its box is read (seen in CI, once each way).
  let box: { y: number; height: number } | null = null;
  await expect.poll(async () => (box = await locator.boundingBox()) !== null, { message: `${locator.toString()} on screen` }).toBe(true);
  const { y, height } = box as unknown as { y: number; height: number };
  return y + height / 2;
}

test('the header fits on one line at 1024 and 1366 px, the shop name truncated with its full name as a tooltip', async ({ page, server }) => {
  await apiCall(server, 'settings.update', { ...(await apiCall(server, 'settings.get', {})), shopName: LONG_SHOP_NAME });
  for (const width of [1024, 1366]) {
    await page.setViewportSize({ width, height: 800 });
    await openSignedIn(page, server);
    const header = page.getByRole('banner');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(header.getByRole('button', { name: 'Menu' })).toBeHidden();
    const shop = header.getByTestId('shop-name');
    await expect(shop).toHaveText(LONG_SHOP_NAME);
    await expect(shop).toHaveAttribute('title', LONG_SHOP_NAME);

    const items = [
      header.getByRole('link', { name: 'Stockfeed' }),
      ...['Dashboard', 'Products', 'Stock entry', 'Orders', 'Purchasing', 'Import & export', 'Publishing', 'Channels', 'Settings'].map((name) =>
        nav.getByRole('link', { name, exact: true }),
      ),
      shop,
      header.getByRole('button', { name: 'Help' }),
      header.getByRole('button', { name: 'Sign out' }),
    ];
    const line = await middle(items[0] as Locator);
    for (const item of items) {
      await expect(item).toBeVisible();
      expect(Math.abs((await middle(item)) - line), `${item.toString()} at ${width} px`).toBeLessThan(4);
    }
    const box = await header.boundingBox();
    expect(box?.height, `header height at ${width} px`).toBeLessThan(64);
    // Nothing spills out sideways; the shop name gives way instead (it is cut short with …).
    expect(await header.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    expect(await shop.evaluate((el) => el.scrollWidth > el.clientWidth), `shop name cut short at ${width} px`).toBe(true);
    await page.screenshot({ path: test.info().outputPath(`header-${width}.png`) });
  }
});

test("an owner signed in with their own account: the nine screens and their name fit one line from 1024 px (the name from 1200 px)", async ({ page, server }) => {
  await apiCall(server, 'settings.update', { ...(await apiCall(server, 'settings.get', {})), shopName: LONG_SHOP_NAME });
  await apiCall(server, 'users.create', { username: 'alexandra.hartmann', role: 'owner', password: 'a long enough password' });
  await page.setViewportSize({ width: 1024, height: 800 });
  await page.goto(server.origin);
  await page.getByLabel('Username').fill('alexandra.hartmann');
  await page.getByLabel('Password').fill('a long enough password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  const header = page.getByRole('banner');
  const nav = page.getByRole('navigation', { name: 'Main' });
  const account = header.getByTestId('account');
  for (const width of [1024, 1199, 1200, 1280, 1366]) {
    await page.setViewportSize({ width, height: 800 });
    const items = [
      header.getByRole('link', { name: 'Stockfeed' }),
      ...['Dashboard', 'Products', 'Stock entry', 'Orders', 'Purchasing', 'Import & export', 'Publishing', 'Channels', 'Settings'].map((name) =>
        nav.getByRole('link', { name, exact: true }),
      ),
      ...(width >= 1200 ? [account] : []),
      header.getByRole('button', { name: 'Help' }),
      header.getByRole('button', { name: 'Sign out' }),
    ];
    if (width < 1200) await expect(account).toBeHidden();
    const line = await middle(items[0] as Locator);
    for (const item of items) {
      await expect(item).toBeVisible();
      expect(Math.abs((await middle(item)) - line), `${item.toString()} at ${width} px`).toBeLessThan(4);
    }
    expect((await header.boundingBox())?.height, `header height at ${width} px`).toBeLessThan(64);
    expect(await header.evaluate((el) => el.scrollWidth <= el.clientWidth), `nothing spills out at ${width} px`).toBe(true);
    await header.screenshot({ path: test.info().outputPath(`owner-account-header-${width}.png`) });
  }
});

test('below 1024 px the navigation collapses into a menu that works by keyboard', async ({ page, server }) => {
  await apiCall(server, 'settings.update', { ...(await apiCall(server, 'settings.get', {})), shopName: LONG_SHOP_NAME });
  await page.setViewportSize({ width: 800, height: 700 });
  await openSignedIn(page, server);
  const header = page.getByRole('banner');
  const menu = header.getByRole('button', { name: 'Menu' });
  const settingsLink = page.getByRole('link', { name: 'Settings', exact: true });
  await expect(menu).toBeVisible();
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect(settingsLink).toBeHidden();
  // Still one line: the brand, the menu button and the end of the header.
  expect((await header.boundingBox())?.height).toBeLessThan(64);
  expect(Math.abs((await middle(menu)) - (await middle(header.getByRole('button', { name: 'Help' }))))).toBeLessThan(4);

  // Open from the keyboard: the first link takes the focus; Esc closes and gives it back.
  await menu.focus();
  await page.keyboard.press('Enter');
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' })).toBeFocused();
  await expect(settingsLink).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('menu-open-800.png') });
  await page.keyboard.press('Escape');
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect(menu).toBeFocused();
  await expect(settingsLink).toBeHidden();

  // Open again with Space, move with Tab, follow a link with Enter: the menu closes behind it.
  await page.keyboard.press(' ');
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  // Dashboard → Products → Stock entry → Orders → Purchasing → Import & export → Publishing → Channels → Settings.
  for (let i = 0; i < 8; i++) await page.keyboard.press('Tab');
  await expect(settingsLink).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect(settingsLink).toBeHidden();

  // Tabbing out of the open menu closes it too.
  await menu.click();
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await settingsLink.focus();
  await page.keyboard.press('Tab');
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
});

test('every screen has its own page title, and a product page names the product', async ({ page, server }) => {
  const product = await apiCall(server, 'products.create', { sku: 'MUG-BLUE', title: 'Blue mug', price: '9.00' });
  await openSignedIn(page, server);
  await expect(page).toHaveTitle('Products · Stockfeed');
  const nav = page.getByRole('navigation', { name: 'Main' });
  const screens: Array<[string, string]> = [
    ['Dashboard', 'Dashboard · Stockfeed'],
    ['Stock entry', 'Stock entry · Stockfeed'],
    ['Orders', 'Orders · Stockfeed'],
    ['Import & export', 'Import and export · Stockfeed'],
    ['Publishing', 'Publishing · Stockfeed'],
    ['Settings', 'Settings · Stockfeed'],
    ['Products', 'Products · Stockfeed'],
  ];
  for (const [link, title] of screens) {
    await nav.getByRole('link', { name: link, exact: true }).click();
    await expect(page).toHaveTitle(title);
  }
  await page.getByRole('link', { name: 'Blue mug' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Blue mug' })).toBeVisible();
  await expect(page).toHaveTitle('MUG-BLUE — Blue mug · Stockfeed');
  // A rename elsewhere reaches the title too (the page follows the change stream).
  await apiCall(server, 'products.update', { idOrSku: product.id, title: 'Cobalt mug' });
  await expect(page).toHaveTitle('MUG-BLUE — Cobalt mug · Stockfeed');
  await page.getByRole('link', { name: '← All products' }).click();
  await page.getByRole('link', { name: 'New product' }).click();
  await expect(page).toHaveTitle('New product · Stockfeed');

  // Signed out, the sign-in screen has its own title.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Stockfeed' })).toBeVisible();
  await expect(page).toHaveTitle('Sign in · Stockfeed');
});

test('the help panel explains the stock words, opens from the header, F1, ? and the figures, and closes with Esc', async ({ page, server }) => {
  await apiCall(server, 'products.create', { sku: 'LAMP-1', title: 'Desk lamp', price: '40.00' });
  await openSignedIn(page, server);
  const helpButton = page.getByRole('banner').getByRole('button', { name: 'Help' });
  const panel = page.getByRole('complementary', { name: 'Help' });
  await expect(panel).toBeHidden();

  await helpButton.click();
  await expect(panel).toBeVisible();
  await expect(helpButton).toHaveAttribute('aria-expanded', 'true');
  for (const term of ['On hand', 'Committed', 'Incoming', 'Available', 'Buffer stock', 'Backorder', 'Preorder', 'Availability in the feed', 'Receive', 'Adjust', 'Count', 'Transfer', 'Return']) {
    await expect(panel.getByRole('heading', { name: term, exact: true })).toBeVisible();
  }
  const available = panel.getByRole('region', { name: 'Available', exact: true });
  await expect(available).toContainText('on hand minus committed');
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  await expect(helpButton).toBeFocused();
  await expect(helpButton).toHaveAttribute('aria-expanded', 'false');

  // F1 and ? open it from anywhere but a text field (where ? is just typed).
  await page.keyboard.press('F1');
  await expect(panel).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  await page.keyboard.press('?');
  await expect(panel).toBeVisible();
  await page.getByRole('button', { name: 'Close help' }).click();
  await expect(panel).toBeHidden();
  const search = page.getByLabel('Search products');
  await search.focus();
  await page.keyboard.type('lamp?');
  await expect(search).toHaveValue('lamp?');
  await expect(panel).toBeHidden();
  await search.fill('');

  // A figure's "?" opens the panel at its entry, which takes the focus.
  await page.getByRole('link', { name: 'Desk lamp' }).click();
  await page.getByRole('button', { name: 'What is available?' }).click();
  await expect(panel).toBeVisible();
  await expect(panel.getByRole('heading', { name: 'Available', exact: true })).toBeFocused();
  await page.screenshot({ path: test.info().outputPath('help-available.png') });
  await page.keyboard.press('Escape');
  await expect(page.getByRole('button', { name: 'What is available?' })).toBeFocused();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
  await page.getByRole('button', { name: 'What is low stock?' }).click();
  await expect(panel.getByRole('heading', { name: 'Low stock', exact: true })).toBeFocused();
  await expect(panel.getByRole('region', { name: 'Low stock', exact: true })).toContainText('5 or fewer');
});
