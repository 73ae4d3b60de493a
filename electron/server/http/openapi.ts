/**
 * The OpenAPI 3.1 document of the REST API, generated at run time from the contract (each
 * operation's zod schemas through z.toJSONSchema), plus descriptions of the few routes that are
 * not contract operations (streams, files, signed channel webhooks). Nothing here is written by
 * hand per operation, so the document cannot drift from what the server parses.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { contract, OPERATION_NAMES, pathParams, type OperationName, type OperationSpec } from '../../../shared/contract';
import { operationRole } from '../../../shared/operation-roles';
import { ERROR_STATUS } from '../../../shared/errors';
import { changeSchema } from '../../../shared/schemas/changes';
import { API_PREFIX } from './routes';
import { EXTRA_ROUTES, type RouteDoc } from './openapi-extra-routes';
import { PUBLIC_ROUTE } from './route-auth';

export const OPENAPI_PATH = `${API_PREFIX}/openapi.json`;

type JsonSchema = Record<string, unknown>;
type Operation = Record<string, unknown>;
export type OpenApiDocument = {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: Array<{ url: string }>;
  security: Array<Record<string, string[]>>;
  tags: Array<{ name: string }>;
  paths: Record<string, Record<string, Operation>>;
  /** What Stockfeed sends to webhook subscribers (OpenAPI 3.1's outgoing webhooks). */
  webhooks: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema>; responses: Record<string, JsonSchema> };
};

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1) for one side of a zod schema. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  // Transforms and refinements have no JSON Schema form; their input (or output) side is described.
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

/** `/products/:idOrSku` → `/api/v1/products/{idOrSku}`. */
export function openApiPath(fastifyPath: string): string {
  return fastifyPath.replace(/:([A-Za-z]+)/g, '{$1}');
}

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: Object.keys(ERROR_STATUS) },
        message: { type: 'string', description: 'A sentence for a person.' },
        details: { description: 'Structured details; for validation_failed, `issues: [{ path, message }]` naming every bad field.' },
      },
    },
  },
};

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

function contractOperation(name: string, spec: OperationSpec): Operation {
  const input = jsonSchemaOf(spec.input, 'input');
  const properties = { ...((input.properties as Record<string, JsonSchema> | undefined) ?? {}) };
  const required = new Set((input.required as string[] | undefined) ?? []);
  const parameters: Operation[] = [];
  for (const param of pathParams(spec)) {
    parameters.push({ name: param, in: 'path', required: true, schema: properties[param] ?? { type: 'string' } });
    delete properties[param];
  }
  if ('idempotencyKey' in properties) {
    if (spec.method !== 'GET') {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'A repeat with the same key returns the first result and changes nothing.',
        schema: { type: 'string', maxLength: 255 },
      });
    }
    delete properties.idempotencyKey;
  }
  const role = operationRole(name as OperationName);
  const operation: Operation = {
    operationId: name,
    tags: [name.split('.')[0] as string],
    summary: spec.summary,
    description: `Needs the ${role} role (or the API token); a person with a lower role gets 403.`,
    'x-stockfeed-role': role,
  };
  const rest: JsonSchema = { ...input, properties };
  rest.required = [...required].filter((k) => k in properties);
  if ((rest.required as string[]).length === 0) delete rest.required;
  if (spec.method === 'GET') {
    for (const [field, schema] of Object.entries(properties)) {
      const isArray = schema.type === 'array';
      parameters.push({ name: field, in: 'query', required: required.has(field), schema, ...(isArray ? { style: 'form', explode: true } : {}) });
    }
  } else if (spec.arrayBody && properties[spec.arrayBody]) {
    // The body is the list itself (a PUT of a whole list), not an object holding it.
    operation.requestBody = { required: true, content: { 'application/json': { schema: properties[spec.arrayBody] } } };
  } else if (Object.keys(properties).length > 0) {
    operation.requestBody = { required: required.size > 0, content: { 'application/json': { schema: rest } } };
  }
  if (parameters.length > 0) operation.parameters = parameters;
  const status = String(spec.status ?? 200);
  operation.responses = {
    [status]: { description: 'Success', content: { 'application/json': { schema: jsonSchemaOf(spec.output, 'output') } } },
    '4XX': errorResponse('The request was refused; `error.code` says why (see the README for the codes and statuses).'),
    '5XX': errorResponse('Stockfeed failed; the error was logged.'),
  };
  if (spec.storefront) {
    operation.security = [{ bearerAuth: [] }, { sessionCookie: [] }, { storefrontToken: [] }];
    (operation.responses as Record<string, unknown>)['304'] = { description: 'Not modified: the If-None-Match ETag is still current.' };
  }
  return operation;
}

function extraOperation(route: RouteDoc): Operation {
  const operation: Operation = { operationId: route.operationId, tags: [route.tag], summary: route.summary, ...route.operation };
  if (route.auth === 'none' || route.auth === 'signature') operation.security = [];
  if (route.auth === 'bearer-or-query') operation.security = [{ bearerAuth: [] }, { sessionCookie: [] }, { queryToken: [] }];
  return operation;
}

/** The request a subscription's URL receives for each change (see the README's Webhooks section). */
function outgoingWebhook(): Operation {
  const header = (name: string, description: string, schema: JsonSchema) => ({ name, in: 'header', required: true, description, schema });
  return {
    operationId: 'webhook.change',
    summary: 'One change-log entry, POSTed to a subscription URL; answer 2xx, or it is retried with backoff and parked after maxAttempts.',
    security: [],
    parameters: [
      header('Stockfeed-Event-Id', 'The change sequence number; the same on every retry (use it to drop duplicates).', { type: 'string', pattern: '^[0-9]+$' }),
      header('Stockfeed-Event-Type', 'The change type.', { type: 'string' }),
      header('Stockfeed-Timestamp', 'Unix seconds when this attempt was signed.', { type: 'string', pattern: '^[0-9]+$' }),
      header('Stockfeed-Signature', '`v1=` + hex HMAC-SHA256 of "<timestamp>.<raw body>" with the subscription secret.', {
        type: 'string',
        pattern: '^v1=[0-9a-f]{64}$',
      }),
    ],
    requestBody: { required: true, content: { 'application/json': { schema: jsonSchemaOf(changeSchema, 'output') } } },
    responses: { '2XX': { description: 'Received; Stockfeed marks the delivery done.' } },
  };
}

/** The document for this build: every contract operation and every other route the server has. */
export function buildOpenApi(version: string): OpenApiDocument {
  const paths: Record<string, Record<string, Operation>> = {};
  const add = (method: string, fastifyPath: string, operation: Operation) => {
    const key = openApiPath(fastifyPath);
    (paths[key] ??= {})[method.toLowerCase()] = operation;
  };
  for (const name of OPERATION_NAMES) {
    const spec: OperationSpec = contract[name];
    add(spec.method, `${API_PREFIX}${spec.path}`, contractOperation(name, spec));
  }
  for (const route of EXTRA_ROUTES) add(route.method, route.path, extraOperation(route));
  const tags = [...new Set(Object.values(paths).flatMap((item) => Object.values(item).flatMap((op) => op.tags as string[])))].sort();
  return {
    openapi: '3.1.0',
    info: {
      title: 'Stockfeed API',
      version,
      description:
        'Stock and catalogue API of a Stockfeed server. Send `Authorization: Bearer <token>` (the token is in the data folder, ' +
        '`api-token`); a browser signs in once (`POST /api/v1/auth/login`) and sends its session cookie instead, with an ' +
        '`X-Stockfeed-Request` header on every change. Money is a decimal string. Every write accepts an `Idempotency-Key` header. ' +
        'Generated from the shared contract.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    tags: tags.map((name) => ({ name })),
    paths,
    webhooks: { change: { post: outgoingWebhook() } },
    components: {
      schemas: { Error: ERROR_SCHEMA },
      responses: {},
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'The API token.' },
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'stockfeed_session',
          description:
            'A browser session from POST /api/v1/auth/login (`__Host-stockfeed_session` over https). Changes made with it need the X-Stockfeed-Request header.',
        },
        storefrontToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'A storefront token (POST /api/v1/storefront-tokens, `sft_…`): accepted by the availability reads only; every other route answers it with 403.',
        },
        queryToken: {
          type: 'apiKey',
          in: 'query',
          name: 'token',
          description: 'The API token as `?token=`, accepted only by GET /api/v1/events because EventSource cannot send headers.',
        },
      },
    },
  };
}

/** Routes the server registered under /api/v1 that the document does not describe (should be none). */
export function undocumentedRoutes(doc: OpenApiDocument, routes: Array<{ method: string; url: string }>): string[] {
  return routes
    .filter((r) => r.url.startsWith(`${API_PREFIX}/`) && r.method !== 'HEAD' && r.method !== 'OPTIONS')
    .filter((r) => !doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()])
    .map((r) => `${r.method} ${r.url}`);
}

export function registerOpenApiRoute(app: FastifyInstance, version: string): void {
  let cached: OpenApiDocument | null = null;
  app.get(OPENAPI_PATH, { config: PUBLIC_ROUTE }, async (_request, reply) => {
    cached ??= buildOpenApi(version);
    return reply.header('Cache-Control', 'no-cache').send(cached);
  });
}

/**
 * Every method and path the server registered, read from Fastify's route tree (it has no list
 * API). Used to check that the document describes the whole API.
 */
export function registeredRoutes(app: FastifyInstance): Array<{ method: string; url: string }> {
  const out: Array<{ method: string; url: string }> = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!match) continue;
    const depth = (match[1] as string).length / 4;
    stack.length = depth;
    stack.push(match[2] as string);
    const methods = match[3];
    if (!methods) continue;
    for (const method of methods.split(',').map((m) => m.trim())) out.push({ method, url: stack.join('') });
  }
  return out;
}
