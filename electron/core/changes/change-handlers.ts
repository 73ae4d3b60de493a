import type { Handlers } from '../../../shared/contract';
import type { Db } from '../util/db-helpers';
import { latestSeq, listChanges } from './change-log';

export type ChangeOperation = 'changes.list' | 'changes.latest';

/** The change-log operations of the contract (the live stream is the hosts' own). */
export function createChangeHandlers({ db }: { db: Db }): Pick<Handlers, ChangeOperation> {
  return {
    'changes.list': (input) => listChanges(db, input),
    'changes.latest': async () => ({ seq: await latestSeq(db) }),
  };
}
