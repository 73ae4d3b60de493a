/**
 * A local IndexNow engine on 127.0.0.1 that checks every request the way the protocol defines it
 * (https://www.indexnow.org/documentation) and answers like an engine: 400/403/422 for what it
 * refuses, scripted answers (429, 500, …) for retry tests, 200 otherwise.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const KEY = /^[a-zA-Z0-9-]{8,128}$/;
const MAX_URLS = 10_000;

export type IndexNowRequest = {
  method: string;
  path: string;
  contentType: string | undefined;
  body: { host: string; key: string; keyLocation?: string; urlList: string[] };
};

export type ScriptedAnswer = { status: number; retryAfter?: string; body?: string };

export type IndexNowEndpointOptions = {
  /**
   * Where the shop's key file is deployed (the publish folder); the engine "fetches" the key
   * location from here and answers 403 when the file is missing or holds anything but the key.
   */
  keyFolder?: () => string;
};

export type IndexNowEndpoint = {
  /** Base URL to put in settings.indexNow.engine. */
  url: string;
  /** Every request that passed the protocol checks, in order. */
  accepted: IndexNowRequest[];
  /** Every protocol violation seen (a correct client leaves this empty). */
  violations: string[];
  /** Answers to give, in order, before falling back to 200 (each is used once). */
  script(...answers: ScriptedAnswer[]): void;
  /** Holds answers until `release()` is called (for coalescing tests). */
  hold(): void;
  release(): void;
  /** Number of requests received, accepted or not. */
  count(): number;
  close(): Promise<void>;
};

/** Checks one request against the protocol; returns the violations (empty when valid). */
export function checkIndexNowRequest(method: string, url: string, contentType: string | undefined, raw: string): { problems: string[]; body?: IndexNowRequest['body'] } {
  const problems: string[] = [];
  if (method !== 'POST') problems.push(`method must be POST, got ${method}`);
  if (url !== '/indexnow') problems.push(`path must be /indexnow, got ${url}`);
  if (contentType !== 'application/json; charset=utf-8') problems.push(`content-type must be "application/json; charset=utf-8", got "${String(contentType)}"`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { problems: [...problems, 'body is not JSON'] };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { problems: [...problems, 'body must be a JSON object'] };
  const body = parsed as Record<string, unknown>;
  const extra = Object.keys(body).filter((k) => !['host', 'key', 'keyLocation', 'urlList'].includes(k));
  if (extra.length > 0) problems.push(`unknown fields: ${extra.join(', ')}`);
  const { host, key, keyLocation, urlList } = body;
  if (typeof host !== 'string' || host === '' || host.includes('/')) problems.push('host must be a host name');
  if (typeof key !== 'string' || !KEY.test(key)) problems.push('key must be 8–128 characters of a-z A-Z 0-9 -');
  if (keyLocation !== undefined) {
    if (typeof keyLocation !== 'string') problems.push('keyLocation must be a string');
    else {
      try {
        const loc = new URL(keyLocation);
        if (loc.host !== host) problems.push(`keyLocation ${keyLocation} is not on host ${String(host)}`);
        if (!loc.pathname.endsWith(`/${String(key)}.txt`)) problems.push(`keyLocation must name ${String(key)}.txt`);
      } catch {
        problems.push(`keyLocation ${keyLocation} is not an absolute URL`);
      }
    }
  }
  if (!Array.isArray(urlList) || urlList.length === 0) problems.push('urlList must be a non-empty array');
  else {
    if (urlList.length > MAX_URLS) problems.push(`urlList has ${urlList.length} URLs, the maximum is ${MAX_URLS}`);
    if (new Set(urlList).size !== urlList.length) problems.push('urlList has duplicates');
    for (const u of urlList) {
      try {
        const parsedUrl = new URL(String(u));
        if (parsedUrl.host !== host) {
          problems.push(`URL ${String(u)} is not on host ${String(host)}`);
          break;
        }
      } catch {
        problems.push(`${String(u)} is not an absolute URL`);
        break;
      }
    }
  }
  return problems.length > 0 ? { problems } : { problems, body: body as IndexNowRequest['body'] };
}

export async function startIndexNowEndpoint(options: IndexNowEndpointOptions = {}): Promise<IndexNowEndpoint> {
  const accepted: IndexNowRequest[] = [];
  const violations: string[] = [];
  const answers: ScriptedAnswer[] = [];
  let received = 0;
  let held: Array<() => void> | null = null;

  const server = http.createServer((req, res) => {
    received += 1;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, text = '', headers: Record<string, string> = {}) => {
        const send = () => res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(text);
        if (held) held.push(send);
        else send();
      };
      const { problems, body } = checkIndexNowRequest(req.method ?? '', req.url ?? '', req.headers['content-type'], Buffer.concat(chunks).toString('utf8'));
      if (problems.length > 0 || !body) {
        violations.push(...problems);
        const unprocessable = problems.some((p) => p.includes('not on host'));
        return answer(unprocessable ? 422 : 400, problems.join('; '));
      }
      if (options.keyFolder) {
        const file = path.join(options.keyFolder(), `${body.key}.txt`);
        const content = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
        if (content !== body.key) return answer(403, `key file ${body.key}.txt not found or not matching`);
      }
      accepted.push({ method: req.method ?? '', path: req.url ?? '', contentType: req.headers['content-type'], body });
      const next = answers.shift();
      if (next) return answer(next.status, next.body ?? '', next.retryAfter ? { 'retry-after': next.retryAfter } : {});
      return answer(200);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as import('node:net').AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    accepted,
    violations,
    script: (...list) => void answers.push(...list),
    hold: () => {
      held = [];
    },
    release: () => {
      const pending = held ?? [];
      held = null;
      for (const send of pending) send();
    },
    count: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
