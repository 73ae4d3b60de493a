/**
 * The Products screen's reads on a large catalogue, measured in the core (no browser): the
 * products.list queries the list makes while typing a search, filtering, sorting and scrolling, and
 * the dashboard's stats. The browser side is tests/e2e/bench-products.spec.ts.
 */
import type { Input, OperationName } from '../shared/contract';
import { catalogSku, coreSeededByImport, gtin13 } from './catalog-csv';
import { int, line, ms } from './measure';

const RUNS = 5;

export async function benchProductList(dir: string, products: number): Promise<void> {
  console.log(`\n[products:list] ${int(products)} products, median of ${RUNS} runs per query (target: a search answered well within 150 ms)`);
  const { core, call } = await coreSeededByImport(dir, 'product-list', products);
  try {
    const time = async <K extends OperationName>(label: string, name: K, input: Input<K>): Promise<void> => {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const start = performance.now();
        await call(name, input);
        times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      line(label, `${ms(times[Math.floor(RUNS / 2)] as number)} ms (max ${ms(times[RUNS - 1] as number)})`);
    };
    const page = { offset: 0, limit: 100 };
    await time('first page by SKU', 'products.list', page);
    await time('page at row 90,000', 'products.list', { ...page, offset: Math.floor(products * 0.9) });
    await time('search SKU prefix', 'products.list', { ...page, query: catalogSku(Math.floor(products / 2)).slice(0, 9) });
    await time('search title words', 'products.list', { ...page, query: 'blue mug 9' });
    await time('search GTIN', 'products.list', { ...page, query: gtin13(Math.floor(products / 3)) });
    await time('search with no match', 'products.list', { ...page, query: 'zzz' });
    await time('sort by title, middle page', 'products.list', { ...page, sort: 'title', offset: Math.floor(products / 2) });
    await time('sort by price, first page', 'products.list', { ...page, sort: 'price', direction: 'desc' });
    await time('sort by on hand, first page', 'products.list', { ...page, sort: 'onHand', direction: 'desc' });
    await time('filter out of stock', 'products.list', { ...page, stock: 'out_of_stock' });
    await time('filter location main', 'products.list', { ...page, location: 'main' });
    await time('dashboard overview', 'stats.overview', {});
    await time('dashboard stock history (shop)', 'stats.stockHistory', { days: 30 });
    await time('dashboard movements per day', 'stats.movementsPerDay', { days: 30 });
  } finally {
    await core.close();
  }
}
