import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type StockfeedServer } from './fixtures';

async function apiGet(server: StockfeedServer, path: string, token = server.token): Promise<Response> {
  return fetch(`${server.origin}/api/v1${path}`, { headers: { Authorization: `Bearer ${token}` } });
}

test('settings: a bad value is explained next to its field and kept, secrets are never shown, locations are added', async ({ page, server }) => {
  await page.goto(server.signedInUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();

  await page.getByLabel('Shop name').fill('Harbour Goods');
  const buffer = page.getByLabel('Buffer stock');
  await buffer.fill('-2');
  await page.getByLabel('Upload the published files to a server by SFTP').check();
  await page.getByLabel('Server', { exact: true }).fill('sftp.example.com');
  await page.getByLabel('User name', { exact: true }).fill('shop');
  await page.getByLabel('Password (optional)').fill('correct horse battery staple');
  await expect(page.getByText('You have unsaved changes.')).toBeVisible();
  await page.getByRole('button', { name: 'Save settings' }).click();

  await expect(page.getByRole('alert').filter({ hasText: 'Nothing was saved' })).toBeVisible();
  await expect(buffer).toHaveAttribute('aria-invalid', 'true');
  await expect(buffer).toBeFocused();
  await expect(buffer).toHaveAccessibleDescription(/greater than or equal to 0|at least 0|too small/i);
  await expect(page.getByLabel('Shop name')).toHaveValue('Harbour Goods');
  await expect(page.getByLabel('Password (optional)')).toHaveValue('correct horse battery staple');
  await page.screenshot({ path: test.info().outputPath('settings-error.png'), fullPage: true });

  await buffer.fill('2');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
  // The password is saved but never comes back: the page shows that one is saved, not what it is.
  const password = page.getByRole('group', { name: 'Password' });
  await expect(password).toContainText('Saved');
  await expect(page.getByLabel('Password (optional)')).toHaveCount(0);
  expect(await page.content()).not.toContain('correct horse battery staple');
  const saved = (await (await apiGet(server, '/settings')).json()) as { shopName: string; bufferStock: number; sftp: Record<string, unknown> };
  expect(saved).toMatchObject({ shopName: 'Harbour Goods', bufferStock: 2 });
  expect(saved.sftp).toMatchObject({ host: 'sftp.example.com', password: null, hasPassword: true });
  await expect(page.getByRole('banner')).toContainText('Harbour Goods');

  // Removing asks first; Cancel keeps it.
  await password.getByRole('button', { name: 'Remove' }).click();
  const dialog = page.getByRole('dialog', { name: 'Remove the saved password?' });
  await expect(dialog).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('settings-confirm.png') });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(password).toContainText('Saved');
  await password.getByRole('button', { name: 'Remove' }).click();
  await dialog.getByRole('button', { name: 'Remove' }).click();
  await expect(password).toContainText('Will be removed when you save.');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
  await expect(page.getByLabel('Password (optional)')).toBeVisible();
  const cleared = (await (await apiGet(server, '/settings')).json()) as { sftp: Record<string, unknown> };
  expect(cleared.sftp).toMatchObject({ hasPassword: false });

  // Locations: a code in use is refused next to its field; a new one appears in the list at once.
  const locationCode = page.getByLabel('Code', { exact: true });
  await page.getByLabel('Name', { exact: true }).fill('Second main');
  await locationCode.fill('main');
  await page.getByRole('button', { name: 'Add location' }).click();
  await expect(locationCode).toHaveAccessibleDescription(/already exists/);
  await page.getByLabel('Name', { exact: true }).fill('Shop floor');
  await locationCode.fill('shop');
  await page.getByLabel('Sells online').uncheck();
  await page.getByRole('button', { name: 'Add location' }).click();
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Shop floor' }) });
  await expect(row).toContainText('shop');
  await expect(row).toContainText('not offered online');
  await expect(page.getByLabel('Default location')).toContainText('Shop floor (shop)');

  // IndexNow gets a key made for it; a sales channel's secret is kept like the password.
  await page.getByLabel('Tell search engines at once when a product page changes (IndexNow)').check();
  await page.getByRole('button', { name: 'Make a key' }).click();
  await expect(page.getByLabel('Key', { exact: true })).toHaveValue(/^[0-9a-f]{32}$/);
  await page.getByLabel('Shopify app secret (optional)').fill('shpss_0123456789abcdef');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Shopify app secret' })).toContainText('Saved');
  const withChannel = (await (await apiGet(server, '/settings')).json()) as { indexNow: { enabled: boolean; key: string }; channels: { shopify: Record<string, unknown> } };
  expect(withChannel.indexNow).toMatchObject({ enabled: true, key: expect.stringMatching(/^[0-9a-f]{32}$/) });
  expect(withChannel.channels.shopify).toMatchObject({ secret: null, hasSecret: true, accessToken: null });

  await page.screenshot({ path: test.info().outputPath('settings-light.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: test.info().outputPath('settings-dark.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });
});

test('settings: a new API token is shown once, the old one stops working, and webhooks are added, turned off and deleted', async ({ page, server }) => {
  await page.goto(server.signedInUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();

  await page.getByRole('button', { name: 'Make a new token…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Make a new API token?' });
  await dialog.getByRole('button', { name: 'Make a new token' }).click();
  const fresh = page.getByRole('textbox', { name: 'New API token' });
  await expect(fresh).toBeVisible();
  const token = await fresh.inputValue();
  expect(token.length).toBeGreaterThanOrEqual(16);
  expect(token).not.toBe(server.token);
  expect((await apiGet(server, '/settings')).status).toBe(401);
  expect((await apiGet(server, '/settings', token)).status).toBe(200);
  // This page keeps working: it now uses the new token.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Products' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();

  await page.getByLabel('Address (URL)').fill('not a url');
  await page.getByRole('button', { name: 'Add webhook' }).click();
  await expect(page.getByLabel('Address (URL)')).toHaveAccessibleDescription(/http/);
  // This computer is refused, naming the rule, until the owner allows it (a local n8n is a real use).
  await page.getByLabel('Address (URL)').fill('http://n8n:s3cret-pass@127.0.0.1:5678/webhook/stock');
  await page.getByRole('button', { name: 'Add webhook' }).click();
  await expect(page.getByLabel('Address (URL)')).toHaveAccessibleDescription(/loopback.*webhooks\.allowPrivateNetwork/);
  const allow = page.getByLabel('Allow webhooks, IndexNow and SFTP to reach this computer and the local network');
  await expect(allow).not.toBeChecked();
  await expect(allow).toHaveAccessibleDescription(/n8n or Node-RED on 127\.0\.0\.1/);
  await allow.check();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
  await page.getByRole('button', { name: 'Add webhook' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Its signing secret is' })).toContainText('http://***@127.0.0.1:5678/webhook/stock');
  const local = page.getByRole('listitem').filter({ hasText: 'http://***@127.0.0.1:5678/webhook/stock' });
  await expect(local).toBeVisible();
  await expect(page.getByText('s3cret-pass')).toHaveCount(0);
  await local.getByRole('button', { name: 'Delete…' }).click();
  await page.getByRole('dialog', { name: 'Delete this webhook?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(local).toHaveCount(0);

  await page.getByLabel('Address (URL)').fill('https://hooks.example.com/stock');
  await page.getByLabel('Description (optional)').fill('Warehouse system');
  // Several changes are chosen by ticking their boxes (a multiple-choice list needed Ctrl-click).
  const types = page.getByRole('group', { name: 'Changes to send (optional)' });
  await expect(types).toHaveAccessibleDescription('None ticked: every change.');
  await types.getByLabel('stock.changed', { exact: true }).check();
  await types.getByLabel('availability.changed', { exact: true }).check();
  await page.getByRole('button', { name: 'Add webhook' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Its signing secret is' })).toBeVisible();
  const item = page.getByRole('listitem').filter({ hasText: 'https://hooks.example.com/stock' });
  await expect(item).toContainText('stock.changed, availability.changed');
  await item.getByRole('button', { name: 'Turn off' }).click();
  await expect(item).toContainText('off');
  await item.getByRole('button', { name: 'Deliveries' }).click();
  await expect(item.getByText('Nothing has been sent yet.')).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('settings-webhooks.png'), fullPage: true });
  await item.getByRole('button', { name: 'Delete…' }).click();
  await page.getByRole('dialog', { name: 'Delete this webhook?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(item).toHaveCount(0);
  await expect(page.getByText('No webhooks yet.')).toBeVisible();
});

test('settings: a publish folder that holds files Stockfeed did not write is refused next to its field', async ({ page, server }) => {
  const web = fs.mkdtempSync(path.join(os.tmpdir(), 'stockfeed-e2e-web-'));
  fs.writeFileSync(path.join(web, 'index.html'), '<h1>My site</h1>');
  try {
    await page.goto(server.signedInUrl);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    const folder = page.getByLabel('Publish folder');
    await folder.fill(web);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(folder).toHaveAttribute('aria-invalid', 'true');
    await expect(folder).toHaveAccessibleDescription(/The folder holds files Stockfeed did not write: index\.html; choose an empty folder or a sub-folder/);
    await folder.fill('feeds');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(folder).toHaveAccessibleDescription(/Relative path/);
    await folder.fill(path.join(web, 'stockfeed'));
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
    // The publisher now writes into the new folder; its manifest comes last. Removing the folder
    // while it still writes failed with ENOTEMPTY on a fast machine.
    await expect.poll(() => fs.existsSync(path.join(web, 'stockfeed', 'manifest.json')), { timeout: 20_000 }).toBe(true);
  } finally {
    fs.rmSync(web, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
});

test('settings: a storefront token is shown once, reads availability and nothing else, and stops when revoked', async ({ page, server }) => {
  await page.goto(server.signedInUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  const section = page.getByRole('region', { name: 'Storefront tokens' });
  await expect(section.getByText('No storefront tokens yet.')).toBeVisible();
  await section.getByLabel('Storefront name').fill('Shop front');
  await section.getByRole('button', { name: 'Make a storefront token' }).click();
  const fresh = section.getByRole('textbox', { name: 'New storefront token' });
  await expect(fresh).toBeVisible();
  const token = await fresh.inputValue();
  expect(token).toMatch(/^sft_/);
  const item = section.getByRole('listitem').filter({ hasText: 'Shop front' });
  await expect(item).toBeVisible();
  expect((await apiGet(server, '/availability?skus=NOPE', token)).status).toBe(200);
  expect((await apiGet(server, '/settings', token)).status).toBe(403);
  await item.getByRole('button', { name: 'Revoke…' }).click();
  await page.getByRole('dialog', { name: 'Revoke this storefront token?' }).getByRole('button', { name: 'Revoke' }).click();
  await expect(item).toHaveCount(0);
  expect((await apiGet(server, '/availability?skus=NOPE', token)).status).toBe(401);
});

test('settings: SFTP and IndexNow switched on but not filled in say what they lack before saving', async ({ page, server }) => {
  await page.goto(server.signedInUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Upload the published files to a server by SFTP').check();
  const gap = page.getByTestId('sftp-missing');
  await expect(gap).toHaveText('Nothing is uploaded until Server, User name and a password or a private key are filled in.');
  await page.getByLabel('Server', { exact: true }).fill('sftp.example.com');
  await page.getByLabel('User name', { exact: true }).fill('shop');
  await expect(gap).toHaveText('Nothing is uploaded until a password or a private key is filled in.');
  await page.getByLabel('Password (optional)').fill('s3cret-pass');
  await expect(gap).toHaveCount(0);

  await page.getByLabel(/Tell search engines at once/).check();
  const key = page.getByLabel('Key', { exact: true });
  await expect(key).toHaveAccessibleDescription(/Search engines are told nothing until there is a key/);
  await page.getByRole('button', { name: 'Make a key' }).click();
  await expect(key).toHaveAccessibleDescription(/8–128 letters, digits/);
});
