/**
 * The browser's side of issue 12's API points: the tab has an icon (no 404 in the console of every
 * page), and a page on another name that resolves to the server's address (DNS rebinding) gets 421
 * instead of the app, even with a valid token.
 */
import { chromium } from '@playwright/test';
import { expect, test } from './fixtures';

test('the app loads with a tab icon and without a failed request in the console', async ({ page, server }) => {
  const failed: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') failed.push(`console: ${message.text()}`);
  });
  await page.goto(server.signedInUrl);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  // Headless Chromium does not fetch tab icons itself, so the page fetches the one it links, and
  // the one a browser asks for when a page links none (a feed or the OpenAPI document in a tab).
  const icons = await page.evaluate(async () => {
    const doc = (globalThis as unknown as { document: { querySelector(s: string): { href: string } | null } }).document;
    const linked = doc.querySelector('link[rel="icon"]')?.href ?? '(no icon link)';
    const answers = [];
    for (const url of [linked, '/favicon.ico']) {
      const response = await fetch(url);
      answers.push({ url, status: response.status, type: response.headers.get('content-type') });
    }
    return answers;
  });
  expect(icons).toEqual([
    { url: `${server.origin}/favicon.ico`, status: 200, type: expect.stringMatching(/^image\//) },
    { url: '/favicon.ico', status: 200, type: expect.stringMatching(/^image\//) },
  ]);
  expect(failed).toEqual([]);
});

test('a page reaching the server through a name it does not answer to (DNS rebinding) gets 421, not the app', async ({ server }) => {
  const port = new URL(server.origin).port;
  // Chromium resolves evil.example to the server's address, as a rebinding DNS server would.
  const browser = await chromium.launch({
    executablePath: process.env.PLAYWRIGHT_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--host-resolver-rules=MAP evil.example 127.0.0.1'],
  });
  try {
    const page = await browser.newPage();
    const home = await page.goto(`http://evil.example:${port}/`);
    expect(home?.status()).toBe(421);
    const answer = await page.evaluate(async (token) => {
      const response = await fetch('/api/v1/settings', { headers: { Authorization: `Bearer ${token}` } });
      return { status: response.status, body: await response.text() };
    }, server.token);
    expect(answer.status).toBe(421);
    expect(answer.body).toContain('misdirected_request');
    expect(answer.body).not.toContain('shopName');
    // The same server by its address answers as usual.
    expect((await page.goto(`${server.origin}/`))?.status()).toBe(200);
  } finally {
    await browser.close();
  }
});
