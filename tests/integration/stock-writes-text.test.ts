/**
 * On SQLite the stock engine writes a batch's levels, totals and movements in one call, with the
 * rows inlined in the SQL as a JSON string literal (stock/stock-writes.ts). Whatever text a
 * caller gives (quotes, SQL, `$` replacement patterns, non-ASCII, emoji) is stored exactly as
 * given and never read as SQL; the same on PostgreSQL.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engines, productInput, startCore, type Engine, type TestCore } from '../helpers/core';

const AWKWARD = [
  "O'Brien's order",
  "x'); DROP TABLE movements; --",
  "$' $& $` $$ $1",
  '"quoted" \\ backslash \\u0027 not an escape',
  'Grüße, ¿qué? 日本 🙂',
  "''''",
];

describe.each(engines())('stock writes keep any text exactly on %s', (engine: Engine) => {
  let core: TestCore;
  beforeEach(async () => {
    core = await startCore(engine);
    await core.call('products.create', productInput('TXT-1'));
  });
  afterEach(async () => core.cleanup());

  it('stores reasons and references as given, in one batch and alone', async () => {
    await Promise.all(AWKWARD.map((text, i) => core.call('stock.receive', { sku: 'TXT-1', quantity: i + 1, reason: text, reference: `${text} #${i}` })));
    await core.call('stock.adjust', { sku: 'TXT-1', quantity: -1, reason: AWKWARD[1] as string });
    const { movements } = await core.call('movements.list', { sku: 'TXT-1' });
    expect(movements.map((m) => m.reason).sort()).toEqual([...AWKWARD, AWKWARD[1]].sort());
    expect(movements.filter((m) => m.kind === 'receive').map((m) => m.reference).sort()).toEqual(AWKWARD.map((t, i) => `${t} #${i}`).sort());
    expect(movements).toHaveLength(AWKWARD.length + 1);
    expect((await core.call('stock.get', { sku: 'TXT-1' })).onHand).toBe(21 - 1);
    expect(await core.checkLedger()).toMatchObject({ ok: true });
  });
});
