/**
 * Orders per second through the Shopify webhook endpoint: real HTTP on 127.0.0.1 (the server
 * listening on an ephemeral port, requests sent with Node's fetch), 16 concurrent senders, each
 * order a signed `orders/create` with 3 line items (3 reservations). The raw movement rate of the
 * stock core (stock.receive through the service layer) is measured in the same run and printed
 * beside it, since both share the same write path and disk.
 */
import path from 'node:path';
import fs from 'node:fs';
import { openCore, type Core } from '../electron/core/core';
import { createApiServer } from '../electron/server/http/server';
import { silentLogger } from '../electron/core/logger';
import { signBase64Hmac } from '../electron/core/channels/signature';
import { contract, type Input } from '../shared/contract';
import { parseInput } from '../shared/validation';
import { closedLoop, int, line, ms } from './measure';
import { serviceLoad, type StockBenchOptions } from './stock';

const SECRET = 'bench-shopify-secret-0123456789';
const PRODUCTS = 300;

async function seed(core: Core): Promise<string[]> {
  const skus = Array.from({ length: PRODUCTS }, (_, i) => `ORDER-BENCH-${String(i).padStart(4, '0')}`);
  await core.queue.exclusive(async (ctx) => {
    for (const sku of skus) {
      const input: Input<'products.create'> = { sku, title: `Order bench ${sku}`, price: '9.99' };
      await core.products.insert(ctx, parseInput(contract['products.create'].input, input));
    }
  });
  // Enough stock that no order runs short: the bench measures accepted orders, not exceptions.
  await Promise.all(skus.map((sku) => core.stock.receive(parseInput(contract['stock.receive'].input, { sku, quantity: 1_000_000 }))));
  const settings = await core.settings.get();
  await core.settings.update(parseInput(contract['settings.update'].input, { ...settings, channels: { ...settings.channels, shopify: { secret: SECRET } } }));
  return skus;
}

function orderBody(id: number, skus: string[]): string {
  const lines = [0, 1, 2].map((n) => ({
    id: id * 10 + n,
    sku: skus[(id * 3 + n * 101) % skus.length],
    quantity: 1 + (n % 2),
    title: 'Bench item',
    price: '9.99',
  }));
  return JSON.stringify({ id, name: `#${id}`, order_number: id, currency: 'EUR', financial_status: 'pending', line_items: lines });
}

export async function benchOrders(dir: string, options: StockBenchOptions): Promise<void> {
  console.log('\n[orders] Shopify orders/create through POST /api/v1/channels/shopify/orders — SQLite, real HTTP on 127.0.0.1');
  const coreDir = path.join(dir, 'orders');
  const core = await openCore({ dataDir: coreDir, expirySweepMs: 0 });
  const app = await createApiServer({ core, token: 'bench-token-0123456789abcdef', version: 'bench', logger: silentLogger, rateLimit: false });
  try {
    const skus = await seed(core);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const url = `http://127.0.0.1:${port}/api/v1/channels/shopify/orders`;
    let nextId = 1_000_000;
    const outcomes = new Map<string, number>();

    const result = await closedLoop({
      callers: options.callers,
      warmupMs: options.warmupMs,
      durationMs: options.durationMs,
      call: async () => {
        const id = nextId++;
        const body = orderBody(id, skus);
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-shopify-topic': 'orders/create',
            'x-shopify-hmac-sha256': signBase64Hmac(body, SECRET),
            'x-shopify-webhook-id': `bench-${id}`,
          },
          body,
        });
        const json = (await res.json()) as { outcome?: string };
        if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${JSON.stringify(json)}`);
        outcomes.set(json.outcome ?? '?', (outcomes.get(json.outcome ?? '?') ?? 0) + 1);
      },
    });
    const ledger = await core.checkLedger();
    const held = await core.db('reservations').where({ status: 'held' }).count({ n: '*' }).first();

    line('load', `${options.callers} concurrent senders, each awaiting one signed order (3 line items) at a time`);
    line('window', `${options.warmupMs / 1000} s warm-up (not counted), then ${result.seconds} s measured`);
    line('accepted orders/s', `${int(result.perSecond)}  (${int(result.perSecond * 3)} order lines/s; ${int(result.acknowledged)} orders in the window)`);
    line('latency ms', `p50 ${ms(result.latency.p50)}  p95 ${ms(result.latency.p95)}  p99 ${ms(result.latency.p99)}  max ${ms(result.latency.max)}`);
    line('outcomes', [...outcomes].map(([k, v]) => `${k} ${int(v)}`).join(', '));
    if (result.failed > 0) line('FAILED orders', `${int(result.failed)}; first: ${result.firstError ?? ''}`);
    line('ledger check', `${ledger.ok ? 'ok' : 'MISMATCH'}; ${int(Number(held?.n ?? 0))} reservations held`);
  } finally {
    await app.close();
    await core.close();
  }

  // The stock core's raw movement rate in the same run, for comparison (shorter window).
  const movementDir = path.join(dir, 'orders-movements');
  const movementCore = await openCore({ dataDir: movementDir, expirySweepMs: 0 });
  try {
    const movements = await serviceLoad(movementCore, { ...options, products: 1_000, durationMs: Math.min(options.durationMs, 5_000) });
    line('beside it: stock movements/s', `${int(movements.perSecond)}  (stock.receive through the service layer, ${options.callers} callers, same disk)`);
  } finally {
    await movementCore.close();
  }
  fs.rmSync(coreDir, { recursive: true, force: true });
  fs.rmSync(movementDir, { recursive: true, force: true });
}
