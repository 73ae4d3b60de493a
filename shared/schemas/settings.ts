import { z } from 'zod';
import { QUANTITY_MAX } from '../domain/limits';
import { canonicalLocale } from '../domain/locale';
import { currencySchema, httpUrlSchema, locationCodeSchema } from './common';

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

export const settingsShape = {
  /** Set by the first-run screen; once true it stays true (a PUT without it keeps it). */
  setupDone: z.boolean().default(false),
  shopName: z.string().trim().max(150).default('My shop'),
  shopUrl: z.union([z.literal(''), httpUrlSchema]).default(''),
  productUrlTemplate: urlTemplateSchema.default(''),
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
    })
    .default({ merchantXml: true, merchantTsv: true, sitemap: true, jsonLd: true }),
  bufferStock: z.number().int().min(0).max(QUANTITY_MAX, { message: `buffer stock is at most ${QUANTITY_MAX}` }).default(0),
  /** Days until a backordered item ships when no incoming stock is dated (Merchant needs a date). */
  backorderLeadDays: z.number().int().min(1, { message: 'lead time is at least 1 day' }).max(365).default(14),
  keepOutOfStockInSitemap: z.boolean().default(true),
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
   * Outgoing requests (webhooks, the IndexNow engine). Off: URLs that reach this computer or the
   * local network are refused. On: a local receiver (n8n or Node-RED on 127.0.0.1) may be used.
   */
  webhooks: z.strictObject({ allowPrivateNetwork: z.boolean().default(false) }).default({ allowPrivateNetwork: false }),
  /** Shared secrets of the sales-channel webhooks (Shopify app secret, WooCommerce webhook secret). */
  channels: z
    .strictObject({
      shopify: z.strictObject({ secret: channelSecretInput, hasSecret: z.boolean().optional() }).default({}),
      woocommerce: z.strictObject({ secret: channelSecretInput, hasSecret: z.boolean().optional() }).default({}),
    })
    .default({ shopify: {}, woocommerce: {} }),
};

export const settingsInput = z.strictObject({
  ...settingsShape,
  idempotencyKey: z.string().max(255).optional(),
});

export const settingsSchema = z.object({
  setupDone: z.boolean(),
  shopName: z.string(),
  shopUrl: z.string(),
  productUrlTemplate: z.string(),
  currency: z.string(),
  locale: z.string(),
  defaultBrand: z.string(),
  publishDir: z.string().nullable(),
  artifacts: z.object({ merchantXml: z.boolean(), merchantTsv: z.boolean(), sitemap: z.boolean(), jsonLd: z.boolean() }),
  bufferStock: z.number(),
  backorderLeadDays: z.number(),
  keepOutOfStockInSitemap: z.boolean(),
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
    shopify: z.object({ secret: z.null(), hasSecret: z.boolean() }),
    woocommerce: z.object({ secret: z.null(), hasSecret: z.boolean() }),
  }),
});

export type Settings = z.output<typeof settingsSchema>;
export type SettingsInput = z.output<typeof settingsInput>;
