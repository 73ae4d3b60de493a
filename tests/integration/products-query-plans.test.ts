/**
 * The Products screen's queries use the indexes meant for them on SQLite, whose planner has no
 * statistics to go by: a tab's page walks (status, sort key) in order instead of sorting every
 * product of the status, and the dashboard's and the tabs' unordered reads of one status take the
 * status-only index (table in row order), not a wider one; the stock sorts, filters and the
 * dashboard read the indexes of each product's totals. A plan that regresses fails here before
 * the benchmark shows it.
 */
import type { Knex } from 'knex';
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
    expect(await plan("select p.id from products as p where p.status = 'active'")).toContain('products_status_index');
    expect(await plan('select status, count(*) from products as p group by p.status')).toContain('products_status_index');
  });

  it('sorts by on hand, most first, by walking an index of the totals, with or without a status', async () => {
    const order = 'order by p.total_on_hand desc, p.sku asc limit 100';
    const all = await plan(`select p.* from products as p ${order}`);
    expect(all).toContain('products_total_on_hand_sku_index');
    expect(all).not.toContain('TEMP B-TREE');
    const tab = await plan(`select p.* from products as p where p.status = 'active' ${order}`);
    expect(tab).toContain('products_status_total_on_hand_sku_index');
    expect(tab).not.toContain('TEMP B-TREE');
  });

  it('counts the out-of-stock filter from a range of the available index', async () => {
    expect(await plan('select count(*) from products as p where (p.total_on_hand - p.total_committed) <= 0')).toContain(
      'USING COVERING INDEX products_total_available_index',
    );
  });

  it('pages a location filter in SKU order, looking up each product\'s level there', async () => {
    const found = await plan(
      "select p.* from products as p where exists (select 1 from stock_levels as s where s.product_id = p.id and s.location_id = 'x' and (s.on_hand <> 0 or s.committed <> 0 or s.incoming <> 0)) order by p.sku limit 100",
    );
    expect(found).toContain('products_sku_unique');
    expect(found).not.toContain('TEMP B-TREE');
  });

  it('counts the products a location holds from the partial index of its levels', async () => {
    expect(await plan("select count(*) from stock_levels as s where s.location_id = 'x' and (s.on_hand <> 0 or s.committed <> 0 or s.incoming <> 0)")).toContain(
      'USING INDEX stock_levels_location_id_holding_index',
    );
  });

  it('reads the dashboard figures from the index alone, already grouped by currency', async () => {
    const found = await plan(
      "select p.currency, count(*), sum(p.total_on_hand * p.price_minor), sum(p.total_committed), sum(p.total_incoming), sum(coalesce(p.buffer_stock, 2)) from products as p where p.status = 'active' group by p.currency",
    );
    expect(found).toContain('USING COVERING INDEX products_status_currency_stock_index');
    expect(found).not.toContain('TEMP B-TREE');
  });
  it("reads the dashboard overview in one pass over the index, its reorder-point correction from the points outwards", async () => {
    const statements: Array<{ sql: string; bindings: readonly Knex.RawBinding[] }> = [];
    const listen = (q: { sql: string; bindings: readonly Knex.RawBinding[] }) => statements.push(q);
    core.db.on('query', listen);
    try {
      await core.call('stats.overview', {});
    } finally {
      core.db.off('query', listen);
    }
    const overview = statements.find((q) => q.sql.includes('low_stock_correction'));
    expect(overview, 'the overview query').toBeDefined();
    const found = ((await core.db.raw(`EXPLAIN QUERY PLAN ${overview?.sql ?? ''}`, overview?.bindings ?? [])) as Array<{ detail: string }>).map((r) => r.detail).join('\n');
    expect(found).toContain('SEARCH p USING COVERING INDEX products_status_currency_stock_index');
    // One product lookup per reorder point, never a walk over every active product (120 ms at 100,000).
    expect(found).toMatch(/SEARCH p USING INDEX sqlite_autoindex_products_1 \(id=\?\)/);
    expect(found.match(/\b(SCAN|SEARCH) p\b/g)).toHaveLength(2);
  });
});
