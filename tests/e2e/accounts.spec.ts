/**
 * Several people (issue 20), in Chromium against the real headless server: the owner, signed in
 * with the printed link (the token), creates their own account from Settings → People, signs in
 * with it and adds a staff member; the staff member signs in in another browser context, has no
 * Settings (not in the menu, and the address sends them to Products), receives stock, and the
 * movement says who recorded it, for both of them.
 */
import type { Page } from '@playwright/test';
import { apiCall } from './api';
import { expect, test } from './fixtures';

const shot = (name: string) => test.info().outputPath(name);

test('the owner creates accounts; staff sign in, cannot open Settings, receive stock, and the movement names them', async ({ page, browser, server }) => {
  test.setTimeout(120_000);
  await apiCall(server, 'products.create', { sku: 'MUG-BLUE', title: 'Blue enamel mug', price: '12.50' });

  // The owner, signed in with the link the server printed (the API token's session).
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto(server.signedInUrl);
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  const people = page.getByRole('region', { name: 'People' });
  await expect(people.getByRole('heading', { name: 'Create the owner account' })).toBeVisible();
  await people.getByLabel('Username', { exact: true }).fill('Olga');
  await expect(people.getByLabel('Role', { exact: true })).toHaveValue('owner');
  await people.getByLabel('Password', { exact: true }).fill('olga-owner-password');
  await people.getByRole('button', { name: 'Create the owner account' }).click();
  await expect(people.getByRole('status')).toContainText('olga can now sign in as owner');
  await expect(people.getByRole('row', { name: /olga/ })).toBeVisible();

  // Signed out, the sign-in page now asks for a username and password (the token stays one click away).
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Stockfeed' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Use the API token instead' })).toBeVisible();
  await page.getByLabel('Username').fill('olga');
  await page.getByLabel('Password').fill('wrong password!');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByLabel('Password')).toHaveAccessibleDescription(/username or the password is not right/);
  await page.screenshot({ path: shot('sign-in-1366.png') });
  await page.getByLabel('Password').fill('olga-owner-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  // Back where she signed out (Settings), now as herself.
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await expect(page.getByTestId('account')).toHaveText('olga');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await expect(people.getByRole('heading', { name: 'Add a person' })).toBeVisible();
  await people.getByLabel('Username', { exact: true }).fill('sam');
  await people.getByLabel('Role', { exact: true }).selectOption('staff');
  await people.getByLabel('Password', { exact: true }).fill('sam-staff-password');
  await people.getByRole('button', { name: 'Add this person' }).click();
  await expect(people.getByRole('status')).toContainText('sam can now sign in as staff');
  await expect(people.getByRole('combobox', { name: 'Role of sam' })).toHaveValue('staff');
  // Each row's buttons name their person, and removing asks first (the label says so with …).
  await expect(people.getByRole('button', { name: 'Set a new password for sam', exact: true })).toBeVisible();
  await expect(people.getByRole('button', { name: 'Remove sam…', exact: true })).toHaveText('Remove…');
  await people.scrollIntoViewIfNeeded();
  await page.screenshot({ path: shot('people-1366.png') });
  await page.setViewportSize({ width: 1024, height: 800 });
  // The header still fits on one line: at 1024 px the owner's full menu leaves no room for the
  // name, which Sign out then gives as its tooltip.
  const header = page.getByRole('banner');
  await expect(header.getByTestId('account')).toBeHidden();
  await expect(header.getByRole('button', { name: 'Sign out' })).toHaveAttribute('title', 'Signed in as olga (owner)');
  expect((await header.boundingBox())?.height).toBeLessThan(64);
  expect(await header.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  await header.screenshot({ path: shot('owner-header-1024.png') });
  await people.scrollIntoViewIfNeeded();
  await page.screenshot({ path: shot('people-1024.png') });

  // Sam, in a browser of their own.
  const staffContext = await browser.newContext({ viewport: { width: 1024, height: 800 } });
  const staff = await staffContext.newPage();
  await staff.goto(server.origin);
  await expect(staff.getByLabel('Username')).toBeVisible();
  await staff.getByLabel('Username').fill('sam');
  await staff.getByLabel('Password').fill('sam-staff-password');
  await staff.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(staff.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  const nav = staff.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Stock entry' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Settings' })).toHaveCount(0);
  await staff.screenshot({ path: shot('staff-products-1024.png') });
  await staff.goto(`${server.origin}/#/settings`);
  await expect(staff.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  await expect(staff.getByRole('heading', { level: 1, name: 'Settings' })).toHaveCount(0);

  await staff.getByRole('link', { name: /Blue enamel mug/ }).first().click();
  await expect(staff.getByRole('heading', { level: 1, name: 'Blue enamel mug' })).toBeVisible();
  await staff.getByLabel('Quantity received').fill('5');
  await staff.getByRole('button', { name: 'Receive stock' }).click();
  await expect(staff.getByTestId('stock-on-hand')).toHaveText('5');
  const movements = staff.getByRole('list', { name: 'Latest movements' }).getByRole('listitem');
  await expect(movements.first()).toContainText('by sam');
  await staff.screenshot({ path: shot('staff-product-1024.png'), fullPage: true });
  await staff.setViewportSize({ width: 1366, height: 900 });
  await staff.screenshot({ path: shot('staff-product-1366.png'), fullPage: true });

  // The owner sees who it was, too.
  await page.goto(`${server.origin}/#/products/MUG-BLUE`);
  await expect(page.getByRole('list', { name: 'Latest movements' }).getByRole('listitem').first()).toContainText('by sam');
  // And the API answers Sam's attempts at settings with 403, whatever the page shows.
  const refused = await staff.evaluate(async () => {
    const res = await fetch('/api/v1/settings', { method: 'PUT', headers: { 'Content-Type': 'application/json', 'X-Stockfeed-Request': '1' }, body: '{}' });
    return res.status;
  });
  expect(refused).toBe(403);
  await staffContext.close();
});

test('each role sees the screens it may use: staff purchasing, the owner channels; a viewer prints labels but changes nothing', async ({ browser, server }) => {
  test.setTimeout(90_000);
  await apiCall(server, 'products.create', { sku: 'MUG-BLUE', title: 'Blue enamel mug', price: '12.50' });
  await apiCall(server, 'users.create', { username: 'sam', role: 'staff', password: 'sam-staff-password' });
  await apiCall(server, 'users.create', { username: 'vera', role: 'viewer', password: 'vera-viewer-password' });
  const signIn = async (username: string, password: string) => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    await page.goto(server.origin);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
    return { context, page, nav: page.getByRole('navigation', { name: 'Main' }) };
  };
  const links = async (nav: ReturnType<Page['getByRole']>) => (await nav.getByRole('link').allTextContents()).map((text) => text.trim());

  const staff = await signIn('sam', 'sam-staff-password');
  expect(await links(staff.nav)).toEqual(['Dashboard', 'Products', 'Stock entry', 'Orders', 'Purchasing', 'Import & export', 'Publishing']);
  await staff.page.goto(`${server.origin}/#/channels`);
  await expect(staff.page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  await staff.nav.getByRole('link', { name: 'Purchasing' }).click();
  await expect(staff.page.getByRole('heading', { level: 1, name: 'Purchasing' })).toBeVisible();
  await staff.context.close();

  const viewer = await signIn('vera', 'vera-viewer-password');
  expect(await links(viewer.nav)).toEqual(['Dashboard', 'Products', 'Orders', 'Publishing']);
  await viewer.page.goto(`${server.origin}/#/purchasing`);
  await expect(viewer.page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  await viewer.page.getByLabel('Select MUG-BLUE').check();
  const bulk = viewer.page.getByRole('region', { name: 'Bulk actions' });
  await expect(bulk.getByRole('button', { name: 'Archive…' })).toHaveCount(0);
  await expect(bulk.getByRole('button', { name: 'Price or status…' })).toHaveCount(0);
  await bulk.getByRole('button', { name: 'Print labels…' }).click();
  await expect(viewer.page.getByRole('heading', { level: 1, name: 'Labels' })).toBeVisible();
  await viewer.context.close();
});
