import { describe, expect, it } from 'vitest';
import { settingsSchema } from '../../shared/schemas/settings';
import { OPENAI_PART_ITEMS_SUGGESTED, settingsInput } from '../../shared/schemas/settings';
import { ClientError } from '../../renderer/src/api/client';
import { exampleProductUrl, issuesByPath, openIssues, shopNameProblem, shopUrlHint, suggestedTemplate, templateHint } from '../../renderer/src/settings-form';
import { settingsToInput } from '../../renderer/src/stores/settings';

describe('settings form helpers', () => {
  it('refuses an empty or blank shop name (first run used to save it as "My shop")', () => {
    expect(shopNameProblem('')).toMatch(/^Enter the name of your shop/);
    expect(shopNameProblem('  \t ')).toMatch(/^Enter the name of your shop/);
    expect(shopNameProblem('Harbour Goods')).toBeNull();
  });

  it('shows a live example of a product URL only for a usable template', () => {
    expect(exampleProductUrl('https://shop.example.com/products/{slug}')).toBe('https://shop.example.com/products/enamel-mug-blue');
    expect(exampleProductUrl('https://shop.example.com/p?sku={sku}')).toBe('https://shop.example.com/p?sku=MUG-ENAMEL-BLUE');
    expect(exampleProductUrl('https://shop.example.com/products/')).toBeNull();
    expect(exampleProductUrl('')).toBeNull();
  });

  it('checks while typing with the same rules as the server', () => {
    expect(templateHint('https://shop.example.com/p/')).toMatch(/must contain \{slug\} or \{sku\}/);
    expect(templateHint('shop.example.com/{slug}')).toMatch(/http:\/\/ or https:\/\//);
    expect(templateHint('')).toBeNull();
    expect(shopUrlHint('shop.example.com')).toMatch(/http/);
    expect(shopUrlHint('https://shop.example.com')).toBeNull();
  });

  it('suggests the usual product address from the site address', () => {
    expect(suggestedTemplate('https://shop.example.com/')).toBe('https://shop.example.com/products/{slug}');
    expect(suggestedTemplate('not a url')).toBe('');
  });

  it('keys the server problems by their whole path and drops each once its value is changed', () => {
    const error = new ClientError('validation_failed', 'x', { issues: [{ path: 'sftp.port', message: 'too big' }, { path: 'bufferStock', message: 'too small' }] }, 422);
    const issues = issuesByPath(error);
    expect(issues).toEqual({ 'sftp.port': 'Too big.', bufferStock: 'Too small.' });
    const sent = { sftp: { port: 70000 }, bufferStock: -1 };
    expect(openIssues(issues, sent, { sftp: { port: 70000 }, bufferStock: 3 })).toEqual({ 'sftp.port': 'Too big.' });
  });

  it('offers OpenAI feed parts small enough that a stock change at 10,000 products rewrites at most half the feed, and valid', () => {
    // The one-change latency target is set at 10,000 products: with parts of 10,000 a change there
    // rewrote the whole 8.1 MB feed (docs/benchmarks.md, publish).
    expect(Math.ceil(10_000 / OPENAI_PART_ITEMS_SUGGESTED)).toBeGreaterThanOrEqual(2);
    // At 500,000 products (OpenAI's limit for one file) still at most 100 parts to upload.
    expect(Math.ceil(500_000 / OPENAI_PART_ITEMS_SUGGESTED)).toBeLessThanOrEqual(100);
    const parsed = settingsInput.parse({ openAiFeed: { partItems: OPENAI_PART_ITEMS_SUGGESTED } });
    expect(parsed.openAiFeed.partItems).toBe(OPENAI_PART_ITEMS_SUGGESTED);
  });

  it('turns what GET returned into a PUT body the server accepts, secrets kept (null)', () => {
    const got = settingsSchema.parse({
      ...settingsInput.parse({}),
      sftp: {
        enabled: true,
        host: 'h',
        port: 22,
        username: 'u',
        remoteDir: '',
        hostFingerprint: `SHA256:${'a'.repeat(43)}`,
        hostFingerprintPinnedAt: '2026-12-01T10:00:00.000Z',
        password: null,
        privateKey: null,
        hasPassword: true,
        hasPrivateKey: false,
      },
      channels: {
        shopify: {
          secret: null,
          hasSecret: true,
          shopDomain: 'shop.myshopify.com',
          auth: 'clientCredentials',
          accessToken: null,
          hasAccessToken: true,
          clientId: null,
          hasClientId: true,
          clientSecret: null,
          hasClientSecret: true,
          locations: { main: 'gid://shopify/Location/1' },
          pushEnabled: true,
          apiBaseUrl: '',
        },
        woocommerce: { secret: null, hasSecret: false, siteUrl: '', consumerKey: null, hasConsumerKey: false, consumerSecret: null, hasConsumerSecret: false, pushEnabled: false, apiBaseUrl: '' },
        google: {
          merchantId: '123',
          dataSourceId: '456',
          serviceAccountKey: null,
          hasServiceAccountKey: true,
          serviceAccountEmail: 'stockfeed@project.iam.gserviceaccount.com',
          pushEnabled: false,
          apiBaseUrl: '',
          tokenUrl: '',
          maxUpdatesPerDay: 2,
        },
        driftCheckHours: 6,
      },
    });
    const body = settingsToInput(got);
    expect(body.sftp).toMatchObject({ password: null, privateKey: null });
    expect(body.sftp).not.toHaveProperty('hasPassword');
    // When the key was pinned is the server's to say; the key itself goes back unchanged.
    expect(body.sftp).not.toHaveProperty('hostFingerprintPinnedAt');
    expect(body.sftp.hostFingerprint).toBe(`SHA256:${'a'.repeat(43)}`);
    // Channel credentials go back as null (kept), their has* flags and the key's e-mail (read-only) not at all.
    expect(body.channels.shopify).toMatchObject({ accessToken: null, secret: null, shopDomain: 'shop.myshopify.com', pushEnabled: true });
    expect(body.channels.shopify).not.toHaveProperty('hasAccessToken');
    expect(body.channels.shopify).toMatchObject({ auth: 'clientCredentials', clientId: null, clientSecret: null });
    expect(body.channels.shopify).not.toHaveProperty('hasClientSecret');
    expect(body.channels.google).toMatchObject({ serviceAccountKey: null, merchantId: '123' });
    expect(body.channels.google).not.toHaveProperty('serviceAccountEmail');
    expect(settingsInput.safeParse(body).success).toBe(true);
  });
});
