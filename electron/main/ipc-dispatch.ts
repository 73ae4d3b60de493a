/**
 * One IPC call, without Electron: parse the input by the contract, run the core's handler, and
 * answer with a result object the renderer can read. Pure so it is unit-tested under plain Node.
 */
import type { IpcResult } from '../../shared/bridge';
import { contract, type Handlers, type OperationName, type Output, type ParsedInput } from '../../shared/contract';
import { AppError, type ErrorBody } from '../../shared/errors';
import { parseInput } from '../../shared/validation';
import type { Logger } from '../core/logger';
import type { Actor } from '../core/actor';

/**
 * The desktop app on its own has no accounts: whoever sits at the computer is the shop. Their
 * writes are recorded as this one person.
 */
export const DESKTOP_ACTOR: Actor = { kind: 'user', id: 'desktop', name: 'desktop' };

export const INTERNAL_ERROR: ErrorBody = {
  code: 'internal',
  message: 'Something went wrong inside Stockfeed; the details are in its log.',
};

/**
 * Never rejects: an expected failure travels as its ErrorBody; anything else is logged here and
 * reaches the renderer only as a generic `internal` error, so no stack trace or SQL leaves the
 * main process.
 */
export async function dispatchOperation<K extends OperationName>(
  handlers: Handlers,
  name: K,
  input: unknown,
  log: Logger,
): Promise<IpcResult<Output<K>>> {
  try {
    // TypeScript cannot follow that the schema and the handler are picked by the same name.
    const parsed = parseInput(contract[name].input, input) as ParsedInput<K>;
    const value = await handlers[name](parsed, DESKTOP_ACTOR);
    // A JSON round trip gives the renderer exactly what the HTTP API would send (no Dates, no
    // class instances, no undefined fields), so the page behaves the same in both hosts.
    return { ok: true, value: (value === undefined ? null : JSON.parse(JSON.stringify(value))) as Output<K> };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, error: JSON.parse(JSON.stringify(error.toBody())) as ErrorBody };
    log.error(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return { ok: false, error: INTERNAL_ERROR };
  }
}
