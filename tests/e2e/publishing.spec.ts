import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PublishStatus } from '../../shared/schemas/publish';
import { startSshd, type TestSshd } from '../helpers/sshd';
import { expect, test, type StockfeedServer } from './fixtures';

async function api(server: StockfeedServer, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${server.origin}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

// Up to date, and honest that products are left out (the mug without a picture; the blue one has
// no description, a warning) or every product without a shop URL: "Everything is published" is
// said only when nothing is left out (tests/unit/renderer-publishing-state.test.ts).
const UP_TO_DATE_WITH_PROBLEMS = /^Published: the files match your stock and products, but \d+ products? (is|are) left out or published with problems/;

test('publishing: a stock change made through the API reaches the feed, and the screen shows it without reloading', async ({ page, server }) => {
  const settings = (await api(server, 'GET', '/settings')) as Record<string, unknown>;
  await api(server, 'PUT', '/settings', { ...settings, shopUrl: 'https://shop.example.com', productUrlTemplate: 'https://shop.example.com/p/{slug}' });
  await api(server, 'POST', '/products', {
    sku: 'MUG-BLUE',
    title: 'Blue enamel mug',
    price: '12.50',
    currency: 'EUR',
    gtin: '4006381333931',
    brand: 'Fjord & Field',
    imageUrl: 'https://images.example.com/mug-blue.jpg',
  });
  // No picture: the feed cannot list it, and the screen says how to fix that.
  await api(server, 'POST', '/products', { sku: 'MUG-GREEN', title: 'Green enamel mug', price: '12.50', currency: 'EUR' });

  await page.goto(server.signedInUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Publishing' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Publishing' })).toBeVisible();
  await expect(page.getByTestId('publishing-state')).toHaveText(UP_TO_DATE_WITH_PROBLEMS, { timeout: 20_000 });
  await expect(page.getByTestId('availability-out_of_stock')).toContainText('2');
  await expect(page.getByTestId('availability-in_stock')).toContainText('0');
  await expect(page.getByTestId('artifact-merchantXml')).toContainText('Written');
  const before = await page.getByTestId('published-seq').innerText();

  // Goods arrive, recorded by another program through the API.
  await api(server, 'POST', '/stock/receive', { sku: 'MUG-BLUE', quantity: 12, reference: 'PO-1001' });

  const change = page.getByTestId('feed-change').filter({ hasText: 'MUG-BLUE' });
  await expect(change).toContainText('Out of stock → In stock');
  await expect(change).toContainText(/In the feed \(#\d+\)/, { timeout: 20_000 });
  await expect(page.getByTestId('availability-in_stock')).toContainText('1');
  await expect(page.getByTestId('availability-out_of_stock')).toContainText('1');
  await expect(page.getByTestId('published-seq')).not.toHaveText(before);
  await expect(page.getByTestId('publishing-state')).toHaveText(UP_TO_DATE_WITH_PROBLEMS);

  // The feed file really carries it.
  const status = (await api(server, 'GET', '/publish/status')) as { publishDir: string };
  expect(status.publishDir).toContain(server.dataDir);

  await page.getByRole('button', { name: 'Publish now' }).click();
  await expect(page.getByTestId('publishing-state')).toHaveText(UP_TO_DATE_WITH_PROBLEMS);
  // The desktop-only action is not offered in a browser.
  await expect(page.getByRole('button', { name: 'Open the publish folder' })).toHaveCount(0);

  await page.screenshot({ path: test.info().outputPath('publishing-light.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: test.info().outputPath('publishing-dark.png'), fullPage: true });
});

test('publishing: products left out of the feed are listed with the reason and how to fix it', async ({ page, server }) => {
  await api(server, 'POST', '/products', { sku: 'MUG-GREEN', title: 'Green enamel mug', price: '12.50', currency: 'EUR' });
  await page.goto(server.signedInUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Publishing' }).click();
  await expect(page.getByTestId('publishing-state')).toHaveText(UP_TO_DATE_WITH_PROBLEMS, { timeout: 20_000 });
  // The shop has no web address yet: that keeps every product out, and says where to fix it.
  await expect(page.getByText('Neither the product page URL template nor the shop URL is set')).toBeVisible();
  const green = page.getByTestId('publish-issues').getByRole('listitem').filter({ hasText: 'MUG-GREEN' });
  await expect(green).toContainText('The product has no image');
  await expect(green).toContainText('How to fix: Add an image URL');
  await expect(green.getByRole('link', { name: 'MUG-GREEN' })).toHaveAttribute('href', /#\/products\//);
});

test('publishing: the SFTP server key is pinned on first connection, another key is refused, and accepting it carries on', async ({ page, server }) => {
  const first = await startSshd();
  let second: TestSshd | undefined;
  const remoteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockfeed-e2e-remote-'));
  const sftp = async () => ((await api(server, 'GET', '/publish/status')) as PublishStatus).targets.find((t) => t.target === 'sftp');
  const openPublishing = async () => {
    await page.goto(server.signedInUrl);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Publishing' }).click();
  };
  try {
    const settings = (await api(server, 'GET', '/settings')) as { sftp: Record<string, unknown> } & Record<string, unknown>;
    await api(server, 'PUT', '/settings', {
      ...settings,
      shopUrl: 'https://shop.example.com',
      productUrlTemplate: 'https://shop.example.com/p/{slug}',
      sftp: { ...settings.sftp, enabled: true, host: first.host, port: first.port, username: first.username, privateKey: first.privateKey, remoteDir },
      // sshd listens on 127.0.0.1: this computer, reached only with the owner's setting on.
      webhooks: { allowPrivateNetwork: true },
    });
    await api(server, 'POST', '/products', { sku: 'MUG-SFTP', title: 'Mug', price: '12.50', currency: 'EUR', imageUrl: 'https://images.example.com/mug.jpg' });
    await expect.poll(async () => (await sftp())?.hostKey?.pinned, { timeout: 20_000 }).toBe(first.hostFingerprint);

    await openPublishing();
    await expect(page.getByTestId('sftp-host-key')).toContainText(`${first.hostFingerprint}, pinned on first connection`);

    // The same address, another key (a reinstalled server, or an impostor).
    await first.stop();
    second = await startSshd({ port: first.port, userKey: first.privateKey });
    await api(server, 'POST', '/stock/receive', { sku: 'MUG-SFTP', quantity: 3 });
    await expect.poll(async () => (await sftp())?.state, { timeout: 20_000 }).toBe('failed');

    await openPublishing();
    const row = page.getByTestId('target-sftp');
    await expect(row).toContainText(`showed host key ${second.hostFingerprint}, not the pinned ${first.hostFingerprint}`);
    await row.screenshot({ path: test.info().outputPath('publishing-host-key-refused.png') });
    await row.getByRole('button', { name: 'Accept this key' }).click();
    await page.getByRole('dialog', { name: "Trust the server's new key?" }).getByRole('button', { name: 'Accept this key' }).click();
    await expect.poll(async () => (await sftp())?.hostKey?.pinned, { timeout: 20_000 }).toBe(second.hostFingerprint);
    await expect.poll(async () => (await sftp())?.state, { timeout: 20_000 }).toBe('idle');
    await openPublishing();
    await expect(page.getByTestId('sftp-host-key')).toContainText(`${second.hostFingerprint}, set in Settings`);
    await expect(page.getByTestId('target-sftp').getByRole('button', { name: 'Accept this key' })).toHaveCount(0);
  } finally {
    await first.stop();
    await second?.stop();
    fs.rmSync(remoteDir, { recursive: true, force: true });
  }
});

test('publishing: an upload that fails is not summed up as everything published, and points to Settings', async ({ page, server }) => {
  const settings = (await api(server, 'GET', '/settings')) as { sftp: Record<string, unknown> } & Record<string, unknown>;
  // Switched on and left empty: the upload cannot start.
  await api(server, 'PUT', '/settings', { ...settings, sftp: { ...settings.sftp, enabled: true } });
  await page.goto(server.signedInUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Publishing' }).click();
  await expect(page.getByTestId('target-sftp')).toContainText('Failed', { timeout: 20_000 });
  await expect(page.getByTestId('publishing-state')).toHaveText('The files are written, but SFTP upload failed. See “Delivery” below.');
  await page.getByTestId('targets-fix').getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await expect(page.getByTestId('sftp-missing')).toContainText('Nothing is uploaded until Server, User name');
});
