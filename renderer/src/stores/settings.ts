import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { Input, ParsedInput } from '../../../shared/contract';
import type { Actor } from '../../../shared/schemas/actor';
import type { Location } from '../../../shared/schemas/location';
import type { Settings } from '../../../shared/schemas/settings';
import { useClient } from '../api/app-api';
import { describeError } from '../api/errors';
import { setShopLocale } from '../shop-locale';
import { useChangesStore } from './changes';

export type SettingsInput = Input<'settings.update'>;
/** The settings being edited: every field present, as a form needs them. */
export type SettingsDraft = ParsedInput<'settings.update'>;

/**
 * The settings as a PUT body: what GET returned, with the secrets left out (null keeps the stored
 * secret) and the read-only fields (`has*` flags, when the host key was pinned) dropped.
 */
export function settingsToInput(settings: Settings): SettingsDraft {
  const { sftp, channels, updatedAt: _version, ...rest } = settings;
  const { hasPassword: _p, hasPrivateKey: _k, hostFingerprintPinnedAt: _pinnedAt, ...sftpRest } = sftp;
  const { hasSecret: _s, hasAccessToken: _t, hasClientId: _ci, hasClientSecret: _cx, ...shopify } = channels.shopify;
  const { hasSecret: _w, hasConsumerKey: _ck, hasConsumerSecret: _cs, ...woocommerce } = channels.woocommerce;
  const { hasServiceAccountKey: _g, serviceAccountEmail: _e, ...google } = channels.google;
  return {
    ...rest,
    sftp: { ...sftpRest, password: null, privateKey: null },
    channels: {
      ...channels,
      shopify: { ...shopify, locations: { ...shopify.locations }, secret: null, accessToken: null, clientId: null, clientSecret: null },
      woocommerce: { ...woocommerce, secret: null, consumerKey: null, consumerSecret: null },
      google: { ...google, serviceAccountKey: null },
    },
  };
}

/** Shop settings the screens need, the locations, and saving both. */
export const useSettingsStore = defineStore('settings', () => {
  const client = useClient();
  const settings = ref<Settings | null>(null);
  const locations = ref<Location[]>([]);
  const error = ref<string | null>(null);
  let pending: Promise<void> | null = null;
  /**
   * Where the settings held last came from: this window's own load or save, or a change made
   * elsewhere (the change log); a form with unsaved edits merges `elsewhere` versions into them.
   * `changedBy` is who made that change, when the change names someone.
   */
  const origin = ref<'own' | 'elsewhere'>('own');
  const changedBy = ref<Actor | null>(null);

  // Settings saved elsewhere (another window, a script through the API) show up here at once.
  useChangesStore().on(['settings.updated', 'location.created'], (changes) => {
    if (!settings.value) return;
    const updated = changes.filter((c) => c.type === 'settings.updated');
    if (updated.length > 0) void reload('elsewhere', updated[updated.length - 1]?.actor ?? null).catch(() => undefined);
    if (changes.some((c) => c.type === 'location.created') && locations.value.length > 0) void loadLocations().catch(() => undefined);
  });

  const shopName = computed(() => settings.value?.shopName ?? '');
  const currency = computed(() => settings.value?.currency ?? 'USD');
  /** How figures are written: a BCP 47 tag, or empty for the computer's language. */
  const locale = computed(() => settings.value?.locale ?? '');
  // Every figure on screen follows the setting (format.ts and number-input.ts read it).
  watch(locale, setShopLocale, { immediate: true });
  const defaultLocation = computed(() => settings.value?.defaultLocation ?? 'main');
  /** False until the first-run screen has been completed. */
  const setupDone = computed(() => settings.value?.setupDone ?? true);

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

  /** Fresh from the server (another window or a script may have changed them). */
  async function reload(from: 'own' | 'elsewhere' = 'own', actor: Actor | null = null): Promise<Settings> {
    const value = await client['settings.get']({});
    origin.value = from;
    changedBy.value = actor;
    settings.value = value;
    pending = Promise.resolve();
    return value;
  }

  /** Saves the whole settings object; throws the API's error (with field issues) on failure. */
  async function save(input: SettingsInput): Promise<Settings> {
    const value = await client['settings.update'](input);
    origin.value = 'own';
    changedBy.value = null;
    settings.value = value;
    pending = Promise.resolve();
    return value;
  }

  async function loadLocations(): Promise<Location[]> {
    const result = await client['locations.list']({});
    locations.value = result.locations;
    return result.locations;
  }

  async function addLocation(input: Input<'locations.create'>): Promise<Location> {
    const created = await client['locations.create'](input);
    locations.value = [...locations.value.filter((l) => l.code !== created.code), created].sort((a, b) => a.code.localeCompare(b.code));
    return created;
  }

  function reset(): void {
    settings.value = null;
    locations.value = [];
    pending = null;
  }

  return {
    settings,
    origin,
    changedBy,
    locations,
    error,
    shopName,
    currency,
    locale,
    defaultLocation,
    setupDone,
    load,
    reload,
    save,
    loadLocations,
    addLocation,
    reset,
  };
});
