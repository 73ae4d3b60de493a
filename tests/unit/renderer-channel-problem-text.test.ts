import { describe, expect, it } from 'vitest';
import { channelProblemText, channelSaveErrorText, missingSettings } from '../../renderer/src/channel-labels';
import { CHANNEL_REQUIRED_SETTINGS, PUSH_CHANNELS } from '../../shared/schemas/channel-push';

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

  it('knows every setting the core can name as missing, for each channel (channel-config.ts names them from the same list)', () => {
    for (const channel of PUSH_CHANNELS) {
      const names = CHANNEL_REQUIRED_SETTINGS[channel].map((f) => `channels.${channel}.${f}`);
      const text = channelProblemText(channel, `Not set up: set ${names.join(', ')} first.`);
      expect(text).toMatch(/^Not set up yet: fill in .+ and .+ below, then Save and connect\.$/);
      expect(text).not.toContain('channels.');
    }
  });
});

describe('a refused Connect names the fields to fill in', () => {
  it('turns the core’s setting keys into the form’s labels', () => {
    expect(channelSaveErrorText('shopify', 'Shopify: set channels.shopify.shopDomain, channels.shopify.accessToken first.')).toBe(
      'To connect, fill in Shop domain and Admin API access token.',
    );
    expect(missingSettings('woocommerce', 'Woocommerce: set channels.woocommerce.consumerSecret first.')).toEqual([{ field: 'consumerSecret', label: 'Consumer secret' }]);
  });

  it('leaves any other failure as it is', () => {
    const failure = 'Could not reach no-such-shop.myshopify.com: host name not found (ENOTFOUND).';
    expect(channelSaveErrorText('shopify', failure)).toBe(failure);
    expect(missingSettings('shopify', failure)).toBeNull();
    expect(missingSettings('shopify', 'Shopify: set channels.woocommerce.siteUrl first.')).toBeNull();
  });
});

describe('a refused save names the field by its label, not by its setting path', () => {
  it('replaces the path the API gives (sentence-cased by the screen) with the form label', () => {
    expect(channelSaveErrorText('shopify', "Channels.shopify.shopDomain: the shop's myshopify.com domain, such as my-shop.myshopify.com (Shopify admin → Settings → Domains).")).toBe(
      "Shop domain: the shop's myshopify.com domain, such as my-shop.myshopify.com (Shopify admin → Settings → Domains).",
    );
    expect(channelSaveErrorText('shopify', 'Channels.shopify.locations: the shop has 2 locations (Warehouse (70000001), Shop (70000002)); map each Stockfeed location that sells online to one of them.')).toBe(
      'Locations: the shop has 2 locations (Warehouse (70000001), Shop (70000002)); map each Stockfeed location that sells online to one of them.',
    );
    expect(channelSaveErrorText('shopify', 'Channels.shopify.locations.main: must be a Shopify location id.')).toBe('Locations: must be a Shopify location id.');
    expect(channelSaveErrorText('google', 'Channels.google.serviceAccountKey: the service account key is the JSON key file (with client_email and private_key) as the Cloud console downloads it.')).toBe(
      'Service account key (JSON): the service account key is the JSON key file (with client_email and private_key) as the Cloud console downloads it.',
    );
    expect(channelSaveErrorText('woocommerce', 'Channels.woocommerce.apiBaseUrl: must be an http(s) URL (and 1 more).')).toBe('API address: must be an http(s) URL (and 1 more).');
    expect(channelSaveErrorText('google', 'Channels.google.pushEnabled: cannot push yet.')).toBe('Push available stock to Google Merchant Center: cannot push yet.');
  });

  it('leaves a path it has no label for, another channel’s path, and any other message as they are', () => {
    for (const message of ['Channels.shopify.somethingNew: no.', 'Channels.google.merchantId: digits only.', 'Could not reach 127.0.0.1:4799: connection refused (ECONNREFUSED)']) {
      expect(channelSaveErrorText('shopify', message)).toBe(message);
    }
  });
});
