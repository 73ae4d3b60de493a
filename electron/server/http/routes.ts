import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { contract, OPERATION_NAMES, pathParams, type AnswersAtHand, type Handlers, type OperationName, type OperationSpec } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { operationRole } from '../../../shared/operation-roles';
import { parseInput } from '../../../shared/validation';
import { actorOf } from './route-auth';
import type { Actor } from '../../../shared/schemas/actor';

export const API_PREFIX = '/api/v1';

/** Fastify's `:name` params are the contract's, so the path needs no translation. */
function acceptsIdempotencyKey(spec: OperationSpec): boolean {
  const shape = (spec.input as unknown as { shape?: Record<string, unknown> }).shape;
  return Boolean(shape && 'idempotencyKey' in shape);
}

/** What a route reads from every request besides its body, worked out once when it is registered. */
type RouteShape = { params: string[]; idempotencyKey: boolean };

/**
 * Gathers an operation's input from the request: path params, then the query (GET) or the JSON
 * body, and the Idempotency-Key header.
 */
function inputOf(spec: OperationSpec, shape: RouteShape, request: FastifyRequest): Record<string, unknown> {
  let base: Record<string, unknown>;
  if (spec.method === 'GET') {
    base = { ...(request.query as Record<string, unknown>) };
  } else {
    const body = request.body;
    // No body means no fields; a JSON `null` or `""` is a body, and not an object (it must not
    // reset a whole settings document to its defaults).
    const json = String(request.headers['content-type'] ?? '').includes('json');
    if (body === undefined || (body === '' && !json)) base = {};
    else if (spec.arrayBody && Array.isArray(body)) base = { [spec.arrayBody]: body };
    else if (typeof body === 'object' && !Array.isArray(body)) base = { ...(body as Record<string, unknown>) };
    else throw new AppError('bad_request', 'The request body must be a JSON object');
  }
  const params = request.params as Record<string, string>;
  for (const name of shape.params) base[name] = params[name];
  const key = request.headers['idempotency-key'];
  if (spec.method !== 'GET' && shape.idempotencyKey && typeof key === 'string') base.idempotencyKey = key;
  return base;
}

/**
 * Body and ETag per answer object. The read cache hands out the same (never changed) object for a
 * SKU until the change log invalidates it, so a cached availability answer is serialised and
 * hashed once rather than on every request (JSON and SHA-256 cost about 2 µs of a ~75 µs read,
 * measured in the serve bench); an object the cache dropped is collected with its
 * entry here. Other answers (lists, built afresh per request) are rendered each time.
 */
const renderedAnswers = new WeakMap<object, { body: string; etag: string }>();

function rendered(output: unknown): { body: string; etag: string } {
  const known = typeof output === 'object' && output !== null ? renderedAnswers.get(output) : undefined;
  if (known) return known;
  const body = JSON.stringify(output);
  const answer = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
  if (typeof output === 'object' && output !== null) renderedAnswers.set(output, answer);
  return answer;
}

/**
 * A storefront asks again on every page view: the answer carries a strong ETag of its body and
 * must be revalidated every time (never served stale from a cache), and a matching If-None-Match
 * gets 304 with no body.
 */
function revalidated(request: FastifyRequest, reply: FastifyReply, output: unknown): unknown {
  const { body, etag } = rendered(output);
  // Lower case, as in server.ts's onSend hook: Fastify lowers any other name on every call.
  reply.header('etag', etag);
  reply.header('cache-control', 'max-age=0, must-revalidate');
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*')) {
    reply.code(304);
    return '';
  }
  reply.type('application/json; charset=utf-8');
  return body;
}

/** Most storefront inputs a server remembers the parse of, and the longest URL it remembers one for. */
const PARSED_INPUTS = 5_000;
const PARSED_URL_LENGTH = 512;

/**
 * A storefront route's input, parsed with the contract's schema once per distinct request and then
 * remembered: a storefront asks for the same SKUs over and over, and a parse (zod, the NUL check,
 * the object built from query and params) was a measurable part of a cached read. The parse depends
 * on the route's path and query only, and its result is never changed by the handlers, so
 * remembering it changes no answer (a refused input is never remembered: it is refused each time).
 * The memory is bounded (so many URLs of so many characters): a client sending new URLs only makes
 * its own requests pay the full parse.
 */
function rememberedInputs(spec: OperationSpec, shape: RouteShape): (request: FastifyRequest) => unknown {
  const parsed = new Map<string, unknown>();
  return (request) => {
    const key = request.url;
    const known = parsed.get(key);
    if (known !== undefined) return known;
    const input = parseInput(spec.input, inputOf(spec, shape, request)) as unknown;
    if (key.length <= PARSED_URL_LENGTH) {
      if (parsed.size >= PARSED_INPUTS) parsed.clear();
      parsed.set(key, input);
    }
    return input;
  };
}

/**
 * One REST route per contract operation, each needing the operation's role, parsing its input with
 * the contract's schema, and running as whoever made the request (its writes record them).
 *
 * The storefront's reads (the availability routes) take a shorter way, because a storefront asks
 * at page-view rates: an answer the core has at hand (AnswersAtHand: the in-process cache) is sent
 * at once as its ready bytes and ETag, with no promise made or awaited; otherwise the handler reads
 * it. They are given no actor: they only read, so there is no write to record anyone for.
 */
export function registerContractRoutes(app: FastifyInstance, handlers: Handlers, atHand: AnswersAtHand = {}): void {
  for (const name of OPERATION_NAMES) {
    const spec: OperationSpec = contract[name];
    // Per route, not per request: matching the path's parameters cost about 1% of a cached read.
    const shape: RouteShape = { params: pathParams(spec), idempotencyKey: acceptsIdempotencyKey(spec) };
    const run = handlers[name] as (input: unknown, actor?: Actor) => Promise<unknown>;
    const status = spec.status ?? 200;
    app.route({
      method: spec.method,
      url: `${API_PREFIX}${spec.path}`,
      // Deny by default: only the operations the contract marks take a storefront token.
      config: { role: operationRole(name), ...(spec.storefront ? { auth: 'token-or-storefront' as const } : {}) },
      handler: spec.storefront
        ? storefrontHandler(rememberedInputs(spec, shape), run, atHand[name] as ((input: unknown) => unknown) | undefined, status)
        : async (request, reply) => {
            const input = parseInput(spec.input, inputOf(spec, shape, request));
            const output = await run(input, actorOf(request.authenticated));
            reply.code(status);
            return output;
          },
    });
  }
}

/** A storefront read: from what is at hand when it is, else from the handler; revalidated either way. */
function storefrontHandler(
  inputOf: (request: FastifyRequest) => unknown,
  run: (input: unknown) => Promise<unknown>,
  atHand: ((input: unknown) => unknown) | undefined,
  status: number,
): (request: FastifyRequest, reply: FastifyReply) => unknown {
  return (request, reply) => {
    const input = inputOf(request);
    const ready = atHand?.(input);
    reply.code(status);
    if (ready !== undefined) return revalidated(request, reply, ready);
    return run(input).then((output) => revalidated(request, reply, output));
  };
}

export type { OperationName };
