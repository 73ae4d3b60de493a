import { describe, expect, it } from 'vitest';
import { OPERATION_NAMES } from '../../shared/contract';
import type { IpcResult, StockfeedBridge } from '../../shared/bridge';
import {
  bridgeTransport,
  buildRequest,
  ClientError,
  createClient,
  httpTransport,
  type FetchLike,
  type FetchResponse,
} from '../../renderer/src/api/client';
import { productFixture } from '../helpers/fixtures';

type Call = { url: string; method: string; headers: Record<string, string>; body?: string };

/** A fetch that records the request and answers with the given status and body. */
function fakeFetch(status: number, body: unknown, statusText = ''): { fetch: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, ...init });
    const response: FetchResponse = {
      status,
      statusText,
      text: async () => (typeof body === 'string' ? body : JSON.stringify(body)),
    };
    return response;
  };
  return { fetch, calls };
}

const PRODUCT = productFixture();

describe('buildRequest', () => {
  it('puts GET fields in the query, skipping undefined and null, with the app header and no token', () => {
    const request = buildRequest('products.list', { query: 'mug & cup', limit: 20, cursor: undefined });
    expect(request.method).toBe('GET');
    expect(request.url).toBe('/api/v1/products?query=mug+%26+cup&limit=20');
    expect(request.headers['X-Stockfeed-Request']).toBe('1');
    expect(request.headers.Authorization).toBeUndefined();
    expect(request.body).toBeUndefined();
  });

  it('leaves the query string off when no field is left', () => {
    expect(buildRequest('settings.get', {}).url).toBe('/api/v1/settings');
  });

  it('fills :name path segments from the input, encoded, and removes them from the rest', () => {
    const request = buildRequest('products.get', { idOrSku: 'A/B C' });
    expect(request.url).toBe('/api/v1/products/A%2FB%20C');

    const update = buildRequest('products.update', { idOrSku: 'MUG-1', title: 'Big mug' });
    expect(update.method).toBe('PATCH');
    expect(update.url).toBe('/api/v1/products/MUG-1');
    expect(JSON.parse(update.body ?? '')).toEqual({ title: 'Big mug' });
  });

  it('sends other fields as a JSON body and the idempotency key as a header, not in the body', () => {
    const request = buildRequest('stock.receive', { sku: 'MUG-1', quantity: 5, idempotencyKey: 'key-1' });
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/api/v1/stock/receive');
    expect(request.headers['Idempotency-Key']).toBe('key-1');
    expect(request.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(request.body ?? '')).toEqual({ sku: 'MUG-1', quantity: 5 });
  });

  it('keeps null in a JSON body (it clears a field) and sends {} when only path params were given', () => {
    const update = buildRequest('products.update', { idOrSku: 'MUG-1', gtin: null });
    expect(JSON.parse(update.body ?? '')).toEqual({ gtin: null });
    const fulfil = buildRequest('reservations.fulfil', { id: PRODUCT.id });
    expect(fulfil.url).toBe(`/api/v1/reservations/${PRODUCT.id}/fulfil`);
    expect(fulfil.body).toBe('{}');
  });

  it('sends the app header with every change too (the server refuses a cookie-authenticated change without it)', () => {
    expect(buildRequest('stock.receive', { sku: 'MUG-1', quantity: 1 }).headers['X-Stockfeed-Request']).toBe('1');
  });

  it('refuses to build a path with a missing path parameter', () => {
    expect(() => buildRequest('products.get', { idOrSku: '' })).toThrow(ClientError);
  });
});

describe('httpTransport', () => {
  it('returns the parsed body on the contract status (201 for create)', async () => {
    const { fetch, calls } = fakeFetch(201, PRODUCT);
    const client = createClient(httpTransport({ fetch }));
    const product = await client['products.create']({ sku: 'mug-1', title: 'Mug', price: '12.50' });
    expect(product.sku).toBe('MUG-1');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe('/api/v1/products');
    expect(calls[0]?.method).toBe('POST');
  });

  it('sends no credential of its own: the browser adds the session cookie', async () => {
    const { fetch, calls } = fakeFetch(200, { products: [], next: null });
    const client = createClient(httpTransport({ fetch }));
    await client['products.list']({});
    expect(calls[0]?.headers).toEqual({ Accept: 'application/json', 'X-Stockfeed-Request': '1' });
  });

  it('turns an error body into a ClientError with code, message, details, status and field issues', async () => {
    const body = {
      error: {
        code: 'validation_failed',
        message: 'gtin: GTIN check digit is 3 but should be 5; check for a typing error',
        details: { issues: [{ path: 'gtin', message: 'GTIN check digit is 3 but should be 5; check for a typing error' }] },
      },
    };
    const { fetch } = fakeFetch(422, body);
    const client = createClient(httpTransport({ fetch }));
    const error = await client['products.create']({ sku: 'A', title: 'B', price: '1', gtin: '4006381333933' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    const clientError = error as ClientError;
    expect(clientError.code).toBe('validation_failed');
    expect(clientError.status).toBe(422);
    expect(clientError.message).toContain('check digit');
    expect(clientError.issues).toEqual([{ path: 'gtin', message: 'GTIN check digit is 3 but should be 5; check for a typing error' }]);
  });

  it('calls onUnauthorized on 401 before throwing', async () => {
    const { fetch } = fakeFetch(401, { error: { code: 'unauthorized', message: 'The API token is not valid' } });
    const seen: ClientError[] = [];
    const client = createClient(httpTransport({ fetch, onUnauthorized: (e) => seen.push(e) }));
    await expect(client['settings.get']({})).rejects.toMatchObject({ code: 'unauthorized', status: 401 });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.message).toBe('The API token is not valid');
  });

  it('explains an error answer that is not the API shape (a proxy page, for instance)', async () => {
    const { fetch } = fakeFetch(409, '<html>busy</html>', 'Conflict');
    const client = createClient(httpTransport({ fetch }));
    await expect(client['stock.get']({ sku: 'X' })).rejects.toMatchObject({
      code: 'bad_response',
      status: 409,
      message: 'The server answered 409 Conflict without an explanation',
    });
  });

  it('reports a network failure as code "network"', async () => {
    const fetch: FetchLike = async () => {
      throw new TypeError('Failed to fetch');
    };
    const client = createClient(httpTransport({ fetch }));
    await expect(client['settings.get']({})).rejects.toMatchObject({ code: 'network', status: 0 });
  });
});

describe('bridgeTransport', () => {
  function fakeBridge(answer: IpcResult<unknown>): { bridge: StockfeedBridge; seen: Array<[string, unknown]> } {
    const seen: Array<[string, unknown]> = [];
    const entries = OPERATION_NAMES.map((name) => [
      name,
      async (input: unknown) => {
        seen.push([name, input]);
        return answer;
      },
    ]);
    return { bridge: Object.fromEntries(entries) as unknown as StockfeedBridge, seen };
  }

  it('calls the operation of the same name and unwraps the value', async () => {
    const { bridge, seen } = fakeBridge({ ok: true, value: { products: [], next: null } });
    const client = createClient(bridgeTransport(bridge));
    await expect(client['products.list']({ query: 'mug' })).resolves.toEqual({ products: [], next: null });
    expect(seen).toEqual([['products.list', { query: 'mug' }]]);
  });

  it('throws a ClientError carrying the code, details and the status the code maps to', async () => {
    const { bridge } = fakeBridge({ ok: false, error: { code: 'insufficient_stock', message: 'Only 2 available', details: { available: 2 } } });
    const client = createClient(bridgeTransport(bridge));
    await expect(client['reservations.create']({ sku: 'A', quantity: 3, reference: 'o-1' })).rejects.toMatchObject({
      code: 'insufficient_stock',
      message: 'Only 2 available',
      details: { available: 2 },
      status: 409,
    });
  });
});

describe('createClient', () => {
  it('has exactly one method per contract operation', () => {
    const client = createClient(async () => null);
    expect(Object.keys(client).sort()).toEqual([...OPERATION_NAMES].sort());
  });
});
