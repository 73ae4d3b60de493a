/**
 * Barcode labels from the Products screen's selection: the Labels screen previews every label with
 * its barcode (EAN-13 / UPC-A from the GTIN, Code 128 of the SKU otherwise) and the price in the
 * shop's locale; printing shows only the pages, on paper of the label stock's size.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { apiCall } from './api';
import { expect, test, type StockfeedServer } from './fixtures';

const NBSP = '\u00A0';
const MM = 96 / 25.4;

async function seed(server: StockfeedServer): Promise<void> {
  const current = await apiCall(server, 'settings.get', {});
  await apiCall(server, 'settings.update', { ...current, currency: 'EUR', locale: 'de-DE' });
  await apiCall(server, 'products.create', { sku: 'MUG-BLUE', title: 'Blue mug', price: '12.50', gtin: '4006381333931' });
  await apiCall(server, 'products.create', { sku: 'JAR-HONEY', title: 'Wildflower honey, 500 g jar', price: '1234.50', gtin: '036000291452' });
  await apiCall(server, 'products.create', { sku: 'TEA-TOWEL', title: 'Linen tea towel', price: '8.00' });
  await apiCall(server, 'products.create', { sku: 'NOT-CHOSEN', title: 'Not chosen', price: '1.00' });
}

async function chooseAndOpen(page: Page, server: StockfeedServer): Promise<void> {
  await page.goto(server.signedInUrl);
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  for (const sku of ['MUG-BLUE', 'JAR-HONEY', 'TEA-TOWEL']) await page.getByLabel(`Select ${sku}`).check();
  await page.getByRole('region', { name: 'Bulk actions' }).getByRole('button', { name: 'Print labels…' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Labels' })).toBeVisible();
  await expect(page).toHaveTitle('Labels · Stockfeed');
}

test('labels for the selected products: one each, with their barcodes, prices in the shop locale, and quantities', async ({ page, server }) => {
  await seed(server);
  await page.setViewportSize({ width: 1366, height: 900 });
  await chooseAndOpen(page, server);
  await page.getByLabel('Label size').selectOption('a4-l7160');

  const preview = page.getByRole('list', { name: 'Label preview' });
  const labels = preview.getByTestId('label');
  await expect(labels).toHaveCount(3);
  await expect(page.getByText('3 labels on 1 sheet')).toBeVisible();
  // The symbol the GTIN asks for, or the SKU as Code 128; each image is a drawn barcode.
  await expect(preview.getByRole('img', { name: 'EAN-13 4006381333931' })).toHaveCount(1);
  await expect(preview.getByRole('img', { name: 'UPC-A 036000291452' })).toHaveCount(1);
  await expect(preview.getByRole('img', { name: 'Code 128 TEA-TOWEL' })).toHaveCount(1);
  for (const image of await preview.getByRole('img').all()) {
    expect(await image.evaluate((img) => (img as unknown as LoadedImage).complete && (img as unknown as LoadedImage).naturalWidth > 0)).toBe(true);
    expect(await image.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
  }
  await expect(labels.filter({ hasText: 'Blue mug' })).toContainText(`12,50${NBSP}€`);
  await expect(labels.filter({ hasText: 'Wildflower honey' })).toContainText(`1.234,50${NBSP}€`);
  await expect(labels.first()).toContainText('MUG-BLUE');

  // Where the first label sits: Avery L7160's 7.25 mm from the left, 15.15 mm from the top.
  const pageBox = await preview.getByRole('listitem').first().boundingBox();
  const firstBox = await labels.first().boundingBox();
  if (!pageBox || !firstBox) throw new Error('the preview is not on screen');
  const zoom = pageBox.width / (210 * MM);
  expect((firstBox.x - pageBox.x) / zoom / MM).toBeCloseTo(7.25, 0);
  expect((firstBox.y - pageBox.y) / zoom / MM).toBeCloseTo(15.15, 0);
  expect(firstBox.width / zoom / MM).toBeCloseTo(63.5, 0);

  // Five labels of the mug (typed in the shop's locale), none of the towel.
  await page.getByLabel('Labels of MUG-BLUE').fill('5');
  await page.getByLabel('Labels of MUG-BLUE').press('Tab');
  await page.getByLabel('Labels of TEA-TOWEL').fill('0');
  await page.getByLabel('Labels of TEA-TOWEL').press('Tab');
  await expect(labels).toHaveCount(6);
  await expect(preview.getByRole('img', { name: 'EAN-13 4006381333931' })).toHaveCount(5);
  await expect(preview.getByRole('img', { name: /^Code 128/ })).toHaveCount(0);
  await page.getByLabel('Labels of JAR-HONEY').fill('-1');
  await page.getByLabel('Labels of JAR-HONEY').press('Tab');
  await expect(page.getByLabel('Labels of JAR-HONEY')).toHaveAccessibleDescription('The number of labels is a whole number, 0 or more.');
  await expect(labels).toHaveCount(6);

  // A partly used sheet: start at label 19, so the sixth label goes on a second sheet.
  const start = page.getByLabel('Start at label');
  await start.fill('22');
  await start.press('Enter');
  await expect(start).toHaveAccessibleDescription(/The start position is a label from 1 to 21 on this sheet/);
  // The preview still starts at label 1: printing that on the partly used sheet would waste it.
  await expect(page.getByRole('button', { name: 'Print…' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Save as PDF…' })).toBeDisabled();
  // Another label stock drops the refused start with its problem (a roll has no start at all).
  await page.getByLabel('Label size').selectOption({ label: 'Dymo 57 × 32 mm (11354)' });
  await expect(page.getByRole('button', { name: 'Print…' })).toBeEnabled();
  await page.getByLabel('Label size').selectOption({ label: 'A4 21-up, 63.5 × 38.1 mm (Avery L7160)' });
  await expect(start).toHaveValue('1');
  await expect(page.getByRole('button', { name: 'Print…' })).toBeEnabled();
  await start.fill('19');
  await start.press('Enter');
  await expect(page.getByText('6 labels on 2 sheets')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Print…' })).toBeEnabled();
  await expect(preview.getByRole('listitem')).toHaveCount(2);
  await expect(preview.getByRole('listitem').first().getByTestId('label')).toHaveCount(3);

  // Adding by SKU or barcode: a scan of the towel's SKU brings it back as a line of its own.
  await page.getByLabel('Add a product').fill('NOPE-123');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByText('No product has the SKU or barcode NOPE-123.')).toBeVisible();
  await page.getByLabel('Add a product').fill('not-chosen');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(preview.getByRole('img', { name: 'Code 128 NOT-CHOSEN' })).toHaveCount(1);
  await expect(labels).toHaveCount(7);
  await page.screenshot({ path: test.info().outputPath('labels-1366.png'), fullPage: true });

  // No serious or critical WCAG 2.1 A/AA problem, in the light and the dark theme.
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(results.passes.map((p) => p.id)).toEqual(expect.arrayContaining(['color-contrast', 'image-alt']));
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`), colorScheme).toEqual([]);
  }
});

test('printing shows only the label pages, on paper of the stock size: A4 for a sheet, the label for a label printer', async ({ page, server }) => {
  await seed(server);
  await page.setViewportSize({ width: 1024, height: 800 });
  await chooseAndOpen(page, server);
  await page.getByLabel('Label size').selectOption('a4-l7160');
  const preview = page.getByRole('list', { name: 'Label preview' });
  await expect(preview.getByTestId('label')).toHaveCount(3);
  await page.screenshot({ path: test.info().outputPath('labels-1024.png'), fullPage: true });
  // Nothing of the controls spills out sideways at 1024 px.
  expect(await page.locator('html').evaluate((html) => html.scrollWidth <= html.clientWidth)).toBe(true);

  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('banner')).toBeHidden();
  await expect(page.getByRole('heading', { level: 1, name: 'Labels' })).toBeHidden();
  await expect(page.getByLabel('Start at label')).toBeHidden();
  const sheet = preview.getByRole('listitem').first();
  const box = await sheet.boundingBox();
  // Full size on paper: 210 × 297 mm at the top-left corner, with an @page rule of that size.
  expect(box?.x).toBeCloseTo(0, 0);
  expect(box?.y).toBeCloseTo(0, 0);
  expect((box?.width ?? 0) / MM).toBeCloseTo(210, 0);
  expect((box?.height ?? 0) / MM).toBeCloseTo(297, 0);
  expect(await pageRules(page)).toContain('@page { size: 210mm 297mm; margin: 0px; }');
  await page.screenshot({ path: test.info().outputPath('labels-print-a4.png'), fullPage: true });
  // Chromium's own PDF of the page (what "Save as PDF" writes): one A4 page (595 × 842 pt).
  expect(pdfPageSizes(await page.pdf({ preferCSSPageSize: true, printBackground: true }))).toEqual([[595, 842]]);

  // A label printer: the paper is the label, one label a page.
  await page.emulateMedia({ media: 'screen' });
  await page.getByLabel('Label size').selectOption('brother-62x29');
  await expect(preview.getByRole('listitem')).toHaveCount(3);
  await page.screenshot({ path: test.info().outputPath('labels-roll-1024.png'), fullPage: true });
  await page.emulateMedia({ media: 'print' });
  expect(await pageRules(page)).toContain('@page { size: 62mm 29mm; margin: 0px; }');
  const label = await preview.getByRole('listitem').first().boundingBox();
  expect((label?.width ?? 0) / MM).toBeCloseTo(62, 0);
  expect((label?.height ?? 0) / MM).toBeCloseTo(29, 0);
  const sizes = pdfPageSizes(await page.pdf({ preferCSSPageSize: true }));
  // 62 × 29 mm is 175.7 × 82.2 pt.
  expect(sizes).toEqual([
    [176, 82],
    [176, 82],
    [176, 82],
  ]);
});

test('the Labels screen remembers the label stock and says how to begin when nothing is chosen', async ({ page, server }) => {
  await seed(server);
  await chooseAndOpen(page, server);
  await page.getByLabel('Label size').selectOption('a4-l7651');
  await expect(page.getByText('3 labels on 1 sheet · A4 65-up, 38.1 × 21.2 mm (Avery L7651)')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Label size')).toHaveValue('a4-l7651');
  await expect(page.getByText(/No products yet\. Tick products on the Products screen/)).toBeVisible();
  await expect(page.getByText('No labels to print · A4 65-up, 38.1 × 21.2 mm (Avery L7651)')).toBeVisible();
  await expect(page.getByText('0 labels')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Print…' })).toBeDisabled();
});

test('codes scanned into Add a product are all added: an unknown one waits selected, and none is lost while another is looked up', async ({ page, server }) => {
  await seed(server);
  // Lookups answer slowly, so the scanner's next codes arrive while one is still on its way.
  await page.route('**/api/v1/products/lookup?*', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 400));
    await route.continue();
  });
  await page.goto(server.signedInUrl);
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  await page.goto(`${server.origin}/#/labels`);
  await expect(page.getByRole('heading', { level: 1, name: 'Labels' })).toBeVisible();
  const field = page.getByLabel('Add a product');
  await field.click();
  // A scanner types fast and ends each code with Enter.
  await page.keyboard.type('MUG-BLUE\n4006381333932\n', { delay: 5 });
  await expect(page.getByText('No product has the SKU or barcode 4006381333932.')).toBeVisible();
  await expect(field).toHaveValue('4006381333932');
  await expect(field).toBeFocused();
  // The next scan replaces the code that found nothing, rather than being appended to it.
  await page.keyboard.type('JAR-HONEY\nTEA-TOWEL\n', { delay: 5 });
  const lines = page.getByRole('list', { name: 'Products' });
  for (const sku of ['MUG-BLUE', 'JAR-HONEY', 'TEA-TOWEL']) await expect(lines.getByLabel(`Labels of ${sku}`)).toHaveValue('1');
  await expect(lines.getByRole('listitem')).toHaveCount(3);
  await expect(field).toHaveValue('');
  await expect(field).toBeFocused();

  // Remove takes its button away: the focus goes to the next line's Remove, then to the field.
  await lines.getByRole('button', { name: 'Remove MUG-BLUE' }).press('Enter');
  await expect(lines.getByRole('button', { name: 'Remove JAR-HONEY' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(lines.getByRole('button', { name: 'Remove TEA-TOWEL' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(field).toBeFocused();
});

/** The browser globals used in the page below (the Node project these tests compile in has no DOM types). */
type LoadedImage = { complete: boolean; naturalWidth: number };
type StyleSheets = { document: { styleSheets: Iterable<{ cssRules: Iterable<{ cssText: string }> }> } };

/** The document's `@page` rules, as the browser serialises them. */
async function pageRules(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...(globalThis as unknown as StyleSheets).document.styleSheets].flatMap((sheet) =>
      [...sheet.cssRules].map((rule) => rule.cssText).filter((text) => text.startsWith('@page')),
    ),
  );
}

/** Each page's MediaBox in whole points, in the order they appear in the file. */
function pdfPageSizes(pdf: Buffer): Array<[number, number]> {
  const text = pdf.toString('latin1');
  return [...text.matchAll(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/g)].map((m) => [Math.round(Number(m[1])), Math.round(Number(m[2]))]);
}
