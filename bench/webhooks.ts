/**
 * Webhook deliveries per second to a local receiver, beside the stock movement rate of the same
 * service load (the stock bench's) with and without a subscription, so the cost of writing the
 * outbox rows in the movement's transaction shows next to the delivery rate.
 */
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openCore, type Core } from '../electron/core/core';
import { contract, type Input, type OperationName, type Output } from '../shared/contract';
import { parseInput } from '../shared/validation';
import { int, line } from './measure';
import { serviceLoad, type ServiceResult, type StockBenchOptions } from './stock';

type Receiver = { url: string; received(): Promise<number>; close(): Promise<void> };

/**
 * A receiver in its own process (so its work does not share the core's event loop), answering 204
 * at once like a receiver that queues the event and returns. GET /count says how many it got.
 */
const RECEIVER_SOURCE = `
const http = require('node:http');
let received = 0;
const server = http.createServer((req, res) => {
  if (req.method === 'GET') { res.end(String(received)); return; }
  req.resume();
  req.on('end', () => { received++; res.writeHead(204).end(); });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

async function startReceiver(): Promise<Receiver> {
  const child = spawn(process.execPath, ['-e', RECEIVER_SOURCE], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  const base = `http://127.0.0.1:${chunk.toString().trim()}`;
  return {
    url: `${base}/hook`,
    received: async () => Number(await (await fetch(`${base}/count`)).text()),
    async close() {
      child.kill();
      await once(child, 'exit');
    },
  };
}

/** Calls an operation as every host does: input parsed by the contract first. */
function call<K extends OperationName>(core: Core, op: K, input: Input<K>): Promise<Output<K>> {
  return (core.handlers[op] as (i: unknown) => Promise<Output<K>>)(parseInput(contract[op].input, input));
}

async function countDeliveries(core: Core, status: string): Promise<number> {
  const row = (await core.db('webhook_deliveries').where({ status }).count({ n: '*' }).first()) as { n: number | string } | undefined;
  return Number(row?.n ?? 0);
}

/** Waits until no delivery is pending; returns the seconds it took. */
async function drain(core: Core, timeoutMs = 600_000): Promise<number> {
  const t0 = performance.now();
  while ((await countDeliveries(core, 'pending')) > 0) {
    if (performance.now() - t0 > timeoutMs) throw new Error('deliveries did not drain within 10 minutes');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return (performance.now() - t0) / 1000;
}

async function withCore<T>(dir: string, options: Parameters<typeof openCore>[0]['webhooks'], work: (core: Core) => Promise<T>): Promise<T> {
  const core = await openCore({ dataDir: dir, expirySweepMs: 0, webhooks: options });
  // The receiver listens on 127.0.0.1: the owner allows this computer, as for a local n8n.
  await call(core, 'settings.update', { ...(await call(core, 'settings.get', {})), webhooks: { allowPrivateNetwork: true } });
  try {
    return await work(core);
  } finally {
    await core.close();
  }
}

/** A backlog of `events` stock changes for `subscriptions` subscriptions, then the time to send it all. */
async function backlogDrain(dir: string, receiver: Receiver, subscriptions: number, events: number): Promise<{ deliveries: number; seconds: number }> {
  await withCore(dir, { worker: false }, async (core) => {
    await call(core, 'products.create', { sku: 'HOOK-BENCH', title: 'Webhook bench', price: '1.00' });
    for (let i = 0; i < subscriptions; i++) await call(core, 'webhooks.create', { url: receiver.url, eventTypes: ['stock.changed'] });
    for (let i = 0; i < events; i += 250) {
      const n = Math.min(250, events - i);
      await Promise.all(Array.from({ length: n }, () => call(core, 'stock.receive', { sku: 'HOOK-BENCH', quantity: 1 })));
    }
  });
  const before = await receiver.received();
  // Reopening with the worker on is the crash-recovery path: it resumes every pending delivery.
  return withCore(dir, {}, async (core) => {
    const seconds = await drain(core);
    return { deliveries: (await receiver.received()) - before, seconds };
  });
}

export type WebhookBenchResult = { plain: ServiceResult; withSubscription: ServiceResult; drainOne: number; drainFour: number };

export async function benchWebhooks(dir: string, options: StockBenchOptions): Promise<WebhookBenchResult> {
  console.log('\n[webhooks] webhook deliveries per second to a local receiver (127.0.0.1) — SQLite');
  const receiver = await startReceiver();
  try {
    const plain = await withCore(path.join(dir, 'wh-plain'), { worker: false }, (core) => serviceLoad(core, options));
    line('movements/s, no subscription', `${int(plain.perSecond)}  (the stock bench's load: ${options.callers} callers, one stock.receive each)`);

    const live = await withCore(path.join(dir, 'wh-live'), {}, async (core) => {
      await call(core, 'webhooks.create', { url: receiver.url, eventTypes: ['stock.changed'] });
      const t0 = performance.now();
      const before = await receiver.received();
      const result = await serviceLoad(core, options);
      const backlog = await countDeliveries(core, 'pending');
      await drain(core);
      const seconds = (performance.now() - t0) / 1000;
      return { result, backlog, delivered: (await receiver.received()) - before, seconds };
    });
    line('movements/s, one subscription', `${int(live.result.perSecond)}  (outbox row in each batch's transaction; worker sending meanwhile)`);
    line('  p99 latency ms', `${live.result.latency.p99.toFixed(1)} with, ${plain.latency.p99.toFixed(1)} without`);
    line('  deliveries during the run', `${int(live.delivered)} in ${live.seconds.toFixed(1)} s (${int(live.delivered / live.seconds)}/s); backlog when writes stopped: ${int(live.backlog)}`);

    const events = 3000;
    const one = await backlogDrain(path.join(dir, 'wh-one'), receiver, 1, events);
    const four = await backlogDrain(path.join(dir, 'wh-four'), receiver, 4, events / 4);
    const drainOne = one.deliveries / one.seconds;
    const drainFour = four.deliveries / four.seconds;
    line('deliveries/s, 1 subscription', `${int(drainOne)}  (${int(one.deliveries)} queued, sent in order one at a time, in ${one.seconds.toFixed(1)} s)`);
    line('deliveries/s, 4 subscriptions', `${int(drainFour)}  (${int(four.deliveries)} queued; one lane per subscription, in ${four.seconds.toFixed(1)} s)`);
    line('beside: movements/s', `${int(plain.perSecond)} raw stock movements (stock bench load, no subscription)`);
    return { plain, withSubscription: live.result, drainOne, drainFour };
  } finally {
    await receiver.close();
    for (const name of ['wh-plain', 'wh-live', 'wh-one', 'wh-four']) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
}
