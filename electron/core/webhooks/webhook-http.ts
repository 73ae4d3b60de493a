/**
 * One webhook POST over node:http(s) with kept-alive connections. Plain http.request costs the
 * event loop a fraction of what fetch does per request, and the worker shares that loop with the
 * stock engine.
 */
import http from 'node:http';
import https from 'node:https';

export type PostResult = { status: number; snippet: string };

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16 });

/** What an error answer may leave in the delivery log. */
const SNIPPET_BYTES = 300;

/**
 * Sends `body` and resolves with the status and the start of an error answer. Rejects on a
 * network error or when `signal` aborts (the caller's timeout, or shutdown).
 */
export function postJson(url: string, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : http;
    const payload = Buffer.from(body, 'utf8');
    const request = client.request(
      target,
      {
        method: 'POST',
        agent: target.protocol === 'https:' ? httpsAgent : httpAgent,
        headers: { ...headers, 'Content-Length': String(payload.length) },
        signal,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        const ok = status >= 200 && status < 300;
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          // Read to the end (the connection can then be reused) but keep only the start.
          if (!ok && size < SNIPPET_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('end', () => {
          const snippet = Buffer.concat(chunks).toString('utf8').slice(0, SNIPPET_BYTES).replace(/\s+/g, ' ').trim();
          resolve({ status, snippet });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}
