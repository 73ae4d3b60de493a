import { describe, expect, it } from 'vitest';
import { channelProblemText } from '../../renderer/src/channel-labels';
import { channelConfig } from '../../electron/core/channel-push/channel-config';
import { settingsInput } from '../../shared/schemas/settings';

const defaultSettings = () => settingsInput.parse({});

describe('the Channels screen says what to fill in, in the form’s words', () => {
  it('names the missing fields by their labels, not their setting keys', () => {
    expect(channelProblemText('shopify', 'Not set up: set channels.shopify.shopDomain, channels.shopify.accessToken first.')).toBe(
      'Not set up yet: fill in Shop domain and Admin API access token below, then Save and connect.',
    );
    expect(channelProblemText('woocommerce', 'Not set up: set channels.woocommerce.siteUrl, channels.woocommerce.consumerKey, channels.woocommerce.consumerSecret first.')).toBe(
      'Not set up yet: fill in Site address, Consumer key and Consumer secret below, then Save and connect.',
    );
    expect(channelProblemText('google', 'Not set up: set channels.google.merchantId first.')).toBe(
      'Not set up yet: fill in Merchant Center account id below, then Save and connect.',
    );
  });

  it('says how to switch push on', () => {
    expect(channelProblemText('shopify', 'Push is off (channels.shopify.pushEnabled).')).toBe('Push is off: tick “Push available stock to Shopify” below and save to start.');
  });

  it('shows anything else as the API gives it: a setting it has no label for, a refusal, a failure', () => {
    for (const problem of ['Not set up: set channels.shopify.somethingNew first.', 'Refused: the address is on a private network.', 'Failing: 401 Unauthorized']) {
      expect(channelProblemText('shopify', problem)).toBe(problem);
    }
  });

  it('knows every field the core can name as missing, for each channel', () => {
    for (const channel of ['shopify', 'woocommerce', 'google'] as const) {
      const settings = structuredClone(defaultSettings());
      if (channel === 'shopify') settings.channels.shopify.auth = 'clientCredentials';
      const { problem } = channelConfig(settings, channel);
      expect(problem).toBeTruthy();
      expect(channelProblemText(channel, `Not set up: ${problem}.`)).toMatch(/^Not set up yet: fill in /);
    }
    const accessToken = structuredClone(defaultSettings());
    expect(channelProblemText('shopify', `Not set up: ${channelConfig(accessToken, 'shopify').problem}.`)).toMatch(/Admin API access token/);
  });
});
