import { describe, expect, it } from 'vitest';
import { isHelpShortcut } from '../../renderer/src/help-shortcut';

const key = (k: string, extra: { ctrlKey?: boolean; metaKey?: boolean; altKey?: boolean; target?: EventTarget | null } = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  target: null,
  ...extra,
});
const field = (tagName: string, isContentEditable = false) => ({ tagName, isContentEditable }) as unknown as EventTarget;

describe('the help shortcut', () => {
  it('is F1 anywhere, and ? outside a field', () => {
    expect(isHelpShortcut(key('F1'))).toBe(true);
    expect(isHelpShortcut(key('F1', { target: field('INPUT') }))).toBe(true);
    expect(isHelpShortcut(key('?'))).toBe(true);
    expect(isHelpShortcut(key('?', { target: field('BUTTON') }))).toBe(true);
  });

  it('leaves ? to the field being typed in, and modified keys to the browser', () => {
    expect(isHelpShortcut(key('?', { target: field('INPUT') }))).toBe(false);
    expect(isHelpShortcut(key('?', { target: field('TEXTAREA') }))).toBe(false);
    expect(isHelpShortcut(key('?', { target: field('DIV', true) }))).toBe(false);
    expect(isHelpShortcut(key('F1', { ctrlKey: true }))).toBe(false);
    expect(isHelpShortcut(key('?', { altKey: true }))).toBe(false);
    expect(isHelpShortcut(key('/'))).toBe(false);
    expect(isHelpShortcut(key('h'))).toBe(false);
  });
});
