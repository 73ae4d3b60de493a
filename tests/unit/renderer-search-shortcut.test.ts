import { describe, expect, it } from 'vitest';
import { isSearchShortcut } from '../../renderer/src/search-shortcut';

const key = (k: string, extra: { ctrlKey?: boolean; metaKey?: boolean; altKey?: boolean; target?: EventTarget | null } = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  target: null,
  ...extra,
});

describe('the search shortcut', () => {
  it('is / outside a field, and Ctrl+K or ⌘K anywhere', () => {
    expect(isSearchShortcut(key('/'))).toBe(true);
    expect(isSearchShortcut(key('k', { ctrlKey: true }))).toBe(true);
    expect(isSearchShortcut(key('K', { metaKey: true }))).toBe(true);
    const input = { tagName: 'INPUT' } as unknown as EventTarget;
    expect(isSearchShortcut(key('k', { ctrlKey: true, target: input }))).toBe(true);
  });

  it('leaves / alone while typing, and other keys alone', () => {
    expect(isSearchShortcut(key('/', { target: { tagName: 'INPUT' } as unknown as EventTarget }))).toBe(false);
    expect(isSearchShortcut(key('/', { target: { tagName: 'DIV', isContentEditable: true } as unknown as EventTarget }))).toBe(false);
    expect(isSearchShortcut(key('k'))).toBe(false);
    expect(isSearchShortcut(key('k', { ctrlKey: true, altKey: true }))).toBe(false);
  });
});
