/**
 * WooCommerce (REST API v3, /wp-json/wc/v3) with a consumer key and secret sent as Basic
 * authentication, which WooCommerce accepts over https only. Quantities are set through the batch
 * endpoints, up to 100 items a call: `/products/batch` for simple (and variable) products,
 * `/products/{parent}/variations/batch` for the variations of each parent. Each item carries
 * `manage_stock`, `stock_quantity`, `backorders` and `stock_status`; a batch answers per item, so
 * one refused item does not hold the others back.
 */
import { normaliseSku } from '../../../shared/domain/sku';
import type { Outbound } from '../net/outbound';
import type { ChannelAdapter, ChannelItem, FoundItem, SendItem, SendOutcome, SendResult } from './channel-adapter';
import type { WooConfig } from './channel-config';
import { callJson, ChannelError, excerpt, statusError, type JsonAnswer } from './channel-http';
import { wooValue, type WooValue } from './values';

export type WooDeps = { outbound: Outbound; allowPrivateNetwork: boolean; timeoutMs: number };

/** Items per batch call (WooCommerce's default limit). */
export const WOO_BATCH = 100;

type Representation = {
  id: number;
  parent_id?: number;
  sku?: string;
  name?: string;
  type?: string;
  manage_stock?: boolean | 'parent';
  stock_quantity?: number | null;
  backorders?: string;
  stock_status?: string;
  variations?: number[];
  attributes?: Array<{ option?: string }>;
};

type BatchAnswer = { update?: Array<Representation & { error?: { code?: string; message?: string } }> };

/** What an item shows, in the shape of WooValue (no quantity when WooCommerce does not manage its stock). */
function shown(rep: Representation): Omit<WooValue, 'quantity'> & { quantity: number | null } {
  return { quantity: rep.manage_stock === true ? (rep.stock_quantity ?? 0) : null, backorders: rep.backorders === 'no' || rep.backorders === undefined ? 'no' : 'notify' };
}

function problemOf(rep: Representation): string | null {
  if (rep.type === 'variable' && rep.manage_stock !== true) return null;
  if (rep.type === 'grouped' || rep.type === 'external') return `a ${rep.type} product holds no stock in WooCommerce`;
  return null;
}

function toFound(rep: Representation, parentName: string | null): FoundItem {
  const title = parentName ? `${parentName} – ${(rep.attributes ?? []).map((a) => a.option).filter(Boolean).join(', ') || rep.sku}` : (rep.name ?? null);
  return { sku: rep.sku ?? '', externalId: String(rep.id), parentId: parentName !== null && rep.parent_id ? String(rep.parent_id) : null, external: null, title, known: shown(rep), problem: problemOf(rep) };
}

export function createWooCommerceChannel(config: WooConfig, deps: WooDeps): ChannelAdapter {
  const auth = `Basic ${Buffer.from(`${config.consumerKey}:${config.consumerSecret}`).toString('base64')}`;
  let calls = 0;

  async function api(method: string, path: string, signal: AbortSignal, body?: unknown): Promise<JsonAnswer> {
    calls++;
    const answer = await callJson(deps.outbound, `${config.apiUrl}${path}`, { method, headers: { Authorization: auth }, body, signal, timeoutMs: deps.timeoutMs, allowPrivateNetwork: deps.allowPrivateNetwork });
    if (answer.status < 200 || answer.status >= 300) {
      const error = answer.body as { code?: string; message?: string } | null;
      throw statusError(answer, error?.message ? `${error.code ?? ''} ${error.message}`.trim() : '', 'no WooCommerce REST API at this address: check the site address');
    }
    return answer;
  }

  /** Every page of a list (100 per page, by id). */
  async function all(path: string, signal: AbortSignal): Promise<Representation[]> {
    const out: Representation[] = [];
    for (let page = 1; ; page++) {
      const sep = path.includes('?') ? '&' : '?';
      const answer = await api('GET', `${path}${sep}per_page=100&page=${page}&orderby=id&order=asc`, signal);
      const rows = Array.isArray(answer.body) ? (answer.body as Representation[]) : [];
      out.push(...rows);
      const pages = Number(answer.headers['x-wp-totalpages'] ?? '1');
      if (rows.length < 100 || page >= pages) return out;
    }
  }

  async function send(items: SendItem[], _key: string, signal: AbortSignal): Promise<SendResult> {
    const before = calls;
    const outcomes: SendOutcome[] = [];
    const groups = new Map<string, SendItem[]>();
    for (const s of items) {
      const parent = s.item.parentId ?? '';
      groups.set(parent, [...(groups.get(parent) ?? []), s]);
    }
    for (const [parent, group] of groups) {
      for (let i = 0; i < group.length; i += WOO_BATCH) {
        const chunk = group.slice(i, i + WOO_BATCH);
        const update = chunk.map(({ item, value }) => {
          const v = value as WooValue;
          const status = v.quantity > 0 ? 'instock' : v.backorders === 'no' ? 'outofstock' : 'onbackorder';
          return { id: Number(item.externalId), manage_stock: true, stock_quantity: v.quantity, backorders: v.backorders, stock_status: status };
        });
        let answer: JsonAnswer;
        try {
          answer = await api('POST', parent ? `/products/${parent}/variations/batch` : '/products/batch', signal, { update });
        } catch (error) {
          if (error instanceof ChannelError && error.kind === 'items') {
            for (const { item } of chunk) outcomes.push({ productId: item.productId, ok: false, error: error.message });
            continue;
          }
          if (error instanceof ChannelError) return { outcomes, calls: calls - before, stopped: error };
          throw error;
        }
        const results = (answer.body as BatchAnswer | null)?.update ?? [];
        chunk.forEach(({ item, value }, j) => {
          const result = results.find((r) => String(r.id) === item.externalId) ?? results[j];
          if (!result || result.error) {
            const e = result?.error;
            outcomes.push({ productId: item.productId, ok: false, error: e ? excerpt(`${e.code ?? 'error'}: ${e.message ?? ''}`) : 'WooCommerce did not answer for this item' });
            return;
          }
          outcomes.push({ productId: item.productId, ok: true, value: shown(result), drift: null, slots: [{ slot: '', value: (value as WooValue).quantity }] });
        });
      }
    }
    return { outcomes, calls: calls - before, stopped: null };
  }

  return {
    channel: 'woocommerce',
    capacity: WOO_BATCH,
    weight: () => 1,
    prepare: async () => undefined,
    value: wooValue,
    async lookup(skus, signal) {
      const before = calls;
      const found = new Map<string, FoundItem>();
      const duplicates = new Set<string>();
      const wanted = new Set(skus);
      for (let i = 0; i < skus.length; i += 50) {
        const reps = await all(`/products?sku=${encodeURIComponent(skus.slice(i, i + 50).join(','))}`, signal);
        for (const rep of reps) {
          const sku = normaliseSku(rep.sku ?? '');
          if (!wanted.has(sku)) continue;
          if (found.has(sku) || duplicates.has(sku)) {
            found.delete(sku);
            duplicates.add(sku);
          } else found.set(sku, toFound(rep, null));
        }
      }
      return { found, duplicates, calls: calls - before };
    },
    send,
    async read(items: ChannelItem[], signal) {
      const out = new Map<string, unknown>();
      const groups = new Map<string, ChannelItem[]>();
      for (const item of items) groups.set(item.parentId ?? '', [...(groups.get(item.parentId ?? '') ?? []), item]);
      for (const [parent, group] of groups) {
        for (let i = 0; i < group.length; i += 100) {
          const chunk = group.slice(i, i + 100);
          const path = parent ? `/products/${parent}/variations?include=${chunk.map((c) => c.externalId).join(',')}` : `/products?include=${chunk.map((c) => c.externalId).join(',')}`;
          const reps = await all(path, signal);
          for (const item of chunk) {
            const rep = reps.find((r) => String(r.id) === item.externalId);
            if (rep) out.set(item.productId, shown(rep));
          }
        }
      }
      return out;
    },
    async catalogue(signal) {
      const products = await all('/products', signal);
      const items: FoundItem[] = [];
      for (const product of products) {
        if (product.type === 'variable') {
          // A variable product holds stock itself only when it manages stock at the parent level.
          if (product.manage_stock === true && product.sku) items.push(toFound(product, null));
          const variations = await all(`/products/${product.id}/variations`, signal);
          items.push(...variations.map((v) => toFound({ ...v, parent_id: product.id }, product.name ?? String(product.id))));
        } else items.push(toFound(product, null));
      }
      return { items, locations: [] };
    },
  };
}
