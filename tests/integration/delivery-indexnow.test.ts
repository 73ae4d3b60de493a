/**
 * IndexNow delivery against a local engine on 127.0.0.1 that checks each request as the protocol
 * defines it: batches, host filtering, the key file, 4xx/429/5xx handling, backoff, coalescing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { settingsInput } from '../../shared/schemas/settings';
import { backoffDelay, DEFAULT_RETRY, parseRetryAfter } from '../../electron/core/publish/delivery/delivery-error';
import { indexNowEndpoint, indexNowSite, urlBelongsTo } from '../../electron/core/publish/delivery/indexnow-config';
import { createDeliveryRunner, type DeliveryRunner } from '../../electron/core/publish/delivery/runner';
import type { PublishOutcome, StoredSettings, TargetStatus } from '../../electron/core/publish/types';
import { tempDir } from '../helpers/core';
import { startIndexNowEndpoint, type IndexNowEndpoint } from '../helpers/indexnow-endpoint';

const KEY = 'a1b2c3d4e5f6-key';

type Harness = {
  runner: DeliveryRunner;
  engine: IndexNowEndpoint;
  settings: StoredSettings;
  publishDir: string;
  logs: string[];
  status(): TargetStatus;
};

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) {
    await h.runner.close();
    await h.engine.close();
    fs.rmSync(h.publishDir, { recursive: true, force: true });
  }
});

async function setup(indexNow: Partial<StoredSettings['indexNow']> = {}, extra: Record<string, unknown> = {}, retry = { baseMs: 30, maxMs: 120, maxAttempts: 4 }): Promise<Harness> {
  const publishDir = tempDir('stockfeed-publish-');
  const engine = await startIndexNowEndpoint({ keyFolder: () => publishDir });
  const parsed = settingsInput.parse({
    shopUrl: 'https://shop.example.com',
    productUrlTemplate: 'https://shop.example.com/products/{slug}',
    indexNow: { enabled: true, key: KEY, engine: engine.url },
    // The stand-in engine listens on 127.0.0.1: the owner allows this computer.
    webhooks: { allowPrivateNetwork: true },
    ...extra,
  });
  // Overrides skip the schema on purpose: the runner must cope with whatever is stored.
  const current = { settings: { ...parsed, indexNow: { ...parsed.indexNow, ...indexNow } } };
  const logs: string[] = [];
  const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };
  const runner = createDeliveryRunner({ settings: () => current.settings, logger, retry, publishDir: () => publishDir });
  const h: Harness = {
    runner,
    engine,
    get settings() {
      return current.settings;
    },
    set settings(next) {
      current.settings = next;
    },
    publishDir,
    logs,
    status: () => runner.status().find((s) => s.target === 'indexnow') as TargetStatus,
  };
  open.push(h);
  return h;
}

function outcome(h: Harness, seq: number, urls: string[]): PublishOutcome {
  return { seq, publishDir: h.publishDir, full: false, files: [], changedFiles: [], removedFiles: [], changedUrls: urls };
}

const url = (slug: string) => `https://shop.example.com/products/${slug}`;

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('IndexNow delivery', () => {
  it('posts the changed URLs on the shop host, exactly as the protocol defines, and writes the key file', async () => {
    const h = await setup();
    h.runner.onPublished(outcome(h, 7, [url('mug'), url('cup'), 'https://elsewhere.example.org/products/x']));
    await h.runner.idle();

    expect(h.engine.violations).toEqual([]);
    expect(h.engine.accepted).toHaveLength(1);
    const request = h.engine.accepted[0];
    expect(request).toMatchObject({ method: 'POST', path: '/indexnow', contentType: 'application/json; charset=utf-8' });
    expect(request?.body).toEqual({
      host: 'shop.example.com',
      key: KEY,
      keyLocation: `https://shop.example.com/${KEY}.txt`,
      urlList: [url('mug'), url('cup')],
    });
    expect(fs.readFileSync(path.join(h.publishDir, `${KEY}.txt`), 'utf8')).toBe(KEY);
    expect(h.status()).toMatchObject({ state: 'idle', lastSeq: 7, attempts: 0, lastError: null, nextAttemptAt: null });
    expect(h.logs.some((l) => l.includes('1 changed URL(s) are not under shop.example.com/'))).toBe(true);
  });

  it('202 Accepted (key validation pending) counts as delivered', async () => {
    const h = await setup();
    h.engine.script({ status: 202 });
    h.runner.onPublished(outcome(h, 3, [url('mug')]));
    await h.runner.idle();
    expect(h.status()).toMatchObject({ state: 'idle', lastSeq: 3, lastError: null });
    expect(h.engine.count()).toBe(1);
  });

  it('splits 25,001 URLs into requests of at most 10,000', async () => {
    const h = await setup();
    const urls = Array.from({ length: 25_001 }, (_, i) => url(`p-${i}`));
    h.runner.onPublished(outcome(h, 1, urls));
    await h.runner.idle();
    expect(h.engine.violations).toEqual([]);
    expect(h.engine.accepted.map((r) => r.body.urlList.length)).toEqual([10_000, 10_000, 5_001]);
    expect(h.engine.accepted.flatMap((r) => r.body.urlList)).toEqual(urls);
  });

  it('backs off on 429 honouring Retry-After, then delivers', async () => {
    const h = await setup();
    h.engine.script({ status: 429, retryAfter: '1' });
    const before = Date.now();
    h.runner.onPublished(outcome(h, 1, [url('mug')]));
    await until(() => h.status().state === 'retrying', 'a scheduled retry');
    const waiting = h.status();
    expect(waiting.attempts).toBe(1);
    expect(waiting.lastError).toMatch(/too many requests \(429\), backing off/);
    expect(Date.parse(waiting.nextAttemptAt as string) - before).toBeGreaterThanOrEqual(1000);

    await until(() => h.status().state === 'idle', 'the retry to succeed', 5_000);
    expect(Date.now() - before).toBeGreaterThanOrEqual(950);
    expect(h.engine.accepted.map((r) => r.body.urlList)).toEqual([[url('mug')], [url('mug')]]);
    expect(h.status()).toMatchObject({ lastSeq: 1, attempts: 0, lastError: null });
  });

  it('retries 500s with growing delays, and gives up after the last attempt', async () => {
    const h = await setup({}, {}, { baseMs: 20, maxMs: 1000, maxAttempts: 3 });
    h.engine.script({ status: 500, body: 'engine overloaded' }, { status: 503 }, { status: 502 });
    const delays: number[] = [];
    h.runner.onPublished(outcome(h, 1, [url('mug')]));
    let lastAttempt = 0;
    await until(() => {
      const s = h.status();
      if (s.state === 'retrying' && s.attempts !== lastAttempt) {
        lastAttempt = s.attempts;
        delays.push(Date.parse(s.nextAttemptAt as string) - Date.now());
      }
      return s.state === 'failed';
    }, 'the target to give up');
    expect(h.engine.accepted).toHaveLength(3);
    expect(delays).toHaveLength(2);
    expect(h.status()).toMatchObject({ state: 'failed', attempts: 3, nextAttemptAt: null });
    expect(h.status().lastError).toMatch(/server error \(502\)/);

    // The next publish re-arms it and submits what is still pending together with the new URL.
    h.runner.onPublished(outcome(h, 2, [url('cup')]));
    await h.runner.idle();
    expect(h.status()).toMatchObject({ state: 'idle', lastSeq: 2 });
    expect(h.engine.accepted.at(-1)?.body.urlList).toEqual([url('mug'), url('cup')]);
  });

  it('a 403 from the engine is reported with its meaning and not retried until the next publish', async () => {
    const h = await setup();
    h.engine.script({ status: 403, body: 'key not found' });
    h.runner.onPublished(outcome(h, 1, [url('mug')]));
    await h.runner.idle();
    await new Promise((r) => setTimeout(r, 150));
    expect(h.engine.count()).toBe(1);
    const failed = h.status();
    expect(failed).toMatchObject({ state: 'failed', attempts: 1, nextAttemptAt: null, lastSeq: null });
    expect(failed.lastError).toBe(
      `IndexNow engine ${new URL(h.engine.url).host}: key not valid: the engine could not find the key file at the key location, or its content is not the key (deploy the publish folder to the shop root) (HTTP 403) — engine said: key not found`,
    );

    h.runner.onPublished(outcome(h, 2, [url('cup')]));
    await h.runner.idle();
    expect(h.status()).toMatchObject({ state: 'idle', lastSeq: 2, lastError: null });
    expect(h.engine.accepted.at(-1)?.body.urlList).toEqual([url('mug'), url('cup')]);
  });

  it.each([
    [400, /bad request/],
    [422, /some URLs are not on the submitted host/],
  ])('a %i is a failure with the engine’s meaning', async (status, meaning) => {
    const h = await setup();
    h.engine.script({ status });
    h.runner.onPublished(outcome(h, 1, [url('mug')]));
    await h.runner.idle();
    expect(h.status().state).toBe('failed');
    expect(h.status().lastError).toMatch(meaning);
    expect(h.status().lastError).toContain(`(HTTP ${status})`);
    expect(h.engine.count()).toBe(1);
  });

  it('coalesces publishes during a submission and loses no URL', async () => {
    const h = await setup();
    h.engine.hold();
    h.runner.onPublished(outcome(h, 1, [url('a')]));
    await until(() => h.engine.count() === 1, 'the first request');
    h.runner.onPublished(outcome(h, 2, [url('b'), url('a')]));
    h.runner.onPublished(outcome(h, 3, [url('c')]));
    h.runner.onPublished(outcome(h, 4, [url('d')]));
    expect(h.status().state).toBe('delivering');
    h.engine.release();
    await h.runner.idle();
    // Two requests: the first publish, then one for everything that arrived meanwhile ("a" changed
    // again while its first submission was out, so it goes out once more).
    expect(h.engine.accepted.map((r) => r.body.urlList)).toEqual([[url('a')], [url('a'), url('b'), url('c'), url('d')]]);
    expect(h.status()).toMatchObject({ state: 'idle', lastSeq: 4 });
  });

  it('is off while disabled, forgets changes made while off, and writes the key file once switched on', async () => {
    const h = await setup({ enabled: false });
    h.runner.onPublished(outcome(h, 1, [url('mug')]));
    await h.runner.idle();
    expect(h.status()).toMatchObject({ state: 'off', lastSeq: null });
    expect(h.engine.count()).toBe(0);
    expect(fs.existsSync(path.join(h.publishDir, `${KEY}.txt`))).toBe(false);

    h.settings = { ...h.settings, indexNow: { ...h.settings.indexNow, enabled: true } };
    h.runner.settingsChanged();
    await h.runner.idle();
    expect(h.status().state).toBe('idle');
    expect(h.engine.count()).toBe(0);
    expect(fs.readFileSync(path.join(h.publishDir, `${KEY}.txt`), 'utf8')).toBe(KEY);
  });

  it('a bad engine setting fails with a clear error, and fixing it delivers the pending URLs', async () => {
    const h = await setup({ engine: 'ftp://127.0.0.1/' });
    h.runner.onPublished(outcome(h, 1, [url('mug')]));
    await h.runner.idle();
    expect(h.status()).toMatchObject({ state: 'failed', lastError: 'IndexNow engine "ftp://127.0.0.1/" must use http:// or https://' });
    h.settings = { ...h.settings, indexNow: { ...h.settings.indexNow, engine: h.engine.url } };
    h.runner.settingsChanged();
    await h.runner.idle();
    expect(h.status()).toMatchObject({ state: 'idle', lastSeq: 1 });
    expect(h.engine.accepted[0]?.body.urlList).toEqual([url('mug')]);
  });

  it('an engine on this computer is refused unless webhooks.allowPrivateNetwork is on: nothing is sent, and allowing it re-arms the target', async () => {
    const h = await setup();
    h.settings = { ...h.settings, webhooks: { allowPrivateNetwork: false } };
    h.runner.onPublished(outcome(h, 1, [url('mug')]));
    await h.runner.idle();
    expect(h.status()).toMatchObject({
      state: 'failed',
      lastError: `IndexNow engine ${new URL(h.engine.url).host}: refused: 127.0.0.1 is loopback (127/8, this computer); requests to this computer and the local network are refused unless the setting webhooks.allowPrivateNetwork is on`,
    });
    expect(h.engine.count()).toBe(0);
    h.settings = { ...h.settings, webhooks: { allowPrivateNetwork: true } };
    h.runner.settingsChanged();
    await h.runner.idle();
    expect(h.status()).toMatchObject({ state: 'idle', lastSeq: 1, lastError: null });
    expect(h.engine.accepted[0]?.body.urlList).toEqual([url('mug')]);
  });

  it('an unreachable engine is retried (connection refused)', async () => {
    const h = await setup();
    const port = new URL(h.engine.url).port;
    await h.engine.close();
    h.runner.onPublished(outcome(h, 1, [url('mug')]));
    await until(() => h.status().state === 'retrying', 'a scheduled retry');
    expect(h.status().lastError).toMatch(new RegExp(`IndexNow engine 127\\.0\\.0\\.1:${port} could not be reached: .*ECONNREFUSED`));
  });
});

describe('IndexNow rules', () => {
  it('resolves the engine setting to the submission URL', () => {
    expect(indexNowEndpoint('').href).toBe('https://api.indexnow.org/indexnow');
    expect(indexNowEndpoint('api.indexnow.org').href).toBe('https://api.indexnow.org/indexnow');
    expect(indexNowEndpoint('www.bing.com').href).toBe('https://www.bing.com/indexnow');
    expect(indexNowEndpoint('http://127.0.0.1:8123').href).toBe('http://127.0.0.1:8123/indexnow');
    // A host and port is not a URL scheme.
    expect(indexNowEndpoint('engine.example:8443').href).toBe('https://engine.example:8443/indexnow');
    expect(indexNowEndpoint('https://yandex.com/indexnow').href).toBe('https://yandex.com/indexnow');
    expect(() => indexNowEndpoint('not a host')).toThrow(/neither a host name .* nor an http\(s\) URL/);
    expect(() => indexNowEndpoint('https://user:pw@engine.example')).toThrow(/must not carry credentials/);
    expect(() => indexNowEndpoint('https://engine.example/?x=1')).toThrow(/query/);
  });

  it('derives host, key location and the URL scope from the shop URL or the template', () => {
    const base = settingsInput.parse({ indexNow: { enabled: true, key: KEY } });
    expect(() => indexNowSite(base)).toThrow(/needs the shop URL/);
    expect(() => indexNowSite({ ...base, indexNow: { ...base.indexNow, key: '' } })).toThrow(/has no key/);
    const fromTemplate = indexNowSite({ ...base, productUrlTemplate: 'https://www.shop.example:8443/p/{slug}' });
    expect(fromTemplate).toEqual({ host: 'www.shop.example:8443', key: KEY, keyLocation: `https://www.shop.example:8443/${KEY}.txt`, urlPrefix: 'www.shop.example:8443/' });
    const inFolder = indexNowSite({ ...base, shopUrl: 'https://shop.example/store' });
    expect(inFolder.keyLocation).toBe(`https://shop.example/store/${KEY}.txt`);
    expect(urlBelongsTo('https://shop.example/store/products/mug', inFolder)).toBe(true);
    expect(urlBelongsTo('https://shop.example/other/mug', inFolder)).toBe(false);
    expect(urlBelongsTo('https://evil.example/store/mug', inFolder)).toBe(false);
    expect(urlBelongsTo('not a url', inFolder)).toBe(false);
  });

  it('backoff doubles with jitter, is capped, and honours Retry-After as a floor', () => {
    const policy = { ...DEFAULT_RETRY, baseMs: 100, maxMs: 1000 };
    expect(backoffDelay(policy, 1, null, () => 0)).toBe(50);
    expect(backoffDelay(policy, 1, null, () => 1)).toBe(100);
    expect(backoffDelay(policy, 3, null, () => 1)).toBe(400);
    expect(backoffDelay(policy, 10, null, () => 1)).toBe(1000);
    expect(backoffDelay(policy, 1, 5000, () => 1)).toBe(5000);
    expect(backoffDelay({ ...policy, maxRetryAfterMs: 2000 }, 1, 99_000, () => 1)).toBe(2000);
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(new Date(Date.now() + 60_000).toUTCString())).toBeGreaterThan(58_000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });
});
