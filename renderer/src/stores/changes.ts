import { defineStore } from 'pinia';
import { ref } from 'vue';
import { BRIDGE_GLOBAL } from '../../../shared/bridge';
import type { Change, ChangeType } from '../../../shared/schemas/changes';
import { useAppApi } from '../api/app-api';
import {
  bridgePush,
  createChangeStream,
  eventSourcePush,
  eventsUrl,
  type ChangeBridge,
  type ChangeStream,
  type PushSource,
  type StreamStatus,
} from '../api/change-stream';
import { describeError } from '../api/errors';

export type ChangeListener = (changes: Change[]) => void;

/**
 * The app's one follower of the change log. Stores and screens subscribe here (products list rows,
 * the product on screen, the dashboard, publishing…) and each receives every committed change once,
 * in order, whichever screen or API client made it.
 */
export const useChangesStore = defineStore('changes', () => {
  const api = useAppApi();
  const status = ref<StreamStatus>('stopped');
  const lastSeq = ref(0);
  const error = ref<string | null>(null);
  const listeners = new Set<ChangeListener>();
  let stream: ChangeStream | null = null;
  let starting: Promise<void> | null = null;

  /** Calls `listener` with every batch of new changes; returns the unsubscribe function. */
  function subscribe(listener: ChangeListener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /** Like subscribe, for the changes of some types only (batches with none of them are skipped). */
  function on(types: readonly ChangeType[], listener: ChangeListener): () => void {
    const wanted = new Set<string>(types);
    return subscribe((changes) => {
      const mine = changes.filter((c) => wanted.has(c.type));
      if (mine.length > 0) listener(mine);
    });
  }

  function deliver(changes: Change[]): void {
    lastSeq.value = (changes[changes.length - 1] as Change).seq;
    for (const listener of [...listeners]) {
      try {
        listener(changes);
      } catch (failure) {
        // One screen's failure to apply a change must not keep it from the others.
        console.error('A change listener failed', failure);
      }
    }
  }

  function pushSource(): PushSource | null {
    if (api.mode === 'ipc') {
      const bridge = (globalThis as Record<string, unknown>)[BRIDGE_GLOBAL] as ChangeBridge | undefined;
      return bridgePush(bridge);
    }
    if (typeof EventSource !== 'function') return null;
    return eventSourcePush(() => eventsUrl(lastSeq.value), (url) => new EventSource(url));
  }

  /**
   * Follows the log from its current end. Safe to call again; a running stream is kept. Screens
   * load their data themselves; a change committed between that load and this start is caught by
   * the stream's first read of the log.
   */
  function start(): Promise<void> {
    if (stream) return Promise.resolve();
    starting ??= api.client['changes.latest']({})
      .then(({ seq }) => {
        if (stream) return;
        lastSeq.value = seq;
        error.value = null;
        stream = createChangeStream({
          since: seq,
          deliver,
          pull: (since, limit) => api.client['changes.list']({ since, limit }),
          push: pushSource(),
          onStatus: (next) => {
            status.value = next;
          },
        });
      })
      .catch((failure: unknown) => {
        error.value = describeError(failure);
      })
      .finally(() => {
        starting = null;
      });
    return starting;
  }

  function stop(): void {
    stream?.stop();
    stream = null;
    status.value = 'stopped';
  }

  return { status, lastSeq, error, subscribe, on, start, stop };
});
