/**
 * Where IndexNow submissions go and what they may contain, derived from the settings. Kept apart
 * from the HTTP code so the rules (engine address, key, host, key location) read in one place.
 */
import { assertUrlAllowed } from '../../net/address-rules';
import type { StoredSettings } from '../types';
import { DeliveryError } from './delivery-error';

/** The IndexNow key format: 8–128 characters of a-z, A-Z, 0-9 and "-". */
export const INDEXNOW_KEY = /^[a-zA-Z0-9-]{8,128}$/;

export const DEFAULT_INDEXNOW_ENGINE = 'api.indexnow.org';

/** At most this many URLs in one request (protocol limit). */
export const INDEXNOW_BATCH = 10_000;

const HOST_NAME = /^(?=.{1,253}(?::|$))[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::\d{1,5})?$/i;

/**
 * The submission URL for an engine setting: a bare host name (`api.indexnow.org`, `www.bing.com`)
 * means `https://<host>/indexnow`; a full http(s) URL is used as its base (its path if it names
 * one, else `/indexnow`), which is how tests and self-hosted relays point elsewhere.
 */
export function indexNowEndpoint(engine: string): URL {
  const value = engine.trim() || DEFAULT_INDEXNOW_ENGINE;
  // "://" marks a URL: "localhost:8080" is a host and port (the schema allows it), not a scheme.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new DeliveryError(`IndexNow engine "${value}" is not a valid URL`, false);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new DeliveryError(`IndexNow engine "${value}" must use http:// or https://`, false);
    }
    if (url.username || url.password || url.search || url.hash) {
      throw new DeliveryError(`IndexNow engine "${value}" must not carry credentials, a query or a fragment`, false);
    }
    if (url.pathname === '/' || url.pathname === '') url.pathname = '/indexnow';
    return url;
  }
  if (!HOST_NAME.test(value)) {
    throw new DeliveryError(`IndexNow engine "${value}" is neither a host name (e.g. api.indexnow.org) nor an http(s) URL`, false);
  }
  return new URL(`https://${value}/indexnow`);
}

/**
 * Refuses (422 on `indexNow.engine`) an engine on this computer or the local network unless the
 * owner allows it; checked when settings are saved. An engine the schema let through but that is
 * still unusable is reported by delivery, as before.
 */
export function assertEngineAllowed(engine: string, allowPrivateNetwork: boolean): void {
  let endpoint: URL;
  try {
    endpoint = indexNowEndpoint(engine);
  } catch {
    return;
  }
  assertUrlAllowed(endpoint.href, allowPrivateNetwork, 'indexNow.engine');
}

export type IndexNowSite = {
  /** The `host` field of the request: the shop's host name (with port when not the default). */
  host: string;
  key: string;
  /** Where the engine fetches the key file: shop URL + `/<key>.txt`. */
  keyLocation: string;
  /** URLs must start with this (the key location's folder), per the protocol's key-location rule. */
  urlPrefix: string;
};

/** The shop's site for IndexNow, or a non-retryable error naming the setting that is missing. */
export function indexNowSite(settings: StoredSettings): IndexNowSite {
  const key = settings.indexNow.key;
  if (!key) throw new DeliveryError('IndexNow is on but has no key: set an IndexNow key (8–128 letters, digits or "-")', false);
  if (!INDEXNOW_KEY.test(key)) throw new DeliveryError('IndexNow key must be 8–128 letters, digits or "-"', false);
  const base = settings.shopUrl || originOf(settings.productUrlTemplate);
  if (!base) {
    throw new DeliveryError('IndexNow needs the shop URL (or a product URL template) to know the host it submits for', false);
  }
  const shop = new URL(base);
  const folder = shop.pathname.endsWith('/') ? shop.pathname : `${shop.pathname}/`;
  return {
    host: shop.host,
    key,
    keyLocation: `${shop.origin}${folder}${key}.txt`,
    urlPrefix: `${shop.host}${folder}`,
  };
}

function originOf(template: string): string {
  const match = /^https?:\/\/[^/{}]+/.exec(template);
  return match ? match[0] : '';
}

/** True when the engine will accept `url` under `site` (same host, inside the key location's folder). */
export function urlBelongsTo(url: string, site: IndexNowSite): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
  return `${parsed.host}${parsed.pathname}`.startsWith(site.urlPrefix);
}
