/**
 * Which addresses an outgoing request may reach. A URL the owner types (a webhook, the IndexNow
 * engine, later a shop's API) must not become a way to reach this computer, the cloud metadata
 * service or the office network: anyone who can save such a URL could otherwise make Stockfeed
 * send requests there (server-side request forgery). The ranges come from ipaddr.js; the
 * spellings (`127.1`, `0x7f000001`, `[::ffff:127.0.0.1]`, …) are normalised by WHATWG `new URL()`
 * before anything here sees them.
 */
import ipaddr from 'ipaddr.js';
import { AppError } from '../../../shared/errors';

/** Why an address is refused. */
export type AddressRule = {
  /** The rule, as messages name it: "loopback", "link-local (cloud metadata)", "private network (10/8)", … */
  rule: string;
  /**
   * True for this computer and the local network (loopback, private, unique local, carrier-grade
   * NAT), which the owner may open with `webhooks.allowPrivateNetwork`. False for what no HTTP
   * receiver lives on (link-local with the cloud metadata service, 0.0.0.0, multicast, reserved).
   */
  local: boolean;
};

/** A refused URL or connection: the address (and the name that resolved to it), and the rule. */
export type Refusal = AddressRule & { address: string; name?: string };

/** The setting that opens the local network, as the messages and the README name it. */
export const ALLOW_PRIVATE_SETTING = 'webhooks.allowPrivateNetwork';

const PRIVATE_V4: Array<[string, string]> = [
  ['10.0.0.0/8', 'private network (10/8)'],
  ['172.16.0.0/12', 'private network (172.16/12)'],
  ['192.168.0.0/16', 'private network (192.168/16)'],
];

const cidr = (range: string): [ipaddr.IPv4 | ipaddr.IPv6, number] => ipaddr.parseCIDR(range);
const IPV4_COMPATIBLE = cidr('::/96');
const LOCAL_NAT64 = cidr('64:ff9b:1::/48');

function v4Rule(address: ipaddr.IPv4): AddressRule | null {
  switch (address.range()) {
    case 'unicast':
      return null;
    case 'loopback':
      return { rule: 'loopback (127/8, this computer)', local: true };
    case 'private': {
      const [, rule] = PRIVATE_V4.find(([range]) => address.match(cidr(range))) ?? ['', 'private network'];
      return { rule, local: true };
    }
    case 'carrierGradeNat':
      return { rule: 'carrier-grade NAT (100.64/10)', local: true };
    case 'linkLocal':
      return { rule: 'link-local (cloud metadata, 169.254/16)', local: false };
    case 'unspecified':
      return { rule: 'unspecified 0.0.0.0 (0/8)', local: false };
    case 'multicast':
      return { rule: 'multicast (224/4)', local: false };
    case 'broadcast':
      return { rule: 'broadcast (255.255.255.255)', local: false };
    default:
      return { rule: 'reserved (special-purpose range)', local: false };
  }
}

/** The embedded IPv4 address's rule, named after the way it is embedded. */
function embedded(how: string, bytes: number[]): AddressRule | null {
  const inner = v4Rule(ipaddr.fromByteArray(bytes) as ipaddr.IPv4);
  return inner ? { rule: `${how} ${inner.rule}`, local: inner.local } : null;
}

function v6Rule(address: ipaddr.IPv6): AddressRule | null {
  const bytes = address.toByteArray();
  // ipaddr.js types list fewer range names than the library returns; compare as strings.
  const range: string = address.range();
  switch (range) {
    case 'unicast':
      // ::a.b.c.d (IPv4-compatible, deprecated since 2006) falls in no named range.
      if (address.match(IPV4_COMPATIBLE)) return embedded('IPv4-compatible', bytes.slice(12)) ?? { rule: 'IPv4-compatible (deprecated, ::/96)', local: false };
      return null;
    case 'teredo':
      return null;
    case 'loopback':
      return { rule: 'loopback (::1, this computer)', local: true };
    case 'unspecified':
      return { rule: 'unspecified (::)', local: false };
    case 'linkLocal':
      return { rule: 'link-local (fe80::/10)', local: false };
    case 'uniqueLocal':
      return { rule: 'unique local, a private network (fc00::/7)', local: true };
    case 'deprecatedSiteLocal':
      return { rule: 'site-local, a private network (fec0::/10)', local: true };
    case 'multicast':
      return { rule: 'multicast (ff00::/8)', local: false };
    case 'ipv4Mapped':
      return embedded('IPv4-mapped', bytes.slice(12));
    case 'rfc6145':
      return embedded('IPv4-translated', bytes.slice(12));
    case 'rfc6052':
      if (address.match(LOCAL_NAT64)) return { rule: 'local-use NAT64, a private network (64:ff9b:1::/48)', local: true };
      return embedded('NAT64', bytes.slice(12));
    case '6to4':
      return embedded('6to4', bytes.slice(2, 6));
    default:
      return { rule: 'reserved (special-purpose range)', local: false };
  }
}

/** The rule an IP address breaks, or null for a public address. Throws on anything but an IP address. */
export function addressRule(address: string): AddressRule | null {
  const parsed = ipaddr.parse(address);
  return parsed.kind() === 'ipv4' ? v4Rule(parsed as ipaddr.IPv4) : v6Rule(parsed as ipaddr.IPv6);
}

/**
 * The rule a URL's host breaks by its text alone, or null. `hostname` is WHATWG `URL.hostname`
 * (IPv6 in brackets, IPv4 already in dotted decimal). A name other than `localhost` passes here:
 * what it resolves to is checked when the connection is made.
 */
export function hostRule(hostname: string): AddressRule | null {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (ipaddr.isValid(host)) return addressRule(host);
  const name = host.toLowerCase().replace(/\.$/, '');
  // RFC 6761: localhost and every name under it are this computer, whatever a resolver says.
  if (name === 'localhost' || name.endsWith('.localhost')) return { rule: 'loopback (localhost, this computer)', local: true };
  return null;
}

/** True when the rule stops the request under the owner's setting. */
export function refuses(rule: AddressRule | null, allowPrivateNetwork: boolean): rule is AddressRule {
  return rule !== null && !(rule.local && allowPrivateNetwork);
}

/** One sentence for a refusal: what the address is and what (if anything) would allow it. */
export function refusalMessage(refusal: Refusal): string {
  const why = refusal.local
    ? `requests to this computer and the local network are refused unless the setting ${ALLOW_PRIVATE_SETTING} is on`
    : 'requests there are always refused';
  const what = refusal.name ? `${refusal.name} resolves to ${refusal.address}, which` : refusal.address;
  return `refused: ${what} is ${refusal.rule}; ${why}`;
}

/**
 * The text check when a URL is saved: null when it may be used, else the refusal. A URL that is
 * not an absolute http(s) URL is the schema's business and passes here.
 */
export function checkUrlText(url: string | URL, allowPrivateNetwork: boolean): Refusal | null {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return null;
  }
  const rule = hostRule(parsed.hostname);
  return refuses(rule, allowPrivateNetwork) ? { ...rule, address: parsed.hostname } : null;
}

/**
 * Refuses a URL being saved, as a 422 naming `field` and the rule. The connection is checked again
 * when it is made (a name may resolve to a refused address); this is the early, readable answer.
 */
export function assertUrlAllowed(url: string, allowPrivateNetwork: boolean, field: string): void {
  const refusal = checkUrlText(url, allowPrivateNetwork);
  if (!refusal) return;
  const message = refusalMessage(refusal);
  throw new AppError('validation_failed', `${field}: ${message}`, { issues: [{ path: field, message }] });
}
