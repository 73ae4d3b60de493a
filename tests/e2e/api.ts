/**
 * Calls contract operations on the test server over its REST API, for seeding data and for making
 * changes "from elsewhere" while a page is open. Paths and methods come from the contract.
 */
import { contract, pathParams, type Input, type OperationName, type Output } from '../../shared/contract';
import type { StockfeedServer } from './fixtures';

export async function apiCall<K extends OperationName>(server: StockfeedServer, name: K, input: Input<K>): Promise<Output<K>> {
  const spec = contract[name];
  const rest: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  let path: string = spec.path;
  for (const param of pathParams(spec)) {
    path = path.replace(`:${param}`, encodeURIComponent(String(rest[param])));
    delete rest[param];
  }
  const headers: Record<string, string> = { Authorization: `Bearer ${server.token}` };
  let url = `${server.origin}/api/v1${path}`;
  let body: string | undefined;
  if (spec.method === 'GET') {
    const query = new URLSearchParams(Object.entries(rest).map(([k, v]): [string, string] => [k, String(v)]));
    if (query.size > 0) url += `?${query.toString()}`;
  } else {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(rest);
  }
  const response = await fetch(url, { method: spec.method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${name} failed: ${response.status} ${text}`);
  return JSON.parse(text) as Output<K>;
}
