/** Words for the publishing screen: artifact, target, availability and state names a person reads. */
import type { Availability } from '../../shared/domain/availability';
import type { ArtifactName, PublishOutput, PublishStatus } from '../../shared/schemas/publish';
import { formatNumber, formatQuantity } from './format';

export const ARTIFACT_LABELS: Record<ArtifactName, string> = {
  merchantXml: 'Merchant feed (XML)',
  merchantTsv: 'Merchant feed (TSV)',
  sitemap: 'Sitemap',
  jsonLd: 'Product data (JSON-LD)',
  collections: 'Collections (categories, brands)',
  openAiFeed: 'OpenAI product feed (ChatGPT)',
  redirects: 'Redirects of old product pages',
  manifest: 'Manifest',
};

/**
 * What an artifact's row says of its files: the name of its one file, else how many. A folder in
 * the list (`collections/`, `jsonld/`) stands for the files in it, so the count is the status's
 * `counts.files` then (1,113 collection files, not "2 files" for the folder and its sitemap).
 */
export function artifactFilesLabel(a: Pick<PublishStatus['artifacts'][number], 'files' | 'counts'>, locale?: string): string | null {
  if (a.files.length === 0) return null;
  if (a.files.length === 1) return a.files[0] as string;
  const count = a.files.some((f) => f.endsWith('/')) ? a.counts.files : a.files.length;
  return `${formatQuantity(count, locale)} ${count === 1 ? 'file' : 'files'}`;
}

export const TARGET_LABELS: Record<PublishStatus['targets'][number]['target'], string> = {
  sftp: 'SFTP upload',
  indexnow: 'IndexNow',
};

export const TARGET_STATES: Record<PublishStatus['targets'][number]['state'], string> = {
  off: 'Off',
  idle: 'Up to date',
  delivering: 'Sending…',
  retrying: 'Waiting to retry',
  failed: 'Failed',
};

export const AVAILABILITY_LABELS: Record<Availability, string> = {
  in_stock: 'In stock',
  out_of_stock: 'Out of stock',
  backorder: 'Backorder',
  preorder: 'Pre-order',
  discontinued: 'Discontinued',
};

export const OUTPUT_LABELS: Record<PublishOutput, string> = { feed: 'the feed', jsonLd: 'the JSON-LD', sitemap: 'the sitemap' };

function shopIssuesPhrase(count: number): string {
  return count === 1 ? 'a shop setting is missing or wrong, and it affects' : `${formatQuantity(count)} shop settings are missing or wrong, and they affect`;
}

export type OverallState = { tone: 'ok' | 'warn' | 'busy' | 'error'; text: string };

/**
 * One sentence on where publishing stands. `shopIssues` is how many problems of the shop's own
 * settings "Left out and why" lists (`publish.issues` → `shop`): they count in no product's
 * `withIssues`, yet one of them (no product page address) leaves every product out.
 */
export function overallState(status: PublishStatus, shopIssues = 0): OverallState {
  if (status.lastError) return { tone: 'error', text: `The last publish failed: ${status.lastError}` };
  if (status.seq === null) return { tone: 'busy', text: status.running ? 'Publishing for the first time…' : 'Not published yet.' };
  // Not `seq < latestSeq`: the log also holds changes that alter no file (settings, webhooks, the
  // `published` entry itself), so the files' sequence stays below the log's end when all is done.
  if (status.running) return { tone: 'busy', text: 'Publishing the latest changes…' };
  // The files can be right while their upload or IndexNow fails: a green "everything is
  // published" above a red Failed in the Delivery table read as all well.
  const failed = status.targets.filter((t) => t.state === 'failed').map((t) => TARGET_LABELS[t.target]);
  if (failed.length > 0) {
    const which = failed.length === 1 ? `${failed[0]} failed` : `${failed.join(' and ')} failed`;
    return { tone: 'error', text: `The files are written, but ${which}. See “Delivery” below.` };
  }
  // Up to date is not all well: a shop whose every product lacks an image has an empty feed, and
  // a green "everything is published" above "0 of 6 in the feed" read as the opposite.
  const withIssues = status.products.withIssues;
  if (withIssues > 0) {
    const which = withIssues === 1 ? '1 product is' : `${formatQuantity(withIssues)} products are`;
    return { tone: 'warn', text: `Published: the files match your stock and products, but ${which} left out or published with problems. See “Left out and why” below.` };
  }
  // No product page address left every product out of the feed and the sitemap, with
  // withIssues 0, under a green "Everything is published".
  if (shopIssues > 0) {
    return { tone: 'warn', text: `Published, but ${shopIssuesPhrase(shopIssues)} every product. See “Left out and why” below.` };
  }
  return { tone: 'ok', text: 'Everything is published: the files match your stock and products.' };
}

/**
 * The Dashboard card's sentence: a failed target counts too; products left out make it amber, and
 * so do shop issues (`publish.issues` → `shop`), as in `overallState`.
 */
export function dashboardPublishingState(s: PublishStatus | null, shopIssues = 0): OverallState {
  if (!s) return { tone: 'error', text: 'Publishing status is not available.' };
  const failed = s.lastError ?? s.artifacts.find((a) => a.error)?.error ?? s.targets.find((t) => t.state === 'failed')?.lastError ?? null;
  if (failed) return { tone: 'error', text: `Needs attention: ${failed}` };
  if (s.running) return { tone: 'busy', text: 'Publishing the latest changes…' };
  if (s.seq === null) return { tone: 'busy', text: 'Not published yet.' };
  // Not every change touches the files (a setting such as the shop's setup), so the published
  // sequence may trail the newest one while everything is up to date.
  const withIssues = s.products.withIssues;
  if (withIssues > 0) {
    return { tone: 'warn', text: `Up to date, but ${withIssues === 1 ? '1 product is' : `${formatQuantity(withIssues)} products are`} left out of the feed or published with problems.` };
  }
  // No product page address leaves every product out while withIssues stays 0.
  if (shopIssues > 0) {
    return { tone: 'warn', text: `Up to date, but ${shopIssuesPhrase(shopIssues)} every product. See Publishing.` };
  }
  return { tone: 'ok', text: 'Up to date: the published files follow every stock change.' };
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 1000 ? `${formatQuantity(Math.round(ms))} ms` : `${formatNumber(Math.round(ms / 100) / 10)} s`;
}
