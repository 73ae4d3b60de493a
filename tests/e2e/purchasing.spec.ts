/**
 * Purchasing end to end: a product at its reorder point is suggested, one click drafts the PO, it
 * is placed, and a receipt scanned with the barcode scanner puts it in stock, in the Merchant feed
 * too; a second, typed receipt completes the order.
 */
import { gtinCheckDigit } from '../../shared/domain/gtin';
import { apiCall } from './api';
import { expect, test, type StockfeedServer } from './fixtures';

const MUG = `400638133393${gtinCheckDigit('400638133393')}`;

/** The Merchant feed's availability of one item, as the server serves the published file. */
async function feedAvailability(server: StockfeedServer, sku: string): Promise<string | null> {
  const response = await fetch(`${server.origin}/feeds/google-merchant.xml`);
  if (!response.ok) return null;
  const xml = await response.text();
  const item = xml.split('<item>').find((i) => i.includes(`<g:id>${sku}</g:id>`));
  return item ? (/<g:availability>([^<]+)</.exec(item)?.[1] ?? null) : null;
}

test('a low-stock product goes from suggestion to a scanned receipt that puts it in stock in the feed', async ({ page, server }) => {
  const settings = await apiCall(server, 'settings.get', {});
  await apiCall(server, 'settings.update', { ...settings, shopUrl: 'https://shop.example.com', productUrlTemplate: 'https://shop.example.com/products/{slug}', defaultBrand: 'Acme' });
  await apiCall(server, 'products.create', {
    sku: 'MUG-BLUE',
    title: 'Blue enamel mug',
    description: 'A blue enamel mug.',
    price: '12.50',
    currency: 'EUR',
    gtin: MUG,
    imageUrl: 'https://cdn.example.com/mug.jpg',
  });
  const supplier = await apiCall(server, 'suppliers.create', { name: 'Potter & Co', currency: 'EUR', leadTimeDays: 5 });
  await apiCall(server, 'products.suppliers.set', { idOrSku: 'MUG-BLUE', suppliers: [{ supplierId: supplier.id, unitCost: '4.00', packSize: 6, preferred: true }] });
  await apiCall(server, 'products.reorder.set', { idOrSku: 'MUG-BLUE', location: 'main', reorderPoint: 2, reorderQuantity: 10 });
  await expect.poll(() => feedAvailability(server, 'MUG-BLUE'), { timeout: 20_000 }).toBe('out_of_stock');

  await page.goto(server.signedInUrl);
  await page.getByRole('link', { name: 'Purchasing' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Purchasing' })).toBeVisible();
  const suggestion = page.getByRole('table', { name: 'To order from Potter & Co' });
  // 10 to order, in packs of 6: 12.
  await expect(suggestion.getByRole('row', { name: /MUG-BLUE/ })).toContainText('12');
  // The location by its name, not its code.
  await expect(suggestion.getByRole('row', { name: /MUG-BLUE/ })).toContainText('Main warehouse');
  await page.getByRole('button', { name: 'Draft purchase order' }).click();

  await expect(page.getByRole('heading', { level: 1, name: /Purchase order PO-00001/ })).toBeVisible();
  await expect(page.getByTestId('po-status')).toHaveText('Draft');
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page.getByTestId('po-status')).toHaveText('Ordered');

  // The scanner types the mug's barcode and Enter, three times.
  const scanField = page.getByLabel('Scan or type a barcode or SKU');
  for (let i = 0; i < 3; i++) {
    await scanField.click();
    await page.keyboard.type(`${MUG}\n`, { delay: 5 });
    await expect(page.getByLabel('Arriving now of MUG-BLUE')).toHaveValue(String(i + 1));
  }
  await page.getByRole('button', { name: 'Book receipt' }).click();
  await expect(page.getByTestId('po-status')).toHaveText('Partly received');
  await expect(page.getByText('Booked 3 units into Main warehouse.')).toBeVisible();
  await expect.poll(() => feedAvailability(server, 'MUG-BLUE'), { timeout: 20_000 }).toBe('in_stock');

  // The rest arrives: typed, not scanned.
  await page.getByLabel('Arriving now of MUG-BLUE').fill('9');
  await page.getByRole('button', { name: 'Book receipt' }).click();
  await expect(page.getByTestId('po-status')).toHaveText('Received');
  const stock = await apiCall(server, 'stock.get', { sku: 'MUG-BLUE' });
  expect(stock).toMatchObject({ onHand: 12, incoming: 0 });
  expect((await apiCall(server, 'products.suppliers.get', { idOrSku: 'MUG-BLUE' })).averageCost).toBe('4.00');

  // Labels for what arrived: one per unit received, with the mug's EAN-13.
  await page.getByRole('button', { name: 'Print labels…' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Labels' })).toBeVisible();
  await expect(page.getByTestId('label')).toHaveCount(12);
});

test('the publishing screen and the dashboard name a purchase order whose goods are late', async ({ page, server }) => {
  await apiCall(server, 'products.create', { sku: 'JUG-1', title: 'Stoneware jug', price: '20.00', currency: 'EUR', allowBackorder: true });
  const supplier = await apiCall(server, 'suppliers.create', { name: 'Slow Pottery', currency: 'EUR' });
  const po = await apiCall(server, 'purchaseOrders.create', { supplierId: supplier.id, lines: [{ sku: 'JUG-1', quantity: 4, unitCost: '8.00', expectedDate: '2020-01-01' }] });
  await apiCall(server, 'purchaseOrders.order', { id: po.id });

  await page.goto(server.signedInUrl);
  await page.getByRole('link', { name: 'Publishing' }).click();
  const late = page.getByRole('region', { name: 'Late purchase orders' });
  await expect(late).toContainText(`${po.number} from Slow Pottery`);
  await late.getByRole('link', { name: po.number }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Purchase order ${po.number}` })).toBeVisible();
  await expect(page.getByText('· late')).toBeVisible();

  await page.getByRole('link', { name: 'Dashboard' }).click();
  await expect(page.getByRole('region', { name: 'Purchasing' })).toContainText(`${po.number} from Slow Pottery is late`);
});

test('cancelling a purchase order asks with unmistakable choices; Escape keeps it', async ({ page, server }) => {
  await apiCall(server, 'products.create', { sku: 'JUG-2', title: 'Stoneware jug', price: '18.00' });
  const supplier = await apiCall(server, 'suppliers.create', { name: 'Jug Works' });
  const po = await apiCall(server, 'purchaseOrders.create', { supplierId: supplier.id, lines: [{ sku: 'JUG-2', quantity: 3, unitCost: '6.00' }] });
  await page.goto(server.signedInUrl);
  await page.getByRole('link', { name: 'Purchasing' }).click();
  // The form under the supplier list is headed, not another row of it.
  await expect(page.getByRole('heading', { name: 'Add a supplier' })).toBeVisible();
  await page.getByRole('combobox', { name: 'Show' }).selectOption('draft');
  await page.getByRole('link', { name: po.number }).click();
  await expect(page.getByTestId('po-status')).toHaveText('Draft');

  await page.getByRole('button', { name: 'Cancel order…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Cancel this purchase order?' });
  // Not "Cancel" beside "Cancel order": the safe choice says what it does, and has the focus.
  await expect(dialog.getByRole('button', { name: 'Keep the order' })).toBeFocused();
  await expect(dialog.getByRole('button', { name: 'Cancel', exact: true })).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('po-status')).toHaveText('Draft');

  await page.getByRole('button', { name: 'Cancel order…' }).click();
  await dialog.getByRole('button', { name: 'Cancel order' }).click();
  await expect(page.getByTestId('po-status')).toHaveText('Cancelled');
});
