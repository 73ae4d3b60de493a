/**
 * Storefront tokens: read-only credentials a shop's storefront uses to ask for availability, so it
 * never holds the owner's API token. The database keeps a SHA-256 hash of each token (256 random
 * bits: nobody guesses one, so a fast hash is enough), the token is shown once when it is made,
 * and the HTTP layer accepts one on the availability routes only.
 *
 * Every request checks a token, so the hashes are held in memory: loaded at start, changed with
 * each commit here, and read again when another server's `storefront_token.changed` entry arrives
 * (before anything else reacts to it), so a revoked token stops working on every server. Each
 * change moves `version()` on, which ends what the HTTP check kept of earlier verifications.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../../../shared/errors';
import type { StorefrontToken } from '../../../shared/schemas/availability';
import type { Change } from '../../../shared/schemas/changes';
import type { Db } from '../util/db-helpers';
import { uuid7 } from '../util/uuid7';
import type { ExclusiveWriter } from '../write-queue';

/** The prefix says what a leaked token is (and that it is not the API token). */
const PREFIX = 'sft_';
const TOKEN = /^sft_[A-Za-z0-9_-]{43}$/;

type Row = { id: string; name: string; token_hash: string; created_at: string };

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export class StorefrontTokens {
  private byHash = new Map<string, string>();
  /** Moves on with every change to byHash: the HTTP check keeps a connection's verified token until it does. */
  private changes = 0;

  constructor(
    private readonly db: Db,
    private readonly queue: ExclusiveWriter,
  ) {}

  async load(): Promise<void> {
    const rows = (await this.db('storefront_tokens').select('id', 'token_hash')) as Array<Pick<Row, 'id' | 'token_hash'>>;
    this.byHash = new Map(rows.map((r) => [r.token_hash, r.id]));
    this.changes++;
  }

  /** A number that changes whenever a token is made or revoked (here, or read again after another server did). */
  version(): number {
    return this.changes;
  }

  /** Another server made or revoked one: read them again. */
  async refreshFor(changes: Change[]): Promise<void> {
    if (changes.some((c) => c.type === 'storefront_token.changed')) await this.load();
  }

  /**
   * The id of the storefront token presented, or null when it is none. `sha256`: the presented
   * token's SHA-256 when the caller has it already (the HTTP check hashes each token once).
   */
  check(presented: string, sha256?: Buffer): string | null {
    if (!TOKEN.test(presented)) return null;
    return this.byHash.get(sha256 ? sha256.toString('hex') : hashToken(presented)) ?? null;
  }

  async list(): Promise<StorefrontToken[]> {
    const rows = (await this.db('storefront_tokens').select('id', 'name', 'created_at').orderBy('created_at', 'asc')) as Row[];
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at }));
  }

  async create(name: string): Promise<{ id: string; name: string; token: string }> {
    const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
    const id = uuid7();
    const tokenHash = hashToken(token);
    await this.queue.exclusive(async (ctx) => {
      await ctx.trx('storefront_tokens').insert({ id, name, token_hash: tokenHash, created_at: ctx.now });
      await ctx.append([{ type: 'storefront_token.changed', productId: null, sku: null, payload: { id, name, action: 'created' } }]);
      ctx.afterCommit(() => {
        this.byHash.set(tokenHash, id);
        this.changes++;
      });
    });
    return { id, name, token };
  }

  async revoke(id: string): Promise<{ id: string; deleted: true }> {
    await this.queue.exclusive(async (ctx) => {
      const row = (await ctx.trx('storefront_tokens').select('name', 'token_hash').where({ id }).first()) as Row | undefined;
      if (!row) throw new AppError('not_found', `No storefront token with id ${id}`, { field: 'id', id });
      await ctx.trx('storefront_tokens').where({ id }).delete();
      await ctx.append([{ type: 'storefront_token.changed', productId: null, sku: null, payload: { id, name: row.name, action: 'revoked' } }]);
      ctx.afterCommit(() => {
        this.byHash.delete(row.token_hash);
        this.changes++;
      });
    });
    return { id, deleted: true };
  }
}
