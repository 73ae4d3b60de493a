import { AppError } from '../../../shared/errors';
import type { Db } from '../util/db-helpers';
import { loadOrCreateToken, newToken, writeTokenFile } from './token';

/** The settings row that records that this data folder's database has had a token file. */
const ISSUED_KEY = 'api-token';

/**
 * Where a token's issue is recorded: the SQLite database in the same data folder, so a token file
 * that disappears later is noticed. (A PostgreSQL database is shared by servers with data folders
 * of their own, so it cannot say whether one folder had a token: there a missing file is issued anew.)
 */
export type TokenRecord = {
  /** Whether a token was issued for this data folder before this process started. */
  issuedBefore: boolean;
  /** Notes that a token now exists (idempotent). */
  markIssued(): Promise<void>;
};

/** Reads the record from the database (SQLite) and returns how to add to it. */
export async function sqliteTokenRecord(db: Db, write: (run: (trx: Db) => Promise<void>) => Promise<void>): Promise<TokenRecord> {
  const row = (await db('settings').where({ key: ISSUED_KEY }).first()) as { value: string } | undefined;
  let issued = row !== undefined;
  return {
    issuedBefore: issued,
    async markIssued() {
      if (issued) return;
      issued = true;
      await write(async (trx) => {
        const now = new Date().toISOString();
        const exists = (await trx('settings').where({ key: ISSUED_KEY }).first()) as unknown;
        if (!exists) await trx('settings').insert({ key: ISSUED_KEY, value: JSON.stringify({ issuedAt: now }), updated_at: now });
      });
    },
  };
}

const NO_RECORD: TokenRecord = { issuedBefore: false, markIssued: async () => {} };

/**
 * The API token as the server checks it on every request. Rotation writes a new token to the data
 * folder and swaps it in memory at once, so the old token stops working with the next request. A
 * token given by STOCKFEED_API_TOKEN belongs to whoever set the variable and cannot be rotated
 * from inside.
 */
export class TokenStore {
  private token: string | undefined;
  private readonly envToken: string | undefined;
  private recording: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataDir: string,
    fromEnv: string | undefined = process.env.STOCKFEED_API_TOKEN,
    private readonly record: TokenRecord = NO_RECORD,
    private readonly onRecordFailed: (error: Error) => void = () => {},
  ) {
    this.envToken = fromEnv?.trim() || undefined;
  }

  /**
   * Loaded (or issued, for a folder that never had one) on first use, so hosts that never serve
   * HTTP never write a token file. Throws TokenFileError when the file is missing or damaged.
   */
  current(): string {
    if (this.token === undefined) {
      // '' (not undefined) so loadOrCreateToken does not fall back to reading the environment itself.
      const { token } = loadOrCreateToken(this.dataDir, this.envToken ?? '', { issuedBefore: this.record.issuedBefore });
      this.token = token;
      // Also a token file an earlier version wrote: from now on its loss is noticed.
      if (!this.envToken) this.markIssued();
    }
    return this.token;
  }

  rotate(): { token: string; rotatedAt: string } {
    if (this.envToken) {
      throw new AppError(
        'conflict',
        'The API token comes from the STOCKFEED_API_TOKEN environment variable; change the variable and restart to rotate it',
      );
    }
    const token = newToken();
    // Fsynced before the rename: a crash leaves the old or the new token, never half of one.
    writeTokenFile(this.dataDir, token);
    this.token = token;
    this.markIssued();
    return { token, rotatedAt: new Date().toISOString() };
  }

  /** Resolves when the record of an issued token is written (the CLI waits for it before it exits). */
  settled(): Promise<void> {
    return this.recording;
  }

  private markIssued(): void {
    this.recording = this.recording.then(() => this.record.markIssued()).catch((error: Error) => this.onRecordFailed(error));
  }
}
