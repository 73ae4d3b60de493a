/**
 * Security regression (issue 12): URLs the core will call are refused at save time when they
 * point at this computer, link-local (cloud metadata) or a private network, in any spelling: 422
 * naming the field and the rule, unless the owner turned on `webhooks.allowPrivateNetwork`. User
 * name and password in a webhook URL are kept for sending but never shown, logged or put in the
 * change log.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { startCore, type TestCore } from '../helpers/core';

const TOKEN = 'outbound-token-0123456789abcdef';

const SPELLINGS: Array<[string, string]> = [
  ['http://127.0.0.1:5678/webhook', 'loopback'],
  ['http://localhost:5678/webhook', 'loopback'],
  ['http://127.1/webhook', 'loopback'],
  ['http://0x7f000001/webhook', 'loopback'],
  ['http://2130706433/webhook', 'loopback'],
  ['http://[::1]/webhook', 'loopback'],
  ['http://[::ffff:127.0.0.1]/webhook', 'IPv4-mapped loopback'],
  ['http://0.0.0.0:8080/webhook', 'unspecified 0.0.0.0'],
  ['http://169.254.169.254/latest/meta-data/', 'link-local (cloud metadata'],
  ['http://10.0.0.7/webhook', 'private network (10/8)'],
  ['http://172.20.1.1/webhook', 'private network (172.16/12)'],
  ['http://192.168.1.50:1880/node-red', 'private network (192.168/16)'],
  ['http://[fd00::5]/webhook', 'unique local'],
  ['http://100.64.1.1/webhook', 'carrier-grade NAT'],
];

describe('outgoing URLs over the API', () => {
  let core: TestCore;
  let app: FastifyInstance;
  const logs: string[] = [];
  const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, body?: unknown) =>
    app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${TOKEN}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });

  const allowPrivateNetwork = async (allow: boolean) => {
    const current = (await api('GET', '/settings')).json();
    const put = await api('PUT', '/settings', { ...current, webhooks: { allowPrivateNetwork: allow } });
    expect(put.statusCode).toBe(200);
    expect(put.json().webhooks).toEqual({ allowPrivateNetwork: allow });
  };

  beforeAll(async () => {
    core = await startCore('sqlite', { webhooks: { worker: false }, logger });
    app = await createApiServer({ core, token: TOKEN, version: '9.9.9', logger, rateLimit: false });
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  it('the setting is off by default', async () => {
    expect((await api('GET', '/settings')).json().webhooks).toEqual({ allowPrivateNetwork: false });
  });

  it.each(SPELLINGS)('POST /webhooks refuses %s with 422 naming url and the rule (%s)', async (url, rule) => {
    const res = await api('POST', '/webhooks', { url });
    expect(res.statusCode).toBe(422);
    const { error } = res.json();
    expect(error.code).toBe('validation_failed');
    expect(error.details.issues).toEqual([{ path: 'url', message: expect.stringContaining(rule) }]);
    expect(error.message).toMatch(/^url: refused: /);
  });

  it.each(SPELLINGS)('PATCH /webhooks/:id refuses %s the same way and keeps the old URL (%s)', async (url, rule) => {
    const { id } = (await api('POST', '/webhooks', { url: 'https://hooks.example.com/patch-me' })).json();
    const res = await api('PATCH', `/webhooks/${id}`, { url, description: 'half applied?' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details.issues).toEqual([{ path: 'url', message: expect.stringContaining(rule) }]);
    const after = (await api('GET', '/webhooks')).json().webhooks.find((w: { id: string }) => w.id === id);
    expect(after).toMatchObject({ url: 'https://hooks.example.com/patch-me', description: '' });
  });

  it('refuses a private IndexNow engine on PUT /settings, in both of its forms', async () => {
    const current = (await api('GET', '/settings')).json();
    for (const engine of ['http://127.1:8080', 'localhost:8080', '10.0.0.9', 'http://[::ffff:127.0.0.1]/indexnow']) {
      const res = await api('PUT', '/settings', { ...current, indexNow: { enabled: true, key: 'outbound-key-1', engine } });
      expect(res.statusCode, engine).toBe(422);
      expect(res.json().error.details.issues).toEqual([{ path: 'indexNow.engine', message: expect.stringMatching(/^refused: .* is (IPv4-mapped )?(loopback|private network)/) }]);
    }
    expect((await api('GET', '/settings')).json().indexNow).toEqual(current.indexNow);
  });

  it('webhooks.allowPrivateNetwork lets a local receiver (n8n, Node-RED) in, never the cloud metadata service', async () => {
    await allowPrivateNetwork(true);
    try {
      const local = await api('POST', '/webhooks', { url: 'http://127.0.0.1:5678/webhook/stock' });
      expect(local.statusCode).toBe(201);
      const lan = await api('PATCH', `/webhooks/${local.json().id}`, { url: 'http://192.168.1.50:1880/node-red' });
      expect(lan.statusCode).toBe(200);
      const metadata = await api('POST', '/webhooks', { url: 'http://169.254.169.254/latest/meta-data/' });
      expect(metadata.statusCode).toBe(422);
      expect(metadata.json().error.details.issues[0].message).toContain('always refused');
      const current = (await api('GET', '/settings')).json();
      const engine = await api('PUT', '/settings', { ...current, indexNow: { enabled: true, key: 'outbound-key-1', engine: 'http://127.0.0.1:8123' } });
      expect(engine.statusCode).toBe(200);
      const saved = engine.json() as { indexNow: Record<string, unknown> };
      const off = await api('PUT', '/settings', { ...saved, indexNow: { ...saved.indexNow, enabled: false } });
      expect(off.statusCode).toBe(200);
    } finally {
      await allowPrivateNetwork(false);
    }
  });

  it('never returns, logs or records the user name and password of a webhook URL', async () => {
    const url = 'https://flow-user:s3cret-Pa55@n8n.example.com/webhook/stock?x=1';
    const created = await api('POST', '/webhooks', { url, description: 'n8n with basic auth' });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    expect(created.json().url).toBe('https://***@n8n.example.com/webhook/stock?x=1');
    expect(() => new URL(created.json().url)).not.toThrow();

    const patched = await api('PATCH', `/webhooks/${id}`, { description: 'renamed' });
    expect(patched.json().url).toBe('https://***@n8n.example.com/webhook/stock?x=1');
    // Sending the shown URL back (a client that PATCHes what it read) keeps the stored credentials.
    const roundTrip = await api('PATCH', `/webhooks/${id}`, { url: 'https://***@n8n.example.com/webhook/stock2' });
    expect(roundTrip.statusCode).toBe(200);
    expect(roundTrip.json().url).toBe('https://***@n8n.example.com/webhook/stock2');
    const stored = (await core.db('webhook_subscriptions').where({ id }).first()) as { url: string };
    expect(stored.url).toBe('https://flow-user:s3cret-Pa55@n8n.example.com/webhook/stock2');
    // New credentials replace the old ones.
    await api('PATCH', `/webhooks/${id}`, { url: 'https://other:N3w-pass@n8n.example.com/webhook/stock2' });
    expect(((await core.db('webhook_subscriptions').where({ id }).first()) as { url: string }).url).toBe('https://other:N3w-pass@n8n.example.com/webhook/stock2');

    const answers = [created, patched, roundTrip, await api('GET', '/webhooks'), await api('GET', '/changes?since=0&limit=1000'), await api('GET', '/changes?type=webhook.changed')];
    for (const res of answers) {
      expect(res.body).not.toContain('s3cret-Pa55');
      expect(res.body).not.toContain('N3w-pass');
      expect(res.body).not.toContain('flow-user');
    }
    const changes = (await api('GET', '/changes?type=webhook.changed&limit=1000')).json().changes.filter((c: { payload: { id: string } }) => c.payload.id === id);
    // The change log shows scheme and host only (security-webhook-url-paths.test.ts).
    expect(changes.map((c: { payload: { url: string } }) => c.payload.url)).toContain('https://***@n8n.example.com/***');
    const replays = (await core.db('idempotency_keys').pluck('response')) as string[];
    for (const replay of replays) expect(replay).not.toContain('s3cret-Pa55');
    expect(logs.join('\n')).not.toContain('s3cret-Pa55');
    expect(logs.join('\n')).not.toContain('N3w-pass');
  });

  it('a refused credentialed URL does not echo the credentials in the error', async () => {
    const res = await api('POST', '/webhooks', { url: 'http://admin:hunter2-secret@127.0.0.1:5678/webhook' });
    expect(res.statusCode).toBe(422);
    expect(res.body).not.toContain('hunter2-secret');
  });
});
