/**
 * The Products screen's queries use the indexes meant for them on SQLite, whose planner has no
 * statistics to go by: a tab's page walks (status, sort key) in order instead of sorting every
 * product of the status, and the dashboard's and the tabs' unordered reads of one status take the
 * status-only index (table in row order), not a wider one. A plan that regresses fails here before
 * the benchmark shows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productInput, startCore, type TestCore } from '../helpers/core';

describe('query plans of the Products screen on SQLite', () => {
  let core: TestCore;
  const plan = async (sql: string): Promise<string> =>
    ((await core.db.raw(`EXPLAIN QUERY PLAN ${sql}`)) as Array<{ detail: string }>).map((r) => r.detail).join('\n');

  beforeAll(async () => {
    core = await startCore('sqlite');
    await core.call('products.create', productInput('A-1'));
  });
  afterAll(async () => core?.cleanup());

  it('pages through one status in SKU, title or price order without sorting it', async () => {
    for (const [order, index] of [
      ['p.sku', 'products_status_sku_index'],
      ['p.title, p.sku', 'products_status_title_sku_index'],
      ['p.price_minor desc, p.sku', 'products_status_price_minor_sku_index'],
    ] as const) {
      const found = await plan(`select p.* from products as p where p.status = 'active' order by ${order} limit 100 offset 90000`);
      expect(found, order).toContain(index);
      expect(found, order).not.toContain('TEMP B-TREE FOR ORDER BY');
    }
  });

  it('reads every product of a status, unordered, through the status index', async () => {
    expect(await plan("select p.currency, sum(s.on_hand) from stock_levels as s join products as p on p.id = s.product_id where p.status = 'active' group by p.currency")).toContain(
      'USING INDEX products_status_index',
    );
    expect(await plan('select status, count(*) from products as p group by p.status')).toContain('products_status_index');
  });
});
