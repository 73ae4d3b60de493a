import { randomUUID } from 'node:crypto';
import { AppError } from '../../../shared/errors';
import type { ParsedInput } from '../../../shared/contract';
import type { Location } from '../../../shared/schemas/location';
import { bool, type Db } from '../util/db-helpers';
import type { WriteContext } from '../write-queue';
import { withIdempotency } from '../idempotency';

export type LocationRecord = Location & { id: string };

type LocationRow = { id: string; code: string; name: string; sells_online: unknown; created_at: string };

function toRecord(row: LocationRow): LocationRecord {
  return { id: row.id, code: row.code, name: row.name, sellsOnline: bool(row.sells_online), createdAt: row.created_at };
}

export function publicLocation({ code, name, sellsOnline, createdAt }: LocationRecord): Location {
  return { code, name, sellsOnline, createdAt };
}

/**
 * Locations change rarely and are read by every stock write, so they are cached in memory. The
 * cache reloads on a miss, which also picks up a location another process added.
 */
export class LocationDirectory {
  private byCode = new Map<string, LocationRecord>();
  private byId = new Map<string, LocationRecord>();

  async load(db: Db): Promise<void> {
    const rows = (await db('locations').select('*').orderBy('code')) as LocationRow[];
    this.byCode.clear();
    this.byId.clear();
    for (const row of rows) {
      const record = toRecord(row);
      this.byCode.set(record.code, record);
      this.byId.set(record.id, record);
    }
  }

  list(): LocationRecord[] {
    return [...this.byCode.values()];
  }

  cachedByCode(code: string): LocationRecord | undefined {
    return this.byCode.get(code);
  }

  cachedById(id: string): LocationRecord | undefined {
    return this.byId.get(id);
  }

  async byCodeOrLoad(db: Db, code: string): Promise<LocationRecord | undefined> {
    const hit = this.byCode.get(code);
    if (hit) return hit;
    await this.load(db);
    return this.byCode.get(code);
  }

  async byIdOrLoad(db: Db, id: string): Promise<LocationRecord | undefined> {
    const hit = this.byId.get(id);
    if (hit) return hit;
    await this.load(db);
    return this.byId.get(id);
  }

  async create(ctx: WriteContext, input: ParsedInput<'locations.create'>): Promise<Location> {
    return withIdempotency(ctx, 'locations.create', input, async () => {
      const exists = await ctx.trx('locations').where({ code: input.code }).first();
      if (exists) throw new AppError('conflict', `A location with code "${input.code}" already exists`, { field: 'code' });
      const record: LocationRecord = {
        id: randomUUID(),
        code: input.code,
        name: input.name,
        sellsOnline: input.sellsOnline,
        createdAt: ctx.now,
      };
      await ctx.trx('locations').insert({
        id: record.id,
        code: record.code,
        name: record.name,
        sells_online: record.sellsOnline,
        created_at: record.createdAt,
      });
      await ctx.append([{ type: 'location.created', productId: null, sku: null, payload: publicLocation(record) }]);
      ctx.afterCommit(() => {
        this.byCode.set(record.code, record);
        this.byId.set(record.id, record);
      });
      return publicLocation(record);
    });
  }
}
