/**
 * Settings → Backups in the browser: back up now, see the copy listed, restore it after a
 * confirmation, and find the data as it was, with the copy made before the restore listed to undo it.
 */
import { apiCall } from './api';
import { expect, test } from './fixtures';

test('backups: back up now, restore after confirming, the data goes back and the restore can be undone', async ({ page, server }) => {
  await apiCall(server, 'products.create', { sku: 'BAK-1', title: 'Backup mug', price: '9.00' });
  await apiCall(server, 'stock.receive', { sku: 'BAK-1', quantity: 3 });

  await page.goto(server.signedInUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  const card = page.getByRole('region', { name: 'Backups' });
  await card.scrollIntoViewIfNeeded();
  await expect(card.getByText('No backups yet.')).toBeVisible();
  await card.getByRole('button', { name: 'Back up now' }).click();
  await expect(card.getByText(/Backed up \(.*\), checked and intact\./)).toBeVisible();
  await expect(card.getByRole('row')).toHaveCount(2);
  await expect(card.getByRole('row').nth(1)).toContainText('By hand');

  await apiCall(server, 'stock.receive', { sku: 'BAK-1', quantity: 10 });
  expect((await apiCall(server, 'stock.get', { sku: 'BAK-1' })).onHand).toBe(13);

  for (const width of [1024, 1366]) {
    await page.setViewportSize({ width, height: 800 });
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: test.info().outputPath(`backups-${width}.png`), fullPage: false });
  }

  await card.getByRole('button', { name: /^Restore the backup of / }).click();
  const dialog = page.getByRole('dialog', { name: /^Restore the backup of / });
  await expect(dialog).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('backups-confirm.png') });
  await dialog.getByRole('button', { name: 'Restore' }).click();
  await expect(card.getByText(/Restored the backup of .*restore that one to undo\./)).toBeVisible();
  expect((await apiCall(server, 'stock.get', { sku: 'BAK-1' })).onHand).toBe(3);
  await expect(card.getByRole('row').filter({ hasText: 'Before a restore' })).toHaveCount(1);
  // The change stream carries the restore (numbered after everything the page saw): every screen is told to reload.
  const told = page.getByRole('status').filter({ hasText: "The shop's data was restored from a backup." });
  await expect(told).toBeVisible();
  await told.getByRole('button', { name: 'Reload' }).click();
  await expect(told).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath('backups-restored.png') });
});

test('backups settings: a relative folder is refused next to its field; retention and daily copies are saved', async ({ page, server }) => {
  await page.goto(server.signedInUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  const folder = page.getByLabel('Backups folder (optional)');
  await folder.fill('backups-elsewhere');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(folder).toHaveAttribute('aria-invalid', 'true');
  await expect(folder).toHaveAccessibleDescription(/absolute path/);
  await folder.fill('');
  await page.getByLabel('Keep delivery records (days)').fill('30');
  await page.getByLabel('Back up every day').uncheck();
  // The update settings belong to the desktop app; a browser does not show them.
  await expect(page.getByLabel('Update channel')).toHaveCount(0);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
  expect(await apiCall(server, 'settings.get', {})).toMatchObject({ retentionDays: 30, backups: { folder: null, automatic: false } });
});
