/** What a publish needs (RunDeps), what survives between publishes (RunState), what it is asked and what it reports. */
import type { ArtifactName } from '../../../shared/schemas/publish';
import type { Logger } from '../logger';
import type { SummaryContext } from '../stock/stock-summary';
import type { Db } from '../util/db-helpers';
import type { ExclusiveWriter } from '../write-queue';
import type { SitemapLimits } from './artifacts';
import type { CatalogCache } from './catalog-cache';
import { newCollectionsState, type CollectionsState } from './collection-stage';
import type { Layouts } from './outputs';
import type { ProductRecord } from './product-record';
import type { RedirectBook } from './redirects';
import type { ArtifactState } from './publish-store';
import type { PublishOutcome, StoredSettings } from './types';

export type RunDeps = {
  db: Db;
  queue: ExclusiveWriter;
  summary: SummaryContext;
  settings(): StoredSettings;
  publishDir(): string;
  /** Refuses a folder that is not Stockfeed's (throws) and marks a new one as Stockfeed's; see publish-folder.ts. */
  claimFolder?(dir: string): void;
  log: Logger;
  /** Smaller sitemap files (tests of the split). */
  sitemapLimits?: SitemapLimits;
  /** Lines per OpenAI feed part (10,000; tests of the split make it small). */
  openAiPartItems?: number;
};

/** What survives between publishes in a running publisher. */
export type RunState = {
  cache: CatalogCache | null;
  /** The folder the cache was last written to. */
  dir: string | null;
  layouts: Layouts;
  artifacts: Map<ArtifactName, ArtifactState>;
  /** Products a full publish could not place (they changed SKU while it read): published next. */
  pending: Set<string>;
  /** Their records as last published, until then. */
  orphans: Map<string, ProductRecord>;
  /** The collections (issue 19): their members and what the folder holds of them. */
  collections: CollectionsState;
  /** Work left after a publish that need not hold it up (removing a replaced JSON-LD set); never rejects. */
  background: Promise<void>;
  /** Old product page URLs (redirects.ts), loaded at the first publish; null after a failure (reloaded). */
  redirects: RedirectBook | null;
};

export function newRunState(): RunState {
  return {
    cache: null,
    dir: null,
    layouts: { parts: [] },
    artifacts: new Map(),
    pending: new Set(),
    orphans: new Map(),
    collections: newCollectionsState(),
    background: Promise.resolve(),
    redirects: null,
  };
}

export type RunRequest =
  | { mode: 'full'; force: boolean }
  /** `upTo`: the last change-log sequence the ids were collected from (what the files then reflect). */
  | { mode: 'incremental'; ids: Set<string>; upTo: number };

export type RunReport = {
  seq: number;
  full: boolean;
  /** False when nothing in the folder had to change. */
  wrote: boolean;
  outcome: PublishOutcome;
  durationMs: number;
  /** When every file was in place (before the database records were committed). */
  filesDoneAt: number;
};
