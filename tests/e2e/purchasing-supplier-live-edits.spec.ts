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
