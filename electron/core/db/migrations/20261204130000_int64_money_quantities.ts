import type { Knex } from 'knex';

// Forward-only. Schema change only: every money and quantity column becomes 64-bit.
//
// On PostgreSQL they were `integer` (32-bit): a UZS 30,000,000.00 price (3,000,000,000 minor
// units) or a stock level past 2,147,483,647 failed with "integer out of range". They become
// `bigint`; one ALTER TABLE per table, so each table is rewritten once. Safe to run twice: only a
// column that is not bigint yet is altered.
//
// On SQLite nothing changes: an INTEGER column already stores any 64-bit integer (the declared
// type only gives the column INTEGER affinity), so rebuilding four tables, the ledger among them,
// to rename a declared type would cost time and risk and change no stored value.

/** The money (minor units) and quantity (units) columns, by table. */
export const INT64_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  products: ['price_minor', 'sale_price_minor', 'buffer_stock'],
  stock_levels: ['on_hand', 'committed', 'incoming'],
  reservations: ['quantity'],
  movements: ['quantity'],
};

export async function up(knex: Knex): Promise<void> {
  if ((knex.client as { dialect: string }).dialect !== 'postgresql') return;
  for (const [table, columns] of Object.entries(INT64_COLUMNS)) {
    const rows = (await knex('information_schema.columns')
      .select('column_name')
      .whereRaw('table_schema = current_schema()')
      .andWhere({ table_name: table })
      .whereIn('column_name', [...columns])
      .andWhereNot({ data_type: 'bigint' })) as Array<{ column_name: string }>;
    if (rows.length === 0) continue;
    const clauses = rows.map((r) => knex.raw('alter column ?? type bigint', [r.column_name]).toQuery());
    await knex.raw(`alter table ?? ${clauses.join(', ')}`, [table]);
  }
}

export async function down(): Promise<void> {
  throw new Error('Stockfeed migrations are forward-only; restore a backup to go back.');
}
