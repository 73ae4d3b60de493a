/**
 * Lists with wide tables (Products, Orders) take the header's width at wide windows; forms stay at
 * the readable width. At 1366 px the Products page was held to the form width, so a long title was
 * cut after two lines while 286 px of the window stayed empty.
 */
import type { Page } from '@playwright/test';
import { apiCall } from './api';
import { expect, test } from './fixtures';
import type { MeasuringGlobals } from './page-globals';

const LONG_TITLE = 'Hand-thrown stoneware serving bowl with speckled oatmeal glaze, large';

async function mainBox(page: Page): Promise<{ x: number; width: number }> {
  const box = await page.locator('main#main').boundingBox();
  if (!box) throw new Error('no main');
  return box;
}

test('products and orders use the width of a wide window; settings and other forms keep theirs', async ({ page, server }) => {
  await apiCall(server, 'products.create', { sku: 'BOWL-STONEWARE-L', title: LONG_TITLE, price: '48.00', currency: 'EUR' });
  await page.goto(server.signedInUrl);
  const formWidth = 72 * (await page.evaluate(() => {
    const { getComputedStyle, document } = globalThis as unknown as MeasuringGlobals;
    return parseFloat(getComputedStyle(document.documentElement).fontSize);
  }));

  for (const width of [1024, 1366, 1920]) {
    await page.setViewportSize({ width, height: 768 });
    await page.goto(`${server.origin}/#/products`);
    const title = page.getByRole('link', { name: LONG_TITLE });
    await expect(title).toBeVisible();
    await page.screenshot({ path: test.info().outputPath(`products-${width}.png`) });
    const products = await mainBox(page);
    const header = await page.locator('.app-header__inner').boundingBox();
    // The list lines up with the header (which holds the navigation) and leaves no wide empty margins.
    expect(Math.abs(products.x - (header?.x ?? -1)), `products at ${width} px`).toBeLessThan(2);
    expect(Math.abs(products.width - (header?.width ?? -1)), `products at ${width} px`).toBeLessThan(2);
    if (width >= 1366) expect(products.width, `products at ${width} px`).toBeGreaterThan(formWidth + 150);
    if (width >= 1366) {
      // The title is read whole, not cut after its second line.
      expect(await title.evaluate((el) => el.scrollHeight <= el.clientHeight + 1), `title at ${width} px`).toBe(true);
    }

    await page.goto(`${server.origin}/#/reservations`);
    await expect(page.getByRole('heading', { level: 1, name: 'Reservations and orders' })).toBeVisible();
    expect((await mainBox(page)).width, `orders at ${width} px`).toBeCloseTo(products.width, 0);

    for (const route of ['settings', 'stock-entry', 'import']) {
      await page.goto(`${server.origin}/#/${route}`);
      await expect(page.locator('main#main h1')).toBeVisible();
      expect((await mainBox(page)).width, `${route} at ${width} px`).toBeLessThanOrEqual(formWidth + 1);
    }
  }
});
