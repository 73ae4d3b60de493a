/**
 * The settings that hold the shop's public addresses: the shop URL, the page URL templates and the
 * pages the OpenAI feed names. They are written into the public feeds, the sitemap, the JSON-LD
 * and IndexNow's submissions, so a user name or password in one would be published. Refused when
 * saved; one an earlier version stored is used without it (see SettingsService.load).
 */
import type { ParsedInput } from '../../../shared/contract';
import type { FieldIssue } from '../../../shared/errors';
import { hasCredentials, withoutCredentials } from '../net/url-credentials';

type Stored = ParsedInput<'settings.update'>;

const TOP_LEVEL = ['shopUrl', 'productUrlTemplate', 'collectionUrlTemplate', 'brandUrlTemplate'] as const;
const OPENAI_FEED = ['sellerUrl', 'returnPolicyUrl', 'privacyPolicyUrl', 'termsUrl'] as const;

/** Each public address as [settings path, value]. */
function publicAddresses(s: Stored): Array<[string, string]> {
  return [...TOP_LEVEL.map((f): [string, string] => [f, s[f]]), ...OPENAI_FEED.map((f): [string, string] => [`openAiFeed.${f}`, s.openAiFeed[f]])];
}

/** A user name or password in a public address, as 422 issues naming the field. */
export function publicAddressIssues(s: Stored): FieldIssue[] {
  return publicAddresses(s)
    .filter(([, value]) => hasCredentials(value))
    .map(([path]) => ({ path, message: `${path} is published for everyone to read: it must not hold a user name or password` }));
}

/** The settings with every public address stripped of its user name and password, and the paths that held one. */
export function withoutPublicCredentials(s: Stored): { settings: Stored; stripped: string[] } {
  const stripped = publicAddresses(s)
    .filter(([, value]) => hasCredentials(value))
    .map(([path]) => path);
  if (stripped.length === 0) return { settings: s, stripped };
  const top = Object.fromEntries(TOP_LEVEL.map((f) => [f, withoutCredentials(s[f])])) as Pick<Stored, (typeof TOP_LEVEL)[number]>;
  const feed = Object.fromEntries(OPENAI_FEED.map((f) => [f, withoutCredentials(s.openAiFeed[f])])) as Pick<Stored['openAiFeed'], (typeof OPENAI_FEED)[number]>;
  return { settings: { ...s, ...top, openAiFeed: { ...s.openAiFeed, ...feed } }, stripped };
}
