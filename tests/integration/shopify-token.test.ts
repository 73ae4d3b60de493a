/**
 * The Shopify token keeper on its own, against the stand-in, with the clock in the test's hands:
 * a permanent token is never exchanged; an exchanged one is kept until the last tenth of its life
 * (at most five minutes before it ends), concurrent callers share one exchange, a refused token is
 * exchanged again, and the stand-in's refusals become messages that name the cause, never the
 * secret. Requests to a refused address never leave (the checked way out).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ShopifyToken } from '../../electron/core/channel-push/shopify-token';
import { ChannelError } from '../../electron/core/channel-push/channel-http';
import { Outbound } from '../../electron/core/net/outbound';
import { startShopifyStandIn, type ShopifyStandIn } from '../helpers/channel-standins';

const open: ShopifyStandIn[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function standIn(options: Parameters<typeof startShopifyStandIn>[0] = {}): Promise<ShopifyStandIn> {
  const s = await startShopifyStandIn(options);
  open.push(s);
  return s;
}

function keeper(s: ShopifyStandIn, clock: { now: number }, secret = s.clientSecret, allowPrivateNetwork = true): ShopifyToken {
  return new ShopifyToken(
    { kind: 'clientCredentials', tokenUrl: `${s.url}/admin/oauth/access_token`, clientId: s.clientId, clientSecret: secret },
    { outbound: new Outbound(), allowPrivateNetwork, timeoutMs: 5_000, now: () => clock.now },
  );
}

const signal = new AbortController().signal;

describe('the Shopify token keeper', () => {
  it('never exchanges a permanent token', async () => {
    const token = new ShopifyToken({ kind: 'accessToken', accessToken: 'shpat_permanent' }, { outbound: new Outbound(), allowPrivateNetwork: true, timeoutMs: 1_000 });
    expect(await token.current(signal)).toBe('shpat_permanent');
    expect(token.renewable).toBe(false);
    expect(token.exchanges).toBe(0);
  });

  it('keeps a 24-hour token until five minutes before it ends, then exchanges again', async () => {
    const s = await standIn();
    const clock = { now: 1_000_000 };
    const token = keeper(s, clock);
    const [a, b, c] = await Promise.all([token.current(signal), token.current(signal), token.current(signal)]);
    expect(new Set([a, b, c]).size).toBe(1);
    expect(token.exchanges).toBe(1);
    clock.now += (86399 - 301) * 1000;
    expect(await token.current(signal)).toBe(a);
    clock.now += 2_000;
    const renewed = await token.current(signal);
    expect(renewed).not.toBe(a);
    expect(token.exchanges).toBe(2);
  });

  it('renews a short-lived token in the last tenth of its life, and a refused one at once', async () => {
    const s = await standIn({ tokenLifetimeSeconds: 100 });
    const clock = { now: 0 };
    const token = keeper(s, clock);
    const first = await token.current(signal);
    clock.now = 89_000;
    expect(await token.current(signal)).toBe(first);
    clock.now = 91_000;
    const second = await token.current(signal);
    expect(second).not.toBe(first);
    token.refused(first);
    expect(await token.current(signal)).toBe(second);
    token.refused(second);
    expect(await token.current(signal)).not.toBe(second);
    expect(token.exchanges).toBe(3);
  });

  it('names the refusal and what to check, never the secret', async () => {
    const s = await standIn();
    const error = await keeper(s, { now: 0 }, 'shpss_wrong_0123456789').current(signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error).toMatchObject({ kind: 'auth', message: expect.stringContaining('Shopify refused the client ID and secret (invalid_client)') });
    expect((error as Error).message).toContain('channels.shopify.clientId and clientSecret');
    expect((error as Error).message).not.toContain('shpss_wrong');

    const elsewhere = await standIn({ clientCredentialsPermitted: false });
    await expect(keeper(elsewhere, { now: 0 }).current(signal)).rejects.toMatchObject({ kind: 'auth', message: expect.stringContaining('(shop_not_permitted)') });
  });

  it('goes through the checked way out: a local address is refused unless the owner allowed it', async () => {
    const s = await standIn();
    await expect(keeper(s, { now: 0 }, s.clientSecret, false).current(signal)).rejects.toMatchObject({ kind: 'config' });
    expect(s.http.apiRequests('/admin/oauth/access_token')).toEqual([]);
  });
});
