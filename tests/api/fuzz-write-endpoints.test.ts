/**
 * Throws thousands of malformed bodies at every write endpoint of the contract and at the channel
 * webhooks: random JSON, wrong types, huge numbers, hostile unicode, deep nesting, wrong content
 * types, truncated JSON, invalid UTF-8. Every answer must be a 4xx in the API's error shape (never a
 * 500, never a success), and afterwards the ledger must still equal the stock levels and the server
 * must still answer. Deterministic: a fixed seed drives every choice.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import type { Logger } from '../../electron/core/logger';
import { signBase64Hmac } from '../../electron/core/channels/signature';
import { contract, OPERATION_NAMES, type OperationSpec } from '../../shared/contract';
import { isErrorBody } from '../../shared/errors';
import { productInput, startCore, type TestCore } from '../helpers/core';

const TOKEN = 'fuzz-token-0123456789abcdef';
const SECRET = 'fuzz-channel-secret-0123456789';
const SEED = 0x5eed_f00d;
const BODIES_PER_ENDPOINT = 100;
const BODIES_PER_CHANNEL = 450;

/** mulberry32: small, fast and reproducible. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  return { next, int, pick };
}
type Rng = ReturnType<typeof rng>;

const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\udfff\ud800',
  '🧨💥'.repeat(50),
  '\u202eevil\u202c',
  'Ω≈ç√∫˜µ≤≥÷',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  "'; DROP TABLE movements; --",
  '%s%n%x',
  'x'.repeat(70_000),
  '1e309',
  'NaN',
  '-0',
  '0x10',
  'true',
  'null',
  '2026-13-45T99:99:99Z',
];
// 2^53 + 1 is no longer here: channel webhooks read it exactly, and as an order id it is valid
// (Shopify's ids are 64-bit). 2^63 is just past every 64-bit id.
const HUGE_NUMBERS = [1e308, -1e308, 2 ** 63, -(2 ** 63), 2 ** 64, 1e-320, 0.1 + 0.2, 3.5, -1];

function randomJson(r: Rng, depth = 0): unknown {
  const kind = r.int(depth > 3 ? 5 : 8);
  switch (kind) {
    case 0:
      return r.pick(HOSTILE_STRINGS);
    case 1:
      return r.pick(HUGE_NUMBERS);
    case 2:
      return r.next() < 0.5;
    case 3:
      return null;
    case 4:
      return r.int(2_000_000_000) - 1_000_000_000;
    case 5:
    case 6: {
      const out: Record<string, unknown> = {};
      const keys = 1 + r.int(5);
      for (let i = 0; i < keys; i++) out[r.pick(['a', 'sku', 'quantity', 'id', '__proto__x', 'constructor', '', '🔑', 'line_items'])] = randomJson(r, depth + 1);
      return out;
    }
    default:
      return Array.from({ length: r.int(4) }, () => randomJson(r, depth + 1));
  }
}

/** A value that no field schema accepts: an object where a scalar belongs and vice versa. */
function wrongValue(r: Rng): unknown {
  return r.pick([{ nested: { deeper: [1, 2, 3] } }, [{}], { length: 1e308 }, [[[[[]]]]], { $gt: '' }, [null]]);
}

function nested(depth: number, open: string, close: string, inner = '1'): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

type FuzzBody = { label: string; payload: string | Buffer; contentType: string | null };

/** One malformed body: every category is malformed by construction, not by luck. */
function malformedBody(r: Rng, fields: string[]): FuzzBody {
  const json = (label: string, value: unknown): FuzzBody => ({ label, payload: JSON.stringify(value), contentType: 'application/json' });
  switch (r.int(11)) {
    case 0: {
      // Not an object at all.
      const value = r.pick<unknown>([r.pick(HUGE_NUMBERS), r.pick(HOSTILE_STRINGS), true, [randomJson(r)], []]);
      return json('non-object JSON', value);
    }
    case 1: {
      // Every declared field with a value of the wrong kind.
      const body: Record<string, unknown> = {};
      for (const f of fields.length > 0 ? fields : ['unexpected']) body[f] = wrongValue(r);
      return json('wrong types', body);
    }
    case 2: {
      // Declared fields plus huge numbers and unicode, and one unknown field.
      const body: Record<string, unknown> = { [`unknown_${r.int(1000)}`]: randomJson(r) };
      for (const f of fields) body[f] = r.next() < 0.5 ? r.pick(HUGE_NUMBERS) : wrongValue(r);
      return json('huge numbers', body);
    }
    case 3: {
      const full = JSON.stringify(Object.fromEntries(fields.map((f) => [f, randomJson(r)])).valueOf() ?? {});
      const cut = Math.max(1, Math.min(full.length - 1, 1 + r.int(Math.max(1, full.length - 1))));
      return { label: 'truncated JSON', payload: full.length > 2 ? full.slice(0, cut) : '{"a":', contentType: 'application/json' };
    }
    case 4: {
      const depth = r.pick([64, 1_000, 20_000, 100_000]);
      const payload = r.next() < 0.5 ? nested(depth, '[', ']') : `{"${fields[0] ?? 'a'}":${nested(depth, '{"a":', '}')}}`;
      return { label: `nesting ${depth}`, payload, contentType: 'application/json' };
    }
    case 5:
      return {
        label: 'wrong content type',
        payload: r.pick(['sku=A&quantity=1', '<order><sku>A</sku></order>', 'just text', '--b\r\nContent-Disposition: form-data; name="sku"\r\n\r\nA\r\n--b--']),
        contentType: r.pick(['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=b', 'application/octet-stream', 'image/png']),
      };
    case 6:
      return { label: 'invalid UTF-8', payload: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]), contentType: 'application/json; charset=utf-8' };
    case 7:
      return { label: 'prototype pollution', payload: `{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}},"${fields[0] ?? 'a'}":{}}`, contentType: 'application/json' };
    case 8:
      return { label: 'not JSON', payload: r.pick(['{sku: A}', "{'sku':'A'}", '{"a":1,}', 'NaN', '\ufeff{"a":', '{"a":1}{"b":2}', '[1,2', '"unterminated']), contentType: 'application/json' };
    case 9:
      return { label: 'empty body with JSON type', payload: '', contentType: 'application/json' };
    default: {
      const body: Record<string, unknown> = {};
      // Objects with hostile keys where scalars and lists belong.
      for (const f of fields) body[f] = { [r.pick(HOSTILE_STRINGS)]: r.pick(HOSTILE_STRINGS), [r.pick(HOSTILE_STRINGS)]: [r.pick(HOSTILE_STRINGS)] };
      if (fields.length === 0) body['\u0000'] = 1;
      return json('hostile structures', body);
    }
  }
}

const PARAM_VALUES = ['not-a-uuid', '00000000-0000-0000-0000-000000000000', '%00', '..%2F..%2Fetc', '%F0%9F%A7%A8', 'x'.repeat(600), '1e309', '%ZZ'];

function fieldsOf(spec: OperationSpec): string[] {
  const shape = (spec.input as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape).filter((k) => k !== 'idempotencyKey') : [];
}

describe('fuzz: malformed bodies at every write endpoint', () => {
  let core: TestCore;
  let app: FastifyInstance;
  const logged: string[] = [];
  const logger: Logger = { info: () => {}, warn: () => {}, error: (m) => void logged.push(m) };

  beforeAll(async () => {
    core = await startCore('sqlite');
    app = await createApiServer({ core, token: TOKEN, version: 'fuzz', logger, rateLimit: false });
    await core.call('products.create', productInput('FUZZ-1'));
    await core.call('stock.receive', { sku: 'FUZZ-1', quantity: 25 });
    await core.call('reservations.create', { sku: 'FUZZ-1', quantity: 5, reference: 'FUZZ-ORDER' });
    const settings = await core.call('settings.get', {});
    await core.call('settings.update', { ...settings, channels: { shopify: { secret: SECRET }, woocommerce: { secret: SECRET } } });
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  const failures: string[] = [];
  let sent = 0;
  async function expectRefused(method: string, url: string, body: FuzzBody, headers: Record<string, string>) {
    const res = await app.inject({
      method: method as 'POST',
      url,
      headers: { ...headers, ...(body.contentType ? { 'content-type': body.contentType } : {}) },
      payload: body.payload,
    });
    sent++;
    let shapeOk: boolean;
    try {
      shapeOk = isErrorBody((res.json() as { error?: unknown }).error);
    } catch {
      shapeOk = false;
    }
    if (res.statusCode < 400 || res.statusCode >= 500 || !shapeOk) {
      const preview = (typeof body.payload === 'string' ? body.payload : body.payload.toString('hex')).slice(0, 120);
      failures.push(`${method} ${url} [${body.label}] → ${res.statusCode} ${res.body.slice(0, 160)} (body: ${preview})`);
    }
  }

  it('answers every malformed contract write with a 4xx in the error shape', async () => {
    const r = rng(SEED);
    const writes = OPERATION_NAMES.filter((name) => contract[name].method !== 'GET');
    expect(writes.length).toBeGreaterThan(10);
    for (const name of writes) {
      const spec: OperationSpec = contract[name];
      const fields = fieldsOf(spec);
      for (let i = 0; i < BODIES_PER_ENDPOINT; i++) {
        const url = `/api/v1${spec.path.replace(/:([A-Za-z]+)/g, () => r.pick(PARAM_VALUES))}`;
        await expectRefused(spec.method, url, malformedBody(r, fields), { authorization: `Bearer ${TOKEN}` });
      }
    }
    expect(failures, failures.slice(0, 20).join('\n')).toEqual([]);
  });

  it('answers every malformed channel webhook, signed or not, with a 4xx in the error shape', async () => {
    const r = rng(SEED + 1);
    const fields = ['id', 'name', 'line_items', 'status', 'refund_line_items', 'order_id'];
    const channels = [
      { url: '/api/v1/channels/shopify/orders', sig: 'x-shopify-hmac-sha256', topic: 'x-shopify-topic', topics: ['orders/create', 'orders/paid', 'orders/cancelled', 'refunds/create'] },
      { url: '/api/v1/channels/woocommerce/orders', sig: 'x-wc-webhook-signature', topic: 'x-wc-webhook-topic', topics: ['order.created', 'order.updated', 'order.deleted'] },
    ];
    for (const channel of channels) {
      for (let i = 0; i < BODIES_PER_CHANNEL; i++) {
        const body = malformedBody(r, fields);
        const signed = r.next() < 0.75;
        const signature = signed ? signBase64Hmac(body.payload, SECRET) : r.pick(['', 'AAAA', '%%%', signBase64Hmac('other', SECRET), 'x'.repeat(5000)]);
        await expectRefused('POST', channel.url, body, { [channel.sig]: signature, [channel.topic]: r.pick(channel.topics), 'x-shopify-webhook-id': `fuzz-${i}` });
      }
    }
    expect(failures, failures.slice(0, 20).join('\n')).toEqual([]);
  });

  it('still has a ledger equal to the stock levels, unchanged stock, and a server that answers', async () => {
    expect(sent).toBeGreaterThan(3000);
    expect((await core.checkLedger()).ok).toBe(true);
    expect(await core.call('stock.get', { sku: 'FUZZ-1' })).toMatchObject({ onHand: 25, committed: 5 });
    const health = await app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(health.statusCode).toBe(200);
    const list = await app.inject({ method: 'GET', url: '/api/v1/products', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(list.statusCode).toBe(200);
    expect(logged, 'no request failed inside the server').toEqual([]);
  });
});
