/**
 * The sentence at the top of the Publishing screen. Up to date with every product left out of the
 * feed (no image, no brand) said "Everything is published" in green above "0 of 6 in the feed".
 */
import { describe, expect, it } from 'vitest';
import type { PublishStatus } from '../../shared/schemas/publish';
import { dashboardPublishingState, overallState } from '../../renderer/src/publishing-labels';
import { setShopLocale } from '../../renderer/src/shop-locale';

function status(over: Partial<PublishStatus> = {}, withIssues = 0): PublishStatus {
  return {
    publishDir: '/shop/publish',
    seq: 32,
    latestSeq: 33,
    running: false,
    lastPublishedAt: '2026-12-05T10:56:00.000Z',
    lastError: null,
    products: { total: 6, inFeed: 6 - withIssues, inSitemap: 6, withIssues },
    availability: {} as PublishStatus['availability'],
    artifacts: [],
    targets: [],
    ...over,
  };
}

describe('where publishing stands, in one sentence', () => {
  setShopLocale('en-GB');

  it('says everything is published only when no product is left out or has problems', () => {
    expect(overallState(status())).toEqual({ tone: 'ok', text: 'Everything is published: the files match your stock and products.' });
  });

  it('warns, with how many, when products are left out or published with problems', () => {
    const six = overallState(status({}, 6));
    expect(six.tone).toBe('warn');
    expect(six.text).toBe('Published: the files match your stock and products, but 6 products are left out or published with problems. See “Left out and why” below.');
    expect(overallState(status({}, 1)).text).toContain('but 1 product is left out');
    expect(overallState(status({ products: { total: 20_000, inFeed: 7_766, inSitemap: 20_000, withIssues: 12_234 } })).text).toContain('but 12,234 products are');
  });

  it('does not call a failed upload or IndexNow all well', () => {
    const target = { lastSeq: null, lastDeliveredAt: null, lastDurationMs: null, attempts: 1, lastError: 'settings are incomplete', nextAttemptAt: null };
    const failing = (...names: Array<'sftp' | 'indexnow'>) =>
      status({ targets: names.map((name) => ({ ...target, target: name, state: 'failed' })) as PublishStatus['targets'] });
    expect(overallState(failing('sftp'))).toEqual({ tone: 'error', text: 'The files are written, but SFTP upload failed. See “Delivery” below.' });
    expect(overallState(failing('sftp', 'indexnow')).text).toBe('The files are written, but SFTP upload and IndexNow failed. See “Delivery” below.');
    const retrying = status({ targets: [{ ...target, target: 'sftp', state: 'retrying' }] as PublishStatus['targets'] });
    expect(overallState(retrying).tone).toBe('ok');
  });

  it('does not call a shop setting that leaves every product out all well', () => {
    // No product page address: the one product is in neither the feed nor the sitemap, and no product counts an issue.
    const noAddress = status({ products: { total: 1, inFeed: 0, inSitemap: 0, withIssues: 0 } });
    expect(overallState(noAddress, 1)).toEqual({ tone: 'warn', text: 'Published, but a shop setting is missing or wrong, and it affects every product. See “Left out and why” below.' });
    expect(overallState(noAddress, 2).text).toBe('Published, but 2 shop settings are missing or wrong, and they affect every product. See “Left out and why” below.');
    expect(overallState(status({}, 3), 1).tone).toBe('warn');
    expect(overallState(status(), 0).tone).toBe('ok');
  });

  it('puts a failure, a first publish and a running publish before the products', () => {
    expect(overallState(status({ lastError: 'disk full' }, 6))).toEqual({ tone: 'error', text: 'The last publish failed: disk full' });
    expect(overallState(status({ seq: null, running: true }, 6)).tone).toBe('busy');
    expect(overallState(status({ running: true }, 6))).toEqual({ tone: 'busy', text: 'Publishing the latest changes…' });
  });
});

describe('the Dashboard card on publishing', () => {
  setShopLocale('en-GB');

  it('is green only when up to date with nothing left out', () => {
    expect(dashboardPublishingState(status())).toEqual({ tone: 'ok', text: 'Up to date: the published files follow every stock change.' });
    expect(dashboardPublishingState(status({}, 2))).toEqual({
      tone: 'warn',
      text: 'Up to date, but 2 products are left out of the feed or published with problems.',
    });
  });

  it('is amber when a shop setting leaves every product out, though no product has its own problem', () => {
    expect(dashboardPublishingState(status(), 1)).toEqual({
      tone: 'warn',
      text: 'Up to date, but a shop setting is missing or wrong, and it affects every product. See Publishing.',
    });
    expect(dashboardPublishingState(status(), 2).text).toBe('Up to date, but 2 shop settings are missing or wrong, and they affect every product. See Publishing.');
  });

  it('puts a failed delivery or an unknown status first', () => {
    const failedTarget = { target: 'sftp', state: 'failed', lastError: 'connection refused' } as unknown as PublishStatus['targets'][number];
    expect(dashboardPublishingState(status({ targets: [failedTarget] }, 2))).toEqual({ tone: 'error', text: 'Needs attention: connection refused' });
    expect(dashboardPublishingState(null).tone).toBe('error');
  });
});
