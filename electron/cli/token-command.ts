import path from 'node:path';
import { TOKEN_FILE } from '../core/auth/token';
import { withCore, type CliEnv, type CliIo } from './commands';

/**
 * `token [--new]`: prints the API token the server checks (issuing one for a folder that never had
 * one); `--new` issues a new one, the way back when the token file was lost or damaged. The token
 * alone goes to stdout, so a script can capture it; the explanation goes to stderr.
 */
export async function tokenCommand(env: CliEnv, io: CliIo, fresh: boolean): Promise<number> {
  return withCore(env, io, true, async (core) => {
    const file = path.join(env.dataDir, TOKEN_FILE);
    if (fresh) {
      const { token } = core.tokens.rotate();
      await core.tokens.settled();
      io.err(`A new API token is in ${file}; the old one no longer works (a server that is running now keeps it until it restarts).`);
      io.out(token);
      return 0;
    }
    io.out(core.tokens.current());
    await core.tokens.settled();
    return 0;
  });
}
