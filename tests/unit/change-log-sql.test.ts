/**
 * The SQLite append a writer runs inside its own statements (inlineAppendSqlite) is made in one
 * piece, its `'`s doubled row by row; the text must stay byte for byte what the rows' JSON put
 * through sqliteText in place of the statement's parameter gave, whatever the entries hold.
 */
import { describe, expect, it } from 'vitest';
import { inlineAppendSqlite, type NewChange } from '../../electron/core/changes/change-log';
import { selectJsonRows, sqliteText, VALUES_MAX_ROWS } from '../../electron/core/db/json-rows';
import type { Actor } from '../../shared/schemas/actor';

const COLUMNS = 'seq, type, product_id, sku, payload, created_at, actor_kind, actor_id, actor_name';

/** The statement as the rows' JSON and sqliteText make it (the shape of the code before). */
function reference(entries: NewChange[], firstSeq: number, now: string, actor: Actor): string {
  const rows = entries.map((e, i) => {
    const who = e.actor ?? actor;
    const text = JSON.stringify(e.payload);
    const payload = text.startsWith('{') || text.startsWith('[') ? e.payload : text;
    return [firstSeq + i, e.type, e.productId, e.sku, payload, now, who.kind, who.id ?? null, who.name ?? null];
  });
  return `INSERT INTO changes (${COLUMNS}) ${selectJsonRows(9).replace('?', () => sqliteText(JSON.stringify(rows)))}`;
}

const ODD = ["it's", "''", 'a "quote"', '\\', 'Café 😀', '\u0000', 'lone \ud800', '\n', ''];

function entries(count: number): NewChange[] {
  return Array.from({ length: count }, (_, i): NewChange => {
    const odd = ODD[i % ODD.length] as string;
    const payloads: Array<Record<string, unknown>> = [
      { sku: `S-${i}`, title: odd, price: '12.50', list: [odd, i, null], nested: { [odd]: true } },
      { cause: 'count', counted: i, stock: { onHand: i, byLocation: [{ location: "o'neil", onHand: 1 }] } },
      {},
    ];
    return {
      type: i % 3 === 0 ? 'product.created' : i % 3 === 1 ? 'stock.changed' : 'availability.changed',
      productId: i % 7 === 0 ? null : `p-${i}'`,
      sku: i % 11 === 0 ? null : `SKU-${i}${i % 5 === 0 ? "'" : ''}`,
      payload: payloads[i % payloads.length] as Record<string, unknown>,
      ...(i % 4 === 0 ? { actor: { kind: 'user', id: "u'1", name: odd } as Actor } : {}),
    };
  });
}

describe('inlineAppendSqlite (SQLite, the JSON form)', () => {
  it('writes the same statement text as the rows JSON made into one SQL literal', () => {
    const actor: Actor = { kind: 'system' };
    for (const count of [VALUES_MAX_ROWS + 1, 1999, 2000]) {
      const list = entries(count);
      const append = inlineAppendSqlite(list, 41, '2026-12-06T07:00:00.000Z', actor);
      expect(append.sql).toBe(reference(list, 41, '2026-12-06T07:00:00.000Z', actor));
      expect(append.changes.map((c) => c.payload)).toEqual(list.map((e) => JSON.parse(JSON.stringify(e.payload))));
    }
  });
});
