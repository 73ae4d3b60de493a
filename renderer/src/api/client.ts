/**
 * The renderer's one way to call the core. Every method is derived from the contract table: inside
 * Electron it goes through the preload bridge (IPC); in a browser it is an HTTP request to the
 * headless server, built by the same rules the server's routes read (see buildRequest).
 *
 * In a browser the page holds no credential: the server set an httpOnly session cookie at sign-in
 * (auth.ts), which the browser sends by itself. Every request carries the app's header
 * (APP_REQUEST_HEADERS), without which the server refuses a change made with that cookie.
 *
 * This module touches no DOM global: fetch comes in as an argument, so the request building is
 * unit-tested under Node.
 */
import { contract, OPERATION_NAMES, pathParams, type Client, type Input, type OperationName, type OperationSpec, type Output } from '../../../shared/contract';
import { ERROR_STATUS, type FieldIssue } from '../../../shared/errors';
import type { StockfeedBridge } from '../../../shared/bridge';
import { APP_REQUEST_HEADER } from '../../../shared/schemas/auth';

export const API_BASE = '/api/v1';

/** Sent with every request the app makes to its server (see shared/schemas/auth.ts). */
export const APP_REQUEST_HEADERS: Readonly<Record<string, string>> = { [APP_REQUEST_HEADER]: '1' };

/** Codes from the API, plus two the client raises itself when there is no API answer to read. */
export type ClientErrorCode = keyof typeof ERROR_STATUS | 'network' | 'bad_response';

/** A failed call, with the API's code, its sentence for a person, and its structured details. */
export class ClientError extends Error {
  readonly code: ClientErrorCode;
  readonly details: unknown;
  /** The HTTP status (or the status the code maps to over IPC); 0 when no answer came. */
  readonly status: number;

  constructor(code: ClientErrorCode, message: string, details: unknown, status: number) {
    super(message);
    this.name = 'ClientError';
    this.code = code;
    this.details = details;
    this.status = status;
  }

  /** The per-field problems of a validation error (`details.issues`), or none. */
  get issues(): FieldIssue[] {
    const issues = (this.details as { issues?: unknown } | null | undefined)?.issues;
    if (!Array.isArray(issues)) return [];
    return issues.filter(
      (i): i is FieldIssue => typeof i === 'object' && i !== null && typeof i.path === 'string' && typeof i.message === 'string',
    );
  }
}

/** Carries one operation to the core and back; the client is this plus the contract's names. */
export type Transport = (name: OperationName, input: unknown) => Promise<unknown>;

/** A client whose every method is the contract operation of the same name. */
export function createClient(transport: Transport): Client {
  const entries = OPERATION_NAMES.map((name) => [name, (input: unknown) => transport(name, input)] as const);
  // The map has exactly the contract's keys; the cast only narrows each method's types to its operation.
  return Object.fromEntries(entries) as unknown as Client;
}

function isKnownCode(code: unknown): code is keyof typeof ERROR_STATUS {
  return typeof code === 'string' && Object.hasOwn(ERROR_STATUS, code);
}

/** Inside Electron: the preload bridge answers `{ ok, value }` or `{ ok: false, error }`. */
export function bridgeTransport(bridge: StockfeedBridge): Transport {
  return async (name, input) => {
    const call = bridge[name] as (input: unknown) => Promise<{ ok: true; value: unknown } | { ok: false; error: { code: string; message: string; details?: unknown } }>;
    // Structured clone (IPC) cannot copy Vue's reactive proxies; a JSON copy is also exactly what
    // the HTTP transport would send, so both hosts see the same input.
    const result = await call(input === undefined ? undefined : JSON.parse(JSON.stringify(input)));
    if (result.ok) return result.value;
    const { code, message, details } = result.error;
    const known = isKnownCode(code) ? code : 'internal';
    throw new ClientError(known, message, details, ERROR_STATUS[known]);
  };
}

export type HttpRequest = {
  method: OperationSpec['method'];
  /** Path and query, below the origin: `/api/v1/products/ABC-1?x=y`. */
  url: string;
  headers: Record<string, string>;
  body?: string;
};

/**
 * The HTTP request for an operation: `:name` path segments from the input field of that name,
 * the other fields as the query (GET) or the JSON body, `idempotencyKey` as the Idempotency-Key
 * header, and the app's header.
 */
export function buildRequest<K extends OperationName>(name: K, input: Input<K>): HttpRequest {
  const spec: OperationSpec = contract[name];
  const rest: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  let path = spec.path;
  for (const param of pathParams(spec)) {
    const value = rest[param];
    if (value === undefined || value === null || value === '') {
      throw new ClientError('validation_failed', `${param} is required`, { issues: [{ path: param, message: `${param} is required` }] }, 422);
    }
    path = path.replace(`:${param}`, encodeURIComponent(String(value)));
    delete rest[param];
  }
  const headers: Record<string, string> = { Accept: 'application/json', ...APP_REQUEST_HEADERS };
  const url = `${API_BASE}${path}`;

  if (spec.method === 'GET') {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(rest)) {
      if (value === undefined || value === null) continue;
      query.append(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
    }
    const qs = query.toString();
    return { method: spec.method, url: qs ? `${url}?${qs}` : url, headers };
  }

  const key = rest.idempotencyKey;
  delete rest.idempotencyKey;
  if (typeof key === 'string' && key !== '') headers['Idempotency-Key'] = key;
  headers['Content-Type'] = 'application/json';
  return { method: spec.method, url, headers, body: JSON.stringify(rest) };
}

/** The smallest part of the Fetch API's Response the client reads. */
export type FetchResponse = { status: number; statusText: string; text(): Promise<string> };
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => Promise<FetchResponse>;

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: text === '' ? null : (JSON.parse(text) as unknown) };
  } catch {
    return { ok: false };
  }
}

/** Turns an error answer into a ClientError, preferring the API's `{ error: { code, message, details } }`. */
export function errorFromResponse(status: number, statusText: string, text: string): ClientError {
  const parsed = parseJson(text);
  const error = parsed.ok ? (parsed.value as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error : undefined;
  if (error && typeof error.message === 'string') {
    const code = isKnownCode(error.code) ? error.code : 'bad_response';
    return new ClientError(code, error.message, error.details, status);
  }
  const fallback: ClientErrorCode = status === 401 ? 'unauthorized' : status === 404 ? 'not_found' : 'bad_response';
  const label = statusText ? `${status} ${statusText}` : String(status);
  return new ClientError(fallback, `The server answered ${label} without an explanation`, undefined, status);
}

export type HttpTransportOptions = {
  fetch: FetchLike;
  /** Called on 401 (the session ended) before the error is thrown, so the UI can ask to sign in. */
  onUnauthorized?: (error: ClientError) => void;
};

/** In a browser: the headless server's REST API under /api/v1. */
export function httpTransport(options: HttpTransportOptions): Transport {
  return async (name, input) => {
    const request = buildRequest(name, input as Input<typeof name>);
    let response: FetchResponse;
    try {
      const init = request.body === undefined
        ? { method: request.method, headers: request.headers }
        : { method: request.method, headers: request.headers, body: request.body };
      response = await options.fetch(request.url, init);
    } catch {
      throw new ClientError('network', 'Stockfeed could not reach its server. Check that it is still running, then try again.', undefined, 0);
    }
    const text = await response.text();
    if (response.status < 200 || response.status >= 300) {
      const error = errorFromResponse(response.status, response.statusText, text);
      if (response.status === 401) options.onUnauthorized?.(error);
      throw error;
    }
    const parsed = parseJson(text);
    if (!parsed.ok) {
      throw new ClientError('bad_response', `The server's answer to ${name} was not JSON`, undefined, response.status);
    }
    return parsed.value as Output<typeof name>;
  };
}
