import type { Actor } from '../../../shared/schemas/actor';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Availability } from '../../../shared/domain/availability';
import type { Change } from '../../../shared/schemas/changes';
import type { PublishIssues, PublishStatus } from '../../../shared/schemas/publish';
import type { PublishPreview } from '../../../shared/schemas/publish-preview';
import { useClient } from '../api/app-api';
import { describeError } from '../api/errors';
import { useChangesStore } from './changes';
import { settingsToInput } from './settings';

/** A product whose availability moved, and whether a publish has put that into the files yet. */
export type FeedChange = {
  seq: number;
  sku: string;
  from: Availability | null;
  to: Availability;
  at: string;
  /** The publish (its change-log sequence) that carried it into the feed; null while pending. */
  publishedSeq: number | null;
  /** Who made the change that moved it (a person, the API token, a sales channel, Stockfeed). */
  by: Actor | null;
};

const FEED_CHANGES_KEPT = 20;
const ISSUES_PAGE = 100;

function asAvailability(value: unknown): Availability | null {
  return typeof value === 'string' ? (value as Availability) : null;
}

/**
 * The publishing screen's data: status of every artifact and target, the products left out and
 * why, and the feed changes seen while the screen is open. It follows the change stream: each
 * `published` change reloads the status and issues; nothing is polled.
 */
export const usePublishingStore = defineStore('publishing', () => {
  const client = useClient();
  const changes = useChangesStore();
  const status = ref<PublishStatus | null>(null);
  const issues = ref<PublishIssues | null>(null);
  const feedChanges = ref<FeedChange[]>([]);
  const error = ref<string | null>(null);
  const running = ref(false);
  const accepting = ref(false);
  let stopFollowing: (() => void) | null = null;
  let refreshing: Promise<void> | null = null;
  let again = false;

  async function load(): Promise<void> {
    const [nextStatus, nextIssues] = await Promise.all([client['publish.status']({}), client['publish.issues']({ limit: ISSUES_PAGE })]);
    status.value = nextStatus;
    issues.value = nextIssues;
    error.value = null;
  }

  /** One refresh at a time; a change during one asks for one more after it. */
  function refresh(): Promise<void> {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = load()
      .catch((failure: unknown) => {
        error.value = describeError(failure);
      })
      .finally(() => {
        refreshing = null;
        if (again) {
          again = false;
          void refresh();
        }
      });
    return refreshing;
  }

  async function loadMoreIssues(): Promise<void> {
    const current = issues.value;
    if (!current?.next) return;
    const page = await client['publish.issues']({ limit: ISSUES_PAGE, cursor: current.next });
    issues.value = { ...page, products: [...current.products, ...page.products] };
  }

  function apply(batch: Change[]): void {
    for (const change of batch) {
      if (change.type === 'availability.changed' && change.sku) {
        const to = asAvailability(change.payload.to);
        if (!to) continue;
        const entry: FeedChange = { seq: change.seq, sku: change.sku, from: asAvailability(change.payload.from), to, at: change.createdAt, publishedSeq: null, by: change.actor };
        feedChanges.value = [entry, ...feedChanges.value].slice(0, FEED_CHANGES_KEPT);
      } else if (change.type === 'published') {
        const seq = typeof change.payload.seq === 'number' ? change.payload.seq : change.seq;
        feedChanges.value = feedChanges.value.map((f) => (f.publishedSeq === null && f.seq <= seq ? { ...f, publishedSeq: seq } : f));
      }
    }
    // The status shows how far the files are behind the log, so any change is news to it.
    void refresh();
  }

  /** Loads and follows the change stream while the screen is open. */
  async function open(): Promise<void> {
    stopFollowing ??= changes.subscribe(apply);
    await refresh();
  }

  function close(): void {
    stopFollowing?.();
    stopFollowing = null;
  }

  /** Publishes now; the answer is the new status. */
  async function publishNow(full = false): Promise<void> {
    running.value = true;
    try {
      status.value = await client['publish.run']({ full });
      issues.value = await client['publish.issues']({ limit: ISSUES_PAGE });
      error.value = null;
    } finally {
      running.value = false;
    }
  }

  /** How one product comes out in the next publish: its feed item, JSON-LD, sitemap entry and problems. */
  function preview(sku: string): Promise<PublishPreview> {
    return client['publish.preview']({ sku });
  }

  /**
   * Trusts the key an SFTP server now shows (the owner checked it): it becomes the pinned key in
   * the settings, and the upload that was refused is tried again.
   */
  async function acceptHostKey(fingerprint: string): Promise<void> {
    accepting.value = true;
    try {
      const current = await client['settings.get']({});
      const body = settingsToInput(current);
      // The version read just now: a save made in between is not undone (409, said as an error).
      await client['settings.update']({ ...body, sftp: { ...body.sftp, hostFingerprint: fingerprint }, ...(current.updatedAt ? { expectedUpdatedAt: current.updatedAt } : {}) });
      await refresh();
    } catch (failure) {
      error.value = describeError(failure);
    } finally {
      accepting.value = false;
    }
  }

  return { status, issues, feedChanges, error, running, accepting, open, close, refresh, loadMoreIssues, publishNow, preview, acceptHostKey };
});
