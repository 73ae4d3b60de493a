/**
 * Every URL the core calls goes through here (webhooks, IndexNow, the sales channels' APIs), and so
 * does every other address it connects to (the SFTP server: `checkedAddress`). The text of a URL
 * is checked when it is saved, but a name can resolve anywhere and change
 * between saving and sending (DNS rebinding), so the address is checked again where it counts: in
 * the `lookup` the sockets use, on every address the name resolves to, before anything connects;
 * the socket then connects to exactly the address that was checked. IP-literal hosts, which Node
 * connects to without a lookup, are checked when the agent creates the connection.
 *
 * Plain node:http(s) rather than fetch: it costs the event loop (shared with the stock engine) a
 * fraction of what fetch does per request, and its agents take a `lookup`.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { addressRule, checkUrlText, hostRule, refusalMessage, refuses, type Refusal } from './address-rules';

/** Resolves a host name to all its addresses (the seam tests use to resolve names to 127.0.0.1). */
export type HostResolver = (hostname: string, options: dns.LookupOptions) => Promise<dns.LookupAddress[]>;

/** The system resolver (what `dns.lookup` answers: /etc/hosts, then DNS). */
export const systemResolver: HostResolver = (hostname, options) => dns.promises.lookup(hostname, { ...options, all: true });

/** A request refused by the address rules; nothing was sent. */
export class OutboundRefusedError extends Error {
  readonly code = 'ERR_OUTBOUND_REFUSED';

  constructor(readonly refusal: Refusal) {
    super(refusalMessage(refusal));
    this.name = 'OutboundRefusedError';
  }
}

/**
 * A `lookup` for net/tls sockets and http(s) Agents: resolves the name, checks every address it
 * resolves to (one private address among public ones is enough to refuse: the socket may pick it),
 * and fails the connection before it is made.
 */
export function guardedLookup(resolve: HostResolver, allowPrivateNetwork: boolean): net.LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, options).then(
      (addresses) => {
        const refused = refusedAddress(hostname, addresses, allowPrivateNetwork);
        if (refused) return callback(refused, '');
        const [first] = addresses;
        if (!first) return callback(notFound(hostname), '');
        if (options.all) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

/** The refusal for the first address of `hostname` the rules refuse, or null when none is. */
function refusedAddress(hostname: string, addresses: dns.LookupAddress[], allowPrivateNetwork: boolean): OutboundRefusedError | null {
  for (const { address } of addresses) {
    const rule = addressRule(address);
    if (refuses(rule, allowPrivateNetwork)) return new OutboundRefusedError({ ...rule, address, name: hostname });
  }
  return null;
}

const notFound = (hostname: string) => Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });

/** The refusal for a connection to an IP literal or a local socket (no lookup happens for those). */
function literalRefusal(options: http.ClientRequestArgs, allowPrivateNetwork: boolean): OutboundRefusedError | null {
  if (options.socketPath) return new OutboundRefusedError({ rule: 'a local socket (this computer)', local: true, address: options.socketPath });
  const host = options.host ?? options.hostname ?? '';
  if (net.isIP(host) === 0) return null;
  const rule = addressRule(host);
  return refuses(rule, allowPrivateNetwork) ? new OutboundRefusedError({ ...rule, address: host }) : null;
}

type ConnectCallback = (err: Error | null, stream: Duplex) => void;

/** Fails a connection before it exists: Agent#createSocket reads only the error when one is given. */
function failConnection(callback: ConnectCallback | undefined, error: Error): null {
  (callback as ((err: Error) => void) | undefined)?.(error);
  return null;
}

class GuardedHttpAgent extends http.Agent {
  constructor(
    options: http.AgentOptions,
    private readonly allowPrivateNetwork: boolean,
  ) {
    super(options);
  }

  override createConnection(options: http.ClientRequestArgs, callback?: ConnectCallback): Duplex | null | undefined {
    const refused = literalRefusal(options, this.allowPrivateNetwork);
    return refused ? failConnection(callback, refused) : super.createConnection(options, callback);
  }
}

class GuardedHttpsAgent extends https.Agent {
  constructor(
    options: https.AgentOptions,
    private readonly allowPrivateNetwork: boolean,
  ) {
    super(options);
  }

  override createConnection(options: http.ClientRequestArgs, callback?: ConnectCallback): Duplex | null | undefined {
    const refused = literalRefusal(options, this.allowPrivateNetwork);
    return refused ? failConnection(callback, refused) : super.createConnection(options, callback);
  }
}

export type OutboundAgents = { http: http.Agent; https: https.Agent };

export type OutboundOptions = {
  /** How names are resolved (default: the system resolver). */
  resolve?: HostResolver;
  /** Connections kept per host (default 16). */
  maxSockets?: number;
};

export type OutboundRequest = {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  /** The owner's `webhooks.allowPrivateNetwork`: opens this computer and the local network. */
  allowPrivateNetwork: boolean;
  /** Keep up to this many bytes of the answer (default 0: it is read to the end and dropped). */
  keepBody?: number;
};

export type OutboundResponse = { status: number; headers: http.IncomingHttpHeaders; body: string };

/**
 * The checked way out: kept-alive connections, one pair of agents per setting so that a connection
 * opened while the local network was allowed is never reused once it is not.
 */
export class Outbound {
  private readonly strict: OutboundAgents;
  private readonly open: OutboundAgents;
  private readonly resolve: HostResolver;

  constructor(options: OutboundOptions = {}) {
    const resolve = options.resolve ?? systemResolver;
    this.resolve = resolve;
    const agents = (allow: boolean): OutboundAgents => {
      const common = { keepAlive: true, maxSockets: options.maxSockets ?? 16, lookup: guardedLookup(resolve, allow) };
      return { http: new GuardedHttpAgent(common, allow), https: new GuardedHttpsAgent(common, allow) };
    };
    this.strict = agents(false);
    this.open = agents(true);
  }

  /** The guarded agents, for code that must call http(s).request itself or hand agents to a library. */
  agents(allowPrivateNetwork: boolean): OutboundAgents {
    return allowPrivateNetwork ? this.open : this.strict;
  }

  /**
   * Sends one request. Rejects with OutboundRefusedError when the URL or an address it resolves to
   * is refused, with the network error (its `code` set) when the connection fails, and with an
   * AbortError when `signal` aborts. Redirects are not followed: the status is returned as is.
   * User name and password in the URL are sent as Basic authorization (Node does that).
   */
  request(url: string | URL, init: OutboundRequest): Promise<OutboundResponse> {
    return new Promise((resolve, reject) => {
      const target = new URL(url);
      if (target.protocol !== 'http:' && target.protocol !== 'https:') {
        throw new Error(`only http and https URLs are called, not ${target.protocol}`);
      }
      const refusal = checkUrlText(target, init.allowPrivateNetwork);
      if (refusal) throw new OutboundRefusedError(refusal);
      const agents = this.agents(init.allowPrivateNetwork);
      const secure = target.protocol === 'https:';
      const payload = init.body === undefined ? undefined : Buffer.from(init.body, 'utf8');
      const keep = init.keepBody ?? 0;
      const request = (secure ? https : http).request(
        target,
        {
          method: init.method,
          agent: secure ? agents.https : agents.http,
          headers: payload ? { ...init.headers, 'Content-Length': String(payload.length) } : init.headers,
          signal: init.signal,
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            // Read to the end (the connection can then be reused) but keep only the start.
            if (size < keep) chunks.push(chunk);
            size += chunk.length;
          });
          response.on('end', () => {
            const body = keep > 0 ? Buffer.concat(chunks).subarray(0, keep).toString('utf8') : '';
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
          });
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  }

  /**
   * The address to connect to for a host reached by something other than http(s) (the SFTP
   * server): the host's text is checked as a URL's is (an IP literal, `localhost`), then every
   * address its name resolves to, as the agents' lookup checks them. Connect to exactly the
   * address returned, never to the name again, so DNS cannot answer differently between the
   * check and the connection. Rejects with OutboundRefusedError (naming the host and the address)
   * or with the resolver's error (`code` ENOTFOUND when the name has no address).
   */
  async checkedAddress(host: string, allowPrivateNetwork: boolean): Promise<dns.LookupAddress> {
    const literal = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
    const rule = hostRule(literal);
    if (refuses(rule, allowPrivateNetwork)) throw new OutboundRefusedError({ ...rule, address: literal });
    const family = net.isIP(literal);
    if (family !== 0) return { address: literal, family };
    const addresses = await this.resolve(literal, { all: true });
    const refused = refusedAddress(literal, addresses, allowPrivateNetwork);
    if (refused) throw refused;
    const [first] = addresses;
    if (!first) throw notFound(literal);
    return first;
  }

  /** Closes the kept-alive connections. */
  close(): void {
    for (const pair of [this.strict, this.open]) {
      pair.http.destroy();
      pair.https.destroy();
    }
  }
}

/** What a failed request's error means, in a few words, for a delivery log or a status line. */
export function describeRequestError(error: unknown): string {
  if (error instanceof OutboundRefusedError) return error.message;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const phrase = code ? ERROR_PHRASES[code] ?? (code.startsWith('HPE_') ? 'not a valid HTTP answer' : undefined) : undefined;
  if (phrase && code) return `${phrase} (${code})`;
  const message = error instanceof Error ? error.message : String(error);
  return (code && !message.includes(code) ? `${code}: ${message}` : message).slice(0, 200);
}

/** "HTTP 503 Service Unavailable": the status and its standard name, never the receiver's own words. */
export function describeStatus(status: number): string {
  const name = http.STATUS_CODES[status];
  return name ? `HTTP ${status} ${name}` : `HTTP ${status}`;
}

const ERROR_PHRASES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed (DNS)',
  EPIPE: 'connection closed while sending',
  ERR_INVALID_URL: 'not a valid URL',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate is for another host',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate chain is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate is not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS certificate is not trusted',
};
