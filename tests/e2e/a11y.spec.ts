/**
 * Accessibility of the main screens, checked by axe-core in light and dark: no serious or critical
 * violation of WCAG 2.1 A/AA. A failure lists each rule with the elements it found.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test, type StockfeedServer } from './fixtures';

/** `within`: only that part of the page (an open modal dialog, which makes the rest inert). */
async function violations(page: Page, within?: string): Promise<string[]> {
  const builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
  const results = await (within ? builder.include(within) : builder).analyze();
  // The checks really ran on this page (labels, contrast, roles …), not on an empty document.
  expect(results.passes.map((p) => p.id)).toEqual(expect.arrayContaining(within ? ['color-contrast', 'button-name'] : ['color-contrast', 'document-title']));
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(' | ')}`);
}

/** Checks the page as it is now, in the light and the dark theme. */
async function expectAccessible(page: Page, screen: string, within?: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    expect(await violations(page, within), `${screen} (${colorScheme})`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

async function open(page: Page, server: StockfeedServer, hash: string, heading: string | RegExp): Promise<void> {
  await page.goto(`${server.origin}/#${hash}`);
  await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
  // Let data-driven parts (lists, charts, tables) finish loading before the check.
  await page.waitForLoadState('networkidle');
}

/** Opens a screen from one with unsaved changes: the question is checked too, then answered Leave. */
async function leaveFor(page: Page, server: StockfeedServer, hash: string, heading: string | RegExp, screen: string): Promise<void> {
  await page.goto(`${server.origin}/#${hash}`);
  const question = page.getByRole('dialog', { name: 'Leave without saving?' });
  await expect(question).toBeVisible();
  await expectAccessible(page, `${screen}: leave without saving?`, 'dialog[open]');
  await question.getByRole('button', { name: 'Leave' }).click();
  await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
  await page.waitForLoadState('networkidle');
}

test.describe('a fresh shop', () => {
  test.use({ shopSetUp: false });

  test('sign-in and first run', async ({ page, server }) => {
    await page.goto(server.origin);
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Stockfeed' })).toBeVisible();
    await expectAccessible(page, 'sign-in');
    await page.getByLabel('API token').fill('wrong-token-0000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByLabel('API token')).toHaveAttribute('aria-invalid', 'true');
    await expectAccessible(page, 'sign-in with an error');

    await page.getByLabel('API token').fill(server.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Stockfeed' })).toBeVisible();
    await expectAccessible(page, 'first run');
    await page.getByLabel('Product page address (optional)').fill('shop.example.com/{slug}');
    await page.getByRole('button', { name: 'Start using Stockfeed' }).click();
    await expect(page.getByRole('alert')).toBeVisible();
    await expectAccessible(page, 'first run with an error');
  });
});

test('the main screens of a shop with the sample catalogue', async ({ page, server }) => {
  // About twenty axe scans of whole screens in light and dark: minutes on a busy 2-core machine.
  test.setTimeout(300_000);
  const loaded = await fetch(`${server.origin}/api/v1/catalog/sample`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
    body: '{}',
  });
  expect(loaded.status).toBe(201);
  await page.goto(server.signedInUrl);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  // Wait for the start-up navigation (to Products) to settle, or it can overtake the next one.
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();

  await open(page, server, '/dashboard', 'Dashboard');
  await expectAccessible(page, 'dashboard');
  // The help panel, opened from a figure's "?", over the dashboard.
  await page.getByRole('button', { name: 'What is low stock?' }).click();
  await expect(page.getByRole('complementary', { name: 'Help' })).toBeVisible();
  await expectAccessible(page, 'dashboard with the help panel open');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('complementary', { name: 'Help' })).toBeHidden();
  await open(page, server, '/products', 'Products');
  await expect(page.getByText('MUG-ENAMEL-BLUE')).toBeVisible();
  await expectAccessible(page, 'products');
  // Below 1024 px the navigation is a menu; open, it is checked too.
  await page.setViewportSize({ width: 800, height: 720 });
  await page.getByRole('button', { name: 'Menu' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' })).toBeVisible();
  await expectAccessible(page, 'products with the menu open at 800 px');
  await page.keyboard.press('Escape');
  await page.setViewportSize({ width: 1280, height: 720 });
  await open(page, server, '/products/MUG-ENAMEL-BLUE', 'Enamel mug, blue');
  await expectAccessible(page, 'product page');
  // An edit shows the save bar; leaving asks (the question, in light and dark, is checked too).
  await page.getByLabel('Title', { exact: true }).fill('Enamel mug, deep blue');
  await expect(page.getByRole('region', { name: 'Unsaved changes' })).toBeVisible();
  await expectAccessible(page, 'product page with unsaved changes');
  await leaveFor(page, server, '/products/new', 'New product', 'product page');
  await expectAccessible(page, 'new product');
  await open(page, server, '/stock-entry', /Stock entry/);
  await expectAccessible(page, 'stock entry');
  await page.keyboard.type('MUG-ENAMEL-BLUE\n', { delay: 5 });
  await expect(page.getByLabel('Quantity received')).toBeFocused();
  await expectAccessible(page, 'stock entry with a product waiting for its quantity');
  await page.keyboard.press('Escape');
  await page.getByText('Continuous scanning', { exact: true }).click();
  await page.getByLabel('Record after a pause of').selectOption({ label: 'only when I press Finish' });
  await page.getByLabel('Scan or type a SKU or GTIN').focus();
  await page.keyboard.type('MUG-ENAMEL-BLUE\nMUG-ENAMEL-BLUE\nNO-SUCH-CODE\n', { delay: 5 });
  await expect(page.getByRole('region', { name: 'Needs attention' })).toContainText('NO-SUCH-CODE');
  await expectAccessible(page, 'stock entry, continuous scanning');
  await open(page, server, '/reservations', /Reservations|Orders/);
  await expectAccessible(page, 'reservations');
  await open(page, server, '/settings', 'Settings');
  await page.getByLabel('Upload the published files to a server by SFTP').check();
  await page.getByLabel('Tell search engines at once when a product page changes (IndexNow)').check();
  await expectAccessible(page, 'settings');
  // Those two changes are not saved: leaving asks.
  await leaveFor(page, server, '/import', 'Import and export', 'settings');
  await page.getByLabel('CSV file').setInputFiles({
    name: 'two.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('sku,title,price\nOK-1,Fine,1.00\nBAD 1,,x\n'),
  });
  await page.getByRole('button', { name: 'Check the file' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Nothing was imported' })).toBeVisible();
  await expectAccessible(page, 'import with problems');
  await open(page, server, '/publishing', 'Publishing');
  await expect(page.getByTestId('publishing-state')).toBeVisible();
  await expectAccessible(page, 'publishing');
});
