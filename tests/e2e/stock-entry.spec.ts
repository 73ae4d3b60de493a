import { apiCall } from './api';
import { expect, test } from './fixtures';

test('a barcode scanner receives, counts and transfers stock, and an entry is undone with a compensating movement', async ({ page, server }) => {
  await apiCall(server, 'products.create', { sku: 'MUG-BLUE-1', title: 'Blue enamel mug', price: '12.50', gtin: '4006381333931' });
  await apiCall(server, 'locations.create', { code: 'shop', name: 'Shop floor' });
  await page.goto(server.signedInUrl);
  await page.getByRole('link', { name: 'Stock entry' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Stock entry' })).toBeVisible();

  const scan = page.getByLabel('Scan or type a SKU or GTIN');
  const quantity = page.getByLabel('Quantity received');
  const recent = page.getByRole('region', { name: 'Last entries' }).getByRole('listitem');
  // The scan field has the focus: a scanner types the code and Enter, as fast as it can.
  await expect(scan).toBeFocused();
  await page.keyboard.type('4006381333931', { delay: 5 });
  await page.keyboard.press('Enter');
  await expect(page.getByText('Blue enamel mug', { exact: true })).toBeVisible();
  await expect(quantity).toBeFocused();
  await page.keyboard.type('5');
  await page.keyboard.press('Enter');
  await expect(recent.first()).toContainText('Received 5 × Blue enamel mug (MUG-BLUE-1) at Main warehouse');
  await expect(recent.first()).toContainText('now 5 on hand');
  await expect(scan).toBeFocused();

  // An unknown code is explained next to the field and listed, to create the product or skip it.
  await page.keyboard.type('4006381333948');
  await page.keyboard.press('Enter');
  await expect(scan).toHaveAccessibleDescription('No product has the SKU or GTIN “4006381333948”. It is listed under Needs attention.');
  await expect(page.getByRole('region', { name: 'Needs attention' })).toContainText('4006381333948 No product has this SKU or GTIN.');

  // Undo the receipt: an adjustment of −5 that names the receipt, never an edit of the ledger.
  await page.getByRole('button', { name: /^Undo: Received 5/ }).click();
  await expect(recent.first()).toContainText('undone');
  // The line's figure is the one after the undo, not the receipt's.
  await expect(recent.first()).toContainText('undone · now 0 on hand');
  // And said on the screen's status line, which still told of the receipt.
  await expect(page.getByRole('status').filter({ hasText: /^Undone: / })).toHaveText(
    'Undone: Received 5 × Blue enamel mug (MUG-BLUE-1) at Main warehouse. Now 0 on hand.',
  );
  let ledger = await apiCall(server, 'movements.list', { sku: 'MUG-BLUE-1' });
  expect(ledger.movements.map((m) => [m.kind, m.quantity])).toEqual([
    ['adjust', -5],
    ['receive', 5],
  ]);
  expect(ledger.movements[0]?.reason).toBe(`undo of receipt ${ledger.movements[1]?.id}`);
  expect((await apiCall(server, 'stock.get', { sku: 'MUG-BLUE-1' })).onHand).toBe(0);

  // Receive 10 by SKU, then a stocktake finds 7; meanwhile two sell elsewhere. Undoing the count
  // gives back what the count removed and keeps the sale.
  await scan.fill('mug-blue-1');
  await page.keyboard.press('Enter');
  await quantity.fill('10');
  await page.keyboard.press('Enter');
  await expect(recent.first()).toContainText('Received 10');
  await page.getByText('Count', { exact: true }).click();
  await expect(scan).toBeFocused();
  await page.keyboard.type('MUG-BLUE-1');
  await page.keyboard.press('Enter');
  await page.getByLabel('Counted on the shelf').fill('7');
  await page.keyboard.press('Enter');
  await expect(recent.first()).toContainText('Counted 7 × Blue enamel mug (MUG-BLUE-1) at Main warehouse (−3)');
  const order = await apiCall(server, 'reservations.create', { sku: 'MUG-BLUE-1', quantity: 2, reference: 'ORDER-9' });
  await apiCall(server, 'reservations.fulfil', { id: order.id });
  await page.getByRole('button', { name: /^Undo: Counted 7/ }).click();
  await expect(recent.first()).toContainText('undone');
  expect((await apiCall(server, 'stock.get', { sku: 'MUG-BLUE-1' })).onHand).toBe(8);

  // Transfer 3 to the shop floor, then undo: they move back.
  await page.getByText('Transfer', { exact: true }).click();
  await expect(page.getByLabel('To', { exact: true })).toHaveValue('shop');
  await page.keyboard.type('MUG-BLUE-1');
  await page.keyboard.press('Enter');
  await page.getByLabel('Quantity to move').fill('3');
  await page.keyboard.press('Enter');
  await expect(recent.first()).toContainText('Moved 3 × Blue enamel mug (MUG-BLUE-1) from Main warehouse to Shop floor');
  await page.screenshot({ path: test.info().outputPath('stock-entry.png'), fullPage: true });
  let stock = await apiCall(server, 'stock.get', { sku: 'MUG-BLUE-1' });
  expect(stock.byLocation.map((l) => [l.location, l.onHand])).toEqual([
    ['main', 5],
    ['shop', 3],
  ]);
  // A reload (by accident) keeps the last entries of this tab, and the undo with them.
  await page.reload();
  await expect(recent.first()).toContainText('Moved 3 × Blue enamel mug (MUG-BLUE-1) from Main warehouse to Shop floor');
  await page.getByRole('button', { name: /^Undo: Moved 3/ }).click();
  await expect(recent.first()).toContainText('undone');
  stock = await apiCall(server, 'stock.get', { sku: 'MUG-BLUE-1' });
  expect(stock.byLocation.map((l) => [l.location, l.onHand])).toEqual([
    ['main', 8],
    ['shop', 0],
  ]);
  ledger = await apiCall(server, 'movements.list', { sku: 'MUG-BLUE-1', limit: 2 });
  expect(ledger.movements.every((m) => m.kind === 'transfer' && m.reason?.startsWith('undo of transfer '))).toBe(true);

  // An adjustment without a reason is explained next to the reason field.
  await page.getByText('Adjust', { exact: true }).click();
  await page.keyboard.type('MUG-BLUE-1');
  await page.keyboard.press('Enter');
  await page.getByLabel('Change (+ or −)').fill('-1');
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Reason', { exact: true })).toHaveAccessibleDescription(/needs a reason/);
  await page.screenshot({ path: test.info().outputPath('stock-entry-adjust.png'), fullPage: true });
});
