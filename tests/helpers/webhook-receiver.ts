/**
 * A webhook receiver on 127.0.0.1 for tests: records every request (headers and raw body) and
 * answers by a script of behaviours, then by a default one. Stockfeed refuses to call this
 * computer unless the owner allows it, so tests that deliver here turn the setting on first.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestCore } from './core';

/**
 * Turns `webhooks.allowPrivateNetwork` on or off through the real settings path (the contract's
 * settings.update), as the owner would for a local n8n or Node-RED.
 */
export async function allowPrivateNetwork(core: Pick<TestCore, 'call'>, allow = true): Promise<void> {
  const current = await core.call('settings.get', {});
  await core.call('settings.update', { ...current, webhooks: { allowPrivateNetwork: allow } });
}

export type Behaviour = 'ok' | 'fail' | 'hang';

export type ReceivedRequest = {
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  eventId: number;
  answeredWith: Behaviour;
  at: number;
};

export type Receiver = {
  url: string;
  requests: ReceivedRequest[];
  /** Behaviours for the next requests, in order; after them, `fallback`. */
  script: Behaviour[];
  fallback: Behaviour;
  delivered(): ReceivedRequest[];
  waitFor(predicate: (r: Receiver) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
};

export async function startReceiver(fallback: Behaviour = 'ok'): Promise<Receiver> {
  const hanging = new Set<http.ServerResponse>();
  const receiver: Receiver = {
    url: '',
    requests: [],
    script: [],
    fallback,
    delivered: () => receiver.requests.filter((r) => r.answeredWith === 'ok'),
    async waitFor(predicate, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (!predicate(receiver)) {
        if (Date.now() > until) throw new Error(`receiver: condition not met within ${timeoutMs} ms (${receiver.requests.length} requests so far)`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const behaviour = receiver.script.shift() ?? receiver.fallback;
      receiver.requests.push({
        headers: req.headers,
        rawBody: Buffer.concat(chunks).toString('utf8'),
        eventId: Number(req.headers['stockfeed-event-id']),
        answeredWith: behaviour,
        at: Date.now(),
      });
      if (behaviour === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(behaviour === 'ok' ? 200 : 503, { 'Content-Type': 'text/plain' });
      res.end(behaviour === 'ok' ? 'thanks' : 'receiver is down for maintenance');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/stockfeed`;
  return receiver;
}
