/**
 * The Products screen with 100,000 products, measured in the browser and printed (not asserted):
 * first rows after navigating, search results after the last keystroke, long tasks while scrolling.
 * Runs only with STOCKFEED_BENCH=1 (it imports 100,000 products first, about 20 s):
 *   STOCKFEED_BENCH=1 npx playwright test tests/e2e/bench-products.spec.ts --project chromium
 * STOCKFEED_BENCH_PRODUCTS sets another catalogue size.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { catalogSku, gtin13, writeCatalogCsv } from '../../bench/catalog-csv';
import { apiCall } from './api';
import { expect, test } from './fixtures';
import type { PageGlobals } from './page-globals';

const COUNT = Number(process.env.STOCKFEED_BENCH_PRODUCTS ?? 100_000);
const run = promisify(execFile);

test.skip(process.env.STOCKFEED_BENCH !== '1', 'set STOCKFEED_BENCH=1 to run the UI benchmark');
test.setTimeout(300_000);
test.use({
  // Through the same CSV import a shop would use (the CLI), into the test's fresh data folder.
  seedDataDir: {
    async run(dataDir) {
      const file = path.join(dataDir, 'catalogue.csv');
      writeCatalogCsv(file, COUNT);
      const started = Date.now();
      await run('npx', ['tsx', 'electron/cli/main.ts', 'import', file, '--data', dataDir], { maxBuffer: 16 * 1024 * 1024 });
      console.log(`seeded ${COUNT.toLocaleString('en')} products through the CSV import in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    },
  },
});

test('Products screen with a large catalogue: first rows, search and scrolling', async ({ page, server }) => {
  const figures: Array<[string, string]> = [];
  // The publisher writes the feed for the imported catalogue in the server's process right after
  // it starts; measure the screen once that is done, not against it.
  const idleStart = Date.now();
  let idle = false;
  while (!idle && Date.now() - idleStart < 120_000) {
    const status = await apiCall(server, 'publish.status', {}).catch(() => null);
    idle = status !== null && !status.running && status.seq !== null;
    if (!idle) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const waited = ((Date.now() - idleStart) / 1000).toFixed(1);
  console.log(idle ? `first publish of the imported catalogue finished after ${waited} s` : `the publisher was not idle after ${waited} s; measuring anyway`);
  await page.goto(server.signedInUrl);
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();

  // 1. Navigation to Products until the first row shows a product.
  await page.evaluate(() => {
    (globalThis as unknown as PageGlobals).benchT0 = performance.now();
  });
  await page.getByRole('link', { name: 'Products', exact: true }).click();
  await page.waitForFunction(() => {
    const cell = (globalThis as unknown as PageGlobals).document.querySelector('[role="row"][aria-rowindex="2"] .product-row__sku');
    if (!cell) return false;
    (globalThis as unknown as PageGlobals).benchT1 = performance.now();
    return true;
  }, undefined, { polling: 'raf' });
  const firstRows = await page.evaluate(() => ((globalThis as unknown as PageGlobals).benchT1 ?? 0) - ((globalThis as unknown as PageGlobals).benchT0 ?? 0));
  figures.push(['first rows after navigation (ms)', firstRows.toFixed(0)]);
  await expect(page.getByText(`${COUNT.toLocaleString('en-US')} products`)).toBeVisible();

  // 2. Search as you type: from the last keystroke to the final answer on screen.
  await page.evaluate(() => {
    (globalThis as unknown as PageGlobals).addEventListener('keydown', () => {
      (globalThis as unknown as PageGlobals).benchLastKey = performance.now();
    }, true);
  });
  const searches = [catalogSku(Math.floor(COUNT / 2)).slice(0, 8), 'blue mug 9', gtin13(Math.floor(COUNT / 3)), 'green lamp 1234', 'zzz'];
  const search = page.getByLabel('Search products');
  for (const text of searches) {
    const expected = (await apiCall(server, 'products.list', { query: text, offset: 0, limit: 1 })).total ?? 0;
    const label = `${expected.toLocaleString('en-US')} matching products`;
    const times: number[] = [];
    // Three runs each; the machine is shared, so the median says more than any one run.
    for (let round = 0; round < 3; round++) {
      await search.fill('');
      await expect(page.getByText(`${COUNT.toLocaleString('en-US')} products`)).toBeVisible();
      await search.pressSequentially(text, { delay: 35 });
      await page.waitForFunction((wanted) => {
        const shown = (globalThis as unknown as PageGlobals).document.querySelector('.page-head__sub')?.textContent ?? '';
        const firstRow = (globalThis as unknown as PageGlobals).document.querySelector('[role="row"][aria-rowindex="2"] .product-row__sku');
        if (!shown.includes(wanted) || (wanted.startsWith('0 ') ? firstRow !== null : firstRow === null)) return false;
        (globalThis as unknown as PageGlobals).benchT1 = performance.now();
        return true;
      }, label, { polling: 'raf', timeout: 10_000 });
      times.push(await page.evaluate(() => ((globalThis as unknown as PageGlobals).benchT1 ?? 0) - ((globalThis as unknown as PageGlobals).benchLastKey ?? 0)));
    }
    times.sort((a, b) => a - b);
    figures.push([`search "${text}" → ${expected.toLocaleString('en')} results, after last key: median (max) ms`, `${times[1]?.toFixed(0)} (${times[2]?.toFixed(0)})`]);
  }
  await search.fill('');
  await expect(page.getByText(`${COUNT.toLocaleString('en-US')} products`)).toBeVisible();

  // 3. Scrolling: wheel through the list, then jump to the middle and the end; count long tasks.
  await page.evaluate(() => {
    const w = (globalThis as unknown as PageGlobals);
    w.benchLongTasks = [];
    new w.PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.benchLongTasks?.push(entry.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  const scroller = page.getByRole('table', { name: 'Products' });
  await scroller.hover();
  const wheelStart = Date.now();
  for (let i = 0; i < 120; i++) {
    await page.mouse.wheel(0, 600);
    await page.waitForTimeout(16);
  }
  const wheelMs = Date.now() - wheelStart;
  for (const fraction of [0.5, 0.999]) {
    await page.evaluate((f) => {
      const el = (globalThis as unknown as PageGlobals).document.querySelector('[role="table"]');
      if (!el) return;
      (globalThis as unknown as PageGlobals).benchT0 = performance.now();
      el.scrollTop = (el.scrollHeight - el.clientHeight) * f;
    }, fraction);
    await page.waitForFunction(() => {
      const rows = (globalThis as unknown as PageGlobals).document.querySelectorAll('[role="table"] .product-row__sku');
      const placeholders = (globalThis as unknown as PageGlobals).document.querySelectorAll('[role="table"] .product-list__placeholder');
      if (rows.length === 0 || placeholders.length > 0) return false;
      (globalThis as unknown as PageGlobals).benchT1 = performance.now();
      return true;
    }, undefined, { polling: 'raf', timeout: 10_000 });
    const ms = await page.evaluate(() => ((globalThis as unknown as PageGlobals).benchT1 ?? 0) - ((globalThis as unknown as PageGlobals).benchT0 ?? 0));
    figures.push([`jump to ${(fraction * 100).toFixed(0)} %: rows filled in (ms)`, ms.toFixed(0)]);
  }
  await page.waitForTimeout(300);
  const longTasks = await page.evaluate(() => (globalThis as unknown as PageGlobals).benchLongTasks ?? []);
  figures.push([`wheel scrolling, 120 steps of 600 px in ${wheelMs} ms: long tasks over 50 ms`, String(longTasks.filter((d) => d > 50).length)]);
  figures.push(['longest task while scrolling (ms)', longTasks.length > 0 ? Math.max(...longTasks).toFixed(0) : 'none']);
  await page.screenshot({ path: test.info().outputPath('products-100k.png') });

  console.log(`\nProducts screen, ${COUNT.toLocaleString('en')} products (targets: first rows < 1000 ms, search < 150 ms, no long task > 50 ms)`);
  for (const [what, value] of figures) console.log(`  ${what.padEnd(78)} ${value}`);
});
