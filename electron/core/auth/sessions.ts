/**
 * Browser sessions of the headless server. A browser exchanges the API token once for a session id
 * (256 random bits) that it keeps in an httpOnly cookie; the database keeps a SHA-256 hash of the
 * id, never the id, so a copy of the database (a backup, a leaked dump) opens no session.
 *
 * Each session is bound to the API token it was made from by an HMAC of that token keyed by the
 * session id. When the token changes, whichever way (rotated here, `cli token --new`, another
 * STOCKFEED_API_TOKEN, a restored file), every session made from the old one stops working with the
 * next request, without this process having to be told; and the table alone can neither reveal nor
 * confirm a guess of the token, since the key (the id) is not in it.
 *
 * Expiry: 30 days after the last use, and never more than 90 days after signing in. The credential
 * is the shop's one token, not a personal password, so there is no one to log out after a lunch
 * break; the point of signing in "once per browser" is that people do not paste the token every
 * morning. The cap bounds a session forgotten on a lost or sold computer, and Sign out or a new
 * token ends every session at once. Use moves the end on at most once an hour, so reading the API
 * does not turn every request into a write.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { SignedInWith } from '../../../shared/schemas/auth';
import type { Db } from '../util/db-helpers';
import type { ExclusiveWriter } from '../write-queue';

export const SESSION_IDLE_MS = 30 * 24 * 60 * 60 * 1000;
export const SESSION_MAX_AGE_MS = 90 * 24 * 60 * 60 * 1000;
/** Use renews a session's end only when it was last renewed longer ago than this. */
export const SESSION_RENEW_AFTER_MS = 60 * 60 * 1000;

/** The kinds of session the API token made, all ended when it changes. */
const FROM_TOKEN: readonly SignedInWith[] = ['api-token', 'sign-in-link'];

/** The form of an id this store hands out: 32 bytes, base64url. Anything else is not looked up. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

export type Session = {
  /** Hex SHA-256 of the id: names the session in logs and events without being able to open it. */
  idHash: string;
  signedInWith: SignedInWith;
  signedInAt: string;
  expiresAt: string;
};

type SessionRow = {
  id_hash: string;
  signed_in_with: SignedInWith;
  token_check: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
};

/** Called with the hash of an ended session, or null when every session made from the token ended. */
export type SessionEndedListener = (idHash: string | null) => void;

const hashId = (id: string) => createHash('sha256').update(id).digest('hex');
const tokenCheck = (id: string, token: string) => createHmac('sha256', id).update(token).digest('hex');
const iso = (ms: number) => new Date(ms).toISOString();

function sessionOf(row: SessionRow): Session {
  return { idHash: row.id_hash, signedInWith: row.signed_in_with, signedInAt: row.created_at, expiresAt: row.expires_at };
}

/** Constant time is not needed: the HMAC is compared after the id (a 256-bit secret) has matched. */
const checksOut = (row: SessionRow, id: string, token: string) => row.token_check === tokenCheck(id, token);

export class SessionStore {
  private readonly listeners = new Set<SessionEndedListener>();

  constructor(
    private readonly db: Db,
    private readonly writer: ExclusiveWriter,
  ) {}

  /** A new session made from `token`; the id goes to the browser and is not kept here. Prunes ended sessions. */
  async create(signedInWith: SignedInWith, token: string): Promise<{ id: string; session: Session }> {
    const id = randomBytes(32).toString('base64url');
    const now = Date.now();
    const row: SessionRow = {
      id_hash: hashId(id),
      signed_in_with: signedInWith,
      token_check: tokenCheck(id, token),
      created_at: iso(now),
      last_seen_at: iso(now),
      expires_at: iso(now + SESSION_IDLE_MS),
    };
    await this.writer.exclusive(async ({ trx }) => {
      // Sessions are only made here, so pruning here bounds the table without a timer.
      await trx('sessions').where('expires_at', '<=', iso(now)).delete();
      await trx('sessions').insert(row);
    });
    return { id, session: sessionOf(row) };
  }

  /**
   * The live session with this id, made from `token` (the current API token); null when there is
   * none, it ended, or it was made from another token. `renewed`: its end moved on just now (the
   * browser's cookie should be renewed too).
   */
  async find(id: string, token: string): Promise<{ session: Session; renewed: boolean } | null> {
    if (!SESSION_ID.test(id)) return null;
    const row = (await this.db('sessions').where({ id_hash: hashId(id) }).first()) as SessionRow | undefined;
    const now = Date.now();
    if (!row || row.expires_at <= iso(now) || !checksOut(row, id, token)) return null;
    if (now - Date.parse(row.last_seen_at) < SESSION_RENEW_AFTER_MS) return { session: sessionOf(row), renewed: false };
    const renewed: SessionRow = {
      ...row,
      last_seen_at: iso(now),
      expires_at: iso(Math.min(now + SESSION_IDLE_MS, Date.parse(row.created_at) + SESSION_MAX_AGE_MS)),
    };
    await this.writer.exclusive(async ({ trx }) => {
      await trx('sessions').where({ id_hash: row.id_hash }).update({ last_seen_at: renewed.last_seen_at, expires_at: renewed.expires_at });
    });
    return { session: sessionOf(renewed), renewed: true };
  }

  /** Ends the session with this id (Sign out); nothing happens when there is none. */
  async end(id: string): Promise<void> {
    if (!SESSION_ID.test(id)) return;
    const idHash = hashId(id);
    const deleted = await this.writer.exclusive(async ({ trx }) => trx('sessions').where({ id_hash: idHash }).delete());
    if (deleted > 0) this.emit(idHash);
  }

  /** Ends every session made from the API token (it was rotated); answers how many. */
  async endAllFromToken(): Promise<number> {
    const deleted = await this.writer.exclusive(async ({ trx }) => trx('sessions').whereIn('signed_in_with', FROM_TOKEN).delete());
    this.emit(null);
    return deleted;
  }

  /** Deletes ended sessions; answers how many. */
  async prune(): Promise<number> {
    const now = iso(Date.now());
    return this.writer.exclusive(async ({ trx }) => trx('sessions').where('expires_at', '<=', now).delete());
  }

  /**
   * Tells `listener` when sessions end here, so the server can close what they hold open (event
   * streams). Returns the function that stops listening.
   */
  onEnded(listener: SessionEndedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(idHash: string | null): void {
    for (const listener of [...this.listeners]) listener(idHash);
  }
}
