/**
 * Security regression: an event stream outlived the credential it was opened with. A stream opened
 * with the API token (as `Authorization: Bearer` or `?token=`) kept streaming the whole change log
 * after the token was rotated, so rotating a leaked token did not cut off a listener that had it;
 * and a browser session's stream went on past the session's end. Every change sent on a stream, and
 * every heartbeat, now checks that the credential still holds, and a rotation ends the token's
 * streams at once.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { silentLogger } from '../../electron/core/logger';
import { startCore, type TestCore } from '../helpers/core';
import { listenOnLoopback, openStream, type OpenStream } from '../helpers/raw-http';

const APP_HEADER = { 'x-stockfeed-request': '1' };

function cookieOf(res: LightMyRequestResponse): string {
  const header = res.headers['set-cookie'];
  const cookies = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const cookie = cookies.find((c) => /^stockfeed_session=[^;]+;/.test(c));
  if (!cookie) throw new Error(`no session cookie in ${JSON.stringify(header)}`);
  return cookie.split(';')[0] as string;
}

/** Whether the stream has ended, giving it a moment to. */
async function hasEnded(stream: OpenStream): Promise<boolean> {
  return Promise.race([stream.ended.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 100))]);
}

describe('security: an event stream ends with the credential it was opened with', () => {
  let core: TestCore;
  let app: FastifyInstance;
  let port: number;

  beforeEach(async () => {
    core = await startCore('sqlite', { webhooks: { worker: false } });
    // The core's own, rotatable token (no fixed token here).
    app = await createApiServer({ core, version: 'test', logger: silentLogger, rateLimit: false });
    port = await listenOnLoopback(app);
  });
  afterEach(async () => {
    await app?.close();
    await core?.cleanup();
  });

  const open = (path: string, headers: Record<string, string>): Promise<OpenStream> => openStream(port, path, headers);

  it('rotating the API token ends the streams opened with it (Bearer and ?token=); they receive nothing after', async () => {
    const old = core.tokens.current();
    const viaHeader = await open('/api/v1/events', { authorization: `Bearer ${old}` });
    const viaQuery = await open(`/api/v1/events?token=${old}`, {});
    expect([viaHeader.status, viaQuery.status]).toEqual([200, 200]);
    await core.call('products.create', { sku: 'BEFORE-ROTATION', title: 'Before', price: '1.00' });
    await vi.waitFor(() => {
      expect(viaHeader.seen()).toContain('"sku":"BEFORE-ROTATION"');
      expect(viaQuery.seen()).toContain('"sku":"BEFORE-ROTATION"');
    });

    const rotated = await app.inject({ method: 'POST', url: '/api/v1/auth/rotate-token', headers: { authorization: `Bearer ${old}` }, payload: {} });
    expect(rotated.statusCode).toBe(200);
    await core.call('products.create', { sku: 'AFTER-ROTATION', title: 'After', price: '1.00' });

    await vi.waitFor(async () => {
      expect(await hasEnded(viaHeader)).toBe(true);
      expect(await hasEnded(viaQuery)).toBe(true);
    });
    expect(viaHeader.seen()).not.toContain('AFTER-ROTATION');
    expect(viaQuery.seen()).not.toContain('AFTER-ROTATION');
    // The new token opens a stream as before.
    const fresh = await open('/api/v1/events?since=0', { authorization: `Bearer ${rotated.json().token as string}` });
    expect(fresh.status).toBe(200);
    await vi.waitFor(() => expect(fresh.seen()).toContain('"sku":"AFTER-ROTATION"'));
    fresh.close();
  });

  it('a token changed without a rotation event (another path) stops the stream before the next change is sent', async () => {
    const old = core.tokens.current();
    const stream = await open('/api/v1/events', { authorization: `Bearer ${old}` });
    expect(stream.status).toBe(200);
    // The token replaced under the server, as a restored token file read afresh would: no session event.
    core.tokens.rotate();
    await core.call('products.create', { sku: 'AFTER-SWAP', title: 'After', price: '1.00' });
    await vi.waitFor(async () => expect(await hasEnded(stream)).toBe(true));
    expect(stream.seen()).not.toContain('AFTER-SWAP');
  });

  it('a browser session’s stream ends when the session does, and sends nothing after', async () => {
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { token: core.tokens.current() }, headers: APP_HEADER });
    const cookie = cookieOf(login);
    // The session ends in a moment (as it would 30 days after its last use).
    await core.db('sessions').update({ expires_at: new Date(Date.now() + 1_000).toISOString() });
    const stream = await open('/api/v1/events', { cookie });
    expect(stream.status).toBe(200);
    await core.call('products.create', { sku: 'WHILE-SIGNED-IN', title: 'During', price: '1.00' });
    await vi.waitFor(() => expect(stream.seen()).toContain('"sku":"WHILE-SIGNED-IN"'));

    await new Promise((r) => setTimeout(r, 1_200));
    await core.call('products.create', { sku: 'AFTER-EXPIRY', title: 'After', price: '1.00' });
    await vi.waitFor(async () => expect(await hasEnded(stream)).toBe(true));
    expect(stream.seen()).not.toContain('AFTER-EXPIRY');
    // And the cookie itself opens nothing any more.
    expect((await open('/api/v1/events', { cookie })).status).toBe(401);
  });
});
