/**
 * The OpenAI feed's and the redirects' settings: saved as given (country codes upper-cased), and
 * refused with an error naming the field when the feed is on without what it needs, when checkout
 * is on without search, the privacy policy or the terms, or a value is out of range.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import type { Input } from '../../shared/contract';
import { engines, startCore, type Engine, type TestCore } from '../helpers/core';
import { configureShop } from '../fixtures/publish/helpers';

describe.each(engines())('OpenAI feed and redirects settings on %s', (engine: Engine) => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.cleanup();
    core = undefined;
  });

  async function refusal(c: TestCore, change: (s: Input<'settings.update'>) => Input<'settings.update'>): Promise<Array<{ path: string; message: string }>> {
    const current = (await c.call('settings.get', {})) as unknown as Input<'settings.update'>;
    const error = await c.call('settings.update', change(current)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('validation_failed');
    return ((error as AppError).details as { issues: Array<{ path: string; message: string }> }).issues;
  }

  it('saves the settings, with defaults for a shop that never set them', async () => {
    core = await startCore(engine);
    const c = core;
    const fresh = await c.call('settings.get', {});
    expect(fresh.artifacts).toMatchObject({ openAiFeed: false, redirects: false });
    expect(fresh.openAiFeed).toEqual({ sellerName: '', sellerUrl: '', returnPolicyUrl: '', privacyPolicyUrl: '', termsUrl: '', storeCountry: '', targetCountries: [], eligibleSearch: true, eligibleCheckout: false, partItems: 0 });
    expect(fresh.discontinuedRedirect).toBe('gone');
    expect(fresh.redirectRetentionDays).toBe(365);

    await configureShop(c, {
      artifacts: { ...fresh.artifacts, openAiFeed: true, redirects: true },
      openAiFeed: { ...fresh.openAiFeed, storeCountry: 'de', targetCountries: ['at', 'CH'], returnPolicyUrl: 'https://shop.example.com/returns' },
      discontinuedRedirect: 'collection',
      redirectRetentionDays: 90,
    });
    const saved = await c.call('settings.get', {});
    expect(saved.openAiFeed).toMatchObject({ storeCountry: 'DE', targetCountries: ['AT', 'CH'] });
    expect(saved).toMatchObject({ discontinuedRedirect: 'collection', redirectRetentionDays: 90, artifacts: { openAiFeed: true, redirects: true } });
  });

  it('refuses the feed on without the store country or the return policy, naming each field', async () => {
    core = await startCore(engine);
    const issues = await refusal(core, (s) => ({ ...s, artifacts: { ...s.artifacts, openAiFeed: true } }));
    expect(issues.map((i) => i.path)).toEqual(['openAiFeed.sellerUrl', 'openAiFeed.storeCountry', 'openAiFeed.returnPolicyUrl']);
    expect(issues[1]?.message).toMatch(/country the shop sells from/);
    // Off, the same empty fields are fine.
    const current = await core.call('settings.get', {});
    await expect(core.call('settings.update', { ...current, openAiFeed: { ...current.openAiFeed, returnPolicyUrl: '' } })).resolves.toBeTruthy();
  });

  it('refuses checkout without search, the privacy policy and the terms', async () => {
    core = await startCore(engine);
    const c = core;
    await configureShop(c);
    const base = (s: Input<'settings.update'>) => ({ ...s, artifacts: { ...s.artifacts, openAiFeed: true }, openAiFeed: { ...s.openAiFeed, storeCountry: 'US', returnPolicyUrl: 'https://shop.example.com/returns' } });
    const noSearch = await refusal(c, (s) => {
      const b = base(s);
      return { ...b, openAiFeed: { ...b.openAiFeed, eligibleSearch: false, eligibleCheckout: true, privacyPolicyUrl: 'https://shop.example.com/p', termsUrl: 'https://shop.example.com/t' } };
    });
    expect(noSearch.map((i) => i.path)).toEqual(['openAiFeed.eligibleCheckout']);
    const noPolicies = await refusal(c, (s) => {
      const b = base(s);
      return { ...b, openAiFeed: { ...b.openAiFeed, eligibleCheckout: true } };
    });
    expect(noPolicies.map((i) => i.path)).toEqual(['openAiFeed.privacyPolicyUrl', 'openAiFeed.termsUrl']);
  });

  it('refuses a country that is not ISO 3166-1 alpha-2, a URL that is not one, an unknown redirect mode and a retention out of range', async () => {
    core = await startCore(engine);
    const c = core;
    const current = (await c.call('settings.get', {})) as unknown as Record<string, unknown>;
    const feed = current.openAiFeed as Record<string, unknown>;
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ openAiFeed: { ...feed, storeCountry: 'UK' } }, 'openAiFeed.storeCountry', /GB \(not UK\)/],
      [{ openAiFeed: { ...feed, targetCountries: ['US', 'XX'] } }, 'openAiFeed.targetCountries.1', /ISO 3166-1/],
      [{ openAiFeed: { ...feed, returnPolicyUrl: 'returns.html' } }, 'openAiFeed.returnPolicyUrl', /http/],
      [{ discontinuedRedirect: 'redirect' }, 'discontinuedRedirect', /"gone" or "collection"/],
      [{ redirectRetentionDays: 0 }, 'redirectRetentionDays', /at least 1 day/],
      [{ redirectRetentionDays: 5000 }, 'redirectRetentionDays', /at most 3650/],
    ];
    for (const [change, field, message] of cases) {
      const error = await c.call('settings.update', { ...current, ...change } as unknown as Input<'settings.update'>).then(
        () => null,
        (e: unknown) => e as AppError,
      );
      const issues = (error?.details as { issues?: Array<{ path: string; message: string }> } | undefined)?.issues ?? [];
      expect(issues.find((i) => i.path === field)?.message, field).toMatch(message);
    }
  });
});
