import type { Handlers } from '../../../shared/contract';
import type { StorefrontTokens } from './storefront-tokens';

export type StorefrontTokenOperation = 'storefrontTokens.list' | 'storefrontTokens.create' | 'storefrontTokens.delete';

/** Making, listing and revoking storefront tokens (only the API token or a session may). */
export function createStorefrontTokenHandlers({ tokens }: { tokens: Pick<StorefrontTokens, 'list' | 'create' | 'revoke'> }): Pick<Handlers, StorefrontTokenOperation> {
  return {
    'storefrontTokens.list': async () => ({ tokens: await tokens.list() }),
    'storefrontTokens.create': (input) => tokens.create(input.name),
    'storefrontTokens.delete': (input) => tokens.revoke(input.id),
  };
}
