import type { Handlers } from '../../../shared/contract';
import type { SessionStore } from './sessions';
import type { TokenStore } from './token-store';

export type AuthOperation = 'auth.rotateToken';

/**
 * Token rotation is a contract operation; hosts check tokens through the same TokenStore. The
 * browser sessions made from the old token end with it: the token was what they were exchanged for.
 */
export function createAuthHandlers({
  tokens,
  sessions,
}: {
  tokens: Pick<TokenStore, 'rotate'>;
  sessions: Pick<SessionStore, 'endAllFromToken'>;
}): Pick<Handlers, AuthOperation> {
  return {
    'auth.rotateToken': async () => {
      const rotated = tokens.rotate();
      // They no longer work already (each is bound to the token it was made from); this removes them.
      await sessions.endAllFromToken();
      return rotated;
    },
  };
}
