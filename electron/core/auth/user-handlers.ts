import type { Handlers } from '../../../shared/contract';
import type { UserStore } from './users';

export type UserOperation = 'users.list' | 'users.create' | 'users.update' | 'users.delete';

/** People and their roles, as contract operations (the server lets only the owner call them). */
export function createUserHandlers({ users }: { users: Pick<UserStore, 'list' | 'create' | 'update' | 'remove'> }): Pick<Handlers, UserOperation> {
  return {
    'users.list': async () => ({ users: await users.list() }),
    'users.create': (input) => users.create(input),
    'users.update': (input) => users.update(input),
    'users.delete': (input) => users.remove(input.id),
  };
}
