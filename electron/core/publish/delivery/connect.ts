/**
 * Connects the delivery runner to the rest of the core: settings changes reach it from the change
 * bus, and finished publishes from whatever announces them (the publisher).
 */
import type { ChangeBus } from '../../changes/change-log';
import type { PublishOutcome } from '../types';
import type { DeliveryRunner } from './runner';

/** Anything that announces finished publishes; returns a function that stops listening. */
export type PublishSource = {
  onPublished(listener: (outcome: PublishOutcome) => void): () => void;
};

/**
 * Feeds settings changes (from the committed change log) and, when given, every finished publish
 * to the runner. Returns a function that disconnects both.
 */
export function connectDelivery(core: { bus: ChangeBus; delivery: DeliveryRunner }, publisher?: PublishSource): () => void {
  const stopSettings = core.bus.subscribe((changes) => {
    if (changes.some((c) => c.type === 'settings.updated')) core.delivery.settingsChanged();
  });
  const stopPublishes = publisher?.onPublished((outcome) => core.delivery.onPublished(outcome));
  return () => {
    stopSettings();
    stopPublishes?.();
  };
}
