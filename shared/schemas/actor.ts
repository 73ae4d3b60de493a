import { z } from 'zod';

export const ACTOR_KINDS = ['user', 'token', 'channel', 'system'] as const;

/**
 * Who made a change: a person signed in with their account (`user`, with the account's id and the
 * name it had then), whoever holds the API token (`token`: a script, or a browser signed in with the
 * token), a sales channel's webhook (`channel`: `shopify`, `woocommerce`) or Stockfeed itself
 * (`system`: reservation expiry, the command line, the desktop app's own work). Recorded on every
 * movement and change-log entry; null on entries made before Stockfeed recorded it.
 */
export const actorSchema = z.object({
  kind: z.enum(ACTOR_KINDS),
  id: z.string().optional(),
  name: z.string().optional(),
});

export type Actor = z.infer<typeof actorSchema>;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** How an actor reads in the app and the logs: "anna", "API token", "Shopify", "Stockfeed". */
export function actorLabel(actor: Actor | null): string {
  if (!actor) return 'unknown (before Stockfeed recorded it)';
  switch (actor.kind) {
    case 'user':
      return actor.name ?? actor.id ?? 'a person';
    case 'token':
      return actor.name ?? 'API token';
    case 'channel':
      return actor.name ?? actor.id ?? 'a sales channel';
    case 'system':
      return actor.name ? `Stockfeed (${actor.name})` : 'Stockfeed';
  }
}
