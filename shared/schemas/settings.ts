import { z } from 'zod';
import { QUANTITY_MAX } from '../domain/limits';
import { isCountryCode } from '../domain/country';
import { canonicalLocale } from '../domain/locale';
import { currencySchema, expectedUpdatedAtSchema, httpUrlSchema, isHttpUrl, locationCodeSchema } from './common';

/**
 * Product page URL template: must contain {slug} or {sku}, which the publishers fill in.
 */
const urlTemplateSchema = z
  .string()
  .trim()
  .max(2000)
  .refine((t) => t === '' || /\{(slug|sku)\}/.test(t), {
    message: 'the product URL template must contain {slug} or {sku}, e.g. https://shop.example.com/products/{slug}',
  })
  .refine((t) => t === '' || /^https?:\/\/[^/{}]+/.test(t), {
    message: 'the product URL template must start with http:// or https:// and a host name',
  });

/**
 * A collection page's URL template (issue 19): categories and brands each have one, with {slug}
 * (publish/collections.ts makes the slugs). Empty: that kind of collection is not published.
 */
const collectionTemplateSchema = (what: string, example: string) =>
  z
    .string()
    .trim()
    .max(2000)
    .refine((t) => t === '' || t.includes('{slug}'), { message: `the ${what} URL template must contain {slug}, e.g. ${example}` })
    .refine((t) => t === '' || /^https?:\/\/[^/{}]+/.test(t), {
      message: `the ${what} URL template must start with http:// or https:// and a host name`,
    });

export const EMPTY_COLLECTIONS = ['keep', 'drop'] as const;

/** A secret is never returned in clear: GET shows `null` with `has*` true; PUT with null keeps it. */
const secretInput = z.string().max(10_000).nullable().optional();

export const CHANNEL_SECRET_MIN = 16;

/**
 * A sales-channel secret is all that authenticates an order webhook (it keys the body's HMAC), and
 * one signed request lets anyone try short secrets offline: fewer than 16 characters are refused.
 * An empty string still removes the secret.
 */
const channelSecretInput = z
  .string()
  .max(10_000)
  .refine((s) => s === '' || s.length >= CHANNEL_SECRET_MIN, {
    message: `a channel secret is at least ${CHANNEL_SECRET_MIN} characters (use the one the shop generated; an empty value removes it)`,
  })
  .nullable()
  .optional();

/**
 * A channel's API address (a stand-in's in tests, a proxy's in some shops): an absolute http(s)
 * URL, kept without a trailing slash. Which hosts and schemes may be called is checked when the
 * settings are saved and again at every request (channel-push/channel-config.ts).
 */
const baseUrlSchema = z
  .string()
  .trim()
  .max(2000)
  .refine((u) => u === '' || isHttpUrl(u), { message: 'must be an absolute https:// URL' })
  .transform((u) => u.replace(/\/+$/, ''));

/** Shopify's Admin API answers on the shop's myshopify.com domain (a custom domain redirects). */
const shopDomainSchema = z
  .string()
  .trim()
  .transform((d) => d.toLowerCase().replace(/^https?:\/\//, '').replace(/\/+$/, ''))
  .refine((d) => d === '' || /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(d), {
    message: "the shop's myshopify.com domain, such as my-shop.myshopify.com (Shopify admin → Settings → Domains)",
  });

/** A Shopify location id as the admin shows it (70000001) or as the API writes it (gid://shopify/Location/70000001). */
const shopifyLocationIdSchema = z
  .union([z.number().int().positive(), z.string().trim()])
  .transform((v) => String(v))
  .refine((v) => /^(?:gid:\/\/shopify\/Location\/)?\d{1,20}$/.test(v), {
    message: 'a Shopify location id such as 70000001 or gid://shopify/Location/70000001',
  })
  .transform((v) => (v.startsWith('gid://') ? v : `gid://shopify/Location/${v}`));

const digitsSchema = (field: string, what: string) =>
  z
    .string()
    .trim()
    .refine((v) => v === '' || /^\d{1,20}$/.test(v), { message: `${field} is ${what}: digits only` });

/**
 * A service account's JSON key. It is a secret like the others (never returned); what is saved
 * must be the key file itself, so a pasted e-mail address or a truncated file is refused here.
 */
const serviceAccountKeyInput = z
  .string()
  .max(20_000)
  .refine((k) => k === '' || serviceAccountKeyProblem(k) === null, {
    message: 'the service account key is the JSON key file (with client_email and private_key) as the Cloud console downloads it',
  })
  .nullable()
  .optional();

/** Why a text is not a service account key file, or null. */
export function serviceAccountKeyProblem(text: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (typeof parsed !== 'object' || parsed === null) return 'not a JSON object';
  const key = parsed as Record<string, unknown>;
  if (typeof key.client_email !== 'string' || !key.client_email.includes('@')) return 'no client_email';
  if (typeof key.private_key !== 'string' || !key.private_key.includes('PRIVATE KEY')) return 'no private_key';
  return null;
}
/** An absolute path on Linux, macOS (`/…`) or Windows (`C:\…`, `\\server\share\…`). */
const ABSOLUTE_PATH = /^(?:\/|[A-Za-z]:[\\/]|\\\\)/;

/**
 * Backups (SQLite only). `folder` null: DATA/backups. Another folder (a synced cloud folder, an
 * external disk) must be an absolute path the owner typed; it is created owner-only (0700) when
 * missing and each copy in it is 0600. Stockfeed only ever deletes its own copies there.
 */
export const backupSettingsShape = z
  .strictObject({
    folder: z
      .string()
      .trim()
      .min(1)
      .max(1000)
      .refine((p) => ABSOLUTE_PATH.test(p), { message: 'the backups folder must be an absolute path, such as /home/me/Dropbox/stockfeed-backups or D:\\Backups' })
      .nullable()
      .default(null),
    /** A copy every day (kept 7 daily, 4 weekly, 12 monthly); copies before migrations, restores and updates are made either way. */
    automatic: z.boolean().default(true),
  })
  .default({ folder: null, automatic: true });

/** Desktop app updates: the release channel, and whether it looks for updates by itself (at start and every 6 hours). */
export const updateSettingsShape = z
  .strictObject({
    channel: z.enum(['stable', 'beta']).default('stable'),
    automaticChecks: z.boolean().default(true),
  })
  .default({ channel: 'stable', automaticChecks: true });

export const DEFAULT_RETENTION_DAYS = 90;

/** An ISO 3166-1 alpha-2 code, upper-cased (`de` → `DE`). */
const countryCodeSchema = z
  .string()
  .trim()
  .transform((c) => c.toUpperCase())
  .refine(isCountryCode, { message: 'a two-letter ISO 3166-1 country code such as US, DE or GB (not UK)' });

const optionalUrl = z.union([z.literal(''), httpUrlSchema]).default('');

/** Products a part of the OpenAI feed when it is split: the setting's bounds and what the app offers. */
export const OPENAI_PART_ITEMS_MIN = 100;
export const OPENAI_PART_ITEMS_MAX = 500_000;
/**
 * What the app offers when the feed is split. 5,000 (was 10,000): a stock change rewrites one part,
 * and at 10,000 products one part of 10,000 was the whole 8.1 MB feed; two parts of 5,000 take
 * 4.1 MB (and 2 MB of hashing) off every change: CPU 51 -> 46.5 ms a change, the bytes written and
 * fsynced 25.3 -> 21.2 MB (docs/benchmarks.md). 100,000 products make 20 parts. Well inside
 * OpenAI's 500,000 items a file; a size already saved stays as it is.
 */
export const OPENAI_PART_ITEMS_SUGGESTED = 5_000;
const PART_ITEMS_MESSAGE = `partItems is 0 (one file) or a whole number of products a part, ${OPENAI_PART_ITEMS_MIN}–${OPENAI_PART_ITEMS_MAX.toLocaleString('en')}`;

/**
 * What OpenAI's product feed says about the seller. Empty `sellerName` and `sellerUrl` take the
 * shop's name and URL. Which fields the feed needs when it is on is checked on save
 * (openAiFeedSettingsIssues): a PUT with the feed off may leave them empty.
 */
export const openAiFeedSettingsShape = z
  .strictObject({
    sellerName: z.string().trim().max(70, { message: 'the seller name is at most 70 characters' }).default(''),
    sellerUrl: optionalUrl,
    returnPolicyUrl: optionalUrl,
    privacyPolicyUrl: optionalUrl,
    termsUrl: optionalUrl,
    /** Where the shop sells from: an ISO 3166-1 alpha-2 code. */
    storeCountry: z.union([z.literal(''), countryCodeSchema]).default(''),
    /** Where it sells to; empty: the store country only. */
    targetCountries: z.array(countryCodeSchema).max(250).default([]),
    /** `is_eligible_search`: ChatGPT may show the products. */
    eligibleSearch: z.boolean().default(true),
    /** `is_eligible_checkout`: bought inside ChatGPT (needs search, the privacy policy and the terms). */
    eligibleCheckout: z.boolean().default(false),
    /**
     * 0 (the default): one file, `openai-products.jsonl`, whatever the catalogue's size. A number:
     * parts of that many products (`openai-products-1.jsonl` …, or the one name while one part
     * holds the feed), so a stock change rewrites one part instead of the whole feed. OpenAI takes
     * up to 500,000 items a file.
     */
    partItems: z
      .number({ message: PART_ITEMS_MESSAGE })
      .int({ message: PART_ITEMS_MESSAGE })
      .refine((n) => n === 0 || (n >= OPENAI_PART_ITEMS_MIN && n <= OPENAI_PART_ITEMS_MAX), { message: PART_ITEMS_MESSAGE })
      .default(0),
  })
  .prefault({});


export const DEFAULT_REDIRECT_RETENTION_DAYS = 365;

export const settingsShape = {
  /** Set by the first-run screen; once true it stays true (a PUT without it keeps it). */
  setupDone: z.boolean().default(false),
  shopName: z.string().trim().max(150).default('My shop'),
  shopUrl: z.union([z.literal(''), httpUrlSchema]).default(''),
  productUrlTemplate: urlTemplateSchema.default(''),
  /** Category collection pages, e.g. https://shop.example.com/c/{slug}; empty: none published. */
  collectionUrlTemplate: collectionTemplateSchema('collection', 'https://shop.example.com/c/{slug}').default(''),
  /** Brand pages, e.g. https://shop.example.com/brands/{slug}; empty: none published. */
  brandUrlTemplate: collectionTemplateSchema('brand', 'https://shop.example.com/brands/{slug}').default(''),
  /**
   * A collection with nothing in stock: `keep` lists its page in the sitemap still (with its empty
   * list), `drop` leaves it out of the sitemap; its data file says which either way.
   */
  emptyCollections: z.enum(EMPTY_COLLECTIONS, { message: 'emptyCollections is keep or drop' }).default('keep'),
  currency: currencySchema.default('USD'),
  /**
   * How prices and quantities are written and typed: a BCP 47 tag such as de-DE (1.234,50 €),
   * stored in its canonical spelling. Empty follows the language of the computer showing the app.
   */
  locale: z
    .string()
    .trim()
    .max(100, { message: 'locale is a language tag such as de-DE, 100 characters at most' })
    .refine((tag) => tag === '' || canonicalLocale(tag) !== null, {
      message: 'locale must be a language tag such as de-DE, en-GB or fr-CH, or empty for the language of the computer',
    })
    .transform((tag) => (tag === '' ? '' : (canonicalLocale(tag) ?? tag)))
    .default(''),
  defaultBrand: z.string().trim().max(150).default(''),
  /** null means `<data folder>/publish`. */
  publishDir: z.string().trim().min(1).max(1000).nullable().default(null),
  artifacts: z
    .strictObject({
      merchantXml: z.boolean().default(true),
      merchantTsv: z.boolean().default(true),
      sitemap: z.boolean().default(true),
      jsonLd: z.boolean().default(true),
      /** collections/<slug>.json, their JSON-LD and sitemap-collections.xml (issue 19). */
      collections: z.boolean().default(true),
      /** OpenAI's product feed for ChatGPT shopping (`openai-products.jsonl`); see `openAiFeed`. */
      openAiFeed: z.boolean().default(false),
      /** `_redirects` and `redirects.nginx.conf`: renamed, archived and discontinued products' old pages. */
      redirects: z.boolean().default(false),
    })
    .default({ merchantXml: true, merchantTsv: true, sitemap: true, jsonLd: true, collections: true, openAiFeed: false, redirects: false }),
  bufferStock: z.number().int().min(0).max(QUANTITY_MAX, { message: `buffer stock is at most ${QUANTITY_MAX}` }).default(0),
  /** Days until a backordered item ships when no incoming stock is dated (Merchant needs a date). */
  backorderLeadDays: z.number().int().min(1, { message: 'lead time is at least 1 day' }).max(365).default(14),
  keepOutOfStockInSitemap: z.boolean().default(true),
  /** Purchase orders: the number prefix, and the figures behind the suggested reorder points. */
  purchasing: z
    .strictObject({
      orderNumberPrefix: z
        .string()
        .trim()
        .max(12, { message: 'the purchase order prefix is at most 12 characters' })
        .regex(/^[A-Za-z0-9_./-]*$/, { message: 'the purchase order prefix takes letters, digits, "-", "_", "." and "/"' })
        .default('PO-'),
      reviewPeriodDays: z.number().int().min(0).max(365, { message: 'the review period is at most 365 days' }).default(7),
      velocityWindowDays: z.number().int().min(1, { message: 'the sales window is at least 1 day' }).max(365).default(28),
    })
    .default({ orderNumberPrefix: 'PO-', reviewPeriodDays: 7, velocityWindowDays: 28 }),
  gzip: z.boolean().default(false),
  defaultLocation: locationCodeSchema.default('main'),
  indexNow: z
    .strictObject({
      enabled: z.boolean().default(false),
      key: z.union([z.literal(''), z.string().regex(/^[a-zA-Z0-9-]{8,128}$/, { message: 'IndexNow key is 8–128 letters, digits or "-"' })]).default(''),
      engine: z
        .string()
        .trim()
        .max(200)
        .refine((e) => e === '' || /^(?:https?:\/\/[^\s/?#@]+(?:\/[^\s?#]*)?|[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::\d{1,5})?)$/.test(e), {
          message: 'IndexNow engine must be a host name (e.g. api.indexnow.org) or an http(s) URL',
        })
        .default('api.indexnow.org'),
    })
    .default({ enabled: false, key: '', engine: 'api.indexnow.org' }),
  sftp: z
    .strictObject({
      enabled: z.boolean().default(false),
      /** A host name or an IP address; its form is checked when a save changes it (shared/domain/sftp-host.ts). */
      host: z.string().trim().max(255).default(''),
      port: z.number().int().min(1).max(65535).default(22),
      username: z.string().trim().max(255).default(''),
      password: secretInput,
      privateKey: secretInput,
      hasPassword: z.boolean().optional(),
      hasPrivateKey: z.boolean().optional(),
      remoteDir: z.string().trim().max(1000).default(''),
      /**
       * The server's host key as `ssh-keygen -lf` prints it (`SHA256:…`). Empty: the key the server
       * shows at the first connection is pinned here (trust on first use). Once set, a server that
       * shows another key is refused (a man in the middle, or a reinstalled server) until the owner
       * accepts the new key. Empty in a PUT for the same server keeps the pinned key.
       */
      hostFingerprint: z
        .union([z.literal(''), z.string().trim().regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, { message: 'host key fingerprint looks like SHA256: followed by 43 characters, as `ssh-keygen -lf` prints it' })])
        .default(''),
      /** When the key was pinned on first connection (null: set by the owner); read-only, ignored in a PUT. */
      hostFingerprintPinnedAt: z.string().max(40).nullable().optional(),
    })
    .default({ enabled: false, host: '', port: 22, username: '', remoteDir: '', hostFingerprint: '' }),
  /**
   * Outgoing requests (webhooks, the IndexNow engine, the sales channels, the SFTP server). Off:
   * addresses on this computer or the local network are refused. On: a local receiver (n8n or
   * Node-RED on 127.0.0.1) or an SFTP server on the office network may be used.
   */
  webhooks: z.strictObject({ allowPrivateNetwork: z.boolean().default(false) }).default({ allowPrivateNetwork: false }),
  /**
   * Sales channels: the shared secrets of their order webhooks (Shopify app secret, WooCommerce
   * webhook secret), and where and how available stock is pushed to them (see channel-push).
   */
  channels: z
    .strictObject({
      shopify: z
        .strictObject({
          secret: channelSecretInput,
          hasSecret: z.boolean().optional(),
          shopDomain: shopDomainSchema.default(''),
          /**
           * How Stockfeed signs in to the Admin API: `accessToken`, the permanent token of a custom
           * app made in the Shopify admin; or `clientCredentials`, the client ID and secret of an app
           * made in the Dev Dashboard, exchanged for a token that lasts 24 hours and is renewed.
           */
          auth: z.enum(['accessToken', 'clientCredentials'], { message: 'auth is accessToken or clientCredentials' }).default('accessToken'),
          /** The custom app's Admin API access token (shpat_…). */
          accessToken: secretInput,
          hasAccessToken: z.boolean().optional(),
          /** The Dev Dashboard app's client ID and secret (Settings of the app), for `auth: clientCredentials`. */
          clientId: secretInput,
          hasClientId: z.boolean().optional(),
          clientSecret: secretInput,
          hasClientSecret: z.boolean().optional(),
          /** Stockfeed location code → Shopify location id; empty: a shop with one location gets the whole online quantity. */
          locations: z.record(locationCodeSchema, shopifyLocationIdSchema).default({}),
          pushEnabled: z.boolean().default(false),
          /** Empty: https://{shopDomain}. */
          apiBaseUrl: baseUrlSchema.default(''),
        })
        .prefault({}),
      woocommerce: z
        .strictObject({
          secret: channelSecretInput,
          hasSecret: z.boolean().optional(),
          siteUrl: baseUrlSchema.default(''),
          consumerKey: secretInput,
          hasConsumerKey: z.boolean().optional(),
          consumerSecret: secretInput,
          hasConsumerSecret: z.boolean().optional(),
          pushEnabled: z.boolean().default(false),
          /** Empty: the site URL. */
          apiBaseUrl: baseUrlSchema.default(''),
        })
        .prefault({}),
      google: z
        .strictObject({
          merchantId: digitsSchema('merchantId', 'the Merchant Center account id').default(''),
          /** The supplemental data source of type API that availability is pushed into. */
          dataSourceId: digitsSchema('dataSourceId', 'the id of a supplemental data source of type API').default(''),
          /** The service account's JSON key file, as the Cloud console downloads it. */
          serviceAccountKey: serviceAccountKeyInput,
          hasServiceAccountKey: z.boolean().optional(),
          /** Read-only: the service account the saved key belongs to (grant it access in Merchant Center). */
          serviceAccountEmail: z.string().nullable().optional(),
          pushEnabled: z.boolean().default(false),
          /** Empty: https://merchantapi.googleapis.com. */
          apiBaseUrl: baseUrlSchema.default(''),
          /** Empty: https://oauth2.googleapis.com/token. */
          tokenUrl: baseUrlSchema.default(''),
          /** Google lets a product be updated twice a day; a change that makes it unsellable is always sent. */
          maxUpdatesPerDay: z.number().int().min(1, { message: 'at least 1 update a day' }).max(24, { message: 'at most 24 updates a day' }).default(2),
        })
        .prefault({}),
      /** Hours between drift checks (every channel's quantities read back and corrected); 0 turns them off. */
      driftCheckHours: z.number().int().min(0).max(168, { message: 'at most 168 hours (a week)' }).default(6),
    })
    .prefault({}),
  backups: backupSettingsShape,
  /**
   * Days after which rows that only grow are deleted: finished webhook deliveries, idempotency keys
   * and channel webhook deliveries (their ids guard against duplicates for far less). Stock, the
   * ledger and the change log are never pruned.
   */
  retentionDays: z.number().int().min(7, { message: 'retention is at least 7 days' }).max(3650, { message: 'retention is at most 3650 days' }).default(DEFAULT_RETENTION_DAYS),
  updates: updateSettingsShape,
  openAiFeed: openAiFeedSettingsShape,
  /** A discontinued or archived product's page: `410 Gone`, or a 301 to its collection page (410 when it has none). */
  discontinuedRedirect: z.enum(['gone', 'collection'], { message: 'discontinuedRedirect is "gone" or "collection"' }).default('gone'),
  /** Days a redirect of an old product page stays in the redirects files (search engines need a few weeks to months). */
  redirectRetentionDays: z
    .number()
    .int()
    .min(1, { message: 'redirects are kept at least 1 day' })
    .max(3650, { message: 'redirects are kept at most 3650 days' })
    .default(DEFAULT_REDIRECT_RETENTION_DAYS),
};

export const settingsInput = z.strictObject({
  ...settingsShape,
  /**
   * The `updatedAt` of the settings the change was made from: when they have been saved since,
   * the update is refused with 409 `conflict` (`details.field` is `updatedAt`) instead of
   * overwriting the other change. Without it the update applies to whatever is current.
   */
  expectedUpdatedAt: expectedUpdatedAtSchema.optional(),
  /** What GET returned, accepted and ignored so a GET body can be sent back as it is. */
  updatedAt: z.string().nullable().optional(),
  idempotencyKey: z.string().max(255).optional(),
});

export const settingsSchema = z.object({
  setupDone: z.boolean(),
  shopName: z.string(),
  shopUrl: z.string(),
  productUrlTemplate: z.string(),
  collectionUrlTemplate: z.string(),
  brandUrlTemplate: z.string(),
  emptyCollections: z.enum(EMPTY_COLLECTIONS),
  currency: z.string(),
  locale: z.string(),
  defaultBrand: z.string(),
  publishDir: z.string().nullable(),
  artifacts: z.object({
    merchantXml: z.boolean(),
    merchantTsv: z.boolean(),
    sitemap: z.boolean(),
    jsonLd: z.boolean(),
    collections: z.boolean(),
    openAiFeed: z.boolean(),
    redirects: z.boolean(),
  }),
  bufferStock: z.number(),
  backorderLeadDays: z.number(),
  keepOutOfStockInSitemap: z.boolean(),
  purchasing: z.object({ orderNumberPrefix: z.string(), reviewPeriodDays: z.number(), velocityWindowDays: z.number() }),
  gzip: z.boolean(),
  defaultLocation: z.string(),
  indexNow: z.object({ enabled: z.boolean(), key: z.string(), engine: z.string() }),
  sftp: z.object({
    enabled: z.boolean(),
    host: z.string(),
    port: z.number(),
    username: z.string(),
    password: z.null(),
    privateKey: z.null(),
    hasPassword: z.boolean(),
    hasPrivateKey: z.boolean(),
    remoteDir: z.string(),
    hostFingerprint: z.string(),
    hostFingerprintPinnedAt: z.string().nullable(),
  }),
  webhooks: z.object({ allowPrivateNetwork: z.boolean() }),
  channels: z.object({
    shopify: z.object({
      secret: z.null(),
      hasSecret: z.boolean(),
      shopDomain: z.string(),
      auth: z.enum(['accessToken', 'clientCredentials']),
      accessToken: z.null(),
      hasAccessToken: z.boolean(),
      clientId: z.null(),
      hasClientId: z.boolean(),
      clientSecret: z.null(),
      hasClientSecret: z.boolean(),
      locations: z.record(z.string(), z.string()),
      pushEnabled: z.boolean(),
      apiBaseUrl: z.string(),
    }),
    woocommerce: z.object({
      secret: z.null(),
      hasSecret: z.boolean(),
      siteUrl: z.string(),
      consumerKey: z.null(),
      hasConsumerKey: z.boolean(),
      consumerSecret: z.null(),
      hasConsumerSecret: z.boolean(),
      pushEnabled: z.boolean(),
      apiBaseUrl: z.string(),
    }),
    google: z.object({
      merchantId: z.string(),
      dataSourceId: z.string(),
      serviceAccountKey: z.null(),
      hasServiceAccountKey: z.boolean(),
      serviceAccountEmail: z.string().nullable(),
      pushEnabled: z.boolean(),
      apiBaseUrl: z.string(),
      tokenUrl: z.string(),
      maxUpdatesPerDay: z.number(),
    }),
    driftCheckHours: z.number(),
  }),
  backups: z.object({ folder: z.string().nullable(), automatic: z.boolean() }),
  retentionDays: z.number(),
  updates: z.object({ channel: z.enum(['stable', 'beta']), automaticChecks: z.boolean() }),
  openAiFeed: z.object({
    sellerName: z.string(),
    sellerUrl: z.string(),
    returnPolicyUrl: z.string(),
    privacyPolicyUrl: z.string(),
    termsUrl: z.string(),
    storeCountry: z.string(),
    targetCountries: z.array(z.string()),
    eligibleSearch: z.boolean(),
    eligibleCheckout: z.boolean(),
    partItems: z.number(),
  }),
  discontinuedRedirect: z.enum(['gone', 'collection']),
  redirectRetentionDays: z.number(),
  /** When the settings were last saved (null: never); sent back as `expectedUpdatedAt` on update. */
  updatedAt: z.string().nullable().default(null),
});

/**
 * What OpenAI's feed needs that the schema alone cannot say (it depends on other settings): with
 * the feed on, a seller name and URL (or the shop's), the store country and the return policy;
 * checkout only with search, the privacy policy and the terms. Each issue names its field.
 */
export function openAiFeedSettingsIssues(s: {
  shopName: string;
  shopUrl: string;
  artifacts: { openAiFeed: boolean };
  openAiFeed: z.output<typeof openAiFeedSettingsShape>;
}): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  const f = s.openAiFeed;
  if (f.eligibleCheckout && !f.eligibleSearch) {
    issues.push({ path: 'openAiFeed.eligibleCheckout', message: 'checkout in ChatGPT needs "show in ChatGPT search" on as well (OpenAI requires is_eligible_search for is_eligible_checkout)' });
  }
  if (!s.artifacts.openAiFeed) return issues;
  if (!f.sellerName && !s.shopName.trim()) issues.push({ path: 'openAiFeed.sellerName', message: 'the OpenAI feed needs a seller name (or a shop name)' });
  if (!f.sellerUrl && !s.shopUrl) issues.push({ path: 'openAiFeed.sellerUrl', message: "the OpenAI feed needs the seller's web address (or the shop URL)" });
  if (!f.storeCountry) issues.push({ path: 'openAiFeed.storeCountry', message: 'the OpenAI feed needs the country the shop sells from, such as US or DE' });
  if (!f.returnPolicyUrl) issues.push({ path: 'openAiFeed.returnPolicyUrl', message: 'the OpenAI feed needs the address of the return policy page' });
  if (f.eligibleCheckout) {
    if (!f.privacyPolicyUrl) issues.push({ path: 'openAiFeed.privacyPolicyUrl', message: 'checkout in ChatGPT needs the address of the privacy policy' });
    if (!f.termsUrl) issues.push({ path: 'openAiFeed.termsUrl', message: 'checkout in ChatGPT needs the address of the terms of service' });
  }
  return issues;
}

export type Settings = z.output<typeof settingsSchema>;
export type SettingsInput = z.output<typeof settingsInput>;
