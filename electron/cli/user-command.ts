/**
 * `user add|list|passwd|remove`: the people who sign in to the server with their own account, from
 * the computer that holds the data. It is how the first owner is made before anyone signs in (the
 * app offers the same once someone has signed in with the API token), and the way back for an owner
 * who forgot their password.
 */
import { AppError } from '../../shared/errors';
import { passwordSchema, roleSchema, usernameSchema } from '../../shared/schemas/users';
import { parseInput } from '../../shared/validation';
import { z } from 'zod';
import { CommandFailed, withCore, type CliEnv, type CliIo } from './commands';
import { generatePassword } from './password-input';

export const USER_ACTIONS = ['add', 'list', 'passwd', 'remove'] as const;
export type UserAction = (typeof USER_ACTIONS)[number];

export type UserCommandInput = {
  action: UserAction;
  username: string | undefined;
  role: string | undefined;
  generate: boolean;
  /** Reads the new password (no echo at a terminal, else the first line of stdin). */
  readPassword: () => Promise<string>;
};

/** The password to set: generated (and printed once, on stdout) or read. */
async function newPassword(io: CliIo, input: UserCommandInput): Promise<{ password: string; generated: boolean }> {
  const password = input.generate ? generatePassword() : await input.readPassword();
  const parsed = passwordSchema.safeParse(password);
  if (!parsed.success) throw new CommandFailed(`The password was not accepted: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
  return { password, generated: input.generate };
}

function needUsername(input: UserCommandInput): string {
  if (!input.username) throw new CommandFailed(`user ${input.action} needs a username.`);
  return parseInput(z.object({ username: usernameSchema }), { username: input.username }).username;
}

export async function userCommand(env: CliEnv, io: CliIo, input: UserCommandInput): Promise<number> {
  if (input.action === 'list') {
    return withCore(env, io, true, async (core) => {
      const users = await core.users.list();
      if (users.length === 0) io.err('There are no accounts yet; add the owner with: npm run cli -- user add --role owner NAME');
      for (const user of users) io.out(`${user.username}\t${user.role}\tsince ${user.createdAt.slice(0, 10)}`);
      return 0;
    });
  }
  const username = needUsername(input);
  if (input.action === 'add') {
    const role = parseInput(z.object({ role: roleSchema }), { role: input.role ?? '' }).role;
    const { password, generated } = await newPassword(io, input);
    return withCore(env, io, false, async (core) => {
      const user = await core.users.create({ username, role, password });
      io.err(`Added ${user.username} (${user.role}). They sign in on the server's page with this name and password.`);
      if (generated) {
        io.err('Their password, shown this once:');
        io.out(password);
      }
      return 0;
    });
  }
  return withCore(env, io, true, async (core) => {
    const user = await core.users.byUsername(username);
    if (!user) throw new AppError('not_found', `There is no account named "${username}" (see: npm run cli -- user list).`);
    if (input.action === 'remove') {
      await core.users.remove(user.id);
      io.err(`Removed ${user.username}; their sessions have ended. What they did stays recorded under their name.`);
      return 0;
    }
    const { password, generated } = await newPassword(io, input);
    await core.users.update({ id: user.id, password });
    io.err(`New password set for ${user.username}; their sessions have ended.`);
    if (generated) {
      io.err('The new password, shown this once:');
      io.out(password);
    }
    return 0;
  });
}
