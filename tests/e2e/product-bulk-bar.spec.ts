/**
 * The bulk bar of the Products list keeps its main actions on one line at 1024 and 1366 px; the
 * less-used ones (buffer stock, Duplicate, Delete) open under More. With all of them in one row the
 * bar wrapped at both widths with a single product selected.
 */
import { apiCall } from './api';
import { expect, test } from './fixtures';

test('one product selected: the main actions sit on one line, More opens the rest', async ({ page, server }) => {
  await apiCall(server, 'products.create', { sku: 'MUG-1', title: 'Enamel mug', price: '12.50', currency: 'EUR' });
  await page.goto(server.signedInUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Products' }).click();
  const bar = page.getByRole('region', { name: 'Bulk actions' });

  for (const width of [1024, 1366]) {
    await page.setViewportSize({ width, height: 768 });
    await page.getByRole('checkbox', { name: 'Select MUG-1' }).check();
    const more = bar.getByRole('button', { name: 'More', exact: true });
    await expect(more).toHaveAttribute('aria-expanded', 'false');
    await expect(bar.getByLabel('Buffer stock')).toBeHidden();
    await page.screenshot({ path: test.info().outputPath(`bulk-bar-${width}.png`) });
    const main = ['Print labels…', 'Archive…', 'Price or status…', 'More', 'Clear selection'].map((name) => bar.getByRole('button', { name, exact: true }));
    const tops = await Promise.all(main.map(async (button) => (await button.boundingBox())?.y ?? -1));
    expect(new Set(tops.map(Math.round)).size, `one line at ${width} px: ${tops.join(', ')}`).toBe(1);

    await more.click();
    await expect(more).toHaveAttribute('aria-expanded', 'true');
    const group = bar.getByRole('group', { name: 'More actions' });
    await expect(group.getByLabel('Buffer stock')).toBeVisible();
    await expect(group.getByRole('button', { name: 'Set buffer' })).toBeVisible();
    await expect(group.getByRole('link', { name: 'Duplicate' })).toBeVisible();
    await expect(group.getByRole('button', { name: 'Delete…' })).toBeVisible();
    await page.screenshot({ path: test.info().outputPath(`bulk-bar-more-${width}.png`) });

    // A new selection starts with the short bar again.
    await bar.getByRole('button', { name: 'Clear selection' }).click();
    await expect(bar).toBeHidden();
  }
});
