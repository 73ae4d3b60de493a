/**
 * A supplier changed elsewhere (a script through the API here) while its edit form has unsaved
 * changes: the typing stays, the other change shows in the fields not touched, and saving sends
 * only what was changed here, so the other change is not undone.
 */
import { apiCall } from './api';
import { expect, test } from './fixtures';

test('a supplier being edited takes a change made elsewhere, and saving does not undo it', async ({ page, server }) => {
  const potter = await apiCall(server, 'suppliers.create', { name: 'Potter & Co', currency: 'EUR', email: 'old@potter.example', leadTimeDays: 7 });
  await page.setViewportSize({ width: 1024, height: 800 });
  await page.goto(server.signedInUrl);
  await page.getByRole('link', { name: 'Purchasing' }).click();
  const section = page.getByRole('region', { name: 'Suppliers' });
  await section.getByRole('button', { name: 'Edit Potter & Co' }).click();
  await expect(section.getByLabel('E-mail')).toHaveValue('old@potter.example');
  await section.getByLabel('Lead time (days)').fill('14');

  await apiCall(server, 'suppliers.update', { id: potter.id, email: 'orders@potter.example' });

  const notice = section.getByTestId('changed-elsewhere');
  await expect(notice).toContainText('This supplier changed elsewhere while you were editing: 1 field updated from the server, your changes to 1 field kept.');
  await expect(section.getByLabel('E-mail')).toHaveValue('orders@potter.example');
  await expect(section.getByLabel('Lead time (days)')).toHaveValue('14');
  await page.screenshot({ path: test.info().outputPath('supplier-merged-1024.png'), fullPage: true });

  await section.getByRole('button', { name: 'Save supplier' }).click();
  await expect(section.getByText('Potter & Co saved.')).toBeVisible();
  expect(await apiCall(server, 'suppliers.get', { id: potter.id })).toMatchObject({ email: 'orders@potter.example', leadTimeDays: 14 });
});

test('a supplier save made on top of a version changed since is refused and merged, not written over it', async ({ page, server }) => {
  const potter = await apiCall(server, 'suppliers.create', { name: 'Potter & Co', currency: 'EUR', email: 'old@potter.example', leadTimeDays: 7 });
  // No live stream: the page learns of the other change only from its save's 409.
  await page.route('**/api/v1/events**', (route) => route.abort());
  await page.route('**/api/v1/changes**', (route) => route.abort());
  await page.goto(server.signedInUrl);
  await page.getByRole('link', { name: 'Purchasing' }).click();
  const section = page.getByRole('region', { name: 'Suppliers' });
  await section.getByRole('button', { name: 'Edit Potter & Co' }).click();
  await expect(section.getByLabel('E-mail')).toHaveValue('old@potter.example');
  await section.getByLabel('Lead time (days)').fill('14');
  await section.getByLabel('Phone (optional)').fill('+44 20 7946 0001');

  // A script changes the e-mail and the lead time.
  await apiCall(server, 'suppliers.update', { id: potter.id, email: 'orders@potter.example', leadTimeDays: 10 });
  await expect(section.getByLabel('E-mail')).toHaveValue('old@potter.example');

  await section.getByRole('button', { name: 'Save supplier' }).click();
  const notice = section.getByTestId('changed-elsewhere');
  await expect(notice).toContainText(
    'This supplier changed elsewhere while you were editing: 1 field updated from the server, your changes to 2 fields kept. Changed there too, yours kept: lead time.',
  );
  await expect(notice).toContainText('Nothing was saved yet');
  await expect(section.getByLabel('E-mail')).toHaveValue('orders@potter.example');
  await expect(section.getByLabel('Lead time (days)')).toHaveValue('14');
  await expect(section.getByLabel('Phone (optional)')).toHaveValue('+44 20 7946 0001');
  expect(await apiCall(server, 'suppliers.get', { id: potter.id })).toMatchObject({ email: 'orders@potter.example', leadTimeDays: 10, phone: null });

  // Saved again, on top of the other change: its e-mail, my lead time and phone.
  await section.getByRole('button', { name: 'Save supplier' }).click();
  await expect(section.getByText('Potter & Co saved.')).toBeVisible();
  expect(await apiCall(server, 'suppliers.get', { id: potter.id })).toMatchObject({ email: 'orders@potter.example', leadTimeDays: 14, phone: '+44 20 7946 0001' });
});
