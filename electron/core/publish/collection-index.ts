/**
 * The publisher's memory of the collections (issue 19): each collection's members in SKU order,
 * and which collections each product is in. A full publish fills it as it renders the catalogue
 * (in SKU order, so every member is appended); an incremental one moves the products a change
 * touched and marks the collections they left or joined, and only those are rendered again.
 * A member is one shared object per product, whatever the number of its collections.
 */
import type { Availability } from '../../../shared/domain/availability';
import type { CollectionKind, CollectionRef } from './collections';

/** What a collection page shows of a product. */
export type Member = {
  id: string;
  sku: string;
  /** Whether the page lists it: it can be bought now (in stock, on backorder or preorder). */
  listed: boolean;
  availability: Availability;
  /** Its entry in the data file's `products`, as JSON text. */
  entry: string;
  /** The first 32 bits of the entry's SHA-256: a collection's content hash is made of its listed members'. */
  entryHash: number;
};

/** A product's place in the collections: its member entry and the collections (as it spells them). */
export type Membership = { member: Member; refs: CollectionRef[] };

export type Collection = {
  slug: string;
  kind: CollectionKind;
  /** The level's or brand's name, as its first member (in SKU order) spelled it when it appeared. */
  name: string;
  path: string[];
  parent: string | null;
  /** In SKU order. */
  members: Member[];
};

function indexOf(members: Member[], sku: string): number {
  let lo = 0;
  let hi = members.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((members[mid] as Member).sku < sku) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class CollectionIndex {
  readonly collections = new Map<string, Collection>();
  /** Each product's collections (slugs), by product id. */
  private readonly slugsOf = new Map<string, string[]>();
  private readonly memberOf = new Map<string, Member>();
  /** Collections whose members changed since `takeDirty`. */
  private dirty = new Set<string>();

  /** Puts a product in its collections (none: takes it out of all), moving it when it changed. */
  put(id: string, membership: Membership | null): void {
    const before = this.memberOf.get(id);
    const oldSlugs = this.slugsOf.get(id) ?? [];
    if (before) for (const slug of oldSlugs) this.detach(slug, before);
    if (!membership || membership.refs.length === 0) {
      this.memberOf.delete(id);
      this.slugsOf.delete(id);
      for (const slug of oldSlugs) this.dirty.add(slug);
      return;
    }
    const { member, refs } = membership;
    const slugs: string[] = [];
    for (const ref of refs) {
      let c = this.collections.get(ref.slug);
      if (!c) {
        c = { slug: ref.slug, kind: ref.kind, name: ref.name, path: ref.path, parent: ref.parent, members: [] };
        this.collections.set(ref.slug, c);
      }
      // Two spellings of one level in one path (`Mugs > mugs`) are one collection: listed once.
      if (slugs.includes(ref.slug)) continue;
      slugs.push(ref.slug);
      const members = c.members;
      const last = members[members.length - 1];
      if (!last || last.sku < member.sku) members.push(member);
      else members.splice(indexOf(members, member.sku), 0, member);
    }
    this.memberOf.set(id, member);
    this.slugsOf.set(id, slugs);
    // A product whose visible entry and collections are as they were changes no page.
    if (before && sameMember(before, member) && sameSlugs(oldSlugs, slugs)) return;
    for (const slug of oldSlugs) this.dirty.add(slug);
    for (const slug of slugs) this.dirty.add(slug);
  }

  private detach(slug: string, member: Member): void {
    const c = this.collections.get(slug);
    if (!c) return;
    const at = indexOf(c.members, member.sku);
    if (c.members[at] === member) c.members.splice(at, 1);
    else {
      const found = c.members.indexOf(member);
      if (found >= 0) c.members.splice(found, 1);
    }
    // Kept while empty until rendered: the renderer removes its file and forgets it.
  }

  /** Forgets a collection without members (after its file was removed). */
  drop(slug: string): void {
    const c = this.collections.get(slug);
    if (c && c.members.length === 0) this.collections.delete(slug);
  }

  /** The collections to render again since the last call (all of them after a full build). */
  takeDirty(): Set<string> {
    const out = this.dirty;
    this.dirty = new Set();
    return out;
  }

  /** Marks every collection for rendering (a full publish). */
  markAll(): void {
    for (const slug of this.collections.keys()) this.dirty.add(slug);
  }

  /** The collections a product is in now. */
  slugsFor(id: string): readonly string[] {
    return this.slugsOf.get(id) ?? [];
  }
}

function sameMember(a: Member, b: Member): boolean {
  return a.sku === b.sku && a.entry === b.entry && a.listed === b.listed;
}

function sameSlugs(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}
