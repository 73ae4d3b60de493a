import type { Knex } from 'knex';

// Data migration, kept apart from the schema migrations (Ghost's rule). Safe to run twice.
//
// Earlier versions put a webhook URL's user name and password into `webhook.changed` events, and
// the start of a receiver's answer into the delivery log; both are read by every API client.
// Stockfeed no longer writes either: this rewrites what is already there the same way.

export async function up(knex: Knex): Promise<void> {
  // "HTTP 503: <answer>" becomes "HTTP 503". The new errors ("HTTP 503 Service Unavailable") have no colon.
  await knex('webhook_deliveries')
    .whereNotNull('response_code')
    .andWhere('error', 'like', 'HTTP %: %')
    .update({ error: knex.raw(`'HTTP ' || CAST(response_code AS TEXT)`) });

  // One event per subscription created, changed or deleted: few rows.
  const events = (await knex('changes').select('seq', 'payload').where({ type: 'webhook.changed' })) as Array<{ seq: number | string; payload: string }>;
  for (const event of events) {
    const payload = JSON.parse(event.payload) as { url?: unknown };
    if (typeof payload.url !== 'string') continue;
    const url = maskCredentials(payload.url);
    if (url === payload.url) continue;
    await knex('changes').where({ seq: event.seq }).update({ payload: JSON.stringify({ ...payload, url }) });
  }
}

/** A copy of net/url-credentials' mask as of this migration: a migration must not change with the code. */
function maskCredentials(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (!parsed.username && !parsed.password) return url;
  parsed.username = '***';
  parsed.password = '';
  return parsed.href;
}

export async function down(): Promise<void> {
  throw new Error('Stockfeed migrations are forward-only; restore a backup to go back.');
}
