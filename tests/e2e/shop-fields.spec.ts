/**
 * The shop's fields, shared by the first-run screen and Settings: the shop name may not be left
 * empty (on first run it silently became "My shop"), and every choice of the Number format select
 * can be read at 1024 and 1366 px ("This computer's language: American" was cut off at 1024).
 */
import type { Locator, Page } from '@playwright/test';
import { expect, test, type StockfeedServer } from './fixtures';
import type { MeasuringGlobals, SelectLike } from './page-globals';

async function savedSettings(server: StockfeedServer): Promise<Record<string, unknown>> {
  return (await (await fetch(`${server.origin}/api/v1/settings`, { headers: { Authorization: `Bearer ${server.token}` } })).json()) as Record<string, unknown>;
}

/** How far the widest option's text runs past the room the closed select has for it (px; <= 0 fits). */
async function widestOptionOverflow(select: Locator): Promise<number> {
  return select.evaluate((node) => {
    const { getComputedStyle, document } = globalThis as unknown as MeasuringGlobals;
    const el = node as unknown as SelectLike;
    const style = getComputedStyle(el);
    const context = document.createElement('canvas').getContext('2d');
    if (!context) throw new Error('no canvas');
    context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    // Chromium draws the drop-down arrow inside the padding box, at about 20 px.
    const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
    return Math.max(...Array.from(el.options, (option) => context.measureText(option.text).width)) - room;
  });
}

async function expectNumberFormatFits(page: Page, where: string): Promise<void> {
  for (const width of [1024, 1366]) {
    await page.setViewportSize({ width, height: 768 });
    const select = page.getByLabel('Number format');
    await select.scrollIntoViewIfNeeded();
    await page.screenshot({ path: test.info().outputPath(`${where}-number-format-${width}.png`) });
    expect(await widestOptionOverflow(select), `${where} at ${width} px`).toBeLessThanOrEqual(0);
  }
}

test.describe('first run', () => {
  test.use({ shopSetUp: false });

  test('the shop name is required, said next to the field, and the number format can be read', async ({ page, server }) => {
    await page.goto(server.signedInUrl);
    await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Stockfeed' })).toBeVisible();
    await expectNumberFormatFits(page, 'first-run');

    const name = page.getByLabel('Shop name');
    await name.fill('   ');
    await page.getByRole('button', { name: 'Start using Stockfeed' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Nothing was saved' })).toBeVisible();
    await expect(name).toHaveAttribute('aria-invalid', 'true');
    await expect(name).toBeFocused();
    await expect(name).toHaveAccessibleDescription(/Enter the name of your shop/);
    await expect(page).toHaveURL(/#\/welcome/);
    expect(await savedSettings(server)).toMatchObject({ setupDone: false });

    await name.fill('Harbour Goods');
    await expect(name).not.toHaveAttribute('aria-invalid', 'true');
    await page.getByRole('button', { name: 'Start using Stockfeed' }).click();
    await expect(page).not.toHaveURL(/#\/welcome/);
    expect(await savedSettings(server)).toMatchObject({ setupDone: true, shopName: 'Harbour Goods' });
  });
});

test('settings: an emptied shop name is refused like on first run, and the number format can be read', async ({ page, server }) => {
  await page.goto(server.signedInUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await expectNumberFormatFits(page, 'settings');

  const before = (await savedSettings(server)).shopName;
  const name = page.getByLabel('Shop name');
  await name.fill('');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Nothing was saved' })).toBeVisible();
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(name).toBeFocused();
  await expect(name).toHaveAccessibleDescription(/Enter the name of your shop/);
  expect((await savedSettings(server)).shopName).toBe(before);

  await name.fill('Harbour Goods');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
  expect((await savedSettings(server)).shopName).toBe('Harbour Goods');
});
