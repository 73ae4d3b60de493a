/**
 * Security regression and contract of browser sessions (issue 14). The UI used to keep the API
 * token in the browser's storage (readable by any script on the page, kept per tab) and put it in
 * the event stream's URL. Now the server exchanges the token once for a session: an httpOnly,
 * SameSite=Strict cookie holding a random id of which the database keeps only a hash. A write made
 * with the cookie must carry `X-Stockfeed-Request` (a header no cross-site "simple" request can
 * set); the session ends at Sign out, after 30 days unused (90 at most), and when the API token
 * changes.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { SignInCodes } from '../../electron/server/http/sign-in-codes';
import { silentLogger } from '../../electron/core/logger';
import { startCore, type TestCore } from '../helpers/core';
import { listenOnLoopback, openStream, type OpenStream } from '../helpers/raw-http';

const TOKEN = 'session-token-0123456789abcdef';
const DAY = 24 * 60 * 60 * 1000;
const APP_HEADER = { 'x-stockfeed-request': '1' };
const COOKIE_VALUE = /^stockfeed_session=([A-Za-z0-9_-]{43});/;

function setCookie(res: LightMyRequestResponse): string[] {
  const header = res.headers['set-cookie'];
  return header === undefined ? [] : Array.isArray(header) ? header : [header];
}

/** The session cookie a response set, as `name=value` for the next request's Cookie header. */
function cookieOf(res: LightMyRequestResponse): string {
  const cookie = setCookie(res).find((c) => /^(__Host-)?stockfeed_session=[^;]+;/.test(c));
  if (!cookie) throw new Error(`no session cookie in ${JSON.stringify(res.headers['set-cookie'])}`);
  return cookie.split(';')[0] as string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

describe('security: browser sessions (cookie) instead of a token kept in the page', () => {
  let core: TestCore;
  let app: FastifyInstance;
  let codes: SignInCodes;

  beforeEach(async () => {
    core = await startCore('sqlite');
    codes = new SignInCodes();
    app = await createApiServer({ core, token: TOKEN, version: 'test', logger: silentLogger, signInCodes: codes, allowedHosts: ['stock.example.com'] });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await app?.close();
    await core?.cleanup();
  });

  const login = (body: Record<string, unknown>, headers: Record<string, string> = APP_HEADER, remoteAddress = '127.0.0.1') =>
    app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: body, headers: { 'content-type': 'application/json', ...headers }, remoteAddress });
  const me = (cookie: string | null, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { ...(cookie ? { cookie } : {}), ...headers } });

  it('exchanges the right token for an httpOnly, SameSite=Strict cookie; the database keeps only a hash of its id', async () => {
    const res = await login({ token: TOKEN });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ via: 'session', signedInWith: 'api-token', signedInAt: expect.any(String), expiresAt: expect.any(String) });
    expect(Date.parse(res.json().expiresAt) - Date.parse(res.json().signedInAt)).toBe(30 * DAY);
    expect(res.body).not.toContain(TOKEN);
    const [cookie] = setCookie(res);
    expect(cookie).toMatch(COOKIE_VALUE);
    const attributes = (cookie as string).split(';').slice(1).map((a) => a.trim());
    // The cookie lasts as long as a session can (90 days); the server ends the session after 30 days unused.
    expect(attributes).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${90 * 24 * 60 * 60}`]));
    // Served over plain http (127.0.0.1, a LAN address): a Secure cookie would be dropped there.
    expect(attributes).not.toContain('Secure');
    expect(attributes.some((a) => /^Domain=/i.test(a))).toBe(false);

    const id = COOKIE_VALUE.exec(cookie as string)?.[1] as string;
    expect(id).not.toContain(TOKEN);
    const rows = (await core.db('sessions').select()) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.id_hash).toBe(sha256(id));
    expect(JSON.stringify(rows)).not.toContain(id);
    expect(JSON.stringify(rows)).not.toContain(TOKEN);

    expect((await me(`stockfeed_session=${id}`)).json()).toMatchObject({ via: 'session', signedInWith: 'api-token' });
  });

  it('sets a Secure __Host- cookie when the page was served over https (behind a reverse proxy)', async () => {
    const res = await login({ token: TOKEN }, { ...APP_HEADER, host: 'stock.example.com', origin: 'https://stock.example.com' });
    expect(res.statusCode).toBe(200);
    const [cookie] = setCookie(res);
    expect(cookie).toMatch(/^__Host-stockfeed_session=[A-Za-z0-9_-]{43};/);
    expect((cookie as string).split(';').map((a) => a.trim())).toEqual(expect.arrayContaining(['Secure', 'Path=/', 'HttpOnly', 'SameSite=Strict']));
    expect((await me(cookieOf(res), { host: 'stock.example.com' })).statusCode).toBe(200);
  });

  it('refuses a wrong token with 401 and no cookie, and limits wrong tokens per address (429 after 20)', async () => {
    const wrong = await login({ token: 'wrong-token-0123456789' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toMatchObject({ code: 'unauthorized', message: 'The API token is not valid' });
    expect(setCookie(wrong).some((c) => /stockfeed_session=[^;]/.test(c))).toBe(false);
    for (let i = 1; i < 20; i++) expect((await login({ token: `wrong-token-${i}-0123456789` })).statusCode).toBe(401);
    const limited = await login({ token: TOKEN });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(setCookie(limited)).toEqual([]);
    // Another address is not affected.
    expect((await login({ token: TOKEN }, APP_HEADER, '10.0.0.9')).statusCode).toBe(200);
    expect(await core.db('sessions').count({ n: '*' }).first()).toEqual({ n: 1 });
  });

  it('refuses a login without the X-Stockfeed-Request header, from another site, or without a token', async () => {
    const bare = await login({ token: TOKEN }, {});
    expect(bare.statusCode).toBe(403);
    expect(bare.json().error.message).toContain('X-Stockfeed-Request');
    const foreign = await login({ token: TOKEN }, { ...APP_HEADER, origin: 'https://evil.example' });
    expect(foreign.statusCode).toBe(403);
    const empty = await login({});
    expect(empty.statusCode).toBe(422);
    expect(empty.json().error.details.issues[0]).toMatchObject({ path: 'token' });
    const extra = await login({ token: TOKEN, remember: true });
    expect(extra.statusCode).toBe(422);
    expect(await core.db('sessions').count({ n: '*' }).first()).toEqual({ n: 0 });
  });

  it('answers GET /auth/me with how the request was authenticated, or 401', async () => {
    expect((await me(null)).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${TOKEN}` } })).json()).toEqual({ via: 'token' });
    const cookie = cookieOf(await login({ token: TOKEN }));
    expect((await me(cookie)).json()).toMatchObject({ via: 'session' });
    // A made-up or damaged cookie is refused. The answer leaves the cookie alone: a request that
    // crossed a sign-in (or a rotation) elsewhere would otherwise clear the new cookie that set.
    const forged = await me('stockfeed_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(forged.statusCode).toBe(401);
    expect(setCookie(forged)).toEqual([]);
    expect((await me('stockfeed_session=../../etc')).statusCode).toBe(401);
  });

  it('accepts the cookie for reads, and for writes only with the X-Stockfeed-Request header; the token is unaffected', async () => {
    const cookie = cookieOf(await login({ token: TOKEN }));
    expect((await app.inject({ method: 'GET', url: '/api/v1/settings', headers: { cookie } })).statusCode).toBe(200);

    const product = { sku: 'SESSION-1', title: 'Made in a session', price: '3.00' };
    // A form on another site (or an old browser without SameSite) can send the cookie but not this header.
    for (const contentType of ['application/json', 'text/plain', 'application/x-www-form-urlencoded']) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/products', headers: { cookie, 'content-type': contentType }, payload: JSON.stringify(product) });
      expect(res.statusCode, contentType).toBe(403);
      expect(res.json().error).toMatchObject({ code: 'forbidden', message: expect.stringContaining('X-Stockfeed-Request') });
    }
    const put = await app.inject({ method: 'PUT', url: '/api/v1/settings', headers: { cookie, 'content-type': 'application/json' }, payload: { shopName: 'pwned' } });
    expect(put.statusCode).toBe(403);
    const rotate = await app.inject({ method: 'POST', url: '/api/v1/auth/rotate-token', headers: { cookie } });
    expect(rotate.statusCode).toBe(403);
    expect((await core.call('products.list', {})).products).toEqual([]);

    const made = await app.inject({ method: 'POST', url: '/api/v1/products', headers: { cookie, ...APP_HEADER }, payload: product });
    expect(made.statusCode).toBe(201);
    // Scripts with the token need no such header.
    const scripted = await app.inject({ method: 'POST', url: '/api/v1/products', headers: { authorization: `Bearer ${TOKEN}` }, payload: { ...product, sku: 'SCRIPT-1' } });
    expect(scripted.statusCode).toBe(201);
  });

  it('refuses a cookie-authenticated write from another site, header or not', async () => {
    const cookie = cookieOf(await login({ token: TOKEN }));
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/products',
      headers: { cookie, ...APP_HEADER, origin: 'https://evil.example' },
      payload: { sku: 'EVIL-1', title: 'x', price: '1.00' },
    });
    expect(res.statusCode).toBe(403);
    expect((await core.call('products.list', {})).products).toEqual([]);
  });

  it('ends the session on logout: the server forgets it and the cookie is cleared', async () => {
    const cookie = cookieOf(await login({ token: TOKEN }));
    const other = cookieOf(await login({ token: TOKEN }));
    expect((await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie } })).statusCode).toBe(403);
    const out = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie, ...APP_HEADER } });
    expect(out.statusCode).toBe(204);
    expect(setCookie(out).join()).toMatch(/^stockfeed_session=; .*Max-Age=0/);
    expect((await me(cookie)).statusCode).toBe(401);
    // Only this browser's session ended.
    expect((await me(other)).statusCode).toBe(200);
    expect(await core.db('sessions').count({ n: '*' }).first()).toEqual({ n: 1 });
    // Signing out twice, or with no session at all, is not an error.
    expect((await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie, ...APP_HEADER } })).statusCode).toBe(204);
    expect((await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: APP_HEADER })).statusCode).toBe(204);
  });

  it('ends a session unused for 30 days; use moves the end on, but never past 90 days after signing in', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const idle = cookieOf(await login({ token: TOKEN }));
    const used = cookieOf(await login({ token: TOKEN }));
    vi.setSystemTime(Date.now() + 29 * DAY);
    const renewed = await me(used);
    expect(renewed.statusCode).toBe(200);
    // The session's end moved on; the cookie, set for 90 days at sign-in, is not sent again (an
    // answer that arrived after a sign-in in another tab would put the old id back).
    expect(Date.parse(renewed.json().expiresAt)).toBe(Date.now() + 30 * DAY);
    expect(setCookie(renewed)).toEqual([]);
    vi.setSystemTime(Date.now() + 2 * DAY);
    expect((await me(idle)).statusCode).toBe(401);
    expect((await me(used)).statusCode).toBe(200);
    // Used every 20 days: still signed in on day 89, not on day 91.
    for (const days of [20, 20, 18]) {
      vi.setSystemTime(Date.now() + days * DAY);
      expect((await me(used)).statusCode).toBe(200);
    }
    vi.setSystemTime(Date.now() + 2 * DAY);
    expect((await me(used)).statusCode).toBe(401);
    // Expired sessions are removed when someone signs in next.
    await login({ token: TOKEN });
    expect(await core.db('sessions').count({ n: '*' }).first()).toEqual({ n: 1 });
  });

  it('rotating the API token ends every session made with it; the browser that rotated it stays signed in', async () => {
    const rotating = cookieOf(await login({ token: TOKEN }));
    const elsewhere = cookieOf(await login({ token: TOKEN }));
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/rotate-token', headers: { cookie: rotating, ...APP_HEADER } });
    expect(res.statusCode).toBe(200);
    const renewed = cookieOf(res);
    expect(renewed).not.toBe(rotating);
    expect((await me(rotating)).statusCode).toBe(401);
    expect((await me(elsewhere)).statusCode).toBe(401);
    expect((await me(renewed)).json()).toMatchObject({ via: 'session' });
    expect(await core.db('sessions').count({ n: '*' }).first()).toEqual({ n: 1 });
    // Rotated by a script: every browser session ends.
    await app.inject({ method: 'POST', url: '/api/v1/auth/rotate-token', headers: { authorization: `Bearer ${TOKEN}` } });
    expect((await me(renewed)).statusCode).toBe(401);
  });

  it('ends sessions when the token is replaced outside the server (the CLI, the environment, a restored file)', async () => {
    let current = TOKEN;
    const other = await createApiServer({ core, token: () => current, version: 'test', logger: silentLogger });
    try {
      const res = await other.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { token: TOKEN }, headers: APP_HEADER });
      const cookie = cookieOf(res);
      expect((await other.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } })).statusCode).toBe(200);
      current = 'replaced-token-0123456789abcdef';
      expect((await other.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } })).statusCode).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('takes the session only from the cookie: not from the URL, nor as a Bearer token', async () => {
    const id = (cookieOf(await login({ token: TOKEN })).split('=')[1]) as string;
    expect((await app.inject({ method: 'GET', url: `/api/v1/auth/me?session=${id}` })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: `/api/v1/events?token=${id}` })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${id}` } })).statusCode).toBe(401);
  });

  it('signs in once with the one-time code of the link the server prints, within 15 minutes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const code = codes.issue();
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const res = await login({ code });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ via: 'session', signedInWith: 'sign-in-link' });
    expect((await me(cookieOf(res))).statusCode).toBe(200);
    const again = await login({ code });
    expect(again.statusCode).toBe(401);
    expect(again.json().error.message).toMatch(/sign-in link .*used already or .*expired/);

    const late = codes.issue();
    vi.setSystemTime(Date.now() + 16 * 60 * 1000);
    expect((await login({ code: late })).statusCode).toBe(401);
  });
});

describe('security: each browser session has its own request budget', () => {
  let core: TestCore;
  let app: FastifyInstance;

  beforeEach(async () => {
    core = await startCore('sqlite');
    app = await createApiServer({ core, token: TOKEN, version: 'test', logger: silentLogger, rateLimit: { perMinute: 3, channelPerMinute: 10 } });
  });
  afterEach(async () => {
    await app?.close();
    await core?.cleanup();
  });

  it('limits requests per session (as per token), so browsers on one address do not share one budget', async () => {
    const signIn = async () => cookieOf(await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { token: TOKEN }, headers: APP_HEADER }));
    const [first, second] = [await signIn(), await signIn()];
    const get = (cookie: string) => app.inject({ method: 'GET', url: '/api/v1/locations', headers: { cookie } });
    const statuses = async (cookie: string, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await get(cookie)).statusCode);
      return out;
    };
    expect(await statuses(first, 4)).toEqual([200, 200, 200, 429]);
    expect(await statuses(second, 3)).toEqual([200, 200, 200]);
  });
});

describe('security: the event stream takes the session cookie (no ?token= in the UI)', () => {
  let core: TestCore;
  let app: FastifyInstance;
  let port: number;

  beforeEach(async () => {
    core = await startCore('sqlite', { webhooks: { worker: false } });
    app = await createApiServer({ core, token: TOKEN, version: 'test', logger: silentLogger });
    port = await listenOnLoopback(app);
  });
  afterEach(async () => {
    await app?.close();
    await core?.cleanup();
  });

  /** Opens the stream with a cookie; resolves with its status and a function that waits for text in it. */
  const open = (cookie: string): Promise<OpenStream> => openStream(port, '/api/v1/events?since=0', { cookie });

  it('streams changes to a signed-in browser, and ends its stream when it signs out', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { token: TOKEN }, headers: APP_HEADER });
    const cookie = cookieOf(res);
    expect((await open('stockfeed_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(401);
    const stream = await open(cookie);
    expect(stream.status).toBe(200);
    await core.call('products.create', { sku: 'LIVE-1', title: 'Live', price: '1.00' });
    await vi.waitFor(() => expect(stream.seen()).toContain('"sku":"LIVE-1"'));
    await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie, ...APP_HEADER } });
    // A signed-out browser receives nothing more.
    await vi.waitFor(async () => expect(await Promise.race([stream.ended.then(() => 'ended'), new Promise((r) => setTimeout(() => r('open'), 50))])).toBe('ended'));
    stream.close();
  });
});
