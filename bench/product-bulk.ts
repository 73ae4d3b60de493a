/**
 * A bulk job over a whole catalogue of 100,000 products, as "select all 100,000 matching" on the
 * Products screen starts it: a price change, then archiving everything, each timed from start to
 * finished, with the time a stock write waits meanwhile (the job's batches share the write path).
 */
import type { Input } from '../shared/contract';
import { catalogSku, coreSeededByImport } from './catalog-csv';
import { int, line, ms } from './measure';

export async function benchProductBulk(dir: string, products: number): Promise<void> {
  console.log(`\n[products:bulk] a bulk job over all ${int(products)} products (batches of 500, one transaction each)`);
  const { core, call } = await coreSeededByImport(dir, 'product-bulk', products);
  try {
    const run = async (label: string, input: Input<'products.bulkJobs.start'>): Promise<void> => {
      const start = performance.now();
      const job = await call('products.bulkJobs.start', input);
      const resolved = performance.now() - start;
      // A stock write every 50 ms while the job runs: how long it waits for the write path.
      const waits: number[] = [];
      let i = 0;
      let state = job.state;
      let last = job;
      while (state === 'running') {
        const t = performance.now();
        await call('stock.receive', { sku: catalogSku((i++ % products) + 1), quantity: 1 });
        waits.push(performance.now() - t);
        await new Promise((resolve) => setTimeout(resolve, 50));
        last = await call('products.bulkJobs.get', { id: job.id });
        state = last.state;
      }
      const total = performance.now() - start;
      waits.sort((a, b) => a - b);
      const p95 = waits[Math.floor(waits.length * 0.95)] ?? 0;
      line(label, `${(total / 1000).toFixed(1)} s (${int(Math.round(last.updated / (total / 1000)))} products/s; filter resolved in ${ms(resolved)} ms)`);
      line('  a stock write meanwhile', `p50 ${ms(waits[Math.floor(waits.length / 2)] ?? 0)} ms, p95 ${ms(p95)} ms, max ${ms(waits[waits.length - 1] ?? 0)} ms (${waits.length} writes)`);
      if (last.state !== 'finished' || last.updated !== products) throw new Error(`the job ended ${last.state} with ${last.updated} of ${products} updated: ${last.error ?? ''}`);
    };
    await run('price +5 % on every product', { filter: {}, action: 'price', percent: 5 });
    await run('archive every product', { filter: { status: 'active' }, action: 'archive' });
  } finally {
    await core.close();
  }
}
