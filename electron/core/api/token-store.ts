import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../shared/errors';
import { loadOrCreateToken, TOKEN_FILE } from './token';

/**
 * The API token as the server checks it on every request. Rotation writes a new token to the data
 * folder and swaps it in memory at once, so the old token stops working with the next request. A
 * token given by STOCKFEED_API_TOKEN belongs to whoever set the variable and cannot be rotated
 * from inside.
 */
export class TokenStore {
  private token: string | undefined;
  private readonly envToken: string | undefined;

  constructor(
    private readonly dataDir: string,
    fromEnv: string | undefined = process.env.STOCKFEED_API_TOKEN,
  ) {
    this.envToken = fromEnv?.trim() || undefined;
  }

  /** Loaded (or generated) on first use, so hosts that never serve HTTP never write a token file. */
  current(): string {
    // '' (not undefined) so loadOrCreateToken does not fall back to reading the environment itself.
    this.token ??= loadOrCreateToken(this.dataDir, this.envToken ?? '');
    return this.token;
  }

  rotate(): { token: string; rotatedAt: string } {
    if (this.envToken) {
      throw new AppError(
        'conflict',
        'The API token comes from the STOCKFEED_API_TOKEN environment variable; change the variable and restart to rotate it',
      );
    }
    const token = randomBytes(32).toString('base64url');
    const file = path.join(this.dataDir, TOKEN_FILE);
    const temp = `${file}.${process.pid}.tmp`;
    fs.mkdirSync(this.dataDir, { recursive: true });
    // Written beside the old file and renamed over it: a crash leaves the old or the new token, never half of one.
    fs.writeFileSync(temp, `${token}\n`, { mode: 0o600 });
    fs.renameSync(temp, file);
    this.token = token;
    return { token, rotatedAt: new Date().toISOString() };
  }
}
