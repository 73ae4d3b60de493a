/**
 * The Stockfeed core: database, ledger, services and the contract's handlers, in plain Node. The
 * Electron shell, the headless server, the CLI and the tests all start it through `openCore`.
 */
import fs from 'node:fs';
import type { Knex } from 'knex';
import { ChangeBus, listChanges } from './changes/change-log';
import { checkLedger } from './check';
import { createKnex, resolveDbConfig, type DbConfig } from './db/connection';
import { migrateToLatest, silentLogger, type Logger } from './db/migrate';
import { createHandlers } from './handlers';
import { LocationDirectory } from './locations/locations';
import { ProductService } from './products/product-service';
import { SettingsService } from './settings/settings-service';
import { createStockBatchHandler } from './stock/stock-engine';
import type { StockOp } from './stock/stock-ops';
import { StockService } from './stock/stock-service';
import { WriteQueue } from './write-queue';
import type { Handlers } from '../../shared/contract';

export type CoreOptions = {
  /** Folder for the SQLite file, the API token and (later) the publish folder. */
  dataDir: string;
  /** A postgres:// URL switches the database to PostgreSQL. */
  databaseUrl?: string | undefined;
  logger?: Logger;
  /** How often held reservations past their expiry are released; 0 turns the sweep off. */
  expirySweepMs?: number;
};

export type Core = {
  config: DbConfig;
  dataDir: string;
  db: Knex;
  bus: ChangeBus;
  queue: WriteQueue<StockOp, unknown>;
  locations: LocationDirectory;
  settings: SettingsService;
  stock: StockService;
  products: ProductService;
  handlers: Handlers;
  checkLedger(): ReturnType<typeof checkLedger>;
  close(): Promise<void>;
};

export async function openCore(options: CoreOptions): Promise<Core> {
  const log = options.logger ?? silentLogger;
  fs.mkdirSync(options.dataDir, { recursive: true });
  const config = resolveDbConfig(options);
  const db = createKnex(config);
  try {
    await migrateToLatest(db, log);
  } catch (error) {
    await db.destroy();
    throw error;
  }

  const bus = new ChangeBus();
  const locations = new LocationDirectory();
  await locations.load(db);
  let settings: SettingsService | undefined;
  const queue = new WriteQueue<StockOp, unknown>(
    db,
    bus,
    createStockBatchHandler({
      locations,
      defaultLocation: () => settings?.current().defaultLocation ?? 'main',
      shopBufferStock: () => settings?.current().bufferStock ?? 0,
    }),
  );
  settings = new SettingsService(db, queue);
  await settings.load();
  const settingsService = settings;
  const stock = new StockService(db, queue, locations, { locations, shopBufferStock: () => settingsService.current().bufferStock });
  const products = new ProductService(db, queue, stock, () => settingsService.current().currency);

  const sweepMs = options.expirySweepMs ?? 30_000;
  const sweep =
    sweepMs > 0
      ? setInterval(() => {
          stock.expireReservations().catch((error: Error) => log.error(`reservation expiry failed: ${error.message}`));
        }, sweepMs)
      : undefined;
  sweep?.unref();

  const core: Core = {
    config,
    dataDir: options.dataDir,
    db,
    bus,
    queue,
    locations,
    settings: settingsService,
    stock,
    products,
    handlers: undefined as unknown as Handlers,
    checkLedger: () => checkLedger(db),
    async close() {
      if (sweep) clearInterval(sweep);
      await queue.drain();
      await db.destroy();
    },
  };
  core.handlers = createHandlers(core);
  return core;
}

export { listChanges };
