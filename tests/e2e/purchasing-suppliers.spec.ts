/**
 * The Purchasing screens beyond the suggestion-to-receipt path: suppliers added, edited and
 * removed on screen (a supplier that purchase orders name is kept, with the reason); the PO list
 * filtered by supplier; a PO exported as CSV with the supplier's own SKUs and printed as a clean
 * page; the product page listing its open purchase orders.
 */
import fs from 'node:fs';
import { apiCall } from './api';
import { expect, test } from './fixtures';

test('suppliers are added, edited and removed on the Purchasing screen; one with purchase orders stays', async ({ page, server }) => {
  await apiCall(server, 'products.create', { sku: 'MUG-1', title: 'Enamel mug', price: '12.50', currency: 'EUR' });
  const kept = await apiCall(server, 'suppliers.create', { name: 'Potter & Co', currency: 'EUR' });
  await apiCall(server, 'purchaseOrders.create', { supplierId: kept.id, lines: [{ sku: 'MUG-1', quantity: 6, unitCost: '4.00' }] });

  await page.goto(server.signedInUrl);
  await page.getByRole('link', { name: 'Purchasing' }).click();
  const section = page.getByRole('region', { name: 'Suppliers' });
  await expect(section.getByRole('row', { name: /Potter & Co/ })).toBeVisible();

  // Add one, with its phone and notes.
  await section.getByLabel('Name').fill('Glassworks Ltd');
  await section.getByLabel('E-mail').fill('orders@glassworks.example');
  await section.getByLabel('Phone').fill('+44 20 7946 0000');
  await section.getByLabel('Currency').fill('GBP');
  await section.getByLabel('Lead time (days)').fill('12');
  await section.getByLabel('Notes').fill('Ships on Tuesdays.');
  await section.getByRole('button', { name: 'Add supplier' }).click();
  await expect(section.getByRole('status')).toHaveText('Glassworks Ltd added.');
  const row = section.getByRole('row', { name: /Glassworks Ltd/ });
  await expect(row).toContainText('+44 20 7946 0000');
  await expect(row).toContainText('12 days');

  // Edit it: the form fills with its details; a bad e-mail is named, then a good one saves.
  await section.getByRole('button', { name: 'Edit Glassworks Ltd' }).click();
  await expect(section.getByRole('heading', { name: 'Edit Glassworks Ltd' })).toBeVisible();
  await expect(section.getByLabel('Notes')).toHaveValue('Ships on Tuesdays.');
  await section.getByLabel('E-mail').fill('not an address');
  await section.getByRole('button', { name: 'Save supplier' }).click();
  await expect(section.getByText('must be an e-mail address such as orders@supplier.example')).toBeVisible();
  await section.getByLabel('E-mail').fill('sales@glassworks.example');
  await section.getByLabel('Lead time (days)').fill('9');
  await section.getByLabel('Phone').fill('');
  await section.getByRole('button', { name: 'Save supplier' }).click();
  await expect(section.getByRole('status')).toHaveText('Glassworks Ltd saved.');
  await expect(row).toContainText('sales@glassworks.example');
  await expect(row).toContainText('9 days');
  const stored = (await apiCall(server, 'suppliers.list', {})).suppliers.find((s) => s.name === 'Glassworks Ltd');
  expect(stored).toMatchObject({ email: 'sales@glassworks.example', phone: null, currency: 'GBP', leadTimeDays: 9, notes: 'Ships on Tuesdays.' });
  await expect(section.getByRole('button', { name: 'Add supplier' })).toBeVisible();

  // A supplier that a purchase order names is not removed, and the screen says why.
  await section.getByRole('button', { name: 'Remove Potter & Co' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove supplier' }).click();
  await expect(section.getByRole('alert')).toContainText('a supplier with purchase orders cannot be removed');
  await expect(section.getByRole('row', { name: /Potter & Co/ })).toBeVisible();

  // One without is removed, after asking.
  await section.getByRole('button', { name: 'Remove Glassworks Ltd' }).click();
  await expect(page.getByRole('dialog')).toContainText('Remove Glassworks Ltd?');
  await page.getByRole('dialog').getByRole('button', { name: 'Remove supplier' }).click();
  await expect(section.getByRole('status')).toHaveText('Glassworks Ltd removed.');
  await expect(section.getByRole('row', { name: /Glassworks Ltd/ })).toHaveCount(0);
  expect((await apiCall(server, 'suppliers.list', {})).suppliers.map((s) => s.name)).toEqual(['Potter & Co']);
});

test('the PO list filters by supplier; a PO exports as CSV for the supplier and prints as a clean page; the product lists its open POs', async ({ page, server }) => {
  await apiCall(server, 'products.create', { sku: 'MUG-1', title: 'Enamel mug', price: '12.50', currency: 'EUR' });
  await apiCall(server, 'products.create', { sku: 'VASE-1', title: 'Glass vase', price: '30.00', currency: 'EUR' });
  const potter = await apiCall(server, 'suppliers.create', { name: 'Potter & Co', currency: 'EUR' });
  const glass = await apiCall(server, 'suppliers.create', { name: 'Glassworks Ltd', currency: 'EUR' });
  await apiCall(server, 'products.suppliers.set', { idOrSku: 'MUG-1', suppliers: [{ supplierId: potter.id, supplierSku: 'PC-MUG-6', unitCost: '4.00', preferred: true }] });
  const mugs = await apiCall(server, 'purchaseOrders.create', { supplierId: potter.id, lines: [{ sku: 'MUG-1', quantity: 12, expectedDate: '2099-03-01' }] });
  await apiCall(server, 'purchaseOrders.order', { id: mugs.id });
  const vases = await apiCall(server, 'purchaseOrders.create', { supplierId: glass.id, lines: [{ sku: 'VASE-1', quantity: 4, unitCost: '11.00' }] });
  await apiCall(server, 'purchaseOrders.order', { id: vases.id });

  await page.goto(server.signedInUrl);
  await page.getByRole('link', { name: 'Purchasing' }).click();
  const list = page.getByRole('region', { name: 'Purchase orders' });
  await expect(list.getByRole('link', { name: mugs.number })).toBeVisible();
  await expect(list.getByRole('link', { name: vases.number })).toBeVisible();
  await list.getByLabel('Supplier').selectOption({ label: 'Glassworks Ltd' });
  await expect(list.getByRole('link', { name: mugs.number })).toHaveCount(0);
  await expect(list.getByRole('link', { name: vases.number })).toBeVisible();
  // The supplier filter holds when the status filter changes.
  await list.getByLabel('Show').selectOption({ label: 'All' });
  await expect(list.getByRole('link', { name: vases.number })).toBeVisible();
  await expect(list.getByRole('link', { name: mugs.number })).toHaveCount(0);
  await list.getByLabel('Supplier').selectOption({ label: 'Potter & Co' });
  await expect(list.getByRole('link', { name: mugs.number })).toBeVisible();
  await expect(list.getByRole('link', { name: vases.number })).toHaveCount(0);

  await list.getByRole('link', { name: mugs.number }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Purchase order ${mugs.number}` })).toBeVisible();
  const sheet = page.getByRole('region', { name: 'Purchase order', exact: true });
  await expect(sheet.getByRole('columnheader', { name: 'Supplier SKU' })).toBeVisible();
  await expect(sheet.getByRole('row', { name: /MUG-1/ })).toContainText('PC-MUG-6');

  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`${mugs.number}.csv`);
  expect(fs.readFileSync((await download.path()) as string, 'utf8').split('\r\n')).toEqual([
    'po_number,line,sku,supplier_sku,title,quantity,unit_cost,currency,expected_date',
    `${mugs.number},1,MUG-1,PC-MUG-6,Enamel mug,12,4.00,EUR,2099-03-01`,
    '',
  ]);

  // Printed, only the PO is on the page: no app header, no buttons, no receiving form.
  await page.emulateMedia({ media: 'print' });
  await expect(sheet).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: `Purchase order ${mugs.number}` })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
  await expect(page.getByRole('button', { name: 'Print' })).toBeHidden();
  await expect(page.getByLabel('Scan or type a barcode or SKU')).toBeHidden();
  await page.emulateMedia({ media: 'screen' });
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();

  // The product page lists its open PO with what is still expected and when.
  await page.goto(`${server.origin}/#/products/MUG-1`);
  await expect(page.getByRole('heading', { level: 1, name: 'Enamel mug' })).toBeVisible();
  const purchasing = page.getByRole('region', { name: 'Purchasing' });
  await expect(purchasing.getByRole('heading', { name: 'Open purchase orders' })).toBeVisible();
  await expect(purchasing.getByRole('listitem').filter({ hasText: mugs.number })).toContainText('Potter & Co · Ordered · 12 expected');
  await purchasing.getByRole('link', { name: mugs.number }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Purchase order ${mugs.number}` })).toBeVisible();
});
