/**
 * Signing in once per browser (issue 14), in Chromium against the real server. The UI used to
 * keep the API token in sessionStorage (asked again in every new tab) or localStorage (readable by
 * any script on the page), and put it in the event stream's URL. Now the server exchanges it once
 * for an httpOnly, SameSite=Strict session cookie: no token in the page, its storage or any URL.
 */
import type { Page } from '@playwright/test';
import { apiCall } from './api';
import { expect, test, type StockfeedServer } from './fixtures';

const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name });

/** The Web Storage the page sees (this Node project has no DOM types; see page-globals.ts). */
type PageStorage = { length: number; key(i: number): string | null; getItem(key: string): string | null; setItem(key: string, value: string): void };
type StorageGlobals = { localStorage: PageStorage; sessionStorage: PageStorage; document: { cookie: string } };

/** Everything the page's scripts can see of its storage: none of it may hold the token. */
async function pageStorage(page: Page): Promise<string> {
  return page.evaluate(() => {
    const g = globalThis as unknown as StorageGlobals;
    const dump = (s: PageStorage) => Object.fromEntries(Array.from({ length: s.length }, (_, i) => s.key(i) as string).map((k) => [k, s.getItem(k)]));
    return JSON.stringify({ local: dump(g.localStorage), session: dump(g.sessionStorage), cookie: g.document.cookie });
  });
}

async function signInWithToken(page: Page, server: StockfeedServer): Promise<void> {
  await page.goto(server.origin);
  await expect(heading(page, 'Sign in to Stockfeed')).toBeVisible();
  await page.getByLabel('API token').fill(server.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(heading(page, 'Products')).toBeVisible();
}

test('signed in once, a browser stays signed in: new tab, reload, live changes; no token in the page; Sign out says where the token is', async ({ page, server, context }) => {
  await apiCall(server, 'products.create', { sku: 'BOWL-1', title: 'Stoneware bowl', price: '22.00' });
  await apiCall(server, 'stock.receive', { sku: 'BOWL-1', quantity: 10 });
  const streams: string[] = [];
  context.on('response', (response) => {
    if (new URL(response.url()).pathname === '/api/v1/events') streams.push(`${response.status()} ${response.url()}`);
  });

  await signInWithToken(page, server);
  const [cookie, ...others] = await context.cookies();
  expect(others).toEqual([]);
  expect(cookie).toMatchObject({ name: 'stockfeed_session', httpOnly: true, sameSite: 'Strict', secure: false, path: '/' });
  // Kept across browser restarts (a persistent cookie), for about 30 days.
  expect((cookie?.expires ?? 0) * 1000 - Date.now()).toBeGreaterThan(29 * 24 * 60 * 60 * 1000);
  expect(cookie?.value).not.toContain(server.token);
  expect(await pageStorage(page)).not.toContain(server.token);
  expect(await pageStorage(page)).not.toContain(cookie?.value);

  // A new tab, and a reload, do not ask again.
  const tab = await context.newPage();
  await tab.goto(`${server.origin}/#/reservations`);
  await expect(heading(tab, 'Reservations and orders')).toBeVisible();
  await page.reload();
  await expect(heading(page, 'Products')).toBeVisible();

  // The event stream runs on the cookie: a change made elsewhere shows at once, and no URL carries the token.
  await apiCall(server, 'reservations.create', { sku: 'BOWL-1', quantity: 2, reference: 'ORDER-7' });
  await expect(tab.getByRole('region', { name: 'Held reservations' }).getByRole('row').filter({ hasText: 'ORDER-7' })).toBeVisible();
  expect(streams.length).toBeGreaterThan(0);
  expect(streams.every((s) => s.startsWith('200 ') && !s.includes('token='))).toBe(true);
  expect(await pageStorage(tab)).not.toContain(server.token);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(heading(page, 'Sign in to Stockfeed')).toBeVisible();
  await expect(page.getByText('You are signed out.')).toBeVisible();
  const help = page.getByRole('region', { name: 'Where to find the token' });
  await expect(help).toContainText('in the file api-token in Stockfeed\'s data folder');
  await expect(help).toContainText('ask them for the token');
  await expect(help).toContainText('Authorization: Bearer <token>');
  await page.screenshot({ path: test.info().outputPath('signed-out.png'), fullPage: true });
  // Every tab of this browser is signed out, and stays so after a reload.
  await expect(heading(tab, 'Sign in to Stockfeed')).toBeVisible();
  await expect(tab.getByText('Your session has ended')).toBeVisible();
  expect(await context.cookies()).toEqual([]);
  await page.reload();
  await expect(heading(page, 'Sign in to Stockfeed')).toBeVisible();
});

test('the printed link signs in once; an old #token= bookmark still works; a token an earlier version stored is moved into a session', async ({ page, server, browser }) => {
  expect(server.signedInUrl).toMatch(/#signin=[A-Za-z0-9_-]{43}$/);
  expect(server.signedInUrl).not.toContain(server.token);
  await page.goto(server.signedInUrl);
  await expect(heading(page, 'Products')).toBeVisible();
  expect(page.url()).not.toContain('signin=');
  // Opened again in the same browser, the spent link finds the session there.
  await page.goto(server.signedInUrl);
  await expect(heading(page, 'Products')).toBeVisible();

  // In another browser the spent link says so, and what to do instead.
  const other = await browser.newContext();
  try {
    const elsewhere = await other.newPage();
    await elsewhere.goto(server.signedInUrl);
    await expect(heading(elsewhere, 'Sign in to Stockfeed')).toBeVisible();
    await expect(elsewhere.getByText(/This sign-in link was used already or has expired/)).toBeVisible();
    expect(elsewhere.url()).not.toContain('signin=');

    // A bookmark with the token itself still signs in, and the token leaves the address.
    await elsewhere.goto(`${server.origin}/#token=${server.token}`);
    await expect(heading(elsewhere, 'Products')).toBeVisible();
    expect(elsewhere.url()).not.toContain('token=');
    expect(await pageStorage(elsewhere)).not.toContain(server.token);
  } finally {
    await other.close();
  }

  const upgraded = await browser.newContext();
  try {
    const old = await upgraded.newPage();
    await old.goto(server.origin);
    await expect(heading(old, 'Sign in to Stockfeed')).toBeVisible();
    // What an earlier version left behind ("Remember on this computer").
    await old.evaluate((token) => (globalThis as unknown as StorageGlobals).localStorage.setItem('stockfeed.apiToken', token), server.token);
    await old.reload();
    await expect(heading(old, 'Products')).toBeVisible();
    expect(await pageStorage(old)).not.toContain(server.token);
    expect((await upgraded.cookies()).map((c) => c.name)).toEqual(['stockfeed_session']);
  } finally {
    await upgraded.close();
  }
});
