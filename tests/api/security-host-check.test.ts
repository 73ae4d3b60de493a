/**
 * Security regression: DNS rebinding. A page on evil.example can point its name at 127.0.0.1 and
 * talk to a server bound there as if it were same-origin; the browser then sends
 * `Host: evil.example`. The server now answers only to localhost, IP addresses and the names it was
 * given (--allowed-hosts), and 421 to anything else, on every route.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { hostNameOf, isAllowedOrigin, parseAllowedHosts } from '../../electron/server/http/host-check';
import { silentLogger } from '../../electron/core/logger';
import { startCore, tempDir, type TestCore } from '../helpers/core';
import { listenOnLoopback, rawSocketRequest } from '../helpers/raw-http';

const TOKEN = 'host-token-0123456789abcdef';

describe('security: the Host header is checked on every request (DNS rebinding)', () => {
  let core: TestCore;
  let app: FastifyInstance;

  beforeAll(async () => {
    core = await startCore('sqlite');
    const staticDir = tempDir('stockfeed-ui-');
    fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>UI</title>');
    app = await createApiServer({ core, token: TOKEN, version: 'test', logger: silentLogger, staticDir, allowedHosts: ['stock.example.com', 'shop.internal'] });
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  const ROUTES: Array<{ method: 'GET' | 'POST'; url: string; token?: boolean }> = [
    { method: 'GET', url: '/api/v1/settings', token: true },
    { method: 'GET', url: '/api/v1/settings' },
    { method: 'GET', url: '/api/v1/health' },
    { method: 'GET', url: '/' },
    { method: 'GET', url: '/index.html' },
    { method: 'GET', url: '/feeds/google-merchant.xml' },
    { method: 'POST', url: '/api/v1/channels/shopify/orders' },
    { method: 'GET', url: '/no/such/thing' },
  ];
  const send = (route: (typeof ROUTES)[number], host: string) =>
    app.inject({ method: route.method, url: route.url, headers: { host, ...(route.token ? { authorization: `Bearer ${TOKEN}` } : {}) }, ...(route.method === 'POST' ? { payload: '{}' } : {}) });

  it.each([
    'evil.example',
    'evil.example:4780',
    'localhost.evil.example',
    '127.0.0.1.evil.example',
    'evil.example@127.0.0.1',
    'evil.example\\@localhost',
    'stock.example.com.evil.example',
    'example.com',
    '[::1].evil.example',
    '127.1',
  ])('answers 421 misdirected_request to Host: %s on every route, the token notwithstanding', async (host) => {
    for (const route of ROUTES) {
      const res = await send(route, host);
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(421);
      expect(res.json()).toEqual({ error: { code: 'misdirected_request', message: expect.stringContaining('--allowed-hosts') } });
    }
  });

  it.each([
    'localhost',
    'localhost:4780',
    'LOCALHOST:4780',
    'stockfeed.localhost:4780',
    '127.0.0.1',
    '127.0.0.1:4780',
    '127.8.9.10:80',
    '[::1]:4780',
    '[::1]',
    '192.168.1.20:4780',
    '0.0.0.0:4780',
    'stock.example.com',
    'Stock.Example.Com.:443',
    'shop.internal:8080',
  ])('answers Host: %s', async (host) => {
    for (const route of ROUTES) {
      const res = await send(route, host);
      expect(res.statusCode, `${route.method} ${route.url}`).not.toBe(421);
    }
    expect((await send(ROUTES[0] as (typeof ROUTES)[number], host)).statusCode).toBe(200);
  });

  it('answers an HTTP/1.0 request without Host (no browser sends one, so no rebinding page can)', async () => {
    const other = await createApiServer({ core, token: TOKEN, version: 'test', logger: silentLogger });
    try {
      const port = await listenOnLoopback(other);
      const health = await rawSocketRequest(port, 'GET /api/v1/health HTTP/1.0\r\n\r\n');
      expect(health.status).toBe(200);
      const settings = await rawSocketRequest(port, `GET /api/v1/settings HTTP/1.0\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`);
      expect(settings.status).toBe(200);
      const rebound = await rawSocketRequest(port, `GET /api/v1/settings HTTP/1.1\r\nHost: evil.example:${port}\r\nAuthorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`);
      expect(rebound.status).toBe(421);
    } finally {
      await other.close();
    }
  });
});

describe('allowed hosts and origins', () => {
  it('parses --allowed-hosts / STOCKFEED_ALLOWED_HOSTS, refusing what is not a bare host name', () => {
    expect(parseAllowedHosts(undefined)).toEqual([]);
    expect(parseAllowedHosts(' ')).toEqual([]);
    expect(parseAllowedHosts('Stock.Example.com, shop.internal,stock.example.com.')).toEqual(['stock.example.com', 'shop.internal']);
    expect(parseAllowedHosts('10.0.0.5,::1')).toEqual(['10.0.0.5', '::1']);
    for (const bad of ['https://stock.example.com', 'stock.example.com:443', '*.example.com', 'a/b', 'bad host!']) {
      expect(() => parseAllowedHosts(bad, 'STOCKFEED_ALLOWED_HOSTS'), bad).toThrow(/STOCKFEED_ALLOWED_HOSTS: ".*" is not a host name/);
    }
  });

  it('reads the name from a Host header, without port or brackets', () => {
    expect(hostNameOf('LocalHost:4780')).toBe('localhost');
    expect(hostNameOf('[::1]:4780')).toBe('::1');
    expect(hostNameOf('a.example.')).toBe('a.example');
    expect(hostNameOf('a@b')).toBeNull();
    expect(hostNameOf('[nothex]')).toBeNull();
    expect(hostNameOf('a.example:99999999')).toBeNull();
  });

  it('takes an Origin as the same site when it matches the Host, default ports included, or a listed name', () => {
    const listed = new Set(['stock.example.com']);
    expect(isAllowedOrigin('http://127.0.0.1:4780', '127.0.0.1:4780', listed)).toBe(true);
    expect(isAllowedOrigin('https://shop.example', 'shop.example:443', listed)).toBe(true);
    expect(isAllowedOrigin('http://[::1]:4780', '[::1]:4780', listed)).toBe(true);
    expect(isAllowedOrigin('https://stock.example.com', '127.0.0.1:4780', listed)).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:4781', '127.0.0.1:4780', listed)).toBe(false);
    expect(isAllowedOrigin('http://127.0.0.1.evil.example:4780', '127.0.0.1:4780', listed)).toBe(false);
    expect(isAllowedOrigin('null', '127.0.0.1:4780', listed)).toBe(false);
    expect(isAllowedOrigin('file://', '127.0.0.1:4780', listed)).toBe(false);
    expect(isAllowedOrigin('https://evil.example', undefined, listed)).toBe(false);
  });
});
