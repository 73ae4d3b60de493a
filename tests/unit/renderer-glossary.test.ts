import { describe, expect, it } from 'vitest';
import { GLOSSARY_IDS, glossary, glossaryEntry } from '../../renderer/src/glossary';

describe('the glossary', () => {
  const entries = glossary().flatMap((group) => group.entries);

  it('has exactly one entry for every id, each with a term, a tooltip and an explanation', () => {
    expect(entries.map((e) => e.id).sort()).toEqual([...GLOSSARY_IDS].sort());
    for (const entry of entries) {
      expect(entry.term.trim()).not.toBe('');
      expect(entry.short.length, entry.id).toBeLessThanOrEqual(90);
      expect(entry.body.join(' ').length, entry.id).toBeGreaterThan(entry.short.length);
    }
  });

  it('explains the stock words the README and the API use, and the stock actions', () => {
    const terms = entries.map((e) => e.term);
    expect(terms).toEqual(
      expect.arrayContaining(['On hand', 'Committed', 'Incoming', 'Available', 'Buffer stock', 'Backorder', 'Preorder', 'Availability in the feed']),
    );
    expect(terms).toEqual(expect.arrayContaining(['Receive', 'Adjust', 'Count', 'Transfer', 'Return']));
    // available = on hand − committed, as in the README and GET /stock/{sku}.
    expect(glossaryEntry('available').body.join(' ')).toContain('on hand minus committed');
    expect(glossaryEntry('buffer').body.join(' ')).toMatch(/at or below the buffer, the feed says out of stock/);
  });

  it('states the low-stock line it uses', () => {
    expect(glossaryEntry('low-stock').body.join(' ')).toContain('5 or fewer units');
    expect(glossaryEntry('low-stock').body.join(' ')).toContain('no more than its reorder point');
  });
});
