/**
 * Which site a request is addressed to (Host) and which site sent it (Origin).
 *
 * Host: a page on another site cannot read this server's answers, but with DNS rebinding it can
 * point its own name at 127.0.0.1 and become same-origin with a server bound there; the browser then
 * sends that name as Host. So the server answers only to names it knows and refuses the rest with
 * 421: localhost and *.localhost (browsers resolve them to loopback without asking DNS), the names
 * given with --allowed-hosts (a reverse proxy's public name, the name the server is bound to), and
 * any IP address. An IP address is safe because a browser sends one as Host only when it connected
 * to that address itself: the page came from this server, not from a name someone else controls.
 * A request with no Host at all (HTTP/1.0) is let through for the same reason: every browser sends
 * one, so it cannot come from a rebinding page.
 *
 * Origin: a request that changes something and carries another site's Origin is refused (403), even
 * with the token, as defence in depth. Scripts and the channel webhooks (Shopify, WooCommerce) send
 * no Origin and are not affected; only a present, foreign Origin is refused.
 */
import net from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../../shared/errors';

const LABEL = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?';
const HOST_NAME = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*$`);
const HOST_HEADER = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9_.-]+))(?::\d{1,5})?$/i;

const normalise = (name: string) => name.toLowerCase().replace(/\.$/, '');

/**
 * The names in `--allowed-hosts a.example,b.example` (or STOCKFEED_ALLOWED_HOSTS), lower-cased.
 * Anything that is not a bare host name or IP address (a scheme, a port, a path, a wildcard) is
 * refused with a message saying so, rather than silently never matching.
 */
export function parseAllowedHosts(raw: string | undefined, source = '--allowed-hosts'): string[] {
  if (raw === undefined || raw.trim() === '') return [];
  const names: string[] = [];
  for (const entry of raw.split(/[\s,]+/).filter(Boolean)) {
    const name = normalise(entry);
    if (!HOST_NAME.test(name) && net.isIP(name) === 0) {
      throw new Error(`${source}: "${entry}" is not a host name; give bare names separated by commas, without scheme, port or wildcard (e.g. stock.example.com,shop.example.com)`);
    }
    names.push(name);
  }
  return [...new Set(names)];
}

/** The name in a Host header, lower-cased, without port or brackets; null when it is not a valid Host. */
export function hostNameOf(header: string): string | null {
  const match = HOST_HEADER.exec(header.trim());
  if (!match) return null;
  if (match[1] !== undefined) return net.isIPv6(match[1]) ? match[1].toLowerCase() : null;
  return normalise(match[2] as string);
}

export function isAllowedHostName(name: string, allowed: ReadonlySet<string>): boolean {
  return net.isIP(name) !== 0 || name === 'localhost' || name.endsWith('.localhost') || allowed.has(name);
}

/** Same origin as the Host the request was sent to, or the origin of a listed name (a proxy that rewrites Host). */
export function isAllowedOrigin(origin: string, host: string | undefined, allowed: ReadonlySet<string>): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    // `null` (a sandboxed frame, a file:// page) is nobody's origin.
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (host) {
    try {
      // Through URL, so default ports compare equal (https://shop.example is shop.example:443).
      if (new URL(`${url.protocol}//${host}`).host === url.host) return true;
    } catch {
      // An unreadable Host cannot be the same origin.
    }
  }
  return allowed.has(normalise(url.hostname));
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function misdirected(host: string): AppError {
  const shown = host.length > 100 ? `${host.slice(0, 100)}…` : host;
  return new AppError(
    'misdirected_request',
    `This server does not answer to the host name in "Host: ${shown}". It answers to localhost, IP addresses and the names given ` +
      'with --allowed-hosts (or STOCKFEED_ALLOWED_HOSTS), e.g. --allowed-hosts stock.example.com when it is reached through that name (a reverse proxy).',
  );
}

/** The Host and Origin checks as the first onRequest hooks: every request, API, UI, feeds and webhooks alike. */
export function registerHostChecks(app: FastifyInstance, allowedHosts: readonly string[]): void {
  const allowed: ReadonlySet<string> = new Set(allowedHosts.map(normalise));
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const host = request.headers.host;
    if (host !== undefined && host !== '') {
      const name = hostNameOf(host);
      if (name === null || !isAllowedHostName(name, allowed)) throw misdirected(host);
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !READ_METHODS.has(request.method) && !isAllowedOrigin(origin, host, allowed)) {
      throw new AppError(
        'forbidden',
        `This request comes from another site (Origin: ${origin.slice(0, 100)}); Stockfeed accepts changes only from its own pages and from clients that send no Origin`,
      );
    }
  });
}
