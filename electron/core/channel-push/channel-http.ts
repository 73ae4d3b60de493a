/**
 * JSON over the checked way out (net/outbound.ts), and what a channel's answer means for the
 * pusher: a failure of the channel itself (unreachable, throttled, 5xx: wait and try again), of its
 * credentials or settings (wait for the owner), or of the items sent (count the attempt, park in
 * the end). Messages name the status and, at most, the channel's own short error text; never a
 * credential, and never more than 200 characters of whatever answered.
 */
import { describeRequestError, describeStatus, OutboundRefusedError, type Outbound } from '../net/outbound';

/**
 * transient: the channel is down or busy; auth: credentials refused; config: a setting is wrong
 * (an address refused, a missing data source); items: the request itself was refused.
 */
export type FailureKind = 'transient' | 'auth' | 'config' | 'items';

export class ChannelError extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
    /** The channel said when to come back (Retry-After), in ms. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'ChannelError';
  }
}

/**
 * The channel could not be reached at all (DNS, refused or reset connection, timeout, TLS): worded
 * apart from the channel's own refusals, since "did not accept" sent owners to check credentials
 * when the address was wrong. Always transient for the pusher.
 */
export class ChannelUnreachableError extends ChannelError {
  constructor(
    readonly host: string,
    readonly reason: string,
  ) {
    super(`could not reach ${host}: ${reason}`, 'transient');
    this.name = 'ChannelUnreachableError';
  }
}

/** The host a request went to, for "could not reach <host>". */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url.slice(0, 100);
  }
}

export type JsonAnswer = { status: number; headers: Record<string, string | string[] | undefined>; body: unknown };

export type CallOptions = {
  method: string;
  headers: Record<string, string>;
  body?: unknown;
  /** A form body (the OAuth token request) instead of JSON. */
  form?: string;
  signal: AbortSignal;
  timeoutMs: number;
  allowPrivateNetwork: boolean;
};

/** Catalogue pages are large (250 variants, 1,000 offers); nothing a channel sends is bigger. */
const MAX_BODY = 64 * 1024 * 1024;

/** Sends one request and parses the JSON answer (null when it is not JSON). Network failures are transient. */
export async function callJson(outbound: Outbound, url: string, options: CallOptions): Promise<JsonAnswer> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  const body = options.form ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const contentType = options.form !== undefined ? 'application/x-www-form-urlencoded' : 'application/json';
  let response;
  try {
    response = await outbound.request(url, {
      method: options.method,
      headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': contentType }), ...options.headers },
      body,
      signal,
      allowPrivateNetwork: options.allowPrivateNetwork,
      keepBody: MAX_BODY,
    });
  } catch (error) {
    if (error instanceof OutboundRefusedError) throw new ChannelError(error.message, 'config');
    if (options.signal.aborted) throw error;
    if (timeout.aborted) throw new ChannelUnreachableError(hostOf(url), `no answer within ${Math.round(options.timeoutMs / 1000)} s (timed out)`);
    throw new ChannelUnreachableError(hostOf(url), describeRequestError(error));
  }
  let parsed: unknown;
  try {
    parsed = response.body === '' ? null : JSON.parse(response.body);
  } catch {
    parsed = null;
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** Retry-After in seconds or as an HTTP date, in ms (null when absent or unreadable). */
export function retryAfterMs(headers: JsonAnswer['headers'], now = Date.now()): number | null {
  const raw = headers['retry-after'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** A short, printable excerpt of the channel's own error text. */
export function excerpt(text: unknown): string {
  return typeof text === 'string' ? text.replace(/\s+/g, ' ').trim().slice(0, 200) : '';
}

/**
 * What a non-2xx answer means. `detail` is the channel's short error text, when it has one;
 * `notFound` what a 404 means for this channel (the shop, the site's API, the account).
 */
export function statusError(answer: JsonAnswer, detail = '', notFound = 'nothing at this address: check it'): ChannelError {
  const what = `${describeStatus(answer.status)}${detail ? `: ${excerpt(detail)}` : ''}`;
  if (answer.status === 404) return new ChannelError(`${what} (${notFound})`, 'items');
  if (answer.status === 429) return new ChannelError(`${what} (rate limited)`, 'transient', retryAfterMs(answer.headers));
  if (answer.status >= 500 || answer.status === 408) return new ChannelError(what, 'transient', retryAfterMs(answer.headers));
  if (answer.status === 401 || answer.status === 403) return new ChannelError(`${what} (check the credentials and their permissions)`, 'auth');
  if (answer.status >= 300 && answer.status < 400) return new ChannelError(`${what} (redirects are not followed: check the address)`, 'config');
  return new ChannelError(what, 'items');
}

/** Waits `ms`, or rejects at once when `signal` aborts (the pusher is stopping). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs `work` over `items` with at most `limit` in flight, in order of the results. */
export async function mapLimit<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  });
  await Promise.all(runners);
  return results;
}
