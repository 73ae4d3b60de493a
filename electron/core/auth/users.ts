/**
 * The people who sign in to a shop's server with their own account (issue 20). The shop's API
 * token stays for scripts and acts as the owner; accounts let each person sign in with a name and a
 * password, with a role that says what they may do (shared/schemas/users.ts), and let every change
 * name who made it.
 *
 * There is always an owner once there are accounts: removing or demoting the last one is refused,
 * checked inside the write's transaction so two owners demoting each other at once cannot both win.
 */
import { AppError } from '../../../shared/errors';
import type { ParsedInput } from '../../../shared/contract';
import type { Role, User, UserRef } from '../../../shared/schemas/users';
import { uuid7 } from '../util/uuid7';
import type { Db } from '../util/db-helpers';
import type { ExclusiveWriter, WriteContext } from '../write-queue';
import { hashPassword, needsRehash, PASSWORD_HASH_PARAMS, spendVerifyTime, verifyPassword, type PasswordHashParams } from './password';
import type { SessionStore } from './sessions';

export type UserRow = {
  id: string;
  username: string;
  role: Role;
  password_hash: string;
  password_changed_at: string;
  created_at: string;
  updated_at: string;
};

function userOf(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    passwordChangedAt: row.password_changed_at,
  };
}

const LAST_OWNER =
  'the last owner: a shop needs at least one owner, who can manage people and settings. Make someone else an owner first';

export class UserStore {
  constructor(
    private readonly db: Db,
    private readonly writer: ExclusiveWriter,
    private readonly sessions: Pick<SessionStore, 'endAllOfUserIn'>,
    private readonly hashParams: PasswordHashParams = PASSWORD_HASH_PARAMS,
  ) {}

  async list(): Promise<User[]> {
    const rows = (await this.db('users').orderBy('username')) as UserRow[];
    return rows.map(userOf);
  }

  async count(): Promise<number> {
    const row = (await this.db('users').count({ n: '*' }).first()) as { n: number | string } | undefined;
    return Number(row?.n ?? 0);
  }

  /** The account with this name (compared in lower case), or undefined. */
  async byUsername(username: string): Promise<User | undefined> {
    const row = (await this.db('users').where({ username: username.toLowerCase() }).first()) as UserRow | undefined;
    return row ? userOf(row) : undefined;
  }

  async create(input: ParsedInput<'users.create'>): Promise<User> {
    // Hashed before the write: the write path is not held for the few hundred milliseconds it takes.
    const passwordHash = await hashPassword(input.password, this.hashParams);
    return this.writer.exclusive(async ({ trx, now }) => {
      const taken = (await trx('users').where({ username: input.username }).first('id')) as unknown;
      if (taken) {
        throw new AppError('conflict', `There is already an account named "${input.username}"`, { field: 'username', username: input.username });
      }
      const row: UserRow = {
        id: uuid7(),
        username: input.username,
        role: input.role,
        password_hash: passwordHash,
        password_changed_at: now,
        created_at: now,
        updated_at: now,
      };
      await trx('users').insert(row);
      return userOf(row);
    });
  }

  /** Changes a role or a password; a new password ends every session of that person. */
  async update(input: ParsedInput<'users.update'>): Promise<User> {
    const passwordHash = input.password !== undefined ? await hashPassword(input.password, this.hashParams) : undefined;
    return this.writer.exclusive(async (ctx) => {
      const { trx, now } = ctx;
      const row = await this.existing(trx, input.id);
      const changes: Partial<UserRow> = {};
      if (input.role !== undefined && input.role !== row.role) {
        if (row.role === 'owner') await this.refuseLastOwner(trx, row, `${row.username} cannot become ${input.role}: they are ${LAST_OWNER}`);
        changes.role = input.role;
      }
      if (passwordHash !== undefined) {
        changes.password_hash = passwordHash;
        changes.password_changed_at = now;
        await this.sessions.endAllOfUserIn(ctx, row.id);
      }
      if (Object.keys(changes).length === 0) return userOf(row);
      const updated: UserRow = { ...row, ...changes, updated_at: now };
      await trx('users').where({ id: row.id }).update({ ...changes, updated_at: now });
      return userOf(updated);
    });
  }

  /** Removes an account and ends its sessions; what it did stays recorded under its name. */
  async remove(id: string): Promise<{ id: string; deleted: true }> {
    return this.writer.exclusive(async (ctx) => {
      const row = await this.existing(ctx.trx, id);
      if (row.role === 'owner') await this.refuseLastOwner(ctx.trx, row, `${row.username} cannot be removed: they are ${LAST_OWNER}`);
      await this.sessions.endAllOfUserIn(ctx, row.id);
      await ctx.trx('users').where({ id: row.id }).delete();
      return { id: row.id, deleted: true as const };
    });
  }

  /**
   * The account when `password` is its password, else null. An unknown name costs the same time as
   * a wrong password, so the answer's timing does not tell which names exist. A hash made with
   * lower parameters than today's is replaced now that the password is known.
   */
  async authenticate(username: string, password: string): Promise<(UserRef & { password_hash: string }) | null> {
    const row = (await this.db('users').where({ username: username.toLowerCase() }).first()) as UserRow | undefined;
    if (!row) {
      await spendVerifyTime(this.hashParams);
      return null;
    }
    if (!(await verifyPassword(password, row.password_hash))) return null;
    let passwordHash = row.password_hash;
    if (needsRehash(row.password_hash, this.hashParams)) {
      passwordHash = await hashPassword(password, this.hashParams);
      // Only if nobody changed it meanwhile. Their other sessions were bound to the old hash and end
      // with it: signing in once more elsewhere is the price of a raised cost, paid once.
      await this.writer.exclusive(async ({ trx }) => {
        await trx('users').where({ id: row.id, password_hash: row.password_hash }).update({ password_hash: passwordHash });
      });
    }
    return { id: row.id, username: row.username, role: row.role, password_hash: passwordHash };
  }

  private async existing(trx: WriteContext['trx'], id: string): Promise<UserRow> {
    const row = (await trx('users').where({ id }).first()) as UserRow | undefined;
    if (!row) throw new AppError('not_found', `No account with id ${id}`, { field: 'id' });
    return row;
  }

  private async refuseLastOwner(trx: WriteContext['trx'], row: UserRow, message: string): Promise<void> {
    const others = (await trx('users').where({ role: 'owner' }).whereNot({ id: row.id }).count({ n: '*' }).first()) as { n: number | string } | undefined;
    if (Number(others?.n ?? 0) === 0) throw new AppError('conflict', message, { field: 'role', id: row.id, username: row.username });
  }
}
