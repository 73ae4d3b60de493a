/**
 * The stock entry screen under a real scanner's speed: no scan is ever dropped, a code several
 * products share is never guessed, and any entry of the session can be undone. A scanner is a
 * keyboard that types a few ms per key: `page.keyboard.type(code, { delay: 5 })`.
 */
import type { Page } from '@playwright/test';
import { gtinCheckDigit } from '../../shared/domain/gtin';
import { apiCall } from './api';
import { expect, test, type StockfeedServer } from './fixtures';

/** A valid GTIN-13 from 12 digits. */
function gtin(body: string): string {
  return `${body}${gtinCheckDigit(body)}`;
}

async function scan(page: Page, code: string, end = '\n'): Promise<void> {
  await page.keyboard.type(`${code}${end}`, { delay: 5 });
}

async function openStockEntry(page: Page, server: StockfeedServer): Promise<void> {
  await page.goto(server.signedInUrl);
  await page.getByRole('link', { name: 'Stock entry' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Stock entry' })).toBeVisible();
  // Playwright types "at 5 ms a key", but on a busy 2-core machine its keys arrive tens of ms
  // apart; the slow-scanner setting (a real choice for Bluetooth scanners) keeps these tests about
  // the rules, not the machine's load. The fast default's timing is proved in renderer-scan-buffer.
  await page.getByLabel('Scanner').selectOption('slow');
  await expect(page.getByLabel('Scan or type a SKU or GTIN')).toBeFocused();
}

/** The count on a product's pending line (continuous scanning). */
function pendingCount(page: Page, product: string | RegExp) {
  return page.getByRole('region', { name: 'Scanned, not yet recorded' }).getByRole('row', { name: product }).getByRole('cell').nth(2);
}

async function ledger(server: StockfeedServer, sku: string): Promise<Array<[string, number]>> {
  const page = await apiCall(server, 'movements.list', { sku });
  return page.movements.map((m) => [m.kind, m.quantity]);
}

const MUG = gtin('400638133393');
const PLATE = gtin('400638100001');

test('continuous scanning: three scans of one item are one receipt of 3, and two scans without Enter are both recorded', async ({ page, server }) => {
  await apiCall(server, 'products.create', { sku: 'MUG-BLUE-1', title: 'Blue enamel mug', price: '12.50', gtin: MUG });
  await apiCall(server, 'products.create', { sku: 'PLATE-2', title: 'Stoneware plate', price: '18.00', gtin: PLATE });
  await apiCall(server, 'products.create', { sku: 'BOWL-3', title: 'Serving bowl', price: '24.00' });
  await openStockEntry(page, server);
  await page.getByText('Continuous scanning', { exact: true }).click();
  await page.getByLabel('Record after a pause of').selectOption({ label: 'only when I press Finish' });
  const scanField = page.getByLabel('Scan or type a SKU or GTIN');
  await expect(scanField).toBeFocused();

  const pending = page.getByRole('region', { name: 'Scanned, not yet recorded' });
  for (let i = 0; i < 3; i++) await scan(page, MUG);
  await expect(pending.getByRole('row', { name: /Blue enamel mug/ })).toContainText('Receive at Main warehouse');
  await expect(pendingCount(page, /Blue enamel mug/)).toHaveText('3');

  // A scanner set to send no Enter: the pause between the two scans ends each code.
  await scan(page, PLATE, '');
  await page.waitForTimeout(1_500); // A person aims at the next barcode: longer than the pause (a second once the scanner has sent Enter)
  await scan(page, 'BOWL-3', '');
  await expect(pendingCount(page, /Serving bowl/)).toHaveText('1');
  await expect(pendingCount(page, /Stoneware plate/)).toHaveText('1');
  await expect(pending.getByRole('row', { name: 'Total' }).getByRole('cell').first()).toHaveText('5');

  // An item scanned once too often is taken off its line; a scan with the focus elsewhere (after a
  // click on the page) still reaches the scan field.
  await scan(page, 'BOWL-3');
  await expect(pendingCount(page, /Serving bowl/)).toHaveText('2');
  await page.getByRole('button', { name: 'One less Serving bowl (BOWL-3)' }).click();
  await expect(pendingCount(page, /Serving bowl/)).toHaveText('1');
  await page.getByRole('heading', { level: 1, name: 'Stock entry' }).click();
  await scan(page, MUG);
  await expect(pendingCount(page, /Blue enamel mug/)).toHaveText('4');
  await expect(pending.getByRole('row', { name: 'Total' }).getByRole('cell').first()).toHaveText('6');
  await page.screenshot({ path: test.info().outputPath('stock-entry-continuous.png'), fullPage: true });
  await expect(scanField).toHaveValue('');
  await expect(scanField).toBeFocused();
  // Nothing is booked until Finish.
  expect(await ledger(server, 'MUG-BLUE-1')).toEqual([]);

  await page.getByRole('button', { name: 'Finish' }).click();
  const recent = page.getByRole('region', { name: 'Last entries' }).getByRole('listitem');
  await expect(recent).toHaveCount(3);
  await expect(recent.filter({ hasText: 'Received 4 × Blue enamel mug (MUG-BLUE-1) at Main warehouse' })).toHaveCount(1);
  await expect(page.getByRole('status')).toContainText('Received 4 × Blue enamel mug (MUG-BLUE-1) at Main warehouse');
  await expect(pending.getByRole('row')).toHaveCount(0);
  expect(await ledger(server, 'MUG-BLUE-1')).toEqual([['receive', 4]]);
  expect(await ledger(server, 'PLATE-2')).toEqual([['receive', 1]]);
  expect(await ledger(server, 'BOWL-3')).toEqual([['receive', 1]]);
  // The mode is remembered in this browser.
  await page.reload();
  await expect(page.getByLabel('Continuous scanning')).toBeChecked();
});

test('continuous scanning: 30 codes typed at scanner speed are all recorded, after the pause', async ({ page, server }) => {
  const products = Array.from({ length: 10 }, (_, i) => ({
    sku: `ITEM-${String(i).padStart(2, '0')}`,
    title: `Item number ${i}`,
    gtin: gtin(`40063810${String(i).padStart(4, '0')}`),
  }));
  for (const p of products) await apiCall(server, 'products.create', { ...p, price: '5.00' });
  await openStockEntry(page, server);
  await page.getByText('Continuous scanning', { exact: true }).click();
  await expect(page.getByLabel('Record after a pause of')).toHaveValue('3');

  // Three rounds over the ten products, by SKU and by GTIN in turn, without a break.
  const codes = [0, 1, 2].flatMap((round) => products.map((p) => (round === 1 ? p.gtin : p.sku)));
  expect(codes).toHaveLength(30);
  await page.keyboard.type(codes.map((c) => `${c}\n`).join(''), { delay: 5 });

  const pending = page.getByRole('region', { name: 'Scanned, not yet recorded' });
  await expect(pending.getByRole('row', { name: 'Total' }).getByRole('cell').first()).toHaveText('30');
  for (const p of products) await expect(pendingCount(page, new RegExp(`${p.title} `))).toHaveText('3');
  await expect(pending).toContainText(/Recorded in \d s unless you scan more/);
  // Recorded by the pause, without Finish: one entry per product (unless the machine stalled for
  // longer than the pause in the middle, which splits a product's scans, never loses them).
  const recent = page.getByRole('region', { name: 'Last entries' }).getByRole('listitem');
  await expect(pending.getByRole('row')).toHaveCount(0, { timeout: 15_000 });
  await expect(recent.first()).toBeVisible();
  let total = 0;
  for (const p of products) {
    const movements = await ledger(server, p.sku);
    expect(movements.every(([kind]) => kind === 'receive')).toBe(true);
    const received = movements.reduce((sum, [, quantity]) => sum + quantity, 0);
    expect(received, p.sku).toBe(3);
    total += received;
  }
  expect(total).toBe(30);
});

test('scan, then quantity: codes scanned faster than they are answered wait their turn, and a scan into the quantity field is a scan', async ({
  page,
  server,
}) => {
  await apiCall(server, 'products.create', { sku: 'MUG-BLUE-1', title: 'Blue enamel mug', price: '12.50', gtin: MUG });
  await apiCall(server, 'products.create', { sku: 'PLATE-2', title: 'Stoneware plate', price: '18.00', gtin: PLATE });
  await apiCall(server, 'products.create', { sku: 'BOWL-3', title: 'Serving bowl', price: '24.00' });
  await openStockEntry(page, server);
  const quantity = page.getByLabel('Quantity received');
  const recent = page.getByRole('region', { name: 'Last entries' }).getByRole('listitem');

  // Three scans with Enter, back to back: none loses its start to the lookup of the one before.
  await page.keyboard.type(`${MUG}\n${PLATE}\nBOWL-3\n`, { delay: 5 });
  await expect(page.getByText('Blue enamel mug', { exact: true })).toBeVisible();
  await expect(quantity).toBeFocused();
  await expect(page.getByLabel('Scan or type a SKU or GTIN')).toHaveAccessibleDescription(`2 more scans wait for their turn, next “${PLATE}”.`);
  await page.keyboard.type('2\n');
  await expect(page.getByText('Stoneware plate', { exact: true })).toBeVisible();
  await expect(quantity).toBeFocused();
  await page.keyboard.type('3\n');
  await expect(page.getByText('Serving bowl', { exact: true })).toBeVisible();
  await page.keyboard.type('4\n');
  await expect(recent).toHaveCount(3);

  // The next item is scanned before a quantity was typed: it lands in the quantity field, is
  // taken out as a scan, and the quantity keeps what it had.
  await scan(page, 'MUG-BLUE-1');
  await expect(quantity).toBeFocused();
  await expect(quantity).toHaveValue('1');
  await scan(page, PLATE);
  await expect(quantity).toHaveValue('1');
  await page.keyboard.type('5\n');
  await expect(recent.first()).toContainText('Received 5 × Blue enamel mug (MUG-BLUE-1) at Main warehouse');
  await expect(page.getByText('Stoneware plate', { exact: true })).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(recent.first()).toContainText('Received 1 × Stoneware plate (PLATE-2) at Main warehouse');

  // Two scans without Enter: both wait for a quantity.
  await scan(page, 'BOWL-3', '');
  await page.waitForTimeout(1_500); // A person aims at the next barcode: longer than the pause (a second once the scanner has sent Enter)
  await scan(page, MUG, '');
  await expect(page.getByText('Serving bowl', { exact: true })).toBeVisible();
  // Wherever the second scan landed (the scan field, or the quantity field if the first was
  // answered before it began), it waits its turn once its pause has passed.
  await expect(page.getByLabel('Scan or type a SKU or GTIN')).toHaveAccessibleDescription(`1 more scan waits for its turn, next “${MUG}”.`);
  await expect(quantity).toBeFocused();
  await expect(quantity).toHaveValue('1');
  await page.keyboard.type('6\n');
  await expect(page.getByText('Blue enamel mug', { exact: true })).toBeVisible();
  await page.keyboard.type('7\n');
  await expect(recent.first()).toContainText('Received 7 × Blue enamel mug (MUG-BLUE-1)');

  expect(await ledger(server, 'MUG-BLUE-1')).toEqual([
    ['receive', 7],
    ['receive', 5],
    ['receive', 2],
  ]);
  expect(await ledger(server, 'PLATE-2')).toEqual([
    ['receive', 1],
    ['receive', 3],
  ]);
  expect(await ledger(server, 'BOWL-3')).toEqual([
    ['receive', 6],
    ['receive', 4],
  ]);
});

test('an unknown code is listed with Create product and Skip, a shared code is never guessed, and scanning goes on meanwhile', async ({ page, server }) => {
  const UNKNOWN = gtin('400638199990');
  const SHARED = gtin('400638177770');
  await apiCall(server, 'products.create', { sku: 'MUG-BLUE-1', title: 'Blue enamel mug', price: '12.50', gtin: MUG });
  await apiCall(server, 'products.create', { sku: 'MUG-RED', title: 'Red enamel mug', price: '12.50', gtin: SHARED });
  await apiCall(server, 'products.create', { sku: 'MUG-GREEN', title: 'Green enamel mug', price: '12.50', gtin: gtin('400638177771') });
  // A database from before GTINs were unique may hold one GTIN on two products; the lookup's
  // answer is made to show such a pair.
  await page.route(`**/api/v1/products/lookup?code=${SHARED}*`, async (route) => {
    const response = await route.fetch();
    const body = (await response.json()) as { products: Array<{ sku: string; gtin: string | null }> };
    const green = await apiCall(server, 'products.get', { idOrSku: 'MUG-GREEN' });
    await route.fulfill({ response, json: { ...body, products: [...body.products, { ...green, gtin: SHARED }] } });
  });
  await openStockEntry(page, server);
  await page.getByText('Continuous scanning', { exact: true }).click();
  await page.getByLabel('Record after a pause of').selectOption({ label: 'only when I press Finish' });

  await page.keyboard.type(`${UNKNOWN}\n${MUG}\n${UNKNOWN}\n${SHARED}\n${MUG}\nNO-SUCH-CODE\n`, { delay: 5 });
  const pending = page.getByRole('region', { name: 'Scanned, not yet recorded' });
  await expect(pendingCount(page, /Blue enamel mug/)).toHaveText('2');
  const attention = page.getByRole('region', { name: 'Needs attention' }).getByRole('listitem').filter({ hasText: /./ });
  const unknown = attention.filter({ hasText: UNKNOWN });
  await expect(unknown).toContainText('No product has this SKU or GTIN (scanned 2 times)');
  await expect(unknown.getByRole('link', { name: 'Create product' })).toBeVisible();
  await expect(unknown.getByRole('button', { name: `Skip ${UNKNOWN}` })).toBeVisible();

  // The shared code: both products offered by name and SKU, nothing booked until one is chosen.
  const shared = page.getByRole('group', { name: `Which product is “${SHARED}”?` });
  await expect(shared.getByRole('button')).toHaveText([/Red enamel mug\s*MUG-RED/, /Green enamel mug\s*MUG-GREEN/, 'Skip']);
  await expect(pending.getByRole('row', { name: /enamel mug/ })).toHaveCount(1);
  await shared.getByRole('button', { name: /Green enamel mug/ }).click();
  await expect(pendingCount(page, /Green enamel mug/)).toHaveText('1');
  await expect(page.getByLabel('Scan or type a SKU or GTIN')).toBeFocused();

  // Skip: listed no longer, and said so.
  await page.getByRole('button', { name: 'Skip NO-SUCH-CODE' }).click();
  await expect(attention.filter({ hasText: 'NO-SUCH-CODE' })).toHaveCount(0);
  await expect(page.getByRole('status')).toHaveText('Skipped “NO-SUCH-CODE”; nothing recorded.');

  // Create product: the new-product form has the code as its GTIN, and its way back (Cancel, the
  // back link) leads to the scanning; creating it returns there at once, where the code is looked
  // up again and its two scans join the pending lines.
  await unknown.getByRole('link', { name: 'Create product' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'New product' })).toBeVisible();
  await expect(page.getByLabel('GTIN (barcode)')).toHaveValue(UNKNOWN);
  await expect(page.getByRole('link', { name: 'Cancel' })).toHaveAttribute('href', /#\/stock-entry$/);
  await expect(page.getByRole('link', { name: '← Stock entry' })).toBeVisible();
  await page.getByLabel('SKU', { exact: true }).fill('JUG-1');
  await page.getByLabel('Title', { exact: true }).fill('Milk jug');
  await page.getByLabel('Price', { exact: true }).fill('9.00');
  await page.getByRole('button', { name: 'Create product' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Stock entry' })).toBeVisible();
  await expect(pendingCount(page, /Milk jug/)).toHaveText('2');
  await expect(page.getByRole('region', { name: 'Needs attention' })).toHaveCount(0);
  // Nothing was booked while the screen was left: the pending lines waited.
  expect(await ledger(server, 'MUG-BLUE-1')).toEqual([]);

  await page.getByLabel('Scan or type a SKU or GTIN').press('Enter');
  await expect(pending.getByRole('row')).toHaveCount(0);
  expect(await ledger(server, 'MUG-BLUE-1')).toEqual([['receive', 2]]);
  expect(await ledger(server, 'MUG-GREEN')).toEqual([['receive', 1]]);
  expect(await ledger(server, 'MUG-RED')).toEqual([]);
  expect(await ledger(server, 'JUG-1')).toEqual([['receive', 2]]);
});

test('scan, then quantity: a code on several products asks which one, and nothing is booked until one is picked', async ({ page, server }) => {
  const SHARED = gtin('400638177770');
  await apiCall(server, 'products.create', { sku: 'MUG-RED', title: 'Red enamel mug', price: '12.50', gtin: SHARED });
  await apiCall(server, 'products.create', { sku: SHARED, title: 'Mug gift box', price: '30.00' });
  await openStockEntry(page, server);
  // The code is one product's GTIN and another's SKU.
  await scan(page, SHARED);
  const chooser = page.getByRole('group', { name: `Which product is “${SHARED}”?` });
  await expect(chooser.getByRole('button')).toHaveText([/Mug gift box/, /Red enamel mug/, 'Skip']);
  await expect(page.getByLabel('Quantity received')).toHaveCount(0);
  await chooser.getByRole('button', { name: /Red enamel mug/ }).click();
  await expect(page.getByLabel('Quantity received')).toBeFocused();
  await page.keyboard.type('4\n');
  await expect(page.getByRole('region', { name: 'Last entries' }).getByRole('listitem').first()).toContainText('Received 4 × Red enamel mug (MUG-RED)');
  expect(await ledger(server, 'MUG-RED')).toEqual([['receive', 4]]);
  expect(await ledger(server, SHARED)).toEqual([]);
});

test('any entry of the session can be undone, once, and a refused undo says why with names', async ({ page, server }) => {
  await apiCall(server, 'products.create', { sku: 'MUG-BLUE-1', title: 'Blue enamel mug', price: '12.50', gtin: MUG });
  await apiCall(server, 'products.create', { sku: 'PLATE-2', title: 'Stoneware plate', price: '18.00', gtin: PLATE });
  await apiCall(server, 'locations.create', { code: 'shop', name: 'Shop floor' });
  await openStockEntry(page, server);
  await page.getByLabel('Location', { exact: true }).selectOption({ label: 'Shop floor' });
  const scanField = page.getByLabel('Scan or type a SKU or GTIN');
  await scanField.focus();
  const recent = page.getByRole('region', { name: 'Last entries' }).getByRole('listitem');
  for (const [code, quantity] of [
    [MUG, '5'],
    [PLATE, '2'],
    [MUG, '1'],
  ] as const) {
    await scan(page, code);
    await page.getByLabel('Quantity received').fill(quantity);
    await page.keyboard.press('Enter');
    await expect(recent.first()).toContainText(`Received ${quantity} ×`);
  }
  await expect(recent).toHaveCount(3);
  await expect(page.getByRole('button', { name: /^Undo: / })).toHaveCount(3);

  // The middle entry, not the last.
  await page.getByRole('button', { name: 'Undo: Received 2 × Stoneware plate (PLATE-2) at Shop floor' }).click();
  await expect(recent.nth(1)).toContainText('undone');
  await expect(page.getByRole('button', { name: /^Undo: / })).toHaveCount(2);
  await expect(recent.nth(1).getByRole('button')).toHaveCount(0);
  expect(await ledger(server, 'PLATE-2')).toEqual([
    ['adjust', -2],
    ['receive', 2],
  ]);

  // The oldest receipt of 5 cannot be undone once 4 of the 6 mugs at the shop have gone.
  await apiCall(server, 'stock.adjust', { sku: 'MUG-BLUE-1', location: 'shop', quantity: -4, reason: 'broken' });
  await page.getByRole('button', { name: 'Undo: Received 5 × Blue enamel mug (MUG-BLUE-1) at Shop floor' }).click();
  await expect(recent.nth(2)).toContainText(/Undo failed: Cannot .*"Blue enamel mug" \(MUG-BLUE-1\).* at Shop floor/);
  await expect(recent.nth(2).getByRole('button', { name: /^Undo: / })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('stock-entry-undo.png'), fullPage: true });
  // The newer receipt of 1 still undoes.
  await page.getByRole('button', { name: 'Undo: Received 1 × Blue enamel mug (MUG-BLUE-1) at Shop floor' }).click();
  await expect(recent.first()).toContainText('undone');
  expect(await ledger(server, 'MUG-BLUE-1')).toEqual([
    ['adjust', -1],
    ['adjust', -4],
    ['receive', 1],
    ['receive', 5],
  ]);
  await expect(scanField).toBeFocused();
});

test('continuous counting offers no pause to record after (a count waits for Finish), unless a pending line of another action still uses it', async ({ page, server }) => {
  await apiCall(server, 'products.create', { sku: 'MUG-BLUE-1', title: 'Blue enamel mug', price: '12.50', gtin: MUG });
  await apiCall(server, 'products.create', { sku: 'PLATE-2', title: 'Stoneware plate', price: '18.00', gtin: PLATE });
  await openStockEntry(page, server);
  await page.getByText('Continuous scanning', { exact: true }).click();
  const pause = page.getByLabel('Record after a pause of');
  await pause.selectOption({ label: 'only when I press Finish' });

  // A receipt waits on screen, and the pause still decides when it is recorded: offered under Count too.
  await page.getByLabel('Scan or type a SKU or GTIN').focus();
  await scan(page, PLATE);
  await expect(pendingCount(page, /Stoneware plate/)).toHaveText('1');
  await page.getByRole('radio', { name: 'Count' }).check();
  await expect(pause).toBeVisible();
  await page.getByRole('button', { name: 'Finish' }).click();
  await expect(page.getByRole('region', { name: 'Scanned, not yet recorded' }).getByRole('row')).toHaveCount(0);
  expect(await ledger(server, 'PLATE-2')).toEqual([['receive', 1]]);

  // Only counting: nothing the pause would record, so it is not offered.
  await expect(pause).toHaveCount(0);
  await page.getByLabel('Scan or type a SKU or GTIN').focus();
  await scan(page, MUG);
  await scan(page, MUG);
  await expect(pendingCount(page, /Blue enamel mug/)).toHaveText('2');
  await expect(pause).toHaveCount(0);
  await page.getByRole('radio', { name: 'Receive' }).check();
  await expect(pause).toBeVisible();
});

test('a reload keeps what is being done where: a count on the shop floor goes on as one, with its pending scans', async ({ page, server }) => {
  await apiCall(server, 'locations.create', { code: 'shop', name: 'Shop floor' });
  await apiCall(server, 'products.create', { sku: 'MUG-BLUE-1', title: 'Blue enamel mug', price: '12.50', gtin: MUG });
  await openStockEntry(page, server);
  await page.getByText('Continuous scanning', { exact: true }).click();
  await page.getByRole('radio', { name: 'Count' }).check();
  await page.getByLabel('Location', { exact: true }).selectOption({ label: 'Shop floor' });
  await page.getByRole('heading', { level: 1, name: 'Stock entry' }).click();
  await scan(page, MUG);
  await expect(pendingCount(page, /Blue enamel mug/)).toHaveText('1');

  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Stock entry' })).toBeVisible();
  await expect(page.getByRole('radio', { name: 'Count' })).toBeChecked();
  await expect(page.getByLabel('Location', { exact: true })).toHaveValue('shop');
  await expect(pendingCount(page, /Blue enamel mug/)).toHaveText('1');
  // The next scan counts on the same line, not as a receipt at the main warehouse.
  await expect(page.getByLabel('Scan or type a SKU or GTIN')).toBeFocused();
  await scan(page, MUG);
  await expect(pendingCount(page, /Blue enamel mug/)).toHaveText('2');
  await expect(page.getByRole('region', { name: 'Scanned, not yet recorded' }).getByRole('row', { name: /Blue enamel mug/ })).toContainText('Count at Shop floor');
  await page.getByRole('button', { name: 'Finish' }).click();
  await expect(page.getByRole('region', { name: 'Scanned, not yet recorded' }).getByRole('row')).toHaveCount(0);
  expect(await ledger(server, 'MUG-BLUE-1')).toEqual([['count', 2]]);
});

test('scan, then quantity: Esc puts the product aside and the scan field says so until the next scan', async ({ page, server }) => {
  await apiCall(server, 'products.create', { sku: 'MUG-BLUE-1', title: 'Blue enamel mug', price: '12.50', gtin: MUG });
  await apiCall(server, 'products.create', { sku: 'PLATE-2', title: 'Stoneware plate', price: '18.00', gtin: PLATE });
  await openStockEntry(page, server);
  const scanField = page.getByLabel('Scan or type a SKU or GTIN');
  await scan(page, MUG);
  await expect(page.getByLabel('Quantity received')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(scanField).toBeFocused();
  // Visible under the field, not only read out: an Esc pressed by mistake is seen.
  const note = page.locator(`#${await scanField.getAttribute('aria-describedby')}`);
  await expect(note).toBeVisible();
  await expect(note).toHaveText('Put aside: Blue enamel mug (MUG-BLUE-1); nothing recorded.');
  await scan(page, PLATE);
  await expect(page.getByLabel('Quantity received')).toBeFocused();
  await expect(page.getByText('Put aside: Blue enamel mug')).toHaveCount(0);
  expect(await ledger(server, 'MUG-BLUE-1')).toEqual([]);
});
