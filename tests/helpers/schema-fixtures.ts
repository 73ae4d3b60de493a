/**
 * Rows for the schema tests, written with plain knex (a migration test must not depend on the
 * services of the version under test).
 */
import type { Knex } from 'knex';

const NOW = '2026-12-01T10:00:00.000Z';

/**
 * A product, and the rows the data migrations rewrite, already in their final form: a
 * `webhook.changed` event whose URL shows scheme and host only and a delivery error without the
 * receiver's answer. Running the migrations again must leave every one as it is.
 */
export async function seedEveryDataMigrationTouches(db: Knex): Promise<void> {
  await db('products').insert({
    id: '00000000-0000-4000-8000-000000000001',
    sku: 'RERUN-1',
    title: 'Rerun',
    description: '',
    brand: '',
    condition: 'new',
    price_minor: 3_000_000_000,
    currency: 'UZS',
    slug: 'rerun-1',
    additional_image_urls: '[]',
    status: 'active',
    allow_backorder: false,
    created_at: NOW,
    updated_at: NOW,
  });
  const subscription = '00000000-0000-4000-8000-000000000002';
  const [change] = (await db('changes')
    .insert({ type: 'webhook.changed', payload: JSON.stringify({ id: subscription, url: 'https://***@hooks.example.com/***' }), created_at: NOW })
    .returning('seq')) as Array<{ seq: number }>;
  await db('webhook_subscriptions').insert({
    id: subscription,
    url: 'https://user:pass@hooks.example.com/in',
    event_types: '[]',
    secret: 'whsec_test',
    enabled: true,
    description: '',
    max_attempts: 5,
    timeout_ms: 5000,
    created_at: NOW,
    updated_at: NOW,
  });
  await db('webhook_deliveries').insert({
    subscription_id: subscription,
    change_seq: change?.seq,
    event_type: 'webhook.changed',
    status: 'failed',
    attempts: 1,
    response_code: 503,
    error: 'HTTP 503',
    created_at: NOW,
  });
}
