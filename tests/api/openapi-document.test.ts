import Ajv2020 from 'ajv/dist/2020.js';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApi, openApiPath, registeredRoutes, undocumentedRoutes, type OpenApiDocument } from '../../electron/server/http/openapi';
import { createApiServer } from '../../electron/server/http/server';
import { silentLogger } from '../../electron/core/logger';
import { contract, OPERATION_NAMES, pathParams, type OperationSpec } from '../../shared/contract';
import { startCore, type TestCore } from '../helpers/core';

const TOKEN = 'openapi-token-0123456789abcdef';
type Operation = {
  operationId: string;
  parameters?: Array<{ name: string; in: string; required: boolean; schema: object }>;
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
  security?: unknown[];
};

/** Every schema object in an operation: parameters, request body, responses. */
function schemasOf(op: Operation): object[] {
  return [
    ...(op.parameters ?? []).map((p) => p.schema),
    ...Object.values(op.requestBody?.content ?? {}).map((c) => c.schema),
    ...Object.values(op.responses).flatMap((r) => Object.values(r.content ?? {}).map((c) => c.schema)),
  ];
}

describe('GET /api/v1/openapi.json', () => {
  let core: TestCore;
  let app: FastifyInstance;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    core = await startCore('sqlite', { webhooks: { worker: false } });
    app = await createApiServer({ core, token: TOKEN, version: '9.9.9', logger: silentLogger, rateLimit: false });
    const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    doc = res.json();
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  it('is OpenAPI 3.1 with the bearer and session-cookie schemes, served without a token', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Stockfeed API', version: '9.9.9' });
    expect(doc.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer', description: expect.any(String) });
    expect(doc.components.securitySchemes.sessionCookie).toEqual({ type: 'apiKey', in: 'cookie', name: 'stockfeed_session', description: expect.any(String) });
    expect(doc.security).toEqual([{ bearerAuth: [] }, { sessionCookie: [] }]);
    expect(doc.components.schemas.Error).toMatchObject({ required: ['error'] });
  });

  it('has every contract operation at its method and path, with its path, query and body parameters', () => {
    for (const name of OPERATION_NAMES) {
      const spec: OperationSpec = contract[name];
      const op = doc.paths[openApiPath(`/api/v1${spec.path}`)]?.[spec.method.toLowerCase()] as Operation | undefined;
      expect(op, `${name} at ${spec.method} ${spec.path}`).toBeDefined();
      if (!op) continue;
      expect(op.operationId).toBe(name);
      const params = op.parameters ?? [];
      for (const p of pathParams(spec)) expect(params).toContainEqual(expect.objectContaining({ name: p, in: 'path', required: true }));
      expect(op.responses[String(spec.status ?? 200)]?.content?.['application/json']).toBeDefined();
      expect(op.responses['4XX']).toBeDefined();
      if (spec.method !== 'GET') expect(params.some((p) => p.in === 'query')).toBe(false);
    }
    const list = doc.paths['/api/v1/products']?.get as Operation;
    expect(list.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(['query', 'limit', 'cursor', 'status']));
    const create = doc.paths['/api/v1/products']?.post as Operation;
    const body = create.requestBody?.content['application/json']?.schema as { properties: Record<string, unknown>; required: string[] };
    expect(body.required).toEqual(expect.arrayContaining(['sku', 'title', 'price']));
    expect(body.properties).not.toHaveProperty('idempotencyKey');
    expect(create.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }));
    expect(create.responses['201']).toBeDefined();
    const hook = doc.paths['/api/v1/webhooks/{id}'];
    expect(Object.keys(hook ?? {}).sort()).toEqual(['delete', 'patch']);
  });

  it('describes every schema as a JSON Schema (2020-12) that compiles', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema({ $id: 'doc', components: doc.components } as object);
    let count = 0;
    for (const item of Object.values(doc.paths)) {
      for (const op of Object.values(item) as Operation[]) {
        for (const schema of schemasOf(op)) {
          // $refs point into the document's components.
          const resolved = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/'));
          expect(() => ajv.compile(resolved), `${op.operationId}: ${JSON.stringify(schema).slice(0, 200)}`).not.toThrow();
          count++;
        }
      }
    }
    expect(count).toBeGreaterThan(OPERATION_NAMES.length * 2);
    // The schemas say what the server checks: a create without a title fails the body schema too.
    const body = (doc.paths['/api/v1/products']?.post as Operation).requestBody?.content['application/json']?.schema as object;
    const validate = ajv.compile(body);
    expect(validate({ sku: 'A-1', price: '1.00' })).toBe(false);
    expect(validate({ sku: 'A-1', title: 'A', price: '1.00' })).toBe(true);
  });

  it('is generated, not written by hand: the served document is the contract run through the generator', () => {
    expect(doc).toEqual(JSON.parse(JSON.stringify(buildOpenApi('9.9.9'))));
  });

  it('describes every route the server registers under /api/v1, and nothing it does not', () => {
    const routes = registeredRoutes(app);
    expect(routes).toContainEqual({ method: 'GET', url: '/api/v1/events' });
    expect(routes).toContainEqual({ method: 'DELETE', url: '/api/v1/webhooks/:id' });
    expect(undocumentedRoutes(doc, routes)).toEqual([]);
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) {
        const url = path.replace(/\{([A-Za-z]+)\}/g, ':$1');
        expect(app.hasRoute({ method: method.toUpperCase() as 'GET', url }), `${method} ${path} is documented but not served`).toBe(true);
      }
    }
  });

  it('describes the file import’s report from the same schema as catalog.import, counts left out apart from skipped rows', () => {
    const reportOf = (path: string) =>
      ((doc.paths[path]?.post as Operation).responses['200']?.content?.['application/json']?.schema ?? {}) as { properties?: object; required?: string[] };
    const file = reportOf('/api/v1/catalog/import.csv');
    expect(file).toEqual(reportOf('/api/v1/catalog/import'));
    expect(file.required).toEqual(expect.arrayContaining(['skipped', 'countsLeftOut', 'issues', 'format']));
    expect(file.properties).toMatchObject({ countsLeftOut: { type: 'array', items: { required: ['row', 'reason'] } } });
  });

  it('describes the outgoing webhook request with its signature headers', () => {
    const hook = (doc.webhooks.change as { post: Operation }).post;
    expect(hook.parameters?.map((p) => p.name)).toEqual(['Stockfeed-Event-Id', 'Stockfeed-Event-Type', 'Stockfeed-Timestamp', 'Stockfeed-Signature']);
    expect(hook.requestBody?.content['application/json']?.schema).toMatchObject({ required: expect.arrayContaining(['seq', 'type', 'payload']) });
  });

  it('marks the public, query-token and signature routes', () => {
    expect((doc.paths['/api/v1/health']?.get as Operation).security).toEqual([]);
    expect((doc.paths['/api/v1/openapi.json']?.get as Operation).security).toEqual([]);
    expect((doc.paths['/api/v1/events']?.get as Operation).security).toEqual([{ bearerAuth: [] }, { sessionCookie: [] }, { queryToken: [] }]);
    // Signing in and out is how one gets (or leaves) a session: no token needed.
    expect((doc.paths['/api/v1/auth/login']?.post as Operation).security).toEqual([]);
    expect((doc.paths['/api/v1/auth/logout']?.post as Operation).security).toEqual([]);
    expect((doc.paths['/api/v1/auth/me']?.get as Operation).security).toBeUndefined();
    for (const channel of ['shopify', 'woocommerce']) {
      const op = doc.paths[`/api/v1/channels/${channel}/orders`]?.post as Operation | undefined;
      if (op) expect(op.security).toEqual([]);
    }
  });
});
