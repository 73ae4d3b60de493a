import type { ParsedInput, Output } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { amountProblem, fromMinorUnits, toMinorUnits } from '../../../shared/domain/money';
import type { Supplier } from '../../../shared/schemas/purchasing';
import { withIdempotency } from '../idempotency';
import { num, type Db } from '../util/db-helpers';
import { assertVersion, laterThan } from '../util/later-than';
import { uuid7 } from '../util/uuid7';
import type { ExclusiveWriter, WriteContext } from '../write-queue';

export type SupplierRow = {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  currency: string;
  lead_time_days: number;
  minimum_order_minor: number | null;
  notes: string;
  created_at: string;
  updated_at: string;
};

export function toSupplier(row: SupplierRow): Supplier {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    currency: row.currency,
    leadTimeDays: num(row.lead_time_days),
    minimumOrderValue: row.minimum_order_minor === null ? null : fromMinorUnits(num(row.minimum_order_minor), row.currency),
    notes: row.notes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A supplier by id, or by its name (the CLI's `--supplier`, a CSV's `supplier` column). */
export async function findSupplier(db: Db, idOrName: string): Promise<SupplierRow | undefined> {
  const byId = (await db('suppliers').where({ id: idOrName }).first()) as SupplierRow | undefined;
  return byId ?? ((await db('suppliers').where({ name: idOrName }).first()) as SupplierRow | undefined);
}

function minimumOrderMinor(value: string | null | undefined, currency: string): number | null {
  if (value === null || value === undefined) return null;
  const problem = amountProblem(value, currency);
  if (problem) throw new AppError('validation_failed', `minimumOrderValue: ${problem}`, { issues: [{ path: 'minimumOrderValue', message: problem }] });
  return toMinorUnits(value, currency);
}

/** Suppliers: who the shop buys from, in which currency, how long they take. */
export class SupplierService {
  constructor(
    private readonly db: Db,
    private readonly queue: ExclusiveWriter,
    private readonly shopCurrency: () => string,
  ) {}

  async list(): Promise<Output<'suppliers.list'>> {
    const rows = (await this.db('suppliers').orderBy('name')) as SupplierRow[];
    return { suppliers: rows.map(toSupplier) };
  }

  async get(id: string): Promise<Supplier> {
    const row = (await this.db('suppliers').where({ id }).first()) as SupplierRow | undefined;
    if (!row) throw new AppError('not_found', `No supplier with id ${id}`, { field: 'id' });
    return toSupplier(row);
  }

  create(input: ParsedInput<'suppliers.create'>): Promise<Supplier> {
    return this.queue.exclusive((ctx) =>
      withIdempotency(ctx, 'suppliers.create', input, async () => {
        await this.nameIsFree(ctx, input.name);
        const currency = input.currency ?? this.shopCurrency();
        const row: SupplierRow = {
          id: uuid7(),
          name: input.name,
          email: input.email ?? null,
          phone: input.phone ?? null,
          currency,
          lead_time_days: input.leadTimeDays,
          minimum_order_minor: minimumOrderMinor(input.minimumOrderValue, currency),
          notes: input.notes,
          created_at: ctx.now,
          updated_at: ctx.now,
        };
        await ctx.trx('suppliers').insert(row);
        const supplier = toSupplier(row);
        await ctx.append([{ type: 'supplier.changed', productId: null, sku: null, payload: { action: 'created', supplier } }]);
        return supplier;
      }),
    );
  }

  update(input: ParsedInput<'suppliers.update'>): Promise<Supplier> {
    return this.queue.exclusive((ctx) =>
      withIdempotency(ctx, 'suppliers.update', input, async () => {
        const row = (await ctx.trx('suppliers').where({ id: input.id }).first()) as SupplierRow | undefined;
        if (!row) throw new AppError('not_found', `No supplier with id ${input.id}`, { field: 'id' });
        assertVersion(input.expectedUpdatedAt, row.updated_at, { name: `Supplier ${row.name}` });
        if (input.name !== undefined && input.name !== row.name) await this.nameIsFree(ctx, input.name);
        const currency = input.currency ?? row.currency;
        // A new currency re-reads the minimum in it; the stored amount stays as written.
        const minimum =
          input.minimumOrderValue !== undefined
            ? input.minimumOrderValue
            : row.minimum_order_minor === null
              ? null
              : fromMinorUnits(num(row.minimum_order_minor), row.currency);
        const next: SupplierRow = {
          ...row,
          name: input.name ?? row.name,
          email: input.email !== undefined ? input.email : row.email,
          phone: input.phone !== undefined ? input.phone : row.phone,
          currency,
          lead_time_days: input.leadTimeDays ?? num(row.lead_time_days),
          minimum_order_minor: minimumOrderMinor(minimum, currency),
          notes: input.notes ?? row.notes,
          updated_at: laterThan(row.updated_at, ctx.now),
        };
        const { id: _id, ...fields } = next;
        await ctx.trx('suppliers').where({ id: row.id }).update(fields);
        const supplier = toSupplier(next);
        await ctx.append([{ type: 'supplier.changed', productId: null, sku: null, payload: { action: 'updated', supplier } }]);
        return supplier;
      }),
    );
  }

  /** Removes a supplier and its product links; refused while any purchase order names it (they are the record). */
  delete(input: ParsedInput<'suppliers.delete'>): Promise<Output<'suppliers.delete'>> {
    return this.queue.exclusive((ctx) =>
      withIdempotency(ctx, 'suppliers.delete', input, async () => {
        const row = (await ctx.trx('suppliers').where({ id: input.id }).first()) as SupplierRow | undefined;
        if (!row) throw new AppError('not_found', `No supplier with id ${input.id}`, { field: 'id' });
        const orders = (await ctx.trx('purchase_orders').where({ supplier_id: row.id }).count({ n: '*' }).first()) as { n: unknown } | undefined;
        if (num(orders?.n) > 0) {
          throw new AppError('conflict', `${row.name} has ${num(orders?.n)} purchase orders; a supplier with purchase orders cannot be removed`, {
            field: 'id',
            purchaseOrders: num(orders?.n),
          });
        }
        await ctx.trx('product_suppliers').where({ supplier_id: row.id }).delete();
        await ctx.trx('suppliers').where({ id: row.id }).delete();
        await ctx.append([{ type: 'supplier.changed', productId: null, sku: null, payload: { action: 'deleted', supplier: toSupplier(row) } }]);
        return { id: row.id, deleted: true as const };
      }),
    );
  }

  private async nameIsFree(ctx: WriteContext, name: string): Promise<void> {
    if (await ctx.trx('suppliers').where({ name }).first()) {
      throw new AppError('conflict', `A supplier named "${name}" already exists`, { field: 'name' });
    }
  }
}
