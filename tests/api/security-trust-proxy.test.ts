/**
 * Security regression: behind a reverse proxy every request comes from the proxy's address, so the
 * limit on wrong tokens and passwords counted all clients as one: one client's 20 wrong tries
 * locked everyone out, and the server could not tell clients apart. With --trust-proxy naming the
 * proxy, X-Forwarded-For from that proxy gives each client its own count; without it (the default)
 * the header changes nothing, and a client reaching the server past the proxy cannot choose the
 * address it is counted under. The Host and Origin checks (the DNS-rebinding defence) hold either way.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { parseTrustedProxies } from '../../electron/server/http/trusted-proxies';
import { silentLogger } from '../../electron/core/logger';
import { startCore, tempDir, type TestCore } from '../helpers/core';

const TOKEN = 'proxy-token-0123456789abcdef';
const PROXY = '127.0.0.1';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('security: the sign-in limit behind a reverse proxy (--trust-proxy)', () => {
  let core: TestCore | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    await core?.cleanup();
    app = undefined;
    core = undefined;
  });

  async function server(trustProxy?: string[]): Promise<FastifyInstance> {
    core = await startCore('sqlite');
    app = await createApiServer({ core, token: TOKEN, version: 'test', logger: silentLogger, allowedHosts: ['stock.example.com'], ...(trustProxy ? { trustProxy } : {}) });
    return app;
  }

  /** A sign-in with the token, as the page sends it, through the proxy for `client`. */
  const signIn = (a: FastifyInstance, token: string, client: string | null, remoteAddress = PROXY) =>
    a.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { token },
      remoteAddress,
      headers: { 'content-type': 'application/json', 'x-stockfeed-request': '1', ...(client ? { 'x-forwarded-for': client } : {}) },
    });
  const get = (a: FastifyInstance, token: string, client: string | null, remoteAddress = PROXY) =>
    a.inject({ method: 'GET', url: '/api/v1/locations', remoteAddress, headers: { authorization: `Bearer ${token}`, ...(client ? { 'x-forwarded-for': client } : {}) } });

  it('counts two forwarded clients apart when the proxy is trusted', async () => {
    const a = await server([PROXY]);
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await signIn(a, `wrong-token-${i}-0123456789`, '203.0.113.10')).statusCode);
    expect(statuses).toEqual([...Array(20).fill(401), 429]);
    // The other client behind the same proxy is not locked out, with a sign-in or a request.
    expect((await signIn(a, TOKEN, '203.0.113.20')).statusCode).toBe(200);
    expect((await get(a, TOKEN, '198.51.100.7, 203.0.113.20')).statusCode).toBe(200);
    // The first one still is, whatever it sends.
    expect((await signIn(a, TOKEN, '203.0.113.10')).statusCode).toBe(429);
    expect((await get(a, TOKEN, '203.0.113.10')).statusCode).toBe(429);
  });

  it('ignores X-Forwarded-For without the option: every client behind the proxy is the proxy', async () => {
    const a = await server();
    for (let i = 0; i < 20; i++) expect((await signIn(a, `wrong-token-${i}-0123456789`, `203.0.113.${i + 1}`)).statusCode).toBe(401);
    expect((await signIn(a, TOKEN, '203.0.113.200')).statusCode).toBe(429);
    expect((await get(a, TOKEN, '203.0.113.201')).statusCode).toBe(429);
  });

  it('ignores X-Forwarded-For from an address that is not the proxy (a client past it cannot pick its address)', async () => {
    const a = await server([PROXY]);
    for (let i = 0; i < 20; i++) expect((await get(a, `wrong-token-${i}-0123456789`, `203.0.113.${i + 1}`, '198.51.100.9')).statusCode).toBe(401);
    expect((await get(a, TOKEN, '203.0.113.99', '198.51.100.9')).statusCode).toBe(429);
    expect((await get(a, TOKEN, '203.0.113.99')).statusCode).toBe(200);
  });

  it('keeps the Host and Origin checks with the option, and checks the name the proxy passes on', async () => {
    const a = await server([PROXY]);
    const health = (headers: Record<string, string>) => a.inject({ method: 'GET', url: '/api/v1/health', remoteAddress: PROXY, headers });
    expect((await health({ host: 'evil.example' })).statusCode).toBe(421);
    // X-Forwarded-Host cannot stand in for a Host the server does not answer to.
    expect((await health({ host: 'evil.example', 'x-forwarded-host': 'stock.example.com' })).statusCode).toBe(421);
    // A proxy that rewrites Host to this server's address, passing the browser's name on: that name is checked.
    expect((await health({ host: '127.0.0.1:4780', 'x-forwarded-host': 'evil.example' })).statusCode).toBe(421);
    expect((await health({ host: '127.0.0.1:4780', 'x-forwarded-host': 'stock.example.com' })).statusCode).toBe(200);
    // From an address that is not the proxy, X-Forwarded-Host is not read at all.
    expect((await a.inject({ method: 'GET', url: '/api/v1/health', remoteAddress: '198.51.100.9', headers: { host: '127.0.0.1:4780', 'x-forwarded-host': 'evil.example' } })).statusCode).toBe(200);
    const post = (headers: Record<string, string>) =>
      a.inject({ method: 'POST', url: '/api/v1/locations', remoteAddress: PROXY, payload: { code: 'back', name: 'Back room' }, headers: { authorization: `Bearer ${TOKEN}`, ...headers } });
    expect((await post({ host: 'stock.example.com', origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await post({ host: '127.0.0.1:4780', 'x-forwarded-host': 'stock.example.com', 'x-forwarded-for': '203.0.113.5', origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await post({ host: '127.0.0.1:4780', 'x-forwarded-host': 'stock.example.com', origin: 'https://stock.example.com' })).statusCode).toBe(201);
  });

  it('takes proxy addresses and ranges only, never true, a hop count or everyone', () => {
    expect(parseTrustedProxies(undefined)).toEqual([]);
    expect(parseTrustedProxies('127.0.0.1, 10.0.0.0/8,::1')).toEqual(['127.0.0.1', '10.0.0.0/8', '::1']);
    for (const bad of ['true', '1', '0.0.0.0/0', '::/0', 'proxy.example', '10.0.0.0/33', '127.0.0.1/8/1', '*']) {
      expect(() => parseTrustedProxies(bad), bad).toThrow(/is not the address of a proxy/);
    }
  });

  it('is a server option, documented in --help, and a bad value stops the start', () => {
    const env = { ...process.env };
    delete env.DATABASE_URL;
    delete env.STOCKFEED_TRUST_PROXY;
    const serverMain = path.join(ROOT, 'electron/server/main.ts');
    const help = spawnSync(process.execPath, ['--import', 'tsx', serverMain, '--help'], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--trust-proxy ADDRESSES');
    expect(help.stdout).toContain('STOCKFEED_TRUST_PROXY');
    const dataDir = tempDir('stockfeed-proxy-');
    const bad = spawnSync(process.execPath, ['--import', 'tsx', serverMain, '--data', dataDir, '--trust-proxy', 'true'], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
    fs.rmSync(dataDir, { recursive: true, force: true });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--trust-proxy: "true" is not the address of a proxy');
  });
});
