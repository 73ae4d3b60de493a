/**
 * The Stockfeed core: database, ledger, services and the contract's handlers, in plain Node. The
 * Electron shell, the headless server, the CLI and the tests all start it through `openCore`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { ChangeBus, latestSeq, logReader } from './changes/change-log';
import { PgChangeListener } from './changes/pg-listener';
import { LeaderLease, newHolderId, type LeaseOptions } from './leases/leader-lease';
import { MemoryCache, NoCache, type ReadCache } from './cache/read-cache';
import { RedisCache } from './cache/redis-cache';
import { AvailabilityReader } from './stock/availability-reader';
import { createAvailabilityAtHand, createAvailabilityHandlers } from './stock/availability-handlers';
import { StorefrontTokens } from './auth/storefront-tokens';
import { createStorefrontTokenHandlers } from './auth/storefront-handlers';
import { checkLedger } from './check';
import { ensurePrivateFile, secureDataDir } from './data-files';
import { resolveDbConfig, type DbConfig } from './db/connection';
import { silentLogger, type Logger } from './logger';
import { ensureDataDir, openDatabase, StartupError } from './db/open-database';
import { WalCheckpointer } from './db/wal-checkpointer';
import { diskFullError } from './db/storage-errors';
import { LocationDirectory } from './locations/locations';
import { Outbound, type HostResolver } from './net/outbound';
import { ProductBulk } from './products/product-bulk';
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
import { UserStore } from './auth/users';
import type { PasswordHashParams } from './auth/password';
import { createUserHandlers } from './auth/user-handlers';
import { CountService } from './channels/count-service';
import { OrderService } from './channels/order-service';
import { OrderStock } from './channels/order-stock';
import { connectDelivery } from './publish/delivery/connect';
import { Publisher, resolvePublishDir } from './publish/publisher';
import { claimPublishFolder, publishDirSettingProblem } from './publish/publish-folder';
import type { SitemapLimits } from './publish/artifacts';
import { createDeliveryRunner, type DeliveryRunner, type DeliveryRunnerOptions } from './publish/delivery/runner';
import { sftpHostProblem } from './publish/delivery/sftp-config';
import type { AnswersAtHand, Handlers } from '../../shared/contract';
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
import { inActorScope } from './actor';
import { createWebhookHandlers } from './webhooks/webhook-handlers';
import { IncomingDates } from './stock/incoming-dates';
import { ProductPurchasing, type PurchasingSettings } from './purchasing/product-purchasing';
import { PurchaseOrderService } from './purchasing/purchase-order-service';
import { createPurchasingHandlers } from './purchasing/purchasing-handlers';
import { SupplierService } from './purchasing/supplier-service';
import { ChannelPush, type ChannelPushOptions } from './channel-push/channel-push';
import { createChannelPushHandlers } from './channel-push/channel-push-handlers';
import { createBackupHandlers } from './backups/backup-handlers';
import { BackupService, DAY_MS } from './backups/backup-service';
import { hasDatabase, lastOpenedVersion, recordOpenedVersion, resolveBackupFolder, startBackup } from './backups/start-backups';
import { pruneHistory } from './maintenance/prune-history';
import { diagnosticReport } from './diagnostics/diagnostic-report';
import { LOG_DIR } from './data-files';

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
  /** Stock pushed to the sales channels: whether this process sends (the CLI only queues), and its timing. */
  channelPush?: ChannelPushOptions;
  /** Delivery timing (backoff, timeouts); tests shorten it. */
  delivery?: Pick<DeliveryRunnerOptions, 'retry' | 'sftpConnectTimeoutMs' | 'indexNowTimeoutMs'>;
  /** Limits of one sitemap file (50,000 URLs and 50 MB); tests lower them to exercise the split. */
  sitemapLimits?: SitemapLimits;
  /** Lines per part of the OpenAI feed (10,000); tests lower it to exercise the split. */
  openAiPartItems?: number;
  /**
   * How outgoing requests resolve host names (default: the system resolver). Every address a name
   * resolves to is checked before connecting; tests resolve names to 127.0.0.1 through this.
   */
  resolveHost?: HostResolver;
  /** Products per transaction of a bulk job (default 500); tests make it small to watch progress. */
  bulkBatchSize?: number;
  /**
   * Backups (SQLite): how often the daily copy and the pruning are looked at (default hourly; 0
   * turns the schedule off, as one-shot commands and tests do), and, for tests only, a hook that
   * damages a copy between writing and checking it.
   */
  backups?: { checkEveryMs?: number; beforeVerify?: (copy: string) => void; afterSwap?: () => void };
  /** The version recorded in the database (tests pretend to be a newer one). */
  version?: string;
  /** scrypt's cost for new password hashes (default: OWASP's floor, core/auth/password.ts); tests lower it. */
  passwordHash?: PasswordHashParams;
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
  /** products.bulk and bulk jobs (many products at once, with progress and cancel). */
  bulk: ProductBulk;
  webhooks: Webhooks;
  /** Orders from sales channels (Shopify, WooCommerce) and their exceptions. */
  orders: OrderService;
  /** Warehouse (3PL) counts. */
  counts: CountService;
  /** Available stock pushed to Shopify, WooCommerce and Google; the hosts hand it the channels' inventory webhooks. */
  channelPush: ChannelPush;
  /** The API token the HTTP server checks; rotated through the contract. */
  tokens: TokenStore;
  /** Browser sessions the headless server makes from the API token or a person's account (kept in the database). */
  sessions: SessionStore;
  /** The people who sign in with their own account, and their roles. */
  users: UserStore;
  /** The read cache of availability answers (in process, or Redis); health reports its state. */
  cache: ReadCache;
  /** Cached reads answered without waiting (availability from the in-process cache); the handlers answer the rest. */
  atHand: AnswersAtHand;
  /** Storefront tokens, which the HTTP server accepts on the availability routes only. */
  storefrontTokens: StorefrontTokens;
  /** SFTP upload and IndexNow after each publish; `status()` feeds publish.status. */
  delivery: DeliveryRunner;
  /** Merchant feed, sitemap and JSON-LD; the hosts call `publisher.start()` (tests and one-shot CLI commands need not). */
  publisher: Publisher;
  /** Backups and restore of the SQLite database; null on PostgreSQL (pg_dump's job). */
  backups: BackupService | null;
  /** The daily work: an automatic backup when the last is a day old, and pruning of old rows. */
  runDailyTasks(now?: Date): Promise<void>;
  /** Whether a write or a catalogue import is running or waiting (the updater does not restart then). */
  busy(): boolean;
  /** The folder of the log files (DATA/logs). */
  logDir: string;
  /** Version, platform, database size and schema, publishing, last problems logged; no secrets. */
  diagnosticReport(host?: { electronVersion?: string }): Promise<string>;
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
  const version = options.version ?? VERSION;
  const existed = config.kind === 'sqlite' && hasDatabase(config.file);
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
  const startOptions = config.kind === 'sqlite'
    ? { file: config.file, dataDir: options.dataDir, version, log, beforeVerify: options.backups?.beforeVerify }
    : null;
  let backedUpAtStart = false;
  const db = await openDatabase(
    config,
    log,
    startOptions
      ? async (unmigrated) => {
          try {
            await startBackup(unmigrated, 'pre-migration', startOptions);
            backedUpAtStart = true;
          } catch (error) {
            throw new StartupError(
              `Stockfeed must back up ${startOptions.file} before updating its tables, and could not (${(error as Error).message}). Free some space on the disk of ${options.dataDir}, then start again.`,
              { cause: error },
            );
          }
        }
      : undefined,
  );
  if (startOptions) {
    // The first start of a new version: a copy to go back to if the update went wrong.
    const last = await lastOpenedVersion(db);
    if (last !== version) {
      if (existed && !backedUpAtStart) {
        await startBackup(db, 'pre-update', startOptions).catch((error: Error) => log.warn(`could not back up before the first start of ${version}: ${error.message}`));
      }
      await recordOpenedVersion(db, version);
    }
  }

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
  // When open purchase orders expect their goods: a backorder is dated by the earliest of them.
  const incomingDates = new IncomingDates();
  await incomingDates.load(db);
  // What the availability rule reads besides the product and its stock: one object for every
  // service, read through the settings cache so a settings change applies everywhere at once.
  const summary: SummaryContext = {
    locations,
    shopBufferStock: () => settings?.current().bufferStock ?? 0,
    backorderLeadDays: () => settings?.current().backorderLeadDays ?? DEFAULT_BACKORDER_LEAD_DAYS,
    earliestIncoming: (productId, today) => incomingDates.earliest(productId, today, (id) => locations.cachedById(id)?.sellsOnline ?? true),
  };
  // The one stock engine, from one dependency object. The queue runs it for every stock write;
  // orders, 3PL counts and imports run it through the queue inside their own transactions.
  // The availability reader is made once the cache is chosen, below; batches before it hand nothing over.
  let storefrontReader: AvailabilityReader | null = null;
  const stockEngine = createStockEngine({
    ...summary,
    defaultLocation: () => settings?.current().defaultLocation ?? 'main',
    storefrontAnswers: () => storefrontReader?.beginBatch() ?? null,
  });
  const queue: StockWriteQueue = keyedWriteQueue<StockOperations>(db, bus, stockEngine, { diskFull: (cause) => diskFullError(config, cause) });
  // Every URL the core calls (webhooks, IndexNow, the sales channels' APIs) goes out through this one checked helper;
  // so does the SFTP server's address, at every connection and when the settings name it.
  const outbound = new Outbound({ resolve: options.resolveHost });
  settings = new SettingsService(db, queue, locations, (value) => publishDirSettingProblem(options.dataDir, value), log, (host, allow) =>
    sftpHostProblem(outbound, host, allow),
  );
  await settings.load();
  const settingsService = settings;
  // Another server saved the settings: this one reads them again before anything reacts to that.
  bus.beforeLogDelivery(async (changes) => {
    if (changes.some((c) => c.type === 'settings.updated')) await settingsService.load();
  });
  const stock = new StockService(db, queue, locations, summary);
  const products = new ProductService(db, queue, stock, () => settingsService.current().currency, summary);
  const bulk = new ProductBulk({ db, queue, summary, log, ...(options.bulkBatchSize ? { batchSize: options.bulkBatchSize } : {}) });

  // SQLite's database lives in the data folder, so it can tell whether the folder had a token file.
  const tokenRecord = config.kind === 'sqlite' ? await sqliteTokenRecord(db, (run) => queue.exclusive((ctx) => run(ctx.trx))) : undefined;
  const tokens = new TokenStore(options.dataDir, process.env.STOCKFEED_API_TOKEN, tokenRecord, (error) =>
    log.warn(`could not record that an API token was issued: ${error.message}`),
  );
  const sessions = new SessionStore(db, queue);
  const users = new UserStore(db, queue, sessions, options.passwordHash);
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
  const availability = new AvailabilityReader(db, summary, cache);
  storefrontReader = availability;
  queue.addCommitHook((changes) => availability.committedHere(changes));
  queue.addRollbackHook(() => availability.dropHeld());
  // SQLite: the write-ahead log is copied into the database file off the write path.
  const checkpointer = config.kind === 'sqlite' ? new WalCheckpointer(config.file, log) : null;
  if (checkpointer) {
    checkpointer.start();
    queue.addCommitHook(async () => checkpointer.committed());
  }
  bus.beforeLogDelivery((changes) => availability.changed(changes));

  const allowPrivateNetwork = () => settingsService.current().webhooks.allowPrivateNetwork;
  const webhooks = new Webhooks(db, queue, bus, log, VERSION, { outbound, allowPrivateNetwork }, options.webhooks);
  const orders = new OrderService(db, queue, new OrderStock(queue, { locations, defaultLocation: () => settingsService.current().defaultLocation }));
  const counts = new CountService(queue, locations);
  const channelPush = new ChannelPush({ db, queue, bus, log, outbound, settings: () => settingsService.current(), summary }, options.channelPush);

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
      openAiPartItems: options.openAiPartItems,
    },
    {
      targets: () => delivery.status(),
      // Several servers may share a PostgreSQL database: one of them publishes (and delivers).
      lease: config.kind === 'pg' ? new LeaderLease(db, 'publisher', newHolderId(), log, options.leases) : undefined,
    },
  );
  const disconnectDelivery = connectDelivery({ bus, delivery }, publisher);

  const backups =
    config.kind === 'sqlite'
      ? new BackupService({
          db,
          file: config.file,
          folder: () => resolveBackupFolder(options.dataDir, settingsService.current().backups.folder),
          queue,
          log,
          version,
          beforeVerify: options.backups?.beforeVerify,
          afterSwap: options.backups?.afterSwap,
          services: {
            async stop() {
              // Its connection must not hold the file the restore replaces.
              await checkpointer?.stop();
              await webhooks.stop();
            },
            async resume(swapped) {
              checkpointer?.start();
              if (swapped) {
                await settingsService.load();
                await locations.load(db);
                await publisher.rebuild().catch((error: Error) => log.error(`publishing after the restore failed: ${error.message}`));
              }
              await webhooks.start();
            },
          },
        })
      : null;
  let lastPruned = 0;
  const runDailyTasks = async (now = new Date()) => {
    const current = settingsService.current();
    if (backups && current.backups.automatic) {
      const newest = backups.list().find((b) => b.kind !== 'manual');
      if (!newest || now.getTime() - Date.parse(newest.createdAt) >= DAY_MS) await backups.create('daily');
    }
    if (now.getTime() - lastPruned >= DAY_MS) {
      const pruned = await pruneHistory(queue, current.retentionDays, now);
      lastPruned = now.getTime();
      log.info('old rows pruned', { ...pruned, retentionDays: current.retentionDays });
    }
  };
  const dailyMs = options.backups?.checkEveryMs ?? 60 * 60 * 1000;
  const daily = dailyMs > 0 ? setInterval(() => void runDailyTasks().catch((error: Error) => log.error(`daily backup or pruning failed: ${error.message}`)), dailyMs) : undefined;
  daily?.unref();
  // A first look soon after start: an app opened for an hour a day must still get its daily copy.
  const firstDaily = dailyMs > 0 ? setTimeout(() => void runDailyTasks().catch((error: Error) => log.error(`daily backup or pruning failed: ${error.message}`)), Math.min(dailyMs, 60_000)) : undefined;
  firstDaily?.unref();

  const sweepMs = options.expirySweepMs ?? 30_000;
  const sweep =
    sweepMs > 0
      ? setInterval(() => {
          stock.expireReservations().catch((error: Error) => log.error(`reservation expiry failed: ${error.message}`));
        }, sweepMs)
      : undefined;
  sweep?.unref();

  const purchasingSettings = (): PurchasingSettings => {
    const current = settingsService.current();
    return { ...current.purchasing, shopBufferStock: current.bufferStock, defaultLocation: current.defaultLocation };
  };

  // The contract: one handler map per feature, each given only what it needs.
  const productHandlers = createProductHandlers({ products, bulk, queue });
  const stockHandlers = createStockHandlers({ stock });
  const locationHandlers = createLocationHandlers({ db, queue, locations });
  // Every handler but the stock ones (given the actor) and the storefront's reads (nobody's) opens
  // the actor's scope itself (actor.ts, inActorScope).
  const handlers: Handlers = {
    ...inActorScope({
      ...productHandlers,
      ...locationHandlers,
      ...createChangeHandlers({ db }),
      ...createSettingsHandlers({ settings: settingsService }),
      ...createStatsHandlers({ db, shopBufferStock: () => settingsService.current().bufferStock }),
      // The sample catalogue goes in through the same operations a person would use.
      ...createCatalogHandlers({ db, queue, locations, summary, settings: settingsService, operations: { ...productHandlers, ...locationHandlers, ...stockHandlers } }),
      ...createWebhookHandlers({ webhooks }),
      ...createChannelHandlers({ orders, counts }),
      ...createChannelPushHandlers({ channelPush }),
      ...createPublishHandlers({ publisher, preview: { db, summary, settings: () => settingsService.current() } }),
      ...createAuthHandlers({ tokens, sessions }),
      ...createPurchasingHandlers({
        db,
        locations,
        settings: purchasingSettings,
        suppliers: new SupplierService(db, queue, () => settingsService.current().currency),
        productPurchasing: new ProductPurchasing(db, queue, locations, purchasingSettings),
        purchaseOrders: new PurchaseOrderService({
          db,
          queue,
          locations,
          incomingDates,
          settings: () => ({ orderNumberPrefix: settingsService.current().purchasing.orderNumberPrefix, defaultLocation: settingsService.current().defaultLocation }),
        }),
      }),
      ...createBackupHandlers({ backups }),
      ...createUserHandlers({ users }),
      ...createStorefrontTokenHandlers({ tokens: storefrontTokens }),
    }),
    ...stockHandlers,
    ...createAvailabilityHandlers({ availability }),
  };

  // An import reads and checks its whole file before its one write: busy from the first byte.
  let importsRunning = 0;
  const importCatalog = handlers['catalog.import'];
  handlers['catalog.import'] = async (input, actor) => {
    importsRunning++;
    try {
      return await importCatalog(input, actor);
    } finally {
      importsRunning--;
    }
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
    bulk,
    webhooks,
    orders,
    counts,
    channelPush,
    tokens,
    sessions,
    users,
    cache,
    atHand: createAvailabilityAtHand({ availability }),
    storefrontTokens,
    delivery,
    publisher,
    backups,
    runDailyTasks,
    busy: () => queue.busy() || importsRunning > 0,
    logDir: path.join(options.dataDir, LOG_DIR),
    diagnosticReport: (host) =>
      diagnosticReport({
        version,
        config,
        dataDir: options.dataDir,
        db,
        logDir: path.join(options.dataDir, LOG_DIR),
        publishStatus: () => publisher.status(),
        backups,
        electronVersion: host?.electronVersion,
      }),
    handlers,
    checkLedger: () => checkLedger(db),
    async close() {
      if (sweep) clearInterval(sweep);
      await bulk.stop();
      if (daily) clearInterval(daily);
      if (firstDaily) clearTimeout(firstDaily);
      await webhooks.stop();
      await channelPush.stop();
      await publisher.stop();
      disconnectDelivery();
      await delivery.close();
      outbound.close();
      await tokens.settled();
      await queue.drain();
      await listener?.stop();
      await cache.close();
      await checkpointer?.stop();
      await db.destroy();
    },
  };
  // After everything is wired: resumes deliveries committed before the last stop or crash.
  await webhooks.start();
  await channelPush.start();
  return core;
}
