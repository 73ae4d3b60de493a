/**
 * A channel's connection being typed while the settings are saved elsewhere (a script through the
 * API here). Any settings save used to reset the form, so a shop domain and a token typed but not
 * yet saved were gone; now they stay, the other change arrives in the fields not touched, and a
 * notice says so. Saving sends the fields changed here on top of the other change.
 */
import { apiCall } from './api';
import { expect, test } from './fixtures';

test('a connection being typed survives settings saved elsewhere, merged with them', async ({ page, server }) => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto(server.signedInUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Channels' }).click();
  await expect(page.getByRole('heading', { name: 'Channels', level: 1 })).toBeVisible();
  await page.getByLabel('Shop domain').fill('harbour-goods.myshopify.com');
  await page.getByLabel('Admin API access token').fill('shpat_typed_but_not_saved_0123');

  // A script renames the shop and sets Shopify's API address.
  const current = await apiCall(server, 'settings.get', {});
  await apiCall(server, 'settings.update', {
    ...current,
    shopName: 'Harbour Goods',
    channels: { ...current.channels, shopify: { ...current.channels.shopify, apiBaseUrl: 'https://api.harbour.example' } },
  } as never);

  const notice = page.getByTestId('changed-elsewhere');
  await expect(notice).toContainText('changed the Shopify connection while you were editing: 1 field updated from the server, your changes to 2 fields kept.');
  await expect(page.getByLabel('Shop domain')).toHaveValue('harbour-goods.myshopify.com');
  await expect(page.getByLabel('Admin API access token')).toHaveValue('shpat_typed_but_not_saved_0123');
  await expect(page.getByLabel('API address')).toHaveValue('https://api.harbour.example');
  await page.screenshot({ path: test.info().outputPath('channels-merged-1366.png') });
  await page.setViewportSize({ width: 1024, height: 800 });
  await page.screenshot({ path: test.info().outputPath('channels-merged-1024.png') });

  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Saved.', { exact: true })).toBeVisible();
  await expect(notice).toBeHidden();
  const saved = await apiCall(server, 'settings.get', {});
  expect(saved.shopName).toBe('Harbour Goods');
  expect(saved.channels.shopify).toMatchObject({ shopDomain: 'harbour-goods.myshopify.com', hasAccessToken: true, apiBaseUrl: 'https://api.harbour.example' });
});
