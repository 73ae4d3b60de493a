/**
 * Shopify's Admin GraphQL API with its cost budget. Every answer reports the bucket
 * (`extensions.cost.throttleStatus`: maximumAvailable, currentlyAvailable, restoreRate); before a
 * call, the client waits until the bucket, restored since that answer, covers the call's cost, so
 * a long sync paces itself instead of running into THROTTLED. A THROTTLED answer (HTTP 200, no
 * data) is waited out the same way and the call sent again; it is not a failure. HTTP 429 and 5xx
 * follow Retry-After like any channel.
 */
import type { Outbound } from '../net/outbound';
import { callJson, ChannelError, excerpt, pause, statusError } from './channel-http';
import type { ShopifyToken } from './shopify-token';

export type ThrottleStatus = { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };

type GraphqlError = { message?: string; extensions?: { code?: string } };
type GraphqlAnswer = {
  data?: Record<string, unknown> | null;
  errors?: GraphqlError[] | string;
  extensions?: { cost?: { requestedQueryCost?: number; actualQueryCost?: number | null; throttleStatus?: ThrottleStatus } };
};

export type ShopifyGraphqlOptions = {
  outbound: Outbound;
  url: string;
  /** The Admin API token: permanent, or exchanged from the client ID and secret and renewed. */
  token: ShopifyToken;
  allowPrivateNetwork: boolean;
  timeoutMs: number;
};

/** THROTTLED answers in a row before the call counts as a failure of the channel. */
const MAX_THROTTLED = 20;

export class ShopifyGraphql {
  private bucket: (ThrottleStatus & { at: number }) | null = null;
  /** Calls made, throttled answers included (the bench reports it). */
  calls = 0;
  throttled = 0;

  constructor(private readonly options: ShopifyGraphqlOptions) {}

  /** The points the bucket holds now, as estimated from the last answer (null before the first). */
  available(now = Date.now()): number | null {
    if (!this.bucket) return null;
    return Math.min(this.bucket.maximumAvailable, this.bucket.currentlyAvailable + ((now - this.bucket.at) / 1000) * this.bucket.restoreRate);
  }

  /** Waits until the bucket covers `cost` (no wait before the first answer: the bucket starts full). */
  private async pace(cost: number, signal: AbortSignal): Promise<void> {
    const available = this.available();
    if (available === null || !this.bucket || available >= cost) return;
    const restoreRate = Math.max(1, this.bucket.restoreRate);
    await pause(Math.ceil(((cost - available) / restoreRate) * 1000), signal);
  }

  /**
   * Runs a query or mutation; `cost` is what it is expected to be charged (the requested cost),
   * for pacing. Returns `data`. Errors that are not THROTTLED are the request's fault ('items').
   */
  async run(query: string, variables: Record<string, unknown>, cost: number, signal: AbortSignal): Promise<Record<string, unknown>> {
    let renewed = false;
    for (let throttled = 0; ; throttled++) {
      await this.pace(cost, signal);
      const token = await this.options.token.current(signal);
      this.calls++;
      const answer = await callJson(this.options.outbound, this.options.url, {
        method: 'POST',
        headers: { 'X-Shopify-Access-Token': token },
        body: { query, variables },
        signal,
        timeoutMs: this.options.timeoutMs,
        allowPrivateNetwork: this.options.allowPrivateNetwork,
      });
      const body = (answer.body ?? {}) as GraphqlAnswer;
      // An exchanged token Shopify no longer takes (revoked, a rotated secret, a clock ahead of ours): exchange again, once.
      if (answer.status === 401 && this.options.token.renewable && !renewed) {
        renewed = true;
        this.options.token.refused(token);
        throttled--;
        continue;
      }
      if (answer.status !== 200) throw statusError(answer, typeof body.errors === 'string' ? body.errors : '', 'shop not found: check the shop domain');
      const status = body.extensions?.cost?.throttleStatus;
      if (status) this.bucket = { ...status, at: Date.now() };
      const errors = Array.isArray(body.errors) ? body.errors : [];
      if (errors.some((e) => e.extensions?.code === 'THROTTLED')) {
        this.throttled++;
        if (throttled >= MAX_THROTTLED) throw new ChannelError('Shopify kept answering THROTTLED', 'transient');
        const requested = body.extensions?.cost?.requestedQueryCost ?? cost;
        const available = this.available() ?? 0;
        const rate = Math.max(1, status?.restoreRate ?? 50);
        await pause(Math.max(250, Math.ceil(((requested - available) / rate) * 1000)), signal);
        continue;
      }
      if (errors.length > 0 || !body.data) {
        const first = errors[0];
        const code = first?.extensions?.code;
        throw new ChannelError(`Shopify refused the request${code ? ` (${code})` : ''}: ${excerpt(first?.message ?? 'no data in the answer')}`, 'items');
      }
      return body.data;
    }
  }
}
