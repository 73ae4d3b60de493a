/**
 * `--trust-proxy 127.0.0.1,10.0.0.0/8` (or STOCKFEED_TRUST_PROXY): the reverse proxies whose
 * X-Forwarded-For, X-Forwarded-Host and X-Forwarded-Proto the server believes. Behind nginx or
 * Caddy every request comes from the proxy's address, so the per-address limits (wrong tokens and
 * passwords, the channel webhooks' budget) would count every client as one: one client's mistakes
 * would lock everyone out, and a guesser would be slowed no more than everyone together.
 *
 * Only addresses are taken, never `true` or a hop count: a client that reaches the server directly
 * (not through the proxy) could then write its own X-Forwarded-For and pick the address it is
 * counted under. Fastify 5 refuses a bare hop count for the same reason.
 */
import net from 'node:net';

/** The proxy addresses (IP addresses or CIDR ranges) in the flag or variable; [] when empty. */
export function parseTrustedProxies(raw: string | undefined, source = '--trust-proxy'): string[] {
  if (raw === undefined || raw.trim() === '') return [];
  const entries: string[] = [];
  for (const entry of raw.split(/[\s,]+/).filter(Boolean)) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = net.isIP(address);
    const bits = prefix === undefined ? null : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
    const validPrefix = bits === null || (bits >= 1 && bits <= (family === 6 ? 128 : 32));
    if (family === 0 || extra !== undefined || !validPrefix) {
      throw new Error(
        `${source}: "${entry}" is not the address of a proxy; give its IP addresses or ranges, comma-separated ` +
          '(e.g. 127.0.0.1 for nginx or Caddy on this computer, or 10.0.0.5,10.0.1.0/24). ' +
          'Trusting every address (true, 0.0.0.0/0) or a number of hops would let any client choose the address it is counted under.',
      );
    }
    entries.push(entry.toLowerCase());
  }
  return [...new Set(entries)];
}
