/**
 * The channel stand-ins of the `channels` bench, in a process of their own (so their work does not
 * share the core's event loop), with a small control server: POST /seed adds SKUs to all three,
 * GET /values says what each channel shows for them and how many calls it took, POST /bucket sets
 * Shopify's cost bucket. Prints one JSON line with the addresses and credentials, then serves.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGoogleStandIn, startShopifyStandIn, startWooCommerceStandIn } from '../tests/helpers/channel-standins';

const shop = await startShopifyStandIn();
const location = shop.shop.addLocation('Warehouse');
const store = await startWooCommerceStandIn();
const google = await startGoogleStandIn();
const wooIdBySku = new Map<string, number>();

function body(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function values(skus: string[]) {
  const shopify: Record<string, number | null> = {};
  const woocommerce: Record<string, number | null> = {};
  const googleShows: Record<string, string | null> = {};
  for (const sku of skus) {
    shopify[sku] = shop.available(sku) ?? null;
    const id = wooIdBySku.get(sku);
    woocommerce[sku] = id === undefined ? null : (store.store.items.get(id)?.stockQuantity ?? null);
    const attributes = google.product(sku)?.productAttributes as { availability?: string } | undefined;
    googleShows[sku] = attributes?.availability ?? null;
  }
  const mutations = shop.calls.filter((c) => c.query.includes('inventorySetQuantities') && !c.throttled);
  const wooBatches = store.http.apiRequests('/wp-json/wc/v3/products/batch');
  return {
    shopify,
    woocommerce,
    google: googleShows,
    calls: {
      shopify: shop.calls.length,
      shopifyThrottled: shop.calls.filter((c) => c.throttled).length,
      shopifyMutations: mutations.length,
      shopifyQuantities: mutations.reduce((n, c) => n + ((c.variables.input as { quantities: unknown[] }).quantities.length ?? 0), 0),
      woocommerce: store.http.apiRequests().length,
      woocommerceBatches: wooBatches.length,
      woocommerceItems: wooBatches.reduce((n, r) => n + ((JSON.parse(r.body) as { update?: unknown[] }).update?.length ?? 0), 0),
      google: google.http.apiRequests().length,
      googleInserts: google.inputCalls.length,
    },
  };
}

const control = http.createServer((req, res) => {
  void (async () => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const text = await body(req);
    const send = (value: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (url.pathname === '/seed') {
      const { skus } = JSON.parse(text) as { skus: string[] };
      for (const sku of skus) {
        shop.shop.addProduct(sku, [{ sku, available: { [location.id]: 0 } }]);
        wooIdBySku.set(sku, store.store.addSimple({ sku, stock_quantity: 0 }).id);
        google.seedProduct(sku, { title: sku, availability: 'OUT_OF_STOCK', price: { amountMicros: '9990000', currencyCode: 'USD' } });
      }
      return send({ seeded: skus.length });
    }
    if (url.pathname === '/bucket') {
      const { maximumAvailable, restoreRate } = JSON.parse(text) as { maximumAvailable: number; restoreRate: number };
      shop.bucket.maximumAvailable = maximumAvailable;
      shop.bucket.restoreRate = restoreRate;
      shop.bucket.set(maximumAvailable);
      return send({ ok: true });
    }
    if (url.pathname === '/values') return send(values((JSON.parse(text) as { skus: string[] }).skus));
    res.writeHead(404).end();
  })();
});
control.listen(0, '127.0.0.1', () => {
  process.stdout.write(
    `${JSON.stringify({
      control: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
      shopify: { url: shop.url, shopDomain: shop.shopDomain, accessToken: shop.accessToken },
      woocommerce: { url: store.url, consumerKey: store.consumerKey, consumerSecret: store.consumerSecret },
      google: { url: google.url, tokenUrl: google.tokenUrl, accountId: google.accountId, dataSourceId: google.supplementalDataSource.split('/').pop(), serviceAccountKey: google.serviceAccountKey },
    })}\n`,
  );
});
