/**
 * The Stockfeed core: database, ledger, services and the contract's handlers, in plain Node. The
 * Electron shell, the headless server, the CLI and the tests all start it through `openCore`.
 */
import fs from 'node:fs';
import type { Knex } from 'knex';
import { ChangeBus, latestSeq, logReader } from './changes/change-log';
import { PgChangeListener } from './changes/pg-listener';
import { LeaderLease, newHolderId, type LeaseOptions } from './leases/leader-lease';
import { MemoryCache, NoCache, type ReadCache } from './cache/read-cache';
import { RedisCache } from './cache/redis-cache';
import { AvailabilityReader, availabilityKeys } from './stock/availability-reader';
import { createAvailabilityHandlers } from './stock/availability-handlers';
import { StorefrontTokens } from './auth/storefront-tokens';
import { createStorefrontTokenHandlers } from './auth/storefront-handlers';
import { checkLedger } from './check';
import { ensurePrivateFile, secureDataDir } from './data-files';
import { resolveDbConfig, type DbConfig } from './db/connection';
import { silentLogger, type Logger } from './logger';
import { ensureDataDir, openDatabase } from './db/open-database';
import { diskFullError } from './db/storage-errors';
import { LocationDirectory } from './locations/locations';
import { Outbound, type HostResolver } from './net/outbound';
import { ProductService } from './products/product-service';
import { SettingsService } from './settings/settings-service';
import { createStockEngine } from './stock/stock-engine';
import type { StockOperations, StockWriteQueue } from './stock/stock-ops';
import { StockService } from './stock/stock-service';
import type { SummaryContext } from './stock/stock-summary';
import { DEFAULT_BACKORDER_LEAD_DAYS } from '../../shared/domain/availability';
import { CHANGES_CHANNEL, keyedWriteQueue } from './write-queue';
import { VERSION } from './version';
import { Webhooks, type WebhookOptions } from './webhooks/webhooks';
import { sqliteTokenRecord, TokenStore } from './auth/token-store';
import { SessionStore } from './auth/sessions';
import { CountService } from './channels/count-service';
import { OrderService } from './channels/order-service';
import { OrderStock } from './channels/order-stock';
import { connectDelivery } from './publish/delivery/connect';
import { Publisher, resolvePublishDir } from './publish/publisher';
import { claimPublishFolder, publishDirSettingProblem } from './publish/publish-folder';
import type { SitemapLimits } from './publish/artifacts';
import { createDeliveryRunner, type DeliveryRunner, type DeliveryRunnerOptions } from './publish/delivery/runner';
import type { Handlers } from '../../shared/contract';
import { createAuthHandlers } from './auth/auth-handlers';
import { createCatalogHandlers } from './catalog/catalog-handlers';
import { createChangeHandlers } from './changes/change-handlers';
import { createChannelHandlers } from './channels/channel-handlers';
import { createLocationHandlers } from './locations/location-handlers';
import { createProductHandlers } from './products/product-handlers';
import { createPublishHandlers } from './publish/publish-handlers';
import { createSettingsHandlers } from './settings/settings-handlers';
import { createStatsHandlers } from './stats/stats-handlers';
import { createStockHandlers } from './stock/stock-handlers';
import { createWebhookHandlers } from './webhooks/webhook-handlers';

export type CoreOptions = {
  /** Folder for the SQLite file, the API token and (later) the publish folder. */
  dataDir: string;
  /** A postgres:// URL switches the database to PostgreSQL. */
  databaseUrl?: string | undefined;
  logger?: Logger;
  /** How often held reservations past their expiry are released; 0 turns the sweep off. */
  expirySweepMs?: number;
  /** Outgoing webhooks: whether this process delivers them, and the retry schedule. */
  webhooks?: WebhookOptions;
  /** Delivery timing (backoff, timeouts); tests shorten it. */
  delivery?: Pick<DeliveryRunnerOptions, 'retry' | 'sftpConnectTimeoutMs' | 'indexNowTimeoutMs'>;
  /** Limits of one sitemap file (50,000 URLs and 50 MB); tests lower them to exercise the split. */
  sitemapLimits?: SitemapLimits;
  /**
   * How outgoing requests resolve host names (default: the system resolver). Every address a name
   * resolves to is checked before connecting; tests resolve names to 127.0.0.1 through this.
   */
  resolveHost?: HostResolver;
  /** Lease timing for the work one server does at a time on PostgreSQL (publishing); tests shorten it. */
  leases?: LeaseOptions;
  /** A redis:// URL puts the read cache in Redis, shared by every server; none: in this process. */
  redisUrl?: string | undefined;
  /** Key prefix in Redis (tests give each run its own). */
  redisPrefix?: string;
  /** false: no read cache at all (the benchmark's baseline). */
  readCache?: boolean;
};

export type Core = {
  config: DbConfig;
  dataDir: string;
  db: Knex;
  bus: ChangeBus;
  queue: StockWriteQueue;
  locations: LocationDirectory;
  /** What the availability rule reads besides product and stock (settings-backed). */
  summary: SummaryContext;
  settings: SettingsService;
  stock: StockService;
  products: ProductService;
  webhooks: Webhooks;
  /** Orders from sales channels (Shopify, WooCommerce) and their exceptions. */
  orders: OrderService;
  /** Warehouse (3PL) counts. */
  counts: CountService;
  /** The API token the HTTP server checks; rotated through the contract. */
  tokens: TokenStore;
  /** Browser sessions the headless server makes from the API token (kept in the database). */
  sessions: SessionStore;
  /** The read cache of availability answers (in process, or Redis); health reports its state. */
  cache: ReadCache;
  /** Storefront tokens, which the HTTP server accepts on the availability routes only. */
  storefrontTokens: StorefrontTokens;
  /** SFTP upload and IndexNow after each publish; `status()` feeds publish.status. */
  delivery: DeliveryRunner;
  /** Merchant feed, sitemap and JSON-LD; the hosts call `publisher.start()` (tests and one-shot CLI commands need not). */
  publisher: Publisher;
  handlers: Handlers;
  checkLedger(): ReturnType<typeof checkLedger>;
  close(): Promise<void>;
};

export async function openCore(options: CoreOptions): Promise<Core> {
  const log = options.logger ?? silentLogger;
  ensureDataDir(options.dataDir);
  // Owner-only, also for a folder an earlier version made (it holds the shop's secrets).
  secureDataDir(options.dataDir, (message) => log.warn(message));
  const config = resolveDbConfig(options);
  // A new database file is made 0600 before SQLite opens it: SQLite gives its WAL and SHM files
  // the database file's mode. When it cannot be made here, openDatabase says why in one sentence.
  if (config.kind === 'sqlite' && !fs.existsSync(config.file)) {
    try {
      ensurePrivateFile(config.file, (message) => log.warn(message));
    } catch {
      // Reported by openDatabase below, with the fix.
    }
  }
  // Throws a StartupError (one sentence: which file or server, what to do) when the database is
  // unusable, before anything listens or writes.
  const db = await openDatabase(config, log);

  const bus = new ChangeBus();
  // Other servers may write to a PostgreSQL database: the bus follows the shared log from now on,
  // woken by their notifications, so everything downstream sees every server's changes.
  const listener = config.kind === 'pg' ? new PgChangeListener(db, bus, log, { channel: CHANGES_CHANNEL }) : undefined;
  if (listener) {
    bus.followLog(logReader(db), await latestSeq(db));
    await listener.start();
  }
  const locations = new LocationDirectory();
  await locations.load(db);
  let settings: SettingsService | undefined;
  // What the availability rule reads besides the product and its stock: one object for every
  // service, read through the settings cache so a settings change applies everywhere at once.
  const summary: SummaryContext = {
    locations,
    shopBufferStock: () => settings?.current().bufferStock ?? 0,
    backorderLeadDays: () => settings?.current().backorderLeadDays ?? DEFAULT_BACKORDER_LEAD_DAYS,
  };
  // The one stock engine, from one dependency object. The queue runs it for every stock write;
  // orders, 3PL counts and imports run it through the queue inside their own transactions.
  const stockEngine = createStockEngine({ ...summary, defaultLocation: () => settings?.current().defaultLocation ?? 'main' });
  const queue: StockWriteQueue = keyedWriteQueue<StockOperations>(db, bus, stockEngine, { diskFull: (cause) => diskFullError(config, cause) });
  settings = new SettingsService(db, queue, locations, (value) => publishDirSettingProblem(options.dataDir, value));
  await settings.load();
  const settingsService = settings;
  // Another server saved the settings: this one reads them again before anything reacts to that.
  bus.beforeLogDelivery(async (changes) => {
    if (changes.some((c) => c.type === 'settings.updated')) await settingsService.load();
  });
  const stock = new StockService(db, queue, locations, summary);
  const products = new ProductService(db, queue, stock, () => settingsService.current().currency, summary);

  // SQLite's database lives in the data folder, so it can tell whether the folder had a token file.
  const tokenRecord = config.kind === 'sqlite' ? await sqliteTokenRecord(db, (run) => queue.exclusive((ctx) => run(ctx.trx))) : undefined;
  const tokens = new TokenStore(options.dataDir, process.env.STOCKFEED_API_TOKEN, tokenRecord, (error) =>
    log.warn(`could not record that an API token was issued: ${error.message}`),
  );
  const sessions = new SessionStore(db, queue);
  const storefrontTokens = new StorefrontTokens(db, queue);
  await storefrontTokens.load();
  bus.beforeLogDelivery((changes) => storefrontTokens.refreshFor(changes));

  // The read cache: a write is answered only after its entries were invalidated (commit hook);
  // entries read from the log (other servers') are invalidated before anyone hears of them.
  let cache: ReadCache;
  if (options.readCache === false) {
    cache = new NoCache();
  } else if (options.redisUrl) {
    const redis = new RedisCache({ url: options.redisUrl, prefix: options.redisPrefix }, log);
    await redis.connect();
    cache = redis;
  } else {
    cache = new MemoryCache();
  }
  queue.addCommitHook((changes) => cache.invalidate(availabilityKeys(changes)));
  bus.beforeLogDelivery((changes) => cache.invalidate(availabilityKeys(changes)));
  const availability = new AvailabilityReader(db, summary, cache);

  // Every URL the core calls (webhooks, IndexNow) goes out through this one checked helper.
  const outbound = new Outbound({ resolve: options.resolveHost });
  const allowPrivateNetwork = () => settingsService.current().webhooks.allowPrivateNetwork;
  const webhooks = new Webhooks(db, queue, bus, log, VERSION, { outbound, allowPrivateNetwork }, options.webhooks);
  const orders = new OrderService(db, queue, new OrderStock(queue, { locations, defaultLocation: () => settingsService.current().defaultLocation }));
  const counts = new CountService(queue, locations);

  const delivery = createDeliveryRunner({
    ...options.delivery,
    settings: () => settingsService.current(),
    logger: log,
    // Only IndexNow's key file is written through this (before any publish named the folder): the same rule as the publisher's.
    publishDir: () => {
      const dir = resolvePublishDir(options.dataDir, settingsService.current().publishDir);
      claimPublishFolder(options.dataDir, dir);
      return dir;
    },
    outbound,
    // Trust on first use: an SFTP server's first key goes into the settings (and the change log).
    pinHostKey: (pin) => settingsService.pinSftpHostKey(pin),
  });
  const publisher = new Publisher(
    {
      db,
      bus,
      queue,
      summary,
      settings: () => settingsService.current(),
      publishDir: () => resolvePublishDir(options.dataDir, settingsService.current().publishDir),
      claimFolder: (dir) => claimPublishFolder(options.dataDir, dir),
      log,
      sitemapLimits: options.sitemapLimits,
    },
    {
      targets: () => delivery.status(),
      // Several servers may share a PostgreSQL database: one of them publishes (and delivers).
      lease: config.kind === 'pg' ? new LeaderLease(db, 'publisher', newHolderId(), log, options.leases) : undefined,
    },
  );
  const disconnectDelivery = connectDelivery({ bus, delivery }, publisher);

  const sweepMs = options.expirySweepMs ?? 30_000;
  const sweep =
    sweepMs > 0
      ? setInterval(() => {
          stock.expireReservations().catch((error: Error) => log.error(`reservation expiry failed: ${error.message}`));
        }, sweepMs)
      : undefined;
  sweep?.unref();

  // The contract: one handler map per feature, each given only what it needs.
  const productHandlers = createProductHandlers({ products });
  const stockHandlers = createStockHandlers({ stock });
  const locationHandlers = createLocationHandlers({ db, queue, locations });
  const handlers: Handlers = {
    ...productHandlers,
    ...stockHandlers,
    ...locationHandlers,
    ...createChangeHandlers({ db }),
    ...createSettingsHandlers({ settings: settingsService }),
    ...createStatsHandlers({ db, shopBufferStock: () => settingsService.current().bufferStock }),
    // The sample catalogue goes in through the same operations a person would use.
    ...createCatalogHandlers({ db, queue, locations, summary, settings: settingsService, operations: { ...productHandlers, ...locationHandlers, ...stockHandlers } }),
    ...createWebhookHandlers({ webhooks }),
    ...createChannelHandlers({ orders, counts }),
    ...createPublishHandlers({ publisher, preview: { db, summary, settings: () => settingsService.current() } }),
    ...createAuthHandlers({ tokens, sessions }),
    ...createAvailabilityHandlers({ availability }),
    ...createStorefrontTokenHandlers({ tokens: storefrontTokens }),
  };

  const core: Core = {
    config,
    dataDir: options.dataDir,
    db,
    bus,
    queue,
    summary,
    locations,
    settings: settingsService,
    stock,
    products,
    webhooks,
    orders,
    counts,
    tokens,
    sessions,
    cache,
    storefrontTokens,
    delivery,
    publisher,
    handlers,
    checkLedger: () => checkLedger(db),
    async close() {
      if (sweep) clearInterval(sweep);
      await webhooks.stop();
      await publisher.stop();
      disconnectDelivery();
      await delivery.close();
      outbound.close();
      await tokens.settled();
      await queue.drain();
      await listener?.stop();
      await cache.close();
      await db.destroy();
    },
  };
  // After everything is wired: resumes deliveries committed before the last stop or crash.
  await webhooks.start();
  return core;
}
