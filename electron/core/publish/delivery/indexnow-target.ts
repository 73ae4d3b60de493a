/**
 * IndexNow delivery: tells search engines which product pages changed. URLs accumulate from every
 * publish until a submission that contained them succeeds, so coalescing publishes loses none.
 */
import type { Logger } from '../../logger';
import { describeRequestError, OutboundRefusedError, type Outbound, type OutboundResponse } from '../../net/outbound';
import type { PublishOutcome, StoredSettings } from '../types';
import { DeliveryError, parseRetryAfter } from './delivery-error';
import { INDEXNOW_BATCH, indexNowEndpoint, indexNowSite, urlBelongsTo, type IndexNowSite } from './indexnow-config';
import { syncKeyFile } from './key-file';
import type { DeliveryTarget } from './target-loop';

export type IndexNowTargetOptions = {
  logger: Logger;
  /** The publish folder before the first publish (for the key file). */
  publishDir?: (() => string) | undefined;
  requestTimeoutMs: number;
  batchSize?: number;
  /** The checked way out: the engine may not be this computer or the local network unless allowed. */
  outbound: Outbound;
};

/** What each refusal means, from the protocol's documentation, for the status line. */
const MEANING: Record<number, string> = {
  400: 'bad request: the engine found the submission malformed',
  403: 'key not valid: the engine could not find the key file at the key location, or its content is not the key (deploy the publish folder to the shop root)',
  422: 'unprocessable: some URLs are not on the submitted host, or the key does not match the protocol format',
};

export class IndexNowTarget implements DeliveryTarget {
  readonly name = 'indexnow' as const;
  /** Changed URLs not yet submitted, each with the number of the publish that last changed it. */
  private readonly urls = new Map<string, number>();
  private generation = 0;
  private latestSeq: number | null = null;
  private publishDir: string | null = null;
  /** The key file may be missing or stale (start, settings change, new publish folder). */
  private keyFileDue = true;

  constructor(private readonly options: IndexNowTargetOptions) {}

  enabled(settings: StoredSettings): boolean {
    return settings.indexNow.enabled;
  }

  fingerprint(settings: StoredSettings): string {
    return JSON.stringify([settings.indexNow, settings.shopUrl, settings.productUrlTemplate, settings.webhooks.allowPrivateNetwork]);
  }

  accept(outcome: PublishOutcome, enabled: boolean): void {
    this.latestSeq = outcome.seq;
    if (outcome.publishDir !== this.publishDir) this.keyFileDue = true;
    this.publishDir = outcome.publishDir;
    // While off, changes are not remembered: switching IndexNow on does not replay the past.
    if (!enabled) {
      this.urls.clear();
      return;
    }
    this.generation += 1;
    for (const url of outcome.changedUrls) this.urls.set(url, this.generation);
  }

  hasWork(): boolean {
    return this.urls.size > 0 || this.keyFileDue;
  }

  reset(): void {
    this.keyFileDue = true;
  }

  async deliver(settings: StoredSettings, signal: AbortSignal): Promise<number | null> {
    const endpoint = indexNowEndpoint(settings.indexNow.engine);
    const site = indexNowSite(settings);
    const seq = this.latestSeq;
    const dir = this.publishDir ?? this.options.publishDir?.() ?? null;
    if (dir) await syncKeyFile(dir, site.key);
    this.keyFileDue = false;

    const pending = [...this.urls];
    const foreign = pending.filter(([url]) => !urlBelongsTo(url, site));
    if (foreign.length > 0) {
      // The engine would refuse the whole batch (422) for one of these; they can never be submitted.
      for (const [url] of foreign) this.urls.delete(url);
      this.options.logger.warn(`indexnow: ${foreign.length} changed URL(s) are not under ${site.urlPrefix} and were not submitted, e.g. ${foreign[0]?.[0]}`);
    }
    const valid = pending.filter(([url]) => urlBelongsTo(url, site));
    const size = this.options.batchSize ?? INDEXNOW_BATCH;
    for (let i = 0; i < valid.length; i += size) {
      const batch = valid.slice(i, i + size);
      await this.submit(endpoint, site, batch.map(([url]) => url), signal, settings.webhooks.allowPrivateNetwork);
      // A URL changed again while this request was out stays pending and goes out once more.
      for (const [url, generation] of batch) if (this.urls.get(url) === generation) this.urls.delete(url);
    }
    if (valid.length > 0) this.options.logger.info(`indexnow: submitted ${valid.length} URL(s) to ${endpoint.host}`);
    return seq;
  }

  private async submit(endpoint: URL, site: IndexNowSite, urlList: string[], signal: AbortSignal, allowPrivateNetwork: boolean): Promise<void> {
    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs);
    let response: OutboundResponse;
    try {
      // Not followed: a redirect is reported so the owner sets the engine to where it leads.
      response = await this.options.outbound.request(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ host: site.host, key: site.key, keyLocation: site.keyLocation, urlList }),
        signal: AbortSignal.any([signal, timeout]),
        allowPrivateNetwork,
        keepBody: 1000,
      });
    } catch (error) {
      // Refused by the address rules: waiting will not help, a settings change will.
      if (error instanceof OutboundRefusedError) throw new DeliveryError(`IndexNow engine ${endpoint.host}: ${error.message}`, false);
      const reason = timeout.aborted ? 'no answer in time' : describeRequestError(error);
      throw new DeliveryError(`IndexNow engine ${endpoint.host} could not be reached: ${reason}`, true);
    }
    const body = oneLine(response.body);
    const status = response.status;
    if (status === 200 || status === 202) return;
    const detail = body ? ` — engine said: ${body}` : '';
    if (status === 429 || status >= 500) {
      const what = status === 429 ? 'too many requests (429)' : `server error (${status})`;
      throw new DeliveryError(`IndexNow engine ${endpoint.host}: ${what}, backing off${detail}`, true, parseRetryAfter(header(response.headers['retry-after'])));
    }
    if (status >= 300 && status < 400) {
      const location = header(response.headers.location) ?? '(no location)';
      throw new DeliveryError(`IndexNow engine ${endpoint.host} redirected to ${location}: set the engine to that address`, false);
    }
    const meaning = MEANING[status] ?? `refused with HTTP ${status}`;
    throw new DeliveryError(`IndexNow engine ${endpoint.host}: ${meaning} (HTTP ${status})${detail}`, false);
  }
}

/** The first 200 characters of the engine's answer, on one line, for the status message. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is stripped
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 200);
}

function header(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}
