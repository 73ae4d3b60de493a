/** The filtered export asks the server for exactly the products the list shows. */
import { describe, expect, it } from 'vitest';
import { filterQuery } from '../../renderer/src/stores/catalog';

describe('filterQuery', () => {
  it('sends every filter, booleans included, and leaves out the ones not set', () => {
    const query = new URLSearchParams(filterQuery({ query: 'mug', status: 'active', duplicateGtin: true, location: undefined }));
    expect(Object.fromEntries(query)).toEqual({ query: 'mug', status: 'active', duplicateGtin: 'true' });
  });

  it('is empty for the whole catalogue', () => {
    expect(filterQuery({})).toBe('');
  });
});
