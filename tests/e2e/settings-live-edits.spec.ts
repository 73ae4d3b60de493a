/**
 * Settings saved elsewhere (a script through the API here) while the Settings form has unsaved
 * edits: the edits stay, the other change arrives in the fields not touched, a notice says so, and
 * a save goes on top of the other change rather than undoing it. With the live stream cut off,
 * the save itself finds the other change (409) and merges the same way.
 */
import type { Page } from '@playwright/test';
import { apiCall } from './api';
import { expect, test, type StockfeedServer } from './fixtures';

async function openSettings(page: Page, server: StockfeedServer): Promise<void> {
  await page.goto(server.signedInUrl);
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByLabel('Shop name')).not.toHaveValue('');
}

/** A script's save: what GET returned, with one field changed, sent back (no version). */
async function scriptSetsBrand(server: StockfeedServer, defaultBrand: string): Promise<void> {
  const current = await apiCall(server, 'settings.get', {});
  await apiCall(server, 'settings.update', { ...current, defaultBrand });
}

test('unsaved settings survive a save made elsewhere, merged with it', async ({ page, server }) => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await openSettings(page, server);
  await page.getByLabel('Shop name').fill('Harbour Goods');

  await scriptSetsBrand(server, 'Fjord & Field');

  const notice = page.getByTestId('changed-elsewhere');
  await expect(notice).toContainText('changed the settings while you were editing: 1 field updated from the server, your changes to 1 field kept.');
  await expect(page.getByLabel('Shop name')).toHaveValue('Harbour Goods');
  await expect(page.getByLabel('Default brand')).toHaveValue('Fjord & Field');
  await notice.scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath('settings-merged-1366.png') });
  await page.setViewportSize({ width: 1024, height: 800 });
  await page.screenshot({ path: test.info().outputPath('settings-merged-1024.png') });

  // Saving goes on top of the script's change: my name, its brand.
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
  await expect(notice).toBeHidden();
  expect(await apiCall(server, 'settings.get', {})).toMatchObject({ shopName: 'Harbour Goods', defaultBrand: 'Fjord & Field' });

  // An untouched form just follows; "Load the saved version" drops unsaved edits for the saved ones.
  await scriptSetsBrand(server, 'Bay Goods');
  await expect(page.getByLabel('Default brand')).toHaveValue('Bay Goods');
  await expect(notice).toBeHidden();
  await page.getByLabel('Shop name').fill('Harbour & Co');
  await scriptSetsBrand(server, 'Cove Goods');
  await expect(page.getByLabel('Default brand')).toHaveValue('Cove Goods');
  await notice.getByRole('button', { name: 'Load the saved version' }).click();
  await expect(page.getByLabel('Shop name')).toHaveValue('Harbour Goods');
  await expect(notice).toBeHidden();
});

test('a settings save made on top of a version saved over since is refused and merged, not written over it', async ({ page, server }) => {
  // No live stream: the page learns of the other save only from its own save's 409.
  await page.route('**/api/v1/events**', (route) => route.abort());
  await page.route('**/api/v1/changes**', (route) => route.abort());
  await openSettings(page, server);
  await page.getByLabel('Shop name').fill('Harbour Goods');

  await scriptSetsBrand(server, 'Fjord & Field');
  await expect(page.getByLabel('Default brand')).toHaveValue('');

  await page.getByRole('button', { name: 'Save settings' }).click();
  const notice = page.getByTestId('changed-elsewhere');
  await expect(notice).toContainText('The settings changed elsewhere while you were editing: 1 field updated from the server, your changes to 1 field kept.');
  await expect(notice).toContainText('Nothing was saved yet');
  await expect(page.getByLabel('Shop name')).toHaveValue('Harbour Goods');
  await expect(page.getByLabel('Default brand')).toHaveValue('Fjord & Field');
  expect((await apiCall(server, 'settings.get', {})).defaultBrand).toBe('Fjord & Field');

  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
  expect(await apiCall(server, 'settings.get', {})).toMatchObject({ shopName: 'Harbour Goods', defaultBrand: 'Fjord & Field' });
});
