import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Settings } from '../../../shared/schemas/settings';
import { useClient } from '../api/app-api';
import { describeError } from '../api/errors';

/** Shop settings the screens need: the shop's name, its currency, its default location. */
export const useSettingsStore = defineStore('settings', () => {
  const client = useClient();
  const settings = ref<Settings | null>(null);
  const error = ref<string | null>(null);
  let pending: Promise<void> | null = null;

  const shopName = computed(() => settings.value?.shopName ?? '');
  const currency = computed(() => settings.value?.currency ?? 'USD');
  const defaultLocation = computed(() => settings.value?.defaultLocation ?? 'main');

  /** Loads once; later calls share the first request. */
  function load(): Promise<void> {
    pending ??= client['settings.get']({}).then(
      (value) => {
        settings.value = value;
        error.value = null;
      },
      (failure: unknown) => {
        error.value = describeError(failure);
        pending = null;
      },
    );
    return pending;
  }

  function reset(): void {
    settings.value = null;
    pending = null;
  }

  return { settings, error, shopName, currency, defaultLocation, load, reset };
});
