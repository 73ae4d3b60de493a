/**
 * Connect's failures in words: not reaching the channel (a wrong shop domain, no network, a
 * timeout, a bad certificate) is said apart from the channel refusing the request, since each sends
 * the owner to a different fix. A wrong domain used to read "shopify did not accept the request:
 * host name not found (ENOTFOUND)". The error code stays bad_gateway.
 */
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { PUSH_CHANNELS } from '../../shared/schemas/channel-push';
import { callJson, ChannelError, statusError, type JsonAnswer } from '../../electron/core/channel-push/channel-http';
import { asAppError } from '../../electron/core/channel-push/channel-push';
import { Outbound } from '../../electron/core/net/outbound';

const nowhere = new Outbound({ resolve: async () => [] });
afterAll(() => nowhere.close());

async function failure(outbound: Outbound, url: string, allowPrivateNetwork = false, timeoutMs = 5_000): Promise<unknown> {
  try {
    await callJson(outbound, url, { method: 'GET', headers: {}, signal: new AbortController().signal, timeoutMs, allowPrivateNetwork });
  } catch (error) {
    return error;
  }
  throw new Error('the call did not fail');
}

function answered(error: unknown, channel: (typeof PUSH_CHANNELS)[number]): AppError {
  const made = asAppError(error, channel);
  if (!(made instanceof AppError)) throw new Error('not an AppError');
  return made;
}

const answer = (status: number): JsonAnswer => ({ status, headers: {}, body: null });

describe('a channel that cannot be reached', () => {
  it('names the host and the plain reason when the name is not found, for every channel', async () => {
    const error = await failure(nowhere, 'https://no-such-shop.myshopify.com/admin/api/2025-01/graphql.json');
    expect(error).toBeInstanceOf(ChannelError);
    expect((error as ChannelError).kind).toBe('transient');
    for (const channel of PUSH_CHANNELS) {
      const made = answered(error, channel);
      expect(made.code).toBe('bad_gateway');
      expect(made.message).toBe('Could not reach no-such-shop.myshopify.com: host name not found (ENOTFOUND)');
      expect(made.message).not.toMatch(/accept|refused the request/);
    }
  });

  it('says so for a refused connection and for a timeout', async () => {
    const open = new Outbound();
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = answered(await failure(open, `http://127.0.0.1:${port}/wp-json/wc/v3/products`, true), 'woocommerce');
    expect(refused.message).toBe(`Could not reach 127.0.0.1:${port}: connection refused (ECONNREFUSED)`);

    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentPort = (silent.address() as net.AddressInfo).port;
    const timedOut = answered(await failure(open, `http://127.0.0.1:${silentPort}/x`, true, 1_000), 'google');
    expect(timedOut.message).toBe(`Could not reach 127.0.0.1:${silentPort}: no answer within 1 s (timed out)`);
    silent.close();
    open.close();
  });
});

describe('a channel that refuses the request', () => {
  it('says who refused and why: credentials, an unknown shop, a rate limit', () => {
    expect(answered(statusError(answer(401)), 'shopify').message).toBe('Shopify refused the request: HTTP 401 Unauthorized (check the credentials and their permissions)');
    expect(answered(statusError(answer(403)), 'woocommerce').message).toMatch(/^WooCommerce refused the request: HTTP 403 Forbidden \(check the credentials/);
    expect(answered(statusError(answer(404), '', 'shop not found: check the shop domain'), 'shopify').message).toBe('Shopify refused the request: HTTP 404 Not Found (shop not found: check the shop domain)');
    expect(answered(statusError(answer(429)), 'google').message).toBe('Google Merchant Center could not take the request now: HTTP 429 Too Many Requests (rate limited)');
    for (const status of [401, 404, 429, 503]) expect(answered(statusError(answer(status)), 'shopify').code).toBe('bad_gateway');
  });

  it('keeps a message that already names the channel as it is', () => {
    expect(answered(new ChannelError('Shopify refused the request (ACCESS_DENIED): no access', 'items'), 'shopify').message).toBe('Shopify refused the request (ACCESS_DENIED): no access');
  });
});
