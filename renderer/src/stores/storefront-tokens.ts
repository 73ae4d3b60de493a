import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Output } from '../../../shared/contract';
import type { StorefrontToken } from '../../../shared/schemas/availability';
import { useClient } from '../api/app-api';

/** Storefront tokens: read-only credentials that reach the availability endpoints and nothing else. */
export const useStorefrontTokensStore = defineStore('storefront-tokens', () => {
  const client = useClient();
  const tokens = ref<StorefrontToken[]>([]);

  async function load(): Promise<void> {
    tokens.value = (await client['storefrontTokens.list']({})).tokens;
  }

  /** Makes one; the answer holds the token, shown once. */
  async function create(name: string): Promise<Output<'storefrontTokens.create'>> {
    const created = await client['storefrontTokens.create']({ name });
    await load();
    return created;
  }

  /** Revokes one: it stops working with the next request. */
  async function revoke(id: string): Promise<void> {
    await client['storefrontTokens.delete']({ id });
    tokens.value = tokens.value.filter((t) => t.id !== id);
  }

  return { tokens, load, create, revoke };
});
