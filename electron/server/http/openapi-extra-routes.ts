/**
 * The routes under /api/v1 that are not contract operations, described for the OpenAPI document.
 * tests/api/openapi-document.test.ts fails when the server registers a route missing here or in
 * the contract, so a new stream or file route cannot go undocumented.
 */
import { z } from 'zod';
import { CSV_DELIMITERS, CSV_ENCODINGS, DECIMAL_MARKS } from '../../../shared/csv/csv-format';
import { IMPORT_FIELDS } from '../../../shared/csv/import-fields';
import { IMPORT_PRESETS } from '../../../shared/csv/import-presets';
import { APP_REQUEST_HEADER, authMeSchema, loginInput, signInMethodsSchema } from '../../../shared/schemas/auth';
import { importReportSchema } from '../../../shared/schemas/catalog';
import { CHANGE_TYPES } from '../../../shared/schemas/changes';
import { API_PREFIX } from './routes';
import { PRODUCT_STATUSES, STOCK_FILTERS } from '../../../shared/schemas/product';

export type RouteDoc = {
  method: 'GET' | 'POST';
  /** Fastify style, `:name` for path parameters. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  /**
   * bearer: the API token or a browser's session cookie; bearer-or-query: also `?token=`;
   * signature: the channel's HMAC; none.
   */
  auth: 'bearer' | 'bearer-or-query' | 'signature' | 'none';
  operation: Record<string, unknown>;
};

const errorRef = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const json = (schema: Record<string, unknown>) => ({ content: { 'application/json': { schema } } });

/** The shared schema's JSON Schema (as openapi.ts makes them for the contract, which imports this file). */
function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return rest;
}

const appHeader = {
  name: APP_REQUEST_HEADER,
  in: 'header',
  required: true,
  description: 'Any value. Browsers cannot add it to a request another site makes them send, so a sign-in (and every change made with the session cookie) needs it.',
  schema: { type: 'string' },
};

const setCookie = {
  'Set-Cookie': {
    description:
      '`stockfeed_session=<id>; Path=/; Max-Age=…; HttpOnly; SameSite=Strict` (`__Host-stockfeed_session=…; …; Secure` when the page was served over https).',
    schema: { type: 'string' },
  },
};

const AUTH_ROUTES: RouteDoc[] = [
  {
    method: 'POST',
    path: `${API_PREFIX}/auth/login`,
    operationId: 'auth.login',
    tag: 'auth',
    summary:
      'Signs a browser in: exchanges a person\'s `{ username, password }`, the API token, or the one-time code of the sign-in link the server prints for a session cookie, ' +
      'valid 30 days after its last use and at most 90 days; the token is not kept in the browser. Wrong passwords and tokens count towards the limit of failed authentications per address; ' +
      'wrong passwords also towards 10 per username in 15 minutes.',
    auth: 'none',
    operation: {
      parameters: [appHeader],
      requestBody: { required: true, ...json(schemaOf(loginInput, 'input')) },
      responses: {
        '200': { description: 'Signed in; the cookie is set.', headers: setCookie, ...json(schemaOf(authMeSchema, 'output')) },
        '401': { description: 'Wrong username or password (one answer for both), wrong token, or a sign-in code that was used already or has expired.', ...errorRef },
        '403': { description: `No ${APP_REQUEST_HEADER} header, or sent from another site's page.`, ...errorRef },
        '422': { description: 'Not exactly one of username and password, token, code.', ...errorRef },
        '429': { description: 'Too many wrong tokens or passwords from this address, or wrong passwords for this username.', ...errorRef },
      },
    },
  },
  {
    method: 'POST',
    path: `${API_PREFIX}/auth/logout`,
    operationId: 'auth.logout',
    tag: 'auth',
    summary: 'Signs a browser out: ends the session its cookie names, and clears the cookie. Succeeds when there is no session too.',
    auth: 'none',
    operation: {
      parameters: [appHeader],
      responses: {
        '204': { description: 'Signed out.', headers: setCookie },
        '403': { description: `No ${APP_REQUEST_HEADER} header, or sent from another site's page.`, ...errorRef },
      },
    },
  },
  {
    method: 'GET',
    path: `${API_PREFIX}/auth/me`,
    operationId: 'auth.me',
    tag: 'auth',
    summary:
      'Who is signed in and how this request was authenticated: `{ via: "session", … }` with the session cookie (with `user: { id, username, role }` when signed in with an account), `{ via: "token" }` with the API token.',
    auth: 'bearer',
    operation: {
      responses: {
        '200': { description: 'Signed in.', ...json(schemaOf(authMeSchema, 'output')) },
        '401': { description: 'Not signed in, or the session ended.', ...errorRef },
      },
    },
  },
  {
    method: 'GET',
    path: `${API_PREFIX}/auth/sign-in-methods`,
    operationId: 'auth.signInMethods',
    tag: 'auth',
    summary: 'Whether anyone has an account yet (the sign-in page then asks for a username and password first); needs no sign-in and tells nothing more.',
    auth: 'none',
    operation: { responses: { '200': { description: 'How to sign in.', ...json(schemaOf(signInMethodsSchema, 'output')) } } },
  },
];

const channelRoute = (channel: 'shopify' | 'woocommerce', label: string, signatureHeader: string, topicHeader: string): RouteDoc => ({
  method: 'POST',
  path: `${API_PREFIX}/channels/${channel}/orders`,
  operationId: `channels.${channel}.orders`,
  tag: 'channels',
  summary: `${label} order webhooks, and its inventory webhook (${channel === 'shopify' ? 'inventory_levels/update' : 'product.updated'}), which channel push compares with what it sent (echo check; never taken as new stock). Authenticated by the ${signatureHeader} signature (base64 HMAC-SHA256 of the raw body with the shared secret in settings.channels.${channel}.secret), not by the API token.`,
  auth: 'signature',
  operation: {
    parameters: [
      { name: signatureHeader, in: 'header', required: true, schema: { type: 'string' } },
      { name: topicHeader, in: 'header', required: true, schema: { type: 'string' } },
    ],
    requestBody: { required: true, ...json({ type: 'object', description: `The ${label} order payload, as ${label} sends it.` }) },
    responses: {
      '200': { description: 'Applied, or recognised as a redelivery (nothing changed).', ...json({ type: 'object' }) },
      '400': { description: 'The body is not JSON or not an order.', ...errorRef },
      '401': { description: 'Missing or wrong signature, or the channel has no secret yet.', ...errorRef },
    },
  },
});

export const EXTRA_ROUTES: RouteDoc[] = [
  ...AUTH_ROUTES,
  {
    method: 'GET',
    path: `${API_PREFIX}/health`,
    operationId: 'health',
    tag: 'server',
    summary: 'Liveness and version; needs no token.',
    auth: 'none',
    operation: {
      responses: { '200': { description: 'Running.', ...json({ type: 'object', properties: { ok: { const: true }, version: { type: 'string' } } }) } },
    },
  },
  {
    method: 'GET',
    path: `${API_PREFIX}/openapi.json`,
    operationId: 'openapi',
    tag: 'server',
    summary: 'This document (OpenAPI 3.1), generated from the contract; needs no token.',
    auth: 'none',
    operation: { responses: { '200': { description: 'The document.', ...json({ type: 'object' }) } } },
  },
  {
    method: 'GET',
    path: `${API_PREFIX}/events`,
    operationId: 'events.stream',
    tag: 'changes',
    summary:
      'The change log as Server-Sent Events: `id:` is the sequence number, `event:` the change type, `data:` the change JSON. ' +
      'With Last-Event-ID (or ?since=) it first sends every entry after it, in order, then live entries; a comment line every 15 s keeps it open. ' +
      'A browser sends its session cookie; scripts may send the token as ?token= here only, because EventSource cannot send headers.',
    auth: 'bearer-or-query',
    operation: {
      parameters: [
        { name: 'Last-Event-ID', in: 'header', required: false, description: 'Resume after this sequence number (wins over since).', schema: { type: 'integer', minimum: 0 } },
        { name: 'since', in: 'query', required: false, description: 'Start after this sequence number; without it, only new entries.', schema: { type: 'integer', minimum: 0 } },
        {
          name: 'type',
          in: 'query',
          required: false,
          description: 'Only these change types; repeat the parameter or give a comma list.',
          style: 'form',
          explode: true,
          schema: { type: 'array', items: { type: 'string', enum: [...CHANGE_TYPES] } },
        },
        { name: 'sku', in: 'query', required: false, description: 'Only entries about this SKU.', schema: { type: 'string' } },
        { name: 'token', in: 'query', required: false, description: 'The API token, for EventSource.', schema: { type: 'string' } },
      ],
      responses: {
        '200': { description: 'An endless text/event-stream.', content: { 'text/event-stream': { schema: { type: 'string' } } } },
        '401': { description: 'No or wrong token.', ...errorRef },
        '422': { description: 'A bad since, type, sku or Last-Event-ID.', ...errorRef },
      },
    },
  },
  {
    method: 'POST',
    path: `${API_PREFIX}/catalog/import.csv`,
    operationId: 'catalog.importFile',
    tag: 'catalog',
    summary:
      'Import a catalogue CSV sent as the raw request body (up to 100 MB), all or nothing; ?dryRun=true only checks it. ' +
      'Any encoding, delimiter and decimal mark (detected, or given), any header (with a mapping or a preset); the report says how the file was read (format), ' +
      'which rows were skipped (skipped) and which products were imported without their stock figure (countsLeftOut).',
    auth: 'bearer',
    operation: {
      parameters: [
        { name: 'dryRun', in: 'query', required: false, schema: { type: 'string', enum: ['true', 'false'] } },
        { name: 'name', in: 'query', required: false, description: 'The file name, for the report.', schema: { type: 'string', maxLength: 200 } },
        {
          name: 'encoding',
          in: 'query',
          required: false,
          description: 'The bytes\' encoding; detected when left out (a BOM, UTF-16 zero bytes, else UTF-8, else Windows-1252).',
          schema: { type: 'string', enum: [...CSV_ENCODINGS] },
        },
        { name: 'delimiter', in: 'query', required: false, description: 'Detected when left out.', schema: { type: 'string', enum: [...CSV_DELIMITERS] } },
        {
          name: 'decimal',
          in: 'query',
          required: false,
          description: 'How prices write decimals: point (12.50) or comma (12,50, with . or space as thousands separator); detected from the price cells when left out.',
          schema: { type: 'string', enum: [...DECIMAL_MARKS] },
        },
        {
          name: 'preset',
          in: 'query',
          required: false,
          description:
            "Read Shopify's or WooCommerce's product export: their columns, Shopify's variant and image rows, WooCommerce's parent products. Rows left out are listed in the report's skipped; a product imported without its negative stock figure, in countsLeftOut.",
          schema: { type: 'string', enum: [...IMPORT_PRESETS] },
        },
        {
          name: 'mapping',
          in: 'query',
          required: false,
          description:
            'JSON: for each Stockfeed field, the name of the file\'s column that fills it, e.g. {"sku":"Article number","title":"Name","price":"Price"}; ' +
            'columns it does not name are ignored. Overrides the preset\'s columns.',
          schema: {
            type: 'string',
            contentMediaType: 'application/json',
            contentSchema: { type: 'object', propertyNames: { enum: [...IMPORT_FIELDS] }, additionalProperties: { type: 'string', minLength: 1, maxLength: 200 } },
          },
        },
      ],
      requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string', description: 'The file as it is (bytes in any supported encoding).' } } } },
      responses: {
        '200': { description: 'The import report, as catalog.import answers it.', ...json(schemaOf(importReportSchema, 'output')) },
        '413': { description: 'Larger than 100 MB.', ...errorRef },
        '422': { description: 'Bad rows, each listed with its row and column; nothing was imported.', ...errorRef },
      },
    },
  },
  {
    method: 'GET',
    path: `${API_PREFIX}/catalog/import-template.csv`,
    operationId: 'catalog.importTemplate',
    tag: 'catalog',
    summary: "A CSV file with Stockfeed's exact import header and one example product (in the shop's currency, at its default location) that imports as it is.",
    auth: 'bearer',
    operation: { responses: { '200': { description: 'The template, as an attachment.', content: { 'text/csv': { schema: { type: 'string' } } } } } },
  },
  {
    method: 'GET',
    path: `${API_PREFIX}/catalog/export.csv`,
    operationId: 'catalog.exportFile',
    tag: 'catalog',
    summary:
      "The catalogue and its stock per location as a streamed CSV attachment; with the Products list's filter (the query parameters of GET /products), only the products it matches.",
    auth: 'bearer',
    operation: {
      parameters: [
        { name: 'query', in: 'query', required: false, schema: { type: 'string', maxLength: 200 }, description: 'Search by SKU prefix, title or GTIN.' },
        { name: 'status', in: 'query', required: false, schema: { type: 'string', enum: [...PRODUCT_STATUSES] } },
        { name: 'stock', in: 'query', required: false, schema: { type: 'string', enum: [...STOCK_FILTERS] } },
        { name: 'location', in: 'query', required: false, schema: { type: 'string' }, description: 'A location code: products with stock there.' },
        { name: 'itemGroupId', in: 'query', required: false, schema: { type: 'string' } },
        {
          name: 'duplicateGtin',
          in: 'query',
          required: false,
          schema: { type: 'boolean' },
          description: 'Only products whose barcode another product has too (left from before GTINs were unique).',
        },
      ],
      responses: {
        '200': { description: 'The CSV file.', content: { 'text/csv': { schema: { type: 'string' } } } },
        '422': { description: 'A filter value that is not valid (such as an unknown location).', ...errorRef },
      },
    },
  },
  channelRoute('shopify', 'Shopify', 'X-Shopify-Hmac-Sha256', 'X-Shopify-Topic'),
  channelRoute('woocommerce', 'WooCommerce', 'X-WC-Webhook-Signature', 'X-WC-Webhook-Topic'),
];
