/**
 * Who is making the writes of the current call. The host says it once, around the call
 * (`withActor`): the HTTP server from the authenticated request, the desktop shell for its window,
 * the channel routes for the shop whose webhook it is, the CLI for itself. Everything the call then
 * writes through the write queue carries it, however many services lie between: threading it as an
 * argument through every service method (stock, products, catalogue import, sample loader,
 * settings) would change them all for a fact none of them decides on.
 *
 * The write queue reads it when a write is submitted, not when the write runs: with group commit,
 * one transaction holds the writes of many callers, and each keeps its own actor. Work nobody asked
 * for (reservation expiry, publishing, webhook deliveries) runs outside any call and is `system`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Actor } from '../../shared/schemas/actor';

export type { Actor } from '../../shared/schemas/actor';

export const SYSTEM_ACTOR: Actor = { kind: 'system' };

const scope = new AsyncLocalStorage<Actor>();

/** Runs `work` with `actor` as the author of every write it makes. */
export function withActor<T>(actor: Actor, work: () => T): T {
  return scope.run(actor, work);
}

/** The author of writes made now: the innermost `withActor`, or the system. */
export function currentActor(): Actor {
  return scope.getStore() ?? SYSTEM_ACTOR;
}

/**
 * Handlers that record a call's actor through `withActor`: each is given the actor the host passes
 * and opens the scope itself. The stock handlers take it as an argument instead and hand it to the
 * write queue, and the storefront's reads record nobody: neither opens a scope, because once one
 * has been opened the scope's async hooks run for every promise and socket of the process (≈ 4 %
 * of the serve bench's server CPU, 25 µs of a stock write's ≈ 400).
 */
export function inActorScope<H extends Record<string, (input: never) => Promise<unknown>>>(handlers: H): { [K in keyof H]: (input: Parameters<H[K]>[0], actor?: Actor) => ReturnType<H[K]> } {
  const scoped: Record<string, (input: never, actor?: Actor) => Promise<unknown>> = {};
  for (const [name, handler] of Object.entries(handlers)) {
    scoped[name] = (input, actor) => (actor ? withActor(actor, () => handler(input)) : handler(input));
  }
  return scoped as { [K in keyof H]: (input: Parameters<H[K]>[0], actor?: Actor) => ReturnType<H[K]> };
}

/**
 * Runs `work` outside any call's scope: for work started on behalf of many callers (the write
 * queue's loop), which must not pass on whichever caller happened to start it.
 */
export function withoutActor<T>(work: () => T): T {
  return scope.exit(work);
}

/** The columns an actor is stored in (change log, movements). */
export type ActorColumns = { actor_kind: string | null; actor_id: string | null; actor_name: string | null };

export function actorColumns(actor: Actor): ActorColumns {
  return { actor_kind: actor.kind, actor_id: actor.id ?? null, actor_name: actor.name ?? null };
}

/** The actor stored in a row's columns; null for rows written before actors were recorded. */
export function actorFromColumns(row: Partial<ActorColumns>): Actor | null {
  if (!row.actor_kind) return null;
  const actor: Actor = { kind: row.actor_kind as Actor['kind'] };
  if (row.actor_id) actor.id = row.actor_id;
  if (row.actor_name) actor.name = row.actor_name;
  return actor;
}
