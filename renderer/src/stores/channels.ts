import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ChannelStatus, DriftEntry, MatchReport, Push, PushChannel, PushStatus, ReconcileResult } from '../../../shared/schemas/channel-push';
import { useClient } from '../api/app-api';
import { describeError } from '../api/errors';
import { mergeFields } from '../live-edit';
import { useChangesStore } from './changes';
import { settingsToInput, useSettingsStore, type SettingsDraft } from './settings';

/** One channel's part of the settings, as its form edits it (credentials null: keep the saved one). */
export type ChannelDraft = SettingsDraft['channels'][PushChannel];

/** A status refresh waits this long after a change, so a burst of stock changes costs one. */
const REFRESH_DELAY_MS = 400;

/**
 * The Channels screen's data: each channel's state, the last match report, the push log and the
 * drift report. It follows the change stream while the screen is open (a push going out, a channel
 * failing, new settings), so the figures move without polling.
 */
export const useChannelsStore = defineStore('channels', () => {
  const client = useClient();
  const changes = useChangesStore();
  const settings = useSettingsStore();
  const statuses = ref<ChannelStatus[] | null>(null);
  const reports = ref<Partial<Record<PushChannel, MatchReport | null>>>({});
  const error = ref<string | null>(null);
  /** Bumped whenever pushes may have moved: the push log and drift report reload on it. */
  const revision = ref(0);
  let stopFollowing: (() => void) | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  async function refresh(): Promise<void> {
    try {
      statuses.value = (await client['channels.status']({})).channels;
      error.value = null;
    } catch (failure) {
      error.value = describeError(failure);
    }
  }

  function refreshSoon(): void {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      revision.value += 1;
      void refresh();
    }, REFRESH_DELAY_MS);
  }

  /** Loads the state and follows the change stream while the screen is open. */
  async function open(): Promise<void> {
    stopFollowing ??= changes.on(['channel.synced', 'channel.failed', 'settings.updated', 'stock.changed', 'product.updated'], refreshSoon);
    void changes.start();
    await Promise.all([refresh(), settings.load()]);
  }

  function close(): void {
    stopFollowing?.();
    stopFollowing = null;
    if (timer) clearTimeout(timer);
    timer = null;
  }

  /**
   * Saves one channel's settings: the fields changed since `base` (what the form started from) on
   * top of the server's current ones, the rest as they are on the server. Throws the API's error
   * with field issues.
   */
  async function saveChannel(channel: PushChannel, draft: ChannelDraft, base: ChannelDraft): Promise<void> {
    const current = await settings.reload();
    const body = settingsToInput(current);
    const merged = mergeFields(base, draft, body.channels[channel]).merged;
    await settings.save({ ...body, channels: { ...body.channels, [channel]: merged }, ...(current.updatedAt ? { expectedUpdatedAt: current.updatedAt } : {}) });
    await refresh();
  }

  async function connect(channel: PushChannel): Promise<MatchReport> {
    try {
      const report = await client['channels.connect']({ channel });
      reports.value = { ...reports.value, [channel]: report };
      return report;
    } finally {
      await refresh();
      revision.value += 1;
    }
  }

  async function loadReport(channel: PushChannel): Promise<void> {
    if (reports.value[channel] !== undefined) return;
    const { report } = await client['channels.matches']({ channel });
    reports.value = { ...reports.value, [channel]: report };
  }

  async function pushes(channel: PushChannel, status: PushStatus | null, before?: number): Promise<{ pushes: Push[]; next: number | null }> {
    return client['channels.pushes']({ channel, limit: 25, ...(status ? { status } : {}), ...(before ? { before } : {}) });
  }

  async function retry(channel: PushChannel, id: number): Promise<Push> {
    const push = await client['channels.retry']({ channel, id });
    await refresh();
    return push;
  }

  async function reconcile(channel: PushChannel): Promise<ReconcileResult> {
    const result = await client['channels.reconcile']({ channel });
    await refresh();
    revision.value += 1;
    return result;
  }

  async function drift(channel: PushChannel): Promise<DriftEntry[]> {
    return (await client['channels.drift']({ channel, limit: 50 })).drift;
  }

  return { statuses, reports, error, revision, open, close, refresh, saveChannel, connect, loadReport, pushes, retry, reconcile, drift };
});
