import type { Handlers } from '../../../shared/contract';
import type { TokenStore } from './token-store';

export type AuthOperation = 'auth.rotateToken';

/** Token rotation is a contract operation; hosts check tokens through the same TokenStore. */
export function createAuthHandlers({ tokens }: { tokens: Pick<TokenStore, 'rotate'> }): Pick<Handlers, AuthOperation> {
  return {
    'auth.rotateToken': async () => tokens.rotate(),
  };
}
