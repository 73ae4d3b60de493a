/**
 * F1, or `?` when not typing, opens and closes the help panel. `?` inside a field is text (a search
 * for "lamp?"), so it is left alone there; F1 is never text, so it works everywhere.
 */
import { onBeforeUnmount, onMounted } from 'vue';
import { typingIn } from './keyboard';

/** Whether a key press asks for help. */
export function isHelpShortcut(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>): boolean {
  if (event.ctrlKey || event.metaKey || event.altKey) return false;
  if (event.key === 'F1') return true;
  return event.key === '?' && !typingIn(event.target);
}

export function useHelpShortcut(toggle: () => void): void {
  function onKey(event: KeyboardEvent): void {
    // A modal question (leave without saving?) is answered first.
    if (event.defaultPrevented || !isHelpShortcut(event) || document.querySelector('dialog[open]')) return;
    // F1 would otherwise open the browser's own help page.
    event.preventDefault();
    toggle();
  }
  onMounted(() => window.addEventListener('keydown', onKey));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey));
}
