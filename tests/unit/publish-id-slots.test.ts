/**
 * The catalogue cache's ids (id-slots.ts): UUIDs kept as 16 bytes in an open-addressing table,
 * other ids as strings. Through random rounds of additions and removals (removal shifts entries
 * back in the table: a wrong shift loses an id or finds it at the wrong slot), every id must be
 * found at its slot, come back exactly as it went in, and none removed may be found; checked
 * against a plain Map. Many ids share their first bytes, as uuid7's timestamps do.
 */
import { describe, expect, it } from 'vitest';
import { IdSlots, packUuid, unpackUuid } from '../../electron/core/publish/id-slots';
import { uuid7 } from '../../electron/core/util/uuid7';

function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x / 0x7fffffff;
  };
}

function expectSame(slots: IdSlots, model: Map<string, number>, removed: string[]): void {
  expect(slots.size).toBe(model.size);
  // Compared as whole lists (an expect per id, round after round, took most of a minute).
  const entries = [...model];
  expect(entries.map(([id]) => slots.get(id))).toEqual(entries.map(([, slot]) => slot));
  expect(entries.map(([, slot]) => slots.idOf(slot))).toEqual(entries.map(([id]) => id));
  expect(removed.filter((id) => !model.has(id) && slots.has(id))).toEqual([]);
  expect([...slots.keys()].sort()).toEqual([...model.keys()].sort());
}

describe('IdSlots', () => {
  it('packs only lowercase canonical UUIDs, and gives them back exactly', () => {
    const bytes = new Uint8Array(16);
    for (let i = 0; i < 200; i++) {
      const id = uuid7();
      expect(packUuid(id, bytes, 0)).toBe(true);
      expect(unpackUuid(bytes, 0)).toBe(id);
    }
    for (const odd of ['', 'id-1', '0193A5B2-7C00-7000-8000-000000000001', '0193a5b2-7c00-7000-8000-00000000000g', '0193a5b2x7c00-7000-8000-000000000001', '0193a5b2-7c00-7000-8000-0000000000011', '0193a5b2-7c00-7000-8000-00000000000é']) {
      expect(packUuid(odd, bytes, 0), odd).toBe(false);
    }
  });

  it('finds every id at its slot through additions and removals, UUIDs and others alike', () => {
    const rand = rng(7);
    const slots = new IdSlots();
    const model = new Map<string, number>();
    const removed: string[] = [];
    const free: number[] = [];
    let next = 0;
    let made = 0;
    const newId = () => {
      made++;
      const r = rand();
      if (r < 0.1) return `legacy-${made}`;
      if (r < 0.15) return uuid7().toUpperCase();
      // Ids of the same few milliseconds: the same first bytes.
      return uuid7(1_760_000_000_000 + Math.floor(rand() * 3));
    };
    for (let round = 0; round < 30; round++) {
      const adds = Math.floor(rand() * 3000);
      for (let i = 0; i < adds; i++) {
        const id = newId();
        if (model.has(id)) continue;
        const slot = free.pop() ?? next++;
        slots.set(id, slot);
        model.set(id, slot);
      }
      const ids = [...model.keys()];
      const drops = Math.floor(rand() * ids.length * 0.5);
      for (let i = 0; i < drops; i++) {
        const id = ids[Math.floor(rand() * ids.length)] as string;
        const slot = model.get(id);
        if (slot === undefined) continue;
        slots.delete(id, slot);
        model.delete(id);
        removed.push(id);
        free.push(slot);
      }
      expectSame(slots, model, removed);
      // The ids another table lacks (a full publish's gone products): a random part of these,
      // at other slots, plus ids of its own.
      const other = new IdSlots();
      const kept = new Set<string>();
      let otherSlot = 0;
      for (const id of model.keys()) {
        if (rand() < 0.9) {
          other.set(id, otherSlot++);
          kept.add(id);
        }
      }
      for (let i = 0; i < 50; i++) other.set(newId(), otherSlot++);
      expect(slots.idsNotIn(other).sort()).toEqual([...model.keys()].filter((id) => !kept.has(id)).sort());
    }
    expect(model.size).toBeGreaterThan(1000);
  });
});
