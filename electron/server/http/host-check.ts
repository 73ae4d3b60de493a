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

/** Most Host values a server remembers its verdict on; past it they are worked out afresh. */
const HOST_VERDICTS = 1_000;

/**
 * The verdict on a Host header, remembered: a server hears the same few values (its own name and
 * port) on every request, and reading one (a regular expression and an IP address check) was a
 * measurable part of a cached read. The verdict depends on the value and the allowed names only,
 * so remembering it changes no answer; the memory is bounded, so a client sending a new Host with
 * every request only makes its own requests pay the full check.
 */
function hostVerdicts(allowed: ReadonlySet<string>): (host: string) => boolean {
  const verdicts = new Map<string, boolean>();
  return (host) => {
    let verdict = verdicts.get(host);
    if (verdict === undefined) {
      const name = hostNameOf(host);
      verdict = name !== null && isAllowedHostName(name, allowed);
      if (verdicts.size < HOST_VERDICTS) verdicts.set(host, verdict);
    }
    return verdict;
  };
}

/**
 * The Host and Origin checks as the first onRequest hooks: every request, API, UI, feeds and
 * webhooks alike. A hook with a callback: nothing here waits, and an async hook costs a promise
 * per request.
 *
 * `forwarded` (behind a trusted reverse proxy, --trust-proxy): the Host header is still checked as
 * it arrives, and so is the name the browser asked the proxy for when the proxy passes it on in
 * X-Forwarded-Host (Fastify reads it as `request.host` only from a trusted proxy's connection). A
 * proxy that rewrites Host to this server's address would otherwise let a rebinding page through.
 */
export function registerHostChecks(app: FastifyInstance, allowedHosts: readonly string[], options: { forwarded?: boolean } = {}): void {
  const allowed: ReadonlySet<string> = new Set(allowedHosts.map(normalise));
  const hostAllowed = hostVerdicts(allowed);
  const forwarded = options.forwarded === true;
  app.addHook('onRequest', (request: FastifyRequest, _reply, done) => {
    const host = request.headers.host;
    if (host !== undefined && host !== '' && !hostAllowed(host)) return done(misdirected(host));
    // The name asked of the proxy, when a trusted one passed it on and it differs from Host.
    const named = forwarded ? request.host : undefined;
    const asked = named && named !== host ? named : undefined;
    if (asked !== undefined && !hostAllowed(asked)) return done(misdirected(asked));
    const origin = request.headers.origin;
    if (
      origin !== undefined &&
      !READ_METHODS.has(request.method) &&
      !isAllowedOrigin(origin, host, allowed) &&
      (asked === undefined || !isAllowedOrigin(origin, asked, allowed))
    ) {
      return done(
        new AppError(
          'forbidden',
          `This request comes from another site (Origin: ${origin.slice(0, 100)}); Stockfeed accepts changes only from its own pages and from clients that send no Origin`,
        ),
      );
    }
    done();
  });
}
