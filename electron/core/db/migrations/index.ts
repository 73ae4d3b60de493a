import type { Knex } from 'knex';
import * as initialSchema from './20261126120000_initial_schema';
import * as defaultLocation from './20261126120100_default_location';
import * as publishState from './20261126130000_publish_state';
import * as webhooks from './20261126140000_webhooks';
import * as channelOrders from './20261126150000_channel_orders';
import * as productSearch from './20261126160000_product_search';
import * as outboundRedaction from './20261204120000_outbound_redaction';
import * as int64MoneyQuantities from './20261204130000_int64_money_quantities';
import * as gtinBlankToNull from './20261204140000_gtin_blank_to_null';
import * as gtinUniqueIndex from './20261204140100_gtin_unique_index';
import * as sessions from './20261204150000_sessions';
import * as productStatusIndexes from './20261204160000_product_status_indexes';
import * as reservationSettlement from './20261204165000_reservation_settlement';
import * as reservationChannelBackfill from './20261204165100_reservation_channel_backfill';
import * as channelPush from './20261204170000_channel_push';
import * as replenishment from './20261204180000_replenishment';
import * as users from './20261204220000_users';
import * as actors from './20261204220100_actors';
import * as redirectUrls from './20261205030000_redirect_urls';
import * as leases from './20261204210000_leases';
import * as productCategories from './20261205020000_product_categories';
import * as publishedCollections from './20261205020100_published_collections';
import * as storefrontTokens from './20261204210100_storefront_tokens';
import * as productStockTotals from './20261205010000_product_stock_totals';
import * as webhookUrlPaths from './20261206120000_webhook_url_paths';

type Migration = { up(knex: Knex): Promise<void>; down(knex: Knex): Promise<void> };

/**
 * Every migration, in order, bundled into the build (no glob of the disk at run time). Append new
 * ones at the end; never edit or reorder merged ones.
 */
export const MIGRATIONS: ReadonlyArray<readonly [name: string, migration: Migration]> = [
  ['20261126120000_initial_schema', initialSchema],
  ['20261126120100_default_location', defaultLocation],
  ['20261126130000_publish_state', publishState],
  ['20261126140000_webhooks', webhooks],
  ['20261126150000_channel_orders', channelOrders],
  ['20261126160000_product_search', productSearch],
  ['20261204120000_outbound_redaction', outboundRedaction],
  ['20261204130000_int64_money_quantities', int64MoneyQuantities],
  ['20261204140000_gtin_blank_to_null', gtinBlankToNull],
  ['20261204140100_gtin_unique_index', gtinUniqueIndex],
  ['20261204150000_sessions', sessions],
  ['20261204160000_product_status_indexes', productStatusIndexes],
  ['20261204165000_reservation_settlement', reservationSettlement],
  ['20261204165100_reservation_channel_backfill', reservationChannelBackfill],
  ['20261204170000_channel_push', channelPush],
  ['20261204180000_replenishment', replenishment],
  ['20261204210000_leases', leases],
  ['20261204210100_storefront_tokens', storefrontTokens],
  ['20261204220000_users', users],
  ['20261204220100_actors', actors],
  ['20261205010000_product_stock_totals', productStockTotals],
  ['20261205020000_product_categories', productCategories],
  ['20261205020100_published_collections', publishedCollections],
  ['20261205030000_redirect_urls', redirectUrls],
  ['20261206120000_webhook_url_paths', webhookUrlPaths],
];

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => MIGRATIONS.map(([name]) => name),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const found = MIGRATIONS.find(([n]) => n === name);
    if (!found) throw new Error(`unknown migration ${name}`);
    return found[1];
  },
};
