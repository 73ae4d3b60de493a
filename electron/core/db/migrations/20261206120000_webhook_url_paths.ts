import type { Knex } from 'knex';

// Data migration, kept apart from the schema migrations (Ghost's rule). Safe to run twice.
//
// Earlier versions put a webhook URL's path and query into `webhook.changed` events, where many
// receivers keep their secret (Slack's and Discord's incoming webhooks, Zapier's catch hooks). The
// change log is read by everyone signed in and sent to receivers of every event; Stockfeed now
// writes only the scheme and host there, and this rewrites what is already there the same way.

export async function up(knex: Knex): Promise<void> {
  // One event per subscription created, changed or deleted: few rows.
  const events = (await knex('changes').select('seq', 'payload').where({ type: 'webhook.changed' })) as Array<{ seq: number | string; payload: string }>;
  for (const event of events) {
    const payload = JSON.parse(event.payload) as { url?: unknown };
    if (typeof payload.url !== 'string') continue;
    const url = changeLogUrl(payload.url);
    if (url === payload.url) continue;
    await knex('changes').where({ seq: event.seq }).update({ payload: JSON.stringify({ ...payload, url }) });
  }
}

/** A copy of net/url-credentials' changeLogUrl as of this migration: a migration must not change with the code. */
function changeLogUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  const userInfo = parsed.username || parsed.password ? '***@' : '';
  const rest = parsed.pathname === '/' && !parsed.search ? '/' : '/***';
  return `${parsed.protocol}//${userInfo}${parsed.host}${rest}`;
}

export async function down(): Promise<void> {
  throw new Error('Stockfeed migrations are forward-only; restore a backup to go back.');
}
