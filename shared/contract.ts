/**
 * The one contract between the UI, the HTTP API, IPC and the core. Each operation declares its
 * input schema (parsed at every edge), its output schema, and how it maps onto REST. The HTTP
 * routes, the Electron IPC handlers, the preload bridge and the renderer's client are all derived
 * from this table.
 */
import { z } from 'zod';
import type { OperationName } from './operation-names';
import type { Actor } from './schemas/actor';
import {
  productCountsInput,
  productCountsSchema,
  productCreateInput,
  productDeletedSchema,
  productDeleteInput,
  productFilterSchema,
  productGetInput,
  productListInput,
  productLookupInput,
  productLookupSchema,
  productPageSchema,
  productSchema,
  productUpdateInput,
} from './schemas/product';
import { bulkJobIdInput, bulkJobListSchema, bulkJobSchema, bulkJobStartInput, productBulkInput, productBulkResultSchema } from './schemas/product-bulk';
import {
  adjustInput,
  countInput,
  movementListInput,
  movementPageSchema,
  receiveInput,
  reservationActionInput,
  reservationListInput,
  reservationResultSchema,
  reservationSchema,
  reserveInput,
  returnInput,
  sellInput,
  stockGetInput,
  stockGetSchema,
  stockResultSchema,
  transferInput,
} from './schemas/stock';
import { locationCreateInput, locationSchema } from './schemas/location';
import { changeHeadSchema, changePageSchema, changesInput } from './schemas/changes';
import { publishPreviewInput, publishPreviewSchema } from './schemas/publish-preview';
import {
  movementsPerDayInput,
  movementsPerDaySchema,
  statsOverviewInput,
  statsOverviewSchema,
  stockHistoryInput,
  stockHistorySchema,
} from './schemas/stats';
import { settingsInput, settingsSchema } from './schemas/settings';
import { publishIssuesInput, publishIssuesSchema, publishRunInput, publishStatusSchema } from './schemas/publish';
import {
  deliveryListInput,
  deliveryPageSchema,
  deliveryRetryInput,
  deliverySchema,
  webhookCreatedSchema,
  webhookCreateInput,
  webhookDeletedSchema,
  webhookIdInput,
  webhookListSchema,
  webhookSchema,
  webhookUpdateInput,
} from './schemas/webhooks';
import { catalogExportSchema, catalogImportInput, importReportSchema, sampleLoadInput, sampleLoadSchema } from './schemas/catalog';
import { orderExceptionListInput, orderExceptionResolveInput, orderExceptionSchema } from './schemas/channels';
import { orderHistoryInput, orderHistoryPageSchema } from './schemas/order-history';
import { countBatchInput, countBatchResultSchema } from './schemas/counts';
import { rotateTokenInput, rotateTokenSchema } from './schemas/auth';
import {
  productReorderSchema,
  productSuppliersGetInput,
  productSuppliersInput,
  productSuppliersSchema,
  reorderGetInput,
  reorderInput,
  supplierCreateInput,
  supplierDeletedSchema,
  supplierGetInput,
  supplierIdInput,
  supplierListSchema,
  supplierSchema,
  supplierUpdateInput,
} from './schemas/purchasing';
import {
  purchaseOrderActionInput,
  purchaseOrderCreateInput,
  purchaseOrderGetInput,
  purchaseOrderListInput,
  purchaseOrderListSchema,
  purchaseOrderReceiveInput,
  purchaseOrderSchema,
  purchaseOrderUpdateInput,
  replenishmentOverviewSchema,
  suggestionsInput,
  suggestionsSchema,
} from './schemas/purchase-orders';
import {
  channelInput,
  channelStatusListSchema,
  driftListInput,
  driftListSchema,
  matchReportResultSchema,
  matchReportSchema,
  pushListInput,
  pushPageSchema,
  pushRetryInput,
  pushSchema,
  reconcileResultSchema,
} from './schemas/channel-push';
import { backupCreateInput, backupListInput, backupListSchema, backupRestoreInput, backupRestoreSchema, backupSchema } from './schemas/backups';
import { userCreateInput, userDeletedSchema, userIdInput, userListSchema, userSchema, userUpdateInput } from './schemas/users';
import {
  availabilityGetInput,
  availabilityListInput,
  availabilityListSchema,
  storefrontAvailabilitySchema,
  storefrontTokenCreatedSchema,
  storefrontTokenCreateInput,
  storefrontTokenDeletedSchema,
  storefrontTokenIdInput,
  storefrontTokenListSchema,
} from './schemas/availability';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export type OperationSpec = {
  method: HttpMethod;
  /** Path below /api/v1; `:name` segments are taken from the input field of that name. */
  path: string;
  input: z.ZodType;
  output: z.ZodType;
  /** HTTP status on success; 200 unless stated. */
  status?: number;
  /** The input field a JSON array body fills (a PUT of a whole list); other bodies are objects. */
  arrayBody?: string;
  summary: string;
  /**
   * A storefront token is accepted too (every other operation refuses one with 403), and the answer
   * carries an ETag with `Cache-Control: max-age=0, must-revalidate` (304 on If-None-Match).
   */
  storefront?: true;
};

export const contract = {
  'products.list': {
    method: 'GET',
    path: '/products',
    input: productListInput,
    output: productPageSchema,
    summary: 'List products, optionally filtered by a search on SKU, title or GTIN (as GTIN-14); paged by cursor.',
  },
  'products.get': {
    method: 'GET',
    path: '/products/:idOrSku',
    input: productGetInput,
    output: productSchema,
    summary: 'One product by UUID or SKU.',
  },
  'products.create': {
    method: 'POST',
    path: '/products',
    input: productCreateInput,
    output: productSchema,
    status: 201,
    summary: 'Create a product.',
  },
  'products.update': {
    method: 'PATCH',
    path: '/products/:idOrSku',
    input: productUpdateInput,
    output: productSchema,
    summary: 'Change some fields of a product.',
  },
  'products.bulk': {
    method: 'POST',
    path: '/products/bulk',
    input: productBulkInput,
    output: productBulkResultSchema,
    summary:
      'Change up to 1,000 products by SKU in one all-or-nothing step: archive, unarchive, set the status, the buffer stock, the price (or change it by a percentage) or the sale price. For more, or a whole filtered list, start a bulk job.',
  },
  'products.counts': {
    method: 'GET',
    path: '/products/counts',
    input: productCountsInput,
    output: productCountsSchema,
    summary: 'How many products match the filter, per status (the Products screen tabs).',
  },
  'products.delete': {
    method: 'DELETE',
    path: '/products/:idOrSku',
    input: productDeleteInput,
    output: productDeletedSchema,
    summary:
      'Delete a product that never had stock: no movement, no reservation, on no channel order. Otherwise 409 conflict: archive it instead, which keeps its history.',
  },
  'products.bulkJobs.start': {
    method: 'POST',
    path: '/products/bulk/jobs',
    input: bulkJobStartInput,
    output: bulkJobSchema,
    status: 202,
    summary:
      "Start a bulk change of products named by SKU (up to 10,000) or by the list's filter (any number). It runs in the server, in batches of one transaction each; poll the job for its progress, cancel it any time.",
  },
  'products.bulkJobs.get': {
    method: 'GET',
    path: '/products/bulk/jobs/:id',
    input: bulkJobIdInput,
    output: bulkJobSchema,
    summary: 'A bulk job: its state, how many products it has dealt with of how many, and the products it refused with the reasons.',
  },
  'products.bulkJobs.list': {
    method: 'GET',
    path: '/products/bulk/jobs',
    input: z.strictObject({}),
    output: bulkJobListSchema,
    summary: "This server's recent bulk jobs, newest first (running ones included); they are kept until it restarts.",
  },
  'products.bulkJobs.cancel': {
    method: 'POST',
    path: '/products/bulk/jobs/:id/cancel',
    input: bulkJobIdInput,
    output: bulkJobSchema,
    summary: 'Stop a running bulk job after the batch in progress; the batches already applied stay. Answers the job as it stopped.',
  },
  'products.lookup': {
    method: 'GET',
    path: '/products/lookup',
    input: productLookupInput,
    output: productLookupSchema,
    summary:
      'Every product a scanned or typed code names exactly: its SKU, or its GTIN in any spelling (compared as GTIN-14); the SKU match first, whatever the status.',
  },
  'stock.get': {
    method: 'GET',
    path: '/stock/:sku',
    input: stockGetInput,
    output: stockGetSchema,
    summary: 'On hand, committed, incoming and available stock of a SKU, in total and per location, and when the incoming units are due (incomingByDate).',
  },
  'stock.receive': {
    method: 'POST',
    path: '/stock/receive',
    input: receiveInput,
    output: stockResultSchema,
    summary: 'Record goods received into a location.',
  },
  'stock.adjust': {
    method: 'POST',
    path: '/stock/adjust',
    input: adjustInput,
    output: stockResultSchema,
    summary: 'Correct on-hand stock up or down, with a reason.',
  },
  'stock.count': {
    method: 'POST',
    path: '/stock/count',
    input: countInput,
    output: stockResultSchema,
    summary: 'Record a stocktake: the counted quantity becomes on hand; the ledger records the difference.',
  },
  'stock.transfer': {
    method: 'POST',
    path: '/stock/transfer',
    input: transferInput,
    output: stockResultSchema,
    summary: 'Move stock from one location to another.',
  },
  'stock.return': {
    method: 'POST',
    path: '/stock/return',
    input: returnInput,
    output: stockResultSchema,
    summary: 'Put returned goods back on hand.',
  },
  'stock.sell': {
    method: 'POST',
    path: '/stock/sell',
    input: sellInput,
    output: stockResultSchema,
    summary: 'Record an in-store sale: a sale movement that lowers on hand at the location; 409 when not that many are available there.',
  },
  'movements.list': {
    method: 'GET',
    path: '/movements',
    input: movementListInput,
    output: movementPageSchema,
    summary: 'The stock ledger, newest first, optionally for one SKU.',
  },
  'reservations.list': {
    method: 'GET',
    path: '/reservations',
    input: reservationListInput,
    output: z.object({ reservations: z.array(reservationSchema) }),
    summary: 'Reservations, newest first, optionally by status or SKU.',
  },
  'reservations.create': {
    method: 'POST',
    path: '/reservations',
    input: reserveInput,
    output: reservationResultSchema,
    status: 201,
    summary: 'Reserve stock for an order; 409 when not enough is available.',
  },
  'reservations.fulfil': {
    method: 'POST',
    path: '/reservations/:id/fulfil',
    input: reservationActionInput,
    output: reservationResultSchema,
    summary: 'Ship a held reservation: it becomes a sale and leaves on-hand stock.',
  },
  'reservations.release': {
    method: 'POST',
    path: '/reservations/:id/release',
    input: reservationActionInput,
    output: reservationResultSchema,
    summary: 'Cancel a held reservation: its units become available again.',
  },
  'reservations.undoFulfil': {
    method: 'POST',
    path: '/reservations/:id/undo-fulfil',
    input: reservationActionInput,
    output: reservationResultSchema,
    summary:
      'Undo a fulfilment made in Stockfeed: a return movement naming the sale puts the units back on hand and the reservation is held again (the ledger keeps both). 409 when it is not fulfilled, or when a sales channel shipped it.',
  },
  'locations.list': {
    method: 'GET',
    path: '/locations',
    input: z.strictObject({}),
    output: z.object({ locations: z.array(locationSchema) }),
    summary: 'Stock locations (warehouses, shops).',
  },
  'locations.create': {
    method: 'POST',
    path: '/locations',
    input: locationCreateInput,
    output: locationSchema,
    status: 201,
    summary: 'Add a stock location.',
  },
  'changes.list': {
    method: 'GET',
    path: '/changes',
    input: changesInput,
    output: changePageSchema,
    summary: 'Change-log entries after a sequence number, oldest first.',
  },
  'changes.latest': {
    method: 'GET',
    path: '/changes/latest',
    input: z.strictObject({}),
    output: changeHeadSchema,
    summary: 'The newest sequence number in the change log, where a follower of the log starts.',
  },
  'stats.overview': {
    method: 'GET',
    path: '/stats/overview',
    input: statsOverviewInput,
    output: statsOverviewSchema,
    summary: 'Dashboard figures: stock value at retail price per currency, items at or below buffer, out of stock, incoming.',
  },
  'stats.stockHistory': {
    method: 'GET',
    path: '/stats/stock-history',
    input: stockHistoryInput,
    output: stockHistorySchema,
    summary: 'On hand at the end of each recent day, for one SKU or the whole shop, rebuilt from the ledger.',
  },
  'stats.movementsPerDay': {
    method: 'GET',
    path: '/stats/movements-per-day',
    input: movementsPerDayInput,
    output: movementsPerDaySchema,
    summary: 'Ledger movements per recent day, by kind, with units in and out.',
  },
  'settings.get': {
    method: 'GET',
    path: '/settings',
    input: z.strictObject({}),
    output: settingsSchema,
    summary: 'Shop settings; secrets are never returned.',
  },
  'settings.update': {
    method: 'PUT',
    path: '/settings',
    input: settingsInput,
    output: settingsSchema,
    summary: 'Replace the shop settings (send the whole object as GET returns it).',
  },
  'publish.status': {
    method: 'GET',
    path: '/publish/status',
    input: z.strictObject({}),
    output: publishStatusSchema,
    summary: 'Publishing status per artifact (last sequence, time, duration, counts, errors) and per delivery target.',
  },
  'publish.issues': {
    method: 'GET',
    path: '/publish/issues',
    input: publishIssuesInput,
    output: publishIssuesSchema,
    summary: 'Products left out of the feed, the sitemap or the JSON-LD, each problem with the field and how to fix it.',
  },
  'publish.run': {
    method: 'POST',
    path: '/publish',
    input: publishRunInput,
    output: publishStatusSchema,
    summary: 'Publish now (full: rewrite every file from the database) and return the status.',
  },
  'publish.preview': {
    method: 'GET',
    path: '/publish/preview/:sku',
    input: publishPreviewInput,
    output: publishPreviewSchema,
    summary: "One product's feed item, JSON-LD and sitemap entry as the publisher builds them, with its problems and how to fix each.",
  },
  'catalog.import': {
    method: 'POST',
    path: '/catalog/import',
    input: catalogImportInput,
    output: importReportSchema,
    summary:
      'Import a catalogue CSV given as text, all or nothing; with dryRun, only check it. Large files: POST the raw text/csv body to /catalog/import.csv.',
  },
  'catalog.export': {
    method: 'GET',
    path: '/catalog/export',
    input: productFilterSchema,
    output: catalogExportSchema,
    summary:
      "The catalogue (or the products matching the list's filter: query, status, stock, location, itemGroupId) and its stock per location as CSV text (streamed as a file from /catalog/export.csv, which takes the same filter).",
  },
  'catalog.loadSample': {
    method: 'POST',
    path: '/catalog/sample',
    input: sampleLoadInput,
    output: sampleLoadSchema,
    status: 201,
    summary: 'Load a sample catalogue (products with variants, stock at two locations) to try Stockfeed out.',
  },
  'webhooks.list': {
    method: 'GET',
    path: '/webhooks',
    input: z.strictObject({}),
    output: webhookListSchema,
    summary: 'Webhook subscriptions, with their pending and parked delivery counts; secrets are never returned.',
  },
  'webhooks.create': {
    method: 'POST',
    path: '/webhooks',
    input: webhookCreateInput,
    output: webhookCreatedSchema,
    status: 201,
    summary: 'Subscribe a URL to change types (empty: all). The answer shows the signing secret, once; it is generated when not given.',
  },
  'webhooks.update': {
    method: 'PATCH',
    path: '/webhooks/:id',
    input: webhookUpdateInput,
    output: webhookSchema,
    summary: 'Change a subscription: URL, event types, secret, on/off, attempts before parking, timeout.',
  },
  'webhooks.delete': {
    method: 'DELETE',
    path: '/webhooks/:id',
    input: webhookIdInput,
    output: webhookDeletedSchema,
    summary: 'Remove a subscription and its deliveries (to pause it instead, set enabled to false).',
  },
  'webhooks.deliveries': {
    method: 'GET',
    path: '/webhooks/deliveries',
    input: deliveryListInput,
    output: deliveryPageSchema,
    summary: 'The delivery log, newest first: status, attempts, response code, duration and error.',
  },
  'webhooks.retry': {
    method: 'POST',
    path: '/webhooks/deliveries/:id/retry',
    input: deliveryRetryInput,
    output: deliverySchema,
    summary: 'Send a parked delivery again, with a fresh set of attempts, in its place in the queue.',
  },
  'stock.counts': {
    method: 'POST',
    path: '/stock/counts',
    input: countBatchInput,
    output: countBatchResultSchema,
    summary:
      'Apply a batch of warehouse (3PL) counts, validated as a whole; a count older than the last one applied for its SKU and location is ignored and reported; a count below committed stock is refused and reported.',
  },
  'orders.exceptions': {
    method: 'GET',
    path: '/orders/exceptions',
    input: orderExceptionListInput,
    output: z.object({ exceptions: z.array(orderExceptionSchema) }),
    summary: 'Channel orders that could not be applied (unknown SKU, not enough stock), newest first.',
  },
  'orders.history': {
    method: 'GET',
    path: '/orders/history',
    input: orderHistoryInput,
    output: orderHistoryPageSchema,
    summary:
      'Fulfilled, released and expired orders, newest first: when, who settled it, the sales channel and the lines; pass `next` as `before` for older ones.',
  },
  'orders.exceptions.resolve': {
    method: 'POST',
    path: '/orders/exceptions/:id/resolve',
    input: orderExceptionResolveInput,
    output: orderExceptionSchema,
    summary: 'Close an order exception: "retry" applies the order again (409 when it still cannot), "dismiss" just closes it.',
  },
  'auth.rotateToken': {
    method: 'POST',
    path: '/auth/rotate-token',
    input: rotateTokenInput,
    output: rotateTokenSchema,
    summary: 'Replace the API token; the old one stops working at once. Refused when the token comes from STOCKFEED_API_TOKEN.',
  },
  'suppliers.list': {
    method: 'GET',
    path: '/suppliers',
    input: z.strictObject({}),
    output: supplierListSchema,
    summary: 'Suppliers, by name.',
  },
  'suppliers.get': {
    method: 'GET',
    path: '/suppliers/:id',
    input: supplierGetInput,
    output: supplierSchema,
    summary: 'One supplier.',
  },
  'suppliers.create': {
    method: 'POST',
    path: '/suppliers',
    input: supplierCreateInput,
    output: supplierSchema,
    status: 201,
    summary: 'Add a supplier: name, contact, currency, lead time in days, minimum order value, notes.',
  },
  'suppliers.update': {
    method: 'PATCH',
    path: '/suppliers/:id',
    input: supplierUpdateInput,
    output: supplierSchema,
    summary: 'Change some fields of a supplier.',
  },
  'suppliers.delete': {
    method: 'DELETE',
    path: '/suppliers/:id',
    input: supplierIdInput,
    output: supplierDeletedSchema,
    summary: 'Remove a supplier and its product links; 409 while purchase orders name it.',
  },
  'products.suppliers.get': {
    method: 'GET',
    path: '/products/:idOrSku/suppliers',
    input: productSuppliersGetInput,
    output: productSuppliersSchema,
    summary: "A product's suppliers (supplier SKU, unit cost, pack size, minimum order quantity, preferred) and its average cost.",
  },
  'products.suppliers.set': {
    method: 'PUT',
    path: '/products/:idOrSku/suppliers',
    input: productSuppliersInput,
    output: productSuppliersSchema,
    arrayBody: 'suppliers',
    summary: "Replace a product's suppliers: the body is the whole list as a JSON array; at most one is preferred.",
  },
  'products.reorder.get': {
    method: 'GET',
    path: '/products/:idOrSku/reorder',
    input: reorderGetInput,
    output: productReorderSchema,
    summary: "A product's reorder settings per location, with its stock position, sales velocity and the suggested reorder point.",
  },
  'products.reorder.set': {
    method: 'PUT',
    path: '/products/:idOrSku/reorder',
    input: reorderInput,
    output: productReorderSchema,
    summary: 'Set the reorder point and the reorder quantity (or a max level) of a product at a location; null clears them.',
  },
  'replenishment.suggestions': {
    method: 'GET',
    path: '/replenishment/suggestions',
    input: suggestionsInput,
    output: suggestionsSchema,
    summary:
      'Products at or below their reorder point (available plus incoming), grouped by supplier, with the quantity to order rounded up to the pack size and minimum order quantity.',
  },
  'replenishment.overview': {
    method: 'GET',
    path: '/replenishment/overview',
    input: z.strictObject({}),
    output: replenishmentOverviewSchema,
    summary: 'Dashboard figures: stock value at cost beside retail with the margin, products without a cost, products to reorder, late purchase orders.',
  },
  'purchaseOrders.list': {
    method: 'GET',
    path: '/purchase-orders',
    input: purchaseOrderListInput,
    output: purchaseOrderListSchema,
    summary: 'Purchase orders, newest first; status may also be "open" (ordered or partly received) or "late".',
  },
  'purchaseOrders.get': {
    method: 'GET',
    path: '/purchase-orders/:id',
    input: purchaseOrderGetInput,
    output: purchaseOrderSchema,
    summary: 'One purchase order with its lines.',
  },
  'purchaseOrders.create': {
    method: 'POST',
    path: '/purchase-orders',
    input: purchaseOrderCreateInput,
    output: purchaseOrderSchema,
    status: 201,
    summary: 'Draft a purchase order for a supplier, lines given by SKU; it gets the next number.',
  },
  'purchaseOrders.update': {
    method: 'PATCH',
    path: '/purchase-orders/:id',
    input: purchaseOrderUpdateInput,
    output: purchaseOrderSchema,
    summary: "Change a purchase order: notes; a draft's location and lines; an ordered one's expected dates.",
  },
  'purchaseOrders.order': {
    method: 'POST',
    path: '/purchase-orders/:id/order',
    input: purchaseOrderActionInput,
    output: purchaseOrderSchema,
    summary: 'Place a draft purchase order: its quantities become incoming stock at its location.',
  },
  'purchaseOrders.receive': {
    method: 'POST',
    path: '/purchase-orders/:id/receive',
    input: purchaseOrderReceiveInput,
    output: purchaseOrderSchema,
    summary:
      'Record goods that arrived, per line (partial, over- and under-deliveries allowed): receive movements turn incoming into on hand and update the average cost.',
  },
  'purchaseOrders.cancel': {
    method: 'POST',
    path: '/purchase-orders/:id/cancel',
    input: purchaseOrderActionInput,
    output: purchaseOrderSchema,
    summary: 'Cancel a purchase order; what it still had on the way leaves incoming (what arrived stays).',
  },
  'purchaseOrders.close': {
    method: 'POST',
    path: '/purchase-orders/:id/close',
    input: purchaseOrderActionInput,
    output: purchaseOrderSchema,
    summary: 'Close an ordered purchase order whose missing units will not come: they leave incoming.',
  },
  'channels.connect': {
    method: 'POST',
    path: '/channels/:channel/connect',
    input: channelInput,
    output: matchReportSchema,
    summary:
      "Pull the channel's catalogue, match its items to products by SKU, store the mapping and return the match report: matched, in Stockfeed only, in the channel only, duplicate SKUs, problems, each with how to fix it.",
  },
  'channels.matches': {
    method: 'GET',
    path: '/channels/:channel/matches',
    input: channelInput,
    output: matchReportResultSchema,
    summary: 'The match report of the last Connect (null before the first one).',
  },
  'channels.status': {
    method: 'GET',
    path: '/channels/status',
    input: z.strictObject({}),
    output: channelStatusListSchema,
    summary: 'Per sales channel: connected or not, last push, pending and parked pushes, last error, drift found.',
  },
  'channels.pushes': {
    method: 'GET',
    path: '/channels/:channel/pushes',
    input: pushListInput,
    output: pushPageSchema,
    summary: 'The push log of a channel, newest first, optionally by status (pending, parked, sent).',
  },
  'channels.retry': {
    method: 'POST',
    path: '/channels/:channel/pushes/:id/retry',
    input: pushRetryInput,
    output: pushSchema,
    summary: "Send a parked push again, with a fresh set of attempts and the product's value as it is now.",
  },
  'channels.reconcile': {
    method: 'POST',
    path: '/channels/:channel/reconcile',
    input: channelInput,
    output: reconcileResultSchema,
    summary: "Drift check now: read the channel's quantities, compare them with Stockfeed's, queue a correction for every difference and list them.",
  },
  'channels.drift': {
    method: 'GET',
    path: '/channels/:channel/drift',
    input: driftListInput,
    output: driftListSchema,
    summary: 'The drift report, newest first: SKU, the value found in the channel, Stockfeed\'s value, when, and when it was corrected.',
  },
  'backups.list': {
    method: 'GET',
    path: '/backups',
    input: backupListInput,
    output: backupListSchema,
    summary: 'Backups of the SQLite database, newest first, with time, size, change-log sequence and schema version. On PostgreSQL: 501 use_pg_dump.',
  },
  'backups.create': {
    method: 'POST',
    path: '/backups',
    input: backupCreateInput,
    output: backupSchema,
    status: 201,
    summary: 'Back up the database now (an online copy, checked with PRAGMA integrity_check) into the backups folder. On PostgreSQL: 501 use_pg_dump.',
  },
  'backups.restore': {
    method: 'POST',
    path: '/backups/:id/restore',
    input: backupRestoreInput,
    output: backupRestoreSchema,
    summary:
      'Replace the database with a listed backup: the backup is checked, the current database backed up, then swapped in whole; publishing rebuilds and the change log records it. On PostgreSQL: 501 use_pg_dump.',
  },
  'users.list': {
    method: 'GET',
    path: '/users',
    input: z.strictObject({}),
    output: userListSchema,
    summary: 'The people who sign in with their own account, with their roles (viewer, staff, owner).',
  },
  'users.create': {
    method: 'POST',
    path: '/users',
    input: userCreateInput,
    output: userSchema,
    status: 201,
    summary: 'Add a person: a username (kept in lower case), a role and a password (at least 8 characters); 409 when the name is taken.',
  },
  'users.update': {
    method: 'PATCH',
    path: '/users/:id',
    input: userUpdateInput,
    output: userSchema,
    summary: "Change a person's role or set a new password (which ends their sessions); 409 when it would leave no owner.",
  },
  'users.delete': {
    method: 'DELETE',
    path: '/users/:id',
    input: userIdInput,
    output: userDeletedSchema,
    summary: 'Remove a person and end their sessions; what they did stays recorded under their name. 409 for the last owner.',
  },
  'availability.list': {
    method: 'GET',
    path: '/availability',
    input: availabilityListInput,
    output: availabilityListSchema,
    storefront: true,
    summary: 'What a storefront may show and sell for up to 100 SKUs (skus=A,B,C): the online available figure and the availability of the feed; a storefront token is enough.',
  },
  'availability.get': {
    method: 'GET',
    path: '/availability/:sku',
    input: availabilityGetInput,
    output: storefrontAvailabilitySchema,
    storefront: true,
    summary: 'What a storefront may show and sell for one SKU; a storefront token is enough.',
  },
  'storefrontTokens.list': {
    method: 'GET',
    path: '/storefront-tokens',
    input: z.strictObject({}),
    output: storefrontTokenListSchema,
    summary: 'Storefront tokens (read-only, availability only); the tokens themselves are never shown again.',
  },
  'storefrontTokens.create': {
    method: 'POST',
    path: '/storefront-tokens',
    input: storefrontTokenCreateInput,
    output: storefrontTokenCreatedSchema,
    status: 201,
    summary: 'Make a storefront token: it reads availability and nothing else. The answer shows the token, once.',
  },
  'storefrontTokens.delete': {
    method: 'DELETE',
    path: '/storefront-tokens/:id',
    input: storefrontTokenIdInput,
    output: storefrontTokenDeletedSchema,
    summary: 'Revoke a storefront token: it stops working with the next request, on every server.',
  },
} as const satisfies Record<OperationName, OperationSpec>;

type Contract = typeof contract;

/** What a caller sends (before defaults and normalisation). */
export type Input<K extends OperationName> = z.input<Contract[K]['input']>;
/** What a service receives: parsed, normalised, defaults filled in. */
export type ParsedInput<K extends OperationName> = z.output<Contract[K]['input']>;
export type Output<K extends OperationName> = z.output<Contract[K]['output']>;

/**
 * The core's implementation of the contract. `actor`: who the call's writes are recorded under, as
 * the host found it (the authenticated request, the desktop window); absent: whoever the caller's
 * `withActor` scope names, else the system (core/actor.ts).
 */
export type Handlers = { [K in OperationName]: (input: ParsedInput<K>, actor?: Actor) => Promise<Output<K>> };

/**
 * Answers the core can give at once, without waiting for anything (a read held in the in-process
 * cache), for the operations that have them; undefined means: call the handler. The HTTP server
 * answers storefront reads from these at page-view rates.
 */
export type AnswersAtHand = { [K in OperationName]?: (input: ParsedInput<K>) => Output<K> | undefined };

/** What the renderer calls, over IPC or HTTP. */
export type Client = { [K in OperationName]: (input: Input<K>) => Promise<Output<K>> };

/** The names of the input fields that fill the path's `:name` segments. */
export function pathParams(spec: OperationSpec): string[] {
  return [...spec.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1] as string);
}

export { OPERATION_NAMES, type OperationName } from './operation-names';
