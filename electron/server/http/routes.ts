import type { FastifyInstance, FastifyRequest } from 'fastify';
import { contract, OPERATION_NAMES, pathParams, type Handlers, type OperationName, type OperationSpec } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { parseInput } from '../../../shared/validation';

export const API_PREFIX = '/api/v1';

/** Fastify's `:name` params are the contract's, so the path needs no translation. */
function acceptsIdempotencyKey(spec: OperationSpec): boolean {
  const shape = (spec.input as unknown as { shape?: Record<string, unknown> }).shape;
  return Boolean(shape && 'idempotencyKey' in shape);
}

/**
 * Gathers an operation's input from the request: path params, then the query (GET) or the JSON
 * body, and the Idempotency-Key header.
 */
function inputOf(spec: OperationSpec, request: FastifyRequest): Record<string, unknown> {
  let base: Record<string, unknown>;
  if (spec.method === 'GET') {
    base = { ...(request.query as Record<string, unknown>) };
  } else {
    const body = request.body;
    // No body means no fields; a JSON `null` or `""` is a body, and not an object (it must not
    // reset a whole settings document to its defaults).
    const json = String(request.headers['content-type'] ?? '').includes('json');
    if (body === undefined || (body === '' && !json)) base = {};
    else if (typeof body === 'object' && !Array.isArray(body)) base = { ...(body as Record<string, unknown>) };
    else throw new AppError('bad_request', 'The request body must be a JSON object');
  }
  const params = request.params as Record<string, string>;
  for (const name of pathParams(spec)) base[name] = params[name];
  const key = request.headers['idempotency-key'];
  if (spec.method !== 'GET' && acceptsIdempotencyKey(spec) && typeof key === 'string') base.idempotencyKey = key;
  return base;
}

/** One REST route per contract operation, each parsing its input with the contract's schema. */
export function registerContractRoutes(app: FastifyInstance, handlers: Handlers): void {
  for (const name of OPERATION_NAMES) {
    const spec: OperationSpec = contract[name];
    app.route({
      method: spec.method,
      url: `${API_PREFIX}${spec.path}`,
      handler: async (request, reply) => {
        const input = parseInput(spec.input, inputOf(spec, request));
        const run = handlers[name] as (input: unknown) => Promise<unknown>;
        const output = await run(input);
        reply.code(spec.status ?? 200);
        return output;
      },
    });
  }
}

export type { OperationName };
