/**
 * Stock pushed to the sales channels: 10,000 SKU changes sent to the Shopify, WooCommerce and
 * Google stand-ins (127.0.0.1, in a process of their own): updates per second, calls made, the
 * coalescing ratio and the time until every channel agrees with Stockfeed, beside the stock
 * movement rate of the same run with the channels on and with them off.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openCore, type Core } from '../electron/core/core';
import { contract, type Input, type OperationName, type Output } from '../shared/contract';
import type { PushChannel } from '../shared/schemas/channel-push';
import { parseInput } from '../shared/validation';
import { int, line } from './measure';

type Credentials = {
  control: string;
  shopify: { url: string; shopDomain: string; accessToken: string };
  woocommerce: { url: string; consumerKey: string; consumerSecret: string };
  google: { url: string; tokenUrl: string; accountId: string; dataSourceId: string; serviceAccountKey: unknown };
};

type Calls = {
  shopify: number;
  shopifyThrottled: number;
  shopifyMutations: number;
  shopifyQuantities: number;
  woocommerce: number;
  woocommerceBatches: number;
  woocommerceItems: number;
  google: number;
  googleInserts: number;
};
type Values = { shopify: Record<string, number | null>; woocommerce: Record<string, number | null>; google: Record<string, string | null>; calls: Calls };

const SKUS = 10_000;
const CALLERS = 16;
const CHANNELS: PushChannel[] = ['shopify', 'woocommerce', 'google'];

function call<K extends OperationName>(core: Core, op: K, input: Input<K>): Promise<Output<K>> {
  return (core.handlers[op] as (i: unknown) => Promise<Output<K>>)(parseInput(contract[op].input, input));
}

async function post<T>(url: string, value: unknown): Promise<T> {
  return (await (await fetch(url, { method: 'POST', body: JSON.stringify(value) })).json()) as T;
}

async function startStandIns(): Promise<{ credentials: Credentials; close(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'channel-standins-child.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  while (!output.includes('\n')) output += ((await once(child.stdout, 'data')) as [Buffer])[0].toString();
  return {
    credentials: JSON.parse(output.split('\n')[0] as string) as Credentials,
    async close() {
      child.kill();
      await once(child, 'exit');
    },
  };
}

async function seed(core: Core, skus: string[]): Promise<void> {
  await core.queue.exclusive(async (ctx) => {
    for (const sku of skus) await core.products.insert(ctx, parseInput(contract['products.create'].input, { sku, title: `Bench ${sku}`, price: '9.99' }));
  });
}

/** `changes` stock.receive calls by CALLERS concurrent callers; the SKU of change i is `skuOf(i)`. Returns movements per second. */
async function changeAll(core: Core, changes: number, skuOf: (i: number) => string): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (next < changes) {
        const i = next++;
        await call(core, 'stock.receive', { sku: skuOf(i), quantity: 1 });
      }
    }),
  );
  return changes / ((performance.now() - t0) / 1000);
}

/** Waits until every channel shows Stockfeed's value for every SKU: the seconds since `since`, overall and per channel. */
async function agree(core: Core, control: string, skus: string[], since: number): Promise<{ seconds: number; per: Record<PushChannel, number>; values: Values }> {
  const want = new Map<string, number>();
  const rows = (await core.db('stock_levels as s').join('products as p', 'p.id', 's.product_id').select('p.sku', 's.on_hand', 's.committed')) as Array<{ sku: string; on_hand: number; committed: number }>;
  for (const r of rows) want.set(r.sku, Number(r.on_hand) - Number(r.committed));
  const per: Partial<Record<PushChannel, number>> = {};
  for (;;) {
    const values = await post<Values>(`${control}/values`, { skus });
    const elapsed = (performance.now() - since) / 1000;
    const agrees: Record<PushChannel, (sku: string, n: number) => boolean> = {
      shopify: (sku, n) => values.shopify[sku] === n,
      woocommerce: (sku, n) => values.woocommerce[sku] === n,
      google: (sku, n) => values.google[sku] === (n > 0 ? 'IN_STOCK' : 'OUT_OF_STOCK'),
    };
    for (const channel of CHANNELS) if (per[channel] === undefined && skus.every((sku) => agrees[channel](sku, want.get(sku) ?? 0))) per[channel] = elapsed;
    if (CHANNELS.every((c) => per[c] !== undefined)) return { seconds: elapsed, per: per as Record<PushChannel, number>, values };
    if (elapsed > 600) throw new Error('the channels did not agree within 10 minutes');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const diff = (a: Calls, b: Calls): Calls => Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v - (b[k as keyof Calls] ?? 0)])) as Calls;

async function withCore<T>(dir: string, work: (core: Core) => Promise<T>, worker = true): Promise<T> {
  const core = await openCore({ dataDir: dir, expirySweepMs: 0, channelPush: { worker, minIntervalMs: Number(process.env.MIN_INTERVAL ?? 250) } });
  try {
    return await work(core);
  } finally {
    await core.close();
  }
}

/** The settings that point all three channels at the stand-ins, push on. */
async function pushToStandIns(core: Core, c: Credentials): Promise<void> {
  const current = await call(core, 'settings.get', {});
  await call(core, 'settings.update', {
    ...current,
    webhooks: { allowPrivateNetwork: true },
    channels: {
      ...current.channels,
      shopify: { ...current.channels.shopify, shopDomain: c.shopify.shopDomain, accessToken: c.shopify.accessToken, apiBaseUrl: c.shopify.url, pushEnabled: true },
      woocommerce: { ...current.channels.woocommerce, siteUrl: c.woocommerce.url, consumerKey: c.woocommerce.consumerKey, consumerSecret: c.woocommerce.consumerSecret, pushEnabled: true },
      google: {
        ...current.channels.google,
        merchantId: c.google.accountId,
        dataSourceId: c.google.dataSourceId,
        serviceAccountKey: JSON.stringify(c.google.serviceAccountKey),
        apiBaseUrl: c.google.url,
        tokenUrl: c.google.tokenUrl,
        pushEnabled: true,
      },
    },
  } as Input<'settings.update'>);
}

export async function benchChannels(dir: string): Promise<void> {
  console.log('\n[channels] stock pushed to Shopify, WooCommerce and Google stand-ins (127.0.0.1, their own process) — SQLite');
  const standIns = await startStandIns();
  const { credentials: c } = standIns;
  const skus = Array.from({ length: SKUS }, (_, i) => `PUSH-${String(i).padStart(5, '0')}`);
  try {
    await post(`${c.control}/seed`, { skus });

    const off = await withCore(path.join(dir, 'ch-off'), async (core) => {
      await seed(core, skus);
      return changeAll(core, SKUS, (i) => skus[i] as string);
    });
    line('movements/s, channels off', `${int(off)}  (${int(SKUS)} stock.receive, one per SKU, ${CALLERS} callers)`);
    // The write path's share: the outbox rows written in each batch's transaction, with no sender in this process.
    const outboxOnly = await withCore(
      path.join(dir, 'ch-outbox'),
      async (core) => {
        await seed(core, skus);
        await pushToStandIns(core, c);
        return changeAll(core, SKUS, (i) => skus[i] as string);
      },
      false,
    );
    line('movements/s, outbox only', `${int(outboxOnly)}  (three channels on, the pushes queued in each batch's transaction; sent by another process)`);

    await withCore(path.join(dir, 'ch-on'), async (core) => {
      await seed(core, skus);
      await pushToStandIns(core, c);

      // Connect pulls each catalogue; Shopify's is cost-bound (a page of 249 variants costs ~1,000
      // points): with the Shopify Plus bucket (20,000 points, 1,000/s) rather than Standard's 100/s.
      await post(`${c.control}/bucket`, { maximumAvailable: 20_000, restoreRate: 1_000 });
      for (const channel of CHANNELS) {
        const t0 = performance.now();
        const report = await call(core, 'channels.connect', { channel });
        line(`connect ${channel}`, `${((performance.now() - t0) / 1000).toFixed(1)} s  (${int(report.matched.count)} of ${int(report.channelItems)} items matched)`);
      }
      // The pushes run on the Standard plan's bucket (2,000 points, 100/s): a 250-quantity mutation costs 10.
      await post(`${c.control}/bucket`, { maximumAvailable: 2_000, restoreRate: 100 });
      const start = await post<Values>(`${c.control}/values`, { skus: [] });

      const t1 = performance.now();
      const on = await changeAll(core, SKUS, (i) => skus[i] as string);
      const first = await agree(core, c.control, skus, t1);
      const calls1 = diff(first.values.calls, start.calls);
      line('movements/s, channels on', `${int(on)}  (the same ${int(SKUS)} changes, all three channels pushing meanwhile: ${((1 - on / off) * 100).toFixed(0)}% below off)`);
      line('10,000 SKUs, one change each', `every channel agrees ${first.seconds.toFixed(1)} s after the first change, ${(first.seconds - SKUS / on).toFixed(1)} s after the last`);
      const rate = (updates: number, channel: PushChannel) => `agrees after ${first.per[channel].toFixed(1)} s: ${int(updates / first.per[channel])} updates/s`;
      line('  Shopify', `${int(calls1.shopifyQuantities)} updates in ${int(calls1.shopifyMutations)} calls, ${rate(calls1.shopifyQuantities, 'shopify')}; ${int(calls1.shopifyThrottled)} throttled answers waited out`);
      line('  WooCommerce', `${int(calls1.woocommerceItems)} updates in ${int(calls1.woocommerceBatches)} batch calls, ${rate(calls1.woocommerceItems, 'woocommerce')}`);
      line('  Google', `${int(calls1.googleInserts)} updates in ${int(calls1.googleInserts)} calls, ${rate(calls1.googleInserts, 'google')} (one call per product, 4 at a time)`);

      // 10,000 more changes to 1,000 SKUs in bursts of 10 (a stocktake, a pallet scanned unit by
      // unit): the outbox folds each SKU's burst into one update or a few.
      const hot = skus.slice(0, 1_000);
      const t2 = performance.now();
      const onHot = await changeAll(core, SKUS, (i) => hot[Math.floor(i / 10)] as string);
      const second = await agree(core, c.control, skus, t2);
      const calls2 = diff(second.values.calls, first.values.calls);
      line('10,000 changes, bursts of 10', `to 1,000 SKUs: every channel agrees ${second.seconds.toFixed(1)} s after the first change, ${(second.seconds - SKUS / onHot).toFixed(1)} s after the last; movements/s ${int(onHot)}`);
      line('  Shopify', `${int(calls2.shopifyQuantities)} updates in ${int(calls2.shopifyMutations)} calls: coalescing ${(SKUS / Math.max(1, calls2.shopifyQuantities)).toFixed(1)} changes per update`);
      line('  WooCommerce', `${int(calls2.woocommerceItems)} updates in ${int(calls2.woocommerceBatches)} calls: coalescing ${(SKUS / Math.max(1, calls2.woocommerceItems)).toFixed(1)} changes per update`);
      line('  Google', `${int(calls2.googleInserts)} updates (availability stayed "in stock": nothing to tell Google)`);
      const synced = (await core.db('changes').where({ type: 'channel.synced' }).count({ n: '*' }).first()) as { n: number | string };
      line('channel.synced entries', `${int(Number(synced.n))} for ${int(calls1.shopifyQuantities + calls1.woocommerceItems + calls1.googleInserts + calls2.shopifyQuantities + calls2.woocommerceItems)} updates (one per round of up to 500 pushes)`);
    });
  } finally {
    await standIns.close();
    for (const name of ['ch-off', 'ch-outbox', 'ch-on']) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
}
