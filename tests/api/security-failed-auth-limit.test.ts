/**
 * Security regression: wrong tokens were limited per token presented, so a guessing loop (every
 * guess a new token) was never limited: forty wrong tokens in a row all got 401. Failed
 * authentications are now counted per client address.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { FailedAuthLimiter } from '../../electron/server/http/failed-auth-limit';
import { silentLogger } from '../../electron/core/logger';
import { startCore, type TestCore } from '../helpers/core';

const TOKEN = 'limit-token-0123456789abcdef';

describe('security: failed authentication is limited per client address', () => {
  let core: TestCore;
  let app: FastifyInstance;

  beforeEach(async () => {
    core = await startCore('sqlite');
    app = await createApiServer({ core, token: TOKEN, version: 'test', logger: silentLogger });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await app?.close();
    await core?.cleanup();
  });

  const get = (token: string | null, remoteAddress = '127.0.0.1', url = '/api/v1/locations') =>
    app.inject({ method: 'GET', url, remoteAddress, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('answers 429 with Retry-After after 20 wrong tokens from one address, whatever the tokens', async () => {
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 40; i++) {
      last = await get(`wrong-token-${i}-0123456789`);
      statuses.push(last.statusCode);
    }
    expect(statuses).toEqual([...Array(20).fill(401), ...Array(20).fill(429)]);
    expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(last?.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(last?.json()).toEqual({
      error: { code: 'rate_limited', message: expect.stringContaining('failed authentications'), details: { limit: 20, retryAfter: expect.any(String) } },
    });
  });

  it('refuses the right token too while the address is limited (or a 200 would confirm a guess), and lets it in after the minute', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    for (let i = 0; i < 20; i++) await get(`wrong-token-${i}-0123456789`);
    expect((await get(TOKEN)).statusCode).toBe(429);
    // Other addresses, and the public routes, are not affected.
    expect((await get(TOKEN, '10.0.0.7')).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode).toBe(200);
    vi.setSystemTime(Date.now() + 61_000);
    expect((await get(TOKEN)).statusCode).toBe(200);
  });

  it('does not count requests without a token or with the right one, and counts a wrong ?token= on the events stream', async () => {
    for (let i = 0; i < 30; i++) expect((await get(null)).statusCode).toBe(401);
    for (let i = 0; i < 30; i++) expect((await get(TOKEN)).statusCode).toBe(200);
    for (let i = 0; i < 20; i++) expect((await get(null, '127.0.0.1', `/api/v1/events?token=wrong-${i}`)).statusCode).toBe(401);
    expect((await get(TOKEN)).statusCode).toBe(429);
  });

  it('ignores a ?token= sent by a page on another site (it cannot use a token, nor spend the owner\'s budget)', async () => {
    const crossSite = (token: string) =>
      app.inject({ method: 'GET', url: `/api/v1/events?token=${token}`, headers: { 'sec-fetch-site': 'cross-site' } });
    for (let i = 0; i < 25; i++) expect((await crossSite(`wrong-${i}`)).statusCode).toBe(401);
    expect((await crossSite(TOKEN)).statusCode).toBe(401);
    expect((await get(TOKEN)).statusCode).toBe(200);
  });
});

describe('FailedAuthLimiter', () => {
  it('keeps a fixed window per address and forgets the oldest address when full', () => {
    let now = 1_000;
    const limiter = new FailedAuthLimiter({ max: 2, windowMs: 60_000, maxAddresses: 2, now: () => now });
    limiter.recordFailure('a');
    expect(limiter.refusedFor('a')).toBe(0);
    limiter.recordFailure('a');
    expect(limiter.refusedFor('a')).toBe(60_000);
    now += 30_000;
    expect(limiter.refusedFor('a')).toBe(30_000);
    limiter.recordFailure('b');
    limiter.recordFailure('c');
    expect(limiter.refusedFor('a')).toBe(0);
    now += 60_000;
    expect(limiter.refusedFor('b')).toBe(0);
  });
});
