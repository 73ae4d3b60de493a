/**
 * A form with unsaved edits whose record changes elsewhere (another person or window, a script
 * through the API, a channel, an import). Reloading it wholesale threw the typing away, and saving
 * a whole stale copy undid the other change; instead the versions are merged field by field, three
 * ways: `base` is what editing started from, `mine` the form, `theirs` the new saved version. What
 * was not edited here follows the server; whatever was edited here stays as typed.
 */
import type { Actor } from '../../shared/schemas/actor';

export type FieldMerge<T> = {
  merged: T;
  /** Fields (dotted paths) the other side changed that were not edited here: the server's taken. */
  fromServer: string[];
  /** Fields edited here, kept. */
  kept: string[];
  /** Of those, fields the other side changed too, to something else: ours kept, theirs named here. */
  conflicts: string[];
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const same = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

/**
 * Merges a form's values with a newer saved version, field by field: nested objects field by
 * field too, anything else (text, figures, lists) as one value. A field missing from `mine`
 * (a form that does not edit it) follows the server.
 */
export function mergeFields<T>(base: T, mine: T, theirs: T): FieldMerge<T> {
  const result = { fromServer: [] as string[], kept: [] as string[], conflicts: [] as string[] };
  const walk = (b: unknown, m: unknown, t: unknown, path: string): unknown => {
    if (isRecord(b) && isRecord(m) && isRecord(t)) {
      const out: Record<string, unknown> = {};
      for (const key of new Set([...Object.keys(t), ...Object.keys(m)])) {
        const at = path ? `${path}.${key}` : key;
        out[key] = key in m ? walk(b[key], m[key], t[key], at) : t[key];
      }
      return out;
    }
    if (same(m, b)) {
      if (!same(t, b)) result.fromServer.push(path);
      return t;
    }
    result.kept.push(path);
    if (!same(t, b) && !same(t, m)) result.conflicts.push(path);
    return m;
  };
  return { merged: walk(base, mine, theirs, '') as T, ...result };
}

/**
 * Who made a change, for a sentence: the person's name, "You (in another window)" for the person on
 * screen, or null when the change names nobody.
 */
export function changedBy(actor: Actor | null | undefined, myId: string | undefined): string | null {
  if (!actor) return null;
  switch (actor.kind) {
    case 'user':
      if (myId !== undefined && actor.id === myId) return 'You (in another window)';
      return actor.name ?? null;
    case 'token':
      return `Someone using the ${actor.name ?? 'API token'}`;
    case 'channel':
      return actor.name ?? actor.id ?? null;
    case 'system':
      return 'Stockfeed';
  }
}

/** A field's path in words, when the form has no label for it: `sftp.remoteDir` → "sftp remote dir". */
export function fieldWords(path: string): string {
  return path
    .split('.')
    .map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase())
    .join(' ');
}

const fields = (n: number): string => (n === 1 ? '1 field' : `${n} fields`);

/**
 * "anna changed this product while you were editing: 2 fields updated from the server, your
 * changes to 1 field kept." and, when both changed a field, the fields where theirs was set aside.
 * `what` names the record ("this product", "the settings"); `label` turns a path into words.
 */
export function changedElsewhereNotice(who: string | null, what: string, merge: Pick<FieldMerge<unknown>, 'fromServer' | 'kept' | 'conflicts'>, label: (path: string) => string = fieldWords): string {
  const parts: string[] = [];
  if (merge.fromServer.length > 0) parts.push(`${fields(merge.fromServer.length)} updated from the server`);
  if (merge.kept.length > 0) parts.push(`your changes to ${fields(merge.kept.length)} kept`);
  const head = who ? `${who} changed ${what} while you were editing` : `${what.charAt(0).toUpperCase()}${what.slice(1)} changed elsewhere while you were editing`;
  let text = parts.length > 0 ? `${head}: ${parts.join(', ')}.` : `${head}.`;
  if (merge.conflicts.length > 0) text += ` Changed there too, yours kept: ${merge.conflicts.map(label).join(', ')}.`;
  return text;
}

/** Whether a merge changed anything worth a notice (a version that only repeats ours needs none). */
export function worthNotice(merge: Pick<FieldMerge<unknown>, 'fromServer' | 'conflicts'>): boolean {
  return merge.fromServer.length + merge.conflicts.length > 0;
}
